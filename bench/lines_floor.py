"""The floor of (b) lazy (docs/performance.md): what the least per-dossier work costs in CPython.

On the dossiers of ``bench/evaluate.py`` (b) — job seekers, one month each, no exit — four
measures, CPU µs per dossier, alternated and the best of the repetitions kept:

1. ``loop``: the benchmark's own loop, reading the amounts of lines computed beforehand
   (every loop below keeps, as it does, a list of each dossier's amounts);
2. ``arithmetic``: only the ``Decimal`` arithmetic of the lines and their rounding, every
   parameter of the month, its prorata ``M × d / D`` and each band's ``B × d / D`` already at
   hand (one table per month, made before timing), the band by ``bisect``: no line, no trace,
   no check of a missing input, of an exit or of the order of the lines;
3. ``arithmetic_and_tuples``: the same, plus one plain tuple per line and one per trace (what
   a lazy explanation has to keep), built the cheapest way CPython has;
4. ``granted_lines``: the engine's monthly computation, as ``bench/evaluate.py`` (b) lazy.

The amounts of 2 and 3 are checked equal to those of ``granted_lines``, dossier by dossier, so
the floor computes the same thing. Run: ``python bench/lines_floor.py [--n 20000]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
from bisect import bisect_right
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluate import TODAY
from bench.synthetic import synthetic_request
from rules import Month, default_store, granted_lines, loads, parse_request
from rules.facts import EvaluationRequest, Status
from rules.parameters import ParameterStore

CENT, ZERO = Decimal("0.01"), Decimal("0.00")


class _Table(NamedTuple):
    """One month's parameters, worked out before timing."""

    hourly: Decimal
    full_time: Decimal
    prorata: tuple[Decimal, ...]
    lowers: tuple[Decimal, ...]
    bands: tuple[tuple[Decimal, ...] | None, ...]


def _tables(store: ParameterStore, months: set[Month]) -> dict[int, _Table]:
    tables = {}
    for month in months:
        day, big_d = month.first_day, month.days
        monthly = store.at("remuneration.monthly_amount", day).decimal
        bands = store.at("mobility.bands", day).bands
        tables[month.ordinal] = _Table(
            hourly=monthly / store.at("remuneration.hours_per_month", day).decimal,
            full_time=store.at("remuneration.full_time_weekly_hours", day).decimal,
            prorata=tuple(monthly * d / big_d for d in range(big_d + 1)),
            lowers=tuple(band.lower for band in bands),
            bands=tuple(
                tuple(band.amount * d / big_d for d in range(big_d + 1)) if band.amount else None
                for band in bands
            ),
        )
    return tables


Kernel = Callable[[EvaluationRequest], tuple[Any, ...]]


def _kernels(store: ParameterStore, tables: dict[int, _Table]) -> tuple[Kernel, Kernel]:
    advance = store.at("advance.amount", TODAY).decimal  # the same on every start of the bench
    new = tuple.__new__

    def arithmetic(req: EvaluationRequest) -> tuple[Any, ...]:
        training = req.training
        start, last, weekly = training.start_date, training.end_date, training.weekly_hours
        distance = training.distance_km
        assert start is not None and last is not None and weekly is not None
        assert distance is not None
        s = req.months[0]
        month = s.month
        table, d = tables[month.ordinal], month.days_within(start, last)
        prorata = table.prorata[d]
        if weekly >= table.full_time:
            raw = prorata - table.hourly * s.unjustified_absence_hours
        else:
            part = table.hourly * (s.attended_hours + s.justified_absence_hours)
            raw = prorata if prorata < part else part
        net = raw - s.daily_allowances
        amount = net.quantize(CENT, ROUND_HALF_UP) if net > 0 else ZERO
        recovered = amount if amount < advance else advance
        index = bisect_right(table.lowers, distance, 1) - 1
        by_days, hours, scheduled = table.bands[index], s.attended_hours, s.scheduled_hours
        if by_days is None:
            return (advance, amount, -recovered)
        base = by_days[d]
        mobility = (base if hours >= scheduled else base * (hours / scheduled)).quantize(
            CENT, ROUND_HALF_UP
        )
        return (advance, amount, -recovered, mobility)

    def arithmetic_and_tuples(req: EvaluationRequest) -> tuple[Any, ...]:
        training = req.training
        start, last, weekly = training.start_date, training.end_date, training.weekly_hours
        distance = training.distance_km
        assert start is not None and last is not None and weekly is not None
        assert distance is not None
        s = req.months[0]
        month = s.month
        table, d = tables[month.ordinal], month.days_within(start, last)
        prorata = table.prorata[d]
        if weekly >= table.full_time:
            hours = s.unjustified_absence_hours
            raw = prorata - table.hourly * hours
        else:
            hours = s.attended_hours + s.justified_absence_hours
            part = table.hourly * hours
            raw = prorata if prorata < part else part
        allowances = s.daily_allowances
        net = raw - allowances
        amount = net.quantize(CENT, ROUND_HALF_UP) if net > 0 else ZERO
        trace = new(tuple, (table, d, hours, allowances, net < 0, amount, weekly))
        lines = [("advance", month, advance, None), ("remuneration", month, amount, trace)]
        recovered = amount if amount < advance else advance
        trace = new(tuple, (month, recovered, advance, amount))
        lines.append(("advance_recovery", month, -recovered, trace))
        index = bisect_right(table.lowers, distance, 1) - 1
        by_days, hours, scheduled = table.bands[index], s.attended_hours, s.scheduled_hours
        if by_days is not None:
            base = by_days[d]
            mobility = (base if hours >= scheduled else base * (hours / scheduled)).quantize(
                CENT, ROUND_HALF_UP
            )
            trace = new(tuple, (month, index, distance, d, hours, scheduled))
            lines.append(("mobility", month, mobility, trace))
        return tuple(lines)

    return arithmetic, arithmetic_and_tuples


