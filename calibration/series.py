"""The national series a fit compares with: the published figures, their model quantity and their likelihood.

Each ``Series`` names an indicator of ``scenarios/sources.csv`` (rows copied verbatim from
``shared/data/nl_public_figures.csv``), the model quantity that answers it (``targets.Measure``,
evaluated on a year's census: ``simulation.census``) and its error model. ``observations`` turns the
rows into dated ``Observation``s for the national profile (``profiles/nederland.toml``, a 1:200
sample: model counts are multiplied by the profile's ``weight``).

The likelihood (``log_likelihood``): counts are normal on the log scale, ``log(figure) ~
N(log(model), sd)``, with a relative error ``sd`` that says how far the model's definition and the
published one can differ, not the sampling error of a census (CBS counts everyone):

* ``Q`` (quoted) rows: the series' own error (5 % where the model counts exactly what CBS counts;
  10-15 % for a proxy, e.g. households on bijstand against persons);
* ``D`` (derived) rows: 1.5 x; ``U`` (uncertain) rows: 0.20 at least (the data README: "do not fit to
  it without a wide error");
* after a series break a level shift of 10 % is added in quadrature: youth figures from 2021 (CBS
  widened the providers it counts), the pandemic years 2020-2021, and Wmo counts of 2024 (new
  method); a provisional figure (``*``) adds 3 %.

Shares (referral routes and duration bands of 2021, the local team's and verblijf's share of started
trajectories) are normal in percentage points (``unit="points"``), each share on its own, with the
same rules in points (``WIDENING``: a break adds 2 points, a provisional figure 0.5, a ``U`` row has 3
at least). These errors are stated for a share of 50 % and scale with the figure as
``sqrt(p (100 - p)) / 50`` (``share_scale``), as any error does that moves a fraction of the cases
from one category to the others: 2 points at 50 % are 0.7 at 3 %. A Dirichlet-multinomial
likelihood would need the number of trajectories behind each share, which the data do not give (CBS
counts all of them: its sampling error is nil), and what the error stands for, how the model's doors
and durations differ from CBS's definitions, is no multinomial count.

Fit years and forecasts: ``Observation.year`` is the model's calendar year (a stock on 1 January is
the end of the year before), so a fit on 2015-2019 uses exactly the observations with year <= 2019.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from sdsim.calibration.targets import WMO_ALL, Measure, Row, parse_value, source_rows
from sdsim.simulation.schema import DURATION_BANDS, JEUGDHULP, ROUTES

Unit = Literal["log", "points"]
DERIVED_FACTOR = 1.5  # a D row's error over the series' own


class Widening(NamedTuple):
    """What widens an error on one scale: a series break, a provisional figure, a U row's floor (all assumptions)."""

    at_break: float
    provisional: float
    uncertain: float


WIDENING: dict[Unit, Widening] = {
    # counts, relative on the log scale: a level shift at a break 10 % (range 5-20 %); a provisional
    # CBS figure against the final one 3 %; a U row 20 % at least
    "log": Widening(0.10, 0.03, 0.20),
    # shares in percentage points at a share of 50 % (share_scale): a break moves a share 2 points (range
    # 1-4: CBS's widening of 2021 added providers with their own referral mix); provisional 0.5; a U row 3 at least
    "points": Widening(2.0, 0.5, 3.0),
}


