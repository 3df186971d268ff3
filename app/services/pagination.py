"""One page of a list: its items, how many there are, and where the neighbouring pages are."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    # capped: `total` is a lower bound (counting stopped there); has_more then says if a next page exists
    capped: bool = False
    has_more: bool | None = None
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, ceil(self.total / self.per_page)) if self.per_page else 1
        if self.capped:
            self.pages = max(self.pages, self.page + (1 if self.has_more else 0))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        if self.has_more is not None:
            return self.has_more
        return self.page < self.pages
