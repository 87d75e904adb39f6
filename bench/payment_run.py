"""Benchmark: a monthly payment run end to end on N granted dossiers.

N granted job seekers, each with one attendance statement line (April 2024), are inserted in
bulk (not through the API). Then ``payments.start_run`` does the whole run in one transaction:
read the facts, run the engine on every dossier, persist the payment lines and payments, write
the pain.001, validate it (XSD + every EPC rule) and store it; the commit is timed too. Beside
it, sepaxml 2.7.0 builds (and, where its validator copes, validates) the same transfers read
back from the database. Each step runs in its own process, so peak memory (``ru_maxrss``)
belongs to it alone.

    .venv/bin/python bench/payment_run.py                       # quick: 2 000 dossiers
    .venv/bin/python bench/payment_run.py --n 10000 30000 100000
    .venv/bin/python bench/payment_run.py --n 10000 --database-url postgresql+psycopg://…
    .venv/bin/python bench/payment_run.py --n 10000 30000 100000 --postgres-url postgresql+psycopg://…/remu_bench

Target (performance.md): 100 000 dossiers in at most 60 s on SQLite and on PostgreSQL, time
growing linearly with N. The report goes to ``bench/results/payment_run.json``.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import platform
import random
import resource
import secrets
import subprocess
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

RESULTS = ROOT / "bench" / "results" / "payment_run.json"
TARGET_SECONDS = 60.0
NOW = datetime(2024, 5, 6, 8, tzinfo=UTC)
PERIOD, EXECUTION = "2024-04", date(2024, 5, 8)
START, END = date(2024, 3, 4), date(2024, 12, 20)
_INSERT_ROWS = 5_000
_DOCUMENT_FIELDS = (
    "identity_type", "identity_expiry_date", "nir_encrypted", "nir_hash", "iban_encrypted",
    "iban_hash", "bic", "holder",
)  # fmt: skip


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bulk(connection: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    for start in range(0, len(rows), _INSERT_ROWS):
        connection.execute(insert(model.__table__), rows[start : start + _INSERT_ROWS])


def _people(index: int, rng: random.Random) -> tuple[dict[str, Any], str, str]:
    from bench.synthetic import french_iban, nir

    sex = "F" if index % 2 else "M"
    birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
    last = ("Dupont", "Lefèvre", "Nguyen", "Moreau", "Faure", "Roux")[index % 6]
    trainee = {
        "last_name": last,
        "first_names": "Camille",
        "birth_date": birth,
        "sex": sex,
        "street": f"{index % 200 + 1} rue de la République",
        "postcode": "14000",
        "town": "Caen",
        "country": "FR",
    }
    return trainee, nir(sex, birth, 14, index), french_iban(30004, index % 99_999 + 1, index)


def _dossier_rows(
    index: int, rng: random.Random, protector: Any, training_id: uuid.UUID
) -> dict[str, list[dict[str, Any]]]:
    trainee_id, dossier_id = uuid.uuid4(), uuid.uuid4()
    stamps = {"created_at": NOW, "updated_at": NOW}
    person, nir_value, iban = _people(index, rng)
    dossier = {
        "id": dossier_id, "trainee_id": trainee_id, "training_id": training_id,
        "status": "granted", "version": 1, "facts_version": 1, "trainee_status": "job_seeker",
        "france_travail_registered": True, "france_travail_indemnity": "none",
        "distance_km": Decimal(rng.randrange(0, 180)), "driving_licence_aid_received": False,
        "granted_at": NOW, **stamps,
    }  # fmt: skip
    document = {"dossier_id": dossier_id, "verification_status": "verified", **stamps,
                **dict.fromkeys(_DOCUMENT_FIELDS)}  # fmt: skip
    documents = [
        {**document, "id": uuid.uuid4(), "kind": "identity", "identity_type": "cni",
         "identity_expiry_date": date(2032, 1, 1)},
        {**document, "id": uuid.uuid4(), "kind": "vitale",
         "nir_encrypted": protector.encrypt(nir_value, context="documents.nir"),
         "nir_hash": protector.keyed_hash(nir_value, context="documents.nir")},
        {**document, "id": uuid.uuid4(), "kind": "rib",
         "iban_encrypted": protector.encrypt(iban, context="documents.iban"),
         "iban_hash": protector.keyed_hash(iban, context="documents.iban"), "bic": "BNPAFRPP",
         "holder": f"{'MME' if person['sex'] == 'F' else 'M'} {person['last_name'].upper()}"},
    ]  # fmt: skip
    decision = {
        "id": uuid.uuid4(), "dossier_id": dossier_id, "number": 1, "outcome": "granted",
        "as_of": START, "facts_version": 1, "input_hash": "0" * 64, "input_encrypted": b"-",
        "rules_version": "bench", "parameters_digest": "bench", "total": Decimal("0.00"),
        "result_json": "{}", "taken_at": NOW,
    }  # fmt: skip
    scheduled = Decimal(rng.choice((140, 147, 105)))
    unjustified = Decimal(rng.choice((0, 0, 0, 7)))
    line = {
        "id": uuid.uuid4(), "dossier_id": dossier_id, "scheduled_hours": scheduled,
        "attended_hours": scheduled - unjustified, "justified_absence_hours": Decimal(0),
        "unjustified_absence_hours": unjustified, "daily_allowances": Decimal(0),
        "hours_outside_work": None, "paid": False,
    }  # fmt: skip
    return {
        "trainees": [{"id": trainee_id, **person, **stamps}],
        "dossiers": [dossier],
        "documents": documents,
        "decisions": [decision],
        "lines": [line],
    }


def populate(url: str, n: int, data_key: str, seed: int = 2024) -> dict[str, Any]:
    """A fresh, migrated database with N granted dossiers (bulk inserts)."""
    from remuneration.db.migrate import drop_everything, upgrade
    from remuneration.db.models import (
        AttendanceStatement,
        AttendanceStatementLine,
        Decision,
        Document,
        Dossier,
        Trainee,
        Training,
        TrainingOrganisation,
    )
    from remuneration.db.session import make_engine
    from remuneration.services.protection import FieldProtector, decode_master_key

    engine = make_engine(url)
    drop_everything(engine)
    upgrade(url)
    protector = FieldProtector(decode_master_key(data_key))
    rng = random.Random(seed)
    organisation_id, training_id, statement_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    started = time.perf_counter()
    rows: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("trainees", "dossiers", "documents", "decisions", "lines")
    }
    for index in range(n):
        for name, produced in _dossier_rows(index, rng, protector, training_id).items():
            rows[name] += produced
    for line in rows["lines"]:
        line["statement_id"] = statement_id
    with engine.begin() as connection:
        _bulk(connection, TrainingOrganisation, [{"id": organisation_id, "name": "Organisme",
              "siret": "35600000000048", "created_at": NOW}])  # fmt: skip
        _bulk(connection, Training, [{
            "id": training_id, "organisation_id": organisation_id, "programme": "QUALIF",
            "title": "Titre professionnel", "start_date": START, "end_date": END,
            "total_hours": Decimal("1200"), "weekly_hours": Decimal("35"),
            "approved_for_remuneration": True, "site_name": "Centre", "site_postcode": "14000",
            "site_town": "Caen", "created_at": NOW, "updated_at": NOW}])  # fmt: skip
        _bulk(connection, Trainee, rows["trainees"])
        _bulk(connection, Dossier, rows["dossiers"])
        _bulk(connection, Document, rows["documents"])
        _bulk(connection, Decision, rows["decisions"])
        _bulk(connection, AttendanceStatement, [{"id": statement_id, "training_id": training_id,
              "month": PERIOD, "version": 1, "corrections": 0, "created_at": NOW,
              "updated_at": NOW}])  # fmt: skip
        _bulk(connection, AttendanceStatementLine, rows["lines"])
    if engine.dialect.name == "postgresql":
        # A real database has statistics (autovacuum analyses a table once it has grown); a
        # freshly bulk-loaded one has none until autovacuum passes, maybe in the middle of the
        # run. Analysed here, untimed, so that the run meets the plans of a real database.
        # (The tables the run fills itself, empty now, stay without statistics: the run must
        # cope with that, as its first run on a real database does.)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"n": n, "populate_s": time.perf_counter() - started}


def run_payments(url: str, data_key: str, n: int) -> dict[str, Any]:
    """The monthly run, end to end, committed: time and peak memory of this process."""
    from payments import PayerAccount, RunKind, RunRequest, start_run
    from payments.models import PaymentBatch
    from remuneration.db.session import make_engine, make_session_factory
    from remuneration.services.context import Actor, Role, ServiceContext
    from remuneration.services.protection import FieldProtector, decode_master_key
    from rules import default_store

    default_store()
    engine = make_engine(url)
    protector = FieldProtector(decode_master_key(data_key))
    payer = PayerAccount("Region Exemple", "FR7630004000031234567890143", "BNPAFRPPXXX", "GOVT")
    baseline = _maxrss_mb()
    children = _children_cpu_s()
    started, cpu_started = time.perf_counter(), time.process_time()
    with make_session_factory(engine).begin() as session:
        ctx = ServiceContext(
            session=session,
            actor=Actor(user_id=None, name="bench", role=Role.FINANCE),
            now=NOW,
            protector=protector,
        )
        request = RunRequest(RunKind.MONTHLY, PERIOD, EXECUTION)
        outcome = _profiled(lambda: start_run(ctx, request, payer=payer, **_worker_choice()))
        run = outcome.run
        assert run is not None  # a monthly run is always recorded
        batch = session.query(PaymentBatch).filter_by(run_id=run.id).one()
        figures = {
            "payments": run.payments_count,
            "lines": run.lines_count,
            "total": str(run.total_amount),
            "skipped": run.skipped,
            "file_bytes": batch.file_size,
            "control_sum": str(batch.control_sum),
            "batch_id": str(batch.id),
        }
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # The file's XSD validation runs in a worker process on the other core: its CPU counted too.
    worker_cpu = _children_cpu_s() - children
    figures["checks"] = _check_run(engine, figures, protector)
    engine.dispose()
    return {"side": "remu", "n": n, "run_s": elapsed, "per_dossier_ms": elapsed / n * 1000,
            "cpu_s": cpu, "per_dossier_cpu_ms": cpu / n * 1000, "worker_cpu_s": worker_cpu,
            "peak_mb": _maxrss_mb(), "baseline_mb": baseline, **figures}  # fmt: skip


def _worker_choice() -> dict[str, Any]:
    """``start_run``'s ``worker_from`` as ``--worker`` chose it (auto: the run's own default)."""
    choice = os.environ.get("REMU_BENCH_WORKER", "auto")
    if choice == "auto":
        return {}
    return {"worker_from": 0 if choice == "on" else None}


def _profiled(step: Any) -> Any:
    """``step()``, under cProfile (CPU clock) when REMU_BENCH_PROFILE names a file to write the
    profile to (keep it out of the repository); plainly otherwise."""
    target = os.environ.get("REMU_BENCH_PROFILE")
    if not target:
        return step()
    import cProfile

    profile = cProfile.Profile(time.process_time)
    value = profile.runcall(step)
    profile.dump_stats(target)
    return value


def _check_run(engine: Any, figures: dict[str, Any], protector: Any) -> dict[str, Any]:
    """After the timed run: the stored payments, lines and file agree to the cent (the run's
    result is not trusted on its own word), and the stored file passes XSD + EPC again."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from payments.files import file_chunks
    from payments.models import Payment, PaymentLine
    from payments.sepa import check_file

    batch_id = uuid.UUID(figures["batch_id"])
    with Session(engine) as session:
        paid = session.scalar(select(func.sum(Payment.amount)).where(Payment.batch_id == batch_id))
        lines = session.scalar(
            select(func.sum(PaymentLine.amount))
            .join(Payment, Payment.id == PaymentLine.payment_id)
            .where(Payment.batch_id == batch_id)
        )
        count = session.scalar(select(func.count()).where(Payment.batch_id == batch_id))
        data = b"".join(file_chunks(session, batch_id, protector))
    violations = check_file(io.BytesIO(data), today=NOW.date(), with_xsd=True)
    checks = {
        "payments_sum": str(paid), "lines_sum": str(lines), "payments_count": count,
        "file_valid": not violations, "file_violations": [v.message for v in violations[:3]],
    }  # fmt: skip
    totals = {Decimal(str(paid)), Decimal(str(lines)), Decimal(figures["control_sum"])}
    assert totals == {Decimal(figures["total"])}, checks
    assert count == figures["payments"], checks
    assert not violations, checks
    return checks


