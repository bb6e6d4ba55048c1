"""A sensitivity analysis in words a person can read, in English or Chinese: the inputs by name
(``epidemic.r0`` -> "R0", ``response.levels[3].routine_multiplier`` -> "routine-use multiplier
(level I)"), the metrics with their units, one paragraph per metric, e.g.

    R0 moves the chance that some city runs out the most: from 41 % [35, 47] at its 5th
    percentile (2.14) to 88 % [83, 92] at its 95th (2.83), against 60 % [55, 64] with every
    input at its base; next: lead time of every shipment (55 % to 66 %); no clear effect: ...

and the terminal tables. An effect is clear where its paired 95 % interval excludes 0 at either
end (``verdict``'s rule); inputs without one are listed as having no clear effect.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from pydantic import BaseModel

from stocksim.experiment.compare import ALL_ITEMS
from stocksim.experiment.inputs import Input
from stocksim.experiment.sensitivity import Metric, Sobol, Tornado
from stocksim.experiment.sweep import path_parts
from stocksim.present.i18n import LABELS, name, t, zh_magnitude
from stocksim.results.tables import CIRCLE
from stocksim.scenario.schema import SEVERITIES, Scenario

SENSITIVITY_TEXT = "sensitivity.txt"  # beside sensitivity.csv
SHARES = ("p_stockout", "fill_rate", "compliance_share")  # shown in percent
MONEY = ("net_cost", "total_cost", "purchase_cost")  # CNY
SHARE_DIGITS = {"p_stockout": 0, "fill_rate": 1, "compliance_share": 1}


# ---- names --------------------------------------------------------------------------------


def input_label(path: str, s: Scenario, lang: str) -> str:
    """An input's place in words: the field, then what it belongs to (city, supplier, level, item)."""
    field, quals, node = "", [], s
    for part in path_parts(path):
        node, field, qual = _step(node, part, field, s, lang)
        if qual:
            quals.append(qual)
    key = f"input_{field}"
    word = t(key, lang) if key in LABELS else field.replace("_", " ")
    if not quals:
        return word
    return f"{word}（{'，'.join(quals)}）" if lang == "zh" else f"{word} ({', '.join(quals)})"


def _step(node: Any, part: str | int, field: str, s: Scenario, lang: str) -> tuple[Any, str, str]:
    """One step along a path: the next node, the field name in force, and a qualifier in words."""
    if isinstance(node, BaseModel) and isinstance(part, str):
        nxt = getattr(node, part, None)
        if part.startswith("level") and part[5:].isdigit():  # demand.protection.level2
            return nxt, field, t("input_protection", lang).format(level=part)
        if part in SEVERITIES:
            return nxt, field, t(f"input_{part}", lang)
        return nxt, part, ""
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part], field, _element(node[part], s, lang)
    if isinstance(node, dict) and part in node:
        if part in s.item_ids:
            return node[part], field, name(s.items[s.item_ids.index(part)], lang)
        return node[part], field, t(f"input_{part}", lang) if part in SEVERITIES else str(part)
    return None, field, ""


def _element(obj: Any, s: Scenario, lang: str) -> str:
    """What a list element is called: a city, supplier or item by name, a level, a disruption's days."""
    if hasattr(obj, "level") and hasattr(obj, "enter_at"):
        return t("input_level", lang).format(level=obj.level)
    if hasattr(obj, "from_day") and hasattr(obj, "to_day") and hasattr(obj, "capacity_factor"):
        return t("input_days", lang).format(first=obj.from_day, last=obj.to_day)
    if hasattr(obj, "city") and isinstance(getattr(obj, "city", None), str) and not hasattr(obj, "population"):
        city = next((c for c in s.cities if c.id == obj.city), None)
        return name(city, lang) if city is not None else obj.city
    if hasattr(obj, "name") and getattr(obj, "name", ""):
        return name(obj, lang).split(" (")[0].split("（")[0]  # without a note in brackets
    return str(getattr(obj, "id", ""))


def metric_words(m: Metric, s: Scenario, lang: str) -> str:
    """``p_stockout`` -> "the chance that some city runs out"; ``unmet@jinan`` -> "unmet use of Jinan"."""
    city = t("metric_circle", lang) if m.city == CIRCLE else name(s.cities[s.city_ids.index(m.city)], lang)
    item = "" if m.item == ALL_ITEMS else name(s.items[s.item_ids.index(m.item)], lang)
    if m.name == "p_stockout":
        who = t("metric_some_city", lang) if m.city == CIRCLE else city
        of_item = t("metric_of_item", lang).format(item=item) if item else ""
        return t("metric_p_stockout", lang).format(who=who, of_item=of_item, item=item)
    where = city if lang == "zh" or not item else f"{city} ({item})"
    return t("metric_of", lang).format(noun=t(f"metric_{m.name}", lang), where=where, item=item)


