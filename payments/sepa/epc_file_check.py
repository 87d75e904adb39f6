"""The EPC rule layer on a written pain.001 file, in one streaming pass.

A file is judged as the bank will see it: header totals against the transactions actually
present, one ``PmtInf`` per grouping key, fixed codes (TRF, SEPA, SLEV), dates, amounts, texts,
addresses and IBANs. The file is read with ``iterparse`` and each transaction is freed once
judged, so 100 000 transfers cost little memory. Works for .09 and .03 (read from the
namespace).
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterator
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from lxml import etree

from payments.sepa.epc_field_rules import (
    GROUPING_MESSAGE,
    EpcViolation,
    IbanChecker,
    Problem,
    RuleCode,
    category_purpose_problems,
    execution_date_problems,
    identifier_problems,
    name_problems,
    parse_amount,
)
from payments.sepa.epc_leaf_rules import (
    Leaves,
    charset_problems,
    collect,
    first,
    fixed_value_problems,
    total_violations,
    transaction_problems,
)
from payments.sepa.epc_model_check import EndToEndRegistry
from payments.sepa.model import Pain001Version
from payments.sepa.validate import (
    Source,
    XsdError,
    has_doctype,
    open_source,
    pain001_schema,
    validate_pain001,
)

__all__ = ["check_file"]

_NONE: frozenset[str] = frozenset()
_ROOT_MESSAGE = (
    "La racine doit être Document/CstmrCdtTrfInitn dans l'espace de noms pain.001.001.09 "
    "ou pain.001.001.03."
)
_PROLOG_BYTES = 4096
_BOM = b"\xef\xbb\xbf"
_DECLARATION = re.compile(rb"""<\?xml\s+version=["']1\.0["']\s+encoding=["']utf-8["']""", re.I)
_NAMESPACES = {version.namespace: version for version in Pain001Version}


def _tag(problems: list[Problem], path: str, e2e: str | None = None) -> list[EpcViolation]:
    return [EpcViolation(code, message, path, e2e) for code, message in problems]


