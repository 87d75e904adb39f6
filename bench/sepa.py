"""Benchmark: build, XSD-validate and EPC-check a pain.001.001.09 of N transfers.

remu (streaming lxml writer, streaming libxml2 validation, streaming EPC rule layer) against
sepaxml 2.7.0 (whole tree in memory, pure-Python xmlschema validation). Each side runs in its
own subprocess so that peak memory (``ru_maxrss``) belongs to it alone.

Two remu paths: the payment run's (``write_checked_pain001``: the EPC rules judged on the values
being written, the XSD validated by a worker process on the other core; the file is then checked
again, untimed, by ``check_file``) and a file of unknown origin's (build, then XSD, then EPC by
parsing the file back, separately and in one pass).

    .venv/bin/python bench/sepa.py                 # 100 000 transfers, results in bench/results
    .venv/bin/python bench/sepa.py --n 2000 --sepaxml-small-n 1000   # quick run

Targets (performance.md): build + validate + EPC <= 2.5 s in all, peak memory <= 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "sepa.json"
TARGET_SECONDS = 2.5
TARGET_MB = 150.0
TODAY = date(2025, 4, 14)
EXECUTION = date(2025, 4, 22)
CREATED = datetime(2025, 4, 14, 10, 30, tzinfo=timezone(timedelta(hours=2)))
DEBTOR_IBAN = "FR7630004000031234567890143"
AMOUNTS = [Decimal(a) for a in ("723.36", "200.00", "512.18", "88.40", "1034.57", "301.09")]
_LETTERS = str.maketrans({c: str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def french_iban(index: int) -> str:
    """A distinct, valid French IBAN (RIB key and ISO check digits) for each trainee."""
    bank, branch, account = "30004", f"{index % 99999 + 1:05d}", f"{index:011d}"
    key = 97 - (int(bank + branch + account) * 100) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    check = 98 - int((bban + "FR00").translate(_LETTERS)) % 97
    return f"FR{check:02d}{bban}"


def rows(n: int) -> list[tuple[int, str, Decimal]]:
    """The input data (what a payment run reads from the database), made before timing."""
    return [(index, french_iban(index), AMOUNTS[index % len(AMOUNTS)]) for index in range(n)]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def remu_message(data: list[tuple[int, str, Decimal]]) -> Any:
    """One PmtInf over a re-iterable source, as a database query would be."""
    from payments.sepa import (
        CreditTransfer,
        CreditTransferMessage,
        Debtor,
        GroupingKey,
        MessageHeader,
        PaymentInstruction,
        PostalAddress,
    )

    class Transfers:
        """Re-iterable, and knowing its count and sum as the run's query does (from the
        amounts alone, one pass here as a ``SELECT amount`` there)."""

        def totals(self) -> tuple[int, Decimal]:
            return len(data), sum((amount for _, _, amount in data), Decimal(0))

        def __iter__(self) -> Iterator[CreditTransfer]:
            for index, iban, amount in data:
                address = PostalAddress(
                    town="Rennes",
                    country="FR",
                    street_name="Rue de Saint-Malo",
                    building_number=str(index % 300 + 1),
                    post_code="35000",
                )
                yield CreditTransfer(
                    end_to_end_id=f"REMU-E2E-{index:08d}",
                    amount=amount,
                    creditor_name=f"Stagiaire {index:06d} Dupont",
                    creditor_iban=iban,
                    creditor_address=address,
                    remittance_information=f"Remuneration avril 2025 dossier D-{index:07d}",
                )

    header = MessageHeader("REMU-2025-04-BENCH", CREATED, "Region Exemple")
    key = GroupingKey(Debtor("Region Exemple", DEBTOR_IBAN, "BNPAFRPPXXX"), EXECUTION, True, "SALA")
    instruction = PaymentInstruction("REMU-2025-04-BENCH-P001", key, Transfers())
    return CreditTransferMessage(header, (instruction,))


_CPU: dict[str, float] = {}


def _timed(step: Any, label: str = "") -> tuple[float, Any]:
    """Wall time of ``step``; its CPU time (this process) goes to ``_CPU[label]``: on a shared
    machine the wall time grows with the others' load, the CPU time much less."""
    start, cpu_start = time.perf_counter(), time.process_time()
    value = step()
    if label:
        _CPU[label] = time.process_time() - cpu_start
    return time.perf_counter() - start, value


