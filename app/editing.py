"""Scenario editing for the browser app: presets, uploads, the editable city tables, the settings
a commission changes, their bounds (the schema's), and YAML export.

The app keeps the scenario as a plain mapping (what the YAML holds) and reads it with the
command line's loader (``stocksim.scenario``: the same YAML reader, duplicate keys refused, the
same validation). Everything here is a function of that mapping, so the app stays a thin layer and
the scenario it downloads is exactly what it ran: ``stocksim run`` on the downloaded file
reproduces the app's numbers.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types
import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel

from stocksim.scenario import ConfigError, LoadedScenario, Scenario
from stocksim.scenario.loader import load_mapping
from stocksim.scenario.schema import Procurement, Release, Reserve, Transfers
from stocksim.scenario.yamltext import read_yaml

ROOT = Path(__file__).resolve().parents[1]  # the repository: app/ sits beside configs/ and data/
CONFIGS = Path(os.environ.get("STOCKSIM_CONFIGS", ROOT / "configs"))
MAX_UPLOAD_BYTES = 1_000_000
ONLY_SHIPPED = "an uploaded scenario may only name the shipped data files"
FILE_KEYS = (("epidemic", "file"), ("distances", "file"), ("inventory", "file"))
COUNTS = ("population", "designated_beds", "health_workers")  # the city table's counts
POOLS = ("reserve", "stock")  # cities[].reserve (held apart) and cities[].stock (working stock, or all)


def max_work() -> float:
    """Cap on replications x days x locations x items for one run on a shared server."""
    return float(os.environ.get("STOCKSIM_APP_MAX_WORK", 3e7))


def presets(folder: Path = CONFIGS) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def read_text(text: str | bytes, source: str) -> dict:
    """YAML text as the scenario mapping, read by the command line's loader (duplicate keys refused)."""
    d = read_yaml(text, source)
    if not isinstance(d, dict):
        raise ConfigError(source, "", "the file must hold a mapping of keys (name, items, ...)")
    return d


def load_preset(path: Path) -> tuple[dict, str]:
    """A shipped scenario: its mapping and its text (the text keeps the [S]/[D]/[E] comments)."""
    text = path.read_text(encoding="utf-8")
    return read_text(text, str(path.name)), text


def _allowed(rel: str) -> bool:
    """Uploaded scenarios may name only the data files shipped with stocksim."""
    target = (CONFIGS / rel).resolve()
    shipped = [CONFIGS.resolve(), (ROOT / "data").resolve()]
    return target.is_file() and any(target.is_relative_to(base) for base in shipped)


def _named_files(d: dict) -> list[tuple[str, Any]]:
    """The data files a scenario mapping names, with their paths in the file."""
    out = []
    for section, key in FILE_KEYS:
        sub = d.get(section)
        if isinstance(sub, dict) and sub.get(key):
            out.append((f"{section}.{key}", sub[key]))
    mobility = d.get("epidemic", {}).get("mobility") if isinstance(d.get("epidemic"), dict) else None
    if isinstance(mobility, dict) and mobility.get("matrix"):
        out.append(("epidemic.mobility.matrix", mobility["matrix"]))
    observed = d.get("reserve", {}).get("observed") if isinstance(d.get("reserve"), dict) else None
    if isinstance(observed, dict) and observed.get("file"):
        out.append(("reserve.observed.file", observed["file"]))
    return out


def parse_upload(data: bytes | str, source: str = "upload") -> dict:
    """Check an uploaded or pasted YAML scenario; raise ConfigError naming the field."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ConfigError(source, "", f"larger than {MAX_UPLOAD_BYTES // 1000} kB")
    d = read_text(raw, source)
    for path, rel in _named_files(d):
        if not _allowed(str(rel)):
            raise ConfigError(source, path, ONLY_SHIPPED, rel)
    loaded(d, source)  # validates, including the data files
    return d


def loaded(d: dict, source: str = "app") -> LoadedScenario:
    """The mapping as a validated scenario; data file paths resolve against configs/."""
    return load_mapping(d, source, CONFIGS)


def work(s: Scenario, replications: int) -> float:
    """Replications x days x locations x items: what a run costs, to compare with ``max_work``."""
    return float(replications) * s.horizon_days * len(s.location_ids) * len(s.items)


# ---- the city tables -------------------------------------------------------------------------


def pools_of(d: dict) -> tuple[str, ...]:
    """The stock tables a scenario edits: reserve and working stock when they are apart."""
    separate = (d.get("reserve") or {}).get("pools", "separate") == "separate"
    has_reserve = any(c.get("reserve") for c in d["cities"])
    return POOLS if separate or has_reserve else ("stock",)


def stock_table(d: dict, pool: str) -> pd.DataFrame:
    """City x item: the day-0 units of one pool (``reserve`` or ``stock``); rows by city id."""
    items = [i["id"] for i in d["items"]]
    rows = {c["id"]: [_number(c.get(pool, {}).get(i, 0.0)) for i in items] for c in d["cities"]}
    return pd.DataFrame.from_dict(rows, orient="index", columns=items, dtype=float)


def counts_table(d: dict) -> pd.DataFrame:
    """City x count (population, designated beds, health workers); a distribution shows its mean
    and cannot be edited here (``fixed_counts``)."""
    rows = {c["id"]: [_number(c.get(k)) for k in COUNTS] for c in d["cities"]}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(COUNTS), dtype=float)


def fixed_counts(d: dict) -> list[str]:
    """Counts given as a distribution in some city: the table shows them but they stay as given."""
    return [k for k in COUNTS if any(isinstance(c.get(k), dict) for c in d["cities"])]


def _number(v: Any) -> float:
    if isinstance(v, dict):  # an uncertain count: its mean (or mode) for display
        return float(v.get("mean", v.get("mode", math.nan)))
    return math.nan if v is None else float(v)


def edited_frame(base: pd.DataFrame, state: dict | None) -> pd.DataFrame:
    """``base`` with a data editor's edits (``st.session_state[key]``: edited_rows by position)."""
    out = base.copy()
    for row, cols in ((state or {}).get("edited_rows") or {}).items():
        for col, value in cols.items():
            out.iloc[int(row), out.columns.get_loc(col)] = math.nan if value is None else value
    return out


