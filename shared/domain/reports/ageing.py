"""Ageing buckets of the outstanding report: how overdue a pending bill is, as of a date.

A tenant chooses the buckets by their upper edges in days overdue (`tenants.ageing_buckets`,
default 30, 60, 90: buckets 0-30, 31-60, 61-90 and 90+). Ahead of them there is always a
"Not due" bucket for bills whose due date is after the as-of date: accountants keep what is
not yet payable apart from what is late, however little.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import pairwise

DEFAULT_EDGES = (30, 60, 90)
MAX_EDGES = 6
# Ten years overdue is already "written off" territory; a larger edge is a typing slip.
MAX_EDGE_DAYS = 3650
NOT_DUE = "Not due"


class AgeingEdgesError(ValueError):
    """Edges a tenant cannot use; `code` is stable for API clients, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_edges(edges: Sequence[int]) -> None:
    """Refuse edges that would not make readable buckets: 1 to `MAX_EDGES` whole days,
    strictly increasing, each between 1 and `MAX_EDGE_DAYS`."""
    if not edges:
        raise AgeingEdgesError("ageing_buckets_empty", "give at least one bucket edge")
    if len(edges) > MAX_EDGES:
        raise AgeingEdgesError(
            "ageing_buckets_too_many", f"give at most {MAX_EDGES} bucket edges, not {len(edges)}"
        )
    for edge in edges:
        if not 1 <= edge <= MAX_EDGE_DAYS:
            raise AgeingEdgesError(
                "ageing_buckets_out_of_range",
                f"each edge must be between 1 and {MAX_EDGE_DAYS} days, not {edge}",
            )
    for lower, upper in pairwise(edges):
        if upper <= lower:
            raise AgeingEdgesError(
                "ageing_buckets_not_increasing",
                f"edges must be strictly increasing: {upper} follows {lower}",
            )


def days_overdue(due_date: date, as_of: date) -> int | None:
    """Days past the due date at `as_of`; None while the bill is not yet due (due after as_of).
    A bill due on the day itself is 0 days overdue: payable, not yet late."""
    days = (as_of - due_date).days
    return None if days < 0 else days


@dataclass(frozen=True)
class AgeingBuckets:
    """The buckets made by a tenant's edges, "Not due" first."""

    edges: tuple[int, ...]

    @classmethod
    def from_edges(cls, edges: Sequence[int]) -> AgeingBuckets:
        check_edges(edges)
        return cls(tuple(edges))

    @cached_property  # asked once per bill: computed once per report
    def labels(self) -> tuple[str, ...]:
        """ "Not due", "0-30", "31-60", "61-90", "90+" for the default edges."""
        starts = (0, *(edge + 1 for edge in self.edges))
        ranged = tuple(f"{first}-{last}" for first, last in zip(starts, self.edges, strict=False))
        return (NOT_DUE, *ranged, f"{self.edges[-1]}+")

    def label_for(self, days: int | None) -> str:
        """The bucket of a bill `days` overdue (None: not yet due)."""
        if days is None:
            return NOT_DUE
        # the first edge at or above `days` closes its bucket; past the last, the open one
        return self.labels[bisect_left(self.edges, days) + 1]


DEFAULT_BUCKETS = AgeingBuckets(DEFAULT_EDGES)
