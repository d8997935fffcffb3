"""Fuzz test: generated files and argument vectors end in success or one line with exit 2; never a traceback or a hang.

A fixed seed (``derandomize``), no example database and a bounded number of examples: the same
cases on every run. ``benchmarks/fuzz_inputs.py`` runs many more and prints the table.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz

FILE_CASES = 2400  # x 4 kinds shared: loading and validation only, a few ms each
ARGV_CASES = 300  # whole commands in this process; the valid ones run a 60-household model for a year
MODEL_CASES = 60  # parameters at or within their bounds, run end to end on 1 to 60 households
SETTINGS = {"derandomize": True, "database": None, "deadline": None, "suppress_health_check": list(HealthCheck)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return fuzz.make_folder(tmp_path_factory.mktemp("fuzz"))


def _no_failures(before: int) -> None:
    new = fuzz.FAILURES[before:]
    assert not new, "\n".join(new[:10])


@settings(max_examples=FILE_CASES, **SETTINGS)
@given(kind=st.sampled_from(["scenario", "profile", "sweep", "params"]), ops=fuzz.mutations)
def test_generated_files(folder, kind, ops):
    before = len(fuzz.FAILURES)
    base = {"scenario": fuzz.SCENARIO, "profile": fuzz.profile_text(), "sweep": fuzz.SWEEP, "params": fuzz.PARAMS}[kind]
    fuzz.check_file(folder, kind, fuzz.mutate(base, ops))
    _no_failures(before)


@settings(max_examples=ARGV_CASES, **SETTINGS)
@given(argv=fuzz.argvs())
def test_generated_argument_vectors(folder, argv):
    before = len(fuzz.FAILURES)
    fuzz.check_argv(folder, argv)
    _no_failures(before)


@settings(max_examples=MODEL_CASES, **SETTINGS)
@given(case=fuzz.extreme_scenarios())
def test_parameters_at_their_bounds_run_to_finite_outputs(folder, case):
    before = len(fuzz.FAILURES)
    fuzz.check_model(folder, *case)
    _no_failures(before)


def test_the_fuzz_covered_both_outcomes():
    """Runs after the two above (file order): the generated cases reached both success and errors, per kind."""
    tally = fuzz.TALLY
    ran = {kind for (kind, _), n in tally.items() if n}
    if ran != {"scenario", "profile", "sweep", "params", "argv", "model"}:
        pytest.skip("run with all the fuzz tests above")
    for kind in ran:
        assert tally[kind, "completed"] > 0 and tally[kind, "exit 2"] > 0, (kind, dict(tally))
    assert sum(tally.values()) >= FILE_CASES + ARGV_CASES + MODEL_CASES - 50  # hypothesis may stop early only on an exhausted space
    print("\n" + fuzz.table())
