"""Pure core: the dossier state table, masking, upload checks, attendance consistency, crypto."""

from __future__ import annotations

import secrets
from decimal import Decimal

import pytest

from remuneration.domain.attendance import AttendanceEntry, check_entry
from remuneration.domain.documents import check_upload
from remuneration.domain.errors import DocumentRejected, DocumentTooLarge, IllegalTransition
from remuneration.domain.masking import mask_document_number, mask_iban, mask_nir, redact_text
from remuneration.domain.states import (
    MILESTONES,
    TRANSITIONS,
    DossierEvent,
    DossierStatus,
    next_status,
    status_label,
)
from remuneration.services.protection import DecryptionError, FieldProtector

S, E = DossierStatus, DossierEvent


def test_the_main_path_of_a_dossier() -> None:
    path = [
        (S.DRAFT, E.SUBMIT, S.SUBMITTED),
        (S.SUBMITTED, E.MARK_INCOMPLETE, S.INCOMPLETE),
        (S.INCOMPLETE, E.MARK_COMPLETE, S.COMPLETE),
        (S.COMPLETE, E.MARK_INCOMPLETE, S.INCOMPLETE),
        (S.INCOMPLETE, E.REJECT, S.REJECTED),
        (S.REJECTED, E.REOPEN, S.SUBMITTED),
        (S.SUBMITTED, E.GRANT, S.GRANTED),
        (S.GRANTED, E.EXIT, S.EXITED),
        (S.EXITED, E.GRANT, S.EXITED),
        (S.EXITED, E.CLOSE, S.CLOSED),
    ]
    for current, event, expected in path:
        assert next_status(current, event) is expected


@pytest.mark.parametrize(
    ("current", "event"),
    [
        (S.DRAFT, E.GRANT),
        (S.CLOSED, E.REOPEN),
        (S.CLOSED, E.GRANT),
        (S.DRAFT, E.CLOSE),
        (S.COMPLETE, E.CLOSE),
        (S.EXITED, E.EXIT),
        (S.SUBMITTED, E.SUBMIT),
    ],
)
def test_illegal_moves_are_refused_in_french(current: DossierStatus, event: DossierEvent) -> None:
    with pytest.raises(IllegalTransition, match=r"^Impossible d") as refused:
        next_status(current, event)
    assert f"à l'état « {status_label(current)} »" in str(refused.value)


def test_closed_is_final_and_every_event_has_a_milestone() -> None:
    assert not [key for key in TRANSITIONS if key[0] is S.CLOSED]
    assert set(MILESTONES) == set(DossierEvent)
    assert all(name.endswith("_at") for name in MILESTONES.values())


def test_masks() -> None:
    assert mask_nir("294025101203131") == "2 94 02 ** *** *** 31"
    assert mask_nir("1 84 12 2A 123 456 78") == "1 84 12 ** *** *** 78"
    assert mask_iban("FR7630006000011234567890185") == "FR76 **** **** **** **** ***0 185"
    assert mask_document_number("X4RTBPFW4") == "******FW4"
    assert mask_nir("abc") == "***"


def test_redaction_of_free_text() -> None:
    text = (
        "NIR 290057654012387, IBAN FR76 3000 6000 0112 3456 7890 189, "
        "Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig, clé remu_abcdef123456_xyz, "
        "montant 1406.56 le 2024-06-15"
    )
    redacted = redact_text(text)
    for secret in ("290057654012387", "3456 7890", "eyJhbGciOi", "abcdef123456"):
        assert secret not in redacted
    assert "2 90 05 ** *** *** 87" in redacted and "1406.56" in redacted
    assert "2024-06-15" in redacted


def test_uploads_are_typed_by_content() -> None:
    assert check_upload(b"%PDF-1.7 ...", max_bytes=100) == "application/pdf"
    assert check_upload(b"\xff\xd8\xff\xe0 jfif", max_bytes=100) == "image/jpeg"
    with pytest.raises(DocumentRejected):
        check_upload(b"GIF89a", max_bytes=100)
    with pytest.raises(DocumentRejected):
        check_upload(b"", max_bytes=100)
    with pytest.raises(DocumentTooLarge):
        check_upload(b"%PDF-" + b"0" * 100, max_bytes=100)


def _entry(**values: str | None) -> AttendanceEntry:
    base: dict[str, Decimal | None] = {
        "scheduled_hours": Decimal("105"),
        "attended_hours": Decimal("98"),
        "justified_absence_hours": Decimal("3.5"),
        "unjustified_absence_hours": Decimal("3.5"),
        "daily_allowances": Decimal("0"),
        "hours_outside_work": None,
    }
    base.update({k: None if v is None else Decimal(v) for k, v in values.items()})
    return AttendanceEntry(**base)  # type: ignore[arg-type]


def test_attendance_entries_must_add_up() -> None:
    assert check_entry(_entry(), prefix="e", insertion=False) == []
    codes = {p.code for p in check_entry(_entry(attended_hours="90"), prefix="e", insertion=False)}
    assert codes == {"hours_do_not_add_up"}
    insertion = check_entry(_entry(), prefix="e", insertion=True)
    assert [p.path for p in insertion] == ["e.hours_outside_work"]
    too_many = check_entry(_entry(hours_outside_work="99"), prefix="e", insertion=True)
    assert [p.code for p in too_many] == ["exceeds_attended_hours"]
    negative = check_entry(_entry(daily_allowances="-1"), prefix="e", insertion=False)
    assert [p.path for p in negative] == ["e.daily_allowances"]


def test_field_protection_round_trip_and_binding() -> None:
    protector = FieldProtector(secrets.token_bytes(32))
    token = protector.encrypt("290057654012387", context="documents.nir")
    assert b"290057654012387" not in token
    assert protector.decrypt(token, context="documents.nir") == "290057654012387"
    with pytest.raises(DecryptionError):
        protector.decrypt(token, context="documents.iban")
    with pytest.raises(DecryptionError):
        FieldProtector(secrets.token_bytes(32)).decrypt(token, context="documents.nir")
    assert protector.encrypt("x", context="c") != protector.encrypt("x", context="c")
    spaced = protector.keyed_hash("fr76 3000 6000", context="iban")
    assert spaced == protector.keyed_hash("FR7630006000", context="iban")
    assert spaced != FieldProtector(secrets.token_bytes(32)).keyed_hash(
        "FR7630006000", context="iban"
    )
    with pytest.raises(ValueError):
        FieldProtector(b"short")
