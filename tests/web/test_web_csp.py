"""A strict Content-Security-Policy on every page, and no page that would need a weaker one."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from web_support import client_for

from catalogs import selectors

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Pages a crawl from the two home pages would not reach by a link.
SEEDS = [
    "/",
    "/en/",
    "/office/",
    "/en/office/",
    "/api/v1/docs",
    "/no/such/page/",
    "/search/?q=焊工",
    "/en/search/?q=hangong",
    "/calculator/?type=skill_level&occupation=焊工&level=3&region=320600&date=2025-06-01",
]


class _Scan(HTMLParser):
    """Collects same-site links and every construct the policy forbids."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.inline.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.inline.append("<style> element")
        # A JSON data block is not executed; every other script must come from a file.
        self._in_script = tag == "script" and "src" not in values and values.get("type") != "application/json"
        href = values.get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def _crawl(client: Client, limit: int) -> dict[str, list[str]]:
    """Every HTML page reachable from SEEDS (up to `limit`), each with its policy violations."""
    seen: dict[str, list[str]] = {}
    queue = list(SEEDS)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        # Downloads and paged variants of a page already seen add nothing to check.
        key = re.sub(r"([?&])(page|sort|format)=[^&]*", r"\1", url)
        if key in seen or "/logout/" in url:
            continue
        response = client.get(url)
        assert response["Content-Security-Policy"] == POLICY, url
        if not response["Content-Type"].startswith("text/html"):
            seen[key] = []
            continue
        scan = _Scan()
        scan.feed(response.content.decode())
        seen[key] = scan.inline
        queue.extend(link for link in scan.links if link not in seen)
    return seen


def test_every_public_and_back_office_page_has_the_strict_policy_and_no_inline_code(
    admin: AbstractUser,
) -> None:
    pages = _crawl(client_for(admin), limit=160)
    assert len(pages) >= 60
    assert {"/", "/office/", "/office/standards/", "/developers/", "/api/v1/docs"} <= set(pages)
    assert {url: found for url, found in pages.items() if found} == {}


def test_the_json_api_and_the_error_page_carry_the_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/health")["Content-Security-Policy"] == POLICY
    assert client.get("/api/v1/nothing")["Content-Security-Policy"] == POLICY

    def broken() -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(selectors, "current_dataset", broken)
    response = client.get("/catalogs/")
    assert response.status_code == 500
    assert response["Content-Security-Policy"] == POLICY
    scan = _Scan()
    scan.feed(response.content.decode())
    assert scan.inline == []
