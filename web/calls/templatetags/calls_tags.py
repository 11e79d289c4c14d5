"""Template filters of the call pages."""

from __future__ import annotations

from django import template

from skillsubsidy.calls.call import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen as the 元 the forms print: 80000 → 800, 13199940 → 131999.40; None → —."""
    return "—" if fen is None else _yuan(int(fen))
