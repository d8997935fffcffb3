"""Time each phase of ``kernels.advance`` separately (one thread): where a month's time goes.

Run ``NUMBA_NUM_THREADS=1 python -m benchmarks.phases --households 200000 --months 36``. The phases are
called one by one from Python in the order of ``advance`` (same results); the per-call overhead
(~0.1 ms) is included in each figure.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sdsim.scenarios.loader import BASELINE, load_scenario
from sdsim.simulation import kernels as k
from sdsim.simulation.engine import Engine


def main(argv: list[str] | None = None) -> None:
    """Run a year of warm-up, then time each phase over the given months and print seconds and ns per household-month."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args(argv)
    scenario = load_scenario(BASELINE)
    profile = scenario.profile.scaled(args.households).model_copy(update={"burn_in_years": 0})
    engine = Engine(profile, scenario.params, seed=1, horizon_months=13 + args.months)
    engine.run(12)
    hh, rt, st, sc, stay, bounds, key = (engine.households, engine.rates, engine.structure, engine._scratch, engine.stay, engine.bounds,
                                         engine.key)  # fmt: skip
    out = engine.tallies.counts
    seconds: dict[str, float] = {}
    visits = 0

    def timed(name, f, *a):
        t = time.perf_counter()
        r = f(*a)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t
        return r

    for i in range(args.months + 1):
        if i == 1:  # the first month loads each phase from numba's cache: not timed
            seconds, visits = {}, 0
        month = engine.month
        counts = out[engine.months_done]
        if month % 12 == 0:
            timed("steer_population", k.steer_population, rt, st, sc, month)
        timed("arrive", k.arrive, hh, rt, st, sc, stay, bounds, key, month, counts)
        visits += int(np.count_nonzero(hh.wake <= month))
        timed("household_pass", k.household_pass, hh, rt, st, sc, stay, bounds, key, month)
        timed("reduce_chunks", k.reduce_chunks, sc, bounds, counts)
        timed("settle_population", k.settle_population, hh, rt, st, sc, stay, bounds, key, month, counts)
        wh, wd, n_w = timed("serve_access_queues", k.serve_access_queues, hh, rt, st, sc, counts, key, month)
        timed("admit_from_waiting_lists", k.admit_from_waiting_lists, hh, rt, st, sc, counts, key, month, wh, wd, n_w)
        engine.month += 1
        engine.months_done += 1
    total = sum(seconds.values())
    hm = args.households * args.months
    print(f"{args.households:,d} households x {args.months} months: {hm / total / 1e6:.1f} M hm/s, visits {visits / hm:.2%} of rows "
          f"({hh.size:,d} rows), {total * 1e9 / max(visits, 1):.0f} ns per visit")  # fmt: skip
    for name, s in sorted(seconds.items(), key=lambda x: -x[1]):
        print(f"  {name:26s} {s:8.3f} s {s / total:6.1%} {s * 1e9 / hm:7.2f} ns/hm")


if __name__ == "__main__":
    main()
