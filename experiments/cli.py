"""The ``sdsim`` command line: five sub-commands.

- ``sdsim run [SCENARIO.toml]``: Monte Carlo replicates; writes ``DIR/summary.json`` and
  ``DIR/monthly.csv`` and prints the default metrics (``indicators.DEFAULT_METRICS``).
- ``sdsim compare BASE ALT...``: scenarios with common random numbers; writes
  ``DIR/comparison.json``, ``comparison.csv`` and ``report.html``.
- ``sdsim sweep SWEEP.toml``: scenarios x a parameter design x replicates into a resumable store.
- ``sdsim sensitivity SCENARIO.toml --params PARAMS.toml``: Sobol or Morris indices with SALib.
- ``sdsim parameters``: the parameter registry.

User mistakes print one line and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sdsim.scenarios.loader import BASELINE, ScenarioError, load_scenario
from sdsim.simulation.parameters import BY_NAME

EXIT_USAGE = 2


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (sub-commands ``run``, ``compare``, ``sweep``, ``sensitivity`` and ``parameters``)."""
    parser = argparse.ArgumentParser(prog="sdsim", description="Client flows and money in a Dutch municipality's social domain.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run Monte Carlo replicates of a scenario")
    run.add_argument("scenario", nargs="?", type=Path, default=BASELINE, help="scenario TOML (default: scenarios/baseline.toml)")
    run.add_argument("--replicates", type=_positive, default=20, help="Monte Carlo replicates (default 20)")
    run.add_argument("--seed", type=_non_negative, default=0, help="seed (default 0)")
    run.add_argument("--years", type=_positive, default=None, help="horizon in years (default: the scenario's)")
    run.add_argument("--out", type=Path, default=Path("sdsim-out"), help="output folder (default sdsim-out)")
    run.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
    compare = sub.add_parser("compare", help="compare scenarios with common random numbers; write a report")
    compare.add_argument("base", type=Path, help="base scenario TOML")
    compare.add_argument("alternatives", type=Path, nargs="+", help="alternative scenario TOML files")
    compare.add_argument("--replicates", type=_positive, default=20, help="Monte Carlo replicates (default 20)")
    compare.add_argument("--seed", type=_non_negative, default=0, help="seed (default 0)")
    compare.add_argument("--years", type=_positive, default=None, help="horizon in years (default: the scenarios')")
    compare.add_argument("--out", type=Path, default=Path("sdsim-compare"), help="output folder (default sdsim-compare)")
    compare.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
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
    sens = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity analysis with SALib")
    sens.add_argument("scenario", type=Path, help="scenario TOML")
    sens.add_argument("--params", type=Path, required=True, help="parameter file: names, bounds, distributions")
    sens.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    sens.add_argument("--n", type=_positive, default=1024, help="base sample size N (Sobol: a power of two; default 1024)")
    sens.add_argument("--replicates", type=_positive, default=2, help="replicates per design row (default 2)")
    sens.add_argument("--seed", type=_non_negative, default=0, help="seed of the design and the model (default 0)")
    sens.add_argument("--compare", type=Path, default=None, help="alternative scenario: also analyse paired differences")
    sens.add_argument(
        "--burn-in",
        choices=("shared", "row"),
        default="shared",
        help="shared (default): start every design row from the scenario's state at the start year; row: each row burns in itself",
    )
    _executor_options(sens, "sdsim-sensitivity")
    validate = sub.add_parser("validate", help="compare the model with published figures (CBS): table, CSV, HTML")
    validate.add_argument("scenario", nargs="?", type=Path, default=BASELINE, help="scenario TOML (default: scenarios/baseline.toml)")
    validate.add_argument("--replicates", type=_positive, default=20, help="Monte Carlo replicates (default 20)")
    validate.add_argument("--seed", type=_non_negative, default=0, help="seed (default 0)")
    validate.add_argument("--out", type=Path, default=Path("sdsim-validate"), help="output folder (default sdsim-validate)")
    validate.add_argument("--strict", action="store_true", help="exit 1 unless every acceptance criterion of issue 10 passes")
    params = sub.add_parser("parameters", help="list every model parameter with default, range and source")
    params.add_argument("--prefix", default="", help="only names starting with this")
    return parser


