"""The national fit (issue 12): targets and their likelihood, trends, the census by year, the scores, and
parameter recovery as simulation-based calibration on a small configuration (a larger run: benchmarks/sbc.py)."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest
from scipy import stats
from sdsim.calibration.backtest import Score, mase_scale, naive_forecasts, pooled, score_series
from sdsim.calibration.fit import simulate
from sdsim.calibration.sbc import recover, small_scenario
from sdsim.calibration.series import BY_KEY, SERIES, Observation, log_likelihood, model_year, observations, share_scale
from sdsim.experiments.runner import replicate_engine, run_replicate
from sdsim.experiments.sensitivity import Problem
from sdsim.scenarios.files import ScenarioError
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario
from sdsim.simulation.census import census_years
from sdsim.simulation.parameters import Parameters, trended, with_trends


@pytest.fixture(scope="module")
def national():
    return load_scenario(SCENARIO_DIR / "nederland.toml")


def test_periods_become_model_years():
    assert model_year("2019") == model_year("2019*") == model_year("2019-12-31") == model_year("2019-12") == 2019
    assert model_year("2019-01-01") == 2018  # a stock on 1 January is the end of the year before
    assert model_year("H1 2019") is None and model_year("2019Q4") is None


def test_observations_widen_their_error_for_quality_breaks_and_provisional_figures():
    obs = {o.label: o for o in observations()}
    assert obs["jeugdzorg_youth 2019"].sd == pytest.approx(0.05)  # quoted, before the breaks
    assert obs["bijstand 2015-12"].sd == pytest.approx(0.10 * 1.5)  # derived
    later = obs["jeugdzorg_youth 2024*"]  # the pandemic, the 2021 provider widening and a provisional figure
    assert later.sd == pytest.approx(math.sqrt(0.05**2 + 0.10**2 + 0.10**2 + 0.03**2))
    assert set(later.flags) == {"break 2020", "break 2021", "provisional"}
    years = {o.year for o in observations(years=(2015, 2019))}
    assert years <= set(range(2015, 2020)) and years


def test_a_final_figure_is_kept_over_its_provisional_one():
    rows = {k: v for k, v in observations.__globals__["source_rows"]().items()}
    found = [o for o in observations(rows=rows) if o.series.key == "jeugdzorg_youth" and o.year == 2019]
    assert len(found) == 1 and found[0].period == "2019"


def test_log_likelihood_is_the_lognormal_density():
    obs = Observation(BY_KEY["wmo_clients"], "2019", 2019, 1_166_485.0, 0.05)
    for model in (1.0e6, 1.166e6, 1.3e6):
        expected = stats.lognorm(s=0.05, scale=model).logpdf(obs.value)
        assert log_likelihood(obs, model) == pytest.approx(expected, rel=1e-9)
    share = Observation(dataclasses.replace(BY_KEY["wmo_clients"], unit="points"), "2021", 2021, 38.5, 5.0)
    assert log_likelihood(share, 40.0) == pytest.approx(stats.norm(40.0, 5.0).logpdf(38.5))


def test_every_count_has_figures_in_the_fit_years_and_every_share_in_2021():
    fitted = {o.series.key for o in observations(years=(2015, 2019))}
    assert fitted >= {s.key for s in SERIES if s.unit == "log"}
    assert {o.series.key for o in observations(years=(2021, 2021))} >= {s.key for s in SERIES if s.unit == "points"}


def test_a_shares_error_is_stated_at_50_percent_and_scales_with_the_share():
    """2 points at 50 % for a quoted share; a derived one 1.5 x; a U row 3 at least; breaks and provisional in quadrature;
    all times sqrt(p (100 - p)) / 50."""
    obs = {o.label: o for o in observations()}
    assert obs["jh_wijkteam_share 2018"].sd == pytest.approx(2.0 * math.sqrt(11.7 * 88.3) / 50)
    after = math.sqrt(2.0**2 + 2.0**2 + 0.5**2)  # the pandemic, CBS's 2021 widening, provisional
    assert obs["route_huisarts 2021*"].sd == pytest.approx(math.sqrt(3.0**2 + after**2) * math.sqrt(38.5 * 61.5) / 50)
    assert obs["ended_3_4y 2021*"].sd == pytest.approx(math.sqrt(3.0**2 + after**2) * math.sqrt(3.1 * 96.9) / 50)
    assert share_scale(0.0) == 0.2 and share_scale(50.0) == 1.0


def test_trends_move_the_onsets_each_january():
    params = Parameters({"trend.jeugd": 0.03, "trend.wmo": -0.02})
    timeline = with_trends(params, (), 48)
    assert [m for m, _ in timeline] == [12, 24, 36]
    for month, p in timeline:
        k = month // 12
        assert p["onset.jeugd.children"] == pytest.approx(Parameters.default("onset.jeugd.children") * 1.03**k)
        assert p["onset.wmo.elderly"] == pytest.approx(Parameters.default("onset.wmo.elderly") * 0.98**k)
        assert p["onset.werk.adults"] == Parameters.default("onset.werk.adults")
    assert with_trends(Parameters(), (), 48) == ()  # no trend: no timeline
    later = Parameters({"trend.jeugd": 0.03, "copay.middle": 40.0})
    timeline = with_trends(params, ((24, later),), 48)  # a dated change keeps its values and is trended from then on
    assert timeline[1][1]["copay.middle"] == 40.0 and trended(later, 2) == timeline[1][1]


def test_a_trend_raises_the_onsets_as_compounded(baseline):
    """Youth onsets in year 3 with a 10 % trend over those without: 1.1^3 = 1.331 (year 0 is the same run).

    4 replicates of the default municipality, ~900 onsets a year each: the log of the ratio of two counts of
    ~3,600 and ~4,800 has a standard error of at most sqrt(1/3,600 + 1/4,800) = 0.022 (less with common random
    numbers), so the ratio's is <= 0.03; tolerance 0.09 = 3 standard errors. (Starts need not follow: where the
    contracts' slots are full, more demand waits; the national profile's slots are wide for that reason.)
    """
    trending = dataclasses.replace(baseline, params=baseline.params.replace({"trend.jeugd": 0.10}))
    flat = sum(run_replicate(baseline, 0, r, 4)["onsets.jeugd"].reshape(4, 12).sum(axis=1) for r in range(4))
    up = sum(run_replicate(trending, 0, r, 4)["onsets.jeugd"].reshape(4, 12).sum(axis=1) for r in range(4))
    assert up[0] == flat[0]
    assert up[3] / flat[3] == pytest.approx(1.1**3, abs=0.09)


def test_the_census_by_year_holds_the_runs_indicators(baseline):
    """census_years steps the same months as run_replicate: its yearly slices are the run's indicators."""
    engine = replicate_engine(baseline.profile, baseline.params, 2, 0, 24)
    years = census_years(engine, 2, [("wmo_hbh",)])
    whole = run_replicate(baseline, 2, 0, 2)
    for metric in ("started.wmo_hbh", "households.bijstand", "spending.wmo_hbh"):
        np.testing.assert_array_equal(np.concatenate([y.indicators[metric] for y in years]), whole[metric])
    assert all(y.census.unique[("wmo_hbh",)] > 0 for y in years)


