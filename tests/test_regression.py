"""Every scenario file gives exactly the numbers recorded in ``tests/baseline.json`` (see ``tests/regression.py``)."""

from __future__ import annotations

import json

import pytest

from tests.regression import BASELINE_FILE, SEEDS, fingerprint, scenario_files

STORED = json.loads(BASELINE_FILE.read_text())


def test_the_baseline_covers_every_scenario_file():
    assert sorted(STORED) == sorted(f"{path.name}:{seed}" for path in scenario_files() for seed in SEEDS)


@pytest.mark.parametrize("path", scenario_files(), ids=lambda path: path.stem)
def test_results_are_unchanged(path):
    """Digests of tallies, households and indicators; a change of results rewrites the baseline by script."""
    for seed in SEEDS:
        assert fingerprint(path, seed) == STORED[f"{path.name}:{seed}"], f"{path.name} seed {seed}: run python -m tests.regression"