class _FileCheck:
    """State of one pass: totals so far, identifiers seen, grouping keys seen."""

    def __init__(
        self,
        version: Pain001Version,
        today: date,
        used_e2e: Container[str],
        used_msg: Container[str],
        ibans: IbanChecker,
    ) -> None:
        self.version = version
        self.ns = f"{{{version.namespace}}}"
        self.today = today
        self.used_msg = used_msg
        self.ibans = ibans
        self.e2e = EndToEndRegistry(used_e2e)
        self.violations: list[EpcViolation] = []
        self.group: Leaves = {}
        self.count = 0
        self.total = Decimal(0)
        self.p_index = 0
        self.p_count = 0
        self.p_total = Decimal(0)
        self.p_header: Leaves | None = None
        self.keys: set[tuple[str | None, ...]] = set()
        self.pmtinf_ids: set[str] = set()

    def leaves(self, element: etree._Element, *, stop: str | None = None) -> Leaves:
        leaves: Leaves = {}
        ns_length = len(self.ns)
        for child in element:
            if child.tag == stop:
                break
            path = child.tag[ns_length:]
            if len(child):
                collect(child, path + "/", ns_length, leaves)
            else:
                leaves.setdefault(path, []).append(child.text or "")
        return leaves

    def group_header(self, element: etree._Element) -> None:
        self.group = leaves = self.leaves(element)
        msg_id = first(leaves, "MsgId") or ""
        self.violations += _tag(identifier_problems(msg_id, "MsgId"), "GrpHdr/MsgId")
        if msg_id in self.used_msg:
            message = f"L'identifiant de message {msg_id} a déjà été utilisé pour ce payeur."
            self.violations.append(
                EpcViolation(RuleCode.MSGID_ALREADY_USED, message, "GrpHdr/MsgId")
            )
        name = first(leaves, "InitgPty/Nm") or ""
        self.violations += _tag(
            name_problems(name, "InitgPty/Nm", charset=False), "GrpHdr/InitgPty/Nm"
        )
        self.violations += [
            EpcViolation(c, m, f"GrpHdr/{p}") for p, (c, m) in charset_problems(leaves)
        ]

    def instruction_header(self, element: etree._Element) -> None:
        self.p_index += 1
        self.p_count, self.p_total = 0, Decimal(0)
        self.p_header = leaves = self.leaves(element, stop=f"{self.ns}CdtTrfTxInf")
        path = f"PmtInf[{self.p_index}]"
        self.violations += [
            EpcViolation(code, message, f"{path}/{where}")
            for where, (code, message) in self._instruction_problems(leaves)
        ]
        self._grouping(leaves, path)

    def _instruction_problems(self, leaves: Leaves) -> Iterator[tuple[str, Problem]]:
        yield from (
            ("PmtInfId", p)
            for p in identifier_problems(first(leaves, "PmtInfId") or "", "PmtInfId")
        )
        yield from (
            ("PmtMtd", p) for p in fixed_value_problems(leaves, "PmtMtd", "TRF", RuleCode.PMTMTD)
        )
        yield from (
            ("PmtTpInf/SvcLvl/Cd", p)
            for p in fixed_value_problems(leaves, "PmtTpInf/SvcLvl/Cd", "SEPA", RuleCode.SVCLVL)
        )
        yield from (
            ("ChrgBr", p) for p in fixed_value_problems(leaves, "ChrgBr", "SLEV", RuleCode.CHRGBR)
        )
        if first(leaves, "BtchBookg") not in {"true", "false"}:
            yield (
                "BtchBookg",
                (RuleCode.BTCHBOOKG, "BtchBookg doit être présent et valoir true ou false."),
            )
        ctgy = first(leaves, "PmtTpInf/CtgyPurp/Cd")
        yield from (("PmtTpInf/CtgyPurp/Cd", p) for p in category_purpose_problems(ctgy))
        yield from self._execution_date(leaves)
        yield from (
            ("Dbtr/Nm", p)
            for p in name_problems(first(leaves, "Dbtr/Nm") or "", "Dbtr/Nm", charset=False)
        )
        iban = first(leaves, "DbtrAcct/Id/IBAN") or ""
        yield from (("DbtrAcct/Id/IBAN", p) for p in self.ibans.problems(iban, "DbtrAcct"))
        yield from self._debtor_agent(leaves)
        yield from charset_problems(leaves)

    def _execution_date(self, leaves: Leaves) -> Iterator[tuple[str, Problem]]:
        where = "ReqdExctnDt/Dt" if self.version is Pain001Version.V09 else "ReqdExctnDt"
        try:
            day = date.fromisoformat(first(leaves, where) or "")
        except ValueError:
            yield (
                where,
                (
                    RuleCode.EXECUTION_DATE_CLOSED,
                    f"La date d'exécution ({where}) est absente ou illisible.",
                ),
            )
            return
        yield from ((where, p) for p in execution_date_problems(day, self.today))

    def _debtor_agent(self, leaves: Leaves) -> Iterator[tuple[str, Problem]]:
        bic_path = "DbtrAgt/FinInstnId/" + (
            "BICFI" if self.version is Pain001Version.V09 else "BIC"
        )
        if first(leaves, bic_path) or first(leaves, "DbtrAgt/FinInstnId/Othr/Id") == "NOTPROVIDED":
            return
        message = f"DbtrAgt doit porter {bic_path} ou, sans BIC, FinInstnId/Othr/Id=NOTPROVIDED."
        yield "DbtrAgt", (RuleCode.DBTRAGT, message)

    def _grouping(self, leaves: Leaves, path: str) -> None:
        where = "ReqdExctnDt/Dt" if self.version is Pain001Version.V09 else "ReqdExctnDt"
        key = tuple(
            first(leaves, p)
            for p in ("DbtrAcct/Id/IBAN", where, "BtchBookg", "PmtTpInf/CtgyPurp/Cd")
        )
        if key in self.keys:
            message = GROUPING_MESSAGE
            self.violations.append(EpcViolation(RuleCode.PMTINF_GROUPING, message, path))
        self.keys.add(key)
        pmtinf_id = first(leaves, "PmtInfId") or ""
        if pmtinf_id in self.pmtinf_ids:
            message = f"L'identifiant PmtInfId {pmtinf_id} est en double."
            self.violations.append(
                EpcViolation(RuleCode.PMTINFID_DUPLICATE, message, f"{path}/PmtInfId")
            )
        self.pmtinf_ids.add(pmtinf_id)

    def transaction(self, element: etree._Element) -> None:
        leaves: Leaves = {}
        collect(element, "", len(self.ns), leaves)
        self.p_count += 1
        path = f"PmtInf[{self.p_index}]/CdtTrfTxInf[{self.p_count}]"
        e2e = first(leaves, "PmtId/EndToEndId") or ""
        self.violations += self.e2e.violations(e2e, path)
        amount = parse_amount(first(leaves, "Amt/InstdAmt"))
        if amount is not None and amount.is_finite():
            self.p_total += amount
        found = transaction_problems(leaves, amount, self.ibans)
        if found:
            self.violations += [EpcViolation(c, m, f"{path}/{w}", e2e) for w, (c, m) in found]

    def instruction_end(self) -> None:
        path = f"PmtInf[{self.p_index}]"
        assert self.p_header is not None
        self.violations += total_violations(
            self.p_header, self.p_count, self.p_total, path, "PMTINF"
        )
        self.count += self.p_count
        self.total += self.p_total
        self.p_header = None

    def finish(self) -> list[EpcViolation]:
        self.violations += total_violations(self.group, self.count, self.total, "GrpHdr", "GRPHDR")
        return self.violations


