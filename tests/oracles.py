"""Independent oracles for the engine: a mean-field Markov recursion written from the model's rules.

``mean_field`` propagates, for every household and domain, the exact probability distribution of
its state under the same rules as the kernels, assuming capacities never bind (access teams and
providers unlimited), no demography and no coupling between domains. It shares no code with the
kernels except the compiled rate arrays; it is a second reading of the rules, not a second run.
"""

from __future__ import annotations

import numpy as np
from sdsim.simulation.inputs import HAZARD_MONTHS, Rates, S, Structure
from sdsim.simulation.population import Households
from sdsim.simulation.schema import (
    CARE,
    DECISION,
    GENERAL,
    HEAVY_PRODUCT,
    HIDDEN,
    N_DOMAINS,
    N_STATES,
    NONE,
    PRODUCT_DOMAIN,
    PRODUCT_TIER,
    PRODUCTS,
    T_FORCED,
    T_MAATWERK,
    T_SPECIALIST,
)

K = HAZARD_MONTHS


def _competing(p1, p2, p3):
    """Probabilities of three competing events with the kernels' clipping (arrays)."""
    q1 = np.minimum(p1, 1.0)
    q2 = np.minimum(p2, 1.0 - q1)
    q3 = np.minimum(p3, 1.0 - q1 - q2)
    return q1, q2, q3


def _choice(rates: Rates, d: int, tier: int) -> dict[int, float]:
    """Product choice probabilities within (domain, tier) from the cumulative table."""
    cdf = rates.product_cdf[d, tier]
    out, running = {}, 0.0
    for p in range(len(PRODUCTS)):
        if cdf[p] > 0:
            out[p] = cdf[p] - running
            running = cdf[p]
    return out


