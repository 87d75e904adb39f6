from pathlib import Path

import pytest

from payments.sepa.model import Pain001Version
from payments.sepa.pain001 import render_pain001
from payments.sepa.validate import DOCTYPE_REFUSED, validate_pain001
from tests.payments.data.sepa_samples import DATA, sample_message

BILLION_LAUGHS = (DATA / "billion_laughs.xml").read_bytes()
XXE = (DATA / "xxe.xml").read_bytes()


def test_valid_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "v.xml"
    path.write_bytes(render_pain001(sample_message())[0])
    assert validate_pain001(path) == []
    with path.open("rb") as stream:
        assert validate_pain001(stream) == []


def test_file_failing_the_xsd_is_refused_with_line_numbers() -> None:
    data = render_pain001(sample_message())[0]
    broken = data.replace(b"<PmtMtd>TRF", b"<PmtMtd>XXX", 1).replace(
        b"<Ctry>FR</Ctry>", b"<Ctry>fr</Ctry>", 1
    )
    errors = validate_pain001(broken)
    assert len(errors) == 2
    lines = broken.split(b"\n")
    assert b"<PmtMtd>XXX" in lines[errors[0].line - 1]  # type: ignore[operator]
    assert b"<Ctry>fr" in lines[errors[1].line - 1]  # type: ignore[operator]
    assert all(e.message.startswith("Fichier non conforme au schéma XSD (ligne ") for e in errors)


def test_wrong_version_is_refused() -> None:
    data = render_pain001(sample_message(), version=Pain001Version.V03)[0]
    errors = validate_pain001(data, version=Pain001Version.V09)
    assert errors and "No matching global declaration" in errors[0].message


@pytest.mark.parametrize("data", [b"<Document><a></Document>", b""])
def test_malformed_file_is_refused(data: bytes) -> None:
    assert validate_pain001(data)


def test_truncated_file_is_refused() -> None:
    data = render_pain001(sample_message())[0]
    errors = validate_pain001(data[: data.rindex(b"\n", 0, len(data) // 2) + 1])
    assert errors and "Premature end of data" in errors[0].message


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE])
def test_entity_attacks_are_refused(data: bytes) -> None:
    errors = validate_pain001(data)
    assert [e.message for e in errors] == [DOCTYPE_REFUSED]


def test_a_broken_file_on_disk_is_refused_with_its_line_numbers(tmp_path: Path) -> None:
    data = render_pain001(sample_message())[0].replace(b"<PmtMtd>TRF", b"<PmtMtd>XXX", 1)
    path = tmp_path / "virements.xml"
    path.write_bytes(data)
    [error] = validate_pain001(path)
    assert error.line is not None and b"<PmtMtd>XXX" in data.split(b"\n")[error.line - 1]
    with path.open("rb") as stream:  # read once: refused all the same, without a line
        [unlocated] = validate_pain001(stream)
    assert unlocated.line is None and "ligne inconnue" in unlocated.message


def test_a_malformed_file_is_located_at_the_line_where_it_breaks() -> None:
    data = render_pain001(sample_message())[0].replace(b"</PmtMtd>", b"</PmtMd>", 1)
    errors = validate_pain001(data)
    assert errors and errors[0].line is not None
    assert b"</PmtMd>" in data.split(b"\n")[errors[0].line - 1]
