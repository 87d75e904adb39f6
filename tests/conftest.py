"""Suite-wide fixtures."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _root_log_handlers_restored() -> Iterator[None]:
    """A command run in-process installs its log handler on the test's captured stderr.

    pytest closes that stream after the test; a handler left behind would then fail to write in
    every later test ("I/O operation on closed file"). The root logger gets its handlers and level
    back after each test.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
