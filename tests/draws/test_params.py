"""Each replication's concrete parameters: an uncertain number is drawn once per replication."""

from __future__ import annotations

import math

import numpy as np
from conftest import base_dict, series, simulate


def test_an_uncertain_rate_is_drawn_once_per_replication():
    rate = {"dist": "uniform", "low": 0.05, "high": 0.15}
    d = base_dict(replications=200, horizon_days=5, cities=[{**base_dict()["cities"][0], "stock": {"x": 1e6}}])
    d["demand"] = {"noise": "none", "routine_per_health_worker_day": {"x": rate}}
    r = simulate(d)
    per_rep = np.array([series(r, "demand", replication=k) for k in range(200)])
    assert np.all(per_rep == per_rep[:, :1])  # constant within a replication
    rates = per_rep[:, 0] / 100
    assert len(np.unique(rates)) == 200
    assert rates.min() >= 0.05 and rates.max() <= 0.15
    assert abs(rates.mean() - 0.1) < 4 * (0.1 / math.sqrt(12)) / math.sqrt(200)
