"""The app's and report's charts: the paired-difference chart plots the table's differences in the
units its axes name; a calm city's outbreak panel starts at 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stocksim.experiment.compare import ALL_ITEMS
from stocksim.present.charts import paired_figure
from stocksim.results.tables import CIRCLE

# paired differences of independent+transfers against independent on the circle: chance -0.48 (-48 points),
# fill rate +0.002 (+0.2 points), unmet -300,000 units, net cost -2,000,000 CNY
DIFFS = {"stockout": -0.48, "fill_rate": 0.002, "unmet": -300_000.0, "net_cost": -2_000_000.0}


def _table() -> pd.DataFrame:
    rows = []
    for p in ("independent", "independent+transfers"):
        for m, d in DIFFS.items():
            k = 0.0 if p == "independent" else 1.0
            row = {"policy": p, "city": CIRCLE, "item": ALL_ITEMS, "metric": m, "mean": 0.0, "n": 10}
            rows.append({**row, "diff": k * d, "diff_low": k * 1.5 * d, "diff_high": k * 0.5 * d})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("lang", "money"), [("en", -2.0), ("zh", -200.0)])
def test_the_paired_chart_plots_points_and_money_in_its_axis_units(lang, money):
    fig = paired_figure(_table(), ["independent", "independent+transfers"], lang)
    expected = {"stockout": -48.0, "fill_rate": 0.2, "unmet": -300_000.0, "net_cost": money}
    for ax, want in zip(fig.axes, expected.values(), strict=True):
        points = [line for line in ax.lines if line.get_marker() == "o"]
        assert len(points) == 1
        assert points[0].get_xdata()[0] == pytest.approx(want)
        interval = [line for line in ax.lines if line.get_marker() != "o" and len(line.get_xdata()) == 2
                    and line.get_ydata()[0] == line.get_ydata()[1]]  # fmt: skip
        assert np.sort(interval[0].get_xdata()) == pytest.approx(np.sort([1.5 * want, 0.5 * want]))