def mean_field(hh: Households, rates: Rates, st: Structure, months: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected month-end occupancy (months, domains, states) and product stock (months, products)."""
    n = hh.children.shape[0]
    occupancy = np.zeros((months, N_DOMAINS, N_STATES))
    stock = np.zeros((months, len(PRODUCTS)))
    net = hh.network.astype(np.float64)
    counts = np.stack([hh.children, hh.young, hh.adults, hh.elderly], axis=1).astype(np.float64)
    accuracy = st.team_triage[hh.team]
    delay = st.team_delay[hh.team]
    assert np.all(delay == delay[0]), "oracle assumes one decision delay"
    delay = int(delay[0])
    gp_mult = st.gp_referral[hh.gp]
    poh = st.gp_poh[hh.gp]
    s = rates.scalars
    protection, mitigation, higher = s[S["network_protection"]], s[S["general_mitigation"]], s[S["general_higher_factor"]]
    md = delay + 4
    for d in range(N_DOMAINS):
        products = [p for p in range(len(PRODUCTS)) if PRODUCT_DOMAIN[p] == d]
        local = {p: i for i, p in enumerate(products)}
        n_p = len(products)
        none = np.zeros(n)
        hidden = np.zeros((n, 4))
        general = np.zeros((n, 4))
        decision = np.zeros((n, n_p, 4, md))
        care = np.zeros((n, n_p, 4, K))
        state0, sev0 = hh.state[:, d], hh.severity[:, d]
        none[state0 == NONE] = 1.0
        for v in range(1, 4):
            hidden[(state0 == HIDDEN) & (sev0 == v), v] = 1.0
        assert np.all(np.isin(state0, (NONE, HIDDEN))), "oracle starts from needs not yet in service"
        exposure = np.minimum(counts @ rates.onset[d] * rates.onset_income[d, hh.income], 1.0)
        sev_p = (rates.severity_cdf[d, 0], rates.severity_cdf[d, 1] - rates.severity_cdf[d, 0], 1.0 - rates.severity_cdf[d, 1])
        esc = rates.escalate[d] * (1.0 - protection * net)
        heavy = local[HEAVY_PRODUCT[d]]
        specialist_share = s[S["specialist_share.jeugd"] + d]  # consecutive per domain (inputs.SCALARS)
        crisis_heavy = s[S["crisis.heavy_share.jeugd"] + d]
        forced = local[min(_choice(rates, d, T_FORCED))]
        by_tier = {t: {local[p]: q for p, q in _choice(rates, d, t).items()} for t in (T_MAATWERK, T_SPECIALIST)}
        judge = min(rates.door_judge[d], 1.0)
        gp = np.minimum(rates.door_gp[d] * gp_mult + judge, 1.0) - judge
        direct = np.minimum(judge + gp + rates.door_direct[d], 1.0) - judge - gp
        access = 1.0 - judge - gp - direct
        # the POH-jeugd sits in the GP practice: it sees the huisarts's referrals, not the other doctors'
        huisarts = 1.0 - s[S["door_medical.specialist"]] - s[S["door_medical.jeugdarts"]]
        maatwerk = np.array([PRODUCT_TIER[p] == T_MAATWERK for p in products])
        care_esc = np.where(maatwerk, rates.care_escalate[products], 0.0)
        hazard = rates.hazard[products]  # (n_p, K)
        eff = rates.effectiveness[products]

        for t in range(months):
            n_none = np.zeros(n)
            n_hidden = np.zeros((n, 4))
            n_general = np.zeros((n, 4))
            n_decision = np.zeros((n, n_p, 4, md))
            n_care = np.zeros((n, n_p, 4, K))

            def indicated(tier, split_severe=True, specialist_share=specialist_share):
                """(tier, weight) pairs: a severe need goes to the specialist tier with its specialist share, else maatwerk."""
                if tier == T_SPECIALIST and split_severe:
                    return ((T_SPECIALIST, specialist_share), (T_MAATWERK, 1.0 - specialist_share))
                return ((tier, 1.0),)

            def start_care(mass, v, tier, split_severe=True, n_care=n_care, by_tier=by_tier):
                for t_, w_ in indicated(tier, split_severe):
                    for i, q in by_tier[t_].items():
                        n_care[:, i, v, 0] += mass * w_ * q

            def crisis(mass, n_care=n_care, by_tier=by_tier, heavy=heavy, crisis_heavy=crisis_heavy):
                """A crisis: the heaviest product with its share, else priority maatwerk (admitted at once here)."""
                n_care[:, heavy, 3, 0] += mass * crisis_heavy
                for i, q in by_tier[T_MAATWERK].items():
                    n_care[:, i, 3, 0] += mass * (1.0 - crisis_heavy) * q

            def via_access(mass, v, n_general=n_general, n_decision=n_decision, n_care=n_care, by_tier=by_tier):
                for tier0, w0 in ((v, accuracy), (v - 1 if v >= 2 else T_MAATWERK, 1.0 - accuracy)):
                    if tier0 <= 1:
                        n_general[:, v] += mass * w0
                        continue
                    for tier, w1 in indicated(tier0):
                        w = w0 * w1
                        for i, q in by_tier[tier].items():
                            if delay > 0:
                                n_decision[:, i, v, 0] += mass * w * q
                            else:
                                n_care[:, i, v, 0] += mass * w * q

            # NONE -> onset
            for v in range(1, 4):
                n_hidden[:, v] += none * exposure * sev_p[v - 1]
            n_none += none * (1.0 - exposure)
            # HIDDEN
            for v in range(1, 4):
                q1, q2, q3 = _competing(rates.resolve_own[d] * net, esc, np.full(n, rates.ask[d, v]))
                mass = hidden[:, v]
                n_none += mass * q1
                if v < 3:
                    n_hidden[:, v + 1] += mass * q2
                else:
                    crisis(mass * q2)
                n_hidden[:, v] += mass * (1.0 - q1 - q2 - q3)
                ask = mass * q3
                if v == 1:
                    n_general[:, 1] += ask
                else:
                    n_care[:, forced, v, 0] += ask * judge
                    n_general[:, v] += ask * gp * huisarts * poh
                    start_care(ask * (gp * (1.0 - huisarts * poh) + direct), v, v)
                    via_access(ask * access, v)
            # GENERAL
            for v in range(1, 4):
                resolve = rates.general_resolve[d] * (1.0 if v == 1 else higher)
                stepup = rates.general_stepup[d] if v >= 2 else 0.0
                q1, q2, q3 = _competing(np.full(n, resolve), esc * (1.0 - mitigation), np.full(n, stepup))
                mass = general[:, v]
                n_none += mass * q1
                if v < 3:
                    n_general[:, v + 1] += mass * q2
                else:
                    crisis(mass * q2)
                n_general[:, v] += mass * (1.0 - q1 - q2 - q3)
                via_access(mass * q3, v)
            # DECISION (beschikking pending)
            for v in range(1, 4):
                q1, q2, _ = _competing(rates.resolve_own[d] * net, esc, np.zeros(n))
                for m in range(md):
                    mass = decision[:, :, v, m]
                    n_none += mass.sum(axis=1) * q1
                    if v < 3:
                        n_decision[:, :, v + 1, min(m + 1, md - 1)] += mass * q2[:, None]
                    else:
                        crisis(mass.sum(axis=1) * q2)
                    rest = mass * (1.0 - q1 - q2)[:, None]
                    if m + 1 >= delay:
                        n_care[:, :, v, 0] += rest
                    else:
                        n_decision[:, :, v, m + 1] += rest
            # CARE
            for i in range(n_p):
                for v in range(1, 4):
                    mass = care[:, i, v, :]  # (n, K)
                    escalated = mass.sum(axis=1) * care_esc[i]
                    if care_esc[i] > 0:
                        start_care(escalated, v, T_SPECIALIST, split_severe=False)  # escalation picks the specialist tier
                    leaving = mass * (1.0 - care_esc[i]) * hazard[i][None, :]
                    ended = leaving.sum(axis=1)
                    n_none += ended * eff[i]
                    n_hidden[:, max(1, v - 1)] += ended * (1.0 - eff[i])
                    staying = mass * (1.0 - care_esc[i]) * (1.0 - hazard[i][None, :])
                    n_care[:, i, v, 1:] += staying[:, :-1]
                    n_care[:, i, v, K - 1] += staying[:, K - 1]
            none, hidden, general, decision, care = n_none, n_hidden, n_general, n_decision, n_care
            occupancy[t, d, NONE] = none.sum()
            occupancy[t, d, HIDDEN] = hidden.sum()
            occupancy[t, d, GENERAL] = general.sum()
            occupancy[t, d, DECISION] = decision.sum()
            occupancy[t, d, CARE] = care.sum()
            for p, i in local.items():
                stock[t, p] = care[:, i].sum()
    return occupancy, stock
