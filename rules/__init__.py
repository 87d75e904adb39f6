"""remu's rules engine: pure, dated, exact to the cent, explained in French.

Public API:

- ``evaluate(payload, today=...)``: the evaluation contract's library door (a request dict in,
  an ``EvaluationResult`` out, ``InputError`` on malformed input);
- ``result_to_json(result)``: the canonical bytes every door answers;
- ``loads(raw)``: JSON with exact decimals; ``input_hash(payload)``;
- ``load_parameters(directory)`` / ``ParameterStore``: the dated parameter set;
- ``round_money``: the one rounding function.
"""

from rules.contract import loads, parse_request
from rules.decisions import (
    AidDecision,
    Decision,
    EvaluationResult,
    Line,
    LineKind,
    Reason,
    UsedParameter,
)
from rules.engine import (
    RULES_VERSION,
    default_store,
    evaluate,
    evaluate_request,
    granted_lines,
    input_hash,
    result_to_json,
)
from rules.errors import InputError, InputProblem
from rules.facts import EvaluationRequest
from rules.money import format_money, round_money
from rules.parameters import ParameterError, ParameterStore, load_parameters
from rules.periods import Month

__all__ = [
    "RULES_VERSION",
    "AidDecision",
    "Decision",
    "EvaluationRequest",
    "EvaluationResult",
    "InputError",
    "InputProblem",
    "Line",
    "LineKind",
    "Month",
    "ParameterError",
    "ParameterStore",
    "Reason",
    "UsedParameter",
    "default_store",
    "evaluate",
    "evaluate_request",
    "format_money",
    "granted_lines",
    "input_hash",
    "load_parameters",
    "loads",
    "parse_request",
    "result_to_json",
    "round_money",
]
