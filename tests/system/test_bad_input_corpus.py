"""The bad-input corpus (issue 15, item 5): scenario YAML, data files and command-line flags a hostile
or careless user might give. Every case must be refused with exit code 2 and one message that names
the file (or the flag), the field and the value, with no traceback, before the model runs (no
progress line) and with nothing left on disk (no --out folder, no hidden staging folder).

Each case is (name, build, needles): ``build(tmp)`` writes the inputs into ``tmp`` and returns the
command line; every needle must appear in stderr. Most run ``stocksim.cli.main`` in this process;
``SUBPROCESS`` runs a few through a real interpreter for the exit code and stderr as a user sees them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import CONFIGS, ROOT, base_dict, deep_update

from stocksim.cli import main
from stocksim.scenario import limits, read_yaml_file

Build = Callable[[Path], list[str]]
SHIPPED = {p.stem: p for p in CONFIGS}
REFERENCE_KM = ROOT / "data" / "reference" / "distances_km.csv"
CENSUS_HEADER = "day,city,mild,severe,icu,swabs"


# ---- how inputs are built --------------------------------------------------------------------


def _write(tmp: Path, name: str, content: str | bytes) -> str:
    path = tmp / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def text(content: str | bytes, command: str = "run", *flags: str) -> Build:
    """A scenario file with exactly this text."""
    return lambda tmp: [command, _write(tmp, "s.yaml", content), *flags]


def small(overrides: dict | Callable[[dict], dict], command: str = "run", *flags: str, **files: str) -> Build:
    """The small test scenario (one city a, one item x) with changes, and data files beside it."""

    def build(tmp: Path) -> list[str]:
        for name, content in files.items():
            _write(tmp, name.replace("_", "."), content)
        d = overrides(base_dict()) if callable(overrides) else deep_update(base_dict(), overrides)
        return [command, _write(tmp, "s.yaml", yaml.safe_dump(d, allow_unicode=True)), *flags]

    return build


def shipped(config: str, change: Callable[[dict], None], command: str = "run", *flags: str) -> Build:
    """A shipped config changed in place; its data files named by absolute path."""

    def build(tmp: Path) -> list[str]:
        d = json.loads(json.dumps(read_yaml_file(SHIPPED[config]), default=str))
        for section in ("epidemic", "distances", "inventory"):
            if isinstance(d.get(section), dict) and d[section].get("file"):
                d[section]["file"] = str((SHIPPED[config].parent / d[section]["file"]).resolve())
        change(d)
        return [command, _write(tmp, f"{config}.yaml", yaml.safe_dump(d, allow_unicode=True, sort_keys=False)), *flags]

    return build


def at(path: str, value) -> Callable[[dict], None]:
    """Set a dotted path ([i] for list entries) of a scenario mapping."""

    def change(d: dict) -> None:
        node = d
        parts = [int(p) if p.isdigit() else p for p in path.replace("[", ".").replace("]", "").split(".")]
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value

    return change


def city(**kw) -> dict:
    return {"cities": [{**base_dict()["cities"][0], **kw}]}


def two_cities(**d) -> dict:
    c = base_dict()["cities"][0]
    return {"cities": [c, {**c, "id": "b", "name": "B"}], **d}


def census(rows: str) -> Build:
    over = {"epidemic": {"model": "census", "file": "w.csv"}}
    return small(over, w_csv=f"{CENSUS_HEADER}\n{rows}\n")


def distances(csv: str) -> Build:
    return small(two_cities(distances={"file": "km.csv"}), km_csv=csv)


def seir(**epidemic) -> dict:
    care = {k: {"share": s, "stay_days": 5} for k, s in (("mild", 0.2), ("severe", 0.03), ("icu", 0.01))}
    return {"epidemic": {"model": "seir", "r0": 2, "latent_days": 3, "infectious_days": 5, "care": care, **epidemic}}


def inventory(csv: str, **scenario) -> Build:
    return small({"inventory": {"file": "stock.csv"}, **scenario}, stock_csv=csv)


def xlsx_bomb(tmp: Path) -> list[str]:
    """An inventory workbook openpyxl would read, with one more part of 100 MB of zeros: a zip of a
    few hundred kB that unpacks to more than the data-file limit."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["city", "item", "quantity"])
    book.active.append(["a", "x", 5])
    path = tmp / "stock.xlsx"
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", bytes(100_000_000))
    return small({"inventory": {"file": "stock.xlsx"}})(tmp)


