"""HTTP benchmark (performance.md, ``bench/api.py``): one server worker on loopback, load from
this second process.

0. the bare endpoint of the same app, ``GET /health/live`` (constant JSON, no database, no
   authentication, on the event loop, the same middleware stack: request context, metrics,
   security headers, error handlers);
1. ``POST /v1/evaluations``;
2. ``GET /v1/dossiers/{id}`` (token check, user lookup, dossier read, decryption, view),
   twice: **warm** (every dossier's stored view fresh, as a running service mostly has it:
   the calibration read each dossier once) and **miss** (before each pass over the dossiers,
   the global epoch of the stored views is raised in the database, as a write touching
   everyone's views does: each read then builds the view live, answers, and stores it in a
   short writing transaction). The miss phase reports how many of its reads stored a view.

Each is loaded with the same client for the same time, one after the other in the same run:
``bench/http_load.py``, raw asyncio streams with 20 keep-alive HTTP/1.1 connections, requests
built once, every answer checked (status 200, body as long as the calibrated one). httpx, the
former client, cost about as much CPU per request as the server's bare endpoint on the same two
cores (``--httpx`` measures with it too, for comparison). Each route's throughput is also given
as a ratio of the bare endpoint's, and the server's own CPU time per request (``/proc/<pid>/stat``
before and after each phase) and the client's: CPU time does not grow with the machine's load
as wall-clock figures do.

The server is ``remu serve --demo`` in a temporary directory (its own SQLite file and secrets).
Every loop is bounded in count and time, and the server is stopped at the end.

Run: ``python bench/api.py [--seconds 10] [--processes 1] [--httpx] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_load import (  # noqa: E402
    Phase,
    build_get,
    build_post,
    calibrate,
    merged,
    run_phase,
)

EXAMPLE = ROOT / "tests" / "rules" / "examples" / "01-granted-full-time-with-aids.json"
TARGETS = {"evaluations_rps": 600.0, "dossier_rps": 500.0, "dossier_p95_ms": 60.0}
CLIENTS = 20


def server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of the server process so far (Linux), ``None`` elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    directory: Path, port: int, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    remu = shutil.which("remu", path=str(Path(sys.executable).parent)) or "remu"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMU_")}
    env.update(extra_env or {})  # --server-env: a setting under test, never the shadow mode
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [remu, "serve", "--demo", "--port", str(port)],
        cwd=directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    tokens: dict[str, str] = {}
    assert server.stdout is not None
    deadline = time.monotonic() + 120
    while len(tokens) < 6 and time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 2 and parts[1].startswith("ey"):
            tokens[parts[0]] = parts[1]
    threading.Thread(target=server.stdout.read, daemon=True).start()  # drain the logs
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return server, tokens
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("le serveur n'a pas démarré")


def load(
    base: str, token: str, worker: Any, *, clients: int, seconds: float, requests: int
) -> dict[str, Any]:
    """``clients`` concurrent connections (asyncio tasks: a light client, so that the server and
    not the load generator is measured), bounded by time and by the total count."""
    results: list[tuple[float, int]] = []
    remaining = [requests]

    async def one_client(client: httpx.AsyncClient, stop_at: float) -> None:
        while time.monotonic() < stop_at and remaining[0] > 0:
            remaining[0] -= 1
            started = time.perf_counter()
            status = await worker(client)
            results.append((time.perf_counter() - started, status))

    async def main() -> float:
        headers = {"Authorization": f"Bearer {token}"}
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(
            base_url=base, headers=headers, timeout=10, limits=limits
        ) as client:
            started = time.perf_counter()
            stop_at = time.monotonic() + seconds
            await asyncio.gather(*(one_client(client, stop_at) for _ in range(clients)))
            return time.perf_counter() - started

    elapsed = asyncio.run(main())
    times = sorted(t for t, _ in results)
    errors = sum(1 for _, status in results if status >= 400)

    def percentile(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] * 1000 if times else 0.0

    return {
        "clients": clients,
        "requests": len(results),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(results) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(0.50), 2),
        "p95_ms": round(percentile(0.95), 2),
        "p99_ms": round(percentile(0.99), 2),
        "mean_ms": round(statistics.fmean(times) * 1000, 2) if times else 0.0,
    }


def _ms(text: str) -> float:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for unit in ("us", "ms", "s"):
        if text.endswith(unit):
            return round(float(text[: -len(unit)]) * units[unit], 2)
    return float(text)


def wrk_dossiers(base: str, token: str, ids: list[str], seconds: float) -> dict[str, Any] | None:
    """The same read load with wrk (Debian package), a load generator that costs the machine
    little, when it is installed; ``None`` otherwise."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ",".join(f'"{i}"' for i in ids)
        script.write(
            f"ids = {{{quoted}}}\nn = 0\nrequest = function()\n  n = n + 1\n"
            "  return wrk.format('GET', '/v1/dossiers/' .. ids[(n % #ids) + 1])\nend\n"
        )
    command = [wrk, "-t2", "-c20", f"-d{max(1, int(seconds))}s", "--latency"]
    command += ["-H", f"Authorization: Bearer {token}", "-s", script.name, base]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    Path(script.name).unlink()
    report: dict[str, Any] = {"tool": "wrk", "clients": 20}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "90%", "99%"):
            report[f"p{parts[0][:-1]}_ms"] = _ms(parts[1])
        elif line.startswith("Requests/sec:"):
            report["requests_per_second"] = float(parts[1])
        elif "Non-2xx" in line:
            report["errors"] = int(parts[-1])
    report.setdefault("errors", 0)
    return report


