"""What the command modules share: one-line errors instead of tracebacks, and aligned tables."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

import click

from skillsubsidy.regions import UnknownRegion

F = TypeVar("F", bound=Callable[..., Any])


def _friendly() -> tuple[type[Exception], ...]:
    # catalog.profile pulls in pypinyin (~150 ms), so only a command that failed pays for it.
    from skillsubsidy.catalog.profile import UnknownOccupation

    return (UnknownRegion, UnknownOccupation, KeyError, ValueError)


def friendly_errors(fn: F) -> F:
    """Turn lookup and value errors into one clear line and exit status 2, never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if not isinstance(exc, _friendly()):
                raise
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            click.echo(f"error: {message}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """A plain aligned table; East Asian characters count as two columns."""

    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    cols = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, cols, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in cols]), *(line(r) for r in rows)])
