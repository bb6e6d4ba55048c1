"""Stock on hand held as lots with an expiry day, issued first-expiry-first-out (FEFO).

A lot with ``expires_day = k`` may be used through day k-1 and is written off at the start of
day k. Stock for a batch of replications, all locations and all items lives in arrays shaped
(R, L, I, ...) (axes as in ``stocksim.supply``).

The representation is exact for everything the simulation reports, and cheap:
- lots that expire within the horizon sit in buckets keyed by their expiry day
  (``expiring[..., k]`` holds the units expiring on day ``keys[k]``); the keys are known in
  advance because a delivery on day t of item i expires on day t + shelf_life(i);
- lots that expire at or after the horizon are one pool per city and item (``durable``):
  within the horizon nothing in it expires, and FEFO always issues every expiring bucket
  before it (all their expiry days are earlier), so the order inside the pool changes no
  reported figure.
With shelf lives of years and a horizon of months the bucket axis is empty and issuing costs
a handful of array operations per day.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.scenario.schema import City, Depot, Scenario


class Lots(NamedTuple):
    """Units with their expiry: per expiry bucket (R, L, I, K) and in the durable pool (R, L, I).
    A location's stock is held as lots, and so is a parcel on the road."""

    expiring: np.ndarray
    durable: np.ndarray

    def scaled(self, factor: np.ndarray) -> Lots:
        """The same mix of expiry days, ``factor`` (R, L, I) times the quantity."""
        return Lots(self.expiring * factor[..., None], self.durable * factor)

    def add(self, other: Lots) -> None:
        """Put ``other`` (lots of the same shape) in with these, in place."""
        np.add(self.expiring, other.expiring, out=self.expiring)
        np.add(self.durable, other.durable, out=self.durable)


Parcel = Lots  # what travels: lots taken out of one stock, or a delivery, bound for a location


def opening_lots(s: Scenario, pool: str) -> list[tuple[int, int, float, int]]:
    """The opening lots of one pool, (location, item, quantity, expires_day): ``working`` (every
    location's ``stock`` and ``lots``; all of it with ``reserve.pools: single``) or ``reserve``
    (the cities' ``reserve`` and ``reserve_lots``)."""
    shelf = [it.shelf_life_days for it in s.items]
    item_index = {it.id: j for j, it in enumerate(s.items)}
    out = []
    locations: list[City | Depot] = [*s.cities, *s.depots]
    for c, location in enumerate(locations):
        if pool == "working":
            stock, lots = location.stock, location.lots
        elif isinstance(location, City):
            stock, lots = location.reserve, location.reserve_lots
        else:
            continue
        for item_id, qty in stock.items():
            j = item_index[item_id]
            out.append((c, j, qty, shelf[j]))  # on-hand stock counts as new on day 0
        for lot in lots:
            out.append((c, item_index[lot.item], lot.quantity, lot.expires_day))
    return out


