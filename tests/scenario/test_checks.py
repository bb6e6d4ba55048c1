"""Checks across fields: each refusal names the path and the value."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT, base_dict, seir_dict

from stocksim.experiment.run import run
from stocksim.scenario import ConfigError, LoadedScenario, parse_scenario

LEVELS = [{"level": "IV", "enter_at": 1, "exit_below": 0.5}, {"level": "I", "enter_at": 10, "exit_below": 5}]


def _with_schedule(*schedule: dict, model: str = "none", levels: list | None = None) -> dict:
    d = base_dict()
    d["cities"].append({**d["cities"][0], "id": "b", "name": "B"})
    d["epidemic"] = {"model": model}
    d["response"] = {"levels": LEVELS if levels is None else levels, "schedule": list(schedule)}
    return d


@pytest.mark.parametrize(
    ("schedule", "path", "needle"),
    [
        ([{"level": "II", "from_day": 0}], "response.schedule[0].level", "not a level of response.levels"),
        ([{"level": "I", "from_day": 5, "to_day": 4}], "response.schedule[0].to_day", "before from_day"),
        ([{"level": "I", "from_day": 0, "cities": ["a", "atlantis"]}], "response.schedule[0].cities[1]", "unknown"),
        ([{"level": "I", "from_day": 0, "cities": ["a", "a"]}], "response.schedule[0].cities[1]", "twice"),
        (
            [{"level": "I", "from_day": 0, "to_day": 10}, {"level": "IV", "from_day": 10, "cities": ["b"]}],
            "response.schedule[1]",
            "sets the level of city b on day 10, as response.schedule[0] does",
        ),
        (
            [{"level": "IV", "from_day": 20, "cities": ["a"]}, {"level": "I", "from_day": 3}],
            "response.schedule[1]",
            "city a on day 20",
        ),
    ],
)
def test_a_bad_schedule_is_refused_naming_the_entry(schedule, path, needle):
    with pytest.raises(ConfigError) as err:
        parse_scenario(_with_schedule(*schedule), "<test>")
    assert err.value.path == path and needle in str(err.value)


def test_an_empty_city_list_is_refused():
    with pytest.raises(ConfigError) as err:
        parse_scenario(_with_schedule({"level": "I", "from_day": 0, "cities": []}), "<test>")
    assert err.value.path == "response.schedule[0].cities" and err.value.value == []


def test_the_shandong_schedule_passes_and_entries_may_follow_each_other_or_split_the_cities():
    shandong = [
        {"level": "I", "from_day": 0, "to_day": 43},
        {"level": "IV", "from_day": 44, "to_day": 102},
        {"level": "none", "from_day": 103, "cities": ["a"]},
        {"level": "IV", "from_day": 103, "cities": ["b"]},
    ]
    s = parse_scenario(_with_schedule(*shandong), "<test>")
    assert [e.level for e in s.response.schedule] == ["I", "IV", "none", "IV"]
    assert s.response.scope == "city"
    # 'none' needs no level defined
    parse_scenario(_with_schedule({"level": "none", "from_day": 0}, levels=[]), "<test>")


def test_levels_without_seir_need_a_schedule():
    with pytest.raises(ConfigError) as err:
        parse_scenario(_with_schedule(model="none"), "<test>")
    assert err.value.path == "response.levels" and "epidemic.model 'none' only response.schedule" in str(err.value)
    parse_scenario(_with_schedule({"level": "I", "from_day": 0}, model="none"), "<test>")
    seir = seir_dict()
    seir["response"] = {"levels": LEVELS}  # SEIR: the thresholds declare levels
    parse_scenario(seir, "<test>")


def test_the_shandong_example_of_the_configs_readme_runs_on_the_census_scenario():
    text = (ROOT / "configs" / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.S) if "from_day: 103" in b)
    response = yaml.safe_load(block)["response"]
    d = yaml.safe_load((ROOT / "configs" / "jinan-census.yaml").read_text(encoding="utf-8"))
    d["response"] = response
    s = parse_scenario(d, "<readme>")
    assert [(e.level, e.from_day, e.to_day) for e in s.response.schedule] == [
        ("I", 0, 43),
        ("II", 44, 102),
        ("III", 103, None),
    ]
    r = run(LoadedScenario.read(s, "<readme>", ROOT / "configs"), replications=1)
    days = r.census[r.census["city"] == "jinan"].set_index("day")["response_level"].astype(str)
    assert (days[:44] == "I").all() and (days[44:103] == "II").all() and (days[103:] == "III").all()


@pytest.mark.parametrize(
    ("agreements", "pools", "path", "needle"),
    [
        ([{"item": "y", "quantity": 5, "call_days": 3}], "separate", "cities[0].agreements[0].item", "unknown item"),
        (
            [{"item": "x", "quantity": 5, "call_days": 3}, {"item": "x", "quantity": 1, "call_days": 2}],
            "separate",
            "cities[0].agreements[1].item",
            "item listed twice",
        ),
        ([{"item": "x", "quantity": 5, "call_days": 3}], "single", "cities[0].agreements[0]", "pools: separate"),
        (
            [{"item": "x", "quantity": 5, "call_days": 0}],
            "separate",
            "cities[0].agreements[0].call_days",
            "greater than or equal to 1",
        ),
    ],
)
def test_a_bad_agreement_is_refused_naming_it(agreements, pools, path, needle):
    d = base_dict(reserve={"pools": pools})
    d["cities"][0]["agreements"] = agreements
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "<test>")
    assert needle in str(err.value) and path in str(err.value)


def test_min_physical_share_above_one_is_refused():
    with pytest.raises(ConfigError, match="min_physical_share"):
        parse_scenario(base_dict(reserve={"pools": "separate", "min_physical_share": 1.5}), "<test>")


# ---- crisis practice: use factors and substitutes -------------------------------------------------


def _crisis(substitutes=None, use_factor=None) -> dict:
    """Items x and y, levels IV and I declared by schedule; the given substitutes and use factors at I."""
    d = _with_schedule({"level": "I", "from_day": 0})
    d["items"].append({"id": "y", "name": "Y", "shelf_life_days": 100})
    d["response"]["levels"][1]["use_factor"] = use_factor or {}
    d["substitutes"] = substitutes or []
    return d


@pytest.mark.parametrize(
    ("substitutes", "use_factor", "path", "needle", "value"),
    [
        ([{"item": "kn95", "by": "y", "from_level": "I"}], None, "substitutes[0].item", "unknown item", "kn95"),
        ([{"item": "x", "by": "kn95", "from_level": "I"}], None, "substitutes[0].by", "unknown item", "kn95"),
        ([{"item": "x", "by": "x", "from_level": "I"}], None, "substitutes[0].by", "itself", "x"),
        ([{"item": "x", "by": "y", "ratio": 0, "from_level": "I"}], None, "substitutes[0].ratio", "greater than 0", 0),
        ([{"item": "x", "by": "y", "ratio": -1, "from_level": "I"}], None, "substitutes[0].ratio", "greater than", -1),
        ([{"item": "x", "by": "y", "from_level": "II"}], None, "substitutes[0].from_level", "not a level", "II"),
        ([{"item": "x", "by": "y", "from_level": "V"}], None, "substitutes[0].from_level", "'IV', 'III'", "V"),
        (
            [{"item": "x", "by": "y", "from_level": "I"}, {"item": "x", "by": "y", "ratio": 2, "from_level": "IV"}],
            None,
            "substitutes[1]",
            "already stands in for x",
            None,
        ),
        ([], {"kn95": 0.5}, "response.levels[1].use_factor.kn95", "unknown item", "kn95"),
        ([], {"x": 0}, "response.levels[1].use_factor.x", "greater than 0", 0),
    ],
)
def test_bad_crisis_practice_is_refused_naming_path_and_value(substitutes, use_factor, path, needle, value):
    with pytest.raises(ConfigError) as err:
        parse_scenario(_crisis(substitutes, use_factor), "<test>")
    assert err.value.path == path and needle in str(err.value)
    if value is not None:
        assert err.value.value == value and f"(value: {value!r})" in str(err.value)


def test_good_crisis_practice_passes():
    s = parse_scenario(_crisis([{"item": "x", "by": "y", "ratio": 1.5, "from_level": "IV"}], {"x": 0.5}), "<t>")
    assert s.substitutes[0].ratio == 1.5 and s.response.levels[1].use_factor == {"x": 0.5}
