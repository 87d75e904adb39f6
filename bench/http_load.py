"""A lean HTTP/1.1 load generator for ``bench/api.py``: raw asyncio streams, keep-alive
connections, requests built once as bytes, responses read by their ``Content-Length``.

httpx (the former client) costs about as much CPU per request as the server's bare endpoint,
on the same two cores, so it measured itself as much as the server. This client does the least
a client must and still checks every answer: the status line must be ``200`` and the body must
be exactly as long as the one the same request gave when it was calibrated (a full request
parsed by httpx before the load). A chunked or unexpected answer counts as an error.

The load can be spread over several processes (``processes``), each with its share of the
connections, when one client process would be the bottleneck.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Phase", "build_get", "build_post", "calibrate", "merged", "run_phase"]

_HEADER_END = b"\r\n\r\n"


@dataclass(frozen=True)
class Phase:
    """The requests of one load phase (cycled over the connections) and, for each, the status
    line and body length its answer must have."""

    host: str
    port: int
    requests: Sequence[bytes]
    body_lengths: Sequence[int]


def build_get(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    """A keep-alive GET, as bytes."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def build_post(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """A keep-alive POST with its body, as bytes."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _content_length(head: bytes) -> int:
    """The ``Content-Length`` of a response head; -1 when absent (chunked: not accepted)."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return -1


async def _connection(
    phase: Phase, offset: int, stride: int, stop_at: float, budget: list[int], out: list[Any]
) -> None:
    reader, writer = await asyncio.open_connection(phase.host, phase.port)
    index = offset
    count = len(phase.requests)
    try:
        while budget[0] > 0 and time.monotonic() < stop_at:
            budget[0] -= 1
            which = index % count
            index += stride
            started = time.perf_counter()
            writer.write(phase.requests[which])
            head = await reader.readuntil(_HEADER_END)
            length = _content_length(head)
            ok = head.startswith(b"HTTP/1.1 200 ") and length == phase.body_lengths[which]
            if length > 0:
                await reader.readexactly(length)
            out.append((time.perf_counter() - started, ok))
            if length < 0:  # no way to find the next answer on this connection
                break
    finally:
        writer.close()


async def _load(
    phase: Phase, clients: int, first: int, stride: int, seconds: float, budget: int
) -> tuple[list[tuple[float, bool]], float]:
    results: list[tuple[float, bool]] = []
    shared = [budget]
    stop_at = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(phase, first + n * stride, stride * clients, stop_at, shared, results)
            for n in range(clients)
        )
    )
    return results, time.perf_counter() - started


def _event_loop_runner() -> Any:
    try:
        import uvloop  # optional: the lighter loop when installed
    except ImportError:
        return asyncio.run
    return uvloop.run


def _process_main(
    phase: Phase, clients: int, first: int, stride: int, seconds: float, budget: int, pipe: Any
) -> None:
    cpu = time.process_time()
    results, elapsed = _event_loop_runner()(_load(phase, clients, first, stride, seconds, budget))
    pipe.send((results, elapsed, time.process_time() - cpu))
    pipe.close()


def run_phase(
    phase: Phase,
    *,
    clients: int,
    seconds: float,
    requests: int,
    processes: int = 1,
    keep_times: bool = False,
) -> dict[str, Any]:
    """Load ``phase`` with ``clients`` connections spread over ``processes`` processes, for at
    most ``seconds`` and ``requests``; latencies, errors and the client's own CPU time
    (``keep_times``: every latency too, under ``times``, to merge several loads)."""
    context = multiprocessing.get_context("fork")
    pipes, children = [], []
    per_process = [
        clients // processes + (1 if n < clients % processes else 0) for n in range(processes)
    ]
    for n, share in enumerate(per_process):
        parent, child = context.Pipe(duplex=False)
        worker = context.Process(
            target=_process_main,
            args=(phase, share, n, processes, seconds, requests // processes, child),
        )
        worker.start()
        child.close()
        pipes.append(parent)
        children.append(worker)
    results: list[tuple[float, bool]] = []
    elapsed = 0.0
    client_cpu = 0.0
    for pipe in pipes:
        part, seconds_taken, cpu = pipe.recv()
        results += part
        elapsed = max(elapsed, seconds_taken)
        client_cpu += cpu
    for worker in children:
        worker.join(timeout=30)
    summary = _summary(results, elapsed, client_cpu, clients, processes)
    if keep_times:
        summary["times"] = results
        summary["client_cpu_seconds"] = client_cpu
    return summary


def merged(parts: list[dict[str, Any]], clients: int, processes: int) -> dict[str, Any]:
    """Several loads (run with ``keep_times``) summarised as one."""
    results = [item for part in parts for item in part["times"]]
    elapsed = sum(part["seconds"] for part in parts)
    client_cpu = sum(part["client_cpu_seconds"] for part in parts)
    return _summary(results, elapsed, client_cpu, clients, processes)


def _summary(
    results: list[tuple[float, bool]],
    elapsed: float,
    client_cpu: float,
    clients: int,
    processes: int,
) -> dict[str, Any]:
    times = sorted(t for t, _ in results)
    errors = sum(1 for _, ok in results if not ok)

    def percentile(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] * 1000 if times else 0.0

    count = len(results)
    return {
        "clients": clients,
        "client_processes": processes,
        "requests": count,
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(count / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(0.50), 2),
        "p95_ms": round(percentile(0.95), 2),
        "p99_ms": round(percentile(0.99), 2),
        "mean_ms": round(sum(times) / count * 1000, 2) if count else 0.0,
        "client_cpu_ms_per_request": round(client_cpu * 1000 / count, 3) if count else None,
    }


def calibrate(host: str, port: int, requests: Sequence[bytes]) -> list[int]:
    """Send each request once on its own connection and parse its whole answer: it must be
    ``200`` with a JSON body; the body lengths are what the load then checks every answer
    against."""
    lengths = []
    for request in requests:
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(request)
            data = b""
            while _HEADER_END not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    raise SystemExit("réponse incomplète pendant l'étalonnage")
                data += chunk
            head, _, body = data.partition(_HEADER_END)
            length = _content_length(head)
            if not head.startswith(b"HTTP/1.1 200 ") or length < 0:
                raise SystemExit(f"réponse inattendue : {head[:200]!r}")
            while len(body) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    raise SystemExit("corps incomplet pendant l'étalonnage")
                body += chunk
            json.loads(body)
            lengths.append(length)
    return lengths
