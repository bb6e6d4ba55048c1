"""The epidemic driver: how many patients of each severity, and how many swabs, per city and day.

``census`` reads a table an analyst supplies (``day, city, mild, severe, icu, swabs``); ``seir``
simulates an outbreak over the cities (``seir.py``) with response levels; ``none`` means
peacetime (no patients, no swab campaign). ``EpidemicDriver.batch`` gives every model's result
in one shape, an ``EpidemicBatch``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stocksim.config import ConfigError, LoadedScenario
from stocksim.geography import read_city_matrix, road_km
from stocksim.params import BatchParams
from stocksim.seir import EpidemicBatch, simulate_epidemic

CENSUS_COLUMNS = ("mild", "severe", "icu", "swabs")


class EpidemicDriver:
    """Reads the scenario's data files once and produces each batch's epidemic."""

    def __init__(self, loaded: LoadedScenario):
        s = loaded.scenario
        self.scenario = s
        self.census = census_array(loaded) if s.epidemic.model != "seir" else None
        m = s.epidemic.mobility
        seir = s.epidemic.model == "seir"
        self.km = road_km(loaded) if seir and m.kind == "gravity" else None
        self.trips = (
            read_city_matrix(loaded, m.matrix, "epidemic.mobility.matrix") if seir and m.kind == "matrix" else None
        )

    def batch(self, seed: int, bp: BatchParams) -> EpidemicBatch:
        s = self.scenario
        if s.epidemic.model == "seir":
            return simulate_epidemic(s, seed, bp, self.km, self.trips)
        n, (horizon, n_c, _) = bp.size, self.census.shape
        census = np.broadcast_to(self.census[None, :, :, :3], (n, horizon, n_c, 3))
        zeros = np.zeros((n, horizon, n_c))
        return EpidemicBatch(
            compartments=np.zeros((n, horizon, n_c, 4)),
            new_infections=zeros,
            new_cases=zeros,
            census=census,
            overflow=np.zeros((n, horizon, n_c, 2)),
            swabs=np.broadcast_to(self.census[None, :, :, 3], (n, horizon, n_c)),
            level=np.zeros((n, horizon, n_c), dtype=int),
            routine_multiplier=np.ones((n, horizon, n_c)),
            coverage_days=np.full((n, horizon, n_c), s.reserve.coverage_days),
        )


def census_array(loaded: LoadedScenario) -> np.ndarray:
    """The patient census and swab counts, shape (horizon_days, cities, 4)."""
    s = loaded.scenario
    if s.epidemic.model != "census":
        return np.zeros((s.horizon_days, len(s.cities), len(CENSUS_COLUMNS)))
    return load_census(loaded)


def load_census(loaded: LoadedScenario) -> np.ndarray:
    """Read the census CSV. Days missing from the file count as zero; days past the horizon
    are ignored. Every city of the scenario must appear, and only those."""
    s = loaded.scenario
    path = loaded.census_path()
    if path is None or not path.is_file():
        raise ConfigError(loaded.source, "epidemic.file", "census file not found", str(path))
    try:
        df = pd.read_csv(path)
    except Exception as exc:  # pandas raises several types for unreadable files
        raise ConfigError(path, "", f"cannot read the census CSV: {exc}") from None
    need = ("day", "city", *CENSUS_COLUMNS)
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ConfigError(path, "header", f"missing column(s) {', '.join(missing)}; need {', '.join(need)}")
    extra = [c for c in df.columns if c not in need]
    if extra:
        raise ConfigError(path, "header", f"unknown column(s) {', '.join(map(str, extra))}")
    for col in ("day", *CENSUS_COLUMNS):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if col == "day":
            bad |= values.notna() & (values != values.round())
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ConfigError(
                path,
                f"row {row + 2}, column {col}",
                "must be a number >= 0" + (" (whole days)" if col == "day" else ""),
                df[col].iloc[row],
            )
        df[col] = values
    df["day"] = df["day"].astype(int)
    df["city"] = df["city"].astype(str)
    ids = s.city_ids
    unknown = sorted(set(df["city"]) - set(ids))
    if unknown:
        row = int(np.flatnonzero(df["city"].isin(unknown).to_numpy())[0])
        raise ConfigError(
            path,
            f"row {row + 2}, column city",
            f"city not in the scenario (cities are: {', '.join(ids)})",
            unknown[0],
        )
    absent = [c for c in ids if c not in set(df["city"])]
    if absent:
        raise ConfigError(path, "column city", f"no rows for scenario city {absent[0]!r}", absent[0])
    dup = df.duplicated(["day", "city"])
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise ConfigError(
            path,
            f"row {row + 2}",
            "day and city given twice",
            f"{df['day'].iloc[row]}, {df['city'].iloc[row]}",
        )
    df = df[df["day"] < s.horizon_days]
    out = np.zeros((s.horizon_days, len(ids), len(CENSUS_COLUMNS)))
    city_index = {c: k for k, c in enumerate(ids)}
    out[df["day"].to_numpy(), df["city"].map(city_index).to_numpy()] = df[list(CENSUS_COLUMNS)].to_numpy(float)
    return out
