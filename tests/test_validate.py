"""``sdsim validate``: the scaling of published figures, the mapping to model metrics, the command."""

from __future__ import annotations

import csv
import dataclasses
import re

import numpy as np
import pytest
from sdsim.calibration.targets import (
    DENOMINATORS,
    NOT_COMPARED,
    POINTS_BAND,
    RATIO_BAND,
    TARGETS,
    judge,
    national_basis,
    scaled_figure,
    source_rows,
)
from sdsim.experiments.cli import main
from sdsim.experiments.runner import run_replicate
from sdsim.experiments.validate import COLUMNS, build_table, csv_text, exact, html_text, measure_value, run_year, text_table
from sdsim.scenarios.loader import SCENARIO_DIR, Scenario
from sdsim.simulation.indicators import metric_names
from sdsim.simulation.schema import PRODUCT, ROUTES

from tests.conftest import profile_text, small_profile

BY_KEY = {t.key: t for t in TARGETS}
BASIS = {"inhabitants": 45_000.0, "youth_0_17": 10_000.0, "youth_0_22": 12_000.0, "households": 20_500.0}


def test_scaling_by_hand():
    # jeugdbescherming measures in force on 31 Dec 2019 (32,095) over NL youth 0-17 (3,333,105), times 10,000 youth here
    assert scaled_figure(BY_KEY["jb_stock"], BASIS) == pytest.approx(32_095 / 3_333_105 * 10_000, rel=1e-12)
    assert scaled_figure(BY_KEY["jb_stock"], BASIS) == pytest.approx(96.2916, abs=1e-4)
    # youth 0-22 derived: 443,585 youth with jeugdzorg are 10.0 % of them -> 4,435,850
    assert national_basis("youth_0_22_2019") == pytest.approx(4_435_850)
    assert scaled_figure(BY_KEY["jh_active"], BASIS) == pytest.approx(592_860 / 4_435_850 * 12_000)
    # a published rate: 66 euro per inhabitant of HbH spending, times 45,000 inhabitants
    assert scaled_figure(BY_KEY["wmo_spending_hbh"], BASIS) == pytest.approx(2_970_000)
    # a national total in bn euro over the inhabitants on 1 January 2019
    assert scaled_figure(BY_KEY["jeugd_spending_individual"], BASIS) == pytest.approx(4.7e9 / 17_282_163 * 45_000)
    # a percentage of households: 3.9 % of 20,500
    assert scaled_figure(BY_KEY["bijstand_households"], BASIS) == pytest.approx(799.5)
    # shares are compared as published; a range gives its midpoint
    assert scaled_figure(BY_KEY["route_gp"], BASIS) == 38.5
    assert scaled_figure(BY_KEY["jeugd_spending_total"], BASIS) == pytest.approx(5.5e9 / 17_282_163 * 45_000)
    assert scaled_figure(BY_KEY["route_gi"], BASIS) == 8.1
    # a ratio of published counts: provisions by type over clients, 2017
    assert scaled_figure(BY_KEY["wmo_provisions_per_client"], BASIS) == pytest.approx((398_090 + 282_000 + 694_715) / 1_051_520)


def test_bands():
    ratio = BY_KEY["jh_active"]
    assert judge(ratio, RATIO_BAND[0] * 100, 100).passed and judge(ratio, RATIO_BAND[1] * 100, 100).passed
    assert not judge(ratio, 79.9, 100).passed and not judge(ratio, 125.1, 100).passed
    points = BY_KEY["route_gp"]
    assert judge(points, 38.5 + POINTS_BAND, 38.5).passed and not judge(points, 38.5 - POINTS_BAND - 0.1, 38.5).passed
    assert judge(BY_KEY["bijstand_persons"], 100, 100).passed is None  # a proxy is shown, not judged


def test_every_compared_target_maps_to_the_model_and_to_copied_rows():
    sources = source_rows()
    metrics = set(metric_names())
    assert len({t.key for t in TARGETS}) == len(TARGETS)
    for t in TARGETS:
        for row in (*t.figure, *t.per):
            assert row in sources, f"{t.key}: {row} not in scenarios/sources.csv"
        if t.scaling == "count":
            assert t.denominator in DENOMINATORS and DENOMINATORS[t.denominator].basis == t.basis, t.key
        if t.status == "not_produced":
            assert t.model is None and t.note, f"{t.key}: say why the model cannot produce it"
            continue
        assert t.model is not None, t.key
        assert set(t.model.metrics) <= metrics, f"{t.key}: {set(t.model.metrics) - metrics} not a model metric"
        assert set(t.model.products) <= set(PRODUCT), t.key
        if t.model.kind == "route_share":
            assert t.model.items[0] in ROUTES, t.key
        assert t.model.metrics or t.model.products, t.key
    for den in DENOMINATORS.values():
        assert all(row in sources for row in den.rows)


