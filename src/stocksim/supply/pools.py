"""The reserve held apart from working stock, and agreement reserves (``reserve.pools: separate``).

What it models. A city keeps two stocks of each item: working stock (周转库存), which serves the
day's use and is reordered under the [s, S] rule, and the reserve (储备), held apart and counted by
the reserve rule. The reserve is touched only when it is released: the city's response level
reaches ``release.at_level``, or (``release.when_working_out``) working stock falls short of the
day's demand; then it serves what working stock could not. It is replenished by orders of its own,
up to ``target_days`` x the daily max, delivered into the reserve; it is rotated: lots within
``rotate_before_expiry_days`` of expiry move to working stock, which issues them first, and the
next review orders them back. Agreement reserves (协议储备) are units that enterprises hold for a
city under an agreement: not on the city's shelves, called once, when the city's reserve is
released, and delivered ``call_days`` later into working stock.

This module holds the two pools' state and rules; the steps of the day that act on them are in
``pool_steps``, the day itself in ``day``.
"""

from __future__ import annotations

import numpy as np

from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.supply.inventory import Stock
from stocksim.supply.procurement import nearest_units
from stocksim.supply.records import Inputs


class Reserve:
    """The cities' reserve held apart from working stock (``reserve.pools: separate``): its lots,
    what is on order for it, its target and when it is released, arrays (R, C, I) unless noted."""

    def __init__(self, s: Scenario, x: Inputs, n_c: int, first_buyer: int):
        r = s.reserve
        self.stock = Stock(s, x.params.size, "reserve")  # (R, L, I): the depots' rows stay empty
        self.on_order = np.zeros((x.params.size, n_c, len(s.items)))
        target_days = r.coverage_days if r.target_days is None else r.target_days
        self.target = nearest_units(target_days * x.daily_max[:, :n_c])
        self.buyers = slice(first_buyer, first_buyer + n_c)  # the cities' reserve orders at the suppliers
        self.rotate_days = r.rotate_before_expiry_days
        self.at_level = LEVEL_NAMES.index(r.release.at_level)
        self.when_working_out = r.release.when_working_out
        self.depot_level = np.array([LEVEL_NAMES.index(d.release_at_level or r.release.at_level) for d in s.depots])

    def released(self, level: np.ndarray) -> np.ndarray:
        """Whether each city's reserve is released by its response level (R, C) alone."""
        return level >= self.at_level


class Agreements:
    """Agreement reserves (协议储备), arrays (R, C, I): units enterprises hold for the cities, not
    called yet; each city and item's are called once, all together, and arrive ``call_days``
    (C, I) later. ``inbound``: what arrives on each day, (R, L, I)."""

    def __init__(self, s: Scenario, n_r: int):
        n_c, n_i = len(s.cities), len(s.items)
        quantity = np.zeros((n_c, n_i))
        self.call_days = np.zeros((n_c, n_i), dtype=np.int64)
        for c, city in enumerate(s.cities):
            for a in city.agreements:
                j = s.item_ids.index(a.item)
                quantity[c, j], self.call_days[c, j] = a.quantity, a.call_days
        self.uncalled = np.broadcast_to(quantity, (n_r, n_c, n_i)).copy()
        self.any_uncalled = bool(quantity.any())  # whether any unit is left to call
        self.inbound: dict[int, np.ndarray] = {}

    @classmethod
    def of(cls, s: Scenario, n_r: int) -> Agreements | None:
        """The scenario's agreements, or None when no city has any."""
        return cls(s, n_r) if any(city.agreements for city in s.cities) else None