def run_checked(path: Path, data: list[tuple[int, str, Decimal]], **options: Any) -> Any:
    """The payment run's path: written and judged in one pass (EPC rules on the values being
    written, header totals against the transfers written, XSD on the bytes in a worker)."""
    from payments.sepa import IbanChecker, write_checked_pain001

    verified = IbanChecker(on=TODAY, already_verified={iban for _, iban, _ in data})
    with path.open("w+b") as output:
        return write_checked_pain001(
            remu_message(data), output, today=TODAY, iban_checker=verified, **options
        )


def run_remu_checked(n: int, workdir: Path) -> dict[str, Any]:
    """The run's path alone in its process (its peak memory is its own): wall and CPU time,
    the worker's CPU time and peak memory read when it has been waited for."""
    from payments.sepa import check_file

    data = rows(n)
    path = workdir / "remu.xml"
    baseline = _maxrss_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu_start = time.perf_counter(), time.process_time()
    usage: dict[str, Any] = {}
    result, violations = run_checked(path, data, worker_usage=usage)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    peak = _maxrss_mb()
    assert not violations, violations[:3]
    assert usage["answered"], "the XSD worker did not answer: validated in process instead"
    # Untimed: the file written is judged again by the full check of a file of unknown origin.
    again = check_file(path, today=TODAY, with_xsd=True)
    assert not again, again[:3]
    return {
        "side": "remu-checked",
        "n": n,
        "write_and_check_s": wall,
        "cpu_s": cpu,
        "worker_cpu_s": worker_cpu,
        "peak_mb": peak,
        "worker_peak_mb": usage["peak_kb"] / 1024,
        "baseline_mb": baseline,
        "file_bytes": result.size,
        "sha256": result.sha256,
        "control_sum": str(result.control_sum),
    }


def run_remu(n: int, workdir: Path) -> dict[str, Any]:
    """Build, validate, EPC-check; then the variants: one pass, and RIB-verified IBANs."""
    from payments.sepa import IbanChecker, check_file, validate_pain001, write_pain001

    data = rows(n)
    message = remu_message(data)
    path = workdir / "remu.xml"
    baseline = _maxrss_mb()

    def build() -> Any:
        with path.open("wb") as output:
            return write_pain001(message, output)

    checker = IbanChecker(on=TODAY)
    verified = IbanChecker(on=TODAY, already_verified={iban for _, iban, _ in data})
    _CPU.clear()
    build_s, result = _timed(build, "build_s")
    validate_s, xsd_errors = _timed(lambda: validate_pain001(path), "validate_s")
    epc_s, violations = _timed(lambda: check_file(path, today=TODAY, iban_checker=checker), "epc_s")
    memo_s, _ = _timed(lambda: check_file(path, today=TODAY, iban_checker=checker))
    one_s, _ = _timed(lambda: check_file(path, today=TODAY, with_xsd=True), "one_pass_s")
    one_verified_s, verified_violations = _timed(
        lambda: check_file(path, today=TODAY, with_xsd=True, iban_checker=verified),
        "one_pass_verified_s",
    )
    assert not xsd_errors and not violations and not verified_violations, "file refused"
    cpu = dict(_CPU)
    return {
        "side": "remu",
        "n": n,
        "build_s": build_s,
        "validate_s": validate_s,
        "epc_s": epc_s,
        "total_s": build_s + validate_s + epc_s,
        "epc_iban_memoised_s": memo_s,
        "xsd_and_epc_one_pass_s": one_s,
        "total_one_pass_s": build_s + one_s,
        "xsd_and_epc_one_pass_verified_ibans_s": one_verified_s,
        "total_one_pass_verified_ibans_s": build_s + one_verified_s,
        "cpu_s": {
            **cpu,
            "total_s": cpu["build_s"] + cpu["validate_s"] + cpu["epc_s"],
            "total_one_pass_verified_ibans_s": cpu["build_s"] + cpu["one_pass_verified_s"],
        },
        "xsd_errors": len(xsd_errors),
        "epc_violations": len(violations),
        "file_bytes": result.size,
        "sha256": result.sha256,
        "control_sum": str(result.control_sum),
        "peak_mb": _maxrss_mb(),
        "baseline_mb": baseline,
    }


