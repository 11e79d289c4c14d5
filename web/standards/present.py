"""A quote's decision as people read it: reasons and trace steps named in the page's language.

The core speaks in stable codes (reason codes, rule keys, request fields, source file names) and
Chinese sentences; each trace step also carries its finding in English (`TraceStep.value_en`). A
Chinese page shows the sentences with every internal name replaced by what it stands for (a
document's printed title, a parameter's label, a form field's name); the key itself is only a
tooltip. An English page shows each reason's English title instead of the Chinese sentence, and
each step's English finding with the same names replaced by their English words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from catalogs.selectors import current_dataset
from skillsubsidy.catalog.dataset import source_title
from skillsubsidy.rules.decision import Decision
from skillsubsidy.rules.reasons import ReasonCode
from standards import selectors

SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
LINE = re.compile(r"\bline (\d+)")

REASON_TITLES = {
    ReasonCode.UNKNOWN_OCCUPATION: _lazy("Occupation or course not recognised"),
    ReasonCode.NOT_IN_CATALOG: _lazy("Not in the local subsidised training catalog"),
    ReasonCode.HIGHER_OR_SAME_LEVEL_HELD: _lazy("A certificate of the same or a higher level is held"),
    ReasonCode.INSUFFICIENT_HOURS: _lazy("Too few class hours"),
    ReasonCode.ONLINE_HOURS_EXCEEDED: _lazy("Too many online class hours"),
    ReasonCode.CLAIM_WINDOW_EXPIRED: _lazy("The claim period has passed"),
    ReasonCode.AGE_OUT_OF_RANGE: _lazy("Age outside the allowed range"),
    ReasonCode.RESIDENCY_REQUIRED: _lazy("Hukou, social insurance or unemployment registration required"),
    ReasonCode.EXCLUDED_GROUP: _lazy("Belongs to a group that is not subsidised"),
    ReasonCode.NO_STANDARD: _lazy("No subsidy amount is published for this region and date"),
    ReasonCode.SHORTAGE_UPLIFT: _lazy("Shortage occupation: higher subsidy for high skill levels"),
    ReasonCode.OUT_OF_CATALOG_FALLBACK: _lazy("Outside the catalog: paid at the category the region sets"),
    ReasonCode.LISTED_UNDER_OTHER_SPELLING: _lazy(
        "The catalog prints this occupation under another spelling"
    ),
    ReasonCode.AMOUNT_IS_MAXIMUM: _lazy("The amount is a maximum; the bureau sets the exact standard"),
    ReasonCode.INPUT_MISSING: _lazy("Information missing: a rule was not checked"),
    ReasonCode.RULE_LAPSED: _lazy("A rule has no value on this date: not checked"),
    ReasonCode.OUTSIDE_PUBLISHED_PERIODS: _lazy(
        "No catalog or standard is in force on this date: no answer can be given"
    ),
}

# Trace steps that look something up rather than name a parameter.
STEP_LABELS = {
    "region": _lazy("Region"),
    "standards_date": _lazy("Date of the standards applied"),
    "catalog.entry": _lazy("Catalog line"),
    "standard": _lazy("Subsidy standard"),
    "standard.entrepreneurship": _lazy("Entrepreneurship course"),
    "shortage_uplift": _lazy("Shortage uplift"),
    "project": _lazy("Project-based training"),
    "project.total": _lazy("Project total"),
    "project.higher_standard": _lazy("Higher catalog standard"),
    "project.accepted_standard": _lazy("The project's accepted standard"),
    "period": _lazy("Published periods"),
    "amount": _lazy("Amount"),
}

# Request fields the core names in its sentences ("未提供 training.hours").
FIELD_LABELS = {
    "held_certificates": _lazy("certificates already held"),
    "training.online_hours": _lazy("online class hours"),
    "training.hours": _lazy("class hours"),
    "trainee.birth_date": _lazy("date of birth"),
    "trainee.sex": _lazy("sex"),
    "trainee.groups": _lazy("groups of the trainee"),
    "trainee.hukou_local": _lazy("local hukou"),
    "trainee.social_insurance_local": _lazy("local social insurance"),
    "trainee.unemployment_registered": _lazy("registered unemployed locally"),
    "certificate.issued_on": _lazy("date the certificate was issued"),
    "project.qualified_trainees": _lazy("qualified trainees"),
}
# English pages name a parameter by what its key says; Chinese pages show the parameter's own label,
# which the parameter files give in Chinese only.
_LEVEL = r"level_(\d)"
PARAMETER_LABELS_EN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z"), label)
    for pattern, label in (
        (
            rf"standard\.skill_level\.([A-E])\.{_LEVEL}",
            r"Standard for a skill-level certificate, category \1, level \2",
        ),
        (rf"standard\.skill_evaluation\.{_LEVEL}", r"Standard for skill evaluation, level \1"),
        (r"standard\.special_ability\.([A-E])", r"Standard for a special-ability certificate, category \1"),
        (r"standard\.training_qualification\.([A-E])", r"Standard for a training certificate, category \1"),
        (rf"standard\.occupation\.(.+)\.{_LEVEL}", r"Standard for \1, level \2"),
        (r"standard\.occupation\.(.+)", r"Standard for \1"),
        (r"standard\.entrepreneurship\.awareness", "Standard for entrepreneurship awareness training"),
        (r"standard\.entrepreneurship\.ability", "Standard for entrepreneurship ability training"),
        (r"standard\.entrepreneurship\.network", "Standard for online entrepreneurship training"),
        (r"standard\.entrepreneurship\.network_live", "Standard for online entrepreneurship training (live)"),
        (r"standard\.entrepreneurship\.upgrade", "Standard for entrepreneurship upgrade training"),
        (r"standard\.pre_job", "Standard for pre-job training"),
        (r"standard\.apprenticeship", "Standard for new-type apprenticeships"),
        (rf"class_hours\.minimum\.{_LEVEL}", r"Minimum class hours, level \1"),
        (r"class_hours\.minutes_per_hour", "Minutes per class hour"),
        (r"class_hours\.online_max_pct", "Largest online share of class hours"),
        (r"certificates\.no_same_or_lower_level", "No subsidy at or below a level already held"),
        (r"insured_upgrade\.out_of_catalog_category", "Category of occupations outside the catalog"),
        (r"project\.certificate_types", "Certificates for project-based training"),
        (r"project\.claim_window_months", "Claim period after the certificate is issued"),
        (r"project\.max_per_person", "Project-based training: most per person"),
        (r"project\.same_as_training", "Project-based training paid as the same occupation's training"),
        (r"project\.trainee\.min_age", "Youngest trainee age"),
        (r"project\.trainee\.max_age\.male", "Oldest trainee age (men)"),
        (r"project\.trainee\.max_age\.female", "Oldest trainee age (women)"),
        (
            r"project\.trainee\.residency_required",
            "Local hukou, social insurance or unemployment registration",
        ),
        (r"project\.trainee\.excluded_groups", "Groups not subsidised"),
    )
)
_FIELD = re.compile("|".join(re.escape(f) for f in sorted(FIELD_LABELS, key=len, reverse=True)))
_RULE_KEY = re.compile(r"\b[a-z_]+(?:\.[A-Za-z0-9_\-一-鿿]+)+\b")


def chinese_page() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def _catalog_titles() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The published catalogs' ids as a pattern, and their titles (rebuilt when the catalogs change)."""
    return _titles_pattern(tuple((c.id, c.title) for c in current_dataset().catalogs))


