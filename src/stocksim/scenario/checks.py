"""Checks across the fields of a scenario that a schema cannot express: ids that must exist,
tables that must be complete, ranges that depend on other fields. Each failure names the path
and the value.

The sections run in the order of ``_SECTIONS``; each stops at its first problem, and the problems
of all sections are reported together; within a section, checks run in the order the fields are listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.schema import (
    JOINT_BUYER,
    LEVEL_NAMES,
    PROTECTION_LEVELS,
    SEVERITIES,
    City,
    Demand,
    Disruption,
    Lot,
    Protection,
    Scenario,
    Surge,
)
from stocksim.scenario.uncertain import is_uncertain

_SEIR_RATES = ("r0", "latent_days", "infectious_days")
_DISRUPTION_FACTORS = ("capacity_factor", "lead_time_factor", "price_factor")
_LEVEL_EFFECTS = ("routine_multiplier", "contact_factor", "swab_share_per_day", "surge_beds")


class _Checks:
    """The scenario under check, the file it came from, and the tests the sections share."""

    def __init__(self, s: Scenario, source: str | Path) -> None:
        self.s, self.source = s, source
        self.items, self.cities = set(s.item_ids), set(s.city_ids)

    def fail(self, path: str, msg: str, value: Any = None) -> NoReturn:
        raise ConfigError(self.source, path, msg, value)

    def known_items(self, path: str, table: Mapping[str, Any]) -> None:
        """Every key of a table per item is an item id."""
        for key in table:
            if key not in self.items:
                self.fail(f"{path}.{key}", f"unknown item id (items are: {', '.join(self.s.item_ids)})", key)

    def known_item(self, path: str, item: str) -> None:
        if item not in self.items:
            self.fail(path, "unknown item id", item)

    def known_city(self, path: str, city: str) -> None:
        if city not in self.cities:
            self.fail(path, "unknown city id", city)

    def known_lots(self, path: str, lots: Sequence[Lot]) -> None:
        for j, lot in enumerate(lots):
            self.known_item(f"{path}[{j}].item", lot.item)

    def non_negative(self, value: Any, path: str) -> None:
        """A number >= 0, or a distribution that cannot draw below 0."""
        if is_uncertain(value):
            low = getattr(value, "low", None)
            if low is not None and low < 0:
                self.fail(path, "the distribution allows negative values", value.model_dump())
        elif value < 0:
            self.fail(path, "must be >= 0", value)

    def non_negative_table(self, path: str, table: Mapping[str, Any]) -> None:
        for key, value in table.items():
            self.non_negative(value, f"{path}.{key}")


def check_references(s: Scenario, source: str | Path) -> None:
    """Checks across fields: ids that must exist, tables that must be complete, ranges. Each
    section stops at its first problem; the problems of all sections are listed together."""
    checks = _Checks(s, source)
    problems = []
    for section in _SECTIONS:
        try:
            section(checks)
        except ConfigError as exc:
            problems.append((exc.path, exc.message, exc.value))
    if problems:
        raise ConfigError.listing(source, problems)


def _check_ids(c: _Checks) -> None:
    suppliers = [sup.id for sup in c.s.suppliers]
    for name, ids in (("items", c.s.item_ids), ("cities", c.s.city_ids), ("suppliers", suppliers)):
        seen: set[str] = set()
        for k, id_ in enumerate(ids):
            if id_ in seen:
                c.fail(f"{name}[{k}].id", "id used twice", id_)
            seen.add(id_)


def _check_items(c: _Checks) -> None:
    for k, item in enumerate(c.s.items):
        c.non_negative(item.unit_cost_cny, f"items[{k}].unit_cost_cny")


def _check_cities(c: _Checks) -> None:
    for k, city in enumerate(c.s.cities):
        c.known_items(f"cities[{k}].stock", city.stock)
        c.known_lots(f"cities[{k}].lots", city.lots)
        c.known_items(f"cities[{k}].reserve", city.reserve)
        c.known_lots(f"cities[{k}].reserve_lots", city.reserve_lots)
        if c.s.reserve.pools == "single" and (city.reserve or city.reserve_lots):
            c.fail(f"cities[{k}].reserve", "a reserve apart from working stock needs reserve.pools: separate", "single")
        _check_agreements(c, k, city)
        c.non_negative(city.health_workers, f"cities[{k}].health_workers")
        c.non_negative(city.designated_beds, f"cities[{k}].designated_beds")
        share = city.designated_icu_share
        if not is_uncertain(share) and not 0 <= share <= 1:
            c.fail(f"cities[{k}].designated_icu_share", "must be between 0 and 1", share)


def _check_agreements(c: _Checks, k: int, city: City) -> None:
    """Agreement reserves: known items, one entry per item, and a reserve apart to be released."""
    seen: set[str] = set()
    for j, agreement in enumerate(city.agreements):
        path = f"cities[{k}].agreements[{j}]"
        c.known_item(f"{path}.item", agreement.item)
        if agreement.item in seen:
            c.fail(f"{path}.item", "item listed twice (one agreement per item: add the quantities)", agreement.item)
        seen.add(agreement.item)
        if c.s.reserve.pools == "single":
            c.fail(path, "agreements are called when the reserve is released: needs reserve.pools: separate", "single")


def _rate_tables(d: Demand) -> Iterator[tuple[str, dict[str, Any]]]:
    """The demand's tables of rates per item, with their paths."""
    yield "demand.routine_per_health_worker_day", d.routine_per_health_worker_day
    if d.protection is not None:
        for level in PROTECTION_LEVELS:
            yield f"demand.protection.{level}.per_shift", getattr(d.protection, level).per_shift
    yield "demand.per_swab", d.per_swab
    for sev in SEVERITIES:
        yield f"demand.per_patient_day.{sev}", getattr(d.per_patient_day, sev)


