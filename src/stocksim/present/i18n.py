"""Labels in English and Chinese, and numbers formatted for each, for the app and the report."""

from __future__ import annotations

import math

LANGUAGES = ("en", "zh")

LABELS: dict[str, tuple[str, str]] = {
    "title": (
        "stocksim: protective-supply reserves of the provincial-capital economic circle",
        "stocksim：省会经济圈防护物资储备",
    ),
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
    "ALL": ("Circle (all)", "全经济圈"),
    "compliance": ("compliant", "达标"),
    "date": ("Date", "日期"),
    # The inventory template (present.inventory_template): sheet names, lists, help.
    "inventory_sheet": ("inventory", "库存"),
    "inventory_lists": ("lists", "选项"),
    "inventory_help": ("help", "说明"),
    "inventory_city": ("city", "城市"),
    "inventory_depot": ("depot", "储备库"),
    "inventory_item": ("item", "物资"),
    "inventory_pool": ("pool", "类别"),
    "inventory_list_label": ("to pick", "下拉选项"),
    "inventory_list_id": ("id", "编号"),
    "inventory_list_name": ("English name", "英文名称"),
    "inventory_list_name_zh": ("Chinese name", "中文名称"),
    "inventory_list_kind": ("kind", "类型"),
    "inventory_list_unit": ("unit", "单位"),
    "inventory_pick_place": ("Pick a city or depot from the list", "请从列表中选择城市或储备库"),
    "inventory_pick_item": ("Pick an item from the list", "请从列表中选择物资"),
    "inventory_pick_pool": ("working or reserve (empty: working)", "周转或储备（空白为周转）"),
    "inventory_quantity_error": ("A number >= 0 (units)", "请填写不小于0的数量"),
    "inventory_help_title": (
        "Inventory of scenario {name}: one row per lot on the first sheet",
        "情景 {name} 的库存表：第一张工作表每行填写一个批次",
    ),
    "inventory_help_start": ("Day 0 of the scenario (start_date): {start}", "情景第0天（start_date）：{start}"),
    "inventory_no_start": (
        "not set: give expiry as a day number, or add start_date to the scenario",
        "未设定：有效期请填写天数，或在情景中加上 start_date",
    ),
    "inventory_about_city": (
        "a city or depot: its id, English or Chinese name (list on the second sheet)",
        "城市或储备库：编号、英文或中文名称（见第二张工作表）",
    ),
    "inventory_about_item": ("the item: its id, English or Chinese name", "物资：编号、英文或中文名称"),
    "inventory_about_pool": (
        "working (stock in daily use) or reserve (held apart, released in an emergency); empty: working; "
        "a depot holds reserve only",
        "周转（日常使用的库存）或储备（单独存放、应急时动用）；空白为周转；储备库只有储备",
    ),
    "inventory_about_quantity": ("units on hand (the item's unit), a number >= 0", "现有数量（按物资的单位），不小于0"),
    "inventory_about_expiry": (
        "the last day the lot may be used, as printed on it: a date (needs start_date) or a day number; "
        "written off the next day. Empty: new on day 0 (the item's full shelf life)",
        "批次可使用的最后一天（按包装标注）：日期（需要情景设定 start_date）或天数；次日报废。"
        "空白：视为第0天的新货（按物资的完整有效期）",
    ),
    "inventory_example": (
        "Example (do not copy it to the first sheet unless you hold it):",
        "示例（只有实际持有时才填入第一张工作表）：",
    ),
    # Policies of `stocksim compare` in words: a procurement mode, then its modifiers.
    "policy_none": ("no procurement", "不采购"),
    "policy_independent": ("independent procurement", "各市独立采购"),
    "policy_joint": ("joint procurement", "联合采购"),
    "policy_joint-pooled": ("joint procurement (ordering on the circle's summed s, S)", "联合采购（按经济圈合计订货）"),
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
    # Searches (present.searches): `compare --at equal-cost` and `stocksim size`.
    "basis_burn_rate": ("burn rate", "近期消耗速率"),
    "basis_daily_max": ("daily max", "日均消耗上限"),
    "equal_cost_found": (
        "at equal cost, {policy}: reorder point and order-up-to level x{factor:.3f} ({s:.1f} and {S:.1f} days of the "
        "{basis}), net cost {cost} against the baseline's {target} ({gap:+.2f} %)",
        "等成本比较，{policy}：再订货点和订货上限乘以 {factor:.3f}（{basis}的 {s:.1f} 天和 {S:.1f} 天），"
        "净成本 {cost}，"
        "基准为 {target}（{gap:+.2f}%）",
    ),
    "equal_cost_missed": (
        "NOT at equal cost, {policy}: no factor on the reorder point and order-up-to level in [{low:g}, {high:g}] "
        "brings the net cost within "
        "{tol:g} % of the baseline's; compared at the closest, x{factor:.3f} ({s:.1f} and {S:.1f} days of the "
        "{basis}): net cost {cost} against {target} ({gap:+.2f} %)",
        "未能做到等成本，{policy}：再订货点和订货上限在 [{low:g}, {high:g}] 倍之间的任何系数"
        "都不能使净成本与基准相差 {tol:g}% "
        "以内；以下按最接近的 {factor:.3f} 倍（{basis}的 {s:.1f} 天和 {S:.1f} 天）比较：净成本 {cost}，基准为 "
        "{target}（{gap:+.2f}%）",
    ),
    "size_header": (
        "Smallest reserve for {target} by {by}, on common random numbers: {n} replications of seed {seed}, "
        "checked on {n} fresh replications",
        "满足 {target} 的最小储备（按 {by}），共同随机数：种子 {seed} 的 {n} 次重复，另用 {n} 次新的重复复核",
    ),
    "size_metric_p_stockout": ("the chance that some city runs out", "任一城市断供的概率"),
    "size_metric_p_stockout_city": ("the chance that {city} runs out", "{city}断供的概率"),
    "size_metric_fill_rate": ("the circle's fill rate", "经济圈需求满足率"),
    "size_metric_fill_rate_city": ("{city}'s fill rate", "{city}需求满足率"),
    "size_op_<=": ("at or below", "不高于"),
    "size_op_>=": ("at or above", "不低于"),
    "size_days": ("{x:.1f} days", "{x:.1f} 天"),
    "size_days_of": ("{x:.1f} days of the daily max", "{x:.1f} 天日均消耗上限"),
    "size_scale": ("x{x:.2f}", "{x:.2f} 倍"),
    "size_scale_of": ("x{x:.2f} the given reserve", "现有储备的 {x:.2f} 倍"),
    "size_where_all": ("in every city's reserve", "每个城市的储备"),
    "size_where_city": ("in {city}'s reserve", "{city}的储备"),
    "size_found": (
        "{policy} ({code}): {amount} {where} ({cost} at normal prices) is the smallest that keeps {metric} {op} "
        "{target} on the search's {n} replications ({search}); on {n} fresh replications {fresh} [{low}, {high}], "
        "{verdict}",
        "{policy}（{code}）：{where}至少需{amount}（按正常价格 {cost}），才能在搜索所用的 {n} 次重复中使{metric}{op} "
        "{target}（{search}）；另外 {n} 次重复复核为 {fresh} [{low}, {high}]，{verdict}",
    ),
    "size_meets": ("within the target", "达到目标"),
    "size_misses": (
        "outside the target: a search stops where its own estimate just meets the target, so the fresh estimate "
        "tends to be worse; more replications give a firmer answer",
        "未达到目标：搜索停在其自身估计刚好达标之处，复核结果往往偏差；增加重复次数可得到更可靠的结果",
    ),
    "size_unreachable": (
        "{policy} ({code}): no reserve up to {amount} {where} keeps {metric} {op} {target}: at that limit {search} "
        "on the search's {n} replications, {fresh} [{low}, {high}] on {n} fresh ones",
        "{policy}（{code}）：{where}即使达到{amount}，也不能使{metric}{op} {target}：在该上限，搜索所用 {n} 次重复中为 "
        "{search}，另外 {n} 次重复中为 {fresh} [{low}, {high}]",
    ),
    "size_difference": (
        "{base} needs {base_amount} ({base_cost}), {other} {other_amount} ({other_cost}): {words} {change}",
        "{base}需要{base_amount}（{base_cost}），{other}需要{other_amount}（{other_cost}）：{words}{change}",
    ),
    "size_saves": ("saves {diff} = {cost}", "节省{diff}，合 {cost}"),
    "size_needs_more": ("needs {diff} more = {cost} more", "多需要{diff}，合 {cost}"),
    "size_same": ("needs the same", "所需相同"),
    "size_no_difference": (
        "{base} and {other} cannot be set side by side: "
        "{which} does not meet the target with any reserve up to the limit",
        "{base}与{other}无法比较：{which}在上限以内的任何储备下都达不到目标",
    ),
    "size_varies": (
        "the daily max differs between replications here: a day of it is its mean over the replications",
        "本情景中日均消耗上限在各次重复间不同：一天按其各次重复的均值计算",
    ),
    "size_col_policy": ("policy", "政策"),
    "size_col_reserve": ("reserve", "储备"),
    "size_col_cost": ("CNY (normal prices)", "金额（正常价格，元）"),
    "size_col_search": ("search", "搜索估计"),
    "size_col_fresh": ("fresh [95 % interval]", "复核 [95% 区间]"),
    "size_col_units": ("Opening reserve of the sized cities, units", "所定城市的期初储备（件）"),
    "size_not_reached": ("not reached", "未达到"),
    # Sensitivity (`stocksim sensitivity`, present.sensitivity): the inputs' fields, the metrics, the sentences.
    "input_r0": ("R0", "基本再生数R0"),
    "input_latent_days": ("latent period in days", "潜伏期天数"),
    "input_infectious_days": ("infectious period in days", "传染期天数"),
    "input_infections": ("infections introduced", "输入感染数"),
    "input_daily_trips_per_capita": ("daily trips per resident", "人均每日出行次数"),
    "input_distance_decay_km": ("distance decay of travel in km", "出行距离衰减公里数"),
    "input_share": ("share of infections", "占感染者比例"),
    "input_lead_time_days": ("lead time of every shipment in days", "每批交货天数"),
    "input_capacity_factor": ("capacity in the disruption as a multiple of normal", "供应中断期间产能倍数"),
    "input_lead_time_factor": ("lead time in the disruption as a multiple of normal", "供应中断期间交货周期倍数"),
    "input_price_factor": ("price in the disruption as a multiple of normal", "供应中断期间价格倍数"),
    "input_capacity_per_day": ("supplier capacity a day", "供应商日产能"),
    "input_other_buyers_per_day": ("other buyers' demand a day", "其他买方日需求"),
    "input_unit_cost_cny": ("unit cost in CNY", "单价"),
    "input_routine_multiplier": ("routine-use multiplier", "日常消耗倍数"),
    "input_contact_factor": ("contact factor", "接触系数"),
    "input_swab_share_per_day": ("share of residents swabbed a day", "每日采样人口比例"),
    "input_surge_beds": ("surge beds", "扩容床位"),
    "input_health_workers": ("health workers", "医务人员数"),
    "input_designated_beds": ("designated beds", "定点床位"),
    "input_designated_icu_share": ("ICU share of designated beds", "定点床位中ICU比例"),
    "input_dispersion": ("dispersion of daily demand", "日需求离散参数"),
    "input_correlation": ("correlation of demand between cities", "城市间需求相关性"),
    "input_shifts_per_day": ("shifts a day per health worker", "医务人员人均每日班次"),
    "input_staff_share": ("share of health workers", "医务人员比例"),
    "input_per_shift": ("uses per shift", "每班用量"),
    "input_per_patient_day": ("uses per patient-day", "每患者日用量"),
    "input_per_swab": ("uses per swab", "每次采样用量"),
    "input_routine_per_health_worker_day": ("routine uses per health worker a day", "医务人员人均每日常规用量"),
    "input_stock": ("working stock on day 0", "首日周转库存"),
    "input_reserve": ("reserve on day 0", "首日储备"),
    "input_coverage_days": ("reserve coverage in days", "储备天数"),
    "input_reorder_point_days": ("reorder point in days", "再订货点天数"),
    "input_order_up_to_days": ("order-up-to level in days", "订货上限天数"),
    "input_review_every_days": ("review interval in days", "盘点周期天数"),
    "input_holding_rate_per_year": ("holding cost rate a year", "年持有成本率"),
    "input_level": ("level {level}", "{level}级响应"),
    "input_protection": ("protection {level}", "{level}防护"),
    "input_days": ("days {first}-{last}", "第{first}-{last}天"),
    "input_mild": ("mild", "轻症"),
    "input_severe": ("severe", "重症"),
    "input_icu": ("ICU", "危重症"),
    "metric_p_stockout": ("the chance that {who} runs out{of_item}", "{who}{item}断供的概率"),
    "metric_some_city": ("some city", "任一城市"),
    "metric_of_item": (" of {item}", "{item}"),
    "metric_fill_rate": ("fill rate", "需求满足率"),
    "metric_unmet": ("unmet use", "未满足需求"),
    "metric_net_cost": ("net cost", "净成本"),
    "metric_stockout_days": ("days with unmet use of any item", "任一物资断供天数"),
    "metric_total_cost": ("total cost", "总成本"),
    "metric_purchase_cost": ("purchase cost", "采购成本"),
    "metric_compliance_share": ("share of days compliant", "达标天数占比"),
    "metric_of": ("{noun} of {where}", "{where}{item}的{noun}"),
    "metric_circle": ("the circle", "全经济圈"),
    "sens_days": ("days", "天"),
    "sens_at_low_p": ("at its 5th percentile ({x})", "取第5百分位数（{x}）时"),
    "sens_at_high_p": ("at its 95th ({x})", "取第95百分位数（{x}）时"),
    "sens_at": ("at {x}", "取{x}时"),
    "sens_top": (
        "{input} moves {metric} the most: from {low} {at_low} to {high} {at_high}, against {base} with every input "
        "at its base",
        "对{metric}影响最大的是{input}：{at_low}为{low}，{at_high}为{high}；各输入取基准值时为{base}",
    ),
    "sens_next": ("next: {items}", "其次：{items}"),
    "sens_next_item": ("{input} ({low} to {high})", "{input}（{low}至{high}）"),
    "sens_unclear": ("no clear effect: {inputs}", "无明显影响：{inputs}"),
    "sens_none": (
        "No input clearly moves {metric}: {base} with every input at its base",
        "没有输入对{metric}有明显影响：各输入取基准值时为{base}",
    ),
    "sens_setup": (
        "Tornado: {inputs} inputs, each at its two ends with the others at their base (a distribution at its "
        "median), {runs} runs of {reps} replications on seed {seed} (common random numbers); intervals 95 %",
        "龙卷风图：{inputs}个输入，每个取两端值、其余取基准值（分布取中位数），共{runs}次运行，每次{reps}次重复，"
        "随机种子{seed}（公共随机数）；区间为95%",
    ),
    "sens_sobol_top": (
        "Of the variance of {metric} over the inputs' ranges, {input} explains the most: {s1} alone and {st} with "
        "its interactions",
        "在各输入取值范围内，{metric}的方差中{input}解释最多：单独{s1}，含交互作用{st}",
    ),
    "sens_sobol_next_item": ("{input} ({s1} alone, {st} in all)", "{input}（单独{s1}，合计{st}）"),
    "sens_sobol_flat": (
        "{metric} does not vary over the inputs' ranges in these runs: no indices",
        "在这些运行中{metric}不随输入变化：无敏感性指数",
    ),
    "sens_sobol_setup": (
        "Sobol' indices (SALib): {inputs} inputs over their 5th-95th percentile ranges (a --vary range uniform), "
        "N = {n}, {runs} model runs of {reps} replications each on seed {seed}; intervals 95 % (bootstrap)",
        "Sobol'指数（SALib）：{inputs}个输入在第5至第95百分位数范围内取值（--vary 范围内均匀），N = {n}，"
        "共{runs}次模型运行，每次{reps}次重复，随机种子{seed}；区间为95%（自助法）",
    ),
    "sens_chart_title": (
        "{metric}: each input at its low and high end, the others at base",
        "{metric}：各输入取低端和高端值、其余取基准值",
    ),
    "sens_chart_low": ("low end (5th percentile or --vary LOW)", "低端（第5百分位数或 --vary 下限）"),
    "sens_chart_high": ("high end (95th percentile or --vary HIGH)", "高端（第95百分位数或 --vary 上限）"),
    "sens_chart_flat": ("no input moves this metric at all", "所有输入均不改变此指标"),
    "sens_chart_share": ("share of the metric's variance", "占指标方差的比例"),
    "sens_chart_no_indices": ("it does not vary over the inputs' ranges: no indices", "不随输入变化：无敏感性指数"),
    "sens_chart_base": ("every input at its base", "各输入取基准值"),
    "sens_chart_s1": ("first-order (alone)", "一阶（单独）"),
    "sens_chart_st": ("total (with interactions)", "总效应（含交互）"),
    "sens_chart_sobol": ("{metric}: Sobol' indices (95 % interval)", "{metric}：Sobol'指数（95%区间）"),
    "sens_col_rank": ("rank", "排名"),
    "sens_col_input": ("input", "输入"),
    "sens_col_range": ("low / base / high", "低 / 基准 / 高"),
    "sens_col_at_low": ("at low end", "低端时"),
    "sens_col_at_high": ("at high end", "高端时"),
    "sens_col_effect_low": ("effect of low end", "低端影响"),
    "sens_col_effect_high": ("effect of high end", "高端影响"),
    "sens_col_s1": ("S1 (alone)", "S1（单独）"),
    "sens_col_st": ("ST (in all)", "ST（合计）"),
    # The purchase plan (`stocksim plan`, present.plan): sentences are templates filled in there.
    "plan_title": (
        "Purchase plan on day {day}: reserve rule {days:g} days x daily max ({reading})",
        "第{day}天采购计划：储备要求 = {days:g}天 × 日均消耗上限（{reading}）",
    ),
    "plan_reading_full_load": ("full load at response level {level}", "{level}级响应下满负荷"),
    "plan_reading_full_load_none": ("full load with no response level", "无响应级别时满负荷"),
    "plan_reading_peak": (
        "the {q:.0%} quantile of the peak day's expected use over a {n}-replication pilot",
        "{n}次试运行中高峰日预期用量的{q:.0%}分位数",
    ),
    "plan_reading_declared": ("the commission's declared figure", "卫健委申报的数值"),
    "plan_use_full_load": ("full-load use", "满负荷用量"),
    "plan_use_peak": ("peak use", "高峰用量"),
    "plan_use_declared": ("the declared daily maximum", "申报的日均消耗上限"),
    "plan_buy": (
        "{city} must buy {units} {unit} of {item} ({cost} at normal prices, {crisis} at crisis prices) "
        "to hold {days:g} days of {use}",
        "{city}需采购{item}{units}{unit}（正常价格{cost}，危机价格{crisis}），才能储备{days:g}天{use}",
    ),
    "plan_buy_physical": (
        "; the physical share decides: at least {share:.0%} of the requirement must be on its own shelves",
        "；起决定作用的是实物比例：至少{share:.0%}须为实物储备",
    ),
    "plan_enough": (
        "{city} holds enough of every item for {days:g} days of {use}",
        "{city}各类物资均已储足{days:g}天{use}",
    ),
    "plan_circle_buy": (
        "For every city to comply, the circle must buy {cost} at normal prices ({crisis} at crisis prices)",
        "要使每个城市达标，经济圈共需采购{cost}（正常价格；危机价格{crisis}）",
    ),
    "plan_circle_none": ("Every city complies on day {day}: nothing to buy", "第{day}天每个城市均已达标，无需采购"),
    "plan_circle_pooled_short": (
        "Counted as one reserve (depots included), the circle is short of {items}",
        "若合为一个储备（含储备库），经济圈仍缺：{items}",
    ),
    "plan_circle_pooled_ok": (
        "Counted as one reserve (depots included), the circle holds enough of every item",
        "若合为一个储备（含储备库），经济圈各类物资均已储足",
    ),
    "plan_lot_rotates": (
        "{city}: {units} {unit} of {item} ({value}) leave the reserve on day {day} by rotation (they expire on day "
        "{expires})",
        "{city}：{item}{units}{unit}（价值{value}）将于第{day}天轮换出储备（第{expires}天过期）",
    ),
    "plan_lot_expires": (
        "{city}: {units} {unit} of {item} ({value}) in {pool} expire on day {day}",
        "{city}：{pool}中{item}{units}{unit}（价值{value}）将于第{day}天过期",
    ),
    "plan_lot_expires_working": (
        "{city}: {units} {unit} of {item} ({value}) in working stock expire on day {day} unless used first (working "
        "stock is issued first-expiry-first-out)",
        "{city}：周转库存中{item}{units}{unit}（价值{value}）若未先行使用，将于第{day}天过期（周转库存先到期先出）",
    ),
    "plan_no_lots": (
        "Nothing on hand expires or leaves the reserve from day {day} to day {last}",
        "第{day}天至第{last}天没有库存过期或轮换出储备",
    ),
    "plan_pool_reserve": ("the reserve", "储备"),
    "plan_pool_working": ("working stock", "周转库存"),
    "plan_pool_stock": ("stock", "库存"),
    "plan_pool_depot": ("the depot", "储备库"),
    "plan_day_note": (
        "Day {day}: the stock as given less what expired, or rotated out of the reserve, by then; no use, orders or "
        "deliveries are simulated",
        "第{day}天：按情景给定的库存，扣除此前已过期或轮换出储备的部分；不模拟消耗、订货或到货",
    ),
    "plan_price_supplier": (
        "Prices: the cheapest supplier carrying the item at normal prices ({names})",
        "价格：按正常价格供应该物资最便宜的供应商（{names}）",
    ),
    "plan_price_item": (
        "the item's unit cost where no supplier carries it ({names})",
        "无供应商供应的物资按其单价（{names}）",
    ),
    "plan_price_crisis": (
        "crisis prices: x{factor:g}, the highest price factor of any disruption in the scenario",
        "危机价格：× {factor:g}，即情景中任一供应中断的最高价格倍数",
    ),
    "plan_price_no_crisis": (
        "no disruption raises prices: crisis prices are normal prices",
        "没有供应中断抬高价格：危机价格即正常价格",
    ),
    "plan_agreements_counted": (
        "Agreement reserves count while uncalled, with at least {share:.0%} of the requirement physical",
        "协议储备在未调用时计入，实物储备须至少占要求的{share:.0%}",
    ),
    "plan_agreements_not_counted": (
        "Agreement reserves are held but not counted (reserve.counts_agreements is off)",
        "协议储备不计入储备要求（reserve.counts_agreements 未开启）",
    ),
    "plan_spread": (
        "The daily max differs between the {n} parameter draws of the run (circle, {item}: {low} to {high} a day); "
        "the plan uses their mean",
        "日均消耗上限随运行的{n}次参数抽样而变（全经济圈{item}：每天{low}至{high}）；计划采用其均值",
    ),
    "plan_short_required_reserve": ("required", "储备要求"),
    "plan_short_counted": ("counted", "计入合计"),
    "plan_short_gap": ("gap", "缺口"),
    "plan_short_physical_gap": ("phys. gap", "实物缺口"),
    "plan_short_to_buy": ("to buy", "需采购"),
    "plan_short_cost_cny": ("cost", "费用"),
    "plan_short_crisis_cost_cny": ("crisis cost", "危机费用"),
    "plan_short_days_of_cover": ("days", "天数"),
    "plan_terminal_units": (
        "Units in the item's unit; cost in {money} at normal and crisis prices; days: counted / daily max",
        "数量按物资单位计（万、亿）；费用按正常价格与危机价格计（元）；天数：计入合计 ÷ 日均消耗上限",
    ),
    "plan_every_item": ("every item", "全部物资"),
    "plan_lots": ("Stock that expires or leaves the reserve within the horizon", "模拟期内将过期或轮换出储备的库存"),
    # The unit words stocksim knows (items[].unit); any other word a scenario gives is shown as it is.
    "unit_piece": ("pieces", "件"),
    "unit_pair": ("pairs", "副"),
    "unit_box": ("boxes", "盒"),
    "unit_set": ("sets", "套"),
    "unit_pack": ("packs", "包"),
    "unit_roll": ("rolls", "卷"),
    "unit_bottle": ("bottles", "瓶"),
    "cny": ("CNY", "元"),
    # The columns of plan.csv, as plan.xlsx heads them (units in brackets).
    "plan_col_day": ("Day", "天"),
    "plan_col_city": ("City", "城市"),
    "plan_col_item": ("Item", "物资"),
    "plan_col_unit": ("Unit", "单位"),
    "plan_col_coverage_days": ("Coverage (days)", "储备天数"),
    "plan_col_daily_max": ("Daily max (units/day)", "日均消耗上限（每天）"),
    "plan_col_required_reserve": ("Required reserve (units)", "储备要求"),
    "plan_col_physical_reserve": ("Physical reserve (units)", "实物储备"),
    "plan_col_agreements": ("Agreement reserve held (units)", "协议储备"),
    "plan_col_agreements_counted": ("Agreement reserve counted (units)", "计入的协议储备"),
    "plan_col_counted": ("Counted (units)", "计入合计"),
    "plan_col_days_of_cover": ("Days of cover", "可用天数"),
    "plan_col_gap": ("Gap (units)", "缺口"),
    "plan_col_physical_floor": ("Physical floor (units)", "实物储备下限"),
    "plan_col_physical_gap": ("Physical-share gap (units)", "实物比例缺口"),
    "plan_col_to_buy": ("To buy (units)", "需采购"),
    "plan_col_supplier": ("Supplier priced", "计价供应商"),
    "plan_col_unit_price_cny": ("Normal price (CNY/unit)", "正常单价（元）"),
    "plan_col_crisis_unit_price_cny": ("Crisis price (CNY/unit)", "危机单价（元）"),
    "plan_col_cost_cny": ("Cost at normal prices (CNY)", "正常价格费用（元）"),
    "plan_col_crisis_cost_cny": ("Cost at crisis prices (CNY)", "危机价格费用（元）"),
    "plan_col_leaving_units": ("Leaving within the horizon (units)", "模拟期内减少"),
    "plan_col_leaving_value_cny": ("Value leaving (CNY)", "减少价值（元）"),
    "plan_col_first_leaving_day": ("First day one leaves", "首次减少日"),
    "plan_col_daily_max_low": ("Daily max, lowest draw (units/day)", "日均消耗上限最低抽样"),
    "plan_col_daily_max_high": ("Daily max, highest draw (units/day)", "日均消耗上限最高抽样"),
    "plan_col_pool": ("Held in", "所在库存"),
    "plan_col_counted_lot": ("Counted by the rule", "计入储备"),
    "plan_col_expires_day": ("Expires on day", "过期日"),
    "plan_col_leaves_day": ("Leaves on day", "离开日"),
    "plan_col_units": ("Units", "数量"),
    "plan_col_value_cny": ("Value (CNY)", "价值（元）"),
    # The browser app (app/), the dashboard (present.dashboard, present.charts) and the report.
    "size": ("Size the reserve", "储备规模测算"),
    "sensitivity": ("Sensitivity", "敏感性分析"),
    "preset_jinan-circle": ("Outbreak over the circle (default)", "经济圈疫情（默认）"),
    "preset_peacetime": ("Peacetime: no outbreak", "平时：无疫情"),
    "preset_jinan-census": ("Census of patients from a file", "按文件中的患者人数"),
    "preset_one-city-outbreak": ("A wave in Jinan alone", "仅济南出现疫情高峰"),
    "preset_crisis-practice": ("Shortage with crisis practice", "短缺下的应急使用方案"),
    "run_help": ("Run the scenario's replications with its seed", "按情景的随机种子运行全部重复"),
    "run_disabled": ("Fix the problems shown in the Scenario tab first", "请先修正情景页中标出的问题"),
    "fix_first": (
        "{n} problem(s) in the scenario: fix them in the Scenario tab, then Run",
        "情景中有 {n} 处问题：请在情景页修正后再运行",
    ),
    "out_of_date": (
        "Out of date: the inputs changed since the last run. Press Run.",
        "结果已过期：输入在上次运行后有改动，请点击运行。",
    ),
    "out_of_date_analysis": (
        "Out of date: the inputs changed since this was run. Run it again.",
        "结果已过期：输入已有改动，请重新运行。",
    ),
    "out_of_date_downloads": (
        "The downloads below are of the last run, not of the inputs as they are now: press Run.",
        "以下下载内容对应上次运行，而非当前输入：请点击运行。",
    ),
    "up_to_date": (
        "Results of the inputs shown: {n} replications, seed {seed}, scenario {hash}, {sec:.1f} s",
        "结果与当前输入一致：{n} 次重复，随机种子 {seed}，情景编号 {hash}，用时 {sec:.1f} 秒",
    ),
    "internal_error": (
        "Something went wrong while drawing this page; it was logged on the server. The last good scenario is back "
        "in place.",
        "页面生成时出错，已记录在服务器日志中；已恢复上一个有效情景。",
    ),
    "pasted": ("pasted YAML", "粘贴的 YAML"),
    "upload_or_paste": ("Upload or paste a scenario", "上传或粘贴情景"),
    "value": ("value", "数值"),
    "check_value": ("not accepted: check the value", "未通过校验：请检查数值"),
    "clamped": (
        "The scenario gives {given}; this field holds at most {shown}, which is what will run.",
        "情景给出 {given}；此处最多可填 {shown}，将按此运行。",
    ),
    "scenario_line": (
        "{name}: {cities} cities, {items} items, {days} days; outbreak: {model}",
        "{name}：{cities} 个城市，{items} 种物资，{days} 天；疫情：{model}",
    ),
    "epidemic_none": ("none", "无"),
    "epidemic_census": ("patient census from a file", "按文件中的患者人数"),
    "epidemic_seir": ("SEIR model with travel between the cities", "含城市间出行的传播模型"),
    "sec_reserve": ("Reserve rule and the reserve held apart", "储备规则与单独存放的储备"),
    "sec_procurement": ("Procurement of working stock", "周转库存采购"),
    "sec_transfers": ("Transfers between cities", "城市间调拨"),
    "sec_outbreak": ("Outbreak, supply and the run", "疫情、供应与运行"),
    "set_coverage_days": ("Reserve: coverage days", "储备天数"),
    "help_coverage_days": (
        "Days of the daily maximum each city must hold in its reserve (the 2020 guidance: no less than one month = "
        "30). Unit: days.",
        "各城市储备须达到的日均消耗上限天数（2020年指导意见：不少于1个月，即30天）。单位：天。",
    ),
    "set_daily_max": ("Reading of the daily maximum", "日均消耗上限口径"),
    "help_daily_max": (
        "Which daily use the rule multiplies: full load (every designated bed occupied, staff in full protection), "
        "the peak of the expected use, a declared figure, or recorded use.",
        "储备要求所乘的日用量：满负荷（定点床位全部占用、医务人员全防护）、预期用量峰值、申报数值或实际记录用量。",
    ),
    "opt_daily_max_full_load": ("full load", "满负荷"),
    "opt_daily_max_peak": ("peak of expected use", "预期用量峰值"),
    "opt_daily_max_declared": ("declared by the commission", "卫健委申报"),
    "opt_daily_max_observed": ("recorded use", "实际记录用量"),
    "set_target_days": ("Reserve kept up to (days)", "储备补足至（天）"),
    "help_target_days": (
        "After a release the reserve is replenished up to this many days of the daily maximum; empty: the coverage "
        "days. Unit: days.",
        "动用后储备补足至日均消耗上限的天数；空白为储备天数。单位：天。",
    ),
    "set_release_level": ("Reserve released from response level", "储备动用的响应级别"),
    "help_release_level": (
        "The reserve serves daily use from this response level (IV lowest, I highest); before it only working stock "
        "is used.",
        "自该响应级别起动用储备（IV级最低，I级最高）；此前只使用周转库存。",
    ),
    "opt_release_level_IV": ("Level IV", "IV级"),
    "opt_release_level_III": ("Level III", "III级"),
    "opt_release_level_II": ("Level II", "II级"),
    "opt_release_level_I": ("Level I", "I级"),
    "set_rotate_days": ("Rotate reserve lots before expiry (days)", "储备批次到期前轮换（天）"),
    "help_rotate_days": (
        "A reserve lot moves into working stock this many days before it expires, so it is used rather than written "
        "off; empty: no rotation. Unit: days.",
        "储备批次在到期前若干天转入周转库存使用，避免报废；空白为不轮换。单位：天。",
    ),
    "set_procurement_mode": ("Procurement", "采购方式"),
    "help_procurement_mode": (
        "Who orders working stock: no one, each city on its own, or the circle jointly (one centre buys for all).",
        "由谁采购周转库存：不采购、各市独立采购，或经济圈联合采购（由一个中心统一采购）。",
    ),
    "opt_procurement_mode_none": ("no procurement", "不采购"),
    "opt_procurement_mode_independent": ("each city on its own", "各市独立采购"),
    "opt_procurement_mode_joint": ("joint procurement", "联合采购"),
    "set_reorder_point_days": ("Reorder point s (days)", "再订货点 s（天）"),
    "help_reorder_point_days": (
        "Working stock is ordered when on hand plus on order falls to this many days of use (of the recent burn rate "
        "or the daily max, as the scenario's basis says). Unit: days.",
        "现有加在途库存降至若干天用量（按近期消耗速率或日均消耗上限，依情景设定）时订货。单位：天。",
    ),
    "set_order_up_to_days": ("Order up to S (days)", "订货上限 S（天）"),
    "help_order_up_to_days": (
        "An order brings on hand plus on order up to this many days of use; S is at least s. Unit: days.",
        "每次订货使现有加在途库存达到若干天用量；S 不小于 s。单位：天。",
    ),
    "set_review_every_days": ("Review every (days)", "盘点周期（天）"),
    "help_review_every_days": (
        "Days between two reviews of working stock. Unit: days.",
        "两次盘点周转库存之间的天数。单位：天。",
    ),
    "set_transfers": ("Transfers between cities on", "开启城市间调拨"),
    "help_transfers": (
        "Mutual aid (联供): a city low on an item asks the others, who give what they hold above their own needs.",
        "联供互助：某物资不足的城市向其他城市申请，对方在保留自身所需后调出。",
    ),
    "set_request_below_days": ("A city asks below (days)", "低于多少天时申请（天）"),
    "help_request_below_days": (
        "A city asks for a transfer when its working stock covers fewer days of its current use than this. Unit: days.",
        "周转库存可用天数低于此值时申请调拨。单位：天。",
    ),
    "set_request_up_to_days": ("It asks for enough for (days)", "申请补足至（天）"),
    "help_request_up_to_days": (
        "The transfer asked for brings it up to this many days of use. Unit: days.",
        "申请的调拨量使其达到若干天用量。单位：天。",
    ),
    "set_donor_keeps_days": ("A donor keeps (days)", "调出城市保留（天）"),
    "help_donor_keeps_days": (
        "A giving city keeps this many days of its own use in working stock. Unit: days.",
        "调出城市在周转库存中保留的自身用量天数。单位：天。",
    ),
    "set_r0": ("R0 of the outbreak (mode)", "疫情基本再生数 R0（众数）"),
    "help_r0": (
        "Basic reproduction number: infections caused by one case in a susceptible population. An uncertain R0 keeps "
        "its spread around this mode.",
        "基本再生数：易感人群中一个病例引起的感染数。不确定的 R0 围绕此众数保持原有分布范围。",
    ),
    "set_disruption_capacity": ("Supply in a disruption (share of normal)", "供应中断期间产能（正常的比例）"),
    "help_disruption_capacity": (
        "The suppliers' capacity during each supply disruption as a share of normal (0.6 = 60 %); an uncertain "
        "factor keeps its spread around this mode.",
        "每次供应中断期间供应商产能占正常的比例（0.6即60%）；不确定的系数围绕此众数保持原有范围。",
    ),
    "set_horizon_days": ("Horizon (days)", "模拟天数"),
    "help_horizon_days": ("Days simulated from day 0. Unit: days.", "从第0天起模拟的天数。单位：天。"),
    "set_replications": ("Replications", "重复次数"),
    "help_replications": (
        "Runs of the scenario with different random draws; intervals narrow as they grow.",
        "以不同随机抽样运行情景的次数；次数越多区间越窄。",
    ),
    "set_seed": ("Seed", "随机种子"),
    "help_seed": (
        "The same seed gives the same numbers, here and with stocksim run.",
        "相同的随机种子得到相同的结果，与命令行运行一致。",
    ),
    "table_counts": ("Cities: population, designated beds, health workers", "城市：人口、定点床位、医务人员"),
    "table_help_counts": (
        "A count given as a distribution in the scenario is shown as its mean and cannot be edited here.",
        "情景中以分布给出的数量显示其均值，此处不可编辑。",
    ),
    "table_reserve": ("Reserve held apart on day 0 (储备)", "第0天单独存放的储备"),
    "table_help_reserve": (
        "Units of each item each city holds in its reserve on day 0: what the rule is checked on.",
        "第0天各城市储备中各物资的数量：储备规则据此检查。",
    ),
    "table_stock": ("Working stock on day 0 (周转)", "第0天周转库存"),
    "table_help_stock": (
        "Units in daily use on day 0 (with one pool: all stock).",
        "第0天日常使用的数量（不分储备与周转时为全部库存）。",
    ),
    "col_population": ("Population", "人口"),
    "help_population": ("Residents. Unit: people.", "常住人口。单位：人。"),
    "col_designated_beds": ("Designated beds", "定点床位"),
    "help_designated_beds": (
        "Beds for infectious-disease patients (full load assumes every one occupied). Unit: beds.",
        "传染病定点收治床位（满负荷假定全部占用）。单位：张。",
    ),
    "col_health_workers": ("Health workers", "医务人员"),
    "help_health_workers": (
        "Health workers who use protective items every shift. Unit: people.",
        "每班使用防护物资的医务人员。单位：人。",
    ),
    "answer": ("The reserve rule's answer", "储备规则的结论"),
    "answer_head": (
        "{ok} of {n} cities hold {days:g} days of every item on day 0",
        "{n} 个城市中有 {ok} 个在第0天各类物资均达到 {days:g} 天",
    ),
    "answer_short": ("{city} is short of {item} by {units} {unit} ({cost})", "{city}缺{item} {units} {unit}（{cost}）"),
    "answer_more": ("and {n} more city-items (see the purchase plan)", "另有 {n} 项城市-物资缺口（见采购计划）"),
    "ci95": ("95 % interval: [{low}, {high}]", "95% 区间：[{low}, {high}]"),
    "head_stockout": ("Chance that some city runs out", "任一城市断供的概率"),
    "head_help_stockout": (
        "Share of replications in which at least one city lacks at least one item on at least one day (the circle "
        "row of Compare); Wilson 95 % interval.",
        "至少一个城市在至少一天缺少至少一种物资的重复所占比例（与政策比较中经济圈一行相同）；Wilson 95% 区间。",
    ),
    "head_fill_rate": ("Fill rate of the circle", "经济圈需求满足率"),
    "head_help_fill_rate": (
        "Use served over use asked for, all items and cities, mean over replications; Student t 95 % interval.",
        "已满足用量占需求用量的比例（全部物资与城市），各次重复的均值；t 分布 95% 区间。",
    ),
    "head_unmet": ("Unmet use (units)", "未满足用量（件）"),
    "head_help_unmet": (
        "Units asked for and not served over the horizon, all items summed, mean per replication; Student t 95 % "
        "interval.",
        "模拟期内未能满足的数量（全部物资合计），每次重复的均值；t 分布 95% 区间。",
    ),
    "head_net_cost": ("Net cost of the circle", "经济圈净成本"),
    "head_help_net_cost": (
        "Purchases + transport + holding - (closing - opening stock value), CNY per replication, mean; Student t 95 "
        "% interval.",
        "采购 + 运输 + 持有 -（期末 - 期初库存价值），每次重复的均值（元）；t 分布 95% 区间。",
    ),
    "matrix_reserve": (": the reserve held apart", "：单独存放的储备"),
    "working_matrix": ("Working stock: days of cover on day 0", "周转库存：第0天可用天数"),
    "working_matrix_help": (
        "Working stock on day 0 over the expected use of day 0.",
        "第0天周转库存除以第0天预期用量。",
    ),
    "days_unit": ("d", "天"),
    "plan": ("Purchase plan", "采购计划"),
    "first_short_help": (
        "City-items that ran out in any replication, earliest median first day first; chance with its Wilson 95 % "
        "interval.",
        "在任一次重复中断供的城市-物资，按首次断供日中位数由早到晚排列；概率附 Wilson 95% 区间。",
    ),
    "col_unmet": ("Unmet (mean)", "未满足（均值）"),
    "col_units": ("Units", "数量"),
    "col_quantity": ("Quantity", "数量"),
    "col_required": ("Required reserve (units)", "储备要求（件）"),
    "col_cover": ("Days of cover on day 0", "第0天可用天数"),
    "col_working_cover": ("Working stock's days on day 0", "第0天周转库存天数"),
    "col_compliance": ("Share of days compliant", "达标天数占比"),
    "col_p_stockout": ("Chance of running out", "断供概率"),
    "col_fill_rate": ("Fill rate", "需求满足率"),
    "col_net_cost": ("Net cost (CNY)", "净成本（元）"),
    "col_total_cost": ("Total cost (CNY)", "总成本（元）"),
    "col_metric": ("Quantity shown", "指标"),
    "col_p5": ("5th percentile", "第5百分位数"),
    "col_p50": ("Median", "中位数"),
    "col_p95": ("95th percentile", "第95百分位数"),
    "band_on_hand": ("stock on hand", "现有库存"),
    "band_reserve_on_hand": ("reserve on hand", "现有储备"),
    "band_working_on_hand": ("working stock on hand", "现有周转库存"),
    "band_demand": ("use asked for", "需求用量"),
    "band_unmet": ("unmet use", "未满足用量"),
    "chart_outbreak": ("Patients in care, response level and supply disruptions", "在院患者、响应级别与供应中断"),
    "chart_patients": ("Patients (median)", "患者（人，中位数）"),
    "chart_level": ("Level {level} in force (median)", "{level}级响应（中位数）"),
    "chart_disruption": ("supply disruption", "供应中断"),
    "chart_reserve": ("reserve", "储备"),
    "chart_working": ("working stock", "周转库存"),
    "chart_stock": ("stock", "库存"),
    "chart_mean": ("mean", "均值"),
    "chart_per_day": (" a day", "/天"),
    "chart_paired_title": (
        "Difference to {baseline} on the same replications, with 95 % intervals (grey: no clear difference)",
        "与{baseline}在相同重复上的差值及95%区间（灰色：无明显差别）",
    ),
    "chart_no_patients": ("No patients in this city (median over replications)", "该城市无病人（各次重复的中位数）"),
    "chart_d_stockout": ("Chance that some city runs out (percentage points)", "任一城市断供的概率（百分点）"),
    "chart_d_fill_rate": ("Fill rate of the circle (percentage points)", "经济圈需求满足率（百分点）"),
    "chart_d_unmet": ("Unmet use (units, all items)", "未满足用量（件，全部物资）"),
    "chart_d_net_cost": ("Net cost (million CNY)", "净成本（万元）"),
    "moves": ("Transfers and depot shipments (replication 1)", "调拨与储备库发货（第1次重复）"),
    "moves_help": (
        "Each shipment of one path through the horizon, in the item's own unit.",
        "模拟期内一条路径上的每次发货，按物资自身单位计。",
    ),
    "move_kind": ("Kind", "类型"),
    "move_from": ("From", "调出"),
    "move_to": ("To", "调入"),
    "move_depot": ("depot shipment", "储备库发货"),
    "move_transfer": ("transfer between cities", "城市间调拨"),
    "events_help": (
        "The events of the first replication: one path through the horizon.",
        "第1次重复的事件：模拟期内的一条路径。",
    ),
    "centre": ("joint procurement centre", "联合采购中心"),
    "kind_order": ("order", "订货"),
    "kind_delivery": ("delivery", "到货"),
    "kind_allocation": ("allocation by the centre", "中心分配"),
    "kind_carriage": ("carriage from the centre", "中心配送"),
    "kind_transfer_out": ("shipment out", "调出"),
    "kind_transfer_in": ("shipment in", "调入"),
    "kind_expiry": ("write-off at expiry", "过期报废"),
    "kind_response_level": ("response level changes", "响应级别变化"),
    "kind_agreement_call": ("agreement reserve called", "调用协议储备"),
    "level_none": ("no response", "无响应"),
    "level_IV": ("Level IV", "IV级"),
    "level_III": ("Level III", "III级"),
    "level_II": ("Level II", "II级"),
    "level_I": ("Level I", "I级"),
    "compare_help": (
        "Policies run on the same replications and seed (common random numbers); each is measured against the first.",
        "各政策在相同的重复和随机种子上运行（公共随机数）；均与第一项政策对比。",
    ),
    "policies_help": (
        "The first policy is the baseline. Every policy keeps the scenario's depots unless it says otherwise; "
        "transfers only where named.",
        "第一项为基准。除注明外各政策均保留情景中的储备库；仅注明时开启调拨。",
    ),
    "compare_at": ("Compare", "比较方式"),
    "compare_at_help": (
        "As given: each policy as the scenario sets it up. At equal cost: each policy's reorder point and "
        "order-up-to level scaled until its net cost matches the baseline's.",
        "按原设定：各政策按情景设定运行。等成本：按比例调整各政策的再订货点和订货上限，直至其净成本与基准相同。",
    ),
    "at_as-given": ("as given", "按原设定"),
    "at_equal-cost": ("at equal net cost", "等净成本"),
    "pick_two": ("Pick at least two policies", "请至少选择两项政策"),
    "comparing": ("Running {n} policies x {reps} replications", "正在运行 {n} 项政策 × {reps} 次重复"),
    "verdict": ("Verdict", "结论"),
    "verdict_help": (
        "Paired 95 % intervals; a part whose interval includes 0 says no clear difference.",
        "配对 95% 区间；区间包含0的部分标注为无明显差别。",
    ),
    "compare_cities": (
        "Chance of running out of any item, by city (difference to the baseline, percentage points, 95 % interval)",
        "各城市任一物资断供的概率（与基准之差，百分点，95%区间）",
    ),
    "compare_circle": (
        "The circle: service and cost per replication (difference to the baseline, 95 % interval)",
        "经济圈：每次重复的供应与成本（与基准之差，95%区间）",
    ),
    "cmp_stockout": ("Chance that some city runs out", "任一城市断供的概率"),
    "cmp_fill_rate": ("Fill rate", "需求满足率"),
    "cmp_unmet": ("Unmet use (units, all items)", "未满足用量（件，全部物资）"),
    "cmp_stockout_days": ("Days with unmet use", "断供天数"),
    "cmp_net_cost": ("Net cost", "净成本"),
    "cmp_total_cost": ("Total cost (purchases, transport, write-offs)", "总成本（采购、运输、报废）"),
    "size_help": (
        "The smallest reserve, per policy, that meets a target; found by bisection on common random numbers and "
        "checked on fresh replications.",
        "各政策满足目标的最小储备；在公共随机数上二分查找，并用新的重复复核。",
    ),
    "size_metric": ("Target", "目标"),
    "size_value": ("Target value (share, 0-1)", "目标值（比例，0-1）"),
    "size_value_help": (
        "0.05: a 5 % chance that some city runs out; 0.99: a fill rate of 99 %.",
        "0.05：任一城市断供的概率为5%；0.99：需求满足率99%。",
    ),
    "size_by": ("Sized by", "测算方式"),
    "by_coverage_days": ("days of the daily max in every city's reserve", "每个城市储备的日均消耗上限天数"),
    "by_reserve_scale": ("a scale on the given reserves", "现有储备的倍数"),
    "size_reps": ("Replications of the search", "搜索所用重复次数"),
    "size_reps_help": (
        "The search runs this many replications at each point, and as many fresh ones to check the answer.",
        "搜索在每个点运行此数量的重复，并另用同样数量的新重复复核。",
    ),
    "run_size": ("Find the smallest reserve", "测算最小储备"),
    "sizing": ("Searching", "正在搜索"),
    "size_result": ("Smallest reserve per policy", "各政策的最小储备"),
    "sens_help": (
        "Each uncertain input of the scenario at its 5th and 95th percentile, the others at their median, all on the "
        "same replications (a tornado).",
        "情景中每个不确定输入分别取第5和第95百分位数、其余取中位数，均在相同重复上运行（龙卷风图）。",
    ),
    "sens_no_inputs": (
        "This scenario holds no uncertain input: nothing to vary.",
        "本情景没有不确定输入，无可分析项。",
    ),
    "sens_metrics": ("Results", "结果指标"),
    "sens_metric_p_stockout": ("chance that some city runs out", "任一城市断供的概率"),
    "sens_metric_fill_rate": ("fill rate", "需求满足率"),
    "sens_metric_unmet": ("unmet use", "未满足用量"),
    "sens_metric_net_cost": ("net cost", "净成本"),
    "sens_reps": ("Replications per point", "每个点的重复次数"),
    "sens_reps_help": (
        "Every point runs the same replications; more give narrower intervals.",
        "每个点运行相同的重复；次数越多区间越窄。",
    ),
    "sens_plan": (
        "{inputs} uncertain inputs: {runs} runs of {reps} replications",
        "{inputs} 个不确定输入：共 {runs} 次运行，每次 {reps} 次重复",
    ),
    "run_sens": ("Run the sensitivity analysis", "运行敏感性分析"),
    "sens_result": ("What moves the results most", "影响结果最大的因素"),
    "downloads_help": (
        "Every file is in the language chosen above; downloading does not change the page.",
        "所有文件均使用上方所选语言；下载不会改变页面。",
    ),
    "download_plan": ("Purchase plan (Excel)", "采购计划（Excel）"),
    "report_help": (
        "One page to hand in: the answer, the plan, charts, the comparison run in the Compare tab, and the inputs "
        "with their sources; print it from the browser for a PDF (A4).",
        "可直接提交的报告：结论、采购计划、图表、政策比较页的比较结果以及输入及其来源；在浏览器中打印可得 PDF（A4）。",
    ),
    "csv_help": (
        "The CSV tables keep the command line's column names and ids, as docs/outputs.md documents them.",
        "CSV 表保留与命令行一致的列名和编号，说明见 docs/outputs.md。",
    ),
    "sheet_summary": ("summary", "汇总"),
    "sheet_first_short": ("first to run short", "最先断供"),
    "sheet_bands": ("daily quantiles", "逐日分位数"),
    "summary": ("Summary by city and item", "按城市和物资汇总"),
    "hash": ("scenario", "情景编号"),
    "illustrative_note": (
        "The stock figures of this scenario are illustrative, not the cities' recorded stock: read the results as an "
        "example of the method.",
        "本情景的库存数字仅为示意，并非各城市的实际库存：结果仅用于说明方法。",
    ),
    "inputs": ("Inputs and assumptions", "输入与假设"),
    "inputs_help": (
        "Each setting of the scenario file with its source: [S] sourced, [D] derived from sourced figures, [E] an "
        "estimate.",
        "情景文件中各项设定及其来源：[S] 有出处，[D] 由有出处的数字推算，[E] 估计值。",
    ),
    "col_setting": ("Setting", "设定"),
    "col_tags": ("Source", "来源"),
    "col_comment": ("Note in the scenario", "情景中的说明"),
    "report_chart": (
        "Patients in care, response levels, disruptions and stock of a city and item that runs short (median and "
        "5-95 % band)",
        "断供城市-物资的在院患者、响应级别、供应中断与库存（中位数及5%-95%区间）",
    ),
}


def t(key: str, lang: str) -> str:
    en, zh = LABELS[key]
    return zh if lang == "zh" else en


def unit_word(unit: str, lang: str) -> str:
    """How counts of an item's unit (``items[].unit``) are written: the word for a unit stocksim
    knows (piece: pieces, 件), else the scenario's own word."""
    key = f"unit_{unit}"
    return t(key, lang) if key in LABELS else unit


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