def observed(csv: str) -> Build:
    reserve = {"daily_max": "observed", "observed": {"file": "use.csv", "window_days": 1}}
    return small({"reserve": reserve}, use_csv=csv)


def bomb(levels: int = 8) -> str:
    lines = ["name: bomb", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels + 1):
        lines.append(f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def problems(n: int) -> dict:
    """A scenario with n bad stock figures (n problems)."""
    return city(stock={"x": 1}, lots=[{"item": "x", "quantity": -k - 1, "expires_day": 3} for k in range(n)])


BASE_TEXT = yaml.safe_dump(base_dict())

# ---- the corpus ------------------------------------------------------------------------------

CASES: list[tuple[str, Build, tuple[str, ...]]] = [
    # the YAML text: bombs, nesting, size, encoding, syntax
    ("alias bomb, 8 levels", text(bomb(8)), ("s.yaml", "line", "aliases expanded", "200,000 values")),
    (
        "alias bomb, 5 levels of 20",
        text(
            "a: &a ["
            + ",".join(["x"] * 20)
            + "]\n"
            + "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 20) + "]\n" for p, c in zip("abcd", "bcde", strict=True))
        ),
        ("s.yaml", "aliases expanded"),
    ),  # fmt: skip
    (
        "alias bomb in a mapping merge",
        text(
            "a: &a {"
            + ", ".join(f"k{i}: [1,2,3,4,5,6,7,8,9,10]" for i in range(10))
            + "}\n"
            + "".join(
                f"b{j}: &b{j} [" + ",".join([f"*{'a' if j == 0 else 'b' + str(j - 1)}"] * 30) + "]\n" for j in range(4)
            )
        ),
        ("s.yaml", "aliases expanded"),
    ),  # fmt: skip
    ("recursive alias", text("name: &n\n  self: *n\n"), ("s.yaml", "line 2", "recursive")),
    ("3,000 nested brackets", text("name: " + "[" * 3000 + "]" * 3000 + "\n"), ("s.yaml", "line 1", "40 levels")),
    ("3,000 nested flow mappings", text("name: " + "{a: " * 3000 + "1" + "}" * 3000), ("s.yaml", "40 levels")),
    (
        "50 nested block mappings",
        text("".join("  " * k + f"k{k}:\n" for k in range(50)) + "  " * 50 + "v: 1\n"),
        ("s.yaml", "line 41", "40 levels"),
    ),  # fmt: skip
    (
        "file above 1 MB",
        text(BASE_TEXT + "#" + "x" * 1_000_001 + "\n"),
        ("s.yaml", "larger than the limit", "1,000,000"),
    ),
    ("not UTF-8", text(BASE_TEXT.encode() + "description: caf\xe9\n".encode("latin-1")), ("s.yaml", "not UTF-8")),
    ("unclosed bracket", text("name: x\nitems: [a, b\nhorizon_days: 3\n"), ("s.yaml", "line 3", "malformed YAML")),
    ("tab indentation", text("name: x\nreserve:\n\tcoverage_days: 3\n"), ("s.yaml", "line 3", "malformed YAML")),
    ("a list, not a mapping", text("- name: x\n- horizon_days: 3\n"), ("s.yaml", "mapping of keys")),
    ("empty file", text(""), ("s.yaml", "mapping of keys")),
    ("a python tag", text("name: !!python/object/apply:os.system ['true']\n"), ("s.yaml", "line 1", "python/object")),
    ("a list as a key", text("? [a, b]\n: 1\n" + BASE_TEXT), ("s.yaml", "line 1", "plain value")),
    ("a key given twice", text(BASE_TEXT + "horizon_days: 99\n"), ("s.yaml", "'horizon_days' appears twice")),
    (
        "a nested key given twice",
        text(BASE_TEXT.replace("  coverage_days: 3\n", "  coverage_days: 3\n  coverage_days: 4\n")),
        ("s.yaml", "'coverage_days' appears twice", "line"),
    ),  # fmt: skip
    ("no such file", lambda tmp: ["run", str(tmp / "nowhere.yaml")], ("nowhere.yaml", "no such file")),
    (
        "a folder as the scenario",
        lambda tmp: (tmp / "dir.yaml").mkdir() or ["run", str(tmp / "dir.yaml")],
        ("dir.yaml", "not a file"),
    ),  # fmt: skip
    # keys
    (
        "misspelt top-level key",
        small(lambda d: {**{k: v for k, v in d.items() if k != "horizon_days"}, "horizon_dayz": 30}),
        ("s.yaml", "horizon_dayz: unknown key; did you mean horizon_days?", "(value: 30)"),
    ),  # fmt: skip
    (
        "misspelt nested key",
        small({"reserve": {"coverage_dayz": 30}}),
        ("s.yaml", "reserve.coverage_dayz: unknown key; did you mean coverage_days?", "30"),
    ),  # fmt: skip
    (
        "misspelt key in a list entry",
        small(city(populaton=5)),
        ("s.yaml", "cities[0].populaton: unknown key; did you mean population?", "5"),
    ),  # fmt: skip
    ("unknown key, nothing close", small({"zzyzx": 1}), ("s.yaml", "zzyzx: unknown key", "(value: 1)")),
    (
        "missing required key",
        small(lambda d: {k: v for k, v in d.items() if k != "items"}),
        ("s.yaml", "items: required key is missing"),
    ),  # fmt: skip
    (
        "two problems listed",
        small({"horizon_days": "half a year", "seed": -1}),
        ("s.yaml", "2 problems", "horizon_days", "'half a year'", "seed", "-1"),
    ),  # fmt: skip
    (
        "25 problems, 20 listed",
        small(problems(25)),
        ("s.yaml", "25 problems", "cities[0].lots[19].quantity", "-20", "... and 5 more"),
    ),  # fmt: skip
    # numbers: finite and within bounds
    (
        "horizon of 1e6 days (scientific notation)",
        text(BASE_TEXT.replace("horizon_days: 30", "horizon_days: 1e6")),
        ("s.yaml", "horizon_days", "7300", "1000000"),
    ),  # fmt: skip
    (
        "horizon of .inf days",
        text(BASE_TEXT.replace("horizon_days: 30", "horizon_days: .inf")),
        ("s.yaml", "horizon_days", "finite", "inf"),
    ),  # fmt: skip
    (
        "start date in the year 9999",
        small({"start_date": "9999-12-25"}),
        ("s.yaml", "start_date", "between 1900-01-01 and 2200-12-31", "'9999-12-25'"),
    ),  # fmt: skip
    (
        "start date in the year 1",
        text(BASE_TEXT + "start_date: 0001-01-01\n"),
        ("s.yaml", "start_date", "'0001-01-01'"),
    ),
    ("horizon of 7,301 days", small({"horizon_days": 7301}), ("s.yaml", "horizon_days", "7300", "7301")),
    ("negative seed", small({"seed": -1}), ("s.yaml", "seed", "-1")),
    ("seed of 2**64", small({"seed": 2**64}), ("s.yaml", "seed", str(2**64))),
    ("no replications", small({"replications": 0}), ("s.yaml", "replications", "0")),
    ("two million replications", small({"replications": 2_000_000}), ("s.yaml", "replications", "2000000")),
    ("population of 1e300", small(city(population=1e300)), ("s.yaml", "cities[0].population", "1e+300")),
    (
        "population .nan",
        text(BASE_TEXT.replace("population: 1000", "population: .nan")),
        ("s.yaml", "cities[0].population", "nan"),
    ),  # fmt: skip
    (
        "population above 200 million",
        small(city(population=300_000_000)),
        ("s.yaml", "cities[0].population", "300000000"),
    ),  # fmt: skip
    ("health workers 1e300", small(city(health_workers=1e300)), ("s.yaml", "cities[0].health_workers", "1e+300")),
    (
        "health workers above the population",
        small({**city(health_workers=5000), **seir()}),
        ("s.yaml", "cities[0].health_workers", "population (1,000)", "5000"),
    ),  # fmt: skip
    (
        "beds above the population",
        small({**city(beds=2000), **seir()}),
        ("s.yaml", "cities[0].beds", "population", "2000"),
    ),
    (
        "designated beds drawn above 200 million",
        small(city(designated_beds={"dist": "uniform", "low": 1, "high": 1e12})),
        ("s.yaml", "cities[0].designated_beds.high", "200,000,000 people", "1000000000000"),
    ),  # fmt: skip
    ("stock .inf", text(BASE_TEXT.replace("x: 100", "x: .inf")), ("s.yaml", "cities[0].stock.x", "inf")),
    ("stock 1e13", small(city(stock={"x": 1e13})), ("s.yaml", "cities[0].stock.x", "units", "10000000000000.0")),
    (
        "lot quantity nan",
        small(city(lots=[{"item": "x", "quantity": float("nan"), "expires_day": 3}])),
        ("s.yaml", "cities[0].lots[0].quantity", "nan"),
    ),  # fmt: skip
    (
        "lot expiring on day 1e30",
        small(city(lots=[{"item": "x", "quantity": 1, "expires_day": 10**30}])),
        ("s.yaml", "cities[0].lots[0].expires_day", str(10**30)),
    ),  # fmt: skip
    (
        "unit cost 1e9",
        small({"items": [{**base_dict()["items"][0], "unit_cost_cny": 1e9}]}),
        ("s.yaml", "items[0].unit_cost_cny", "CNY", "1000000000"),
    ),  # fmt: skip
    (
        "coverage days .inf",
        text(BASE_TEXT.replace("coverage_days: 3", "coverage_days: .inf")),
        ("s.yaml", "reserve.coverage_days", "inf"),
    ),  # fmt: skip
    ("coverage days 1e30", small({"reserve": {"coverage_days": 1e30}}), ("s.yaml", "reserve.coverage_days", "1e+30")),
    ("latitude 1e30", small(city(lat=1e30)), ("s.yaml", "cities[0].lat", "1e+30")),
    (
        "supplier capacity .inf",
        small({"suppliers": [{"id": "s", "lead_time_days": 1, "capacity_per_day": {"x": "inf"}}]}),
        ("s.yaml", "suppliers[0].capacity_per_day.x", "inf"),
    ),  # fmt: skip
    (
        "lead time of a million days",
        small({"suppliers": [{"id": "s", "lead_time_days": 1e6, "capacity_per_day": {"x": 1}}]}),
        ("s.yaml", "suppliers[0].lead_time_days", "days", "1000000"),
    ),  # fmt: skip
    (
        "disruption from day 1e30",
        small(
            {
                "suppliers": [
                    {
                        "id": "s",
                        "lead_time_days": 1,
                        "capacity_per_day": {"x": 1},
                        "disruptions": [{"from_day": 10**30, "to_day": 10**30}],
                    }
                ]
            }
        ),
        ("s.yaml", "disruptions[0].from_day", str(10**30)),
    ),  # fmt: skip
    (
        "routine rate 1e12",
        small({"demand": {"routine_per_health_worker_day": {"x": 1e12}}}),
        ("s.yaml", "demand.routine_per_health_worker_day.x", "1000000000000.0"),
    ),  # fmt: skip
    (
        "a distribution with high .inf",
        small({"demand": {"dispersion": {"dist": "uniform", "low": 1, "high": float("inf")}}}),
        ("s.yaml", "demand.dispersion", "finite"),
    ),  # fmt: skip
    (
        "an introduction of 1e12 people",
        small(deep_update(seir(), {"epidemic": {"introductions": [{"city": "a", "day": 0, "infections": 1e12}]}})),
        ("s.yaml", "introductions[0].infections", "people", "1000000000000.0"),
    ),  # fmt: skip
    (
        "an inline distance of 1e9 km",
        small(two_cities(distances={"km": {"a": {"b": 1e9}, "b": {"a": 1}}})),
        ("s.yaml", "distances.km.a.b", "km", "1000000000"),
    ),  # fmt: skip
    (
        "transfer speed .inf",
        small({"transfers": {"speed_kmh": float("inf")}}),
        ("s.yaml", "transfers.speed_kmh", "inf"),
    ),
    (
        "5,000 schedule entries",
        small({"response": {"schedule": [{"level": "none", "from_day": k, "to_day": k} for k in range(5000)]}}),
        ("s.yaml", "response.schedule", "5,000 entries", "1,000"),
    ),  # fmt: skip
    (
        "2,000 cities",
        small(lambda d: {**d, "cities": [{**d["cities"][0], "id": f"c{k}"} for k in range(2000)]}),
        ("s.yaml", "cities", "2,000 entries"),
    ),  # fmt: skip
    # checks across fields
    (
        "a depot id used twice",
        small({"depots": [{"id": "prov", "city": "a"}, {"id": "prov", "city": "a"}]}),
        ("s.yaml", "depots[1].id", "used twice", "'prov'"),
    ),  # fmt: skip
    ("a city id used twice", small(lambda d: {**d, "cities": d["cities"] * 2}), ("s.yaml", "cities[1].id", "'a'")),
    ("an item id used twice", small(lambda d: {**d, "items": d["items"] * 2}), ("s.yaml", "items[1].id", "'x'")),
    ("stock of an unknown item", small(city(stock={"n96": 5})), ("s.yaml", "cities[0].stock.n96", "'n96'")),
    (
        "a depot in an unknown city",
        small({"depots": [{"id": "prov", "city": "atlantis"}]}),
        ("s.yaml", "depots[0].city", "'atlantis'"),
    ),  # fmt: skip
    (
        "problems of two sections listed",
        small(
            {
                "depots": [{"id": "p", "city": "atlantis"}],
                "transfers": {"request_below_days": 20, "request_up_to_days": 10},
            }
        ),
        ("s.yaml", "2 problems", "depots[0].city", "'atlantis'", "transfers.request_up_to_days", "10"),
    ),  # fmt: skip
    # the census
    ("census count inf", census("0,a,inf,0,0,0"), ("w.csv", "row 2, column mild", "(value: inf)")),
    ("census day 1e30", census("1e30,a,1,0,0,0"), ("w.csv", "row 2, column day", "(value: 1e+30)")),
    ("census count 1e300", census("0,a,1,1e300,0,0"), ("w.csv", "row 2, column severe", "(value: 1e+300)")),
    ("census negative swabs", census("0,a,1,0,0,-4"), ("w.csv", "row 2, column swabs", "-4")),
    (
        "census above the population",
        census("0,a,1,0,0,0\n1,a,5000,0,0,0"),
        ("w.csv", "row 3, column mild", "population of a (1,000)", "5000"),
    ),  # fmt: skip
    ("census of an unknown city", census("0,a,1,0,0,0\n0,zz,1,0,0,0"), ("w.csv", "row 3, column city", "'zz'")),
    ("census day and city twice", census("0,a,1,0,0,0\n0,a,2,0,0,0"), ("w.csv", "row 3", "given twice", "0, a")),
    (
        "census without swabs",
        small({"epidemic": {"model": "census", "file": "w.csv"}}, w_csv="day,city,mild,severe,icu\n0,a,1,0,0\n"),
        ("w.csv", "header", "swabs"),
    ),  # fmt: skip
    (
        "census file missing",
        small({"epidemic": {"model": "census", "file": "gone.csv"}}),
        ("s.yaml", "epidemic.file", "gone.csv"),
    ),  # fmt: skip
    ("shipped census with an inf count", shipped("jinan-census", lambda d: None, "run"), ()),  # replaced below
    # distances
    (
        "distances: a row twice",
        distances("city,a,b\na,0,10\nb,10,0\na,0,11\n"),
        ("km.csv", "row 4", "city given twice", "'a'"),
    ),  # fmt: skip
    (
        "distances: a column twice",
        distances("city,a,b,b\na,0,10,12\nb,10,0,0\n"),
        ("km.csv", "header, column 4", "city given twice", "'b'"),
    ),  # fmt: skip
    ("distances: inf", distances("city,a,b\na,0,inf\nb,10,0\n"), ("km.csv", "row a, column b", "'inf'")),
    ("distances: negative", distances("city,a,b\na,0,-10\nb,10,0\n"), ("km.csv", "row a, column b", "'-10'")),
    (
        "distances: 1e9 km",
        distances("city,a,b\na,0,1e9\nb,10,0\n"),
        ("km.csv", "row a, column b", "20,000 km", "'1e9'"),
    ),
    ("distances: a city missing", distances("city,a\na,0\n"), ("km.csv", "no entry for scenario city", "'b'")),
    ("distances: an empty cell", distances("city,a,b\na,0,\nb,10,0\n"), ("km.csv", "row a, column b", "''")),
    ("shipped distances with a row twice", shipped("jinan-circle", lambda d: None), ()),  # replaced below
    # a matrix of travellers
    (
        "travellers 1e12 a day",
        small(deep_update(seir(), {"epidemic": {"mobility": {"matrix": "trips.csv"}}}), trips_csv="city,a\na,1e12\n"),
        ("trips.csv", "row a, column a", "people a day", "'1e12'"),
    ),  # fmt: skip
    (
        "travellers: a row twice",
        small(deep_update(seir(), {"epidemic": {"mobility": {"matrix": "trips.csv"}}}), trips_csv="city,a\na,1\na,2\n"),
        ("trips.csv", "row 3", "city given twice", "'a'"),
    ),  # fmt: skip
    # inventory sheets
    (
        "inventory quantity 1e300",
        inventory("city,item,quantity\na,x,1e300\n"),
        ("stock.csv", "row 2, column quantity", "above the limit", "'1e300'"),
    ),  # fmt: skip
    (
        "inventory quantity inf",
        inventory("city,item,quantity\na,x,inf\n"),
        ("stock.csv", "row 2, column quantity", "'inf'"),
    ),
    (
        "inventory of an unknown city",
        inventory("city,item,quantity\nzz,x,5\n"),
        ("stock.csv", "row 2, column city", "'zz'"),
    ),  # fmt: skip
    (
        "inventory expiry on day 1e30",
        inventory("city,item,quantity,expiry\na,x,5,1e30\n"),
        ("stock.csv", "row 2, column expiry", "'1e30'"),
    ),  # fmt: skip
    ("inventory file missing", small({"inventory": {"file": "gone.csv"}}), ("s.yaml", "inventory.file", "gone.csv")),
    (
        "inventory workbook that unpacks to 100 MB",
        xlsx_bomb,
        ("stock.xlsx", "unpacks to 100,0", "more than the limit of 64,000,000 bytes"),
    ),
    # recorded use
    (
        "recorded use a trillion days apart",
        observed("day,city,item,quantity\n0,a,x,1\n1e12,a,x,1\n"),
        ("use.csv", "row 3, column day", "span more than", "1000000000000"),
    ),  # fmt: skip
    (
        "recorded use inf",
        observed("day,city,item,quantity\n0,a,x,inf\n"),
        ("use.csv", "row 2, column quantity", "'inf'"),
    ),
    (
        "recorded use 1e300",
        observed("day,city,item,quantity\n0,a,x,1e300\n"),
        ("use.csv", "row 2, column quantity", "above the limit", "1e+300"),
    ),  # fmt: skip
    # command-line flags
    (
        "--replications 1000000000",
        small({}, "run", "--replications", "1000000000"),
        ("--replications", "1,000,000", "1,000,000,000"),
    ),  # fmt: skip
    ("--replications 0", small({}, "run", "--replications", "0"), ("--replications", "got 0")),
    ("--replications abc", small({}, "run", "--replications", "abc"), ("--replications", "'abc'")),
    ("--seed -1", small({}, "run", "--seed", "-1"), ("--seed", "got -1")),
    ("--seed 2**64", small({}, "run", "--seed", str(2**64)), ("--seed", str(2**64))),
    ("--max-work 0", small({}, "run", "--max-work", "0"), ("--max-work", "'0'")),
    ("--max-work inf", small({}, "run", "--max-work", "inf"), ("--max-work", "'inf'")),
    ("--workers 0", small({}, "run", "--workers", "0"), ("--workers", "got 0")),
    ("--format xlsx", small({}, "run", "--format", "xlsx"), ("--format", "'xlsx'")),
    (
        "run above --max-work",
        small({}, "run", "--max-work", "10", "--replications", "5"),
        ("s.yaml", "--replications", "5 replications x 30 days x 1 locations x 1 items = 150", "--max-work"),
    ),  # fmt: skip
    (
        "run above the default limit",
        shipped("jinan-circle", lambda d: None, "run", "--replications", "900000"),
        ("jinan-circle.yaml", "--replications", "900,000 replications x 180 days", "above the limit of 2e+09"),
    ),  # fmt: skip
    (
        "scenario replications above --max-work",
        small({"replications": 50}, "run", "--max-work", "10"),
        ("s.yaml", "replications", "50 replications", "--max-work"),
    ),  # fmt: skip
    (
        "compare above --max-work",
        small({}, "compare", "--max-work", "100", "--replications", "2"),
        ("s.yaml", "--replications", "x 3 runs", "--max-work"),
    ),  # fmt: skip
    (
        "epidemic above --max-work",
        small(seir(), "epidemic", "--max-work", "10", "--replications", "2"),
        ("s.yaml", "--replications", "2 replications", "--max-work"),
    ),  # fmt: skip
    (
        "size above --max-work",
        small({}, "size", "--target", "p_stockout<=0.05", "--max-work", "10"),
        ("s.yaml", "replications", "--max-work"),
    ),  # fmt: skip
    (
        "sobol with a huge N",
        shipped("jinan-circle", lambda d: None, "sensitivity", "--method", "sobol", "--n", "1048576"),
        ("jinan-circle.yaml", "20 replications", "runs", "above the limit"),
    ),  # fmt: skip
    (
        "campaign with one config above --max-work",
        small({"replications": 50}, "campaign", "--max-work", "100"),
        ("s.yaml", "50 replications", "--max-work"),
    ),  # fmt: skip
    (
        "sweep of 40,000 points",
        small(
            {},
            "sweep",
            "--set",
            "seed=" + ",".join(map(str, range(200))),
            "--set",
            "horizon_days=" + ",".join(map(str, range(1, 201))),
        ),
        ("--set/--lhs", "40,000 scenarios", "10,000"),
    ),  # fmt: skip
    (
        "sweep of a million Latin hypercube points",
        small({}, "sweep", "--range", "seed=0:9", "--lhs", "1000000"),
        ("--set/--lhs", "1,000,000 scenarios"),
    ),  # fmt: skip
    (
        "sweep above --max-work",
        small({}, "sweep", "--set", "seed=1,2", "--max-work", "10"),
        ("s.yaml", "replications", "--max-work"),
    ),  # fmt: skip
]