def _check_demand(c: _Checks) -> None:
    d = c.s.demand
    if d.protection is not None and d.routine_per_health_worker_day:
        c.fail(
            "demand.protection",
            "give either demand.protection (routine use by protection level) or "
            "demand.routine_per_health_worker_day, not both",
        )
    tables = list(_rate_tables(d))
    for path, table in tables:  # every table's item ids before any table's values
        c.known_items(path, table)
    for path, table in tables:
        c.non_negative_table(path, table)
    if not is_uncertain(d.dispersion) and d.dispersion <= 0:
        c.fail("demand.dispersion", "must be > 0", d.dispersion)
    if d.protection is not None:
        _check_protection(c, d.protection)
        c.non_negative(d.shifts_per_day, "demand.shifts_per_day")


def _check_protection(c: _Checks, protection: Protection) -> None:
    """Staff shares are numbers or bounded distributions within [0, 1], and add up to at most 1
    (taking each distribution at its highest value)."""
    highest = 0.0
    for level in PROTECTION_LEVELS:
        path, share = f"demand.protection.{level}.staff_share", getattr(protection, level).staff_share
        if is_uncertain(share):
            low, high = getattr(share, "low", None), getattr(share, "high", None)
            if low is None or high is None:
                c.fail(
                    path,
                    "a staff share must be a number or a bounded distribution (triangular or uniform)",
                    share.model_dump(),
                )
            if low < 0 or high > 1:
                c.fail(path, "must lie between 0 and 1", share.model_dump())
        else:
            high = share
            if not 0 <= share <= 1:
                c.fail(path, "must be between 0 and 1", share)
        highest += high
    if highest > 1 + 1e-9:
        c.fail(
            "demand.protection",
            "the staff shares of level1, level2 and level3 add up to more than 1",
            round(highest, 6),
        )


