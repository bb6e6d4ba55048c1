"""The searches in words and tables, in English or Chinese: the factor ``compare --at equal-cost``
found for each policy, and the reserve ``stocksim size`` found for each policy with the difference
between policies, e.g.

    independent needs 41.3 days (512.0 M CNY), joint-combined+transfers 33.0 days (409.1 M CNY):
    joint procurement (cities' orders combined) with transfers between cities saves 8.3 days = 102.9 M CNY
"""

from __future__ import annotations

import math
import re

from stocksim.experiment.compare import Comparison
from stocksim.experiment.search import FACTOR_RANGE, TOLERANCE
from stocksim.experiment.sizing import Sizing, Target
from stocksim.present.i18n import name, t, zh_magnitude
from stocksim.present.verdict import policy_words
from stocksim.scenario.schema import Scenario

SIZE_TEXT = "size.txt"  # beside size.csv: the sentences


def money(x: float, lang: str) -> str:
    """CNY: millions in English from 1 M, 万 and 亿 in Chinese."""
    if lang == "zh":
        divisor, unit = zh_magnitude(x)
        return f"{x / divisor:,.1f} {unit}元" if unit else f"{x:,.0f} 元"
    return f"{x / 1e6:,.1f} M CNY" if abs(x) >= 1e6 else f"{x:,.0f} CNY"


# ---- equal cost ------------------------------------------------------------------------------


def equal_cost_lines(cmp: Comparison, s: Scenario, lang: str = "en", codes: bool = True) -> list[str]:
    """One line per policy brought to the baseline's net cost: the factor, s and S, the costs (the
    policy by its code, or without ``codes`` in words)."""
    basis = t(f"basis_{s.procurement.basis}", lang)
    lines = []
    for policy, e in cmp.equal_cost.items():
        key = "equal_cost_found" if e.matched else "equal_cost_missed"
        lines.append(
            t(key, lang).format(
                policy=policy if codes else policy_words(policy, lang),
                factor=e.factor,
                s=e.reorder_point_days,
                S=e.order_up_to_days,
                basis=basis,
                cost=money(e.net_cost, lang),
                target=money(e.target, lang),
                gap=100 * e.gap,
                low=FACTOR_RANGE[0],
                high=FACTOR_RANGE[1],
                tol=100 * TOLERANCE,
            )  # fmt: skip
        )
    return lines


# ---- size ------------------------------------------------------------------------------------


def _city_name(s: Scenario, city: str, lang: str) -> str:
    return name(s.cities[s.city_ids.index(city)], lang)


def metric_words(target: Target, s: Scenario, lang: str) -> str:
    """The target's metric in words: the chance that some city (or one) runs out, or a fill rate."""
    if target.city is None:
        return t(f"size_metric_{target.metric}", lang)
    return t(f"size_metric_{target.metric}_city", lang).format(city=_city_name(s, target.city, lang))


def share(x: float, target: Target, lang: str) -> str:
    """A chance or fill rate as a percentage (two decimals for a fill rate)."""
    if math.isnan(x):
        return "-"
    digits = 2 if target.metric == "fill_rate" else 1
    return f"{100 * x:.{digits}f}" + ("%" if lang == "zh" else " %")


def _bound(x: float, target: Target) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.{2 if target.metric == 'fill_rate' else 1}f}"


def amount(z: Sizing, value: float, lang: str, of: bool = False) -> str:
    """A point of the search: days (of the daily max) or a scale (of the given reserve)."""
    kind = "size_days" if z.lever.kind == "coverage_days" else "size_scale"
    return t(kind + ("_of" if of else ""), lang).format(x=value)


def _where(z: Sizing, s: Scenario, lang: str) -> str:
    if z.lever.city is None:
        return t("size_where_all", lang)
    return t("size_where_city", lang).format(city=_city_name(s, z.lever.city, lang))


def sizing_sentence(z: Sizing, s: Scenario, lang: str = "en") -> str:
    """One policy's reserve: what it is, what it costs, and how the check on fresh replications went."""
    parts = {
        "policy": policy_words(z.policy, lang),
        "code": z.policy,
        "where": _where(z, s, lang),
        "metric": metric_words(z.target, s, lang),
        "op": t(f"size_op_{z.target.op}", lang),
        "target": share(z.target.value, z.target, lang),
        "search": share(z.estimate, z.target, lang),
        "n": z.replications,
        "fresh": share(z.check.estimate, z.target, lang),
        "low": _bound(z.check.low, z.target),
        "high": _bound(z.check.high, z.target),
    }
    if z.value is None:
        return t("size_unreachable", lang).format(amount=amount(z, z.limit, lang, of=True), **parts)
    verdict = t("size_meets" if z.check.met else "size_misses", lang)
    cost = money(z.cost, lang)
    return t("size_found", lang).format(amount=amount(z, z.value, lang, of=True), cost=cost, verdict=verdict, **parts)