def test_the_national_profile_answers_in_national_units(national):
    """simulate multiplies the sample's persons by its weight (200): the 2016 youth with jeugdzorg, unfitted, within 1.5 x CBS's."""
    sim = simulate(national, national.params, 0, 0, 2016, [BY_KEY["jeugdzorg_youth"]])
    assert national.profile.weight == 200 and sim["jeugdzorg_youth", 2016] % 200 == 0
    assert 404_080 / 1.5 < sim["jeugdzorg_youth", 2016] < 404_080 * 1.5


def test_naive_forecasts_and_scores_by_hand():
    history = {2015: 100.0, 2016: 110.0, 2017: 130.0}
    naive = naive_forecasts(history, [2018, 2019])
    assert naive["last"] == {2018: 130.0, 2019: 130.0}
    assert naive["drift"] == {2018: 145.0, 2019: 160.0}  # +15 a year: (130 - 100) / 2
    assert naive["trend"][2018] == pytest.approx(113.0 + 1 / 3 + 2 * 15)  # least squares: slope 15, through (2016, 113.33)
    assert mase_scale(history) == pytest.approx(15.0)
    scores = {s.forecast: s for s in score_series("x", {2018: 150.0}, history, {2018: np.full(20, 150.0)})}
    assert scores["model"].mape == 0 and scores["model"].crps == pytest.approx(0.0) and scores["model"].cover90 == 1.0
    assert scores["last"].mape == pytest.approx(20 / 150 * 100) and scores["last"].mase == pytest.approx(20 / 15)
    assert scores["last"].crps == pytest.approx(20.0)  # a point forecast's CRPS is its absolute error
    spread = {s.forecast: s for s in score_series("x", {2018: 150.0}, history, {2018: np.linspace(100, 200, 101)})}
    assert spread["model"].crps == pytest.approx(100 / 12, rel=0.02)  # uniform on [a, b] at its centre: (b - a)/4 - (b - a)/6


