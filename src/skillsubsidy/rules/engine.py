"""The scalar quote engine: one request in, one explained decision out.

The general rule is the region's standard for the certificate (by category and level, by level, or by
course). Exceptions follow it the way the documents state them: the shortage uplift (000 · 附件3), the
category-C fallback for insured workers outside the catalog (000 · 附件1 · 备注3), and the project cap
with its higher catalog standard (002 · 附件4 · 6). Then each check that the region's parameters switch
on. The checks themselves live in rules.checks: a check whose input is missing says so
(`input_missing`) instead of passing, and one whose parameter has no value on the date says that
(`rule_lapsed`) instead of dropping out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from skillsubsidy.catalog.dataset import LISTING_KINDS, Dataset, load_dataset
from skillsubsidy.catalog.model import CertificateType, Entry
from skillsubsidy.regions import Region, ancestry
from skillsubsidy.rules import checks
from skillsubsidy.rules.checks import CheckResult, ClaimWindowFacts, HeldFacts, HoursFacts, TraineeFacts
from skillsubsidy.rules.decision import Decision, TraceStep
from skillsubsidy.rules.parameters import ParameterSet, PolicyStore, Unit
from skillsubsidy.rules.reasons import Reason, ReasonCode
from skillsubsidy.rules.regime import (
    Listing,
    OccupationNames,
    Regime,
    Resolved,
    breakpoints,
    build_regime,
    course_key,
    listing_kinds,
    look_up,
    period_of,
)
from skillsubsidy.rules.request import (
    CATALOG_TYPES,
    LEVEL_TYPES,
    TRAINING_PROGRAMS,
    Program,
    ProjectStandard,
    QuoteRequest,
    Sex,
    parse_request,
)

CENT = Decimal("0.01")


class Engine:
    """Catalogs plus policy parameters, with the regimes compiled from them cached.

    `dataset` defaults to the shipped one; `policy_dir` to SKILLSUBSIDY_POLICY_DIR or the shipped
    policy. Parameter files are re-read when they change (see PolicyStore.refresh) or on `reload()`.

    `remember` decisions are kept by their request (0: none), for a server that answers the same
    questions again and again: a decision depends on its request and the engine's catalogs and
    parameters only, and is forgotten with them.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        policy_dir: Path | None = None,
        *,
        poll_seconds: float | None = 1.0,
        remember: int = 0,
    ) -> None:
        self._dataset = dataset
        self.store = PolicyStore(policy_dir, poll_seconds=poll_seconds)
        self._generation = self.store.generation
        self._names: OccupationNames | None = None
        self._points: dict[str, list[date]] = {}
        self._regimes: dict[tuple[str, date | None], Regime] = {}
        self._remember = remember
        self._decisions: dict[QuoteRequest, Decision] = {}

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = load_dataset()
        return self._dataset

    @property
    def names(self) -> OccupationNames:
        if self._names is None:
            self._names = OccupationNames(self.dataset)
        return self._names

    def reload(self) -> None:
        """Re-read the parameter files now (the back office calls this after saving a standard)."""
        self.store.reload()
        self._sync()

    def _sync(self) -> None:
        self.store.refresh()
        if self.store.generation != self._generation:
            self._generation = self.store.generation
            self._points.clear()
            self._regimes.clear()
            self._decisions.clear()

    def regime(self, region: Region, on: date) -> Regime:
        points = self._points.get(region.code)
        if points is None:
            points = self._points[region.code] = breakpoints(self.dataset, self.store.params, region)
        start, end = period_of(points, on)
        key = (region.code, start)
        if key not in self._regimes:
            self._regimes[key] = build_regime(self.dataset, self.store.params, region, start, end)
        return self._regimes[key]

    def parse(self, raw: Mapping[str, Any]) -> QuoteRequest:
        self._sync()
        return parse_request(raw, groups=self.store.params.groups)

    def quote(self, request: QuoteRequest | Mapping[str, Any]) -> Decision:
        """Decide one request; a mapping is parsed first and may raise RequestError."""
        req = request if isinstance(request, QuoteRequest) else self.parse(request)
        self._sync()
        if not self._remember:
            return _Evaluation(self, req).run()
        decision = self._decisions.get(req)
        if decision is None:
            decision = _Evaluation(self, req).run()
            # Emptied when full rather than kept in order of use: a flood of distinct requests
            # only empties it, and the questions asked again fill it back.
            if len(self._decisions) >= self._remember:
                self._decisions.clear()
            self._decisions[req] = decision
        return decision

    def answerable_date(self, region: Region, on: date) -> tuple[date, str | None]:
        """`on` when a catalog of what is subsidised is in force in the region on it; else the nearest
        day with one (the last day of the latest before it, else the first day of the next), with
        that catalog's title. A calculator opened on this date gives an answer."""
        self._sync()
        if self.regime(region, on).catalog.in_force:
            return on, None
        gap = _nearest(
            _catalog_versions(self.dataset, region), on, "补贴性培训目录", "subsidised training catalog"
        )
        if gap is None:
            return on, None
        if gap.before is not None and gap.before.end is not None:
            return gap.before.end, gap.before.label
        if gap.after is not None:
            return gap.after.start, gap.after.label
        return on, None

    def quote_on(self, req: QuoteRequest, on: date) -> Decision:
        """The same request with `on` as its date and standards date (the nearest period's answer)."""
        moved = replace(req, date=on, certificate=replace(req.certificate, issued_on=None))
        return _Evaluation(self, moved, nested=True).run()


