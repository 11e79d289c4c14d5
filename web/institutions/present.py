"""What the pages and the API show of the institution catalogs: labels in the page's language for the
codes the records keep (no internal code reaches a Chinese page), and masking for the public."""

from __future__ import annotations

from django.utils.translation import get_language

from common.personal import mask_name
from institutions.models import Approval, Institution
from skillsubsidy.institutions import eligibility as rules
from skillsubsidy.institutions.lifecycle import INSTITUTION
from skillsubsidy.institutions.model import InstitutionKind
from skillsubsidy.institutions.model import Role as CatalogRole
from skillsubsidy.institutions.quality import ListingProposal
from skillsubsidy.occupations import Level
from skillsubsidy.regions import all_regions
from skillsubsidy.rules.decision import Outcome

KIND_EN = {
    InstitutionKind.CHAIN_LEADER: "Chain-leading enterprise",
    InstitutionKind.LEADING_ENTERPRISE: "Leading enterprise",
    InstitutionKind.HR_APPROVED: "Training institution approved by the HR department",
    InstitutionKind.HR_COMPANY: "Human-resources company",
    InstitutionKind.TECHNICIAN_COLLEGE: "Technician college",
    InstitutionKind.VOCATIONAL_COLLEGE: "Vocational college",
    InstitutionKind.INDUSTRY_ASSOCIATION: "Industry association",
    InstitutionKind.OTHER: "Other",
}
# The six conditions of 002 · 一 / 附件4 · 8①, by rule id.
CONDITIONS = {
    rules.LEGAL_PERSON: ("具有独立法人资格", "An independent legal person"),
    rules.LOCAL: ("在本地依法注册或登记", "Registered locally"),
    rules.BASIS: ("培训资质：办学许可、经营范围或培训基地", "A ground for training: licence, scope or base"),
    rules.CLEAN_RECORD: ("近三年无严重违法违规、失信记录", "No serious violation or dishonesty in 3 years"),
    rules.RESOURCES: ("具备相应的师资、设施和场地", "Teachers, facilities and premises"),
    rules.SYSTEMS: ("财务、教学、学员、师资、档案管理制度健全", "Management systems"),
}
# The conditions a reviewer's finding decides (registration too, when the code cannot tell).
JUDGED = (rules.RESOURCES, rules.SYSTEMS, rules.LOCAL)
OUTCOMES = {
    Outcome.PASSED: ("通过", "Passed"),
    Outcome.FAILED: ("不通过", "Failed"),
    Outcome.NOT_CHECKED: ("未核验", "Not checked"),
}


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def pick(pair: tuple[str, str]) -> str:
    return pair[0] if _zh() else pair[1]


def kind_label(kind: str) -> str:
    k = InstitutionKind(kind)
    return k.label_zh if _zh() else KIND_EN[k]


def kinds() -> list[tuple[str, str]]:
    return [(k.value, kind_label(k.value)) for k in InstitutionKind]


def status_label(status: str) -> str:
    state = INSTITUTION.states[status]
    return state.label_zh if _zh() else state.label_en


def statuses() -> list[tuple[str, str]]:
    return [(s, status_label(s)) for s in INSTITUTION.states]


def condition_label(rule: str) -> str:
    return pick(CONDITIONS[rule]) if rule in CONDITIONS else rule


def outcome_label(outcome: Outcome) -> str:
    return pick(OUTCOMES[outcome])


ROLES = {
    CatalogRole.TRAINING: ("承训", "Training"),
    CatalogRole.EVALUATION: ("评价", "Evaluation"),
}


def proposal_label(proposal: ListingProposal) -> str:
    return proposal.proposal.label_zh if _zh() else proposal.proposal.label_en


def proposal_reasons(proposal: ListingProposal) -> tuple[str, ...]:
    return proposal.reasons if _zh() else proposal.reasons_en


def role_label(role: str) -> str:
    return pick(ROLES[CatalogRole(role)])


def level_label(level: int | None) -> str:
    if level is None:
        return "不分等级" if _zh() else "no level"
    return Level(level).label_zh if _zh() else f"level {level}"


def approval_text(a: Approval) -> str:
    return f"{a.occupation} · {level_label(a.level)}"


def public_people(institution: Institution) -> dict[str, str]:
    """The people of an institution as the public sees them: names masked, the phone masked."""
    return {
        "legal_rep": mask_name(institution.legal_rep_name),
        "contact": mask_name(institution.contact_name),
        "phone": institution.contact_phone_masked,
    }


def region_label(code: str) -> str:
    region = all_regions().get(code)
    return region.name if region else code
