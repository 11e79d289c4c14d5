"""Where a quote finds a project's accepted standard (002 · 六: 具体执行标准由市人力资源社会保障部门按照各
培训项目情况确定). The calls app records the standard per project; standards sits below calls in the
layers (pyproject's import contract), so calls registers its lookup here when Django starts
(calls.apps) and the quote asks through it. A JSON request names the project by its id only, never a
standard of its own."""

from __future__ import annotations

from collections.abc import Callable

from skillsubsidy.regions import Region
from skillsubsidy.rules.request import ProjectStandard, RequestError

Lookup = Callable[[int, Region], ProjectStandard]
_installed: list[Lookup] = []


def install(lookup: Lookup) -> None:
    """The one lookup of projects (the calls app's); installing again replaces it."""
    _installed[:] = [lookup]


def accepted_standard(pk: int, region: Region) -> ProjectStandard:
    """The standard the city accepted for project `pk`, which must be tracked in `region`; a
    RequestError on `project.id` otherwise."""
    if not _installed:
        raise RequestError("project.id", pk, "projects are not recorded on this server")
    return _installed[0](pk, region)
