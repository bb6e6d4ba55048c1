"""Production capacity held ready (产能储备): local producers that ramp up when a level is declared.

A supplier with ``surge: {at_level, capacity_factor, ramp_days}`` can make capacity_factor x its
base capacity. It answers to one response level: its ``city``'s (a local producer; the government
that declares the city's level is the one that switches its factories on), or, without a city,
the highest level in force in any city of the circle. With a_t = 1 on the days that level is at
or above ``at_level``, n = ramp_days and a counter

    k_t = min(k_{t-1} + 1, n) if a_t else max(k_{t-1} - 1, 0),    k_{-1} = 0,

the day's capacity is base x (1 + (capacity_factor - 1) x k_t / n): on the k-th day of the level
base + (capacity_factor - 1) x base x k / n, from the n-th day on capacity_factor x base; when the
level ends it comes down the same way, one n-th a day, from wherever it had reached (n = 0: up
and down at once). The multiplier multiplies a disruption window's capacity factor: a disrupted
producer surges from its disrupted capacity.

The levels of every day are decided by the epidemic before the day loop, so the whole path is
computed once per batch and folded into ``BatchParams.capacity_factor`` (R, S, H), which the
suppliers' fill reads day by day.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numba import njit

from stocksim.draws.params import BatchParams
from stocksim.scenario.schema import LEVEL_NAMES, Scenario


@njit(cache=True)
def _ramp(active: np.ndarray, ramp_days: np.ndarray) -> np.ndarray:
    """The share of the surge reached, k_t / n in [0, 1] (R, S, H), from ``active`` (R, S, H),
    True on the days the level a supplier answers to is at or above its ``at_level``, and each
    supplier's ramp_days n (S,): k rises by one a day while active and falls by one a day after,
    within 0 .. n (n = 0: the share is 1 exactly on active days)."""
    n_r, n_s, horizon = active.shape
    out = np.zeros(active.shape)
    for r in range(n_r):
        for s in range(n_s):
            n = ramp_days[s]
            k = 0
            for t in range(horizon):
                if n == 0:
                    out[r, s, t] = 1.0 if active[r, s, t] else 0.0
                    continue
                k = min(k + 1, n) if active[r, s, t] else max(k - 1, 0)
                out[r, s, t] = k / n
    return out


def answered_levels(s: Scenario, level: np.ndarray, suppliers: list[int]) -> np.ndarray:
    """The response level code each of ``suppliers`` answers to, per replication and day (R, S', H):
    its city's, or the highest of any city; ``level`` (R, H, C) codes in force."""
    circle = level.max(axis=2)
    cities = s.city_ids
    rows = [level[:, :, cities.index(c)] if (c := s.suppliers[k].city) is not None else circle for k in suppliers]
    return np.stack(rows, axis=1)


def with_surge(s: Scenario, p: BatchParams, level: np.ndarray) -> BatchParams:
    """``p`` with each surging supplier's capacity factor (R, S, H) multiplied by its ramp,
    1 + (capacity_factor - 1) x k_t / n; ``level`` (R, H, C) the level codes in force. ``p`` itself
    when no supplier surges."""
    surging = [k for k, sup in enumerate(s.suppliers) if sup.surge is not None]
    if not surging:
        return p
    surges = [s.suppliers[k].surge for k in surging]
    at = np.array([LEVEL_NAMES.index(g.at_level) for g in surges if g is not None])
    ramp_days = np.array([g.ramp_days for g in surges if g is not None], dtype=np.int64)
    active = answered_levels(s, level, surging) >= at[None, :, None]
    share = _ramp(active, ramp_days)  # (R, S', H)
    factor = p.capacity_factor.copy()
    factor[:, surging] *= 1.0 + (p.surge_factor[:, surging, None] - 1.0) * share
    return replace(p, capacity_factor=factor)