def test_rolling_origins_keep_the_leads_and_pool_by_figures():
    from sdsim.experiments.calibrate import origins

    assert origins((2015, 2018), (2019, 2020), 3) == [
        ((2015, 2016), (2017, 2018)),
        ((2015, 2017), (2018, 2019)),
        ((2015, 2018), (2019, 2020)),
    ]
    with pytest.raises(ScenarioError, match="--origins"):
        origins((2015, 2016), (2017, 2017), 3)  # the first fit would end in 2014, before its first year
    one = Score("x", "model", 1, 10.0, 1.0, 5.0, 0.0, 1.0)
    two = Score("x", "model", 3, 2.0, 0.5, 1.0, 1.0, 1.0)
    (both,) = pooled([one, two])
    assert (both.n, both.mape, both.mase, both.crps, both.cover50) == (4, 4.0, 0.625, 2.0, 0.75)  # (1 x one + 3 x two) / 4
    naive = pooled([dataclasses.replace(one, forecast="last", cover50=float("nan"), cover90=float("nan"))])[0]
    assert math.isnan(naive.cover50) and naive.mape == 10.0
    (early,) = pooled([dataclasses.replace(one, mase=float("nan")), two])  # one fit year: no MASE; the other origin's stands
    assert early.mase == 0.5 and early.mape == 4.0


SBC_FITS = 12


def test_parameter_recovery_as_simulation_based_calibration(national):
    """Draw the truth from the prior, simulate figures (another replicate, plus the stated error), fit, and check
    that the 90 % posterior intervals cover the truth at the nominal rate and the ranks are uniform.

    12 fits x 2 parameters = 24 intervals: covered ~ Binomial(24, 0.9), mean 21.6, sd 1.5; the test asks for at
    least 18 (P(X <= 17) = 0.014). The truth's mean rank among the posterior draws is 0.5 with sd 0.289 / sqrt(24)
    = 0.059 under uniform ranks: within 0.5 +- 0.18 (3 sd).
    """
    problem = Problem(("onset.jeugd.children", "onset.wmo.elderly"), ((0.0059, 0.0236), (0.015, 0.06)), ("unif", "unif"))
    result = recover(small_scenario(national), problem, ("jeugdzorg_youth", "wmo_clients"), SBC_FITS, seed=20261130)
    assert result.covered.sum() >= 18, f"{result.covered.sum()} of {result.covered.size} intervals cover the truth"
    assert abs(result.ranks.mean() - 0.5) <= 0.18, result.ranks


def _error(capsys, argv: list[str]) -> str:
    from sdsim.experiments.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def test_bad_calibration_input_is_one_line_and_exit_2(tmp_path, capsys):
    """A target with no model series, fit years outside the data or the run, a prior of zero width, a timeline date
    outside the run: exit status 2 and one line naming what is wrong."""
    out = ["--out", str(tmp_path / "o")]
    targets = tmp_path / "targets.csv"
    targets.write_text("indicator,geography,period,value,unit,source,quality\nwmo_clients_per_cat,NL,2019,5,persons,x,Q\n")
    line = _error(capsys, ["calibrate", "--targets", str(targets), *out])
    assert "targets.csv: row 2, column indicator" in line and "no model series answers 'wmo_clients_per_cat'" in line
    assert "outside the run of nederland: 2014-2024" in _error(capsys, ["calibrate", "--fit-years", "2030-2035", *out])
    targets.write_text("indicator,geography,period,value,unit,source,quality\nwmo_maatwerk_clients,NL,2019,5,persons,x,Q\n")
    assert "no published figure in 2015-2016" in _error(capsys, ["calibrate", "--targets", str(targets), "--fit-years", "2015-2016", *out])
    params = tmp_path / "params.toml"
    params.write_text('[parameters."trend.jeugd"]\nbounds = [0.02, 0.02]\n')
    assert "params.toml: parameters.trend.jeugd.bounds: expected low < high" in _error(capsys, ["calibrate", "--params", str(params), *out])
    scenario = tmp_path / "late.toml"
    scenario.write_text(f'name = "late"\nextends = "{SCENARIO_DIR / "nederland.toml"}"\n[timeline."2030-01"]\n"copay.high" = 19.0\n')
    assert 'timeline."2030-01": outside the horizon' in _error(capsys, ["calibrate", "--scenario", str(scenario), *out])
    assert "must follow the fit years" in _error(capsys, ["backtest", "--fit-years", "2015-2018", "--test-years", "2017", *out])


