"""Money in the start year's prices: amounts from published figures, indexed from their source year.

No simulation here: the compiled scenario and the ledger are checked on hand-made tallies, the
defaults against the ``scenarios/sources.csv`` rows they cite.
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.calibration.targets import TARGETS, Row, figure_value, parse_value, price_factor, source_rows
from sdsim.simulation.compiled import compile_scenario
from sdsim.simulation.ledger import book
from sdsim.simulation.parameters import BY_NAME, REGISTRY, WMO_HELD_MONTHS, Parameters, held_months, per_client_month
from sdsim.simulation.prices import INDICES, LINE_INDEX, TARIFF_INDEX, at_start_year, index_factor, line_index_factors
from sdsim.simulation.schema import BUDGET_LINES, LINE, PRODUCT, PRODUCT_LINE, PRODUCTS, STAFF_PRODUCTS
from sdsim.simulation.tallies import H_BENEFIT_MONTHS, Tallies

ROWS = source_rows()
MONEY = [p for p in REGISTRY if p.price_year is not None]


def row(indicator: str, period: str, geography: str = "NL") -> float:
    return parse_value(ROWS[Row(indicator, period, geography)]["value"])


def test_every_amount_of_money_says_its_price_year_and_index():
    assert {p.name for p in MONEY} >= {"benefit.monthly", "access.wage_fte_year", "overhead.per_contract_year", "copay.middle"}
    assert {f"tariff.{name}" for name in PRODUCT if name not in STAFF_PRODUCTS} <= {p.name for p in MONEY}
    for p in REGISTRY:
        if p.price_year is None:
            assert not p.index and not (p.unit.startswith("euro") and not p.name.startswith("lever.")), p.name
            continue
        assert p.index in INDICES and p.unit.endswith(f", {p.price_year} prices"), p.name
        assert 2010 <= p.price_year <= 2025, p.name  # a published figure's year, or the year of the assumption
        assert p.source.startswith(("derived:", "row:", "assumption")), p.name
    assert {BY_NAME[i].default for i in INDICES} == {0.0283, 0.0164, 0.03}


@pytest.mark.parametrize("start_year", [2019, 2026, 2031])
def test_compiled_prices_are_indexed_from_their_source_year(baseline, start_year):
    params = baseline.params.replace({"index.tariff": 0.05, "index.benefit": 0.02, "index.wage": 0.04, "tariff.wmo_hbh": 300.0})
    profile = baseline.profile.model_copy(update={"start_year": start_year, "population_path": {}})  # the path starts in 2025
    compiled = compile_scenario(profile, params)
    prices = compiled.start_prices
    # a tariff of year Y is worth tariff x (1 + i) ** (S - Y) in the start year S
    assert BY_NAME["tariff.wmo_hbh"].price_year == 2019
    assert prices["tariff.wmo_hbh"] == pytest.approx(300.0 * 1.05 ** (start_year - 2019), rel=1e-12)
    assert prices["benefit.monthly"] == pytest.approx(1128.0 * 1.02 ** (start_year - 2019), rel=1e-12)
    assert prices["access.wage_fte_year"] == pytest.approx(80_000.0 * 1.04 ** (start_year - 2025), rel=1e-12)
    hbh = PRODUCT["wmo_hbh"]
    factors = np.array([g.tariff_factor for g in compiled.profile.providers for _ in range(g.count)])
    np.testing.assert_allclose(compiled.unit_price[:, hbh], factors * prices["tariff.wmo_hbh"], rtol=1e-12)
    ambulant = BY_NAME["tariff.jeugd_ambulant"]
    expected = ambulant.default * 1.05 ** (start_year - ambulant.price_year)
    assert compiled.unit_price[:, PRODUCT["jeugd_ambulant"]].max() == pytest.approx(expected, rel=1e-12)
    general = compiled.general_cost[0]
    assert general == pytest.approx(BY_NAME["general_cost.jeugd"].default * 1.05 ** (start_year - 2025), rel=1e-12)
    assert at_start_year(params, REGISTRY, start_year) == prices


def _tallies(compiled, months: int) -> Tallies:
    return Tallies.zeros(months, compiled.profile.n_providers, compiled.structure.counter_capacity.size)


def test_ledger_indexes_on_from_the_start_year_a_step_each_january(baseline):
    params = baseline.params.replace({"index.tariff": 0.05, "index.benefit": 0.02, "index.wage": 0.04})
    compiled = compile_scenario(baseline.profile, params)
    prices = compiled.start_prices
    t = _tallies(compiled, 25)
    hbh = PRODUCT["wmo_hbh"]
    t.provisions[:, 0, hbh] = 10  # ten provision-months of HbH with the first provider, every month
    t.house[:, H_BENEFIT_MONTHS] = 7
    ledger = book(t, compiled)
    care = ledger.care[:, hbh]
    month0 = 10 * compiled.unit_price[0, hbh]
    # month 0: start-year prices; months 0-11 alike; month 12 one year more; month 24 two
    np.testing.assert_allclose(care[:12], month0, rtol=1e-12)
    assert care[12] == pytest.approx(month0 * 1.05, rel=1e-12) and care[24] == pytest.approx(month0 * 1.05**2, rel=1e-12)
    benefit = ledger.spending[:, LINE["participatie_bijstand"]]
    assert benefit[0] == pytest.approx(7 * prices["benefit.monthly"], rel=1e-12)
    assert benefit[12] == pytest.approx(benefit[0] * 1.02, rel=1e-12)
    staff = ledger.spending[:, LINE["toegang"]]
    fte = sum(sum(team.fte.values()) for team in compiled.profile.access_teams)
    assert staff[0] == pytest.approx(fte * prices["access.wage_fte_year"] / 12, rel=1e-12)
    assert staff[12] == pytest.approx(staff[0] * 1.04, rel=1e-12)
    # revenue follows its line's index; a later first month continues the same path
    for line, index in LINE_INDEX.items():
        revenue = ledger.revenue[:, LINE[line]]
        assert revenue[0] == pytest.approx(baseline.profile.revenue[line] / 12, rel=1e-12), line
        assert revenue[12] == pytest.approx(revenue[0] * (1 + params[index]), rel=1e-12), line
    later = book(t[:13], compiled, first_month=12)
    np.testing.assert_allclose(later.spending[0], ledger.spending[12], rtol=1e-12)
    np.testing.assert_allclose(later.revenue, ledger.revenue[12:], rtol=1e-12)
    # euros are conserved: the care lines hold exactly the care booked per product (no lever costs as today); the
    # access line (toegang) holds the team's own help beside its intake staff (none here)
    care_lines = sorted(set(PRODUCT_LINE.tolist()) - {LINE["toegang"]})
    contracted = [p for p, prod in enumerate(PRODUCTS) if prod.name not in STAFF_PRODUCTS]
    np.testing.assert_allclose(ledger.spending[:, care_lines].sum(axis=1), ledger.care[:, contracted].sum(axis=1), rtol=1e-12)


def test_line_index_factors():
    values = Parameters().replace({"index.tariff": 0.1, "index.benefit": 0.0, "index.wage": 0.2})
    factors = line_index_factors(13, values, first_month=11)
    assert factors.shape == (13, len(BUDGET_LINES))
    assert factors[0, LINE["wmo_hbh"]] == 1.0 and factors[1, LINE["wmo_hbh"]] == pytest.approx(1.1)
    assert (factors[:, LINE["participatie_bijstand"]] == 1.0).all()
    assert factors[12, LINE["overhead"]] == pytest.approx(1.2) and index_factor(0.2, 2020, 2022) == pytest.approx(1.44)


# --- the defaults against the rows they cite ---------------------------------------------------------


def _per_client_month(spending_per_client_year: float, product: str) -> float:
    """Spending per client-year as a price per client-month at the months D a client holds the product: x (1 + 12 / D) / 12."""
    return per_client_month(spending_per_client_year, WMO_HELD_MONTHS[product][0])


def test_wmo_held_months_are_derived_from_the_cited_rows():
    """D from the clients in a year over those in its first half (parameters.held_months), rounded to whole months."""
    half = row("wmo_maatwerk_clients_halfyear", "H1 2019*")
    ratios = {
        "wmo_hbh": row("wmo_hbh_clients", "2019") / row("wmo_hbh_clients", "H1 2019"),
        "wmo_begeleiding": row("wmo_ondersteuning_thuis_clients", "2019")
        / (row("wmo_share_clients_ondersteuning_thuis", "H1 2019*") / 100 * half),
        "wmo_hulpmiddelen": row("wmo_hulpmiddelen_diensten_clients", "2019")
        / (row("wmo_share_clients_hulpmiddelen_diensten", "H1 2019*") / 100 * half),
    }
    for product, r in ratios.items():
        assert WMO_HELD_MONTHS[product][0] == pytest.approx(held_months(r), abs=0.5), product
    assert held_months((1 + 12 / 30) / (1 + 6 / 30)) == pytest.approx(30.0)  # a stock held 30 months


def test_tariffs_are_derived_from_the_cited_rows():
    derived = {
        "wmo_hbh": _per_client_month(row("wmo_hbh_spending_per_client", "2019"), "wmo_hbh"),
        "wmo_begeleiding": _per_client_month(
            row("wmo_ondersteuning_thuis_spending_realised", "2017*") * 1e3 / row("wmo_ondersteuning_thuis_clients", "2017"),
            "wmo_begeleiding",
        ),
        "wmo_hulpmiddelen": _per_client_month(
            row("wmo_hulpmiddelen_diensten_spending_realised", "2017*") * 1e3 / row("wmo_hulpmiddelen_diensten_clients", "2017"),
            "wmo_hulpmiddelen",
        ),
        "wmo_beschermd_wonen": _per_client_month(row("wmo_verblijf_opvang_spending_per_client", "2017"), "wmo_beschermd_wonen"),
    }
    # youth: 2019 spending on individual provisions less the protection measures over the trajectory-months, the stock on
    # 1 January the trajectories active in the year less those started
    stock = row("jh_trajectories_active", "2019") - row("jh_trajectories_started", "2019")
    stock *= 1 - row("jh_started_share_wijkteam", "2021*") / 100  # the local teams' own trajectories are paid as staff
    spent = row("jeugd_cost_individual_provisions", "2019") * 1e9 - row("taakveld_geescaleerde_zorg_18min_lasten_begroot", "2019*") * 1e6
    mean = spent / (12 * stock)
    verblijf_starts = row("jh_started_share_met_verblijf", "2021*") / 100 * row("jh_trajectories_started", "2019")
    verblijf_share, ratio = (row("jh_trajectories_active_met_verblijf", "2019") - verblijf_starts) / stock, 4.5
    derived["jeugd_ambulant"] = derived["veiligheid_ambulant"] = mean / (1 + verblijf_share * (ratio - 1))
    derived["jeugd_verblijf"] = ratio * derived["jeugd_ambulant"]
    jb_stock = (row("jb_measures_in_force", "2019-01-01") + row("jb_measures_in_force", "2019-12-31")) / 2
    derived["jeugdbescherming"] = (
        row("taakveld_geescaleerde_zorg_18min_lasten_begroot", "2019*") * 1e6 / 12 / (jb_stock + row("jeugdreclassering_youth", "2019*"))
    )
    for product, value in derived.items():
        p = BY_NAME[f"tariff.{product}"]
        assert p.default == pytest.approx(value, abs=1.0), product  # rounded to whole euros
        assert p.source.startswith("derived:") and p.plausible[0] < p.default < p.plausible[1], product
    benefit = BY_NAME["benefit.monthly"]
    assert benefit.default == pytest.approx(
        row("buig_budget_participatiewet", "2019") * 1e6 / 12 / row("bijstand_persons", "2019Q4"), rel=1e-3
    )
    assert benefit.plausible == pytest.approx(
        (row("bijstand_norm_single_21_aow_excl_vt", "2019-01-01"), 1.05 * row("bijstand_norm_couple_21_aow_excl_vt", "2019-01-01")), abs=1
    )
    norm = row("bijstand_norm_couple_21_aow_excl_vt", "2019-01-01") / row("bijstand_norm_couple_21_aow_excl_vt", "2015-01-01")
    assert BY_NAME["index.benefit"].default == pytest.approx(norm**0.25 - 1, abs=1e-4)
    assert BY_NAME["index.tariff"].default == pytest.approx(
        (1 + row("wmo_hbh_tariff_growth_simple", "~2015-2019") / 100) ** 0.2 - 1, abs=1e-4
    )
    assert BY_NAME["index.tariff"].plausible[0] == pytest.approx(
        (1 + row("wmo_hbh_tariff_growth_heavy", "~2015-2019") / 100) ** 0.2 - 1, abs=1e-3
    )


def _revenue_derivations(inhabitants: float) -> dict[str, tuple[float, int]]:
    """Each derived revenue line from the cited rows: (euros per year in prices of the figure's year, that year)."""
    nl = row("pop_total", "2019-01-01")
    dronten = row("pop_total", "2017-01-01", "Dronten")
    care_share = row("jeugd_cost_individual_provisions", "2019") / row("jeugd_spending_municipalities", "2019")
    youth = row("jeugd_budget_municipalities", "2019") * 1e9 / nl * care_share * inhabitants
    forced = row("taakveld_geescaleerde_zorg_18min_lasten_begroot", "2019*")
    forced /= forced + row("taakveld_maatwerkdienstverlening_18min_lasten_begroot", "2019*")
    share, ratio = row("jh_trajectories_active_met_verblijf", "H1 2017") / row("jh_trajectories_active", "H1 2017"), 4.5
    verblijf = share * ratio / (1 + share * (ratio - 1))  # the verblijf share of youth care spending at the default tariffs
    dronten_2017 = {
        "algemene_voorzieningen": "taakveld_6_1_samenkracht_burgerparticipatie_lasten_per_inhabitant",
        "toegang": "taakveld_6_2_wijkteams_lasten_per_inhabitant",
    }
    wmo = {
        "wmo_hbh": "wmo_hbh_spending_realised_per_inhabitant",
        "wmo_begeleiding": "wmo_ondersteuning_thuis_spending_realised_per_inhabitant",
        "wmo_hulpmiddelen": "wmo_hulpmiddelen_diensten_spending_realised_per_inhabitant",
        "wmo_beschermd_wonen": "wmo_verblijf_opvang_spending_realised_per_inhabitant",
    }
    out: dict[str, tuple[float, int]] = {
        "jeugd_ambulant": (youth * (1 - forced) * (1 - verblijf), 2019),
        "jeugd_verblijf": (youth * (1 - forced) * verblijf, 2019),
        "jeugd_gedwongen_kader": (youth * forced, 2019),
        "participatie_bijstand": (row("buig_budget_participatiewet", "2019") * 1e6 / nl * inhabitants, 2019),
        "participatie_reintegratie": (
            row("taakveld_6_5_arbeidsparticipatie_lasten_begroot", "2019", "Dronten") * 1e3 / dronten * inhabitants,
            2019,
        ),
        "participatie_beschut_werk": (
            row("taakveld_6_4_begeleide_participatie_lasten_begroot", "2019", "Dronten") * 1e3 / dronten * inhabitants,
            2019,
        ),
        **{line: (row(indicator, "2019*") * inhabitants, 2019) for line, indicator in wmo.items()},
        **{line: (row(indicator, "2017", "Dronten") * inhabitants, 2017) for line, indicator in dronten_2017.items()},
    }
    return out


def test_revenue_is_sized_from_published_figures_per_inhabitant(baseline):
    profile, params = baseline.profile, baseline.params
    derived = _revenue_derivations(profile.inhabitants)
    assert set(derived) | {"schulden", "overhead"} == set(BUDGET_LINES) == set(profile.revenue)
    for line, (euros, year) in derived.items():
        expected = euros * index_factor(params[LINE_INDEX[line]], year, profile.start_year)
        assert profile.revenue[line] == pytest.approx(expected, rel=1e-3), line  # rounded to thousands
    for line in ("schulden", "overhead"):  # assumptions: no published figure; of the order of 10-50 euro per inhabitant
        assert 10 <= profile.revenue[line] / profile.inhabitants <= 50, line
    # youth revenue stays below youth spending nationally (3.8 of 5.5 bn): the profile does not size it to the model
    youth = sum(profile.revenue[x] for x in ("jeugd_ambulant", "jeugd_verblijf", "jeugd_gedwongen_kader")) / profile.inhabitants
    assert youth < row("jeugd_cost_individual_provisions", "2019") * 1e9 / row("pop_total", "2019-01-01") * 1.2157


def test_general_subsidies_are_sized_from_iv3_6_1(baseline):
    profile, params = baseline.profile, baseline.params
    per_inhabitant = row("taakveld_6_1_samenkracht_burgerparticipatie_lasten_per_inhabitant", "2017", "Dronten")
    expected = per_inhabitant * profile.inhabitants * index_factor(params[TARIFF_INDEX], 2017, profile.start_year)
    assert sum(profile.general_subsidy_year.values()) == pytest.approx(expected, rel=1e-3)


def test_validation_figures_in_euros_are_indexed_to_the_comparable_year(baseline):
    params = baseline.params
    by_key = {t.key: t for t in TARGETS}
    hbh = by_key["wmo_spending_hbh"]
    assert price_factor(hbh, params, 2026) == pytest.approx((1 + params["index.tariff"]) ** 7)
    assert price_factor(by_key["jeugd_spending_iv3"], params, 2026) == pytest.approx((1 + params["index.tariff"]) ** 9)
    assert price_factor(by_key["bijstand_spending"], params, 2026) == pytest.approx((1 + params["index.benefit"]) ** 7)
    assert price_factor(by_key["dronten_wijkteams"], params, 2026) == pytest.approx((1 + params["index.wage"]) ** 9)
    assert price_factor(by_key["jh_active"], params, 2026) == 1.0  # not money
    for t in TARGETS:  # every figure in euros is indexed with the index of the line it is compared with
        euros = t.figure and "euro" in ROWS[t.figure[0]]["unit"]
        assert bool(t.index) == bool(euros), t.key
        if t.model is not None and t.index:
            lines = {m.removeprefix("spending.") for m in t.model.items if m.startswith("spending.")}
            # access and voorliggend veld alone (spending_frontline.*) mix general provisions (tariff) and staff (wage): tariff
            assert {LINE_INDEX[line] for line in lines} == {t.index} if lines else t.index == TARIFF_INDEX, t.key
    assert figure_value(hbh) == 66
