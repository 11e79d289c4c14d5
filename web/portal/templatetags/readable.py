"""`{{ text|readable }}`: a core sentence or citation with its internal names replaced by what they
stand for (a document's title for its file name, a parameter's label for its key) on Chinese pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from standards.present import chinese_page, readable, titled

register = template.Library()

# Audit actions of catalogs, uploads and standards in words; the code is kept as a tooltip.
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
}


@register.filter(name="action_label")
def action_label(action: object) -> str:
    code = str(action)
    return str(ACTION_LABELS[code]) if code in ACTION_LABELS else code


@register.filter(name="translated")
def translated(text: object) -> str:
    """A fixed English note of the shipped data (a catalog's reading assumptions) in the page's
    language, when a translation is known; as written otherwise."""
    return gettext(str(text))


@register.filter(name="readable")
def readable_filter(text: object) -> str:
    value = "" if text is None else str(text)
    return readable(value) if chinese_page() else titled(value)


@register.filter(name="get_item")
def get_item(mapping: object, key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None
