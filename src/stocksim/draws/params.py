"""One batch of replications' concrete numbers: the scenario with its uncertain parameters drawn.

Arrays carry the replication on axis 0, then (where they apply) supplier, day, city, item.
Draws come from each replication's own PARAMS stream in a fixed order: item costs, health
workers, designated beds and ICU shares, dispersion, routine, patient and swab rates, suppliers
(capacity, other buyers, prices, disruptions), the protection levels (``_routine_by_level``), and
last the suppliers' surge factors, so replication r gets the same numbers in any batch, and a
plain number draws nothing: adding protection levels or a surge, or making one of their values
uncertain, shifts no earlier draw.

The scenario's rates count uses; the rates here are units (uses / ``items[].uses_per_unit``), so
that demand (supply/demand.py) and the daily maximum (supply/reserve.py), which multiply these
rates by workers, patients and swabs, count units without knowing about reuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from stocksim.draws.seeding import Stream, rngs
from stocksim.scenario.schema import PROTECTION_LEVELS, SEVERITIES, Protection, Scenario
from stocksim.scenario.uncertain import draw_per_replication, is_uncertain

MIN_DISPERSION = 1e-9  # a drawn demand dispersion is kept above zero (it divides in the demand noise)


@dataclass(frozen=True)
class BatchParams:
    replications: np.ndarray  # (R,) replication indices
    health_workers: np.ndarray  # (R, C)
    designated_beds: np.ndarray  # (R, C)
    designated_icu_share: np.ndarray  # (R, C)
    dispersion: np.ndarray  # (R,)
    routine_rate: np.ndarray  # (R, I) units per health worker per day (uses / uses_per_unit)
    patient_rate: np.ndarray  # (R, 3, I) units per patient-day, mild / severe / icu (uses / uses_per_unit)
    swab_rate: np.ndarray  # (R, I) units per swab (uses / uses_per_unit)
    item_cost: np.ndarray  # (R, I) CNY per unit
    supplier_cost: np.ndarray  # (R, S, I) CNY per unit before price factors
    capacity: np.ndarray  # (R, S, I) units per day before capacity factors
    other_buyers: np.ndarray  # (R, S, I, H) units a day other buyers ask of each supplier
    capacity_factor: np.ndarray  # (R, S, H)
    lead_time_factor: np.ndarray  # (R, S, H)
    price_factor: np.ndarray  # (R, S, H)
    surge_factor: np.ndarray  # (R, S) each supplier's surge capacity factor (1: no surge; supply/surge.py)

    @property
    def size(self) -> int:
        return len(self.replications)


def sample_batch(s: Scenario, seed: int, replications: np.ndarray) -> BatchParams:
    """The replications' concrete numbers, each drawn from its own PARAMS stream."""
    g = rngs(seed, replications, Stream.PARAMS)
    items = s.item_ids
    n_s, horizon = len(s.suppliers), s.horizon_days

    def draw(value: Any, low: float = 0.0, high: float = np.inf) -> np.ndarray:
        return draw_per_replication(value, g, low, high)

    def per_item(table: dict[str, Any]) -> np.ndarray:
        return np.stack([draw(table.get(i, 0.0)) for i in items], axis=1)

    item_cost = np.stack([draw(it.unit_cost_cny) for it in s.items], axis=1)
    health_workers = np.stack([draw(c.health_workers) for c in s.cities], axis=1)
    beds = np.stack([draw(c.designated_beds) for c in s.cities], axis=1)
    icu_share = np.stack([draw(c.designated_icu_share, 0.0, 1.0) for c in s.cities], axis=1)
    d = s.demand
    dispersion = draw(d.dispersion, MIN_DISPERSION)
    routine = per_item(d.routine_per_health_worker_day)
    patient = np.stack([per_item(getattr(d.per_patient_day, sev)) for sev in SEVERITIES], axis=1)
    swab = per_item(d.per_swab)

    R = len(replications)
    capacity = np.zeros((R, n_s, len(items)))
    other = np.zeros((R, n_s, len(items)))
    supplier_cost = np.repeat(item_cost[:, None, :], max(n_s, 1), axis=1)[:, :n_s]
    cap_f, lt_f, price_f = (np.ones((R, n_s, horizon)) for _ in range(3))
    for k, sup in enumerate(s.suppliers):
        for j, i in enumerate(items):
            if i in sup.capacity_per_day:
                capacity[:, k, j] = draw(sup.capacity_per_day[i])
            if i in sup.other_buyers_per_day:
                other[:, k, j] = draw(sup.other_buyers_per_day[i])
            if i in sup.unit_cost_cny:
                supplier_cost[:, k, j] = draw(sup.unit_cost_cny[i])
        for dis in sup.disruptions:
            days = slice(dis.from_day, min(dis.to_day, horizon - 1) + 1)
            cap_f[:, k, days] *= draw(dis.capacity_factor)[:, None]
            lt_f[:, k, days] *= draw(dis.lead_time_factor)[:, None]
            price_f[:, k, days] *= draw(dis.price_factor)[:, None]
    if d.protection is not None:  # drawn after everything else, so earlier draws do not move
        routine = _routine_by_level(d.protection, d.shifts_per_day, draw, per_item)
    surge = [draw(sup.surge.capacity_factor, 1.0) if sup.surge else np.ones(R) for sup in s.suppliers]  # drawn last
    uses_per_unit = np.array([it.uses_per_unit for it in s.items])
    return BatchParams(
        replications=np.asarray(replications),
        health_workers=health_workers,
        designated_beds=beds,
        designated_icu_share=icu_share,
        dispersion=dispersion,
        routine_rate=routine / uses_per_unit,
        patient_rate=patient / uses_per_unit,
        swab_rate=swab / uses_per_unit,
        item_cost=item_cost,
        supplier_cost=supplier_cost,
        capacity=capacity,
        other_buyers=np.broadcast_to(other[..., None], other.shape + (horizon,)),
        capacity_factor=cap_f,
        lead_time_factor=lt_f,
        price_factor=price_f,
        surge_factor=np.stack(surge, axis=1) if surge else np.ones((R, 0)),
    )


