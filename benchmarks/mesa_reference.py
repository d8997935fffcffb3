"""An idiomatic Mesa implementation of the same rules, for jeugd and wmo: the yardstick.

One ``mesa.Agent`` per household, stepped with ``shuffle_do``; plain Python state and Mesa's own
random generator. It reads the same compiled parameters as the engine but shares none of its code,
so it is both the speed baseline and an independent check (``tests/test_mesa_reference.py``).
Scope: domains jeugd and wmo with access-team capacity, triage, decision delay, provider slots,
doctors' door (huisarts with POH-jeugd, medisch specialist, jeugdarts), direct access to a provider,
crises, care durations with duration-dependent hazards, escalation to specialist care, and the
multi-problem escalation multiplier. No demography (set its rates to 0 in the engine when comparing).

Mesa 3.3 pitfalls handled: finished models are not freed within one process (mesa#3179), so
``release()`` removes the agents after a run; ``import mesa`` forces the spawn start method, so
this module is never imported by the engine's worker processes.
"""

from __future__ import annotations

import mesa
import numpy as np
from sdsim.simulation.inputs import HAZARD_MONTHS, Rates, S, Structure
from sdsim.simulation.population import Households
from sdsim.simulation.schema import (
    CARE,
    D_ACCESS,
    D_CRISIS,
    D_DIRECT,
    D_GP,
    D_JEUGDARTS,
    D_JUDGE,
    D_SELF,
    D_SPECIALIST,
    DECISION,
    DOMAINS,
    GENERAL,
    HEAVY_PRODUCT,
    HIDDEN,
    JEUGD,
    N_DOMAINS,
    N_STATES,
    NONE,
    PRODUCT_TIER,
    PRODUCTS,
    QUEUE,
    T_FORCED,
    T_MAATWERK,
    T_SPECIALIST,
    WAITLIST,
    WMO,
)

REFERENCE_DOMAINS = (JEUGD, WMO)
FLOWS = ("crises", "door_access", "admissions")  # per domain and month, named as the engine's events
FLOW_CRISES, FLOW_ACCESS, FLOW_ADMISSIONS = range(3)


def _indicated(m, d: int, tier: int, u: float) -> int:
    """A severe need's tier: the specialist tier with the domain's ``specialist_share``, else maatwerk."""
    if tier == T_SPECIALIST and u >= m.scalar(f"specialist_share.{DOMAINS[d]}"):
        return T_MAATWERK
    return tier


def _choose(rates: Rates, d: int, tier: int, u: float) -> int:
    cdf = rates.product_cdf[d, tier]
    for p in range(len(PRODUCTS)):
        if u < cdf[p]:
            return p
    return int(HEAVY_PRODUCT[d])