def _check_suppliers(c: _Checks) -> None:
    for k, sup in enumerate(c.s.suppliers):
        c.known_items(f"suppliers[{k}].capacity_per_day", sup.capacity_per_day)
        c.known_items(f"suppliers[{k}].unit_cost_cny", sup.unit_cost_cny)
        c.non_negative_table(f"suppliers[{k}].capacity_per_day", sup.capacity_per_day)
        lt = sup.lead_time_days
        if not is_uncertain(lt) and lt < 0:
            c.fail(f"suppliers[{k}].lead_time_days", "must be >= 0", lt)
        _check_disruptions(c, f"suppliers[{k}].disruptions", sup.disruptions)
        if sup.city is not None:
            c.known_city(f"suppliers[{k}].city", sup.city)
        if sup.surge is not None:
            _check_surge(c, f"suppliers[{k}].surge", sup.surge)


def _check_surge(c: _Checks, path: str, surge: Surge) -> None:
    """A surge answers to a level the scenario can declare, and only raises capacity: its factor is
    a number >= 1 or a bounded distribution (triangular or uniform) whose low is >= 1."""
    defined = [lv.level for lv in c.s.response.levels]
    if surge.at_level not in defined:
        listed = ", ".join(defined) or "none"
        c.fail(f"{path}.at_level", f"not a level of response.levels (defined: {listed})", surge.at_level)
    factor = surge.capacity_factor
    if is_uncertain(factor):
        low, high = getattr(factor, "low", None), getattr(factor, "high", None)
        if low is None or high is None:
            c.fail(
                f"{path}.capacity_factor",
                "a surge factor must be a number or a bounded distribution (triangular or uniform)",
                factor.model_dump(),
            )
        if low < 1:
            c.fail(f"{path}.capacity_factor", "must be >= 1 (a surge only raises capacity)", factor.model_dump())
    elif factor < 1:
        c.fail(f"{path}.capacity_factor", "must be >= 1 (a surge only raises capacity; see disruptions)", factor)


def _check_disruptions(c: _Checks, path: str, disruptions: Sequence[Disruption]) -> None:
    for j, dis in enumerate(disruptions):
        if dis.to_day < dis.from_day:
            c.fail(f"{path}[{j}].to_day", "must not be before from_day", dis.to_day)
        for factor in _DISRUPTION_FACTORS:
            c.non_negative(getattr(dis, factor), f"{path}[{j}].{factor}")


def _check_depots(c: _Checks) -> None:
    depots = c.s.depots
    for k, depot in enumerate(depots):
        if depot.id in c.cities:
            c.fail(f"depots[{k}].id", "already used by a city", depot.id)
        c.known_city(f"depots[{k}].city", depot.city)
        c.known_items(f"depots[{k}].stock", depot.stock)
        c.known_lots(f"depots[{k}].lots", depot.lots)
    seen: set[str] = set()
    for k, depot in enumerate(depots):
        if depot.id in seen:
            c.fail(f"depots[{k}].id", "id used twice", depot.id)
        seen.add(depot.id)


def _check_transfers(c: _Checks) -> None:
    tr = c.s.transfers
    if tr.request_up_to_days < tr.request_below_days:
        c.fail("transfers.request_up_to_days", "must be >= request_below_days", tr.request_up_to_days)
    if tr.donor_keeps_days < tr.request_up_to_days:
        # A donor left at its floor would at once be below the level requesters fill up to, and ask back.
        c.fail(
            "transfers.donor_keeps_days",
            f"must be >= request_up_to_days ({tr.request_up_to_days:g}): a donor left at its floor would ask back",
            tr.donor_keeps_days,
        )


def _check_procurement(c: _Checks) -> None:
    p = c.s.procurement
    if p.joint.lead_city is not None:
        c.known_city("procurement.joint.lead_city", p.joint.lead_city)
    for k, vd in enumerate(p.volume_discounts):
        if vd.item is not None:
            c.known_item(f"procurement.volume_discounts[{k}].item", vd.item)
    _check_other_buyers(c)
    if p.mode != "none":
        _check_ordering(c)


