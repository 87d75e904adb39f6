"""HTTP benchmark (performance.md, ``bench/api.py``): one server worker on loopback, load from
this second process.

0. the bare endpoint of the same app, ``GET /health/live`` (constant JSON, no database, no
   authentication, the same middleware stack: request context, metrics, error handlers);
1. ``POST /v1/evaluations``;
2. ``GET /v1/dossiers/{id}`` (token check, user lookup, dossier read, decryption, view).

Each is loaded with the same client (httpx, 20 concurrent connections) for the same time, one
after the other in the same run. Each route's throughput is also given as a ratio of the bare
endpoint's: the load generator, the framework and the machine weigh on both alike, so the
ratio is the figure that holds across machines and loads. The server's own CPU time per request
(``/proc/<pid>/stat`` before and after each phase) is given too: it does not grow with the
machine's load as wall-clock figures do.

The server is ``remu serve --demo`` in a temporary directory (its own SQLite file and secrets).
Every loop is bounded in count and time, and the server is stopped at the end.

Run: ``python bench/api.py [--seconds 10] [--requests 2000] [--out bench/results/api.json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
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


def start_server(directory: Path, port: int) -> tuple[subprocess.Popen[str], dict[str, str]]:
    remu = shutil.which("remu", path=str(Path(sys.executable).parent)) or "remu"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMU_")}
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


def measured(
    server: subprocess.Popen[str], base: str, token: str, worker: Any, **bounds: Any
) -> dict[str, Any]:
    """One load phase, with the server's CPU time per request."""
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


def run(seconds: float, requests: int) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="remu-bench-api-"))
    port = free_port()
    server, tokens = start_server(directory, port)
    base = f"http://127.0.0.1:{port}"
    try:
        token = tokens["instructor"]
        body = json.dumps(json.loads(EXAMPLE.read_text("utf-8"))["request"]).encode()
        headers = {"Content-Type": "application/json"}

        async def evaluate(client: httpx.AsyncClient) -> int:
            response = await client.post("/v1/evaluations", content=body, headers=headers)
            return response.status_code

        listing = httpx.get(
            f"{base}/v1/dossiers", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        ids = [item["id"] for item in listing["items"]]
        counter = iter(range(10**9))

        async def read_dossier(client: httpx.AsyncClient) -> int:
            response = await client.get(f"/v1/dossiers/{ids[next(counter) % len(ids)]}")
            return response.status_code

        async def bare(client: httpx.AsyncClient) -> int:
            response = await client.get("/health/live")
            return response.status_code

        for worker in (bare, evaluate, read_dossier):  # warm-up, not measured
            load(base, token, worker, clients=CLIENTS, seconds=1.0, requests=200)
        bounds = {"seconds": seconds, "requests": requests * 5}
        bare_endpoint = measured(server, base, token, bare, **bounds)
        evaluations = measured(server, base, token, evaluate, **bounds)
        dossiers = measured(server, base, token, read_dossier, **bounds)
        dossiers_wrk = wrk_dossiers(base, token, ids, seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(directory, ignore_errors=True)
    routes = {"post_evaluations": evaluations, "get_dossier": dossiers}
    return {
        "benchmark": "api",
        "server": "remu serve --demo (one uvicorn worker, SQLite)",
        "client": f"httpx.AsyncClient, {CLIENTS} connections, same process for every route",
        "bare_endpoint": bare_endpoint,
        **routes,
        "ratio_to_bare_endpoint": _ratios(bare_endpoint, routes),
        "get_dossier_wrk": dossiers_wrk,
        "targets": TARGETS,
        "meets_targets": {
            "evaluations_rps": evaluations["requests_per_second"] >= TARGETS["evaluations_rps"],
            "dossier_rps": dossiers["requests_per_second"] >= TARGETS["dossier_rps"],
            "dossier_p95_ms": dossiers["p95_ms"] <= TARGETS["dossier_p95_ms"],
            "no_error": all(e["errors"] == 0 for e in (bare_endpoint, evaluations, dossiers)),
        },
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--out", default="bench/results/api.json")
    args = parser.parse_args()
    report = run(args.seconds, args.requests)
    ratios = report["ratio_to_bare_endpoint"]
    for name in ("bare_endpoint", "post_evaluations", "get_dossier"):
        entry = report[name]
        ratio = ratios.get(name, 1.0)
        print(
            f"{name:18} {entry['requests']:>6} req {entry['requests_per_second']:>8.1f} req/s "
            f"(× {ratio:.3f} du point nu) p50 {entry['p50_ms']:>6.1f} ms "
            f"p95 {entry['p95_ms']:>6.1f} ms CPU serveur "
            f"{entry.get('server_cpu_ms_per_request', float('nan')):.2f} ms/req "
            f"erreurs {entry['errors']}"
        )
    if report["get_dossier_wrk"]:
        print(f"get_dossier (wrk)  {report['get_dossier_wrk']}")
    print(f"cibles : {report['targets']} → {report['meets_targets']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"rapport : {out}")


if __name__ == "__main__":
    main()
