"""Checks across the fields of a scenario that a schema cannot express: ids that must exist,
tables that must be complete, ranges that depend on other fields. Each failure names the path
and the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.schema import LEVEL_NAMES, SEVERITIES, Demand, Scenario
from stocksim.scenario.uncertain import is_uncertain


def check_references(s: Scenario, source: str | Path) -> None:
    """Checks across fields: ids that must exist, tables that must be complete, ranges."""
    items, cities = set(s.item_ids), set(s.city_ids)

    def fail(path: str, msg: str, value: Any = None) -> None:
        raise ConfigError(source, path, msg, value)

    for name, seq in (("items", s.items), ("cities", s.cities), ("suppliers", s.suppliers)):
        seen: set[str] = set()
        for k, obj in enumerate(seq):
            if obj.id in seen:
                fail(f"{name}[{k}].id", "id used twice", obj.id)
            seen.add(obj.id)

    def known_items(path: str, table: dict) -> None:
        for key in table:
            if key not in items:
                fail(f"{path}.{key}", f"unknown item id (items are: {', '.join(s.item_ids)})", key)

    for k, item in enumerate(s.items):
        _non_negative(item.unit_cost_cny, f"items[{k}].unit_cost_cny", fail)
    for k, c in enumerate(s.cities):
        known_items(f"cities[{k}].stock", c.stock)
        for j, lot in enumerate(c.lots):
            if lot.item not in items:
                fail(f"cities[{k}].lots[{j}].item", "unknown item id", lot.item)
        _non_negative(c.health_workers, f"cities[{k}].health_workers", fail)
        _non_negative(c.designated_beds, f"cities[{k}].designated_beds", fail)
        share = c.designated_icu_share
        if not is_uncertain(share) and not 0 <= share <= 1:
            fail(f"cities[{k}].designated_icu_share", "must be between 0 and 1", share)

    d = s.demand
    known_items("demand.routine_per_health_worker_day", d.routine_per_health_worker_day)
    known_items("demand.per_swab", d.per_swab)
    for sev in SEVERITIES:
        known_items(f"demand.per_patient_day.{sev}", getattr(d.per_patient_day, sev))
    for path, table in _rate_tables(d):
        for key, v in table.items():
            _non_negative(v, f"{path}.{key}", fail)
    if not is_uncertain(d.dispersion) and d.dispersion <= 0:
        fail("demand.dispersion", "must be > 0", d.dispersion)

    for k, sup in enumerate(s.suppliers):
        known_items(f"suppliers[{k}].capacity_per_day", sup.capacity_per_day)
        known_items(f"suppliers[{k}].unit_cost_cny", sup.unit_cost_cny)
        for key, v in sup.capacity_per_day.items():
            _non_negative(v, f"suppliers[{k}].capacity_per_day.{key}", fail)
        lt = sup.lead_time_days
        if not is_uncertain(lt) and lt < 0:
            fail(f"suppliers[{k}].lead_time_days", "must be >= 0", lt)
        for j, dis in enumerate(sup.disruptions):
            if dis.to_day < dis.from_day:
                fail(
                    f"suppliers[{k}].disruptions[{j}].to_day",
                    "must not be before from_day",
                    dis.to_day,
                )
            for f in ("capacity_factor", "lead_time_factor", "price_factor"):
                _non_negative(getattr(dis, f), f"suppliers[{k}].disruptions[{j}].{f}", fail)

    ids = set(s.city_ids)
    for k, d in enumerate(s.depots):
        if d.id in ids:
            fail(f"depots[{k}].id", "already used by a city", d.id)
        if d.city not in cities:
            fail(f"depots[{k}].city", "unknown city id", d.city)
        known_items(f"depots[{k}].stock", d.stock)
        for j, lot in enumerate(d.lots):
            if lot.item not in items:
                fail(f"depots[{k}].lots[{j}].item", "unknown item id", lot.item)
    if len({d.id for d in s.depots}) < len(s.depots):
        fail("depots", "a depot id is used twice")
    tr = s.transfers
    if tr.request_up_to_days < tr.request_below_days:
        fail("transfers.request_up_to_days", "must be >= request_below_days", tr.request_up_to_days)
    j = s.procurement.joint
    if j.lead_city is not None and j.lead_city not in cities:
        fail("procurement.joint.lead_city", "unknown city id", j.lead_city)
    for k, vd in enumerate(s.procurement.volume_discounts):
        if vd.item is not None and vd.item not in items:
            fail(f"procurement.volume_discounts[{k}].item", "unknown item id", vd.item)
    for k, sup in enumerate(s.suppliers):
        known_items(f"suppliers[{k}].other_buyers_per_day", sup.other_buyers_per_day)
        for key, v in sup.other_buyers_per_day.items():
            _non_negative(v, f"suppliers[{k}].other_buyers_per_day.{key}", fail)

    p = s.procurement
    if p.mode != "none":
        if p.order_up_to_days < p.reorder_point_days:
            fail("procurement.order_up_to_days", "must be >= reorder_point_days", p.order_up_to_days)
        carried = {i for sup in s.suppliers for i in sup.capacity_per_day}
        for k, item in enumerate(s.items):
            if item.id not in carried:
                fail(
                    f"items[{k}].id",
                    "no supplier lists this item in capacity_per_day, so it cannot be procured "
                    "(add it with capacity 0 to model an item nobody sells)",
                    item.id,
                )

    r = s.reserve
    for city, table in r.declared.items():
        if city not in cities:
            fail(f"reserve.declared.{city}", "unknown city id", city)
        known_items(f"reserve.declared.{city}", table)
    if r.daily_max == "declared":
        for c in s.city_ids:
            for i in s.item_ids:
                if i not in r.declared.get(c, {}):
                    fail(f"reserve.declared.{c}.{i}", "missing: daily_max is 'declared'")

    dist = s.distances
    if dist.file and dist.km:
        fail("distances", "give either file or km, not both")
    if dist.km is not None:
        for a in s.city_ids:
            for b in s.city_ids:
                if a != b and b not in dist.km.get(a, {}):
                    fail(f"distances.km.{a}.{b}", "missing: km needs every pair of cities")

    e = s.epidemic
    if e.model == "census" and not e.file:
        fail("epidemic.file", "required when epidemic.model is 'census'")
    if e.model == "seir":
        _check_seir(s, fail)
    _check_response(s, fail)


def _check_seir(s: Scenario, fail) -> None:
    e, cities = s.epidemic, set(s.city_ids)
    for key in ("r0", "latent_days", "infectious_days"):
        value = getattr(e, key)
        if value is None:
            fail(f"epidemic.{key}", "required when epidemic.model is 'seir'")
        _non_negative(value, f"epidemic.{key}", fail)
        if not is_uncertain(value) and key != "r0" and value <= 0:
            fail(f"epidemic.{key}", "must be > 0", value)
    if e.care is None:
        fail(
            "epidemic.care",
            "required when epidemic.model is 'seir' (shares, delays and stays of mild, severe, icu)",
        )
    shares = 0.0
    for sev in ("mild", "severe", "icu"):
        stage = getattr(e.care, sev)
        _non_negative(stage.share, f"epidemic.care.{sev}.share", fail)
        shares += stage.share if not is_uncertain(stage.share) else 0.0
    if shares > 1:
        fail("epidemic.care", "the shares of mild, severe and icu add up to more than 1", round(shares, 6))
    for k, intro in enumerate(e.introductions):
        if intro.city not in cities:
            fail(f"epidemic.introductions[{k}].city", "unknown city id", intro.city)
        _non_negative(intro.infections, f"epidemic.introductions[{k}].infections", fail)
    for k, iv in enumerate(e.interventions):
        if iv.to_day is not None and iv.to_day < iv.from_day:
            fail(f"epidemic.interventions[{k}].to_day", "must not be before from_day", iv.to_day)
        _non_negative(iv.contact_factor, f"epidemic.interventions[{k}].contact_factor", fail)
        for j, c in enumerate(iv.cities or []):
            if c not in cities:
                fail(f"epidemic.interventions[{k}].cities[{j}]", "unknown city id", c)
    m = e.mobility
    if m.kind == "matrix" and not m.matrix:
        fail("epidemic.mobility.matrix", "required when mobility.model is 'matrix'")
    if m.kind == "gravity":
        _non_negative(m.daily_trips_per_capita, "epidemic.mobility.daily_trips_per_capita", fail)
        _non_negative(m.distance_decay_km, "epidemic.mobility.distance_decay_km", fail)


def _check_response(s: Scenario, fail) -> None:
    levels = s.response.levels
    names = [lv.level for lv in levels]
    if names and names != [n for n in LEVEL_NAMES[1:] if n in names]:
        fail("response.levels", "list the levels from the lowest (IV) to the highest (I), each once", names)
    for k, lv in enumerate(levels):
        if lv.exit_below > lv.enter_at:
            fail(f"response.levels[{k}].exit_below", "must not exceed enter_at (hysteresis)", lv.exit_below)
        if k and lv.enter_at < levels[k - 1].enter_at:
            fail(f"response.levels[{k}].enter_at", "must not be below the lower level's enter_at", lv.enter_at)
        for f in ("routine_multiplier", "contact_factor", "swab_share_per_day", "surge_beds"):
            _non_negative(getattr(lv, f), f"response.levels[{k}].{f}", fail)
    if levels and s.epidemic.model != "seir":
        fail("response.levels", "response levels need epidemic.model 'seir' (they follow new cases)")


def _rate_tables(d: Demand):
    yield "demand.routine_per_health_worker_day", d.routine_per_health_worker_day
    yield "demand.per_swab", d.per_swab
    for sev in ("mild", "severe", "icu"):
        yield f"demand.per_patient_day.{sev}", getattr(d.per_patient_day, sev)


def _non_negative(value: Any, path: str, fail) -> None:
    if is_uncertain(value):
        low = getattr(value, "low", None)
        if low is not None and low < 0:
            fail(path, "the distribution allows negative values", value.model_dump())
    elif value < 0:
        fail(path, "must be >= 0", value)
