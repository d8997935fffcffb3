"""A municipality profile: population, access teams, GP practices, providers, budgets.

Pydantic models with strict validation (unknown keys refused, ranges checked), so a profile read
from any source fails loudly and precisely. Reading files is the job of ``scenarios.loader``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from sdsim.simulation.schema import AGE_GROUPS, BUDGET_LINES, DOMAINS, INCOME_CLASSES, PAYMENT_MODELS, PRODUCT, STAFF_PRODUCTS

Probability = Field(ge=0.0, le=1.0)
UNLIMITED = 2**40  # slots or intakes that never bind
MAX_EUROS_YEAR = 1e11  # a yearly amount in euros: far above any municipality's social-domain budget
EurosYear = Annotated[float, Field(ge=0.0, le=MAX_EUROS_YEAR)]
MAX_NEED = 20.0  # a municipality's need level (Profile.need) within 1/20-20 x the national rates
# A municipality's own counts a profile can carry (``Profile.figures``), and the domain whose onsets each one sets
# (``Profile.need``; households on bijstand set none: the profile's ``benefit_share`` holds them).
OWN_FIGURES: dict[str, str | None] = {"jeugdhulp_youth": "jeugd", "wmo_clients": "wmo", "bijstand_households": None}
FTE = Annotated[float, Field(ge=0.0, le=100_000.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class HouseholdType(_Strict):
    """A household composition and its share of all households."""

    name: str
    share: float = Field(gt=0.0, le=1.0)
    adults: int = Field(ge=0, le=10)
    young: int = Field(default=0, ge=0, le=10)
    elderly: int = Field(default=0, ge=0, le=10)
    children_min: int = Field(default=0, ge=0, le=10)
    children_max: int = Field(default=0, ge=0, le=10)

    @model_validator(mode="after")
    def _children_order(self) -> HouseholdType:
        if self.children_max < self.children_min:
            raise ValueError("children_max must be >= children_min")
        if self.adults + self.young + self.elderly == 0:
            raise ValueError("a household needs at least one person aged 18 or over")
        return self


class AgeGroups(_Strict):
    """Persons per age group of the model (``schema.AGE_GROUPS``): 0-17, 18-22, 23-74, 75+."""

    children: float = Field(ge=0.0, le=2e9)
    young: float = Field(ge=0.0, le=2e9)
    adults: float = Field(ge=0.0, le=2e9)
    elderly: float = Field(ge=0.0, le=2e9)

    def values(self) -> tuple[float, float, float, float]:
        """The four counts in the order of ``schema.AGE_GROUPS``."""
        return (self.children, self.young, self.adults, self.elderly)


POPULATION_TOLERANCE = 0.05  # household types x households must give the start population within 5 % per age group


def _implied(types: list[HouseholdType], households: int) -> tuple[float, float, float, float]:
    """Expected persons per age group of ``households`` households drawn from ``types``."""
    total = sum(t.share for t in types)
    per_household = [0.0, 0.0, 0.0, 0.0]
    for t in types:
        for i, members in enumerate(((t.children_min + t.children_max) / 2, t.young, t.adults, t.elderly)):
            per_household[i] += t.share / total * members
    return tuple(households * m for m in per_household)  # type: ignore[return-value]


class AccessTeam(_Strict):
    """A front-line access team (wijkteam / sociaal team) serving some wijken.

    ``fte`` is per law ("per-law counters", as today) unless ``integrated`` is true, in which case
    the team's FTE form one door for every domain.
    """

    name: str
    wijken: list[int] = Field(min_length=1)
    fte: dict[Literal[DOMAINS], FTE] = Field(default_factory=dict)  # type: ignore[valid-type]
    integrated: bool = False
    triage_accuracy: float = Probability
    decision_delay_months: int = Field(ge=0, le=24)
    unlimited: bool = False

    @model_validator(mode="after")
    def _fte_non_negative(self) -> AccessTeam:
        for domain, fte in self.fte.items():
            if fte < 0:
                raise ValueError(f"fte.{domain} must be >= 0")
        return self


class GPPractice(_Strict):
    """A GP practice: its list size, referral propensity and optional POH-jeugd."""

    name: str
    weight: float = Field(gt=0.0, le=1e6)
    referral_propensity: float = Field(default=1.0, ge=0.0, le=5.0)
    poh_jeugd_share: float = Field(default=0.0, ge=0.0, le=1.0)


class ProviderGroup(_Strict):
    """``count`` providers alike: products with slots each, tariff factor, payment model."""

    name: str
    count: int = Field(default=1, ge=1, le=1000)
    slots: dict[str, Annotated[int, Field(le=UNLIMITED)]]
    tariff_factor: float = Field(default=1.0, ge=0.0, le=10.0)
    payment_model: Literal[PAYMENT_MODELS] = "pxq"  # type: ignore[valid-type]
    lumpsum_year: float = Field(default=0.0, ge=0.0, le=MAX_EUROS_YEAR)
    casework_fte: float = Field(default=0.0, ge=0.0, le=1e6)  # the municipality's own team: its casework FTE per row

    @property
    def own_team(self) -> bool:
        """The municipality's own staff (casework: ``schema.STAFF_PRODUCTS``), not a contract."""
        return self.casework_fte > 0

    @property
    def offers(self) -> set[str]:
        """The products this group has slots for (an own team: the staff products)."""
        return {p for p, n in self.slots.items() if n > 0} | (set(STAFF_PRODUCTS) if self.own_team else set())

    @model_validator(mode="after")
    def _known_products(self) -> ProviderGroup:
        for product, slots in self.slots.items():
            if product not in PRODUCT:
                raise ValueError(f"slots.{product}: unknown product; allowed: {', '.join(PRODUCT)}")
            if slots < 0:
                raise ValueError(f"slots.{product} must be >= 0")
        return self


