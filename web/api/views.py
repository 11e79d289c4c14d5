"""The open API, /api/v1/: one NinjaAPI that mounts each app's router. Register a new router here.

Routes are thin (parse the input, call one selector or service, shape the output) and live beside the
app they serve, in `<app>/api.py`; errors are answered in one shape by api/errors.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.operation import Operation
from ninja.renderers import JSONRenderer

from api import errors
from api.auth import WRITE_AUTH
from calendars import api as calendars_api
from calls import api as calls_api
from catalogs import api as catalogs_api
from claims import api as claims_api
from classes import api as classes_api
from common.api_schemas import Out
from institutions import api as institutions_api
from standards import api as standards_api


class Utf8JSON(JSONRenderer):
    # Chinese names as text rather than \u escapes: a third of the size, and readable in a terminal.
    json_dumps_params: Mapping[str, Any] = MappingProxyType({"ensure_ascii": False})


class API(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Fixed when every route lived in api/views.py; generated clients name their methods after it.
        return f"api_views_{operation.view_func.__name__}"

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        return errors.keep_submitted_values(error_contexts)


api = API(
    title="skillsubsidy open API",
    version="1",
    description=(
        "Subsidised vocational-skills training catalogs (补贴性职业技能培训目录) and subsidy quotes, "
        "built from official documents. Every entry cites its source document and line. Errors are JSON "
        "with a stable `code` and the offending `field`. Write endpoints need `Authorization: Bearer "
        "<token>` (tokens are issued in the back office) or a logged-in session."
    ),
    urls_namespace="api",
    docs_url="/docs",
    renderer=Utf8JSON(),
)
errors.install(api)


class HealthOut(Out):
    status: str


@api.get("/health", response=HealthOut, tags=["meta"], summary="Liveness (also the benchmark floor)")
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}


# Every router of the API, in the order the OpenAPI document lists them.
api.add_router("", catalogs_api.router)
api.add_router("", standards_api.router)
api.add_router("", catalogs_api.writes, auth=WRITE_AUTH)
api.add_router("/calendar", calendars_api.router)
api.add_router("", institutions_api.router)
api.add_router("", institutions_api.writes, auth=WRITE_AUTH)
api.add_router("", classes_api.router)
api.add_router("", classes_api.writes, auth=WRITE_AUTH)
api.add_router("", calls_api.router)
api.add_router("", calls_api.writes, auth=WRITE_AUTH)
api.add_router("", claims_api.router, auth=WRITE_AUTH)
