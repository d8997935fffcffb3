"""``SocialDomainModel``: a Mesa model whose ``step()`` advances one month through the engine.

Households live in the engine's arrays and are advanced by numba kernels; teams, providers, GP
practices and the municipality are Mesa agents for inspection and policy; a Mesa DataCollector
records the monthly indicators. The burn-in runs when the model is created, so step 1 is January
of the profile's start year.
"""

from __future__ import annotations

import mesa
from sdsim.simulation.agents import AccessTeam, GPPractice, HouseholdView, Municipality, Provider
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import DEFAULT_METRICS, derived, monthly_indicators
from sdsim.simulation.ledger import Ledger, book
from sdsim.simulation.parameters import Parameters
from sdsim.simulation.profile import Profile


class SocialDomainModel(mesa.Model):
    """The social domain of one municipality, one replicate.

    Args:
        profile: the municipality.
        params: behavioural parameters (default: the registry's defaults).
        seed: the run's seed (also seeds Mesa's own generators, which the engine does not use).
        replicate: replicate number.
        reported: metric names the DataCollector records each month (default ``indicators.DEFAULT_METRICS``).
    """

    def __init__(
        self,
        profile: Profile,
        params: Parameters | None = None,
        seed: int = 0,
        replicate: int = 0,
        reported: tuple[str, ...] = DEFAULT_METRICS,
    ) -> None:
        super().__init__(seed=seed)
        self.profile = profile
        self.params = params or Parameters()
        self.engine = Engine(profile, self.params, seed=seed, replicate=replicate)
        self.engine.run(0)  # burn-in
        self.policy_profile = self.engine.policy_profile  # teams, practices and contracts as the levers make them
        self.indicators: dict[str, float] = {}
        self.municipality = Municipality(self)
        self.teams = [AccessTeam(self, i) for i in range(len(self.policy_profile.access_teams))]
        self.gp_practices = [GPPractice(self, i) for i in range(len(self.policy_profile.gp_practices))]
        self.providers = []
        for group in self.policy_profile.providers:
            for number in range(1, group.count + 1):
                self.providers.append(Provider(self, len(self.providers), group.name, number))
        self.datacollector = mesa.DataCollector(model_reporters={name: _reporter(name) for name in reported})

    def step(self) -> None:
        """Advance one month and collect the indicators."""
        self.engine.step()
        month = self.engine.last_month()
        ledger = Ledger(*(euros[-1:] for euros in book(self.engine.recorded(), self.engine.compiled)))  # instalments need every month
        series = monthly_indicators(month, ledger)
        self.indicators = {k: float(v[0]) for k, v in (series | derived(series)).items()}
        self.datacollector.collect(self)

    def household(self, index: int) -> HouseholdView:
        """A read-only view of one household."""
        if not 0 <= index < self.engine.households.size:
            raise IndexError(f"household {index} out of range 0..{self.engine.households.size - 1}")
        return HouseholdView(self, index)


def _reporter(name: str):
    def report(model: SocialDomainModel) -> float:
        return model.indicators.get(name, float("nan"))

    return report
