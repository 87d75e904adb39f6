"""Read a rendered letter back: the text a trainee sees, whitespace normalised."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """All pages' text, no-break spaces as spaces, runs of whitespace collapsed to one space."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return normalise(text)


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)
