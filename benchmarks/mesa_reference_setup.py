"""The profile and parameters the Mesa reference covers (shared by its test and the benchmark)."""

from __future__ import annotations

from scenarios.loader import Scenario
from simulation.parameters import NAMES, Parameters
from simulation.profile import Profile


def reference_setup(baseline: Scenario, households: int) -> tuple[Profile, Parameters]:
    """Profile and parameters the reference covers: jeugd and wmo only, no demography.

    Access FTE and provider slots are scaled to the smaller population (x households / 20,500) so
    that capacity binds as it does in the default municipality.
    """
    scale = households / baseline.profile.households
    data = baseline.profile.model_dump()
    data.update(households=households, burn_in_years=0)
    data["benefit_share"] = 0.0
    for team in data["access_teams"]:
        team["fte"] = {d: f * scale for d, f in team["fte"].items()}
    for group in data["providers"]:
        group["slots"] = {p: max(1, round(n * scale)) for p, n in group["slots"].items()}
    off = {n: 0.0 for n in NAMES if n.startswith("demography.")}
    off.update({n: 0.0 for n in NAMES if n.startswith(("onset.werk", "onset.schulden", "onset.veiligheid"))})
    return Profile.model_validate(data), baseline.params.replace(off)
