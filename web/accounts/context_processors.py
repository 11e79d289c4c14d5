from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.selectors import staff_scope


def staff(request: HttpRequest) -> dict[str, Any]:
    return {"staff_scope": staff_scope(getattr(request, "user", None))}
