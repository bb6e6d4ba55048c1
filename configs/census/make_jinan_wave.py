"""Write ``jinan-wave.csv``: an illustrative outbreak wave over the 7 cities, for the default scenario.

This is a planning scenario, not a forecast and not data. How it is built:
- new ascertained cases per day in each city follow a gamma-shaped curve; Jinan peaks on day
  55 at 250 cases a day; other cities peak later and lower, by road distance from Jinan
  (2 days later per 50 km) and with a peak of 250 x (population / Jinan's) x exp(-km / 150);
- cases split 81 % mild, 14 % severe, 5 % critical (Wu & McGoogan, JAMA 2020; sourced in
  data/reference/README.md) and stay 14 days (mild ward and severe) or 8 days (ICU)
  (Rees et al., BMC Med 2020, medians), which gives the daily census by severity;
- while a city records more than 50 new cases a day it swabs 5 % of its residents a day
  (estimate; mass-testing campaigns in China in 2020-2022 tested whole cities in days).

Run ``python configs/census/make_jinan_wave.py`` to regenerate; the output is deterministic.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parents[1] / "data" / "reference"
DAYS = 180
SHARES = {"mild": 0.81, "severe": 0.14, "icu": 0.05}
STAY = {"mild": 14, "severe": 14, "icu": 8}
JINAN_PEAK_DAY, JINAN_PEAK_CASES, SHAPE = 55, 250.0, 12.0
SWAB_THRESHOLD, SWAB_SHARE = 50.0, 0.05


def wave(peak_day: float, peak: float) -> np.ndarray:
    """Gamma-shaped daily curve with its maximum ``peak`` on ``peak_day``."""
    t = np.arange(DAYS, dtype=float)
    scale = peak_day / (SHAPE - 1)
    x = np.where(t > 0, t / scale, 1e-12)
    curve = x ** (SHAPE - 1) * np.exp(-x)
    return peak * curve / curve.max()


def census(new_cases: np.ndarray) -> dict[str, np.ndarray]:
    out = {}
    for sev, share in SHARES.items():
        admitted = share * new_cases
        out[sev] = np.convolve(admitted, np.ones(STAY[sev]))[:DAYS]
    return out


def main() -> None:
    with open(REFERENCE / "cities.csv", encoding="utf-8") as f:
        cities = list(csv.DictReader(f))
    with open(REFERENCE / "distances_km.csv", encoding="utf-8") as f:
        km = {row["city_en"]: row for row in csv.DictReader(f)}
    jinan_pop = float(cities[0]["population_2020"])
    new_cases = {}
    for c in cities:
        pop = float(c["population_2020"])
        d = float(km["Jinan"][c["city_en"]])
        new_cases[c["city_en"]] = wave(
            JINAN_PEAK_DAY + 2 * d / 50, JINAN_PEAK_CASES * pop / jinan_pop * np.exp(-d / 150)
        )
    write_census(HERE / "jinan-wave.csv", cities, new_cases)


def write_census(path: Path, cities: list[dict], new_cases: dict[str, np.ndarray]) -> None:
    """The daily census by severity and the swabs of each city (rows of ``cities.csv``) from its new
    ascertained cases a day (``new_cases`` by English name), as the CSV a census scenario reads."""
    rows = []
    for c in cities:
        name = c["city_en"]
        cases = new_cases[name]
        beds = census(cases)
        swabs = np.where(cases > SWAB_THRESHOLD, SWAB_SHARE * float(c["population_2020"]), 0.0)
        for t in range(DAYS):
            rows.append([t, name.lower(), *(round(beds[s][t], 1) for s in SHARES), round(swabs[t])])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["day", "city", "mild", "severe", "icu", "swabs"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
