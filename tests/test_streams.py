"""Named random streams and the tally table: the registries refuse what would silently corrupt results."""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.simulation import streams
from sdsim.simulation.tallies import TALLIES, Tallies, tally_layout, tally_shapes


def test_every_decision_has_its_own_stream():
    ids = [d * streams.DOMAIN_STRIDE + k for d in range(5) for k in range(len(streams.DOMAIN_STREAMS))]
    ids += list(streams.HOUSEHOLD_STREAMS.values())
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "change",
    [
        {"HOUSEHOLD_STREAMS": {**streams.HOUSEHOLD_STREAMS, "clash": 3}},  # inside the domain ids
        {"HOUSEHOLD_STREAMS": {**streams.HOUSEHOLD_STREAMS, "twin": 350}},  # the same id twice
        {"DOMAIN_STREAMS": tuple(f"k{i}" for i in range(streams.DOMAIN_STRIDE + 1))},  # beyond the stride
        {"N_DOMAINS": 7},  # more domains than screening slots in a 64-bit key
    ],
)
def test_overlapping_or_oversized_registries_fail_at_import(monkeypatch, change):
    for name, value in change.items():
        monkeypatch.setattr(streams, name, value)
    with pytest.raises(AssertionError):
        streams._check()


def test_tally_views_cover_the_count_vector_once():
    layout = tally_layout(n_providers=3, n_counters=4)
    sizes = [int(np.prod(shape)) for shape in tally_shapes(3, 4)]
    assert layout[-1] == sum(sizes) and list(np.diff(layout)) == sizes
    tallies = Tallies(np.arange(2 * layout[-1]).reshape(2, -1), 3, 4)
    seen = np.concatenate([view.reshape(2, -1) for view in tallies], axis=1)
    np.testing.assert_array_equal(seen, tallies.counts)  # every count in exactly one view, in table order
    assert tallies.billed.shape == (2, 3, tallies.billed.shape[2]) and tallies[1:].counts.shape[0] == 1
    assert [t.name for t in TALLIES][:2] == ["events", "occupancy"]
