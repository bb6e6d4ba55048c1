"""Where the cities are: road distances between them and daily travel.

Distances come from a km matrix CSV (first column the city id, then one column per city id) or,
without one, from the cities' coordinates: great-circle distance x ``road_factor`` (roads are
longer than straight lines; 1.25 is the estimate used for the shipped reference matrix).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stocksim.config import ConfigError, LoadedScenario, Scenario

EARTH_RADIUS_KM = 6371.0


def great_circle_km(s: Scenario) -> np.ndarray:
    lat = np.radians([c.lat for c in s.cities])
    lon = np.radians([c.lon for c in s.cities])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def read_city_matrix(loaded: LoadedScenario, rel_path: str, field: str) -> np.ndarray:
    """A square city x city table from CSV, in the scenario's city order; ids match case-insensitively."""
    s = loaded.scenario
    path = loaded.base_dir / rel_path
    if not path.is_file():
        raise ConfigError(loaded.source, field, "file not found", str(path))
    try:
        df = pd.read_csv(path, index_col=0)
    except Exception as exc:  # pandas raises several types for unreadable files
        raise ConfigError(path, "", f"cannot read the CSV: {exc}") from None
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


def road_km(loaded: LoadedScenario) -> np.ndarray:
    """Road distance matrix (cities x cities), km."""
    d = loaded.scenario.distances
    if d.file:
        return read_city_matrix(loaded, d.file, "distances.file")
    if d.km is not None:
        ids = loaded.scenario.city_ids
        return np.array([[0.0 if a == b else d.km[a][b] for b in ids] for a in ids])
    return great_circle_km(loaded.scenario) * d.road_factor


def gravity_trips(population: np.ndarray, km: np.ndarray, trips_per_capita: float, decay_km: float) -> np.ndarray:
    """Daily travellers from i to j (origin-constrained gravity model): each city sends
    ``trips_per_capita`` x its population a day, shared among the other cities in proportion to
    population_j x exp(-km_ij / decay_km)."""
    weight = population[None, :] * np.exp(-km / decay_km)
    np.fill_diagonal(weight, 0.0)
    total = weight.sum(axis=1, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return trips_per_capita * population[:, None] * share
