"""The engine's answers, byte for byte, as they were before the performance work.

A change meant to make the engine faster must not change one byte of what it answers. The digest
below was computed on the code before that work (``python -m tests.rules.output_digest 400``);
if a rule or an explanation is changed on purpose, compute it again and say so in the commit.
"""

from __future__ import annotations

from .output_digest import digest

PINNED_400 = "c1a26ef6be2d6d93cc0c12bbde6cf849383e0385b1a853f0b60b6a2108c88cf7"


def test_output_digest() -> None:
    assert digest(400) == PINNED_400
