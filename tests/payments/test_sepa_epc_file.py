"""One broken file per EPC rule: the file check names the rule, the place and says it in French."""

import io
from collections.abc import Callable
from datetime import date

import pytest

from payments.sepa.epc_field_rules import IbanChecker, RuleCode
from payments.sepa.epc_file_check import check_file
from payments.sepa.model import Pain001Version
from payments.sepa.pain001 import render_pain001
from tests.payments.data.sepa_samples import (
    IBAN_A,
    IBAN_B,
    IBAN_BAD_KEY,
    IBAN_NC,
    TODAY,
    sample_message,
)

Mutation = Callable[[bytes], bytes]


def _good(version: Pain001Version = Pain001Version.V09) -> bytes:
    return render_pain001(sample_message(), version=version)[0]


def _sub(old: str, new: str, count: int = 1) -> Mutation:
    def mutate(data: bytes) -> bytes:
        assert old.encode() in data, old
        return data.replace(old.encode(), new.encode(), count)

    return mutate


def _nth(old: str, new: str, n: int) -> Mutation:
    def mutate(data: bytes) -> bytes:
        parts = data.split(old.encode())
        assert len(parts) > n, old
        return old.encode().join(parts[:n]) + new.encode() + old.encode().join(parts[n:])

    return mutate


@pytest.mark.parametrize("version", list(Pain001Version))
def test_good_file_passes(version: Pain001Version) -> None:
    assert check_file(_good(version), today=TODAY) == []


