"""Writing a run to disk: complete or not at all, and never over a user's results.

Files are written into a hidden staging directory beside the target and moved into place with
one rename; a run that fails or is interrupted leaves no directory that looks complete. One
writer at a time per place (``store/lock.py``): a second is refused, and what a dead writer left
behind is removed by the next one.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stocksim import __version__
from stocksim.results.stats import BAND_COLUMNS, BAND_QUANTILES
from stocksim.scenario.loader import LoadedScenario
from stocksim.store.lock import (
    MANIFEST,
    OutputProblem,
    WriteFailed,
    output_lock,
    set_aside_path,
    staging_path,
    unusable,
)

FORMATS = ("parquet", "csv")


class OutputExists(OutputProblem):
    pass


def default_out_dir(name: str, root: str | Path = "runs") -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(root) / f"{name}-{stamp}"
    k = 2
    while out.exists():
        out = Path(root) / f"{name}-{stamp}-{k}"
        k += 1
    return out


def check_target(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise OutputExists(f"{out}: already exists; choose another --out or pass --overwrite to replace it")
    if out.exists() and not (out / MANIFEST).is_file():
        raise OutputExists(f"{out}: exists and is not a stocksim run directory; refusing to replace it")


def new_staging(out: Path) -> Path:
    """An empty hidden directory beside ``out`` in which a run is written before it is moved in
    (with ``out``'s lock held: any older staging folder for ``out`` is gone)."""
    staging = staging_path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as exc:
        raise unusable(out, exc) from None
    return staging


@contextmanager
def write_failures(out: Path) -> Iterator[None]:
    """An OSError while a run is written (a full disk) as one message naming the place."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        reason = exc.strerror or str(exc)
        raise WriteFailed(f"{out}: writing the results failed: {reason}{where}; nothing was written") from exc


def swap_into_place(staging: Path, out: Path) -> None:
    """Move a complete ``staging`` directory to ``out`` with one rename; an existing ``out``
    (``--overwrite``) is renamed aside first and removed only once the new one is in place."""
    if out.exists():
        old = set_aside_path(out)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)


def _table(df: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        df.to_parquet(path.with_suffix(".parquet"), index=False)
    else:
        df.to_csv(path.with_suffix(".csv"), index=False)


def _complete(
    staging: Path,
    out: Path,
    fmt: str,
    tables: Mapping[str, pd.DataFrame | None],
    csv_tables: Mapping[str, pd.DataFrame],
    info: dict[str, Any],
    texts: Mapping[str, str] | None = None,
    files: Mapping[str, bytes] | None = None,
) -> None:
    """Add the whole tables (``tables`` in ``fmt``, ``csv_tables`` as CSV), the text files
    (``texts``: file name -> UTF-8 text), other files (``files``: file name -> bytes, e.g. a
    workbook) and the manifest to ``staging``, then move it into place as ``out``."""
    for name, df in tables.items():
        if df is not None:
            _table(df, staging / name, fmt)
    for name, df in csv_tables.items():
        df.to_csv(staging / f"{name}.csv", index=False)
    for file_name, text in (texts or {}).items():
        (staging / file_name).write_text(text, encoding="utf-8")
    for file_name, data in (files or {}).items():
        (staging / file_name).write_bytes(data)
    (staging / MANIFEST).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    swap_into_place(staging, out)


def manifest(loaded: LoadedScenario, seed: int, replications: int, wall_seconds: float, fmt: str) -> dict[str, Any]:
    return {
        "stocksim_version": __version__,
        "scenario": loaded.scenario.name,
        "config_file": loaded.source,
        "config_hash": loaded.config_hash(),
        "seed": seed,
        "replications": replications,
        "format": fmt,
        "wall_seconds": round(wall_seconds, 3),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "resolved_config": loaded.scenario.model_dump(mode="json"),
    }


def write_outputs(
    out: Path,
    tables: dict[str, pd.DataFrame | None],
    csv_tables: dict[str, pd.DataFrame],
    info: dict[str, Any],
    fmt: str = "parquet",
    overwrite: bool = False,
    texts: Mapping[str, str] | None = None,
    files: Mapping[str, bytes] | None = None,
) -> Path:
    """Write ``tables`` in ``fmt``, ``csv_tables`` as CSV, ``texts`` (file name -> text, UTF-8),
    ``files`` (file name -> bytes) and ``manifest.json``, all or nothing."""
    with output_lock(out):
        check_target(out, overwrite)
        staging = new_staging(out)
        try:
            with write_failures(out):
                _complete(staging, out, fmt, tables, csv_tables, info, texts, files)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return out


def write_part(staging: Path, fmt: str, name: str, k: int, df: pd.DataFrame) -> None:
    """Part k of a table in a run's staging directory (a worker process may call this too)."""
    if fmt == "parquet":
        folder = staging / f"{name}.parquet"
        folder.mkdir(exist_ok=True)
        # Dictionary-encode the categorical columns only, no column statistics: a part is read whole.
        categorical = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]
        df.to_parquet(folder / f"part-{k:05d}.parquet", index=False, use_dictionary=categorical, write_statistics=False)
    else:
        folder = staging / ".parts" / name
        folder.mkdir(exist_ok=True)  # not parents: a batch finishing after an abort must not recreate staging
        df.to_csv(folder / f"part-{k:05d}.csv", index=False)


