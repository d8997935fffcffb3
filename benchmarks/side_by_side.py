"""Engine speed of this checkout against another revision, measured side by side in one session.

Run ``python -m benchmarks.side_by_side REV`` (e.g. ``v0.4.0``'s commit). The other revision is
checked out into a temporary git worktree; both trees run the same single-threaded measurement of
``benchmarks.engine_speed`` (default profile scaled to the size, a year of warm-up, then the timed
months) in fresh interpreters, alternating old and new so that the machine's drift hits both
alike; each figure is the best of ``--rounds`` runs (noise only ever slows a run). Prints the rate
per core of each tree and the ratio new / old.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter with the tree as ``sdsim`` (the package of any revision, before or after
# the folders were installed as sdsim.*): ``sdsim.simulation`` is then the tree's ``simulation/``.
_CHILD = """
import json, sys, time, types
tree, households, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, tree)
package = types.ModuleType("sdsim")
package.__path__ = [tree]
sys.modules["sdsim"] = package
from sdsim.scenarios.loader import BASELINE, load_scenario
from sdsim.simulation.engine import Engine
scenario = load_scenario(BASELINE)
profile = scenario.profile.scaled(households).model_copy(update={"burn_in_years": 0})
engine = Engine(profile, scenario.params, seed=1, horizon_months=12 + months)
engine.run(12)
started = time.perf_counter()
engine.run(months)
print(json.dumps(households * months / (time.perf_counter() - started)))
"""


def rate(tree: Path, households: int, months: int) -> float:
    """Household-months per second of one single-threaded run in ``tree``."""
    command = [sys.executable, "-c", _CHILD, str(tree), str(households), str(months)]
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=tree)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Measure both trees, alternating, and print the best rate of each and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each tree per size (best counts)")
    parser.add_argument("--sizes", default="20000,200000", help="households, comma-separated")
    args = parser.parse_args(argv)
    months = {2_000: 60, 20_000: 120, 200_000: 36, 2_000_000: 12}
    with tempfile.TemporaryDirectory() as scratch:
        old = Path(scratch) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.revision], check=True, capture_output=True)
        try:
            for n in (int(s) for s in args.sizes.split(",")):
                rate(old, 2_000, 12), rate(ROOT, 2_000, 12)  # compile both (cached on disk)
                best = {"old": 0.0, "new": 0.0}
                started = time.perf_counter()
                for _ in range(args.rounds):
                    best["old"] = max(best["old"], rate(old, n, months.get(n, 24)))
                    best["new"] = max(best["new"], rate(ROOT, n, months.get(n, 24)))
                print(
                    f"{n:>10,d} households: {args.revision} {best['old'] / 1e6:6.1f} M hm/s, this tree {best['new'] / 1e6:6.1f} M hm/s, "
                    f"new/old {best['new'] / best['old']:.3f} (best of {args.rounds}, {time.perf_counter() - started:.0f} s)"
                )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False, capture_output=True)


if __name__ == "__main__":
    main()
