"""Statistics over replications: the summary's intervals, and the Wilson interval against known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULT
from scipy.stats import binomtest

from stocksim.experiment.run import run, run_to_dir
from stocksim.results.stats import CI_COLUMNS, SUMMARY_COLUMNS, Z95, wilson
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


def test_summary_appends_holding_and_net_cost_with_a_t_interval():
    r = run(load_scenario(DEFAULT), replications=4, keep_daily=False)
    s, reps = r.summary, r.per_replication
    assert list(s.columns[: len(SUMMARY_COLUMNS) + len(CI_COLUMNS)]) == [*SUMMARY_COLUMNS, *CI_COLUMNS]
    assert list(s.columns[-4:]) == ["holding_cost_mean", "net_cost_mean", "net_cost_mean_low", "net_cost_mean_high"]
    jinan = reps[(reps["city"] == "jinan") & (reps["item"] == "n95_respirator")]["net_cost"].to_numpy()
    row = s[(s["city"] == "jinan") & (s["item"] == "n95_respirator")].iloc[0]
    half = 3.182446305284263 * jinan.std(ddof=1) / 2  # t(0.975, 3 df) x sd / sqrt(4)
    assert row["net_cost_mean"] == pytest.approx(jinan.mean(), rel=1e-12)
    assert (row["net_cost_mean_low"], row["net_cost_mean_high"]) == pytest.approx(
        (jinan.mean() - half, jinan.mean() + half), rel=1e-12
    )
    circle = reps[reps["city"] == "ALL"].groupby("item", observed=True)["holding_cost"].mean()
    by_item = s[s["city"] == "ALL"].set_index("item")["holding_cost_mean"]
    np.testing.assert_allclose(by_item.to_numpy(), circle.reindex(by_item.index).to_numpy(), rtol=1e-12)
    assert (by_item > 0).all()  # the default holds stock at a holding rate
