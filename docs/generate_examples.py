"""Write the runnable example requests of ``examples/requests/`` from the worked examples.

The worked examples of ``tests/rules/examples/*.json`` hold a request and its expected result,
computed by hand from docs/rules.md; a newcomer needs the request alone, the file
``remu evaluate`` and ``POST /v1/evaluations`` take. This script copies each ``request`` part
under the same file name, so the two never drift apart (a test checks it).

    python docs/generate_examples.py           # rewrite examples/requests/
    python docs/generate_examples.py --check   # exit 1 when examples/requests/ is not current
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["FIXTURES", "REQUESTS", "expected_files", "main"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "rules" / "examples"
REQUESTS = ROOT / "examples" / "requests"


def expected_files(fixtures: Path = FIXTURES) -> dict[str, str]:
    """File name → text of every example request, from the worked examples in ``fixtures``."""
    files: dict[str, str] = {}
    for path in sorted(fixtures.glob("*.json")):
        request = json.loads(path.read_text(encoding="utf-8"))["request"]
        files[path.name] = json.dumps(request, ensure_ascii=False, indent=2) + "\n"
    return files


def _current(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in directory.glob("*.json")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, change nothing")
    args = parser.parse_args(argv)
    expected = expected_files()
    current = _current(REQUESTS) if REQUESTS.is_dir() else {}
    if current == expected:
        return 0
    if args.check:
        print(
            f"{REQUESTS} is not up to date with {FIXTURES}: "
            "run `make docs` (python docs/generate_examples.py)",
            file=sys.stderr,
        )
        return 1
    REQUESTS.mkdir(parents=True, exist_ok=True)
    for stale in set(current) - set(expected):
        (REQUESTS / stale).unlink()
    for name, text in expected.items():
        (REQUESTS / name).write_text(text, encoding="utf-8")
    print(f"{REQUESTS}: {len(expected)} example requests written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
