"""`{{ text|readable }}`: a core sentence or citation with its internal names replaced by what they
stand for (a document's title for its file name, a parameter's label for its key) on Chinese pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogs.present import CERTIFICATE_LABELS, KIND_LABELS
from skillsubsidy.calls.lifecycle import APPLICATION, CALL
from skillsubsidy.catalog.lifecycle import CATALOG_VERSION
from skillsubsidy.claims.lifecycle import CLAIM, OBJECTION, PAYMENT_BATCH
from skillsubsidy.classes.lifecycle import AMENDMENT, CLASS
from skillsubsidy.institutions.lifecycle import INSTITUTION
from standards import selectors
from standards.present import chinese_page, readable, reason_title, titled

register = template.Library()

# A workflow's moves are named by its transition table, in both languages.
MOVES = {
    machine.audit_action(t.action): t
    for machine in (
        CATALOG_VERSION,
        INSTITUTION,
        CALL,
        APPLICATION,
        CLAIM,
        PAYMENT_BATCH,
        OBJECTION,
        CLASS,
        AMENDMENT,
    )
    for t in machine.transitions
}

# Audit actions that are not a workflow's move, in words; the code is kept as a tooltip.
ACTION_LABELS = {
    "upload.create": _("upload"),
    "upload.mapping": _("column mapping"),
    "catalog.import": _("import of the shipped catalogs"),
    "catalog.draft": _("draft started"),
    "dataset.anomalies": _("findings outside any catalog replaced"),
    "entry.update": _("row corrected"),
    "entry.delete": _("row removed"),
    "publish": _("published"),
    "discard": _("discarded"),
    "catalog.publish": _("published"),
    "catalog.discard": _("discarded"),
    "standard.set": _("standard set"),
    "staff.create": _("staff account created"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "calendar.year_add": _("working-day calendar year added"),
    "worker.register": _("worker registered"),
    "institution.register": _("institution registered"),
    "institution.import": _("institutions imported"),
    "institution.clerk_create": _("clerk account created"),
    "institution.basis.add": _("training basis added"),
    "institution.premises.add": _("premises added"),
    "institution.teacher.add": _("teacher added"),
    "institution.approval.add": _("approved occupation added"),
    "institution.finding": _("finding recorded"),
    "institution.inspection": _("inspection recorded"),
    "institution.evaluation": _("evaluation recorded"),
    "institution.credit": _("credit event recorded"),
    "call.create": _("call created"),
    "call.configure": _("call settings confirmed"),
    "call.extend_deadline": _("deadline extended"),
    "call.district_stamp": _("district stamp recorded"),
    "call.objection": _("objection raised"),
    "call.objection_answer": _("objection answered"),
    "call_application.create": _("application started"),
    "call_application.save": _("application saved"),
    "call_application.attach": _("attachment added"),
    "call_application.review": _("application scored"),
    "call_application.conflict": _("conflict of interest declared"),
    "call_application.evaluation": _("evaluation recorded"),
    "class.create": _("class created"),
    "class.roster": _("roster uploaded"),
    "class.attendance": _("attendance recorded"),
    "class.results": _("results recorded"),
    "class.amend": _("change requested"),
    "class.inspect": _("inspection recorded"),
    "class.reveal_id": _("ID number viewed"),
    "class.completion": _("completion decided by the bureau"),
    "class.employment": _("employment after training recorded"),
    "institution.scope.file": _("filed evaluation scope recorded"),
    "claim.submit": _("claim submitted"),
    "claim.bulk_approve": _("claims approved together"),
    "claim.notice_setting": _("notice length set"),
    "claim.interest_declare": _("conflict of interest declared"),
    "claim.supervision_certificate": _("supervising unit's certificate recorded"),
    "claim_objection.raise": _("objection raised"),
    "payment_batch.create": _("payment batch created"),
}


@register.filter(name="action_label")
def action_label(action: object) -> str:
    code = str(action)
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    if (move := MOVES.get(code)) is not None:
        return move.label_zh if chinese_page() else move.label_en
    return code


@register.filter(name="translated")
def translated(text: object) -> str:
    """A fixed English note of the shipped data (a catalog's reading assumptions) in the page's
    language, when a translation is known; as written otherwise."""
    return gettext(str(text))


@register.filter(name="readable")
def readable_filter(text: object) -> str:
    value = "" if text is None else str(text)
    return readable(value) if chinese_page() else titled(value)


@register.filter(name="reason_hint")
def reason_hint(reason: object) -> str:
    """A reason's hover text: the core's sentence on Chinese pages, the reason's title on English
    ones (the core writes reasons in Chinese; English pages name them by code, as the calculator does)."""
    if not isinstance(reason, dict):
        return str(reason)
    if chinese_page():
        return readable(str(reason.get("message", "")))
    return reason_title(str(reason.get("code", "")))


@register.filter(name="quality_kind")
def quality_kind(kind: object) -> str:
    """A quality finding's kind in words (docs/quality-kinds.md); the code and the reader's English
    message stay in the tooltip."""
    return str(KIND_LABELS.get(str(kind), kind))


@register.filter(name="parameter_value")
def parameter_value(value: object) -> str:
    """A parameter's value as stored, with a list of certificate types or groups named in words."""
    if not isinstance(value, (list, tuple)):
        return str(value)
    groups = selectors.parameters().groups
    return "、".join(str(CERTIFICATE_LABELS.get(v) or groups.get(str(v), v)) for v in value)


@register.filter(name="chosen")
def chosen(value: object, options: object) -> str:
    """A choice's stored code(s) shown by the label of its option, as the form offered them; a
    value no option has is shown as stored."""
    labels = dict(options) if isinstance(options, (list, tuple)) else {}
    values = value if isinstance(value, (list, tuple)) else [] if value in (None, "") else [value]
    return "、".join(str(labels.get(v, v)) for v in values)


@register.filter(name="get_item")
def get_item(mapping: object, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
