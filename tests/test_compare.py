"""``sdsim compare``: common random numbers, exact null comparison, outputs, the report, bad input."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sdsim.experiments.cli import main
from sdsim.experiments.compare import attribution, run_comparison
from sdsim.experiments.runner import run_scenarios
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario

from tests.conftest import profile_text

DEFAULT_PROFILE = SCENARIO_DIR / "profiles" / "default.toml"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small municipality, its baseline, a null scenario and the HbH scenario on it (2 years)."""
    folder = tmp_path_factory.mktemp("compare")
    text = profile_text(3000, burn_in_years=1)
    _write(folder / "small.toml", text)
    base = _write(folder / "base.toml", f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nname = "base"\nprofile = "small.toml"\nyears = 2\n')
    null = _write(folder / "null.toml", 'extends = "base.toml"\nname = "null"\n')
    hbh = _write(
        folder / "hbh.toml",
        'extends = "base.toml"\nname = "hbh"\n[parameters]\n"lever.shift.wmo_hbh.share" = 0.75\n"lever.shift.wmo_hbh.cost_month" = 170.0\n',
    )
    return folder, base, null, hbh


def test_null_comparison_is_exactly_zero(small):
    _, base, null, _ = small
    comparison = run_comparison(load_scenario(base), [load_scenario(null)], replicates=3, seed=5, workers=1)
    # identical scenario, same seeds: every metric, month and replicate is bit-identical (NaN where undefined in both)
    np.testing.assert_array_equal(comparison.base.values, comparison.alternatives[0].values)
    for metric, diff in comparison.differences(comparison.alternatives[0]).items():
        assert np.all((diff == 0) | np.isnan(diff)), metric


def test_attribution_adds_up(small):
    _, base, _, hbh = small
    comparison = run_comparison(load_scenario(base), [load_scenario(hbh)], replicates=3, seed=5, workers=1)
    alt = comparison.alternatives[0]
    parts = attribution(comparison, alt, years=2)
    for line, row in parts.items():
        explained = sum(row[k] for k in ("volume", "duration", "price", "mix", "other", "non_care"))
        assert explained == pytest.approx(row["total"], rel=1e-9, abs=1e-6), line  # exact decomposition (LMDI) up to rounding
    assert parts["wmo_hbh"]["total"] < 0
    # the general provision's users and lump sum land on a line without products: wholly non-care, and in the table
    assert (
        parts["algemene_voorzieningen"]["total"] > 0
        and parts["algemene_voorzieningen"]["non_care"] == parts["algemene_voorzieningen"]["total"]
    )
    # every budget line: the rows sum to the total row, and the total row is the paired spending.total difference
    # (float sums in another order: equal to 1e-9 relative; 1e-6 is the brief's tolerance)
    total = comparison.differences(alt)["spending.total"][:, :2].sum(axis=1).mean()
    assert sum(row["total"] for line, row in parts.items() if line != "total") == pytest.approx(total, rel=1e-6)
    assert parts["total"]["total"] == pytest.approx(total, rel=1e-6)


def test_scenario_parameter_with_its_source(small):
    folder, _, _, _ = small
    first = _write(folder / "sourced.toml", 'extends = "base.toml"\n[parameters]\n"lever.poh.share" = { value = 0.5, source = "[NK] §4" }\n'
                   '"lever.casusregie.share" = { value = 0.6, source = "assumption" }\n')  # fmt: skip
    later = _write(folder / "later.toml", 'extends = "sourced.toml"\n[parameters]\n"lever.poh.share" = 0.4\n')
    scenario = load_scenario(first)
    assert scenario.changes["lever.poh.share"] == 0.5 and isinstance(scenario.changes["lever.poh.share"], float)
    assert scenario.sources == {"lever.poh.share": "[NK] §4", "lever.casusregie.share": "assumption"}
    assert scenario.composition()["parameter_sources"] == {"lever.casusregie.share": "assumption", "lever.poh.share": "[NK] §4"}
    # the latest file wins: a value without a source drops the earlier file's source of the earlier value
    assert load_scenario(later).sources == {"lever.casusregie.share": "assumption"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('"lever.poh.share" = { value = 0.5, sorce = "x" }', "parameters.lever.poh.share.sorce: unknown key; allowed: value, source"),
        ('"lever.poh.share" = { source = "x" }', "parameters.lever.poh.share.value: missing"),
        ('"lever.poh.share" = { value = 0.5, source = 3 }', "parameters.lever.poh.share.source: expected a text"),
        ('"lever.poh.share" = { value = 1.5, source = "x" }', "parameters.lever.poh.share"),
    ],
)
def test_bad_parameter_table_names_file_key_and_what_is_allowed(small, body, message):
    from sdsim.scenarios.loader import ScenarioError

    folder, _, _, _ = small
    bad = _write(folder / "badsource.toml", f'extends = "base.toml"\n[parameters]\n{body}\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert str(bad) in str(err.value) and message in str(err.value)


def test_lever_scenario_files_give_their_sources():
    for name in SCENARIO_FILES:
        scenario = load_scenario(SCENARIO_DIR / f"{name}.toml")
        assert set(scenario.sources) <= set(scenario.changes), name
    assert load_scenario(SCENARIO_DIR / "bezuiniging-jeugd-15.toml").sources == {"lever.budget.jeugd.cut": "[SW] §4.6"}
    assert load_scenario(SCENARIO_DIR / "casusregie.toml").sources == {"lever.casusregie.share": "assumption (range 0-1)"}


def test_compare_writes_outputs(small, capsys):
    folder, base, _, hbh = small
    out = folder / "out"
    args = ["compare", str(base), str(hbh), "--replicates", "3", "--seed", "2", "--workers", "1", "--out", str(out), "--lang", "en"]
    assert main(args) == 0
    data = json.loads((out / "comparison.json").read_text())
    assert data["provenance"]["alternatives"][0]["parameter_changes"]["lever.shift.wmo_hbh.share"] == 0.75
    stats = data["differences"]["hbh"]["2026-2027"]["spending.total"]
    assert stats["p5"] <= stats["p50"] <= stats["p95"] and 0.0 <= stats["prob_lower"] <= 1.0
    assert data["differences"]["hbh"]["2026"]["clients.wmo_hbh"]["mean"] < 0
    assert (out / "comparison.csv").read_text().startswith("scenario,period,metric,mean,p5,p50,p95,prob_lower\n")
    report = (out / "report.html").read_text()
    assert report.count("data:image/png;base64,") == len(list((out / "figures").glob("*.png"))) >= 3
    assert "What changes" in report and "lever.shift.wmo_hbh.share" in report
    assert "Referral routes of started jeugdhulp" in report and "<td>gemeentelijke toegang</td>" in report
    assert "P(falls)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('extends = "base.toml"\nyears = 3\n', "years: 3 differs from the base scenario's 2"),
        (f'extends = "base.toml"\nprofile = "{DEFAULT_PROFILE}"\n', "profile: differs from the base scenario's"),
        ('extends = "base.toml"\n[parameters]\n"lever.nope" = 1\n', "parameters.lever.nope: unknown parameter"),
        ('extends = "alt.toml"\n', "extends: cycle"),
    ],
)
def test_bad_comparison_exits_2_with_one_line(small, capsys, body, key):
    folder, base, _, _ = small
    alt = _write(folder / "alt.toml", body)
    assert main(["compare", str(base), str(alt), "--replicates", "1", "--out", str(folder / "bad")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert str(alt) in err[0] and key in err[0]
    assert not (folder / "bad" / "comparison.json").exists()


CHECK = """<script>
window.addEventListener("load", () => {
  const bad = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length;
  document.title = "IMAGES " + document.images.length + " BROKEN " + bad;
});
</script></body>"""


def test_report_renders_in_headless_chromium(small, tmp_path, browser):
    _, base, _, hbh = small
    out = tmp_path / "out"
    assert main(["compare", str(base), str(hbh), "--replicates", "2", "--workers", "1", "--out", str(out)]) == 0
    page = tmp_path / "checked.html"
    page.write_text((out / "report.html").read_text().replace("</body>", CHECK))
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    title = re.search(r"<title>(.*?)</title>", proc.stdout)
    assert title, proc.stderr[-2000:]
    images, broken = map(int, re.findall(r"\d+", title.group(1)))
    n_figures = len(list((out / "figures").glob("*.png")))
    assert images == n_figures >= 3 and broken == 0, title.group(1)
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line.upper() and ("ERROR" in line.upper() or "Uncaught" in line)]
    assert not console, console


def test_common_random_numbers_cut_the_variance_of_a_difference(small):
    """Var(5-year spending difference) with independent seeds / with common random numbers >= 10.

    The estimate is a ratio of two sample variances over 16 replicates (an F(15, 15) variable
    around the true ratio); ``benchmarks/crn_gain.py`` measures ~30x on the default municipality,
    and the 5 % quantile of F(15, 15) is 0.42, so a true gain of 25x or more passes.
    """
    _, base, _, hbh = small
    b, a = load_scenario(base), load_scenario(hbh)
    paired_base, paired_alt = run_scenarios([b, a], 16, seed=1, years=5, workers=1)
    (independent_alt,) = run_scenarios([a], 16, seed=99, years=5, workers=1)

    def spend(result):
        return result.series("spending.total").sum(axis=1)

    paired = spend(paired_alt) - spend(paired_base)
    independent = spend(independent_alt) - spend(paired_base)
    assert independent.var(ddof=1) / paired.var(ddof=1) >= 10


SCENARIO_FILES = (
    "hbh-algemene-voorziening",
    "poh-jeugd",
    "integrale-toegang",
    "preventie-vroegsignalering",
    "casusregie",
    "bezuiniging-jeugd-15",
    "resultaatfinanciering",
    "minder-aanbieders",
    "abonnementstarief",
    "combinatie",
)


@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_scenario_files_load_and_pair_with_the_baseline(name):
    from sdsim.experiments.compare import check_comparable
    from sdsim.simulation.levers import lever_of

    baseline, scenario = load_scenario(SCENARIO_DIR / "baseline.toml"), load_scenario(SCENARIO_DIR / f"{name}.toml")
    check_comparable(baseline, scenario)
    composition = scenario.composition()
    assert composition["extends"] and composition["parameter_changes"], name  # a baseline plus named changes
    assert all(lever_of(p) for p in composition["parameter_changes"]), "scenario files change levers only"
    assert scenario.description


def test_shared_burn_in_shows_the_transition(small):
    """From the base's state at the start year, the HbH shift builds up: its first-year effect is smaller."""
    _, base, null, hbh = small
    b, n, a = load_scenario(base), load_scenario(null), load_scenario(hbh)
    shared = run_comparison(b, [n, a], replicates=3, seed=5, workers=1, shared_burn_in=True)
    np.testing.assert_array_equal(shared.base.values, shared.alternatives[0].values)  # null: still exactly 0
    own = run_comparison(b, [a], replicates=3, seed=5, workers=1)
    first_year = {
        name: comparison.differences(comparison.alternatives[-1])["clients.wmo_hbh"][:, 0].mean()
        for name, comparison in (("shared", shared), ("own", own))
    }
    assert first_year["own"] < first_year["shared"] < 0, first_year


def test_shared_burn_in_refuses_a_change_of_contracts(small, capsys):
    folder, base, _, _ = small
    alt = _write(folder / "fewer.toml", 'extends = "base.toml"\n[parameters]\n"lever.providers.contracts" = 0.5\n')
    assert main(["compare", str(base), str(alt), "--burn-in", "shared", "--replicates", "1", "--out", str(folder / "x")]) == 2
    assert "changes the provider contracts; compare it with --burn-in own" in capsys.readouterr().err
