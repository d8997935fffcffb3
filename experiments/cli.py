"""The ``sdsim`` command line.

- ``sdsim run [SCENARIO.toml]``: Monte Carlo replicates; writes ``DIR/yearly.csv`` (``monthly.parquet``
  with ``--monthly``) and, last, ``DIR/summary.json``; prints the default metrics
  (``indicators.DEFAULT_METRICS``).
- ``sdsim compare BASE ALT...``: scenarios with common random numbers; writes ``comparison.csv``,
  ``report.html`` and, last, ``DIR/comparison.json``.
- ``sdsim sweep SWEEP.toml``: scenarios x a parameter design x replicates into a resumable store.
- ``sdsim sensitivity SCENARIO.toml --params PARAMS.toml``: Sobol or Morris indices with SALib.
- ``sdsim validate``: the model against published figures.
- ``sdsim forecast SCENARIO.toml``: a multi-year forecast per budget line (Iv3 taakveld) with bands, P(overspend)
  against a budget and the amounts at 70-95 % certainty; writes ``forecast.xlsx``, ``forecast.csv``, fan charts
  and, last, ``DIR/forecast.json`` (``experiments.forecast``).
- ``sdsim calibrate``: fit the national model (``scenarios/nederland.toml``) to published series; writes
  ``posterior.parquet``, ``draws.csv`` (the parameter file ``--posterior`` takes), ``fit.csv``, ``forecast.csv``,
  ``fit_report.html`` and, last, ``calibration.json`` (``experiments.calibrate``).
- ``sdsim backtest``: fit on the fit years, forecast the test years, score against naive forecasts.
- ``sdsim parameters``: the parameter registry.

``DIR`` must be new or empty unless ``--overwrite``. User mistakes print one line,
``sdsim: error: FILE: KEY: what is allowed``, and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sdsim.scenarios.files import MAX_REPLICATES, MAX_SEED, MAX_WORKERS, MAX_YEARS
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, ScenarioError, load_scenario

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, ``sdsim: error: ...``, and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line and exit with status 2 (argparse would print the usage first)."""
        print(f"sdsim: error: {' '.join(message.removeprefix('argument ').split())}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def whole(low: int, high: int) -> Callable[[str], int]:
    """An argument type: a whole number in [low, high] (the same limits as in files)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            shown = text if len(text) <= 24 else text[:21] + "..."
            raise argparse.ArgumentTypeError(f"expected a whole number in [{low}, {high}], got {shown!r}") from None
        if not low <= value <= high:
            shown = str(value) if len(str(value)) <= 24 else f"a number of {len(str(value))} digits"
            raise argparse.ArgumentTypeError(f"must be in [{low}, {high}], got {shown}")
        return value

    parse.__name__ = "whole number"
    return parse


_replicates = whole(1, MAX_REPLICATES)
_seed = whole(0, MAX_SEED)
_years = whole(1, MAX_YEARS)
_workers = whole(1, MAX_WORKERS)


def _folder(text: str) -> Path:
    """An argument type: an output folder (a non-empty name)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder name, got an empty string")
    return Path(text)


_folder.__name__ = "folder"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (sub-commands ``run``, ``compare``, ``sweep``, ``sensitivity`` and ``parameters``)."""
    parser = _Parser(prog="sdsim", description="Client flows and money in a Dutch municipality's social domain.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run Monte Carlo replicates of a scenario")
    run.add_argument("scenario", nargs="?", type=Path, default=BASELINE, help="scenario TOML (default: scenarios/baseline.toml)")
    run.add_argument("--replicates", type=_replicates, default=20, help="Monte Carlo replicates (default 20)")
    run.add_argument("--seed", type=_seed, default=0, help="seed, 0 <= S < 2**63 (default 0)")
    run.add_argument("--years", type=_years, default=None, help="horizon in years, at most 100 (default: the scenario's)")
    run.add_argument("--out", type=_folder, default=Path("sdsim-out"), help="output folder, new or empty (default sdsim-out)")
    run.add_argument("--workers", type=_workers, default=None, help="processes (default: all cores)")
    run.add_argument("--monthly", action="store_true", help="also write the monthly detail as monthly.parquet")
    run.add_argument("--profile", type=_profile, default=None,
                     help="profile TOML, or the name of a shipped one (nederland), instead of the scenario's")  # fmt: skip
    run.add_argument("--published", action="store_true",
                     help="also write published.csv: the national figures' series per year, p10/p50/p90 over the replicates, in"
                          " their indicator names and periods (a census of each replicate; pip install 'sdsim[calibrate]')")  # fmt: skip
    _output_options(run)
    _posterior_option(run)
    _overwrite(run)
    compare = sub.add_parser("compare", help="compare scenarios with common random numbers; write a report")
    compare.add_argument("base", type=Path, help="base scenario TOML")
    compare.add_argument("alternatives", type=Path, nargs="+", help="alternative scenario TOML files")
    compare.add_argument("--replicates", type=_replicates, default=20, help="Monte Carlo replicates (default 20)")
    compare.add_argument("--seed", type=_seed, default=0, help="seed, 0 <= S < 2**63 (default 0)")
    compare.add_argument("--years", type=_years, default=None, help="horizon in years, at most 100 (default: the scenarios')")
    compare.add_argument("--out", type=_folder, default=Path("sdsim-compare"), help="output folder, new or empty (default sdsim-compare)")
    compare.add_argument("--workers", type=_workers, default=None, help="processes (default: all cores)")
    _output_options(compare)
    _posterior_option(compare)
    _overwrite(compare)
    compare.add_argument("--lang", choices=("nl", "en"), default="nl", help="report language (default nl)")
    compare.add_argument(
        "--burn-in",
        choices=("own", "shared"),
        default="own",
        help="own (default): each scenario's history under its own policy; shared: all start from the base at the start year",
    )
    sweep = sub.add_parser("sweep", help="run a sweep (scenarios x design x replicates) into a resumable store")
    sweep.add_argument("sweep", type=Path, help="sweep TOML")
    _executor_options(sweep, "sdsim-sweep")
    _posterior_option(sweep)
    sens = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity analysis with SALib")
    sens.add_argument("scenario", type=Path, help="scenario TOML")
    sens.add_argument("--params", type=Path, required=True, help="parameter file: names, bounds, distributions")
    sens.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    sens.add_argument("--n", type=whole(1, 2**20), default=1024, help="base sample size N (Sobol: a power of two; default 1024)")
    sens.add_argument("--replicates", type=_replicates, default=2, help="replicates per design row (default 2)")
    sens.add_argument("--seed", type=_seed, default=0, help="seed of the design and the model, 0 <= S < 2**63 (default 0)")
    sens.add_argument("--years", type=_years, default=5, help="outputs summed over the first Y years (default 5)")
    sens.add_argument("--compare", type=Path, default=None, help="alternative scenario: also analyse paired differences")
    sens.add_argument(
        "--burn-in",
        choices=("shared", "row"),
        default="shared",
        help="shared (default): start every design row from the scenario's state at the start year; row: each row burns in itself",
    )
    _executor_options(sens, "sdsim-sensitivity")
    _posterior_option(sens)
    validate = sub.add_parser("validate", help="compare the model with published figures (CBS): table, CSV, HTML")
    validate.add_argument("scenario", nargs="?", type=Path, default=BASELINE, help="scenario TOML (default: scenarios/baseline.toml)")
    validate.add_argument("--replicates", type=_replicates, default=20, help="Monte Carlo replicates (default 20)")
    validate.add_argument("--seed", type=_seed, default=0, help="seed, 0 <= S < 2**63 (default 0)")
    validate.add_argument(
        "--out", type=_folder, default=Path("sdsim-validate"), help="output folder, new or empty (default sdsim-validate)"
    )
    _overwrite(validate)
    validate.add_argument("--strict", action="store_true", help="exit 1 unless every acceptance criterion of issue 10 passes")
    _forecast_parser(sub)
    _calibration_parsers(sub)
    profile = sub.add_parser("profile", help="municipality profiles")
    build = profile.add_subparsers(dest="profile_command", required=True).add_parser(
        "build", help="a profile from a municipality's own figures, the rest scaled from the default (scenarios/build.py)"
    )
    build.add_argument("figures", type=Path, help="figures CSV: quantity,value,source (e.g. scenarios/figures/voorbeeldstad.csv)")
    build.add_argument("--name", default=None, help="the municipality's name (default: the file's name)")
    build.add_argument("--out", type=Path, default=None, help="profile TOML to write, new (default: NAME.toml here)")
    params = sub.add_parser("parameters", help="list every model parameter with default, range and source")
    params.add_argument("--prefix", default="", help="only names starting with this")
    return parser


def _month(text: str) -> str:
    """An argument type: a month ``YYYY-MM``."""
    parts = text.split("-")
    if len(parts) != 2 or not (parts[0].isdigit() and len(parts[0]) == 4 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12):
        shown = text if len(text) <= 24 else text[:21] + "..."
        raise argparse.ArgumentTypeError(f"expected a month YYYY-MM, got {shown!r}")
    return f"{parts[0]}-{int(parts[1]):02d}"


_month.__name__ = "month"


def _profile(text: str) -> Path:
    """An argument type: a profile file, or the name of one shipped in ``scenarios/profiles`` (``nederland``)."""
    path = Path(text)
    shipped = SCENARIO_DIR / "profiles" / f"{text}.toml"
    return shipped if not path.suffix and not path.exists() and shipped.is_file() else path


_profile.__name__ = "profile"


def _span(text: str) -> tuple[int, int]:
    """An argument type: years ``YYYY-YYYY`` (or one year ``YYYY``)."""
    first, _, last = text.partition("-")
    last = last or first
    if not (first.isdigit() and last.isdigit() and len(first) == len(last) == 4 and int(first) <= int(last)):
        shown = text if len(text) <= 24 else text[:21] + "..."
        raise argparse.ArgumentTypeError(f"expected years FIRST-LAST such as 2015-2019, got {shown!r}")
    return int(first), int(last)


_span.__name__ = "years"


def _calibration_parsers(sub) -> None:
    from sdsim.experiments.calibrate import NATIONAL_PARAMETERS, NATIONAL_SCENARIO

    calibrate = sub.add_parser("calibrate", help="fit the national model to published series: a posterior (ABC-SMC), fit report")
    backtest = sub.add_parser("backtest", help="fit on the fit years, forecast the test years, score against naive forecasts")
    for parser, fit, out in ((calibrate, "2015-2019", "sdsim-calibrate"), (backtest, "2015-2018", "sdsim-backtest")):
        parser.add_argument("--scenario", type=Path, default=NATIONAL_SCENARIO, help="scenario TOML (default scenarios/nederland.toml)")
        parser.add_argument("--profile", type=_profile, default=None,
                            help="profile TOML, or the name of a shipped one, instead of the scenario's")  # fmt: skip
        parser.add_argument("--targets", type=Path, default=None,
                            help="figures CSV in the form of nl_public_figures.csv (default: the packaged figures)")  # fmt: skip
        parser.add_argument("--fit-years", type=_span, default=_span(fit), help=f"years whose figures are fitted (default {fit})")
        parser.add_argument("--params", type=Path, default=NATIONAL_PARAMETERS,
                            help="free parameters and priors (default calibration/national.toml)")  # fmt: skip
        parser.add_argument("--waves", type=whole(1, 20), default=5, help="emulator waves after the first, over the prior (default 5)")
        parser.add_argument("--seed", type=_seed, default=0, help="seed, 0 <= S < 2**63 (default 0)")
        parser.add_argument("--executor", choices=("local", "dask"), default="local", help="local processes (default) or Dask")
        parser.add_argument("--workers", type=_workers, default=None, help="processes (default: all cores)")
        parser.add_argument("--scheduler", default=None, help="with --executor dask: a running scheduler, e.g. tcp://HOST:8786")
        parser.add_argument("--out", type=_folder, default=Path(out), help=f"output folder, new or empty (default {out})")
        _overwrite(parser)
    backtest.add_argument("--test-years", type=_span, default=_span("2019"), help="years forecast and scored (default 2019)")
    backtest.add_argument("--population", choices=("known", "observed"), default="known",
                          help="the population path after the fit years: known (default), a trend from the last three years as"
                               " a forecaster then could make; observed: as it turned out")  # fmt: skip
    backtest.add_argument("--origins", type=whole(1, 10), default=1,
                          help="rolling origins: also fit and test 1 .. K-1 years earlier, scores pooled (default 1)")  # fmt: skip


def _forecast_parser(sub) -> None:
    forecast = sub.add_parser("forecast", help="forecast per budget line and year against a budget: workbook, CSV, fan charts")
    forecast.add_argument("scenario", type=Path, help="scenario TOML")
    forecast.add_argument(
        "--start",
        type=_month,
        default=None,
        help="first month YYYY-MM, a January in or after the profile's start year (default: its start year; the years"
        " before are simulated, not reported)",
    )
    forecast.add_argument("--years", type=_years, default=5, help="calendar years forecast (default 5: t ... t+4)")
    forecast.add_argument("--budget", type=Path, default=None, help="budget CSV: budget_line,year,amount (euros)")
    forecast.add_argument(
        "--caseload", type=Path, default=None, help="today's caseload CSV (scenarios/caseload.py): month 0 starts from it exactly"
    )
    forecast.add_argument("--replicates", type=_replicates, default=200, help="Monte Carlo replicates (default 200)")
    forecast.add_argument("--seed", type=_seed, default=0, help="seed, 0 <= S < 2**63 (default 0)")
    forecast.add_argument("--compare", type=Path, default=None, help="alternative scenario: also the paired differences ALT - base")
    forecast.add_argument(
        "--burn-in",
        choices=("own", "shared"),
        default="own",
        help="with --compare; own (default): each scenario's own history (the base's forecast is the same with or without"
        " --compare); shared: both start from the base's burned-in state at the start year (the transition from today)",
    )
    forecast.add_argument(
        "--out", type=_folder, default=Path("sdsim-forecast"), help="output folder, new or empty (default sdsim-forecast)"
    )
    forecast.add_argument("--workers", type=_workers, default=None, help="processes (default: all cores)")
    _posterior_option(forecast)
    _output_options(forecast)
    forecast.add_argument("--lang", choices=("nl", "en"), default="nl", help="workbook, chart and table language (default nl)")
    _overwrite(forecast)


def _executor_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument("--executor", choices=("local", "dask"), default="local", help="local processes (default) or Dask")
    parser.add_argument("--workers", type=_workers, default=None, help="processes or Dask workers (default: all cores)")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler, e.g. tcp://HOST:8786")
    parser.add_argument("--out", type=_folder, default=Path(default_out), help=f"store folder, new or empty (default {default_out})")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    group.add_argument("--overwrite", action="store_true", help="replace sdsim's files in an existing --out")


def _posterior_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--posterior", type=Path, default=None,
                        help="a fit's folder (draws.csv of sdsim calibrate): replicate r runs parameter set r mod n")  # fmt: skip


def _draws(args: argparse.Namespace):
    """The posterior of ``--posterior`` (``scenarios.posterior``), or None."""
    from sdsim.scenarios.posterior import read_draws

    return read_draws(args.posterior) if args.posterior is not None else None


def _posterior_provenance(draws) -> dict[str, object]:
    return {} if draws is None else {"posterior": draws.provenance()}


def _overwrite(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--overwrite", action="store_true", help="replace sdsim's files in an existing --out (default: refuse)")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def _table(summary: dict) -> str:
    """The default metrics in the first and last year, mean [p5, p95]; budget lines without spending are left out."""
    from sdsim.simulation.indicators import DEFAULT_METRICS, label, unit

    years = list(summary)
    shown = [years[0], years[-1]] if len(years) > 1 else years
    lines = [f"{'metric':44s}" + "".join(f"{y + ' mean [p5, p95]':>36s}" for y in shown)]
    for metric in DEFAULT_METRICS:
        stats = [summary[y].get(metric) for y in shown]
        if metric.startswith("spending.") and not any(s and (s["p5"] or s["p95"]) for s in stats):
            continue
        cells = [f"{_fmt(s['mean'])} [{_fmt(s['p5'])}, {_fmt(s['p95'])}]" if s else "n/a" for s in stats]
        name = f"{label(metric)} ({unit(metric)})" if unit(metric) else label(metric)
        lines.append(f"{name:44s}" + "".join(f"{c:>36s}" for c in cells))
    return "\n".join(lines)


RUN_FILES = ("summary.json", "yearly.csv", "monthly.parquet", "monthly.csv", "published.csv")
COMPARE_FILES = ("comparison.json", "comparison.csv", "report.html", "figures/*.png")
CALIBRATE_FILES = ("calibration.json", "posterior.parquet", "draws.csv", "fit.csv", "forecast.csv", "fit_report.html")
BACKTEST_FILES = ("backtest.json", "scores.csv", "forecast.csv", "backtest.html")
VALIDATE_FILES = ("validation.html", "validation.csv", "validation.md")
STORE_FILES = ("sensitivity.json", "complete.json", "sweep.json", "chunks/part-*.parquet", "figures/*.png")


def check_memory(replicates: int, scenarios: int, years: int) -> None:
    """Refuse a run whose monthly results (held in memory, 8 bytes a value) would not fit in half of this machine's memory."""
    from sdsim.simulation.indicators import metric_names

    needed = replicates * scenarios * len(metric_names()) * 12 * years * 8
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return
    if needed > available:
        raise ScenarioError(
            "--replicates",
            "",
            f"{replicates} replicates x {years} years need {needed / 2**30:.0f} GiB for the monthly results,"
            f" more than half of this machine's memory ({available / 2**30:.0f} GiB); use fewer, or `sdsim sweep`",
        )


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--csv-dialect", choices=("en", "nl"), default="en", help="en (default): ',' and decimal point; nl: ';' and decimal comma"
    )


