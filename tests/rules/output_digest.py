"""A digest of everything the engine answers, to prove a change of its code left every byte as
it was (performance work: docs/performance.md, sections (a) and (b)).

The digest covers the canonical bytes (``result_to_json``) of the worked examples and of a few
thousand varied synthetic requests — job seekers and insertion employees, several months, exits,
aids, unknown and malformed fields (an input error counts by its problems) — and, for the
granted ones, the lines of ``granted_lines`` with their explanations, as a payment run reads
them. Run ``python -m tests.rules.output_digest [N]`` before and after a change; the test
``test_output_digest`` pins the digest of a smaller set.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.synthetic import french_iban, synthetic_request
from rules import (
    InputError,
    Month,
    default_store,
    evaluate_request,
    granted_lines,
    loads,
    parse_request,
    result_to_json,
)

__all__ = ["digest", "varied_requests"]

TODAY = date(2026, 11, 28)
EXAMPLES = Path(__file__).parent / "examples"
Mutation = Callable[[dict[str, Any], random.Random], None]


def _months(data: dict[str, Any], rng: random.Random) -> None:
    """Every month of the training, with absences, allowances and sometimes outside hours."""
    start = date.fromisoformat(data["training"]["start_date"])
    end = date.fromisoformat(data["training"]["end_date"])
    data["months"] = []
    for month in Month.spanning(start, end):
        scheduled = rng.choice([0, 35, 70, 105, 151.67, "140.5"])
        unjustified = rng.choice([0, 0, 3.5, 7, "1.25"])
        justified = rng.choice([0, 0, 7, 14])
        total = float(str(scheduled))
        attended = total - float(str(unjustified)) - float(justified)
        if attended < 0:
            unjustified, justified, attended = 0, 0, total
        statement: dict[str, Any] = {
            "month": str(month),
            "scheduled_hours": scheduled,
            "attended_hours": round(attended, 2),
            "justified_absence_hours": justified,
            "unjustified_absence_hours": unjustified,
        }
        if rng.random() < 0.2:
            statement["daily_allowances"] = rng.choice(["12.50", "800.00", "0.01"])
        if rng.random() < 0.3:
            statement["hours_outside_work"] = round(attended * rng.random(), 2)
        data["months"].append(statement)


def _insertion(data: dict[str, Any], rng: random.Random) -> None:
    data["trainee"]["status"] = "insertion_employee"
    data["trainee"]["insertion"] = {
        "contract": rng.choice(["PEC", "SIAE", "CDDI", "EBE_CDI", "CUI"]),
        "are_complement": rng.random() < 0.1,
        "training_hours_outside_work": rng.choice([0, 12, "40.5", None]),
    }
    for statement in data["months"]:
        attended = float(str(statement["attended_hours"]))
        statement["hours_outside_work"] = rng.choice([0, round(attended / 2, 2), attended])


def _exit(data: dict[str, Any], rng: random.Random) -> None:
    start = date.fromisoformat(data["training"]["start_date"])
    end = date.fromisoformat(data["training"]["end_date"])
    day = start + timedelta(days=rng.randrange(0, (end - start).days + 1))
    data["exit"] = {
        "date": day.isoformat(),
        "reason": rng.choice(["legitimate", "abandonment", "exclusion"]),
    }
    data["training"]["end_date"] = end.isoformat()


def _aids(data: dict[str, Any], rng: random.Random) -> None:
    start = date.fromisoformat(data["training"]["start_date"])
    day = (start + timedelta(days=rng.randrange(-10, 400))).isoformat()
    data["aid_requests"] = [
        {"kind": "equipment", "date": day, "invoice_amount": rng.choice(["320.00", "99.99"])},
        {
            "kind": "driving_licence",
            "date": day,
            "cost": rng.choice(["1500.00", "300.00"]),
            "other_funding": rng.choice(["400.00", "1500.00", None]),
            "code_status": rng.choice(["passed", "in_preparation", "not_started"]),
        },
    ]
    if rng.random() < 0.3:
        data["aid_requests"].append({"kind": "equipment", "date": day, "invoice_amount": "10.00"})


def _unknown(data: dict[str, Any], rng: random.Random) -> None:
    section = rng.choice(["trainee", "training", "documents", "history"])
    key = rng.choice(sorted(data[section]))
    del data[section][key]


def _documents(data: dict[str, Any], rng: random.Random) -> None:
    documents = data.get("documents", {})
    if {"identity", "vitale", "rib"} - documents.keys():
        return
    choice = rng.randrange(6)
    if choice == 0:
        documents["rib"]["iban"] = "DE89 3704 0044 0532 0130 00"
    elif choice == 1:
        documents["rib"]["iban"] = french_iban(30004, 1234, 99)[:-1] + "0"
    elif choice == 2:
        documents["rib"]["holder"] = "M DURAND PAUL"
    elif choice == 3:
        documents["vitale"]["nir"] = "190017500000000"
    elif choice == 4:
        documents["identity"]["expiry_date"] = "2020-01-01"
    else:
        documents["rib"]["iban"] = "US00 1234"


def _history(data: dict[str, Any], rng: random.Random) -> None:
    if "start_date" not in data["training"]:
        return
    start = date.fromisoformat(data["training"]["start_date"])
    data["history"]["advance_received"] = rng.random() < 0.5
    data["history"]["remunerated_trainings"] = [
        {
            "start_date": (start - timedelta(days=90)).isoformat(),
            "end_date": (start + timedelta(days=rng.choice([-5, 3]))).isoformat(),
        }
    ]


def _malformed(data: dict[str, Any], rng: random.Random) -> None:
    choice = rng.randrange(9)
    if choice == 0:
        data["training"]["weekly_hours"] = -3
    elif choice == 1:
        data["trainee"]["birth_date"] = "1990-13-01"
    elif choice == 2:
        data["months"].append(dict(data["months"][0]) if data["months"] else None)
    elif choice == 3:
        data["trainee"]["colour"] = "bleu"
    elif choice == 4:
        data["months"] = [{"month": "2024-1", "scheduled_hours": "x", "attended_hours": True}]
    elif choice == 5:
        data["aid_requests"] = [{"kind": "bike", "invoice_amount": "1.001"}, 3]
    elif choice == 6:
        data["training"]["end_date"] = "2000-01-01"
    elif choice == 7:
        data["history"]["remunerated_trainings"] = [{"start_date": "2024-05-01"}, None]
    else:
        data["exit"] = {"date": "1999-01-01", "reason": "legitimate"}


def _other(data: dict[str, Any], rng: random.Random) -> None:
    data["trainee"]["status"] = rng.choice(["other", "job_seeker"])
    data["trainee"]["france_travail_indemnity"] = rng.choice(["are", "aref", "rff", "none"])
    data["training"]["weekly_hours"] = rng.choice([None, "34.5", 35, 12])
    data["training"]["distance_km"] = rng.choice([None, 0, 5, "29.9", 30, 80.5])
    data["training"]["approved_for_remuneration"] = rng.random() < 0.8
    data["training"]["total_hours"] = rng.choice([70, 400])


_MUTATIONS: tuple[Mutation, ...] = (
    _insertion,
    _exit,
    _aids,
    _unknown,
    _documents,
    _history,
    _malformed,
    _other,
)


def varied_requests(n: int, seed: int = 15) -> Iterator[bytes]:
    """``n`` request bodies: the benchmark's synthetic dossiers, most of them changed."""
    rng = random.Random(seed)
    for index in range(n):
        data = synthetic_request(index, rng)
        if rng.random() < 0.7:
            _months(data, rng)
        for mutation in _MUTATIONS:
            if rng.random() < 0.25:
                mutation(data, rng)
        yield json.dumps(data).encode()
    for path in sorted(EXAMPLES.glob("*.json")):
        example = json.loads(path.read_text(encoding="utf-8"))
        yield json.dumps(example["request"]).encode()


def _answer(body: bytes) -> bytes:
    store = default_store()
    try:
        request = parse_request(loads(body), today=TODAY)
    except InputError as error:
        return json.dumps(error.to_dict(), ensure_ascii=False).encode()
    answer = result_to_json(evaluate_request(request, store))
    lines = granted_lines(request, store)
    month = [
        (line.kind.value, str(line.period), str(line.amount), line.explanation) for line in lines
    ]
    return answer + json.dumps(month, ensure_ascii=False).encode()


def digest(n: int) -> str:
    """SHA-256 of every answer to ``varied_requests(n)``, in order."""
    hashed = hashlib.sha256()
    for body in varied_requests(n):
        hashed.update(_answer(body))
        hashed.update(b"\x00")
    return hashed.hexdigest()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    print(count, digest(count))
