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
        ints, qty = self._others(rank)
        if self._parts:
            parts, units = np.concatenate([p[0] for p in self._parts]), np.concatenate([p[1] for p in self._parts])
        else:
            parts, units = np.zeros((0, 5), np.int64), np.zeros(0)
        days = max(int(ints[:, 1].max(initial=0)), int(parts[:, 1].max(initial=0))) + 1
        cols, quantity = _table(ints, qty, parts, units, rank, days, self._where, self._n_items)
        out = dict(zip(INT_COLUMNS, cols, strict=True))
        out["replication"] = replications[out["replication"]]
        return {name: quantity if name == "quantity" else out[name] for name in COLUMNS}

    def _others(self, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The records but the suppliers' deliveries, (N, 10) in ``INT_COLUMNS`` and their
        quantities (N,), sorted by replication (in ``rank`` order), time and kind, stably."""
        ints = np.empty((sum(len(ch[0]) for ch in self._chunks), len(INT_COLUMNS)), np.int64)
        if not len(ints):
            return ints, np.zeros(0)
        for k, name in enumerate(INT_COLUMNS):
            ints[:, k] = np.concatenate([ch[COLUMNS.index(name)] for ch in self._chunks])
        qty = np.concatenate([ch[COLUMNS.index("quantity")] for ch in self._chunks]).astype(float)
        days = int(ints[:, 1].max()) + 1
        key = (rank[ints[:, 0]] * days + ints[:, 1]) * len(EVENT_KINDS) + ints[:, 2]
        order = stable_order(key, len(rank) * days * len(EVENT_KINDS))
        return ints[order], qty[order]


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
def _table(
    others: np.ndarray,
    other_qty: np.ndarray,
    parts: np.ndarray,
    units: np.ndarray,
    rank: np.ndarray,
    days: int,
    where: np.ndarray,
    n_i: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The event table's columns (10, M) in ``INT_COLUMNS`` and quantities (M,), in one pass:
    ``others`` (N, 10) (the records but the suppliers' deliveries, sorted by replication in
    ``rank`` order, time and kind) merged with the delivery ``parts`` (N', 5: replication,
    arrival day, order id, supplier, dispatch day; ``units`` (N',)) joined per order and
    supplier within each replication and day (by order id and supplier, ascending; the first
    dispatch day; units summed in the order recorded). Where replication, time and kind are
    equal, ``others`` come first. ``where`` (B,) and ``n_i`` decode the order id's buyer and item."""
    start, order = _by_day(parts, rank, days)
    n = len(other_qty) + len(units)
    cols, qty = np.empty((10, n), np.int64), np.empty(n)
    m = i = 0  # rows written; the next row of others
    for g in range(len(start) - 1):
        a, b = start[g], start[g + 1]
        if a == b:
            continue
        last = g * len(EVENT_KINDS) + _DELIVERY  # others up to this key come before the day's deliveries
        while i < len(other_qty) and _key(others[i], rank, days) <= last:
            m, i = _copy(others, other_qty, i, cols, qty, m), i + 1
        _sort_by_order(parts, order, a, b)
        j = a
        while j < b:
            j, m = _deliver(parts, units, order, j, b, where, n_i, cols, qty, m)
    while i < len(other_qty):
        m, i = _copy(others, other_qty, i, cols, qty, m), i + 1
    return cols[:, :m], qty[:m]


@njit(cache=True)
def _by_day(parts: np.ndarray, rank: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
    """The parts by replication (in ``rank`` order) and arrival day, a counting sort: the parts of
    group g = rank x days + day are order[start[g] : start[g + 1]], in the order recorded."""
    start = np.zeros(len(rank) * days + 1, np.int64)
    for k in range(len(parts)):
        start[rank[parts[k, 0]] * days + parts[k, 1] + 1] += 1
    for g in range(len(start) - 1):
        start[g + 1] += start[g]
    order, fill = np.empty(len(parts), np.int64), start[:-1].copy()
    for k in range(len(parts)):
        g = rank[parts[k, 0]] * days + parts[k, 1]
        order[fill[g]] = k
        fill[g] += 1
    return start, order


@njit(cache=True)
def _key(row: np.ndarray, rank: np.ndarray, days: int) -> int:
    """A packed row's place: (replication rank x days + time) x kinds + kind."""
    return int((rank[row[0]] * days + row[1]) * len(EVENT_KINDS) + row[2])


@njit(cache=True)
def _copy(rows: np.ndarray, quantity: np.ndarray, i: int, cols: np.ndarray, qty: np.ndarray, m: int) -> int:
    """Row ``i`` of ``rows`` (N, 10) to column row ``m``; returns m + 1."""
    for c in range(10):
        cols[c, m] = rows[i, c]
    qty[m] = quantity[i]
    return m + 1


@njit(cache=True)
def _sort_by_order(parts: np.ndarray, order: np.ndarray, a: int, b: int) -> None:
    """Insertion sort of order[a:b] by the parts' order id and supplier, stable: a day has few parts."""
    for j in range(a + 1, b):
        x, k = order[j], j - 1
        while k >= a and (parts[order[k], 2], parts[order[k], 3]) > (parts[x, 2], parts[x, 3]):
            order[k + 1] = order[k]
            k -= 1
        order[k + 1] = x


@njit(cache=True)
def _deliver(
    parts: np.ndarray,
    units: np.ndarray,
    order: np.ndarray,
    j: int,
    b: int,
    where: np.ndarray,
    n_i: int,
    cols: np.ndarray,
    qty: np.ndarray,
    m: int,
) -> tuple[int, int]:
    """The delivery row of parts order[j:] with part order[j]'s order id and supplier (before
    ``b``) to column row ``m``; returns the next part and row."""
    first = order[j]
    oid, supplier = parts[first, 2], parts[first, 3]
    cols[0, m], cols[1, m], cols[2, m] = parts[first, 0], parts[first, 1], _DELIVERY
    cols[3, m], cols[4, m] = where[(oid // n_i) % len(where)], oid % n_i
    cols[5, m], cols[6, m], cols[7, m], cols[8, m], cols[9, m] = oid, supplier, parts[first, 4], -1, -1
    qty[m] = units[first]
    j += 1
    while j < b and parts[order[j], 2] == oid and parts[order[j], 3] == supplier:
        qty[m] += units[order[j]]
        cols[7, m] = min(cols[7, m], parts[order[j], 4])
        j += 1
    return j, m + 1


@njit(cache=True)
def _parts(
    logged: np.ndarray, units: np.ndarray, placed: np.ndarray, due: np.ndarray, horizon: int, day: int
) -> tuple[np.ndarray, np.ndarray]:
    """The logged parts (N, 5: cohort row, replication, supplier, buyer, item) with their units
    (N,) that arrive before ``horizon`` (``due`` (R, S, B, I)): per part (N', 5) replication,
    arrival day, order id ((placed day x B + buyer) x I + item, as ``state.order_id``),
    supplier and dispatch day, and its units (N',)."""
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
