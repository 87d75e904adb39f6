"""The service's contact details: one file, read by the letters, the case macros and the console.

``service.yaml`` (packaged) says who writes to trainees and how to reach them; a deployment
replaces that file with its own. The packaged values are those of a visibly fictitious
« Région de démonstration ».
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from rules.reference_data import read_yaml

__all__ = ["CONTACT_FILE", "contact_line", "load_contact_data"]

CONTACT_FILE = Path(__file__).with_name("service.yaml")


def load_contact_data(path: Path | None = None) -> dict[str, Any]:
    """The raw contact mapping (the packaged file, read once, by default)."""
    if path is None:
        return dict(_packaged())
    return _read(path)


@lru_cache(maxsize=1)
def _packaged() -> dict[str, Any]:
    return _read(CONTACT_FILE)


def _read(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path} : un objet YAML est attendu")
    return data


def contact_line(data: dict[str, Any] | None = None) -> str:
    """How to reach the service, in one French sentence pair (end of the macros' messages)."""
    values = data if data is not None else load_contact_data()
    return f"Téléphone : {values['phone']}, {values['hours']}. Courriel : {values['email']}"
