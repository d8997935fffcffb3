"""The fuzz test at a larger scale: many more generated files and argument vectors; prints the table.

    python -m benchmarks.fuzz_inputs [FILE_CASES] [ARGV_CASES] [MODEL_CASES] [SEED]

Same strategies and checks as ``tests/test_fuzz.py`` (``tests/fuzz.py``), a different seed and many
more examples; every case that is not a success or a one-line exit 2 is printed after the table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests import fuzz


def main(file_cases: int = 20_000, argv_cases: int = 2_000, model_cases: int = 300, chosen_seed: int = 20261129) -> int:
    root = fuzz.make_folder(Path(tempfile.mkdtemp(prefix="sdsim-fuzz-")))
    common = {"database": None, "deadline": None, "suppress_health_check": list(HealthCheck)}

    @seed(chosen_seed)
    @settings(max_examples=file_cases, **common)
    @given(kind=st.sampled_from(["scenario", "profile", "sweep", "params"]), ops=fuzz.mutations)
    def files(kind, ops):
        base = {"scenario": fuzz.SCENARIO, "profile": fuzz.profile_text(), "sweep": fuzz.SWEEP, "params": fuzz.PARAMS}[kind]
        fuzz.check_file(root, kind, fuzz.mutate(base, ops))

    @seed(chosen_seed)
    @settings(max_examples=argv_cases, **common)
    @given(argv=fuzz.argvs())
    def argvs(argv):
        fuzz.check_argv(root, argv)

    @seed(chosen_seed)
    @settings(max_examples=model_cases, **common)
    @given(case=fuzz.extreme_scenarios())
    def models(case):
        fuzz.check_model(root, *case)

    started = time.perf_counter()
    files()
    argvs()
    models()
    print(f"{sum(fuzz.TALLY.values())} cases in {time.perf_counter() - started:.0f} s (seed {chosen_seed}; work folder {root})")
    print(fuzz.table())
    for line in fuzz.FAILURES:
        print(line)
    return 1 if fuzz.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