def measured(server: subprocess.Popen[str], phase: Any, **bounds: Any) -> dict[str, Any]:
    """One load phase with the lean client (``bench/http_load.py``), with the server's CPU time
    per request and the load average after it."""
    cpu_before = server_cpu_seconds(server.pid)
    result = run_phase(phase, clients=CLIENTS, **bounds)
    cpu_after = server_cpu_seconds(server.pid)
    if cpu_before is not None and cpu_after is not None and result["requests"]:
        result["server_cpu_ms_per_request"] = round(
            (cpu_after - cpu_before) * 1000 / result["requests"], 3
        )
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _fresh_views(database: Path) -> int:
    with sqlite3.connect(database, timeout=15) as connection:
        row = connection.execute(
            "SELECT count(*) FROM dossier_views v JOIN dossier_view_epoch e ON v.epoch = e.epoch "
            "WHERE v.body IS NOT NULL"
        ).fetchone()
    return int(row[0])


def _stale_every_view(database: Path) -> None:
    with sqlite3.connect(database, timeout=15) as connection:
        connection.execute("UPDATE dossier_view_epoch SET epoch = epoch + 1")


def measured_misses(
    server: subprocess.Popen[str], phase: Any, database: Path, *, seconds: float, processes: int
) -> dict[str, Any]:
    """Dossier reads that all miss their stored view: passes of one read per dossier, the
    global epoch raised in the database before each (outside the measured time; the server's
    CPU is measured around the passes only)."""
    parts: list[dict[str, Any]] = []
    stored, cpu = 0, 0.0
    spent = 0.0
    while spent < seconds and len(parts) < 100:
        _stale_every_view(database)
        before = server_cpu_seconds(server.pid)
        part = run_phase(
            phase,
            clients=CLIENTS,
            seconds=seconds,
            requests=len(phase.requests),
            processes=processes,
            keep_times=True,
        )
        after = server_cpu_seconds(server.pid)
        if before is not None and after is not None:
            cpu += after - before
        stored += _fresh_views(database)
        parts.append(part)
        spent += part["seconds"]
    result = merged(parts, CLIENTS, processes)
    if result["requests"]:
        result["server_cpu_ms_per_request"] = round(cpu * 1000 / result["requests"], 3)
    result["passes"] = len(parts)
    result["views_stored"] = stored
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def measured_httpx(
    server: subprocess.Popen[str], base: str, token: str, worker: Any, **bounds: Any
) -> dict[str, Any]:
    """The same with the former client (httpx), for comparison."""
    cpu_before = server_cpu_seconds(server.pid)
    result = load(base, token, worker, clients=CLIENTS, **bounds)
    cpu_after = server_cpu_seconds(server.pid)
    if cpu_before is not None and cpu_after is not None and result["requests"]:
        result["server_cpu_ms_per_request"] = round(
            (cpu_after - cpu_before) * 1000 / result["requests"], 3
        )
    return result


