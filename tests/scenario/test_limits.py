"""The bounds on a scenario's numbers, the work figure, and how the loader lists problems (unknown keys
first, with the closest valid key)."""

from __future__ import annotations

import pytest
from conftest import CONFIGS, base_dict, deep_update, loaded

from stocksim.scenario import ConfigError, load_scenario, load_scenario_text, parse_scenario, read_yaml_file
from stocksim.scenario.errors import shown
from stocksim.scenario.limits import MAX_DAY, MAX_UNITS, bound_of, scenario_problems, work, work_problem

CENSUS = {"model": "census", "file": "w.csv"}


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_is_inside_the_limits(config):
    assert scenario_problems(load_scenario(config).scenario) == []


def test_bounds_by_key():
    assert bound_of("expires_day") == (MAX_DAY, "days")
    assert bound_of("capacity_per_day") == (MAX_UNITS, "units")
    assert bound_of("shifts_per_day") == (1e6, "")  # a rate per day, not a day


def test_a_number_above_its_bound_is_named_with_its_path():
    s = parse_scenario(base_dict(epidemic=CENSUS), "s.yaml")  # with an epidemic, the population bounds beds
    city = s.cities[0].model_copy(update={"stock": {"x": 2e12}, "beds": 1001})
    problems = scenario_problems(s.model_copy(update={"cities": [city]}))
    assert problems == [
        ("cities[0].stock.x", "above the limit of 1,000,000,000,000 units (configs/README.md, Limits)", 2e12),
        ("cities[0].beds", "more than the city's population (1,000)", 1001),
    ]


def test_each_number_of_a_distribution_is_checked():
    workers = {"dist": "triangular", "low": 10, "mode": 20, "high": 1001}
    d = base_dict(epidemic=CENSUS, cities=[{**base_dict()["cities"][0], "health_workers": workers}])
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "s.yaml")
    assert (err.value.path, err.value.value) == ("cities[0].health_workers.high", 1001)


def test_work_is_replications_days_locations_items():
    s = parse_scenario(base_dict(depots=[{"id": "prov", "city": "a"}]), "s.yaml")  # 2 locations
    assert work(s, 5) == 5 * 30 * 2 * 1
    assert work(s, 5, runs=3) == 900
    assert work_problem(s, 5, 300) is None
    message = work_problem(s, 5, 299)
    assert message == (
        "5 replications x 30 days x 2 locations x 1 items = 300, above the limit of 299 "
        "(pass --max-work 3.2e+02 or more to run it anyway)"
    )


def test_a_misspelt_key_is_reported_with_its_suggestion_and_the_missing_key_is_not():
    d = base_dict()
    d["horizon_dayz"] = d.pop("horizon_days")
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "s.yaml")
    assert str(err.value) == "s.yaml: horizon_dayz: unknown key; did you mean horizon_days? (value: 30)"


def test_problems_are_listed_unknown_keys_first():
    d = deep_update(base_dict(seed=-1), {"reserve": {"coverage_dayz": 3}, "procurement": {"mode": "joined"}})
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "s.yaml")
    assert [p[0] for p in err.value.problems] == ["reserve.coverage_dayz", "seed", "procurement.mode"]
    assert str(err.value).startswith("s.yaml: 3 problems:\n  reserve.coverage_dayz: unknown key; did you mean")


def test_suggestions_follow_lists_and_optional_sections():
    d = deep_update(base_dict(), {"inventory": {"fil": "x.csv"}})
    d["cities"][0]["helth_workers"] = 5
    with pytest.raises(ConfigError) as err:
        parse_scenario(d, "s.yaml")
    messages = {p[0]: p[1] for p in err.value.problems}
    assert messages["cities[0].helth_workers"] == "unknown key; did you mean health_workers?"
    assert messages["inventory.fil"] == "unknown key; did you mean file?"


def test_a_value_in_a_message_is_abridged():
    assert shown("x" * 500) == "'" + "x" * 37 + "..." + "x" * 38 + "'"  # reprlib keeps both ends
    assert len(shown(list(range(10**6)))) <= 80
    assert shown([[[[1]]]]) == "[[[[...]]]]"
    assert shown(-5) == "-5"


def test_text_and_file_load_the_same_scenario(tmp_path):
    path = CONFIGS[0]
    from_text = load_scenario_text(path.read_bytes(), str(path), path.parent)
    assert from_text.config_hash() == load_scenario(path).config_hash()
    assert read_yaml_file(path)["name"] == from_text.scenario.name


def test_checks_across_fields_list_one_problem_per_section():
    d = base_dict(
        depots=[{"id": "p", "city": "a"}, {"id": "p", "city": "a"}],
        transfers={"request_below_days": 20, "request_up_to_days": 10},
    )
    with pytest.raises(ConfigError) as err:
        loaded(d)
    assert err.value.problems == [
        ("depots[1].id", "id used twice", "p"),
        ("transfers.request_up_to_days", "must be >= request_below_days", 10.0),
    ]


def test_without_an_epidemic_the_population_bounds_no_count():
    # the population is context only there (the model never reads it): a placeholder is fine
    city = {**base_dict()["cities"][0], "health_workers": 5000, "beds": 2000}
    assert scenario_problems(parse_scenario(base_dict(cities=[city]), "s.yaml")) == []
