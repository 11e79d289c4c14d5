"""Plain-data views of core catalog objects, shared by the API and the portal templates.

Nothing here decides anything; it names things (regions, sections, certificate types) and cites
sources in one place, so that the page and the API always say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from skillsubsidy.catalog.fields import ANOMALY_FIELDS, ENTRY_FIELDS, to_json
from skillsubsidy.catalog.model import Anomaly, CatalogVersion, CertificateType, Entry, SectionKind
from skillsubsidy.catalog.profile import OccupationProfile
from skillsubsidy.catalog.search import SearchIndex
from skillsubsidy.occupations import Level, Marker
from skillsubsidy.regions import all_regions
from skillsubsidy.rules.request import Program

CERTIFICATE_LABELS = {
    CertificateType.VOCATIONAL_QUALIFICATION: _("vocational qualification certificate"),
    CertificateType.SKILL_LEVEL: _("skill level certificate"),
    CertificateType.SPECIAL_ABILITY: _("special ability certificate"),
    CertificateType.TRAINING_QUALIFICATION: _("training qualification certificate"),
    CertificateType.ENTREPRENEURSHIP: _("entrepreneurship training"),
    CertificateType.PRE_JOB: _("pre-job training"),
    CertificateType.SKILL_EVALUATION: _("skill evaluation subsidy"),
    CertificateType.APPRENTICESHIP: _("new apprenticeship"),
}
SECTION_KIND_LABELS = {
    SectionKind.OCCUPATIONS: _("occupations"),
    SectionKind.SPECIAL_ABILITIES: _("special abilities"),
    SectionKind.TRAINING_QUALIFICATIONS: _("training qualifications"),
    SectionKind.QUALIFICATIONS: _("qualifications"),
    SectionKind.PROJECTS: _("project-based training"),
    SectionKind.SHORTAGE: _("shortage list"),
    SectionKind.EVALUATION: _("evaluation organisations"),
}
MARKER_LABELS = {
    Marker.DIGITAL: _("digital"),
    Marker.GREEN: _("green"),
    Marker.ONLINE_OVER_40: _("online hours may exceed 40%"),
    Marker.STAR: _("item without a code"),
    Marker.MATCHED: _("job-matched"),
}
PROGRAM_LABELS = {
    Program.TRAINING: _("government-subsidised training"),
    Program.INSURED_UPGRADE: _("insured-worker skill upgrade"),
    Program.PROJECT: _("project-based training"),
}


def level_labels() -> dict[int, str]:
    """The skill levels named in the page's language (the core names them in both)."""
    zh = (get_language() or "zh-hans").lower().startswith("zh")
    return {lv.value: lv.label_zh if zh else lv.label_en for lv in Level}


NO_REGION = "none"  # URL segment for catalogs whose document states no region (seed 003)


def region_name(code: str | None) -> str:
    if not code:
        return str(_("region not stated"))
    region = all_regions().get(code)
    return region.qualified if region else code


def region_slug(code: str | None) -> str:
    return code or NO_REGION


def citation(e: Entry) -> dict[str, Any]:
    p = e.provenance
    return {
        "seed": p.seed,
        "attachment": p.attachment,
        "section": p.section,
        "line": p.line,
        "raw": p.raw,
        "cite": p.cite(),
    }


def entry_data(e: Entry) -> dict[str, Any]:
    """An entry's fields as JSON values; the provenance fields are given together as its `source`."""
    return {
        **{f.name: to_json(f, f.read(e)) for f in ENTRY_FIELDS if not f.provenance},
        "source": citation(e),
    }


# What an uploaded column may be read as (skillsubsidy.ingest.mapping.Field), as a page names it.
MAPPING_LABELS = {
    "serial": _("serial number (序号)"),
    "code": _("code (编码)"),
    "name": _("occupation or work type (职业（工种）名称)"),
    "occupation_name": _("occupation (职业名称)"),
    "category": _("category (类别)"),
    "industry_class": _("industry class (行业分类)"),
    "programmes": _("programme (类型)"),
    "certificate_type": _("certificate type (证书类型)"),
    "levels": _("levels (等级)"),
    "uplift": _("uplift (上浮比例)"),
}