class Stock:
    """Stock of every location (cities, then depots) of a batch: ``lots``, (R, L, I, K) and (R, L, I).

    ``pool`` is ``working`` (the stock used every day) or ``reserve`` (the cities' reserve held
    apart, ``reserve.pools: separate``). Both pools of a batch have the same expiry buckets, so a
    bucket can move from one to the other (rotation). Lots that a rotation N days before expiry
    may still move within the horizon (expiry before horizon + N) are kept in buckets too."""

    def __init__(self, s: Scenario, replications: int, pool: str = "working"):
        horizon, items = s.horizon_days, s.items
        shelf = np.array([it.shelf_life_days for it in items])
        initial = opening_lots(s, pool)
        every_lot = initial + (opening_lots(s, "reserve") if pool == "working" else opening_lots(s, "working"))
        rotation = s.reserve.rotate_before_expiry_days if s.reserve.pools == "separate" else None
        limit = horizon + (rotation or 0)  # lots expiring before this day go in buckets
        # Deliveries arrive from day 1 on; expiry days before the limit become bucket keys.
        delivered_expiry = np.arange(horizon)[None, :] + shelf[:, None]  # (I, H)
        keys = {e for *_, e in every_lot if e < limit}
        keys |= set(delivered_expiry[delivered_expiry < limit].tolist())
        self.keys = np.array(sorted(keys), dtype=int)  # (K,) the expiry day of each bucket
        key_of_day = np.full(limit + 1, -1)
        key_of_day[self.keys] = np.arange(len(self.keys))
        self._key_of_day = key_of_day
        self._delivery_key = np.where(delivered_expiry < limit, key_of_day[np.minimum(delivered_expiry, limit)], -1)
        n_l, n_i = len(s.cities) + len(s.depots), len(items)
        self.lots = Lots(np.zeros((replications, n_l, n_i, len(self.keys))), np.zeros((replications, n_l, n_i)))
        for c, j, qty, e in initial:
            if e < limit:
                self.lots.expiring[:, c, j, key_of_day[e]] += qty
            else:
                self.lots.durable[:, c, j] += qty
        self._live = 0  # buckets before this index have expired and are empty
        # Per bucket: whether anything may have been put in since it was last emptied (by a write-off
        # or a rotation out). A bucket not flagged holds exact zeros, so a rotation can pass it over.
        self._filled = np.asarray(self.lots.expiring.any(axis=(0, 1, 2)), dtype=bool)

    def on_hand(self) -> np.ndarray:
        """Units on hand (R, L, I)."""
        return _on_hand(self.lots, self._live)

    def write_off(self, day: int) -> np.ndarray | None:
        """Remove lots whose expiry day is ``day``; returns the units written off, or None."""
        k = self._key_of_day[day]
        if k < 0:
            return None
        out: np.ndarray = self.lots.expiring[..., k].copy()
        self.lots.expiring[..., k] = 0.0
        self._filled[k] = False
        self._live = k + 1
        return out

    def rotate_into(self, other: Stock, last_day: int) -> np.ndarray:
        """Move every lot expiring on or before ``last_day`` to ``other`` (a stock with the same
        buckets), keeping its expiry day; returns the units moved (R, L, I)."""
        end = int(np.searchsorted(self.keys, last_day, side="right"))
        if end <= self._live or not self._filled[self._live : end].any():
            return np.zeros(self.lots.durable.shape)  # nothing in these buckets: nothing moves
        moving = self.lots.expiring[..., self._live : end]
        other.lots.expiring[..., self._live : end] += moving
        other._filled[self._live : end] = True
        moved: np.ndarray = moving.sum(axis=-1)
        moving[:] = 0.0
        self._filled[self._live : end] = False
        return moved

    def delivery_parcel(self, day: int, quantity: np.ndarray) -> Parcel:
        """A delivery made on ``day`` (R, L, I) as a parcel of lots expiring shelf_life days later."""
        expiring = np.zeros(quantity.shape + (len(self.keys),))
        keys = self._delivery_key[:, day]
        for j in np.flatnonzero(keys >= 0):
            expiring[:, :, j, keys[j]] = quantity[:, :, j]
        return Parcel(expiring, np.where(keys >= 0, 0.0, quantity))

    def receive(self, day: int, quantity: np.ndarray) -> None:
        """Add a day's deliveries (R, L, I) as lots expiring ``shelf_life`` days later."""
        keys = self._delivery_key[:, day]
        bucketed = keys >= 0
        durable = self.lots.durable
        if not bucketed.any():
            np.add(durable, quantity, out=durable)
            return
        np.add(durable, np.where(bucketed, 0.0, quantity), out=durable)
        for j in np.flatnonzero(bucketed):
            self.lots.expiring[:, :, j, keys[j]] += quantity[:, :, j]
            self._filled[keys[j]] = True

    def issue(self, demand: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Serve ``demand`` (R, L, I) first-expiry-first-out; returns the units served (in ``out``
        when given)."""
        served = np.empty_like(demand) if out is None else out
        _issue(self.lots, self._live, demand, served, None)
        return served

    def take(self, quantity: np.ndarray) -> Parcel:
        """Remove ``quantity`` (R, L, I, at most what is on hand) first-expiry-first-out, keeping
        each unit's expiry day: what a transfer ships."""
        parcel = Parcel(np.zeros_like(self.lots.expiring), np.zeros_like(self.lots.durable))
        served = np.empty_like(quantity)
        _issue(self.lots, self._live, quantity, served, parcel)
        return parcel

    def put(self, day: int, parcel: Parcel) -> tuple[np.ndarray, np.ndarray]:
        """Add a parcel arriving on ``day``; units whose expiry day has come are written off on
        arrival. Returns the units that arrived and those written off, (R, L, I) each."""
        self._filled |= self.keys > day  # the parcel's buckets may hold units (those expired are written off)
        return _put(self.lots, self.keys, day, parcel)


def pools_on_hand(working: Stock, reserve: Stock, n_c: int, total: np.ndarray, reserve_part: np.ndarray) -> None:
    """Units on hand in both pools into ``total`` (R, L, I), and the part the reserve check counts into
    ``reserve_part``: a city's reserve held apart, all of a depot's stock (locations from ``n_c`` on)."""
    _pools_on_hand(working.lots, working._live, reserve.lots, reserve._live, n_c, total, reserve_part)


@njit(cache=True)
def _pools_on_hand(
    working: Lots, working_live: int, reserve: Lots, reserve_live: int, n_c: int, total: np.ndarray, part: np.ndarray
) -> None:
    """``pools_on_hand`` in one pass: each pool summed as ``_on_hand`` does, then working + reserve."""
    w_expiring, w_durable = working  # unpacked once: a field read inside the loops is much slower
    r_expiring, r_durable = reserve
    n_r, n_l, n_i, n_k = w_expiring.shape
    for r in range(n_r):
        for c in range(n_l):
            for i in range(n_i):
                held = w_durable[r, c, i]
                for k in range(working_live, n_k):
                    held += w_expiring[r, c, i, k]
                if c < n_c:
                    kept = r_durable[r, c, i]
                    for k in range(reserve_live, n_k):
                        kept += r_expiring[r, c, i, k]
                    part[r, c, i] = kept
                    total[r, c, i] = held + kept
                else:
                    part[r, c, i] = held
                    total[r, c, i] = held


def receive_deliveries(
    day: int,
    arrived: np.ndarray,
    working: Stock,
    on_order: np.ndarray,
    received: np.ndarray,
    reserve: Stock | None = None,
    reserve_buyers: slice = slice(0, 0),
    reserve_on_order: np.ndarray | None = None,
    reserve_received: np.ndarray | None = None,
) -> bool:
    """The suppliers' deliveries of ``day``, ``arrived`` (R, B, I) by buyer, in one pass: a location's
    own (buyers 0 .. L-1) into working stock, off ``on_order`` (the day clamps it after its last arrivals), and a city's
    reserve's (``reserve_buyers``) into the ``reserve``, off ``reserve_on_order`` (clamped at 0), each as
    lots expiring shelf_life days later (``Stock.receive``); the units received go to ``received`` (R, L,
    I; both pools) and ``reserve_received``. Returns False, and changes nothing, when nothing arrived."""
    if not arrived.any():
        return False
    keys = working._delivery_key[:, day]  # the pools share their buckets
    kept = None if reserve is None else reserve.lots
    orders = on_order, reserve_on_order, received, reserve_received
    _receive_deliveries(arrived, keys, working.lots, kept, reserve_buyers.start, *orders)
    bucketed = keys[keys >= 0]
    working._filled[bucketed] = True
    if reserve is not None:
        reserve._filled[bucketed] = True
    return True


@njit(cache=True)
def _clamped(x: float) -> float:
    """``np.maximum(x, 0.0)``: NaN stays NaN, -0.0 becomes 0.0."""
    return x if x > 0.0 or x != x else 0.0


@njit(cache=True)
def _receive_deliveries(
    arrived: np.ndarray,
    keys: np.ndarray,
    working: Lots,
    reserve: Lots | None,
    reserve_from: int,
    on_order: np.ndarray,
    reserve_on_order: np.ndarray | None,
    received: np.ndarray,
    reserve_received: np.ndarray | None,
) -> None:
    """``receive_deliveries`` in one pass, each number worked out as by the numpy steps it replaces:
    ``Stock.receive`` of each pool (an item with a bucket adds 0.0 to the durable pool, a depot 0.0 to
    the reserve), on order - arrived (the reserve's then ``np.maximum(., 0.0)``), received = own + reserve's."""
    expiring, durable = working  # (the arrays once: a tuple's field read in the loop costs a reference count)
    kept_expiring, kept_durable = working if reserve is None else reserve  # (the reserve's, when there is one)
    n_r, n_l, n_i = on_order.shape
    for r in range(n_r):
        for c in range(n_l):
            for i in range(n_i):
                k = keys[i]
                q = arrived[r, c, i]
                if k >= 0:
                    expiring[r, c, i, k] += q
                    durable[r, c, i] += 0.0
                else:
                    durable[r, c, i] += q
                on_order[r, c, i] -= q
                if reserve is None:
                    received[r, c, i] = q
                else:
                    assert reserve_on_order is not None and reserve_received is not None
                    p = 0.0
                    if c < reserve_on_order.shape[1]:
                        p = arrived[r, reserve_from + c, i]
                        reserve_on_order[r, c, i] = _clamped(reserve_on_order[r, c, i] - p)
                    if k >= 0:
                        kept_expiring[r, c, i, k] += p
                        kept_durable[r, c, i] += 0.0
                    else:
                        kept_durable[r, c, i] += p
                    received[r, c, i] = q + p
                    reserve_received[r, c, i] = p


@njit(cache=True)
def _on_hand(lots: Lots, live: int) -> np.ndarray:
    """Units on hand (R, L, I): the durable pool + the buckets ``live`` .. K-1 (the earlier ones are empty)."""
    expiring, durable = lots
    n_r, n_l, n_i, n_k = expiring.shape
    out = durable.copy()
    for r in range(n_r):
        for c in range(n_l):
            for i in range(n_i):
                for k in range(live, n_k):
                    out[r, c, i] += expiring[r, c, i, k]
    return out


@njit(cache=True)
def _issue(stock: Lots, live: int, demand: np.ndarray, served: np.ndarray, taken: Lots | None) -> None:
    """Take ``demand`` (R, L, I) out of ``stock``, the earliest expiry bucket first (from ``live``
    on), then the durable pool; the units served go to ``served`` (R, L, I) and, when given, the
    lots taken to ``taken``: served = sum_k min(want_k, bucket_k) + min(what is left, durable)."""
    expiring, durable = stock
    n_r, n_l, n_i, n_k = expiring.shape
    for r in range(n_r):
        for c in range(n_l):
            for i in range(n_i):
                want = demand[r, c, i]
                got = 0.0
                for k in range(live, n_k):
                    if want <= 0.0:
                        break
                    x = min(want, expiring[r, c, i, k])
                    expiring[r, c, i, k] -= x
                    want -= x
                    got += x
                    if taken is not None:
                        taken.expiring[r, c, i, k] = x
                x = min(max(want, 0.0), durable[r, c, i])
                durable[r, c, i] -= x
                served[r, c, i] = got + x
                if taken is not None:
                    taken.durable[r, c, i] = x


@njit(cache=True)
def _put(stock: Lots, keys: np.ndarray, day: int, parcel: Lots) -> tuple[np.ndarray, np.ndarray]:
    """Add ``parcel`` to ``stock`` on ``day``; a bucket whose expiry day ``keys[k]`` <= day is
    written off instead. Returns the units that arrived (all of the parcel) and those written
    off, (R, L, I) each."""
    expiring, durable = stock
    parcel_expiring, parcel_durable = parcel
    n_r, n_l, n_i, n_k = expiring.shape
    arrived = parcel_durable.copy()
    gone = np.zeros_like(parcel_durable)
    for r in range(n_r):
        for c in range(n_l):
            for i in range(n_i):
                durable[r, c, i] += parcel_durable[r, c, i]
                for k in range(n_k):
                    q = parcel_expiring[r, c, i, k]
                    arrived[r, c, i] += q
                    if keys[k] <= day:
                        gone[r, c, i] += q
                    else:
                        expiring[r, c, i, k] += q
    return arrived, gone


def issue_pools(
    working: Stock,
    reserve: Stock,
    demand: np.ndarray,
    released: np.ndarray,
    tol: float,
    served: np.ndarray,
    from_reserve: np.ndarray,
    short: np.ndarray,
) -> None:
    """Serve ``demand`` (R, L, I) first-expiry-first-out from ``working`` stock, then what it
    leaves of a city's demand from the city's ``reserve`` where it is ``released`` (R, C): the
    units served from both pools go to ``served``, those from the reserve to ``from_reserve`` (R,
    L, I), and whether working stock left a city more than ``tol`` short to ``short`` (R, C, I)."""
    pools = (working.lots, working._live, reserve.lots, reserve._live)
    _issue_pools(*pools, demand, released, tol, served, from_reserve, short)


@njit(cache=True)
def _issue_pools(
    working: Lots,
    working_live: int,
    reserve: Lots,
    reserve_live: int,
    demand: np.ndarray,
    released: np.ndarray,
    tol: float,
    served: np.ndarray,
    from_reserve: np.ndarray,
    short: np.ndarray,
) -> None:
    """``issue_pools`` in one call: ``_issue`` on working stock; what it leaves of a city's
    demand, x 1 where its reserve is released and x 0 where not, asked of the reserve
    (``_issue``; a depot asks 0, and takes nothing); then served + from_reserve. The same
    floating-point operations, in the same order, as each pool's ``Stock.issue`` and the sums
    between them in numpy."""
    _issue(working, working_live, demand, served, None)
    n_r, n_c = released.shape
    asked = np.zeros_like(served)
    for r in range(n_r):
        for c in range(n_c):
            gate = 1.0 if released[r, c] else 0.0
            for i in range(demand.shape[2]):
                left = demand[r, c, i] - served[r, c, i]
                short[r, c, i] = left > tol
                asked[r, c, i] = left * gate
    _issue(reserve, reserve_live, asked, from_reserve, None)
    served += from_reserve
