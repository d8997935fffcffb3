"""Build a municipality's profile from figures it can download (``sdsim profile build FIGURES.csv``).

The figures file has the columns ``quantity,value,source``, one row per figure (``#`` lines are
comments). ``inhabitants`` is required; every other quantity is optional:

==========================  ===========================================================================
quantity                    meaning
==========================  ===========================================================================
inhabitants                 persons on 1 January of the start year
start_year                  the year of the figures (default: the default municipality's, 2026)
weight                      real persons each simulated one stands for: a sample of a large population,
                            whose figures are given divided by it (default 1)
burn_in_years               years simulated before the start year (default: the default municipality's, 40)
slots_factor                every contract's slots relative to the default's per inhabitant (default 1)
persons_0_17 ...            persons 0-17, 18-22, 23-74 and 75+ (``persons_0_17``, ``persons_18_22``,
                            ``persons_23_74``, ``persons_75_plus``): all four, or none
households                  private households
households_one_person ...   households by CBS type (``households_one_person``, ``households_without_children``:
                            two or more persons, ``households_with_children``): all three, summing to
                            ``households`` (0.5 %)
bijstand_households         households with bijstand (the benefit share is this over the households)
income_low_share ...        shares of households by income class (``income_low_share``,
                            ``income_middle_share``, ``income_high_share``): all three, summing to 1
jeugdhulp_youth             youth with jeugdhulp in the start year (persons; CBS Jeugdzorg per gemeente)
wmo_clients                 Wmo maatwerk clients in the start year (persons; CBS Monitor sociaal domein)
budget_<line>               the budget of a budget line in the start year, euros (``budget_wmo_hbh``;
                            lines of ``schema.BUDGET_LINES``)
==========================  ===========================================================================

Own counts set the municipality's need level: the domain's onsets times the own count over what the
national rate gives its population (``Profile.need``; youth with jeugdhulp per youth 0-22 and Wmo
clients per inhabitant, as ``sdsim validate`` scales them), the domain's contract slots sized along
(need times the domain's population against the default's), and ``sdsim validate`` then compares the
model with the own count instead of the national rate (``Profile.figures``; households on bijstand too). A budget given per line
is ``sdsim forecast``'s budget where no ``--budget`` file is given (``Profile.budget``), indexed each
later year with the line's index rate.

A value not given is the default municipality's (``profiles/default.toml``, national rates) scaled to
the inhabitants: the age groups in the national shares, households at its persons per household,
the access teams' FTE, the GP practices, the contracts (each with the default's slots), the teams'
casework, the national revenue and the general provisions' subsidies. The household types keep
the default's compositions with their shares refitted (bounded least squares) so that the
households hold the population by age group. Every value written names its source: the figures
file's row, or "scaled from the default".
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
from scipy.optimize import lsq_linear
from sdsim.scenarios.files import ScenarioError, read_text, read_toml, show
from sdsim.simulation.profile import MAX_EUROS_YEAR, MAX_NEED, OWN_FIGURES
from sdsim.simulation.schema import AGE_GROUPS, BUDGET_LINES, DOMAINS, INCOME_CLASSES, PRODUCTS

DEFAULT_PROFILE = Path(__file__).resolve().parent / "profiles" / "default.toml"
AGE_QUANTITIES = ("persons_0_17", "persons_18_22", "persons_23_74", "persons_75_plus")
INCOME_QUANTITIES = tuple(f"income_{c}_share" for c in INCOME_CLASSES)
SETTINGS = ("start_year", "weight", "burn_in_years")
BUDGET_QUANTITIES = tuple(f"budget_{line}" for line in BUDGET_LINES)
# CBS's household types and the default's compositions that make each one
HOUSEHOLD_QUANTITIES: dict[str, tuple[str, ...]] = {
    "households_one_person": ("single adult", "single young adult", "single 75+"),
    "households_without_children": ("couple without children", "three adults", "couple 75+", "older couple, one 75+"),
    "households_with_children": ("couple with children", "single parent", "family with a young adult"),
}
QUANTITIES = ("inhabitants", *SETTINGS, "slots_factor", *AGE_QUANTITIES, "households", *HOUSEHOLD_QUANTITIES, "bijstand_households",
              *INCOME_QUANTITIES,
              *(q for q in OWN_FIGURES if q != "bijstand_households"), *BUDGET_QUANTITIES)  # fmt: skip
SHARE, COUNT = (0.0, 1.0, "a share in [0, 1]"), (0.0, math.inf, "a count >= 0")
OWN_COUNT = (1.0, 1e9, "a count of at least 1")  # an own count sets a need level: 0 would be no need at all
LIMITS = {**{q: OWN_COUNT for q in OWN_FIGURES}, **{q: (0.0, MAX_EUROS_YEAR, "euros in [0, 1e11]") for q in BUDGET_QUANTITIES},
          "start_year": (2000.0, 2100.0, "a year 2000-2100"), "weight": (1.0, 1e6, "a weight >= 1"),
          "burn_in_years": (0.0, 50.0, "whole years 0-50"), "slots_factor": (0.01, 100.0, "a factor 0.01-100")}  # fmt: skip
SCALED = "scaled from the default municipality (national rates)"
PRIOR_WEIGHT = 0.3


def read_figures(path: Path) -> dict[str, tuple[float, str]]:
    """``{quantity: (value, source)}`` of a figures file; ``ScenarioError`` naming file, row and column otherwise."""
    numbered = enumerate(read_text(path).splitlines(), start=1)
    lines = [(n, line) for n, line in numbered if line.strip() and not line.lstrip().startswith("#")]
    if not lines or [c.strip() for c in lines[0][1].split(",")] != ["quantity", "value", "source"]:
        raise ScenarioError(path, f"row {lines[0][0] if lines else 1}", "expected the header quantity,value,source")
    figures: dict[str, tuple[float, str]] = {}
    for number, line in lines[1:]:
        cells = [c.strip() for c in line.split(",", 2)]
        if len(cells) != 3:
            raise ScenarioError(path, f"row {number}", f"{len(cells)} cells; expected quantity,value,source")
        quantity, cell, source = cells
        if quantity not in QUANTITIES:
            raise ScenarioError(path, f"row {number}, column quantity", f"unknown quantity {show(quantity)}; expected one of "
                                f"{', '.join(QUANTITIES)}")  # fmt: skip
        if quantity in figures:
            raise ScenarioError(path, f"row {number}, column quantity", f"{quantity} given twice")
        try:
            value = float(cell)
        except ValueError:
            raise ScenarioError(path, f"row {number}, column value", f"expected a number, got {show(cell)}") from None
        low, high, allowed = LIMITS.get(quantity, SHARE if quantity.endswith("_share") else COUNT)
        if not math.isfinite(value) or not low <= value <= high:
            raise ScenarioError(path, f"row {number}, column value", f"expected {allowed}, got {show(cell)}")
        figures[quantity] = (value, source or "figures file")
    if "inhabitants" not in figures or figures["inhabitants"][0] <= 0:
        raise ScenarioError(path, "inhabitants", "required: the persons on 1 January of the start year (> 0)")
    for group in (AGE_QUANTITIES, INCOME_QUANTITIES, tuple(HOUSEHOLD_QUANTITIES)):
        given = [q for q in group if q in figures]
        if given and len(given) != len(group):
            raise ScenarioError(path, ", ".join(q for q in group if q not in figures), f"missing; give all of {', '.join(group)} or none")
    if all(q in figures for q in INCOME_QUANTITIES) and abs(sum(figures[q][0] for q in INCOME_QUANTITIES) - 1) > 1e-6:
        raise ScenarioError(path, "income_*_share", f"sum to {sum(figures[q][0] for q in INCOME_QUANTITIES):g}; they must sum to 1")
    if all(q in figures for q in HOUSEHOLD_QUANTITIES):
        if "households" not in figures:
            raise ScenarioError(path, "households", "required with the households by type: the private households they sum to")
        total, households = sum(figures[q][0] for q in HOUSEHOLD_QUANTITIES), figures["households"][0]
        if abs(total - households) > 0.005 * households:
            raise ScenarioError(path, "households_*", f"sum to {total:,.0f}, not the {households:,.0f} households (0.5 %)")
    if all(q in figures for q in AGE_QUANTITIES):
        total = sum(figures[q][0] for q in AGE_QUANTITIES)
        if abs(total - figures["inhabitants"][0]) > 0.005 * figures["inhabitants"][0]:
            raise ScenarioError(path, "persons_*", f"sum to {total:,.0f}, not the {figures['inhabitants'][0]:,.0f} inhabitants (0.5 %)")
    return figures


def build_profile(figures: dict[str, tuple[float, str]], name: str, out: Path, path: Path | str = "figures") -> str:
    """The TOML text of a profile for ``figures`` (``read_figures`` of ``path``), to be written at ``out`` (its relative paths)."""
    default = read_toml(DEFAULT_PROFILE)
    inhabitants = figures["inhabitants"][0]
    factor = inhabitants / default["inhabitants"]
    sources: dict[str, str] = {"inhabitants": figures["inhabitants"][1]}

    def given(quantity: str, fallback: float, key: str) -> float:
        value, source = figures.get(quantity, (fallback, SCALED))
        sources[key] = source
        return value

    data = dict(default, name=name, inhabitants=round(inhabitants))
    for setting in SETTINGS:
        if setting in figures:
            data[setting] = type(default.get(setting, 1.0))(figures[setting][0])
            sources[setting] = figures[setting][1]
    population = {g: default["population"][g] * factor for g in AGE_GROUPS}
    if AGE_QUANTITIES[0] in figures:
        population = {g: figures[q][0] for g, q in zip(AGE_GROUPS, AGE_QUANTITIES, strict=True)}
    sources["population"] = figures[AGE_QUANTITIES[0]][1] if AGE_QUANTITIES[0] in figures else SCALED
    data["population"] = {g: round(v) for g, v in population.items()}
    data["households"] = households = round(given("households", default["households"] * factor, "households"))
    bijstand = given("bijstand_households", default["benefit_share"] * households, "benefit_share")
    data["benefit_share"] = round(bijstand / households, 4)
    data["income_shares"] = {c: given(f"income_{c}_share", default["income_shares"][c], "income_shares") for c in INCOME_CLASSES}
    kinds = {q: figures[q][0] / households for q in HOUSEHOLD_QUANTITIES if q in figures}
    data["household_types"] = _fit_types(default["household_types"], population, households, kinds)
    if kinds:
        sources["household_types"] = "; ".join(f"{q}: {figures[q][1]}" for q in kinds)
    data["access_teams"] = [dict(t, fte={d: round(f * factor, 2) for d, f in t["fte"].items()}) for t in default["access_teams"]]
    practices = max(1, round(len(default["gp_practices"]) * factor))
    data["gp_practices"] = [{"name": f"Huisartsenpraktijk {i + 1}", "weight": 1.0} for i in range(practices)]
    slots = given("slots_factor", 1.0, "providers")
    _own_figures(figures, data, sources, path)
    demand = {}  # contracts sized to the demand the own counts show, not to the inhabitants alone
    if "need" in data:
        youth = (population["children"] + population["young"]) / (default["population"]["children"] + default["population"]["young"])
        demand = {d: n * (youth / factor if d == "jeugd" else 1.0) for d, n in data["need"].items()}
        sources["providers"] += "; slots of " + ", ".join(f"{d} x {v:.3f}" for d, v in demand.items()) + " (need x its population basis)"
    per_product = {p.name: slots * demand.get(DOMAINS[p.domain], 1.0) for p in PRODUCTS}
    data["providers"] = [_scaled_provider(group, factor, per_product) for group in default["providers"]]
    for table in ("revenue", "general_subsidy_year"):
        data[table] = {k: round(v * factor) for k, v in default[table].items()}
    projection = DEFAULT_PROFILE.parent / default["population_path"]
    data["population_path"] = os.path.relpath(projection, Path(out).resolve().parent)
    header = [
        f"# Profile of {name}, built by `sdsim profile build` from a figures file (scenarios/build.py).",
        f"# Scale factor against the default municipality: {factor:.4f} ({inhabitants:,.0f} / {default['inhabitants']:,} inhabitants).",
        *(f"# {key}: {source}" for key, source in sources.items()),
        "# household_types: the default's compositions, shares refitted to hold the population by age group"
        + (" and the households by type" if kinds else ""),
        f"# access_teams, gp_practices, providers, revenue, general_subsidy_year: {SCALED}",
    ]
    return "\n".join(header) + "\n\n" + _toml(data)


def _own_figures(figures: dict[str, tuple[float, str]], data: dict, sources: dict[str, str], path: Path | str) -> None:
    """The own counts (``figures``, ``need``) and budgets (``budget``) of ``figures`` into the profile ``data``."""
    from sdsim.calibration.targets import OWN_FIGURE_TARGETS, TARGETS, scaled_figure

    population = data["population"]
    basis = {"inhabitants": float(data["inhabitants"]), "youth_0_22": float(population["children"] + population["young"])}
    own = {q: figures[q] for q in OWN_FIGURES if q in figures}
    if own:
        data["figures"] = {q: value for q, (value, _) in own.items()}
        sources["figures"] = "; ".join(f"{q}: {source}" for q, (_, source) in own.items())
    setting = {q: v for q, v in own.items() if OWN_FIGURES[q]}  # counts that set a domain's need level
    if setting:
        national = {q: scaled_figure(next(t for t in TARGETS if t.key == OWN_FIGURE_TARGETS[q][0]), basis) for q in setting}
        data["need"] = {OWN_FIGURES[q]: round(value / national[q], 4) for q, (value, _) in setting.items()}
        for q, (value, _) in setting.items():
            if not 1 / MAX_NEED <= value / national[q] <= MAX_NEED:
                raise ScenarioError(path, q, f"{value:,.0f} is {value / national[q]:.3g} x the {national[q]:,.0f} that the national"
                                    f" rate gives this population; allowed 1/{MAX_NEED:g}-{MAX_NEED:g} x")  # fmt: skip
        sources["need"] = "derived: " + "; ".join(
            f"{OWN_FIGURES[q]} = {q} {value:,.0f} / {national[q]:,.0f} at the national rate ({OWN_FIGURE_TARGETS[q][0]} in sdsim validate)"
            for q, (value, _) in setting.items()
        )
    budget = {q.removeprefix("budget_"): figures[q] for q in BUDGET_QUANTITIES if q in figures}
    if budget:
        data["budget"] = {line: round(value, 2) for line, (value, _) in budget.items()}
        sources["budget"] = "; ".join(f"{line}: {source}" for line, (_, source) in budget.items())


def _fit_types(types: list[dict], population: dict[str, float], households: int, kinds: dict[str, float] | None = None) -> list[dict]:
    """The household types with shares (>= 0.005, summing to 1) whose households best hold ``population`` by age group.

    Four age groups do not fix ten shares: the fit also stays near the default's shares (weighted
    ``PRIOR_WEIGHT`` against relative errors per age group), so the mix is the default's, shifted.
    ``kinds``: the shares of CBS's household types (``HOUSEHOLD_QUANTITIES``), held as the sum does.
    """
    members = np.array([[t.get("children_min", 0) / 2 + t.get("children_max", 0) / 2 if "children_min" in t else 0.0,
                         t.get("young", 0), t.get("adults", 0), t.get("elderly", 0)] for t in types])  # fmt: skip
    target = np.array([population[g] for g in AGE_GROUPS]) / households
    weight = 1.0 / np.maximum(target, 1e-9)  # relative error per age group
    prior = np.array([t["share"] for t in types])  # as close to the default's mix as the population allows
    names = [t["name"] for t in types]
    kinds = kinds or {}
    held = np.array([[100.0 if n in HOUSEHOLD_QUANTITIES[q] else 0.0 for n in names] for q in kinds]).reshape(len(kinds), len(types))
    system = np.vstack([members.T * weight[:, None], 100.0 * np.ones(len(types)), held, PRIOR_WEIGHT * np.eye(len(types))])
    rhs = np.concatenate([target * weight, [100.0], 100.0 * np.array(list(kinds.values())), PRIOR_WEIGHT * prior])
    fit = lsq_linear(system, rhs, bounds=(0.005, 1.0))
    shares = np.round(fit.x / fit.x.sum(), 4)
    shares[np.argmax(shares)] += round(1.0 - shares.sum(), 4)  # the rounded shares sum to 1 exactly
    return [dict(t, share=round(float(s), 4)) for t, s in zip(types, shares, strict=True)]


def _scaled_provider(group: dict, factor: float, slots: dict[str, float]) -> dict:
    """A provider group for a municipality ``factor`` times the default: as many contracts (at least one), or casework FTE.

    ``slots``: per product, each contract's slots times this (at least one where the default has any).
    """
    out = dict(group)
    if "slots" in group and any(slots[p] != 1.0 for p in group["slots"]):
        out["slots"] = {p: max(1, round(n * slots[p])) if n else 0 for p, n in group["slots"].items()}
    if group.get("casework_fte"):
        out["casework_fte"] = round(group["casework_fte"] * factor, 2)
    else:
        out["count"] = max(1, round(group.get("count", 1) * factor))
    return out


def _toml(data: dict) -> str:
    """A profile as TOML: scalars first, then tables, then arrays of tables."""
    scalars = [f"{k} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict | list)]
    tables = [f"\n[{k}]\n" + "\n".join(f"{kk} = {_value(vv)}" for kk, vv in v.items()) for k, v in data.items() if isinstance(v, dict)]
    arrays = [
        f"\n[[{k}]]\n" + "\n".join(f"{kk} = {_value(vv)}" for kk, vv in item.items())
        for k, v in data.items()
        if isinstance(v, list) and v and isinstance(v[0], dict)
        for item in v
    ]
    return "\n".join(scalars) + "\n" + "\n".join(tables) + "\n" + "\n".join(arrays) + "\n"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return repr(value)


__all__ = ["build_profile", "read_figures"]
