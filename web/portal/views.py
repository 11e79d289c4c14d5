"""The public portal. Views only read request parameters, call selectors and render."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from calls import selectors as call_selectors
from catalogs import selectors
from catalogs.present import (
    CERTIFICATE_LABELS,
    MARKER_LABELS,
    PROGRAM_LABELS,
    HitView,
    catalog_data,
    entry_data,
    group_hits,
    level_labels,
    occupation_data,
    region_name,
    region_slug,
)
from classes import selectors as class_selectors
from institutions import present as inst_present
from institutions import selectors as institutions
from portal import charts
from portal.calculator import build_request, form_defaults
from portal.classes import open_row
from skillsubsidy.catalog.dataset import row_end, shipped_sources, source_lines, source_title
from skillsubsidy.catalog.export import FORMATS, export_catalog
from skillsubsidy.catalog.model import Category, CertificateType
from skillsubsidy.catalog.profile import UnknownOccupation
from skillsubsidy.catalog.quality import summary
from skillsubsidy.occupations import Marker
from skillsubsidy.regions import UnknownRegion, resolve_region
from skillsubsidy.rules.request import RequestError
from standards import selectors as standards
from standards.present import decision_view

# An institution's page lists at most this many of its classes open for enrolment.
OPEN_SHOWN = 20
SORTS = {
    "position": lambda e: 0,
    "code": lambda e: (e["code"] is None, e["code"] or ""),
    "name": lambda e: e["name"],
    "category": lambda e: (e["category"] is None, e["category"] or ""),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


FILTER_LABELS = {
    "region": _lazy("Region"),
    "year": _lazy("Year"),
    "category": _lazy("Category"),
    "certificate_type": _lazy("Certificate type"),
    "markers": _lazy("Markers"),
    "shortage": _lazy("Shortage occupation"),
}


def _filters_context() -> dict[str, Any]:
    return {
        "regions": standards.regions_in_use(),
        "certificate_types": [(c.value, CERTIFICATE_LABELS[c]) for c in CertificateType],
        "markers": [
            (m.value, MARKER_LABELS[m]) for m in (Marker.DIGITAL, Marker.GREEN, Marker.ONLINE_OVER_40)
        ],
        "categories": [c.value for c in Category],
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    dataset = selectors.current_dataset()
    by_region: dict[str | None, list[Any]] = {}
    for c in dataset.catalogs:
        by_region.setdefault(c.region, []).append(c)
    return render(
        request,
        "portal/home.html",
        {
            "catalog_count": len(dataset.catalogs),
            "entry_count": sum(len(c.entries) for c in dataset.catalogs),
            "anomaly_count": len(dataset.anomalies),
            "region_catalogs": [(region_slug(r), region_name(r), cs) for r, cs in by_region.items()],
            **_filters_context(),
        },
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    region = request.GET.get("region") or None
    year = _int_or_none(request.GET.get("year"))
    category = request.GET.get("category") if request.GET.get("category") in set(Category) else None
    cert = request.GET.get("certificate_type")
    cert = cert if cert in {c.value for c in CertificateType} else None
    markers = [m for m in request.GET.getlist("marker") if m in {mk.value for mk in Marker}] or None
    shortage = {"1": True, "0": False}.get(request.GET.get("shortage", ""))
    params = {"region": region, "year": year, "category": category, "certificate_type": cert,
              "markers": markers, "shortage": shortage}  # fmt: skip
    error = None
    hits: list[HitView] = []
    if q:
        try:
            hits = selectors.search(
                q, region=region, year=year, category=category, certificate_type=cert, markers=markers,
                shortage=shortage, limit=50,
            )  # fmt: skip
        except UnknownRegion as exc:
            error = str(exc)
    # The one search a filter emptied: which filter to remove, and what removing it finds.
    in_the_way = selectors.filters_in_the_way(q, params) if q and not hits and error is None else {}
    remove = []
    for name, count in in_the_way.items():
        query = request.GET.copy()
        query.pop("marker" if name == "markers" else name, None)
        query.pop("partial", None)
        remove.append({"label": FILTER_LABELS[name], "count": count, "url": f"?{query.urlencode()}"})
    context = {
        "q": q, "hits": hits, "groups": group_hits(hits), "error": error, "params": params,
        "remove": remove, **_filters_context(),
    }  # fmt: skip
    if request.GET.get("partial") == "1":
        return render(request, "portal/_search_results.html", context)
    return render(request, "portal/search.html", context)


@require_GET
def occupation(request: HttpRequest, query: str) -> HttpResponse:
    try:
        profile = selectors.profile(query)
    except UnknownOccupation as exc:
        return render(
            request,
            "portal/occupation_unknown.html",
            {"query": query, "suggestions": exc.suggestions},
            status=404,
        )
    data = occupation_data(profile, selectors.search_index())
    prices = standards.occupation_standards(profile)
    return render(
        request,
        "portal/occupation.html",
        {
            "profile": data,
            "standards": prices,
            "chart": charts.region_comparison(prices),
            "level_labels": level_labels(),
            "programs": PROGRAM_LABELS,
            "sources": shipped_sources(),
        },
    )


@require_GET
def source(request: HttpRequest, seed: str) -> HttpResponse:
    """An official document as read, one numbered line each, so a citation's `line N` can be opened.

    A row the catalogs were read from starts on its cited line and may run over several (000 prints
    one cell a line): its start line carries its last line, so that the whole row can be marked."""
    try:
        lines = source_lines(seed)
    except KeyError as exc:
        raise Http404(_("No such source document")) from exc
    catalogs = [c for c in selectors.current_dataset().catalogs if c.seed == seed]
    ends = {
        e.provenance.line: row_end(lines, e.provenance.line, e.provenance.raw)
        for c in catalogs
        for e in c.entries
    }
    rows = [(no, text.replace("\t", " ⇥ ").rstrip(), ends.get(no)) for no, text in enumerate(lines, start=1)]
    context = {
        "seed": seed,
        "title": source_title(seed),
        "titles": [f"{c.title}（{c.attachment}）" for c in catalogs],
        "rows": rows,
    }
    return render(request, "portal/source.html", context)


@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    """The official documents the catalogs were read from, each by its printed title."""
    catalogs = selectors.current_dataset().catalogs
    documents = [
        {
            "seed": seed,
            "title": source_title(seed),
            "lines": len(source_lines(seed)),
            "catalogs": [f"{c.title}（{c.attachment}）" for c in catalogs if c.seed == seed],
        }
        for seed in sorted(shipped_sources())
    ]
    return render(request, "portal/sources.html", {"documents": documents})


@require_GET
def catalog_list(request: HttpRequest) -> HttpResponse:
    dataset = selectors.current_dataset()
    numbers = selectors.current_numbers()
    rows = [
        {**catalog_data(c, version=numbers.get(c.id)), "slug": region_slug(c.region),
         "source_title": source_title(c.seed)}
        for c in dataset.catalogs
    ]  # fmt: skip
    raw_on = request.GET.get("on", "").strip()
    on, on_error = timezone.localdate(), None
    if raw_on:
        try:
            on = date.fromisoformat(raw_on)
        except ValueError:
            on_error = _("Date: “%(value)s” is not a date like 2025-06-01.") % {"value": raw_on[:20]}
    effective = selectors.effective_catalogs(regions=[r.code for r in standards.regions_in_use()], on=on)
    context = {"catalogs": rows, "effective": effective, "on": on, "on_error": on_error}
    return render(request, "portal/catalog_list.html", context, status=400 if on_error else 200)


def _catalog_or_404(region: str, catalog_id: str, request: HttpRequest) -> selectors.CatalogRef:
    number = request.GET.get("v", "")
    ref = f"{catalog_id}~v{number}" if number.isdigit() else catalog_id
    try:
        return selectors.catalog_ref(region, ref)
    except LookupError as exc:
        raise Http404(str(exc)) from None


@require_GET
def catalog_detail(request: HttpRequest, region: str, catalog_id: str) -> HttpResponse:
    found = _catalog_or_404(region, catalog_id, request)
    catalog, row = found.catalog, found.version
    section = request.GET.get("section") or None
    q = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "position")
    sort = sort if sort in SORTS else "position"
    entries = [
        {**entry_data(found.core_entry(number)), "position": number}
        for number, _ in selectors.entries_matching(found.rows, section=section, q=q)
    ]
    if sort != "position":
        entries.sort(key=SORTS[sort])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/catalog_detail.html",
        {
            "catalog": catalog_data(catalog, version=row.number),
            "region": region,
            "versions": selectors.published_versions(catalog_id=catalog_id),
            "current_number": row.number,
            "section": section,
            "q": q,
            "sort": sort,
            "page": page,
            "formats": FORMATS,
        },
    )


@require_GET
def catalog_download(request: HttpRequest, region: str, catalog_id: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    found = _catalog_or_404(region, catalog_id, request)
    body = export_catalog(found.catalog, fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{catalog_id}-v{found.version.number}.{fmt}"'
    return response


@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    dataset = selectors.current_dataset()
    seed = request.GET.get("seed") or None
    kind = request.GET.get("kind") or None
    rows = selectors.quality_findings(seed=seed, kind=kind)
    everything = selectors.quality_findings()
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    titles: dict[str, list[str]] = {}
    for c in dataset.catalogs:
        titles.setdefault(c.seed, []).append(f"{c.title}（{c.attachment}）")
    return render(
        request,
        "portal/quality.html",
        {
            "summary": summary(everything),
            "sources": shipped_sources(),
            "titles": titles,
            "kinds": sorted({a.kind for a in everything}),
            "seed": seed,
            "kind": kind,
            "count": len(rows),
            "page": page,
        },
    )


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/api.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"detail": _("The page you asked for does not exist.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors: whatever broke may be in them.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def _opening_date(form: dict[str, str]) -> str | None:
    """Set the form's date to one on which the region has a catalog in force; say why it was chosen."""
    today = timezone.localdate()
    try:
        region = resolve_region(form["region"])
    except UnknownRegion:
        return None
    if form.get("date"):
        return None  # carried over from the page the worker came from
    on, title = standards.answerable_date(region, today)
    form["date"] = on.isoformat()
    if title is None:
        return _("The date is today, %(today)s: the catalogs and standards in force today apply.") % {
            "today": today.isoformat()
        }
    return _(
        "No catalog is in force in %(region)s today (%(today)s), so the date is set to %(date)s, "
        "the nearest day on which one applies (%(title)s). Change it to ask about another day."
    ) % {"region": region.name, "today": today.isoformat(), "date": on.isoformat(), "title": title}


