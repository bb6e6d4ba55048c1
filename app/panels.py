"""The app's tabs that show one scenario and its run: the scenario editor (settings with help texts,
the city tables, errors next to the table they are in), the dashboard (answers first) and the
report with every download. Words from ``stocksim.present.i18n``; numbers from the library."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
from editing import (
    COUNTS,
    DISRUPTION,
    SETTINGS,
    ConfigError,
    Edits,
    Problem,
    apply_edits,
    bounds,
    choices,
    counts_table,
    disruption_capacity,
    edited_frame,
    error_place,
    fixed_counts,
    loaded,
    mode_of,
    parse_upload,
    pools_of,
    setting_of,
    stock_table,
    to_yaml,
    with_disruption_capacity,
)
from runs import (
    AppResult,
    consumption_png,
    daily_csv,
    outbreak_png,
    plan_text,
    plan_xlsx,
    results_xlsx,
    summary_csv,
)
from widgets import choose

from stocksim.present.dashboard import first_short, headline_text, rule_answer
from stocksim.present.figures import cover_colour, cover_matrix, names
from stocksim.present.i18n import name, number, t, unit_word
from stocksim.scenario import LoadedScenario

LARGEST_INT = 2**53 - 1  # a browser's number input holds whole numbers up to here exactly
HIDDEN_KINDS = ("delivery", "allocation", "carriage")  # many rows a day: off in the event log unless asked for


@dataclass
class Page:
    """The scenario as the page holds it: the mapping with the edits, and its load or its errors."""

    d: dict
    ls: LoadedScenario | None
    errors: list[Problem] = field(default_factory=list)  # every problem found, as (path, message, value)


@st.cache_resource(max_entries=32, show_spinner=False)
def _load(text: str) -> tuple[LoadedScenario | None, ConfigError | None]:
    """The scenario loaded once per distinct mapping (a widget change elsewhere costs nothing)."""
    try:
        return loaded(json.loads(text)), None
    except ConfigError as exc:
        return None, exc


def words(problem: Problem, lang: str) -> str:
    """A problem's message and value; in Chinese the schema's usual messages in Chinese."""
    _, msg, value = problem
    if lang == "zh":
        for pattern, zh in ZH_MESSAGES:
            m = re.search(pattern, msg)
            if m:
                msg = zh.format(*m.groups())
                break
        else:
            msg = t("check_value", lang)
    shown = "" if value is None else f" ({t('value', lang)}: {value!r})"
    return msg + shown


ZH_MESSAGES = (
    (r"greater than or equal to ([-\d.e+]+)", "应不小于 {}"),
    (r"greater than ([-\d.e+]+)", "应大于 {}"),
    (r"less than or equal to ([-\d.e+]+)", "应不大于 {}"),
    (r"less than ([-\d.e+]+)", "应小于 {}"),
    (r"valid integer", "应为整数"),
    (r"valid number", "应为数字"),
    (r"finite number", "应为有限数"),
    (r"required key is missing", "缺少必填项"),
    (r"is below ([-\d.e+]+)", "应不小于 {}"),
)


# ---- the scenario tab ------------------------------------------------------------------------


def set_base(d: dict, text: str, source: str) -> None:
    """A new scenario to edit: the edits of the last one are dropped (new widget keys)."""
    st.session_state.base, st.session_state.base_text, st.session_state.source = d, text, source
    st.session_state.gen = st.session_state.get("gen", 0) + 1
    st.session_state.last_good = (d, text, source)


def scenario_tab(lang: str) -> Page:
    base: dict = st.session_state.base
    gen = st.session_state.gen
    _summary_line(base, lang)
    _upload(lang)
    settings: dict = {}
    c1, c2 = st.columns(2)
    with c1.container(border=True):
        st.markdown(f"**{t('sec_reserve', lang)}**")
        _number(settings, "coverage_days", base, gen, lang, step=1.0)
        _choice(settings, "daily_max", base, gen, lang)
        _number(settings, "target_days", base, gen, lang, step=1.0)
        _choice(settings, "release_level", base, gen, lang)
        _number(settings, "rotate_days", base, gen, lang, step=10)
    with c2.container(border=True):
        st.markdown(f"**{t('sec_procurement', lang)}**")
        _choice(settings, "procurement_mode", base, gen, lang)
        _number(settings, "reorder_point_days", base, gen, lang, step=1.0)
        _number(settings, "order_up_to_days", base, gen, lang, step=1.0)
        _number(settings, "review_every_days", base, gen, lang, step=1)
    c3, c4 = st.columns(2)
    with c3.container(border=True):
        st.markdown(f"**{t('sec_transfers', lang)}**")
        settings["transfers"] = st.toggle(
            t("set_transfers", lang),
            value=bool(SETTINGS["transfers"].get(base)),
            key=f"{gen}:transfers",
            help=t("help_transfers", lang),
        )
        _number(settings, "request_below_days", base, gen, lang, step=1.0)
        _number(settings, "request_up_to_days", base, gen, lang, step=1.0)
        _number(settings, "donor_keeps_days", base, gen, lang, step=1.0)
    with c4.container(border=True):
        st.markdown(f"**{t('sec_outbreak', lang)}**")
        if (base.get("epidemic") or {}).get("model") == "seir" and mode_of(base["epidemic"].get("r0")) is not None:
            _number(settings, "r0", base, gen, lang, step=0.1, value=mode_of(base["epidemic"].get("r0")))
        capacity = disruption_capacity(base)
        if capacity is not None:
            cap = st.number_input(
                t("set_disruption_capacity", lang),
                min_value=0.0,
                value=float(capacity),
                step=0.05,
                key=f"{gen}:{DISRUPTION}",
                help=t("help_disruption_capacity", lang),
            )
        _number(settings, "horizon_days", base, gen, lang, step=1)
        _number(settings, "replications", base, gen, lang, step=10)
        _number(settings, "seed", base, gen, lang, step=1)
    tables = _tables_from_state(base, gen)
    d = apply_edits(base, Edits(tables, settings))
    if capacity is not None:
        d = with_disruption_capacity(d, cap)
    ls, err = _load(json.dumps(d, sort_keys=True, default=str))
    errors = list(err.problems) if err is not None else []
    _setting_errors(errors, lang)
    _city_tables(base, d, gen, errors, lang)
    return Page(d, ls, errors)


def _summary_line(d: dict, lang: str) -> None:
    model = (d.get("epidemic") or {}).get("model", "none")
    st.caption(
        t("scenario_line", lang).format(
            name=d.get("name", ""),
            cities=len(d.get("cities") or []),
            items=len(d.get("items") or []),
            days=d.get("horizon_days", ""),
            model=t(f"epidemic_{model}", lang),
        )
    )
    if lang == "en" and d.get("description"):
        st.caption(d["description"])


def _upload(lang: str) -> None:
    with st.expander(t("upload_or_paste", lang)):
        upload = st.file_uploader(t("upload", lang), type=["yaml", "yml"], max_upload_size=1, key="upload")
        pasted = st.text_area(t("paste", lang), key="pasted", height=100)
        text, source = None, None
        if upload is not None and st.session_state.get("last_upload") != upload.file_id:
            st.session_state.last_upload = upload.file_id
            text, source = upload.getvalue(), upload.name
        if st.button(t("apply_yaml", lang), key="apply_yaml") and pasted.strip():
            text, source = pasted, t("pasted", lang)
        if text is not None:
            try:
                d = parse_upload(text, source or "upload")
                raw = text.decode("utf-8") if isinstance(text, bytes) else text
                set_base(d, raw, source or "upload")
                st.session_state.pop("upload_error", None)
                st.rerun()
            except ConfigError as exc:
                st.session_state.upload_error = str(exc)
        if st.session_state.get("upload_error"):
            st.error(f"{t('scenario_error', lang)}: {st.session_state.upload_error}")
            st.info(t("kept", lang))


def _label(key: str, lang: str) -> tuple[str, str]:
    return t(f"set_{key}", lang), t(f"help_{key}", lang)


def _number(settings: dict, key: str, base: dict, gen: int, lang: str, step: float, value: float | None = None) -> None:
    """A number setting within the schema's bounds; a value the widget cannot hold is clamped, visibly."""
    setting = SETTINGS[key]
    low, high = bounds(key)
    integer = setting.kind in ("int", "optional_int")
    current = setting.get(base) if value is None else value
    if integer:
        low = int(low) if low is not None else None
        high = int(min(high, LARGEST_INT)) if high is not None else LARGEST_INT
    shown = current
    clamped = False
    if current is not None:
        if low is not None and current < low:
            shown, clamped = low, True
        if high is not None and current > high:
            shown, clamped = high, True
        shown = int(shown) if integer else float(shown)
    label, help_text = _label(key, lang)
    kwargs = dict(min_value=low, max_value=high, step=int(step) if integer else float(step))
    if not integer:
        kwargs = {k: (float(v) if v is not None else None) for k, v in kwargs.items()}
    settings[key] = st.number_input(label, value=shown, key=f"{gen}:{key}", help=help_text, **kwargs)
    if clamped:
        st.caption(t("clamped", lang).format(given=current, shown=shown))