@dataclass(frozen=True)
class Edits:
    """What the page changes in the scenario: the city tables and the settings (None: as given)."""

    tables: dict[str, pd.DataFrame]  # "counts", "reserve", "stock": as shown, edits applied
    settings: dict[str, Any]


def apply_edits(d: dict, edits: Edits) -> dict:
    """A new mapping with the tables and settings applied."""
    out = copy.deepcopy(d)
    by_id = {c["id"]: c for c in out["cities"]}
    fixed = fixed_counts(d)
    for name, table in edits.tables.items():
        for city, row in table.iterrows():
            c = by_id[str(city)]
            if name == "counts":
                for k in COUNTS:
                    if k not in fixed and not (c.get(k) is None and math.isnan(row[k])):
                        c[k] = _plain(row[k])
            else:
                c[name] = {item: _plain(v) for item, v in row.items() if not (v == 0 and item not in c.get(name, {}))}
    for key, value in edits.settings.items():
        if value is not None:
            SETTINGS[key].apply(out, value)
    return out


def _plain(v: Any) -> Any:
    """A table cell as YAML writes it: whole numbers as int, NaN as nothing (a required key missing)."""
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        if math.isnan(v):
            return None
        return int(v) if float(v).is_integer() else float(v)
    return v


# ---- the settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One key a commission changes on the page: where it sits in the scenario, its schema field
    (for the widget's bounds) and its kind of widget."""

    path: tuple[str, ...]
    model: type[BaseModel] | None
    field: str
    kind: str  # "int", "float", "choice", "bool", "mode" (a distribution's mode), "optional_int"

    def get(self, d: dict) -> Any:
        node: Any = d
        for part in self.path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None and self.model is not None:
            default = self.model.model_fields[self.field].default
            node = default.model_dump() if isinstance(default, BaseModel) else default
        return node

    def apply(self, d: dict, value: Any) -> None:
        node = d
        for part in self.path[:-1]:
            node = node.setdefault(part, {})
        last = self.path[-1]
        if self.kind == "mode":
            node[last] = _with_mode(node.get(last), float(value))
        elif self.kind in ("int", "optional_int"):
            node[last] = None if value is None or (self.kind == "optional_int" and value < 0) else int(value)
        elif self.kind == "float":
            node[last] = _plain(float(value))
        else:
            node[last] = value


SETTINGS: dict[str, Setting] = {
    "horizon_days": Setting(("horizon_days",), Scenario, "horizon_days", "int"),
    "replications": Setting(("replications",), Scenario, "replications", "int"),
    "seed": Setting(("seed",), Scenario, "seed", "int"),
    "r0": Setting(("epidemic", "r0"), None, "r0", "mode"),
    "coverage_days": Setting(("reserve", "coverage_days"), Reserve, "coverage_days", "float"),
    "daily_max": Setting(("reserve", "daily_max"), Reserve, "daily_max", "choice"),
    "target_days": Setting(("reserve", "target_days"), Reserve, "target_days", "float"),
    "release_level": Setting(("reserve", "release", "at_level"), Release, "at_level", "choice"),
    "rotate_days": Setting(
        ("reserve", "rotate_before_expiry_days"), Reserve, "rotate_before_expiry_days", "optional_int"
    ),
    "procurement_mode": Setting(("procurement", "mode"), Procurement, "mode", "choice"),
    "reorder_point_days": Setting(("procurement", "reorder_point_days"), Procurement, "reorder_point_days", "float"),
    "order_up_to_days": Setting(("procurement", "order_up_to_days"), Procurement, "order_up_to_days", "float"),
    "review_every_days": Setting(("procurement", "review_every_days"), Procurement, "review_every_days", "int"),
    "transfers": Setting(("transfers", "enabled"), Transfers, "enabled", "bool"),
    "request_below_days": Setting(("transfers", "request_below_days"), Transfers, "request_below_days", "float"),
    "request_up_to_days": Setting(("transfers", "request_up_to_days"), Transfers, "request_up_to_days", "float"),
    "donor_keeps_days": Setting(("transfers", "donor_keeps_days"), Transfers, "donor_keeps_days", "float"),
}
DISRUPTION = "disruption_capacity"  # every disruption's capacity factor (its mode), set together


def choices(key: str) -> list[str]:
    """The values the schema allows for a choice setting."""
    s = SETTINGS[key]
    assert s.model is not None
    return list(s.model.model_fields[s.field].annotation.__args__)  # type: ignore[union-attr]


def bounds(key: str) -> tuple[float | None, float | None]:
    """The smallest and largest value the schema accepts for a number setting (None: no bound;
    a strict bound ``gt`` is given as is, the widget's step keeps the value above it)."""
    s = SETTINGS[key]
    if s.model is None:
        return 0.0, None
    low: float | None = None
    high: float | None = None
    for m in s.model.model_fields[s.field].metadata:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            low = float(m.ge if isinstance(m, annotated_types.Ge) else m.gt)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le | annotated_types.Lt):
            high = float(m.le if isinstance(m, annotated_types.Le) else m.lt)  # type: ignore[arg-type]
    return low, high


