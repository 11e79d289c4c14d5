"""Schemas every app's API router uses: the output base class, the error body and the region input."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from common.api_errors import ApiErrorCode
from skillsubsidy.regions import AmbiguousRegion, UnknownRegion, resolve_region


class Out(BaseModel):
    """Schemas are plain pydantic models: ninja's Schema wraps every value in a Django-aware getter
    when validating, which costs more than the search it reports on."""


class FieldErrorOut(Out):
    field: str = Field(description="dotted path of the field in the request, e.g. certificate.level")
    value: str | None = Field(description="the value sent, as text; null when the field was not sent")
    message: str


class ErrorBody(Out):
    code: ApiErrorCode = Field(description="stable error code; docs/error-codes.md lists them all")
    message: str
    field: str | None = Field(None, description="the first offending field or parameter")
    value: str | None = Field(None, description="the value sent in `field`, as text")
    fields: list[FieldErrorOut] = Field(default_factory=list, description="every offending field")
    suggestions: list[str] | None = Field(
        None, description="near matches, for unknown_region and unknown_occupation"
    )


class ErrorOut(Out):
    error: ErrorBody


ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut}
# Writes to one stored object: they must name the revision they were based on (If-Match).
REVISED_WRITE_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 428: ErrorOut}


def _check_region(text: str) -> None:
    # A custom pydantic error (not an exception of our own) so that an unknown region is reported with
    # any other invalid field of the same request, under the code docs/error-codes.md gives it.
    try:
        resolve_region(text)
    except UnknownRegion as exc:
        code = (
            ApiErrorCode.AMBIGUOUS_REGION if isinstance(exc, AmbiguousRegion) else ApiErrorCode.UNKNOWN_REGION
        )
        raise PydanticCustomError(
            code.value,
            "{message}",
            {"message": str(exc), "suggestions": exc.suggestions},
        ) from None


def _known_region(value: str | int) -> str | int:
    # A blank region is left to the quote engine, which refuses it as not given.
    if str(value).strip():
        _check_region(str(value))
    return value


def _known_region_or_none(value: str | None) -> str | None:
    # An empty query parameter (an empty form field) means "any region".
    if value is None or not value.strip():
        return None
    _check_region(value)
    return value


# A region as every endpoint takes it: a GB/T 2260 code or a name (南通, 南通市, Nantong).
RegionIn = Annotated[str | int, AfterValidator(_known_region)]
RegionQuery = Annotated[str | None, AfterValidator(_known_region_or_none)]
