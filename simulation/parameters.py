"""The registry of parameters: one flat, named vector with sources and ranges.

The behavioural parameters are declared here, each lever's own in its module (``simulation.levers``).

Every parameter has a dotted name (``onset.jeugd.children``), a default, hard bounds (what is
valid at all), a plausible range (what sensitivity analysis and calibration explore) and a source:
a row of ``scenarios/sources.csv`` (copied from ``shared/data``), a seed, or ``assumption``.
Scenario files change parameters by name; ``Parameters.vector`` and ``Parameters.from_vector`` give
the flat view used by calibration and sensitivity analysis.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
from sdsim.simulation.levers import LEVERS
from sdsim.simulation.parameter import ASSUMPTION, MONTHLY, NON_NEGATIVE, PROBABILITY, Parameter, declare, declare_money, spread
from sdsim.simulation.prices import BENEFIT_INDEX, TARIFF_INDEX, WAGE_INDEX
from sdsim.simulation.schema import AGE_GROUPS, DOMAINS, INCOME_CLASSES, PRODUCTS, STAFF_PRODUCTS

A = ASSUMPTION

# Monthly onset probability per person of an age group (0 = not exposed).
_ONSET = {
    "jeugd": {"children": 0.0118},
    "wmo": {"young": 0.00075, "adults": 0.0018, "elderly": 0.030},
    "werk": {"young": 0.0012, "adults": 0.0007},
    "schulden": {"young": 0.0010, "adults": 0.0008},
    "veiligheid": {"children": 0.00045},
}
_ONSET_SOURCE = {
    "jeugd": (
        "derived: fitted (seed 0, 8 replicates) so that the default's youth with jeugdhulp in a year are ~1.05 x"
        " row:jeugdhulp_youth_incl_pgb 2019 430,990 per youth 0-22; with persons.jeugd and companion.* the trajectories active"
        " and started then come out ~1.05 x row:jh_trajectories_active 2019 592,860 and row:jh_trajectories_started 2019 281,810"
    ),
    "wmo": (
        "derived: one factor (x 1.5 on 0.0005 / 0.0012 / 0.02, seed 0, 8 replicates; the age profile an assumption) fitted so"
        " that the default's Wmo clients (persons) per year are ~1.04 x row:wmo_maatwerk_clients 2019 per inhabitant; with the"
        " companion provisions (companion.wmo_*) the clients by type then come out ~1.0-1.05 x row:wmo_hbh_clients 2019,"
        " row:wmo_ondersteuning_thuis_clients 2017 and row:wmo_hulpmiddelen_diensten_clients 2017"
    ),
    "werk": "row:bijstand_persons",
    "schulden": A,
    "veiligheid": (
        "derived: fitted (seed 0) so that the default's children under a protection measure on 31 December are ~0.98 x"
        " row:jb_measures_in_force 2019-12-31 32,095 per youth 0-17 (with persons.veiligheid), started ~1.0 x row:jb_measures_inflow 2019"
    ),
}
# Onset multiplier by income class (low, middle, high).
_INCOME = {
    "jeugd": ((1.4, 1.0, 0.7), A),
    "wmo": ((1.8, 1.0, 0.15), "row:wmo_hbh_per_1000_low_income"),
    "werk": ((3.0, 0.7, 0.1), A),
    "schulden": ((3.0, 0.8, 0.2), A),
    "veiligheid": ((2.0, 1.0, 0.5), A),
}
_SEVERITY_AT_ONSET = {  # (light, moderate); severe is the rest
    "jeugd": (0.5, 0.4),
    "wmo": (0.4, 0.55),
    "werk": (0.3, 0.5),
    "schulden": (0.4, 0.45),
    "veiligheid": (0.3, 0.45),
}
_RESOLVE_OWN = {"jeugd": 0.06, "wmo": 0.02, "werk": 0.03, "schulden": 0.04, "veiligheid": 0.03}
_ESCALATE = {"jeugd": 0.03, "wmo": 0.01, "werk": 0.01, "schulden": 0.03, "veiligheid": 0.03}
_ASK = {  # light, moderate, severe
    "jeugd": (0.05, 0.15, 0.3),
    "wmo": (0.05, 0.2, 0.35),
    "werk": (0.05, 0.1, 0.2),
    "schulden": (0.03, 0.08, 0.15),
    "veiligheid": (0.03, 0.1, 0.25),
}
# Doors of a request (moderate or severe need): a doctor (huisarts, medisch specialist, jeugdarts),
# the judge, straight to a provider without referrer; the access team is the rest. Calibrated so
# that the started jeugdhulp trajectories fall into CBS's referral routes in CBS's shares
# (``schema.ROUTES``; crises, recorded as "no referrer", and the GI's referrals come on top).
_DOOR_GP = {
    "jeugd": (
        0.58,
        "seed:[NK] §4 (50% outside the area team); row:share_started_huisarts (calibrated, doctors together; 0.63 -> 0.58 refitted"
        " at the volumes of onset.jeugd.children 0.018, where the GI's share of starts falls)",
    )
}
_DOOR_JUDGE = {"veiligheid": (0.5, A)}
_DOOR_DIRECT = {
    "jeugd": (
        0.13,
        "row:share_started_no_referrer (calibrated with crises, which CBS records without referrer; 0.05 while every"
        " crisis was a verblijf admission, 0.13 since most crises get ambulant crisis help: crisis.heavy_share.jeugd)",
    )
}
# Of the doctors' referrals (46.5 % of started jeugdhulp in 2021: 38.5 huisarts, 4.9 medisch
# specialist, 3.1 jeugdarts), the shares of the medisch specialist and the jeugdarts.
_DOOR_MEDICAL = {
    "specialist": (4.9 / 46.5, "row:share_started_medisch_specialist; derived: 4.9 / (38.5 + 4.9 + 3.1)"),
    "jeugdarts": (3.1 / 46.5, "row:share_started_jeugdarts; derived: 3.1 / (38.5 + 4.9 + 3.1)"),
}
# Severe needs and crises (access/queue mechanics, issue 10 item 5). The share of severe needs (not crises)
# indicated to the domain's specialist tier (the rest maatwerk), and the share of crises that lead to the
# heaviest product (the rest crisis help in the maatwerk tier, admitted at once).
_SPECIALIST_SHARE = {
    "jeugd": (
        0.11,
        (0.03, 0.3),
        "derived: calibrated (0.12 -> 0.075 -> 0.11 with the companion trajectories, which are ambulant) so verblijf is ~0.9 x"
        " row:jh_started_share_met_verblijf (6.1 % of started jeugdhulp, CBS 2021) with crises included; severe youth problems are"
        " mostly treated ambulant",
    ),
    "wmo": (
        0.2,
        (0.1, 0.6),
        "assumption: beschermd wonen for the severe psychiatric part of severe Wmo needs, the rest intensive begeleiding (0.3 -> 0.2:"
        " the default's beschermd wonen clients ~1.0 x row:wmo_verblijf_opvang_clients 2017 per inhabitant)",
    ),
    "werk": (
        0.6,
        (0.4, 1.0),
        "assumption: most severe werk needs are the beschut werk target group (UWV advice), the rest intensive re-integration",
    ),
    "schulden": (1.0, (0.7, 1.0), "assumption: a severe debt problem leads to beschermingsbewind"),
    "veiligheid": (1.0, (1.0, 1.0), "assumption (structure): veiligheid has no specialist product (the protection measure is forced)"),
}
_CRISIS_HEAVY = {
    "jeugd": (
        0.1,
        (0.05, 0.3),
        "assumption: a youth crisis is mostly met by ambulant crisis teams; a minority becomes a"
        " crisis placement (0.4: all, 52 % of verblijf starts)",
    ),
    "wmo": (0.2, (0.1, 0.4), "assumption: an adult crisis leads to beschermd wonen or opvang for a minority"),
    "werk": (
        0.0,
        (0.0, 0.0),
        "assumption (structure): beschut werk needs a UWV advice and a waiting period, no crisis door"
        " (0.4: 80 % of its admissions were crises)",
    ),
    "schulden": (0.3, (0.1, 0.5), "assumption: a debt crisis (eviction, cut-off) leads to beschermingsbewind for a minority"),
    "veiligheid": (1.0, (1.0, 1.0), "assumption (structure): a child-safety crisis is a (voorlopige) ondertoezichtstelling"),
}
# Persons a trajectory concerns (schema.PERSON_GROUPS): each other eligible member of the household joins the
# client with this probability, drawn at admission.
_PERSONS = {
    "jeugd": (
        0.15,
        (0.05, 0.3),
        "assumption: siblings in youth care at the same time; no figure per household in shared/data (CBS counts youth,"
        " trajectories and, in SCP's Voorzieningen in 3D, households with any provision). Range: a sibling in care in 1 of"
        " 20 to 1 of 3 families with a child in care",
    ),
    "veiligheid": (
        0.3,
        (0.1, 0.6),
        "assumption: a child protection measure concerns the unsafe home, so siblings are often placed under one too;"
        " no figure per household in shared/data",
    ),
    "wmo": (
        0.05,
        (0.0, 0.2),
        "assumption: a partner with a Wmo provision of their own (mostly elderly couples); no figure per household in shared/data",
    ),
}
# Share of persons in care who hold a companion provision beside their product (schema.COMPANIONS).
_JEUGD_COMPANION = (
    "derived: fitted (seed 0) so that the default's jeugdhulp trajectories per youth with jeugdhulp in a year are"
    " row:jh_trajectories_active 2019 592,860 / row:jeugdhulp_youth_incl_pgb 2019 430,990 = 1.38 (a second form or"
    " provider at once; sequential trajectories come from the model's own dynamics)"
)
_WMO_COMPANION = (
    "derived: fitted (seed 0) so that the default's Wmo provisions per client are (row:wmo_hbh_clients 2017 398,090 +"
    " row:wmo_ondersteuning_thuis_clients 2017 282,000 + row:wmo_hulpmiddelen_diensten_clients 2017 694,715) /"
    " row:wmo_maatwerk_clients 2017 1,051,520 = 1.31, the extra provision a hulpmiddel or dienst"
)
_COMPANION = {
    "jeugd_ambulant": (0.3, (0.1, 0.5), _JEUGD_COMPANION),
    "jeugd_verblijf": (0.3, (0.1, 0.6), _JEUGD_COMPANION),
    "veiligheid_ambulant": (0.3, (0.1, 0.5), _JEUGD_COMPANION),
    "wmo_hbh": (0.4, (0.2, 0.6), _WMO_COMPANION),
    "wmo_begeleiding": (0.4, (0.2, 0.6), _WMO_COMPANION),
}
_GENERAL_RESOLVE = {"jeugd": 0.15, "wmo": 0.08, "werk": 0.05, "schulden": 0.15, "veiligheid": 0.1}

# Per product: mean duration (months; None = CBS ended-trajectory distribution), effectiveness,
# monthly escalation to the specialist tier, share within its (domain, tier).
_CARE = {
    "jeugd_ambulant": (None, 0.7, 0.004, 0.86),
    "jeugd_verblijf": (32.0, 0.6, 0.0, 1.0),
    "wmo_hbh": (45.0, 0.5, 0.001, 0.427),
    "wmo_begeleiding": (77.0, 0.6, 0.003, 0.236),
    "wmo_hulpmiddelen": (65.0, 0.8, 0.0005, 0.337),
    "wmo_beschermd_wonen": (36.0, 0.5, 0.0, 1.0),
    "reintegratie": (12.0, 0.35, 0.002, 1.0),
    "beschut_werk": (60.0, 0.2, 0.0, 1.0),
    "schuldhulp": (18.0, 0.6, 0.003, 1.0),
    "beschermingsbewind": (48.0, 0.5, 0.0, 1.0),
    "veiligheid_ambulant": (9.0, 0.6, 0.01, 1.0),
    "jeugdbescherming": (35.0, 0.6, 0.0, 1.0),
    "jeugd_wijkteam": (None, 0.7, 0.004, 0.14),
}
# How long a Wmo client holds a provision (months), from the clients in the first half year and in the whole year
# 2019: a stock S with mean holding time D has S (1 + 6 / D) clients in a half year and S (1 + 12 / D) in a year, so
# with r = year / half year, D = (12 - 6 r) / (r - 1). Growth in 2019 (HbH +12 %, the abonnementstarief) adds clients
# in the second half year, so these are if anything short. The mean durations below are the nominal care durations,
# before deaths and moves end care too: fitted (seed 0) so that the default's clients per year over its stock is
# 1 + 12 / D at these D. The tariffs turn spending per client-year into a price per client-month at the same D.
WMO_HELD_MONTHS = {
    "wmo_hbh": (34.0, "row:wmo_hbh_clients 2019 439,060 / row:wmo_hbh_clients H1 2019 382,000 = 1.149: D = 34.2"),
    "wmo_begeleiding": (
        47.0,
        "row:wmo_ondersteuning_thuis_clients 2019 316,890 / (row:wmo_share_clients_ondersteuning_thuis H1 2019* 27 % x"
        " row:wmo_maatwerk_clients_halfyear H1 2019* 1,053,615 = 284,476) = 1.114: D = 46.7 (38-58 at 26.5-27.5 %)",
    ),
    "wmo_hulpmiddelen": (
        50.0,
        "row:wmo_hulpmiddelen_diensten_clients 2019 757,850 / (row:wmo_share_clients_hulpmiddelen_diensten H1 2019* 65 % x"
        " row:wmo_maatwerk_clients_halfyear H1 2019* 1,053,615 = 684,850) = 1.107: D = 50.3 (46-55 at 64.5-65.5 %)",
    ),
    "wmo_beschermd_wonen": (36.0, "assumption (no half-year figure for verblijf en opvang in shared/data)"),
}


def held_months(year_over_half_year: float) -> float:
    """Mean months a client holds a provision from the ratio of clients in a year to clients in its first half."""
    r = year_over_half_year
    return (12.0 - 6.0 * r) / (r - 1.0)


def per_client_month(spending_per_client_year: float, held: float) -> float:
    """Spending per client-year as a price per client-month for a provision held ``held`` months: x (1 + 12 / D) / 12."""
    return spending_per_client_year * (1.0 + 12.0 / held) / 12.0


_WMO_SHARE = (
    "derived: the share of starts in its tier, clients holding it as their main provision / (D + 12) with D the held months:"
    " row:wmo_hbh_clients 2017 398,090 / 46, row:wmo_ondersteuning_thuis_clients 2017 282,000 / 59, and"
    " row:wmo_hulpmiddelen_diensten_clients 2017 694,715 less the 40 % of HbH and begeleiding clients holding one beside"
    " (companion.wmo_*) = 422,679 / 62 -> 42.7 / 23.6 / 33.7 %"
)
_CARE_SOURCES = {
    "jeugd_ambulant": "row:ended_jh_traj_share_0_3m",
    "jeugd_wijkteam": (
        "derived: the share fitted (seed 0) so that the team's own jeugdhulp is ~1.0 x row:jh_started_share_wijkteam 2021* (10.7 %"
        " of started trajectories); durations as all jeugdhulp (row:ended_jh_traj_share_0_3m)"
    ),
    "jeugd_verblijf": (
        "derived: nominal, fitted (seed 0) so the default's verblijf trajectories active in a year are ~1.0 x"
        " row:jh_trajectories_active_met_verblijf 2019 52,430 per youth 0-22, a realised mean of Little's law's 24.6 months ="
        " (52,430 - starts) / starts x 12 with starts row:jh_started_share_met_verblijf 2021* 6.1 % of row:jh_trajectories_started"
        " 2019 281,810 (stays also end at 18 and when the family moves); the CBS ended-trajectory bins (all jeugdhulp, mean ~13"
        " months) are mostly ambulant"
    ),
    **{
        p: f"derived: nominal, fitted so the model holds a provision {held:g} months ({why}); {_WMO_SHARE}"
        for p, (held, why) in WMO_HELD_MONTHS.items()
        if p != "wmo_beschermd_wonen"
    },
    "jeugdbescherming": (
        "derived: nominal, fitted (seed 0) so the default's measures in force / measures started is Little's law's"
        " row:jb_measures_in_force 2019-12-31 32,095 / row:jb_measures_inflow 2019 12,980 x 12 = 29.7 months (measures also end"
        " when the youth turns 18 or the family moves); within row:avg_duration_ended_ots (30-35 months; voogdij longer)"
    ),
}

# --- money: every amount in euros of its source year (``price_year``), indexed to the start year by the compiled
# scenario (``simulation.prices``). Where ``shared/data`` has a figure the amount is derived from it (the rows are
# copied into scenarios/sources.csv); elsewhere it is an assumption with a range. A per-client-year spending figure
# becomes a price per client-month as spending / client-months: a product with mean duration D months has, in a
# steady state, S (1 + 12 / D) clients in a year for a mean stock S, so a client-month costs
# (spending per client-year) x (1 + 12 / D) / 12 (per_client_month), with D the months a client holds it (WMO_HELD_MONTHS).
_JEUGD_STOCK_2019 = (
    "(row:jh_trajectories_active 2019 592,860 held or started in the year - row:jh_trajectories_started 2019 281,810 = 311,050"
    " held on 1 January, less the local teams' own, row:jh_started_share_wijkteam 2021* 10.7 %, paid as staff: 277,768)"
)
_JEUGD_SPLIT = (
    "verblijf costs 4.5 x ambulant per month (assumption, range 3-8) at its share of that stock (row:jh_trajectories_active_met_verblijf"
    " 2019 52,430 - 6.1 % of the starts (row:jh_started_share_met_verblijf 2021*) = 35,240, 12.7 %)"
)
_JEUGD_PER_MONTH = (
    "row:jeugd_cost_individual_provisions 2019 4.7 bn - the protection measures (row:taakveld_geescaleerde_zorg_18min_lasten_begroot"
    f" 2019* 631 mln) = 4,069 mln / 12 / contracted trajectory stock {_JEUGD_STOCK_2019} = 1,221 per trajectory-month (2019; Iv3"
    " 6.72 of 2017 over the whole 2017 stock gives 866.5 in 2017 euros)"
)
_TARIFF = {  # product: (euro per client-month, price year, plausible range, source)
    "jeugd_ambulant": (845.0, 2019, (550.0, 1200.0), f"derived: {_JEUGD_PER_MONTH}, of which ambulant 845 if {_JEUGD_SPLIT}"),
    "jeugd_verblijf": (3804.0, 2019, (2400.0, 6500.0), f"derived: {_JEUGD_PER_MONTH}, of which verblijf 3,804 if {_JEUGD_SPLIT}"),
    "wmo_hbh": (
        round(per_client_month(2581.0, WMO_HELD_MONTHS["wmo_hbh"][0])), 2019, (220.0, 375.0),
        "derived: row:wmo_hbh_spending_per_client 2019 2,581 per client-year x (1 + 12/34) / 12 (34: WMO_HELD_MONTHS);"
        " range -25 % to +30 %",
    ),
    "wmo_begeleiding": (
        round(per_client_month(1_389_135e3 / 282_000, WMO_HELD_MONTHS["wmo_begeleiding"][0])), 2017, (390.0, 670.0),
        "derived: row:wmo_ondersteuning_thuis_spending_realised 2017* 1,389,135k / row:wmo_ondersteuning_thuis_clients 2017 282,000"
        " = 4,926 per client-year x (1 + 12/47) / 12 (47: WMO_HELD_MONTHS); range -25 % to +30 %",
    ),
    "wmo_hulpmiddelen": (
        round(per_client_month(541_954e3 / 694_715, WMO_HELD_MONTHS["wmo_hulpmiddelen"][0])), 2017, (60.0, 120.0),
        "derived: row:wmo_hulpmiddelen_diensten_spending_realised 2017* 541,954k / row:wmo_hulpmiddelen_diensten_clients 2017"
        " 694,715 = 780 per client-year x (1 + 12/50) / 12 (50: WMO_HELD_MONTHS)",
    ),
    "wmo_beschermd_wonen": (
        round(per_client_month(50_734.0, WMO_HELD_MONTHS["wmo_beschermd_wonen"][0])), 2017, (4200.0, 7500.0),
        "derived: row:wmo_verblijf_opvang_spending_per_client 2017 50,734 per client-year x (1 + 12/36) / 12 (includes opvang,"
        " shorter and cheaper: the low end of the range is 50,734 / 12)",
    ),
    "reintegratie": (
        500.0, 2025, (250.0, 900.0), "assumption: no spending per trajectory in shared/data (the participatiebudget rows stop in 2012)"
    ),
    "beschut_werk": (
        1500.0, 2025, (1000.0, 2200.0), "assumption: wage subsidy and guidance per beschut werk place; no per-place figure in shared/data"
    ),
    "schuldhulp": (
        150.0, 2025, (80.0, 300.0), "assumption: no spending figure for schuldhulpverlening in shared/data (NVVK rows count people)"
    ),
    "beschermingsbewind": (
        120.0, 2025, (90.0, 160.0), "assumption: the monthly bewind fee paid through bijzondere bijstand; no figure in shared/data"
    ),
    "veiligheid_ambulant": (
        845.0, 2019, (550.0, 1300.0),
        "derived: as tariff.jeugd_ambulant (ambulant youth help paid from the same budget line); up to the jeugdbescherming price",
    ),
    "jeugdbescherming": (
        1291.0, 2019, (800.0, 1660.0),
        "derived: row:taakveld_geescaleerde_zorg_18min_lasten_begroot 2019* 631 mln / 12 / (mean of row:jb_measures_in_force"
        " 2019-01-01 31,335 and 2019-12-31 32,095 + row:jeugdreclassering_youth 2019* 9,000); Iv3 6.82 also holds gesloten"
        " jeugdhulp and Veilig Thuis, so the JB measures alone (1,658) bound it from above",
    ),
}  # fmt: skip
# Euro per user-month of a general provision (welzijn, buurtwerk, collective help): no per-user figure in shared/data
# (Iv3 6.1 holds general provisions as lump sums: the profile's general_subsidy_year).
_GENERAL_COST = {"jeugd": 80.0, "wmo": 60.0, "werk": 50.0, "schulden": 40.0, "veiligheid": 80.0}
_GENERAL_COST_SOURCE = "assumption: no per-user figure for general provisions in shared/data (Iv3 6.1 is lump sums); range /1.5 to x1.5"


_TREND_RANGE = (-0.05, 0.08)
TREND_BOUNDS = (-0.5, 0.5)
_TREND_SOURCE = (
    "assumption: none as today; the national fit (calibration/) estimates it. Range: CBS's youth with jeugdzorg grew ~3 %"
    " a year 2016-2019 (row:youth_with_jeugdzorg_0_22_incl_pgb), Wmo clients ~3.5 % (row:wmo_maatwerk_clients), and"
    " bijstand fell ~4 % a year 2017-2019 (row:bijstand_persons_lt_aow), beyond what the population explains"
)


def _registry() -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    for d in DOMAINS:
        for group in AGE_GROUPS:
            rate = _ONSET[d].get(group, 0.0)
            rng = spread(rate, 2.0) if rate else (0.0, 0.0)
            out.append(declare(f"onset.{d}.{group}", rate, rng, MONTHLY + " per person", _ONSET_SOURCE[d] if rate else A))
        trend = "yearly relative change of onsets from the start year"
        out.append(declare(f"trend.{d}", 0.0, _TREND_RANGE, trend, _TREND_SOURCE, TREND_BOUNDS))
        mults, src = _INCOME[d]
        for cls, m in zip(INCOME_CLASSES, mults, strict=True):
            out.append(declare(f"onset_income.{d}.{cls}", m, spread(m, 1.5, None), "multiplier", src, NON_NEGATIVE))
        light, moderate = _SEVERITY_AT_ONSET[d]
        out.append(declare(f"severity.{d}.light", light, (light - 0.15, light + 0.15), "share of onsets", A))
        out.append(declare(f"severity.{d}.moderate", moderate, (moderate - 0.15, moderate + 0.15), "share of onsets", A))
        out.append(declare(f"resolve_own.{d}", _RESOLVE_OWN[d], spread(_RESOLVE_OWN[d]), MONTHLY + " at network 1", A))
        out.append(declare(f"escalate.{d}", _ESCALATE[d], spread(_ESCALATE[d]), MONTHLY + " at network 0", A))
        for sev, v in zip(("light", "moderate", "severe"), _ASK[d], strict=True):
            out.append(declare(f"ask.{d}.{sev}", v, spread(v), MONTHLY, A))
        gp, gp_src = _DOOR_GP.get(d, (0.0, A))
        out.append(declare(f"door_gp.{d}", gp, (gp * 0.6, min(1.0, gp * 1.2)) if gp else (0.0, 0.0), "share of requests", gp_src))
        judge, judge_src = _DOOR_JUDGE.get(d, (0.0, A))
        out.append(declare(f"door_judge.{d}", judge, (0.3, 0.7) if judge else (0.0, 0.0), "share of requests", judge_src))
        direct, direct_src = _DOOR_DIRECT.get(d, (0.0, A))
        out.append(
            declare(f"door_direct.{d}", direct, spread(direct) if direct else (0.0, 0.0), "share of requests, no referrer", direct_src)
        )
        r = _GENERAL_RESOLVE[d]
        out.append(declare(f"general_resolve.{d}", r, spread(r), MONTHLY + " (light need)", A))
        out.append(declare(f"general_stepup.{d}", 0.25, (0.1, 0.5), MONTHLY + " (moderate+ need)", A))
        cost, unit = _GENERAL_COST[d], "euro per user-month"
        out.append(declare_money(f"general_cost.{d}", cost, spread(cost, 1.5, None), unit, _GENERAL_COST_SOURCE, 2025, TARIFF_INDEX))
    for prod in PRODUCTS:
        mean, eff, esc, share = _CARE[prod.name]
        src = _CARE_SOURCES.get(prod.name, A)
        if mean is not None:
            out.append(declare(f"care.{prod.name}.mean_duration", mean, spread(mean, 1.5, None), "months", src, (1.0, 600.0)))
        out.append(declare(f"care.{prod.name}.effectiveness", eff, (max(0.0, eff - 0.2), min(1.0, eff + 0.2)), "share resolved at end", A))
        out.append(declare(f"care.{prod.name}.escalate", esc, spread(esc) if esc else (0.0, 0.0), MONTHLY + " to specialist", A))
        out.append(declare(f"care.{prod.name}.share", share, (share, share), "share of its domain and tier", src, NON_NEGATIVE))
        if prod.name not in STAFF_PRODUCTS:
            tariff, year, plausible, tariff_src = _TARIFF[prod.name]
            out.append(declare_money(f"tariff.{prod.name}", tariff, plausible, "euro per client-month", tariff_src, year, TARIFF_INDEX))
    for d in DOMAINS:
        share, rng, src = _SPECIALIST_SHARE[d]
        out.append(declare(f"specialist_share.{d}", share, rng, "share of severe needs indicated to the specialist tier", src, PROBABILITY))
    for d in DOMAINS:
        share, rng, src = _CRISIS_HEAVY[d]
        out.append(declare(f"crisis.heavy_share.{d}", share, rng, "share of crises that lead to the heaviest product", src, PROBABILITY))
    for d, (share, rng, src) in _PERSONS.items():
        out.append(declare(f"persons.{d}", share, rng, "probability that each other eligible member is in the trajectory too", src))
    for name, (share, rng, src) in _COMPANION.items():
        out.append(declare(f"companion.{name}", share, rng, "share of persons in care holding a companion provision", src))
    for referrer, (share, src) in _DOOR_MEDICAL.items():
        out.append(declare(f"door_medical.{referrer}", share, spread(share, 1.5), "share of medical referrals (door_gp)", src))
    out += [
        declare(
            "door_gi.jeugd",
            1.0,
            (0.5, 1.0),
            "probability the GI refers a youth under a protection measure to jeugdhulp: as it starts, at a request",
            "derived: calibrated to share_started_GI (CBS 2021*: 8.1 % of started jeugdhulp)",
        ),
        declare("duration.cbs_tail_mean", 18.0, (6.0, 36.0), "months beyond 48 (CBS open bin)", A, (1.0, 600.0)),
        declare("network_protection", 0.5, (0.2, 0.8), "escalation reduction at network 1", A),
        declare("general_mitigation", 0.5, (0.2, 0.8), "escalation reduction in a general provision", A),
        declare("general_higher_factor", 0.3, (0.1, 0.6), "resolution factor for moderate+ need in general", A),
        declare("multiproblem.escalation_mult", 1.3, (1.0, 2.0), "escalation multiplier, 2+ active domains", A, (0.0, 10.0)),
        declare("benefit_mult.schulden", 2.0, (1.0, 3.0), "onset multiplier while on bijstand", A, NON_NEGATIVE),
        declare("transition18.to_wmo", 0.3, (0.1, 0.5), "share of youth in care handed to Wmo at 18", "seed:[VS] 18-/18+", PROBABILITY),
        declare("transition18.gap", 0.15, (0.05, 0.3), "share of youth in care falling into severe need at 18", "seed:[VS] 18-/18+"),
        declare(
            "demography.child_ages_out", 1 / 216, (1 / 216, 1 / 216), MONTHLY + " per child (18 years)", "derived: 0-17 spans 216 months"
        ),
        declare(
            "demography.young_ages_out",
            1 / 72,
            (1 / 80, 1 / 60),
            MONTHLY + " per young adult, before steering (steered within 1.5 x this)",
            "derived: 18-22 spans 60 months; young adults moving in make the default's steered rate 1/82-1/71",
        ),
        declare(
            "demography.adult_ages_out",
            0.0013,
            (0.001, 0.0016),
            MONTHLY + " per adult to 75+, before steering (steered within 1.5 x this)",
            "derived: 23-74 spans 624 months (1/624 = 0.0016); the default's steered rate is 0.0012-0.0018 on the projection",
        ),
        declare(
            "demography.birth",
            0.0021,
            (0.0017, 0.0027),
            MONTHLY + " per household with an adult and < 4 children, before steering (steered within 1.5 x this)",
            "derived: row:births (NL 2019, 167,588, 9.7 per 1,000 inhabitants); the default's steered rate is 0.0017-0.0023",
        ),
        declare(
            "demography.elderly_death",
            0.006,
            (0.005, 0.008),
            MONTHLY + " per person 75+",
            "derived: row:proj_deaths_kp2022 (2030) x 0.73 (assumption: share of deaths at 75+) / 75+ of the projection in 2030",
        ),
        declare(
            "demography.departure",
            0.004,
            (0.003, 0.006),
            MONTHLY + " per household: moves out of the municipality",
            A + ": about 5 % of households a year (range 3.5-7 %); deaths before 75 are counted here",
        ),
        declare(
            "demography.leave_home",
            0.45,
            (0.3, 0.6),
            "share of young adults turning 23 who leave a household with others to live on their own",
            "derived: fitted so the default's 21,000 households hold with its population held (2.14 persons per household,"
            " row:households_private / row:pop_total, NL 2024); 0 lets households fall 13 % in 25 years, 0.7 rise 6 %",
        ),
        declare(
            "demography.steer",
            1.0,
            (1.0, 1.0),
            "1: births, ageing and arrivals follow the population path; 0: rates as given",
            "derived: Profile.population_path",
            PROBABILITY,
        ),
        declare(
            "demography.projection",
            1.0,
            (0.5, 1.5),
            "share of the projected population change followed (0 holds the start)",
            "row:proj_pop_total_kp2022_lo67 / _hi67 (67 % interval about +-40 % of the change by 2040)",
            (0.0, 3.0),
        ),
        declare_money("copay.low", 0.0, (0.0, 19.0), "euro per month, Wmo maatwerk", A + ": minima exempt", 2019, TARIFF_INDEX),
        declare_money(
            "copay.middle",
            19.0,
            (0.0, 40.0),
            "euro per month, Wmo maatwerk",
            "row:wmo_abonnementstarief",
            2019,
            TARIFF_INDEX,
            "eigen bijdrage Wmo per maand, middeninkomens",
        ),
        declare_money(
            "copay.high",
            19.0,
            (0.0, 100.0),
            "euro per month, Wmo maatwerk",
            "row:wmo_abonnementstarief",
            2019,
            TARIFF_INDEX,
            "eigen bijdrage Wmo per maand, hoge inkomens",
        ),
        declare_money(
            "benefit.monthly",
            1128.0,
            (974.0, 1462.0),
            "euro per household-month",
            "derived: row:buig_budget_participatiewet 2019 5,612.3 mln / 12 / row:bijstand_persons 2019Q4 414,610; range: the single"
            " norm (row:bijstand_norm_single_21_aow_excl_vt 2019-01-01, 974) to the couple norm with 5 % holiday allowance"
            " (row:bijstand_norm_couple_21_aow_excl_vt 2019-01-01, 1,392 x 1.05)",
            2019,
            BENEFIT_INDEX,
        ),
        declare("access.intakes_per_fte", 10.0, (6.0, 15.0), "intakes per FTE-month", A, NON_NEGATIVE),
        declare(
            "access.caseload_per_fte",
            15.0,
            (10.0, 25.0),
            "families (household trajectories) in the team's own jeugdhulp per casework FTE",
            "assumption: a jeugd- en gezinscoach of a wijkteam carries 12-20 families (10-25 across municipalities); no caseload"
            " figure in shared/data",
            (1.0, 1000.0),
        ),
        declare(
            "access.decision_term_weeks",
            8.0,
            (8.0, 8.0),
            "weeks from the melding to the beschikking",
            "derived: the law, Wmo 2015 art. 2.3.2 lid 1 (investigation within six weeks of the melding) and art. 2.3.5 lid 1 (decision"
            " within two weeks of the application); the Jeugdwet follows the Awb's eight weeks (art. 4:13)",
            NON_NEGATIVE,
        ),
        declare(
            "access.reassess",
            0.5,
            (0.3, 0.8),
            "share of maatwerk clients whose care ends unresolved (the indication expires) that the team re-assesses",
            "assumption: a beschikking is time-limited and a client whose need remains asks for a new one (herindicatie);"
            " the rest lets it lapse with a lighter, hidden need",
            PROBABILITY,
        ),
        declare_money(
            "access.wage_fte_year",
            80000.0,
            (65000.0, 95000.0),
            "euro per FTE-year",
            "assumption: employer cost of a CAO Gemeenten social worker; no wage or FTE figure for access teams in shared/data",
            2025,
            WAGE_INDEX,
        ),
        declare_money(
            "overhead.per_contract_year",
            15000.0,
            (5000.0, 30000.0),
            "euro per provider contract-year",
            "assumption: contract management per provider; seed:[SD] §4.9 gives the number of providers (158), not their cost",
            2025,
            WAGE_INDEX,
        ),
        declare(
            TARIFF_INDEX,
            0.0283,
            (0.019, 0.05),
            "yearly tariff indexation",
            "derived: row:wmo_hbh_tariff_growth_simple ~2015-2019 15 % over five years: 1.15^(1/5) - 1; low end"
            " row:wmo_hbh_tariff_growth_heavy (10 %); applied to the unseen years from 2020 on as well (assumption)",
            (-0.5, 1.0),
        ),
        declare(
            BENEFIT_INDEX,
            0.0164,
            (0.01, 0.04),
            "yearly indexation of bijstand benefits",
            "derived: row:bijstand_norm_couple_21_aow_excl_vt 2015-01-01 1,303.99 to 2019-01-01 1,391.82: (1391.82 / 1303.99)^(1/4) - 1;"
            " applied to the unseen years from 2020 on as well (assumption)",
            (-0.5, 1.0),
        ),
        declare(WAGE_INDEX, 0.03, (0.015, 0.05), "yearly wage indexation", "assumption: no wage index in shared/data", (-0.5, 1.0)),
    ]
    return tuple(out)


def _by_family(parameters: Iterable[Parameter]) -> tuple[Parameter, ...]:
    """Parameters of one family (``lever.access.*``: L2 and L10) listed together, families in order of first appearance."""
    families: dict[str, list[Parameter]] = {}
    for p in parameters:
        families.setdefault(".".join(p.name.split(".")[:2]), []).append(p)
    return tuple(p for members in families.values() for p in members)


def _unique(parameters: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    repeated = sorted(name for name, n in Counter(p.name for p in parameters).items() if n > 1)
    if repeated:
        raise ValueError(f"parameters declared twice: {', '.join(repeated)}")
    return parameters


# The behavioural parameters, then every lever's own (``simulation.levers``: defaults mean "as today").
REGISTRY: tuple[Parameter, ...] = _unique(_registry() + _by_family(p for lever in LEVERS for p in lever.parameters))
BY_NAME: dict[str, Parameter] = {p.name: p for p in REGISTRY}
NAMES: tuple[str, ...] = tuple(BY_NAME)


class ParameterError(ValueError):
    """A parameter name or value that the registry does not allow."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key = key
        self.message = message

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class Parameters(Mapping[str, float]):
    """An immutable assignment of every registry parameter (defaults plus named changes)."""

    def __init__(self, changes: Mapping[str, float] | None = None) -> None:
        values = {p.name: p.default for p in REGISTRY}
        for name, value in (changes or {}).items():
            check_value(name, value)
            values[name] = float(value)
        check_shares(values)
        self._values = values

    def __getitem__(self, name: str) -> float:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, changes: Mapping[str, float]) -> Parameters:
        """A copy with some parameters changed (validated)."""
        return Parameters({**self._values, **changes})

    @staticmethod
    def default(name: str) -> float:
        """The registry's default of a parameter: its value "as today"."""
        return BY_NAME[name].default

    def changed(self) -> dict[str, float]:
        """Parameters that differ from their default: the scenario's composition."""
        return {k: v for k, v in self._values.items() if v != BY_NAME[k].default}

    def vector(self, names: Iterable[str] = NAMES) -> np.ndarray:
        """Flat float64 vector of the named parameters (all, in registry order, by default)."""
        return np.array([self._values[n] for n in names], dtype=np.float64)

    @classmethod
    def from_vector(cls, vector: np.ndarray, names: Iterable[str] = NAMES, base: Parameters | None = None) -> Parameters:
        """Parameters with ``names`` set from ``vector`` on top of ``base`` (defaults if None)."""
        changes = dict(zip(names, (float(x) for x in vector), strict=True))
        return (base or cls()).replace(changes)


