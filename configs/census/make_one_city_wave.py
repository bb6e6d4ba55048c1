"""Write ``one-city-wave.csv``: an illustrative outbreak in Jinan alone, the six other cities calm.

A planning scenario, not a forecast and not data. It uses the shapes of ``make_jinan_wave.py``
(gamma-shaped new cases a day, 81 % mild / 14 % severe / 5 % critical, stays of 14 / 14 / 8 days,
mass testing of 5 % of residents a day while a city records more than 50 new cases a day), with:
- Jinan peaking on day 40 at 600 new ascertained cases a day [E]: its census (about 7,800 patients
  at the peak on day 47) is above its full-load bed count at level I (1,880 designated + 1,500 surge
  beds) from day 33 to day 65, an outbreak larger than the one the 30-day reserve is sized for;
- every other city with no case at all: only routine use there.

Run ``python configs/census/make_one_city_wave.py`` to regenerate; the output is deterministic.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from make_jinan_wave import DAYS, REFERENCE, wave, write_census

HERE = Path(__file__).resolve().parent
OUTBREAK_CITY, PEAK_DAY, PEAK_CASES = "Jinan", 40, 600.0


def main() -> None:
    with open(REFERENCE / "cities.csv", encoding="utf-8") as f:
        cities = list(csv.DictReader(f))
    new_cases = {
        c["city_en"]: wave(PEAK_DAY, PEAK_CASES) if c["city_en"] == OUTBREAK_CITY else np.zeros(DAYS) for c in cities
    }
    write_census(HERE / "one-city-wave.csv", cities, new_cases)


if __name__ == "__main__":
    main()