CASES: list[tuple[str, Mutation, RuleCode, str]] = [
    ("declaration", lambda d: d.split(b"\n", 1)[1], RuleCode.XML_DECLARATION, "déclaration"),
    ("bom", lambda d: b"\xef\xbb\xbf" + d, RuleCode.BOM, "BOM"),
    ("namespace", _sub("pain.001.001.09", "pain.001.001.02"), RuleCode.NAMESPACE, "espace de noms"),
    (
        "grphdr count",
        _sub("<NbOfTxs>4</NbOfTxs>", "<NbOfTxs>5</NbOfTxs>"),
        RuleCode.NBOFTXS_GRPHDR,
        "compte 4",
    ),
    (
        "grphdr sum",
        _sub("<CtrlSum>1923.36<", "<CtrlSum>1923.37<"),
        RuleCode.CTRLSUM_GRPHDR,
        "somme",
    ),
    (
        "pmtinf count",
        _sub("<NbOfTxs>3</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>"),
        RuleCode.NBOFTXS_PMTINF,
        "compte 3",
    ),
    ("pmtinf sum", _sub("<CtrlSum>923.37<", "<CtrlSum>923.38<"), RuleCode.CTRLSUM_PMTINF, "somme"),
    (
        "grouping",
        lambda d: _sub("<Cd>GOVT</Cd>", "<Cd>SALA</Cd>")(
            _sub("<BtchBookg>false<", "<BtchBookg>true<")(d)
        ),
        RuleCode.PMTINF_GROUPING,
        "regroupés",
    ),
    ("pmtinfid duplicate", _sub("-P002<", "-P001<"), RuleCode.PMTINFID_DUPLICATE, "double"),
    (
        "pmtinfid format",
        _sub("<PmtInfId>REMU-2025-04-0001-P001", "<PmtInfId>/REMU-P001"),
        RuleCode.PMTINFID_FORMAT,
        "« / »",
    ),
    ("payment method", _sub("<PmtMtd>TRF", "<PmtMtd>CHK"), RuleCode.PMTMTD, "TRF"),
    ("batch booking", _sub("<BtchBookg>true</BtchBookg>\n", ""), RuleCode.BTCHBOOKG, "BtchBookg"),
    ("service level", _sub("<Cd>SEPA</Cd>", "<Cd>NURG</Cd>"), RuleCode.SVCLVL, "SEPA"),
    ("charge bearer", _sub("<ChrgBr>SLEV", "<ChrgBr>SHAR"), RuleCode.CHRGBR, "SLEV"),
    ("category purpose", _sub("<Cd>SALA</Cd>", "<Cd>SAL</Cd>"), RuleCode.CTGYPURP, "4 lettres"),
    ("debtor agent", _sub("NOTPROVIDED", "INCONNU"), RuleCode.DBTRAGT, "NOTPROVIDED"),
    (
        "closed day",
        _sub("2025-04-22", "2025-04-21", 2),
        RuleCode.EXECUTION_DATE_CLOSED,
        "jour ouvré TARGET2",
    ),
    ("currency", _sub('Ccy="EUR"', 'Ccy="USD"'), RuleCode.CURRENCY, "euros"),
    ("decimals", _sub(">723.36<", ">723.365<"), RuleCode.AMOUNT_DECIMALS, "deux décimales"),
    ("range", _sub(">0.01<", ">0.00<"), RuleCode.AMOUNT_RANGE, "compris entre"),
    (
        "name length",
        _sub("<Nm>Jean Dupont<", "<Nm>" + "J" * 71 + "<"),
        RuleCode.NAME_LENGTH,
        "70 caractères",
    ),
    (
        "remittance length",
        _sub("<Ustrd>Avance", "<Ustrd>" + "A" * 140),
        RuleCode.REMITTANCE_LENGTH,
        "140 caractères",
    ),
    (
        "remittance count",
        _sub("<Ustrd>Avance", "<Ustrd>Bis</Ustrd>\n<Ustrd>Avance"),
        RuleCode.REMITTANCE_COUNT,
        "un seul",
    ),
    ("charset", _sub("Jean Dupont", "Jean Düpont"), RuleCode.CHARSET, "« ü »"),
    ("address town", _sub("<TwnNm>Rennes</TwnNm>\n", ""), RuleCode.ADDRESS_INCOMPLETE, "ville"),
    (
        "address lines",
        _sub("<AdrLine>Bat. B</AdrLine>", "<AdrLine>Bat. B</AdrLine><AdrLine>Etage 2</AdrLine>"),
        RuleCode.ADDRESS_LINES,
        "2 lignes",
    ),
    ("iban key", _sub(IBAN_A, IBAN_BAD_KEY), RuleCode.IBAN_INVALID, "clé de contrôle"),
    ("iban country", _sub(IBAN_B, IBAN_NC), RuleCode.IBAN_COUNTRY, "hors de la zone SEPA"),
    (
        "msgid format",
        _sub("<MsgId>REMU-2025-04-0001<", "<MsgId>REMU//2025<"),
        RuleCode.MSGID_FORMAT,
        "« // »",
    ),
    (
        "e2e format",
        _sub("<EndToEndId>REMU-E2E-00000001<", "<EndToEndId>REMU-E2E-1/<"),
        RuleCode.ENDTOENDID_FORMAT,
        "« / »",
    ),
    (
        "e2e too long",
        _sub("<EndToEndId>REMU-E2E-00000001<", "<EndToEndId>" + "E" * 36 + "<"),
        RuleCode.ENDTOENDID_FORMAT,
        "35 caractères",
    ),
    (
        "e2e duplicate",
        _sub("REMU-E2E-00000002", "REMU-E2E-00000001"),
        RuleCode.ENDTOENDID_DUPLICATE,
        "plusieurs fois",
    ),
    (
        "instrid format",
        _sub("<InstrId>REMU-I-00000001<", "<InstrId>REMU_I_1<"),
        RuleCode.INSTRID_FORMAT,
        "« _ »",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "code", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_is_refused(name: str, mutate: Mutation, code: RuleCode, fragment: str) -> None:
    violations = check_file(mutate(_good()), today=TODAY)
    matching = [v for v in violations if v.code is code]
    assert matching, violations
    assert fragment in matching[0].message
    assert matching[0].path


def test_violation_names_the_transaction() -> None:
    violations = check_file(_sub(">0.01<", ">0.00<")(_good()), today=TODAY)
    [range_violation] = [v for v in violations if v.code is RuleCode.AMOUNT_RANGE]
    assert range_violation.end_to_end_id == "REMU-E2E-00000003"
    assert range_violation.path == "PmtInf[1]/CdtTrfTxInf[3]/Amt/InstdAmt"


def test_execution_date_in_the_past() -> None:
    violations = check_file(_good(), today=date(2025, 4, 23))
    assert {v.code for v in violations} == {RuleCode.EXECUTION_DATE_PAST}


def test_end_to_end_ids_already_used_in_the_database() -> None:
    violations = check_file(_good(), today=TODAY, used_end_to_end_ids={"REMU-E2E-00000002"})
    assert [(v.code, v.end_to_end_id) for v in violations] == [
        (RuleCode.ENDTOENDID_ALREADY_USED, "REMU-E2E-00000002")
    ]
    assert "déjà été utilisé" in violations[0].message


def test_message_id_already_used() -> None:
    violations = check_file(_good(), today=TODAY, used_message_ids={"REMU-2025-04-0001"})
    assert [v.code for v in violations] == [RuleCode.MSGID_ALREADY_USED]


def test_pain_001_001_03_rules_use_its_element_names() -> None:
    data = _sub("<BIC>BNPAFRPPXXX</BIC>", "<Othr>\n<Id>INCONNU</Id>\n</Othr>")(
        _good(Pain001Version.V03)
    )
    assert [v.code for v in check_file(data, today=TODAY)] == [RuleCode.DBTRAGT]


def test_iban_checker_is_shared_and_memoised() -> None:
    checker = IbanChecker(on=TODAY)
    assert check_file(_good(), today=TODAY, iban_checker=checker) == []
    assert checker.problems(IBAN_NC, "CdtrAcct")[0][0] is RuleCode.IBAN_COUNTRY


def test_file_on_disk(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "virements.xml"
    path.write_bytes(_good())
    assert check_file(path, today=TODAY) == []


def test_xsd_in_the_same_pass() -> None:
    assert check_file(_good(), today=TODAY, with_xsd=True) == []
    broken = _sub("<PmtMtd>TRF", "<PmtMtd>XXX")(_good())
    violations = check_file(broken, today=TODAY, with_xsd=True)
    assert [v.code for v in violations] == [RuleCode.XSD_INVALID]
    assert violations[0].path == "ligne 15"
    assert "PmtMtd" in violations[0].message


def test_malformed_file_is_not_judged() -> None:
    data = _good()
    violations = check_file(data[: data.index(b"<CdtTrfTxInf>") + 30], today=TODAY)
    assert [v.code for v in violations] == [RuleCode.XML_MALFORMED]
    assert "mal formé" in violations[0].message


def test_already_verified_ibans_still_get_the_cheap_checks() -> None:
    corrupted = IBAN_A[:-1] + "4"  # a changed digit breaks the ISO check digits
    checker = IbanChecker(on=TODAY, already_verified={corrupted, IBAN_BAD_KEY, IBAN_NC})
    assert checker.problems(corrupted, "CdtrAcct")[0][0] is RuleCode.IBAN_INVALID
    assert (
        checker.problems(IBAN_BAD_KEY, "CdtrAcct") == []
    )  # national key trusted from the RIB check
    assert checker.problems(IBAN_NC, "CdtrAcct")[0][0] is RuleCode.IBAN_COUNTRY


def test_a_file_declaring_a_doctype_is_refused_before_parsing() -> None:
    data = _good()
    declaration, rest = data.split(b"\n", 1)
    with_doctype = declaration + b'\n<!DOCTYPE Document [<!ENTITY x "y">]>\n' + rest
    violations = check_file(with_doctype, today=TODAY)
    assert [v.code for v in violations] == [RuleCode.XML_DECLARATION]
    assert "DOCTYPE" in violations[0].message


def test_a_file_with_only_its_declaration_is_not_a_transfer_file() -> None:
    violations = check_file(b'<?xml version="1.0" encoding="UTF-8"?>\n', today=TODAY)
    assert [v.code for v in violations] == [RuleCode.NAMESPACE]


def test_an_unreadable_execution_date_is_named_not_guessed() -> None:
    good = _good()
    start, end = good.index(b"<ReqdExctnDt>"), good.index(b"</ReqdExctnDt>")
    unreadable = good[:start] + b"<ReqdExctnDt><Dt>31/05/2025</Dt>" + good[end:]
    violations = check_file(unreadable, today=TODAY)
    assert RuleCode.EXECUTION_DATE_CLOSED in {v.code for v in violations}
    assert any("absente ou illisible" in v.message for v in violations)


def test_a_stream_failing_its_xsd_is_refused_even_when_it_cannot_be_read_again() -> None:
    truncated = io.BytesIO(_good()[:-40])  # an upload read once: no line to point at
    violations = check_file(truncated, today=TODAY, with_xsd=True)
    assert [v.code for v in violations] == [RuleCode.XSD_INVALID]
    assert violations[0].path == "ligne ?"
