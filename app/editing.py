"""Scenario editing for the browser app: presets, uploads, edits from tables, YAML export.

The app keeps the scenario as a plain mapping (what the YAML holds). Everything here is a
function of that mapping, so the app stays a thin layer and the scenario it downloads is exactly
what it ran: ``stocksim run`` on the downloaded file reproduces the app's numbers.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from stocksim.scenario import ConfigError, LoadedScenario, Scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]  # the repository: app/ sits beside configs/ and data/
CONFIGS = Path(os.environ.get("STOCKSIM_CONFIGS", ROOT / "configs"))
MAX_UPLOAD_BYTES = 1_000_000
ONLY_SHIPPED = "an uploaded scenario may only name the shipped data files"
FILE_KEYS = (("epidemic", "file"), ("distances", "file"), ("inventory", "file"))


def max_work() -> float:
    """Cap on replications x days x locations x items for one run on a shared server."""
    return float(os.environ.get("STOCKSIM_APP_MAX_WORK", 3e7))


def presets(folder: Path = CONFIGS) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_preset(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _allowed(rel: str) -> bool:
    """Uploaded scenarios may name only the data files shipped with stocksim."""
    target = (CONFIGS / rel).resolve()
    shipped = [(CONFIGS).resolve(), (ROOT / "data").resolve()]
    return target.is_file() and any(target.is_relative_to(base) for base in shipped)


def parse_upload(data: bytes | str, source: str = "upload") -> dict:
    """Check an uploaded or pasted YAML scenario; raise ConfigError naming the field."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ConfigError(source, "", f"larger than {MAX_UPLOAD_BYTES // 1000} kB")
    try:
        d = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "", f"malformed YAML: {exc}") from None
    if not isinstance(d, dict):
        raise ConfigError(source, "", "the file must hold a mapping of keys (name, items, ...)")
    for section, key in FILE_KEYS:
        rel = (d.get(section) or {}).get(key) if isinstance(d.get(section), dict) else None
        if rel and not _allowed(str(rel)):
            raise ConfigError(source, f"{section}.{key}", ONLY_SHIPPED, rel)
    mobility = (d.get("epidemic") or {}).get("mobility") if isinstance(d.get("epidemic"), dict) else None
    if isinstance(mobility, dict) and mobility.get("matrix") and not _allowed(str(mobility["matrix"])):
        raise ConfigError(source, "epidemic.mobility.matrix", ONLY_SHIPPED, mobility["matrix"])
    observed = (d.get("reserve") or {}).get("observed") if isinstance(d.get("reserve"), dict) else None
    if isinstance(observed, dict) and observed.get("file") and not _allowed(str(observed["file"])):
        raise ConfigError(source, "reserve.observed.file", ONLY_SHIPPED, observed["file"])
    loaded(d, source)  # validates, including the data files
    return d


def loaded(d: dict, source: str = "app") -> LoadedScenario:
    """The mapping as a validated scenario; data file paths resolve against configs/."""
    return LoadedScenario.read(parse_scenario(d, source), source, CONFIGS)


def work(s: Scenario, replications: int) -> float:
    """Replications x days x locations x items: what a run costs, to compare with ``max_work``."""
    return float(replications) * s.horizon_days * len(s.location_ids) * len(s.items)


def cities_table(d: dict) -> pd.DataFrame:
    """The editable city table: counts and the day-0 stock of each item."""
    items = [i["id"] for i in d["items"]]
    rows = []
    for c in d["cities"]:
        row = {k: c.get(k) for k in ("id", "name", "name_zh", "population", "designated_beds", "health_workers")}
        row |= {f"stock:{i}": float(c.get("stock", {}).get(i, 0.0)) for i in items}
        rows.append(row)
    return pd.DataFrame(rows)


def apply_edits(d: dict, cities: pd.DataFrame | None = None, **settings) -> dict:
    """A new mapping with the city table and settings applied. Settings: coverage_days,
    daily_max, procurement_mode, transfers, r0, horizon_days, replications, seed."""
    out = copy.deepcopy(d)
    if cities is not None:
        _apply_cities(out, cities)
    for name, (section, key) in SETTING_KEYS.items():
        if settings.get(name) is not None:
            out.setdefault(section, {})[key] = settings[name]
    for key in ("horizon_days", "replications", "seed"):
        if settings.get(key) is not None:
            out[key] = int(settings[key])
    if settings.get("r0") is not None and out.get("epidemic", {}).get("model") == "seir":
        out["epidemic"]["r0"] = _with_mode(out["epidemic"].get("r0"), float(settings["r0"]))
    return out


SETTING_KEYS = {
    "coverage_days": ("reserve", "coverage_days"),
    "daily_max": ("reserve", "daily_max"),
    "procurement_mode": ("procurement", "mode"),
    "transfers": ("transfers", "enabled"),
}


def _apply_cities(out: dict, cities: pd.DataFrame) -> None:
    """The edited city table into the mapping; a count given as a distribution is left as it is."""
    by_id = {c["id"]: c for c in out["cities"]}
    for row in cities.to_dict("records"):
        c = by_id.get(row["id"])
        if c is None:
            continue
        for k in ("name", "name_zh"):
            c[k] = row[k]
        for k in ("population", "designated_beds", "health_workers"):
            if not _is_dist(c.get(k)):
                c[k] = _plain(row[k])
        c["stock"] = {key.split(":", 1)[1]: _plain(v) for key, v in row.items() if key.startswith("stock:")}


def _with_mode(current, r0: float):
    """R0 set to ``r0``: a triangular distribution keeps its spread around the new mode."""
    if isinstance(current, dict) and current.get("dist") == "triangular":
        below, above = current["mode"] - current["low"], current["high"] - current["mode"]
        return {"dist": "triangular", "low": max(0.0, r0 - below), "mode": r0, "high": r0 + above}
    return r0


def r0_mode(d: dict) -> float | None:
    e = d.get("epidemic", {})
    if e.get("model") != "seir":
        return None
    r0 = e.get("r0")
    return float(r0.get("mode", r0.get("mean", 0.0))) if isinstance(r0, dict) else float(r0)


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
    return header + yaml.safe_dump(json.loads(json.dumps(out)), sort_keys=False, allow_unicode=True)


def _is_dist(v) -> bool:
    return isinstance(v, dict)


def _plain(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return int(v) if float(v).is_integer() else float(v)
    return v
