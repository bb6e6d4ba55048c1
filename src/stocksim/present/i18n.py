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
    # Searches (present.searches): `compare --at equal-cost` and `stocksim size`.
    "basis_burn_rate": ("burn rate", "近期消耗速率"),
    "basis_daily_max": ("daily max", "日均消耗上限"),
    "equal_cost_found": (
        "at equal cost, {policy}: s and S x{factor:.3f} ({s:.1f} and {S:.1f} days of the {basis}), net cost {cost} "
        "against the baseline's {target} ({gap:+.2f} %)",
        "等成本比较，{policy}：s 和 S 乘以 {factor:.3f}（{basis}的 {s:.1f} 天和 {S:.1f} 天），净成本 {cost}，"
        "基准为 {target}（{gap:+.2f}%）",
    ),
    "equal_cost_missed": (
        "NOT at equal cost, {policy}: no factor on s and S in [{low:g}, {high:g}] brings the net cost within "
        "{tol:g} % of the baseline's; compared at the closest, x{factor:.3f} ({s:.1f} and {S:.1f} days of the "
        "{basis}): net cost {cost} against {target} ({gap:+.2f} %)",
        "未能做到等成本，{policy}：s 和 S 在 [{low:g}, {high:g}] 倍之间的任何系数都不能使净成本与基准相差 {tol:g}% "
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
    "size_metric_fill_rate": ("the circle's fill rate", "都市圈需求满足率"),
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
        "{base} and {other} cannot be set side by side: {which} meets the target with no reserve up to the limit",
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
    "metric_circle": ("the circle", "全都市圈"),
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
        "要使每个城市达标，都市圈共需采购{cost}（正常价格；危机价格{crisis}）",
    ),
    "plan_circle_none": ("Every city complies on day {day}: nothing to buy", "第{day}天每个城市均已达标，无需采购"),
    "plan_circle_pooled_short": (
        "Counted as one reserve (depots included), the circle is short of {items}",
        "若合为一个储备（含储备库），都市圈仍缺：{items}",
    ),
    "plan_circle_pooled_ok": (
        "Counted as one reserve (depots included), the circle holds enough of every item",
        "若合为一个储备（含储备库），都市圈各类物资均已储足",
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
        "日均消耗上限随运行的{n}次参数抽样而变（全都市圈{item}：每天{low}至{high}）；计划采用其均值",
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
    "unit_piece": ("pieces", "件"),
    "unit_pair": ("pairs", "副"),
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