class HouseholdAgent(mesa.Agent):
    """One household: composition, network, and per-domain state in Python lists."""

    def __init__(self, model: ReferenceModel, hh: Households, i: int) -> None:
        super().__init__(model)
        self.counts = [int(hh.children[i]), int(hh.young[i]), int(hh.adults[i]), int(hh.elderly[i])]
        self.income = int(hh.income[i])
        self.network = float(hh.network[i])
        self.team = int(hh.team[i])
        self.gp = int(hh.gp[i])
        self.state = [int(x) for x in hh.state[i]]
        self.severity = [int(x) for x in hh.severity[i]]
        self.months = [0] * N_DOMAINS  # a synthesized population: every state just entered
        self.product = [int(x) for x in hh.product[i]]
        self.provider = [-1] * N_DOMAINS
        self.door = [int(x) for x in hh.door[i]]

    def enter(self, d: int, state: int, product: int = -1, door: int = 0) -> None:
        """Move domain ``d`` to ``state``."""
        self.state[d], self.months[d], self.product[d], self.door[d] = state, 0, product, door
        if state != CARE:
            self.provider[d] = -1

    def step(self) -> None:
        """One month of needs, requests, care and escalation in jeugd and wmo."""
        m: ReferenceModel = self.model
        rates, rnd = m.rates, self.random.random
        active = sum(1 for s in self.state if s != NONE)
        mult = m.scalar("multiproblem.escalation_mult") if active >= 2 else 1.0
        for d in REFERENCE_DOMAINS:
            state, v, months = self.state[d], self.severity[d], self.months[d]
            if state == NONE:
                exposure = sum(rates.onset[d, g] * self.counts[g] for g in range(4)) * rates.onset_income[d, self.income]
                if rnd() < exposure:
                    u = rnd()
                    self.severity[d] = 1 if u < rates.severity_cdf[d, 0] else (2 if u < rates.severity_cdf[d, 1] else 3)
                    self.enter(d, HIDDEN)
                continue
            escalate = rates.escalate[d] * (1.0 - m.scalar("network_protection") * self.network) * mult
            if state == CARE:
                p = self.product[d]
                if PRODUCT_TIER[p] == T_MAATWERK and rnd() < rates.care_escalate[p] * mult:
                    self.enter(d, WAITLIST, _choose(rates, d, T_SPECIALIST, rnd()), self.door[d])
                elif rnd() < rates.hazard[p, min(months, HAZARD_MONTHS - 1)]:
                    if rnd() < rates.effectiveness[p]:
                        self.severity[d] = 0
                        self.enter(d, NONE)
                    else:
                        self.severity[d] = max(1, v - 1)
                        if PRODUCT_TIER[p] == T_MAATWERK and rnd() < m.scalar("access.reassess"):
                            self.enter(d, QUEUE, p, D_ACCESS)  # re-assessment: back to the team with its product
                            m.flows[d, FLOW_ACCESS] += 1
                        else:
                            self.enter(d, HIDDEN)
                else:
                    self.months[d] += 1
                continue
            if state == HIDDEN:
                probs = (rates.resolve_own[d] * self.network, escalate, rates.ask[d, v])
            elif state == GENERAL:
                resolve = rates.general_resolve[d] * (1.0 if v == 1 else m.scalar("general_higher_factor"))
                stepup = rates.general_stepup[d] if v >= 2 else 0.0
                probs = (resolve, escalate * (1.0 - m.scalar("general_mitigation")), stepup)
            else:
                probs = (rates.resolve_own[d] * self.network, escalate, 0.0)
            event = self.model.competing(rnd(), probs)
            if event == 1:
                self.severity[d] = 0
                self.enter(d, NONE)
            elif event == 2:
                if v < 3:
                    self.severity[d] = v + 1
                    self.months[d] += 1
                else:
                    target = int(HEAVY_PRODUCT[d])
                    if rnd() >= m.scalar(f"crisis.heavy_share.{DOMAINS[d]}"):
                        target = _choose(rates, d, T_MAATWERK, rnd())  # crisis help in the maatwerk tier
                    m.flows[d, FLOW_CRISES] += 1
                    if state == WAITLIST and self.product[d] == target:
                        self.door[d] = D_CRISIS
                        self.months[d] += 1
                    else:
                        self.enter(d, WAITLIST, target, D_CRISIS)
            elif event == 3 and state == GENERAL:
                self.enter(d, QUEUE, -1, D_ACCESS)
                m.flows[d, FLOW_ACCESS] += 1
            elif event == 3:
                self.request(d, v)
            elif state == DECISION and months + 1 >= m.structure.team_delay[self.team]:
                self.enter(d, WAITLIST, self.product[d], self.door[d])
            else:
                self.months[d] += 1

    def request(self, d: int, v: int) -> None:
        """Ask for help: general provision, judge, a doctor (huisarts with POH-jeugd, specialist, jeugdarts), a provider or access."""
        m: ReferenceModel = self.model
        rates, rnd = m.rates, self.random.random
        if v == 1:
            self.enter(d, GENERAL, -1, D_SELF)
            return
        u = rnd()
        judge, gp = rates.door_judge[d], rates.door_gp[d] * m.structure.gp_referral[self.gp]
        if u < judge:
            self.enter(d, WAITLIST, _choose(rates, d, T_FORCED, 0.0), D_JUDGE)
        elif u < judge + gp:
            doctor = rnd()  # an independent draw for the doctor (the engine reuses the door draw's position)
            specialist, jeugdarts = m.scalar("door_medical.specialist"), m.scalar("door_medical.jeugdarts")
            referrer = D_SPECIALIST if doctor < specialist else D_JEUGDARTS if doctor < specialist + jeugdarts else D_GP
            if referrer == D_GP and rnd() < m.structure.gp_poh[self.gp]:
                self.enter(d, GENERAL, -1, D_GP)
            else:
                self.enter(d, WAITLIST, _choose(rates, d, _indicated(m, d, v, rnd()), rnd()), referrer)
        elif u < judge + gp + rates.door_direct[d]:
            self.enter(d, WAITLIST, _choose(rates, d, _indicated(m, d, v, rnd()), rnd()), D_DIRECT)
        else:
            self.enter(d, QUEUE, -1, D_ACCESS)
            m.flows[d, FLOW_ACCESS] += 1


