"""HTTP speed of the nearest search: one uvicorn worker on one core, load from the other.

    python benchmarks/bench_http.py [N_STATIONS] [SECONDS] [ROUNDS]

Needs Debian's ``wrk`` (``apt-get install wrk``). Builds a registry of N synthetic
stations (default 200,000), runs the app pinned to core 0 and wrk pinned to core 1
over loopback, and prints, measured in the same run:
- /healthz and /api/nearest throughput at 32 connections, with p50/p99 latency;
- /api/nearest latency at one connection;
- nearest throughput as a share of /healthz throughput;
- what instrumentation costs the nearest fast path: the app as shipped (request id,
  metrics; access log off as before) and with the access log on, against the same app
  without the request observer, interleaved over ROUNDS rounds (default 5), medians.
Targets: ≥ 3,000 req/s with p99 ≤ 20 ms at 32 connections; p50 ≤ 0.5 ms at one
connection; nearest ≥ half of /healthz; instrumentation ≤ 5% of nearest throughput.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stations.io.ledger import import_ledger  # noqa: E402
from stations.io.synth import write_synthetic_csv  # noqa: E402
from stations.store.registry import Registry  # noqa: E402

# Random query points around Chinese cities, chosen in wrk itself (LuaJIT).
LUA = r"""
local cities = {{116.40,39.90},{121.47,31.23},{113.26,23.13},{114.06,22.54},{104.07,30.57},
  {113.63,34.75},{114.31,30.59},{108.94,34.34},{120.16,30.27},{118.80,32.06}}
