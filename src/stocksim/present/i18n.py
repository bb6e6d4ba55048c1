"""Labels in English and Chinese, and numbers formatted for each, for the app and the report."""

from __future__ import annotations

import math

LANGUAGES = ("en", "zh")

LABELS: dict[str, tuple[str, str]] = {
    "title": ("stocksim: protective-supply reserves of the Jinan circle", "stocksim：济南都市圈防护物资储备"),
    "language": ("Language", "语言"),
    "scenario": ("Scenario", "情景"),
    "preset": ("Preset scenario", "预设情景"),
    "upload": ("Upload a scenario (YAML)", "上传情景（YAML）"),
    "paste": ("Or paste a scenario (YAML)", "或粘贴情景（YAML）"),
    "apply_yaml": ("Use this YAML", "使用此 YAML"),
    "scenario_error": ("The scenario was not accepted", "情景未通过校验"),
    "kept": ("Still using the last good scenario", "仍使用上一个有效情景"),
    "run": ("Run", "运行"),
    "replications": ("Replications", "重复次数"),
    "seed": ("Seed", "随机种子"),
    "running": ("Running replications", "正在运行"),
    "too_big": ("Too large for this server: lower replications or horizon", "规模超出服务器上限：请减少重复次数或天数"),
    "edit": ("Edit", "编辑"),
    "dashboard": ("Dashboard", "总览"),
    "compare": ("Compare policies", "政策比较"),
    "report": ("Report and downloads", "报告与下载"),
    "cities": ("Cities", "城市"),
    "items": ("Items", "物资"),
    "coverage_days": ("Reserve: coverage days", "储备天数"),
    "daily_max": ("Daily maximum reading", "日均消耗上限口径"),
    "procurement_mode": ("Procurement", "采购方式"),
    "transfers_on": ("Transfers between cities", "城市间调拨"),
    "r0": ("R0 of the outbreak (mode)", "疫情基本再生数 R0（众数）"),
    "horizon": ("Horizon (days)", "模拟天数"),
    "stock": ("Stock on day 0", "初始库存"),
    "headline_compliant": ("City-items compliant on day 0", "首日达标的城市-物资"),
    "headline_stockout": ("Probability some city runs out", "出现断供的概率"),
    "headline_unmet": ("Unmet units (mean)", "未满足需求（均值）"),
    "headline_cost": ("Total cost (mean, CNY)", "总成本（均值，元）"),
    "matrix": ("Days of cover on day 0, against the reserve line", "首日可用天数（对照储备线）"),
    "matrix_help": (
        "Red: below the required days; amber: within 20 % above; green: above. Percent: share of days compliant.",
        "红：低于要求天数；黄：高出不到20%；绿：充足。百分比：达标天数占比。",
    ),
    "first_short": ("First to run short", "最先断供"),
    "none_short": ("No city ran out of any item", "没有城市出现断供"),
    "stock_over_time": ("Stock over time", "库存变化"),
    "city": ("City", "城市"),
    "item": ("Item", "物资"),
    "median": ("median", "中位数"),
    "band": ("5-95 % of replications", "5%-95% 区间"),
    "required": ("required reserve", "储备要求"),
    "first_stockout": ("Median first stockout day", "首次断供日（中位数）"),
    "day": ("Day", "天"),
    "units": ("Units", "数量"),
    "consumption": ("Consumption", "消耗"),
    "cumulative": ("Cumulative", "累计"),
    "unmet": ("Unmet demand", "未满足需求"),
    "transfers": ("Transfers between cities", "城市间调拨"),
    "events": ("Event log", "事件记录"),
    "event_kind": ("Kinds of event", "事件类型"),
    "policies": ("Policies", "政策"),
    "run_compare": ("Compare", "比较"),
    "p_stockout": ("Probability of running out", "断供概率"),
    "download_yaml": ("Download scenario (YAML)", "下载情景（YAML）"),
    "download_daily": ("Daily table (CSV)", "逐日表（CSV）"),
    "download_summary": ("Summary (CSV)", "汇总表（CSV）"),
    "download_excel": ("Summary and daily quantiles (Excel)", "汇总与逐日分位数（Excel）"),
    "download_report": ("Report (HTML)", "报告（HTML）"),
    "run_first": ("Run the scenario to see results", "请先运行情景"),
    "ALL": ("Circle (all)", "全都市圈"),
    "compliance": ("compliant", "达标"),
    # Policies of `stocksim compare` in words: a procurement mode, then its modifiers.
    "policy_none": ("no procurement", "不采购"),
    "policy_independent": ("independent procurement", "各市独立采购"),
    "policy_joint": ("joint procurement", "联合采购"),
    "policy_joint-pooled": ("joint procurement (ordering on the circle's summed s, S)", "联合采购（按都市圈合计订货）"),
    "policy_joint-combined": ("joint procurement (cities' orders combined)", "联合采购（汇总各市订单）"),
    "policy_+transfers": ("with transfers between cities", "城市间调拨"),
    "policy_+nodepots": ("without the provincial depots", "不含省级储备"),
    # The verdict after a comparison (present.verdict).
    "verdict_baseline": ("baseline", "基准"),
    "verdict_depots": ("depots", "省级储备"),
    "verdict_no_depots": ("none", "无"),
    "verdict_depots_kept": ("kept by every policy unless +nodepots", "除标明不含省级储备的政策外均保留"),
    "verdict_transfers": ("transfers between cities", "城市间调拨"),
    "verdict_on": ("on", "开"),
    "verdict_off": ("off", "关"),
    "verdict_unmet": ("unmet use", "未满足需求"),
    "verdict_units": ("units", "件"),
    "verdict_no_unmet": ("none under either policy", "两种政策下均无"),
    "verdict_chance": ("chance that some city runs out", "任一城市断供的概率"),
    "verdict_net_cost": ("net cost", "净成本"),
    "verdict_unclear": ("no clear difference", "无明显差别"),
}


def t(key: str, lang: str) -> str:
    en, zh = LABELS[key]
    return zh if lang == "zh" else en


def name(obj, lang: str) -> str:
    """A city's or item's name in the language, falling back to English."""
    zh = getattr(obj, "name_zh", "")
    return zh if lang == "zh" and zh else obj.name


ZH_MAGNITUDES = ((1e8, "亿"), (1e4, "万"))  # Chinese counts large numbers in 万 (10^4) and 亿 (10^8)


def zh_magnitude(size: float) -> tuple[float, str]:
    """The divisor and unit Chinese writes ``size`` in: 亿 from 10^8, 万 from 10^4, else none."""
    for divisor, unit in ZH_MAGNITUDES:
        if abs(size) >= divisor:
            return divisor, unit
    return 1.0, ""


def number(x: float, lang: str, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if lang == "zh":
        divisor, unit = zh_magnitude(x)
        if unit:
            return f"{x / divisor:,.{max(digits, 1)}f} {unit}"
    return f"{x:,.{digits}f}"


def percent(x: float) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"