def trended(params: Parameters, years: int) -> Parameters:
    """``params`` with each domain's onsets changed by its yearly trend (``trend.<domain>``) over ``years`` years."""
    changes = {
        f"onset.{d}.{group}": params[f"onset.{d}.{group}"] * (1.0 + params[f"trend.{d}"]) ** years
        for d in DOMAINS
        if params[f"trend.{d}"]
        for group in AGE_GROUPS
    }
    return params.replace(changes) if changes else params


def with_trends(params: Parameters, timeline: tuple[tuple[int, Parameters], ...], months: int) -> tuple[tuple[int, Parameters], ...]:
    """A run's timeline with the onset trends applied: every January after the start, the parameters then in force, trended.

    Without a trend (all ``trend.*`` 0 throughout) the timeline is returned as it is.
    """
    if not any(p[f"trend.{d}"] for p in (params, *(q for _, q in timeline)) for d in DOMAINS):
        return timeline
    out = []
    for month in range(12, months, 12):
        in_force = next((p for m, p in reversed(timeline) if m <= month), params)
        out.append((month, trended(in_force, month // 12)))
    return tuple(out)


def check_value(name: str, value: object) -> None:
    """Raise ParameterError unless ``name`` is registered and ``value`` within its bounds."""
    if name not in BY_NAME:
        raise ParameterError(name, "unknown parameter (see `sdsim parameters` for the list)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(name, f"expected a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ParameterError(name, f"expected a finite number, got {value}")
    low, high = BY_NAME[name].bounds
    if not low <= value <= high:
        raise ParameterError(name, f"{value} outside allowed range [{low:g}, {high:g}]")


def _share_groups() -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Parameters that are shares of one whole: (names, must the sum be exactly 1)."""
    groups: list[tuple[tuple[str, ...], bool]] = []
    for d in DOMAINS:
        groups.append(((f"severity.{d}.light", f"severity.{d}.moderate"), False))  # severe is the rest
        groups.append(((f"door_judge.{d}", f"door_gp.{d}", f"door_direct.{d}"), False))  # the access team is the rest
    groups.append((tuple(f"door_medical.{r}" for r in _DOOR_MEDICAL), False))  # the huisarts is the rest
    for domain, tier in sorted({(p.domain, p.tier) for p in PRODUCTS}):
        groups.append((tuple(f"care.{p.name}.share" for p in PRODUCTS if (p.domain, p.tier) == (domain, tier)), True))
    return tuple(groups)


SHARE_GROUPS = _share_groups()


def check_shares(values: Mapping[str, float]) -> None:
    """Raise ParameterError unless every group of shares sums to 1 (or to at most 1 where the rest is implied)."""
    for names, exact in SHARE_GROUPS:
        total = sum(values[n] for n in names)
        if total > 1.0 + 1e-9 or (exact and abs(total - 1.0) > 1e-9):
            rule = "must sum to 1" if exact else "must sum to at most 1"
            raise ParameterError(names[-1], f"{' + '.join(names)} = {total:.6g} {rule}")
