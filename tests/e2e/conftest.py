"""A real server and a real browser for the end-to-end tests.

The server is the production stack (`manage.py bootstrap` then waitress with WhiteNoise) on a free
loopback port, with its own SQLite file loaded from the shipped dataset. The browser is Debian's
chromium (`make browsers`); no browser is ever downloaded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# The walks run on a day the shipped working-day calendar covers, not on the machine's: the calendar
# ends with 2026 (the 2027 holiday notice is not in our sources), so late in December a class filed
# two weeks ahead, or a five-working-day notice, would reach past it and be refused. The server and
# every script that prepares a walk's data run on this clock (fixed_clock.py), ticking on from it.
E2E_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CLOCK = Path(__file__).with_name("fixed_clock.py")
PASSWORD = "e2e-password-not-secret-4f9a"
STAFF = {
    "admin": ("platform_admin", None),
    "nantong": ("city_bureau", "320600"),
    "fuzz": ("district_bureau", "440106"),  # 天河区 has no catalog, so fuzzed writes change nothing
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]

    @property
    def today(self) -> date:
        """The server's day (settings.TIME_ZONE): what the walks file, inspect and claim on."""
        return E2E_NOW.date()

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [*on_the_clock(), "web/manage.py", *args], cwd=REPO, env=self.env, capture_output=True,
            text=True, check=True, timeout=300,
        )  # fmt: skip
        return result.stdout

    def script(self, code: str) -> str:
        """Run `code` with Django set up on the server's database and clock (the web app and the web
        tests' helpers, such as claims_world, importable); its stdout."""
        env = {**self.env, "PYTHONPATH": f"{REPO / 'web'}{os.pathsep}{REPO / 'tests' / 'web'}",
               "DJANGO_SETTINGS_MODULE": "config.settings"}  # fmt: skip
        done = subprocess.run([*on_the_clock(), "-c", code], cwd=REPO / "web", env=env, capture_output=True,
                              text=True, check=True, timeout=300)  # fmt: skip
        return done.stdout

    def start_class_on_its_day(self, title: str) -> None:
        """Start the class `title` as its clerk on its filed start date: a class starts on that day
        or later, and the server's day (`today`) is at least 5 working days before any class filed on it.
        The one step of a walk that is not the browser's, as the claims walk passes its notice."""
        self.script(
            "import django; django.setup()\n"
            "from classes.models import TrainingClass\n"
            "from classes.services import class_move\n"
            "from institutions.models import Clerk\n"
            f"c = TrainingClass.objects.get(title={title!r})\n"
            "clerk = Clerk.objects.filter(institution=c.institution).first().user\n"
            "class_move(actor=clerk, training_class=c, action='start', today=c.start)\n"
        )


def on_the_clock() -> list[str]:
    """The start of a command line that runs Python at E2E_NOW."""
    return [sys.executable, str(CLOCK), E2E_NOW.isoformat()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout} s")


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    var = tmp_path_factory.mktemp("e2e-var")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "SKILLSUBSIDY_VAR"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{var / 'e2e.sqlite3'}",
        DJANGO_SECRET_KEY="e2e-only-secret-key-0123456789abcdef",
        SKILLSUBSIDY_VAR_DIR=str(var),
        E2E_PASSWORD=PASSWORD,
    )
    port = _free_port()
    server = LiveServer(f"http://127.0.0.1:{port}", env)
    server.manage("bootstrap")
    for username, (role, region) in STAFF.items():
        server.manage("create_staff", username, "--role", role, *(["--region", region] if region else []),
                      "--password-env", "E2E_PASSWORD")  # fmt: skip
    log = (var / "server.log").open("wb")
    process = subprocess.Popen(
        [*on_the_clock(), "web/manage.py", "serve", "--port", str(port), "--threads", "4"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(f"{server.url}/api/v1/health", process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# One browser per test file, not per session: Playwright's sync API keeps an asyncio loop running in
# the thread while it is open, and Django then refuses every ORM call of the database tests that the
# same worker runs afterwards (SynchronousOnlyOperation).
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browsers` (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, web_server: LiveServer) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=web_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    p = context.new_page()
    yield p
    context.close()


def screenshot(page: object, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact (artifacts/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
