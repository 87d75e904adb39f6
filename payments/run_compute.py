"""Computing one chunk of a run: the engine on each dossier's facts, then each trainee's plan,
buffered as rows by the run's planner. No query and no session: the same function runs in the
run's process or in its worker process (``payments.run_worker``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from payments.evaluation import ChunkReading, evaluate_chunk
from payments.lines import RunScope
from payments.planning import plan_trainee
from payments.run_writer import RunPlanner
from rules import ParameterStore

__all__ = ["ChunkWork", "compute_chunk"]


@dataclass(frozen=True, slots=True)
class ChunkWork:
    """What computing any chunk of the run needs beside its reading."""

    scope: RunScope
    as_of: date


def compute_chunk(
    planner: RunPlanner, reading: ChunkReading, work: ChunkWork, store: ParameterStore
) -> None:
    """The engine and the planning of one chunk read before (the planner buffers the rows)."""
    evaluated, state = evaluate_chunk(
        planner.protector,
        reading,
        as_of=work.as_of,
        store=store,
        writer=planner,
        advances_paid=planner.advances_paid,
    )
    for trainee_id, items in evaluated.by_trainee.items():
        plan = plan_trainee(
            trainee_id,
            items,
            paid=state.paid,
            scope=work.scope,
            overpayments=state.overpayments.get(trainee_id, []),
            blocked=state.blocked,
        )
        planner.add_plan(plan)