def _choice(settings: dict, key: str, base: dict, gen: int, lang: str) -> None:
    options = choices(key)
    current = SETTINGS[key].get(base)
    label, help_text = _label(key, lang)
    settings[key] = choose(
        "selectbox",
        st,
        label,
        options,
        f"{gen}:{key}",
        lang,
        lambda v: t(f"opt_{key}_{v}", lang),
        current,
        help=help_text,
    )


def _tables_from_state(base: dict, gen: int) -> dict[str, pd.DataFrame]:
    out = {"counts": edited_frame(counts_table(base), st.session_state.get(f"{gen}:counts"))}
    for pool in pools_of(base):
        out[pool] = edited_frame(stock_table(base, pool), st.session_state.get(f"{gen}:{pool}"))
    return out


def _setting_errors(errors: list[Problem], lang: str) -> None:
    for problem in errors:
        key = setting_of(problem)
        if key is not None:
            label = t(f"set_{key}", lang)
            st.error(f"{label}: {words(problem, lang)}", icon=":material/error:")
        elif error_place(problem, st.session_state.base) is None:
            st.error(f"{t('scenario_error', lang)}: {problem[0]}: {words(problem, lang)}", icon=":material/error:")


def _city_tables(base: dict, d: dict, gen: int, errors: list[Problem], lang: str) -> None:
    """The counts and the day-0 stock of each pool, city by item; an error shown under its table,
    by city and item name."""
    cities = {
        c["id"]: (c.get("name_zh") if lang == "zh" and c.get("name_zh") else c.get("name", c["id"]))
        for c in base["cities"]
    }
    items = {
        i["id"]: (i.get("name_zh") if lang == "zh" and i.get("name_zh") else i.get("name", i["id"]))
        for i in base["items"]
    }
    units = {i["id"]: unit_word(i.get("unit", "piece"), lang) for i in base["items"]}
    fixed = fixed_counts(base)
    for table in ("counts", *pools_of(base)):
        st.markdown(f"**{t(f'table_{table}', lang)}**")
        st.caption(t(f"table_help_{table}", lang))
        frame = counts_table(base) if table == "counts" else stock_table(base, table)
        frame.insert(0, "city", [cities[c] for c in frame.index])
        if table == "counts":
            config = {
                k: st.column_config.NumberColumn(
                    t(f"col_{k}", lang), help=t(f"help_{k}", lang), disabled=k in fixed, format="localized"
                )
                for k in COUNTS
            }
        else:
            config = {i: st.column_config.NumberColumn(f"{items[i]} ({units[i]})", format="localized") for i in items}
        config["city"] = st.column_config.TextColumn(t("city", lang), disabled=True, pinned=True)
        st.data_editor(
            frame, key=f"{gen}:{table}", hide_index=True, column_config=config, width="stretch", disabled=["city"]
        )
        for problem in errors:
            place = error_place(problem, base)
            if place is not None and place[0] == table:
                _, city, col = place
                where = f"{cities.get(city, city)} · {items.get(col) or t(f'col_{col}', lang)}"
                st.error(f"{where}: {words(problem, lang)}", icon=":material/error:")