def _ratios(bare: dict[str, Any], routes: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    base_rps = bare["requests_per_second"]
    return {
        name: round(entry["requests_per_second"] / base_rps, 3) if base_rps else None
        for name, entry in routes.items()
    }


def _phases(port: int, token: str, ids: list[str]) -> dict[str, Phase]:
    """The three loads as prebuilt requests, calibrated (each answer's body length)."""
    host = "127.0.0.1"
    auth = {"Authorization": f"Bearer {token}"}
    body = json.dumps(json.loads(EXAMPLE.read_text("utf-8"))["request"]).encode()
    requests = {
        "bare_endpoint": [build_get(host, port, "/health/live", auth)],
        "post_evaluations": [
            build_post(
                host, port, "/v1/evaluations", {**auth, "Content-Type": "application/json"}, body
            )
        ],
        "get_dossier": [build_get(host, port, f"/v1/dossiers/{i}", auth) for i in ids],
    }
    return {
        name: Phase(host, port, built, calibrate(host, port, built))
        for name, built in requests.items()
    }


def _httpx_workers(ids: list[str]) -> dict[str, Any]:
    body = json.dumps(json.loads(EXAMPLE.read_text("utf-8"))["request"]).encode()
    headers = {"Content-Type": "application/json"}
    counter = iter(range(10**9))

    async def bare(client: httpx.AsyncClient) -> int:
        return (await client.get("/health/live")).status_code

    async def evaluate(client: httpx.AsyncClient) -> int:
        response = await client.post("/v1/evaluations", content=body, headers=headers)
        return response.status_code

    async def read_dossier(client: httpx.AsyncClient) -> int:
        response = await client.get(f"/v1/dossiers/{ids[next(counter) % len(ids)]}")
        return response.status_code

    return {"bare_endpoint": bare, "post_evaluations": evaluate, "get_dossier": read_dossier}


def _stop(server: subprocess.Popen[str], directory: Path) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(directory, ignore_errors=True)


def run(
    seconds: float,
    requests: int,
    *,
    processes: int,
    with_httpx: bool,
    server_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="remu-bench-api-"))
    port = free_port()
    load_before = [round(x, 2) for x in os.getloadavg()]
    server, tokens = start_server(directory, port, server_env)
    base = f"http://127.0.0.1:{port}"
    try:
        token = tokens["instructor"]
        listing = httpx.get(
            f"{base}/v1/dossiers", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        ids = [item["id"] for item in listing["items"]]
        phases = _phases(port, token, ids)
        for phase in phases.values():  # warm-up, not measured
            run_phase(phase, clients=CLIENTS, seconds=1.0, requests=200)
        bounds = {"seconds": seconds, "requests": requests, "processes": processes}
        database = directory / "var" / "remu.sqlite3"
        fresh_before = _fresh_views(database)
        results = {name: measured(server, phase, **bounds) for name, phase in phases.items()}
        results["get_dossier"]["views_fresh_before"] = fresh_before
        results["get_dossier_miss"] = measured_misses(
            server, phases["get_dossier"], database, seconds=seconds, processes=processes
        )
        httpx_results = None
        if with_httpx:
            httpx_bounds = {"seconds": seconds, "requests": requests}
            httpx_results = {
                name: measured_httpx(server, base, token, worker, **httpx_bounds)
                for name, worker in _httpx_workers(ids).items()
            }
        dossiers_wrk = wrk_dossiers(base, token, ids, seconds)
    finally:
        _stop(server, directory)
    bare_endpoint = results["bare_endpoint"]
    evaluations, dossiers = results["post_evaluations"], results["get_dossier"]
    routes = {
        "post_evaluations": evaluations,
        "get_dossier": dossiers,
        "get_dossier_miss": results["get_dossier_miss"],
    }
    return {
        "benchmark": "api",
        "server": "remu serve --demo (one uvicorn worker, SQLite)",
        "client": (
            f"bench/http_load.py: raw asyncio streams, keep-alive HTTP/1.1, {CLIENTS} "
            f"connections over {processes} process(es), same client for every route"
        ),
        **results,
        "ratio_to_bare_endpoint": _ratios(bare_endpoint, routes),
        "httpx_client": httpx_results,
        "get_dossier_wrk": dossiers_wrk,
        "targets": TARGETS,
        "meets_targets": {
            "evaluations_rps": evaluations["requests_per_second"] >= TARGETS["evaluations_rps"],
            "dossier_rps": dossiers["requests_per_second"] >= TARGETS["dossier_rps"],
            "dossier_p95_ms": dossiers["p95_ms"] <= TARGETS["dossier_p95_ms"],
            "no_error": all(e["errors"] == 0 for e in results.values()),
        },
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_before": load_before,
            "load_average": os.getloadavg(),
        },
    }


