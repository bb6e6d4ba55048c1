"""Loading a scenario: strict YAML, the schema, the checks across fields, and every data file
the scenario names read once. What comes out, a ``LoadedScenario``, holds the parsed arrays, so
nothing downstream reads a file again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from stocksim.scenario.checks import check_references
from stocksim.scenario.dates import resolve_dates
from stocksim.scenario.errors import ConfigError
from stocksim.scenario.files import load_census, read_city_matrix, road_km
from stocksim.scenario.observed import observed_given, with_observed
from stocksim.scenario.schema import Scenario
from stocksim.scenario.stocksheet import read_inventory, with_inventory


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
        note = f"{exc.message} [the census named by epidemic.file in {source}]"
        raise ConfigError(exc.file, exc.path, note, exc.value) from None


def _reads_trips(s: Scenario) -> bool:
    """Whether the epidemic moves people by a matrix of daily travellers read from a file."""
    return s.epidemic.model == "seir" and s.epidemic.mobility.kind == "matrix"


def _trips(s: Scenario, base_dir: Path, source: str) -> np.ndarray:
    # check_references refuses a matrix mobility without a file; unchecked, "" reads as file not found
    matrix = s.epidemic.mobility.matrix or ""
    return read_city_matrix(s, base_dir, source, matrix, "epidemic.mobility.matrix")


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


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice (the second would silently win otherwise)."""


def _mapping_no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice (line {mark.line + 1})", mark
            )
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_no_duplicates)


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
    """Validate a mapping into a Scenario, raising ConfigError naming the first problem."""
    if not isinstance(data, dict):
        raise ConfigError(source, "", "the file must hold a mapping of keys (name, items, ...)")
    data = resolve_dates(data, source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (misspelt?)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        value = None if err["type"] == "missing" else err.get("input")
        if isinstance(value, dict | list):
            value = None if len(repr(value)) > 80 else value
        more = len(exc.errors()) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(source, format_loc(err["loc"]), msg, value) from None
    check_references(scenario, source)
    return scenario


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, parse and validate a YAML scenario, including the data files it refers to."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, "", "no such file")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(path, where, f"malformed YAML: {problem}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "", "the file is not UTF-8 text") from None
    return LoadedScenario.read(parse_scenario(data, path), path, path.parent)