def test_a_posterior_gives_each_replicate_its_parameters(tmp_path, baseline):
    """draws.csv: replicate r runs row r mod n, the scenario's own changes on top; bad files are named by row and column."""
    from sdsim.experiments.runner import run_scenario
    from sdsim.scenarios.posterior import read_draws

    path = tmp_path / "draws.csv"
    path.write_text("# a comment\nonset.wmo.elderly,trend.wmo\n0.02,0.0\n0.04,0.05\n")
    draws = read_draws(tmp_path)
    assert draws.params(baseline, 0)["onset.wmo.elderly"] == 0.02 and draws.params(baseline, 3)["trend.wmo"] == 0.05
    changed = dataclasses.replace(baseline, changes={"onset.wmo.elderly": 0.03})
    assert draws.params(changed, 1)["onset.wmo.elderly"] == 0.03  # the scenario's change wins
    with_draws = run_scenario(baseline, 2, seed=1, years=1, workers=1, draws=draws)
    one, two = (run_replicate(dataclasses.replace(baseline, params=draws.params(baseline, r)), 1, r, 1) for r in (0, 1))
    np.testing.assert_array_equal(with_draws.series("onsets.wmo")[0], one["onsets.wmo"])
    np.testing.assert_array_equal(with_draws.series("onsets.wmo")[1], two["onsets.wmo"])
    path.write_text("onset.wmo.elderly,nonsense.name\n0.02,1\n")
    with pytest.raises(ScenarioError, match=re.escape("row 1, column 2: unknown parameter 'nonsense.name'")):
        read_draws(path)
    path.write_text("onset.wmo.elderly\n1.5\n")
    with pytest.raises(ScenarioError, match=re.escape("row 2, column onset.wmo.elderly")):
        read_draws(path)


