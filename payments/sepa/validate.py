"""XSD validation of ISO 20022 files with lxml (libxml2), safe and streaming.

The XSD is necessary, not sufficient (the EPC layer comes after), but it is the first gate: a
file refused here never reaches a bank. Validation streams through the file (``iterparse``
with the schema plugged in, elements cleared as they come), so 100 000 transactions cost
about a second and little memory. libxml2 does not give line numbers in streaming mode, so
when a file fails, a second pass on a full tree locates the errors (files up to
``LOCATE_MAX_BYTES``; beyond, the errors come without line numbers).

Parsing is hardened for files that come from outside (bank returns): a document type
declaration is refused outright (ISO 20022 messages never have one, and it is the door to XXE
and "billion laughs"), external entities are never resolved, no network, no huge-tree mode.
Streaming uses ``resolve_entities="internal"``: with ``False``, lxml's ``iterparse`` combined
with a schema silently accepts a truncated file.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from payments.sepa.model import Pain001Version
from payments.sepa.xsd_stream import DOCTYPE_REFUSED, has_doctype, log_entries, stream_errors

__all__ = [
    "DOCTYPE_REFUSED",
    "LOCATE_MAX_BYTES",
    "Source",
    "XsdError",
    "has_doctype",
    "load_schema",
    "pain001_schema",
    "safe_parser",
    "validate_pain001",
    "validate_xsd",
]

LOCATE_MAX_BYTES = 8 * 1024 * 1024

Source = bytes | str | os.PathLike[str] | BinaryIO


@dataclass(frozen=True, slots=True)
class XsdError:
    """One schema violation; ``message`` is French-prefixed, libxml2's detail follows."""

    line: int | None
    message: str


def safe_parser(*, schema: etree.XMLSchema | None = None) -> etree.XMLParser:
    """A parser that never expands entities nor reaches the network (XXE, billion laughs)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        schema=schema,
    )


@cache
def load_schema(package: str, file_name: str) -> etree.XMLSchema:
    """Compile a vendored XSD once per process (compiling costs more than a small file)."""
    data = resources.files(package).joinpath(file_name).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, safe_parser()))


def pain001_schema(version: Pain001Version) -> etree.XMLSchema:
    return load_schema("payments.sepa.schemas", f"{version.value}.xsd")


def open_source(source: Source) -> BinaryIO:
    """A binary stream on ``source`` (the caller closes it when it is not ``source``)."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).open("rb")
    return source


def _size(source: Source) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).stat().st_size
    return None


def _located_errors(data: bytes, schema: etree.XMLSchema) -> list[XsdError]:
    etree.clear_error_log()
    try:
        tree = etree.parse(io.BytesIO(data), safe_parser())
    except etree.XMLSyntaxError as error:
        return [_error(entry.line, entry.message) for entry in log_entries(error.error_log)]
    if schema.validate(tree):
        return []
    return [_error(entry.line, entry.message) for entry in log_entries(schema.error_log)]


def _error(line: int | None, detail: str) -> XsdError:
    if detail == DOCTYPE_REFUSED:
        return XsdError(None, detail)
    where = f"ligne {line}" if line else "ligne inconnue"
    return XsdError(line or None, f"Fichier non conforme au schéma XSD ({where}) : {detail}")


def validate_xsd(
    source: Source, schema: etree.XMLSchema, *, record_tag: str | None = None
) -> list[XsdError]:
    """All XSD errors of ``source`` (empty list: the file is valid).

    ``record_tag`` (Clark notation) names the repeated element to free as soon as it is read,
    which keeps memory flat on big files. A source given as a file object is read once; pass
    bytes or a path to get line numbers.
    """
    stream = open_source(source)
    try:
        messages = stream_errors(stream, schema, record_tag)
    finally:
        if stream is not source:
            stream.close()
    if not messages:
        return []
    if messages == [DOCTYPE_REFUSED]:
        return [_error(None, DOCTYPE_REFUSED)]
    size = _size(source)
    if size is not None and size <= LOCATE_MAX_BYTES:
        data = source if isinstance(source, bytes) else Path(str(source)).read_bytes()
        located = _located_errors(data, schema)
        if located:
            return located
    return [_error(None, message) for message in messages]


def validate_pain001(
    source: Source, *, version: Pain001Version = Pain001Version.V09
) -> list[XsdError]:
    """XSD errors of a pain.001 file of the given version."""
    record = f"{{{version.namespace}}}CdtTrfTxInf"
    return validate_xsd(source, pain001_schema(version), record_tag=record)