def _print_line(name: str, entry: dict[str, Any], ratio: float) -> None:
    print(
        f"{name:18} {entry['requests']:>6} req {entry['requests_per_second']:>8.1f} req/s "
        f"(× {ratio:.3f} du point nu) p50 {entry['p50_ms']:>6.1f} ms "
        f"p95 {entry['p95_ms']:>6.1f} ms CPU serveur "
        f"{entry.get('server_cpu_ms_per_request', float('nan')):.2f} ms/req "
        f"client {entry.get('client_cpu_ms_per_request') or float('nan'):.2f} ms/req "
        f"erreurs {entry['errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=100_000, help="at most, per route")
    parser.add_argument("--processes", type=int, default=1, help="client processes")
    parser.add_argument("--httpx", action="store_true", help="also load with httpx")
    parser.add_argument("--out", default="bench/results/api.json")
    parser.add_argument(
        "--server-env", action="append", default=[], help="NAME=VALUE for the server (a setting)"
    )
    args = parser.parse_args()
    server_env = dict(item.split("=", 1) for item in args.server_env)
    report = run(
        args.seconds,
        args.requests,
        processes=args.processes,
        with_httpx=args.httpx,
        server_env=server_env,
    )
    report["server_env"] = server_env
    ratios = report["ratio_to_bare_endpoint"]
    for name in ("bare_endpoint", "post_evaluations", "get_dossier", "get_dossier_miss"):
        _print_line(name, report[name], ratios.get(name, 1.0))
    warm, miss = report["get_dossier"], report["get_dossier_miss"]
    print(
        f"get_dossier : vues fraîches avant la charge {warm.get('views_fresh_before')} ; "
        f"get_dossier_miss : {miss['passes']} passes, {miss['views_stored']} vues enregistrées "
        f"pour {miss['requests']} lectures"
    )
    if report["httpx_client"]:
        bare_rps = report["httpx_client"]["bare_endpoint"]["requests_per_second"]
        for name, entry in report["httpx_client"].items():
            _print_line(f"{name} (httpx)", entry, entry["requests_per_second"] / bare_rps)
    if report["get_dossier_wrk"]:
        print(f"get_dossier (wrk)  {report['get_dossier_wrk']}")
    print(f"cibles : {report['targets']} → {report['meets_targets']}")
    print(
        f"charge : {report['machine']['load_average_before']} → {report['machine']['load_average']}"
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"rapport : {out}")


if __name__ == "__main__":
    main()
