"""Pages of a long list whose exact length is not worth counting.

A bureau's class list is 100,000 classes for a city (issue 11), and an exact page count is a COUNT
over all of them on every page view: on PostgreSQL the largest single cost of the page after the
rows themselves. Nobody pages through 200 pages of 50; past that a reader narrows the filters. So
the count stops at `pages` pages: a list longer than that says "more than N pages", and its pages
past the last counted one are not offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

if TYPE_CHECKING:  # the stubs make Paginator generic; Django's class is not subscriptable
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class BoundedPaginator(_Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, *, pages: int = 200) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.bound = per_page * pages

    @cached_property
    def _counted(self) -> int:
        # A sliced queryset counts in a subquery with LIMIT, so at most bound + 1 rows are read.
        # Without the order and the joins of the page's rows, which any bound + 1 rows do not need:
        # kept, PostgreSQL sorted the matches before counting them.
        return int(self.rows.order_by().values("pk")[: self.bound + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.bound)

    @property
    def more(self) -> bool:
        """True when the list is longer than the pages counted."""
        return self._counted > self.bound