def sepaxml_build(data: list[tuple[int, str, Decimal]]) -> bytes:
    from sepaxml import SepaTransfer

    config = {"name": "Region Exemple", "IBAN": DEBTOR_IBAN, "BIC": "BNPAFRPPXXX"}
    transfer = SepaTransfer({**config, "batch": True, "currency": "EUR"}, schema="pain.001.001.09")
    for index, iban, amount in data:
        address = {
            "street_name": "Rue de Saint-Malo",
            "building_number": str(index % 300 + 1),
            "postcode": "35000",
            "town": "Rennes",
            "country": "FR",
        }
        payment = {
            "name": f"Stagiaire {index:06d} Dupont",
            "IBAN": iban,
            "amount": int(amount * 100),
            "execution_date": EXECUTION,
            "description": f"Remuneration avril 2025 dossier D-{index:07d}",
            "endtoend_id": f"REMU-E2E-{index:08d}",
            "address": address,
        }
        transfer.add_payment(payment)
    xml: bytes = transfer.export(validate=False)
    return xml


def sepaxml_validate(xml: bytes) -> dict[str, Any]:
    """sepaxml's own validation (xmlschema); its failure is recorded, not hidden."""
    from sepaxml.validation import try_valid_xml

    try:
        try_valid_xml(xml, "pain.001.001.09")
    except Exception as error:  # any failure is a result of the benchmark
        cause = error.__cause__ or error
        return {"validate_ok": False, "validate_error": f"{type(error).__name__}: {cause}"[:500]}
    return {"validate_ok": True, "validate_error": None}


def run_sepaxml(n: int, workdir: Path) -> dict[str, Any]:
    data = rows(n)
    baseline = _maxrss_mb()
    build_s, xml = _timed(lambda: sepaxml_build(data))
    (workdir / "sepaxml.xml").write_bytes(xml)
    validate_s, validation = _timed(lambda: sepaxml_validate(xml))
    return {
        "side": "sepaxml",
        "n": n,
        "build_s": build_s,
        "validate_s": validate_s,
        "epc_s": None,
        "total_s": build_s + validate_s,
        **validation,
        "file_bytes": len(xml),
        "peak_mb": _maxrss_mb(),
        "baseline_mb": baseline,
    }


def child(side: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runners = {"remu": run_remu, "remu-checked": run_remu_checked, "sepaxml": run_sepaxml}
        runner = runners[side]
        print(json.dumps(runner(n, Path(tmp))))


def spawn(side: str, n: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", side, "--n", str(n)]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if completed.returncode != 0:
        return {"side": side, "n": n, "crashed": True, "stderr": completed.stderr[-2000:]}
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def machine() -> dict[str, Any]:
    import lxml.etree
    import schwifty

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
        "libxml2": ".".join(map(str, lxml.etree.LIBXML_VERSION)),
        "schwifty": schwifty.__version__,
        "load_average": os.getloadavg(),
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:8.2f}"
    return str(value)


def print_table(runs: list[dict[str, Any]]) -> None:
    columns = ["side", "n", "build_s", "validate_s", "epc_s", "total_s", "peak_mb"]
    print(" | ".join(f"{c:>10}" for c in [*columns, "validation"]))
    for run in runs:
        if run.get("crashed"):
            print(f"{run['side']:>10} | {run['n']:>10} | crashed: {run['stderr'][-200:]}")
            continue
        if run["side"] == "remu-checked":
            print(
                f"{'checked':>10} | {run['n']:>10} | write + EPC + XSD (worker) in one pass: "
                f"{run['write_and_check_s']:.2f} s wall, {run['cpu_s']:.2f} s CPU here + "
                f"{run['worker_cpu_s']:.2f} s in the worker, peak {run['peak_mb']:.0f} MB "
                f"(worker {run['worker_peak_mb']:.0f} MB)"
            )
            continue
        status = "ok" if run.get("validate_ok", run.get("xsd_errors") == 0) else "FAILED"
        print(" | ".join(f"{_fmt(run.get(c)):>10}" for c in columns) + f" | {status:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="number of transfers")
    parser.add_argument(
        "--sepaxml-small-n",
        type=int,
        default=20_000,
        help="second sepaxml run at a size its validator can handle",
    )
    parser.add_argument("--skip-sepaxml", action="store_true")
    parser.add_argument(
        "--child", choices=["remu", "remu-checked", "sepaxml"], help=argparse.SUPPRESS
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n)
        return
    runs = [spawn("remu", args.n), spawn("remu-checked", args.n)]
    if not args.skip_sepaxml:
        runs.append(spawn("sepaxml", args.n))
        if args.sepaxml_small_n and args.sepaxml_small_n < args.n:
            runs += [spawn("remu", args.sepaxml_small_n), spawn("sepaxml", args.sepaxml_small_n)]
    print_table(runs)
    report = build_report(args.n, runs)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["summary"], indent=2))


