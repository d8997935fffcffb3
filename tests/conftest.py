"""Shared fixtures: the default profile, and variants with unlimited capacity and no demography."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from sdsim.scenarios.loader import BASELINE, SCENARIO_DIR, load_scenario
from sdsim.simulation.parameters import NAMES, Parameters
from sdsim.simulation.profile import UNLIMITED, Profile

#: parameters that switch off every coupling the mean-field oracle does not model
DECOUPLED = {
    **{n: 0.0 for n in NAMES if n.startswith("demography.")},
    "multiproblem.escalation_mult": 1.0,
    "benefit_mult.schulden": 1.0,
    "door_gi.jeugd": 0.0,  # a protection measure (veiligheid) brings jeugdhulp (jeugd)
    "access.reassess": 0.0,  # a re-assessed client returns to access with its product (tests/test_access.py checks it)
}


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(BASELINE)


REPLICATES = 8  # of default_year


@pytest.fixture(scope="session")
def default_year(baseline):
    """The default municipality's comparable year (``sdsim validate``'s), seed 5, eight replicates (routes, access)."""
    from sdsim.experiments.validate import run_year

    return [run_year(baseline, 5, r) for r in range(REPLICATES)]


DEFAULT_PROFILE = SCENARIO_DIR / "profiles" / "default.toml"


def profile_text(households: int, burn_in_years: int | None = None) -> str:
    """The default profile's text for ``households`` households (population scaled, path file absolute), to write elsewhere."""
    text = DEFAULT_PROFILE.read_text()
    factor = households / int(re.search(r"^households = (\d+)", text, re.M)[1])
    text = re.sub(r"^households = \d+", f"households = {households}", text, flags=re.M)
    if burn_in_years is not None:
        text = re.sub(r"^burn_in_years = \d+", f"burn_in_years = {burn_in_years}", text, flags=re.M)
    text = text.replace('population_path = "', f'population_path = "{DEFAULT_PROFILE.parent}/')
    population = text[text.index("[population]") : text.index("[[household_types]]")]
    scaled = re.sub(r"^(\w+) = (\d+)", lambda m: f"{m[1]} = {int(m[2]) * factor:.3f}", population, flags=re.M)
    return text.replace(population, scaled)


def small_profile(profile: Profile, households: int, unlimited: bool = False, burn_in_years: int = 0) -> Profile:
    """The profile with fewer households (its population scaled); optionally access teams and providers that never bind."""
    data = profile.model_dump()
    factor = households / profile.households
    data.update(households=households, burn_in_years=burn_in_years)
    if data["population"] is not None:
        data["population"] = {g: n * factor for g, n in data["population"].items()}
    if unlimited:
        for team in data["access_teams"]:
            team["unlimited"] = True
        for group in data["providers"]:
            group["slots"] = {p: UNLIMITED for p in group["slots"]}
    return Profile.model_validate(data)


def decoupled(params: Parameters, **changes: float) -> Parameters:
    return params.replace({**DECOUPLED, **changes})


@pytest.fixture
def browser() -> str:
    """A headless Chromium for the report tests; skipped where none is installed, failed where CI requires one."""
    found = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if found is None:
        if os.environ.get("SDSIM_REQUIRE_BROWSER"):
            pytest.fail("SDSIM_REQUIRE_BROWSER is set but no Chromium was found")
        pytest.skip("no Chromium on this machine (.ci/run installs it where it can)")
    return found
