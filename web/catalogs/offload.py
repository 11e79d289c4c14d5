"""Run a function in a forked child process at a lower priority while the calling thread only waits.

Why (issue 14, ADR 0012 "the heavy part of an upload in a child"): a server worker is one Python
process, so whatever CPU work one of its request threads does holds the GIL against every other
request of that process. An upload's preview and checks are seconds of CPU for 100,000 rows; done in
the request thread, each health request landing in that worker waited for the GIL at every switch.
In a child, that CPU is another process's (niced below the request threads), and the request thread
waits in `select`/`read`, which release the GIL.

Why a fork rather than a fresh interpreter: the child needs what the worker already holds — the
published catalogs and their search index (built per publication from the database), the settings,
the upload's fields. A fork has them at no cost, and the child never opens the database: in tests
the database is an uncommitted transaction (or SQLite in memory) that no other process can see, so a
fresh Django process would need another path just for tests. The caller reads what the child needs
from the database before the fork and stores what it sends back after it.

A fork of a threaded process copies only the calling thread, so the child must not wait on a lock
another thread may have held at the fork: it runs core code (no database, no logging, no Django
request machinery), `skillsubsidy.bulk` re-creates its lock in a child, and the child ends with
`os._exit` (no atexit handlers, no finalizers closing the parent's database connection).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChildTimedOut(Exception):
    """The child ran past its wall-clock limit and was killed."""


class ChildFailed(Exception):
    """The child raised (a bug, not the input's fault: the work returns refusals as values) or died."""


def _detach(keep: int) -> None:
    # The child holds copies of every descriptor of the worker: its clients' sockets, the listening
    # socket, the database connection. A client socket the worker closes would not be closed for the
    # client (no FIN) while a child still held it, so the child keeps only its pipe and stdio.
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))


def _child(work: Callable[[], object], write_fd: int, nice: int) -> None:
    _detach(write_fd)
    if nice:
        os.nice(nice)
    try:
        outcome: tuple[str, object] = ("ok", work())
    except BaseException:  # sent to the caller, which raises it as ChildFailed
        outcome = ("failed", traceback.format_exc())
    with os.fdopen(write_fd, "wb") as out:
        out.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))


def run_forked(work: Callable[[], T], *, nice: int, timeout: float) -> T:
    """`work()` run in a forked child at `nice` added to this process's niceness, its result sent back
    pickled. The calling thread waits (GIL released) up to `timeout` seconds, then kills the child
    and raises ChildTimedOut. `work` returns plain data; anything it raises comes back as ChildFailed."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_fd)
            _child(work, write_fd, nice)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise ChildTimedOut
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
    if not chunks:
        raise ChildFailed("the child process ended without an answer")
    status, value = pickle.loads(b"".join(chunks))
    if status != "ok":
        raise ChildFailed(value)
    return value  # type: ignore[no-any-return]
