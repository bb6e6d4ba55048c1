"""Suppliers and ordering.

Suppliers have a capacity per item per day, shared by all buyers first come first served: the
orders placed at one review form a cohort, each day's capacity fills the oldest cohort first,
and buyers within one cohort (orders placed the same day) share in proportion to what they
asked. Each day's shipment travels for a lead time drawn per shipment, multiplied in a
disruption window, at least one day. An order is priced when it is placed (the price factor of
that day), paid as it ships. An item carried by several suppliers is ordered from each in
proportion to their capacity.

Independent procurement (``mode: independent``) is a periodic review [R, s, S] policy per
city and item: every ``review_every_days`` [R], when on hand + on order is at or below the
reorder point [s = reorder_point_days x daily max], order up to [S = order_up_to_days x daily
max], in whole units.
"""

from __future__ import annotations

import numpy as np

from stocksim.config import Scenario
from stocksim.params import BatchParams


def review_days(s: Scenario) -> np.ndarray:
    p = s.procurement
    if p.mode == "none":
        return np.array([], dtype=int)
    return np.arange(p.first_review_day, s.horizon_days, p.review_every_days)


def order_quantity(position: np.ndarray, reorder_point: np.ndarray, order_up_to: np.ndarray) -> np.ndarray:
    """Whole units to order for each (R, C, I) under the [s, S] rule."""
    return np.where(position <= reorder_point, np.ceil(np.maximum(order_up_to - position, 0.0)), 0.0)


class SupplierBook:
    """Open orders at every supplier, as cohorts by review: ``open[r, s, c, i, p]``."""

    def __init__(self, s: Scenario, p: BatchParams):
        n_r, n_s, n_c, n_i = p.size, len(s.suppliers), len(s.cities), len(s.items)
        self.order_days = review_days(s)
        self.open = np.zeros((n_r, n_s, n_c, n_i, len(self.order_days)))
        self.price = np.zeros((n_r, n_s, len(self.order_days)))
        total = p.capacity.sum(axis=1, keepdims=True)
        self.share = np.divide(p.capacity, total, out=np.zeros_like(p.capacity), where=total > 0)
        # An item nobody can currently make still goes to its suppliers in equal parts.
        self.share = np.where(total > 0, self.share, 1.0 / max(n_s, 1))
        self._params = p
        self._placed = 0  # cohorts placed so far
        self._oldest = 0  # cohorts before this one are filled everywhere

    def place(self, day: int, quantity: np.ndarray) -> int:
        """Record the orders (R, C, I) of the review on ``day``; returns the cohort index."""
        k = self._placed
        self.open[..., k] = quantity[:, None] * self.share[:, :, None, :]
        self.price[:, :, k] = self._params.price_factor[:, :, day]
        self._placed += 1
        return k

    def ship(self, day: int) -> tuple[np.ndarray, int]:
        """Fill open orders from the day's capacity. Returns the shipped units
        (R, S, C, I, W) for cohorts ``first .. first+W-1`` and ``first``."""
        while self._oldest < self._placed and not self.open[..., self._oldest].any():
            self._oldest += 1
        lo, hi = self._oldest, self._placed
        p = self._params
        window = self.open[..., lo:hi]
        if hi == lo:
            return window.copy(), lo
        wanted = window.sum(axis=2)  # (R, S, I, W)
        ahead = np.cumsum(wanted, axis=-1) - wanted
        capacity = (p.capacity * p.capacity_factor[:, :, day, None])[..., None]
        filled = np.clip(capacity - ahead, 0.0, wanted)
        fraction = np.divide(filled, wanted, out=np.zeros_like(wanted), where=wanted > 0)
        shipped = window * fraction[:, :, None]
        window -= shipped
        # Orders filled to within a rounding error count as filled.
        window[window < 1e-9] = 0.0
        return shipped, lo
