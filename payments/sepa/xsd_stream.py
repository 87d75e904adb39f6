"""Streaming XSD validation of one document, hardened; also runnable as a worker process.

This module imports nothing but lxml and the standard library, so that it can run as a
process of its own (``python -I xsd_stream.py SCHEMA RECORD_TAG`` reading the document on its
standard input, printing the error messages, its CPU time and peak memory as JSON) without
importing the rest of remu: the payment run validates its pain.001 there, on the second core,
while it writes the file. ``payments.sepa.validate`` uses the same ``stream_errors`` in process.

Parsing is hardened for files that come from outside: a document type declaration is refused
outright, external entities are never resolved, no network, no huge-tree mode. Streaming uses
``resolve_entities="internal"``: with ``False``, lxml's ``iterparse`` combined with a schema
silently accepts a truncated file.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Iterable
from typing import BinaryIO, cast

from lxml import etree

__all__ = ["DOCTYPE_REFUSED", "PROLOG_BYTES", "has_doctype", "log_entries", "stream_errors"]

PROLOG_BYTES = 4096

DOCTYPE_REFUSED = (
    "Fichier refusé : il contient une déclaration DOCTYPE ou ENTITY, interdite dans un message "
    "ISO 20022 (protection contre les attaques XXE et « billion laughs »)."
)


def has_doctype(prolog: bytes) -> bool:
    """True when the start of a document declares a DTD or an entity."""
    return b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog


def log_entries(log: object) -> list[etree._LogEntry]:
    """The entries of an lxml error log (the stubs do not declare it iterable)."""
    return list(cast(Iterable[etree._LogEntry], log))


class _Replay:
    """A stream that gives back the prolog already read, then the rest of ``stream``: a pipe
    cannot be rewound."""

    def __init__(self, prolog: bytes, stream: BinaryIO) -> None:
        self._prolog = prolog
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._prolog:
            head = self._prolog if size < 0 else self._prolog[:size]
            self._prolog = self._prolog[len(head) :]
            return head
        return self._stream.read(size)


def _prolog(stream: BinaryIO) -> bytes:
    """The first ``PROLOG_BYTES`` bytes (fewer at the end of the stream), however it delivers."""
    prolog = b""
    while len(prolog) < PROLOG_BYTES:
        piece = stream.read(PROLOG_BYTES - len(prolog))
        if not piece:
            break
        prolog += piece
    return prolog


def stream_errors(stream: BinaryIO, schema: etree.XMLSchema, record_tag: str | None) -> list[str]:
    """Validate while parsing; the records (``record_tag``) are dropped once read.

    Reads ``stream`` once, from where it stands (a pipe will do). Empty list: valid."""
    prolog = _prolog(stream)
    if has_doctype(prolog):
        return [DOCTYPE_REFUSED]
    etree.clear_error_log()
    events = etree.iterparse(
        _Replay(prolog, stream),
        events=("end",),
        tag=record_tag,
        schema=schema,
        resolve_entities="internal",
        no_network=True,
        huge_tree=False,
        load_dtd=False,
    )
    try:
        for _, element in events:
            if record_tag is not None:
                _drop(element)
    except etree.XMLSyntaxError as error:
        messages = [entry.message for entry in log_entries(events.error_log)] or [str(error)]
        return list(dict.fromkeys(messages))
    return []


def _drop(element: etree._Element) -> None:
    """Free a record already read, and the empty records before it."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def main(arguments: list[str]) -> int:
    """Worker: ``SCHEMA_PATH RECORD_TAG``, the document on stdin, the answer on stdout."""
    schema_path, record_tag = arguments
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schema = etree.XMLSchema(etree.parse(schema_path, parser))
    messages = stream_errors(sys.stdin.buffer, schema, record_tag)
    while sys.stdin.buffer.read(1 << 16):  # drain: the writer must never block on a full pipe
        pass
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = usage.ru_utime + usage.ru_stime
    answer = {"errors": messages, "cpu_s": cpu_s, "peak_kb": _peak_kb(usage.ru_maxrss)}
    sys.stdout.write(json.dumps(answer))
    return 0


def _peak_kb(maxrss_kb: int) -> int:
    """This program's peak memory: ``VmHWM`` (reset by exec), not ``ru_maxrss``, which keeps
    the size of the process this one was started from."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return maxrss_kb


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
