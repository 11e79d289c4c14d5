"""`{{ text|readable }}`: a core sentence or citation with its internal names replaced by what they
stand for (a document's title for its file name, a parameter's label for its key) on Chinese pages."""

from __future__ import annotations

from django import template

from standards.present import chinese_page, readable, titled

register = template.Library()


@register.filter(name="readable")
def readable_filter(text: object) -> str:
    value = "" if text is None else str(text)
    return readable(value) if chinese_page() else titled(value)
