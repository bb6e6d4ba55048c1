"""Reading a run directory back: its manifest, scenario and tables, whatever daily mode it was
written with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from stocksim.results.stats import BAND_METRICS, daily_bands
from stocksim.scenario.loader import parse_scenario
from stocksim.store.rundir import MANIFEST


def load_run(run_dir: Path) -> dict[str, Any]:
    """A run directory's tables (whatever daily mode it was written with)."""
    run_dir = Path(run_dir)
    info = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    fmt = info.get("format", "parquet")

    def read(name: str) -> pd.DataFrame | None:
        path = run_dir / f"{name}.{fmt}"
        if not path.exists():
            return None
        return pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)

    daily = read("daily")
    bands = read("daily_quantiles")
    if bands is None and daily is not None:
        bands = pd.concat([daily_bands(daily, m) for m in BAND_METRICS], ignore_index=True)
    return {
        "info": info,
        "scenario": parse_scenario(info["resolved_config"], run_dir / MANIFEST),
        "summary": pd.read_csv(run_dir / "summary.csv"),
        "bands": bands,
        "events": read("events"),
    }
