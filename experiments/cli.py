"""The ``sdsim`` command line.

``sdsim run [SCENARIO.toml] [--replicates R] [--seed S] [--years Y] [--out DIR]`` runs Monte Carlo
replicates and writes ``DIR/summary.json`` and ``DIR/monthly.csv``; ``sdsim compare BASE ALT...``
runs scenarios with common random numbers and writes ``DIR/comparison.json``, ``comparison.csv`` and
``report.html``; ``sdsim parameters`` lists the parameter registry. User mistakes print one line and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from scenarios.loader import BASELINE, ScenarioError, load_scenario

EXIT_USAGE = 2
TABLE_METRICS = (
    ("spending.total", "spending, total (EUR)"),
    ("spending.jeugd_ambulant", "  jeugd ambulant"),
    ("spending.jeugd_verblijf", "  jeugd verblijf"),
    ("spending.wmo_hbh", "  wmo hbh"),
    ("spending.participatie_bijstand", "  bijstand"),
    ("revenue.total", "revenue, total (EUR)"),
    ("clients_tier.general", "clients general provisions"),
    ("clients_tier.maatwerk", "clients maatwerk"),
    ("clients_tier.specialist", "clients specialist"),
    ("clients_tier.forced", "clients gedwongen kader"),
    ("waiting_time.access.jeugd", "wait access jeugd (months)"),
    ("crises.jeugd", "crises jeugd"),
)


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
    """The argument parser (sub-commands ``run`` and ``parameters``)."""
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
    params = sub.add_parser("parameters", help="list every model parameter with default, range and source")
    params.add_argument("--prefix", default="", help="only names starting with this")
    return parser


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def _table(summary: dict) -> str:
    years = list(summary)
    shown = [years[0], years[-1]] if len(years) > 1 else years
    lines = [f"{'metric':32s}" + "".join(f"{y + ' mean [p5, p95]':>36s}" for y in shown)]
    for metric, label in TABLE_METRICS:
        cells = []
        for y in shown:
            s = summary[y].get(metric)
            cells.append(f"{_fmt(s['mean'])} [{_fmt(s['p5'])}, {_fmt(s['p95'])}]" if s else "n/a")
        lines.append(f"{label:32s}" + "".join(f"{c:>36s}" for c in cells))
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    """Run replicates, write outputs, print a short table."""
    from tqdm import tqdm

    from experiments.output import monthly_csv, provenance, write_atomic, write_json
    from experiments.runner import run_scenario
    from experiments.summary import yearly_summary

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
    from tqdm import tqdm

    from experiments.compare import check_comparable, paired_summary, run_comparison
    from experiments.output import comparison_csv, provenance, write_atomic, write_json
    from experiments.report import write_report

    base = load_scenario(args.base)
    alternatives = [load_scenario(path) for path in args.alternatives]
    for other in alternatives:
        check_comparable(base, other)
    years = args.years or base.years
    started = time.perf_counter()
    total = args.replicates * (1 + len(alternatives))
    with tqdm(total=total, desc="compare", unit="replicate", delay=3.0, file=sys.stderr) as bar:
        comparison = run_comparison(base, alternatives, args.replicates, args.seed, years, args.workers, on_done=bar.update)
    differences = paired_summary(comparison)
    out: Path = args.out
    prov = {
        "base": provenance(comparison.base, args.replicates),
        "alternatives": [provenance(r, args.replicates)["scenario"] for r in comparison.alternatives],
        "common_random_numbers": f"replicate r of every scenario uses stream_key({args.seed}, r)",
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


def cmd_parameters(args: argparse.Namespace) -> int:
    """Print the parameter registry."""
    from simulation.parameters import REGISTRY

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
        return {"run": cmd_run, "compare": cmd_compare, "parameters": cmd_parameters}[args.command](args)
    except ScenarioError as err:
        print(f"sdsim: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sdsim: interrupted; no complete output was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