def _check_other_buyers(c: _Checks) -> None:
    """The suppliers' other customers, with whom the circle's orders compete for capacity."""
    for k, sup in enumerate(c.s.suppliers):
        c.known_items(f"suppliers[{k}].other_buyers_per_day", sup.other_buyers_per_day)
        c.non_negative_table(f"suppliers[{k}].other_buyers_per_day", sup.other_buyers_per_day)


def _check_supplier_buyers(c: _Checks) -> None:
    """Whom a supplier serves: own_city_first names the producer's city; a backlog has other buyers
    to keep; each framework agreement is for the joint centre or a known city, for an item the
    supplier makes, once per buyer and item."""
    for k, sup in enumerate(c.s.suppliers):
        path = f"suppliers[{k}]"
        if sup.serves == "own_city_first" and sup.city is None:
            c.fail(f"{path}.serves", f"own_city_first needs {path}.city (the city the producer is in)", sup.serves)
        if sup.other_buyers_backlog and not sup.other_buyers_per_day:
            c.fail(f"{path}.other_buyers_backlog", "there are no other_buyers_per_day to keep on order", True)
        seen: set[tuple[str, str]] = set()
        for j, agreement in enumerate(sup.agreements):
            where = f"{path}.agreements[{j}]"
            if agreement.buyer != JOINT_BUYER:
                c.known_city(f"{where}.buyer", agreement.buyer)
            elif JOINT_BUYER in c.cities:
                c.fail(f"{where}.buyer", f"ambiguous: a city is also called {JOINT_BUYER!r} (rename the city)", "joint")
            c.known_item(f"{where}.item", agreement.item)
            if agreement.item not in sup.capacity_per_day:
                c.fail(
                    f"{where}.item", f"not in {path}.capacity_per_day: the supplier does not make it", agreement.item
                )
            if (agreement.buyer, agreement.item) in seen:
                c.fail(
                    where,
                    "buyer and item listed twice (one agreement per buyer and item: add the capacities)",
                    f"{agreement.buyer}, {agreement.item}",
                )
            seen.add((agreement.buyer, agreement.item))


def _check_ordering(c: _Checks) -> None:
    """When the cities order: the (s, S) levels, and a supplier for every item."""
    p = c.s.procurement
    if p.order_up_to_days < p.reorder_point_days:
        c.fail("procurement.order_up_to_days", "must be >= reorder_point_days", p.order_up_to_days)
    carried = {i for sup in c.s.suppliers for i in sup.capacity_per_day}
    for k, item in enumerate(c.s.items):
        if item.id not in carried:
            c.fail(
                f"items[{k}].id",
                "no supplier lists this item in capacity_per_day, so it cannot be procured "
                "(add it with capacity 0 to model an item nobody sells)",
                item.id,
            )


def _check_reserve(c: _Checks) -> None:
    r = c.s.reserve
    for city, table in r.declared.items():
        c.known_city(f"reserve.declared.{city}", city)
        c.known_items(f"reserve.declared.{city}", table)
    if r.daily_max == "declared":
        for city in c.s.city_ids:
            for item in c.s.item_ids:
                if item not in r.declared.get(city, {}):
                    c.fail(f"reserve.declared.{city}.{item}", "missing: daily_max is 'declared'")
    if r.daily_max == "observed" and r.observed is None:
        c.fail("reserve.observed", "required when daily_max is 'observed' ({file: PATH, window_days: 7})")
    if r.observed is not None and r.daily_max != "observed":
        c.fail("reserve.observed", "recorded use is read only with daily_max: observed", r.daily_max)
    defined = [lv.level for lv in c.s.response.levels]
    if r.full_load_level not in (None, "none", *defined):
        listed = ", ".join(defined) or "none"
        c.fail("reserve.full_load_level", f"not a level of response.levels (defined: {listed})", r.full_load_level)