def compare(remu: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """remu / sepaxml ratios at one size (below 1: remu is faster or smaller)."""
    ratios: dict[str, Any] = {
        "n": remu["n"],
        "build": remu["build_s"] / other["build_s"],
        "peak_mb": remu["peak_mb"] / other["peak_mb"],
        "sepaxml_validation_ok": other["validate_ok"],
    }
    if other["validate_ok"]:
        ratios["validate"] = remu["validate_s"] / other["validate_s"]
        ratios["build_and_validate"] = (remu["build_s"] + remu["validate_s"]) / other["total_s"]
    else:
        ratios["sepaxml_validation_error"] = other["validate_error"]
    return ratios


def build_report(n: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    remu = runs[0]
    summary: dict[str, Any] = {
        "n": n,
        "remu_total_s": remu.get("total_s"),
        "remu_peak_mb": remu.get("peak_mb"),
        "remu_steps_s": {k: remu.get(k) for k in ("build_s", "validate_s", "epc_s")},
        "remu_total_one_pass_s": remu.get("total_one_pass_s"),
        "remu_total_one_pass_verified_ibans_s": remu.get("total_one_pass_verified_ibans_s"),
        "remu_cpu_s": remu.get("cpu_s"),
        "target_total_s": TARGET_SECONDS,
        "target_peak_mb": TARGET_MB,
        "time_target_met": remu.get("total_s", float("inf")) <= TARGET_SECONDS,
        "time_target_met_one_pass_verified_ibans": (
            remu.get("total_one_pass_verified_ibans_s", float("inf")) <= TARGET_SECONDS
        ),
        "memory_target_met": remu.get("peak_mb", float("inf")) <= TARGET_MB,
    }
    checked = next((r for r in runs if r.get("side") == "remu-checked"), None)
    if checked is not None and not checked.get("crashed"):
        summary["checked_path"] = {
            key: checked[key]
            for key in ("write_and_check_s", "cpu_s", "worker_cpu_s", "peak_mb", "worker_peak_mb")
        }
        summary["time_target_met_checked_path"] = checked["write_and_check_s"] <= TARGET_SECONDS
        summary["memory_target_met_checked_path"] = checked["peak_mb"] <= TARGET_MB
    ok = [r for r in runs if not r.get("crashed")]
    summary["ratios_remu_over_sepaxml"] = [
        compare(r, o)
        for r in ok
        if r["side"] == "remu"
        for o in ok
        if o["side"] == "sepaxml" and o["n"] == r["n"]
    ]
    return {
        "benchmark": "bench/sepa.py",
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": {"transfers": n, "pmtinf": 1, "version": "pain.001.001.09"},
        "machine": machine(),
        "runs": runs,
        "summary": summary,
    }


if __name__ == "__main__":
    main()