def write_values(staging: Path, k: int, values: dict[str, np.ndarray]) -> None:
    """Batch k's daily values for the quantiles, one file per metric, cells x replications."""
    folder = staging / ".parts" / "values"
    folder.mkdir(exist_ok=True)
    for metric, v in values.items():
        np.save(folder / f"{metric}-{k:05d}.npy", np.ascontiguousarray(v.T))


class _NpyRows:
    """Rows of a 2-D .npy file read with plain file reads: unlike a memory map, pages read once
    do not stay in this process's resident memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as f:
            major, _ = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
            self.shape, fortran, self.dtype = read_header(f)
            self.offset = f.tell()
        if fortran or len(self.shape) != 2:
            raise ValueError(f"{path}: expected a C-ordered 2-D array")

    def rows(self, a: int, b: int) -> np.ndarray:
        b = min(b, self.shape[0])
        row = self.shape[1] * self.dtype.itemsize
        with open(self.path, "rb") as f:
            f.seek(self.offset + a * row)
            data = f.read((b - a) * row)
        return np.frombuffer(data, dtype=self.dtype).reshape(b - a, self.shape[1])


class RunWriter:
    """Streams a run to disk batch by batch, then moves it into place whole.

    Tables arrive in parts (one per batch, named by batch index so that reading them back gives
    the same order however the batches were scheduled). Parquet tables are Parquet datasets: a
    directory ``NAME.parquet/`` of part files, which ``pandas.read_parquet`` reads as one table.
    CSV tables are joined in batch order into one ``NAME.csv`` at the end. For ``--daily
    quantiles`` each batch's values are kept on disk and the quantiles are computed exactly
    (numpy's linear interpolation) over all replications, a block of cells at a time.
    """

    def __init__(self, out: Path, fmt: str = "parquet", overwrite: bool = False) -> None:
        self.out, self.fmt, self.overwrite = out, fmt, overwrite
        self._lock = ExitStack()  # held from here until finish or abort
        self._lock.enter_context(output_lock(out))
        try:
            check_target(out, overwrite)
            self.staging = new_staging(out)
            self._parts = self.staging / ".parts"
            self._parts.mkdir()
        except BaseException:
            self._lock.close()
            raise

    def quantiles(self, metrics: tuple[str, ...], index: pd.DataFrame, block: int = 512) -> pd.DataFrame:
        """p5, p50, p95 and the mean of each metric per cell (row of ``index``), over all replications."""
        folder = self._parts / "values"
        frames = []
        for metric in metrics:
            files = [_NpyRows(f) for f in sorted(folder.glob(f"{metric}-*.npy"))]
            cells = files[0].shape[0]
            out = np.empty((cells, len(BAND_QUANTILES) + 1))
            for a in range(0, cells, block):
                out[a : a + block] = _bands(np.concatenate([f.rows(a, a + block) for f in files], axis=1))
            bands = dict(zip(BAND_COLUMNS, out[:, :-1].T, strict=True))
            frames.append(index.assign(metric=metric, **bands, mean=out[:, -1]))
        return pd.concat(frames, ignore_index=True)

    def finish(
        self, csv_tables: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame], info: dict[str, Any]
    ) -> Path:
        try:
            with write_failures(self.out):
                if self.fmt == "csv":
                    for folder in sorted(p for p in self._parts.iterdir() if p.is_dir() and p.name != "values"):
                        _join_csv_parts(folder, self.staging / f"{folder.name}.csv")
                shutil.rmtree(self._parts)
                _complete(self.staging, self.out, self.fmt, tables, csv_tables, info)
        except BaseException:
            self.abort()
            raise
        self._lock.close()
        return self.out

    def abort(self) -> None:
        """Remove the staging folder and let go of the place (the workers writing into it must
        have stopped: ``Backend.run`` kills them when it is interrupted)."""
        try:
            shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._lock.close()


def _bands(chunk: np.ndarray) -> np.ndarray:
    """Per row of ``chunk`` (cells x replications): the band quantiles, then the mean."""
    out = np.empty((chunk.shape[0], len(BAND_QUANTILES) + 1))
    if np.isnan(chunk).any():  # days of cover are undefined where nothing is needed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells stay NaN
            out[:, :-1] = np.nanquantile(chunk, BAND_QUANTILES, axis=1).T
            out[:, -1] = np.nanmean(chunk, axis=1)
    else:
        out[:, :-1] = np.quantile(chunk, BAND_QUANTILES, axis=1).T
        out[:, -1] = chunk.mean(axis=1)
    return out


def _join_csv_parts(folder: Path, target: Path) -> None:
    """The part files of one table, in name (batch) order, as one CSV with one header."""
    with open(target, "w", encoding="utf-8") as dst:
        for j, part in enumerate(sorted(folder.glob("part-*.csv"))):
            with open(part, encoding="utf-8") as src:
                if j:
                    src.readline()  # the header, already written from the first part
                shutil.copyfileobj(src, dst)
