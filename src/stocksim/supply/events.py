"""The event log of a batch: flat records gathered as arrays during the run and joined once at
the end, as SimPy's monitoring guide and Ciw's records do.

What is kept depends on the run's event mode (``--events``, ``EVENT_MODES``): every kind, the
orders (and the other records that come one per decision: agreement calls, write-offs, response
levels), the response levels alone, or nothing. A step asks ``wants(kind)`` before it builds its
records, so a mode that keeps less also costs less.

A supplier's shipments are recorded as parts (one per order, supplier and day it leaves) and
joined at the end into one ``delivery`` row per order, supplier and day of arrival: what one
supplier shipped of an order, on one day or several, that arrives on the same day is one row
with its total (an order is split among an item's suppliers by their capacity, each part a
purchase of its own: the rows keep who delivered). Locations are indices into the scenario's
locations; the joint centre is ``len(locations)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from stocksim.supply.suppliers import Shipped

EVENT_KINDS = (
    "order",
    "delivery",
    "allocation",
    "carriage",
    "transfer_out",
    "transfer_in",
    "expiry",
    "response_level",
    "agreement_call",
)

# What each event mode keeps, from the most to the least: one source for the CLI, the manifest and the day loop.
EVENT_MODES: dict[str, tuple[str, ...]] = {
    "full": EVENT_KINDS,
    "orders": ("order", "agreement_call", "expiry", "response_level"),
    "levels": ("response_level",),
    "none": (),
}

COLUMNS = (
    "replication",
    "time",
    "kind",
    "city",
    "item",
    "quantity",
    "order_id",
    "supplier",
    "dispatched",
    "counterpart",
    "due",
)
INT_COLUMNS = tuple(c for c in COLUMNS if c != "quantity")  # the layout of packed rows (N, 10)
_DELIVERY = EVENT_KINDS.index("delivery")
_SAFE_KEY = 2**62  # sort keys times the number of rows stay below this: unique int64 keys, no overflow


def describe(mode: str) -> str:
    """What an event mode keeps, in words (the manifest's ``events``; a campaign resumes only a run with the same)."""
    kinds = EVENT_MODES[mode]
    return mode if mode in ("full", "none") else f"{mode} ({', '.join(kinds)})"


class Events:
    """A batch's event records, of the kinds its mode keeps."""

    def __init__(self, mode: str = "full") -> None:
        self.kinds = frozenset(EVENT_MODES[mode])
        self._chunks: list[tuple[np.ndarray, ...]] = []
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []  # shipments, joined per order, supplier, arrival day
        self._where, self._n_items = np.zeros(0, np.int64), 1  # where each buyer's deliveries are recorded; items

    def wants(self, kind: str) -> bool:
        """Whether this log keeps events of ``kind``: a step records only then."""
        return kind in self.kinds

    def add(
        self,
        kind: str,
        time: np.ndarray | int,
        r: np.ndarray,
        c: np.ndarray | int,
        i: np.ndarray,
        qty: np.ndarray,
        order_id: np.ndarray | int = -1,
        supplier: np.ndarray | int = -1,
        dispatched: np.ndarray | int = -1,
        counterpart: np.ndarray | int = -1,
        due: np.ndarray | int = -1,
    ) -> None:
        """Record events of a kind this log keeps; ``r, i, qty`` are arrays, the others arrays or
        scalars."""
        n = len(r)
        if n and kind in self.kinds:
            cols = (r, time, EVENT_KINDS.index(kind), c, i, qty, order_id, supplier, dispatched, counterpart, due)
            self._chunks.append(tuple(np.asarray(x) if np.ndim(x) else np.full(n, x) for x in cols))

    def shipments(self, day: int, shipped: Shipped, where: np.ndarray, n_items: int, horizon: int) -> None:
        """The parts of orders that left the suppliers on ``day`` (``shipped``, its parts logged);
        ``where`` (B,) the location (or centre) each buyer's deliveries are recorded at. Parts that
        arrive after the horizon are not recorded (they are still on order at the end)."""
        if "delivery" in self.kinds and len(shipped.units):
            self._where, self._n_items = where, n_items
            parts = _parts(shipped.parts, shipped.units, shipped.days, shipped.due, horizon, day)
            if len(parts[1]):
                self._parts.append(parts)

    def arrays(self, replications: np.ndarray) -> dict[str, np.ndarray]:
        """The records as columns, sorted by replication, time and kind (in the order recorded
        within those), the deliveries joined per order, supplier and arrival day."""
        rank = np.empty(len(replications), np.int64)  # the replications' order, whatever their numbers
        rank[np.argsort(replications, kind="stable")] = np.arange(len(replications))
        others, other_qty = self._others()
        if self._parts:
            parts, units = np.concatenate([p[0] for p in self._parts]), np.concatenate([p[1] for p in self._parts])
        else:
            parts, units = np.zeros((0, 5), np.int64), np.zeros(0)
        days = max(int(others[:, 1].max(initial=0)), int(parts[:, 1].max(initial=0))) + 1
        key = (rank[others[:, 0]] * days + others[:, 1]) * len(EVENT_KINDS) + others[:, 2]
        order = stable_order(key, len(rank) * days * len(EVENT_KINDS))
        # Large arrays are allocated here, not in the kernels: numpy asks the kernel for huge pages, which
        # are several times quicker to fill for the first time than the small pages a kernel's own get.
        by_replication = Rows(np.empty_like(parts), np.empty_like(units))
        start = _by_replication(Rows(parts, units), rank, by_replication)
        rows, quantity = (
            np.empty((len(order) + len(units), len(INT_COLUMNS)), np.int64),
            np.empty(len(order) + len(units)),
        )
        m = _table(
            Sorted(others[order], other_qty[order], key[order]),
            by_replication,
            start,
            Decode(rank, days, self._where, self._n_items),
            Rows(rows, quantity),
        )
        out = dict(zip(INT_COLUMNS, rows[:m].T, strict=True))
        quantity = quantity[:m]
        out["replication"] = replications[out["replication"]]
        return {name: quantity if name == "quantity" else out[name] for name in COLUMNS}

    def _others(self) -> tuple[np.ndarray, np.ndarray]:
        """The records but the suppliers' deliveries, in the order recorded: rows (N, 10) in
        ``INT_COLUMNS`` and their quantities (N,)."""
        ints = np.empty((sum(len(ch[0]) for ch in self._chunks), len(INT_COLUMNS)), np.int64)
        for k, name in enumerate(INT_COLUMNS):
            if len(ints):
                ints[:, k] = np.concatenate([ch[COLUMNS.index(name)] for ch in self._chunks])
        qty = np.concatenate([ch[COLUMNS.index("quantity")] for ch in self._chunks]) if len(ints) else np.zeros(0)
        return ints, qty.astype(float)


class Sorted(NamedTuple):
    """The records but the suppliers' deliveries, in the order of their rows in the event table."""

    rows: np.ndarray  # (N, 10) in INT_COLUMNS
    quantity: np.ndarray  # (N,)
    key: np.ndarray  # (N,) ascending: (replication rank x days + time) x kinds + kind


class Rows(NamedTuple):
    """Rows and their quantities: parts of orders shipped (``_parts``) or the event table's rows."""

    rows: np.ndarray  # (N, 5) parts: replication, arrival day, order id, supplier, dispatch day; (N, 10) events
    quantity: np.ndarray  # (N,)


class Decode(NamedTuple):
    """What places a part's delivery row: the replications' ranks (R,) and the days (with the
    arrival day, its place in the table), where each buyer's deliveries are recorded (B,) and
    the items (with the order id, its location and item)."""

    rank: np.ndarray
    days: int
    where: np.ndarray
    n_i: int


def stable_order(key: np.ndarray, size: int | None = None) -> np.ndarray:
    """The permutation that sorts ``key`` (N,) int64 >= 0, ties in their order: a counting sort
    when every key is below ``size`` and ``size`` is not much more than N, else a plain sort on
    key x N + position (unique), several times faster than a stable sort, or that stable sort
    when key x N could overflow."""
    n = len(key)
    if not n:
        return np.zeros(0, np.int64)
    if size is not None and size <= 4 * n + 1_000_000:
        return _counting_order(key, size)
    if int(key.max()) >= _SAFE_KEY // n:
        return np.argsort(key, kind="stable")
    return np.argsort(key * n + np.arange(n))


@njit(cache=True)
def _counting_order(key: np.ndarray, size: int) -> np.ndarray:
    """The stable sorting permutation of ``key`` (N,), each in 0 .. size - 1: a counting sort."""
    start = np.zeros(size + 1, np.int64)
    for k in key:
        start[k + 1] += 1
    for b in range(size):
        start[b + 1] += start[b]
    order = np.empty(len(key), np.int64)
    for j in range(len(key)):
        order[start[key[j]]] = j
        start[key[j]] += 1
    return order


@njit(cache=True)
def _by_replication(shipped: Rows, rank: np.ndarray, out: Rows) -> np.ndarray:
    """The parts moved to ``out`` by replication (in ``rank`` order), stably (a counting sort):
    replication r's are out[start[r] : start[r + 1]], in the order recorded. Returns ``start``."""
    (parts, units), (moved, moved_units) = shipped, out
    start = np.zeros(len(rank) + 1, np.int64)
    for k in range(len(parts)):
        start[rank[parts[k, 0]] + 1] += 1
    for r in range(len(rank)):
        start[r + 1] += start[r]
    fill = start[:-1].copy()
    for k in range(len(parts)):
        j = fill[rank[parts[k, 0]]]
        fill[rank[parts[k, 0]]] = _copy(parts, units, k, moved, moved_units, j)
    return start


@njit(cache=True)
def _table(others: Sorted, shipped: Rows, start: np.ndarray, d: Decode, out: Rows) -> int:
    """The event table's rows (in ``INT_COLUMNS``) and quantities written to ``out``; returns how
    many. The parts of each replication (grouped by ``_by_replication``) in arrival
    day order, each day's by order id and supplier (stably), joined per order id and supplier
    into one delivery row (the first dispatch day; units summed in the order recorded), merged
    with ``others``: where replication, time and kind are equal, others come first."""
    (o_rows, o_qty, o_key), (parts, units), (rank, days, where, n_i), (rows, qty) = others, shipped, d, out
    n_s = parts[:, 3].max() + 1 if len(parts) else 1
    longest = np.diff(start).max()
    order, minor = np.empty(longest, np.int64), np.empty(longest, np.int64)  # one replication's parts, by day
    m = i = 0  # rows written; the next of others
    for q in range(len(rank)):  # the replications in rank order
        day_start = _by_day(parts, start[q], start[q + 1], days, n_s, order, minor)
        for t in range(days):
            if day_start[t] == day_start[t + 1]:
                continue
            while i < len(o_key) and o_key[i] <= (q * days + t) * len(EVENT_KINDS) + _DELIVERY:
                m, i = _copy(o_rows, o_qty, i, rows, qty, m), i + 1
            _sort_by(minor, order, day_start[t], day_start[t + 1])
            j = day_start[t]
            while j < day_start[t + 1]:
                first, oid = order[j], parts[order[j], 2]
                rows[m, 0], rows[m, 1], rows[m, 2] = parts[first, 0], t, _DELIVERY
                rows[m, 3], rows[m, 4] = where[(oid // n_i) % len(where)], oid % n_i
                rows[m, 5], rows[m, 6], rows[m, 7], rows[m, 8], rows[m, 9] = (
                    oid,
                    parts[first, 3],
                    parts[first, 4],
                    -1,
                    -1,
                )
                qty[m], j = units[first], j + 1
                while j < day_start[t + 1] and minor[j] == minor[j - 1]:
                    qty[m] += units[order[j]]
                    rows[m, 7] = min(rows[m, 7], parts[order[j], 4])
                    j += 1
                m += 1
    while i < len(o_key):
        m, i = _copy(o_rows, o_qty, i, rows, qty, m), i + 1
    return m


@njit(cache=True)
def _copy(rows: np.ndarray, quantity: np.ndarray, i: int, to_rows: np.ndarray, to_qty: np.ndarray, m: int) -> int:
    """Row ``i`` of ``rows`` and ``quantity`` to row ``m`` of ``to_rows`` and ``to_qty``; returns m + 1."""
    for c in range(rows.shape[1]):
        to_rows[m, c] = rows[i, c]
    to_qty[m] = quantity[i]
    return m + 1


@njit(cache=True)
def _by_day(parts: np.ndarray, a: int, b: int, days: int, n_s: int, order: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """Parts a .. b - 1 (one replication's) by arrival day, stably (a counting sort): order[k] is
    the part at place k, minor[k] its order id x S + supplier, and day t's are at places
    day_start[t] .. day_start[t + 1] - 1. Returns ``day_start``."""
    day_start = np.zeros(days + 1, np.int64)
    for k in range(a, b):
        day_start[parts[k, 1] + 1] += 1
    for t in range(days):
        day_start[t + 1] += day_start[t]
    fill = day_start[:-1].copy()
    for k in range(a, b):
        j = fill[parts[k, 1]]
        order[j], minor[j] = k, parts[k, 2] * n_s + parts[k, 3]
        fill[parts[k, 1]] = j + 1
    return day_start


@njit(cache=True)
def _sort_by(key: np.ndarray, order: np.ndarray, a: int, b: int) -> None:
    """Insertion sort of key[a:b], and order[a:b] with it, stable: a day's parts are few."""
    for j in range(a + 1, b):
        x, y, k = key[j], order[j], j - 1
        while k >= a and key[k] > x:
            key[k + 1], order[k + 1] = key[k], order[k]
            k -= 1
        key[k + 1], order[k + 1] = x, y


@njit(cache=True)
def _parts(
    logged: np.ndarray, units: np.ndarray, placed: np.ndarray, due: np.ndarray, horizon: int, day: int
) -> tuple[np.ndarray, np.ndarray]:
    """The logged parts (N, 5: cohort row, replication, supplier, buyer, item) with their units
    (N,) that arrive before ``horizon`` (``due`` (R, S, B, I)): per part replication,
    arrival day, order id ((placed day x B + buyer) x I + item, as ``state.order_id``),
    supplier and dispatch day (N', 5), and the parts' units (N',)."""
    n_b, n_i = due.shape[2], due.shape[3]
    keep = np.zeros(len(units), np.bool_)
    for k in range(len(units)):
        w, r, s, b, i = logged[k]
        keep[k] = units[k] > 0.0 and due[r, s, b, i] < horizon
    ints, qty = np.empty((keep.sum(), 5), np.int64), np.empty(keep.sum())
    n = 0
    for k in range(len(units)):
        if keep[k]:
            w, r, s, b, i = logged[k]
            ints[n, 0], ints[n, 1], ints[n, 2] = r, due[r, s, b, i], (placed[w] * n_b + b) * n_i + i
            ints[n, 3], ints[n, 4] = s, day
            qty[n] = units[k]
            n += 1
    return ints, qty
