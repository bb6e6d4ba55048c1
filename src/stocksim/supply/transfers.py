"""Mutual aid (联供): cities short of stock ask, depots and better-stocked cities ship.

Each day after the day's demand, a city whose days of cover (on hand in both pools + carriage
and transfers on the road to it + supplier deliveries due within ``request_up_to_days``, over
its basis: the trailing burn rate, or the daily max with ``basis: daily_max``) fall below
``request_below_days`` asks for enough to reach ``request_up_to_days``. The most urgent request
is met first. Depots (a provincial reserve, no demand of their own) ship first, nearest first;
then, if transfers between cities are enabled, donor cities, nearest first or largest surplus
first. A donor city never goes below ``donor_keeps_days`` of its own basis in the stock it may
give (working stock; both pools with ``from_reserve``). Cooldown: a city that received an item
does not give it, and one that gave an item does not ask for it, for ``cooldown_days`` from the
day the shipment left (so no pair ships an item back and forth).
Shipments leave first-expiry-first-out and travel for the road time: km / speed_kmh +
handling_hours, rounded up to whole days. Axes as in ``stocksim.supply``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.scenario.schema import Scenario
from stocksim.supply.inventory import Lots
from stocksim.supply.reserve import cover_of

HOURS_PER_DAY = 24.0
# hours / 24 of a trip of exactly n days can come out a hair above n: it still takes n days, not n + 1
WHOLE_DAYS_SLACK = 1e-12
ACROSS_TOWN_KM = 5.0  # a depot and a city in the same city are a short drive apart, not 0 km
# Donor ranks put every depot before every city: a city's rank is its km plus more km than any
# road in the province (nearest_first), a depot's key its km minus more units than any surplus
# (largest_surplus_first, where a city's key is minus its surplus).
CITY_AFTER_DEPOTS_KM = 1e9
DEPOT_BEFORE_CITIES = 1e12


def travel_days(s: Scenario, km: np.ndarray) -> np.ndarray:
    """Whole days on the road between locations (L, L): ceil((km / speed + handling hours) / 24)
    (a trip of a few hours arrives the next day; none at all, the same day)."""
    t = s.transfers
    hours = km / t.speed_kmh + t.handling_hours
    days = np.ceil(hours / HOURS_PER_DAY - WHOLE_DAYS_SLACK).astype(int)
    np.fill_diagonal(days, 0)
    return days


def location_km(s: Scenario, city_km: np.ndarray) -> np.ndarray:
    """Distances between locations (L, L): a depot sits in its city (``ACROSS_TOWN_KM`` from a
    city in the same one)."""
    index = {c: k for k, c in enumerate(s.city_ids)}
    where = [index[c.id] for c in s.cities] + [index[d.city] for d in s.depots]
    km = city_km[np.ix_(where, where)].astype(float)
    same = np.equal.outer(where, where) & ~np.eye(len(where), dtype=bool)
    km[same] = ACROSS_TOWN_KM
    return km


class Positions(NamedTuple):
    """What each location holds and needs, (R, L, I) each unless noted."""

    on_hand: np.ndarray  # what a city may use: working stock, and its reserve once released
    inbound: np.ndarray  # carriage and transfers on the road to it, supplier deliveries due soon
    daily: np.ndarray  # the basis days are counted on: burn rate or daily max
    givable: np.ndarray  # what it may ship, and keeps its floor in: working stock (or both pools; a depot: all)
    floor: np.ndarray  # units a depot never ships (keeps_days x the circle's daily max)
    allowed: np.ndarray  # (R, L, C, I) bool: whether the location may ship to the city today


class Network(NamedTuple):
    """Who can give to whom."""

    is_depot: np.ndarray  # (L,) bool
    nearest: np.ndarray  # (L, L) each requester's donors, depots first, then by km; itself last
    km: np.ndarray  # (L, L)
    n_cities: int


class Gate(NamedTuple):
    """The cooldown, (R, L, I) bool each: whether the location may give the item today, and ask
    for it."""

    may_give: np.ndarray
    may_ask: np.ndarray


class Rules(NamedTuple):
    """The mutual-aid settings (``transfers`` in the scenario), in days of the basis."""

    cities_give: bool  # cities give as well as depots
    by_surplus: bool  # donor cities largest surplus first, else nearest first
    below: float  # a city asks when its days of cover fall below this
    up_to: float  # ... for enough to reach this
    keeps: float  # a donor city keeps this much


class Matched(NamedTuple):
    """Where ``_match`` writes the day's shipments: one column of ``coords`` (4, N: r, donor,
    city, item) and one entry of ``qty`` (N,) each, and what each location sends (R, L, I)."""

    coords: np.ndarray
    qty: np.ndarray
    sent: np.ndarray


class Flows(NamedTuple):
    """One day's shipments, one entry each: replication, donor location, recipient city, item,
    units; and the units each location sends (R, L, I)."""

    r: np.ndarray
    donor: np.ndarray
    city: np.ndarray
    item: np.ndarray
    quantity: np.ndarray
    sent: np.ndarray


class TransferPlanner:
    """The mutual-aid rules and the roads between locations, made ready once for a batch."""

    def __init__(self, s: Scenario, km: np.ndarray):
        self.cfg = s.transfers
        self.n_cities = len(s.cities)
        self.n_locations = len(s.location_ids)
        self.km = np.ascontiguousarray(km, dtype=float)
        self.days = travel_days(s, km)
        is_depot = np.arange(self.n_locations) >= self.n_cities
        rank = np.where(is_depot[None, :], 0.0, CITY_AFTER_DEPOTS_KM) + km
        np.fill_diagonal(rank, np.inf)
        nearest = np.argsort(rank, axis=1, kind="stable")  # (L, L)
        self._network = Network(is_depot, nearest, self.km, self.n_cities)
        cfg = self.cfg
        self._rules = Rules(
            cfg.enabled,
            cfg.matching == "largest_surplus_first",
            float(cfg.request_below_days),
            float(cfg.request_up_to_days),
            float(cfg.donor_keeps_days),
        )
        self._buffer: tuple[np.ndarray, np.ndarray] | None = None
        self.cooldown = cfg.cooldown_days
        # The last day each location received and gave each item (R, L, I), made on the first plan.
        self._last: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def active(self) -> bool:
        """Whether anything can ever move: transfers between cities are on, or there are depots."""
        return self.cfg.enabled or self.n_locations > self.n_cities

    def gate(self, day: int, shape: tuple[int, ...]) -> Gate:
        """Who may give and ask on ``day``: not a location that received (gave) the item fewer than
        ``cooldown_days`` days ago."""
        if self._last is None or self._last[0].shape != shape:
            never = -(10**9)
            self._last = (np.full(shape, never, np.int64), np.full(shape, never, np.int64))
        received, gave = self._last
        return Gate(day - received >= self.cooldown, day - gave >= self.cooldown)

    def plan(self, pos: Positions, day: int) -> Flows | None:
        """The day's shipments, or None when nothing moves; remembers who gave and received."""
        on_hand = pos.on_hand
        n_r, n_l, n_i = on_hand.shape
        gate = self.gate(day, on_hand.shape)
        size = n_r * n_i * self.n_cities * n_l  # at most one shipment per replication, item, requester, donor
        if self._buffer is None or self._buffer[1].size < size:
            self._buffer = (np.empty((4, size), dtype=np.int64), np.empty(size))
        index, qty = self._buffer
        out = Matched(index, qty, np.zeros((n_r, n_l, n_i)))
        n = _match(pos, self._network, self._rules, gate, out)
        if not n:
            return None
        r, d, c, i = index[:, :n].copy()
        assert self._last is not None
        self._last[0][r, c, i] = day
        self._last[1][r, d, i] = day
        return Flows(r, d, c, i, qty[:n].copy(), out.sent)


