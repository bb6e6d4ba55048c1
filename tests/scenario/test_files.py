"""The data files a scenario names: the census CSV and the km matrix, read into arrays once."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from conftest import base_dict, loaded

from stocksim.scenario import load_scenario
from stocksim.scenario.files import great_circle_km


def test_census_rows_land_on_their_day_and_city_and_missing_days_are_zero(tmp_path):
    city = base_dict()["cities"][0]
    d = base_dict(
        horizon_days=5,
        cities=[city, {**city, "id": "b", "name": "B"}],
        epidemic={"model": "census", "file": "w.csv"},
    )
    # Rows out of order; day 9 is past the horizon and ignored.
    (tmp_path / "w.csv").write_text("day,city,mild,severe,icu,swabs\n3,b,7,2,1,40\n0,a,1,0,0,5\n9,a,99,99,99,99\n")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(d))
    census = load_scenario(tmp_path / "s.yaml").census  # (H, C, mild/severe/icu/swabs)
    expected = np.zeros((5, 2, 4))
    expected[0, 0] = [1, 0, 0, 5]
    expected[3, 1] = [7, 2, 1, 40]
    np.testing.assert_array_equal(census, expected)


def test_great_circle_distance_agrees_with_the_spherical_law_of_cosines():
    """Jinan (36.6702 N, 117.0207 E) to Tai'an (36.2004 N, 117.0870 E) on a sphere of 6371 km,
    by the law of cosines (a formula other than the code's): 52.6 km."""
    city = base_dict()["cities"][0]
    d = base_dict(
        cities=[
            {**city, "id": "jinan", "lat": 36.6702, "lon": 117.0207},
            {**city, "id": "taian", "name": "T", "lat": 36.2004, "lon": 117.0870},
        ]
    )
    km = great_circle_km(loaded(d).scenario)
    p1, p2, dlon = math.radians(36.6702), math.radians(36.2004), math.radians(117.0207 - 117.0870)
    central = math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dlon))
    assert km[0, 1] == km[1, 0] == pytest.approx(6371 * central, rel=1e-9)
    assert round(km[0, 1], 1) == 52.6
    assert km[0, 0] == km[1, 1] == 0
