"""Rules on the leaves of a parsed pain.001 block, shared by the streaming file check.

A transaction (or a header) is first flattened into its leaf texts by relative path
("Cdtr/PstlAdr/TwnNm"); the rules below read those paths, which keeps the per-transaction
work to one walk of its elements and plain dictionary lookups.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from payments.sepa.charset import first_invalid_character
from payments.sepa.epc_field_rules import (
    EpcViolation,
    IbanChecker,
    Problem,
    RuleCode,
    address_problems,
    amount_problems,
    identifier_problems,
    name_problems,
    parse_amount,
    remittance_problems,
)

__all__ = [
    "AMOUNT",
    "CURRENCY",
    "Leaves",
    "charset_problems",
    "collect",
    "first",
    "fixed_value_problems",
    "total_violations",
    "transaction_problems",
]

Leaves = dict[str, list[str]]
AMOUNT = "Amt/InstdAmt"
CURRENCY = "Amt/InstdAmt@Ccy"
_STRUCTURED = "RmtInf/Strd"
_E2E = "PmtId/EndToEndId"
_ID = "EndToEndId"
_TOTAL_CODES = {
    "GRPHDR": (RuleCode.NBOFTXS_GRPHDR, RuleCode.CTRLSUM_GRPHDR),
    "PMTINF": (RuleCode.NBOFTXS_PMTINF, RuleCode.CTRLSUM_PMTINF),
}


def collect(element: etree._Element, prefix: str, ns_length: int, leaves: Leaves) -> None:
    """Leaf texts by relative path ("Cdtr/PstlAdr/TwnNm"), repeated leaves in order.

    Two markers are added on the way: the currency attribute of the amount, and the presence
    of a structured remittance block (which the EPC guidelines forbid next to ``Ustrd``).
    """
    for child in element:
        path = prefix + child.tag[ns_length:]
        if len(child):
            if path == _STRUCTURED:
                leaves[_STRUCTURED] = [""]
            collect(child, path + "/", ns_length, leaves)
        elif path in leaves:
            leaves[path].append(child.text or "")
        else:
            leaves[path] = [child.text or ""]
            if path == AMOUNT:
                leaves[CURRENCY] = [child.get("Ccy") or ""]


def first(leaves: Leaves, path: str) -> str | None:
    values = leaves.get(path)
    return values[0] if values else None


def charset_problems(leaves: Leaves) -> list[tuple[str, Problem]]:
    """Every text node in the EPC set; one search on the joined values in the common case."""
    if first_invalid_character(" ".join([" ".join(v) for v in leaves.values()])) is None:
        return []
    found = []
    for path, values in leaves.items():
        for value in values:
            bad = first_invalid_character(value)
            if bad is not None:
                message = f"Le champ {path} contient le caractère hors jeu EPC « {bad} »."
                found.append((path, (RuleCode.CHARSET, message)))
    return found


def fixed_value_problems(leaves: Leaves, path: str, expected: str, code: RuleCode) -> list[Problem]:
    if first(leaves, path) == expected:
        return []
    return [(code, f"L'élément {path} doit valoir {expected}.")]


def _amount_problems(leaves: Leaves, amount: Decimal | None) -> list[Problem]:
    problems = []
    if first(leaves, CURRENCY) != "EUR":
        problems.append((RuleCode.CURRENCY, "Le montant doit être exprimé en euros (Ccy=EUR)."))
    if amount is None:
        problems.append(
            (RuleCode.AMOUNT_DECIMALS, "Le montant (InstdAmt) est absent ou illisible.")
        )
    else:
        problems += amount_problems(amount)
    return problems


def transaction_problems(
    leaves: Leaves, amount: Decimal | None, ibans: IbanChecker
) -> list[tuple[str, Problem]]:
    """Every EPC rule of one transaction, with the relative path of what breaks it."""
    found = [("PmtId/EndToEndId", p) for p in identifier_problems(first(leaves, _E2E) or "", _ID)]
    instr = first(leaves, "PmtId/InstrId")
    if instr is not None:
        found += [("PmtId/InstrId", p) for p in identifier_problems(instr, "InstrId")]
    found += [(AMOUNT, p) for p in _amount_problems(leaves, amount)]
    name = first(leaves, "Cdtr/Nm") or ""
    found += [("Cdtr/Nm", p) for p in name_problems(name, "Cdtr/Nm", charset=False)]
    town, country = first(leaves, "Cdtr/PstlAdr/TwnNm"), first(leaves, "Cdtr/PstlAdr/Ctry")
    lines = leaves.get("Cdtr/PstlAdr/AdrLine", [])
    found += [("Cdtr/PstlAdr", p) for p in address_problems(town, country, lines)]
    iban = first(leaves, "CdtrAcct/Id/IBAN") or ""
    found += [("CdtrAcct/Id/IBAN", p) for p in ibans.problems(iban, "CdtrAcct")]
    found += _remittance(leaves)
    found += charset_problems(leaves)
    return found


def _remittance(leaves: Leaves) -> list[tuple[str, Problem]]:
    texts = leaves.get("RmtInf/Ustrd", [])
    found = []
    if len(texts) != 1 or _STRUCTURED in leaves:
        message = "Le virement doit porter un seul libellé non structuré (RmtInf/Ustrd)."
        found.append(("RmtInf", (RuleCode.REMITTANCE_COUNT, message)))
    for text in texts:
        found += [("RmtInf/Ustrd", p) for p in remittance_problems(text, charset=False)]
    return found


def total_violations(
    leaves: Leaves, count: int, total: Decimal, path: str, level: str
) -> list[EpcViolation]:
    """NbOfTxs and CtrlSum of a header against what was counted: a wrong control sum makes
    the bank reject the whole file."""
    count_code, sum_code = _TOTAL_CODES[level]
    violations = []
    declared_count = first(leaves, "NbOfTxs")
    if declared_count != str(count):
        message = (
            f"{path}/NbOfTxs vaut {declared_count} mais le fichier compte {count} virement(s)."
        )
        violations.append(EpcViolation(count_code, message, f"{path}/NbOfTxs"))
    declared_sum = first(leaves, "CtrlSum")
    if parse_amount(declared_sum) != total:
        message = f"{path}/CtrlSum vaut {declared_sum} mais la somme des virements est {total:.2f}."
        violations.append(EpcViolation(sum_code, message, f"{path}/CtrlSum"))
    return violations
