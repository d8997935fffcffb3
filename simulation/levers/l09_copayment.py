"""L9 co-payment (eigen bijdrage / abonnementstarief): Wmo requests respond by income class."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.levers import Check, Evidence, Lever
from sdsim.simulation.parameter import ASSUMPTION, declare
from sdsim.simulation.schema import DOMAINS, INCOME_CLASSES, WMO

if TYPE_CHECKING:
    from sdsim.simulation.inputs import Rates
    from sdsim.simulation.parameters import Parameters


def demand_response(rates: Rates, params: Parameters) -> Rates:
    """Wmo request rate per income class: ((reference + co-payment) / (reference + today's)) ** -elasticity."""
    ask_income = np.ones((len(DOMAINS), len(INCOME_CLASSES)))
    reference, elasticity = params["lever.copay.reference"], params["lever.copay.elasticity"]
    for c, cls in enumerate(INCOME_CLASSES):
        ask_income[WMO, c] = ((reference + params[f"copay.{cls}"]) / (reference + params.default(f"copay.{cls}"))) ** -elasticity
    return rates._replace(ask_income=ask_income)


LEVER = Lever(
    id="L9",
    title="co-payment",
    title_nl="eigen bijdrage",
    mechanism="Wmo requests respond to the co-payment by income class (elasticity lever.copay.elasticity)",
    mechanism_nl="Wmo-aanvragen reageren op de eigen bijdrage per inkomensklasse",
    direction="higher co-payment, fewer Wmo requests from higher incomes",
    seed="national policy; row:wmo_abonnementstarief",
    parameters=(
        declare(
            "lever.copay.elasticity",
            0.3,
            (0.0, 0.8),
            "demand elasticity of Wmo requests to the co-payment",
            "row:wmo_abonnementstarief",
            (0.0, 5.0),
        ),
        declare(
            "lever.copay.reference",
            20.0,
            (10.0, 50.0),
            "euro per month added to both co-payments in the response ratio",
            ASSUMPTION,
            (0.01, 1000.0),
        ),
    ),
    instruments=("copay.",),  # the co-payments themselves are prices of the model (simulation.parameters)
    rates=demand_response,
    evidence=(
        Evidence(
            "abonnementstarief.toml",
            ("revenue.copayments",),
            1.0,
            1.8,
            "row:wmo_abonnementstarief; assumption (the response of requests)",
            "middle incomes pay 40 and high incomes 80 euro a month instead of 19 (2.1 and 4.2 times): with the co-paying "
            "clients' mix of incomes revenue rises 1.2-1.6 times; the few households that no longer ask take a little off",
        ),
    ),
    checks=(Check("Wmo requests", {"copay.high": 80.0, "copay.middle": 40.0}, ("requests.wmo",), -1),),
)
