"""The open API, /api/v1/. Thin: parse the input, call one selector or service, shape the output."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI
from ninja.params.functions import Query
from ninja.renderers import JSONRenderer
from ninja.responses import Status
from ninja.security import HttpBearer, django_auth

from accounts.selectors import staff_scope
from accounts.services import token_authenticate
from api import errors
from api.errors import ApiError
from api.schemas import (
    REASON_DESCRIPTION,
    CatalogOut,
    DecisionOut,
    DraftIn,
    EntryOut,
    EntryPage,
    EntryPatchIn,
    ErrorOut,
    HealthOut,
    OccupationOut,
    PublishIn,
    QualityOut,
    QuoteIn,
    RegionOut,
    SearchOut,
    VersionOut,
)
from calendars.api import router as calendar_router
from catalogs import selectors, services
from catalogs.mapping import entry_from_row
from catalogs.models import CatalogVersion, Entry
from catalogs.present import anomaly_data, catalog_data, entry_data, occupation_data, region_slug
from skillsubsidy.catalog.model import CertificateType
from skillsubsidy.catalog.quality import summary
from skillsubsidy.occupations import Marker
from skillsubsidy.regions import Level, all_regions, ancestry, children, resolve_region
from skillsubsidy.rules.request import RequestError
from standards import selectors as standards


class Utf8JSON(JSONRenderer):
    # Chinese names as text rather than \u escapes: a third of the size, and readable in a terminal.
    json_dumps_params: Mapping[str, Any] = MappingProxyType({"ensure_ascii": False})


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


WRITE_AUTH = [BearerToken(), django_auth]
ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut}

api = NinjaAPI(
    title="skillsubsidy open API",
    version="1",
    description=(
        "Subsidised vocational-skills training catalogs (补贴性职业技能培训目录) and subsidy quotes, "
        "built from official documents. Every entry cites its source document and line. Errors are JSON "
        "with a stable `code` and the offending `field`. Write endpoints need `Authorization: Bearer "
        "<token>` (tokens are issued in the back office) or a logged-in session."
    ),
    urls_namespace="api",
    docs_url="/docs",
    renderer=Utf8JSON(),
)
errors.install(api)
api.add_router("/calendar", calendar_router)


@api.get("/health", response=HealthOut, tags=["meta"], summary="Liveness (also the benchmark floor)")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


@api.get("/regions", response={200: list[RegionOut], **ERRORS}, tags=["catalogs"])
def regions(
    request: HttpRequest,
    parent: str | None = Query(None, description="code or name: only the regions directly under it"),
    level: Level | None = Query(None, description="province, city or district (county level)"),
) -> list[dict[str, Any]]:
    """The GB/T 2260 tree: every provincial-level division, and 江苏, 山东, 广东, 上海 to county level."""
    found = children(resolve_region(parent).code) if parent else all_regions().values()
    return [
        {"code": r.code, "name": r.name, "short": r.short, "en": r.en, "parent": r.parent, "level": r.level}
        for r in found
        if level is None or r.level == level
    ]


def _catalog_out(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    url = reverse(
        "api:catalog_entries", kwargs={"region": region_slug(data["region"]), "version": data["id"]}
    )
    return {**data, "entries_url": request.build_absolute_uri(url)}


@api.get("/catalogs", response={200: list[CatalogOut], **ERRORS}, tags=["catalogs"])
def catalogs(
    request: HttpRequest,
    region: str | None = Query(None, description="code or name; includes ancestors' catalogs"),
) -> list[dict[str, Any]]:
    dataset = selectors.current_dataset()
    numbers = selectors.current_numbers()
    wanted = None
    if region:
        wanted = {r.code for r in ancestry(resolve_region(region))}
    return [
        _catalog_out(request, catalog_data(c, version=numbers.get(c.id)))
        for c in dataset.catalogs
        if wanted is None or c.region in wanted
    ]


@api.get(
    "/catalogs/{region}/{version}/entries",
    response={200: EntryPage, **ERRORS},
    tags=["catalogs"],
    url_name="catalog_entries",
    summary="Entries of one catalog version, filtered and paged",
)
def catalog_entries(
    request: HttpRequest,
    region: str,
    version: str,
    section: str | None = None,
    category: Literal["A", "B", "C"] | None = None,
    q: str | None = Query(None, max_length=100, description="substring of the name or code"),
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """`region` is a GB/T 2260 code (or `none` for documents that state no region); `version` is a
    catalog id such as `jiangsu-2025` (the current version) or `jiangsu-2025~v2` (a given version)."""
    try:
        found = selectors.catalog_ref(region, version)
    except LookupError as exc:
        raise ApiError(404, "unknown_catalog", str(exc), field="version", value=version) from None
    catalog = found.catalog
    if section is not None and section not in {s.key for s in catalog.sections}:
        keys = ", ".join(s.key for s in catalog.sections)
        message = f"{section!r} is not a section; sections: {keys}"
        raise ApiError(400, "unknown_section", message, field="section", value=section)
    items = selectors.entries_matching(found.rows, section=section, category=category, q=q)
    return {
        "catalog": _catalog_out(request, catalog_data(catalog, version=found.version.number)),
        "count": len(items),
        "offset": offset,
        "limit": limit,
        "items": [entry_data(found.core_entry(number)) for number, _ in items[offset : offset + limit]],
    }


@api.get("/search", response={200: SearchOut, **ERRORS}, tags=["catalogs"])
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=100, description="code, Chinese name, pinyin or initials"),
    region: str | None = Query(None, description="code or name; a city also sees its province's catalogs"),
    year: int | None = Query(None, ge=2000, le=2100),
    category: Literal["A", "B", "C"] | None = None,
    certificate_type: CertificateType | None = None,
    marker: list[Marker] | None = Query(None, description="digital S, green L, …; all given must be present"),
    shortage: bool | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    hits = selectors.search(
        q,
        region=region,
        year=year,
        category=category,
        certificate_type=certificate_type.value if certificate_type else None,
        markers=[m.value for m in marker] if marker else None,
        shortage=shortage,
        limit=limit,
    )
    return {"query": q, "count": len(hits), "items": [h.data() for h in hits]}


@api.get("/occupations/{code}", response={200: OccupationOut, **ERRORS}, tags=["catalogs"])
def occupation(request: HttpRequest, code: str) -> dict[str, Any]:
    """One occupation across every region, by 大典 code or by name, with each region's standards."""
    profile = selectors.profile(code)
    return {
        **occupation_data(profile, selectors.search_index()),
        "standards": standards.occupation_standards(profile),
    }


