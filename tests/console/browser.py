"""Real-browser support: the application served by uvicorn on 127.0.0.1, Debian's Chromium
driven by Playwright, axe-core checks, and the console messages that reveal CSP violations.

Browser tests skip (with the reason) only when /usr/bin/chromium is absent; `.ci/run` installs
it, so CI always runs them.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

__all__ = [
    "CHROMIUM",
    "LiveServer",
    "assert_accessible",
    "launch_chromium",
    "needs_chromium",
    "watch_console",
]

CHROMIUM = Path("/usr/bin/chromium")
_INTENDED_STATUS = re.compile(r"status of (401|403|409|422) ")
"""Pages answered with these statuses on purpose (a refused form); a 404 is still an error."""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium absent (/usr/bin/chromium) : apt-get install -y chromium (fait par .ci/run)",
)


class LiveServer:
    """The application on a free port of 127.0.0.1, in a thread of this process."""

    def __init__(self, app: Any) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def watch_console(page: Any) -> list[str]:
    """Collect the browser's error messages (CSP refusals, script errors) of `page`."""
    messages: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and not _INTENDED_STATUS.search(message.text):
            messages.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(str(error)))
    return messages


def assert_accessible(page: Any) -> None:
    """axe-core finds no violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
