"""A comparison of policies in sentences a person can read, in English or Chinese.

First a line that says what the baseline is (the first policy, the depots every policy keeps, and
whether cities transfer to each other); then one sentence per other policy, on the circle and all
items: the relative change of unmet use, the chance that some city runs out, and the net cost,
each against the baseline on common random numbers, e.g.

    joint procurement with transfers between cities: unmet use -62 % [-75, -48], chance that
    some city runs out 84 % -> 41 %, net cost +3.1 M CNY [+2.0, +4.2]

The relative change of unmet use is the paired difference over the baseline's mean, and its
interval the paired 95 % t interval of the difference divided by the same mean (the baseline mean
taken as fixed). Where an interval includes 0 (or there is none: one replication) the part says
"no clear difference". The CLI writes these lines to ``verdict.txt``; the app shows the same.
"""

from __future__ import annotations

import math

import pandas as pd

from stocksim.experiment.compare import ALL_ITEMS, Comparison, Setup
from stocksim.present.i18n import t, zh_magnitude
from stocksim.results.tables import CIRCLE

VERDICT = "verdict.txt"  # beside compare.csv


def policy_words(policy: str, lang: str) -> str:
    """A policy name (``joint-combined+transfers``) in words."""
    mode, *mods = policy.strip().split("+")
    words = [t(f"policy_{mode}", lang), *(t(f"policy_+{m}", lang) for m in mods)]
    if lang == "zh":
        return "＋".join(words)
    return " ".join(words[:2]) + "".join(f" and {w}" for w in words[2:])


def baseline_line(policy: str, setup: Setup | None, lang: str, depot_names: dict[str, str] | None = None) -> str:
    """What the other policies are measured against: the first policy, its depots, transfers on or
    off. With ``depot_names`` (the app) depots by name and the policy in words only, no codes."""
    sep, colon, left, right = ("；", "：", "（", "）") if lang == "zh" else ("; ", ": ", " (", ")")
    code = f"{left}{policy}{right}" if depot_names is None else ""
    parts = [f"{t('verdict_baseline', lang)}{colon}{policy_words(policy, lang)}{code}"]
    if setup is not None:
        shown = [(depot_names or {}).get(d, d) for d in setup.depots]
        depots = ", ".join(shown) if setup.depots else t("verdict_no_depots", lang)
        kept = f"{left}{t('verdict_depots_kept', lang)}{right}" if setup.depots else ""
        parts.append(f"{t('verdict_depots', lang)}{colon}{depots}{kept}")
        parts.append(
            f"{t('verdict_transfers', lang)}{colon}{t('verdict_on' if setup.transfers else 'verdict_off', lang)}"
        )
    return sep.join(parts)


def verdict_sentence(table: pd.DataFrame, policy: str, baseline: str, lang: str) -> str:
    """One policy against the baseline, from a comparison's tidy table (``Comparison.table``)."""
    circle = table[(table["city"] == CIRCLE) & (table["item"] == ALL_ITEMS)].set_index(["policy", "metric"])
    base, row = circle.loc[baseline], circle.loc[policy]
    parts = [
        f"{t('verdict_unmet', lang)} {_unmet(base.loc['unmet'], row.loc['unmet'], lang)}",
        f"{t('verdict_chance', lang)} {_chance(base.loc['stockout'], row.loc['stockout'], lang)}",
        f"{t('verdict_net_cost', lang)} {_amount(row.loc['net_cost'], True, lang)}",
    ]
    if lang == "zh":
        return f"{policy_words(policy, lang)}：" + "，".join(parts)
    return f"{policy_words(policy, lang)}: " + ", ".join(parts)


def verdict_lines(cmp: Comparison, lang: str = "en", depot_names: dict[str, str] | None = None) -> list[str]:
    """The baseline line, then one sentence per policy after the first (``depot_names``: see
    ``baseline_line``)."""
    base = cmp.policies[0]
    lines = [baseline_line(base, cmp.setups.get(base), lang, depot_names)]
    return lines + [verdict_sentence(cmp.table, p, base, lang) for p in cmp.policies[1:]]


def _clear(row: pd.Series) -> bool:
    """The paired interval excludes 0."""
    return bool(row["diff_low"] > 0 or row["diff_high"] < 0)  # NaN (one replication): not clear


def _unclear(row: pd.Series, lang: str) -> str:
    if _clear(row):
        return ""
    return f"（{t('verdict_unclear', lang)}）" if lang == "zh" else f" ({t('verdict_unclear', lang)})"


def _pct(x: float, lang: str, sign: str = "") -> str:
    return f"{x:{sign}.0f}" + ("%" if lang == "zh" else " %")


def _unmet(base: pd.Series, row: pd.Series, lang: str) -> str:
    """Relative change over the baseline's mean with its interval; units where the baseline had none."""
    if base["mean"] > 0:
        change, low, high = (100.0 * row[k] / base["mean"] for k in ("diff", "diff_low", "diff_high"))
        return f"{_pct(change, lang, '+')} [{_signed(low, 0)}, {_signed(high, 0)}]" + _unclear(row, lang)
    if row["mean"] == 0:
        return t("verdict_no_unmet", lang)
    return _amount(row, False, lang)


def _chance(base: pd.Series, row: pd.Series, lang: str) -> str:
    arrow = " → " if lang == "zh" else " -> "
    return f"{_pct(100 * base['mean'], lang)}{arrow}{_pct(100 * row['mean'], lang)}" + _unclear(row, lang)


def _amount(row: pd.Series, money: bool, lang: str) -> str:
    """A paired difference and its interval in one unit, chosen by the largest of the three."""
    values = [row[k] for k in ("diff", "diff_low", "diff_high")]
    divisor, label, digits = _unit(max((abs(v) for v in values if not math.isnan(v)), default=0.0), money, lang)
    diff, low, high = (_signed(v / divisor, digits) for v in values)
    return f"{diff} {label} [{low}, {high}]" + _unclear(row, lang)


def _unit(size: float, money: bool, lang: str) -> tuple[float, str, int]:
    """Divisor, unit and decimals: CNY in millions, or (Chinese) money and counts in 万 and 亿
    with ``i18n.number``'s thresholds; English counts in units."""
    if lang == "zh":
        noun = "元" if money else t("verdict_units", lang)
        divisor, prefix = zh_magnitude(size)
        return divisor, prefix + noun, 1 if prefix else 0
    if money and size >= 1e6:
        return 1e6, "M CNY", 1
    if money and size >= 1e4:  # tens of thousands against a circle's hundreds of millions: M CNY, 2 decimals
        return 1e6, "M CNY", 2
    return 1.0, "CNY" if money else t("verdict_units", lang), 0


def _signed(x: float, digits: int) -> str:
    return "-" if math.isnan(x) else f"{x:+,.{digits}f}"