def difference_sentence(base: Sizing, other: Sizing, lang: str = "en") -> str:
    """What ``other`` needs against ``base``: days (or scale) and CNY saved, or needed more."""
    if base.value is None or other.value is None:
        neither = base.value is None and other.value is None
        both = ("、" if lang == "zh" else " and ").join((base.policy, other.policy))
        which = both if neither else base.policy if base.value is None else other.policy
        return t("size_no_difference", lang).format(base=base.policy, other=other.policy, which=which)
    diff, cost = base.value - other.value, base.cost - other.cost
    if abs(diff) < 1e-9 and abs(cost) < 0.5:
        change = t("size_same", lang)
    else:
        key = "size_saves" if diff > 0 or (diff == 0 and cost > 0) else "size_needs_more"
        change = t(key, lang).format(diff=amount(base, abs(diff), lang), cost=money(abs(cost), lang))
    return t("size_difference", lang).format(
        base=base.policy, base_amount=amount(base, base.value, lang), base_cost=money(base.cost, lang),
        other=other.policy, other_amount=amount(other, other.value, lang), other_cost=money(other.cost, lang),
        words=policy_words(other.policy, lang), change=change,
    )  # fmt: skip


def size_lines(sizes: list[Sizing], s: Scenario, lang: str = "en", codes: bool = True) -> list[str]:
    """One sentence per policy, then each policy after the first against the first. Without
    ``codes`` (the app) a policy is named in words only, never by its code."""
    lines = [sizing_sentence(z, s, lang) for z in sizes]
    lines += [difference_sentence(sizes[0], z, lang) for z in sizes[1:]]
    if any(z.daily_max_varies for z in sizes) and sizes[0].lever.kind == "coverage_days":
        lines.append(t("size_varies", lang))
    return lines if codes else words_only(lines, [z.policy for z in sizes], lang)


def words_only(lines: list[str], policies: list[str], lang: str) -> list[str]:
    """Each policy named in words, never by its code: "words (code)" and a bare code both become the
    words, in one pass, so words that contain a code ("independent procurement") stay as they are."""
    said = {}
    for p in policies:
        w = policy_words(p, lang)
        said.update({f"{w} ({p})": w, f"{w}（{p}）": w, w: w, p: w})
    code = r"(?<![A-Za-z0-9_+-]){}(?![A-Za-z0-9_+-])"  # a code alone, not a part of a longer code or word
    pattern = "|".join(
        code.format(re.escape(k)) if k in policies else re.escape(k) for k in sorted(said, key=len, reverse=True)
    )
    return [re.sub(pattern, lambda m: said[m.group(0)], line) for line in lines]


def size_report(sizes: list[Sizing], s: Scenario, lang: str = "en") -> str:
    """The terminal table: per policy the reserve, its cost, the search's estimate and the check;
    then the units per item of the sized cities' opening reserve."""
    z0 = sizes[0]
    head = t("size_header", lang).format(target=z0.target.text(), by=z0.lever.text(), n=z0.replications, seed=z0.seed)
    width = max(18, *(len(z.policy) for z in sizes))
    cols = [t(f"size_col_{k}", lang) for k in ("policy", "reserve", "cost", "search", "fresh")]
    lines = [head, f"{cols[0]:<{width}}  {cols[1]:>12}  {cols[2]:>20}  {cols[3]:>10}  {cols[4]}"]
    for z in sizes:
        reserve = amount(z, z.value, lang) if z.value is not None else t("size_not_reached", lang)
        cost = money(z.cost, lang) if z.value is not None else "-"
        fresh = f"{share(z.check.estimate, z.target, lang)} [{_bound(z.check.low, z.target)}, "
        fresh += f"{_bound(z.check.high, z.target)}]"
        lines.append(
            f"{z.policy:<{width}}  {reserve:>12}  {cost:>20}  {share(z.estimate, z.target, lang):>10}  {fresh}"
        )
    lines.append(t("size_col_units", lang))
    item_width = max(14, *(len(name(it, lang)) for it in s.items))
    lines.append(f"{'':<{item_width}}" + "".join(f"  {z.policy:>{max(14, len(z.policy))}}" for z in sizes))
    for j, it in enumerate(s.items):
        cells = []
        for z in sizes:
            units = z.units[list(z.cities), j].sum()
            text = f"{units:,.0f}" if z.value is not None else "-"
            cells.append(f"  {text:>{max(14, len(z.policy))}}")
        lines.append(f"{name(it, lang):<{item_width}}" + "".join(cells))
    return "\n".join(lines)
