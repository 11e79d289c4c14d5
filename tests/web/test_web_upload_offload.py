"""The forked child that makes an upload's tables and preview (catalogs.offload, ADR 0012): its
answer, its failures and its wall-clock limit, as the request thread that waits for it sees them."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from catalogs.offload import ChildFailed, ChildTimedOut, run_forked


def test_the_childs_answer_comes_back_from_another_process() -> None:
    text = "焊工" * 1_000_000  # larger than a pipe holds at once
    pid, answer = run_forked(lambda: (os.getpid(), text), nice=10, timeout=60)
    assert pid != os.getpid() and answer == text


def test_what_the_child_raises_comes_back_as_a_failure_naming_it() -> None:
    def broken() -> None:
        raise KeyError("no such column")

    with pytest.raises(ChildFailed, match="KeyError: 'no such column'"):
        run_forked(broken, nice=0, timeout=60)


def test_a_child_past_its_wall_clock_limit_is_killed(tmp_path: Path) -> None:
    started = tmp_path / "pid"

    def slow() -> None:
        started.write_text(str(os.getpid()))
        time.sleep(600)

    with pytest.raises(ChildTimedOut):
        run_forked(slow, nice=0, timeout=5)
    pid = int(started.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(pid, 0)


def test_the_child_holds_no_socket_of_the_server() -> None:
    # A client's connection closed by the server must close for the client, whatever a child runs.
    a, b = socket.socketpair()
    try:
        assert not run_forked(lambda: os.path.exists(f"/proc/self/fd/{a.fileno()}"), nice=0, timeout=60)
    finally:
        a.close()
        b.close()