math.randomseed(42)
request = function()
  local c = cities[math.random(#cities)]
  local lon = c[1] + (math.random() - 0.5) * 0.4
  local lat = c[2] + (math.random() - 0.5) * 0.4
  return wrk.format("GET", string.format("/api/nearest?lon=%.5f&lat=%.5f&k=5", lon, lat))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrk(url: str, connections: int, seconds: int, script: Path | None) -> dict[str, float]:
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    requests = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "requests": requests,
            "errors": float(errors.group(1)) if errors else 0.0}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_app() -> Any:
    """The app without its request observer (no request id, metrics or access log):
    the baseline of the instrumentation figure."""
    from web.app import create_app
    from web.observe import RequestObserver

    app = create_app()
    app.user_middleware = [m for m in app.user_middleware if m.cls is not RequestObserver]
    return app


def logging_app() -> Any:
    """The app as shipped, with the access log on (written to stderr, sent to /dev/null)."""
    from web.app import create_app
    from web.logs import configure

    configure("text")
    return create_app()


# name → (uvicorn factory, uvicorn's own log options). "shipped" is what `stations serve`
# runs but for the access log, left off as this benchmark always ran it; "uvicorn log" is
# the line `stations serve` wrote per request before this app had its own.
QUIET = ["--log-level", "warning", "--no-access-log"]
APPS = {"bare": ("bench_http:bare_app", QUIET),
        "shipped": ("web.app:create_app", QUIET),
        "access log": ("bench_http:logging_app", QUIET),
        "uvicorn log": ("bench_http:bare_app", ["--log-level", "info", "--access-log"])}


def observer_cost_us(rounds: int = 40, n: int = 5000) -> float:
    """CPU time the request observer adds to one request, measured in-process around an
    app that answers at once (median of interleaved rounds): steady where HTTP figures
    on a shared machine are not."""
    import asyncio

    from web.metrics import AppMetrics
    from web.observe import RequestObserver

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> Any:
        return {}

    async def send(message: Any) -> None:
        pass

    scope = {"type": "http", "method": "GET", "path": "/api/nearest", "query_string": b"k=5",
             "headers": [(b"host", b"x"), (b"user-agent", b"wrk"), (b"accept", b"*/*")],
             "client": ("127.0.0.1", 1)}
    observed = RequestObserver(answer, metrics=AppMetrics(lambda: None), access_log=False)

    async def cpu_us(app: Any) -> float:
        started = time.process_time()
        for _ in range(n):
            await app(dict(scope), receive, send)
        return (time.process_time() - started) / n * 1e6

    async def measure() -> float:
        bare, with_observer = [], []
        for _ in range(rounds):
            bare.append(await cpu_us(answer))
            with_observer.append(await cpu_us(observed))
        return statistics.median(with_observer) - statistics.median(bare)

    return asyncio.run(measure())


def _serve(factory: str, options: list[str], db: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"STATIONS_DB": db,
                        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")])}
    return subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "uvicorn", "--factory", factory,
         "--port", str(port), *options],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _ready(base: str) -> None:
    t0 = time.time()
    while True:
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1)
            return
        except OSError:
            if time.time() - t0 > 300:
                raise
            time.sleep(0.2)


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        registry = Registry.open(db)
        import_ledger(registry, write_synthetic_csv(Path(tmp) / "s.csv", n=n, seed=3))
        registry.close()
        script = Path(tmp) / "nearest.lua"
        script.write_text(LUA)
        ports = {name: _free_port() for name in APPS}
        t0 = time.time()
        servers = {name: _serve(factory, options, db, ports[name])
                   for name, (factory, options) in APPS.items()}
        overhead: dict[str, list[float]] = {name: [] for name in APPS}
        cpu_us: dict[str, list[float]] = {name: [] for name in APPS}
        try:
            bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            for base in bases.values():
                _ready(base)
            print(f"stations: {n:,}; {len(APPS)} servers ready in {time.time() - t0:.1f} s (core 0); "
                  "wrk on core 1")
            base = bases["shipped"]
            for each in bases.values():  # warm up
                _wrk(each + "/healthz", 8, 2, None)
                _wrk(each + "/", 8, 2, script)
            health = _wrk(base + "/healthz", 32, seconds, None)
            near = _wrk(base + "/", 32, seconds, script)
            one = _wrk(base + "/", 1, seconds, script)
            for i in range(rounds):  # interleaved, each app in turn, the order rotating
                names = list(APPS)[i % len(APPS):] + list(APPS)[:i % len(APPS)]
                for name in names:
                    cpu = _cpu_seconds(servers[name].pid)
                    run = _wrk(bases[name] + "/", 32, seconds, script)
                    overhead[name].append(run["rps"])
                    cpu_us[name].append((_cpu_seconds(servers[name].pid) - cpu) / run["requests"] * 1e6)
        finally:
            for server in servers.values():
                server.terminate()
                server.wait(timeout=20)
    print(f"/healthz      32 conns: {health['rps']:8.0f} req/s  p50 {health['p50']:.2f} ms  "
          f"p99 {health['p99']:.2f} ms")
    print(f"/api/nearest  32 conns: {near['rps']:8.0f} req/s  p50 {near['p50']:.2f} ms  "
          f"p99 {near['p99']:.2f} ms  non-2xx {near['errors']:.0f}  "
          f"(target ≥ 3000 req/s, p99 ≤ 20 ms)")
    print(f"/api/nearest   1 conn : {one['rps']:8.0f} req/s  p50 {one['p50']:.3f} ms  "
          f"p99 {one['p99']:.3f} ms  (target p50 ≤ 0.5 ms)")
    print(f"nearest / healthz throughput: {near['rps'] / health['rps']:.2f} (target ≥ 0.5)")
    medians = {name: statistics.median(values) for name, values in overhead.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpu_us.items()}
    observer = observer_cost_us()
    print(f"request observer alone (request id, metrics; in-process): {observer:.1f} µs CPU per "
          f"request = {observer / cpu_median['bare']:.1%} of a nearest request's CPU time (target ≤ 5%)")
    print(f"instrumentation, /api/nearest at 32 conns, median of {rounds} interleaved runs "
          "(throughput, and the server's CPU time per request, steadier on a shared machine):")
    for name, rps in medians.items():
        runs = " ".join(f"{v:.0f}" for v in overhead[name])
        print(f"  {name:<11} {rps:8.0f} req/s  cost {1 - rps / medians['bare']:+6.1%}   "
              f"{cpu_median[name]:6.0f} µs CPU/req  cost {cpu_median[name] / cpu_median['bare'] - 1:+6.1%}"
              f"   (runs: {runs})"
              + ("  (target ≤ 5%)" if name == "shipped" else ""))


if __name__ == "__main__":
    main()
