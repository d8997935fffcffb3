"""``sdsim forecast``: deficit = spending - budget, P(overspend) and certainty amounts by hand, the workbook read back
with openpyxl (euros to the cent, totals as formulas with their value), bad budget files, reproducibility, --compare."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from sdsim.experiments import forecast as fc
from sdsim.experiments.cli import main
from sdsim.experiments.runner import run_scenarios
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario
from sdsim.simulation.schema import BUDGET_LINES, LINE_TAAKVELD

from tests.conftest import profile_text

YEARS = 2
REPLICATES = 7
SEED = 3
START = 2026


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small municipality (3,000 households, one burn-in year), its baseline and the HbH scenario, run once."""
    folder = tmp_path_factory.mktemp("forecast")
    _write(folder / "small.toml", profile_text(3000, burn_in_years=1))
    base = _write(folder / "base.toml", f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nname = "base"\nprofile = "small.toml"\nyears = 3\n')
    alt = _write(
        folder / "hbh.toml",
        'extends = "base.toml"\nname = "hbh"\n[parameters]\n"lever.shift.wmo_hbh.share" = 0.75\n"lever.shift.wmo_hbh.cost_month" = 170.0\n',
    )
    results = run_scenarios([load_scenario(base), load_scenario(alt)], REPLICATES, SEED, YEARS, workers=1)  # own burn-in, as the CLI
    # budgets: every line at its median spending in the first year and 5 % above it in the second (non-trivial P)
    rows = ["budget_line,year,amount", "# a comment row"]
    spending = {line: results[0].per_year[f"spending.{line}"][:, :YEARS] for line in BUDGET_LINES}
    for line in BUDGET_LINES:
        for y in range(YEARS):
            rows.append(f"{line},{START + y},{math.ceil(np.median(spending[line][:, y]) * (1.0 + 0.05 * y) * 100) / 100:.2f}")  # cents up
    budget = _write(folder / "budget.csv", "\n".join(rows) + "\n")
    return folder, base, alt, budget, results


@pytest.fixture(scope="module")
def cli_out(small):
    """The command line's outputs for the base with a budget and --compare (the same seed and replicates as ``small``)."""
    folder, base, alt, budget, _ = small
    out = folder / "out"
    argv = ["forecast", str(base), "--years", str(YEARS), "--replicates", str(REPLICATES), "--seed", str(SEED), "--workers", "1"]
    argv += ["--budget", str(budget), "--compare", str(alt), "--out", str(out), "--start", f"{START}-01"]
    assert main(argv) == 0
    return out, argv


@pytest.fixture(scope="module")
def forecast(small):
    _, _, _, budget, results = small
    return fc.build_forecast(results[0], YEARS, fc.read_budget(budget, (START, START + 1)))


def test_deficit_is_spending_minus_budget_in_every_cell(forecast):
    for line in fc.LINES:
        if not forecast.has(line, "budget"):
            continue
        spending, deficit, budget = forecast.stats(line, "spending"), forecast.stats(line, "deficit"), forecast.budget[line]
        for stat in fc.STATS:
            np.testing.assert_array_equal(deficit[stat], spending[stat] - budget)
        # the percentiles of the per-replicate deficit are those of spending less the constant budget (to rounding)
        direct = np.percentile(forecast.samples[line]["spending"] - budget, 50, axis=0)
        np.testing.assert_allclose(deficit["p50"], direct, rtol=0, atol=1e-6)


def _hand_percentile(values: np.ndarray, q: float) -> float:
    """Linear interpolation between order statistics at rank (n - 1) q / 100 (Excel's PERCENTILE.INC)."""
    ordered = sorted(float(v) for v in values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(np.floor(rank))
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def test_probability_of_overspending_and_certainty_amounts_by_hand(forecast):
    checked = 0
    for line in BUDGET_LINES:
        spending = forecast.samples[line]["spending"]
        prob = forecast.probability(line)
        stats = forecast.stats(line, "spending")
        for y in range(YEARS):
            column = spending[:, y]
            over = sum(1 for v in column if v > forecast.budget[line][y])
            assert prob[y] == over / REPLICATES
            for c in fc.CERTAINTY:
                assert stats[f"p{c}"][y] == pytest.approx(_hand_percentile(column, c), rel=1e-12, abs=1e-9)
            checked += column.std() > 0
    assert checked > 10  # the lines vary between replicates: the checks are not all of constants
    # the budget at the median: at most half the replicates overspend it (ties are not overspending)
    assert all(forecast.probability(line)[0] <= 0.5 for line in BUDGET_LINES)
    # the total is budgeted when every spending line is, and its probability is of the total's spending
    total = forecast.samples[fc.TOTAL]["spending"]
    np.testing.assert_array_equal(forecast.probability(fc.TOTAL), (total > forecast.budget[fc.TOTAL]).mean(axis=0))


def test_year_end_clients_are_the_december_stock(small, forecast):
    result = small[4][0]
    monthly = result.series("clients.wmo_hbh")
    np.testing.assert_array_equal(forecast.samples["wmo_hbh"]["clients_end"], monthly[:, [11, 23]])
    np.testing.assert_allclose(forecast.samples["wmo_hbh"]["clients_mean"], monthly[:, :24].reshape(REPLICATES, 2, 12).mean(axis=2))
    both = result.series("clients.jeugd_ambulant") + result.series("clients.veiligheid_ambulant")
    np.testing.assert_array_equal(forecast.samples["jeugd_ambulant"]["clients_end"], both[:, [11, 23]])
    assert "clients_end" not in forecast.samples["overhead"]


def test_taakveld_of_every_line():
    assert set(LINE_TAAKVELD) == set(BUDGET_LINES)
    assert set(LINE_TAAKVELD.values()) <= set(fc.TAAKVELD_NAMES)
    assert fc.TAAKVELD_LINE["6.82"] == "jeugd_gedwongen_kader" and "6.72" not in fc.TAAKVELD_LINE


def test_copayments_are_booked_on_the_wmo_lines_and_sum_to_the_total(forecast):
    """Per replicate and year: the Wmo lines' co-payments add up to the ledger's total, and no other line has any."""
    lines = [line for line in BUDGET_LINES if forecast.has(line, "copayments")]
    assert lines == ["wmo_hbh", "wmo_begeleiding", "wmo_hulpmiddelen"]
    total = forecast.samples[fc.TOTAL]["copayments"]
    assert total.min() > 0
    np.testing.assert_allclose(sum(forecast.samples[line]["copayments"] for line in lines), total, rtol=1e-12)
    assert all(forecast.samples[line]["copayments"].min() > 0 for line in lines)


def _rows(sheet) -> dict[tuple[str, str], list]:
    return {(str(r[0].value), str(r[1].value)): [c.value for c in r[2:]] for r in sheet.iter_rows() if r[0].value is not None}


def test_workbook_euros_equal_the_forecast_to_the_cent(cli_out, forecast):
    out, _ = cli_out
    book = openpyxl.load_workbook(out / "forecast.xlsx", data_only=True)
    assert book.sheetnames[0] == "samenvatting" and {"cliënten", "aannames", "herkomst", "totaal"} <= set(book.sheetnames)
    labels = fc.LABELS["nl"]
    for line in fc.LINES:
        sheet = book[fc.sheet_name(line, "nl")]
        assert "bedragen × € 1.000" in sheet["A2"].value
        assert [sheet.cell(4, 3 + y).value for y in range(YEARS)] == [START, START + 1]
        rows = _rows(sheet)
        for quantity in ("spending", "revenue", "copayments", "budget", "deficit"):
            if not forecast.has(line, quantity):
                continue
            stats = forecast.stats(line, quantity)
            for stat in ("mean",) if quantity == "budget" else ("mean", "p10", "p50", "p90"):
                cells = rows[labels[quantity], labels["mean"] if stat == "mean" else stat]
                for y in range(YEARS):
                    assert isinstance(cells[y], float | int)
                    assert cells[y] * 1000 == pytest.approx(stats[stat][y], abs=0.005)  # to the cent
        spending = forecast.stats(line, "spending")
        for c in fc.CERTAINTY:
            cells = rows[labels["needed"].format(c=c), f"p{c}"]
            assert [v * 1000 for v in cells[:YEARS]] == pytest.approx(list(spending[f"p{c}"]), abs=0.005)
        probability = rows[labels["p_overspend"], "None"]
        assert probability[:YEARS] == pytest.approx(list(forecast.probability(line)))


def test_workbook_totals_are_formulas_with_their_value(cli_out, forecast):
    out, _ = cli_out
    formulas = openpyxl.load_workbook(out / "forecast.xlsx")["samenvatting"]
    values = openpyxl.load_workbook(out / "forecast.xlsx", data_only=True)["samenvatting"]
    checked = 0
    for row in formulas.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                first, last = cell.value[5:-1].split(":")
                cached = values[cell.coordinate].value
                block = [c.value for r in values[first:last] for c in r]
                assert cached == pytest.approx(sum(v for v in block if isinstance(v, int | float)), rel=1e-12, abs=1e-9)
                checked += 1
    assert checked > 4 * (len(BUDGET_LINES) + 1)
    # the total of expected spending in the first year is the forecast's mean of total spending
    rows = _rows(values)
    total_rows = [r for r in values.iter_rows() if r[0].value == "totaal"]
    assert total_rows[0][2].value * 1000 == pytest.approx(forecast.stats(fc.TOTAL, "spending")["mean"][0], abs=0.01)
    assert formulas.cell(total_rows[0][2].row, 3).number_format == "#,##0"
    assert rows  # the sheet has rows


def test_csv_holds_the_forecast(cli_out, forecast):
    out, _ = cli_out
    with (out / "forecast.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(fc.CSV_COLUMNS)
    kinds = {r["kind"] for r in rows}
    assert kinds == {"forecast", "difference"}
    base = {(r["budget_line"], int(r["year"]), r["quantity"]): r for r in rows if r["kind"] == "forecast" and r["scenario"] == "base"}
    for line in BUDGET_LINES:
        for y, year in enumerate(forecast.years):
            row = base[line, year, "spending"]
            assert row["taakveld"] == LINE_TAAKVELD[line]
            assert float(row["p50"]) == pytest.approx(forecast.stats(line, "spending")["p50"][y], abs=0.005)
            assert float(row["p_overspend"]) == pytest.approx(forecast.probability(line)[y])
            deficit = base[line, year, "deficit"]
            assert float(deficit["mean"]) == pytest.approx(float(row["mean"]) - float(base[line, year, "budget"]["mean"]), abs=0.011)


def test_compare_gives_paired_differences(cli_out, small):
    out, _ = cli_out
    results = small[4]
    with (out / "forecast.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == "difference"]
    assert rows and rows[0]["scenario"] == "hbh - base"
    diff = results[1].per_year["spending.wmo_hbh"][:, :YEARS] - results[0].per_year["spending.wmo_hbh"][:, :YEARS]
    got = {(r["year"], r["quantity"]): r for r in rows if r["budget_line"] == "wmo_hbh"}
    for y in range(YEARS):
        row = got[str(START + y), "spending"]
        assert float(row["mean"]) == pytest.approx(diff[:, y].mean(), abs=0.005)
        assert float(row["p_increase"]) == (diff[:, y] > 0).mean()
    assert diff.mean() < 0  # the general provision replaces household help: less HbH spending
    book = openpyxl.load_workbook(out / "difference.xlsx", data_only=True)
    assert "Verschil hbh − base" in book["samenvatting"]["A1"].value


def test_outputs_and_marker(cli_out):
    out, _ = cli_out
    marker = json.loads((out / "forecast.json").read_text())
    assert marker["provenance"]["base"]["seed"] == SEED and marker["provenance"]["start"] == f"{START}-01"
    assert "forecast.xlsx" in marker["files"] and "figures/wmo_hbh.png" in marker["files"]
    assert (out / "figures" / "total.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_seed_gives_identical_files(cli_out, tmp_path):
    out, argv = cli_out
    again = tmp_path / "again"
    assert main([str(again) if a == str(out) else a for a in argv]) == 0
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_base_forecast_does_not_change_with_compare(cli_out, small, tmp_path):
    _, base, _, budget, _ = small
    alone = tmp_path / "alone"
    argv = ["forecast", str(base), "--years", str(YEARS), "--replicates", str(REPLICATES), "--seed", str(SEED), "--workers", "1"]
    assert main([*argv, "--budget", str(budget), "--out", str(alone)]) == 0
    with_compare = [line for line in (cli_out[0] / "forecast.csv").read_text().splitlines() if line.startswith("forecast,base,")]
    assert with_compare == (alone / "forecast.csv").read_text().splitlines()[1:]


def test_english_labels(small, tmp_path):
    base = small[1]
    argv = ["forecast", str(base), "--years", "1", "--replicates", "2", "--workers", "1", "--lang", "en", "--out", str(tmp_path / "en")]
    assert main(argv) == 0
    book = openpyxl.load_workbook(tmp_path / "en" / "forecast.xlsx")
    assert book.sheetnames[0] == "summary" and "assumptions" in book.sheetnames
    assert "amounts × € 1,000" in book["summary"]["A2"].value


def test_a_later_start_reports_the_same_years_of_the_same_run(small, tmp_path):
    """--start 2027-01: 2026 is simulated and left out; 2027 is the second year of the run from 2026 (the same seed)."""
    _, base, _, _, results = small
    out = tmp_path / "later"
    argv = ["forecast", str(base), "--start", "2027-01", "--years", "1", "--replicates", str(REPLICATES), "--seed", str(SEED)]
    assert main([*argv, "--workers", "1", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO((out / "forecast.csv").read_text())))
    assert {r["year"] for r in rows} == {"2027"}
    whole = fc.build_forecast(results[0], YEARS)
    for line in ("total", "wmo_hbh", "jeugd_ambulant"):
        (spending,) = [r for r in rows if r["budget_line"] == line and r["quantity"] == "spending"]
        assert float(spending["mean"]) == pytest.approx(whole.stats(line, "spending")["mean"][1], abs=0.005)
    (clients,) = [r for r in rows if r["budget_line"] == "wmo_hbh" and r["quantity"] == "clients_end"]
    assert float(clients["p50"]) == pytest.approx(whole.stats("wmo_hbh", "clients_end")["p50"][1])


@pytest.mark.parametrize(
    ("start", "caseload", "expect"),
    [("2027-03", False, "start in January"), ("2025-01", False, "before the profile's start year 2026"),
     ("2027-01", True, "a caseload is the state on 1 January of the profile's start year"),
     ("2059-01", False, "population_path: does not cover the 5 years 2059-2063")],
)  # fmt: skip
def test_a_start_that_cannot_be_is_one_line_and_exit_2(small, tmp_path, capsys, start, caseload, expect):
    _, base, _, _, _ = small
    argv = ["forecast", str(base), "--start", start, "--out", str(tmp_path / "o")]
    argv += ["--caseload", str(SCENARIO_DIR / "caseloads" / "default.csv")] if caseload else []
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expect in err, err


def test_a_month_that_is_none_is_refused_by_the_parser(small, tmp_path, capsys):
    _, base, _, _, _ = small
    with pytest.raises(SystemExit) as exit_:  # argparse refuses a month that is not one
        main(["forecast", str(base), "--start", "2027-13", "--out", str(tmp_path / "o")])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == "sdsim: error: --start: expected a month YYYY-MM, got '2027-13'"


BAD_BUDGETS = [
    ("missing_column", "budget_line,year\njeugd_ambulant,2026\n", "row 1, column amount"),
    ("unknown_line", "budget_line,year,amount\njeugd_ambulant,2026,100\nwmo_zorg,2026,5\n", "row 3, column budget_line"),
    ("taakveld_of_two", "budget_line,year,amount\n6.72,2026,100\n", "row 2, column budget_line"),
    ("negative", "budget_line,year,amount\njeugd_ambulant,2026,-1\n", "row 2, column amount"),
    ("not_a_number", "budget_line,year,amount\njeugd_ambulant,2026,1.234.567\n", "row 2, column amount"),
    ("year_outside", "budget_line,year,amount\njeugd_ambulant,2031,100\n", "row 2, column year"),
    ("year_not_whole", "budget_line,year,amount\njeugd_ambulant,2026.5,100\n", "row 2, column year"),
    (
        "duplicate",
        "budget_line,year,amount\njeugd_ambulant,2026,1\n# note\n6.82,2026,1\njeugd_ambulant,2026,2\n",
        "row 5, column budget_line",
    ),
    ("duplicate_by_code", "budget_line,year,amount\n6.82,2027,1\njeugd_gedwongen_kader,2027,2\n", "row 3, column budget_line"),
]


@pytest.mark.parametrize(("name", "text", "where"), BAD_BUDGETS, ids=[b[0] for b in BAD_BUDGETS])
def test_bad_budget_file_is_one_line_and_exit_2(small, tmp_path, capsys, name, text, where):
    _, base, _, _, _ = small
    path = _write(tmp_path / f"{name}.csv", text)
    assert main(["forecast", str(base), "--budget", str(path), "--years", "2", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("sdsim: error: ") and str(path) in err and where in err, err
    assert not (tmp_path / "o").exists()  # refused before anything ran or was written


def test_good_budget_with_taakveld_code(tmp_path):
    path = _write(tmp_path / "b.csv", "budget_line,year,amount\n6.82,2026,1000.50\nwmo_hbh,2027,2000\n")
    budget = fc.read_budget(path, (2026, 2027))
    assert budget.amounts == {"jeugd_gedwongen_kader": {2026: 1000.5}, "wmo_hbh": {2027: 2000.0}}
    assert np.isnan(budget.of("wmo_hbh", (2026, 2027))[0])


def test_shipped_budget_example_reads():
    path = SCENARIO_DIR / "budgets" / "default.csv"
    budget = fc.read_budget(path, tuple(range(2026, 2031)))
    assert set(budget.amounts) == set(BUDGET_LINES)
    assert all(len(years) == 5 for years in budget.amounts.values())


def test_forecast_from_a_caseload_starts_from_it(small, tmp_path, capsys):
    """With ``--caseload`` the first month starts from the caseload: 400 HbH clients is above the small town's ~60."""
    _, base, alt, _, _ = small
    caseload = _write(tmp_path / "caseload.csv", "product,count,months_min,months_max\nwmo_hbh,400,0,24\n")
    out = tmp_path / "o"
    argv = ["forecast", str(base), "--caseload", str(caseload), "--years", "1", "--replicates", "2", "--workers", "1", "--out", str(out)]
    assert main([*argv, "--compare", str(alt)]) == 0
    rows = [r for r in csv.DictReader((out / "forecast.csv").open()) if r["kind"] == "forecast" and r["scenario"] == "base"]
    january = [r for r in rows if r["budget_line"] == "wmo_hbh" and r["quantity"] == "clients_mean"]
    assert january and float(january[0]["p50"]) > 300  # the caseload's 400 decay over the year, none are lost at the start
    provenance = json.loads((out / "forecast.json").read_text())["provenance"]
    assert provenance["caseload"] == str(caseload) and "mod 10" in provenance["burned_in_states"]
    bad = _write(tmp_path / "bad.csv", "product,count,months_min,months_max\nwmo_hbh,-4,0,24\n")
    assert main(["forecast", str(base), "--caseload", str(bad), "--out", str(tmp_path / "bad")]) == 2
    assert capsys.readouterr().err.strip().startswith(f"sdsim: error: {bad}: row 2, column count:")


def test_a_posterior_is_named_in_the_assumptions_sheet(small, tmp_path):
    """--posterior: the aannames sheet lists each drawn parameter with the median and 5-95 % range of the rows used."""
    _, base, _, _, _ = small
    (tmp_path / "draws.csv").write_text("onset.wmo.elderly,trend.wmo\n0.02,0.0\n0.04,0.05\n0.09,0.01\n")
    out = tmp_path / "out"
    argv = ["forecast", str(base), "--years", "1", "--replicates", "2", "--workers", "1", "--posterior", str(tmp_path), "--out", str(out)]
    assert main(argv) == 0
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out / "forecast.xlsx")["aannames"].iter_rows()]
    title = fc.LABELS["nl"]["posterior"]
    at = next(i for i, r in enumerate(rows) if r[0] == title)
    assert rows[at + 1][:4] == ["parameter", "mediaan", "p5", "p95"]
    elderly = next(r for r in rows[at + 2 : at + 4] if r[0] == "onset.wmo.elderly")
    assert elderly[1:4] == pytest.approx([0.03, 0.021, 0.039])  # two replicates use rows 0 and 1 (0.02, 0.04), not row 2
    assert str(tmp_path / "draws.csv") in elderly[5]


def test_dutch_csv_dialect_is_the_same_table_with_semicolons_and_decimal_commas(forecast):
    english = list(csv.reader(io.StringIO(fc.forecast_csv([forecast]))))
    dutch = list(csv.reader(io.StringIO(fc.forecast_csv([forecast], "nl")), delimiter=";"))
    assert dutch[0] == english[0] and len(dutch) == len(english)
    assert any("," in cell for row in dutch[1:] for cell in row)  # cents and shares have a decimal comma
    assert [[c.replace(",", ".") for c in row] for row in dutch] == english
