"""``sdsim profile build``: a profile from a municipality's own figures, the rest scaled from the default.

The example figures file builds a profile that loads (the household types hold its population by
age group within the profile's 5 %; here within 1 %), keeps every figure it was given, scales what
it was not, and names each value's source; bad figures files stop with file, row and column.
"""

from __future__ import annotations

import pytest
from sdsim.scenarios.build import build_profile, read_figures
from sdsim.scenarios.files import ScenarioError
from sdsim.scenarios.loader import SCENARIO_DIR, load_profile
from sdsim.simulation.schema import AGE_GROUPS

EXAMPLE = SCENARIO_DIR / "figures" / "voorbeeldstad.csv"


def test_the_example_builds_a_profile_that_holds_its_figures(tmp_path, baseline):
    figures = read_figures(EXAMPLE)
    out = tmp_path / "sub" / "voorbeeldstad.toml"
    out.parent.mkdir()
    out.write_text(build_profile(figures, "Voorbeeldstad", out))
    profile = load_profile(out, 10)
    assert profile.inhabitants == 30_000 and profile.households == 13_000
    assert profile.benefit_share == pytest.approx(470 / 13_000, abs=1e-4)
    assert profile.income_shares == {"low": 0.28, "middle": 0.42, "high": 0.30}
    implied = dict(zip(AGE_GROUPS, profile.implied_population(), strict=True))
    given = dict(zip(AGE_GROUPS, (6600, 1900, 19100, 2400), strict=True))
    for group in AGE_GROUPS:
        assert getattr(profile.population, group) == given[group]
        assert implied[group] == pytest.approx(given[group], rel=0.01)  # the refitted household types hold the population
    factor = 30_000 / baseline.profile.inhabitants
    assert len(profile.gp_practices) == round(len(baseline.profile.gp_practices) * factor)
    assert profile.revenue["toegang"] == round(baseline.profile.revenue["toegang"] * factor)
    text = out.read_text()
    assert "# households: fictional example" in text and "scaled from the default municipality" in text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("quantity,value\ninhabitants,3\n", "row 1"),
        ("quantity,value,source\ninhabitant,3,x\n", "row 2, column quantity"),
        ("quantity,value,source\ninhabitants,-3,x\n", "row 2, column value"),
        ("quantity,value,source\ninhabitants,3000,x\nincome_low_share,1.5,x\n", "row 3, column value"),
        ("quantity,value,source\nhouseholds,3000,x\n", "inhabitants"),
        ("quantity,value,source\ninhabitants,3000,x\nincome_low_share,0.5,x\n", "income_middle_share, income_high_share"),
        ("quantity,value,source\ninhabitants,3000,x\nincome_low_share,0.5,x\nincome_middle_share,0.4,x\nincome_high_share,0.4,x\n",
         "income_*_share"),
        ("quantity,value,source\ninhabitants,3000,x\ninhabitants,3000,x\n", "row 3, column quantity"),
    ],
)  # fmt: skip
def test_a_bad_figures_file_names_file_row_and_column(tmp_path, text, where):
    path = tmp_path / "figures.csv"
    path.write_text(text)
    with pytest.raises(ScenarioError) as error:
        read_figures(path)
    assert str(error.value).startswith(f"{path}: {where}:")


def test_the_command_writes_a_new_profile_and_refuses_to_overwrite(tmp_path, capsys):
    from sdsim.experiments.cli import main

    out = tmp_path / "vb.toml"
    assert main(["profile", "build", str(EXAMPLE), "--name", "Voorbeeldstad", "--out", str(out)]) == 0
    assert load_profile(out, 5).households == 13_000
    assert main(["profile", "build", str(EXAMPLE), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith("exists; choose a new file")