def _executor_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument("--executor", choices=("local", "dask"), default="local", help="local processes (default) or Dask")
    parser.add_argument("--workers", type=_positive, default=None, help="processes or Dask workers (default: all cores)")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler, e.g. tcp://HOST:8786")
    parser.add_argument("--out", type=Path, default=Path(default_out), help=f"store folder (default {default_out})")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")


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


def cmd_run(args: argparse.Namespace) -> int:
    """Run replicates, write outputs, print a short table."""
    from sdsim.experiments.output import monthly_csv, provenance, write_atomic, write_json
    from sdsim.experiments.runner import run_scenario
    from sdsim.experiments.summary import yearly_summary
    from tqdm import tqdm

    scenario = load_scenario(args.scenario)
    years = args.years or scenario.years
    started = time.perf_counter()
    with tqdm(total=args.replicates, desc=f"{scenario.name}", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        result = run_scenario(scenario, args.replicates, seed=args.seed, years=years, workers=args.workers, on_done=bar.update)
    summary = yearly_summary(result)
    out: Path = args.out
    write_atomic(out / "monthly.csv", monthly_csv([result]))
    # summary.json is written last: its presence means the run completed.
    write_json(out / "summary.json", {"provenance": provenance(result, args.replicates), "years": summary})
    print(f"{scenario.name}: {args.replicates} replicates x {years} years in {time.perf_counter() - started:.1f} s -> {out}/")
    print(_table(summary))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Run the base and alternatives with the same seeds; write comparison.json/.csv and report.html."""
    from sdsim.experiments.compare import check_comparable, paired_summary, run_comparison
    from sdsim.experiments.output import comparison_csv, provenance, write_atomic, write_json
    from sdsim.experiments.report import write_report
    from tqdm import tqdm

    base = load_scenario(args.base)
    alternatives = [load_scenario(path) for path in args.alternatives]
    shared = args.burn_in == "shared"
    for other in alternatives:
        check_comparable(base, other, shared)
    years = args.years or base.years
    started = time.perf_counter()
    total = args.replicates * (1 + len(alternatives))
    with tqdm(total=total, desc="compare", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        comparison = run_comparison(base, alternatives, args.replicates, args.seed, years, args.workers, bar.update, shared)
    differences = paired_summary(comparison)
    out: Path = args.out
    prov = {
        "base": provenance(comparison.base, args.replicates),
        "alternatives": [provenance(r, args.replicates)["scenario"] for r in comparison.alternatives],
        "common_random_numbers": f"replicate r of every scenario uses stream_key({args.seed}, r)",
        "burn_in": "shared: every scenario starts from the base at the start year" if shared else "own: each scenario's own history",
    }
    write_atomic(out / "comparison.csv", comparison_csv(differences))
    report = write_report(comparison, out, prov, lang=args.lang)
    # comparison.json is written last: its presence means the comparison completed.
    write_json(out / "comparison.json", {"provenance": prov, "differences": differences})
    seconds = time.perf_counter() - started
    print(f"{len(alternatives) + 1} scenarios x {args.replicates} replicates x {years} years in {seconds:.1f} s -> {out}/")
    for name, periods in differences.items():
        period = next(p for p in periods if "-" in p)
        s = periods[period]["spending.total"]
        print(f"{name}: spending {period} {_fmt(s['mean'])} [{_fmt(s['p5'])}, {_fmt(s['p95'])}], P(falls) {s['prob_lower']:.0%}")
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
    """Run a sweep file into a resumable Parquet store."""
    from sdsim.experiments.sweep import load_sweep

    sweep = load_sweep(args.sweep)
    started = time.perf_counter()
    summary = _run_store(sweep, args)
    seconds = time.perf_counter() - started
    rate = sweep.n_tasks / seconds
    print(f"{sweep.name}: {sweep.n_tasks} tasks in {summary['chunks']} chunks, {seconds:.1f} s ({rate:.1f} tasks/s) -> {args.out}/")

    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Sobol or Morris indices of 5-year outputs, noise-aware, with plots."""
    import numpy as np
    from sdsim.experiments import sensitivity as sa
    from sdsim.experiments.compare import check_comparable
    from sdsim.experiments.output import provenance_of, write_json
    from sdsim.experiments.store import read_store
    from sdsim.experiments.sweep import Sweep, check_shared_burn_in

    problem = sa.load_problem(args.params)
    scenarios = [load_scenario(args.scenario)]
    if args.compare:
        scenarios.append(load_scenario(args.compare))
        check_comparable(scenarios[0], scenarios[1])
    x = sa.sample(problem, args.method, args.n, args.seed)
    low = np.array([BY_NAME[n].bounds[0] for n in problem.names])
    high = np.array([BY_NAME[n].bounds[1] for n in problem.names])
    x = np.clip(x, low, high)  # unbounded distributions (norm, lognorm) stay within what the model accepts
    rows = tuple(dict(zip(problem.names, map(float, row), strict=True)) for row in x)
    extra = {"method": args.method, "n": args.n, "problem": {"names": problem.names, "bounds": problem.bounds, "dists": problem.dists}}
    check_shared_burn_in(args.params, scenarios, rows, args.burn_in)
    sweep = Sweep(f"sensitivity-{args.method}", tuple(scenarios), rows, args.replicates, args.seed, sa.OUTPUT_YEARS, sa.METRICS, 32,
                  args.params, extra, args.burn_in)  # fmt: skip
    started = time.perf_counter()
    _run_store(sweep, args)
    table = read_store(args.out)
    results = {}
    print(f"{len(rows)} design rows x {args.replicates} replicates x {len(scenarios)} scenarios in {time.perf_counter() - started:.0f} s")
    for name, values in sa.outputs(table, len(scenarios), len(rows), args.replicates).items():
        indices = sa.analyze(problem, args.method, x, values.mean(axis=1), seed=args.seed)
        noise = sa.noise_share(values)
        wide = sa.wide_intervals(problem, args.method, indices)
        results[name] = {"indices": indices, "noise_share": noise, "unresolved": wide}
        if name in ("spending.total", "difference.spending.total", "escalations", "waiting_time.access"):
            sa.plot(problem, args.method, indices, name, args.out / "figures" / f"{name}.png")
            head = "S1/ST" if args.method == "sobol" else "mu*"
            print(f"{name}: replicate noise {noise:.1%} of the variance of row means; {head}:")
            for i, param in enumerate(problem.names):
                shown = (f"{indices['S1'][i]:.3f} ± {indices['S1_conf'][i]:.3f} / {indices['ST'][i]:.3f} ± {indices['ST_conf'][i]:.3f}"
                         if args.method == "sobol" else f"{indices['mu_star'][i]:.4g} ± {indices['mu_star_conf'][i]:.2g}")  # fmt: skip
                print(f"  {param:44s} {shown}")
            if wide:
                print(f"  warning: interval wider than the index for {', '.join(wide)}; more replicates or a larger N", file=sys.stderr)
    write_json(args.out / "sensitivity.json", {"provenance": provenance_of(sweep.describe()), "outputs": results})
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the comparable year, print the validation table, write validation.csv and validation.html."""
    from sdsim.experiments import validate
    from sdsim.experiments.output import write_atomic
    from tqdm import tqdm

    scenario = load_scenario(args.scenario)
    with tqdm(total=args.replicates, desc=f"validate {scenario.name}", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        table = validate.run_validation(scenario, args.replicates, seed=args.seed, on_done=bar.update)
    out: Path = args.out
    write_atomic(out / "validation.csv", validate.csv_text(table))
    write_atomic(out / "validation.html", validate.html_text(table))
    print(validate.text_table(table))
    print(f"-> {out}/validation.csv, {out}/validation.html")
    return 1 if args.strict and not validate.criteria_met(table) else 0


def cmd_parameters(args: argparse.Namespace) -> int:
    """Print the parameter registry."""
    from sdsim.simulation.parameters import REGISTRY

    print(f"{'name':48s} {'default':>12s} {'plausible range':>26s}  unit; source")
    for p in REGISTRY:
        if p.name.startswith(args.prefix):
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
            "parameters": cmd_parameters,
        }
        return commands[args.command](args)
    except ScenarioError as err:
        print(f"sdsim: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sdsim: interrupted; no complete output was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