@dataclass(frozen=True)
class Series:
    """One published series and the model quantity that answers it.

    Attributes:
        key: short unique name (the fit report's and the tidy CSV's).
        label: what is counted, in words.
        indicator: the indicator in ``scenarios/sources.csv`` (NL rows).
        measure: the model quantity (a count in the sample's units, or a share in percent).
        error: the relative error of a count on the log scale, or a share's in percentage points at a share of 50 %
            (``share_scale`` scales it to the figure).
        unit: ``log`` (counts) or ``points`` (shares).
        breaks: the first years of each break in this series (``WIDENING`` adds a level shift from then on).
        note: how the model counts, where it differs.
    """

    key: str
    label: str
    indicator: str
    measure: Measure
    error: float = 0.05
    unit: Unit = "log"
    breaks: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Observation:
    """One published figure as a fit sees it.

    Attributes:
        series: the series it belongs to.
        period: the period as published (``2019``, ``2019-12-31``, ``2019*``).
        year: the model's calendar year it is compared with.
        value: the figure (persons, trajectories, percent).
        sd: its error on the series' scale (log or points), after quality, breaks and provisional status.
        flags: why ``sd`` is wider than the series' own error.
    """

    series: Series
    period: str
    year: int
    value: float
    sd: float
    flags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``series period``, as the fit report names it."""
        return f"{self.series.key} {self.period}"


YOUTH_BREAKS = (2020, 2021)  # the pandemic; CBS's wider set of youth care providers from 2021
WMO_BREAKS = (2020, 2024)  # the pandemic; CBS's new Wmo counting method for 2024


def _youth_share(key: str, label: str, indicator: str, measure: Measure, why: str) -> Series:
    """A share of youth care trajectories in percentage points: 2 points at a share of 50 % (assumption, range 1-3)."""
    return Series(key, label, indicator, measure, error=2.0, unit="points", breaks=YOUTH_BREAKS,
                  note=f"assumption: 2 points at 50 % (range 1-3); {why}")  # fmt: skip


SERIES: tuple[Series, ...] = (
    Series(
        "jeugdzorg_youth",
        "youth 0-22 with jeugdzorg in a year (incl. pgb)",
        "youth_with_jeugdzorg_0_22_incl_pgb",
        Measure("unique", (*JEUGDHULP, "jeugdbescherming")),
        breaks=YOUTH_BREAKS,
        note="model: persons holding jeugdhulp or a protection measure during the year (jeugdreclassering is not modelled)",
    ),
    Series(
        "jh_active",
        "jeugdhulp trajectories active in a year",
        "jh_trajectories_active",
        Measure("active", JEUGDHULP),
        breaks=YOUTH_BREAKS,
        note="model: held on 1 January + started, one per youth and form",
    ),
    Series(
        "jh_verblijf_youth",
        "youth with jeugdhulp met verblijf in a year",
        "jh_met_verblijf_youth",
        Measure("unique", ("jeugd_verblijf",)),
        error=0.08,
        breaks=YOUTH_BREAKS,
        note="2015, the first year after the decentralisation, is counted as published (CBS's first, less complete year)",
    ),
    Series(
        "jb_inflow",
        "jeugdbescherming measures started",
        "jb_measures_inflow",
        Measure("flow", ("started.jeugdbescherming",)),
        breaks=YOUTH_BREAKS,
        note="model: measures started, one per child",
    ),
    Series(
        "jb_stock",
        "jeugdbescherming measures in force",
        "jb_measures_in_force",
        Measure("stock_end", ("holders.jeugdbescherming",)),
        breaks=YOUTH_BREAKS,
        note="model: children under a measure at the end of the year (CBS counts measures)",
    ),
    Series("wmo_clients", "Wmo maatwerk clients in a year", "wmo_maatwerk_clients", Measure("unique", WMO_ALL), breaks=WMO_BREAKS),
    Series(
        "wmo_hbh_clients", "Wmo clients, hulp bij het huishouden", "wmo_hbh_clients", Measure("unique", ("wmo_hbh",)), breaks=WMO_BREAKS
    ),
    Series(
        "wmo_begeleiding_clients",
        "Wmo clients, begeleiding (ondersteuning thuis)",
        "wmo_ondersteuning_thuis_clients",
        Measure("unique", ("wmo_begeleiding",)),
        breaks=WMO_BREAKS,
    ),
    Series(
        "wmo_hulpmiddelen_clients",
        "Wmo clients, hulpmiddelen en diensten",
        "wmo_hulpmiddelen_diensten_clients",
        Measure("unique", ("wmo_hulpmiddelen",)),
        breaks=WMO_BREAKS,
    ),
    Series(
        "bijstand",
        "bijstand below AOW age, end of year",
        "bijstand_persons_lt_aow",
        Measure("stock_end", ("households.bijstand",)),
        error=0.10,
        breaks=(2020,),
        note="proxy: the model counts households, CBS persons below the AOW age (a couple counts two)",
    ),
    Series(
        "schuldhulp_applicants",
        "debt help applicants (NVVK members)",
        "shv_aanmeldingen_nvvk",
        Measure("flow", ("started.schuldhulp", "started.beschermingsbewind")),
        error=0.15,
        breaks=(2020,),
        note="proxy: the model's debt-help starts; NVVK counts applicants at its members (most, not all, municipalities)",
    ),
    _youth_share(
        "jh_wijkteam_share",
        "share of started jeugdhulp delivered by the local team (%)",
        "jh_started_share_wijkteam",
        Measure("started_share", ("jeugd_wijkteam",), JEUGDHULP),
        "how far the model's team casework and CBS's wijkteam trajectories can differ",
    ),
    _youth_share(
        "jh_verblijf_share",
        "share of started jeugdhulp met verblijf (%)",
        "jh_started_share_met_verblijf",
        Measure("started_share", ("jeugd_verblijf",), JEUGDHULP),
        "an escalation to verblijf starts a new trajectory, as CBS counts it",
    ),
    *(
        _youth_share(
            f"route_{route}",
            f"share of started jeugdhulp referred by {route.replace('_', ' ')} (%)",
            f"share_started_{route}",
            Measure("route_share", (route,)),
            "each door recorded under one CBS route (schema.ROUTE_OF_DOOR); CBS has 1.2 % of unknown referrers, the model none",
        )
        for route in ROUTES
    ),
    *(
        _youth_share(
            f"ended_{band}",
            f"share of ended jeugdhulp that lasted {band.replace('_', '-')} (%)",
            f"ended_jh_traj_share_{band}",
            Measure("duration_share", (band,)),
            "whole months in care of the jeugdhulp provisions ended in the year; CBS flags the bands U (column alignment assumed)",
        )
        for band in DURATION_BANDS
    ),
)
BY_KEY = {s.key: s for s in SERIES}


def model_year(period: str) -> int | None:
    """The model's calendar year of a published period, or None for a half year or quarter.

    ``2019`` and ``2019*``: 2019; a stock on ``2019-12-31`` or at ``2019-12``: the end of 2019; on
    ``2019-01-01``: the end of 2018.
    """
    text = period.rstrip("*")
    if text.isdigit() and len(text) == 4:
        return int(text)
    parts = text.split("-")
    if len(parts) == 3 and parts[1:] == ["01", "01"]:
        return int(parts[0]) - 1
    if len(parts) in (2, 3) and parts[1] == "12" and parts[0].isdigit():
        return int(parts[0])
    return None


def share_scale(percent: float) -> float:
    """A share's error relative to that of a share of 50 %: ``sqrt(p (100 - p)) / 50`` (at least 0.2: a share of 0 or 100)."""
    return max(math.sqrt(max(percent * (100.0 - percent), 0.0)) / 50.0, 0.2)


