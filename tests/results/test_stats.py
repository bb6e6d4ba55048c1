"""Statistics over replications: the summary's intervals, and the Wilson interval against known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT
from scipy.stats import binomtest

from stocksim.experiment.run import run_to_dir
from stocksim.results.stats import Z95, wilson
from stocksim.scenario import load_scenario


def _wilson(k: int, n: int) -> tuple[float, float]:
    low, high = wilson(np.array([k / n]), n)
    return float(low[0]), float(high[0])


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson"), scipy 1.17
        (0, 10, 0.0, 0.27753279986288926),
        (5, 10, 0.236593090512564, 0.7634069094874361),
        (1, 20, 0.008881448800795402, 0.23613119344674205),
        (10, 10, 0.7224672001371109, 1.0),
    ],
)
def test_wilson_interval_known_values(k, n, low, high):
    assert _wilson(k, n) == pytest.approx((low, high), abs=1e-12)


def test_wilson_interval_of_the_published_example():
    """Newcombe (1998), Statistics in Medicine 17:857-872, Table I: 81 of 263, score method
    without continuity correction (Wilson 1927): 0.2553 to 0.3662."""
    low, high = _wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


@pytest.mark.parametrize("n", [1, 2, 10, 100])
def test_wilson_interval_at_none_and_all_has_its_closed_form(n):
    """0 of n: [0, z^2 / (n + z^2)]; n of n: [n / (n + z^2), 1] (the score equation solved by hand)."""
    z2 = Z95**2
    assert _wilson(0, n) == pytest.approx((0.0, z2 / (n + z2)), abs=1e-12)
    assert _wilson(n, n) == pytest.approx((n / (n + z2), 1.0), abs=1e-12)


@pytest.mark.parametrize("n", [3, 7, 30])
def test_wilson_interval_agrees_with_scipy_for_every_count(n):
    k = np.arange(n + 1)
    low, high = wilson(k / n, n)
    for j in k:
        ci = binomtest(int(j), n).proportion_ci(confidence_level=0.95, method="wilson")
        assert (low[j], high[j]) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_summary_carries_confidence_intervals(tmp_path):
    run_to_dir(load_scenario(DEFAULT), tmp_path / "r", replications=8, daily="none")
    s = pd.read_csv(tmp_path / "r" / "summary.csv")
    for col in ("p_stockout", "compliance_share", "unmet_mean", "total_cost_mean"):
        assert (s[f"{col}_low"] <= s[col] + 1e-9).all() and (s[col] <= s[f"{col}_high"] + 1e-9).all()
    assert (s["p_stockout_high"] > s["p_stockout_low"]).all()  # Wilson: never a zero-width interval
    # The stockout interval is the Wilson interval of the replications that ran out, of 8.
    for p, low, high in s[["p_stockout", "p_stockout_low", "p_stockout_high"]].itertuples(index=False):
        ci = binomtest(round(p * 8), 8).proportion_ci(confidence_level=0.95, method="wilson")
        assert (low, high) == pytest.approx((ci.low, ci.high), abs=1e-9)
    assert not (tmp_path / "r" / "daily.parquet").exists()
