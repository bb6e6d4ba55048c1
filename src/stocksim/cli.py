"""The command line: ``stocksim run``, ``campaign``, ``sweep``, ``epidemic``, ``compare``, ``report`` and
``validate``. No model logic here."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

import pandas as pd

from stocksim import __version__
from stocksim.experiment.backends import Backend, BatchFailed, default_workers, parse_dask
from stocksim.experiment.campaign import run_campaign
from stocksim.experiment.compare import compare, policy_scenario
from stocksim.experiment.run import run_epidemic, run_to_dir
from stocksim.experiment.sweep import derived_configs, parse_value, sweep_points
from stocksim.experiment.tasks import DAILY_MODES
from stocksim.present.i18n import LANGUAGES
from stocksim.present.terminal import Progress, comparison_table, compliance_table, peaks_table, stockout_lines
from stocksim.present.verdict import VERDICT, verdict_lines
from stocksim.results.stats import epidemic_peaks
from stocksim.scenario import ConfigError, load_scenario
from stocksim.store.rundir import (
    FORMATS,
    MANIFEST,
    OutputExists,
    check_target,
    default_out_dir,
    manifest,
    write_outputs,
)

EXIT_BAD_INPUT = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="stocksim", description="Simulate emergency protective-supply stockpiles.")
    ap.add_argument("--version", action="version", version=f"stocksim {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run a scenario's replications and write the results")
    r.add_argument("config", help="scenario YAML file")
    r.add_argument("--out", type=Path, help="output directory (default: runs/NAME-TIMESTAMP)")
    r.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    _add_run_options(r)

    b = sub.add_parser(
        "campaign",
        aliases=["batch"],
        help="run several scenarios into one folder, resumably, with index.csv (also: batch, the old name)",
    )
    b.add_argument("configs", nargs="+", help="scenario YAML files")
    b.add_argument("--out", type=Path, required=True, help="folder for the run directories and index.csv")
    _add_run_options(b)

    w = sub.add_parser("sweep", help="derive scenarios from a base over a grid of values and run them as a campaign")
    w.add_argument("config", help="base scenario YAML file")
    w.add_argument(
        "--set", action="append", default=[], metavar="PATH=V1,V2,...", help="values of one key (repeatable)"
    )
    w.add_argument("--lhs", type=_positive_int, help="Latin hypercube points over the --range keys")
    w.add_argument("--range", action="append", default=[], metavar="PATH=LOW:HIGH", help="interval of one key")
    w.add_argument("--out", type=Path, required=True, help="folder for the derived configs, runs and index.csv")
    _add_run_options(w)

    e = sub.add_parser("epidemic", help="run only the epidemic driver and write the census per city and day")
    e.add_argument("config", help="scenario YAML file")
    e.add_argument("--replications", type=_positive_int, help="override the scenario's replications")
    e.add_argument("--seed", type=_seed, help="override the scenario's seed")
    e.add_argument("--out", type=Path, help="output directory (default: runs/NAME-epidemic-TIMESTAMP)")
    e.add_argument("--format", choices=FORMATS, default="parquet", help="table format (default parquet)")
    e.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    e.add_argument("--quiet", action="store_true", help="print nothing but errors")

    c = sub.add_parser("compare", help="run several policies on common random numbers and compare them")
    c.add_argument("config", help="scenario YAML file")
    c.add_argument(
        "--policies",
        default="independent,joint,joint+transfers",
        help="comma-separated policies, the first is the baseline (default: independent,joint,joint+transfers); "
        "modes none, independent, joint, joint-pooled, joint-combined; modifiers +transfers, +nodepots",
    )
    c.add_argument("--replications", type=_positive_int, help="override the scenario's replications")
    c.add_argument("--seed", type=_seed, help="override the scenario's seed")
    c.add_argument("--out", type=Path, help="output directory (default: runs/NAME-compare-TIMESTAMP)")
    c.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    c.add_argument("--quiet", action="store_true", help="print nothing but errors")
    c.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the verdict (terminal and verdict.txt)")

    rp = sub.add_parser("report", help="write a self-contained HTML report of a run directory")
    rp.add_argument("run_dir", type=Path, help="a directory written by stocksim run")
    rp.add_argument("--out", type=Path, help="HTML file (default: RUN_DIR/report.html)")
    rp.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the report")
    rp.add_argument("--overwrite", action="store_true", help="replace an existing report")

    v = sub.add_parser("validate", help="check a scenario and its data files without running it")
    v.add_argument("config", help="scenario YAML file")
    return ap


def _add_run_options(p: argparse.ArgumentParser) -> None:
    """What run, campaign and sweep share: overrides, table format, where and how to run."""
    p.add_argument("--replications", type=_positive_int, help="override the scenario's replications")
    p.add_argument("--seed", type=_seed, help="override the scenario's seed (a sweep's Latin hypercube too)")
    p.add_argument("--format", choices=FORMATS, default="parquet", help="table format (default parquet)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--workers", type=_positive_int, help="local worker processes (default: all cores)")
    p.add_argument(
        "--dask", metavar="ADDRESS", help="tcp://HOST:PORT of a dask scheduler, or local:N for a LocalCluster"
    )
    p.add_argument(
        "--daily",
        choices=DAILY_MODES,
        default="full",
        help="daily table: full (every replication), quantiles (p5, p50, p95 and mean per day, city, item), none",
    )
    p.add_argument(
        "--events",
        choices=("full", "none"),
        default="full",
        help="event log: full, or none (only response levels and write-offs; faster for large runs)",
    )


def _backend(args: argparse.Namespace) -> Backend:
    if args.dask:
        parse_dask(args.dask)
        return Backend(dask=args.dask)
    return Backend(workers=args.workers or default_workers())


def cmd_run(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    out = args.out or default_out_dir(s.name)
    check_target(out, args.overwrite)
    backend = _backend(args)
    n = args.replications or s.replications
    progress = Progress(n, s.name, args.quiet)
    try:
        result = run_to_dir(
            loaded, out, replications=args.replications, seed=args.seed, fmt=args.format,
            overwrite=args.overwrite, backend=backend, daily=args.daily, events=args.events == "full",
            on_batch=progress,
        )  # fmt: skip
    finally:
        progress.close()
    if not args.quiet:
        print(
            f"{s.name}: {result.replications} replications x {s.horizon_days} days, seed {result.seed}, "
            f"{backend.describe()}, {result.wall_seconds:.1f} s"
        )
        print(compliance_table(result.summary, loaded))
        print(stockout_lines(result.summary, loaded))
        print(f"results: {out}")
    return 0


def cmd_campaign(args: argparse.Namespace) -> int:
    return _campaign(args, [Path(c) for c in args.configs], args.out, None)


def _campaign(args: argparse.Namespace, configs: list[Path], out: Path, extra: dict | None) -> int:
    backend = _backend(args)

    def on_run(config: str, status: str) -> None:
        if not args.quiet:
            print(f"{config}: {status}", flush=True)

    total = sum(args.replications or load_scenario(c).scenario.replications for c in configs)
    progress = Progress(total, "campaign", args.quiet)
    try:
        index = run_campaign(
        configs, out, replications=args.replications, seed=args.seed, fmt=args.format, backend=backend,
            daily=args.daily, events=args.events == "full", extra_columns=extra, on_run=on_run, on_batch=progress,
        )  # fmt: skip
    finally:
        progress.close()
    failed = index[index["status"].str.startswith("failed")]
    if not args.quiet:
        print(f"{len(index) - len(failed)} of {len(index)} runs complete; index: {out / 'index.csv'}")
    return 1 if len(failed) else 0


def cmd_sweep(args: argparse.Namespace) -> int:
    base = Path(args.config)
    loaded = load_scenario(base)
    sets = []
    for spec in args.set:
        path, sep, values = spec.partition("=")
        if not sep or not values:
            raise ConfigError("--set", spec, "expected PATH=V1,V2,...", spec)
        sets.append((path, [parse_value(v) for v in values.split(",")]))
    ranges = []
    for spec in args.range:
        path, sep, span = spec.partition("=")
        low, colon, high = span.partition(":")
        try:
            ranges.append((path, float(low), float(high)))
        except ValueError:
            raise ConfigError("--range", spec, "expected PATH=LOW:HIGH with numbers", spec) from None
        if not sep or not colon or float(low) >= float(high):
            raise ConfigError("--range", spec, "expected PATH=LOW:HIGH with LOW < HIGH", spec)
    if not sets and not ranges:
        raise ConfigError("sweep", "", "give at least one --set or --range")
    seed = loaded.scenario.seed if args.seed is None else args.seed
    points = sweep_points(sets, ranges, args.lhs, seed)
    derived = derived_configs(base, points, args.out / "configs")
    extra = {str(path): dict(point) for path, point in derived}
    if not args.quiet:
        print(f"{len(derived)} scenarios derived from {base} in {args.out / 'configs'}")
    return _campaign(args, [p for p, _ in derived], args.out, extra)


def cmd_epidemic(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    if s.epidemic.model == "none":
        raise ConfigError(loaded.source, "epidemic.model", "the scenario has no epidemic to run", "none")
    out = args.out or default_out_dir(f"{s.name}-epidemic")
    check_target(out, args.overwrite)
    census, wall = run_epidemic(loaded, replications=args.replications, seed=args.seed)
    seed = s.seed if args.seed is None else args.seed
    n = s.replications if args.replications is None else args.replications
    peaks = epidemic_peaks(s, census)
    info = manifest(loaded, seed, n, wall, args.format)
    write_outputs(out, {"census": census}, {"peaks": peaks}, info, args.format, args.overwrite)
    if not args.quiet:
        size = f"{n} replications x {s.horizon_days} days"
        print(f"{s.name}: epidemic ({s.epidemic.model}), {size}, seed {seed}, {wall:.1f} s")
        print(peaks_table(peaks, loaded))
        print(f"results: {out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    policies = [p.strip() for p in args.policies.split(",") if p.strip()]
    for p in policies:
        policy_scenario(s, p)  # a misspelt policy fails before anything runs
    out = args.out or default_out_dir(f"{s.name}-compare")
    check_target(out, args.overwrite)
    cmp = compare(loaded, policies, replications=args.replications, seed=args.seed)
    first = cmp.results[policies[0]]
    info = manifest(loaded, first.seed, first.replications, cmp.wall_seconds, "csv") | {"policies": policies}
    summaries = pd.concat([r.summary.assign(policy=p) for p, r in cmp.results.items()], ignore_index=True)
    verdict = verdict_lines(cmp, args.lang)
    csv_tables = {"compare": cmp.table, "summaries": summaries}
    write_outputs(out, {}, csv_tables, info, "csv", args.overwrite, texts={VERDICT: "\n".join(verdict) + "\n"})
    if not args.quiet:
        print(
            f"{s.name}: {len(policies)} policies x {first.replications} replications, seed {first.seed}, "
            f"{cmp.wall_seconds:.1f} s"
        )
        print(comparison_table(cmp, loaded))
        print("\n".join(verdict))
        print(f"results: {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    # Imported here: the figures load matplotlib, which no other command needs (start-up time).
    from stocksim.present.report import html_report
    from stocksim.store.reader import load_run

    if not (args.run_dir / MANIFEST).is_file():
        raise ConfigError(args.run_dir, "", "not a stocksim run directory (no manifest.json)")
    out = args.out or args.run_dir / "report.html"
    if out.exists() and not args.overwrite:
        raise OutputExists(f"{out}: already exists; pass --overwrite to replace it")
    text = html_report(load_run(args.run_dir), args.lang)
    tmp = out.with_name(f".{out.name}.partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    print(f"report: {out}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    print(
        f"ok: {s.name}: {len(s.cities)} cities, {len(s.items)} items, {len(s.suppliers)} suppliers, "
        f"{s.horizon_days} days, epidemic {s.epidemic.model}, hash {loaded.config_hash()}"
    )
    return 0


def _terminate(signum, frame):  # SIGTERM: stop like Ctrl-C, so partial output is cleaned up
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    logging.basicConfig(level=logging.WARNING, format="stocksim: %(message)s")
    try:
        commands = {
            "run": cmd_run,
            "campaign": cmd_campaign,
            "batch": cmd_campaign,
            "sweep": cmd_sweep,
            "epidemic": cmd_epidemic,
            "compare": cmd_compare,
            "report": cmd_report,
            "validate": cmd_validate,
        }
        return commands[args.command](args)
    except (ConfigError, OutputExists) as exc:
        print(f"stocksim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BatchFailed as exc:
        print(f"stocksim: a batch failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stocksim: interrupted; the run in progress was not written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading (head, less)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