def _sd(series: Series, year: int, quality: str, provisional: bool, value: float) -> tuple[float, tuple[str, ...]]:
    widening = WIDENING[series.unit]
    sd, flags = series.error, []
    if quality == "D":
        sd, flags = sd * DERIVED_FACTOR, ["derived"]
    if quality == "U":
        sd, flags = max(sd, widening.uncertain), ["uncertain"]
    extra = [widening.at_break] * sum(year >= b for b in series.breaks) + ([widening.provisional] if provisional else [])
    flags += [f"break {b}" for b in series.breaks if year >= b] + (["provisional"] if provisional else [])
    scale = share_scale(value) if series.unit == "points" else 1.0
    return scale * math.sqrt(sd**2 + sum(e**2 for e in extra)), tuple(flags)


def observations(
    series: tuple[Series, ...] = SERIES, years: tuple[int, int] | None = None, rows: Mapping[Row, Mapping[str, str]] | None = None
) -> tuple[Observation, ...]:
    """Every national row of ``series`` with a calendar-year period, within ``years`` (inclusive) if given.

    ``rows``: figures in the form of ``scenarios/sources.csv`` (default: those). Where a period is
    published twice (``2019`` and the provisional ``2019*``), the final figure is kept.
    """
    rows = source_rows() if rows is None else rows
    out: dict[tuple[str, int], Observation] = {}
    for s in series:
        for row in sorted((r for r in rows if r.indicator == s.indicator and r.geography == "NL"), key=lambda r: r.period):
            year = model_year(row.period)
            if year is None or (years and not years[0] <= year <= years[1]):
                continue
            record = rows[row]
            value = parse_value(record["value"])
            sd, flags = _sd(s, year, record["quality"], row.period.endswith("*"), value)
            obs = Observation(s, row.period, year, value, sd, flags)
            if (s.key, year) not in out or "provisional" in out[s.key, year].flags:
                out[s.key, year] = obs
    return tuple(sorted(out.values(), key=lambda o: (SERIES.index(o.series) if o.series in SERIES else 0, o.year)))


def log_likelihood(obs: Observation, model: float) -> float:
    """The log density of the published figure given the model's value (on the series' scale)."""
    if obs.series.unit == "log":
        if not model > 0:
            return -math.inf
        z = (math.log(obs.value) - math.log(model)) / obs.sd
        return -0.5 * z * z - math.log(obs.sd * obs.value * math.sqrt(2 * math.pi))
    z = (obs.value - model) / obs.sd
    return -0.5 * z * z - math.log(obs.sd * math.sqrt(2 * math.pi))


__all__ = ["SERIES", "Observation", "Row", "Series", "log_likelihood", "model_year", "observations"]