def test_every_copied_indicator_is_compared_or_says_why_not():
    from sdsim.calibration.series import SERIES  # the national fit's series (sdsim calibrate)

    used = {r.indicator for t in TARGETS for r in (*t.figure, *t.per)} | {r.indicator for d in DENOMINATORS.values() for r in d.rows}
    used |= {s.indicator for s in SERIES}
    for row in source_rows():
        assert row.indicator in used or row.indicator in NOT_COMPARED, f"{row.indicator}: add a target or a reason to NOT_COMPARED"


@pytest.fixture(scope="module")
def small(baseline) -> Scenario:
    profile = small_profile(baseline.profile, 3000, burn_in_years=2)
    return dataclasses.replace(baseline, profile=profile, name="small")


def test_census_year_is_the_runners_first_year(small):
    year = run_year(small, 3, 1)
    reference = run_replicate(small, 3, 1, 1)
    assert set(year.indicators) == set(reference)
    for metric, values in reference.items():
        np.testing.assert_array_equal(year.indicators[metric], values, err_msg=metric)
    # every trajectory started that the census saw is one the kernels counted, product by product
    for name, p in PRODUCT.items():
        assert year.census.admissions[p].sum() == year.indicators[f"started.{name}"].sum(), name
    # trajectories active in the year: those in care on 1 January + admissions >= households in care in the year
    for t in TARGETS:
        if t.model is not None and t.model.kind == "unique" and len(t.model.items) == 1:
            p = PRODUCT[t.model.items[0]]
            assert year.census.unique[t.model.items] <= year.census.start[p] + year.census.admissions[p].sum()
    basis = year.census.basis
    assert basis["youth_0_17"] < basis["youth_0_22"] < basis["inhabitants"]
    assert 0.95 * 3000 < basis["households"] < 1.05 * 3000  # 3,000 at the start of the burn-in; households move in and out
    table = build_table(small, [year], 3)
    shares = [measure_value(t.model, year) for t in TARGETS if t.model is not None and t.model.kind == "route_share"]
    assert len(shares) == len(ROUTES) and sum(shares) == pytest.approx(100.0)  # every start has one CBS route
    assert len(table.lines) == len(TARGETS) + sum(1 for i in NOT_COMPARED if i in {r.indicator for r in source_rows()})


def test_exact_numbers_never_scientific():
    assert exact(1.5e-7) == "0.00000015" and exact(12_714_044.25) == "12714044.25" and exact(None) == ""


def test_cli_writes_csv_markdown_and_html(tmp_path, capsys):
    text = profile_text(2000, burn_in_years=1)
    (tmp_path / "small.toml").write_text(text)
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nname = "small"\nprofile = "small.toml"\n')
    out = tmp_path / "out"
    assert main(["validate", str(scenario), "--replicates", "2", "--seed", "4", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "comparable year 2026" in printed and "route: huisarts" in printed and "not produced" in printed
    with (out / "validation.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["key"] for r in rows[: len(TARGETS)]] == [t.key for t in TARGETS]
    number = re.compile(r"^-?\d+(\.\d+)?$")
    for row in rows:
        for column in ("national_basis", "figure_scaled", "model_mean", "model_p5", "model_p95", "ratio", "difference"):
            assert row[column] == "" or number.match(row[column]), (row["key"], column, row[column])
    gp = next(r for r in rows if r["key"] == "route_gp")
    assert gp["verdict"] in ("pass", "FAIL") and float(gp["model_p5"]) <= float(gp["model_mean"]) <= float(gp["model_p95"])
    assert next(r for r in rows if r["key"] == "route_gi")["verdict"] in ("pass", "FAIL")
    markdown = (out / "validation.md").read_text().splitlines()
    table = [line for line in markdown if line.startswith("| ") and not line.startswith("| ***")]
    assert len(table) == 1 + len(rows) and all(line.count(" | ") == len(COLUMNS) - 1 for line in table)  # header + one per line
    html = (out / "validation.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html
    assert 'src="' not in html and "<link" not in html and "@import" not in html  # self-contained: nothing to fetch
    # --strict: exit 1 while any acceptance criterion of issue 10 fails (today several do)
    assert main(["validate", str(scenario), "--replicates", "1", "--out", str(out), "--strict"]) == 2  # out holds files
    assert main(["validate", str(scenario), "--replicates", "1", "--out", str(out), "--strict", "--overwrite"]) == 1


def test_bad_scenario_path_exits_2_with_one_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.toml" in err[0] and "file not found" in err[0]
    assert not (tmp_path / "out").exists()


def test_writers_agree(small):
    table = build_table(small, [run_year(small, 0, 0)], 0)
    assert text_table(table).count("\n") >= len(table.lines)
    assert csv_text(table).count("\n") == len(table.lines) + 1
    assert html_text(table).count("<tr>") == len(table.lines) + 1  # header + lines (group rows carry a class)