@cache
def default_engine() -> Engine:
    return Engine()


def quote(request: QuoteRequest | Mapping[str, Any], *, engine: Engine | None = None) -> Decision:
    """Decide one quote request (the JSON object of `skillsubsidy quote` and POST /api/v1/quote)."""
    return (engine or default_engine()).quote(request)


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def uplifted(base: Decimal, pct: Decimal) -> Decimal:
    return (base * (100 + pct) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _since(r: Resolved) -> str:
    return f"{r.dated.since} 起" if r.dated else ""


def _since_en(r: Resolved) -> str:
    return f"from {r.dated.since}" if r.dated else ""


def _shown(r: Resolved) -> str:
    p = r.parameter
    unit = p.unit.label_zh if p else ""
    value = r.value
    if isinstance(value, Decimal) and p and p.unit is Unit.CNY:
        text = f"{money(value)} {unit}"
    elif isinstance(value, tuple):
        text = "、".join(value)
    else:
        text = f"{value}{unit}" if p and p.unit is not Unit.FLAG else str(value)
    return f"{text}（{_since(r)}）" if r.dated else text


def _shown_en(r: Resolved) -> str:
    """`_shown` in English: "2000.00 yuan per person (from 2025-01-01)"."""
    p = r.parameter
    value = r.value
    if isinstance(value, Decimal) and p and p.unit is Unit.CNY:
        text = f"{money(value)} {p.unit.label_en}"
    elif isinstance(value, tuple):
        text = ", ".join(value)
    elif p and p.unit is Unit.CATEGORY:
        text = f"category {value}"
    elif p and p.unit is Unit.PERCENT:
        text = f"{value}%"
    else:
        text = f"{value} {p.unit.label_en}" if p and p.unit is not Unit.FLAG else str(value)
    return f"{text} ({_since_en(r)})" if r.dated else text


def _other_spelling(asked: str, entry: Entry, printed: Entry) -> str:
    listed = f"“{entry.name}”" + (f"（{entry.code}）" if entry.code else "")
    other = f"“{printed.name}”" + (f"（{printed.code}）" if printed.code else "")
    return (
        f"目录{entry.catalog_id}将“{asked}”印作{listed}，见{entry.provenance.cite()}；"
        f"{printed.provenance.cite()}印作{other}，按同一职业处理"
    )


@dataclass
class _Standard:
    amount: Decimal | None
    resolved: Resolved | None  # the parameter used, or the explicit "no value" found
    tried: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Version:
    """A published period of what a request needs (a catalog, or a standard's value)."""

    label: str  # 江苏省2025年…目录, or the standard's label
    start: date
    end: date | None  # last day; None: open-ended
    label_en: str  # a catalog's printed title (a data value), or "standard “…”"


@dataclass(frozen=True, slots=True)
class _Gap:
    """The date falls outside every published version: the nearest one before and after it."""

    what: str  # 补贴性培训目录 / 补贴标准
    what_en: str
    before: _Version | None
    after: _Version | None


def _catalog_versions(dataset: Dataset, region: Region) -> list[_Version]:
    """The dated catalogs of what is subsidised that apply in the region (its own and its ancestors')."""
    codes = {r.code for r in ancestry(region)}
    return [
        _Version(c.title, c.effective_from, c.effective_to, c.title)
        for c in dataset.catalogs
        if c.region in codes
        and c.effective_from is not None
        and any(s.kind in LISTING_KINDS for s in c.sections)
    ]


def _standard_versions(params: ParameterSet, chain: Iterable[Region], names: Iterable[str]) -> list[_Version]:
    """The periods in which any of these standards has a value, in the region or its ancestors."""
    versions: list[_Version] = []
    for name in names:
        for region in chain:
            p = params.region(region.code).get(name)
            if p is None:
                continue
            for i, dv in enumerate(p.values):
                if dv.value is None:
                    continue
                nxt = p.values[i + 1].since - timedelta(days=1) if i + 1 < len(p.values) else None
                versions.append(_Version(f"补贴标准“{p.label}”", dv.since, nxt, f"standard “{p.label}”"))
    return versions


def _nearest(versions: list[_Version], on: date, what: str, what_en: str) -> _Gap | None:
    if not versions or any(v.start <= on and (v.end is None or on <= v.end) for v in versions):
        return None
    ended = [v for v in versions if v.end is not None and v.end < on]
    later = [v for v in versions if v.start > on]
    before = max(ended, key=lambda v: (v.end, v.start), default=None)
    after = min(later, key=lambda v: v.start, default=None)
    return _Gap(what, what_en, before, after)


class _Evaluation:
    def __init__(self, engine: Engine, req: QuoteRequest, *, nested: bool = False) -> None:
        self.engine = engine
        self.req = req
        self.nested = nested  # a quote on the nearest period's date, for the message of a gap
        self._std: _Standard | None = None
        self.on = req.standards_date
        self.regime = engine.regime(req.region, self.on)
        self.reasons: list[Reason] = []
        self.info: list[Reason] = []  # shown only when the claim is eligible
        self.trace: list[TraceStep] = []
        self.entry: Entry | None = None
        self.listing: Listing | None = None
        self.category: str | None = None
        self._hours: HoursFacts | None = None

    def step(self, rule: str, source: str, value: str, en: str) -> None:
        self.trace.append(TraceStep(rule, source, value, value_en=en))

    def reason(self, code: ReasonCode, message: str) -> None:
        self.reasons.append(Reason(code, message))

    def flag(self, name: str) -> Resolved | None:
        r = self.regime.get(name)
        return r if r is not None and r.value is True else None

    def param(self, name: str) -> Resolved | None:
        r = self.regime.get(name)
        return r if r is not None and r.value is not None else None

    # -- the run -------------------------------------------------------------------------------

    def run(self) -> Decision:
        req, cert = self.req, self.req.certificate
        chain = self.regime.chain
        self.step(
            "region",
            "GB/T 2260",
            " → ".join(f"{r.name} {r.code}" for r in chain),
            " → ".join(f"{r.en} {r.code}" for r in chain),
        )
        source = "certificate.issued_on" if cert.issued_on else "date"
        self.step(
            "standards_date",
            source,
            f"{self.on}：适用该日有效的目录与补贴标准",
            f"{self.on}: the catalogs and standards in force on this date apply",
        )

        cap = self.param("project.max_per_person") if req.program is Program.PROJECT else None
        covered = self.param("project.certificate_types")
        if covered is not None and isinstance(covered.value, tuple) and cert.type.value not in covered.value:
            cap = None
        if cert.type in CATALOG_TYPES:
            self.look_up_catalog(cap)
        course = self.look_up_course() if cert.type is CertificateType.ENTREPRENEURSHIP else None

        base = self.base_amount(cap, course)
        self.check_held()
        self.check_hours()
        self.check_online_share()
        self.check_claim_window()
        self.check_trainee()

        gap = self.gap(cap)
        if gap is not None:
            return self.outside(gap)
        eligible = not any(r.code.blocking for r in self.reasons)
        amount: Decimal | None = Decimal("0.00")
        if eligible:
            self.reasons.extend(self.info)
            if base is None:
                amount = None
                self.reason(ReasonCode.NO_STANDARD, self.no_standard_message())
            else:
                amount = base
        self.conclude(eligible, amount)
        return Decision(eligible, amount, tuple(self.reasons), tuple(self.trace))

    # -- dates outside every published period ------------------------------------------------------

    def gap(self, cap: Resolved | None) -> _Gap | None:
        """The catalog, else the standard, the request needs, when none is in force on its date but
        one is published for another period. Neither eligible nor ineligible can be said then."""
        req, cert = self.req, self.req.certificate
        if cert.type in CATALOG_TYPES and cap is None and not self.regime.catalog.in_force:
            catalogs = _catalog_versions(self.engine.dataset, self.req.region)
            if found := _nearest(catalogs, self.on, "补贴性培训目录", "subsidised training catalog"):
                return found
        std = self._std
        if std is None or std.amount is not None or (req.program is Program.PROJECT and cap is not None):
            return None
        versions = _standard_versions(self.engine.store.params, self.regime.chain, std.tried)
        return _nearest(versions, self.on, "补贴标准", "subsidy standard")

    def outside(self, gap: _Gap) -> Decision:
        region, on = self.req.region.name, self.on
        parts: list[str] = []
        parts_en: list[str] = []
        nearest: date | None = None
        if gap.before is not None and gap.before.end is not None:
            nearest = gap.before.end
            then, then_en = self.then(gap.before.end, "当时", "then")
            parts.append(f"{gap.before.label}在{gap.before.end}失效{then}")
            parts_en.append(f"{gap.before.label_en} ended on {gap.before.end}{then_en}")
        if gap.after is not None:
            nearest = nearest or gap.after.start
            then, then_en = self.then(gap.after.start, "届时", "from then")
            parts.append(f"{gap.after.label}自{gap.after.start}起施行{then}")
            parts_en.append(f"{gap.after.label_en} takes effect on {gap.after.start}{then_en}")
        message = f"{region}在{on}没有有效的{gap.what}，无法判断是否符合条件" + (
            "：" + "；".join(parts) if parts else ""
        )
        message_en = (
            f"{self.req.region.en} has no {gap.what_en} in force on {on}: eligibility cannot be decided"
            + ("; " + "; ".join(parts_en) if parts_en else "")
        )
        reasons = [Reason(ReasonCode.OUTSIDE_PUBLISHED_PERIODS, message)]
        reasons += [r for r in self.reasons if r.code is not ReasonCode.NO_STANDARD]
        self.step("period", "", message, message_en)
        self.step(
            "amount",
            "",
            "不在已公布的有效期内，不作判断，金额为空",
            "outside the published periods: no decision, no amount",
        )
        return Decision(None, None, tuple(reasons), tuple(self.trace), nearest)

    def then(self, on: date, when: str, when_en: str) -> tuple[str, str]:
        """What the nearest period gives the same request, in Chinese and in English:
        "，当时该证书补贴2600.00元", ", when the certificate was subsidised with 2600.00 yuan"."""
        if self.nested:
            return "", ""
        d = self.engine.quote_on(self.req, on)
        if d.eligible and d.amount is not None:
            return (
                f"，{when}该{_TYPE_ZH[self.req.certificate.type]}补贴{money(d.amount)}元",
                f"; {when_en} the subsidy for this certificate is {money(d.amount)} yuan",
            )
        if d.eligible is False:
            return f"，{when}不符合补贴条件", f"; {when_en} it is not eligible"
        return "", ""

    def conclude(self, eligible: bool, amount: Decimal | None) -> None:
        if amount is None:
            self.step("amount", "", "无补贴标准，金额为空", "no subsidy standard, no amount")
            return
        self.step(
            "amount",
            "",
            f"{money(amount)} 元" + ("" if eligible else "（不符合条件）"),
            f"{money(amount)} yuan" + ("" if eligible else " (not eligible)"),
        )
        n = self.req.qualified_trainees
        if eligible and n is not None and self.req.program is Program.PROJECT:
            self.step(
                "project.total",
                "project.qualified_trainees",
                f"{n} 人 × {money(amount)} = {money(amount * n)} 元",
                f"{n} trainees × {money(amount)} = {money(amount * n)} yuan",
            )

    # -- the general rule and its exceptions ------------------------------------------------

    def look_up_catalog(self, cap: Resolved | None) -> None:
        req, cert = self.req, self.req.certificate
        assert cert.occupation is not None
        self.listing = look_up(
            self.regime.catalog, self.engine.names, cert.occupation, listing_kinds(cert.type, req.program)
        )
        entries = self.listing.entries
        in_force = "、".join(self.regime.catalog.in_force) or "无"
        if entries:
            entry = next((e for e in entries if e.category is not None), entries[0])
            if (printed := self.listing.printed_as) is not None:
                self.info.append(
                    Reason(
                        ReasonCode.LISTED_UNDER_OTHER_SPELLING,
                        _other_spelling(cert.occupation, entry, printed),
                    )
                )
            self.entry = entry
            self.category = entry.category.value if entry.category else None
            shown = f"{self.category}类" if self.category else "目录未分类"
            shown_en = f"category {self.category}" if self.category else "no category in the catalog"
            code = f" {entry.code}" if entry.code else ""
            self.step(
                "catalog.entry",
                entry.provenance.cite(),
                f"{entry.name}{code} · {shown}（{entry.catalog_id}）",
                f"{entry.name}{code} · {shown_en} ({entry.catalog_id})",
            )
            return
        if cap is not None:
            self.step(
                "catalog.entry",
                cap.source,
                "目录中未列出；项目制培训按每人补贴上限执行，不以列入目录为条件",
                "not in the catalog; project-based training is paid up to the cap per person, "
                "whether listed or not",
            )
            return
        if not self.engine.names.known(cert.occupation):
            near = self.engine.names.suggest(cert.occupation)
            self.reason(
                ReasonCode.UNKNOWN_OCCUPATION,
                f"“{cert.occupation}”既不是有效的职业编码，也不是已载入文件中的职业（工种）或项目名称"
                + (f"；您是不是要找：{'、'.join(near)}？" if near else ""),
            )
            self.step("catalog.entry", f"目录：{in_force}", "无法识别", "not recognised")
            return
        if not self.regime.catalog.in_force:
            # No catalog published for this date: nothing can be priced, which is not the same as
            # the occupation being left out of a catalog.
            self.step(
                "catalog.entry",
                "",
                f"{self.req.region.name}在{self.on}没有有效的补贴性培训目录",
                f"{self.req.region.en} has no subsidised training catalog in force on {self.on}",
            )
            return
        fallback = self.param("insured_upgrade.out_of_catalog_category")
        if req.program is Program.INSURED_UPGRADE and fallback is not None:
            self.category = str(fallback.value)
            self.info.append(
                Reason(
                    ReasonCode.OUT_OF_CATALOG_FALLBACK,
                    f"“{cert.occupation}”不在目录内，参保职工技能提升补贴按{self.category}类职业补贴基准执行",
                )
            )
            self.step(
                fallback.name,
                fallback.source,
                f"目录外职业按{self.category}类执行（{_since(fallback)}）",
                f"occupations outside the catalog are paid as category {self.category} "
                f"({_since_en(fallback)})",
            )
            return
        self.reason(
            ReasonCode.NOT_IN_CATALOG,
            f"“{cert.occupation}”不在{self.req.region.name}{self.on}有效的补贴性职业技能培训目录内",
        )
        self.step("catalog.entry", f"目录：{in_force}", "未列入", "not listed")

    def look_up_course(self) -> str | None:
        occupation = self.req.certificate.occupation
        assert occupation is not None
        name = self.regime.courses.get(course_key(occupation))
        if name is None and self.regime.courses:
            offered = "、".join(
                sorted({m for n in set(self.regime.courses.values()) for m in self.matches(n)})
            )
            self.reason(
                ReasonCode.UNKNOWN_OCCUPATION,
                f"“{occupation}”不是{self.req.region.name}创业培训补贴标准中的项目（可选：{offered}）",
            )
            self.step(
                "standard.entrepreneurship",
                "",
                f"“{occupation}”未匹配任何创业培训项目",
                f"“{occupation}” matches no entrepreneurship course",
            )
        return name

    def matches(self, name: str) -> tuple[str, ...]:
        r = self.regime.get(name)
        return r.parameter.matches if r and r.parameter else ()

    def candidates(self, course: str | None) -> list[str]:
        """Standard parameters for this certificate, most specific first."""
        cert, cat = self.req.certificate, self.category
        level = f"level_{int(cert.level)}" if cert.level is not None else None
        names = []
        if self.entry is not None and cert.type in CATALOG_TYPES:
            key = self.entry.code or self.entry.name
            names.append(
                f"standard.occupation.{key}.{level}"
                if cert.type in LEVEL_TYPES
                else f"standard.occupation.{key}"
            )
        if cert.type in LEVEL_TYPES and cat:
            names.append(f"standard.skill_level.{cat}.{level}")
        elif cert.type in (CertificateType.SPECIAL_ABILITY, CertificateType.TRAINING_QUALIFICATION) and cat:
            names.append(f"standard.{cert.type.value}.{cat}")
        elif cert.type is CertificateType.SKILL_EVALUATION:
            names.append(f"standard.skill_evaluation.{level}")
        elif cert.type in (CertificateType.PRE_JOB, CertificateType.APPRENTICESHIP):
            names.append(f"standard.{cert.type.value}")
        elif cert.type is CertificateType.ENTREPRENEURSHIP and course:
            names.append(course)
        return names

    def standard(self, course: str | None) -> _Standard:
        names = self.candidates(course)
        explicit: Resolved | None = None
        for name in names:
            r = self.regime.get(name)
            if r is None:
                continue
            if r.value is not None:
                assert isinstance(r.value, Decimal)
                return _Standard(r.value, r, tuple(names))
            explicit = explicit or r
        return _Standard(None, explicit, tuple(names))

    def base_amount(self, cap: Resolved | None, course: str | None) -> Decimal | None:
        req = self.req
        if req.program is Program.PROJECT and cap is None and self.flag("project.same_as_training") is None:
            self.step(
                "project",
                "",
                f"{req.region.name}{self.on}未规定项目制培训的补贴标准",
                f"{req.region.en} sets no standard for project-based training on {self.on}",
            )
            return None
        std = self._std = self.standard(course)
        if std.amount is not None and std.resolved is not None:
            self.step(std.resolved.name, std.resolved.source, _shown(std.resolved), _shown_en(std.resolved))
        elif std.resolved is not None and std.resolved.parameter is not None:
            # The note is the parameter file's own words (a data value, like the documents' quotes).
            note = std.resolved.parameter.note
            self.step(
                std.resolved.name,
                std.resolved.source,
                f"无金额：{note or '该日无标准'}",
                f"no amount: {note or 'no standard on this date'}",
            )
        elif std.tried:
            self.step("standard", "", f"未配置：{'、'.join(std.tried)}", f"not set: {', '.join(std.tried)}")
        if req.program is Program.PROJECT and cap is None:
            same = self.flag("project.same_as_training")
            assert same is not None
            self.step(
                same.name,
                same.source,
                "项目制培训按同职业技能培训标准执行",
                "project-based training is paid at the standard of the same occupation's training",
            )
        base = std.amount
        accepted = req.project_standard
        if accepted is not None and (req.program is not Program.PROJECT or cap is None):
            self.step(
                "project.accepted_standard",
                "",
                f"{accepted.project}核定标准 {money(accepted.amount)} 元未适用："
                + (
                    "仅适用于项目制培训"
                    if req.program is not Program.PROJECT
                    else f"{req.region.name}{self.on}该证书不适用项目制培训的每人补贴上限（002 · 六）"
                ),
                f"the accepted standard of {accepted.project}, {money(accepted.amount)} yuan, "
                "does not apply: "
                + (
                    "it applies to project-based training only"
                    if req.program is not Program.PROJECT
                    else f"in {req.region.en} on {self.on} no per-person cap of project-based training "
                    "applies to this certificate (002 · 六)"
                ),
            )
        if cap is not None:
            assert isinstance(cap.value, Decimal)
            self.step(cap.name, cap.source, _shown(cap), _shown_en(cap))
            if accepted is not None:
                return self.uplift(self.accepted_amount(cap, accepted, std))
            if base is not None and base > cap.value:
                self.step(
                    "project.higher_standard",
                    std.resolved.source if std.resolved else "",
                    f"目录证书标准 {money(base)} 元高于上限，按更高标准执行",
                    f"the catalog certificate's standard of {money(base)} yuan is above the cap and applies",
                )
            else:
                if base is None:
                    self.step(
                        "project.higher_standard",
                        "",
                        "该证书未配置更高的目录标准",
                        "no higher catalog standard is set for this certificate",
                    )
                base = cap.value
                self.info.append(
                    Reason(
                        ReasonCode.AMOUNT_IS_MAXIMUM,
                        f"每名培训考核合格人员补贴不超过{money(cap.value)}元，具体标准由人社部门按项目确定",
                    )
                )
        return self.uplift(base) if base is not None else None

    def accepted_amount(self, cap: Resolved, accepted: ProjectStandard, std: _Standard) -> Decimal:
        """The project's accepted standard within the cap, or the catalog standard of the certificate
        where it is higher (002 · 六: 获得目录相应证书、可按规定申领更高标准培训补贴的，按更高标准计算)."""
        assert isinstance(cap.value, Decimal)
        limit = accepted.amount
        if limit > cap.value:
            self.step(
                "project.accepted_standard",
                cap.source,
                f"{accepted.project}核定标准 {money(limit)} 元高于每人上限 {money(cap.value)} 元，按上限执行",
                f"the accepted standard of {accepted.project}, {money(limit)} yuan, is above the per-person "
                f"cap of {money(cap.value)} yuan: the cap applies",
            )
            limit = cap.value
        if std.amount is not None and std.amount > limit:
            self.step(
                "project.higher_standard",
                f"{cap.source}；{std.resolved.source if std.resolved else ''}",
                f"目录证书标准 {money(std.amount)} 元高于{accepted.project}核定标准 {money(limit)} 元，"
                "按更高标准执行（002 · 六）",
                f"the catalog certificate's standard of {money(std.amount)} yuan is above the accepted "
                f"standard of {accepted.project}, {money(limit)} yuan: "
                "the higher standard applies (002 · 六)",
            )
            return std.amount
        self.step(
            "project.accepted_standard",
            cap.source,
            f"{accepted.project}核定标准 {money(limit)} 元/人（002 · 六：具体执行标准由市人社部门按项目确定）"
            + ("" if std.amount is None else f"，不低于目录证书标准 {money(std.amount)} 元"),
            f"the accepted standard of {accepted.project}: {money(limit)} yuan per person "
            "(002 · 六: the city sets each project's standard)"
            + (
                ""
                if std.amount is None
                else f", not below the catalog certificate's {money(std.amount)} yuan"
            ),
        )
        return limit

    def uplift(self, base: Decimal) -> Decimal:
        req, cert = self.req, self.req.certificate
        if req.program not in TRAINING_PROGRAMS or cert.type not in LEVEL_TYPES or cert.level is None:
            return base
        # Level certificates are catalog types: look_up_catalog has run.
        assert self.listing is not None
        listing = self.listing
        listed = listing.shortage
        if not listed:
            return base
        with_pct = listing.uplift
        if with_pct is None:
            e = listed[0]
            self.step(
                "shortage_uplift",
                e.provenance.cite(),
                f"列入紧缺型目录（{e.catalog_id}），文件未规定上浮比例",
                f"listed as a shortage occupation ({e.catalog_id}); the document sets no uplift percentage",
            )
            return base
        pct = with_pct.uplift_pct
        assert pct is not None
        if not cert.level.is_high_skill:
            self.step(
                "shortage_uplift",
                with_pct.provenance.cite(),
                f"上浮{pct}%仅适用于高技能（一至三级），{cert.level.label_zh}不上浮",
                f"the {pct}% uplift applies to high skill levels (1 to 3) only, not to {cert.level.label_en}",
            )
            return base
        amount = uplifted(base, pct)
        self.step(
            "shortage_uplift",
            with_pct.provenance.cite(),
            f"+{pct}%：{money(base)} × {100 + pct}% = {money(amount)}",
            f"+{pct}%: {money(base)} × {100 + pct}% = {money(amount)}",
        )
        self.info.append(
            Reason(ReasonCode.SHORTAGE_UPLIFT, f"{with_pct.name}列入紧缺型职业目录，高技能等级补贴上浮{pct}%")
        )
        return amount

    def no_standard_message(self) -> str:
        cert = self.req.certificate
        return f"{self.req.region.name}在{self.on}没有适用于该{_TYPE_ZH[cert.type]}的补贴标准，无法给出金额"

    # -- checks ---------------------------------------------------------------------------------
    # Which checks apply is decided here, by programme and certificate; what each one finds is
    # decided in rules.checks. A check in scope always leaves a step, passed or not.

    def add(self, result: CheckResult) -> None:
        if result.reason is not None:
            self.reasons.append(result.reason)
        self.trace.extend(result.steps)

    def check_held(self) -> None:
        cert = self.req.certificate
        if cert.type not in LEVEL_TYPES or cert.level is None:
            return
        assert cert.occupation is not None
        facts = HeldFacts(cert.occupation, cert.level, self.req.held_certificates)
        rule = self.regime.get(checks.HELD)
        self.add(checks.check_held(facts, rule=rule, on=self.on, identity=self.engine.names.identity))

    def hours_facts(self) -> HoursFacts:
        # Built once: the hours and the online-share checks read the same facts.
        if self._hours is None:
            t, level = self.req.training, self.req.certificate.level
            if t is None:
                self._hours = HoursFacts(level, None, entry=self.entry)
            else:
                self._hours = HoursFacts(level, t.total, t.online, t.in_minutes, self.entry)
        return self._hours

    def check_hours(self) -> None:
        req, cert = self.req, self.req.certificate
        if req.program not in TRAINING_PROGRAMS or cert.type not in LEVEL_TYPES or cert.level is None:
            return
        get = self.regime.get
        result = checks.check_hours(
            self.hours_facts(),
            minimum=get(checks.hours_minimum_name(cert.level)),
            minutes_per_hour=get(checks.MINUTES_PER_HOUR),
            on=self.on,
        )
        self.add(result)

    def check_online_share(self) -> None:
        req, cert = self.req, self.req.certificate
        if req.program not in TRAINING_PROGRAMS or cert.type not in CATALOG_TYPES:
            return
        facts = self.hours_facts()
        self.add(checks.check_online_share(facts, max_pct=self.regime.get(checks.ONLINE_MAX_PCT), on=self.on))

    def check_claim_window(self) -> None:
        if self.req.program is not Program.PROJECT:
            return
        facts = ClaimWindowFacts(self.req.certificate.issued_on, self.req.date)
        self.add(checks.check_claim_window(facts, months=self.regime.get(checks.CLAIM_WINDOW), on=self.on))

    def check_trainee(self) -> None:
        if self.req.program is not Program.PROJECT:
            return
        get, on, facts = self.regime.get, self.on, TraineeFacts.of(self.req.trainee)
        self.add(checks.check_min_age(facts, min_age=get(checks.MIN_AGE), on=on))
        male, female = get(checks.MAX_AGE[Sex.M]), get(checks.MAX_AGE[Sex.F])
        self.add(checks.check_max_age(facts, male=male, female=female, on=on))
        rule = get(checks.RESIDENCY)
        self.add(checks.check_residency(facts, rule=rule, region_name=self.req.region.name, on=on))
        labels = self.engine.store.params.groups
        self.add(checks.check_excluded_groups(facts, rule=get(checks.EXCLUDED_GROUPS), labels=labels, on=on))


_TYPE_ZH = {
    CertificateType.VOCATIONAL_QUALIFICATION: "职业资格证书",
    CertificateType.SKILL_LEVEL: "职业技能等级证书",
    CertificateType.SPECIAL_ABILITY: "专项职业能力证书",
    CertificateType.TRAINING_QUALIFICATION: "培训合格证书",
    CertificateType.ENTREPRENEURSHIP: "创业培训",
    CertificateType.PRE_JOB: "职工岗前培训",
    CertificateType.SKILL_EVALUATION: "职业技能评价补贴",
    CertificateType.APPRENTICESHIP: "企业新型学徒制培训",
}
