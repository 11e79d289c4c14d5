"""`manage.py serve`: several worker processes on one port, stopped cleanly, bad counts refused."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    own = {"DATABASE_URL": database, "DJANGO_SECRET_KEY": "serve-test", "SKILLSUBSIDY_VAR_DIR": str(tmp_path)}
    return {**clean, **own, **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _health(port: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/api/v1/health")
    response = conn.getresponse()
    return response.status, response.read()


def test_the_workers_share_one_port_and_stop_with_the_parent(tmp_path: Path) -> None:
    server, port = _started(tmp_path, workers=3, output=subprocess.PIPE)
    try:
        assert _health(port) == (200, b'{"status": "ok"}')
        workers = _children(server.pid)
        assert len(workers) == 3
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
        assert server.returncode == 0
        assert f"http://127.0.0.1:{port}/ with 3 workers × 4 threads" in out.decode()
        assert all(_state(w) in ("gone", "Z") for w in workers)
    finally:
        _kill(server)


def _kill(server: subprocess.Popen[bytes]) -> None:
    """The server, then its workers, killed: a worker outlives a parent killed alone (and a parent
    left alive would start another for each worker killed first)."""
    if server.poll() is not None:
        return
    workers = _children(server.pid)
    server.kill()
    server.wait()
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a process manager stops it; killed if it is not gone within 30 s."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    finally:
        _kill(server)


def _started(
    tmp_path: Path, workers: int, output: int = subprocess.DEVNULL
) -> tuple[subprocess.Popen[bytes], int]:
    """`manage.py serve` with `workers`, once it answers; its stdout and stderr go to `output`."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)], cwd=WEB,
        env=_env(tmp_path, SKILLSUBSIDY_WEB_WORKERS=str(workers)), stdout=output, stderr=output,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            _health(port)
            return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                _kill(server)
                raise AssertionError("the server did not start") from None
            time.sleep(0.2)


def _open_sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def test_keep_alive_connections_are_spread_evenly_over_the_workers(tmp_path: Path) -> None:
    # Left to the kernel, one worker took most of them (10, 6, 0 and 0 of 16 were seen).
    server, port = _started(tmp_path, workers=4)
    opened: list[http.client.HTTPConnection] = []
    try:
        for _ in range(16):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/health")
            assert conn.getresponse().read() == b'{"status": "ok"}'
            opened.append(conn)
        # Each worker holds the shared listening socket and its own connections.
        held = sorted(_open_sockets(w) - 1 for w in _children(server.pid))
        assert held == [4, 4, 4, 4]
        for conn in opened[:6]:
            conn.close()
        time.sleep(0.5)
        for _ in range(6):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/health")
            assert conn.getresponse().status == 200
            opened.append(conn)
        assert sorted(_open_sockets(w) - 1 for w in _children(server.pid)) == [4, 4, 4, 4]
    finally:
        for conn in opened:
            conn.close()
        _stop(server)


def test_a_worker_that_dies_is_replaced_and_connections_are_still_taken(tmp_path: Path) -> None:
    server, port = _started(tmp_path, workers=2)
    opened: list[http.client.HTTPConnection] = []
    try:
        time.sleep(2.5)  # a worker that dies within 2 s of starting stops the server instead
        for _ in range(3):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/v1/health")
            assert conn.getresponse().status == 200
            opened.append(conn)
        # The worker with the fewest connections dies; the other, with more, must take the next.
        before = _children(server.pid)
        victim = min(before, key=_open_sockets)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while victim in (now := _children(server.pid)) or len(now) < 2:
            assert time.monotonic() < deadline, "the worker was not replaced"
            time.sleep(0.1)
        for _ in range(4):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/v1/health")
            assert conn.getresponse().read() == b'{"status": "ok"}'
            opened.append(conn)
        assert server.poll() is None
    finally:
        for conn in opened:
            conn.close()
        _stop(server)


def _state(pid: int) -> str:
    """The process's state letter, or "gone" (it can vanish between any two looks)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except FileNotFoundError:
        return "gone"


def test_a_worker_count_that_is_not_a_positive_number_is_refused_by_name(tmp_path: Path) -> None:
    for env, args, message in (
        ({"SKILLSUBSIDY_WEB_WORKERS": "many"}, [], "--workers: not a whole number: 'many'"),
        ({}, ["--threads", "0"], "--threads: must be at least 1, got 0"),
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(_free_port()), *args], cwd=WEB,
            env=_env(tmp_path, **env), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 1
        assert message in done.stderr
        assert "Traceback" not in done.stderr
