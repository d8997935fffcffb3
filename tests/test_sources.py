"""Honest numbers: every parameter names a source (a copied data row, a seed, a derivation) or is
an assumption with a plausible range that contains its default."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sdsim.scenarios.loader import SCENARIO_DIR
from sdsim.simulation.parameters import REGISTRY

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nl_public_figures.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_parameter_has_a_source_and_a_range():
    indicators = {r["indicator"] for r in _rows(SCENARIO_DIR / "sources.csv")}
    for p in REGISTRY:
        assert re.match(r"^(assumption|row:|seed:|derived:)", p.source), f"{p.name}: source {p.source!r}"
        for row in re.findall(r"row:([a-z0-9_]+)", p.source):
            assert row in indicators, f"{p.name}: {row} not in scenarios/sources.csv"
        assert p.bounds[0] <= p.plausible[0] <= p.default <= p.plausible[1] <= p.bounds[1], p.name


def test_profile_cites_copied_rows():
    indicators = {r["indicator"] for r in _rows(SCENARIO_DIR / "sources.csv")}
    text = (SCENARIO_DIR / "profiles" / "default.toml").read_text()
    cited = set(re.findall(r"row:([a-z0-9_]+)", text))
    assert cited and cited <= indicators, cited - indicators


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data not beside the checkout")
def test_copied_rows_are_verbatim():
    shared = {tuple(r.values()) for r in _rows(SHARED_DATA)}
    for row in _rows(SCENARIO_DIR / "sources.csv"):
        assert tuple(row.values()) in shared, row
