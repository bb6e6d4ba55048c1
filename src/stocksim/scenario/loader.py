"""Loading a scenario: strict YAML, the schema, the checks across fields, and every data file
the scenario names read once. What comes out, a ``LoadedScenario``, holds the parsed arrays, so
nothing downstream reads a file again."""

from __future__ import annotations

import difflib
import hashlib
import json
import types
import typing
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from stocksim.scenario.checks import check_references
from stocksim.scenario.dates import resolve_dates
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.files import load_census, read_city_matrix, road_km
from stocksim.scenario.limits import MAX_POPULATION, data_file_problem, scenario_problems
from stocksim.scenario.observed import observed_given, with_observed
from stocksim.scenario.schema import Scenario
from stocksim.scenario.stocksheet import read_inventory, with_inventory
from stocksim.scenario.yamltext import read_yaml, read_yaml_file


class LoadedScenario(BaseModel):
    """A validated scenario with where it came from (data paths resolve against ``base_dir``) and
    its data files already read: road km between the cities (C, C), the census (H, C, 4) when
    ``epidemic.model`` is ``census``, daily travellers (C, C) when mobility is a matrix."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    scenario: Scenario
    source: str
    base_dir: Path
    city_km: np.ndarray
    census: np.ndarray | None = None
    trips: np.ndarray | None = None
    data_bytes: bytes = b""  # the data files' contents, in ``data_files`` order, for the hash

    @classmethod
    def read(cls, scenario: Scenario, source: str | Path, base_dir: Path) -> LoadedScenario:
        """Read the data files a validated scenario names (errors name the file and the field).
        An inventory sheet and recorded use become the scenario's own fields (opening stock,
        the observed daily max), so the scenario carries them wherever it goes."""
        source = str(source)
        for path in data_files(scenario, base_dir):
            if path.is_file() and (problem := data_file_problem(path)):
                raise ConfigError(path, "", problem)
        s = _with_sheets(scenario, base_dir, source)
        census = _census(s, base_dir, source) if s.epidemic.model == "census" else None
        trips = _trips(s, base_dir, source) if _reads_trips(s) else None
        km = road_km(s, base_dir, source)
        data = b"".join(path.read_bytes() for path in data_files(s, base_dir))
        return cls(
            scenario=s, source=source, base_dir=base_dir, city_km=km, census=census, trips=trips, data_bytes=data
        )

    def config_hash(self) -> str:
        """Hash of the resolved scenario and of the data files it reads."""
        h = hashlib.sha256(canonical_json(self.scenario).encode())
        h.update(self.data_bytes)
        return h.hexdigest()[:16]


def _with_sheets(s: Scenario, base_dir: Path, source: str) -> Scenario:
    """The scenario with its inventory sheet applied and its observed daily max filled in."""
    if s.inventory is not None:
        path = _named_file(base_dir, s.inventory.file, source, "inventory.file")
        s = with_inventory(s, read_inventory(s, path), path)
    observed = s.reserve.observed
    if observed is not None:
        if observed_given(observed):
            raise ConfigError(
                source, "reserve.observed.daily_max", "filled in from reserve.observed.file when loaded: leave it out"
            )
        s = with_observed(s, _named_file(base_dir, observed.file, source, "reserve.observed.file"))
    return s


def _named_file(base_dir: Path, rel: str, source: str, key: str) -> Path:
    path = base_dir / rel
    if not path.is_file():
        raise ConfigError(source, key, "file not found", str(path))
    return path


def _census(s: Scenario, base_dir: Path, source: str) -> np.ndarray:
    try:
        return load_census(s, base_dir, source)
    except ConfigError as exc:
        if exc.file == source:
            raise
        note = f"[the census named by epidemic.file in {source}]"
        raise ConfigError.listing(exc.file, [(p, f"{m} {note}", v) for p, m, v in exc.problems]) from None


def _reads_trips(s: Scenario) -> bool:
    """Whether the epidemic moves people by a matrix of daily travellers read from a file."""
    return s.epidemic.model == "seir" and s.epidemic.mobility.kind == "matrix"


def _trips(s: Scenario, base_dir: Path, source: str) -> np.ndarray:
    # check_references refuses a matrix mobility without a file; unchecked, "" reads as file not found
    matrix = s.epidemic.mobility.matrix or ""
    return read_city_matrix(s, base_dir, source, matrix, "epidemic.mobility.matrix", MAX_POPULATION, "people a day")


def data_files(s: Scenario, base_dir: Path) -> list[Path]:
    """The files a scenario reads besides itself."""
    files = []
    if s.epidemic.model == "census" and s.epidemic.file:
        files.append(base_dir / s.epidemic.file)
    if _reads_trips(s) and s.epidemic.mobility.matrix:
        files.append(base_dir / s.epidemic.mobility.matrix)
    if s.distances.file:
        files.append(base_dir / s.distances.file)
    if s.inventory is not None:
        files.append(base_dir / s.inventory.file)
    if s.reserve.observed is not None:
        files.append(base_dir / s.reserve.observed.file)
    return files


def canonical_json(scenario: Scenario) -> str:
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


# ---- loading -------------------------------------------------------------------------------


def format_loc(loc: tuple[Any, ...]) -> str:
    """('cities', 2, 'stock', 'n95') -> 'cities[2].stock.n95'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_scenario(data: Any, source: str | Path) -> Scenario:
    """Validate a mapping into a Scenario. Every problem the schema finds is listed (unknown keys
    first, each with the closest valid key), then every number outside its bound (``limits``);
    then the checks across fields. Raises ConfigError naming file, path and value."""
    if not isinstance(data, dict):
        raise ConfigError(source, "", "the file must hold a mapping of keys (name, items, ...)")
    data = resolve_dates(data, source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError.listing(source, schema_problems(exc.errors())) from None
    bounds = scenario_problems(scenario)
    if bounds:
        raise ConfigError.listing(source, bounds)
    check_references(scenario, source)
    return scenario


def schema_problems(errors: list[Any]) -> list[tuple[str, str, Any]]:
    """pydantic's errors as (path, message, value): unknown keys first, with a "did you mean";
    a missing key that an unknown key beside it is suggested for is left out (the misspelling
    is the problem)."""
    unknown, other, suggested = [], [], set()
    for err in errors:
        path = format_loc(err["loc"])
        if err["type"] == "extra_forbidden":
            parent, key = err["loc"][:-1], str(err["loc"][-1])
            close = difflib.get_close_matches(key, _keys_at(parent), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else ""
            unknown.append((path, f"unknown key{hint}", _value(err.get("input"))))
            if close:
                suggested.add(format_loc((*parent, close[0])))
        elif err["type"] == "missing":
            other.append((path, "required key is missing", None))
        else:
            other.append((path, err["msg"], _value(err.get("input"))))
    return unknown + [p for p in other if not (p[1] == "required key is missing" and p[0] in suggested)]


def _value(value: Any) -> Any:
    """A value worth showing: a large table is left out (the path says where it is)."""
    return None if isinstance(value, dict | list) and len(value) > 6 else value


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema accepts in the mapping at ``loc`` (empty if it is not a model)."""
    tp: Any = Scenario
    for part in loc:
        tp = _model_in(tp)
        if tp is None:
            return []
        if isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        elif isinstance(part, str) and typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif isinstance(part, int) and typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        else:
            return []
    model = _model_in(tp)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(tp: Any) -> Any:
    """``tp`` without Optional and Annotated: a model class, a list or dict type, or None."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _model_in(args[0]) if len(args) == 1 else None
    return tp


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, parse and validate a YAML scenario, including the data files it refers to."""
    path = Path(path)
    return load_mapping(read_yaml_file(path), path, path.parent)


def load_scenario_text(text: str | bytes, source: str | Path, base_dir: Path) -> LoadedScenario:
    """``load_scenario`` of YAML text that is not a file (an upload, pasted text); data file paths
    resolve against ``base_dir``."""
    return load_mapping(read_yaml(text, source), source, base_dir)


def load_mapping(data: Any, source: str | Path, base_dir: Path) -> LoadedScenario:
    """A scenario mapping (as read from YAML) validated, with its data files read."""
    return LoadedScenario.read(parse_scenario(data, source), source, base_dir)
