"""Bad input: one clear message naming file, path and value; exit code 2; nothing written."""

from __future__ import annotations

import pytest
import yaml
from conftest import base_dict, deep_update

from stocksim.cli import main


def _write(tmp_path, data, name="s.yaml") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True))
    return str(path)


def _run_fails(capsys, tmp_path, config: str, *needles: str) -> str:
    out = tmp_path / "out"
    code = main(["run", config, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1, f"one line expected, got: {err}"
    for needle in (config, *needles):
        assert needle in err, f"{needle!r} not in {err!r}"
    assert not out.exists() and not any(p.name.startswith(".out") for p in tmp_path.iterdir())
    return err


def _city0(**kw):
    return [{**base_dict()["cities"][0], **kw}]


def _seir(**kw):
    care = {
        "mild": {"share": 0.2, "stay_days": 10},
        "severe": {"share": 0.03, "stay_days": 12},
        "icu": {"share": 0.01, "stay_days": 8},
    }
    e = {"model": "seir", "r0": 2, "latent_days": 3, "infectious_days": 5, "care": care}
    return deep_update(base_dict(), {"epidemic": {**e, **kw}})


def _protection(**levels):
    """The base scenario with routine use by protection level instead of per worker-day."""
    return {**base_dict(), "demand": {"noise": "none", "protection": levels}}


CASES = {
    "wrong type": (base_dict(horizon_days="half a year"), ["horizon_days", "half a year"]),
    "negative stock": (base_dict(cities=_city0(stock={"x": -5})), ["cities[0].stock.x", "-5"]),
    "unknown item id": (
        base_dict(cities=_city0(stock={"n96": 5})),
        ["cities[0].stock.n96", "unknown item id"],
    ),
    "misspelt key": (
        deep_update(base_dict(), {"reserve": {"coverage_dayz": 30}}),
        ["reserve.coverage_dayz", "unknown key"],
    ),
    "missing key": (
        {k: v for k, v in base_dict().items() if k != "horizon_days"},
        ["horizon_days", "missing"],
    ),
    "bad distribution": (
        deep_update(
            base_dict(),
            {"demand": {"dispersion": {"dist": "triangular", "low": 5, "mode": 1, "high": 4}}},
        ),
        ["demand.dispersion", "low <= mode <= high"],
    ),
    "unknown distribution": (
        deep_update(base_dict(), {"demand": {"dispersion": {"dist": "cauchy", "loc": 1}}}),
        ["demand.dispersion", "'dist' must be one of"],
    ),
    "reorder above order-up-to": (
        base_dict(
            suppliers=[{"id": "s", "lead_time_days": 1, "capacity_per_day": {"x": 1}}],
            procurement={"mode": "independent", "reorder_point_days": 9, "order_up_to_days": 3},
        ),
        ["procurement.order_up_to_days", "3"],
    ),
    "declared table incomplete": (
        base_dict(reserve={"daily_max": "declared", "declared": {}}),
        ["reserve.declared.a.x", "missing"],
    ),
    "seir without r0": (
        deep_update(_seir(), {"epidemic": {"r0": None}}),
        ["epidemic.r0", "required when epidemic.model is 'seir'"],
    ),
    "seir introduction in an unknown city": (
        _seir(introductions=[{"city": "atlantis", "day": 0, "infections": 5}]),
        ["epidemic.introductions[0].city", "atlantis"],
    ),
    "care shares above 1": (
        _seir(care={k: {"share": 0.5, "stay_days": 3} for k in ("mild", "severe", "icu")}),
        ["epidemic.care", "more than 1"],
    ),
    "response levels out of order": (
        deep_update(
            _seir(),
            {
                "response": {
                    "levels": [
                        {"level": "II", "enter_at": 5, "exit_below": 1},
                        {"level": "IV", "enter_at": 1, "exit_below": 0.5},
                    ]
                }
            },
        ),
        ["response.levels", "lowest (IV) to the highest (I)"],
    ),
    "response level without hysteresis room": (
        deep_update(_seir(), {"response": {"levels": [{"level": "IV", "enter_at": 1, "exit_below": 2}]}}),
        ["response.levels[0].exit_below", "2"],
    ),
    "response levels without an epidemic": (
        base_dict(response={"levels": [{"level": "IV", "enter_at": 1, "exit_below": 0.5}]}),
        ["response.levels", "seir"],
    ),
    "mobility matrix missing": (
        _seir(mobility={"matrix": "nowhere.csv"}),
        ["epidemic.mobility.matrix", "nowhere.csv"],
    ),
    "depot in an unknown city": (
        base_dict(depots=[{"id": "prov", "city": "atlantis", "stock": {"x": 5}}]),
        ["depots[0].city", "atlantis"],
    ),
    "depot named like a city": (
        base_dict(depots=[{"id": "a", "city": "a"}]),
        ["depots[0].id", "already used by a city"],
    ),
    "joint centre in an unknown city": (
        deep_update(base_dict(), {"procurement": {"joint": {"lead_city": "atlantis"}}}),
        ["procurement.joint.lead_city", "atlantis"],
    ),
    "transfer thresholds reversed": (
        base_dict(transfers={"request_below_days": 20, "request_up_to_days": 10}),
        ["transfers.request_up_to_days", "10"],
    ),
    "misspelt allocation rule": (
        deep_update(base_dict(), {"procurement": {"joint": {"allocation": "by_need"}}}),
        ["procurement.joint.allocation", "by_need"],
    ),
    "inline distances missing a pair": (
        base_dict(
            cities=[base_dict()["cities"][0], {**base_dict()["cities"][0], "id": "b", "name": "B"}],
            distances={"km": {"a": {"b": 10}}},
        ),
        ["distances.km.b.a", "missing"],
    ),
    "lot of an unknown item": (
        base_dict(cities=_city0(lots=[{"item": "y", "quantity": 1, "expires_day": 4}])),
        ["cities[0].lots[0].item", "'y'"],
    ),
    "routine use given twice": (
        deep_update(base_dict(), {"demand": {"protection": {"level1": {"staff_share": 1, "per_shift": {"x": 1}}}}}),
        ["demand.protection", "demand.routine_per_health_worker_day", "not both"],
    ),
    "protection staff shares above 1": (
        _protection(
            level1={"staff_share": 0.75, "per_shift": {"x": 4}},
            level2={"staff_share": {"dist": "uniform", "low": 0.2, "high": 0.3}},
        ),
        ["demand.protection", "add up to more than 1", "1.05"],
    ),
    "protection staff share unbounded": (
        _protection(level2={"staff_share": {"dist": "normal", "mean": 0.1, "sd": 0.01}}),
        ["demand.protection.level2.staff_share", "bounded distribution"],
    ),
    "protection of an unknown item": (
        _protection(level2={"staff_share": 0.1, "per_shift": {"n96": 1}}),
        ["demand.protection.level2.per_shift.n96", "unknown item id"],
    ),
    "uses per unit below 1": (
        base_dict(items=[{**base_dict()["items"][0], "uses_per_unit": 0.5}]),
        ["items[0].uses_per_unit", "0.5"],
    ),
    "full load at a level the scenario does not define": (
        deep_update(
            _seir(),
            {
                "reserve": {"full_load_level": "II"},
                "response": {"levels": [{"level": "IV", "enter_at": 1, "exit_below": 0.5}]},
            },
        ),
        ["reserve.full_load_level", "not a level of response.levels (defined: IV)", "II"],
    ),
    "peak quantile of 0": (
        deep_update(base_dict(), {"reserve": {"peak_quantile": 0}}),
        ["reserve.peak_quantile", "0"],
    ),
    "empty peak pilot": (
        deep_update(base_dict(), {"reserve": {"peak_pilot": 0}}),
        ["reserve.peak_pilot", "0"],
    ),
    "negative demand correlation": (
        deep_update(base_dict(), {"demand": {"correlation": -0.1}}),
        ["demand.correlation", "-0.1", "greater than or equal to 0"],
    ),
    "demand correlation above 1": (
        deep_update(base_dict(), {"demand": {"correlation": 1.5}}),
        ["demand.correlation", "1.5", "less than or equal to 1"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenarios_are_refused_with_a_clear_message(case, tmp_path, capsys):
    data, needles = CASES[case]
    _run_fails(capsys, tmp_path, _write(tmp_path, data), *needles)


def test_missing_file(tmp_path, capsys):
    _run_fails(capsys, tmp_path, str(tmp_path / "nope.yaml"), "no such file")


def test_malformed_yaml_names_the_line(tmp_path, capsys):
    _run_fails(
        capsys,
        tmp_path,
        _write(tmp_path, "name: x\nitems: [a, b\nhorizon_days: 3\n"),
        "line 3",
        "malformed YAML",
    )


def test_a_key_given_twice_is_an_error(tmp_path, capsys):
    text = yaml.safe_dump(base_dict()) + "horizon_days: 99\n"
    _run_fails(capsys, tmp_path, _write(tmp_path, text), "horizon_days", "appears twice")


def test_census_that_lacks_a_city(tmp_path, capsys):
    city = base_dict()["cities"][0]
    d = base_dict(
        cities=[city, {**city, "id": "b", "name": "B"}],
        epidemic={"model": "census", "file": "w.csv"},
    )
    (tmp_path / "w.csv").write_text("day,city,mild,severe,icu,swabs\n0,a,1,0,0,0\n")
    err = _run_fails(capsys, tmp_path, _write(tmp_path, d), "w.csv", "'b'")
    assert "no rows for scenario city" in err


@pytest.mark.parametrize(
    ("csv", "needles"),
    [
        ("day,city,mild,severe,icu\n0,a,1,0,0\n", ["missing column(s) swabs"]),
        ("day,city,mild,severe,icu,swabs\n0,a,-1,0,0,0\n", ["row 2, column mild", "-1"]),
        (
            "day,city,mild,severe,icu,swabs\n0,a,1,0,0,0\n0,zz,1,0,0,0\n",
            ["row 3, column city", "zz"],
        ),
        ("day,city,mild,severe,icu,swabs\n0.5,a,1,0,0,0\n", ["row 2, column day"]),
        ("day,city,mild,severe,icu,swabs\n0,a,1,0,0,0\n0,a,2,0,0,0\n", ["row 3", "given twice"]),
    ],
)
def test_bad_census_rows(csv, needles, tmp_path, capsys):
    (tmp_path / "w.csv").write_text(csv)
    d = base_dict(epidemic={"model": "census", "file": "w.csv"})
    _run_fails(capsys, tmp_path, _write(tmp_path, d), "w.csv", *needles)


def test_missing_census_file(tmp_path, capsys):
    d = base_dict(epidemic={"model": "census", "file": "gone.csv"})
    _run_fails(capsys, tmp_path, _write(tmp_path, d), "epidemic.file", "gone.csv")


def test_validate_reports_the_same_error(tmp_path, capsys):
    path = _write(tmp_path, base_dict(cities=_city0(stock={"x": -5})))
    assert main(["validate", path]) == 2
    assert "cities[0].stock.x" in capsys.readouterr().err


def test_bad_command_line_values_exit_2(tmp_path, capsys):
    path = _write(tmp_path, base_dict())
    with pytest.raises(SystemExit) as exc:
        main(["run", path, "--replications", "0"])
    assert exc.value.code == 2
    assert "--replications" in capsys.readouterr().err


def test_validate_reads_the_matrices_it_will_need(tmp_path, capsys):
    (tmp_path / "km.csv").write_text("city,a,b\na,0,10\n")  # no row for b
    city = base_dict()["cities"][0]
    d = base_dict(cities=[city, {**city, "id": "b", "name": "B"}], distances={"file": "km.csv"})
    path = _write(tmp_path, d)
    assert main(["validate", path]) == 2
    err = capsys.readouterr().err
    assert "km.csv" in err and "'b'" in err
    (tmp_path / "km.csv").write_text("city,a,b\na,0,10\nb,x,0\n")
    assert main(["validate", path]) == 2
    assert "row b, column a" in capsys.readouterr().err


def test_compare_refuses_an_unknown_policy_before_running(tmp_path, capsys):
    path = _write(tmp_path, base_dict())
    out = tmp_path / "cmp"
    assert main(["compare", path, "--policies", "independent,jiont", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "jiont" in err and "unknown procurement mode" in err
    assert not out.exists()
