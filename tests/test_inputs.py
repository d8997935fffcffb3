"""Bad input of every kind ends in exit status 2 and one line; outputs are refused, kept or replaced as documented."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sdsim.experiments.cli import main
from sdsim.experiments.output import number, write_json
from sdsim.scenarios.files import MAX_DEPTH, ScenarioError, read_toml
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario
from sdsim.simulation.parameters import ParameterError, Parameters

from tests.test_cli import _small_profile

BASELINE = SCENARIO_DIR / "baseline.toml"
PROFILE = SCENARIO_DIR / "profiles" / "default.toml"


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0] and err[0].startswith("sdsim: error: ")
    assert len(err[0]) < 500, err[0]  # short: never a dumped table or profile (paths may be long)
    return err[0]


def _run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    return _error_line(capsys)


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


# --- files: encoding, syntax, nesting, non-finite numbers, duplicates ------------------------------


@pytest.mark.parametrize("kind", ["scenario", "profile", "sweep", "params"])
def test_non_utf8_file_is_one_line(tmp_path, capsys, kind):
    bad = _write(tmp_path / f"{kind}.toml", b'name = "caf\xe9"\n')
    argv = {
        "scenario": ["run", str(bad)],
        "profile": ["run", str(_write(tmp_path / "s.toml", f'profile = "{bad.name}"\n'))],
        "sweep": ["sweep", str(bad)],
        "params": ["sensitivity", str(BASELINE), "--params", str(bad)],
    }[kind]
    line = _run(capsys, *argv, "--out", str(tmp_path / "o"))
    assert line == f"sdsim: error: {bad}: line 1, column 12: not UTF-8 text; save the file as UTF-8"
    assert not (tmp_path / "o").exists()


def test_byte_order_mark_is_accepted(tmp_path):
    scenario = _write(tmp_path / "bom.toml", b"\xef\xbb\xbf" + f'extends = "{BASELINE}"\nname = "bom"\n'.encode())
    assert load_scenario(scenario).name == "bom"


def test_toml_syntax_error_names_line_and_column(tmp_path, capsys):
    scenario = _write(tmp_path / "s.toml", 'name = "x"\nyears = = 3\n')
    line = _run(capsys, "run", str(scenario))
    assert line.startswith(f"sdsim: error: {scenario}: line 2, column 9: not valid TOML (")


def test_deep_nesting_is_refused(tmp_path, capsys):
    scenario = _write(tmp_path / "deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested more than" in _run(capsys, "run", str(scenario))
    with pytest.raises(ScenarioError, match=f"nested more than {MAX_DEPTH}"):
        read_toml(_write(tmp_path / "d2.toml", "x = " + "[" * 40 + "]" * 40 + "\n"))


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ('"tariff.wmo_hbh" = inf', "parameters.tariff.wmo_hbh: expected a finite number, got inf"),
        ('"tariff.wmo_hbh" = nan', "parameters.tariff.wmo_hbh: expected a finite number, got nan"),
        ('"tariff.wmo_hbh" = 1e308', "parameters.tariff.wmo_hbh: 1e+308 outside allowed range [0, 1e+09]"),
        ('"tariff.wmo_hbh" = 1180591620717411303424', "parameters.tariff.wmo_hbh: integer out of range"),
        ('"severity.jeugd.light" = 1.0\n"severity.jeugd.moderate" = 1.0', "severity.jeugd.light + severity.jeugd.moderate = 2 must sum"),
        (
            '"door_gp.jeugd" = 1.0\n"door_judge.jeugd" = 1.0',
            "door_judge.jeugd + door_gp.jeugd + door_direct.jeugd = 2.13 must sum to at most 1",
        ),
        ('"care.wmo_hbh.share" = 0.5', "care.wmo_begeleiding.share + care.wmo_hulpmiddelen.share = 1.073 must sum to 1"),
        ('"escalate.jeugd" = 0.02\n[parameters.escalate]\njeugd = 0.03', "parameters.escalate.jeugd: given twice"),
    ],
)
def test_bad_parameter_values(tmp_path, capsys, body, expect):
    scenario = _write(tmp_path / "s.toml", f'extends = "{BASELINE}"\n[parameters]\n{body}\n')
    line = _run(capsys, "run", str(scenario), "--out", str(tmp_path / "o"))
    assert line.startswith(f"sdsim: error: {scenario}: ") and expect in line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (("fte = { jeugd = 1.05, wmo = 3.8", "fte = { jeugd = nan, wmo = 3.8"), "[Sociaal team Noord].fte.jeugd: expected a finite number"),
        (("jeugd_ambulant = 5_589_000", "jeugd_ambulant = -5_589_000"), "revenue.jeugd_ambulant: Input should be greater than"),
        (("jeugd_ambulant = 5_589_000", "jeugd_ambulant = -inf"), "revenue.jeugd_ambulant: expected a finite number"),
        (("low = 0.30", "low = 1.30"), "income_shares must give low, middle and high, summing to 1"),
        (("share = 0.257", "share = 0.857"), "household_types shares sum to 1.6000, must sum to 1"),
        (("count = 41", "count = 1e400"), "providers[Jeugdhulp ambulant].count: expected a finite number"),
        (('payment_model = "pxq"', 'payment_model = "free"'), "providers[Jeugdhulp ambulant].payment_model: Input should be"),
    ],
)
def test_bad_profile_values(tmp_path, capsys, edit, expect):
    profile = _small_profile(tmp_path, edit=edit)
    scenario = _write(tmp_path / "s.toml", f'profile = "{profile.name}"\n')
    line = _run(capsys, "run", str(scenario), "--out", str(tmp_path / "o"))
    assert str(profile) in line and expect in line


def test_subsidy_must_be_a_sane_amount(tmp_path, capsys):
    profile = _small_profile(tmp_path, edit=("jeugd = 1_005_000", "jeugd = -1e12"))
    line = _run(capsys, "run", str(_write(tmp_path / "s.toml", f'profile = "{profile.name}"\n')))
    assert "general_subsidy_year.jeugd: Input should be greater than or equal to 0" in line


def test_shares_are_checked_wherever_parameters_are_made():
    with pytest.raises(ParameterError, match="must sum to at most 1"):
        Parameters({"severity.wmo.light": 0.7, "severity.wmo.moderate": 0.7})
    assert Parameters({"severity.wmo.light": 0.5, "severity.wmo.moderate": 0.5})["severity.wmo.light"] == 0.5


# --- integers on the command line and in files ------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "compare", "sensitivity"])
def test_seed_beyond_64_bits_is_refused_before_anything_is_written(tmp_path, capsys, command):
    params = _write(tmp_path / "p.toml", '[parameters."escalate.jeugd"]\n')
    argv = {
        "run": ["run", str(BASELINE)],
        "compare": ["compare", str(BASELINE), str(SCENARIO_DIR / "poh-jeugd.toml")],
        "sensitivity": ["sensitivity", str(BASELINE), "--params", str(params)],
    }[command]
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--seed", str(2**64), "--out", str(tmp_path / "o")])
    assert exc.value.code == 2
    assert _error_line(capsys) == "sdsim: error: --seed: must be in [0, 9223372036854775807], got 18446744073709551616"
    assert not (tmp_path / "o").exists()  # sensitivity leaves no sweep.json behind


def test_a_run_that_cannot_fit_in_memory_is_refused(tmp_path, capsys):
    line = _run(capsys, "run", str(BASELINE), "--replicates", "100000", "--years", "100", "--out", str(tmp_path / "o"))
    assert re.match(r"sdsim: error: --replicates: 100000 replicates x 100 years need [1-9]\d\d GiB for the monthly results", line), line


@pytest.mark.parametrize(
    ("option", "value", "expect"),
    [
        ("--replicates", str(2**70), "--replicates: must be in [1, 100000], got 1180591620717411303424"),
        ("--years", "1000", "--years: must be in [1, 100], got 1000"),
        ("--replicates", "abc", "--replicates: expected a whole number in [1, 100000], got 'abc'"),
        ("--seed", "-1", "--seed: must be in [0, 9223372036854775807], got -1"),
        ("--out", "", "--out: expected a folder name, got an empty string"),
    ],
)
def test_command_line_integers_have_the_file_limits(capsys, option, value, expect):
    with pytest.raises(SystemExit) as exc:
        main(["run", option, value])
    assert exc.value.code == 2
    assert _error_line(capsys) == f"sdsim: error: {expect}"


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ("", "scenarios: expected a list of one or more scenario files"),
        ('scenarios = ["nope.toml"]', "scenarios: nope.toml: file not found beside the sweep file"),
        ('scenarios = ["baseline.toml"]\nseed = 9223372036854775808', "integer out of range"),
        ('scenarios = ["baseline.toml"]\nreplicates = 1000000', "replicates: expected a whole number in [1, 100000], got 1000000"),
        ('scenarios = ["baseline.toml", "baseline.toml"]', "baseline.toml and baseline.toml are both named 'baseline'"),
        ('scenarios = ["baseline.toml"]\n[design]\n"escalate.jeugd" = [0.01]\n[design.escalate]\njeugd = [0.02]', "given twice"),
        ('scenarios = ["baseline.toml"]\n[design]\n"severity.wmo.light" = [0.2, 0.6]', "at most 1 (design row 1, scenario baseline)"),
    ],
)
def test_bad_sweep_files(tmp_path, capsys, body, expect):
    sweep = _write(tmp_path / "sweep.toml", body + "\n")
    line = _run(capsys, "sweep", str(sweep), "--out", str(tmp_path / "o"))
    assert line.startswith(f"sdsim: error: {sweep}: ") and expect in line
    assert not (tmp_path / "o").exists()


def test_huge_grid_is_refused_without_building_it(tmp_path, capsys):
    values = ", ".join(["0.5"] * 100)
    design = "\n".join(f'"lever.shift.wmo_hbh.{k}" = [{values}]' for k in ("share", "effectiveness", "escalation", "stepup", "attraction"))
    sweep = _write(tmp_path / "sweep.toml", f'scenarios = ["baseline.toml"]\n[design]\n{design}\n')
    assert "design: a grid of 10000000000 rows; at most 1,000,000" in _run(capsys, "sweep", str(sweep))


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ('[parameters."escalate.jeugd"]\nbounds = [0.01, 0.02, 0.03]\n', "escalate.jeugd.bounds: expected [low, high], got a list of 3"),
        ('[parameters."escalate.jeugd"]\nbounds = [0.01, nan]\n', "parameters.escalate.jeugd.bounds[1]: expected a finite number"),
        ('[parameters."escalate.jeugd"]\ndist = "norm"\nbounds = [0.5, 0.4]\n', "samples outside the allowed range [0, 1]; use truncnorm"),
        ('[parameters."escalate.jeugd"]\ndist = "triang"\nbounds = [0.01, 0.05, 2]\n', "the peak is a fraction of [low, high]"),
        ('[parameters."escalate.jeugd"]\n[parameters."escalate.jeugd"]\n', "line 2, column 29: not valid TOML (Cannot declare"),
        ('[parameters."escalate.jeugd"]\n[parameters.escalate.jeugd]\n', "parameters.escalate.jeugd: given twice"),
        ('[parameters."severity.wmo.light"]\n[parameters."severity.wmo.moderate"]\n', "must sum to at most 1 (design row"),
    ],
)
def test_bad_sensitivity_files(tmp_path, capsys, text, expect):
    params = _write(tmp_path / "params.toml", text)
    line = _run(capsys, "sensitivity", str(BASELINE), "--params", str(params), "--n", "8", "--out", str(tmp_path / "o"))
    assert expect in line
    assert not (tmp_path / "o").exists()


# --- names and small commands -----------------------------------------------------------------------


def test_two_alternatives_with_one_name_are_refused(tmp_path, capsys):
    a = _write(tmp_path / "a.toml", f'extends = "{BASELINE}"\nname = "same"\n')
    b = _write(tmp_path / "b.toml", f'extends = "{BASELINE}"\nname = "same"\n')
    line = _run(capsys, "compare", str(BASELINE), str(a), str(b), "--out", str(tmp_path / "o"))
    assert line == f"sdsim: error: {b}: name: 'same' is also the name of {a}; names must differ"


def test_prefix_without_match_exits_2(capsys):
    line = _run(capsys, "parameters", "--prefix", "xyz")
    assert line == "sdsim: error: --prefix: no parameter name starts with 'xyz' (see `sdsim parameters`)"


def test_parameters_into_a_closed_pipe_is_quiet():
    proc = subprocess.run(
        f"{sys.executable} -m sdsim.experiments.cli parameters | head -n 2", shell=True, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.count("\n") == 2 and proc.stderr == ""


# --- output folders ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (lambda t: _write(t / "file", "x"), "exists and is not a folder"),
        (lambda t: _write(t / "file", "x") / "sub" / "out", "lies under"),
        (lambda t: t / ("x" * 300), "cannot be created (a name longer than 255 bytes)"),
        (lambda t: (t / "full").mkdir() or _write(t / "full" / "mine.txt", "keep").parent, "is not empty; use --overwrite"),
    ],
)
def test_bad_out_is_refused_before_running(tmp_path, capsys, make, expect):
    out = make(tmp_path)
    line = _run(capsys, "run", str(BASELINE), "--out", str(out))
    assert line.startswith(f"sdsim: error: {out}: --out: ") and expect in line


def test_overwrite_replaces_only_sdsim_files_marker_first(tmp_path, capsys):
    from sdsim.experiments.output import prepare_out

    out = tmp_path / "o"
    (out / "figures").mkdir(parents=True)
    for name in ("comparison.json", "comparison.csv", "report.html", "figures/difference_1.png", "notes.txt"):
        _write(out / name, "old")
    with pytest.raises(ScenarioError, match="already exists and is not empty"):
        prepare_out(out, False, ("comparison.json",))
    prepare_out(out, True, ("comparison.json", "comparison.csv", "report.html", "figures/*.png"))
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["notes.txt"]


# --- outputs: strict JSON, exact numbers -------------------------------------------------------------


def test_json_is_strict(tmp_path):
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        write_json(tmp_path / "x.json", {"a": float("nan")})
    assert not list(tmp_path.iterdir())


def test_non_finite_metric_names_the_metric(baseline):
    from sdsim.experiments.runner import MonteCarloResult
    from sdsim.experiments.summary import yearly_summary

    values = np.ones((2, 2, 24))
    values[1, 0, 13] = math.inf
    result = MonteCarloResult(baseline, 3, 2, ("spending.total", "queue.wmo"), values)
    with pytest.raises(ScenarioError, match=r"spending.total: is inf in replicate 1, year 2027 \(seed 3; parameters changed: none\)"):
        yearly_summary(result)


@pytest.mark.parametrize(
    ("value", "money", "decimal", "text"),
    [
        (835355.126, True, ".", "835355.13"),
        (-835358.0, True, ".", "-835358"),
        (0.3, True, ",", "0,30"),
        (1e-5, False, ".", "0.00001"),
        (1.5e22, False, ".", "15000000000000000000000"),
        (2.0, False, ",", "2"),
        (float("nan"), False, ".", ""),
    ],
)
def test_numbers_are_exact_without_exponent(value, money, decimal, text):
    assert number(value, money, decimal) == text


def test_run_outputs_in_dutch_dialect_add_up_to_the_cent(tmp_path, capsys):
    profile = _small_profile(tmp_path, households=600)
    scenario = _write(tmp_path / "s.toml", f'extends = "{BASELINE}"\nname = "klein"\nprofile = "{profile.name}"\n')
    out = tmp_path / "o"
    argv = ["run", str(scenario), "--replicates", "2", "--years", "1", "--workers", "1", "--out", str(out), "--csv-dialect", "nl"]
    assert main([*argv, "--monthly"]) == 0
    rows = [line.split(";") for line in (out / "yearly.csv").read_text().splitlines()]
    assert rows[0] == ["scenario", "replicate", "year", "metric", "value"]
    spend = {r[3]: float(r[4].replace(",", ".")) for r in rows[1:] if r[1] == "0" and r[3].startswith("spending.")}
    assert not any("e" in r[4].lower() for r in rows[1:])
    lines = sum(v for k, v in spend.items() if k != "spending.total")
    assert abs(lines - spend["spending.total"]) <= 0.005 * len(spend)  # each cell rounded to the cent
    summary = json.loads((out / "summary.json").read_text())  # strict JSON
    assert summary["provenance"]["replicates"] == 2
    import pyarrow.parquet as pq

    monthly = pq.read_table(out / "monthly.parquet")
    metrics = set(monthly.column("metric").to_pylist())
    assert metrics <= {r[3] for r in rows[1:]} and monthly.num_rows == 2 * 12 * len(metrics)  # yearly adds derived metrics
    capsys.readouterr()  # the run's progress bar (shown when a run takes over 3 s, e.g. while numba compiles)
    assert main(argv) == 2 and "--overwrite" in _error_line(capsys)
    assert main([*argv, "--overwrite"]) == 0 and not (out / "monthly.parquet").exists()


# --- population: the start population and its path ---------------------------------------------


def _path_csv(tmp_path: Path, edit: tuple[str, str] | None = None, drop_year: int | None = None) -> Path:
    lines = (SCENARIO_DIR / "profiles" / "nl_projection.csv").read_text().splitlines()
    lines = lines[:1] + [line for line in lines[1:] if int(line.split(",")[0]) >= 2025]  # the projection (the rows below count from it)
    lines = [line for line in lines if drop_year is None or not line.startswith(f"{drop_year},")]
    text = "\n".join(lines) + "\n"
    if edit:
        assert edit[0] in text
        text = text.replace(*edit, 1)
    return _write(tmp_path / "path.csv", text)


@pytest.mark.parametrize(
    ("csv_edit", "drop_year", "expect"),
    [
        (("2027,3284804", "2027,-3284804"), None, "path.csv: row 4, column children: expected a count of persons >= 0, got '-3284804'"),
        (("2027,3284804", "2027,many"), None, "path.csv: row 4, column children: expected a number, got 'many'"),
        (("year,children", "year,kids"), None, "path.csv: row 1: header year,kids,young,adults,elderly; expected year,children,"),
        (None, 2031, "path.csv: row 8, column year: 2032 after 2030; expected consecutive years"),
    ],
)
def test_bad_population_path(tmp_path, capsys, csv_edit, drop_year, expect):
    csv = _path_csv(tmp_path, csv_edit, drop_year)
    profile = _small_profile(
        tmp_path, edit=(f'population_path = "{SCENARIO_DIR / "profiles"}/nl_projection.csv"', f'population_path = "{csv}"')
    )
    line = _run(capsys, "run", str(_write(tmp_path / "s.toml", f'profile = "{profile.name}"\n')), "--out", str(tmp_path / "o"))
    assert expect in line, line


def test_population_path_must_cover_the_horizon(tmp_path, capsys):
    csv = _path_csv(tmp_path)
    csv.write_text("\n".join(csv.read_text().splitlines()[:8]) + "\n")  # 2025-2031
    profile = _small_profile(
        tmp_path, edit=(f'population_path = "{SCENARIO_DIR / "profiles"}/nl_projection.csv"', f'population_path = "{csv}"')
    )
    line = _run(capsys, "run", str(_write(tmp_path / "s.toml", f'profile = "{profile.name}"\nyears = 10\n')), "--out", str(tmp_path / "o"))
    assert f"{csv}: year 2032: missing; the population path must give every year 2026-2036" in line


def test_bad_start_population(tmp_path, capsys):
    text = _small_profile(tmp_path).read_text()  # [population] comes before the household types
    negative = re.sub(r"^elderly = ", "elderly = -", text, count=1, flags=re.M)
    doubled = re.sub(r"^children = ([\d.]+)", lambda m: f"children = {2 * float(m[1])}", text, count=1, flags=re.M)
    cases = (
        (negative, "population.elderly: Input should be greater than or equal to 0"),
        (doubled, "population: children: household_types x households give 585 persons, -49.7% from 1,164; allowed within 5%"),
    )
    for body, expect in cases:
        profile = _write(tmp_path / "p.toml", body)
        line = _run(capsys, "run", str(_write(tmp_path / "s.toml", f'profile = "{profile.name}"\n')), "--out", str(tmp_path / "o"))
        assert line.startswith(f"sdsim: error: {profile}: ") and expect in line, line
