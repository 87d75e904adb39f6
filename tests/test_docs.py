"""The repository's own documentation and tooling say what the code does.

The parameter table of docs/rules.md is generated from the parameter files and must be current;
every document the code cites exists under docs/ and the README links it; `make help` lists every
target; pre-commit runs the checks of `make check`.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CITED = re.compile(r"(?<![\w/.-])(docs/)?([a-z][a-z-]*)\.md\b")
SPEC_NAMES = {
    "rules",
    "cases",
    "payments",
    "glossary",
    "architecture",
    "evaluation-contract",
    "security",
    "security-and-operations",
    "operations",
}


def _generator(name: str = "generate_parameters") -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [ROOT / name for name in listed.stdout.split()]


def test_the_parameter_table_of_the_rules_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(DOCS / "generate_parameters.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_new_dated_value_appears_in_the_table(tmp_path: Path) -> None:
    generator = _generator()
    data = tmp_path / "data"
    shutil.copytree(ROOT / "rules" / "parameters" / "data", data)
    amount = data / "remuneration.monthly_amount.yaml"
    amount.write_text(
        amount.read_text(encoding="utf-8")
        + '  - from: 2026-04-01\n    value: "781.02"\n    status: N\n'
        + '    source: "Décret | revalorisation 2026"\n',
        encoding="utf-8",
    )
    table = generator.parameter_table(data)
    assert "| 2026-04-01 | 781.02 € | [N] national | Décret \\| revalorisation 2026 |" in table
    document = f"intro\n{generator.BEGIN}\nold table\n{generator.END}\nafter\n"
    rendered = generator.render_document(document, table)
    assert "old table" not in rendered
    assert rendered.startswith("intro\n") and rendered.endswith("after\n")
    assert "781.02 €" in rendered


def test_the_check_fails_on_a_stale_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = _generator()
    stale = tmp_path / "rules.md"
    current = (DOCS / "rules.md").read_text(encoding="utf-8")
    stale.write_text(current.replace("769.49 €", "769.50 €"), encoding="utf-8")
    monkeypatch.setattr(generator, "RULES_DOC", stale)
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0
    assert stale.read_text(encoding="utf-8") == current


def test_the_example_requests_are_the_worked_examples_requests() -> None:
    done = subprocess.run(
        [sys.executable, str(DOCS / "generate_examples.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for fixture in sorted((ROOT / "tests" / "rules" / "examples").glob("*.json")):
        request = json.loads((ROOT / "examples" / "requests" / fixture.name).read_text("utf-8"))
        assert request == json.loads(fixture.read_text("utf-8"))["request"]


def test_stale_or_extra_example_requests_are_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generator = _generator("generate_examples")
    target = tmp_path / "requests"
    shutil.copytree(ROOT / "examples" / "requests", target)
    (target / "99-left-over.json").write_text("{}\n", encoding="utf-8")
    first = sorted(target.glob("*.json"))[0]
    first.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(generator, "REQUESTS", target)
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    assert not (target / "99-left-over.json").exists()
    assert json.loads(first.read_text("utf-8")) != {}


def test_every_cited_document_is_in_docs() -> None:
    """Docstrings and data files cite docs/NAME.md, and the file is there."""
    problems = []
    for path in _tracked("*.py", "*.yaml"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("docs/", "bench/")) or relative == "tests/test_docs.py":
            continue
        for match in CITED.finditer(path.read_text(encoding="utf-8")):
            prefix, name = match.groups()
            if name not in SPEC_NAMES and prefix is None:
                continue
            if prefix is None or not (DOCS / f"{name}.md").is_file():
                problems.append(f"{relative}: {match.group(0)}")
    assert problems == []


def test_the_readme_links_every_document() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documents = sorted(path.name for path in DOCS.glob("*.md"))
    assert {"architecture.md", "glossary.md", "rules.md", "payments.md", "cases.md"} <= set(
        documents
    )
    assert [name for name in documents if f"(docs/{name})" not in readme] == []


def test_make_help_lists_every_target() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE)
    assert {"help", "install", "run", "test", "check"} <= set(targets)
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {line.split()[1] for line in shown.splitlines() if line.startswith("make ")}
    assert listed == set(targets)


def _make_check_commands() -> list[str]:
    """The commands `make check` runs, with the Makefile's variables expanded."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    packages = re.search(r"^PACKAGES := (.+)$", makefile, flags=re.MULTILINE)
    assert packages is not None
    prerequisites = re.search(r"^check: ([^#\n]+)", makefile, flags=re.MULTILINE)
    assert prerequisites is not None
    commands = []
    for target in prerequisites.group(1).split():
        recipe = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, flags=re.MULTILINE)
        assert recipe is not None, target
        for line in recipe.group(1).splitlines():
            command = line.strip().replace("$(BIN)/", ".venv/bin/")
            command = command.replace("$(PACKAGES)", packages.group(1).strip())
            commands.append(command.removesuffix(" ."))
    return commands


def test_pre_commit_runs_the_checks_of_make_check() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    commands = _make_check_commands()
    tools = {shlex.split(command)[0] for command in commands}
    assert {".venv/bin/ruff", ".venv/bin/mypy", ".venv/bin/lint-imports"} <= tools
    assert {".venv/bin/yamllint", ".venv/bin/typos"} <= tools
    missing = [c for c in commands if not any(entry.startswith(c) for entry in entries)]
    assert missing == []
