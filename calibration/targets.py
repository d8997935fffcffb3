"""Validation targets: which published figure each model quantity answers, and how it is scaled.

One table (``TARGETS``) says, for every figure of ``scenarios/sources.csv`` (copied verbatim from
``shared/data``) that the model can answer or is meant to answer: the source rows, how the national
figure is scaled to the municipality (``Scaling``), which model quantity answers it (``Measure``),
the acceptance band of issue 10 and whether the model produces it yet. ``experiments.validate``
runs the model and fills in the numbers; nothing here runs the model, so the mapping is testable
on its own.

Scaling to the municipality (``scaled_figure``):

* ``count``: a national count over a national population, times the model's population on the same
  basis: ``figure / national_basis * model_basis`` (e.g. jeugdbescherming measures per youth 0-17).
* ``rate``: a published rate per unit of the basis (euro per inhabitant, per 1,000 households),
  times the model's population: ``figure * multiplier * model_basis``.
* ``share``: a percentage, compared as is (referral routes, verblijf share of started trajectories).

Money: the model reports nominal euros of the comparable year (the start year's prices). A figure in
euros (``Target.index`` set) is indexed from its own year to the comparable year with the index of the
budget line it is compared with (``simulation.prices``: ``index.tariff``, ``index.benefit`` or
``index.wage``), at the scenario's rate (``price_factor``); the ratio then compares volumes and real prices.

The model's population is counted from its households on 1 January of the comparable year (the
state after the burn-in): inhabitants = children + young adults + adults + people 75+ of every
household; youth 0-17 = children; youth 0-22 = children + young adults (18-22); households = rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from sdsim.simulation.indicators import FAMILY, shares
from sdsim.simulation.prices import BENEFIT_INDEX, TARIFF_INDEX, WAGE_INDEX, index_factor
from sdsim.simulation.schema import DURATION_BANDS, JEUGDHULP, PRODUCT

if TYPE_CHECKING:
    from sdsim.simulation.census import CensusYear

Basis = Literal["inhabitants", "youth_0_17", "youth_0_22", "households", "percent", "ratio"]
Scaling = Literal["count", "rate", "share"]
SHARE_METRIC = {"route_share": "started_route", "duration_share": "ended_duration"}  # a share measure's metric family
Status = Literal["comparable", "proxy", "not_produced"]
Band = Literal["ratio", "points"]

RATIO_BAND = (0.8, 1.25)  # issue 10: the default municipality within 0.8-1.25 x the national rate
POINTS_BAND = 5.0  # issue 10: each CBS referral-route share within 5 percentage points
BASIS_LABEL: dict[str, str] = {
    "inhabitants": "per inhabitant",
    "youth_0_17": "per youth 0-17",
    "youth_0_22": "per youth 0-22",
    "households": "per household",
    "percent": "share (%)",
    "ratio": "ratio",
}

WMO_EXCL_VERBLIJF = ("wmo_hbh", "wmo_begeleiding", "wmo_hulpmiddelen")
WMO_ALL = (*WMO_EXCL_VERBLIJF, "wmo_beschermd_wonen")


@dataclass(frozen=True)
class Row:
    """The key of one row of ``scenarios/sources.csv``."""

    indicator: str
    period: str
    geography: str = "NL"

    def __str__(self) -> str:
        return f"{self.indicator} {self.geography} {self.period}"


@dataclass(frozen=True)
class Denominator:
    """A national population on a basis, from source rows.

    ``rows[0]`` is the count; with a second row, the count is derived as ``rows[0] / (rows[1] / 100)``
    (a published number of youth over the published percentage they are of their age group).
    """

    basis: Basis
    rows: tuple[Row, ...]
    note: str


DENOMINATORS: dict[str, Denominator] = {
    "inhabitants_2019": Denominator("inhabitants", (Row("pop_total", "2019-01-01"),), "NL inhabitants on 1 January 2019"),
    "inhabitants_2017": Denominator(
        "inhabitants", (Row("pop_total_yearend_age", "2016"),), "NL inhabitants at the end of 2016 (~1 January 2017)"
    ),
    "youth_0_17_2019": Denominator("youth_0_17", (Row("pop_0_17", "2018*"),), "NL youth 0-17 at the end of 2018 (~1 January 2019)"),
    "youth_0_22_2019": Denominator(
        "youth_0_22",
        (Row("youth_with_jeugdzorg_0_22_incl_pgb", "2019"), Row("share_youth_0_22_with_jeugdzorg_incl_pgb", "2019")),
        "NL youth 0-22 in 2019, derived: 443,585 youth with jeugdzorg are 10.0 % of them",
    ),
}


@dataclass(frozen=True)
class Measure:
    """A model quantity of the comparable year, per replicate.

    Kinds (``items`` are metric names of ``simulation.indicators`` or product names of
    ``simulation.schema.PRODUCTS``, as the kind says):

    * ``flow``: sum over the year's months of the metrics ``items``;
    * ``stock_mean``: mean over the year's months of the sum of the metrics ``items``;
    * ``stock_end``: the sum of the metrics ``items`` at the end of December;
    * ``active``: trajectories (provisions, as CBS counts them: one per person and product, a
      companion provision one more) of the products ``items`` active during the year: held on
      1 January plus started during the year;
    * ``unique``: persons holding any of the products ``items`` at some time in the year;
    * ``per_person``: persons holding each of the products ``items`` in the year, summed, per person
      holding any (CBS's provisions per client);
    * ``started_share``: trajectories started of the products ``items`` as a percentage of those of
      the products ``of``;
    * ``route_share``: the percentage of started jeugdhulp trajectories whose referral route is
      ``items[0]`` (``schema.ROUTES``), from the metrics ``started_route.*``;
    * ``duration_share``: the percentage of ended jeugdhulp trajectories in the duration band
      ``items[0]`` (``schema.DURATION_BANDS``), from the metrics ``ended_duration.*``
      (both ``simulation.indicators.shares``).
    """

    kind: Literal["flow", "stock_mean", "stock_end", "active", "unique", "per_person", "started_share", "route_share", "duration_share"]
    items: tuple[str, ...]
    of: tuple[str, ...] = ()

    @property
    def metrics(self) -> tuple[str, ...]:
        """Metric names of ``simulation.indicators`` this measure reads (empty for census kinds)."""
        if self.kind in SHARE_METRIC:
            family = SHARE_METRIC[self.kind]
            return tuple(f"{family}.{m}" for m in FAMILY[family].over)
        return self.items if self.kind in ("flow", "stock_mean", "stock_end") else ()

    @property
    def products(self) -> tuple[str, ...]:
        """Product names this measure reads from the household census (empty for metric kinds)."""
        if self.kind in ("active", "unique", "per_person", "started_share"):
            return self.items + self.of
        return ()


@dataclass(frozen=True)
class Target:
    """One line of the validation table.

    Attributes:
        key: short unique name.
        label: what is compared.
        group: jeugd, jeugdbescherming, routes, durations, wmo, participatie.
        figure: source rows whose values are summed into the national figure (empty: none).
        per: source rows whose sum divides the figure (a ratio of published counts; empty: none).
        multiplier: from the unit of ``figure`` to persons or euros (``mln euro``: 1e6), or, for
            ``rate``, to a rate per one unit of the basis (``per 1000``: 0.001).
        scaling: ``count``, ``rate`` or ``share`` (see the module docstring).
        basis: the population the figure is scaled by.
        denominator: key of ``DENOMINATORS`` (``count`` only).
        model: the model quantity, or None where the model has none.
        status: ``comparable``; ``proxy`` (a model quantity under another definition: shown, not
            judged); ``not_produced`` (the model cannot produce it yet; ``note`` says why).
        band: ``ratio`` (model / figure within ``RATIO_BAND``) or ``points`` (difference within
            ``POINTS_BAND`` percentage points).
        criterion: named in issue 10's acceptance criteria.
        note: definitions, caveats, why not produced.
        index: for a figure in euros, the index parameter of the budget line it is compared with
            (``price_factor`` carries the figure to the comparable year); empty otherwise.
    """

    key: str
    label: str
    group: str
    figure: tuple[Row, ...]
    scaling: Scaling
    basis: Basis
    model: Measure | None
    status: Status = "comparable"
    multiplier: float = 1.0
    denominator: str = ""
    band: Band = "ratio"
    criterion: bool = False
    note: str = ""
    per: tuple[Row, ...] = ()
    index: str = ""


_DRONTEN = "derived per inhabitant from Dronten's accounts (one municipality, its own booking choices); not a criterion"
_SPEND = "model: euros of the comparable year; the figure indexed from its year to the comparable year (simulation.prices)"

_YOUTH_LINES = ("spending.jeugd_ambulant", "spending.jeugd_verblijf", "spending.jeugd_gedwongen_kader")
_YOUTH_FRONTLINE = ("spending_frontline.jeugd", "spending_frontline.veiligheid")
_FRONTLINE_NOTE = (
    "access and voorliggend veld of youth and child safety: general provisions (users, subsidies), the access teams' intake FTE"
    " for these domains and their own jeugdhulp (casework at wage / caseload)"
)

# fmt: off
TARGETS: tuple[Target, ...] = (
    # --- youth care (Jeugdwet) ------------------------------------------------------------------
    Target(
        "jh_youth", "youth with jeugdhulp per year (persons)", "jeugd",
        (Row("jeugdhulp_youth_incl_pgb", "2019"),), "count", "youth_0_22", Measure("unique", JEUGDHULP),
        denominator="youth_0_22_2019", criterion=True,
        note="model: youth holding a jeugdhulp trajectory during the year (siblings in care each count: persons.jeugd)",
    ),
    Target(
        "jh_active", "jeugdhulp trajectories active during the year", "jeugd",
        (Row("jh_trajectories_active", "2019"),), "count", "youth_0_22", Measure("active", JEUGDHULP),
        denominator="youth_0_22_2019", criterion=True,
        note="model: held on 1 January + started in the year, one per youth and form (a companion trajectory counts: companion.*)",
    ),
    Target(
        "jh_started", "jeugdhulp trajectories started", "jeugd",
        (Row("jh_trajectories_started", "2019"),), "count", "youth_0_22", Measure("flow", tuple(f"started.{p}" for p in JEUGDHULP)),
        denominator="youth_0_22_2019", criterion=True,
        note="model: trajectories started, one per youth and form (an escalation to verblijf is a new trajectory)",
    ),
    Target(
        "jh_active_verblijf", "jeugdhulp met verblijf trajectories active", "jeugd",
        (Row("jh_trajectories_active_met_verblijf", "2019"),), "count", "youth_0_22", Measure("active", ("jeugd_verblijf",)),
        denominator="youth_0_22_2019",
    ),
    Target(
        "jh_verblijf_share", "verblijf share of started jeugdhulp trajectories", "jeugd",
        (Row("jh_started_share_met_verblijf", "2021*"),), "share", "percent", Measure("started_share", ("jeugd_verblijf",), JEUGDHULP),
        criterion=True, note="CBS 2021 (provisional; the 2019 share is not in the data)",
    ),
    Target(
        "jh_wijkteam_share", "started trajectories delivered by the local team", "jeugd",
        (Row("jh_started_share_wijkteam", "2021*"),), "share", "percent", Measure("started_share", ("jeugd_wijkteam",), JEUGDHULP),
        note="model: the access teams' own jeugdhulp (casework, product jeugd_wijkteam) among all jeugdhulp started",
    ),
    Target(
        "jeugd_spending_individual", "youth spending, individual provisions", "jeugd",
        (Row("jeugd_cost_individual_provisions", "2019"),), "count", "inhabitants",
        Measure("flow", _YOUTH_LINES),
        multiplier=1e9, denominator="inhabitants_2019", criterion=True,
        note=f"model: budget lines jeugd ambulant + verblijf + gedwongen kader; {_SPEND}", index=TARIFF_INDEX,
    ),
    Target(
        "jeugd_spending_iv3", "youth spending, Iv3 6.72 + 6.82 (18-)", "jeugd",
        (Row("taakveld_maatwerkdienstverlening_18min_lasten", "2017*"), Row("taakveld_geescaleerde_zorg_18min_lasten", "2017*")),
        "count", "inhabitants",
        Measure("flow", _YOUTH_LINES),
        multiplier=1e6, denominator="inhabitants_2017", note=f"CBS Iv3 realised 2017; {_SPEND}", index=TARIFF_INDEX,
    ),
    Target(
        "jeugd_spending_total", "youth spending, total (incl. access)", "jeugd",
        (Row("jeugd_spending_municipalities", "2019"),), "count", "inhabitants", Measure("flow", (*_YOUTH_LINES, *_YOUTH_FRONTLINE)),
        multiplier=1e9, denominator="inhabitants_2019", criterion=True,
        note=f"model: the youth budget lines + {_FRONTLINE_NOTE}; {_SPEND}", index=TARIFF_INDEX,
    ),
    Target(
        "jeugd_spending_access", "youth access and voorliggend veld spending", "jeugd",
        (Row("jeugd_cost_toegang_lokale_teams_voorliggend", "2019"),), "count", "inhabitants", Measure("flow", _YOUTH_FRONTLINE),
        multiplier=1e9, denominator="inhabitants_2019", note=f"model: {_FRONTLINE_NOTE}; {_SPEND}", index=TARIFF_INDEX,
    ),
    # --- youth protection -------------------------------------------------------------------------
    Target(
        "jb_stock", "jeugdbescherming measures in force, 31 December", "jeugdbescherming",
        (Row("jb_measures_in_force", "2019-12-31"),), "count", "youth_0_17", Measure("stock_end", ("holders.jeugdbescherming",)),
        denominator="youth_0_17_2019", criterion=True,
        note="model: children under a measure (siblings each count: persons.veiligheid; CBS counts measures, a child can have two)",
    ),
    Target(
        "jb_inflow", "jeugdbescherming measures started", "jeugdbescherming",
        (Row("jb_measures_inflow", "2019"),), "count", "youth_0_17", Measure("flow", ("started.jeugdbescherming",)),
        denominator="youth_0_17_2019", note="model: measures started (one per child)",
    ),
    Target(
        "jb_youth", "youth with jeugdbescherming per year (persons)", "jeugdbescherming",
        (Row("jeugdbescherming_youth_0_17", "2019*"),), "count", "youth_0_17", Measure("unique", ("jeugdbescherming",)),
        denominator="youth_0_17_2019", note="model: children under a measure during the year",
    ),
    # --- referral routes of started jeugdhulp trajectories (CBS 85096NED, 2021) -------------------
    # Each door of the model is recorded under one CBS route (schema.ROUTE_OF_DOOR). CBS's shares sum to
    # 98.8 %: 1.2 % of starts have an unknown referrer, a category the model does not have.
    Target(
        "route_gp", "route: huisarts", "routes", (Row("share_started_huisarts", "2021*"),), "share", "percent",
        Measure("route_share", ("huisarts",)), band="points", criterion=True,
        note="model: doctors' referrals (door_gp) made by the huisarts, the POH-jeugd's tier-1 cases excluded (no trajectory)",
    ),
    Target(
        "route_access", "route: gemeentelijke toegang", "routes", (Row("share_started_gemeentelijke_toegang", "2021*"),), "share",
        "percent", Measure("route_share", ("gemeentelijke_toegang",)), band="points", criterion=True,
        note="model: the access-team door (triage and beschikking)",
    ),
    Target(
        "route_gi", "route: gecertificeerde instelling (GI)", "routes", (Row("share_started_GI", "2021*"),), "share", "percent",
        Measure("route_share", ("GI",)), band="points", criterion=True,
        note="model: the GI refers a youth under a protection measure (jeugdbescherming) to jeugdhulp as it starts and at a request"
        " while it holds (door_gi.jeugd)",
    ),
    Target(
        "route_none", "route: no referrer (direct access)", "routes", (Row("share_started_no_referrer", "2021*"),), "share", "percent",
        Measure("route_share", ("no_referrer",)), band="points", criterion=True,
        note="model: requests straight to a provider (door_direct) and crisis admissions, which start before any referrer acts",
    ),
    Target(
        "route_specialist", "route: medisch specialist", "routes", (Row("share_started_medisch_specialist", "2021*"),), "share",
        "percent", Measure("route_share", ("medisch_specialist",)), band="points", criterion=True,
        note="model: doctors' referrals (door_gp) made by a medisch specialist (door_medical.specialist)",
    ),
    Target(
        "route_jeugdarts", "route: jeugdarts", "routes", (Row("share_started_jeugdarts", "2021*"),), "share", "percent",
        Measure("route_share", ("jeugdarts",)), band="points", criterion=True,
        note="model: doctors' referrals (door_gp) made by the jeugdarts (door_medical.jeugdarts)",
    ),
    # --- duration bands of ended jeugdhulp trajectories (CBS 85096NED, 2021; quality U) ------------
    # The durations drawn for jeugdhulp follow these bands (simulation.inputs.CBS_ENDED_BINS, ambulant);
    # what ends differs: verblijf lasts longer, care also ends at 18, on a move or an escalation.
    *(
        Target(
            f"ended_{band}", f"ended jeugdhulp lasting {band.replace('_', '-')}", "durations",
            (Row(f"ended_jh_traj_share_{band}", "2021*"),), "share", "percent", Measure("duration_share", (band,)), band="points",
            note="model: jeugdhulp provisions ended in the year by whole months in care; CBS flags the bands U (column alignment"
            " assumed)",
        )
        for band in DURATION_BANDS
    ),
    # --- Wmo 2015 -------------------------------------------------------------------------------
    Target(
        "wmo_clients", "Wmo maatwerk clients per year", "wmo", (Row("wmo_maatwerk_clients", "2019"),), "count", "inhabitants",
        Measure("unique", WMO_ALL), denominator="inhabitants_2019", criterion=True,
        note="model: persons with a Wmo provision during the year (a partner with a provision counts: persons.wmo)",
    ),
    Target(
        "wmo_clients_excl_verblijf", "Wmo maatwerk clients excl. verblijf", "wmo", (Row("wmo_maatwerk_clients_excl_verblijf", "2019"),),
        "count", "inhabitants", Measure("unique", WMO_EXCL_VERBLIJF), denominator="inhabitants_2019",
        note="model: persons with HbH, begeleiding or hulpmiddelen during the year",
    ),
    Target(
        "wmo_hbh_clients", "Wmo clients: hulp bij het huishouden", "wmo", (Row("wmo_hbh_clients", "2019"),), "count", "inhabitants",
        Measure("unique", ("wmo_hbh",)), denominator="inhabitants_2019", criterion=True,
    ),
    Target(
        "wmo_begeleiding_clients", "Wmo clients: begeleiding (ondersteuning thuis)", "wmo",
        (Row("wmo_ondersteuning_thuis_clients", "2017"),), "count", "inhabitants", Measure("unique", ("wmo_begeleiding",)),
        denominator="inhabitants_2017", criterion=True,
        note="CBS 2017 (the latest national figure in the data)",
    ),
    Target(
        "wmo_hulpmiddelen_clients", "Wmo clients: hulpmiddelen en diensten", "wmo", (Row("wmo_hulpmiddelen_diensten_clients", "2017"),),
        "count", "inhabitants", Measure("unique", ("wmo_hulpmiddelen",)), denominator="inhabitants_2017", criterion=True,
        note="CBS 2017 (the latest national figure in the data)",
    ),
    Target(
        "wmo_verblijf_clients", "Wmo clients: verblijf en opvang (beschermd wonen)", "wmo", (Row("wmo_verblijf_opvang_clients", "2017"),),
        "count", "inhabitants", Measure("unique", ("wmo_beschermd_wonen",)), denominator="inhabitants_2017",
        note="CBS 2017; includes maatschappelijke opvang, which the model does not have",
    ),
    Target(
        "wmo_provisions_per_client", "Wmo provisions per client", "wmo",
        (Row("wmo_hbh_clients", "2017"), Row("wmo_ondersteuning_thuis_clients", "2017"), Row("wmo_hulpmiddelen_diensten_clients", "2017")),
        "share", "ratio", Measure("per_person", WMO_ALL), per=(Row("wmo_maatwerk_clients", "2017"),),
        note="derived: CBS 2017 clients by type over all clients (the types exclude verblijf); model: persons holding each"
        " provision in the year, summed, per client",
    ),
    Target(
        "wmo_spending_excl_verblijf", "Wmo spending: HbH + begeleiding + hulpmiddelen", "wmo",
        (Row("wmo_maatwerk_excl_verblijf_spending_realised_per_inhabitant", "2019*"),), "rate", "inhabitants",
        Measure("flow", tuple(f"spending.{p}" for p in WMO_EXCL_VERBLIJF)), criterion=True, note=_SPEND, index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_hbh", "Wmo spending: hulp bij het huishouden", "wmo", (Row("wmo_hbh_spending_realised_per_inhabitant", "2019*"),),
        "rate", "inhabitants", Measure("flow", ("spending.wmo_hbh",)), note=_SPEND, index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_begeleiding", "Wmo spending: begeleiding (ondersteuning thuis)", "wmo",
        (Row("wmo_ondersteuning_thuis_spending_realised_per_inhabitant", "2019*"),), "rate", "inhabitants",
        Measure("flow", ("spending.wmo_begeleiding",)), note=_SPEND, index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_hulpmiddelen", "Wmo spending: hulpmiddelen en diensten", "wmo",
        (Row("wmo_hulpmiddelen_diensten_spending_realised_per_inhabitant", "2019*"),), "rate", "inhabitants",
        Measure("flow", ("spending.wmo_hulpmiddelen",)), note=_SPEND, index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_verblijf", "Wmo spending: verblijf en opvang (beschermd wonen)", "wmo",
        (Row("wmo_verblijf_opvang_spending_realised_per_inhabitant", "2019*"),), "rate", "inhabitants",
        Measure("flow", ("spending.wmo_beschermd_wonen",)), note=_SPEND, index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_total", "Wmo maatwerk spending, total", "wmo", (Row("wmo_maatwerk_spending_realised_per_inhabitant", "2019*"),),
        "rate", "inhabitants", Measure("flow", tuple(f"spending.{p}" for p in WMO_ALL)), criterion=True, note=_SPEND,
        index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_iv3", "Wmo spending, Iv3 6.71 + 6.6 (maatwerk 18+)", "wmo",
        (Row("taakveld_maatwerkdienstverlening_18plus_lasten", "2017*"), Row("taakveld_maatwerkvoorziening_wmo_lasten", "2017*")),
        "count", "inhabitants", Measure("flow", tuple(f"spending.{p}" for p in WMO_EXCL_VERBLIJF)), multiplier=1e6,
        denominator="inhabitants_2017", note=f"CBS Iv3 realised 2017; {_SPEND}", index=TARIFF_INDEX,
    ),
    Target(
        "wmo_spending_iv3_escalated", "Wmo spending, Iv3 6.81 (escalated care 18+)", "wmo",
        (Row("taakveld_geescaleerde_zorg_18plus_lasten", "2017*"),), "count", "inhabitants",
        Measure("flow", ("spending.wmo_beschermd_wonen",)), multiplier=1e6, denominator="inhabitants_2017",
        note=f"includes opvang, which the model does not have; {_SPEND}", index=TARIFF_INDEX,
    ),
    # --- work and income (Participatiewet) --------------------------------------------------------
    Target(
        "bijstand_households", "households with bijstand", "participatie", (Row("share_households_with_bijstand", "2014"),), "rate",
        "households", Measure("stock_mean", ("households.bijstand",)), multiplier=0.01, criterion=True,
        note="CBS: households on bijstand for a year or more (2014; no 2019 household figure in the data), so a lower bound"
        " for all households on bijstand; model: all households on bijstand, yearly mean",
    ),
    Target(
        "bijstand_persons", "persons with bijstand", "participatie", (Row("bijstand_persons", "2019Q4"),), "count", "inhabitants",
        Measure("stock_end", ("households.bijstand",)), status="proxy", denominator="inhabitants_2019",
        note="model: households on bijstand at the end of the year; CBS counts persons (both partners of a couple)",
    ),
    Target(
        "bijstand_spending", "bijstand benefits spending", "participatie", (Row("buig_budget_participatiewet", "2019"),), "count",
        "inhabitants", Measure("flow", ("spending.participatie_bijstand",)), multiplier=1e6, denominator="inhabitants_2019",
        criterion=True, note=f"the national BUIG budget for Participatiewet benefits (realised spending differs by a few %); {_SPEND}",
        index=BENEFIT_INDEX,
    ),
    # --- a municipality of this size: Dronten (~41,000 inhabitants), Iv3 taakvelden, rekening 2017 -------
    Target(
        "dronten_jeugd", "youth spending, Iv3 6.72 + 6.82", "Dronten 2017 (municipal)",
        (Row("taakveld_6_72_maatwerkdienstverlening_18min_lasten_per_inhabitant", "2017", "Dronten"),
         Row("taakveld_6_82_geescaleerde_zorg_18min_lasten_per_inhabitant", "2017", "Dronten")), "rate", "inhabitants",
        Measure("flow", _YOUTH_LINES), note=_DRONTEN,
        index=TARIFF_INDEX,
    ),
    Target(
        "dronten_wmo", "Wmo spending, Iv3 6.6 + 6.71", "Dronten 2017 (municipal)",
        (Row("taakveld_6_6_maatwerkvoorzieningen_wmo_lasten_per_inhabitant", "2017", "Dronten"),
         Row("taakveld_6_71_maatwerkdienstverlening_18plus_lasten_per_inhabitant", "2017", "Dronten")), "rate", "inhabitants",
        Measure("flow", tuple(f"spending.{p}" for p in WMO_EXCL_VERBLIJF)), note=_DRONTEN, index=TARIFF_INDEX,
    ),
    Target(
        "dronten_inkomen", "income support, Iv3 6.3 inkomensregelingen", "Dronten 2017 (municipal)",
        (Row("taakveld_6_3_inkomensregelingen_lasten_per_inhabitant", "2017", "Dronten"),), "rate", "inhabitants",
        Measure("flow", ("spending.participatie_bijstand",)), note=f"6.3 also holds bijzondere bijstand and minimabeleid; {_DRONTEN}",
        index=BENEFIT_INDEX,
    ),
    Target(
        "dronten_begeleide_participatie", "beschut werk, Iv3 6.4 begeleide participatie", "Dronten 2017 (municipal)",
        (Row("taakveld_6_4_begeleide_participatie_lasten_per_inhabitant", "2017", "Dronten"),), "rate", "inhabitants",
        Measure("flow", ("spending.participatie_beschut_werk",)), note=_DRONTEN, index=TARIFF_INDEX,
    ),
    Target(
        "dronten_wijkteams", "access teams, Iv3 6.2 wijkteams", "Dronten 2017 (municipal)",
        (Row("taakveld_6_2_wijkteams_lasten_per_inhabitant", "2017", "Dronten"),), "rate", "inhabitants",
        Measure("flow", ("spending.toegang",)), note=f"model: access staff of all laws; {_DRONTEN}", index=WAGE_INDEX,
    ),
    Target(
        "dronten_samenkracht", "general provisions, Iv3 6.1 samenkracht", "Dronten 2017 (municipal)",
        (Row("taakveld_6_1_samenkracht_burgerparticipatie_lasten_per_inhabitant", "2017", "Dronten"),), "rate", "inhabitants",
        Measure("flow", ("spending.algemene_voorzieningen",)), note=f"model: general provisions of all laws; {_DRONTEN}",
        index=TARIFF_INDEX,
    ),
)

# fmt: on

# A municipality's own counts (``Profile.figures``, from ``profile build``) and the line whose scaled national figure
# each replaces in its validation table.
OWN_FIGURE_TARGETS: dict[str, tuple[str, str]] = {  # quantity: (the line's key, the count's unit)
    "jeugdhulp_youth": ("jh_youth", "persons"),
    "wmo_clients": ("wmo_clients", "persons"),
    "bijstand_households": ("bijstand_households", "households"),
}

# Indicators of sources.csv that the table does not compare, and why (model inputs and the like).
NOT_COMPARED: dict[str, str] = {
    "pop_80plus": "input: the national population path 2014-2024 (calibration/projection.py) and the national profile",
    "avg_duration_ended_ots": "input: bounds the mean duration of a jeugdbescherming measure (fitted to stock / inflow, Little's law)",
    "wmo_maatwerk_clients_halfyear": "input: with the clients of the year, how long a Wmo provision is held (parameters.WMO_HELD_MONTHS)",
    "wmo_share_clients_ondersteuning_thuis": "input: begeleiding clients in the first half of 2019 (parameters.WMO_HELD_MONTHS)",
    "wmo_share_clients_hulpmiddelen_diensten": "input: hulpmiddelen clients in the first half of 2019 (parameters.WMO_HELD_MONTHS)",
    "wmo_hbh_per_1000_high_income": "not produced: HbH use by income class is not an output (input to the onset multipliers)",
    "wmo_hbh_per_1000_middle_income": "not produced: HbH use by income class is not an output",
    "wmo_hbh_per_1000_low_income": "not produced: HbH use by income class is not an output (input to the onset multipliers)",
    "wmo_abonnementstarief": "input: the co-payment",
    "births": "input: the base birth rate; births are steered to the population path",
    "proj_deaths_kp2022": "input: the death rate at 75+",
    "proj_pop_total_kp2022_lo67": "input: the range of demography.projection",
    "proj_pop_total_kp2022_hi67": "input: the range of demography.projection",
    "households_private": "input: persons per household (the default's household count)",
    "households_one_person": "input: the household types",
    "households_couple_with_children": "input: the household types",
    "households_couple_without_children": "input: the household types",
    "proj_year_19mln_kp2024": "input: the population path (calibration/projection.py)",
    "proj_pop_growth_per_year_kp2024": "input: the population path (calibration/projection.py)",
    "proj_pop_total_bp2025": "input: the population path (calibration/projection.py)",
    "pop_80plus_approx": "input: the population path (calibration/projection.py)",
    "proj_pop_80plus_kp2024": "input: the population path (calibration/projection.py)",
    "proj_pop_75plus": "input: the population path (calibration/projection.py)",
    "pop_0_19": "input: the population path (calibration/projection.py)",
    "pop_0_19_approx": "input: the population path (calibration/projection.py)",
    "proj_pop_0_19_bp2025": "input: the population path (calibration/projection.py)",
    "proj_pop_total_kp2022": "input: the population path (calibration/projection.py)",
    "jeugdzorg_rijksbudget": "cross-check of the youth revenue of the default profile (Nijkerk, a municipality of this size)",
    "jeugdzorg_deficit_expected": "youth revenue below spending in a municipality of this size (Nijkerk); not an output",
    # money inputs: tariffs, the benefit, the index rates and the revenue of the default profile (simulation.parameters,
    # scenarios/profiles/default.toml) are derived from these rows
    "wmo_hbh_spending_per_client": "input: tariff.wmo_hbh",
    "wmo_ondersteuning_thuis_spending_realised": "input: tariff.wmo_begeleiding (with the 2017 clients)",
    "wmo_hulpmiddelen_diensten_spending_realised": "input: tariff.wmo_hulpmiddelen (with the 2017 clients)",
    "wmo_verblijf_opvang_spending_per_client": "input: tariff.wmo_beschermd_wonen",
    "taakveld_geescaleerde_zorg_18min_lasten_begroot": "input: tariff.jeugdbescherming; the gedwongen kader share of youth revenue",
    "taakveld_maatwerkdienstverlening_18min_lasten_begroot": "input: the gedwongen kader share of youth revenue",
    "jeugdreclassering_youth": "input: tariff.jeugdbescherming (the model has no separate jeugdreclassering)",
    "bijstand_norm_single_21_aow_excl_vt": "input: the low end of benefit.monthly",
    "bijstand_norm_couple_21_aow_excl_vt": "input: the high end of benefit.monthly; index.benefit (2015-2019)",
    "wmo_hbh_tariff_growth_simple": "input: index.tariff",
    "wmo_hbh_tariff_growth_heavy": "input: the low end of index.tariff",
    "jeugd_budget_municipalities": "input: youth revenue of the default profile",
    "taakveld_6_5_arbeidsparticipatie_lasten_begroot": "input: re-integration revenue of the default profile (Dronten per inhabitant)",
    "taakveld_6_4_begeleide_participatie_lasten_begroot": "input: beschut werk revenue of the default profile (Dronten per inhabitant)",
}


@cache
def source_rows() -> dict[Row, dict[str, str]]:
    """Every row of the packaged ``scenarios/sources.csv`` by its key."""
    text = resources.files("sdsim.scenarios").joinpath("sources.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {Row(r["indicator"], r["period"], r["geography"]): r for r in rows}


def parse_value(text: str) -> float:
    """A published value as a number; a range ``5.4-5.6`` gives its midpoint."""
    low, sep, high = text.partition("-")
    if sep and low and high:
        return (float(low) + float(high)) / 2.0
    return float(text)


def figure_value(target: Target, rows: dict[Row, dict[str, str]] | None = None) -> float | None:
    """The national figure as published (sum of its rows, over the sum of ``per``), before ``multiplier``; None without rows."""
    rows = source_rows() if rows is None else rows
    if not target.figure:
        return None
    value = sum(parse_value(rows[row]["value"]) for row in target.figure)
    if target.per:
        value /= sum(parse_value(rows[row]["value"]) for row in target.per)
    return value


def national_basis(key: str, rows: dict[Row, dict[str, str]] | None = None) -> float:
    """The national population of ``DENOMINATORS[key]`` (persons)."""
    rows = source_rows() if rows is None else rows
    den = DENOMINATORS[key]
    count = parse_value(rows[den.rows[0]]["value"])
    if len(den.rows) > 1:
        count /= parse_value(rows[den.rows[1]]["value"]) / 100.0
    return count


def scaled_figure(target: Target, model_basis: dict[str, float], rows: dict[Row, dict[str, str]] | None = None) -> float | None:
    """The national figure scaled to the municipality (see the module docstring); None without a figure.

    Args:
        target: the table line.
        model_basis: the model's population per basis (``inhabitants``, ``youth_0_17``, ...).
        rows: source rows (default: the packaged sources.csv).
    """
    value = figure_value(target, rows)
    if value is None or target.scaling == "share":
        return value
    if target.scaling == "rate":
        return value * target.multiplier * model_basis[target.basis]
    return value * target.multiplier / national_basis(target.denominator, rows) * model_basis[target.basis]


def figure_year(target: Target) -> int:
    """The year of a target's figure: the first four digits of its first row's period (``2017*``, ``2019Q4``)."""
    return int(target.figure[0].period[:4])


def price_factor(target: Target, values: Mapping[str, float], year: int) -> float:
    """What a euro of the figure's year is worth in ``year`` at the rate ``values[target.index]``; 1 for a figure not in euros.

    Args:
        target: the table line.
        values: the scenario's parameters (the index rates).
        year: the comparable year (the profile's start year).
    """
    if not target.index or not target.figure:
        return 1.0
    return index_factor(values[target.index], figure_year(target), year)


def unique_groups(measures: Iterable[Measure | None]) -> tuple[tuple[str, ...], ...]:
    """The product groups whose persons a census must count (``census_years``) to give ``measures``."""
    measures = [m for m in measures if m is not None]
    return tuple(
        sorted(
            {m.items for m in measures if m.kind in ("unique", "per_person")}
            | {(p,) for m in measures if m.kind == "per_person" for p in m.items}
        )
    )


def measure_value(measure: Measure, year: CensusYear) -> float:
    """The value of ``measure`` in one replicate's calendar year (``simulation.census``)."""
    ind, census = year.indicators, year.census
    if measure.kind == "flow":
        return float(sum(ind[m].sum() for m in measure.items))
    if measure.kind == "stock_mean":
        return float(sum(ind[m] for m in measure.items).mean())
    if measure.kind == "stock_end":
        return float(sum(ind[m][-1] for m in measure.items))
    if measure.kind in SHARE_METRIC:
        return float(shares({m: ind[m].sum() for m in measure.metrics}, SHARE_METRIC[measure.kind])[measure.items[0]])
    idx = [PRODUCT[p] for p in measure.items]
    if measure.kind == "active":
        return float(census.start[idx].sum() + census.admissions[idx].sum())
    if measure.kind == "unique":
        return float(census.unique[measure.items])
    if measure.kind == "per_person":
        return sum(census.unique[(p,)] for p in measure.items) / max(census.unique[measure.items], 1)
    total = census.admissions[[PRODUCT[p] for p in measure.of]].sum()  # started_share
    return float(100.0 * census.admissions[idx].sum() / total) if total else float("nan")


@dataclass(frozen=True)
class Verdict:
    """How a model value compares with its scaled figure."""

    ratio: float | None = None
    difference: float | None = None
    passed: bool | None = None
    band: str = field(default="")


def judge(target: Target, model: float | None, figure: float | None) -> Verdict:
    """Ratio (or difference in points) and whether it lies in the target's acceptance band.

    Rows whose status is not ``comparable`` get the numbers but no pass/fail.
    """
    if target.band == "points":
        band = f"±{POINTS_BAND:g} points"
        if model is None or figure is None:
            return Verdict(band=band)
        diff = model - figure
        ok = abs(diff) <= POINTS_BAND if target.status == "comparable" else None
        return Verdict(ratio=model / figure if figure else None, difference=diff, passed=ok, band=band)
    band = f"{RATIO_BAND[0]:g}-{RATIO_BAND[1]:g}x"
    if model is None or figure is None or figure == 0:
        return Verdict(band=band)
    ratio = model / figure
    ok = RATIO_BAND[0] <= ratio <= RATIO_BAND[1] if target.status == "comparable" else None
    return Verdict(ratio=ratio, difference=model - figure, passed=ok, band=band)
