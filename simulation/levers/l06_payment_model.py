"""L6 provider payment model: one payment model for all contracts; durations and effectiveness respond."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sdsim.simulation.inputs import survival_from_hazard
from sdsim.simulation.levers import Check, Lever, ProfileData, contracts
from sdsim.simulation.parameter import ASSUMPTION, declare
from sdsim.simulation.schema import PAYMENT_MODELS

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
    mechanism="one payment model for all contracts; durations and effectiveness respond to it",
    mechanism_nl="één bekostigingsmodel voor alle contracten; duur, effectiviteit en administratieve lasten reageren",
    direction="shorter durations under result pay",
    seed="[SD] §4.9, [NK] §4",
    parameters=(
        declare(
            MODEL,
            -1.0,
            (-1.0, -1.0),
            "-1 as contracted; 0 pxq, 1 trajectory, 2 result, 3 lump sum for all",
            "seed:[SD] §4.9; seed:[NK] §4",
            (-1.0, 3.0),
        ),
        declare("lever.payment.duration.trajectory", 0.9, (0.8, 1.0), "care duration factor under trajectory pay", ASSUMPTION, (0.1, 3.0)),
        declare("lever.payment.duration.result", 0.85, (0.7, 1.0), "care duration factor under result pay", ASSUMPTION, (0.1, 3.0)),
        declare("lever.payment.duration.lumpsum", 1.1, (1.0, 1.3), "care duration factor under lump-sum pay", ASSUMPTION, (0.1, 3.0)),
        declare("lever.payment.result_effectiveness", 0.05, (0.0, 0.1), "effectiveness gained under result pay", ASSUMPTION, (-1.0, 1.0)),
    ),
    profile=one_payment_model,
    rates=durations,
    checks=(Check("care exits under result pay", {MODEL: 2.0}, ("outflow.wmo_hbh", "outflow.wmo_begeleiding"), +1),),
)