@njit(cache=True)
def _match(pos: Positions, net: Network, rules: Rules, gate: Gate, out: Matched) -> int:
    """Match requests and donors, replication by replication and item by item. A city asks
    (unless ``gate`` says it gave the item lately) when its days of cover, (on hand + inbound) /
    basis, are below ``below``, for up_to x basis - (on hand + inbound); a city (when cities give,
    and unless it received the item lately) can give what its ``givable`` stock has above keeps
    x basis, a depot what it has on hand above its ``floor``. Requests are met most urgent (fewest
    days of cover) first, each from its donors in turn, a donor allowed to ship to the city giving min(what is
    still asked, its surplus). Writes the shipments to ``out``; returns their number."""
    on_hand, inbound, daily, givable, floor, allowed = pos
    is_depot, nearest, _, n_c = net
    coords, qty, sent = out
    n_r, n_l, n_i = on_hand.shape
    n = 0
    cover, need = np.empty(n_c), np.empty(n_c)
    surplus, key = np.empty(n_l), np.empty(n_l)
    for r, i in np.ndindex(n_r, n_i):
        asked = 0.0
        for c in range(n_c):
            dm = float(daily[r, c, i])
            position = float(on_hand[r, c, i] + inbound[r, c, i])
            cover[c] = cover_of(position, dm)
            asks = cover[c] < rules.below and gate.may_ask[r, c, i]
            need[c] = max(rules.up_to * dm - position, 0.0) if asks else 0.0
            asked += need[c]
        available = 0.0
        for k in range(n_l):
            held = float(givable[r, k, i])
            gives = rules.cities_give and gate.may_give[r, k, i]
            spare = max(held - rules.keeps * daily[r, k, i], 0.0) if gives else 0.0
            surplus[k] = max(held - floor[r, k, i], 0.0) if is_depot[k] else spare
            available += surplus[k]
        if asked <= 0.0 or available <= 0.0:
            continue
        for req in np.argsort(cover, kind="mergesort"):
            left = min(need[req], available)
            if left <= 0.0:
                continue
            donors = _largest_surplus_first(req, surplus, net, key) if rules.by_surplus else nearest[req]
            # The requester itself comes last and is left out. Once nothing is left to ask, every
            # later donor would give min(0, surplus) = 0 and is passed over.
            for j in range(n_l - 1):
                donor = donors[j]
                give = min(left, surplus[donor])
                if donor == req or give <= 0.0 or not allowed[r, donor, req, i]:
                    continue
                left -= give
                surplus[donor] -= give
                sent[r, donor, i] += give
                coords[0, n], coords[1, n], coords[2, n], coords[3, n] = r, donor, req, i
                qty[n] = give
                n += 1
            available = 0.0
            for k in range(n_l):
                available += surplus[k]
    return n


