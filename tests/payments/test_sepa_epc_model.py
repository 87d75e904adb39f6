"""One broken input per EPC rule: the model check refuses it before anything is written."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from payments.sepa.epc_field_rules import RuleCode
from payments.sepa.epc_model_check import check_message
from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    GroupingKey,
    PaymentInstruction,
    PostalAddress,
)
from tests.payments.data.sepa_samples import (
    HEADER,
    IBAN_BAD_KEY,
    IBAN_NC,
    KEY,
    TODAY,
    message_of,
    sample_message,
    transfer,
)


def _codes(message: CreditTransferMessage, **kwargs: object) -> dict[RuleCode, str]:
    violations = check_message(message, today=kwargs.pop("today", TODAY), **kwargs)  # type: ignore[arg-type]
    return {v.code: v.message for v in violations}


def test_sample_message_passes() -> None:
    assert check_message(sample_message(), today=TODAY) == []


TRANSFER_CASES: list[tuple[str, CreditTransfer, RuleCode, str]] = [
    ("e2e slash", transfer(end_to_end_id="/E2E-1"), RuleCode.ENDTOENDID_FORMAT, "« / »"),
    ("e2e double slash", transfer(end_to_end_id="E2E//1"), RuleCode.ENDTOENDID_FORMAT, "« // »"),
    ("e2e accent", transfer(end_to_end_id="ÉTÉ-1"), RuleCode.ENDTOENDID_FORMAT, "« É »"),
    ("e2e empty", transfer(end_to_end_id=""), RuleCode.ENDTOENDID_FORMAT, "de 1 à 35"),
    ("instr id", transfer(instruction_id="I" * 36), RuleCode.INSTRID_FORMAT, "de 1 à 35"),
    ("decimals", transfer(amount=Decimal("10.001")), RuleCode.AMOUNT_DECIMALS, "deux décimales"),
    ("zero", transfer(amount=Decimal("0.00")), RuleCode.AMOUNT_RANGE, "compris entre"),
    ("too big", transfer(amount=Decimal("1000000000.00")), RuleCode.AMOUNT_RANGE, "compris entre"),
    ("name length", transfer(creditor_name="N" * 71), RuleCode.NAME_LENGTH, "70 caractères"),
    ("name charset", transfer(creditor_name="Zoë Noël"), RuleCode.CHARSET, "« ë »"),
    (
        "remittance length",
        transfer(remittance_information="R" * 141),
        RuleCode.REMITTANCE_LENGTH,
        "140",
    ),
    ("remittance empty", transfer(remittance_information=""), RuleCode.REMITTANCE_LENGTH, "140"),
    ("remittance charset", transfer(remittance_information="Mois n°3"), RuleCode.CHARSET, "« ° »"),
    (
        "address without town",
        transfer(creditor_address=PostalAddress(town="", country="FR", address_lines=("1 rue X",))),
        RuleCode.ADDRESS_INCOMPLETE,
        "ville",
    ),
    (
        "address bad country",
        transfer(creditor_address=PostalAddress(town="Paris", country="France")),
        RuleCode.ADDRESS_INCOMPLETE,
        "code pays",
    ),
    (
        "three address lines",
        transfer(
            creditor_address=PostalAddress(
                town="Paris", country="FR", address_lines=("a", "b", "c")
            )
        ),
        RuleCode.ADDRESS_LINES,
        "2 lignes",
    ),
    (
        "address charset",
        transfer(creditor_address=PostalAddress(town="Orléans", country="FR")),
        RuleCode.CHARSET,
        "« é »",
    ),
    (
        "iban national key",
        transfer(creditor_iban=IBAN_BAD_KEY),
        RuleCode.IBAN_INVALID,
        "clé de contrôle",
    ),
    (
        "iban lowercase",
        transfer(creditor_iban="fr7630004000017788650136543"),
        RuleCode.IBAN_INVALID,
        "invalide",
    ),
    (
        "iban new caledonia",
        transfer(creditor_iban=IBAN_NC),
        RuleCode.IBAN_COUNTRY,
        "hors de la zone SEPA",
    ),
]


@pytest.mark.parametrize(
    ("name", "bad", "code", "fragment"), TRANSFER_CASES, ids=[c[0] for c in TRANSFER_CASES]
)
def test_broken_transfer_is_refused(
    name: str, bad: CreditTransfer, code: RuleCode, fragment: str
) -> None:
    violations = check_message(message_of(transfer(9), bad), today=TODAY)
    matching = [v for v in violations if v.code is code]
    assert matching, violations
    assert fragment in matching[0].message
    assert matching[0].end_to_end_id == bad.end_to_end_id
    assert matching[0].path.startswith("PmtInf[1]/CdtTrfTxInf[2]/")


def test_duplicate_end_to_end_id() -> None:
    codes = _codes(message_of(transfer(1), transfer(2), transfer(1)))
    assert RuleCode.ENDTOENDID_DUPLICATE in codes


def test_end_to_end_id_already_used() -> None:
    codes = _codes(message_of(transfer(1)), used_end_to_end_ids={"REMU-E2E-00000001"})
    assert list(codes) == [RuleCode.ENDTOENDID_ALREADY_USED]


def test_message_id_rules() -> None:
    assert RuleCode.MSGID_FORMAT in _codes(sample_message(message_id="REMU-2025/"))
    assert list(_codes(sample_message(), used_message_ids={HEADER.message_id})) == [
        RuleCode.MSGID_ALREADY_USED
    ]


def test_initiating_party_name() -> None:
    assert RuleCode.NAME_LENGTH in _codes(sample_message(initiating_party_name=""))


def _instructions(*pairs: tuple[str, GroupingKey]) -> CreditTransferMessage:
    return CreditTransferMessage(
        HEADER,
        tuple(
            PaymentInstruction(pid, key, (transfer(i),)) for i, (pid, key) in enumerate(pairs, 1)
        ),
    )


def test_one_pmtinf_per_grouping_key() -> None:
    same_account = replace(KEY, debtor=replace(KEY.debtor, name="Autre libelle"))
    codes = _codes(_instructions(("P1", KEY), ("P2", same_account)))
    assert RuleCode.PMTINF_GROUPING in codes
    assert "regroupés" in codes[RuleCode.PMTINF_GROUPING]


def test_pmtinf_id_rules() -> None:
    other = replace(KEY, category_purpose="GOVT")
    assert RuleCode.PMTINFID_DUPLICATE in _codes(_instructions(("P1", KEY), ("P1", other)))
    assert RuleCode.PMTINFID_FORMAT in _codes(_instructions(("P1/", KEY)))


def test_category_purpose() -> None:
    assert RuleCode.CTGYPURP in _codes(_instructions(("P1", replace(KEY, category_purpose="sala"))))


def test_execution_date_rules() -> None:
    good_friday = replace(KEY, requested_execution_date=date(2025, 4, 18))
    codes = _codes(_instructions(("P1", good_friday)))
    message = "La date d'exécution du 18 avril 2025 n'est pas un jour ouvré TARGET2."
    assert codes == {RuleCode.EXECUTION_DATE_CLOSED: message}
    assert list(_codes(sample_message(), today=date(2025, 4, 23))) == [RuleCode.EXECUTION_DATE_PAST]


def test_debtor_iban_is_checked() -> None:
    bad_debtor = replace(KEY, debtor=replace(KEY.debtor, iban=IBAN_BAD_KEY))
    violations = check_message(_instructions(("P1", bad_debtor)), today=TODAY)
    assert [(v.code, v.path) for v in violations] == [
        (RuleCode.IBAN_INVALID, "PmtInf[1]/DbtrAcct/Id/IBAN")
    ]