# ---- the dashboard ---------------------------------------------------------------------------


def dashboard_tab(result: AppResult | None, current: str | None, lang: str) -> None:
    if result is None:
        st.info(t("run_first", lang))
        return
    if current is not None and current != result.key:
        st.warning(t("out_of_date", lang), icon=":material/update:")
    s = result.loaded.scenario
    st.markdown(f"#### {t('answer', lang)}")
    st.markdown(f"**{rule_answer(result.plan, s, lang)}**")
    cols = st.columns(4)
    for col, (_, row) in zip(cols, result.headline.iterrows(), strict=True):
        value, interval = headline_text(row, lang)
        col.metric(t(f"head_{row['metric']}", lang), value, help=t(f"head_help_{row['metric']}", lang))
        col.caption(interval)
    _matrix(result, lang)
    with st.expander(t("plan", lang), expanded=True):
        lines = plan_text(result.key, lang, result)
        st.markdown(f"**{lines[0]}**")
        st.markdown("\n".join(f"- {line}" for line in lines[1:]))
    st.markdown(f"#### {t('first_short', lang)}")
    st.caption(t("first_short_help", lang))
    short = first_short(result.summary, s, lang)
    if short.empty:
        st.success(t("none_short", lang))
    else:
        st.dataframe(short.head(12), hide_index=True, key="shortages", width="stretch")
    _charts(result, short, lang)
    _moves(result, lang)
    _events(result, lang)


