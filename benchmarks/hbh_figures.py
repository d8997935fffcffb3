"""The README's HbH example figures over several seeds: mean saving 2026-2030, band and P(falls), per burn-in.

    python -m benchmarks.hbh_figures [SEEDS] [REPLICATES] [WORKERS]

Runs ``sdsim compare scenarios/baseline.toml scenarios/hbh-algemene-voorziening.toml`` as the
README does (default municipality, 20 replicates, 10 years) for seeds 0..SEEDS-1, with a shared and
with each scenario's own burn-in, and prints the figures per seed and their spread across seeds.
A single seed's mean is itself an estimate; the spread across seeds is what a stated figure may
claim.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from sdsim.experiments.compare import paired_summary, run_comparison
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario


def main(seeds: int = 5, replicates: int = 20, workers: int | None = None) -> int:
    base = load_scenario(BASELINE)
    hbh = load_scenario(SCENARIO_DIR / "hbh-algemene-voorziening.toml")
    started = time.perf_counter()
    print(f"hbh-algemene-voorziening vs baseline: spending.total 2026-2030, {replicates} replicates x 10 years per seed")
    print(f"{'burn-in':8s} {'seed':>4s} {'mean saving':>12s} {'p5':>10s} {'p95':>10s} {'P(falls)':>9s}")
    for burn_in in ("shared", "own"):
        means, lows, highs, falls = [], [], [], []
        for seed in range(seeds):
            comparison = run_comparison(base, [hbh], replicates, seed, None, workers, None, burn_in == "shared")
            summary = paired_summary(comparison)[hbh.name]
            s = summary[next(p for p in summary if "-" in p)]["spending.total"]
            means.append(-s["mean"] / 1e6)
            lows.append(-s["p95"] / 1e6)
            highs.append(-s["p5"] / 1e6)
            falls.append(s["prob_lower"])
            print(f"{burn_in:8s} {seed:4d} {means[-1]:10.2f} M {lows[-1]:8.2f} M {highs[-1]:8.2f} M {falls[-1]:8.0%}")
        m = np.array(means)
        spread = f"seed means {m.min():.2f}-{m.max():.2f} M, sd {m.std(ddof=1):.2f} M"
        print(
            f"{burn_in:8s} over {seeds} seeds: saving {m.mean():.2f} M ({spread});"
            f" p5-p95 of one seed from {min(lows):.2f} to {max(highs):.2f} M; P(falls) {min(falls):.0%}-{max(falls):.0%}"
        )
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
