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
        source: a ``sources.csv`` indicator (``row:<indicator>``), a seed (``seed:[SW] §4.6``), a
            derivation from rows (``derived: row:a / row:b``) or ``assumption``.
        price_year: for an amount of money, the year whose prices it is in (its source's year);
            None for everything else. The compiled scenario indexes it to the start year.
        description_nl: what it is, in Dutch (the levers' parameters, shown in the council's report).
        index: for an amount of money, the name of the yearly index parameter (``index.tariff``,
            ``index.benefit``, ``index.wage``) that carries it from ``price_year`` to the start year
            and over the horizon; empty for everything else.
    """

    name: str
    default: float
    bounds: tuple[float, float]
    plausible: tuple[float, float]
    unit: str
    source: str
    price_year: int | None = None
    index: str = ""
    description_nl: str = ""  # what it is, in Dutch, for the council's report (levers); empty: the report shows the name


def declare(
    name: str,
    default: float,
    plausible: tuple[float, float],
    unit: str,
    source: str,
    bounds: tuple[float, float] = PROBABILITY,
    nl: str = "",
) -> Parameter:
    """A parameter with float values (bounds default to a probability; ``nl``: its description in Dutch)."""
    return Parameter(name, float(default), bounds, (float(plausible[0]), float(plausible[1])), unit, source, description_nl=nl)


def declare_money(
    name: str, default: float, plausible: tuple[float, float], unit: str, source: str, price_year: int, index: str, nl: str = ""
) -> Parameter:
    """An amount in euros of ``price_year`` (non-negative), indexed to the start year by the parameter ``index``.

    The unit says the price year (``euro per client-month, 2019 prices``), so that ``sdsim parameters``
    shows which euros a value is in; a scenario that changes the value gives it in the same year's prices.
    """
    plausible = (float(plausible[0]), float(plausible[1]))
    return Parameter(name, float(default), NON_NEGATIVE, plausible, f"{unit}, {price_year} prices", source, price_year, index, nl)


def spread(value: float, factor: float = 2.0, cap: float | None = 1.0) -> tuple[float, float]:
    """Plausible range value/factor .. value*factor (capped for probabilities)."""
    high = value * factor
    return (value / factor, min(high, cap) if cap is not None else high)
