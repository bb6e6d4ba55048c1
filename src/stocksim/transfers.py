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

import math

import numpy as np

from stocksim.config import Scenario


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
        self.km = km
        self.days = travel_days(s, km)
        self.depots_only = not self.cfg.enabled
        is_depot = np.arange(self.n_locations) >= self.n_cities
        # Rank of each donor for each requester under nearest_first: depots before cities, then by km.
        rank = np.where(is_depot[None, :], 0.0, 1e9) + km
        np.fill_diagonal(rank, np.inf)
        self._nearest = np.argsort(rank, axis=1, kind="stable")  # (C+D, L)
        self._is_depot = is_depot

    @property
    def active(self) -> bool:
        return self.cfg.enabled or self.n_locations > self.n_cities

    def plan(self, on_hand: np.ndarray, inbound: np.ndarray, daily: np.ndarray) -> np.ndarray:
        """Flows (R, from location, to city, I) for one day. ``daily`` is the daily max (R, L, I)."""
        cfg, n_c = self.cfg, self.n_cities
        n_r, n_l, n_i = on_hand.shape
        position = on_hand + inbound
        dm = daily[:, :n_c]
        with np.errstate(divide="ignore", invalid="ignore"):
            cover = np.where(dm > 0, position[:, :n_c] / dm, np.inf)
        need = np.where(
            cover < cfg.request_below_days, np.maximum(cfg.request_up_to_days * dm - position[:, :n_c], 0), 0
        )
        flows = np.zeros((n_r, n_l, n_c, n_i))
        if not need.any():
            return flows
        surplus = np.where(self._is_depot[None, :, None], on_hand, 0.0)
        if cfg.enabled:
            keep = cfg.donor_keeps_days * daily
            surplus[:, :n_c] = np.maximum(on_hand[:, :n_c] - keep[:, :n_c], 0.0)
        available = surplus.sum(axis=1)  # (R, I): what all donors together can still give
        if not (np.minimum(need.sum(axis=1), available) > 0).any():
            return flows
        order = np.argsort(cover, axis=1, kind="stable")  # most urgent first
        r_idx, i_idx = np.ogrid[:n_r, :n_i]
        for rank in range(n_c):
            req = order[:, rank, :]  # (R, I)
            left = np.minimum(need[r_idx, req, i_idx], available)
            if not left.any():
                continue
            donors = self._donor_order(req, surplus)
            for j in range(n_l - 1):
                if not left.any():
                    break
                donor = donors[:, j, :]
                give = np.minimum(left, surplus[r_idx, donor, i_idx])
                give = np.where(donor == req, 0.0, give)
                left = left - give
                surplus[r_idx, donor, i_idx] -= give
                flows[r_idx, donor, req, i_idx] += give
            available = surplus.sum(axis=1)
        return flows

    def _donor_order(self, req: np.ndarray, surplus: np.ndarray) -> np.ndarray:
        """Donor locations in the order they are asked, (R, L, I), for requester cities ``req``."""
        if self.cfg.matching == "nearest_first":
            return np.moveaxis(self._nearest[req], -1, 1)
        # largest_surplus_first: depots (nearest first), then cities by surplus, largest first.
        n_r, n_l, n_i = surplus.shape
        km = np.moveaxis(self.km[req], -1, 1)  # (R, L, I): km from each location to the requester
        key = np.where(self._is_depot[None, :, None], km - 1e12, -surplus)
        self_mask = np.arange(n_l)[None, :, None] == req[:, None, :]
        key = np.where(self_mask, math.inf, key)
        return np.argsort(key, axis=1, kind="stable")
