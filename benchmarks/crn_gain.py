"""The gain of common random numbers on a scenario comparison, measured.

Runs the base and the alternative with the same seed (paired: replicate r of both meets the same
households and draws) and the alternative once more with another seed (independent), then compares
the variance over replicates of the 5-year spending difference. Run
``python -m benchmarks.crn_gain [--replicates 40] [--alternative scenarios/hbh-algemene-voorziening.toml]``;
the last line is ``variance ratio independent / paired: <number>x``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sdsim.experiments.runner import run_scenarios
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario

INDEPENDENT_SEED = 1_000_003  # any seed other than the paired one


def five_year_spending(result) -> np.ndarray:
    """Total spending over the first five recorded years, per replicate."""
    return result.series("spending.total")[:, : 12 * 5].sum(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=40)
    parser.add_argument("--alternative", default=str(SCENARIO_DIR / "hbh-algemene-voorziening.toml"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    base, alt = load_scenario(BASELINE), load_scenario(args.alternative)
    started = time.perf_counter()
    paired_base, paired_alt = run_scenarios([base, alt], args.replicates, seed=args.seed, years=5)
    (independent_alt,) = run_scenarios([alt], args.replicates, seed=INDEPENDENT_SEED, years=5)
    paired = five_year_spending(paired_alt) - five_year_spending(paired_base)
    independent = five_year_spending(independent_alt) - five_year_spending(paired_base)
    ratio = independent.var(ddof=1) / paired.var(ddof=1)
    print(f"{alt.name} vs {base.name}: {args.replicates} replicates, 5-year spending, {time.perf_counter() - started:.0f} s")
    print(f"paired difference:      mean {paired.mean():,.0f}  sd {paired.std(ddof=1):,.0f}")
    print(f"independent difference: mean {independent.mean():,.0f}  sd {independent.std(ddof=1):,.0f}")
    print(f"variance ratio independent / paired: {ratio:.0f}x")


if __name__ == "__main__":
    main()