def _measure(loops: dict[str, Callable[[], None]], n: int, repeat: int) -> dict[str, float]:
    """CPU µs per dossier of each loop, alternated, the best repetition of each kept."""
    best = dict.fromkeys(loops, float("inf"))
    for _ in range(repeat):
        for label, loop in loops.items():
            gc.collect()
            started = time.process_time()
            loop()
            best[label] = min(best[label], time.process_time() - started)
    return {label: round(seconds / n * 1e6, 2) for label, seconds in best.items()}


def run(n: int, repeat: int) -> dict[str, Any]:
    rng = random.Random(20261128)  # the dossiers of bench/evaluate.py
    store = default_store()
    facts = [
        parse_request(loads(json.dumps(synthetic_request(i, rng)).encode()), today=TODAY)
        for i in range(n)
    ]
    assert all(
        req.trainee.status is Status.JOB_SEEKER and req.exit is None and len(req.months) == 1
        for req in facts
    ), "the floor kernels know only the benchmark's dossiers"
    expected = [[line.amount for line in granted_lines(req, store)] for req in facts]
    tables = _tables(store, {req.months[0].month for req in facts})
    arithmetic, with_tuples = _kernels(store, tables)
    for req, amounts in zip(facts, expected, strict=True):
        assert [x for x in arithmetic(req) if x] == amounts, "the floor computes other amounts"
        assert [line[2] for line in with_tuples(req) if line[2]] == amounts
    computed = {id(req): granted_lines(req, store) for req in facts}
    sink: list[Any] = []

    def loop_only() -> None:
        sink.clear()
        for req in facts:
            sink.append([line.amount for line in computed[id(req)]])

    def arithmetic_only() -> None:
        sink.clear()
        for req in facts:
            sink.append([amount for amount in arithmetic(req)])

    def tuples_too() -> None:
        sink.clear()
        for req in facts:
            sink.append([line[2] for line in with_tuples(req)])

    def engine() -> None:
        sink.clear()
        for req in facts:
            sink.append([line.amount for line in granted_lines(req, store)])

    figures = _measure(
        {
            "loop": loop_only,
            "arithmetic": arithmetic_only,
            "arithmetic_and_tuples": tuples_too,
            "granted_lines": engine,
        },
        n,
        repeat,
    )
    return {
        "benchmark": "lines_floor",
        "dossiers": n,
        "repetitions": repeat,
        "us_per_dossier_cpu": figures,
        "identical_amounts": True,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7, help="alternated repetitions")
    parser.add_argument("--out", default="bench/results/lines_floor.json")
    args = parser.parse_args()
    report = run(args.n, args.repeat)
    for label, figure in report["us_per_dossier_cpu"].items():
        print(f"{label:24} {figure:>7.2f} µs CPU / dossier")
    print(f"load average: {report['load_average']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"rapport : {out}")


if __name__ == "__main__":
    main()
