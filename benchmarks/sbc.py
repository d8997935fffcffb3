"""Parameter recovery at scale (issue 12): simulation-based calibration of the fit, more rounds than the test.

Run ``python -m benchmarks.sbc [--fits 60]`` (about 10 s a fit): the national sample cut to 2,000 households
(``calibration.sbc.small_scenario``), three free parameters, three series. It prints the coverage of the 90 %
intervals with its binomial 95 % range, and a histogram of the truth's ranks among the posterior draws in
five bins (uniform if the posterior is calibrated).
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats
from sdsim.calibration.sbc import recover, small_scenario
from sdsim.experiments.sensitivity import Problem
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario

PROBLEM = Problem(
    ("onset.jeugd.children", "onset.wmo.elderly", "trend.jeugd"), ((0.0059, 0.0236), (0.015, 0.06), (-0.05, 0.08)), ("unif",) * 3
)
SERIES = ("jeugdzorg_youth", "wmo_clients", "jh_active")


def main(argv: list[str] | None = None) -> None:
    """Run the rounds; print coverage and the rank histogram."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = recover(small_scenario(load_scenario(SCENARIO_DIR / "nederland.toml")), PROBLEM, SERIES, args.fits, args.seed)
    n = result.covered.size
    low, high = stats.binom(n, 0.9).ppf([0.025, 0.975])
    print(f"90 % intervals: {result.covered.sum()} of {n} cover the truth ({result.covered.mean():.1%}; binomial 95 % range"
          f" {low / n:.1%}-{high / n:.1%})")  # fmt: skip
    for j, name in enumerate(PROBLEM.names):
        counts = np.histogram(result.ranks[:, j], bins=5, range=(0, 1))[0]
        print(f"{name:32s} ranks by fifth: {counts.tolist()} (expected {args.fits / 5:.0f} each)")


if __name__ == "__main__":
    main()
