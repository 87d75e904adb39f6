"""Shared fixtures for the letter and export tests: real templates, real contact, real engine."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from exports.letters import (
    LetterTemplates,
    Recipient,
    ServiceContact,
    TrainingInfo,
    load_service_contact,
    load_templates,
)

DATA = Path(__file__).parent / "data"


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def templates() -> LetterTemplates:
    return load_templates()


@pytest.fixture(scope="session")
def contact() -> ServiceContact:
    return load_service_contact()


@pytest.fixture
def recipient() -> Recipient:
    return Recipient(
        full_name="Marie Claire Dupont",
        last_name="Dupont",
        civility="Madame",
        address_lines=("12 rue des Lilas", "14000 Caen"),
    )


@pytest.fixture
def training() -> TrainingInfo:
    return TrainingInfo(
        name="Titre professionnel Agent de restauration",
        start_date=date(2024, 3, 11),
        end_date=date(2024, 9, 27),
    )
