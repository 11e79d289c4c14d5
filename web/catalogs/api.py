"""The catalogs part of the open API: regions, catalogs and their entries, search, quality findings
(`router`, public) and the corrections staff systems make to drafts (`writes`, mounted with auth)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router
from ninja.params.functions import Query
from ninja.responses import Status

from accounts.selectors import staff_scope
from catalogs import selectors, services
from catalogs.mapping import entry_from_row
from catalogs.models import CatalogVersion, Entry
from catalogs.present import HitView, anomaly_data, catalog_data, entry_data, region_slug
from catalogs.schemas import (
    REASON_DESCRIPTION,
    CatalogOut,
    DraftIn,
    EntryOut,
    EntryPage,
    EntryPatchIn,
    HitOut,
    PublishIn,
    QualityOut,
    RegionOut,
    SearchOut,
    VersionOut,
)
from common.api_errors import ApiError, ApiErrorCode
from common.api_schemas import ERRORS, REVISED_WRITE_ERRORS, WRITE_ERRORS, RegionQuery
from common.errors import Stale
from skillsubsidy.catalog import model as core
from skillsubsidy.catalog.model import Category, CertificateType
from skillsubsidy.catalog.quality import summary
from skillsubsidy.occupations import Marker
from skillsubsidy.regions import Level, all_regions, children, resolve_region

router = Router(tags=["catalogs"])
writes = Router(tags=["back office"])


@router.get("/regions", response={200: list[RegionOut], **ERRORS})
def regions(
    request: HttpRequest,
    parent: RegionQuery = Query(None, description="code or name: only the regions directly under it"),
    level: Level | None = Query(None, description="province, city or district (county level)"),
) -> list[dict[str, Any]]:
    """The GB/T 2260 tree: every provincial-level division, and 江苏, 山东, 广东, 上海 to county level."""
    found = children(resolve_region(parent).code) if parent else all_regions().values()
    return [
        {"code": r.code, "name": r.name, "short": r.short, "en": r.en, "parent": r.parent, "level": r.level}
        for r in found
        if level is None or r.level == level
    ]


def _catalog_out(request: HttpRequest, catalog: core.CatalogVersion, number: int | None) -> dict[str, Any]:
    data = catalog_data(catalog, version=number)
    url = reverse(
        "api:catalog_entries", kwargs={"region": region_slug(data["region"]), "version": data["id"]}
    )
    return {**data, "entries_url": request.build_absolute_uri(url)}


@router.get("/catalogs", response={200: list[CatalogOut], **ERRORS})
def catalogs(
    request: HttpRequest,
    region: RegionQuery = Query(None, description="code or name; includes ancestors' catalogs"),
) -> list[dict[str, Any]]:
    return [_catalog_out(request, c, number) for c, number in selectors.catalogs_in(region=region)]


@router.get(
    "/catalogs/{region}/{version}/entries",
    response={200: EntryPage, **ERRORS},
    url_name="catalog_entries",
    summary="Entries of one catalog version, filtered and paged",
)
def catalog_entries(
    request: HttpRequest,
    region: str,
    version: str,
    section: str | None = None,
    category: Category | None = None,
    q: str | None = Query(None, max_length=100, description="substring of the name or code"),
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """`region` is a GB/T 2260 code (or `none` for documents that state no region); `version` is a
    catalog id such as `jiangsu-2025` (the current version) or `jiangsu-2025~v2` (a given version)."""
    try:
        found, items = selectors.catalog_entries(region, version, section=section, category=category, q=q)
    except selectors.UnknownSection as exc:
        raise ApiError(ApiErrorCode.UNKNOWN_SECTION, str(exc), field="section", value=section) from None
    except LookupError as exc:
        raise ApiError(ApiErrorCode.UNKNOWN_CATALOG, str(exc), field="version", value=version) from None
    return {
        "catalog": _catalog_out(request, found.catalog, found.version.number),
        "count": len(items),
        "offset": offset,
        "limit": limit,
        "items": [entry_data(found.core_entry(number)) for number, _ in items[offset : offset + limit]],
    }


@router.get("/search", response={200: SearchOut, **ERRORS})
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=100, description="code, Chinese name, pinyin or initials"),
    region: RegionQuery = Query(None, description="code or name; a city also sees its province's catalogs"),
    year: int | None = Query(None, ge=2000, le=2100),
    category: Category | None = None,
    certificate_type: CertificateType | None = None,
    marker: list[Marker] | None = Query(None, description="digital S, green L, …; all given must be present"),
    shortage: bool | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> HttpResponse:
    def assemble(shaped: list[tuple[str, float, str]]) -> bytes:
        # The answer SearchOut describes, from each entry's JSON shaped once per publication (through
        # HitOut, as ninja would) rather than validated and encoded again on every request.
        items = ", ".join(
            f"{head}, {_SCORE}{json.dumps(score)}, {_MATCHED}{_json(how)}}}" for head, score, how in shaped
        )
        return f'{{"query": {_json(q)}, "count": {len(shaped)}, "items": [{items}]}}'.encode()

    body = selectors.search_answer(
        q,
        _hit_head,
        assemble,
        region=region,
        year=year,
        category=category,
        certificate_type=certificate_type.value if certificate_type else None,
        markers=[m.value for m in marker] if marker else None,
        shortage=shortage,
        limit=limit,
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


_SCORE, _MATCHED = '"score": ', '"matched_on": '


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _hit_head(view: HitView) -> str:
    """A hit's JSON object as the API renders it (HitOut, UTF-8 text), less its score and what
    matched (the two last fields, which vary by query) and the closing brace."""
    data = HitOut.model_validate(view.data()).model_dump(mode="json", exclude={"score", "matched_on"})
    return _json(data)[:-1]


@router.get("/quality", response={200: QualityOut, **ERRORS}, tags=["quality"])
def quality(
    request: HttpRequest,
    seed: str | None = Query(None, max_length=100, description="seed file name or its prefix, e.g. 001"),
    kind: str | None = Query(None, max_length=64),
    catalog: str | None = Query(None, max_length=100),
    offset: int = Query(0, ge=0),
    limit: int = Query(200, ge=1, le=1000),
) -> dict[str, Any]:
    rows = selectors.quality_findings(seed=seed, kind=kind, catalog_id=catalog)
    return {
        "count": len(rows),
        "summary": summary(rows),
        "items": [anomaly_data(a) for a in rows[offset : offset + limit]],
    }


def _version_out(v: CatalogVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "catalog_id": v.catalog_id,
        "number": v.number,
        "status": v.status,
        "region": v.region or None,
        "title": v.title,
        "effective_from": v.effective_from,
        "effective_to": v.effective_to,
    }


def _draft(request: HttpRequest, version_id: int) -> CatalogVersion:
    """As in the back office, a version of another region is answered as one that does not exist."""
    scope = staff_scope(request.user)
    if scope is None:
        raise PermissionDenied("changing catalogs needs a staff role")
    version = selectors.version_in_scope(pk=version_id, scope=scope)
    if version is None:
        raise ApiError(ApiErrorCode.UNKNOWN_VERSION, f"no catalog version {version_id}", field="version_id",
                       value=version_id)  # fmt: skip
    return version


@writes.post(
    "/catalogs/{catalog_id}/drafts",
    response={201: VersionOut, **WRITE_ERRORS},
    summary="Start a draft from the current published version",
)
def draft_create(request: HttpRequest, catalog_id: str, payload: DraftIn) -> Status[dict[str, Any]]:
    if selectors.current_version(catalog_id=catalog_id) is None:
        message = f"no published catalog {catalog_id!r}"
        raise ApiError(ApiErrorCode.UNKNOWN_CATALOG, message, field="catalog_id", value=catalog_id)
    version = services.draft_from_published(catalog_id=catalog_id, actor=request.user, reason=payload.reason)
    return Status(201, _version_out(version))


def _etag(entry: Entry) -> str:
    # The row's id as well as its revision: a row number may later name another row.
    return f'"{entry.pk}-{entry.revision}"'


def _draft_row(request: HttpRequest, version_id: int, row: int) -> tuple[CatalogVersion, Entry]:
    version = _draft(request, version_id)
    entry = selectors.entry_at(version=version, number=row)
    if entry is None:
        raise ApiError(ApiErrorCode.UNKNOWN_ROW, f"{version} has no row {row}", field="row", value=row)
    return version, entry


@writes.get(
    "/drafts/{version_id}/entries/{row}",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="One row of a draft, with its ETag to send back in If-Match when correcting it",
)
def entry_get(request: HttpRequest, response: HttpResponse, version_id: int, row: int) -> dict[str, Any]:
    version, entry = _draft_row(request, version_id, row)
    response["ETag"] = _etag(entry)
    return entry_data(entry_from_row(entry, version.catalog_id))


def _if_match_revision(request: HttpRequest, entry: Entry, version_id: int, row: int) -> int:
    """The revision the client's If-Match names. A tag of another row, or one not of our making,
    names no revision of this row, so it is answered as stale (the client's copy is not this row)."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent or sent == "*":
        raise ApiError(
            ApiErrorCode.PRECONDITION_REQUIRED,
            f"If-Match: send the ETag of the row as read (GET /api/v1/drafts/{version_id}/entries/{row})",
            field="If-Match",
            value=sent or None,
        )
    tag = sent.removeprefix("W/").strip('"')
    pk, _, revision = tag.partition("-")
    if pk == str(entry.pk) and revision.isdecimal() and len(revision) <= 18:
        return int(revision)
    return -1


@writes.patch(
    "/drafts/{version_id}/entries/{row}",
    response={200: EntryOut, **REVISED_WRITE_ERRORS},
    summary="Correct one row of a draft (row numbers start at 1); If-Match: the row's ETag",
)
def entry_patch(
    request: HttpRequest, response: HttpResponse, version_id: int, row: int, payload: EntryPatchIn
) -> dict[str, Any]:
    version, entry = _draft_row(request, version_id, row)
    try:
        entry = services.entry_update(
            entry=entry,
            actor=request.user,
            changes=payload.changes,
            reason=payload.reason,
            revision=_if_match_revision(request, entry, version_id, row),
        )
    except Stale as exc:
        raise ApiError(
            ApiErrorCode.STALE_REVISION,
            str(exc),
            headers={"ETag": f'"{entry.pk}-{exc.revision}"'},
            current=exc.current,
            revision=exc.revision,
        ) from None
    response["ETag"] = _etag(entry)
    return entry_data(entry_from_row(entry, version.catalog_id))


@writes.post("/drafts/{version_id}/publish", response={200: VersionOut, **WRITE_ERRORS})
def draft_publish(request: HttpRequest, version_id: int, payload: PublishIn) -> dict[str, Any]:
    version = services.draft_publish(
        version=_draft(request, version_id),
        actor=request.user,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        reason=payload.reason,
    )
    return _version_out(version)


@writes.delete("/drafts/{version_id}", response={204: None, **WRITE_ERRORS})
def draft_delete(
    request: HttpRequest,
    version_id: int,
    reason: str = Query(..., min_length=1, max_length=2000, description=REASON_DESCRIPTION),
) -> Status[None]:
    # A query parameter, not a body: intermediaries may drop the body of a DELETE.
    services.draft_discard(version=_draft(request, version_id), actor=request.user, reason=reason)
    return Status(204, None)