@lru_cache(maxsize=4)
def _titles_pattern(pairs: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    titles = dict(pairs)
    if not titles:
        return None, {}
    ids = sorted(titles, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9\-])(" + "|".join(map(re.escape, ids)) + r")(?![A-Za-z0-9\-])"), titles


def parameter_label(name: str) -> str | None:
    for params in selectors.parameters().by_region.values():
        if (p := params.get(name)) is not None:
            return p.label
    return None


def parameter_label_en(name: str) -> str | None:
    for pattern, label in PARAMETER_LABELS_EN:
        if (m := pattern.match(name)) is not None:
            return m.expand(label)
    return None


def step_label(rule: str) -> str:
    """What a trace step's rule key stands for: a parameter's label, else the step's name."""
    if rule in STEP_LABELS:
        return str(STEP_LABELS[rule])
    label = parameter_label(rule) if chinese_page() else parameter_label_en(rule)
    return rule if label is None else label


def titled(text: str) -> str:
    """Source file names replaced by the titles their documents print (on every page)."""
    return SEED_FILE.sub(lambda m: f"《{source_title(m.group(0))}》", text)


def readable(text: str) -> str:
    """A core sentence with its internal names replaced by what they stand for (Chinese pages)."""
    text = titled(text)
    pattern, titles = _catalog_titles()
    if pattern is not None:
        text = pattern.sub(lambda m: titles[m.group(1)], text)
    text = _FIELD.sub(lambda m: str(FIELD_LABELS[m.group(0)]), text)
    text = _RULE_KEY.sub(lambda m: parameter_label(m.group(0)) or m.group(0), text)
    text = LINE.sub(lambda m: _("line %(n)s") % {"n": m.group(1)}, text)
    return text.replace(" repeats it)", _(" repeats it)"))


def readable_en(text: str) -> str:
    """A step's English finding with the internal names the core puts in it replaced (English pages)."""
    text = titled(text)
    pattern, titles = _catalog_titles()
    if pattern is not None:
        text = pattern.sub(lambda m: titles[m.group(1)], text)
    text = _FIELD.sub(lambda m: str(FIELD_LABELS[m.group(0)]), text)
    return _RULE_KEY.sub(lambda m: parameter_label_en(m.group(0)) or m.group(0), text)


# A step whose source is a request field rather than a document.
SOURCE_FIELDS = {
    "date": _lazy("Date of the claim"),
    "certificate.issued_on": _lazy("date the certificate was issued"),
}


# The source the core gives a catalog step that found nothing: the catalogs it looked in.
_CATALOGS_SEARCHED = re.compile(r"目录：(.*)")


def cite(source: str, zh: bool) -> str:
    if source in SOURCE_FIELDS:
        return str(SOURCE_FIELDS[source])
    if zh:
        return readable(source)
    if (m := _CATALOGS_SEARCHED.fullmatch(source)) is not None:
        searched = "; ".join(readable_en(c) for c in m.group(1).split("、") if c != "无")
        return _("Catalogs searched: %(catalogs)s") % {"catalogs": searched or _("none in force")}
    return titled(source)


def reason_title(code: str) -> str:
    try:
        return str(REASON_TITLES[ReasonCode(code)])
    except (KeyError, ValueError):
        return code


def decision_view(found: Decision) -> dict[str, Any]:
    """The decision's JSON with, for each reason and step, what the page shows."""
    zh = chinese_page()
    decision = found.to_json()
    reasons = [
        {
            **r,
            "title": reason_title(r["code"]),
            "text": readable(r["message"]) if zh else reason_title(r["code"]),
        }
        for r in decision["reasons"]
    ]
    trace = [
        {**t, "label": step_label(t["rule"]),
         "text": readable(t["value"]) if zh else readable_en(step.value_en or t["value"]),
         "cite": cite(t["source"], zh) if t["source"] else ""}
        for t, step in zip(decision["trace"], found.trace, strict=True)
    ]  # fmt: skip
    return {**decision, "reasons": reasons, "trace": trace}
