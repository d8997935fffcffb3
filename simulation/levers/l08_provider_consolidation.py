"""L8 provider consolidation: fewer contracts with the same total slots."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Lever, ProfileData, contracts
from sdsim.simulation.parameter import declare

if TYPE_CHECKING:
    from sdsim.simulation.parameters import Parameters

CONTRACTS = "lever.providers.contracts"


def consolidate(data: ProfileData, params: Parameters) -> None:
    """Fewer contracts per provider group, with the same total slots and lump sum."""
    for group in contracts(data):
        new_count = max(1, round(group["count"] * params[CONTRACTS]))
        if new_count != group["count"]:
            factor = group["count"] / new_count
            group["slots"] = {p: int(np.ceil(n * factor)) for p, n in group["slots"].items()}
            group["lumpsum_year"] *= factor
            group["count"] = new_count


LEVER = Lever(
    id="L8",
    title="provider consolidation",
    title_nl="minder aanbieders",
    mechanism="fewer contracts with the same total slots",
    mechanism_nl="minder contracten met dezelfde capaciteit",
    direction="lower contract overhead, pooled capacity",
    seed="[SD] §4.9, [NK] §4",
    parameters=(
        declare(
            CONTRACTS,
            1.0,
            (0.3, 1.0),
            "factor on the number of provider contracts (capacity pooled)",
            "seed:[SD] §4.9; seed:[NK] §4",
            (0.01, 1.0),
        ),
    ),
    after=("L5",),  # ceilings cut the slots before they are pooled over fewer contracts
    profile=consolidate,
    checks=(Check("contract overhead", {CONTRACTS: 0.5}, ("spending.overhead",), -1),),
)