def metric_of(label: str) -> Metric:
    """A metric back from its label (``p_stockout@jinan/n95_respirator``)."""
    name_, _, where = label.partition("@")
    city, _, item = where.partition("/")
    return Metric(name_, city or CIRCLE, item or ALL_ITEMS)


# ---- numbers ------------------------------------------------------------------------------


def value_text(x: float, low: float, high: float, metric: str, lang: str) -> str:
    """A metric's value with its 95 % interval in its unit: ``41 % [35, 47]``, ``947.0 M CNY [945.5, 948.6]``."""
    if metric in SHARES:
        d = SHARE_DIGITS[metric]
        body = _fixed(100 * x, d) + ("%" if lang == "zh" else " %")
        return body + _bracket(100 * low, 100 * high, d)
    divisor, unit, digits = unit_of(
        max(abs(x), abs(low) if _ok(low) else 0, abs(high) if _ok(high) else 0), metric, lang
    )
    return f"{_fixed(x / divisor, digits)} {unit}" + _bracket(low / divisor, high / divisor, digits)


def _ok(x: float) -> bool:
    return x is not None and not math.isnan(x)


def _bracket(low: float, high: float, digits: int) -> str:
    return f" [{_fixed(low, digits)}, {_fixed(high, digits)}]" if _ok(low) and _ok(high) else ""


def _fixed(x: float, digits: int) -> str:
    """``x`` to ``digits`` decimals with thousands separators, never ``-0``."""
    return f"{round(x, digits) + 0.0:,.{digits}f}"


def unit_of(size: float, metric: str, lang: str) -> tuple[float, str, int]:
    """Divisor, unit and decimals: CNY in millions (English) or 万/亿 (Chinese), units alike."""
    money = metric in MONEY
    if metric == "stockout_days":
        return 1.0, t("sens_days", lang), 1
    if lang == "zh":
        divisor, prefix = zh_magnitude(size)
        digits = 0 if not prefix else 2 if size / divisor < 10 else 1 if size / divisor < 100 else 0
        return divisor, prefix + (t("cny", lang) if money else t("verdict_units", lang)), digits
    if money and size >= 1e6:
        return 1e6, "M CNY", 1
    return 1.0, "CNY" if money else t("verdict_units", lang), 0


