"""The regression baseline: digests and a short summary of fixed runs of every scenario file.

``tests/baseline.json`` travels with the code. ``tests/test_regression.py`` recomputes it and
requires every digest to be unchanged, so a refactoring that changes a single draw or euro fails.
It is rewritten only by this script, after a deliberate change of results (name it in CHANGELOG.md)::

    python -m tests.regression --write

Each case is one replicate of a scenario on its own profile (three years after the burn-in) with one
of ``SEEDS``: the digest covers every tally, the households' final columns and the monthly indicators
(ledger included); the same replicate started from the baseline's burned-in state (``--burn-in
shared``, where compare allows it) has a digest of its indicators too. The summary gives a reader what changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
from sdsim.experiments.compare import check_comparable
from sdsim.experiments.runner import replicate_engine, run_replicate
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, ScenarioError, load_scenario

BASELINE_FILE = Path(__file__).with_name("baseline.json")
SEEDS = (1, 5, 9)
YEARS = 3
SUMMARY = ("spending.total", "clients_tier.maatwerk", "clients_tier.specialist", "queue.jeugd", "households.bijstand")


def _digest(arrays) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def scenario_files() -> list[Path]:
    """Every scenario file shipped in ``scenarios/``."""
    return sorted(SCENARIO_DIR.glob("*.toml"))


def fingerprint(path: Path, seed: int) -> dict[str, object]:
    """Digests and summary of one replicate of the scenario at ``path`` with ``seed``."""
    scenario, base = load_scenario(path), load_scenario(BASELINE)
    engine = replicate_engine(scenario.profile, scenario.params, seed, 0, 12 * YEARS)
    tallies = engine.run()
    own = run_replicate(scenario, seed, 0, YEARS)
    case = {
        "engine": _digest((*tallies, *engine.households)),
        "indicators": _digest(own[name] for name in sorted(own)),
        "summary": {name: float(own[name][-12:].mean()) for name in SUMMARY if name in own},
    }
    try:
        check_comparable(base, scenario, shared_burn_in=True)
    except ScenarioError:  # changes the providers: compare refuses a shared burn-in
        return case
    shared = run_replicate(scenario, seed, 0, YEARS, start=base)
    return case | {"indicators_shared_burn_in": _digest(shared[name] for name in sorted(shared))}


def compute() -> dict[str, dict[str, object]]:
    """Every case, keyed ``"file.toml:seed"``."""
    return {f"{path.name}:{seed}": fingerprint(path, seed) for path in scenario_files() for seed in SEEDS}


def main() -> None:
    """Write ``tests/baseline.json`` (``--write``) or print what differs from it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite tests/baseline.json")
    args = parser.parse_args()
    cases = compute()
    if args.write:
        BASELINE_FILE.write_text(json.dumps(cases, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(cases)} cases to {BASELINE_FILE}")
        return
    stored = json.loads(BASELINE_FILE.read_text())
    changed = [case for case in cases if stored.get(case) != cases[case]]
    print("\n".join(changed) if changed else f"all {len(cases)} cases unchanged")


if __name__ == "__main__":
    main()
