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


def read_city_matrix(s: Scenario, base_dir: Path, source: str, rel_path: str, field: str) -> np.ndarray:
    """A square city x city table from CSV, in the scenario's city order; ids match case-insensitively."""
    path = base_dir / rel_path
    if not path.is_file():
        raise ConfigError(source, field, "file not found", str(path))
    df = _read_csv(path, "CSV", index_col=0)
    df.index = [str(x).lower() for x in df.index]
    df.columns = [str(x).lower() for x in df.columns]
    ids = [c.lower() for c in s.city_ids]
    for where, labels in (("first column", df.index), ("header", df.columns)):
        missing = [c for c in ids if c not in labels]
        if missing:
            raise ConfigError(path, where, f"no entry for scenario city {missing[0]!r}", missing[0])
    values = df.loc[ids, ids].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ConfigError(path, f"row {ids[r]}, column {ids[c]}", "must be a number >= 0", df.loc[ids[r], ids[c]])
    return values


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
    """Day and counts as numbers >= 0 (days whole), in place; city ids as text."""
    for col in ("day", *CENSUS_COLUMNS):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if col == "day":
            bad |= values.notna() & (values != values.round())
        if bad.any():
            row = _first_row(bad)
            raise ConfigError(
                path,
                f"{_line(row)}, column {col}",
                "must be a number >= 0" + (" (whole days)" if col == "day" else ""),
                df[col].iloc[row],
            )
        df[col] = values
    df["day"] = df["day"].astype(int)
    df["city"] = df["city"].astype(str)


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
