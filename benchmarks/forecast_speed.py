"""Speed of ``sdsim forecast``: the default municipality, 5 years, 200 replicates, 2 workers, warm cache (issue 13: < 15 s).

Run ``python -m benchmarks.forecast_speed`` (about a minute on 2 cores; ``--replicates 20`` for a quick check). It
first runs a one-replicate forecast so that the numba kernels are loaded from the cache, then:

1. times the whole command (``sdsim forecast scenarios/baseline.toml --budget scenarios/budgets/default.csv``) in a
   subprocess, wall clock, and reads its own split into simulation and outputs from what it prints; then the same
   from today's caseload (``--caseload scenarios/caseloads/default.csv``: replicates start from ten burn-ins);
2. times one replicate in this process, split into the burn-in (``profile.burn_in_years`` years run before the start
   year, every replicate its own) and the forecast years from the burned-in state, so that it shows where the
   simulation's time goes.

The last line is ``forecast: <seconds> s for <R> replicates x <Y> years on <W> workers (target 15 s)``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


CASELOAD = ["--caseload", str(ROOT / "scenarios" / "caseloads" / "default.csv")]


def _command(out: Path, replicates: int, years: int, workers: int, extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, "-m", "sdsim.experiments.cli", "forecast", str(ROOT / "scenarios" / "baseline.toml"),
            "--budget", str(ROOT / "scenarios" / "budgets" / "default.csv"), "--replicates", str(replicates), "--years", str(years),
            "--workers", str(workers), "--out", str(out), "--overwrite", *extra]  # fmt: skip


def _timed(out: Path, replicates: int, years: int, workers: int, extra: tuple[str, ...] = ()) -> tuple[float, float, float]:
    """Wall clock of the command, and its own total and simulation seconds (from what it prints)."""
    started = time.perf_counter()
    done = subprocess.run(_command(out, replicates, years, workers, extra), check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    match = re.search(r"in ([\d.]+) s \(simulation ([\d.]+) s\)", done.stdout)
    return (wall, float(match[1]), float(match[2])) if match else (wall, float("nan"), float("nan"))


def one_replicate(years: int, seed: int = 0, replicate: int = 0) -> dict[str, float]:
    """Seconds of one replicate: the burn-in alone, then the forecast years from the burned-in state, then the ledger."""
    from sdsim.experiments.runner import replicate_engine
    from sdsim.scenarios.loader import BASELINE, load_scenario
    from sdsim.simulation.engine import Engine
    from sdsim.simulation.indicators import monthly_indicators
    from sdsim.simulation.ledger import book

    scenario = load_scenario(BASELINE)
    started = time.perf_counter()
    engine = Engine(scenario.profile, scenario.params, seed=seed, replicate=replicate, horizon_months=0)
    engine.run(0)
    burn_in = time.perf_counter() - started
    from sdsim.experiments import runner

    runner._BURNED_IN[scenario.sha256, seed, replicate] = engine.households
    started = time.perf_counter()
    forecast = replicate_engine(scenario.profile, scenario.params, seed, replicate, 12 * years, start=scenario)
    tallies = forecast.run()
    horizon = time.perf_counter() - started
    started = time.perf_counter()
    monthly_indicators(tallies, book(tallies, forecast.compiled))
    ledger = time.perf_counter() - started
    return {"burn_in": burn_in, "horizon": horizon, "ledger": ledger, "burn_in_years": scenario.profile.burn_in_years}


def main(argv: list[str] | None = None) -> None:
    """Warm the cache, time the command and one replicate's parts; print a table and the final line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(_command(Path(tmp) / "warm", 1, args.years, 1), check=True, capture_output=True)  # the kernels from the cache
        wall, total, simulation = _timed(Path(tmp) / "out", args.replicates, args.years, args.workers)
        caseload_wall, _, caseload_simulation = _timed(Path(tmp) / "caseload", args.replicates, args.years, args.workers, tuple(CASELOAD))
    parts = min((one_replicate(args.years, replicate=r) for r in range(3)), key=lambda p: p["burn_in"] + p["horizon"])
    per_replicate = parts["burn_in"] + parts["horizon"] + parts["ledger"]
    print(f"{'part':58s} {'seconds':>9s}")
    print(f"{'command, wall clock (start-up, simulation, outputs)':58s} {wall:9.1f}")
    print(f"{'  simulation (as the command reports it)':58s} {simulation:9.1f}")
    print(f"{'  outputs: workbook, CSV, charts, table (the rest)':58s} {total - simulation:9.1f}")
    print(f"{'one replicate (best of 3), in this process:':58s} {per_replicate:9.2f}")
    print(f"{'  burn-in, ' + str(parts['burn_in_years']) + ' years before the start year':58s} {parts['burn_in']:9.2f}")
    print(f"{'  forecast, ' + str(args.years) + ' years from the burned-in state':58s} {parts['horizon']:9.2f}")
    print(f"{'  ledger and indicators':58s} {parts['ledger']:9.3f}")
    share = parts["burn_in"] / per_replicate
    bound = args.replicates * (parts["horizon"] + parts["ledger"]) / args.workers
    print(f"burn-in share of a replicate: {share:.0%}; without it the simulation would take about {bound:.1f} s on {args.workers} workers")
    print(f"from today's caseload: {caseload_wall:.1f} s wall clock, simulation {caseload_simulation:.1f} s (ten burn-ins)")
    print(f"forecast: {wall:.1f} s for {args.replicates} replicates x {args.years} years on {args.workers} workers (target 15 s); "
          f"from a caseload {caseload_wall:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
