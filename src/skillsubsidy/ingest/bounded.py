"""Read an uploaded file's tables in a child process with its own memory and CPU limits.

A hostile or broken file can still drive a parsing library to allocate or loop within what the
readers' limits (`tables.Limits`) accept. In a child with `RLIMIT_AS` and `RLIMIT_CPU` set and a
wall-clock timeout, such a file ends only its own parse, and the caller gets a TableImportError that
says which limit it ran into, instead of a server that swaps or stops answering.

The child sends the tables back as JSON on stdout: the parse result is plain data, stored as such
by the caller so that showing it again never parses the file again. A caller that only stores it
takes the text as it is (`read_tables_text_bounded`): decoding megabytes of JSON holds the GIL of
the process that does it (issue 14: 0.17 s for 100,000 rows, in a serving process).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from skillsubsidy.ingest.tables import (
    DEFAULT_LIMITS,
    Limits,
    RawTable,
    TableData,
    TableImportError,
    read_tables_data,
    tables_from_data,
)


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """The child's budget: what the readers take on, and the process's memory, CPU and wall time."""

    tables: Limits = DEFAULT_LIMITS
    memory_mb: int = 1024
    cpu_seconds: int = 60
    wall_seconds: int = 90
    # Niceness added to the child: a parse takes the CPU the server's request threads leave, so
    # `/api/v1/health` and every other request stay fast while uploads are read (issue 14).
    nice: int = 10


def _why(returncode: int, stderr: str, limits: ParseLimits) -> str:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL) and "MemoryError" not in stderr:
        return f"reading it used more than the CPU limit of {limits.cpu_seconds} s"
    if "MemoryError" in stderr or returncode == -signal.SIGSEGV:
        return f"reading it needed more than the memory limit of {limits.memory_mb} MB"
    return f"the reader stopped unexpectedly (exit {returncode})"


def read_tables_bounded(path: Path, limits: ParseLimits, name: str | None = None) -> list[RawTable]:
    """`read_tables(path)` in a child process within `limits`; TableImportError names the file as
    `name` (the uploaded name rather than a temporary path) and, when a limit stopped it, the limit."""
    return tables_from_data(read_tables_data_bounded(path, limits, name))


def read_tables_data_bounded(path: Path, limits: ParseLimits, name: str | None = None) -> list[TableData]:
    """`read_tables_bounded` as the data `tables_to_data` gives, straight from the child, without
    building the tables as objects in this process."""
    tables: list[TableData] = json.loads(read_tables_text_bounded(path, limits, name))
    return tables


def read_tables_text_bounded(path: Path, limits: ParseLimits, name: str | None = None) -> str:
    """`read_tables_data_bounded` as the JSON text the child printed, not decoded here: what a
    caller that stores the tables (or hands them to another process) keeps."""
    source = name or path.name
    args = json.dumps({"path": str(path), "limits": asdict(limits), "source": source})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "skillsubsidy.ingest.bounded"],
            input=args.encode(), capture_output=True, timeout=limits.wall_seconds, env=env, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise TableImportError(
            source, f"reading it took longer than the limit of {limits.wall_seconds} s"
        ) from None
    if done.returncode != 0:
        raise TableImportError(source, _why(done.returncode, done.stderr.decode(errors="replace"), limits))
    # Bytes decoded once: text mode would also translate newlines, another pass over megabytes
    # (JSON escapes every newline in a string, so there is none to translate).
    answer = done.stdout.decode()
    # The tables are a JSON list; a refusal is a (small) object naming its reason.
    if answer.startswith("{"):
        raise TableImportError(source, json.loads(answer)["error"])
    return answer


def _child() -> None:
    request = json.loads(sys.stdin.read())
    raw = request["limits"]
    limits = ParseLimits(
        Limits(**raw["tables"]), raw["memory_mb"], raw["cpu_seconds"], raw["wall_seconds"], raw["nice"]
    )
    if limits.nice:
        os.nice(limits.nice)
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL if that is caught.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    try:
        tables = read_tables_data(Path(request["path"]), limits.tables)
    except TableImportError as exc:
        if isinstance(exc.__cause__, MemoryError):
            print(
                json.dumps(
                    {"error": f"reading it needed more than the memory limit of {limits.memory_mb} MB"}
                )
            )
        else:
            print(json.dumps({"error": exc.detail}))
        return
    for t in tables:
        t["source"] = request["source"]
    sys.stdout.buffer.write(json.dumps(tables, ensure_ascii=False).encode())  # UTF-8, as read


if __name__ == "__main__":
    _child()
