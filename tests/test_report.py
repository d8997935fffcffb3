"""The council report: number formats, the first screen, targets, sources, charts and a render in headless Chromium."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sdsim.experiments import report
from sdsim.experiments.compare import Comparison, run_comparison
from sdsim.experiments.report import (
    AxisNumbers,
    Curve,
    count,
    extreme_bound,
    grid_figure,
    money,
    number,
    percent,
    probability_note,
    replicates_warning,
    target_text,
    write_report,
)
from sdsim.scenarios.loader import SCENARIO_DIR, load_scenario
from sdsim.simulation.levers import LEVERS, Target

from tests.conftest import profile_text

REPLICATES = 3  # few on purpose: the first screen must warn about them
YOUTH = ("jeugd_ambulant", "jeugd_verblijf")


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    """A small municipality (3,000 households, 2 years): the base, the HbH shift and a 15 % youth cut with its source."""
    folder = tmp_path_factory.mktemp("report")
    (folder / "small.toml").write_text(profile_text(3000, burn_in_years=1))
    (folder / "base.toml").write_text(f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nname = "base"\nprofile = "small.toml"\nyears = 2\n')
    (folder / "hbh.toml").write_text('extends = "base.toml"\nname = "hbh"\n[parameters]\n"lever.shift.wmo_hbh.share" = 0.75\n')
    (folder / "cut.toml").write_text(
        'extends = "base.toml"\nname = "cut"\n[parameters]\n"lever.budget.jeugd.cut" = { value = 0.15, source = "[SW] §4.6 (test)" }\n'
    )
    scenarios = [load_scenario(folder / f"{n}.toml") for n in ("base", "hbh", "cut")]
    return run_comparison(scenarios[0], scenarios[1:], replicates=REPLICATES, seed=5, workers=1)


@pytest.fixture(scope="module")
def written(comparison, tmp_path_factory) -> Path:
    """The Dutch report of ``comparison`` (written once: each report draws its charts, a few seconds)."""
    return write_report(comparison, tmp_path_factory.mktemp("written"), {"test": True}, lang="nl")


def _summary(page: str) -> str:
    match = re.search(r"<section class='samenvatting'>(.*?)</section>", page, re.S)
    assert match, "no summary block"
    return match.group(1)


# --- number formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (1_234_567.0, "€ 1,2 mln", "€1.2M"),
        (-1_234_567.0, "€ -1,2 mln", "-€1.2M"),
        (12_345_678.0, "€ 12,3 mln", "€12.3M"),
        (850_123.0, "€ 850.000", "€850,000"),  # below a million: rounded to thousands
        (-840_499.0, "€ -840.000", "-€840,000"),
        (9_876.4, "€ 9.876", "€9,876"),  # below ten thousand: whole euros
        (-0.3, "€ 0", "€0"),  # rounds to zero: no sign
        (960_000.0, "€ 1,0 mln", "€1.0M"),  # rounds up to a million: written as one
    ],
)
def test_money(value, nl, en):
    assert money(value, "nl") == nl
    assert money(value, "en") == en


def test_money_with_sign_marks_a_rise():
    assert money(2_300_000.0, "nl", sign=True) == "€ +2,3 mln"
    assert money(-2_300_000.0, "nl", sign=True) == "€ -2,3 mln"
    assert money(145_000.0, "en", sign=True) == "+€145,000"


def test_counts_and_percentages():
    assert count(12_345, "nl") == "12.345" and count(12_345, "en") == "12,345"
    assert count(-32.4, "nl") == "-32" and count(32.4, "nl", sign=True) == "+32"
    assert count(1.25, "nl", 1) == "1,2" or count(1.25, "nl", 1) == "1,3"  # banker's or half-up rounding, both fine
    assert count(0.04, "nl", 0, sign=True) == "0"  # rounds to zero: no sign
    assert percent(0.098, "nl") == "9,8 %" and percent(0.098, "en") == "9.8%"
    assert percent(-0.05, "nl") == "-5,0 %" and percent(1.0, "nl", 0) == "100 %"
    assert number(1234.5, "nl", 1) == "1.234,5" and number(0.75, "nl", None) == "0,75" and number(150_000.0, "nl", None) == "150.000"
    assert number(float("nan"), "nl") == "-"


def test_axis_numbers_take_the_decimals_of_the_tick_step():
    formatter = AxisNumbers(1e6, "nl")
    formatter.set_locs([0.0, 25_000.0, 50_000.0])  # ticks 0,025 mln apart: three decimals
    assert formatter(25_000.0) == "0,025"
    formatter.set_locs([0.0, 1e7, 2e7])
    assert formatter(2e7) == "20"


def test_charts_have_whole_years_units_and_the_base_on_top():
    rng = np.random.default_rng(0)
    base = Curve(1e6 + rng.normal(0, 1e4, (4, 3)), "#000000", "base (basis)", True)
    alt = Curve(base.values.copy(), "#c55a11", "alt")  # the same values: the alternative would hide a base drawn first
    fig = grid_figure({"total": [base, alt], "wmo_hbh": [base, alt]}, np.arange(2026, 2029), "titel", True, "nl")
    fig.canvas.draw()
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.get_xticklabels() if t.get_text()} <= {"2026", "2027", "2028"}  # no 2026.5
    assert ax.get_ylabel() == "€ mln" and ax.get_title() == "totaal" and fig.axes[1].get_title() == "hulp bij het huishouden"
    assert all("," in t.get_text() or t.get_text().isdigit() for t in ax.get_yticklabels() if t.get_text())  # Dutch decimal mark
    base_line = next(line for line in ax.get_lines() if line.get_label() == "base (basis)")
    alt_line = next(line for line in ax.get_lines() if line.get_label() == "alt")
    assert base_line.get_linestyle() == "--" and base_line.get_zorder() > alt_line.get_zorder()
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["alt", "base (basis)"]
    plt.close(fig)


# --- replicates, probabilities, targets --------------------------------------------------------------


def test_extreme_probability_with_few_replicates_is_qualified():
    # 4 of 4 replicates save: p**4 = 0.05 at p = 0.47 (one-sided 95 % exact binomial bound)
    assert extreme_bound(4) ** 4 == pytest.approx(0.05, rel=1e-12)
    note = probability_note(1.0, 4, "nl")
    assert "Met 4 replicaties is een kans van 100 % niet te onderscheiden van een kans van 47 % of meer" in note
    assert "one of 53% or less (95% confidence)" in probability_note(0.0, 4, "en")
    assert probability_note(0.9, 4, "nl") == ""
    assert "20" in replicates_warning(19, "nl") and replicates_warning(20, "nl") == ""


def test_target_missed_names_the_shortfall():
    realised = np.array([0.081, 0.098, 0.112, 0.101])  # mean 9.8 %
    text = target_text(Target(0.15, YOUTH), realised, 60e6, "2026–2030", "nl")
    assert text.startswith("Doel: 15 % besparing op jeugdhulp ambulant en jeugdhulp met verblijf; gerealiseerd 9,8 % [")
    # shortfall 15 - 9.8 = 5.2 points of a base of € 60 mln: € 3,1 mln
    assert "doel niet gehaald: 5,2 procentpunt te weinig, ongeveer € 3,1 mln over 2026–2030" in text
    assert "target missed by 5.2 percentage points" in target_text(Target(0.15, YOUTH), realised, 60e6, "2026–2030", "en")


def test_target_met_within_its_tolerance():
    realised = np.full(4, 0.135)  # 15 % - 1.5 points: within the default tolerance of 2 points
    assert target_text(Target(0.15, YOUTH), realised, 60e6, "2026–2030", "nl").endswith(": doel gehaald.")


# --- the report of a small run -----------------------------------------------------------------------


def test_first_screen_gives_money_probability_and_replicates(written):
    page = written.read_text()
    assert page.index("<section class='samenvatting'>") < page.index("<img"), "the summary comes before any chart"
    summary = _summary(page)
    for name in ("hbh", "cut"):
        assert f"<h3>{name}</h3>" in summary
    assert summary.count("<td>netto kosten</td>") == 2 and summary.count("<td>uitgaven</td>") == 2
    assert summary.count("<td>inkomsten (rijk en eigen bijdragen)</td>") == 2
    assert "90 % van de uitkomsten ligt tussen € " in summary
    assert re.search(r"Kans op besparing: \d{1,3} %\.", summary)
    assert f"gemiddelde over {REPLICATES} replicaties (seed 5)" in summary
    assert f"deze uitkomsten rusten op {REPLICATES} replicaties. Met minder dan 20" in summary
    assert "afwijzingen bij triage (totaal over 2 jaar)" in summary and "escalaties en crises" in summary
    assert "€ -" in summary or "€ +" in summary  # Dutch money format with the sign after the euro sign
    assert "M [" not in page and "€-" not in page  # no English money format under nl


def test_report_in_english(comparison, tmp_path):
    summary = _summary(write_report(comparison, tmp_path, {}, lang="en").read_text())
    assert "<h2>Summary</h2>" in summary and f"mean over {REPLICATES} replicates (seed 5)" in summary
    assert re.search(r"Probability of a saving: \d{1,3}%\.", summary)


def test_cut_reports_the_refusals_and_the_sources(written):
    page = written.read_text()
    cut = _summary(page).split("<h3>cut</h3>")[1]
    refusals = re.search(r"<td>afwijzingen bij triage \(totaal over 2 jaar\)</td><td>([^<]*)</td>", cut)
    assert refusals and refusals.group(1).startswith("+"), "a 15 % cut refuses youth care at triage"
    assert "<td>[SW] §4.6 (test)</td>" in page  # the source exactly as the scenario file gives it
    l5 = next(lever for lever in LEVERS if lever.id == "L5")
    assert f"L5 {l5.title_nl}" in page
    assert f"<p class='werking'>L5 {l5.title_nl}: {html.escape(l5.mechanism_nl)}" in page  # its mechanism
    assert "parameterregister" in page  # the HbH share has no source in its file: the registry's, marked as such
    assert "basis (niveau)" in page  # outcomes as paired differences beside the base's level


def test_target_is_set_against_the_realised_saving(comparison, tmp_path, monkeypatch):
    lever = next(lv for lv in LEVERS if lv.id == "L5")

    def targets(params):
        cut = params["lever.budget.jeugd.cut"]
        return [(lever, Target(cut, YOUTH, 0.0))] if cut > 0 else []

    monkeypatch.setattr(report, "targets", targets)
    summary = _summary(write_report(comparison, tmp_path, {}, lang="nl").read_text())
    target = re.search(r"<p class='doel'>([^<]*)</p>", summary)
    assert target, "the cut's target is on the first screen"
    assert "Doel: 15 % besparing op jeugdhulp ambulant en jeugdhulp met verblijf; gerealiseerd " in target.group(1)
    assert "doel gehaald" in target.group(1) or "doel niet gehaald" in target.group(1)
    assert summary.count("<p class='doel'>") == 1  # the HbH shift sets no target


def test_an_alternative_equal_to_the_base_reports_no_difference(comparison, tmp_path):
    null = Comparison(base=comparison.base, alternatives=(comparison.base,))  # the same results: every paired difference is 0
    summary = _summary(write_report(null, tmp_path, {}, lang="nl").read_text())
    assert "gemiddeld gelijk aan de basis." in summary and "Kans op besparing: 0 %." in summary
    # 0 of 3 replicates save: the one-sided 95 % bound is 1 - 0.05 ** (1 / 3) = 0.63
    assert "een kans van 0 % niet te onderscheiden van een kans van 63 % of minder" in summary


def test_limits_are_stated(comparison, tmp_path, monkeypatch):
    from dataclasses import replace

    lever = next(lv for lv in LEVERS if lv.id == "L5")
    limited = replace(lever, limits_nl="het effect op de wachtlijsten van buurgemeenten")
    monkeypatch.setattr(report, "lever_of", lambda name: limited if name.startswith("lever.budget") else None)
    summary = _summary(write_report(comparison, tmp_path, {}, lang="nl").read_text())
    assert "Niet gemodelleerd: het effect op de wachtlijsten van buurgemeenten" in summary


# --- rendering --------------------------------------------------------------------------------------


def test_report_screenshot_is_not_blank(written, tmp_path, browser):
    import matplotlib.image

    page = written
    shot = tmp_path / "shot.png"
    base = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
    proc = subprocess.run([*base, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert shot.exists(), proc.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    # a blank page is one colour; text, tables and the summary's frame give many (variance well above 0)
    assert shot.stat().st_size > 20_000 and pixels[..., :3].std() > 0.05, (shot.stat().st_size, pixels.std())
    errors = [line for line in proc.stderr.splitlines() if "Uncaught" in line or ("CONSOLE" in line.upper() and "ERROR" in line.upper())]
    assert not errors, errors
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert '<section class="samenvatting">' in dom and "Kans op besparing" in dom


def test_report_files(written):
    figures = sorted(p.name for p in Path(written.parent, "figures").glob("*.png"))
    assert figures == ["clients.png", "difference_1.png", "difference_2.png", "spending.png"]
