"""The evaluation contract's three doors answer the same bytes (library, command line, API)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from rules import InputError, evaluate, result_to_json

EXAMPLES = sorted((Path(__file__).parents[1] / "rules" / "examples").glob("*.json"))


def cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "api.composition", *args],
        input=stdin,
        capture_output=True,
        check=False,
        env={**os.environ, **(env or {})},
        cwd=Path(__file__).parents[2],
        timeout=60,
    )


def library_bytes(request: dict[str, Any]) -> bytes:
    # Every example states its as_of, so "today" does not matter here.
    return result_to_json(evaluate(request, today=date(2026, 11, 28)))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_three_doors_same_bytes(api: Any, path: Path) -> None:
    example = json.loads(path.read_text(encoding="utf-8"))
    body = json.dumps(example["request"]).encode()
    by_api = api.client.post(
        "/v1/evaluations",
        content=body,
        headers=api.headers("instructor", **{"Content-Type": "application/json"}),
    )
    by_cli = cli("evaluate", "-", stdin=body)
    if "error" in example["expected"]:
        with pytest.raises(InputError) as caught:
            evaluate(example["request"], today=date(2026, 11, 28))
        assert by_cli.returncode == 2
        assert by_cli.stdout == b""
        problem = json.loads(by_cli.stderr)
        assert example["expected"]["error"] == caught.value.summary
        assert problem["code"] == "validation_error"
        assert problem["detail"] == caught.value.detail
        assert by_api.status_code == 422
        assert by_api.headers["content-type"].startswith("application/problem+json")
        answered = by_api.json()
        assert {k: answered[k] for k in ("code", "detail", "errors")} == {
            k: problem[k] for k in ("code", "detail", "errors")
        }
        assert answered["request_id"] and "error" not in answered
        assert answered["errors"][0]["path"] == "months[0]"
        return
    expected = library_bytes(example["request"])
    assert by_cli.returncode == 0, by_cli.stderr.decode()
    assert by_cli.stdout == expected
    assert by_api.status_code == 200
    assert by_api.content == expected
    assert by_api.headers["content-type"] == "application/json"
    result = json.loads(expected)
    assert result["decision"] == example["expected"]["decision"]
    assert result["total"] == example["expected"]["total"]


def test_cli_reads_a_file_and_reports_unreadable_ones(tmp_path: Path) -> None:
    request = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))["request"]
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    done = cli("evaluate", str(path))
    assert done.returncode == 0
    assert done.stdout == library_bytes(request)
    missing = cli("evaluate", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2
    assert "Fichier illisible" in missing.stderr.decode()
    assert "Traceback" not in missing.stderr.decode()


def test_malformed_json_gets_paths_not_a_traceback(api: Any) -> None:
    done = cli("evaluate", "-", stdin=b'{"trainee": {"sex": "X"}, "oops": 1}')
    assert done.returncode == 2
    problem = json.loads(done.stderr)
    assert {e["path"] for e in problem["errors"]} == {"trainee.sex", "oops"}
    assert "Traceback" not in done.stderr.decode()
    response = api.client.post(
        "/v1/evaluations",
        content=b"{not json",
        headers=api.headers("instructor", **{"Content-Type": "application/json"}),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_parameters_outside_their_life_are_refused_clearly(api: Any) -> None:
    request = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))["request"]
    request["training"]["start_date"] = "2018-03-11"
    request["training"]["end_date"] = "2018-09-27"
    request["months"] = []
    request["aid_requests"] = []
    done = cli("evaluate", "-", stdin=json.dumps(request).encode())
    assert done.returncode == 3
    assert "aucune valeur en vigueur" in done.stderr.decode()
    response = api.client.post("/v1/evaluations", json=request, headers=api.headers("instructor"))
    assert response.status_code == 422


def test_organisations_may_not_evaluate(api: Any) -> None:
    request = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))["request"]
    response = api.client.post("/v1/evaluations", json=request, headers=api.headers("organisation"))
    assert response.status_code == 403
    assert api.client.post("/v1/evaluations", json=request).status_code == 401


def test_parameters_commands(tmp_path: Path) -> None:
    check = cli("parameters", "check")
    assert check.returncode == 0
    assert "15 paramètres valides" in check.stdout.decode()
    shown = cli("parameters", "show", "remuneration.monthly_amount", "--at", "2024-04-01")
    assert shown.returncode == 0
    value = json.loads(shown.stdout)
    assert value["value"] == "756.63" and value["from"] == "2024-04-01" and value["source"]
    every = json.loads(cli("parameters", "show").stdout)
    assert len(every) == 15
    bad = tmp_path / "params"
    bad.mkdir()
    source = Path(__file__).parents[2] / "rules" / "parameters" / "data"
    for file in source.glob("*.yaml"):
        (bad / file.name).write_text(file.read_text("utf-8"), "utf-8")
    cap = bad / "equipment.cap.yaml"
    cap.write_text(cap.read_text("utf-8").replace('"500.00"', "500.00"), "utf-8")
    refused = cli("parameters", "check", "--dir", str(bad))
    assert refused.returncode == 3
    assert "equipment.cap.yaml" in refused.stderr.decode()
    early = cli("parameters", "show", "advance.amount", "--at", "2019-08-31")
    assert early.returncode == 3
    assert cli("parameters", "show", "--at", "hier").returncode == 2


def test_parameters_directory_from_the_environment_changes_results(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "rules" / "parameters" / "data"
    for file in source.glob("*.yaml"):
        (tmp_path / file.name).write_text(file.read_text("utf-8"), "utf-8")
    amount = tmp_path / "advance.amount.yaml"
    amount.write_text(amount.read_text("utf-8").replace('"200.00"', '"300.00"'), "utf-8")
    request = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))["request"]
    done = cli(
        "evaluate",
        "-",
        stdin=json.dumps(request).encode(),
        env={"REMU_PARAMETERS_DIR": str(tmp_path)},
    )
    assert done.returncode == 0
    lines = json.loads(done.stdout)["lines"]
    assert lines[0]["kind"] == "advance" and lines[0]["amount"] == "300.00"


def test_an_evaluation_does_not_wait_for_the_writer(api: Any) -> None:
    """The stateless evaluation writes nothing: its transaction only reads, so it is answered
    while another request holds SQLite's writer lock (a writing transaction would queue behind
    it until the busy timeout)."""
    example = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    body = json.dumps(example["request"]).encode()
    headers = {
        "Authorization": f"Bearer {api.tokens['instructor']}",
        "Content-Type": "application/json",
    }
    with api.session() as session, session.begin():
        session.execute(text("SELECT 1"))  # SQLite: BEGIN IMMEDIATE, the writer lock is held
        answered = api.client.post("/v1/evaluations", content=body, headers=headers)
    assert answered.status_code == 200, answered.text
    assert answered.content == library_bytes(example["request"])
