from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with waitress, a production WSGI server (static files via WhiteNoise)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        from config.wsgi import application

        self.stdout.write(
            f"skillsubsidy serving on http://{host}:{port}/ (DEBUG={settings.DEBUG}); Ctrl-C stops"
        )
        serve(application, host=host, port=port, threads=threads, ident="skillsubsidy")
