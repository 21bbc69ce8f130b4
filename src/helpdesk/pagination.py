"""limit/offset paging, shared by every list endpoint."""

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from helpdesk.schemas import MAX_ID

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = MAX_ID

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int,
        Query(ge=1, description=f"Page size, 1 or more; values over {MAX_PAGE_SIZE} are capped"),
    ] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=min(limit, MAX_PAGE_SIZE), offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_offset: int | None


def make_page(rows: list[T], params: PageParams) -> Page[T]:
    """`rows` holds up to limit + 1 rows: the extra one only says a next page exists."""
    has_more = len(rows) > params.limit
    return Page[T](
        items=rows[: params.limit],
        next_offset=params.offset + params.limit if has_more else None,
    )
