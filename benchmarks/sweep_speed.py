"""Sweep throughput: local processes vs a local Dask cluster, a Sobol design's wall time, driver memory.

Run ``python -m benchmarks.sweep_speed`` (about 10 minutes on 2 cores) or with ``--quick``. Tasks are
the default municipality over a 5-year horizon (plus its burn-in). Prints tasks per second for
the local executor and a local Dask cluster with the same number of workers (and the Dask overhead),
the wall time of a Sobol design with 12 parameters and N = 512 (13,312 runs), and the peak memory of
the driver on a 100,000-task sweep of a tiny municipality (the bound of ``experiments.executors``).
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sdsim.experiments.executors import DaskExecutor, LocalExecutor, execute
from sdsim.experiments.runner import default_workers
from sdsim.experiments.sensitivity import METRICS, OUTPUT_YEARS, Problem, sample
from sdsim.experiments.sweep import Sweep
from sdsim.scenarios.loader import BASELINE, load_scenario
from sdsim.simulation.parameters import BY_NAME

SOBOL_PARAMETERS = (
    "escalate.jeugd",
    "escalate.wmo",
    "ask.jeugd.moderate",
    "ask.wmo.moderate",
    "resolve_own.jeugd",
    "resolve_own.wmo",
    "general_resolve.wmo",
    "door_gp.jeugd",
    "multiproblem.escalation_mult",
    "care.wmo_hbh.mean_duration",
    "tariff.jeugd_ambulant",
    "lever.shift.wmo_hbh.share",
)


def _rate(sweep: Sweep, executor) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        execute(sweep, Path(folder) / "store", executor)
        return sweep.n_tasks / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer tasks; no Sobol design or 100,000-task sweep")
    parser.add_argument("--memory", action="store_true", help="only the 100,000-task memory measurement")
    parser.add_argument("--sobol", action="store_true", help="only the Sobol design's wall time")
    args = parser.parse_args()
    if args.memory:
        memory_bound()
        return
    if args.sobol:
        sobol_time()
        return
    workers = default_workers()
    base = load_scenario(BASELINE)
    tasks = 16 if args.quick else 64
    rows = tuple({"escalate.jeugd": float(v)} for v in np.linspace(0.02, 0.04, tasks // 2))
    sweep = Sweep("throughput", (base,), rows, 2, 0, OUTPUT_YEARS, METRICS, 4)
    _rate(sweep, LocalExecutor(workers))  # warm the compile cache of the worker processes
    local = _rate(sweep, LocalExecutor(workers))
    dask = DaskExecutor(workers)
    try:
        _rate(sweep, dask)  # warm the workers
        through_dask = _rate(sweep, dask)
    finally:
        dask.close()
    print(f"default municipality, 5 years, {workers} workers: local {local:.2f} tasks/s, Dask {through_dask:.2f} tasks/s")
    print(f"Dask overhead: {100 * (local / through_dask - 1):.1f} % of the local executor's time")
    if args.quick:
        return
    sobol_time()
    memory = subprocess.run([sys.executable, "-m", "benchmarks.sweep_speed", "--memory"], capture_output=True, text=True, check=True)
    print(memory.stdout.strip())
    print(f"local executor: {local:.2f} tasks/s")


def sobol_time() -> None:
    """Wall time of a Sobol design with 12 parameters and N = 512 (13,312 runs), as `sdsim sensitivity` runs it."""
    base = load_scenario(BASELINE)
    problem = Problem(SOBOL_PARAMETERS, tuple(BY_NAME[n].plausible for n in SOBOL_PARAMETERS), ("unif",) * len(SOBOL_PARAMETERS))
    x = sample(problem, "sobol", 512)
    design = tuple(dict(zip(problem.names, map(float, row), strict=True)) for row in x)
    sobol = Sweep("sobol", (base,), design, 1, 0, OUTPUT_YEARS, METRICS, 32, burn_in="shared")  # as `sdsim sensitivity`
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        execute(sobol, Path(folder) / "store", LocalExecutor(default_workers()))
        print(f"Sobol design, 12 parameters, N = 512: {sobol.n_tasks} runs in {time.perf_counter() - started:.0f} s")


def memory_bound() -> None:
    """A 100,000-task sweep of a tiny municipality (in its own process): driver peak memory against the bound."""
    base = load_scenario(BASELINE)
    tiny = dataclasses.replace(base, profile=base.profile.scaled(50).model_copy(update={"burn_in_years": 0}))
    workers = default_workers()
    many = Sweep("memory", (tiny,), ({},), 100_000, 0, 1, ("spending.total",), 500)
    bound = 2 * workers * many.chunk_size * (4 + len(many.columns)) * 8 / 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        execute(many, Path(folder) / "store", LocalExecutor(workers))
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"100,000-task sweep: {seconds:.0f} s ({many.n_tasks / seconds:.0f} tasks/s); driver peak memory {peak:.0f} MiB "
          f"({before:.0f} MiB before the sweep; chunk results in flight at most {bound:.2f} MiB)")  # fmt: skip


if __name__ == "__main__":
    main()
