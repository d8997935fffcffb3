"""Mesa agents for the few, structural actors: access teams, providers, GP practices, the municipality.

They are the model's interface for inspection and policy (what a team's queue is, how full a
provider is), not a per-household loop: households stay in the engine's arrays, and
``HouseholdView`` reads one row on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
from sdsim.simulation.schema import BUDGET_LINES, DOMAINS, DOORS, PRODUCT, PRODUCTS, SEVERITIES, STATES

if TYPE_CHECKING:
    from sdsim.simulation.model import SocialDomainModel


class AccessTeam(mesa.Agent):
    """A front-line access team: intake capacity per counter, queue, triage accuracy, decision delay."""

    def __init__(self, model: SocialDomainModel, index: int) -> None:
        super().__init__(model)
        spec = model.policy_profile.access_teams[index]
        self.index = index
        self.name = spec.name
        self.wijken = list(spec.wijken)
        self.integrated = spec.integrated
        self.triage_accuracy = spec.triage_accuracy
        self.decision_delay_months = spec.decision_delay_months

    def _counters(self) -> slice:
        n = len(DOMAINS)
        return slice(self.index * n, (self.index + 1) * n)

    @property
    def capacity(self) -> dict[str, int]:
        """Intakes per month per counter (one counter ``all`` if integrated)."""
        cap = self.model.engine.structure.counter_capacity[self.index]
        return {"all": int(cap[0])} if self.integrated else {d: int(c) for d, c in zip(DOMAINS, cap, strict=True)}

    @property
    def queue(self) -> dict[str, int]:
        """Households waiting at month end, per counter."""
        q = self.model.engine.last_month().queue[0, self._counters(), 0]
        return {"all": int(q[0])} if self.integrated else {d: int(x) for d, x in zip(DOMAINS, q, strict=True)}

    @property
    def served(self) -> int:
        """Intakes completed last month."""
        return int(self.model.engine.last_month().queue[0, self._counters(), 2].sum())


class Provider(mesa.Agent):
    """A care provider (one contract): products with slots, tariff factor, payment model."""

    def __init__(self, model: SocialDomainModel, index: int, group_name: str, number: int) -> None:
        super().__init__(model)
        group = next(g for g in model.policy_profile.providers if g.name == group_name)
        self.index = index
        self.name = f"{group_name} {number}" if group.count > 1 else group_name
        self.payment_model = group.payment_model
        self.tariff_factor = group.tariff_factor
        slots = model.engine.structure.provider_slots[index]
        self.slots = {PRODUCTS[p].name: int(slots[p]) for p in np.flatnonzero(slots)}

    @property
    def clients(self) -> dict[str, int]:
        """Clients in care at month end, per product offered."""
        stock = self.model.engine.last_month().stock[0, self.index]
        return {name: int(stock[PRODUCT[name]]) for name in self.slots}

    @property
    def occupancy(self) -> float:
        """Share of slots in use (can exceed 1: crises and court orders are always admitted)."""
        return sum(self.clients.values()) / max(1, sum(self.slots.values()))


class GPPractice(mesa.Agent):
    """A GP practice: list weight, referral propensity to jeugdhulp, optional POH-jeugd share."""

    def __init__(self, model: SocialDomainModel, index: int) -> None:
        super().__init__(model)
        spec = model.policy_profile.gp_practices[index]
        self.index = index
        self.name = spec.name
        self.referral_propensity = spec.referral_propensity
        self.poh_jeugd_share = spec.poh_jeugd_share

    @property
    def registered_households(self) -> int:
        """Households registered with this practice."""
        households = self.model.engine.households
        return int(((households.gp == self.index) & households.occupied).sum())


class Municipality(mesa.Agent):
    """The municipality: its policies (parameter changes), revenue and spending per budget line."""

    def __init__(self, model: SocialDomainModel) -> None:
        super().__init__(model)
        self.name = model.profile.name
        self.policies = model.params.changed()
        self.revenue_year = dict(model.profile.revenue)

    @property
    def spending_last_month(self) -> dict[str, float]:
        """Euros per budget line in the month just simulated."""
        return {line: self.model.indicators.get(f"spending.{line}", 0.0) for line in BUDGET_LINES}


@dataclass(frozen=True)
class HouseholdView:
    """Read-only view of one household's row in the engine's arrays (for inspection)."""

    model: SocialDomainModel
    index: int

    def _row(self, column: str):
        return getattr(self.model.engine.households, column)[self.index]

    @property
    def composition(self) -> dict[str, int]:
        """Persons per age group."""
        return {g: int(self._row(g)) for g in ("children", "young", "adults", "elderly")}

    @property
    def domains(self) -> dict[str, dict[str, object]]:
        """Per domain: state, severity, months in state, product, door."""
        out = {}
        for d, name in enumerate(DOMAINS):
            product = int(self._row("product")[d])
            out[name] = {
                "state": STATES[self._row("state")[d]],
                "severity": SEVERITIES[self._row("severity")[d]],
                "months": int(self.model.engine.month - 1 - self._row("entered")[d]),  # completed in the state
                "product": PRODUCTS[product].name if product >= 0 else None,
                "door": DOORS[self._row("door")[d]],
            }
        return out

    def __repr__(self) -> str:
        active = {k: v["state"] for k, v in self.domains.items() if v["state"] != "none"}
        return f"HouseholdView({self.index}, {self.composition}, {active or 'no active need'})"
