"""The bounds every input is held to, written once: the size of a YAML file and of what it expands to,
the range of every number a scenario gives (counts and populations that no real province exceeds,
days, money, distances), the size of data files, and the work a run may take before a flag raises it.

configs/README.md ("Limits") lists the same figures for users. A bound is never a model assumption: a
scenario inside them runs exactly as before; one outside is refused when loaded, with the path and
the value, before anything is allocated.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

# ---- files -------------------------------------------------------------------------------------
MAX_YAML_BYTES = 1_000_000  # a scenario file (the shipped ones are 15-25 kB)
MAX_YAML_DEPTH = 40  # nested mappings and lists (the shipped configs reach 6)
MAX_YAML_VALUES = 200_000  # values in the document with every alias expanded (the shipped: ~3,000)
MAX_DATA_BYTES = 64_000_000  # a census, distance, travel, inventory or recorded-use file

# ---- numbers in a scenario ---------------------------------------------------------------------
MAX_HORIZON_DAYS = 7_300  # twenty years
START_DATES = (dt.date(1900, 1, 1), dt.date(2200, 12, 31))  # start_date: every day number shown as a date
MAX_DAY = 36_500  # any other day number or span of days: expiry, from/to days, stays, lead times
MAX_REPLICATIONS = 1_000_000
MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any whole number >= 0; tables hold it as int64
MAX_POPULATION = 200_000_000  # people in one city (Guangdong, China's largest province: 127 million)
MAX_UNITS = 1e12  # units of an item: stock, lots, capacity and other buyers per day, declared use
MAX_CNY = 1e6  # price of one unit, cost per unit-km
MAX_KM = 20_000  # a distance (half the Earth's circumference)
MAX_OTHER = 1e6  # any other number: rates per person or patient, factors, thresholds, shares
MAX_ENTRIES = 1_000  # entries of any list or table: cities, items, lots, schedule entries, ...

# ---- work --------------------------------------------------------------------------------------
MAX_WORK = 2e9  # replications x days x locations x items of one command (the default scenario: 231,000 replications)
MAX_SWEEP_POINTS = 10_000  # scenarios one sweep derives (--set values crossed with --lhs points)
MAX_LISTED = 20  # problems listed in one error message; the rest are counted
MAX_SHOWN = 80  # characters of a value shown in an error message

_DAYS = {
    "shelf_life_days", "expires_day", "call_days", "coverage_days", "window_days", "target_days",
    "rotate_before_expiry_days", "day", "from_day", "to_day", "delay_days", "stay_days", "latent_days",
    "infectious_days", "exit_after_days", "reporting_delay_days", "ramp_days", "lead_time_days",
    "review_every_days", "first_review_day", "reorder_point_days", "order_up_to_days", "burn_window_days",
    "request_below_days", "request_up_to_days", "donor_keeps_days", "cooldown_days", "keeps_days",
}  # fmt: skip
_UNITS = {
    "quantity", "stock", "reserve", "declared", "daily_max", "circle", "capacity_per_day", "other_buyers_per_day",
    "min_quantity",
}  # fmt: skip
_CITY_PEOPLE = ("health_workers", "beds")  # at most the city's population, too
_PEOPLE = {"population", "infections", "surge_beds", "designated_beds", *_CITY_PEOPLE}
_CNY = {"unit_cost_cny", "cost_per_unit_km"}
_KM = {"km", "distance_decay_km"}
_SCHEMA_BOUNDED = {"horizon_days", "replications", "seed", "population"}  # bounded by the schema itself
_DIST_NUMBERS = ("low", "mode", "high", "mean", "sd")

Problem = tuple[str, str, Any]  # (path, message, value)


def bound_of(name: str) -> tuple[float, str]:
    """The upper bound of a number under the key ``name``, and what it counts."""
    if name in _DAYS:
        return MAX_DAY, "days"
    if name in _UNITS:
        return MAX_UNITS, "units"
    if name in _PEOPLE:
        return MAX_POPULATION, "people"
    if name in _CNY:
        return MAX_CNY, "CNY"
    if name in _KM:
        return MAX_KM, "km"
    return MAX_OTHER, ""


def scenario_problems(scenario: Any) -> list[Problem]:
    """Every number of a validated scenario above its bound, and, when an epidemic model uses the
    population, every city count above it (health workers, beds; designated beds may take patients
    from elsewhere). Without an epidemic the population is context only, and often a placeholder."""
    found = list(_numbers(scenario, "", ""))
    start = getattr(scenario, "start_date", None)
    if start is not None and not START_DATES[0] <= start <= START_DATES[1]:
        first, last = (d.isoformat() for d in START_DATES)
        found.insert(0, ("start_date", f"must be between {first} and {last}", start.isoformat()))
    named = {path for path, _, _ in found}
    with_epidemic = scenario.epidemic.model != "none"
    for k, city in enumerate(scenario.cities if with_epidemic else []):
        for name in _CITY_PEOPLE:
            for where, value in _values(getattr(city, name), f"cities[{k}].{name}"):
                if value > city.population and where not in named:
                    found.append((where, f"more than the city's population ({city.population:,})", value))
    return found


def _numbers(node: Any, path: str, name: str) -> Iterator[Problem]:
    """Every number under ``node`` checked against the bound of the key it is given under (the
    numbers of a table, a list or a distribution take the bound of the key that holds them)."""
    if isinstance(node, BaseModel):
        yield from _model_numbers(node, path, name)
    elif isinstance(node, dict | list | tuple) and len(node) > MAX_ENTRIES:
        yield path, f"{len(node):,} entries, more than the limit of {MAX_ENTRIES:,} (configs/README.md, Limits)", None
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, f"{path}.{key}", name)
    elif isinstance(node, list | tuple):
        for k, value in enumerate(node):
            yield from _numbers(value, f"{path}[{k}]", name)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield from _check(path, node, name)


def _model_numbers(node: BaseModel, path: str, name: str) -> Iterator[Problem]:
    if _is_distribution(node):
        for where, value in _values(node, path):
            yield from _check(where, value, name)
        return
    for key in type(node).model_fields:
        if key not in _SCHEMA_BOUNDED:
            yield from _numbers(getattr(node, key), f"{path}.{key}" if path else key, key)


def _check(path: str, value: float, name: str) -> Iterator[Problem]:
    bound, unit = bound_of(name)
    if not math.isfinite(value):
        yield path, "must be a finite number", value
    elif abs(value) > bound:
        yield path, f"above the limit of {bound:,.0f}{' ' + unit if unit else ''} (configs/README.md, Limits)", value


def _is_distribution(node: BaseModel) -> bool:
    return hasattr(node, "draw")


def _values(value: Any, path: str) -> Iterator[tuple[str, float]]:
    """A plain number, or each of a distribution's numbers, with its path."""
    if isinstance(value, BaseModel):
        for key in _DIST_NUMBERS:
            x = getattr(value, key, None)
            if isinstance(x, int | float):
                yield f"{path}.{key}", x
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, value