class ReferenceModel(mesa.Model):
    """Households as Mesa agents; access teams and providers as plain counters on the model."""

    def __init__(self, households: Households, rates: Rates, structure: Structure, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.rates, self.structure = rates, structure
        self.capacity = structure.counter_capacity
        self.slots = structure.provider_slots
        self.households = [HouseholdAgent(self, households, i) for i in range(households.children.shape[0])]
        self.flows = np.zeros((N_DOMAINS, 3), np.int64)  # this month's FLOWS
        self.record: dict[str, list] = {"occupancy": [], "stock": [], "flows": []}

    def scalar(self, name: str) -> float:
        """A scalar parameter."""
        return float(self.rates.scalars[S[name]])

    @staticmethod
    def competing(u: float, probs: tuple[float, float, float]) -> int:
        """Which of three competing events happens (0 = none), clipped so they never exceed 1."""
        total = 0.0
        for i, p in enumerate(probs, start=1):
            p = min(p, 1.0 - total)
            if u < total + p:
                return i
            total += p
        return 0

    def stock(self) -> np.ndarray:
        """Clients in care per provider and product."""
        out = np.zeros(self.slots.shape, np.int64)
        for a in self.households:
            for d in REFERENCE_DOMAINS:
                if a.state[d] == CARE:
                    out[a.provider[d], a.product[d]] += 1
        return out

    def step(self) -> None:
        """One month: every household steps (random order), then teams and providers serve."""
        self.flows = np.zeros((N_DOMAINS, 3), np.int64)
        self.agents_by_type[HouseholdAgent].shuffle_do("step")
        rnd = self.random.random
        waiting = [(a, d) for a in self.households for d in REFERENCE_DOMAINS if a.state[d] == QUEUE]
        waiting.sort(key=lambda x: (x[0].team, x[1], -x[0].months[x[1]], rnd()))
        served: dict[tuple[int, int], int] = {}
        for a, d in waiting:
            counter = (a.team, d)
            if served.get(counter, 0) >= self.capacity[a.team, d]:
                continue
            served[counter] = served.get(counter, 0) + 1
            v = a.severity[d]
            tier = v if rnd() < self.structure.team_triage[a.team] else (v - 1 if v >= 2 else T_MAATWERK)
            tier = _indicated(self, d, tier, rnd())
            returning = a.product[d]  # >= 0: re-assessed with its product, which it keeps at tier maatwerk
            if tier <= 1:
                a.enter(d, GENERAL, -1, D_ACCESS)
            else:
                state = DECISION if self.structure.team_delay[a.team] > 0 else WAITLIST
                choice = returning if returning >= 0 and tier == T_MAATWERK else _choose(self.rates, d, tier, rnd())
                a.enter(d, state, choice, D_ACCESS)
        stock = self.stock()
        listed = [(a, d) for a in self.households for d in REFERENCE_DOMAINS if a.state[d] == WAITLIST]
        listed.sort(key=lambda x: (x[0].door[x[1]] not in (D_CRISIS, D_JUDGE), -x[0].months[x[1]], rnd()))
        for a, d in listed:
            p = a.product[d]
            priority = a.door[d] in (D_CRISIS, D_JUDGE)
            offering = np.flatnonzero(self.slots[:, p] > 0)
            free = self.slots[offering, p] - stock[offering, p]
            best = int(offering[np.argmax(free)])
            if free.max() <= 0 and not priority:
                continue
            stock[best, p] += 1
            self.flows[d, FLOW_ADMISSIONS] += 1
            a.enter(d, CARE, p, a.door[d])
            a.provider[d] = best
        occupancy = np.zeros((N_DOMAINS, N_STATES), np.int64)
        for a in self.households:
            for d in range(N_DOMAINS):
                occupancy[d, a.state[d]] += 1
        self.record["occupancy"].append(occupancy)
        self.record["stock"].append(stock.sum(axis=0))
        self.record["flows"].append(self.flows)

    def release(self) -> None:
        """Drop the agents so a finished model can be freed (Mesa 3.3 keeps them otherwise)."""
        self.remove_all_agents()
        self.households = []