class Profile(_Strict):
    """A municipality: everything about it that is structure rather than behaviour."""

    name: str
    inhabitants: int = Field(gt=0, le=1_000_000_000)
    households: int = Field(gt=0, le=50_000_000)
    weight: float = Field(default=1.0, ge=1.0, le=1e6)  # real households each simulated one stands for (a sample such
    # as nederland.toml, 1:200); outputs stay the sample's, and a comparison with real counts multiplies by it
    start_year: int = Field(ge=2000, le=2100)
    burn_in_years: int = Field(ge=0, le=50)
    household_types: list[HouseholdType] = Field(min_length=1)
    income_shares: dict[Literal[INCOME_CLASSES], float]  # type: ignore[valid-type]
    benefit_share: float = Probability
    network_a: float = Field(gt=0.0, le=100.0)
    network_b: float = Field(gt=0.0, le=100.0)
    wijken: int = Field(ge=1, le=10_000)
    access_teams: list[AccessTeam] = Field(min_length=1)
    gp_practices: list[GPPractice] = Field(min_length=1)
    providers: list[ProviderGroup] = Field(min_length=1)
    population: AgeGroups | None = None  # persons on 1 January of start_year (None: what household_types imply)
    population_path: dict[int, AgeGroups] = Field(default_factory=dict)  # persons on 1 January by year, any scale
    # (scaled per age group to ``population`` in start_year); empty: the population is held at its start
    revenue: dict[Literal[BUDGET_LINES], EurosYear]  # type: ignore[valid-type]
    general_subsidy_year: dict[Literal[DOMAINS], EurosYear] = Field(default_factory=dict)  # type: ignore[valid-type]
    # the municipality's own figures of start_year (``profile build``): counts that ``sdsim validate`` compares the
    # model with (``OWN_FIGURES``), and its budget per line that ``sdsim forecast`` takes without ``--budget``
    figures: dict[Literal[tuple(OWN_FIGURES)], Annotated[float, Field(ge=0.0, le=1e9)]] = Field(default_factory=dict)  # type: ignore[misc]
    budget: dict[Literal[BUDGET_LINES], EurosYear] = Field(default_factory=dict)  # type: ignore[valid-type]
    # onsets of a domain relative to the national rates (``profile build``: the own count over what the national rate
    # gives; absent: 1), a municipality's need level as its figures show it
    need: dict[Literal[DOMAINS], Annotated[float, Field(ge=1 / MAX_NEED, le=MAX_NEED)]] = Field(default_factory=dict)  # type: ignore[valid-type]

    def need_factors(self) -> np.ndarray:
        """(domains,) each domain's onset factor (``need``; 1 where not given)."""
        return np.array([self.need.get(d, 1.0) for d in DOMAINS])

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        total = sum(t.share for t in self.household_types)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"household_types shares sum to {total:.4f}, must sum to 1")
        if abs(sum(self.income_shares.values()) - 1.0) > 1e-6 or set(self.income_shares) != set(INCOME_CLASSES):
            raise ValueError("income_shares must give low, middle and high, summing to 1")
        served = sorted(w for team in self.access_teams for w in team.wijken)
        if served != list(range(self.wijken)):
            raise ValueError(f"access_teams must serve each wijk 0..{self.wijken - 1} exactly once")
        offered = {p for g in self.providers for p in g.offers}
        missing = [p for p in PRODUCT if p not in offered]
        if missing:
            staff = " (an own team's casework_fte)" if set(missing) & set(STAFF_PRODUCTS) else ""
            raise ValueError(f"providers offer no slots for: {', '.join(missing)}{staff}")
        self._check_population()
        return self

    def _check_population(self) -> None:
        if self.population is None and self.population_path:
            raise ValueError("population_path needs population (persons by age group in start_year)")
        if self.population_path:
            if self.start_year not in self.population_path:
                raise ValueError(f"population_path: no row for start_year {self.start_year}")
            missing = sorted(set(range(min(self.population_path), max(self.population_path))) - set(self.population_path))
            if missing:
                raise ValueError(f"population_path: no row for {missing[0]}; expected consecutive years")

    @field_validator("population")
    @classmethod
    def _types_hold_the_population(cls, population: AgeGroups | None, info: ValidationInfo) -> AgeGroups | None:
        types, households = info.data.get("household_types"), info.data.get("households")
        if population is None or not types or not households or abs(sum(t.share for t in types) - 1.0) > 1e-6:
            return population  # (shares that do not sum to 1 are reported by _consistent)
        implied = _implied(types, households)
        for group, want, got in zip(AGE_GROUPS, population.values(), implied, strict=True):
            if want > 0 and abs(got / want - 1.0) > POPULATION_TOLERANCE:
                raise ValueError(
                    f"{group}: household_types x households give {got:,.0f} persons, "
                    f"{got / want - 1.0:+.1%} from {want:,.0f}; allowed within {POPULATION_TOLERANCE:.0%}"
                )
        return population

    def implied_population(self) -> tuple[float, float, float, float]:
        """Expected persons per age group of ``households`` households drawn from ``household_types``."""
        return _implied(self.household_types, self.households)

    def start_population(self) -> tuple[float, float, float, float]:
        """Persons per age group on 1 January of ``start_year``: ``population``, else what the household types imply."""
        return self.population.values() if self.population is not None else self.implied_population()

    def population_targets(self, projection: float = 1.0) -> np.ndarray:
        """Persons per age group on 1 January of start_year + k, k = 0.. the path's last year (one row when held).

        The path is scaled per age group to the start population; ``projection`` is the share of its
        change followed (0 holds the start population, 1 follows the path).
        """
        start = np.array(self.start_population())
        if not self.population_path:
            return start[None, :]
        base = np.array(self.population_path[self.start_year].values())
        scale = np.divide(start, base, out=np.zeros(4), where=base > 0)
        path = np.array([self.population_path[y].values() for y in range(self.start_year, max(self.population_path) + 1)])
        return start + projection * (path * scale - start)

    def known_at(self, last: int, span: int = 3) -> Profile:
        """The profile with its population path as a forecaster knew it in ``last``: a trend after it.

        Observed up to 1 January of ``last``, then each age group grows at its average yearly rate over
        the ``span`` years before. A back-test's exogenous input as known at its origin: with figures up to year t, the population
        on 1 January of t + 1 is published (CBS's provisional count comes months before the year's
        care figures), the later path is not.
        """
        path = self.population_path
        if not path or last >= max(path) or last - span not in path:
            return self
        now, before = np.array(path[last].values()), np.array(path[last - span].values())
        rate = np.divide(now, before, out=np.ones(4), where=before > 0) ** (1.0 / span)
        later = {y: AgeGroups(**dict(zip(AGE_GROUPS, now * rate ** (y - last), strict=True))) for y in path if y > last}
        return self.model_copy(update={"population_path": {**{y: g for y, g in path.items() if y <= last}, **later}})

    def path_gap(self, years: int) -> int | None:
        """The first year of start_year .. start_year + years missing from a non-empty population path, else None."""
        if not self.population_path or self.start_year + years <= max(self.population_path):
            return None
        return max(self.population_path) + 1  # the years are consecutive from before start_year (_check_population)

    def scaled(self, households: int) -> Profile:
        """The same municipality with ``households`` households; capacities, revenue and subsidies scale along.

        Access FTE, provider slots (at least 1 where offered), national revenue and subsidies are
        multiplied by ``households / self.households``; teams, practices and contracts stay the same.
        """
        factor = households / self.households
        data = self.model_dump()
        data["households"] = households
        data["weight"] = max(1.0, self.weight / factor)
        data["inhabitants"] = max(1, round(self.inhabitants * factor))
        if data["population"] is not None:
            data["population"] = {g: n * factor for g, n in data["population"].items()}
        for team in data["access_teams"]:
            team["fte"] = {d: f * factor for d, f in team["fte"].items()}
        for group in data["providers"]:
            group["slots"] = {p: (max(1, round(n * factor)) if n > 0 else 0) for p, n in group["slots"].items()}
            group["lumpsum_year"] *= factor
            group["casework_fte"] *= factor
        data["revenue"] = {k: v * factor for k, v in data["revenue"].items()}
        data["general_subsidy_year"] = {k: v * factor for k, v in data["general_subsidy_year"].items()}
        return Profile.model_validate(data)

    @property
    def n_providers(self) -> int:
        """Number of provider agents (contracts and the municipality's own teams)."""
        return sum(g.count for g in self.providers)

    @property
    def n_contracts(self) -> int:
        """Number of provider contracts (the municipality's own teams are none)."""
        return sum(g.count for g in self.providers if not g.own_team)
