"""Templates as versioned data: complete, plain, strictly fillable; rendering reproducible."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from exports.letters import (
    LetterTemplates,
    Recipient,
    ServiceContact,
    TemplateError,
    TrainingInfo,
    build_decision_letter,
    load_service_contact,
    load_templates,
    render_letter,
)
from exports.letters.templates import DATA_DIRECTORY, fill, parse_templates
from remuneration.contact import CONTACT_FILE, contact_line
from rules.reasons import ReasonCode
from tests.exports.conftest import load_json
from tests.exports.pdftext import pdf_text

LINE_KINDS = (
    "advance",
    "remuneration",
    "advance_recovery",
    "mobility",
    "equipment",
    "driving_licence",
    "overpayment",
)


def _raw_templates() -> dict[str, Any]:
    data = yaml.safe_load((DATA_DIRECTORY / "templates.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _letter(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> bytes:
    context = build_decision_letter(
        load_json("result-granted.json"),
        recipient=recipient,
        training=training,
        letter_date=date(2024, 6, 15),
        templates=templates,
        contact=contact,
        reference="RM-1",
    )
    return render_letter(context)


def test_every_reason_code_and_line_kind_has_its_words(templates: LetterTemplates) -> None:
    assert templates.version == "lettres-v1"
    for code in ReasonCode:
        wording = templates.reason(code.value)
        assert wording.text.endswith(".") and wording.action.endswith(".")
    for kind in LINE_KINDS:
        assert templates.text(f"line_kind_help.{kind}")
    assert any("R421-1" in source for source in templates.remedies_sources)
    assert any("R414-6" in source for source in templates.remedies_sources)


def test_a_template_without_a_reason_code_is_refused() -> None:
    data = _raw_templates()
    del data["reasons"]["NIR_MISMATCH"]
    with pytest.raises(TemplateError, match="NIR_MISMATCH"):
        parse_templates(data)
    data = _raw_templates()
    data["remedies"]["sources"] = []
    with pytest.raises(TemplateError, match="sources"):
        parse_templates(data)


def test_fill_refuses_unknown_fields_attribute_access_and_format_specs(
    templates: LetterTemplates,
) -> None:
    assert fill("Bonjour {name},", {"name": "Marie"}) == "Bonjour Marie,"
    with pytest.raises(TemplateError):
        fill("Bonjour {name},", {})
    with pytest.raises(TemplateError):
        fill("{name.__class__}", {"name": "x"})
    with pytest.raises(TemplateError):
        fill("{amount:.2f}", {"amount": "1"})
    with pytest.raises(TemplateError):
        templates.text("decision.intro")  # a list of sentences, not one text
    with pytest.raises(TemplateError):
        templates.text("decision.nothing_here")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:;])\s+", text) if s]


def test_trainee_texts_are_plain_short_sentences_with_explained_acronyms(
    templates: LetterTemplates,
) -> None:
    """FALC habits: short sentences; an acronym only where its meaning is spelled out."""
    texts = [v for k, v in templates.texts.items() if k != "remedies.legal"]
    flat = [t for value in texts for t in ((value,) if isinstance(value, str) else value)]
    flat += [
        w
        for p in (*templates.reasons.values(), *templates.missing.values())
        for w in (p.text, p.action)
    ]
    for text in flat:
        for sentence in _sentences(text):
            assert len(sentence.split()) <= 30, sentence
    acronyms = {a for text in flat for a in re.findall(r"\b[A-Z]{2,}\b", text)}
    assert acronyms <= {"RIB", "SEPA"}
    everything = " ".join(flat)
    assert "relevé d'identité bancaire (RIB)" in everything
    assert "zone européenne des paiements (zone SEPA)" in everything


def test_same_context_same_bytes_in_this_process_and_another(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    first = _letter(templates, contact, recipient, training)
    assert first == _letter(templates, contact, recipient, training)
    assert first.startswith(b"%PDF-")
    script = (
        "import hashlib, json, sys\n"
        "from datetime import date\n"
        "from exports.letters import *\n"
        "result = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "r = Recipient(full_name='Marie Claire Dupont', last_name='Dupont', civility='Madame',"
        " address_lines=('12 rue des Lilas', '14000 Caen'))\n"
        "t = TrainingInfo(name='Titre professionnel Agent de restauration',"
        " start_date=date(2024, 3, 11), end_date=date(2024, 9, 27))\n"
        "c = build_decision_letter(result, recipient=r, training=t, letter_date=date(2024, 6, 15),"
        " templates=load_templates(), contact=load_service_contact(), reference='RM-1')\n"
        "print(hashlib.sha256(render_letter(c)).hexdigest())\n"
    )
    data_file = Path(__file__).parent / "data" / "result-granted.json"
    other = subprocess.run(
        [sys.executable, "-c", script, str(data_file)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert other.stdout.strip() == hashlib.sha256(first).hexdigest()


def test_a_different_context_gives_different_bytes(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    other = dataclasses.replace(recipient, full_name="Paul Martin", last_name="Martin")
    assert _letter(templates, contact, recipient, training) != _letter(
        templates, contact, other, training
    )


def test_the_service_contact_comes_from_a_replaceable_data_file(
    tmp_path: Path, templates: LetterTemplates, recipient: Recipient, training: TrainingInfo
) -> None:
    data = yaml.safe_load(CONTACT_FILE.read_text(encoding="utf-8"))
    data["phone"] = "02 35 52 56 00"
    data["email"] = "remu@example.org"
    data["court"]["name"] = "tribunal administratif de Rouen"
    path = tmp_path / "service.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    contact = load_service_contact(path)
    text = pdf_text(_letter(templates, contact, recipient, training))
    assert "02 35 52 56 00" in text and "remu@example.org" in text
    assert "tribunal administratif de Rouen" in text
    del data["email"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateError, match="email"):
        load_service_contact(path)


def test_names_the_font_cannot_draw_are_kept_readable(
    templates: LetterTemplates,
    contact: ServiceContact,
    recipient: Recipient,
    training: TrainingInfo,
) -> None:
    vietnamese = dataclasses.replace(
        recipient, full_name="Nguyễn Thị Ánh", last_name="Nguyễn", civility=None
    )
    text = pdf_text(_letter(templates, contact, vietnamese, training))
    assert "Bonjour Nguyen Thi Ánh," in text
    assert "?" not in text.replace("Vous avez une question ?", "")


def _broken(change: str) -> dict[str, Any]:
    """The packaged templates with one mistake an editor of the file could make."""
    data = _raw_templates()
    if change == "no version":
        del data["version"]
    elif change == "reasons not a mapping":
        data["reasons"] = ["NIR_MISMATCH"]
    elif change == "reason without action":
        data["reasons"]["NIR_MISMATCH"] = {"text": "Le NIR ne correspond pas."}
    elif change == "blank reason":
        data["reasons"]["NIR_MISMATCH"] = {"text": " ", "action": "Envoyez-nous votre carte."}
    elif change == "no default missing text":
        del data["missing"]["default"]
    elif change == "a number as a text":
        data["remedies"]["title"] = 42
    elif change == "a date that is not a date":
        data["in_force_from"] = "1er janvier 2025"
    elif change == "a number as the date":
        data["in_force_from"] = 20250101
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no version", "version et source"),
        ("reasons not a mapping", "reasons : dictionnaire attendu"),
        ("reason without action", "reasons.NIR_MISMATCH : clés text et action"),
        ("blank reason", "reasons.NIR_MISMATCH : textes non vides"),
        ("no default missing text", "missing.default"),
        ("a number as a text", "remedies.title : texte ou liste"),
        ("a date that is not a date", "in_force_from : date AAAA-MM-JJ"),
        ("a number as the date", "in_force_from : date AAAA-MM-JJ"),
    ],
)
def test_a_template_file_with_a_mistake_is_refused_naming_it(change: str, message: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(message)):
        parse_templates(_broken(change))


def test_asking_for_a_text_that_does_not_exist_is_an_error(templates: LetterTemplates) -> None:
    with pytest.raises(TemplateError, match=re.escape("modèle inconnu : remedies.nope")):
        templates.text("remedies.nope")
    with pytest.raises(TemplateError, match="aucun texte pour le motif NOPE"):
        templates.reason("NOPE")
    list_key = next(k for k, v in templates.texts.items() if isinstance(v, tuple))
    with pytest.raises(TemplateError, match="est une liste"):
        templates.raw_text(list_key)
    assert templates.lines(list_key) == tuple(templates.texts[list_key])
    assert templates.missing_item("aid_requests[3].code_status") == templates.missing_item(
        "aid_requests[0].code_status"
    )


def test_a_template_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text("- une liste\n- pas des modèles\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=re.escape("templates.yaml : dictionnaire attendu")):
        load_templates(path)


def test_letters_and_macros_share_one_fictitious_contact(contact: ServiceContact) -> None:
    """One file says how to reach the service; the packaged one is visibly a demo."""
    line = contact_line()
    assert contact.phone in line and contact.email in line and contact.hours in line
    assert contact.organisation == "Région de démonstration"
    assert contact.phone.startswith("01 99 00")  # the range reserved for fiction
    assert contact.email.endswith(".example") and "normandie" not in str(contact).lower()
