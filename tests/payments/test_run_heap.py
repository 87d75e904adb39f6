"""A run leaves the garbage collector as it found it: the heap frozen during the chunks is
unfrozen after them, even when a chunk fails, and a process that froze its heap itself
(``remu serve``) keeps exactly its own freeze."""

from __future__ import annotations

import gc

import pytest

from payments.run_chunks import _settled_heap


def test_the_heap_is_frozen_during_the_chunks_only() -> None:
    if gc.get_freeze_count():
        pytest.skip("this test process froze its heap itself")
    with _settled_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), _settled_heap():
        raise RuntimeError("a chunk failed")
    assert gc.get_freeze_count() == 0


def test_a_settled_heap_is_left_as_it_is() -> None:
    if gc.get_freeze_count():
        pytest.skip("this test process froze its heap itself")
    gc.freeze()
    try:
        settled = gc.get_freeze_count()
        with _settled_heap():
            assert gc.get_freeze_count() == settled
        assert gc.get_freeze_count() == settled
    finally:
        gc.unfreeze()