# ---- work --------------------------------------------------------------------------------------


def work(scenario: Any, replications: int, runs: int = 1) -> float:
    """Replications x days x locations x items (x runs): the size of what a command simulates."""
    return float(runs) * replications * scenario.horizon_days * len(scenario.location_ids) * len(scenario.items)


def work_problem(scenario: Any, replications: int, max_work: float, runs: int = 1) -> str | None:
    """Why a command is too large to start (the figure and the flag that raises the limit), or None."""
    total = work(scenario, replications, runs)
    if total <= max_work:
        return None
    times = f" x {runs:,} runs" if runs > 1 else ""
    return (
        f"{replications:,} replications x {scenario.horizon_days:,} days x {len(scenario.location_ids)} locations x "
        f"{len(scenario.items)} items{times} = {total:.3g}, above the limit of {max_work:.3g} "
        f"(pass --max-work {float(f'{total * 1.05:.2g}'):.2g} or more to run it anyway)"
    )


def data_file_problem(path: Path) -> str | None:
    """Why a data file is too large to read, or None. An XLSX workbook is a zip archive: what its
    parts unpack to is held to the same limit (a few kB of zip can unpack to gigabytes), read from
    the archive's directory before anything is unpacked; the unpacking never yields more than the
    sizes the directory declares."""
    size = path.stat().st_size
    if size > MAX_DATA_BYTES:
        return f"{size:,} bytes, larger than the limit of {MAX_DATA_BYTES:,} bytes for a data file"
    if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
        if len(parts) > MAX_ENTRIES:
            return f"an XLSX workbook of {len(parts):,} parts, more than the limit of {MAX_ENTRIES:,}"
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_DATA_BYTES:
            return (
                f"an XLSX workbook that unpacks to {unpacked:,} bytes, more than the limit of "
                f"{MAX_DATA_BYTES:,} bytes for a data file"
            )
    return None
