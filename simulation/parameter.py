"""One parameter's declaration: name, default, bounds, plausible range, unit and source.

Kept apart from ``simulation.parameters`` (the registry) so that the lever modules, which declare
their own parameters, and the registry, which collects them, do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

PROBABILITY = (0.0, 1.0)
NON_NEGATIVE = (0.0, 1e9)  # euros, multipliers, counts: finite, far above any plausible value
NO_CHANGE = (0.0, 0.0)  # plausible range of a switch that sensitivity analysis leaves alone
ASSUMPTION = "assumption"
MONTHLY = "probability per month"


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes:
        name: dotted name, unique.
        default: value "as today" in the default municipality.
        bounds: hard validity interval; values outside are an input error.
        plausible: interval explored by sensitivity analysis and calibration.
        unit: unit of the value.
        source: a ``sources.csv`` indicator (``row:<indicator>``), a seed (``seed:[SW] §4.6``) or
            ``assumption``.
    """

    name: str
    default: float
    bounds: tuple[float, float]
    plausible: tuple[float, float]
    unit: str
    source: str


def declare(
    name: str, default: float, plausible: tuple[float, float], unit: str, source: str, bounds: tuple[float, float] = PROBABILITY
) -> Parameter:
    """A parameter with float values (bounds default to a probability)."""
    return Parameter(name, float(default), bounds, (float(plausible[0]), float(plausible[1])), unit, source)


def spread(value: float, factor: float = 2.0, cap: float | None = 1.0) -> tuple[float, float]:
    """Plausible range value/factor .. value*factor (capped for probabilities)."""
    high = value * factor
    return (value / factor, min(high, cap) if cap is not None else high)
