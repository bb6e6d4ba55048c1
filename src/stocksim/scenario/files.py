"""The data files a scenario names, read and checked once when it is loaded: road distances
between the cities, a patient census, a matrix of daily travellers.

Distances come from a km matrix CSV (first column the city id, then one column per city id) or,
without one, from the cities' coordinates: great-circle distance x ``road_factor`` (roads are
longer than straight lines; 1.25 is the estimate used for the shipped reference matrix).
Every error names the file, the row or column and the value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stocksim.scenario.errors import ConfigError
from stocksim.scenario.limits import MAX_DAY, MAX_KM, MAX_POPULATION
from stocksim.scenario.schema import SEVERITIES, Scenario

CENSUS_COLUMNS = (*SEVERITIES, "swabs")  # patients in care per severity, then swabs taken
EARTH_RADIUS_KM = 6371.0


def great_circle_km(s: Scenario) -> np.ndarray:
    """Great-circle distance between the cities' coordinates (cities x cities), km (haversine)."""
    lat = np.radians([c.lat for c in s.cities])
    lon = np.radians([c.lon for c in s.cities])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def read_city_matrix(
    s: Scenario, base_dir: Path, source: str, rel_path: str, field: str, bound: float = MAX_KM, unit: str = "km"
) -> np.ndarray:
    """A square city x city table from CSV, in the scenario's city order; ids match case-insensitively.
    Cities the scenario does not have may appear (a reference matrix serves many scenarios); a city
    given twice (row or column) is an error, as is a cell that is not a finite number in [0, bound]."""
    path = base_dir / rel_path
    if not path.is_file():
        raise ConfigError(source, field, "file not found", str(path))
    raw = _read_csv(path, "CSV", header=None, dtype=str, keep_default_na=False)
    if raw.shape[0] < 2 or raw.shape[1] < 2:
        raise ConfigError(path, "", "needs a header row of city ids, then one row per city")
    header = [str(x).strip().lower() for x in raw.iloc[0, 1:]]
    rows = [str(x).strip().lower() for x in raw.iloc[1:, 0]]
    twice = [(f"header, column {k + 2}", "city given twice (a second column)", x) for k, x in _repeated(header)]
    twice += [(_line(k), "city given twice (a second row)", x) for k, x in _repeated(rows)]
    if twice:
        raise ConfigError.listing(path, twice)
    ids = [c.lower() for c in s.city_ids]
    for where, labels in (("first column", rows), ("header", header)):
        missing = [c for c in ids if c not in labels]
        if missing:
            raise ConfigError(path, where, f"no entry for scenario city {missing[0]!r}", missing[0])
    cells = raw.iloc[1:, 1:].set_axis(rows, axis=0).set_axis(header, axis=1).loc[ids, ids]
    values = cells.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values < 0) | (values > bound)
    problems = [
        (f"row {ids[r]}, column {ids[c]}", f"must be a number >= 0 and at most {bound:,.0f} {unit}", cells.iat[r, c])
        for r, c in np.argwhere(bad)
    ]
    if problems:
        raise ConfigError.listing(path, problems)
    return values


def _repeated(labels: list[str]) -> list[tuple[int, str]]:
    """(position, label) of each label already seen before it."""
    seen: set[str] = set()
    out = []
    for k, label in enumerate(labels):
        if label in seen:
            out.append((k, label))
        seen.add(label)
    return out


def road_km(s: Scenario, base_dir: Path, source: str) -> np.ndarray:
    """Road distance matrix (cities x cities), km."""
    d = s.distances
    if d.file:
        return read_city_matrix(s, base_dir, source, d.file, "distances.file")
    if d.km is not None:
        ids = s.city_ids
        return np.array([[0.0 if a == b else d.km[a][b] for b in ids] for a in ids])
    return great_circle_km(s) * d.road_factor


def load_census(s: Scenario, base_dir: Path, source: str) -> np.ndarray:
    """Read the census CSV, shape (H, C, 4): mild, severe, icu, swabs per day and city. Days
    missing from the file count as zero; days past the horizon are ignored. Every city of the
    scenario must appear, and only those."""
    path = None if s.epidemic.file is None else base_dir / s.epidemic.file
    if path is None or not path.is_file():
        raise ConfigError(source, "epidemic.file", "census file not found", str(path))
    df = _read_csv(path, "census CSV")
    _check_census_header(df, path)
    _census_numbers(df, path)
    _check_census_cities(df, path, s.city_ids)
    _check_census_population(df, path, {c.id: c.population for c in s.cities})
    _check_census_once(df, path)
    return _census_array(s, df)


