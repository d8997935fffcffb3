"""The profile and parameters the Mesa reference covers (shared by its test and the benchmark)."""

from __future__ import annotations

from sdsim.scenarios.loader import Scenario
from sdsim.simulation.parameters import NAMES, Parameters
from sdsim.simulation.profile import Profile


def reference_setup(baseline: Scenario, households: int) -> tuple[Profile, Parameters]:
    """Profile and parameters the reference covers: jeugd and wmo only, no demography.

    The profile is scaled to ``households`` (``Profile.scaled``: access FTE and provider slots move
    along) so that capacity binds as it does in the default municipality.
    """
    profile = baseline.profile.scaled(households).model_copy(update={"burn_in_years": 0, "benefit_share": 0.0})
    off = {n: 0.0 for n in NAMES if n.startswith("demography.")}
    off.update({n: 0.0 for n in NAMES if n.startswith(("onset.werk", "onset.schulden", "onset.veiligheid"))})
    return profile, baseline.params.replace(off)
