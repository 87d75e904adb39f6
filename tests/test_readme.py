"""Every command the README shows works as written, the way a newcomer types it.

The shell blocks of README.md are read line by line. `remu` commands are run from the root of
the checkout, exactly as written, with `REMU_HOME` pointing at a fresh directory so the demo data
and secrets they create stay out of the checkout; a trailing comment ``exit N`` gives the exit
status the README promises (0 otherwise). `make` commands are checked against the Makefile, and
`make help` is run; the others install, serve or run the suite, which is what this test is part
of. `remu serve` and `remu scheduler` run until stopped: they are only checked to exist.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REMU = ".venv/bin/remu"
LONG_RUNNING = {"serve", "scheduler"}


@dataclass(frozen=True)
class Command:
    line: str
    words: tuple[str, ...]
    expected_exit: int


def readme_commands() -> list[Command]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        for raw in block.splitlines():
            line, _, comment = raw.partition("#")
            if not line.strip():
                continue
            promised = re.search(r"\bexit (\d+)", comment)
            commands.append(
                Command(
                    line=line.strip(),
                    words=tuple(shlex.split(line)),
                    expected_exit=int(promised.group(1)) if promised else 0,
                )
            )
    return commands


def makefile_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))


def test_the_readme_shows_commands_of_every_kind() -> None:
    programs = {command.words[0] for command in readme_commands()}
    assert programs == {"make", REMU}


def test_every_make_command_of_the_readme_is_a_target() -> None:
    targets = makefile_targets()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in readme_commands():
        if command.words[0] != "make":
            continue
        target, *assignments = command.words[1:]
        assert target in targets, command.line
        for assignment in assignments:
            variable = assignment.split("=", 1)[0]
            assert f"$({variable})" in makefile, command.line
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0 and "make run" in shown.stdout


@pytest.mark.slow
def test_every_remu_command_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    if not (ROOT / REMU).exists():
        pytest.skip("no .venv in this checkout: `make install` creates it")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REMU_") and key != "DATABASE_URL"
    }
    env["REMU_HOME"] = str(tmp_path)
    ran = []
    for command in readme_commands():
        if command.words[0] != REMU:
            continue
        if command.words[1] in LONG_RUNNING:
            continue
        done = subprocess.run(
            command.words,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == command.expected_exit, (command.line, done.stderr[-2000:])
        ran.append(command.words[1])
    assert {"evaluate", "parameters", "demo", "check-config", "jobs"} <= set(ran)
    assert (tmp_path / "var" / "remu.sqlite3").is_file()
