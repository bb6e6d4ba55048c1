"""What the command line prints: progress, and compact tables of a run's results."""

from __future__ import annotations

import math
import sys
import time

import pandas as pd

from stocksim.experiment.compare import Comparison, stockout_matrix
from stocksim.results.tables import CIRCLE
from stocksim.scenario.dates import date_of
from stocksim.scenario.loader import LoadedScenario
from stocksim.scenario.schema import Scenario
from stocksim.supply.reserve import full_load_level


class Progress:
    """Replications done, rate and time left: a bar on a terminal, a line now and then otherwise."""

    def __init__(self, total: int, label: str, quiet: bool):
        self.total, self.label, self.quiet = total, label, quiet
        self.done, self.start, self.last = 0, time.monotonic(), 0.0
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="rep", file=sys.stderr, leave=False)

    def __call__(self, n: int) -> None:
        self.done += n
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= 10 or self.done >= self.total:
            rate = self.done / max(now - self.start, 1e-9)
            left = (self.total - self.done) / rate if rate > 0 else float("nan")
            print(
                f"{self.label}: {self.done}/{self.total} replications, {rate:.1f} rep/s, about {left:.0f} s left",
                file=sys.stderr,
                flush=True,
            )
            self.last = now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def compliance_table(summary: pd.DataFrame, loaded: LoadedScenario) -> str:
    """City x item: compliance share and days of cover on day 0; '!' marks a day-0 shortfall. With
    the reserve apart (``reserve.pools: separate``) both are the reserve's, and beside them the
    working stock's days of cover on day 0 (at the day's expected use)."""
    s = loaded.scenario
    coverage = s.reserve.coverage_days
    names = {c.id: c.name for c in s.cities} | {CIRCLE: "Circle (all)"}
    items = s.items
    separate = s.reserve.pools == "separate"
    width = max(17 if separate else 11, *(min(len(it.name), 14) for it in items))
    head = f"{'':<14}" + "".join(f"{it.name[:14]:>{width + 1}}" for it in items)
    pool = "the reserve's " if separate else ""
    working = "; then working stock's days of cover on day 0 (w)" if separate else ""
    lines = [
        f"Reserve rule: {coverage:g} days x daily max ({_reading(s)}); "
        f"cells: share of day-ends compliant, {pool}days of cover on day 0 ('!' below {coverage:g}){working}",
        head,
    ]
    table = summary.set_index(["city", "item"])
    for city in [*s.city_ids, CIRCLE]:
        cells = []
        for it in items:
            row = table.loc[(city, it.id)]
            cover = row["initial_days_of_cover"]
            flag = "!" if cover < coverage else " "
            cover_txt = "-" if math.isnan(cover) else f"{cover:.1f}"
            cell = f"{row['compliance_share']:>4.0%} {cover_txt:>5}{flag}"
            if separate:
                w = row["initial_working_days_of_cover"]
                cell += " " + ("-" if math.isnan(w) else f"{w:.0f}w").rjust(5)
            cells.append(cell.rjust(width + 1))
        lines.append(f"{names[city][:14]:<14}" + "".join(cells))
    if "routine_share" in table and table["routine_share"].notna().any():
        lines += ["Routine use by health workers, share of the daily max (the rest: patient care and swabs):", head]
        for city in [*s.city_ids, CIRCLE]:
            shares = [table.loc[(city, it.id), "routine_share"] for it in items]
            cells = ["-" if math.isnan(x) else f"{x:.0%}" for x in shares]
            lines.append(f"{names[city][:14]:<14}" + "".join(f"{cell:>{width + 1}}" for cell in cells))
    return "\n".join(lines)


def _reading(s: Scenario) -> str:
    """The daily max reading in words: full load with its response level, peak with its quantile."""
    r = s.reserve
    if r.daily_max == "full_load":
        return f"full_load at level {full_load_level(s)}"
    if r.daily_max == "peak":
        return f"peak, {r.peak_quantile:g} quantile of a {r.peak_pilot}-replication pilot"
    if r.daily_max == "observed" and r.observed is not None:
        return f"observed, the highest {r.observed.window_days}-day mean of recorded use"
    return r.daily_max


def horizon_words(s: Scenario) -> str:
    """The horizon in words: "180 days", and with a start date "180 days, 2020-01-24 to 2020-07-21"."""
    if s.start_date is None:
        return f"{s.horizon_days} days"
    return f"{s.horizon_days} days, {date_of(s.start_date, 0)} to {date_of(s.start_date, s.horizon_days - 1)}"


def stockout_lines(summary: pd.DataFrame, loaded: LoadedScenario, limit: int = 12) -> str:
    """The city-item pairs that ran out, most often first, with the median first day."""
    s = loaded.scenario
    city_names = {c.id: c.name for c in s.cities}
    item_names = {i.id: i.name for i in s.items}
    rows = summary[(summary["city"] != CIRCLE) & (summary["p_stockout"] > 0)]
    rows = rows.sort_values(["p_stockout", "first_stockout_day_median"], ascending=[False, True])
    if rows.empty:
        return "No city ran out of any item in any replication."
    dated = " (its date)" if s.start_date else ""
    lines = [f"Ran out (share of replications with unmet demand; median first day{dated}; mean units unmet):"]
    for _, row in rows.head(limit).iterrows():
        day = row["first_stockout_day_median"]
        when = f" {date_of(s.start_date, day)}" if s.start_date else ""
        lines.append(
            f"  {city_names[row['city']]:<10} {item_names[row['item']]:<16} {row['p_stockout']:>5.0%}"
            f"   day {day:>4.0f}{when}   {row['unmet_mean']:>12,.0f}"
        )
    if len(rows) > limit:
        lines.append(f"  ... and {len(rows) - limit} more city-item pairs (see summary.csv)")
    return "\n".join(lines)


