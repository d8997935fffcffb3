"""L8 provider consolidation: fewer contracts with the same total slots.

What it changes: the contract overhead (contracts times ``overhead.per_contract_year``), and the
capacity a contract pools: admission already takes the provider of a product with the most free
slots, so fewer, larger contracts change waiting only where crises and court orders, admitted over
a provider's slots, are absorbed by its other slots. Choice between providers is not modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Evidence, Lever, ProfileData, contracts
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
            nl="factor op het aantal contracten met aanbieders (capaciteit gebundeld)",
        ),
    ),
    limits="the choice between providers: fewer contracts change the overhead and pool the slots, nothing else",
    limits_nl="de keuze tussen aanbieders: minder contracten veranderen de overhead en bundelen de plaatsen, verder niets",
    profile=consolidate,
    evidence=(
        Evidence(
            "minder-aanbieders.toml",
            ("spending.overhead",),
            -0.51,
            -0.49,
            "seed:[SD] §4.9; assumption (overhead.per_contract_year)",
            "half the contracts, half the contract overhead: the saving is the overhead assumption times the contracts",
        ),
        Evidence(
            "minder-aanbieders.toml",
            ("waiting_time.provider",),
            -0.35,
            0.05,
            "assumption",
            "the same slots in fewer contracts: a crisis or court order admitted over a provider's slots is absorbed by its "
            "other slots, so waits shorten a little; choice between providers is not modelled",
        ),
    ),
    checks=(Check("contract overhead", {CONTRACTS: 0.5}, ("spending.overhead",), -1),),
)
