"""Typed command-line arguments: a day, an identifier, a whole number, a readable file.

argparse checks them before the command runs, so a mistyped date or identifier, or a file
that is not there, is refused with a French message and exit status 2 before anything is
opened or written — never a stack trace.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import date
from pathlib import Path

__all__ = [
    "BATCH",
    "DAY",
    "FILE",
    "MONTH",
    "NAME",
    "RUN",
    "day",
    "identifier",
    "integer",
    "readable_file",
]

# What the usage and the help call an argument's value (argparse would write the English
# destination in capitals: EXECUTION_DATE, USER).
DAY, MONTH, NAME, FILE = "AAAA-MM-JJ", "AAAA-MM", "NOM", "FICHIER"
BATCH, RUN = "LOT", "PAIE"


def day(text: str) -> date:
    """A calendar day written AAAA-MM-JJ."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas une date au format AAAA-MM-JJ"
        ) from None


def identifier(text: str) -> uuid.UUID:
    """A record's identifier (UUID), as `remu … list` and the console show it."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un identifiant (UUID)") from None


def readable_file(text: str) -> Path:
    """A file that exists and can be read now."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"fichier introuvable : {text}")
    return path


def integer(text: str) -> int:
    """A whole number (a count, a limit, a seed)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
