"""Every action the audit journal can record has its French words on the history tab, and
every payment, overpayment and bank answer code has its words in the pages."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

from api.http.console.dossier_tabs import LINE_LABELS
from api.http.console.labels import (
    AUDIT_ACTIONS,
    DOSSIER_STATES,
    FACT_VALUES,
    OVERPAYMENT_STATES,
    PAYMENT_STATES,
    VERIFICATION,
    WORDS,
    with_tones,
)
from payments.returns.model import ReturnKind, ReturnScope
from payments.vocabulary import (
    BANK_RETURN_STATUS_LABELS,
    OVERPAYMENT_STATUS_LABELS,
    PAYMENT_STATUS_LABELS,
    RETURN_KIND_LABELS,
    RETURN_SCOPE_LABELS,
    SKIP_REASON_LABELS,
    OverpaymentStatus,
    PaymentStatus,
)
from remuneration.domain.states import DOSSIER_STATUS_LABELS
from remuneration.domain.vocabulary import (
    DOCUMENT_KIND_LABELS,
    INDEMNITY_LABELS,
    LINE_KIND_LABELS,
    TRAINEE_STATUS_LABELS,
    VERIFICATION_STATUS_LABELS,
    VerificationStatus,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "remuneration", "payments", "exports")
# Calls whose argument at this position (or keyword ``action``) is an audit journal action.
ACTION_ARGUMENT = {"_audit": (1, 2), "_transition": (3,)}


def _literal_actions() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                values = [k.value for k in node.keywords if k.arg == "action"]
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                for index in ACTION_ARGUMENT.get(name, ()):
                    if index < len(node.args):
                        values.append(node.args[index])
                for value in values:
                    if isinstance(value, ast.IfExp):
                        values.extend((value.body, value.orelse))
                    elif (
                        isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and "." in value.value
                    ):
                        found.add(value.value)
    return found


def test_every_literal_action_in_the_code_has_french_words() -> None:
    actions = _literal_actions()
    assert {"decision.taken", "dossier.exited", "console.signed_in", "user.created"} <= actions
    missing = sorted(actions - AUDIT_ACTIONS.keys())
    assert missing == []


def test_actions_built_from_a_status_have_french_words() -> None:
    for status in VerificationStatus:
        assert f"document.{status.value}" in AUDIT_ACTIONS
    for refused in (PaymentStatus.REJECTED, PaymentStatus.RETURNED):
        assert f"payment.{refused.value}" in AUDIT_ACTIONS
    for role in ("kept", "merged"):
        assert f"trainee.merge_{role}" in AUDIT_ACTIONS


def test_the_words_are_french_sentences_not_codes() -> None:
    for code, words in AUDIT_ACTIONS.items():
        assert words[0].isupper() and "." not in words and "_" not in words, code


def test_every_payment_overpayment_and_bank_answer_code_has_its_words() -> None:
    assert WORDS["payment"] is PAYMENT_STATES and WORDS["overpayment"] is OVERPAYMENT_STATES
    assert set(PAYMENT_STATES) == {status.value for status in PaymentStatus}
    assert set(OVERPAYMENT_STATES) == {status.value for status in OverpaymentStatus}
    assert set(RETURN_KIND_LABELS) == set(get_args(ReturnKind))
    assert set(RETURN_SCOPE_LABELS) == set(get_args(ReturnScope))
    assert WORDS["return_kind"] is RETURN_KIND_LABELS
    assert WORDS["return_scope"] is RETURN_SCOPE_LABELS
    for table in (PAYMENT_STATES, OVERPAYMENT_STATES):
        for code, (label, tone) in table.items():
            assert label and label != code and tone in {"ok", "attention", "erreur", "neutre"}


def test_the_console_shows_the_words_of_the_owning_layer_with_only_a_tone_added() -> None:
    """One source per label: the console's tables hold the vocabularies' own words."""
    pairs = [
        (DOSSIER_STATES, DOSSIER_STATUS_LABELS),
        (PAYMENT_STATES, PAYMENT_STATUS_LABELS),
        (OVERPAYMENT_STATES, OVERPAYMENT_STATUS_LABELS),
        (VERIFICATION, VERIFICATION_STATUS_LABELS),
        (WORDS["bank_return"], BANK_RETURN_STATUS_LABELS),
    ]
    for console_table, vocabulary in pairs:
        assert {code: words for code, (words, _tone) in console_table.items()} == dict(vocabulary)
    assert WORDS["document"] is DOCUMENT_KIND_LABELS
    assert WORDS["skip_reason"] is SKIP_REASON_LABELS
    assert LINE_LABELS is LINE_KIND_LABELS
    assert FACT_VALUES["trainee_status"] is TRAINEE_STATUS_LABELS
    assert FACT_VALUES["france_travail_indemnity"] is INDEMNITY_LABELS
    assert {"ok", "attention", "erreur", "neutre"} >= {
        tone for _words, tone in WORDS["bank_return"].values()
    }


def test_a_code_without_a_tone_is_refused_when_the_console_starts() -> None:
    with pytest.raises(ValueError, match="open"):
        with_tones({"open": "Ouvert", "settled": "Soldé"}, {"settled": "ok"})
