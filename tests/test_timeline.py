"""Policy that changes within a run: a scenario's ``[timeline."YYYY-01"]`` sets parameters from that January on.

* A change of price only (a tariff) leaves the households' paths as they were (no draw is taken
  anew), so the months before it are the base's exactly and after it the line costs the new tariff
  over the old one times the base's, exactly (p x q, every contract at tariff).
* A change of behaviour (the youth onset) leaves the months before it exactly as they were; from
  its January the households' next events are drawn anew with the new rates, and the onsets of the
  following years rise by the factor within sampling error.
* Bad timelines stop with the file and the key.
"""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.experiments.runner import run_replicate
from sdsim.scenarios.files import ScenarioError
from sdsim.scenarios.loader import load_scenario

from tests.conftest import profile_text

YEARS = 4


def _scenario(tmp_path, name: str, timeline: str = "", parameters: str = ""):
    (tmp_path / "small.toml").write_text(profile_text(3000, burn_in_years=8))
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\nprofile = "small.toml"\nyears = {YEARS}\n[parameters]\n{parameters}\n{timeline}\n')
    return load_scenario(path)


def _yearly(series: dict[str, np.ndarray], metric: str) -> np.ndarray:
    return series[metric].reshape(YEARS, 12).sum(axis=1)


def test_a_tariff_change_prices_the_same_paths_anew(tmp_path):
    base = _scenario(tmp_path, "base")
    dated = _scenario(tmp_path, "dated", '[timeline."2028-01"]\n"tariff.jeugd_ambulant" = 1000.0\n')
    assert dated.timeline == ((24, {"tariff.jeugd_ambulant": 1000.0}),)
    a, b = run_replicate(base, 3, 0, YEARS), run_replicate(dated, 3, 0, YEARS)
    np.testing.assert_array_equal(a["clients.jeugd_ambulant"], b["clients.jeugd_ambulant"])  # the same paths throughout
    before, after = _yearly(a, "spending_care.jeugd_ambulant"), _yearly(b, "spending_care.jeugd_ambulant")
    np.testing.assert_array_equal(before[:2], after[:2])
    np.testing.assert_allclose(after[2:], before[2:] * 1000.0 / 845.0, rtol=1e-12)
    np.testing.assert_array_equal(_yearly(a, "spending.wmo_hbh"), _yearly(b, "spending.wmo_hbh"))


def test_a_change_of_behaviour_acts_from_its_january(tmp_path):
    base = _scenario(tmp_path, "base")
    onset = base.params["onset.jeugd.children"]
    dated = _scenario(tmp_path, "dated", f'[timeline."2028-01"]\n"onset.jeugd.children" = {2 * onset}\n')
    a = [run_replicate(base, 5, r, YEARS) for r in range(6)]
    b = [run_replicate(dated, 5, r, YEARS) for r in range(6)]
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x["onsets.jeugd"][:24], y["onsets.jeugd"][:24])  # before it: the base exactly
    before = np.array([_yearly(x, "onsets.jeugd")[2:].sum() for x in a])
    after = np.array([_yearly(y, "onsets.jeugd")[2:].sum() for y in b])
    # onsets are Poisson-like counts: the ratio of two sums of about n each has a relative sd of about sqrt(2 / n)
    ratio, sd = after.sum() / before.sum(), np.sqrt(2.0 / before.sum())
    assert 1.5 < ratio < 2.05 + 4 * sd, ratio  # children already in need get no second onset: somewhat under 2


@pytest.mark.parametrize(
    ("timeline", "key"),
    [
        ('[timeline."2028-03"]\n"tariff.jeugd_ambulant" = 1000.0\n', 'timeline."2028-03"'),
        ('[timeline."2031-01"]\n"tariff.jeugd_ambulant" = 1000.0\n', 'timeline."2031-01"'),
        ('[timeline."2026-01"]\n"tariff.jeugd_ambulant" = 1000.0\n', 'timeline."2026-01"'),
        ('[timeline."2028-01"]\n"index.tariff" = 0.05\n', 'timeline."2028-01".index.tariff'),
        ('[timeline."2028-01"]\n"escalate.jeugd" = 1.5\n', 'timeline."2028-01".escalate.jeugd'),
        ('[timeline."2028-01"]\n"no.such" = 1.0\n', 'timeline."2028-01".no.such'),
    ],
)
def test_a_bad_timeline_names_file_and_key(tmp_path, timeline, key):
    with pytest.raises(ScenarioError) as error:
        _scenario(tmp_path, "bad", timeline)
    assert f": {key}:" in str(error.value), str(error.value)
