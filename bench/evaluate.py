"""Benchmark of the rules engine (performance.md, ``bench/evaluate.py``).

(a) the whole stateless evaluation of N synthetic dossiers, contract in, contract out (JSON
    bytes), with explanations — and the same without rendering the explanation texts;
(b) the monthly computation of N already-verified dossiers (lines of one month, as a payment
    run does), with explanation texts rendered and with them left lazy; amounts must be equal.

Run: ``python bench/evaluate.py [--n 100000] [--repeat 3] [--out bench/results/evaluate.json]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_request
from rules import (
    default_store,
    evaluate,
    granted_lines,
    loads,
    parse_request,
    result_to_json,
)

TODAY = date(2026, 11, 28)
TARGETS_US = {"a_with_explanations": 100.0, "b_with_explanations": 25.0, "b_lazy": 5.0}


def timed(label: str, work: Callable[[], Any], n: int) -> dict[str, Any]:
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    work()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "label": label,
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "wall_us_per_dossier": round(elapsed / n * 1e6, 2),
        # CPU time of this process: stable on a shared 2-core machine, where wall time is not.
        "us_per_dossier": cpu / n * 1e6,
    }


def best_of(
    label: str, work: Callable[[], Any], n: int, repeat: int, reset: Callable[[], None]
) -> dict[str, Any]:
    """The repetition with the least CPU time: on a shared machine the others' load only ever
    adds time, so the minimum is the closest to the work's own cost. Nothing carries over from
    one repetition to the next but what a running service keeps too (the parameter set and
    what it derived once)."""
    runs = []
    for _ in range(repeat):
        reset()
        runs.append(timed(label, work, n))
    best = min(runs, key=lambda entry: entry["us_per_dossier"])
    best["repetitions"] = repeat
    return best


def run(n: int, repeat: int = 1) -> dict[str, Any]:
    rng = random.Random(20261128)
    raw = [json.dumps(synthetic_request(i, rng)).encode() for i in range(n)]
    store = default_store()

    def contract_with_explanations() -> None:
        for body in raw:
            result_to_json(evaluate(loads(body), today=TODAY, parameters=store))

    def contract_without_texts() -> None:
        for body in raw:
            result = evaluate(loads(body), today=TODAY, parameters=store)
            [(line.kind, line.period, line.amount) for line in result.lines]

    facts = [parse_request(loads(body), today=TODAY) for body in raw]
    lazy_amounts: list[Any] = []
    rendered_amounts: list[Any] = []

    def month_lazy() -> None:
        for req in facts:
            lazy_amounts.append([line.amount for line in granted_lines(req, store)])

    def month_rendered() -> None:
        for req in facts:
            lines = granted_lines(req, store)
            for line in lines:
                _ = line.explanation
            rendered_amounts.append([line.amount for line in lines])

    def nothing() -> None:
        pass

    def reset_lazy() -> None:
        lazy_amounts.clear()

    def reset_rendered() -> None:
        rendered_amounts.clear()

    results = [
        best_of("a_with_explanations", contract_with_explanations, n, repeat, nothing),
        best_of("a_without_explanation_texts", contract_without_texts, n, repeat, nothing),
        best_of("b_with_explanations", month_rendered, n, repeat, reset_rendered),
        best_of("b_lazy", month_lazy, n, repeat, reset_lazy),
    ]
    assert lazy_amounts == rendered_amounts, "amounts differ with and without explanations"
    for entry in results:
        target = TARGETS_US.get(entry["label"])
        entry["target_us"] = target
        entry["meets_target"] = None if target is None else entry["us_per_dossier"] <= target
        entry["us_per_dossier"] = round(entry["us_per_dossier"], 2)
    return {
        "benchmark": "evaluate",
        "dossiers": n,
        "results": results,
        "identical_amounts_lazy_vs_rendered": True,
        "load_average": os.getloadavg(),
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "system": platform.platform(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions, the best is kept")
    parser.add_argument("--out", default="bench/results/evaluate.json")
    args = parser.parse_args()
    report = run(args.n, args.repeat)
    print(f"{'mesure':32} {'µs CPU':>8} {'µs mur':>8} {'cible':>7} {'total s':>8}")
    for entry in report["results"]:
        target = "" if entry["target_us"] is None else f"≤{entry['target_us']:g}"
        print(
            f"{entry['label']:32} {entry['us_per_dossier']:>8.1f} "
            f"{entry['wall_us_per_dossier']:>8.1f} {target:>7} "
            f"{entry['seconds']:>8.2f}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"rapport : {out}")


if __name__ == "__main__":
    main()