def run_sepaxml(url: str, data_key: str, n: int, batch_id: str) -> dict[str, Any]:
    """sepaxml 2.7.0 building the same transfers (read back from the database beforehand)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from payments.models import Payment
    from payments.transfers import PAYMENT_IBAN_CONTEXT
    from remuneration.db.session import make_engine
    from remuneration.services.protection import FieldProtector, decode_master_key

    protector = FieldProtector(decode_master_key(data_key))
    engine = make_engine(url)
    with Session(engine) as session:
        rows = [
            (p.end_to_end_id, p.amount, p.creditor_name_epc, p.remittance_information,
             protector.decrypt(p.iban_encrypted, context=PAYMENT_IBAN_CONTEXT), p.creditor_town)
            for p in session.scalars(select(Payment).where(Payment.batch_id == uuid.UUID(batch_id)))
        ]  # fmt: skip
    engine.dispose()
    from sepaxml import SepaTransfer

    baseline = _maxrss_mb()
    started = time.perf_counter()
    config = {"name": "Region Exemple", "IBAN": "FR7630004000031234567890143",
              "BIC": "BNPAFRPPXXX", "batch": True, "currency": "EUR"}  # fmt: skip
    transfer = SepaTransfer(config, schema="pain.001.001.09")
    for e2e, amount, name, text, iban, town in rows:
        transfer.add_payment({
            "name": name, "IBAN": iban, "amount": int(amount * 100),
            "execution_date": EXECUTION, "description": text, "endtoend_id": e2e,
            "address": {"town": town, "country": "FR"}})  # fmt: skip
    xml: bytes = transfer.export(validate=False)
    build_s = time.perf_counter() - started
    validation: dict[str, Any] = {"validate_ok": None, "validate_s": None}
    try:
        from sepaxml.validation import try_valid_xml

        started = time.perf_counter()
        try_valid_xml(xml, "pain.001.001.09")
        validation = {"validate_ok": True, "validate_s": time.perf_counter() - started}
    except Exception as error:  # any failure is a result of the benchmark
        validation = {"validate_ok": False, "validate_error": f"{type(error).__name__}"[:200]}
    return {"side": "sepaxml", "n": n, "build_s": build_s, **validation,
            "file_bytes": len(xml), "peak_mb": _maxrss_mb(), "baseline_mb": baseline}  # fmt: skip


def _spawn(*arguments: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        return {"crashed": True, "stderr": done.stderr[-3000:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(n: int, url: str, with_sepaxml: bool) -> dict[str, Any]:
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    populated = _spawn("populate", url, key, str(n))
    remu = _spawn("run", url, key, str(n))
    result = {"n": n, "database": url.split(":", 1)[0], "populate": populated, "remu": remu}
    if with_sepaxml and not remu.get("crashed"):
        result["sepaxml"] = _spawn("sepaxml", url, key, str(n), remu["batch_id"])
    return result


def _child(arguments: list[str]) -> None:
    step, url, key, n = arguments[0], arguments[1], arguments[2], int(arguments[3])
    if step == "populate":
        print(json.dumps(populate(url, n, key)))
    elif step == "run":
        print(json.dumps(run_payments(url, key, n)))
    else:
        print(json.dumps(run_sepaxml(url, key, n, arguments[4])))


def _machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
    }


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of the URL when it does not exist yet (the benchmark
    drops and migrates its tables: never point it at a database holding anything else)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _print(results: list[dict[str, Any]]) -> None:
    print(f"{'database':>16} {'n':>7} {'run s':>7} {'ms/dossier':>10} {'CPU s':>7} "
          f"{'CPU ms/dossier':>14} {'worker CPU s':>12} {'MB':>5} {'checked':>8} {'sepaxml s':>9} "
          f"{'sepaxml MB':>10} {'sepaxml valid':>13}")  # fmt: skip
    for item in results:
        remu, other = item["remu"], item.get("sepaxml", {})
        if remu.get("crashed"):
            print(f"{item['database']:>16} {item['n']:>7} crashed: {remu['stderr'][-300:]}")
            continue
        print(f"{item['database']:>16} {item['n']:>7} {remu['run_s']:>7.2f} "
              f"{remu['per_dossier_ms']:>10.3f} {remu['cpu_s']:>7.2f} "
              f"{remu['per_dossier_cpu_ms']:>14.3f} {remu.get('worker_cpu_s', 0):>12.2f} "
              f"{remu['peak_mb']:>5.0f} "
              f"{remu['checks']['file_valid']!s:>8} {other.get('build_s', 0):>9.2f} "
              f"{other.get('peak_mb', 0):>10.0f} {other.get('validate_ok')!s:>13}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[2_000], help="numbers of dossiers")
    parser.add_argument(
        "--database-url", help="PostgreSQL URL only (default: a temporary SQLite file)"
    )
    parser.add_argument(
        "--postgres-url",
        help="also run every size on this PostgreSQL database (created if needed, tables "
        "dropped), beside SQLite",
    )
    parser.add_argument("--skip-sepaxml", action="store_true")
    parser.add_argument(
        "--worker",
        choices=("auto", "on", "off"),
        default="auto",
        help="the run's worker process: the run's own default (auto), always, never",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    os.environ["REMU_BENCH_WORKER"] = args.worker  # read by the run's child process
    results = []
    for url in (args.database_url, args.postgres_url):
        if url:
            ensure_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            urls = [args.database_url or f"sqlite+pysqlite:///{tmp}/bench-{n}.sqlite3"]
            urls += [args.postgres_url] if args.postgres_url else []
            for url in urls:
                results.append(measure(n, url, not args.skip_sepaxml))
                if url.startswith("sqlite"):
                    Path(url.split("///", 1)[1]).unlink(missing_ok=True)
    _print(results)
    report = {
        "benchmark": "bench/payment_run.py",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "work": "monthly run end to end: facts, engine, lines and payments persisted, "
        "pain.001 written, XSD + EPC validated, stored, committed; then (untimed) the stored "
        "payments, lines and batch checked equal to the cent and the stored file re-validated",
        "note": "run_s is wall time of the run's process (PostgreSQL's own work included); "
        "cpu_s is this process only (on PostgreSQL the server's CPU is not in it); "
        "worker_cpu_s is the CPU of the run's child processes: the XSD worker's and, when "
        "the chunks are computed in a worker process, that process's",
        "target_s_at_100000": TARGET_SECONDS,
        "worker": args.worker,
        "machine": _machine(),
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
