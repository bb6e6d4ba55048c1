"""Crisis practice: one item standing in for another that has run out (``substitutes``).

What it models. Planning guidance distinguishes conventional, contingency and crisis capacity; in
a crisis a hospital that is out of an item uses another that protects nearly as well (KN95
respirators for medical N95s, isolation gowns for protective coveralls). Here, when a city's stock of
an item - its working stock, then its reserve if released - cannot meet the day's demand, and the
city's response level in force is at least the rule's ``from_level``, the rest is served by the
substitute ``by``: ``ratio`` units of ``by`` per unit of the item, from the substitute's working
stock first-expiry-first-out, then from its reserve held apart if that is released (by the rule
that releases it for its own demand, ``reserve.release``). Unmet demand is what neither could serve.

Order within the demand step: every item's own demand is served first (so a substitute serves its
own users before it stands in for anything), then the rules act in the order they are listed
(an item with two substitutes draws on the first listed first; an item used up as a substitute
is not there for a later rule).

Recorded per day, location and item: ``covered`` on the substituted item's rows (units of the item
whose demand the substitute met: part of its ``served``), ``used`` on the substitute's rows (units
of the substitute taken out of its stock for another item), ``from_reserve`` the part of ``used``
that came from the substitute's reserve (counted in its ``released``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stocksim.scenario.schema import LEVEL_NAMES, Scenario
from stocksim.supply.inventory import Stock
from stocksim.supply.reserve import TOL


class Substituted(NamedTuple):
    """One day's substitutions, arrays (R, L, I)."""

    covered: np.ndarray  # units of an item's demand served by its substitutes
    used: np.ndarray  # units of an item used as a substitute for others
    from_reserve: np.ndarray  # the part of ``used`` taken from the reserve held apart


class Substitutes:
    """The scenario's substitution rules, one entry per rule in the order listed: the item, its
    substitute (``by``), units of ``by`` per unit of the item (``ratio``) and the lowest level code
    in force at which the rule applies."""

    def __init__(self, s: Scenario):
        ids = s.item_ids
        self.item = [ids.index(x.item) for x in s.substitutes]
        self.by = [ids.index(x.by) for x in s.substitutes]
        self.ratio = [x.ratio for x in s.substitutes]
        self.from_level = [LEVEL_NAMES.index(x.from_level) for x in s.substitutes]

    @classmethod
    def of(cls, s: Scenario) -> Substitutes | None:
        """The scenario's rules, or None when it has none."""
        return cls(s) if s.substitutes else None

    def serve(
        self, left: np.ndarray, level: np.ndarray, working: Stock, reserve: Stock | None, gate: np.ndarray | None
    ) -> Substituted:
        """Serve what is ``left`` of the day's demand (R, L, I; reduced in place by what the
        substitutes cover) from the substitutes' ``working`` stock, then from their ``reserve``
        where ``gate`` (R, L, I) releases it, in the cities whose level code in force ``level`` (R, C)
        is at least each rule's. Per rule: wanted = left[item] x ratio units of ``by``; covered =
        used / ratio units of the item."""
        out = Substituted(np.zeros(left.shape), np.zeros(left.shape), np.zeros(left.shape))
        n_c = level.shape[1]
        for item, by, ratio, from_level in zip(self.item, self.by, self.ratio, self.from_level, strict=True):
            short = np.where(left[:, :n_c, item] > TOL, left[:, :n_c, item], 0.0) * (level >= from_level)
            if not short.any():
                continue
            want = np.zeros(left.shape)
            want[:, :n_c, by] = short * ratio
            got = working.issue(want)
            if reserve is not None and gate is not None:
                extra = reserve.issue((want - got) * gate)
                out.from_reserve[:] += extra
                got += extra
            cover = np.minimum(got[:, :, by] / ratio, left[:, :, item])
            left[:, :, item] -= cover
            out.covered[:, :, item] += cover
            out.used[:, :, by] += got[:, :, by]
        return out