@api.post("/quote", response={200: DecisionOut, **ERRORS}, tags=["quotes"], summary="Quote a subsidy")
def quote(request: HttpRequest, payload: QuoteIn) -> dict[str, Any]:
    """The request and decision of `skillsubsidy quote`: eligibility, amount, reasons and trace."""
    raw = payload.model_dump(mode="json", exclude_unset=True)
    try:
        decision = standards.quote(raw)
    except RequestError as exc:
        raise ApiError(422, "invalid_request", str(exc), field=exc.field, value=exc.value) from None
    return decision.to_json()


@api.get("/quality", response={200: QualityOut, **ERRORS}, tags=["quality"])
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
        raise ApiError(404, "unknown_version", f"no catalog version {version_id}", field="version_id",
                       value=version_id)  # fmt: skip
    return version


@api.post(
    "/catalogs/{catalog_id}/drafts",
    response={201: VersionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["back office"],
    summary="Start a draft from the current published version",
)
def draft_create(request: HttpRequest, catalog_id: str, payload: DraftIn) -> Status[dict[str, Any]]:
    version = services.draft_from_published(catalog_id=catalog_id, actor=request.user, reason=payload.reason)
    return Status(201, _version_out(version))


@api.patch(
    "/drafts/{version_id}/entries/{row}",
    response={200: EntryOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["back office"],
    summary="Correct one row of a draft (row numbers start at 1)",
)
def entry_patch(request: HttpRequest, version_id: int, row: int, payload: EntryPatchIn) -> dict[str, Any]:
    version = _draft(request, version_id)
    entry = Entry.objects.filter(version=version, position=row - 1).first()
    if entry is None:
        raise ApiError(404, "unknown_row", f"{version} has no row {row}", field="row", value=row)
    entry = services.entry_update(
        entry=entry, actor=request.user, changes=payload.changes, reason=payload.reason
    )
    return entry_data(entry_from_row(entry, version.catalog_id))


@api.post(
    "/drafts/{version_id}/publish",
    response={200: VersionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    tags=["back office"],
)
def draft_publish(request: HttpRequest, version_id: int, payload: PublishIn) -> dict[str, Any]:
    version = services.draft_publish(
        version=_draft(request, version_id),
        actor=request.user,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        reason=payload.reason,
    )
    return _version_out(version)


@api.delete(
    "/drafts/{version_id}", response={204: None, **WRITE_ERRORS}, auth=WRITE_AUTH, tags=["back office"]
)
def draft_delete(
    request: HttpRequest,
    version_id: int,
    reason: str = Query(..., min_length=1, max_length=2000, description=REASON_DESCRIPTION),
) -> Status[None]:
    # A query parameter, not a body: intermediaries may drop the body of a DELETE.
    services.draft_discard(version=_draft(request, version_id), actor=request.user, reason=reason)
    return Status(204, None)