def _matrix(result: AppResult, lang: str) -> None:
    s = result.loaded.scenario
    cover, share = cover_matrix(result.summary, s, lang)
    required = s.reserve.coverage_days
    days = t("days_unit", lang)
    text = (
        cover.map(lambda v: "-" if pd.isna(v) else f"{v:.1f} {days}")
        + " · "
        + share.map(lambda v: "-" if pd.isna(v) else f"{v:.0%}")
    )
    styled = text.style.apply(
        lambda col: [f"background-color: {cover_colour(v, required)}; color: black" for v in cover[col.name]]
    )
    pool = t("matrix_reserve", lang) if s.reserve.pools == "separate" else ""
    st.markdown(f"#### {t('matrix', lang)} ({required:g} {days}){pool}")
    st.caption(t("matrix_help", lang))
    st.dataframe(styled, width="stretch", key="matrix")
    if s.reserve.pools == "separate":
        working = result.summary.pivot(index="city", columns="item", values="initial_working_days_of_cover")
        cities, items = names(s, lang)
        working = working.reindex(index=s.city_ids, columns=s.item_ids).rename(index=cities, columns=items)
        working.index.name = t("city", lang)
        with st.expander(t("working_matrix", lang)):
            st.caption(t("working_matrix_help", lang))
            st.dataframe(working.map(lambda v: "-" if pd.isna(v) else f"{v:.0f} {days}"), width="stretch")


def _charts(result: AppResult, short: pd.DataFrame, lang: str) -> None:
    s = result.loaded.scenario
    st.markdown(f"#### {t('stock_over_time', lang)}")
    c1, c2 = st.columns(2)
    default_city, default_item = s.city_ids[0], s.item_ids[0]
    first = result.summary[result.summary["city"].astype(str).isin(s.city_ids) & (result.summary["p_stockout"] > 0)]
    if not first.empty:
        row = first.sort_values("first_stockout_day_median").iloc[0]
        default_city, default_item = str(row["city"]), str(row["item"])
    by_city = {c.id: c for c in s.cities}
    by_item = {i.id: i for i in s.items}
    city = choose(
        "selectbox", c1, t("city", lang), s.city_ids, "chart_city", lang, lambda c: name(by_city[c], lang), default_city
    )
    item = choose(
        "selectbox", c2, t("item", lang), s.item_ids, "chart_item", lang, lambda i: name(by_item[i], lang), default_item
    )
    st.image(outbreak_png(result.key, city, item, lang, result), width="stretch")
    cumulative = st.toggle(t("cumulative", lang), key="cumulative", persist_state="page")
    st.image(consumption_png(result.key, city, item, cumulative, lang, result), width="stretch")


