"""Shared fixtures: the default profile, and variants with unlimited capacity and no demography."""

from __future__ import annotations

import pytest
from sdsim.scenarios.loader import BASELINE, load_scenario
from sdsim.simulation.parameters import NAMES, Parameters
from sdsim.simulation.profile import UNLIMITED, Profile

#: parameters that switch off every coupling the mean-field oracle does not model
DECOUPLED = {
    **{n: 0.0 for n in NAMES if n.startswith("demography.")},
    "multiproblem.escalation_mult": 1.0,
    "benefit_mult.schulden": 1.0,
    "door_gi.jeugd": 0.0,  # a protection measure (veiligheid) brings jeugdhulp (jeugd)
}


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(BASELINE)


def small_profile(profile: Profile, households: int, unlimited: bool = False, burn_in_years: int = 0) -> Profile:
    """The profile with fewer households; optionally access teams and providers that never bind."""
    data = profile.model_dump()
    data.update(households=households, burn_in_years=burn_in_years)
    if unlimited:
        for team in data["access_teams"]:
            team["unlimited"] = True
        for group in data["providers"]:
            group["slots"] = {p: UNLIMITED for p in group["slots"]}
    return Profile.model_validate(data)


def decoupled(params: Parameters, **changes: float) -> Parameters:
    return params.replace({**DECOUPLED, **changes})