@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """GET with the form's fields computes; a bare GET shows the form. GET keeps results linkable.

    A bare GET may carry the occupation, region, date, programme and level of the page it came from."""
    submitted = "type" in request.GET
    date_note = None
    if submitted:
        form: Any = request.GET
    else:
        form = form_defaults(request.GET)
        date_note = _opening_date(form)
    context: dict[str, Any] = {
        "form": form,
        "date_note": date_note,
        "regions": standards.regions_in_use(),
        "certificate_types": [(c.value, CERTIFICATE_LABELS[c]) for c in CertificateType],
        "programs": list(PROGRAM_LABELS.items()),
        "levels": list(level_labels().items()),
        "groups": sorted(standards.parameters().groups.items()),
        "selected_groups": request.GET.getlist("groups"),
        "projects": call_selectors.quoted_projects(),
    }
    if submitted:
        payload = build_request(request.GET)
        context["request_json"] = json.dumps(payload, ensure_ascii=False, indent=2)
        try:
            context["decision"] = decision_view(standards.quote(payload))
        except RequestError as exc:
            context["error"] = exc
    return render(request, "portal/calculator.html", context)


def _public_row(p: institutions.PublicInstitution) -> dict[str, Any]:
    inst = p.institution
    return {
        "pk": inst.pk,
        "name": inst.name,
        "kind": inst_present.kind_label(inst.kind),
        "status": inst_present.status_label(inst.status),
        "region": region_name(inst.region),
        "approvals": [inst_present.approval_text(a) for a in p.approvals],
        "addresses": institutions.addresses(inst),
        "inspections": [(i.on, i.get_kind_display(), i.get_result_display()) for i in p.inspections],
        "people": inst_present.public_people(inst),
    }