def _check_distances(c: _Checks) -> None:
    dist = c.s.distances
    if dist.file and dist.km:
        c.fail("distances", "give either file or km, not both")
    km = dist.km
    if km is not None:
        for a in c.s.city_ids:
            for b in c.s.city_ids:
                if a != b and b not in km.get(a, {}):
                    c.fail(f"distances.km.{a}.{b}", "missing: km needs every pair of cities")


def _check_epidemic(c: _Checks) -> None:
    e = c.s.epidemic
    if e.model == "census" and not e.file:
        c.fail("epidemic.file", "required when epidemic.model is 'census'")
    if e.model == "seir":
        for section in _SEIR_SECTIONS:
            section(c)


def _check_seir_rates(c: _Checks) -> None:
    for key in _SEIR_RATES:
        value = getattr(c.s.epidemic, key)
        if value is None:
            c.fail(f"epidemic.{key}", "required when epidemic.model is 'seir'")
        c.non_negative(value, f"epidemic.{key}")
        if not is_uncertain(value) and key != "r0" and value <= 0:
            c.fail(f"epidemic.{key}", "must be > 0", value)


def _check_care(c: _Checks) -> None:
    care = c.s.epidemic.care
    if care is None:
        c.fail(
            "epidemic.care",
            "required when epidemic.model is 'seir' (shares, delays and stays of mild, severe, icu)",
        )
    shares = 0.0
    for sev in SEVERITIES:
        stage = getattr(care, sev)
        c.non_negative(stage.share, f"epidemic.care.{sev}.share")
        shares += stage.share if not is_uncertain(stage.share) else 0.0
    if shares > 1:
        c.fail("epidemic.care", "the shares of mild, severe and icu add up to more than 1", round(shares, 6))


def _check_introductions(c: _Checks) -> None:
    for k, intro in enumerate(c.s.epidemic.introductions):
        c.known_city(f"epidemic.introductions[{k}].city", intro.city)
        c.non_negative(intro.infections, f"epidemic.introductions[{k}].infections")


def _check_interventions(c: _Checks) -> None:
    for k, iv in enumerate(c.s.epidemic.interventions):
        if iv.to_day is not None and iv.to_day < iv.from_day:
            c.fail(f"epidemic.interventions[{k}].to_day", "must not be before from_day", iv.to_day)
        c.non_negative(iv.contact_factor, f"epidemic.interventions[{k}].contact_factor")
        for j, city in enumerate(iv.cities or []):
            c.known_city(f"epidemic.interventions[{k}].cities[{j}]", city)


def _check_mobility(c: _Checks) -> None:
    m = c.s.epidemic.mobility
    if m.kind == "matrix" and not m.matrix:
        c.fail("epidemic.mobility.matrix", "required when mobility.model is 'matrix'")
    if m.kind == "gravity":
        c.non_negative(m.daily_trips_per_capita, "epidemic.mobility.daily_trips_per_capita")
        c.non_negative(m.distance_decay_km, "epidemic.mobility.distance_decay_km")


def _check_response(c: _Checks) -> None:
    levels = c.s.response.levels
    names = [lv.level for lv in levels]
    if names and names != [n for n in LEVEL_NAMES[1:] if n in names]:
        c.fail("response.levels", "list the levels from the lowest (IV) to the highest (I), each once", names)
    for k, lv in enumerate(levels):
        if lv.exit_below > lv.enter_at:
            c.fail(f"response.levels[{k}].exit_below", "must not exceed enter_at (hysteresis)", lv.exit_below)
        if k and lv.enter_at < levels[k - 1].enter_at:
            c.fail(f"response.levels[{k}].enter_at", "must not be below the lower level's enter_at", lv.enter_at)
        for effect in _LEVEL_EFFECTS:
            c.non_negative(getattr(lv, effect), f"response.levels[{k}].{effect}")
    if levels and c.s.epidemic.model != "seir" and not c.s.response.schedule:
        c.fail(
            "response.levels",
            f"with epidemic.model '{c.s.epidemic.model}' only response.schedule can declare levels (the "
            "thresholds follow new cases, which only epidemic.model 'seir' has): give a schedule or drop the levels",
        )


