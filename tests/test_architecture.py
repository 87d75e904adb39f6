"""Style rules of docs/architecture.md that a linter does not see."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ["rules", "remuneration", "payments", "exports"]
CLOCK = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|time\.time)\(")
FLOAT = re.compile(r"\bfloat\(|:\s*float\b|->\s*float\b")


def sources(*packages: str) -> list[Path]:
    return [p for package in packages for p in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize("path", sources(*CORE), ids=lambda p: str(p.relative_to(ROOT)))
def test_time_is_an_argument_below_api(path: Path) -> None:
    assert not CLOCK.search(path.read_text(encoding="utf-8")), f"{path}: reads the clock"


# The one YAML loader names YAML's float tag to refuse it: the only mention allowed.
_FLOAT_REFUSER = ROOT / "rules" / "reference_data.py"


@pytest.mark.parametrize(
    "path",
    [p for p in sources("rules") if p != _FLOAT_REFUSER],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_float_in_the_rules(path: Path) -> None:
    assert not FLOAT.search(path.read_text(encoding="utf-8")), f"{path}: float near money"


def test_every_package_states_its_public_api() -> None:
    for package in [*CORE, "api"]:
        init = (ROOT / package / "__init__.py").read_text(encoding="utf-8")
        assert '"""' in init, f"{package}/__init__.py has no docstring"
    assert "__all__" in (ROOT / "rules" / "__init__.py").read_text(encoding="utf-8")


def test_money_is_rounded_in_one_function() -> None:
    # The case queue's metrics round percentages and durations, not money.
    metrics = ROOT / "remuneration" / "cases"
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources(*CORE)
        if "ROUND_HALF_UP" in path.read_text(encoding="utf-8")
        and path != ROOT / "rules" / "money.py"
        and metrics not in path.parents
    ]
    assert offenders == []


def test_the_project_never_reads_the_shared_specification() -> None:
    for path in sources(*CORE, "api", "tests", "bench"):
        if path == Path(__file__).resolve():
            continue
        assert "shared/spec" not in path.read_text(encoding="utf-8"), path


def test_api_is_three_doors_and_what_they_share() -> None:
    """Every module of `api/` is in a door, but the shared settings (configuration, the clock,
    the parameter set, signed tokens) and the composition root."""
    top = sorted(p.name for p in (ROOT / "api").iterdir() if p.suffix == ".py" or p.is_dir())
    shared = ["__init__.py", "composition.py", "settings.py"]
    assert [p for p in top if p != "__pycache__"] == sorted([*shared, "cli", "http", "scheduler"])