def _check_census_header(df: pd.DataFrame, path: Path) -> None:
    need = ("day", "city", *CENSUS_COLUMNS)
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ConfigError(path, "header", f"missing column(s) {', '.join(missing)}; need {', '.join(need)}")
    extra = [c for c in df.columns if c not in need]
    if extra:
        raise ConfigError(path, "header", f"unknown column(s) {', '.join(map(str, extra))}")


def _census_numbers(df: pd.DataFrame, path: Path) -> None:
    """Day and counts as finite numbers >= 0 (days whole, at most MAX_DAY; counts at most
    MAX_POPULATION), in place; city ids as text. The first bad cell of each column is listed."""
    problems = []
    for col in ("day", *CENSUS_COLUMNS):
        values = pd.to_numeric(df[col], errors="coerce")
        bound = MAX_DAY if col == "day" else MAX_POPULATION
        bad = values.isna() | ~np.isfinite(values) | (values < 0) | (values > bound)
        if col == "day":
            bad |= values.notna() & (values != values.round())
        if bad.any():
            row = _first_row(bad)
            what = "a whole day number" if col == "day" else "a number"
            message = f"must be {what} >= 0 and at most {bound:,}"
            problems.append((f"{_line(row)}, column {col}", message, df[col].iloc[row]))
        else:
            df[col] = values
    if problems:
        raise ConfigError.listing(path, problems)
    df["day"] = df["day"].astype(int)
    df["city"] = df["city"].astype(str)


def _check_census_population(df: pd.DataFrame, path: Path, population: dict[str, int]) -> None:
    """Patients in care and swabs in a day are at most the city's population."""
    people = df["city"].map(population).to_numpy(float)
    problems = []
    for col in CENSUS_COLUMNS:
        over = df[col].to_numpy(float) > people
        if over.any():
            row = int(np.flatnonzero(over)[0])
            message = f"more than the population of {df['city'].iloc[row]} ({int(people[row]):,})"
            problems.append((f"{_line(row)}, column {col}", message, df[col].iloc[row]))
    if problems:
        raise ConfigError.listing(path, problems)


def _check_census_cities(df: pd.DataFrame, path: Path, ids: list[str]) -> None:
    """The census names every city of the scenario, and only those."""
    unknown = sorted(set(df["city"]) - set(ids))
    if unknown:
        row = _first_row(df["city"].isin(unknown))
        raise ConfigError(
            path,
            f"{_line(row)}, column city",
            f"city not in the scenario (cities are: {', '.join(ids)})",
            unknown[0],
        )
    absent = [c for c in ids if c not in set(df["city"])]
    if absent:
        raise ConfigError(path, "column city", f"no rows for scenario city {absent[0]!r}", absent[0])


def _check_census_once(df: pd.DataFrame, path: Path) -> None:
    dup = df.duplicated(["day", "city"])
    if dup.any():
        row = _first_row(dup)
        raise ConfigError(
            path,
            _line(row),
            "day and city given twice",
            f"{df['day'].iloc[row]}, {df['city'].iloc[row]}",
        )


def _census_array(s: Scenario, df: pd.DataFrame) -> np.ndarray:
    """The checked census as an array (H, C, 4); days past the horizon dropped, missing days 0."""
    df = df[df["day"] < s.horizon_days]
    ids = s.city_ids
    out = np.zeros((s.horizon_days, len(ids), len(CENSUS_COLUMNS)))
    city_index = {c: k for k, c in enumerate(ids)}
    out[df["day"].to_numpy(), df["city"].map(city_index).to_numpy()] = df[list(CENSUS_COLUMNS)].to_numpy(float)
    return out


def _read_csv(path: Path, what: str, **kwargs: Any) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kwargs)
    except Exception as exc:  # pandas raises several types for unreadable files
        raise ConfigError(path, "", f"cannot read the {what}: {exc}") from None


def _first_row(bad: pd.Series) -> int:
    """Position (from 0) of the first flagged row of a table read from CSV."""
    return int(np.flatnonzero(bad.to_numpy())[0])


def _line(row: int) -> str:
    """Where a row (from 0) of a table read from CSV is in the file: the header is row 1."""
    return f"row {row + 2}"