def _check_schedule(c: _Checks) -> None:
    """Scheduled levels are defined, their days in order, their cities known, one level per city and day."""
    defined = ["none", *(lv.level for lv in c.s.response.levels)]
    for k, entry in enumerate(c.s.response.schedule):
        path = f"response.schedule[{k}]"
        if entry.level not in defined:
            c.fail(f"{path}.level", f"not a level of response.levels (defined: {', '.join(defined)})", entry.level)
        if entry.to_day is not None and entry.to_day < entry.from_day:
            c.fail(f"{path}.to_day", f"must not be before from_day ({entry.from_day})", entry.to_day)
        cities = entry.cities or []
        for j, city in enumerate(cities):
            c.known_city(f"{path}.cities[{j}]", city)
            if city in cities[:j]:
                c.fail(f"{path}.cities[{j}]", "city listed twice", city)
    _check_schedule_overlaps(c)


def _check_schedule_overlaps(c: _Checks) -> None:
    """Two entries may not both set a level for the same city on the same day."""
    entries, everyone = c.s.response.schedule, c.s.city_ids
    for k, entry in enumerate(entries):
        for j, other in enumerate(entries[:k]):
            first = max(entry.from_day, other.from_day)
            ends = [d for d in (entry.to_day, other.to_day) if d is not None]
            if ends and min(ends) < first:
                continue
            shared = [x for x in everyone if x in (entry.cities or everyone) and x in (other.cities or everyone)]
            if shared:
                c.fail(
                    f"response.schedule[{k}]",
                    f"sets the level of city {shared[0]} on day {first}, as response.schedule[{j}] does "
                    "(one scheduled level per city and day: split the entries)",
                    entry.model_dump(exclude_none=True),
                )


def _check_crisis_practice(c: _Checks) -> None:
    """Use factors name known items; a substitute is another known item, from a level the scenario
    defines, and each (item, by) pair is given once."""
    for k, lv in enumerate(c.s.response.levels):
        c.known_items(f"response.levels[{k}].use_factor", lv.use_factor)
    defined = [lv.level for lv in c.s.response.levels]
    seen: set[tuple[str, str]] = set()
    for k, sub in enumerate(c.s.substitutes):
        path = f"substitutes[{k}]"
        c.known_item(f"{path}.item", sub.item)
        c.known_item(f"{path}.by", sub.by)
        if sub.by == sub.item:
            c.fail(f"{path}.by", "an item cannot stand in for itself", sub.by)
        if sub.from_level not in defined:
            listed = ", ".join(defined) or "none"
            c.fail(f"{path}.from_level", f"not a level of response.levels (defined: {listed})", sub.from_level)
        if (sub.item, sub.by) in seen:
            c.fail(path, f"{sub.by} already stands in for {sub.item} (one entry per pair)", sub.model_dump())
        seen.add((sub.item, sub.by))


_Section = Callable[[_Checks], None]

# The order in which problems are looked for and listed (one per section at most).
_SECTIONS: tuple[_Section, ...] = (
    _check_ids,
    _check_items,
    _check_cities,
    _check_demand,
    _check_suppliers,
    _check_depots,
    _check_transfers,
    _check_procurement,
    _check_supplier_buyers,
    _check_reserve,
    _check_distances,
    _check_epidemic,
    _check_response,
    _check_schedule,
    _check_crisis_practice,
)
_SEIR_SECTIONS: tuple[_Section, ...] = (
    _check_seir_rates,
    _check_care,
    _check_introductions,
    _check_interventions,
    _check_mobility,
)