# The quality kinds (docs/quality-kinds.md) as a page names them; the code is only a tooltip.
KIND_LABELS = {
    "serial_gap": _("a serial number is missing"),
    "serial_duplicate": _("a serial number printed twice"),
    "serial_out_of_sequence": _("a serial number out of sequence"),
    "row_broken_across_lines": _("a row printed over several lines"),
    "cells_on_one_line": _("two cells printed on one line"),
    "header_repeated": _("a table header repeated"),
    "unparsed_row": _("a row that could not be read"),
    "code_malformed": _("a code that is not a code"),
    "code_absent": _("an item without a code"),
    "code_unknown_group": _("a code in no group of the occupational classification"),
    "code_name_conflict": _("the code is named differently elsewhere"),
    "name_code_conflict": _("the name has another code elsewhere"),
    "code_name_conflict_within_source": _("one name under two codes, or one code under two names"),
    "name_normalised": _("a name that matched only after normalisation"),
    "name_misspelled": _("a misprinted name"),
    "name_suspect": _("a name that looks misprinted"),
    "name_unknown": _("a name no published catalog prints"),
    "industry_class_unknown": _("an unknown industry class"),
    "industry_class_conflict_within_source": _("one code under different industry classes"),
    "occupation_name_mismatch": _("the occupation differs from the occupation column"),
}


def anomaly_view(a: Anomaly) -> dict[str, Any]:
    """A finding as a page shows it: its kind in words, where, what was printed and what to use instead."""
    from skillsubsidy.catalog.dataset import source_title

    return {
        "kind": a.kind,
        "label": KIND_LABELS.get(a.kind, a.kind),
        "severity": a.severity.value,
        "line": a.line,
        "where": f"{source_title(a.seed)} · {a.attachment}",
        "original": a.original,
        "suggestion": a.suggestion,
        "message": a.message,
    }


def anomaly_data(a: Anomaly) -> dict[str, Any]:
    return {**{f.name: to_json(f, f.read(a)) for f in ANOMALY_FIELDS}, "location": a.location()}


def catalog_data(c: CatalogVersion, *, version: int | None = None) -> dict[str, Any]:
    return {
        "id": c.id,
        "version": version,
        "region": c.region,
        "region_name": region_name(c.region),
        "title": c.title,
        "seed": c.seed,
        "attachment": c.attachment,
        "document_no": c.document_no,
        "effective_from": c.effective_from,
        "effective_to": c.effective_to,
        "entry_count": len(c.entries),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "kind": s.kind.value,
                "certificate_type": s.certificate_type.value if s.certificate_type else None,
                "entry_count": sum(1 for e in c.entries if e.section == s.key),
            }
            for s in c.sections
        ],
        "assumptions": list(c.assumptions),
    }


@dataclass(frozen=True, slots=True)
class HitView:
    entry: Entry
    catalog: CatalogVersion
    section_title: str
    section_kind: SectionKind
    certificate_type: CertificateType | None
    shortage: bool
    score: float
    matched_on: str

    def data(self) -> dict[str, Any]:
        return {
            **entry_data(self.entry),
            "certificate_type": self.certificate_type.value if self.certificate_type else None,
            "region": self.catalog.region,
            "region_name": region_name(self.catalog.region),
            "catalog_title": self.catalog.title,
            "section_title": self.section_title,
            "section_kind": self.section_kind.value,
            "shortage": self.shortage,
            "score": self.score,
            "matched_on": self.matched_on,
        }


@dataclass(frozen=True, slots=True)
class OccupationHits:
    """One occupation in the search results, with every catalog line that lists it."""

    name: str
    code: str | None
    hits: tuple[HitView, ...]

    @property
    def regions(self) -> list[str]:
        return list(dict.fromkeys(region_name(h.catalog.region) for h in self.hits if h.catalog.region))

    @property
    def shortage(self) -> bool:
        return any(h.shortage for h in self.hits)


def group_hits(hits: list[HitView]) -> list[OccupationHits]:
    """Hits grouped by occupation (its code, else its name), best first, instead of once per catalog."""
    groups: dict[str, list[HitView]] = {}
    for h in hits:
        groups.setdefault(h.entry.code or h.entry.name, []).append(h)
    return [OccupationHits(g[0].entry.name, g[0].entry.code, tuple(g)) for g in groups.values()]


def hit_view(index: SearchIndex, e: Entry, score: float, matched_on: str) -> HitView:
    catalog, kind, cert = index.section_of(e)
    section = catalog.section(e.section)
    shortage = kind is SectionKind.SHORTAGE or index.is_shortage(e)
    return HitView(e, catalog, section.title, kind, cert, shortage, score, matched_on)


def occupation_data(profile: OccupationProfile, index: SearchIndex) -> dict[str, Any]:
    """The cross-region view of one occupation, listing by listing."""
    return {
        "query": profile.query,
        "codes": list(profile.codes),
        "names": list(profile.names),
        "work_types": list(profile.work_types),
        "listings": [
            {
                "catalog_id": li.catalog.id,
                "catalog_title": li.catalog.title,
                "region": li.catalog.region,
                "region_name": region_name(li.catalog.region),
                "section_title": li.section_title,
                "section_kind": li.section_kind.value,
                "shortage": li.section_kind is SectionKind.SHORTAGE or index.is_shortage(li.entry),
                "entry": entry_data(li.entry),
            }
            for li in profile.listings
        ],
    }
