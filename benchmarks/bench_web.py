"""Web benchmarks: the open API served by waitress over loopback, as `make run` serves it.

Measures `GET /api/v1/search` and `POST /api/v1/quote`, and `GET /api/v1/health` as the floor (the
same app, middleware and server with no work behind it). Targets (issue 4): search p99 under 20 ms;
quote throughput at least half the floor's.

Each endpoint is measured twice: latency over one keep-alive connection (what one user waits for),
and throughput over CONCURRENCY connections (what the server sustains; there, latency is mostly
queueing, since one Python process serves one request at a time). Client and server share this
machine's cores, so the figures include the client's cost; they compare with each other, not with
another machine.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.timing import percentiles

REPO = Path(__file__).resolve().parent.parent
CONCURRENCY = 4  # client connections for throughput, each keep-alive; waitress runs as many threads
REQUESTS = 2000  # per endpoint and measurement

# Real queries of every kind the portal sees: codes, names, pinyin, initials, typos, misses.
QUERIES = [
    "焊工", "6-18-02-04", "6-31", "hg", "hangong", "电工", "养老护理员", "家政服务员", "电子商务师",
    "餐厅服务员", "工业机器人", "gyjqr", "yanglao", "人工智能训练师", "无人机驾驶员",
    "健康照护师", "保安员", "茶艺师", "中式烹调师", "网约配送员", "美容师", "焊功", "diangong",
    "zzz不存在的职业", "4-10-01",
]  # fmt: skip
# Quote requests across regions, programmes and outcomes (paid, uplifted, no standard, not eligible).
NANTONG = [
    {"region": "320600", "date": "2025-06-01",
     "certificate": {"type": "skill_level", "occupation": occ, "level": lv},
     "training": {"hours": 60, "online_hours": 10}}
    for occ in ("6-18-02-04", "4-10-01-05", "电工", "家政服务员", "2-02-10-09") for lv in (1, 3, 4, 5)
]  # fmt: skip
ELSEWHERE = [
    {"region": "440100", "date": "2023-10-01", "program": "project",
     "certificate": {"type": "training_qualification", "occupation": "直播电商运营"},
     "trainee": {"birth_date": "1990-05-01", "sex": "F", "hukou_local": True}},
    {"region": "310000", "date": "2026-03-01",
     "certificate": {"type": "skill_level", "occupation": "焊工", "level": 3}},
    {"region": "370100", "date": "2024-03-01",
     "certificate": {"type": "skill_level", "occupation": "焊工", "level": 4}},
    {"region": "320600", "date": "2025-06-01",
     "certificate": {"type": "entrepreneurship", "occupation": "SYB"}},
]  # fmt: skip
QUOTES = NANTONG + ELSEWHERE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served() -> Iterator[int]:
    """A bootstrapped server on a free port, stopped afterwards."""
    var = Path(tempfile.mkdtemp(prefix="skillsubsidy-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{var / 'bench.sqlite3'}",
        DJANGO_SECRET_KEY="benchmark-only-secret-key",
        SKILLSUBSIDY_VAR_DIR=str(var),
        DJANGO_LOG_LEVEL="WARNING",
    )
    manage = [sys.executable, str(REPO / "web" / "manage.py")]
    subprocess.run([*manage, "bootstrap"], env=env, check=True, capture_output=True)
    port = _free_port()
    cmd = [*manage, "serve", "--port", str(port), "--threads", str(CONCURRENCY)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


Request = tuple[str, str, bytes | None]


def run(port: int, requests: list[Request], connections: int) -> tuple[float, list[float]]:
    """Send `requests` over `connections` keep-alive connections; (wall seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [requests[i::connections] for i in range(connections)]

    def worker(chunk: list[Request]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for method, path, body in chunk:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status != 200:
                raise RuntimeError(f"{method} {path} answered {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies


def measure(port: int, name: str, requests: list[Request]) -> tuple[float, float]:
    """Print latency (one connection) and throughput (CONCURRENCY connections); (p99 ms, req/s)."""
    _, lat = run(port, requests, 1)
    p = percentiles(lat)
    wall_s, busy = run(port, requests, CONCURRENCY)
    rps = len(busy) / wall_s
    print(
        f"{name:<20} latency p50 {p['p50_ms']:5.2f} ms  p99 {p['p99_ms']:5.2f} ms  max {p['max_ms']:6.2f} ms"
        f"  | throughput {rps:6.0f} req/s  (p99 {percentiles(busy)['p99_ms']:5.1f} ms under load)",
        flush=True,
    )
    return p["p99_ms"], rps


def main() -> None:
    health: list[Request] = [("GET", "/api/v1/health", None)] * REQUESTS
    search: list[Request] = [
        ("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": QUERIES[i % len(QUERIES)]}), None)
        for i in range(REQUESTS)
    ]
    quote: list[Request] = [
        ("POST", "/api/v1/quote", json.dumps(QUOTES[i % len(QUOTES)]).encode()) for i in range(REQUESTS)
    ]
    print(f"waitress with {CONCURRENCY} threads; {REQUESTS} requests per measurement")
    with served() as port:
        for batch in (health[:200], search[:200], quote[:200]):  # warm up: build caches, index, engine
            run(port, batch, CONCURRENCY)
        _, floor = measure(port, "GET  /api/v1/health", health)
        search_p99, _ = measure(port, "GET  /api/v1/search", search)
        _, quote_rps = measure(port, "POST /api/v1/quote", quote)
    print(f"search p99 {search_p99:.2f} ms (target < 20 ms: {'met' if search_p99 < 20 else 'MISSED'})")
    ratio = quote_rps / floor
    print(f"quote throughput {ratio:.0%} of the floor (target >= 50%: {'met' if ratio >= 0.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
