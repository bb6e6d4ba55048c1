"""Mutual aid (联供): cities short of stock ask, depots and better-stocked cities ship.

Each day after the day's demand, a city whose days of cover (on hand + inbound, over its daily
max) fall below ``request_below_days`` asks for enough to reach ``request_up_to_days``. The most
urgent request is met first. Depots (a provincial reserve, no demand of their own) ship first,
nearest first; then, if transfers between cities are enabled, donor cities, nearest first or
largest surplus first. A donor never goes below ``donor_keeps_days`` of its own daily max.
Shipments leave first-expiry-first-out and travel for the road time: km / speed_kmh +
handling_hours, rounded up to whole days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from stocksim.scenario.schema import Scenario


def travel_days(s: Scenario, km: np.ndarray) -> np.ndarray:
    """Whole days on the road between locations: km / speed + handling hours, rounded up to whole
    days (a trip of a few hours arrives the next day; none at all, the same day)."""
    t = s.transfers
    hours = km / t.speed_kmh + t.handling_hours
    days = np.ceil(hours / 24.0 - 1e-12).astype(int)
    np.fill_diagonal(days, 0)
    return days


def location_km(s: Scenario, city_km: np.ndarray) -> np.ndarray:
    """Distances between locations: a depot sits in its city (a few km from a city in the same one)."""
    index = {c: k for k, c in enumerate(s.city_ids)}
    where = [index[c.id] for c in s.cities] + [index[d.city] for d in s.depots]
    km = city_km[np.ix_(where, where)].astype(float)
    same = np.equal.outer(where, where) & ~np.eye(len(where), dtype=bool)
    km[same] = 5.0  # across town
    return km


class TransferPlanner:
    def __init__(self, s: Scenario, km: np.ndarray):
        self.cfg = s.transfers
        self.n_cities = len(s.cities)
        self.n_locations = len(s.location_ids)
        self.km = np.ascontiguousarray(km, dtype=float)
        self.days = travel_days(s, km)
        is_depot = np.arange(self.n_locations) >= self.n_cities
        # Rank of each donor for each requester under nearest_first: depots before cities, then by km.
        rank = np.where(is_depot[None, :], 0.0, 1e9) + km
        np.fill_diagonal(rank, np.inf)
        self._nearest = np.argsort(rank, axis=1, kind="stable")  # (C+D, L)
        self._is_depot = is_depot
        self._buffer: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def active(self) -> bool:
        return self.cfg.enabled or self.n_locations > self.n_cities

    def plan(self, on_hand: np.ndarray, inbound: np.ndarray, daily: np.ndarray) -> Flows | None:
        """The day's shipments, or None when nothing moves. ``daily`` is the daily max (R, L, I)."""
        cfg = self.cfg
        n_r, n_l, n_i = on_hand.shape
        size = n_r * n_i * self.n_cities * n_l  # at most one shipment per replication, item, requester, donor
        if self._buffer is None or self._buffer[1].size < size:
            self._buffer = (np.empty((4, size), dtype=np.int64), np.empty(size))
        index, qty = self._buffer
        sent = np.zeros((n_r, n_l, n_i))
        n = _match(
            on_hand,
            inbound,
            daily,
            self._is_depot,
            self._nearest,
            self.km,
            cfg.enabled,
            cfg.matching == "largest_surplus_first",
            float(cfg.request_below_days),
            float(cfg.request_up_to_days),
            float(cfg.donor_keeps_days),
            self.n_cities,
            index,
            qty,
            sent,
        )
        if not n:
            return None
        r, d, c, i = index[:, :n].copy()
        return Flows(r, d, c, i, qty[:n].copy(), sent)


@dataclass
class Flows:
    """One day's shipments, one entry each: replication, donor location, recipient city, item,
    units; and the units each location sends (R, L, I)."""

    r: np.ndarray
    donor: np.ndarray
    city: np.ndarray
    item: np.ndarray
    quantity: np.ndarray
    sent: np.ndarray


@njit(cache=True)
def _match(
    on_hand, inbound, daily, is_depot, nearest, km, cities_give, by_surplus, below, up_to, keeps, n_c, index, qty, sent
):
    """Match requests and donors, replication by replication and item by item: requests most
    urgent (fewest days of cover) first, each from its donors in turn. Writes the shipments to
    ``index`` (r, donor, city, item) and ``qty`` and what each donor sends to ``sent``; returns
    the number of shipments."""
    n_r, n_l, n_i = on_hand.shape
    n = 0
    cover = np.empty(n_c)
    need = np.empty(n_c)
    surplus = np.empty(n_l)
    key = np.empty(n_l)
    for r in range(n_r):
        for i in range(n_i):
            asked = 0.0
            for c in range(n_c):
                dm = daily[r, c, i]
                position = on_hand[r, c, i] + inbound[r, c, i]
                cover[c] = position / dm if dm > 0 else np.inf
                need[c] = max(up_to * dm - position, 0.0) if cover[c] < below else 0.0
                asked += need[c]
            if asked <= 0.0:
                continue
            available = 0.0
            for k in range(n_l):
                if is_depot[k]:
                    surplus[k] = on_hand[r, k, i]
                elif cities_give:
                    surplus[k] = max(on_hand[r, k, i] - keeps * daily[r, k, i], 0.0)
                else:
                    surplus[k] = 0.0
                available += surplus[k]
            if available <= 0.0:
                continue
            for req in np.argsort(cover, kind="mergesort"):
                left = min(need[req], available)
                if left <= 0.0:
                    continue
                if by_surplus:  # depots (nearest first), then cities by surplus, largest first
                    for k in range(n_l):
                        key[k] = km[req, k] - 1e12 if is_depot[k] else -surplus[k]
                    key[req] = np.inf
                    donors = np.argsort(key, kind="mergesort")
                else:
                    donors = nearest[req]
                for j in range(n_l - 1):
                    donor = donors[j]
                    if left <= 0.0:
                        break
                    give = min(left, surplus[donor])
                    if donor == req or give <= 0.0:
                        continue
                    left -= give
                    surplus[donor] -= give
                    sent[r, donor, i] += give
                    index[0, n], index[1, n], index[2, n], index[3, n] = r, donor, req, i
                    qty[n] = give
                    n += 1
                available = 0.0
                for k in range(n_l):
                    available += surplus[k]
    return n


@njit(cache=True)
def route(r, donor, city, item, quantity, sent, expiring, durable, days, km, n_c):
    """Split what each donor sent (a parcel of expiring lots (R, L, I, K) and durable units
    (R, L, I)) among its recipients in proportion to the shipments. Returns the parcels by days
    on the road (0..max(days)), expiring (D + 1, R, L, I, K) and durable (D + 1, R, L, I) indexed
    by recipient; the units each city receives (R, C, I) and their unit-km (R, C, I)."""
    n_r, n_l, n_i, n_k = expiring.shape
    span = days.max() + 1
    out_exp = np.zeros((span, n_r, n_l, n_i, n_k))
    out_dur = np.zeros((span, n_r, n_l, n_i))
    received = np.zeros((n_r, n_c, n_i))
    unit_km = np.zeros((n_r, n_c, n_i))
    for k in range(len(quantity)):
        a, d, c, i, q = r[k], donor[k], city[k], item[k], quantity[k]
        f = q / sent[a, d, i]
        o = days[d, c]
        received[a, c, i] += q
        unit_km[a, c, i] += q * km[d, c]
        out_dur[o, a, c, i] += durable[a, d, i] * f
        for b in range(n_k):
            out_exp[o, a, c, i, b] += expiring[a, d, i, b] * f
    return out_exp, out_dur, received, unit_km
