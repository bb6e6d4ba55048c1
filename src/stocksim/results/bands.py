"""Small tables over replications for charts: the patients in care by severity per day and city
(quantiles, as ``stats.daily_bands``), the response level in force per day and city (the median
level over replications), and the headline figures of a run, each defined as ``stocksim compare``
defines it on the circle and all items."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stocksim.results.stats import _t_interval, daily_bands, wilson
from stocksim.results.tables import CIRCLE
from stocksim.scenario.schema import LEVEL_NAMES, SEVERITIES

# The headline figures: compare's metric on the circle and all items; a proportion gets a Wilson
# interval (as summary.csv's p_stockout), a mean a Student t interval over the replications.
HEADLINE = (("stockout", True), ("fill_rate", False), ("unmet", False), ("net_cost", False))


def census_bands(census: pd.DataFrame) -> pd.DataFrame:
    """p5, p50, p95 and mean over replications of the patients in care (mild, severe, icu) per
    day and city; the metric named in ``metric``."""
    return pd.concat([daily_bands(census, sev) for sev in SEVERITIES], ignore_index=True)


def level_by_day(daily: pd.DataFrame, cities: list[str]) -> pd.DataFrame:
    """The response level in force per day and city: the median over replications of the level
    (ordered none < IV < III < II < I; the lower of two middle ones). Columns day, city, level."""
    first_item = daily["item"].iloc[0]
    rows = daily[(daily["item"] == first_item) & daily["city"].astype(str).isin(cities)]
    codes = pd.Categorical(rows["response_level"].astype(str), categories=LEVEL_NAMES).codes
    g = rows.assign(code=codes).groupby(["day", rows["city"].astype(str)], observed=True)["code"]
    median = g.quantile(0.5, interpolation="lower").reset_index()
    median["level"] = np.asarray(LEVEL_NAMES)[median["code"].to_numpy(int)]
    return median[["day", "city", "level"]]


def headline_figures(per_metric: pd.DataFrame) -> pd.DataFrame:
    """The circle's figures over all items with their 95 % intervals, from compare's per-replication
    metrics (``experiment.compare.per_replication_metrics``): metric, mean, low, high, n."""
    rows = per_metric[(per_metric["city"] == CIRCLE) & (per_metric["item"] == CIRCLE)].sort_values("replication")
    out = []
    for metric, proportion in HEADLINE:
        values = rows[metric].to_numpy(float)
        n = len(values)
        mean = float(values.mean())
        if proportion:
            lo, hi = wilson(np.array([mean]), n)
            low, high = float(lo[0]), float(hi[0])
        else:
            t_lo, t_hi = _t_interval(values.reshape(n, 1), n)
            low, high = float(np.atleast_1d(t_lo)[0]), float(np.atleast_1d(t_hi)[0])
        out.append({"metric": metric, "mean": mean, "low": low, "high": high, "n": n})
    return pd.DataFrame(out)