def _input_value(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _share(x: float, lang: str) -> str:
    return _fixed(100 * x, 0) + ("%" if lang == "zh" else " %")


# ---- tornado ------------------------------------------------------------------------------


def tornado_lines(result: Tornado, s: Scenario, lang: str = "en") -> list[str]:
    """The set-up line, then one paragraph per metric."""
    setup = t("sens_setup", lang).format(
        inputs=len(result.inputs), runs=result.runs, reps=result.replications, seed=result.seed
    )
    return [setup] + [_tornado_sentence(result, m, s, lang) for m in result.metrics]


def _tornado_sentence(result: Tornado, m: Metric, s: Scenario, lang: str) -> str:
    rows = result.table[result.table["metric"] == m.label]
    inputs = {i.path: i for i in result.inputs}
    words = metric_words(m, s, lang)
    first = rows.iloc[0]
    base = value_text(first["base"], first["base_low"], first["base_high"], m.name, lang)
    clear = [p for p in dict.fromkeys(rows["input"]) if _clear(rows[rows["input"] == p])]
    unclear = [p for p in dict.fromkeys(rows["input"]) if p not in clear]
    if not clear:
        return _capital(t("sens_none", lang).format(metric=words, base=base), lang) + _end(lang)
    top = _ends(rows, clear[0])
    at_low, at_high = _at(inputs[clear[0]], "low", lang), _at(inputs[clear[0]], "high", lang)
    parts = [
        t("sens_top", lang).format(
            input=input_label(clear[0], s, lang), metric=words, base=base, at_low=at_low, at_high=at_high,
            low=value_text(top["low"]["value"], top["low"]["value_low"], top["low"]["value_high"], m.name, lang),
            high=value_text(top["high"]["value"], top["high"]["value_low"], top["high"]["value_high"], m.name, lang),
        )
    ]  # fmt: skip
    if len(clear) > 1:
        items = [_next_item(rows, p, m, s, lang) for p in clear[1:]]
        parts.append(t("sens_next", lang).format(items=_join(items, lang)))
    if unclear:
        parts.append(t("sens_unclear", lang).format(inputs=_join([input_label(p, s, lang) for p in unclear], lang)))
    sep = "；" if lang == "zh" else "; "
    return _capital(sep.join(parts), lang) + _end(lang)


def _clear(rows: pd.DataFrame) -> bool:
    """Either end's paired interval excludes 0."""
    return bool(((rows["effect_low"] > 0) | (rows["effect_high"] < 0)).any())


def _ends(rows: pd.DataFrame, path: str) -> dict[str, pd.Series]:
    sel = rows[rows["input"] == path]
    return {end: sel[sel["end"] == end].iloc[0] for end in ("low", "high")}


def _at(inp: Input, end: str, lang: str) -> str:
    x = _input_value(getattr(inp, end))
    if inp.source == "distribution":
        return t(f"sens_at_{end}_p", lang).format(x=x)
    return t("sens_at", lang).format(x=x)


def _next_item(rows: pd.DataFrame, path: str, m: Metric, s: Scenario, lang: str) -> str:
    ends = _ends(rows, path)
    low, high = (value_text(ends[e]["value"], math.nan, math.nan, m.name, lang) for e in ("low", "high"))
    return t("sens_next_item", lang).format(input=input_label(path, s, lang), low=low, high=high)


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _capital(text: str, lang: str) -> str:
    return text if lang == "zh" or not text else text[0].upper() + text[1:]


def _end(lang: str) -> str:
    return "。" if lang == "zh" else "."


def tornado_table(result: Tornado, m: Metric, s: Scenario, lang: str = "en") -> str:
    """The ranked inputs of one metric as a terminal table."""
    rows = result.table[result.table["metric"] == m.label]
    inputs = {i.path: i for i in result.inputs}
    out = []
    for path in dict.fromkeys(rows["input"]):
        ends, inp = _ends(rows, path), inputs[path]
        out.append(
            {
                t("sens_col_rank", lang): int(ends["low"]["rank"]),
                t("sens_col_input", lang): input_label(path, s, lang),
                t("sens_col_range", lang): " / ".join(_input_value(v) for v in (inp.low, inp.base, inp.high)),
                t("sens_col_at_low", lang): _value(ends["low"], "value", m, lang),
                t("sens_col_at_high", lang): _value(ends["high"], "value", m, lang),
                t("sens_col_effect_low", lang): _value(ends["low"], "effect", m, lang),
                t("sens_col_effect_high", lang): _value(ends["high"], "effect", m, lang),
            }
        )
    return f"{metric_words(m, s, lang)} [{m.label}]\n" + pd.DataFrame(out).to_string(index=False)


def _value(row: pd.Series, what: str, m: Metric, lang: str) -> str:
    return value_text(row[what], row[f"{what}_low"], row[f"{what}_high"], m.name, lang)


# ---- Sobol' -------------------------------------------------------------------------------


def sobol_lines(result: Sobol, s: Scenario, lang: str = "en") -> list[str]:
    """The set-up line, then one sentence per metric."""
    setup = t("sens_sobol_setup", lang).format(
        inputs=len(result.inputs), n=result.n, runs=result.runs, reps=result.replications, seed=result.seed
    )
    return [setup] + [_sobol_sentence(result, label, s, lang) for label in result.outputs]


def _sobol_sentence(result: Sobol, label: str, s: Scenario, lang: str) -> str:
    words = metric_words(metric_of(label), s, lang)
    if not result.outputs_vary[label]:
        return _capital(t("sens_sobol_flat", lang).format(metric=words), lang) + _end(lang)
    rows = result.table[result.table["metric"] == label]
    order = list(dict.fromkeys(rows["input"]))
    idx = {p: _indices(rows, p, lang) for p in order}
    s1, st = idx[order[0]]
    parts = [t("sens_sobol_top", lang).format(metric=words, input=input_label(order[0], s, lang), s1=s1, st=st)]
    if len(order) > 1:
        items = [
            t("sens_sobol_next_item", lang).format(input=input_label(p, s, lang), s1=idx[p][0], st=idx[p][1])
            for p in order[1:]
        ]
        parts.append(t("sens_next", lang).format(items=_join(items, lang)))
    sep = "；" if lang == "zh" else "; "
    return _capital(sep.join(parts), lang) + _end(lang)


def _indices(rows: pd.DataFrame, path: str, lang: str) -> tuple[str, str]:
    """S1 and ST of one input in percent of the variance, with SALib's intervals."""
    sel = rows[rows["input"] == path].set_index("index")
    return tuple(  # type: ignore[return-value]
        _share(sel.loc[k, "estimate"], lang) + _bracket(100 * sel.loc[k, "low"], 100 * sel.loc[k, "high"], 0)
        for k in ("S1", "ST")
    )


def sobol_table(result: Sobol, label: str, s: Scenario, lang: str = "en") -> str:
    rows = result.table[result.table["metric"] == label]
    out = []
    for path in dict.fromkeys(rows["input"]):
        sel = rows[rows["input"] == path].set_index("index")
        out.append(
            {
                t("sens_col_rank", lang): int(sel["rank"].iloc[0]),
                t("sens_col_input", lang): input_label(path, s, lang),
                **{
                    t(f"sens_col_{k.lower()}", lang): f"{sel.loc[k, 'estimate']:.3f} "
                    f"[{sel.loc[k, 'low']:.3f}, {sel.loc[k, 'high']:.3f}]"
                    for k in ("S1", "ST")
                },
            }
        )
    return f"{metric_words(metric_of(label), s, lang)} [{label}]\n" + pd.DataFrame(out).to_string(index=False)
