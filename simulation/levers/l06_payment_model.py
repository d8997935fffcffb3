"""L6 provider payment model: one payment model for all contracts; durations, effectiveness and administration respond.

How each model pays for every trajectory (``simulation.ledger.book``): p x q per provision-month;
per trajectory a fixed price per provision started, today's expected cost of one
(``compiled.contract_terms``: the unit price times today's expected months in care); by result the
same trajectory with a part (``lever.payment.result.part``) paid only when the need is resolved,
priced so that at today's results the expected payment is that of a trajectory (a provider prices
its risk in); a lump sum per contract (the profile's, or its slots at the unit price). None pays
nothing for a trajectory that ended otherwise. What changes spending is then behaviour: durations
(shorter trajectories free slots: more admissions, each paid its price), effectiveness (fewer
returns) and the administrative cost of the contracts (overhead per contract).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.inputs import survival_from_hazard
from sdsim.simulation.levers import Check, Evidence, Lever, ProfileData, contracts
from sdsim.simulation.parameter import ASSUMPTION, declare
from sdsim.simulation.schema import PAYMENT_MODELS, PRODUCTS, STAFF_PRODUCTS

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters

MODEL = "lever.payment.model"


def one_payment_model(data: ProfileData, params: Parameters) -> None:
    """Every contract on the lever's payment model (-1: as contracted)."""
    model = round(params[MODEL])
    if model >= 0:
        for group in contracts(data):
            group["payment_model"] = PAYMENT_MODELS[model]


def durations(rates: Rates, params: Parameters) -> Rates:
    """Durations respond to the payment model (p x q is today's reference); result pay raises effectiveness."""
    model = round(params[MODEL])
    if model <= 0:
        return rates
    factor = params[f"lever.payment.duration.{PAYMENT_MODELS[model]}"]
    hazard = 1.0 - (1.0 - np.clip(rates.hazard, 0.0, 1.0 - 1e-12)) ** (1.0 / factor)
    effectiveness = rates.effectiveness
    if PAYMENT_MODELS[model] == "result":
        effectiveness = np.clip(effectiveness + params["lever.payment.result_effectiveness"], 0.0, 1.0)
    return rates._replace(hazard=hazard, survival=survival_from_hazard(hazard), effectiveness=effectiveness)


LEVER = Lever(
    id="L6",
    title="provider payment model",
    title_nl="bekostigingsmodel aanbieders",
    mechanism="one payment model for all contracts: a fixed price per trajectory (today's cost of one) in instalments over its expected "
    "months, by result partly paid on the result; provisions in care on 1 January stay on p x q. In the first years the "
    "municipality so pays short trajectories in full and long ones not yet: a shift in time, not a saving or a cost; durations, "
    "effectiveness and administrative cost respond",
    mechanism_nl="één bekostigingsmodel voor alle contracten: een vaste prijs per traject (de huidige kostprijs), in termijnen over de "
    "verwachte duur, bij resultaat deels pas als het resultaat bereikt is; lopende trajecten blijven per maand betaald. In de "
    "overgangsjaren betaalt de gemeente zo korte trajecten volledig en lange nog niet af: dat is een verschuiving in de tijd, "
    "geen besparing of kostenpost; duur, effectiviteit en administratieve lasten reageren",
    direction="shorter durations and better results under result pay; the price per trajectory holds spending per start",
    seed="[SD] §4.9, [NK] §4",
    parameters=(
        declare(
            MODEL,
            -1.0,
            (-1.0, -1.0),
            "-1 as contracted; 0 pxq, 1 trajectory, 2 result, 3 lump sum for all",
            "seed:[SD] §4.9; seed:[NK] §4",
            (-1.0, 3.0),
            nl="-1 zoals gecontracteerd; 0 p x q, 1 per traject, 2 resultaat, 3 lumpsum voor alle contracten",
        ),
        declare("lever.payment.duration.trajectory", 0.9, (0.8, 1.0), "care duration factor under trajectory pay", ASSUMPTION, (0.1, 3.0)),
        declare("lever.payment.duration.result", 0.85, (0.7, 1.0), "care duration factor under result pay", ASSUMPTION, (0.1, 3.0)),
        declare("lever.payment.duration.lumpsum", 1.1, (1.0, 1.3), "care duration factor under lump-sum pay", ASSUMPTION, (0.1, 3.0)),
        declare("lever.payment.result_effectiveness", 0.05, (0.0, 0.1), "effectiveness gained under result pay", ASSUMPTION, (-1.0, 1.0)),
        declare(
            "lever.payment.result.part",
            0.2,
            (0.1, 0.3),
            "share of a result price paid only when the need is resolved (Dutch result contracts hold back 10-30 %)",
            ASSUMPTION,
            (0.0, 0.9),
            nl="deel van de resultaatprijs dat alleen bij een bereikt resultaat wordt betaald",
        ),
        declare(
            "lever.payment.admin.trajectory",
            0.8,
            (0.6, 1.0),
            "administrative cost per contract under trajectory pay, relative to p x q (one declaration per trajectory)",
            ASSUMPTION,
            (0.0, 3.0),
        ),
        declare(
            "lever.payment.admin.result",
            1.1,
            (0.8, 1.4),
            "administrative cost per contract under result pay, relative to p x q (fewer declarations, results measured)",
            ASSUMPTION,
            (0.0, 3.0),
        ),
        declare(
            "lever.payment.admin.lumpsum",
            0.5,
            (0.3, 0.8),
            "administrative cost per contract under a lump sum, relative to p x q (no declarations)",
            ASSUMPTION,
            (0.0, 3.0),
        ),
        declare(
            "lever.payment.lumpsum.provisions_per_slot",
            1.3,
            (1.2, 1.4),
            "provisions paid per slot by a lump sum without its own amount (CBS: 1.31 Wmo provisions per client, 1.38 youth "
            "trajectories per youth)",
            "derived: row:jh_trajectories_active 2019 592,860 / row:jeugdhulp_youth_incl_pgb 2019 430,990 = 1.38; Wmo provisions per "
            "client 1.31 (sdsim validate)",
            (0.0, 5.0),
        ),
    ),
    profile=one_payment_model,
    rates=durations,
    limits="providers' selection of clients at admission (cream skimming)",
    limits_nl="selectie van cliënten door aanbieders bij de toelating",
    evidence=(
        Evidence(
            "resultaatfinanciering.toml",
            tuple(f"client_months.{p.name}" for p in PRODUCTS if p.name not in STAFF_PRODUCTS),
            -0.12,
            -0.01,
            "assumption (lever.payment.duration.result 0.85, range 0.7-1.0)",
            "trajectories begun under result pay last 15 % shorter; the stock inherited on 1 January runs its course, and slots "
            "freed admit waiting clients, so contracted client-months fall by a few percent over five years",
        ),
    ),
    checks=(Check("care exits under result pay", {MODEL: 2.0}, ("outflow.wmo_hbh", "outflow.wmo_begeleiding"), +1),),
)