def _moves(result: AppResult, lang: str) -> None:
    """Transfers between cities and depot shipments of replication 0, by item (units of one item
    are never added to another's)."""
    s = result.loaded.scenario
    ev = result.events[result.events["kind"].astype(str) == "transfer_out"]
    if ev.empty:
        return
    cities, items = names(s, lang)
    depots = {dep.id for dep in s.depots}
    kind = [t("move_depot" if str(c) in depots else "move_transfer", lang) for c in ev["city"]]
    table = pd.DataFrame(
        {
            t("day", lang): ev["time"].to_numpy(),
            t("move_kind", lang): kind,
            t("move_from", lang): [cities.get(str(c), str(c)) for c in ev["city"]],
            t("move_to", lang): [cities.get(str(c), str(c)) for c in ev["counterpart"]],
            t("item", lang): [items.get(str(i), str(i)) for i in ev["item"]],
            t("col_units", lang): [
                f"{number(q, lang)} {unit_word(by_unit(s, str(i)), lang)}"
                for q, i in zip(ev["quantity"], ev["item"], strict=True)
            ],
        }
    )
    st.markdown(f"#### {t('moves', lang)}")
    st.caption(t("moves_help", lang))
    st.dataframe(table, hide_index=True, width="stretch", height=240)


def by_unit(s, item: str) -> str:
    return s.items[s.item_ids.index(item)].unit


def _events(result: AppResult, lang: str) -> None:
    s = result.loaded.scenario
    cities, items = names(s, lang)
    events = result.events
    st.markdown(f"#### {t('events', lang)}")
    st.caption(t("events_help", lang))
    kinds = [k for k in dict.fromkeys(events["kind"].astype(str))]
    chosen = choose(
        "multiselect",
        st,
        t("event_kind", lang),
        kinds,
        "event_kinds",
        lang,
        lambda k: t(f"kind_{k}", lang),
        [k for k in kinds if k not in HIDDEN_KINDS],
    )
    ev = events[events["kind"].astype(str).isin(chosen)].head(2000)
    level_names = dict(enumerate(("none", "IV", "III", "II", "I")))
    table = pd.DataFrame(
        {
            t("day", lang): ev["time"].to_numpy(),
            t("event_kind", lang): [t(f"kind_{k}", lang) for k in ev["kind"].astype(str)],
            t("city", lang): [
                cities.get(str(c), t("centre", lang) if str(c) == "centre" else str(c)) for c in ev["city"]
            ],
            t("item", lang): [items.get(str(i), "") if pd.notna(i) else "" for i in ev["item"]],
            t("col_quantity", lang): [
                t(f"level_{level_names.get(int(q), 'none')}", lang) if k == "response_level" else number(q, lang)
                for q, k in zip(ev["quantity"], ev["kind"].astype(str), strict=True)
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=280)


# ---- the report and downloads ------------------------------------------------------------------


def report_tab(page: Page, result: AppResult | None, lang: str) -> None:
    from report_build import html_bytes  # noqa: PLC0415 - the report's figures load only when this tab opens

    st.caption(t("downloads_help", lang))
    if page.ls is not None:
        name_ = page.d.get("name", "scenario")
        st.download_button(
            t("download_yaml", lang),
            to_yaml(page.d, page.ls),
            file_name=f"{name_}.yaml",
            key="dl_yaml",
            on_click="ignore",
            icon=":material/download:",
        )
    if result is None:
        st.info(t("run_first", lang))
        return
    if page.ls is not None and page.ls.config_hash() != result.key:
        st.warning(t("out_of_date_downloads", lang), icon=":material/update:")
    key, kept_compare = result.key, st.session_state.get("compare")
    st.download_button(
        t("download_report", lang),
        lambda: html_bytes(key, lang, result, kept_compare),
        file_name=f"report-{lang}.html",
        mime="text/html",
        key="dl_report",
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )
    st.caption(t("report_help", lang))
    files = (  # label, how to build it (on click only), file name, type, key, icon
        ("download_excel", lambda: results_xlsx(key, lang, result), f"stocksim-{lang}.xlsx", None, "dl_excel", "table"),
        ("download_plan", lambda: plan_xlsx(key, lang, result), f"plan-{lang}.xlsx", None, "dl_plan", "shopping_cart"),
        ("download_summary", lambda: summary_csv(key, result), "summary.csv", "text/csv", "dl_summary", "download"),
        ("download_daily", lambda: daily_csv(key, result), "daily-sample.csv", "text/csv", "dl_daily", "download"),
    )
    for label, build, file_name, mime, button_key, icon in files:
        st.download_button(
            t(label, lang), build, file_name=file_name, mime=mime, key=button_key, on_click="ignore",
            icon=f":material/{icon}:",
        )  # fmt: skip
    st.caption(t("csv_help", lang))
