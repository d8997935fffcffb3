"""A new lever that reuses existing mechanisms is one module and a scenario file.

The test writes a toy lever module into a temporary package, registers the package under the
``sdsim.levers`` entry-point group (a ``.dist-info`` folder beside it, as ``pip install`` of a
plugin would write) and, in a fresh interpreter, loads a scenario file that sets the toy lever and
runs the engine and the ledger with it. No file of sdsim is edited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sdsim.scenarios.loader import BASELINE
from sdsim.simulation import levers
from sdsim.simulation.levers import discover

ROOT = Path(__file__).resolve().parents[1]

TOY_LEVER = '''
"""L15 debt coaching (toy): more debts resolved by own strength, paid from the welfare budget."""

from sdsim.simulation.levers import Check, Lever
from sdsim.simulation.parameter import declare
from sdsim.simulation.schema import SCHULDEN


def coach(rates, params):
    resolve_own = rates.resolve_own.copy()
    resolve_own[SCHULDEN] *= 1.0 + params["lever.toy.coaching"]
    return rates._replace(resolve_own=resolve_own)


def budget(profile, params):
    return {"algemene_voorzieningen": params["lever.toy.budget_year"] / 12.0}


LEVER = Lever(
    id="L15",
    title="debt coaching (toy)",
    mechanism="own-strength resolution of debts rises by the coaching factor",
    direction="more debts resolved by own strength",
    seed="test",
    parameters=(
        declare("lever.toy.coaching", 0.0, (0.0, 2.0), "relative rise in own-strength resolution of debts", "assumption", (0.0, 10.0)),
        declare("lever.toy.budget_year", 0.0, (0.0, 1e6), "euro per year", "assumption", (0.0, 1e9)),
    ),
    rates=coach,
    costs=budget,
    checks=(Check("own-strength resolutions", {"lever.toy.coaching": 2.0}, ("resolved_own.schulden",), +1),),
)
'''

RUN = """
import json, sys
from sdsim.scenarios.loader import load_scenario
from sdsim.simulation.engine import Engine
from sdsim.simulation.indicators import monthly_indicators
from sdsim.simulation.ledger import book
from sdsim.simulation.levers import LEVERS, lever_of
from sdsim.simulation.parameters import Parameters
from sdsim.simulation.schema import LINE
from tests.conftest import small_profile

scenario = load_scenario(sys.argv[1])
profile = small_profile(scenario.profile, 4000, burn_in_years=1)
out = {"levers": [lever.id for lever in LEVERS], "owner": lever_of("lever.toy.coaching").id}
for name, params in (("base", Parameters()), ("toy", scenario.params)):
    engine = Engine(profile, params, seed=3, horizon_months=24)
    tallies = engine.run()
    series = monthly_indicators(tallies, book(tallies, engine.compiled))
    out[name] = {
        "resolved_own": float(series["resolved_own.schulden"].sum()),
        "lever_cost": float(engine.compiled.lever_costs[LINE["algemene_voorzieningen"]]),
    }
print(json.dumps(out))
"""


def _plugin(folder: Path) -> None:
    """A package ``toy_levers`` with one lever module, registered as an installed distribution would be."""
    package = folder / "toy_levers"
    package.mkdir()
    (package / "__init__.py").write_text('"""Toy levers."""\n')
    (package / "l15_debt_coaching.py").write_text(TOY_LEVER)
    info = folder / "toy_levers-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-levers\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[sdsim.levers]\ntoy = toy_levers\n")


def test_discover_finds_the_lever_modules_of_a_package():
    assert [lever.id for lever in discover(levers)] == [f"L{i}" for i in range(1, 15)]


def test_a_toy_lever_module_and_a_scenario_file_run_without_editing_sdsim(tmp_path):
    _plugin(tmp_path)
    scenario = tmp_path / "toy.toml"
    scenario.write_text(
        textwrap.dedent(f"""\
            name = "toy"
            extends = "{BASELINE}"
            [parameters]
            "lever.toy.coaching" = 2.0
            "lever.toy.budget_year" = 120000.0
            """)
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", RUN, str(scenario)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["levers"][-1] == "L15" and out["owner"] == "L15"
    assert out["toy"]["lever_cost"] == 10000.0 and out["base"]["lever_cost"] == 0.0
    assert out["toy"]["resolved_own"] > out["base"]["resolved_own"]
