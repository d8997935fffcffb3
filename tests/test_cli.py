"""The command line: outputs of ``sdsim run`` and one-line errors (exit 2) for bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sdsim.experiments.cli import main
from sdsim.scenarios.loader import SCENARIO_DIR

from tests.conftest import profile_text


def _small_profile(tmp_path: Path, households: int = 1500, edit: tuple[str, str] | None = None) -> Path:
    text = profile_text(households, burn_in_years=1)
    if edit:
        assert edit[0] in text
        text = text.replace(*edit)
    path = tmp_path / "small.toml"
    path.write_text(text)
    return path


def _scenario(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_run_writes_summary_and_monthly(tmp_path, capsys):
    profile = _small_profile(tmp_path)
    scenario = _scenario(tmp_path, f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nname = "small"\nprofile = "{profile.name}"\n')
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--replicates", "3", "--years", "2", "--seed", "7", "--workers", "1", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    prov = summary["provenance"]
    assert prov["seed"] == 7 and prov["replicates"] == 3 and len(prov["scenario"]["sha256"]) == 64
    assert prov["scenario"]["extends"] and prov["packages"]["numba"]
    years = summary["years"]
    assert list(years) == ["2026", "2027"]
    row = years["2026"]["spending.total"]
    assert row["p5"] <= row["p50"] <= row["p95"] and row["kind"] == "flow"
    assert row["p5"] <= row["mean"] <= row["p95"]
    for metric in (
        "clients_tier.maatwerk",
        "inflow.jeugd_ambulant",
        "queue.wmo",
        "waiting_time.access.jeugd",
        "escalations.jeugd",
        "revenue.total",
    ):
        assert metric in years["2027"], metric
    with (out / "yearly.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["scenario", "replicate", "year", "metric", "value"]
    assert {r[1] for r in rows[1:]} == {"0", "1", "2"} and {r[2] for r in rows[1:]} == {"2026", "2027"}
    assert not list(out.glob("*.partial"))
    assert "spending, total" in capsys.readouterr().out


def test_same_seed_same_numbers(tmp_path):
    profile = _small_profile(tmp_path)
    scenario = _scenario(tmp_path, f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nprofile = "{profile.name}"\n')
    for out, workers in (("a", "1"), ("b", "2")):
        assert main(["run", str(scenario), "--replicates", "2", "--years", "1", "--workers", workers, "--out", str(tmp_path / out)]) == 0
    assert (tmp_path / "a" / "yearly.csv").read_bytes() == (tmp_path / "b" / "yearly.csv").read_bytes()


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ('name = "x"\ncolour = "red"\nprofile = "profiles/default.toml"\n', "colour: unknown key"),
        ('profile = "profiles/default.toml"\n[parameters]\n"escalate.jeugd" = "high"\n', "parameters.escalate.jeugd: expected a number"),
        (
            'profile = "profiles/default.toml"\n[parameters]\n"escalate.jeugd" = 1.5\n',
            "parameters.escalate.jeugd: 1.5 outside allowed range [0, 1]",
        ),
        ('profile = "profiles/default.toml"\n[parameters.onset.jeugd]\nchildren = -0.1\n', "parameters.onset.jeugd.children: -0.1 outside"),
        ('profile = "profiles/default.toml"\n[parameters]\n"no.such.lever" = 1\n', "parameters.no.such.lever: unknown parameter"),
        ('profile = "profiles/nope.toml"\n', "nope.toml: file not found"),
        ('profile = "profiles/default.toml"\nyears = 0\n', "years: expected a whole number in [1, 100]"),
        ('extends = "s.toml"\n', "extends: cycle: s.toml -> s.toml"),
    ],
)
def test_bad_scenario_exits_2_with_one_line(tmp_path, capsys, body, expect):
    text = body.replace('"profiles/', f'"{SCENARIO_DIR}/profiles/')
    scenario = _scenario(tmp_path, text)
    assert main(["run", str(scenario), "--replicates", "1", "--out", str(tmp_path / "o")]) == 2
    line = _error_line(capsys)
    assert str(scenario) in line or "nope.toml" in line
    assert expect in line
    assert not (tmp_path / "o" / "summary.json").exists()


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (
            ("fte = { jeugd = 1.05, wmo = 3.8", "fte = { jeugd = -1.05, wmo = 3.8"),
            "access_teams[Sociaal team Noord].fte.jeugd: Input should be greater than or equal to 0 (got -1.05)",
        ),
        (
            ("slots = { jeugd_ambulant = 10 }", "slots = { jeugd_ambulant = -3 }"),
            "providers[Jeugdhulp ambulant]: slots.jeugd_ambulant must be >= 0",
        ),
        (
            ("triage_accuracy = 0.8 ", "triage_accuracy = 1.8 "),
            "access_teams[Sociaal team Noord].triage_accuracy: Input should be less than or equal to 1",
        ),
        (("benefit_share = 0.045", "benefit_share = 'many'"), "benefit_share: Input should be a valid number"),
        (("wijken = 6", "wijken = 6\nsurprise = 1"), "surprise: unknown key"),
    ],
)
def test_bad_profile_exits_2_with_one_line(tmp_path, capsys, edit, expect):
    profile = _small_profile(tmp_path, edit=edit)
    scenario = _scenario(tmp_path, f'profile = "{profile.name}"\n')
    assert main(["run", str(scenario), "--replicates", "1", "--out", str(tmp_path / "o")]) == 2
    line = _error_line(capsys)
    assert str(profile) in line
    assert expect.replace("Value error, ", "") in line


def test_missing_scenario_file_via_console_script(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sdsim.experiments.cli", "run", str(tmp_path / "missing.toml")], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"sdsim: error: {tmp_path / 'missing.toml'}: file not found"


def test_bad_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--replicates", "0"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == "sdsim: error: --replicates: must be in [1, 100000], got 0\n"


def test_parameters_lists_sources(capsys):
    assert main(["parameters", "--prefix", "door_gp.jeugd"]) == 0
    out = capsys.readouterr().out
    assert "door_gp.jeugd" in out and "[NK]" in out
