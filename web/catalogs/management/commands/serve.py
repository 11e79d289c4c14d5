"""`manage.py serve`: several waitress processes sharing one listening socket.

One Python process serves one request at a time (the GIL), so threads alone do not scale past one
core; the parent binds the port, forks the workers, and a worker waiting in accept() takes each new
connection: the one with the fewest open connections (`Balance`). The parent only supervises: it
restarts a worker that dies and stops them all on SIGTERM or Ctrl-C. No new dependency (gunicorn
would do the same; waitress is already the production server, see ADR 0003 and 0011).
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import re
import signal
import socket
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer

WORKERS_ENV = "SKILLSUBSIDY_WEB_WORKERS"
THREADS_ENV = "SKILLSUBSIDY_WEB_THREADS"


def default_workers() -> int:
    """One worker a core; its threads cover waiting on the database or the network, since a thread
    waiting does not hold the GIL. Twice the cores was measured worse on 2 cores (ADR 0011): two
    processes taking turns on each core queued each other's requests behind the scheduler's slices,
    and search p99 at 16 keep-alive clients rose from 15-19 ms to 24-29 ms; claim submissions on
    PostgreSQL were no faster (8 clients 289/s against 342/s)."""
    return os.cpu_count() or 1


def _positive(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise CommandError(f"{name}: not a whole number: {raw!r}") from None
    if value < 1:
        raise CommandError(f"{name}: must be at least 1, got {value}")
    return value


_NON_ASCII = re.compile(rb"[\x80-\xff]")


class Utf8RequestLineParser(HTTPRequestParser):  # type: ignore[misc]
    """Reads a request line with raw UTF-8 in it, as curl sends `?q=焊工`, as its percent-encoding.

    waitress refuses such a line with a plain-text `400 Bad URI`; browsers encode the URL first, so
    the two would otherwise get different answers to the same request.
    """

    def parse_header(self, header_plus: bytes) -> None:
        end = header_plus.find(b"\r\n")
        if end > 0:
            line = _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], header_plus[:end])
            header_plus = line + header_plus[end:]
        super().parse_header(header_plus)


class Utf8RequestLineChannel(HTTPChannel):  # type: ignore[misc]
    parser_class = Utf8RequestLineParser


class Balance:
    """Keeps the workers' open connections even: a worker accepts only while it has no more than the
    fewest any worker has.

    Left to the kernel, whichever worker wakes first took every connection that arrived meanwhile:
    16 keep-alive clients landed 10, 6, 0 and 0 on four workers, so two processes served them all
    while two idled, and a request waited behind up to nine others of its worker (p99 at 16 clients
    was 25 ms with a request taking under 1 ms). Each worker writes its count of open connections
    to memory shared with the others (made before the fork) and leaves the listening socket out of
    its poll while it has more than the least. A worker that stops accepting after taking one more
    wakes the others through their pipes, since one whose count is now the least may be asleep in
    poll without the listener. A slot not serving (a worker still starting or just restarted)
    holds NOT_SERVING, so it never looks the least.
    """

    NOT_SERVING = 2**62

    def __init__(self, workers: int) -> None:
        self.counts = memoryview(mmap.mmap(-1, 8 * workers)).cast("q")
        for slot in range(workers):
            self.counts[slot] = self.NOT_SERVING
        self.pipes = [os.pipe() for _ in range(workers)]
        for _, write in self.pipes:
            os.set_blocking(write, False)

    def attach(self, slot: int, server: BaseWSGIServer, socket_map: dict[int, Any]) -> None:
        """In worker `slot`: its server accepts only while it has the fewest connections."""
        _Woken(self.pipes[slot][0], socket_map)
        accepting, accept = server.readable, server.handle_accept
        counts = self.counts

        def readable() -> bool:
            # Called by the loop on every pass, so after every accept and every close.
            count = len(server.active_channels)
            before, counts[slot] = counts[slot], count
            least = min(counts)
            if before < count and least < count:
                self._wake(slot)
            return bool(accepting()) and count <= least

        def handle_accept() -> None:
            # Asked again when the connection is there: a worker that last looked before another's
            # connections closed may no longer have the fewest; it leaves this one to the one that has.
            if len(server.active_channels) <= min(counts):
                accept()

        server.readable, server.handle_accept = readable, handle_accept

    def stopped(self, slot: int) -> None:
        """In the parent: the worker of `slot` is gone, and its connections with it. The others are
        woken: if it had the fewest, one of them has the fewest now."""
        self.counts[slot] = self.NOT_SERVING
        self._wake(slot)

    def _wake(self, slot: int) -> None:
        for other, (_, write) in enumerate(self.pipes):
            if other != slot:
                # A full pipe already holds a wake-up the other has not read.
                with contextlib.suppress(BlockingIOError):
                    os.write(write, b"x")


class _Woken(wasyncore.file_dispatcher):  # type: ignore[misc]
    """A worker's end of its wake-up pipe: reading it is all there is, the loop then asks the
    server again whether it accepts."""

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def handle_read(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.read(self._fileno, 4096)


class Command(BaseCommand):
    help = "Serve the site with waitress in several worker processes (static files via WhiteNoise)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", default=None, help=f"worker processes; default ${WORKERS_ENV} or one a core"
        )
        parser.add_argument(
            "--threads", default=None, help=f"threads per worker; default ${THREADS_ENV} or 4"
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: str | None, threads: str | None, **options: Any
    ) -> None:
        n_workers = _positive("--workers", workers or os.environ.get(WORKERS_ENV) or str(default_workers()))
        n_threads = _positive("--threads", threads or os.environ.get(THREADS_ENV) or "4")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((host, port))
        except OSError as exc:
            raise CommandError(f"--port: cannot listen on {host}:{port}: {exc.strerror}") from None
        listener.listen(1024)
        application = _preloaded()
        # A connection opened by the parent (system checks, settings) must not be shared by the children.
        connections.close_all()
        self.stdout.write(
            f"skillsubsidy serving on http://{host}:{port}/ with {n_workers} workers × {n_threads} "
            f"threads (DEBUG={settings.DEBUG}); Ctrl-C stops"
        )
        self.stdout.flush()
        _supervise(listener, n_workers, n_threads, application)


def _preloaded() -> Any:
    """The WSGI application with its URLs, views and message catalogs, and the caches of shipped
    data files that requests fill on first use, loaded once in the parent before the fork. Loaded
    in each worker instead, a fresh worker spent its first requests importing the app and its views
    and parsing the region tree (~0.2 s of YAML alone) holding the GIL while the health check waited
    behind it, and every worker kept its own copy. Only what needs no database is loaded here: the
    workers open their own connections."""
    from django.urls import get_resolver
    from django.utils import translation

    from config.wsgi import application
    from skillsubsidy.catalog.dataset import source_titles
    from skillsubsidy.occupations import dadian_medium_groups
    from skillsubsidy.regions import all_regions, resolve_region

    get_resolver().url_patterns  # noqa: B018 - imports every view and builds the API's routes
    for code, _name in settings.LANGUAGES:
        translation.activate(code)  # reads the language's message catalog once
    translation.deactivate()
    all_regions()
    resolve_region("320600")  # its alias table
    dadian_medium_groups()
    source_titles()
    # Everything loaded so far lives as long as the process: kept out of the collector's passes,
    # its pages stay shared with the workers rather than copied when a collection touches them.
    gc.freeze()
    return application


def _warm_published() -> None:
    """The published catalogs and their search index, built by the worker before it accepts its
    first connection. Built on demand instead, they took a request thread about two seconds of
    CPU holding the GIL (the first search, the first upload checked against them) while every other
    request of the worker waited. They come from the database, so the worker builds them with its
    own connection, after the fork; a database not yet migrated leaves them to the first request."""
    from catalogs.selectors import search_index

    try:
        search_index()
    except DatabaseError:
        pass
    finally:
        connections.close_all()  # the request threads open their own


def _worker(listener: socket.socket, threads: int, application: Any, balance: Balance, slot: int) -> None:
    from waitress.server import create_server

    _warm_published()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers on Ctrl-C
    listeners: dict[int, Any] = {}
    server = create_server(
        application, map=listeners, sockets=[listener], threads=threads, ident="skillsubsidy"
    )
    # Every listener of this worker reads raw UTF-8 request lines (Utf8RequestLineParser).
    for dispatcher in list(listeners.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = Utf8RequestLineChannel
            balance.attach(slot, dispatcher, listeners)
    server.run()


def _spawn(listener: socket.socket, threads: int, application: Any, balance: Balance, slot: int) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _worker(listener, threads, application, balance, slot)
        except BaseException:
            code = 1
            raise
        finally:
            os._exit(code)
    return pid


def _supervise(listener: socket.socket, workers: int, threads: int, application: Any) -> None:
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(started):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    balance = Balance(workers)
    # pid -> (slot, when it started)
    started = {
        _spawn(listener, threads, application, balance, slot): (slot, time.monotonic())
        for slot in range(workers)
    }
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = False
    while started:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        worker = started.pop(pid, None)
        if worker is None:
            continue
        slot, born = worker
        balance.stopped(slot)
        if stopping:
            continue
        code = os.waitstatus_to_exitcode(status)
        # A worker that dies at once cannot start at all (a broken setting): restarting it would spin.
        if time.monotonic() - born < 2:
            print(f"worker {pid} exited at start ({code}); stopping", file=sys.stderr)
            failed = True
            stop(signal.SIGTERM, None)
            continue
        print(f"worker {pid} exited ({code}); starting another", file=sys.stderr)
        started[_spawn(listener, threads, application, balance, slot)] = (slot, time.monotonic())
    listener.close()
    if failed:
        raise CommandError("a worker could not start; see the error above")
