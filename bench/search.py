"""Benchmark: the search box (``POST /v1/search``'s service) on 100 000 trainees.

N trainees, each with one dossier, are inserted in bulk into a fresh migrated database, with
their normalised search column, identity key and dossier reference computed as the application
computes them. A third of the last names come from the demo's common French names (so that a
common name such as « Martin » matches far more than 20 people), the others are built from
syllables, some with a hyphen or an accent. Then each query is run repeatedly through
``payments.search.search`` (the service behind the endpoint), at most 20 results:

- a common last name typed without accents, and one with first name and last name swapped;
- a hyphenated name typed with a space instead of the hyphen and without accents;
- a rare name (one person), which has to look at every row to be sure;
- a dossier number as printed in letters, in lower case.

    .venv/bin/python bench/search.py                     # 100 000 trainees, temporary SQLite
    .venv/bin/python bench/search.py --database-url postgresql+psycopg://…

Target (issue « Finding and fixing people »): 20 results in under 50 ms (p95) for every query.
The report goes to ``bench/results/search.json`` (one entry per database).
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "search.json"
TARGET_MS = 50.0
NOW = datetime(2026, 6, 15, 8, tzinfo=UTC)
_ROWS = 5_000
_SYLLABLES = ("ber", "lan", "mo", "ri", "dé", "vaux", "chal", "tin", "gou", "ron", "nel", "fa")


def _last_name(rng: random.Random, common: tuple[str, ...]) -> str:
    if rng.random() < 1 / 3:
        return rng.choice(common)
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    if rng.random() < 0.1:
        word += "-" + "".join(rng.choice(_SYLLABLES) for _ in range(2)).capitalize()
    return word


def populate(url: str, n: int, seed: int = 2026) -> dict[str, Any]:
    """A fresh migrated database with N trainees and one dossier each; the rare person's name."""
    from sqlalchemy import insert

    from remuneration.db.migrate import drop_everything, upgrade
    from remuneration.db.models import Dossier, Trainee, Training, TrainingOrganisation
    from remuneration.db.session import make_engine
    from remuneration.demo.data import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES, make_siret
    from remuneration.domain.people import dossier_reference, identity_key, search_text

    engine = make_engine(url)
    drop_everything(engine)
    upgrade(url)
    rng = random.Random(seed)
    organisation_id, training_id = uuid.uuid4(), uuid.uuid4()
    stamps = {"created_at": NOW, "updated_at": NOW}
    trainees: list[dict[str, Any]] = []
    dossiers: list[dict[str, Any]] = []
    for index in range(n):
        sex = rng.choice("MF")
        first = rng.choice(FIRST_NAMES_M if sex == "M" else FIRST_NAMES_F)
        last = "Lefèvre-Durandière" if index == n // 2 else _last_name(rng, LAST_NAMES)
        birth = date(1966, 1, 1) + timedelta(days=rng.randint(0, 14_600))
        trainee_id, dossier_id = uuid.uuid4(), uuid.uuid4()
        trainees.append(
            {"id": trainee_id, "last_name": last, "first_names": first, "birth_date": birth,
             "sex": sex, "country": "FR", "version": 1, "search_name": search_text(last, first),
             "identity_key": identity_key(last, first, birth), **stamps}
        )  # fmt: skip
        dossiers.append(
            {"id": dossier_id, "reference": dossier_reference(dossier_id.hex),
             "trainee_id": trainee_id, "training_id": training_id, "status": "submitted",
             "version": 1, "facts_version": 1, **stamps}
        )  # fmt: skip
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            insert(TrainingOrganisation),
            [{"id": organisation_id, "name": "Organisme", "siret": make_siret(rng),
              "created_at": NOW}],
        )  # fmt: skip
        connection.execute(
            insert(Training),
            [{"id": training_id, "organisation_id": organisation_id, "programme": "QUALIF",
              "title": "Titre professionnel", "start_date": date(2026, 3, 2),
              "end_date": date(2026, 12, 18), "total_hours": Decimal(1200),
              "weekly_hours": Decimal(35), "approved_for_remuneration": True,
              "site_name": "Centre", "site_postcode": "14000", "site_town": "Caen", **stamps}],
        )  # fmt: skip
        for model, rows in ((Trainee, trainees), (Dossier, dossiers)):
            for start in range(0, len(rows), _ROWS):
                connection.execute(insert(model), rows[start : start + _ROWS])
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE trainees")
            connection.exec_driver_sql("ANALYZE dossiers")
    engine.dispose()
    return {
        "populate_s": round(time.perf_counter() - started, 1),
        "reference": dossiers[n // 3]["reference"].lower(),
    }


def _queries(reference: str) -> dict[str, str]:
    return {
        "common_name": "martin",
        "first_then_last": "Camille MARTIN",
        "hyphen_as_space": "lefevre durandiere",
        "rare_name_full_scan": "Durandière Lefèvre",
        "dossier_reference": reference,
    }


def measure(url: str, n: int, repeats: int) -> dict[str, Any]:
    """Populate, then time each query ``repeats`` times (milliseconds)."""
    from payments.search import search
    from remuneration.db.session import make_engine, make_session_factory
    from remuneration.services.context import Actor, Role, ServiceContext
    from remuneration.services.protection import FieldProtector

    prepared = populate(url, n)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    protector = FieldProtector(base64.urlsafe_b64decode(base64.urlsafe_b64encode(b"k" * 32)))
    actor = Actor(user_id=None, name="bench", role=Role.INSTRUCTOR)
    report: dict[str, Any] = {"populate_s": prepared["populate_s"], "queries": {}}
    for name, text in _queries(prepared["reference"]).items():
        timings: list[float] = []
        found = 0
        for _ in range(repeats):
            with sessions() as session:
                ctx = ServiceContext(session=session, actor=actor, now=NOW, protector=protector)
                started = time.perf_counter()
                found = len(search(ctx, text, limit=20))
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        report["queries"][name] = {
            "typed": text,
            "results": found,
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
            "max_ms": round(timings[-1], 2),
        }
    engine.dispose()
    worst = max(q["p95_ms"] for q in report["queries"].values())
    report["worst_p95_ms"] = worst
    report["target_ms"] = TARGET_MS
    report["meets_target"] = worst <= TARGET_MS
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of trainees")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'search.sqlite3'}"
        report = measure(url, args.n, args.repeats)
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    existing: dict[str, Any] = {}
    if args.output.exists():
        existing = json.loads(args.output.read_text(encoding="utf-8"))
    existing[dialect] = {
        "n_trainees": args.n,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.python_implementation()} "
        f"{platform.python_version()}",
        **report,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(existing[dialect], indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
