"""`manage.py serve`: several worker processes on one port, stopped cleanly, bad counts refused."""

from __future__ import annotations

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
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)], cwd=WEB,
        env=_env(tmp_path, SKILLSUBSIDY_WEB_WORKERS="3"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = _health(port)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert answer == (200, b'{"status": "ok"}')
        workers = _children(server.pid)
        assert len(workers) == 3
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
        assert server.returncode == 0
        assert f"http://127.0.0.1:{port}/ with 3 workers × 4 threads" in out.decode()
        assert all(not Path(f"/proc/{w}").exists() or "Z" in _state(w) for w in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]


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