def _shipped_census_inf(tmp: Path) -> list[str]:
    csv = (SHIPPED["jinan-census"].parent / "census" / "jinan-wave.csv").read_text().splitlines()
    cells = csv[40].split(",")
    cells[2] = "inf"
    csv[40] = ",".join(cells)
    _write(tmp, "wave.csv", "\n".join(csv) + "\n")
    return shipped("jinan-census", at("epidemic.file", str(tmp / "wave.csv")))(tmp)


def _shipped_distances_twice(tmp: Path) -> list[str]:
    lines = REFERENCE_KM.read_text().splitlines()
    _write(tmp, "distances.csv", "\n".join([*lines, lines[3]]) + "\n")
    return shipped("jinan-circle", at("distances.file", str(tmp / "distances.csv")))(tmp)


_REPLACED = {
    "shipped census with an inf count": (_shipped_census_inf, ("wave.csv", "row 41, column mild", "(value: inf)")),
    "shipped distances with a row twice": (
        _shipped_distances_twice,
        ("distances.csv", f"row {len(REFERENCE_KM.read_text().splitlines()) + 1}", "city given twice", "'taian'"),
    ),
}
CASES = [(name, *_REPLACED[name]) if name in _REPLACED else (name, b, n) for name, b, n in CASES]
OUT_FLAG = {"run", "campaign", "sweep", "epidemic", "compare", "size", "sensitivity"}


