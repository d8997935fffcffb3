"""The README's lever table: every shipped lever scenario against the baseline, over several seeds.

    python -m benchmarks.lever_table [SEEDS] [REPLICATES]

For each scenario file that a lever's evidence names (``Lever.evidence``), plus ``combinatie.toml``,
runs ``sdsim compare`` as a council would (default municipality, 5 years, a burn-in shared with the
base, or the scenario's own where it changes the contracts; ``STEADY_STATE`` scenarios also with their
own) for seeds 0..SEEDS-1 with REPLICATES
replicates each, and prints a Markdown table: the five-year paired difference on the lever's own
target (relative to the base, with the evidence range it must lie in), in total spending and net
of revenue (mean, p5, p95 over all replicates of all seeds, euro million), and P(saving) on the net,
the lowest and highest over seeds. A seed's mean is itself an estimate: the range over seeds is what
a stated figure may claim.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from sdsim.experiments.compare import run_comparison
from sdsim.experiments.runner import shared_start_problem
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario
from sdsim.simulation.indicators import over_period
from sdsim.simulation.levers import LEVERS

YEARS = 5
STEADY_STATE = ("resultaatfinanciering.toml",)  # also compared with its own burn-in: the policy in force for long, no transition


def _five_years(series: dict[str, np.ndarray], metrics: tuple[str, ...]) -> np.ndarray:
    return sum(over_period(series, m, YEARS, total=True) for m in metrics)


def _band(values: np.ndarray) -> str:
    p5, p95 = np.percentile(values, [5, 95])
    return f"{values.mean() / 1e6:+.2f} [{p5 / 1e6:+.2f}, {p95 / 1e6:+.2f}]"


def main(seeds: int = 5, replicates: int = 20) -> int:
    base = load_scenario(BASELINE)
    targets: dict[str, list] = {}
    for lever in LEVERS:
        for evidence in lever.evidence:
            targets.setdefault(evidence.scenario, []).append((lever, evidence))
    targets.setdefault("combinatie.toml", [])
    rows = [(name, None) for name in targets] + [(name, False) for name in STEADY_STATE]
    started = time.perf_counter()
    print(f"{seeds} seeds x {replicates} replicates x {YEARS} years per scenario; euro million; [p5, p95] over all replicates")
    print()
    print("| scenario | effect on its own target (range) | total spending | net of revenue | P(saving), net |")
    print("|---|---|--:|--:|--:|")
    for name, burn_in in rows:
        evidences = targets[name]
        alternative = load_scenario(SCENARIO_DIR / name)
        shared = shared_start_problem(base, alternative.profile, alternative.params) is None if burn_in is None else burn_in
        rel: dict[int, list[float]] = {i: [] for i in range(len(evidences))}
        total, net, saving = [], [], []
        for seed in range(seeds):
            comparison = run_comparison(base, [alternative], replicates, seed, YEARS, shared_burn_in=shared)
            b, a = comparison.base.per_year, comparison.alternatives[0].per_year
            for i, (_, evidence) in enumerate(evidences):
                rel[i].extend((_five_years(a, evidence.metrics) - _five_years(b, evidence.metrics)) / _five_years(b, evidence.metrics))
            total.extend(_five_years(a, ("spending.total",)) - _five_years(b, ("spending.total",)))
            difference = _five_years(a, ("net_cost",)) - _five_years(b, ("net_cost",))
            net.extend(difference)
            saving.append((difference < 0).mean())
        effects = []
        for i, (lever, evidence) in enumerate(evidences):
            r = np.array(rel[i])
            verdict = "in range" if evidence.low <= r.mean() <= evidence.high else "**outside**"
            what = "+".join(m.split(".", 1)[-1] if "." in m else m for m in evidence.metrics)
            if len(what) > 40:
                what = f"{evidence.metrics[0].split('.')[0]} ({len(evidence.metrics)} series)"
            effects.append(f"{lever.id} {what}: {r.mean():+.1%} ({evidence.low:+.0%} .. {evidence.high:+.0%}, {verdict})")
        burn_in = "" if shared else " (own burn-in)"
        print(
            f"| {name.removesuffix('.toml')}{burn_in} | {'; '.join(effects) or '-'} | {_band(np.array(total))} | "
            f"{_band(np.array(net))} | {min(saving):.0%}-{max(saving):.0%} |"
        )
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
