"""L4 GP cooperation / POH-jeugd: more GP jeugd requests handled at tier 1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdsim.simulation.levers import Check, Evidence, Lever, ProfileData
from sdsim.simulation.parameter import ASSUMPTION, NON_NEGATIVE, declare

if TYPE_CHECKING:
    from sdsim.simulation.parameters import Parameters
    from sdsim.simulation.profile import Profile


def raise_poh_share(data: ProfileData, params: Parameters) -> None:
    """Every practice's POH-jeugd handles at least the lever's share of GP jeugd requests."""
    for gp in data["gp_practices"]:
        gp["poh_jeugd_share"] = max(gp["poh_jeugd_share"], params["lever.poh.share"])


def poh_staff(profile: Profile, params: Parameters) -> dict[str, float]:
    """The POH-jeugd hours added beyond each practice's own share."""
    added = sum(max(0.0, params["lever.poh.share"] - gp.poh_jeugd_share) for gp in profile.gp_practices)
    return {"jeugd_ambulant": added * params["lever.poh.cost_fte_year"] / 12.0}


LEVER = Lever(
    id="L4",
    title="GP cooperation / POH-jeugd",
    title_nl="samenwerking huisarts / POH-jeugd",
    mechanism="every practice's POH-jeugd handles at least this share of GP jeugd requests at tier 1",
    mechanism_nl="de POH-jeugd van de huisarts handelt een deel van de jeugdvragen zelf af",
    direction="fewer GP-route jeugdhulp referrals",
    seed="[NK] §4",
    parameters=(
        declare(
            "lever.poh.share",
            0.0,
            (0.0, 0.6),
            "minimum POH-jeugd share of GP jeugd requests handled at tier 1",
            "seed:[NK] §4",
            nl="aandeel jeugdvragen bij de huisarts dat de POH-jeugd zelf afhandelt",
        ),
        declare(
            "lever.poh.cost_fte_year",
            70000.0,
            (55000.0, 90000.0),
            "euro per POH-jeugd year at a share of 1 per practice",
            ASSUMPTION,
            NON_NEGATIVE,
        ),
    ),
    kernel_decisions=("poh",),  # the POH-jeugd handles a GP request at tier 1
    profile=raise_poh_share,
    costs=poh_staff,
    evidence=(
        Evidence(
            "poh-jeugd.toml",
            ("started_route.huisarts",),
            -0.60,
            -0.25,
            "seed:[NK] §4; assumption",
            "each practice handles at least half of its youth requests at tier 1: GP-referred starts fall by up to a half; "
            "some of those cases step up to the access team later",
        ),
    ),
    checks=(
        Check(
            "GP-route jeugdhulp",
            {"lever.poh.share": 0.5},
            ("client_months_uncontrolled.jeugd_ambulant", "client_months_uncontrolled.jeugd_verblijf"),
            -1,
        ),
    ),
)
