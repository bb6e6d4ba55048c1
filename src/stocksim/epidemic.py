"""The epidemic driver: how many patients of each severity, and how many swabs, per city and day.

``census`` reads a table an analyst supplies (``day, city, mild, severe, icu, swabs``); ``none``
means peacetime (no patients, no swab campaign). The result is an array shaped
(days, cities, 4) with the columns in ``CENSUS_COLUMNS`` order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stocksim.config import ConfigError, LoadedScenario

CENSUS_COLUMNS = ("mild", "severe", "icu", "swabs")
SEVERITIES = ("mild", "severe", "icu")


def census_array(loaded: LoadedScenario) -> np.ndarray:
    """The patient census and swab counts, shape (horizon_days, cities, 4)."""
    s = loaded.scenario
    if s.epidemic.model == "none":
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
    out[df["day"].to_numpy(), df["city"].map(city_index).to_numpy()] = df[list(CENSUS_COLUMNS)].to_numpy(
        float
    )
    return out
