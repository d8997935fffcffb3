"""How much of the default municipality's ten-year spending growth is population (ageing, growth) and how much price.

Run ``python -m benchmarks.growth_split [--replicates R]`` (about a minute). Three runs of the
default municipality with common random numbers, spending of the first and the tenth year:

* stationary: the population held at its start-year composition, no indexation (``scenarios/stationary.toml``);
* population: the projection followed, no indexation: the growth is the population's (ageing, growth);
* baseline: the projection and indexation (``scenarios/baseline.toml``).

Population growth = population - stationary; price = baseline - population (price growth on the
grown volumes); the stationary run's own change is the rest (sampling error; 0 in expectation).
Printed per budget group, in € million, mean over replicates with the 5-95 % range of the total.
"""

from __future__ import annotations

import argparse

import numpy as np
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario
from sdsim.simulation.engine import Engine
from sdsim.simulation.ledger import book
from sdsim.simulation.schema import BUDGET_LINES

YEARS = 10
GROUPS = {
    "jeugd": ("jeugd_ambulant", "jeugd_verblijf", "jeugd_gedwongen_kader"),
    "wmo": ("wmo_hbh", "wmo_begeleiding", "wmo_hulpmiddelen", "wmo_beschermd_wonen"),
    "participatie": ("participatie_bijstand", "participatie_reintegratie", "participatie_beschut_werk"),
    "other": ("schulden", "algemene_voorzieningen", "toegang", "overhead"),
}
NO_INDEX = {"index.tariff": 0.0, "index.benefit": 0.0, "index.wage": 0.0}


def yearly_spending(scenario_params, profile, seed: int, replicate: int) -> np.ndarray:
    """(years, budget lines) spending in euros of each year."""
    engine = Engine(profile, scenario_params, seed=seed, replicate=replicate, horizon_months=12 * YEARS)
    ledger = book(engine.run(), engine.compiled)
    return ledger.spending.reshape(YEARS, 12, -1).sum(axis=1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    base = load_scenario(BASELINE)
    stationary = load_scenario(SCENARIO_DIR / "stationary.toml")
    runs = {
        "stationary": (stationary.params, stationary.profile),
        "population": (base.params.replace(NO_INDEX), base.profile),
        "baseline": (base.params, base.profile),
    }
    growth = {name: [] for name in runs}  # per replicate: (lines,) tenth year - first year
    level = []
    for r in range(args.replicates):
        for name, (params, profile) in runs.items():
            spending = yearly_spending(params, profile, args.seed, r)
            growth[name].append(spending[-1] - spending[0])
            if name == "baseline":
                level.append(spending[0])
    g = {name: np.array(v) for name, v in growth.items()}
    first = np.mean(level, axis=0)
    parts = {"population": g["population"] - g["stationary"], "price": g["baseline"] - g["population"], "rest": g["stationary"]}
    print(f"spending growth {2026}-{2025 + YEARS}, € million (mean of {args.replicates} replicates, seed {args.seed})")
    print(f"{'group':14s} {'first year':>11s} {'population':>11s} {'price':>9s} {'rest':>8s} {'total':>9s}")
    for group, lines in (*GROUPS.items(), ("total", BUDGET_LINES)):
        idx = [BUDGET_LINES.index(line) for line in lines]
        row = {k: v[:, idx].sum(axis=1) for k, v in parts.items()}
        total = sum(row.values())
        print(
            f"{group:14s} {first[idx].sum() / 1e6:11.2f} {row['population'].mean() / 1e6:+11.2f} {row['price'].mean() / 1e6:+9.2f}"
            f" {row['rest'].mean() / 1e6:+8.2f} {total.mean() / 1e6:+9.2f}"
        )
    total = sum(parts.values()).sum(axis=1)
    p5, p95 = np.percentile(total, [5, 95]) / 1e6
    print(f"total growth 5-95 % over replicates: {p5:+.2f} .. {p95:+.2f}")


if __name__ == "__main__":
    main()
