"""Every `curl` example in the docs and on /developers/ is sent, byte for byte as curl sends it.

curl puts raw UTF-8 in the request line (`?q=焊工`), so the examples go over a plain socket to the
production server. Where the docs print the answer, the answer must still read that way: each
piece between the docs' `…` elisions appears, in order, in the JSON the server returns.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from conftest import REPO, LiveServer

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@dataclass(frozen=True)
class Example:
    where: str
    command: str
    output: str | None = None
    status: int = 200


def _commands(lines: list[str]) -> list[tuple[str, int]]:
    """(command with its `\\` continuations joined, index of the line after it) for each curl line."""
    found = []
    i = 0
    while i < len(lines):
        line = lines[i].removeprefix("$ ").strip()
        i += 1
        if not line.startswith("curl "):
            continue
        while line.endswith("\\") and i < len(lines):
            line = line[:-1].rstrip() + " " + lines[i].strip()
            i += 1
        found.append((line, i))
    return found


def doc_examples() -> list[Example]:
    examples = []
    for path in DOCS:
        lines = path.read_text(encoding="utf-8").splitlines()
        for command, after in _commands(lines):
            output = lines[after].strip() if after < len(lines) else ""
            status = 200
            if m := re.search(r"\s+\(HTTP (\d{3})\)$", output):
                status, output = int(m.group(1)), output[: m.start()]
            documented = output.startswith("{")
            examples.append(
                Example(f"{path.name}: {command[:60]}", command, output if documented else None, status)
            )
    return examples


def send(server: LiveServer, command: str) -> tuple[int, bytes]:
    """Send what curl would send for `command`: its URL's bytes unencoded in the request line."""
    args = shlex.split(command)[1:]
    method, headers, body, url = "GET", {}, b"", ""
    while args:
        arg = args.pop(0)
        if arg == "-s":
            continue
        if arg == "-X":
            method = args.pop(0)
        elif arg == "-H":
            name, value = args.pop(0).split(":", 1)
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            body = args.pop(0).encode()
            method = "POST" if method == "GET" else method
        else:
            url = arg
    target = urlsplit(url)._replace(scheme="", netloc="").geturl()
    live = urlsplit(server.url)
    headers |= {"Host": live.netloc, "Content-Length": str(len(body)), "Connection": "close"}
    request = f"{method} {target} HTTP/1.1\r\n".encode() + b"".join(
        f"{k}: {v}\r\n".encode() for k, v in headers.items()
    )
    with socket.create_connection((live.hostname, live.port), timeout=30) as conn:
        conn.sendall(request + b"\r\n" + body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), payload


def test_the_docs_have_examples_to_run() -> None:
    examples = doc_examples()
    assert len(examples) >= 7
    assert any("q=焊工" in e.command for e in examples)


@pytest.mark.parametrize("example", doc_examples(), ids=lambda e: e.where)
def test_every_documented_example_answers_as_documented(web_server: LiveServer, example: Example) -> None:
    status, payload = send(web_server, example.command)
    assert status == example.status, payload[:300]
    answer = json.dumps(json.loads(payload), ensure_ascii=False)
    if example.output is None:
        return
    position = 0
    for piece in example.output.split("…"):
        piece = piece.strip().strip(",").strip()
        if piece in ("", "{", "}", "[", "]"):
            continue
        found = answer.find(piece, position)
        assert found >= 0, f"{piece!r} not in {answer[position : position + 400]!r}"
        position = found + len(piece)


def test_every_example_on_the_developers_page_is_served(web_server: LiveServer) -> None:
    status, payload = send(web_server, f"curl '{web_server.url}/developers/'")
    assert status == 200
    block = re.search(r'<pre class="raw">(.*?)</pre>', payload.decode(), re.S)
    assert block is not None
    commands = [c for c, _ in _commands(html.unescape(block.group(1)).splitlines())]
    assert len(commands) == 4
    for command in commands:
        status, body = send(web_server, command)
        assert status == 200, (command, body[:300])
        assert json.loads(body)
