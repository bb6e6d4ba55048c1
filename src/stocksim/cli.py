"""The command line: ``stocksim run``, ``campaign``, ``sweep``, ``epidemic``, ``compare``, ``plan``, ``report``
and ``validate``. No model logic here."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from stocksim import __version__
from stocksim.experiment.backends import Backend, BatchFailed, default_workers, parse_dask
from stocksim.experiment.campaign import check_folder, run_campaign
from stocksim.experiment.compare import AT, compare, policy_scenario
from stocksim.experiment.run import run_epidemic, run_to_dir
from stocksim.experiment.search import equal_cost_table
from stocksim.experiment.sensitivity import DEFAULT_METRICS, SOBOL_N, SOBOL_REPLICATIONS, TORNADO_REPLICATIONS
from stocksim.experiment.sizing import LEVERS, parse_lever, parse_target, size, size_table
from stocksim.experiment.sweep import derive_configs, parse_value, sweep_points, write_configs
from stocksim.experiment.tasks import DAILY_MODES
from stocksim.present.i18n import LANGUAGES
from stocksim.present.plan import PLAN_TEXT, PLAN_WORKBOOK, plan_lines, plan_terminal, plan_title, plan_workbook
from stocksim.present.searches import SIZE_TEXT, equal_cost_lines, size_lines, size_report
from stocksim.present.terminal import (
    Progress,
    comparison_table,
    compliance_table,
    horizon_words,
    peaks_table,
    stockout_lines,
)
from stocksim.present.verdict import VERDICT, verdict_lines
from stocksim.results.plan import lots_table, plan_table
from stocksim.results.stats import epidemic_peaks
from stocksim.scenario import ConfigError, LoadedScenario, load_scenario
from stocksim.scenario.limits import MAX_REPLICATIONS, MAX_SEED, MAX_WORK, work_problem
from stocksim.store.lock import OutputProblem, WriteFailed, clean, output_lock
from stocksim.store.rundir import (
    FORMATS,
    MANIFEST,
    OutputExists,
    check_target,
    default_out_dir,
    manifest,
    write_outputs,
)
from stocksim.supply.events import EVENT_MODES
from stocksim.supply.plan import purchase_plan

EXIT_BAD_INPUT = 2


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _seed(text: str) -> int:
    value = _whole_number(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_SEED} (2**63 - 1), got {value}")
    return value


def _replications(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(f"at most {MAX_REPLICATIONS:,}, got {value:,}")
    return value


def _max_work(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 1e11, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return value


def _add_max_work(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-work",
        type=_max_work,
        default=MAX_WORK,
        metavar="N",
        help=f"refuse to start above N = replications x days x locations x items (default {MAX_WORK:.0e})",
    )


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
    e.add_argument("--replications", type=_replications, help="override the scenario's replications")
    e.add_argument("--seed", type=_seed, help="override the scenario's seed")
    e.add_argument("--out", type=Path, help="output directory (default: runs/NAME-epidemic-TIMESTAMP)")
    e.add_argument("--format", choices=FORMATS, default="parquet", help="table format (default parquet)")
    e.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    e.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_max_work(e)

    c = sub.add_parser("compare", help="run several policies on common random numbers and compare them")
    c.add_argument("config", help="scenario YAML file")
    c.add_argument(
        "--policies",
        default="independent,joint,joint+transfers",
        help="comma-separated policies, the first is the baseline (default: independent,joint,joint+transfers); "
        "modes none, independent, joint, joint-pooled, joint-combined; modifiers +transfers, +nodepots",
    )
    c.add_argument("--replications", type=_replications, help="override the scenario's replications")
    c.add_argument("--seed", type=_seed, help="override the scenario's seed")
    c.add_argument("--out", type=Path, help="output directory (default: runs/NAME-compare-TIMESTAMP)")
    c.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    c.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_max_work(c)
    c.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the verdict (terminal and verdict.txt)")
    c.add_argument(
        "--at",
        choices=AT,
        default="as-given",
        help="as-given (default): each policy as set up; equal-cost: scale each policy's s and S after the first "
        "until its mean net cost is within 1 %% of the first's, then compare (the factors in equal_cost.csv)",
    )

    _add_size_parser(sub)

    rp = sub.add_parser("report", help="write a self-contained HTML report of a run directory")
    rp.add_argument("run_dir", type=Path, help="a directory written by stocksim run")
    rp.add_argument("--out", type=Path, help="HTML file (default: RUN_DIR/report.html)")
    rp.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the report")
    rp.add_argument("--overwrite", action="store_true", help="replace an existing report")

    _add_plan_parser(sub)

    _add_sensitivity(sub)

    _add_inventory_parser(sub)

    _add_validate_and_clean(sub)
    return ap


def _add_validate_and_clean(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="check a scenario and its data files without running it")
    v.add_argument("config", help="scenario YAML file")
    cl = sub.add_parser(
        "clean", help="remove what runs that died left under DIR (staging folders, lock files); never a finished run"
    )
    cl.add_argument("dir", type=Path, help="a folder of runs, e.g. runs")


def _add_plan_parser(sub: argparse._SubParsersAction) -> None:
    pl = sub.add_parser("plan", help="what each city must buy to meet the reserve rule on one day, and its cost")
    pl.add_argument("config", help="scenario YAML file")
    pl.add_argument("--day", type=_seed, default=0, help="day of the horizon (default 0): stock as given less expiry")
    pl.add_argument("--out", type=Path, help="output directory (default: runs/NAME-plan-TIMESTAMP)")
    pl.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    pl.add_argument("--quiet", action="store_true", help="print nothing but errors")
    pl.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the table, sentences and workbook")


def _add_sensitivity(sub: argparse._SubParsersAction) -> None:
    se = sub.add_parser("sensitivity", help="which uncertain inputs move a result most: a tornado, or Sobol' indices")
    se.add_argument("config", help="scenario YAML file")
    se.add_argument(
        "--method",
        choices=("tornado", "sobol"),
        default="tornado",
        help="tornado: each input at its 5th and 95th percentile, the others at their medians, on common random "
        "numbers (default); sobol: first-order and total indices (SALib)",
    )
    se.add_argument(
        "--metric",
        default=DEFAULT_METRICS,
        help="comma-separated metrics, each for the circle or METRIC@CITY or METRIC@CITY/ITEM "
        f"(default: {DEFAULT_METRICS})",
    )
    se.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="PATH=LOW:HIGH",
        help="also vary this key (path as sweep --set, e.g. response.levels[3].routine_multiplier) (repeatable)",
    )
    se.add_argument(
        "--replications",
        type=_replications,
        help=f"replications per point (default: tornado {TORNADO_REPLICATIONS}, "
        f"sobol {SOBOL_REPLICATIONS} per model run)",
    )
    se.add_argument(
        "--n", type=_power_of_two, default=SOBOL_N, help=f"Sobol' base sample N, a power of 2 (default {SOBOL_N})"
    )
    se.add_argument("--seed", type=_seed, help="override the scenario's seed (also SALib's sample and bootstrap)")
    se.add_argument("--workers", type=_positive_int, help="local worker processes, one point each (default: all cores)")
    se.add_argument("--out", type=Path, help="output directory (default: runs/NAME-sensitivity-TIMESTAMP)")
    se.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    se.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_max_work(se)
    se.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the sentences, tables and chart")


def _power_of_two(text: str) -> int:
    value = _positive_int(text)
    if value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of 2 (Sobol' sequences), got {value}")
    return value


def _add_size_parser(sub: argparse._SubParsersAction) -> None:
    sz = sub.add_parser("size", help="the smallest reserve that meets a target risk, per policy, and what it costs")
    sz.add_argument("config", help="scenario YAML file")
    sz.add_argument(
        "--target",
        required=True,
        help="METRIC<=X or METRIC>=X: p_stockout<=X (chance that some city runs out of any item) or fill_rate>=X "
        "(the circle's); per city METRIC@CITY",
    )
    sz.add_argument(
        "--policies",
        default="independent,joint-combined+transfers",
        help="comma-separated policies as in compare, the first is the baseline "
        "(default: independent,joint-combined+transfers)",
    )
    sz.add_argument(
        "--by",
        default="coverage_days",
        help=f"what is sized: {' or '.join(LEVERS)} (every city's opening reserve and target, in days of the daily "
        "max or as a scale on the given reserves), or KIND@CITY for one city (default coverage_days)",
    )
    sz.add_argument("--replications", type=_replications, help="override the scenario's replications")
    sz.add_argument("--seed", type=_seed, help="override the scenario's seed")
    sz.add_argument("--workers", type=_positive_int, help="local worker processes, one policy each (default: cores)")
    sz.add_argument("--out", type=Path, help="output directory (default: runs/NAME-size-TIMESTAMP)")
    sz.add_argument("--overwrite", action="store_true", help="replace an existing run directory")
    sz.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_max_work(sz)
    sz.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the sentences (terminal, size.txt)")


def _add_run_options(p: argparse.ArgumentParser) -> None:
    """What run, campaign and sweep share: overrides, table format, where and how to run."""
    p.add_argument("--replications", type=_replications, help="override the scenario's replications")
    p.add_argument("--seed", type=_seed, help="override the scenario's seed (a sweep's Latin hypercube too)")
    p.add_argument("--format", choices=FORMATS, default="parquet", help="table format (default parquet)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--workers", type=_positive_int, help="local worker processes (default: all cores)")
    _add_max_work(p)
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
        choices=tuple(EVENT_MODES),
        default="full",
        help="event log: full (every event); orders (orders, agreement calls, write-offs and response-level "
        "changes: no deliveries, allocations, carriage or transfers); levels (response-level changes only); "
        "none (no events, an empty table). Less is faster",
    )


def _backend(args: argparse.Namespace) -> Backend:
    if args.dask:
        where, n = parse_dask(args.dask)
        if where == "local" and n is not None:  # a LocalCluster's processes are this machine's, as --workers
            return Backend(dask=f"local:{_workers(n, '--dask local:')}")
        return Backend(dask=args.dask)
    return Backend(workers=_workers(args.workers))


def _workers(requested: int | None, flag: str = "--workers ") -> int:
    """Worker processes: all cores by default; more than the cores is capped, with a warning."""
    cores = default_workers()
    if requested is not None and requested > cores:
        logging.getLogger(__name__).warning(
            "%s%d is more than the %d cores available; using %d", flag, requested, cores, cores
        )
    return min(requested or cores, cores)


def _check_work(args: argparse.Namespace, loaded: LoadedScenario, replications: int, runs: int = 1) -> None:
    """Refuse a command larger than --max-work before anything is allocated."""
    problem = work_problem(loaded.scenario, replications, args.max_work, runs)
    if problem:
        raise ConfigError(loaded.source, "--replications" if args.replications else "replications", problem)


def cmd_run(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    _check_work(args, loaded, args.replications or s.replications)
    out = args.out or default_out_dir(s.name)
    _claim(args, out)
    backend = _backend(args)
    n = args.replications or s.replications
    progress = Progress(n, s.name, args.quiet)
    try:
        result = run_to_dir(
            loaded, out, replications=args.replications, seed=args.seed, fmt=args.format,
            overwrite=args.overwrite, backend=backend, daily=args.daily, events=args.events,
            on_batch=progress,
        )  # fmt: skip
    finally:
        progress.close()
    if not args.quiet:
        print(
            f"{s.name}: {result.replications} replications x {horizon_words(s)}, seed {result.seed}, "
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

    total = 0
    for config in configs:  # every config within --max-work before anything runs
        loaded = load_scenario(config)
        _check_work(args, loaded, args.replications or loaded.scenario.replications)
        total += args.replications or loaded.scenario.replications
    progress = Progress(total, "campaign", args.quiet)
    try:
        index = run_campaign(
        configs, out, replications=args.replications, seed=args.seed, fmt=args.format, backend=backend,
            daily=args.daily, events=args.events, extra_columns=extra, on_run=on_run, on_batch=progress,
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
    _check_work(args, loaded, args.replications or loaded.scenario.replications)
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
    configs = derive_configs(base, points, args.out / "configs")  # all validated before anything is written
    check_folder(args.out)
    args.held.enter_context(output_lock(args.out))  # the campaign below takes the same lock
    derived = write_configs(configs)
    extra = {str(path): dict(point) for path, point in derived}
    if not args.quiet:
        print(f"{len(derived)} scenarios derived from {base} in {args.out / 'configs'}")
    return _campaign(args, [p for p, _ in derived], args.out, extra)


def cmd_epidemic(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    if s.epidemic.model == "none":
        raise ConfigError(loaded.source, "epidemic.model", "the scenario has no epidemic to run", "none")
    _check_work(args, loaded, args.replications or s.replications)
    out = args.out or default_out_dir(f"{s.name}-epidemic")
    _claim(args, out)
    census, wall = run_epidemic(loaded, replications=args.replications, seed=args.seed)
    seed = s.seed if args.seed is None else args.seed
    n = s.replications if args.replications is None else args.replications
    peaks = epidemic_peaks(s, census)
    info = manifest(loaded, seed, n, wall, args.format)
    write_outputs(out, {"census": census}, {"peaks": peaks}, info, args.format, args.overwrite)
    if not args.quiet:
        size = f"{n} replications x {horizon_words(s)}"
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
    _check_work(args, loaded, args.replications or s.replications, runs=len(policies))
    out = args.out or default_out_dir(f"{s.name}-compare")
    _claim(args, out)
    cmp = compare(loaded, policies, replications=args.replications, seed=args.seed, at=args.at)
    first = cmp.results[policies[0]]
    info = manifest(loaded, first.seed, first.replications, cmp.wall_seconds, "csv") | {"policies": policies}
    summaries = pd.concat([r.summary.assign(policy=p) for p, r in cmp.results.items()], ignore_index=True)
    verdict = verdict_lines(cmp, args.lang)
    verdict[1:1] = equal_cost_lines(cmp, s, args.lang)  # after the baseline line: what the policies were scaled to
    csv_tables = {"compare": cmp.table, "summaries": summaries}
    if cmp.equal_cost:
        csv_tables["equal_cost"] = equal_cost_table(list(cmp.equal_cost.values()))
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


def cmd_size(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    target, lever = parse_target(args.target, s), parse_lever(args.by, s)
    policies = [p.strip() for p in args.policies.split(",") if p.strip()]
    if not policies or len(set(policies)) < len(policies):
        raise ConfigError("--policies", "", "name at least one policy, each once", args.policies)
    scenarios = {p: policy_scenario(s, p) for p in policies}  # a misspelt policy fails before anything runs
    _check_work(args, loaded, args.replications or s.replications, runs=len(policies))
    out = args.out or default_out_dir(f"{s.name}-size")
    _claim(args, out)
    seed = s.seed if args.seed is None else args.seed
    n = args.replications or s.replications
    backend = Backend(workers=min(_workers(args.workers), len(policies)))
    start = time.perf_counter()
    sizes = size(loaded, scenarios, target, lever, seed, n, backend)
    wall = time.perf_counter() - start
    lines = size_lines(sizes, s, args.lang)
    info = manifest(loaded, seed, n, wall, "csv") | {"policies": policies, "target": target.text(), "by": lever.text()}
    texts = {SIZE_TEXT: "\n".join(lines) + "\n"}
    write_outputs(out, {}, {"size": size_table(s, sizes)}, info, "csv", args.overwrite, texts=texts)
    if not args.quiet:
        print(f"{s.name}: {len(policies)} policies x {n} replications, seed {seed}, {backend.describe()}, {wall:.1f} s")
        print(size_report(sizes, s, args.lang))
        print("\n".join(lines))
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


def cmd_plan(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    out = args.out or default_out_dir(f"{s.name}-plan")
    _claim(args, out)
    start = time.perf_counter()
    plan = purchase_plan(loaded, args.day)
    table, lots = plan_table(s, plan), lots_table(s, plan)
    lines = [plan_title(s, args.day, args.lang), *plan_lines(table, lots, loaded, plan.draws, args.lang)]
    info = manifest(loaded, s.seed, plan.draws, time.perf_counter() - start, "csv") | {"day": args.day}
    book = {PLAN_WORKBOOK: plan_workbook(table, lots, loaded, plan.draws, args.lang)}
    csv_tables, texts = {"plan": table, "plan_lots": lots}, {PLAN_TEXT: "\n".join(lines) + "\n"}
    write_outputs(out, {}, csv_tables, info, "csv", args.overwrite, texts=texts, files=book)
    if not args.quiet:
        print(lines[0])
        print(plan_terminal(table, loaded, args.lang))
        print("\n".join(lines[1:]))
        print(f"results: {out}")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from stocksim.experiment.inputs import find_inputs
    from stocksim.experiment.sensitivity import check_inputs, parse_metrics, sobol_runs
    from stocksim.present.sensitivity import SENSITIVITY_TEXT

    loaded = load_scenario(args.config)
    s = loaded.scenario
    metrics = parse_metrics(args.metric, s)
    inputs = find_inputs(s, args.vary)
    check_inputs(inputs, loaded.source)
    if args.method == "tornado":
        runs, reps = 2 * len(inputs) + 1, args.replications or TORNADO_REPLICATIONS
    else:
        runs, reps = sobol_runs(args.n, len(inputs)), args.replications or SOBOL_REPLICATIONS
    _check_work(args, loaded, reps, runs=runs)
    out = args.out or default_out_dir(f"{s.name}-sensitivity")
    _claim(args, out)
    seed = s.seed if args.seed is None else args.seed
    method = _tornado if args.method == "tornado" else _sobol
    result, lines, tables, files, extra = method(args, loaded, inputs, metrics, seed)
    described = [{"path": i.path, "low": i.low, "base": i.base, "high": i.high, "source": i.source, "drawn": i.drawn,
                  "as_given": i.describe()} for i in inputs]  # fmt: skip
    info = manifest(loaded, seed, result.replications, result.wall_seconds, "csv") | {
        "method": args.method, "metrics": [m.label for m in metrics], "inputs": described, **extra,
    }  # fmt: skip
    texts = {SENSITIVITY_TEXT: "\n".join(lines) + "\n"}
    write_outputs(out, {}, {"sensitivity": result.table}, info, "csv", args.overwrite, texts=texts, files=files)
    if not args.quiet:
        print(f"{s.name}: {args.method}, {len(inputs)} inputs, {result.runs} runs x {result.replications} "
              f"replications, seed {seed}, {result.wall_seconds:.1f} s")  # fmt: skip
        print("\n\n".join(tables))
        print("\n".join(lines))
        print(f"results: {out}")
    return 0


def _tornado(args: argparse.Namespace, loaded, inputs, metrics, seed: int) -> tuple:
    # Imported here: the charts load matplotlib, which no other command but report needs (start-up time).
    from stocksim.experiment.sensitivity import tornado
    from stocksim.present.figures import png_bytes
    from stocksim.present.sensitivity import tornado_lines, tornado_table
    from stocksim.present.tornado import tornado_figure

    s, reps = loaded.scenario, args.replications or TORNADO_REPLICATIONS
    progress = Progress((2 * len(inputs) + 1) * reps, f"{s.name} tornado", args.quiet)
    try:
        backend = Backend(_workers(args.workers))
        result = tornado(loaded, inputs, metrics, reps, seed, backend, progress)
    finally:
        progress.close()
    tables = [tornado_table(result, m, s, args.lang) for m in metrics]
    files = {"tornado.png": png_bytes(tornado_figure(result, s, args.lang))}
    return result, tornado_lines(result, s, args.lang), tables, files, {"runs": result.runs}


def _sobol(args: argparse.Namespace, loaded, inputs, metrics, seed: int) -> tuple:
    from stocksim.experiment.sensitivity import sobol, sobol_runs
    from stocksim.present.figures import png_bytes
    from stocksim.present.sensitivity import sobol_lines, sobol_table
    from stocksim.present.tornado import sobol_figure

    s, reps = loaded.scenario, args.replications or SOBOL_REPLICATIONS
    progress = Progress(sobol_runs(args.n, len(inputs)) * reps, f"{s.name} sobol", args.quiet)
    try:
        backend = Backend(_workers(args.workers))
        result = sobol(loaded, inputs, metrics, args.n, reps, seed, backend, progress)
    finally:
        progress.close()
    tables = [sobol_table(result, m.label, s, args.lang) for m in metrics]
    files = {"sobol.png": png_bytes(sobol_figure(result, s, args.lang))}
    return result, sobol_lines(result, s, args.lang), tables, files, {"runs": result.runs, "n": result.n}


def _add_inventory_parser(sub: argparse._SubParsersAction) -> None:
    inv = sub.add_parser("inventory", help="the inventory sheet a scenario reads (inventory.file)")
    what = inv.add_subparsers(dest="inventory_command", required=True)
    tp = what.add_parser(
        "template", help="write an empty XLSX inventory sheet with the scenario's cities, depots and items to pick from"
    )
    tp.add_argument("config", help="scenario YAML file")
    tp.add_argument("--out", type=Path, required=True, help="XLSX file to write")
    tp.add_argument("--lang", choices=LANGUAGES, default="zh", help="language of the headers and lists (default zh)")
    tp.add_argument("--overwrite", action="store_true", help="replace an existing file")


def cmd_inventory(args: argparse.Namespace) -> int:
    # Imported here: openpyxl's writer is needed by this command alone (start-up time).
    from stocksim.present.inventory_template import template_workbook

    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise ConfigError("--out", "", "the template is an XLSX workbook: name the file *.xlsx", str(out))
    if out.exists() and not args.overwrite:
        raise OutputExists(f"{out}: already exists; pass --overwrite to replace it")
    loaded = load_scenario(args.config)
    book = template_workbook(loaded.scenario, args.lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        book.save(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"inventory template: {out} (fill the first sheet; name it in the scenario as inventory: {{file: ...}})")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.config)
    s = loaded.scenario
    print(
        f"ok: {s.name}: {len(s.cities)} cities, {len(s.items)} items, {len(s.suppliers)} suppliers, "
        f"{s.horizon_days} days, epidemic {s.epidemic.model}, hash {loaded.config_hash()}"
    )
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    if not args.dir.is_dir():
        raise ConfigError(args.dir, "", "not a folder", str(args.dir))
    done = clean(args.dir)
    for path in done.removed:
        print(f"removed {path}")
    for path in done.restored:
        print(f"put back {path} (set aside by an --overwrite that did not finish)")
    for place in done.busy:
        print(f"left alone {place}")
    if not done.removed and not done.restored:
        print(f"{args.dir}: nothing to clean")
    return 0


def _claim(args: argparse.Namespace, out: Path) -> None:
    """Lock ``out`` for the rest of the command (a second writer is refused with our pid), then
    check it may be written."""
    if getattr(args, "held", None) is not None:
        args.held.enter_context(output_lock(out))
    check_target(out, args.overwrite)


class Stopped(KeyboardInterrupt):
    """SIGTERM (or SIGINT): unwinds like Ctrl-C, so the run in progress is removed; exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    # Once stopping, a second signal must not interrupt the clean-up half-way.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    logging.basicConfig(level=logging.WARNING, format="stocksim: %(message)s")
    with contextlib.ExitStack() as held:  # the output locks a command takes (_claim), released last
        args.held = held
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        commands = {
            "run": cmd_run,
            "campaign": cmd_campaign,
            "batch": cmd_campaign,
            "sweep": cmd_sweep,
            "epidemic": cmd_epidemic,
            "compare": cmd_compare,
            "size": cmd_size,
            "report": cmd_report,
            "sensitivity": cmd_sensitivity,
            "plan": cmd_plan,
            "validate": cmd_validate,
            "inventory": cmd_inventory,
            "clean": cmd_clean,
        }
        return commands[args.command](args)
    except (ConfigError, OutputProblem) as exc:
        print(f"stocksim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except WriteFailed as exc:
        print(f"stocksim: error: {exc}", file=sys.stderr)
        return 1
    except BatchFailed as exc:
        print(f"stocksim: a batch failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print("stocksim: interrupted; the run in progress was not written", file=sys.stderr)
        return 128 + (exc.signum if isinstance(exc, Stopped) else signal.SIGINT)
    except BrokenPipeError:  # output piped into a program that stopped reading (head, less)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
