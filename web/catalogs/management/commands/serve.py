from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser

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


class Command(BaseCommand):
    help = "Serve the site with waitress, a production WSGI server (static files via WhiteNoise)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress.server import create_server

        from config.wsgi import application

        listeners: dict[int, Any] = {}
        server = create_server(
            application, map=listeners, host=host, port=port, threads=threads, ident="skillsubsidy"
        )
        # A host name may resolve to several sockets, one listener each, all in `listeners`.
        for listener in listeners.values():
            listener.channel_class = Utf8RequestLineChannel
        self.stdout.write(
            f"skillsubsidy serving on http://{host}:{port}/ (DEBUG={settings.DEBUG}); Ctrl-C stops"
        )
        server.run()
