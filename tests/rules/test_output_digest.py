"""The engine's answers, byte for byte, as they were before the performance work.

A change meant to make the engine faster must not change one byte of what it answers. The digest
below was computed on the code before that work (``python -m tests.rules.output_digest 400``);
if a rule or an explanation is changed on purpose, compute it again and say so in the commit.
"""

from __future__ import annotations

from .output_digest import digest

PINNED_400 = "3aae0c6c59ac88418180da410352a8903b60f7084653e5d7b7d0e4d4c3f4692c"


def test_output_digest() -> None:
    assert digest(400) == PINNED_400