def peaks_table(peaks: pd.DataFrame, loaded: LoadedScenario) -> str:
    names = {c.id: c.name for c in loaded.scenario.cities}
    start = loaded.scenario.start_date
    date_head = f"{'date':>11}" if start else ""
    lines = [
        "Hospital census (severe + ICU, median over replications; 5-95 % range of the peak):",
        f"{'':<12}{'peak day':>9}{date_head}{'peak':>9}{'5-95 %':>17}{'severe':>9}{'ICU':>7}{'overflow':>10}"
        f"{'attack':>8}",
    ]
    for _, r in peaks.iterrows():
        span = f"{r['peak_hospital_p5']:,.0f}-{r['peak_hospital_p95']:,.0f}"
        when = f"{date_of(start, r['peak_day_median']):>11}" if start else ""
        lines.append(
            f"{names[r['city']]:<12}{r['peak_day_median']:>9.0f}{when}{r['peak_hospital_median']:>9,.0f}{span:>17}"
            f"{r['peak_severe_median']:>9,.0f}{r['peak_icu_median']:>7,.0f}{r['overflow_share']:>10.0%}"
            f"{r['attack_rate_median']:>8.1%}"
        )
    lines.append(
        "overflow: share of replications with patients beyond the designated (and surge) beds; attack: infected share"
    )
    return "\n".join(lines)


def comparison_table(cmp: Comparison, loaded: LoadedScenario) -> str:
    """City x policy: probability of running out of any item; paired difference to the first policy."""
    s = loaded.scenario
    names = {c.id: c.name for c in s.cities} | {CIRCLE: "Circle (any)"}
    table = stockout_matrix(cmp.table, s.city_ids).set_index(["city", "policy"])
    base = cmp.policies[0]
    width = max(24, *(len(p) + 2 for p in cmp.policies))
    lines = [
        "Probability of running out of any item (share of replications); for the other policies the paired",
        f"difference to {base} and its 95 % interval, on common random numbers:",
        f"{'':<14}" + "".join(f"{p:>{width}}" for p in cmp.policies),
    ]
    for city in [*s.city_ids, CIRCLE]:
        cells = []
        for p in cmp.policies:
            row = table.loc[(city, p)]
            cell = f"{row['mean']:.0%}"
            if p != base:
                cell += f" {row['diff']:+.0%} [{row['diff_low']:+.0%},{row['diff_high']:+.0%}]"
            cells.append(f"{cell:>{width}}")
        lines.append(f"{names[city][:14]:<14}" + "".join(cells))
    return "\n".join(lines + _circle_service_lines(cmp) + _circle_cost_lines(cmp))


# (metric, label, format of the mean, format of a signed difference, divisor) for the circle's lines
SERVICE = (
    ("fill_rate", "fill", ".1%", "+.1%", 1.0),
    ("unmet", "unmet", ",.0f", "+,.0f", 1.0),
    ("stockout_days", "stockout days", ".1f", "+.1f", 1.0),
)
COST = (("total_cost", "total", ",.1f", "+,.1f", 1e6), ("net_cost", "net", ",.1f", "+,.1f", 1e6))


def _circle_service_lines(cmp: Comparison) -> list[str]:
    """The circle's fill rate, unmet units and stockout days (all items) per policy, with the paired differences."""
    head = [
        "Circle service per replication, all items: fill rate, unmet units (all items summed), stockout days",
        "(days on which some city was short of some item):",
    ]
    return head + _circle_lines(cmp, SERVICE)


def _circle_cost_lines(cmp: Comparison) -> list[str]:
    """The circle's total and net cost per policy, side by side, with the paired differences."""
    head = [
        "Circle cost, million CNY per replication: total = purchase + transport + expired value; net = purchase",
        "+ transport + holding - (closing - opening stock value), the one to compare policies on:",
    ]
    return head + _circle_lines(cmp, COST)


def _circle_lines(cmp: Comparison, formats: tuple[tuple[str, str, str, str, float], ...]) -> list[str]:
    """One line per policy: each metric's circle-wide mean (all items) and, for the other policies,
    the paired difference to the first with its 95 % interval."""
    sel = cmp.table[(cmp.table["city"] == CIRCLE) & (cmp.table["item"] == "ALL")]
    rows = sel.set_index(["policy", "metric"])
    base = cmp.policies[0]
    width = max(len(p) for p in cmp.policies) + 1
    lines = []
    for p in cmp.policies:
        parts = []
        for metric, label, fmt, signed, scale in formats:
            row = rows.loc[(p, metric)]
            txt = f"{label} {row['mean'] / scale:{fmt}}"
            if p != base:
                low, diff, high = (row[k] / scale for k in ("diff_low", "diff", "diff_high"))
                txt += f" ({diff:{signed}} [{low:{signed}}, {high:{signed}}])"
            parts.append(txt)
        lines.append(f"  {p + ':':<{width}} " + ", ".join(parts))
    return lines
