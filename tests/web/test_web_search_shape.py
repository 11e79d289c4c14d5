"""The search answer is assembled from each entry's JSON, shaped once per publication (ADR 0011):
it must be the very answer its schema (SearchOut) renders, byte for byte, and follow a publication."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from ninja.responses import NinjaJSONEncoder

from catalogs import selectors
from catalogs.models import Entry
from catalogs.schemas import SearchOut
from catalogs.services import draft_from_published, draft_publish, entry_update

pytestmark = pytest.mark.django_db

# Every kind of query and filter the portal sends: code, name, pinyin, initials, typo, miss.
SEARCHES = [
    {"q": "焊工"}, {"q": "6-18-02-04"}, {"q": "6-31", "limit": 50}, {"q": "hg", "region": "320600"},
    {"q": "hangong", "shortage": "true"}, {"q": "电工", "year": 2025, "category": "A"},
    {"q": "养老护理员", "certificate_type": "skill_level"}, {"q": "焊功"}, {"q": "diangong"},
    {"q": "zzz不存在的职业"}, {"q": "电子商务师", "marker": "S"}, {"q": "gyjqr", "limit": 100},
]  # fmt: skip


def rendered_by_schema(params: dict[str, object]) -> bytes:
    """What ninja renders from SearchOut for the hits `selectors.search` finds (the API's renderer:
    NinjaJSONEncoder, UTF-8 text)."""
    filters = {k: v for k, v in params.items() if k not in ("q", "marker", "limit")}
    if "year" in filters:
        filters["year"] = int(str(filters["year"]))
    if "shortage" in filters:
        filters["shortage"] = filters["shortage"] == "true"
    markers = [str(params["marker"])] if "marker" in params else None
    hits = selectors.search(
        str(params["q"]),
        markers=markers,
        limit=int(str(params.get("limit", 20))),
        **filters,  # type: ignore[arg-type]
    )
    data = {"query": params["q"], "count": len(hits), "items": [h.data() for h in hits]}
    dumped = SearchOut.model_validate(data).model_dump()
    return json.dumps(dumped, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: urlencode(p))
def test_the_search_answer_is_byte_for_byte_what_its_schema_renders(
    client: Client, params: dict[str, object]
) -> None:
    first = client.get("/api/v1/search?" + urlencode(params))
    again = client.get("/api/v1/search?" + urlencode(params))  # now from the shaped entries
    assert first.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first.content == again.content == rendered_by_schema(params)


def test_a_publication_reshapes_the_entries_it_changed(client: Client, admin: AbstractUser) -> None:
    def names() -> list[str]:
        items = client.get("/api/v1/search?q=6-18-02-04&region=320000&limit=50").json()["items"]
        return [i["name"] for i in items if i["catalog_title"] == title]

    draft = draft_from_published(catalog_id="jiangsu-2025", actor=admin, reason="rename for the test")
    title = draft.title
    assert names() == ["焊工"]
    row = Entry.objects.get(version=draft, code="6-18-02-04")
    entry_update(entry=row, actor=admin, revision=row.revision, changes={"name": "焊工（改）"}, reason="test")
    draft_publish(version=draft, actor=admin, effective_from=date(2025, 7, 1), reason="test")
    assert names() == ["焊工（改）"]