def mode_of(v: Any) -> float | None:
    """A number, or a distribution's mode (or mean): what a single widget shows of it."""
    if v is None:
        return None
    if isinstance(v, dict):
        for k in ("mode", "mean"):
            if k in v:
                return float(v[k])
        if "low" in v and "high" in v:
            return (float(v["low"]) + float(v["high"])) / 2
        return None
    return float(v)


def _with_mode(current: Any, mode: float) -> Any:
    """A triangular distribution keeps its spread around the new mode; a number becomes ``mode``."""
    if isinstance(current, dict) and current.get("dist") == "triangular":
        below, above = current["mode"] - current["low"], current["high"] - current["mode"]
        return {"dist": "triangular", "low": max(0.0, mode - below), "mode": mode, "high": mode + above}
    if isinstance(current, dict) and "mean" in current:
        return {**current, "mean": mode}
    return mode


def disruption_capacity(d: dict) -> float | None:
    """The first disruption's capacity factor (its mode), or None when the scenario has none."""
    for sup in d.get("suppliers") or []:
        for dis in sup.get("disruptions") or []:
            return mode_of(dis.get("capacity_factor", 1.0))
    return None


def with_disruption_capacity(d: dict, factor: float) -> dict:
    out = copy.deepcopy(d)
    for sup in out.get("suppliers") or []:
        for dis in sup.get("disruptions") or []:
            dis["capacity_factor"] = _with_mode(dis.get("capacity_factor", 1.0), factor)
    return out


# ---- errors by name --------------------------------------------------------------------------

_CELL = re.compile(r"^cities\[(\d+)\]\.(\w+)(?:\.([A-Za-z0-9_\-]+))?")


Problem = tuple[str, str, Any]  # path, message, value: one of ``ConfigError.problems``


def error_place(problem: Problem, d: dict) -> tuple[str, str, str] | None:
    """Where a problem sits in the city tables: (table, city id, column), or None elsewhere."""
    m = _CELL.match(problem[0] or "")
    if not m:
        return None
    k, field, item = int(m.group(1)), m.group(2), m.group(3)
    cities = d.get("cities") or []
    if k >= len(cities):
        return None
    city = cities[k].get("id", str(k))
    if field in POOLS and item:
        return field, city, item
    if field in COUNTS:
        return "counts", city, field
    return None


def setting_of(problem: Problem) -> str | None:
    """The setting a problem is about, when it is one the page edits."""
    path = problem[0] or ""
    for key, s in SETTINGS.items():
        if path == ".".join(s.path) or path.startswith(".".join(s.path) + "."):
            return key
    if path.startswith("suppliers") and "disruptions" in path:
        return DISRUPTION
    return None


# ---- export ----------------------------------------------------------------------------------


def to_yaml(d: dict, ls: LoadedScenario | None = None) -> str:
    """The scenario ``d`` (already loaded as ``ls``, or loaded here) as a self-contained YAML
    file: the distance matrix is written inline, so the file runs anywhere (census files stay
    relative to configs/)."""
    out = copy.deepcopy(d)
    dist = out.get("distances") or {}
    if dist.get("file"):
        ls = ls or loaded(d)
        km = ls.city_km
        ids = ls.scenario.city_ids
        table = {a: {b: float(km[i, j]) for j, b in enumerate(ids) if b != a} for i, a in enumerate(ids)}
        out["distances"] = {"km": table}
    header = "# stocksim scenario exported by the browser app; run it with: stocksim run THIS_FILE\n"
    return header + yaml.safe_dump(json.loads(json.dumps(out, default=str)), sort_keys=False, allow_unicode=True)