@njit(cache=True, inline="always")
def _largest_surplus_first(req: int, surplus: np.ndarray, net: Network, key: np.ndarray) -> np.ndarray:
    """The order in which locations give to city ``req`` under ``largest_surplus_first`` (L,;
    ``req`` itself last): depots nearest first, then cities by ``surplus`` (L,), largest first."""
    for k in range(len(key)):
        key[k] = net.km[req, k] - DEPOT_BEFORE_CITIES if net.is_depot[k] else -surplus[k]
    key[req] = np.inf
    return np.argsort(key, kind="mergesort")


@njit(cache=True)
def route(flows: Flows, parcel: Lots, days: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, ...]:
    """Split what each donor sent (``parcel``: lots (R, L, I, K) and (R, L, I) by donor) among its
    recipients in proportion to the shipments: shipment k gets a fraction quantity_k / sent of
    its donor's lots. ``days`` and ``km`` (L, C) are from donor to recipient city. Returns the
    parcels by days on the road (T = 0 .. max(days)), expiring (T, R, L, I, K) and durable (T, R,
    L, I) indexed by recipient; the units each city receives (R, C, I) and their unit-km (R, C, I)."""
    r, donor, city, item, quantity, sent = flows
    expiring, durable = parcel
    n_r, n_l, n_i, n_k = expiring.shape
    n_c = km.shape[1]
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