def _routine_by_level(
    protection: Protection,
    shifts_per_day: Any,
    draw: Callable[..., np.ndarray],
    per_item: Callable[[dict[str, Any]], np.ndarray],
) -> np.ndarray:
    """Routine uses per health worker per day (R, I) by protection level (分级防护):
    shifts_per_day x sum over levels of staff_share x per_shift. Draws, in this order:
    shifts_per_day, then level1, level2, level3, each its staff_share and then its per_shift
    table item by item in the order of ``items``."""
    shifts = draw(shifts_per_day)
    uses = np.zeros_like(shifts)[:, None]
    for name in PROTECTION_LEVELS:
        level = getattr(protection, name)
        share = draw(level.staff_share, 0.0, 1.0)
        uses = uses + share[:, None] * per_item(level.per_shift)
    return shifts[:, None] * uses


def draw_lead_times(s: Scenario, seed: int, replications: np.ndarray) -> np.ndarray:
    """Base lead time of a shipment dispatched on day t by supplier s to city c, item i: shape
    (H, R, S, C, I), day first (the model reads one day at a time), in days, before disruption
    factors. Drawn up front from each replication's LEAD_TIME stream, supplier by supplier (S, H,
    C, I), so that policies compared on one seed see the same draws. A plain lead time draws
    nothing (without an uncertain one, no stream is even made)."""
    shape = (len(s.suppliers), s.horizon_days, len(s.cities), len(s.items))
    out = np.empty((shape[1], len(replications), shape[0]) + shape[2:])
    uncertain = []
    for k, sup in enumerate(s.suppliers):
        if is_uncertain(sup.lead_time_days):
            uncertain.append((k, sup.lead_time_days))
        else:
            out[:, :, k] = float(sup.lead_time_days)
    if uncertain:
        for r, rng in enumerate(rngs(seed, replications, Stream.LEAD_TIME)):
            for k, lt in uncertain:
                np.maximum(lt.draw(rng, shape[1:]), 0.0, out=out[:, r, k])
    return out
