"""Suite-wide fixtures."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

# The stored dossier views' safety net, for the whole suite (servers started as processes too):
# every read served from a stored view is compared with the view built live, and fails if not
# identical (api/http/dossier_reads.py). Off in production and in the benchmarks.
os.environ.setdefault("REMU_DOSSIER_VIEW_SHADOW", "true")


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
