"""What a replication's days add up to, per location and item: the totals of the daily flows,
the days that pass the reserve check, the first day with unmet demand and the days with any -
for every location and for the circle as a whole.

A run that writes no daily table folds each day in as the simulation goes (the model keeps
one day in memory, not the horizon); a run that keeps its days folds them in afterwards.
Both go through the same day-by-day ``fold``, so their per-replication tables are identical.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.supply.reserve import TOL, meets

SUMMED = (
    "served",
    "expired",
    "purchase_cost",
    "transport_cost",
    "received",
    "transfer_in",
    "transfer_out",
    "served_by_substitute",
    "used_as_substitute",
)
# What the running sums hold, in order: demand, the flows, and stock_days (closing on_hand of both
# pools summed over the days, in unit-days: what holding cost accrues on).
FOLDED = ("demand", *SUMMED, "stock_days")


class Day(NamedTuple):
    """One day's figures as the tally reads them, arrays (R, L, I) unless noted."""

    day: int
    demand: np.ndarray
    flows: tuple[np.ndarray, ...]  # in SUMMED order, served first
    on_hand: np.ndarray  # end of day
    counted: np.ndarray  # end of day, what the reserve check counts: on hand, or the reserve alone
    required: np.ndarray  # the reserve required per location
    circle_required: np.ndarray  # (R, I) the reserve required of the circle
    agreements: np.ndarray  # end of day, uncalled agreement units the check counts (0 unless counted)
    min_physical_share: float  # counted stock must itself be at least this share of required


class Counts(NamedTuple):
    """The running totals a day is folded into, arrays (R, L, I) unless noted."""

    sums: np.ndarray  # (len(FOLDED), R, L, I)
    compliant_days: np.ndarray
    first_short: np.ndarray  # -1: never short
    circle_compliant_days: np.ndarray  # (R, I)
    circle_first_short: np.ndarray  # (R, I), -1: never short
    short_days: np.ndarray  # days with unmet demand of the item
    any_item_short_days: np.ndarray  # (R, L) days with unmet demand of any item
    circle_short_days: np.ndarray  # (R, I) days on which any location was short of the item
    circle_any_item_short_days: np.ndarray  # (R,) days on which any location was short of any item


class DayTotals:
    """Running totals over the days folded in so far, arrays (R, L, I) unless noted."""

    def __init__(self, n_r: int, n_l: int, n_i: int):
        self.sums = np.zeros((len(FOLDED), n_r, n_l, n_i))
        self.compliant_days = np.zeros((n_r, n_l, n_i))
        self.first_short = np.full((n_r, n_l, n_i), -1)  # -1: never short
        self.circle_compliant_days = np.zeros((n_r, n_i))
        self.circle_first_short = np.full((n_r, n_i), -1)
        self.final_on_hand = np.zeros((n_r, n_l, n_i))
        self.short_days = np.zeros((n_r, n_l, n_i))
        self.any_item_short_days = np.zeros((n_r, n_l))
        self.circle_short_days = np.zeros((n_r, n_i))
        self.circle_any_item_short_days = np.zeros(n_r)
        self._counts = Counts(
            self.sums,
            self.compliant_days,
            self.first_short,
            self.circle_compliant_days,
            self.circle_first_short,
            self.short_days,
            self.any_item_short_days,
            self.circle_short_days,
            self.circle_any_item_short_days,
        )

    def fold(
        self,
        day: int,
        demand: np.ndarray,
        flows: tuple[np.ndarray, ...],
        on_hand: np.ndarray,
        counted: np.ndarray,
        required: np.ndarray,
        circle_required: np.ndarray,
        agreements: np.ndarray,
        min_physical_share: float,
    ) -> None:
        """Add day ``day``: its demand and flows (SUMMED order, served first), end-of-day stock and
        the part of it the reserve check counts, the required reserve per location (R, L, I) and
        for the circle (R, I), and the agreement units the check counts with the minimum share of
        required on hand (``supply.reserve.meets``)."""
        today = Day(day, demand, flows, on_hand, counted, required, circle_required, agreements, min_physical_share)
        _fold(today, self._counts)
        _fold_short(day, demand, flows[0], self._counts)
        self.final_on_hand[:] = on_hand

    def total(self, name: str) -> np.ndarray:
        """The sum over the days folded in of ``name``, one of FOLDED."""
        return self.sums[FOLDED.index(name)]

    @classmethod
    def of_days(
        cls,
        demand: np.ndarray,
        daily: dict[str, np.ndarray],
        required: np.ndarray,
        circle_required: np.ndarray,
        separate: bool = False,
        agreements: np.ndarray | None = None,
        min_physical_share: float = 1.0,
    ) -> DayTotals:
        """The totals of whole daily arrays (R, H, L, I), folded in day by day; with ``separate``
        pools the reserve check counts the reserve alone, and ``agreements`` (R, H, L, I) the
        agreement units it counts (none: 0)."""
        n_r, horizon, n_l, n_i = demand.shape
        out = cls(n_r, n_l, n_i)
        counted = daily["reserve_on_hand" if separate else "on_hand"]
        none = np.zeros((n_r, n_l, n_i))
        for t in range(horizon):
            flows = tuple(daily[k][:, t] for k in SUMMED)
            on_hand = daily["on_hand"][:, t]
            agreed = none if agreements is None else agreements[:, t]
            out.fold(
                t,
                demand[:, t],
                flows,
                on_hand,
                counted[:, t],
                required[:, t],
                circle_required[:, t],
                agreed,
                min_physical_share,
            )
        return out


@njit(cache=True)
def _fold(d: Day, counts: Counts) -> None:
    """Fold day ``d`` into ``counts``: sums += demand, each flow and the closing stock of both pools
    (stock-days held); a location and item passes the reserve check (``meets``) on counted closing
    stock and counted agreement units against required, the circle on the sums of both over its
    locations."""
    day, demand, flows, on_hand, counted, required, circle_required, agreements, share = d
    sums, ok, circle_ok = counts.sums, counts.compliant_days, counts.circle_compliant_days
    n_r, n_l, n_i = demand.shape
    for r in range(n_r):
        for i in range(n_i):
            stock = 0.0
            agreed = 0.0
            for c in range(n_l):
                sums[0, r, c, i] += demand[r, c, i]
                for k in range(len(flows)):
                    sums[k + 1, r, c, i] += flows[k][r, c, i]
                sums[len(flows) + 1, r, c, i] += on_hand[r, c, i]
                if meets(counted[r, c, i], required[r, c, i], agreements[r, c, i], share):
                    ok[r, c, i] += 1
                stock += counted[r, c, i]
                agreed += agreements[r, c, i]
            if meets(stock, circle_required[r, i], agreed, share):
                circle_ok[r, i] += 1


def _fold_short(day: int, demand: np.ndarray, served: np.ndarray, counts: Counts) -> None:
    """A location is short of an item where demand - served > TOL, the circle where any of its
    locations is; the first short day is kept and every short day counted, per item and for any item."""
    _, _, first, _, circle_first, short_days, any_short_days, circle_short_days, circle_any_days = counts
    short = demand - served > TOL  # (R, L, I)
    circle = short.any(axis=1)  # (R, I)
    first[(first < 0) & short] = day
    circle_first[(circle_first < 0) & circle] = day
    short_days += short
    any_short_days += short.any(axis=2)
    circle_short_days += circle
    circle_any_days += circle.any(axis=1)