def cmd_run(args: argparse.Namespace) -> int:
    """Run replicates, write outputs (summary.json last), print a short table."""
    from sdsim.experiments.output import prepare_out, provenance, write_atomic, write_json, write_monthly_parquet, yearly_csv
    from sdsim.experiments.runner import run_scenario
    from sdsim.experiments.summary import yearly_summary
    from tqdm import tqdm

    scenario = load_scenario(args.scenario, args.profile)
    draws = _draws(args)
    years = args.years or scenario.years
    check_memory(args.replicates, 1, years)
    out: Path = args.out
    prepare_out(out, args.overwrite, RUN_FILES)
    started = time.perf_counter()
    with tqdm(total=args.replicates, desc=f"{scenario.name}", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        result = run_scenario(scenario, args.replicates, args.seed, years, args.workers, bar.update, draws)
    summary = yearly_summary(result)
    write_atomic(out / "yearly.csv", yearly_csv([result], args.csv_dialect))
    if args.monthly:
        write_monthly_parquet(out / "monthly.parquet", [result])
    if args.published:
        from sdsim.experiments import calibrate as cal
        from sdsim.experiments.runner import default_workers

        prediction = cal.published(scenario, args.replicates, args.seed, years, args.workers or default_workers(), draws)
        write_atomic(out / "published.csv", cal.tidy_forecast(prediction, cal.all_observations(None), cal.geography(scenario)))
    # summary.json is written last: its presence means the run completed.
    write_json(out / "summary.json", {"provenance": provenance(result, args.replicates) | _posterior_provenance(draws), "years": summary})
    print(f"{scenario.name}: {args.replicates} replicates x {years} years in {time.perf_counter() - started:.1f} s -> {out}/")
    print(_table(summary))
    return 0


def _distinct_names(base, alternatives) -> None:
    """Every scenario of a comparison needs its own name: outputs and the report are keyed by it."""
    seen = {base.name: base.path}
    for other in alternatives:
        if other.name in seen:
            raise ScenarioError(other.path, "name", f"{other.name!r} is also the name of {seen[other.name]}; names must differ")
        seen[other.name] = other.path


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the base and alternatives with the same seeds; write comparison.csv, report.html and comparison.json (last)."""
    from sdsim.experiments.compare import check_comparable, paired_summary, run_comparison
    from sdsim.experiments.output import comparison_csv, prepare_out, provenance, write_atomic, write_json
    from sdsim.experiments.report import write_report
    from sdsim.experiments.summary import check_finite
    from tqdm import tqdm

    base = load_scenario(args.base)
    alternatives = [load_scenario(path) for path in args.alternatives]
    draws = _draws(args)
    _distinct_names(base, alternatives)
    shared = args.burn_in == "shared"
    for other in alternatives:
        check_comparable(base, other, shared)
    years = args.years or base.years
    check_memory(args.replicates, 1 + len(alternatives), years)
    out: Path = args.out
    prepare_out(out, args.overwrite, COMPARE_FILES)
    started = time.perf_counter()
    total = args.replicates * (1 + len(alternatives))
    with tqdm(total=total, desc="compare", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        comparison = run_comparison(base, alternatives, args.replicates, args.seed, years, args.workers, bar.update, shared, draws)
    for result in comparison.results:
        check_finite(result)
    differences = paired_summary(comparison)
    prov = {
        "base": provenance(comparison.base, args.replicates),
        "alternatives": [provenance(r, args.replicates)["scenario"] for r in comparison.alternatives],
        **_posterior_provenance(draws),
        "common_random_numbers": f"replicate r of every scenario uses stream_key({args.seed}, r)",
        "burn_in": "shared: every scenario starts from the base at the start year" if shared else "own: each scenario's own history",
    }
    write_atomic(out / "comparison.csv", comparison_csv(differences, args.csv_dialect))
    report = write_report(comparison, out, prov, lang=args.lang)
    # comparison.json is written last: its presence means the comparison completed.
    write_json(out / "comparison.json", {"provenance": prov, "differences": differences})
    seconds = time.perf_counter() - started
    print(f"{len(alternatives) + 1} scenarios x {args.replicates} replicates x {years} years in {seconds:.1f} s -> {out}/")
    for name, periods in differences.items():
        period = next(p for p in periods if "-" in p)
        s, n = periods[period]["spending.total"], periods[period]["net_cost"]
        print(
            f"{name}: {period} net cost {_fmt(n['mean'])} [{_fmt(n['p5'])}, {_fmt(n['p95'])}], P(saving) {n['prob_lower']:.0%}; "
            f"spending {_fmt(s['mean'])} [{_fmt(s['p5'])}, {_fmt(s['p95'])}], P(falls) {s['prob_lower']:.0%}"
        )
    print(f"report: {report}")
    return 0


def _run_store(sweep, args: argparse.Namespace) -> dict:
    """Run a sweep into ``args.out`` on the chosen executor, with a progress bar (rate, ETA)."""
    from sdsim.experiments.executors import DaskExecutor, LocalExecutor, execute
    from tqdm import tqdm

    if args.executor == "dask" or args.scheduler:
        executor = DaskExecutor(args.workers, args.scheduler)
        print(f"Dask scheduler {executor.address}; dashboard {executor.dashboard}", file=sys.stderr)
    else:
        executor = LocalExecutor(args.workers)
    try:
        with tqdm(total=sweep.n_chunks, desc=sweep.name, unit="chunk", file=sys.stderr, delay=1.0) as bar:
            return execute(sweep, args.out, executor, resume=args.resume, on_done=bar.update)
    finally:
        executor.close()


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep file into a resumable Parquet store; print what it holds."""
    from sdsim.experiments.output import prepare_out
    from sdsim.experiments.store import describe_store
    from sdsim.experiments.sweep import load_sweep

    sweep = dataclasses.replace(load_sweep(args.sweep), draws=_draws(args))
    prepare_out(args.out, args.overwrite, STORE_FILES, resume=args.resume)
    started = time.perf_counter()
    summary = _run_store(sweep, args)
    seconds = time.perf_counter() - started
    rate = sweep.n_tasks / seconds
    print(f"{sweep.name}: {sweep.n_tasks} tasks in {summary['chunks']} chunks, {seconds:.1f} s ({rate:.1f} tasks/s) -> {args.out}/")
    print(describe_store(args.out))
    return 0


def sensitivity_sweep(args: argparse.Namespace):
    """Everything ``sdsim sensitivity`` checks before it runs: the problem, the scenarios, the design as a sweep.

    Returns:
        ``(problem, x, sweep)``: the SALib problem, the sample matrix and the sweep that runs it.
    """
    from sdsim.experiments import sensitivity as sa
    from sdsim.experiments.compare import check_comparable
    from sdsim.experiments.sweep import Sweep, check_rows, check_shared_burn_in

    problem = sa.load_problem(args.params)
    scenarios = [load_scenario(args.scenario)]
    if args.compare:
        scenarios.append(load_scenario(args.compare))
        _distinct_names(scenarios[0], scenarios[1:])
        check_comparable(scenarios[0], scenarios[1])
    x = sa.sample(problem, args.method, args.n, args.seed)
    sa.check_samples(args.params, problem, x)  # no silent clipping of unbounded distributions
    rows = tuple(dict(zip(problem.names, map(float, row), strict=True)) for row in x)
    check_rows(args.params, rows, scenarios, key="parameters")
    extra = {"method": args.method, "n": args.n, "problem": {"names": problem.names, "bounds": problem.bounds, "dists": problem.dists}}
    check_shared_burn_in(args.params, scenarios, rows, args.burn_in)
    sweep = Sweep(f"sensitivity-{args.method}", tuple(scenarios), rows, args.replicates, args.seed, args.years, sa.METRICS, 32,
                  args.params, extra, args.burn_in, _draws(args))  # fmt: skip
    return problem, x, sweep


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Sobol or Morris indices of outputs over the first ``--years`` years, noise-aware, with plots; sensitivity.json last."""
    from sdsim.experiments import sensitivity as sa
    from sdsim.experiments.output import prepare_out, provenance_of, write_json
    from sdsim.experiments.store import read_store

    problem, x, sweep = sensitivity_sweep(args)
    rows, scenarios = sweep.rows, sweep.scenarios
    prepare_out(args.out, args.overwrite, STORE_FILES, resume=args.resume)
    started = time.perf_counter()
    _run_store(sweep, args)
    table = read_store(args.out)
    results = {}
    print(f"{len(rows)} design rows x {args.replicates} replicates x {len(scenarios)} scenarios in {time.perf_counter() - started:.0f} s")
    for name, values in sa.outputs(table, len(scenarios), len(rows), args.replicates, args.years, sweep.start_year).items():
        indices = sa.analyze(problem, args.method, x, values.mean(axis=1), seed=args.seed)
        noise = sa.noise_share(values)
        unresolved = sa.unresolved(problem, args.method, indices)
        results[name] = sa.named_result(problem, indices, noise, unresolved)
        if name in ("spending.total", "difference.spending.total", "escalations", "waiting_time.access"):
            sa.plot(problem, args.method, indices, name, args.out / "figures" / f"{name}.png")
            print(sa.describe_output(problem, args.method, name, indices, noise, unresolved, args.replicates))
            if noise is not None and noise > sa.NOISE_WARNING:
                print(f"  warning: {name}: replicate noise is {noise:.0%} of the variance of row means; the indices mostly measure"
                      " noise: more --replicates", file=sys.stderr)  # fmt: skip
            if unresolved:
                print(f"  warning: {name}: unresolved (interval wider than the index, or outside [0, 1]): {', '.join(unresolved)};"
                      " more --replicates or a larger --n", file=sys.stderr)  # fmt: skip
    # sensitivity.json is written last: its presence means the analysis completed.
    write_json(args.out / "sensitivity.json", {"provenance": provenance_of(sweep.describe()), "outputs": results})
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the comparable year, print the validation table, write validation.csv, validation.md and validation.html."""
    from sdsim.experiments import validate
    from sdsim.experiments.output import prepare_out, write_atomic
    from tqdm import tqdm

    scenario = load_scenario(args.scenario)
    check_memory(args.replicates, 1, scenario.years)
    out: Path = args.out
    prepare_out(out, args.overwrite, VALIDATE_FILES)
    with tqdm(total=args.replicates, desc=f"validate {scenario.name}", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        table = validate.run_validation(scenario, args.replicates, seed=args.seed, on_done=bar.update)
    write_atomic(out / "validation.csv", validate.csv_text(table))
    write_atomic(out / "validation.md", validate.markdown_text(table))
    write_atomic(out / "validation.html", validate.html_text(table))  # last: its presence means the validation completed
    print(validate.text_table(table))
    print(f"-> {out}/validation.csv, {out}/validation.md, {out}/validation.html")
    return 1 if args.strict and not validate.criteria_met(table) else 0


# With a caseload, replicate r starts from the burn-in of replicate r mod this many (then its own draws): measured on the
# default municipality, 100 replicates x 5 years, the p10-p90 bands of spending per line are as wide as with one burn-in
# per replicate (within the noise of a percentile over 100 replicates), and the simulation takes a third of the time.
CASELOAD_STATES = 10


def cmd_forecast(args: argparse.Namespace) -> int:
    """Forecast per budget line and year; write forecast.xlsx, forecast.csv, figures and, last, forecast.json."""
    from sdsim.experiments import forecast as fc
    from sdsim.experiments.compare import check_comparable
    from sdsim.experiments.output import prepare_out, provenance, write_json
    from sdsim.experiments.runner import run_scenarios
    from sdsim.experiments.summary import check_finite
    from sdsim.scenarios.caseload import read_caseload
    from tqdm import tqdm

    base = load_scenario(args.scenario)
    draws = _draws(args)
    start_year = fc.first_year(args.start, base.profile.start_year, args.caseload is not None)
    years = args.years
    run_years = start_year - base.profile.start_year + years  # the years before the start are simulated, not reported
    calendar = tuple(range(start_year, start_year + years))
    budget = fc.read_budget(args.budget, calendar) if args.budget is not None else fc.profile_budget(base, calendar)
    caseload = read_caseload(args.caseload, start_year) if args.caseload is not None else None
    scenarios = [base]
    shared = args.burn_in == "shared" or caseload is not None  # a caseload is today's state: every scenario starts from it
    if args.compare is not None:
        alternative = load_scenario(args.compare)
        _distinct_names(base, [alternative])
        check_comparable(base, alternative, shared)
        scenarios.append(alternative)
    if base.profile.path_gap(run_years) is not None:
        raise ScenarioError(base.profile_path, "population_path", f"does not cover the {years} years {calendar[0]}-{calendar[-1]}")
    check_memory(args.replicates, len(scenarios), run_years)
    out: Path = args.out
    prepare_out(out, args.overwrite, fc.FORECAST_FILES)
    started = time.perf_counter()
    with tqdm(total=args.replicates * len(scenarios), desc="forecast", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        states = CASELOAD_STATES if caseload is not None else None  # the caseload gives today's care; the rest from a few burn-ins
        results = run_scenarios(
            scenarios, args.replicates, args.seed, run_years, args.workers, bar.update, shared and len(scenarios) > 1, caseload, states,
            draws,
        )  # fmt: skip
    results = [result.since(start_year) for result in results]
    for result in results:
        check_finite(result)
    simulated = time.perf_counter() - started
    prov = {
        "command": "sdsim forecast",
        "base": provenance(results[0], args.replicates),
        "alternative": provenance(results[1], args.replicates)["scenario"] if len(results) > 1 else None,
        "budget": str(budget.path) if budget is not None else None,
        "caseload": str(args.caseload) if args.caseload is not None else None,
        "burned_in_states": f"replicate r starts from burn-in r mod {CASELOAD_STATES}" if caseload is not None else "one per replicate",
        "start": f"{start_year}-01",
        "simulated_from": f"{base.profile.start_year}-01 (the profile's start year; the years before the start are simulated under"
        " each scenario's own policy and not reported)",
        "common_random_numbers": f"replicate r of every scenario uses stream_key({args.seed}, r)",
        "burn_in": "shared: both start from the base's burned-in state at the start year" if shared and len(results) > 1 else "own",
    } | _posterior_provenance(draws)
    forecasts = fc.write_outputs(out, results, years, budget, prov, args.lang, draws, args.csv_dialect)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    # forecast.json is written last: its presence means the forecast completed.
    write_json(out / "forecast.json", {"provenance": prov, "files": files})
    seconds = time.perf_counter() - started
    print(f"{base.name}: {args.replicates} replicates x {years} years ({len(scenarios)} scenario(s)) in {seconds:.1f} s"
          f" (simulation {simulated:.1f} s) -> {out}/")  # fmt: skip
    print(fc.text_table(forecasts[0], args.lang))
    if len(forecasts) > 2:
        print()
        print(fc.text_table(forecasts[2], args.lang))
    return 0


def _calibration_packages(args: argparse.Namespace) -> None:
    """The optional packages of ``calibrate`` and ``backtest``, or one line saying how to install them."""
    try:
        import pyarrow  # noqa: F401  (posterior.parquet)
        import scoringrules  # noqa: F401  (the back-test's CRPS)
    except ImportError:
        raise ScenarioError(f"sdsim {args.command}", "", "needs the optional packages: pip install 'sdsim[calibrate]'") from None


def _fit(args: argparse.Namespace, setup):
    """Run the fit of ``setup`` on the chosen executor; progress on stderr."""
    from sdsim.calibration.fit import run_fit
    from sdsim.experiments.runner import default_workers

    if args.executor == "dask" and not args.scheduler:
        raise ScenarioError("--scheduler", "", "--executor dask needs the address of a running scheduler")

    log = lambda line: print(f"{setup.scenario.name}: {line}", file=sys.stderr)  # noqa: E731
    log(f"fitting {len(setup.problem.names)} parameters to {len(setup.observations)} figures")
    workers = args.workers or default_workers()
    dask = args.scheduler if args.executor == "dask" else None
    posterior = run_fit(setup, waves=args.waves, workers=workers, dask_address=dask, log=log)
    log(f"{posterior.evaluations:,} simulations in {posterior.seconds:.0f} s ({posterior.evaluations / posterior.seconds:.1f} a second)")
    return posterior, workers, dask


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the national model; write posterior.parquet, draws.csv, fit.csv, forecast.csv, fit_report.html, calibration.json (last)."""
    from sdsim.experiments import calibrate as cal
    from sdsim.experiments.output import prepare_out, provenance_of, write_atomic, write_json

    _calibration_packages(args)
    known = cal.all_observations(args.targets)
    setup = cal.load_setup(args.scenario, args.profile, args.params, known, args.fit_years, args.seed)
    out: Path = args.out
    prepare_out(out, args.overwrite, CALIBRATE_FILES)
    posterior, workers, dask = _fit(args, setup)
    prediction = cal.predict(setup, posterior, setup.scenario.profile.start_year + setup.scenario.years - 1, workers, dask)
    rows = cal.fit_rows(prediction, known, args.fit_years)
    cal.posterior_parquet(out / "posterior.parquet", posterior)
    write_atomic(out / "draws.csv", cal.draws_csv(setup, posterior))
    write_atomic(out / "fit.csv", cal.rows_csv(rows))
    write_atomic(out / "forecast.csv", cal.tidy_forecast(prediction, known))
    write_atomic(out / "fit_report.html", cal.fit_report(setup, posterior, prediction, rows, known))
    stats = cal.series_statistics(rows)
    write_json(out / "calibration.json", provenance_of(cal.summary(setup, posterior, args)) | {"series": stats})
    print(cal.text_summary(setup, posterior, stats))
    print(f"-> {out}/posterior.parquet, draws.csv, fit.csv, forecast.csv, fit_report.html, calibration.json")
    return 0


def cmd_backtest(args: argparse.Namespace) -> int:
    """Fit on the fit years, forecast the test years, score, per rolling origin.

    Writes scores.csv, forecast.csv, backtest.html and, last, backtest.json.
    """
    from sdsim.experiments import calibrate as cal
    from sdsim.experiments.output import prepare_out, provenance_of, write_atomic, write_json

    _calibration_packages(args)
    known = cal.all_observations(args.targets)
    spans = cal.origins(args.fit_years, args.test_years, args.origins)
    setups = [cal.load_setup(args.scenario, args.profile, args.params, known, fit, args.seed) for fit, _ in spans]
    if args.population == "known":
        setups = [cal.known_at_origin(setup) for setup in setups]
    tests = [cal.test_observations(known, fit, test, setup.scenario) for (fit, test), setup in zip(spans, setups, strict=True)]
    out: Path = args.out
    prepare_out(out, args.overwrite, BACKTEST_FILES)
    by_origin = {}
    for setup, test, (fit, test_years) in zip(setups, tests, spans, strict=True):
        posterior, workers, dask = _fit(args, setup)
        prediction = cal.predict(setup, posterior, test_years[1], workers, dask)
        by_origin[fit[1]] = cal.backtest_scores(prediction, setup.observations, test)
    scored = cal.scored_origins(by_origin)
    write_atomic(out / "scores.csv", cal.scores_csv(scored))
    write_atomic(out / "forecast.csv", cal.tidy_forecast(prediction, known))
    write_atomic(out / "backtest.html", cal.backtest_report(setup, posterior, prediction, test, scored))
    extra = cal.summary(setup, posterior, args) | {
        "test_years": list(args.test_years),
        "origins": [fit[1] for fit, _ in spans],
        "population": args.population,
    }
    records = {origin: [cal.score_record(s) for s in scores] for origin, scores in scored.items()}
    write_json(out / "backtest.json", provenance_of(extra) | {"scores": records[str(args.fit_years[1])], "scores_by_origin": records})
    print(cal.scores_text(scored.get("pooled", scored[str(args.fit_years[1])])))
    print(f"-> {out}/scores.csv, forecast.csv, backtest.html, backtest.json")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    """Build a profile from a figures file and write it (never over an existing file)."""
    from sdsim.experiments.output import write_atomic
    from sdsim.scenarios.build import build_profile, read_figures
    from sdsim.scenarios.loader import check_name

    name = check_name("--name", "", args.name or args.figures.stem)
    out: Path = args.out or Path(f"{args.figures.stem}.toml")
    if out.exists():
        raise ScenarioError("--out", "", f"{out} exists; choose a new file")
    write_atomic(out, build_profile(read_figures(args.figures), name, out, args.figures))
    print(f'{out}: profile of {name}; a scenario names it as profile = "{out}"')
    return 0


def cmd_parameters(args: argparse.Namespace) -> int:
    """Print the parameter registry (the names starting with ``--prefix``)."""
    from sdsim.simulation.parameters import REGISTRY

    chosen = [p for p in REGISTRY if p.name.startswith(args.prefix)]
    if not chosen:
        raise ScenarioError("--prefix", "", f"no parameter name starts with {args.prefix!r} (see `sdsim parameters`)")
    print(f"{'name':48s} {'default':>12s} {'plausible range':>26s}  unit; source")
    for p in chosen:
        rng = f"[{p.plausible[0]:.4g}, {p.plausible[1]:.4g}]"
        print(f"{p.name:48s} {p.default:12.6g} {rng:>26s}  {p.unit}; {p.source}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sdsim`` console command."""
    args = build_parser().parse_args(argv)
    try:
        commands = {
            "run": cmd_run,
            "compare": cmd_compare,
            "sweep": cmd_sweep,
            "sensitivity": cmd_sensitivity,
            "validate": cmd_validate,
            "forecast": cmd_forecast,
            "calibrate": cmd_calibrate,
            "backtest": cmd_backtest,
            "profile": cmd_profile,
            "parameters": cmd_parameters,
        }
        status = commands[args.command](args)
        sys.stdout.flush()
        return status
    except ScenarioError as err:
        print(f"sdsim: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `sdsim parameters | head`: the reader left; nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as err:  # a full disk, a folder removed meanwhile: the system's reason, in one line
        print(f"sdsim: error: {err.filename or 'sdsim'}: {err.strerror or type(err).__name__}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sdsim: interrupted; no complete output was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