def test_calibrate_and_backtest_end_to_end(tmp_path, capsys):
    """The commands on a small national sample (4,400 inhabitants, 5 years of burn-in, two free parameters, one wave):
    every output is written, calibration.json last; the posterior's weights sum to 1; draws.csv is a parameter file
    `--posterior` reads; forecast.csv speaks the published figures' terms; the back-test scores every forecast."""
    import pyarrow.parquet as pq
    from sdsim.experiments.cli import main
    from sdsim.scenarios.posterior import read_draws

    figures = tmp_path / "figures.csv"
    figures.write_text(
        "quantity,value,source\ninhabitants,4400,test\nstart_year,2014,test\nweight,3800,test\nburn_in_years,5,test\nslots_factor,1.5,test\n"
    )
    profile = tmp_path / "small.toml"
    assert main(["profile", "build", str(figures), "--out", str(profile)]) == 0
    params = tmp_path / "params.toml"
    params.write_text('[parameters."onset.jeugd.children"]\n[parameters."onset.wmo.elderly"]\n')
    common = ["--profile", str(profile), "--params", str(params), "--waves", "1", "--workers", "1"]
    out = tmp_path / "cal"
    assert main(["calibrate", *common, "--fit-years", "2015-2017", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {
        "calibration.json",
        "posterior.parquet",
        "draws.csv",
        "fit.csv",
        "forecast.csv",
        "fit_report.html",
    }
    table = pq.read_table(out / "posterior.parquet").to_pydict()
    assert set(table) == {"onset.jeugd.children", "onset.wmo.elderly", "weight"} and sum(table["weight"]) == pytest.approx(1.0)
    assert read_draws(out).names == ("onset.jeugd.children", "onset.wmo.elderly")
    tidy = (out / "forecast.csv").read_text().splitlines()
    assert tidy[0] == "indicator,geography,period,p10,p50,p90" and any(
        r.startswith("youth_with_jeugdzorg_0_22_incl_pgb,NL,2024,") for r in tidy
    )
    summary = json.loads((out / "calibration.json").read_text())
    assert summary["figures"] == len(observations(years=(2015, 2017))) and summary["simulations"] > 0
    out = tmp_path / "bt"
    assert main(["backtest", *common, "--fit-years", "2015-2017", "--test-years", "2018", "--origins", "2", "--out", str(out)]) == 0
    record = json.loads((out / "backtest.json").read_text())
    scores = record["scores"]
    assert {s["forecast"] for s in scores} == {"model", "last", "trend", "drift"}
    assert all(s["cover50"] is None for s in scores if s["forecast"] != "model")  # a point forecast has no interval
    assert record["origins"] == [2016, 2017] and set(record["scores_by_origin"]) == {"2016", "2017", "pooled"}
    pooled_n = {(s["series"], s["forecast"]): s["n"] for s in record["scores_by_origin"]["pooled"]}
    for s in record["scores_by_origin"]["2016"] + scores:  # the pooled figures are the origins' together
        pooled_n[s["series"], s["forecast"]] -= s["n"]
    assert set(pooled_n.values()) == {0}
    assert (out / "scores.csv").read_text().startswith("origin,series,forecast,")


def test_run_writes_the_published_figures_terms_of_its_own_replicates(tmp_path):
    """`sdsim run --profile nederland --published`: published.csv holds every series per year in the data's names, and
    its figures are the run's replicates: the median of two replicates' jeugdbescherming starts (x 200) is their mean."""
    import pyarrow.parquet as pq
    from sdsim.experiments.cli import main

    out = tmp_path / "run"
    argv = ["run", str(SCENARIO_DIR / "nederland.toml"), "--profile", "nederland", "--replicates", "2", "--years", "2", "--workers", "1"]
    assert main([*argv, "--monthly", "--published", "--out", str(out)]) == 0
    rows = [line.split(",") for line in (out / "published.csv").read_text().splitlines()]
    assert rows[0] == ["indicator", "geography", "period", "p10", "p50", "p90"]
    assert {(r[0], r[2]) for r in rows[1:]} >= {("jb_measures_inflow", "2015"), ("jb_measures_in_force", "2015-12-31"),
                                                ("share_started_huisarts", "2015"), ("ended_jh_traj_share_0_3m", "2014")}  # fmt: skip
    assert {r[1] for r in rows[1:]} == {"NL"}
    monthly = pq.read_table(out / "monthly.parquet").to_pydict()
    started = [v for m, t, v in zip(monthly["metric"], monthly["month"], monthly["value"], strict=True)
               if m == "started.jeugdbescherming" and t.startswith("2015")]  # fmt: skip
    mean = sum(started) / 2 * 200  # two replicates, each a 1:200 sample
    (inflow,) = [r for r in rows if r[0] == "jb_measures_inflow" and r[2] == "2015"]
    assert float(inflow[3]) <= mean <= float(inflow[5]) and mean == pytest.approx(float(inflow[4]), abs=0.5)


def test_the_population_as_known_at_the_origin_is_a_trend_from_the_three_years_before(national):
    path = national.profile.population_path
    known = national.profile.known_at(2019).population_path
    assert all(known[y] == path[y] for y in path if y <= 2019) and set(known) == set(path)
    now, before = np.array(path[2019].values()), np.array(path[2016].values())
    np.testing.assert_allclose(known[2022].values(), now * (now / before), rtol=1e-12)  # three years at the same rate
    assert known[2024].elderly != path[2024].elderly  # the path after the origin is not the one observed
    assert national.profile.known_at(2060).population_path == path  # nothing after the path's end to replace


def test_the_emulator_does_not_shrink_its_level():
    """Ridge on the shape only: with the intercept free, the residuals of a least-squares fit sum to 0, so a log count
    of 10 is emulated at 10, not 1 % lower (a shrunk level pushed the posterior up, the parameter-recovery benchmark
    showed: the truth in the posterior's lower two fifths 36 times of 60)."""
    from sdsim.calibration.fit import Emulator

    rng = np.random.default_rng(1)
    z = rng.standard_normal((200, 3))
    y = 10.0 + 0.5 * z[:, :1] + 0.02 * rng.standard_normal((200, 1))
    assert abs(float(np.mean(Emulator.fit(z, y).predict(z) - y))) < 1e-9


def test_a_trend_moves_only_the_onsets_so_pay_per_trajectory_runs_with_it(baseline):
    """A trend each January is no policy switch: with contracts paying per result (and per trajectory) the run goes on,
    the prices agreed at the start stay, and the onsets after two Januaries are the start's times (1 + trend)^2."""
    from sdsim.simulation.compiled import compile_scenario
    from sdsim.simulation.schema import DOMAINS

    from tests.conftest import small_profile

    paid = load_scenario(SCENARIO_DIR / "resultaatfinanciering.toml")
    profile = small_profile(paid.profile, 1500, burn_in_years=1)
    params = paid.params.replace({"trend.jeugd": 0.5})
    engine = replicate_engine(profile, params, 1, 0, 36)
    engine.run()
    start = compile_scenario(profile, params)
    assert start.prices_trajectories and len(engine.segments) == 1  # no new segment: the start's prices hold
    jeugd = DOMAINS.index("jeugd")
    np.testing.assert_allclose(engine.rates.onset[jeugd], start.rates.onset[jeugd] * 1.5**2, rtol=1e-12)
    np.testing.assert_array_equal(np.delete(engine.rates.onset, jeugd, axis=0), np.delete(start.rates.onset, jeugd, axis=0))
    assert np.isfinite(engine.ledger().spending).all()