@require_GET
def trainers(request: HttpRequest) -> HttpResponse:
    """谁能培训我: listed institutions approved for an occupation and level, in a region's city."""
    occupation = request.GET.get("occupation", "").strip()[:100]
    region = request.GET.get("region", "").strip()[:50]
    level = _int_or_none(request.GET.get("level"))
    error, suggestions, rows = None, [], []
    if occupation and region:
        try:
            found = institutions.trainers(
                occupation=occupation, region=region, level=level, on=timezone.localdate()
            )
        except UnknownOccupation as exc:
            error, suggestions = _("No catalog lists “%(q)s”.") % {"q": occupation}, exc.suggestions
        except UnknownRegion as exc:
            error = str(exc)
        else:
            rows = [_public_row(p) for p in found]
    elif occupation or region:
        error = _("Give both an occupation and a region.")
    return render(
        request,
        "portal/institutions.html",
        {
            "occupation": occupation,
            "region": region,
            "level": level,
            "rows": rows,
            "error": error,
            "suggestions": suggestions,
            "searched": bool(occupation and region and not error),
        },
        status=404 if suggestions else 200,
    )


@require_GET
def institution_public(request: HttpRequest, pk: int) -> HttpResponse:
    inst = institutions.public_institution(pk)
    record = institutions.public_record(inst, timezone.localdate())
    return render(
        request,
        "portal/institution.html",
        {
            "inst": inst,
            "row": _public_row(record.shown),
            "removal": record.removal,
            "outcomes": class_selectors.public_outcomes(inst),
            "rows": [
                open_row(c)
                for c in class_selectors.open_classes(institution=inst, today=timezone.localdate())[
                    :OPEN_SHOWN
                ]
            ],
        },
    )


@require_GET
def institution_removals(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/institution_removals.html", {"rows": institutions.removals()})