def test_the_corpus_has_at_least_80_cases():
    assert len(CASES) >= 80 and len({name for name, _, _ in CASES}) == len(CASES)


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def _refused(tmp_path: Path, argv: list[str], capsys) -> tuple[int, str, float]:
    """Run the command line in this process: (exit code, stderr, seconds)."""
    start = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses a flag by exiting
        code = int(exc.code or 0)
    seconds = time.perf_counter() - start
    return code, capsys.readouterr().err, seconds


@pytest.mark.parametrize(("name", "build", "needles"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(name, build, needles, tmp_path, capsys):
    argv = build(tmp_path)
    out = tmp_path / "out"
    if argv[0] in OUT_FLAG:
        argv += ["--out", str(out)]
    before = _files(tmp_path)
    code, err, _ = _refused(tmp_path, argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err and "rep/s" not in err, err  # refused before the model ran
    assert err.startswith(("stocksim: error: ", "usage: stocksim")), err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    assert not out.exists()
    assert _files(tmp_path) == before  # nothing written, no hidden staging folder


def test_the_limits_are_those_documented():
    readme = (ROOT / "configs" / "README.md").read_text(encoding="utf-8")
    for figure in (
        f"{limits.MAX_YAML_BYTES:,}",
        f"{limits.MAX_YAML_DEPTH}",
        f"{limits.MAX_YAML_VALUES:,}",
        f"{limits.MAX_HORIZON_DAYS:,}",
        f"{limits.MAX_DAY:,}",
        f"{limits.MAX_POPULATION:,}",
        f"{limits.MAX_REPLICATIONS:,}",
        f"{limits.MAX_SWEEP_POINTS:,}",
        f"{limits.MAX_KM:,}",
    ):
        assert figure in readme, figure


def test_a_data_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DATA_BYTES", 100)
    argv = census("0,a,1,0,0,0\n" * 20)(tmp_path)
    code, err, _ = _refused(tmp_path, [*argv, "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "w.csv" in err and "larger than the limit of 100 bytes" in err


SUBPROCESS = ["alias bomb, 8 levels", "3,000 nested brackets", "health workers 1e300", "--replications 1000000000"]


@pytest.mark.parametrize("name", SUBPROCESS)
def test_bad_input_as_a_user_sees_it(name, tmp_path):
    build, needles = {n: (b, ns) for n, b, ns in CASES}[name]
    argv = [*build(tmp_path), "--out", str(tmp_path / "out")]
    done = subprocess.run([sys.executable, "-m", "stocksim.cli", *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert all(n in done.stderr for n in needles), done.stderr
    assert not (tmp_path / "out").exists()


def test_max_work_allows_exactly_its_figure(tmp_path, capsys):
    argv = small({}, "run", "--replications", "5", "--workers", "1", "--quiet")(tmp_path)  # 5 x 30 x 1 x 1 = 150
    assert main([*argv, "--max-work", "149", "--out", str(tmp_path / "refused")]) == 2
    assert "= 150, above the limit of 149" in capsys.readouterr().err
    assert main([*argv, "--max-work", "150", "--out", str(tmp_path / "ran")]) == 0
    assert (tmp_path / "ran" / "manifest.json").is_file() and not (tmp_path / "refused").exists()


def test_workers_above_the_cores_are_capped_with_a_warning(caplog):
    from stocksim.cli import _workers
    from stocksim.experiment.backends import default_workers

    cores = default_workers()
    assert _workers(None) == cores and _workers(1) == 1 and not caplog.records
    assert _workers(cores + 30) == cores
    assert f"--workers {cores + 30} is more than the {cores} cores available; using {cores}" in caplog.text
    assert _workers(cores + 1, "--dask local:") == cores and f"--dask local:{cores + 1} is more" in caplog.text


def test_scientific_notation_in_a_scenario_is_a_number(tmp_path, capsys):
    text = BASE_TEXT.replace("x: 100", "x: 1e6").replace("population: 1000", "population: 2.5e6")
    assert main(["validate", _write(tmp_path, "s.yaml", text)]) == 0
    from stocksim.scenario import load_scenario

    city = load_scenario(tmp_path / "s.yaml").scenario.cities[0]
    assert (city.stock["x"], city.population) == (1_000_000.0, 2_500_000)