def _prolog_violations(prolog: bytes) -> list[EpcViolation]:
    if prolog.startswith(_BOM):
        return [
            EpcViolation(
                RuleCode.BOM,
                "Le fichier commence par une marque d'ordre d'octets (BOM), interdite.",
                "/",
            )
        ]
    if not _DECLARATION.match(prolog):
        message = (
            'Le fichier doit commencer par la déclaration <?xml version="1.0" encoding="UTF-8"?>.'
        )
        return [EpcViolation(RuleCode.XML_DECLARATION, message, "/")]
    if has_doctype(prolog):
        message = "Le fichier contient une déclaration DOCTYPE ou ENTITY, interdite."
        return [EpcViolation(RuleCode.XML_DECLARATION, message, "/")]
    return []


def _version(stream: BinaryIO) -> Pain001Version | None:
    """The pain.001 version named by the root's namespace, if root and child are right."""
    events = etree.iterparse(
        stream, events=("start",), resolve_entities="internal", no_network=True
    )
    try:
        _, root = next(events)
        _, first = next(events)
    except (StopIteration, etree.XMLSyntaxError):
        return None
    namespace = etree.QName(root).namespace or ""
    version = _NAMESPACES.get(namespace)
    expected = (f"{{{namespace}}}Document", f"{{{namespace}}}CstmrCdtTrfInitn")
    if version is None or (root.tag, first.tag) != expected:
        return None
    return version


def _run(stream: BinaryIO, check: _FileCheck, schema: etree.XMLSchema | None) -> None:
    ns = check.ns
    etree.clear_error_log()
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=(f"{ns}GrpHdr", f"{ns}PmtInf", f"{ns}CdtTrfTxInf"),
        schema=schema,
        resolve_entities="internal",
        no_network=True,
        huge_tree=False,
    )
    transaction, instruction = f"{ns}CdtTrfTxInf", f"{ns}PmtInf"
    for _, element in events:
        if element.tag == transaction:
            parent = element.getparent()
            if check.p_header is None and parent is not None:
                check.instruction_header(parent)
            check.transaction(element)
            element.clear()
            while element.getprevious() is not None and parent is not None:
                del parent[0]
        elif element.tag == instruction:
            if check.p_header is None:
                check.instruction_header(element)
            check.instruction_end()
            element.clear()
        else:
            check.group_header(element)


def _xsd_violations(source: Source, version: Pain001Version) -> list[EpcViolation]:
    """The XSD errors (located when the source can be read again) as violations."""
    if isinstance(source, bytes | str | os.PathLike):
        errors = validate_pain001(source, version=version)
    else:
        errors = []
    if not errors:
        errors = [XsdError(None, "Fichier non conforme au schéma XSD.")]
    return [EpcViolation(RuleCode.XSD_INVALID, e.message, f"ligne {e.line or '?'}") for e in errors]


def check_file(
    source: Source,
    *,
    today: date,
    used_end_to_end_ids: Container[str] = _NONE,
    used_message_ids: Container[str] = _NONE,
    iban_checker: IbanChecker | None = None,
    with_xsd: bool = False,
) -> list[EpcViolation]:
    """Every EPC rule on a written pain.001 (empty list: the file may be released).

    With ``with_xsd`` the XSD validation runs in the same streaming pass (one parse instead
    of two); a file that fails it is reported with its XSD errors only (``EPC_XSD_INVALID``).
    Without it, run ``validate_pain001`` first: a file that is not well-formed is reported as
    such (``EPC_XML_MALFORMED``) and its content is not judged.
    """
    stream = open_source(source)
    try:
        violations = _prolog_violations(stream.read(_PROLOG_BYTES))
        if violations:
            return violations
        stream.seek(0)
        version = _version(stream)
        if version is None:
            return [EpcViolation(RuleCode.NAMESPACE, _ROOT_MESSAGE, "/Document")]
        stream.seek(0)
        ibans = iban_checker or IbanChecker(on=today)
        check = _FileCheck(version, today, used_end_to_end_ids, used_message_ids, ibans)
        schema = pain001_schema(version) if with_xsd else None
        try:
            _run(stream, check, schema)
        except etree.XMLSyntaxError as error:
            if schema is not None:
                return _xsd_violations(source, version)
            return [EpcViolation(RuleCode.XML_MALFORMED, f"Fichier XML mal formé : {error}", "/")]
        return check.finish()
    finally:
        if stream is not source:
            stream.close()
