"""Statistics over replications: the summary per city and item with its intervals, and the
epidemic's peaks. Intervals: Wilson for proportions, Student t for means."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from stocksim.scenario.schema import Scenario

Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile


COST_AND_WASTE = ("expired", "purchase_cost", "transport_cost", "expired_value", "total_cost")
# The summary's means with a Student t interval over the replications' values.
T_INTERVALS = ("compliance_share", "unmet_mean", "total_cost_mean")

SUMMARY_COLUMNS = (
    "city",
    "item",
    "required_reserve",
    "initial_days_of_cover",
    "compliance_share",
    "p_stockout",
    "fill_rate",
    "unmet_mean",
    "first_stockout_day_median",
    *(f"{k}_mean" for k in COST_AND_WASTE),
    "replications",
    "initial_working_days_of_cover",
)
# 95 % intervals: Wilson for p_stockout, Student t for the others.
CI_COLUMNS = tuple(f"{name}_{end}" for name in ("p_stockout", *T_INTERVALS) for end in ("low", "high"))
# Costs that count holding and the change in stock value, per replication, mean; net cost with
# its Student t interval. After the columns above, so that none of them moves.
NET_COSTS = ("holding_cost", "net_cost")
NET_COST_COLUMNS = (*(f"{k}_mean" for k in NET_COSTS), "net_cost_mean_low", "net_cost_mean_high")
# What the daily max is made of: the share that is health workers' routine use, mean over the
# replications that know it (the rest is patient care and swabs). After the intervals, before the
# net costs, so that no column of the summary before this issue moves.
SPLIT_COLUMNS = ("routine_share",)

SUMMARY_INPUTS = (
    "replication",
    "city",
    "item",
    "demand",
    "served",
    "unmet",
    *COST_AND_WASTE,
    "compliant_days",
    "first_stockout_day",
    "required_reserve",
    "initial_days_of_cover",
    "initial_working_days_of_cover",
    "days",
    *NET_COSTS,
    *SPLIT_COLUMNS,
)

# Bands of a daily metric over replications: these quantiles, named so, and the mean.
BAND_QUANTILES = (0.05, 0.5, 0.95)
BAND_COLUMNS = ("p5", "p50", "p95")
BAND_METRICS = ("on_hand", "demand", "unmet")


def summary_table(reps: pd.DataFrame) -> pd.DataFrame:
    """One row per city (and ALL) and item, over all replications.

    compliance_share: share of day-ends compliant over all days and replications;
    p_stockout: share of replications with any unmet demand; fill_rate: served / demand over
    all replications; first_stockout_day_median: median over the replications that ran out;
    routine_share: mean over the replications that know it (not ``declared``).
    95 % intervals: Wilson for p_stockout; Student t over the replications' values for
    compliance_share (each replication's share of compliant days), unmet_mean, total_cost_mean
    and net_cost_mean.
    ``reps`` has the layout of ``replication_table``: each replication's rows in the same city
    and item order.
    """
    reps, n, keys = _rows_per_replication(reps)

    def col(name: str) -> np.ndarray:  # (replications, city-item rows)
        return reps[name].to_numpy(float).reshape(n, -1)

    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (depots, items never short)
        demand, served = col("demand").sum(axis=0), col("served").sum(axis=0)
        out = pd.DataFrame(
            {
                "city": keys["city"].reset_index(drop=True),
                "item": keys["item"].reset_index(drop=True),
                "required_reserve": np.nanmean(col("required_reserve"), axis=0),
                "initial_days_of_cover": np.nanmean(col("initial_days_of_cover"), axis=0),
                "initial_working_days_of_cover": np.nanmean(col("initial_working_days_of_cover"), axis=0),
                "compliance_share": col("compliant_days").sum(axis=0) / col("days").sum(axis=0),
                "p_stockout": (~np.isnan(col("first_stockout_day"))).mean(axis=0),
                "fill_rate": np.where(demand > 0, served / demand, 1.0),
                "unmet_mean": col("unmet").mean(axis=0),
                "first_stockout_day_median": np.nanmedian(col("first_stockout_day"), axis=0),
                **{f"{k}_mean": col(k).mean(axis=0) for k in COST_AND_WASTE},
                "replications": n,
            }
        )
        out["p_stockout_low"], out["p_stockout_high"] = wilson(out["p_stockout"].to_numpy(), n)
        share = col("compliant_days") / col("days")
        for name, values in zip(T_INTERVALS, (share, col("unmet"), col("total_cost")), strict=True):
            out[f"{name}_low"], out[f"{name}_high"] = _t_interval(values, n)
        for k in NET_COSTS:
            out[f"{k}_mean"] = col(k).mean(axis=0)
        out["net_cost_mean_low"], out["net_cost_mean_high"] = _t_interval(col("net_cost"), n)
        for k in SPLIT_COLUMNS:
            out[k] = np.nanmean(col(k), axis=0)
    return out[list(SUMMARY_COLUMNS) + list(CI_COLUMNS) + list(SPLIT_COLUMNS) + list(NET_COST_COLUMNS)]


def _rows_per_replication(reps: pd.DataFrame) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """``reps`` in replication order, the number of replications, and the city and item of the
    rows of one replication; refused unless every replication has these rows in this order."""
    replication = reps["replication"].to_numpy()
    if (np.diff(replication) < 0).any():
        reps = reps.sort_values("replication", kind="stable")
        replication = reps["replication"].to_numpy()
    n = len(np.unique(replication))
    keys = reps[["city", "item"]].iloc[: len(reps) // max(n, 1)]
    for key in ("city", "item"):
        values = reps[key]
        codes = np.asarray(values.cat.codes if isinstance(values.dtype, pd.CategoricalDtype) else values)
        if len(keys) * n != len(reps) or not (codes.reshape(n, -1) == codes[: len(keys)]).all():
            raise ValueError("summary_table needs every replication's rows in one city and item order")
    return reps, n, keys


def _t_interval(values: np.ndarray, n: int) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Student t 95 % interval of the mean of ``values`` (replications, rows) per row; NaN for
    one replication."""
    sd = values.std(axis=0, ddof=1) if n > 1 else np.zeros(values.shape[1])
    half = stdtrit(max(n - 1, 1), 0.975) * sd / np.sqrt(n)
    mean = values.mean(axis=0)
    return (mean - half if n > 1 else np.nan), (mean + half if n > 1 else np.nan)


def wilson(p: np.ndarray, n: int | np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion p out of n."""
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def epidemic_peaks(s: Scenario, census: pd.DataFrame) -> pd.DataFrame:
    """Per city: the peak of the hospital census (severe + icu, in beds and overflow) and its day,
    median over replications, with the 5-95 % range of the peak."""
    df = census.assign(hospital=census["severe"] + census["icu"] + census["severe_overflow"] + census["icu_overflow"])
    idx = df.groupby(["replication", "city"], observed=True)["hospital"].idxmax()
    peaks = df.loc[idx, ["replication", "city", "day", "hospital", "severe", "icu"]]
    overflow = df.groupby(["replication", "city"], observed=True)[["severe_overflow", "icu_overflow"]].max()
    infections = df.groupby(["replication", "city"], observed=True)["new_infections"].sum()
    peaks = peaks.set_index(["replication", "city"]).join(overflow).join(infections.rename("infections"))
    g = peaks.groupby(level="city", observed=True)
    out = pd.DataFrame(
        {
            "peak_day_median": g["day"].median(),
            "peak_hospital_median": g["hospital"].median(),
            "peak_hospital_p5": g["hospital"].quantile(0.05),
            "peak_hospital_p95": g["hospital"].quantile(0.95),
            "peak_severe_median": g["severe"].median(),
            "peak_icu_median": g["icu"].median(),
            "overflow_share": g.apply(lambda x: float(((x["severe_overflow"] + x["icu_overflow"]) > 0.5).mean())),
            "attack_rate_median": g["infections"].median(),
        }
    )
    pop = pd.Series({c.id: c.population for c in s.cities})
    out["attack_rate_median"] = out["attack_rate_median"] / pop.reindex(out.index)
    return out.reindex(s.city_ids).reset_index()


def daily_bands(daily: pd.DataFrame, metric: str = "on_hand") -> pd.DataFrame:
    """p5, p50, p95 and mean of a daily metric over replications, per day (and date, when the
    table has one), city and item."""
    g = daily.groupby([k for k in ("day", "date", "city", "item") if k in daily.columns], observed=True)[metric]
    q = g.quantile(np.array(BAND_QUANTILES)).unstack()
    q.columns = list(BAND_COLUMNS)
    return q.assign(mean=g.mean()).reset_index().assign(metric=metric)
