"""Speed of the national fit (issue 12: with its posterior in under 15 minutes on 2 cores).

Run ``python -m benchmarks.national_fit`` (a few minutes): it runs ``sdsim calibrate`` (the defaults: the national
scenario, calibration/national.toml, fit years 2015-2019, seed 0) with 2 workers in a subprocess, wall clock, and
reads the fit's own line ``N simulations in S s (R a second)``. The last line is
``national fit: <seconds> s wall, <N> simulations, <R> a second on <W> workers (target 900 s)``.
With ``--executor dask --scheduler ADDRESS`` the same fit runs on a Dask cluster (same posterior: the simulations
are mapped in a fixed order).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time

TARGET_SECONDS = 900


def main(argv: list[str] | None = None) -> None:
    """Time ``sdsim calibrate`` and print the fit's simulations per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", default=None)
    args = parser.parse_args(argv)
    extra = ["--executor", args.executor] + (["--scheduler", args.scheduler] if args.scheduler else [])
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "sdsim.experiments.cli", "calibrate", "--workers", str(args.workers), "--out", tmp,
                   "--overwrite", *extra]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
    print(done.stdout)
    match = re.search(r"([\d,]+) simulations in ([\d.]+) s \(([\d.]+) a second\)", done.stderr)
    sims, rate = (match[1], match[3]) if match else ("?", "?")
    print(f"national fit: {wall:.0f} s wall, {sims} simulations, {rate} a second on {args.workers} workers (target {TARGET_SECONDS} s)")


if __name__ == "__main__":
    main()
