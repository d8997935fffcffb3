"""Generated inputs for the fuzz test (``tests/test_fuzz.py``) and its longer run (``benchmarks/fuzz_inputs.py``).

Files: a valid scenario, profile, sweep or sensitivity parameter file, changed by up to four
mutations (a value replaced by any TOML literal, a line added, dropped or repeated, a byte-order mark,
stray bytes, a cut). Argument vectors: every command with options drawn from valid and invalid
values. Each case must end in one of two ways: success with finite, strict outputs, or
``ScenarioError`` / exit status 2 with one short line. Anything else is counted: a traceback (any
other exception), a hang (no answer within ``TIMEOUT`` seconds) or a wrong exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import signal
from collections import Counter
from pathlib import Path

from hypothesis import strategies as st
from sdsim.scenarios.loader import SCENARIO_DIR
from sdsim.simulation.parameters import BY_NAME, NAMES

from tests.conftest import profile_text as default_profile_text

TIMEOUT = 30.0  # seconds per case; a valid case runs a tiny model (60 households, one year)
TALLY: Counter = Counter()  # (kind, outcome) -> cases
FAILURES: list[str] = []  # one line per case that was not a success or a one-line error

BASELINE = SCENARIO_DIR / "baseline.toml"
SCENARIO = (
    f'name = "fz"\nextends = "{BASELINE}"\nprofile = "p.toml"\nyears = 1\n[parameters]\n"escalate.jeugd" = 0.03\n"tariff.wmo_hbh" = 400\n'
)
ALTERNATIVE = 'name = "alt"\nextends = "s.toml"\n[parameters]\n"lever.poh.share" = 0.5\n'
SWEEP = (
    'name = "fz"\nscenarios = ["s.toml"]\nreplicates = 1\nseed = 0\nyears = 1\nchunk_size = 4\nmetrics = ["spending.total"]\n'
    'burn_in = "row"\n[design]\n"escalate.jeugd" = [0.02, 0.04]\n'
)
PARAMS = '[parameters."escalate.jeugd"]\nbounds = [0.01, 0.05]\ndist = "unif"\n[parameters."lever.poh.share"]\n'


def profile_text() -> str:
    """The default municipality with 60 households and no burn-in: a model run takes a fraction of a second."""
    return default_profile_text(60, burn_in_years=0)


def make_folder(root: Path) -> Path:
    """Write the valid files every case starts from; return the folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "p.toml").write_text(profile_text())
    (root / "s.toml").write_text(SCENARIO)
    (root / "a.toml").write_text(ALTERNATIVE)
    (root / "w.toml").write_text(SWEEP)
    (root / "q.toml").write_text(PARAMS)
    (root / "full").mkdir(exist_ok=True)
    (root / "full" / "notes.txt").write_text("keep")
    return root


# --- strategies ---------------------------------------------------------------------------------------

_SPECIAL = ["0", "-1", "1", "2", "100", "101", "9223372036854775807", "9223372036854775808", "18446744073709551616", "1_000"]
_SPECIAL += ["inf", "-inf", "nan", "+nan", "1e308", "-1e308", "5e-324", "0.0", "-0.0", "0.5", "1.5", "2.0", "1e400"]
_SPECIAL += ["true", "false", "[]", "{}", "[1, 2, 3]", "[0.1, 0.2]", '["a"]', "{ a = 1 }", "[[1], [2]]", "1979-05-27", '""', '"x"']
_SPECIAL += ['"s.toml"', '"p.toml"', '"missing.toml"', '"baseline.toml"', '"norm"', '"triang"', '"shared"', '"spending.total"']


def _float(x: float) -> str:
    return repr(x) if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


values = st.one_of(
    st.sampled_from(_SPECIAL),
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(_float),
    st.text(max_size=8).map(json.dumps),
    st.lists(st.floats(-2.0, 2.0).map(_float), max_size=4).map(lambda v: f"[{', '.join(v)}]"),
    st.integers(1, 3000).map(lambda k: "[" * k + "]" * k),
)
_KEYS = ["name", "extends", "profile", "years", "description", "households", "burn_in_years", "wijken", "share", "fte", "slots"]
_KEYS += ["scenarios", "replicates", "seed", "metrics", "chunk_size", "burn_in", "bounds", "dist", "count", "tariff_factor"]
keys = st.one_of(
    st.sampled_from(_KEYS),
    st.sampled_from(NAMES).map(json.dumps),
    st.text("abcxyz._", min_size=1, max_size=6),
)
_LINES = ["[parameters]", "[parameters.escalate]", "jeugd = 0.5", '"escalate.jeugd" = 0.05', "[design]", '"escalate.jeugd" = [0.01]']
_LINES += ["[design.escalate]", "jeugd = [0.03]", '[parameters."escalate.jeugd"]', "bounds = [0.01, 0.02, 0.03]", 'dist = "norm"']
_LINES += ['[parameters."severity.wmo.light"]', '"severity.wmo.light" = 0.9', '"door_gp.jeugd" = 0.9', '"care.wmo_hbh.share" = 0.5']
_LINES += ["[[providers]]", "[[access_teams]]", "[revenue]", "jeugd_ambulant = -1", "[general_subsidy_year]", "[income_shares]"]
_LINES += ['name = "x"', 'name = "x"', "x = 1", "[x]", "[[x]]", "= 1", '"', "[", "a = [", "a = {", "\t", ""]

mutation = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 400), values),
    st.tuples(st.just("add"), st.integers(0, 400), st.tuples(keys, values)),
    st.tuples(st.just("line"), st.integers(0, 400), st.sampled_from(_LINES)),
    st.tuples(st.just("drop"), st.integers(0, 400), st.none()),
    st.tuples(st.just("repeat"), st.integers(0, 400), st.none()),
    st.tuples(st.just("bom"), st.just(0), st.none()),
    st.tuples(st.just("bytes"), st.integers(0, 10_000), st.binary(min_size=1, max_size=3)),
    st.tuples(st.just("cut"), st.integers(0, 10_000), st.none()),
)
mutations = st.lists(mutation, min_size=0, max_size=4)


def mutate(text: str, ops: list[tuple]) -> bytes:
    """Apply line mutations to ``text``, then byte mutations; return the file's bytes."""
    lines = text.splitlines()
    tail: list[tuple] = []
    for op, at, arg in ops:
        i = at % (len(lines) + 1)
        if op == "set":
            candidates = [j for j, line in enumerate(lines) if " = " in line]
            if candidates:
                j = candidates[at % len(candidates)]
                lines[j] = lines[j].split(" = ", 1)[0] + " = " + arg
        elif op == "add":
            lines.insert(i, f"{arg[0]} = {arg[1]}")
        elif op == "line":
            lines.insert(i, arg)
        elif op == "drop" and lines:
            del lines[at % len(lines)]
        elif op == "repeat" and lines:
            j = at % len(lines)
            lines.insert(j, lines[j])
        else:
            tail.append((op, at, arg))
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    for op, at, arg in tail:
        if op == "bom":
            data = b"\xef\xbb\xbf" + data
        elif op == "bytes":
            i = at % (len(data) + 1)
            data = data[:i] + arg + data[i:]
        elif op == "cut":
            data = data[: at % (len(data) + 1)]
    return data


# --- running one case ---------------------------------------------------------------------------------


class HangError(Exception):
    """A case that did not answer within ``TIMEOUT`` seconds."""


@contextlib.contextmanager
def time_limit(seconds: float = TIMEOUT):
    """Raise ``HangError`` in this (main) thread after ``seconds``."""

    def alarm(signum, frame):
        raise HangError

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _one_line(message: str) -> bool:
    return "\n" not in message.strip() and "Traceback" not in message and 0 < len(message) < 600


def _record(kind: str, outcome: str, detail: str = "") -> str:
    TALLY[kind, outcome] += 1
    if outcome not in ("completed", "exit 2"):
        FAILURES.append(f"{kind}: {outcome}: {detail}"[:400])
    return outcome


def check_file(root: Path, kind: str, data: bytes) -> str:
    """Load one generated file the way its command does before running; return the outcome."""
    from sdsim.experiments.cli import sensitivity_sweep
    from sdsim.experiments.sweep import load_sweep
    from sdsim.scenarios.files import ScenarioError
    from sdsim.scenarios.loader import load_scenario

    target = {"scenario": "s2.toml", "profile": "p2.toml", "sweep": "w2.toml", "params": "q2.toml"}[kind]
    (root / target).write_bytes(data)
    try:
        with time_limit():
            if kind == "scenario":
                scenario = load_scenario(root / "s2.toml")
            elif kind == "profile":
                (root / "s3.toml").write_text(SCENARIO.replace('"p.toml"', '"p2.toml"'))
                scenario = load_scenario(root / "s3.toml")
            elif kind == "sweep":
                scenario = load_sweep(root / "w2.toml").scenarios[0]
            else:
                args = argparse.Namespace(params=root / "q2.toml", scenario=root / "s.toml", compare=None, method="morris", n=2, seed=0,
                                          replicates=1, years=1, burn_in="shared", posterior=None)  # fmt: skip
                scenario = sensitivity_sweep(args)[2].scenarios[0]
    except ScenarioError as err:
        ok = _one_line(str(err))
        return _record(kind, "exit 2" if ok else "bad message", str(err))
    except HangError:
        return _record(kind, "hang", repr(data[:200]))
    except Exception as err:  # anything else would reach the user as a traceback
        return _record(kind, "traceback", f"{type(err).__name__}: {err} <- {data[:200]!r}")
    finite = all(math.isfinite(v) for v in scenario.params.values()) and 1 <= scenario.years <= 100
    return _record(kind, "completed" if finite else "not finite", repr(data[:200]))


# --- argument vectors -----------------------------------------------------------------------------------

_BAD_INTS = ["0", "-1", "abc", "", "1e3", "2**70", str(2**70), str(2**63), "1.5", " ", "-0x1"]
small = st.one_of(st.sampled_from(["1", "2"]), st.sampled_from(_BAD_INTS))
years = st.one_of(st.sampled_from(["1", "2"]), st.sampled_from(["101", "1000", *_BAD_INTS]))
seeds = st.one_of(st.integers(0, 2**63 - 1).map(str), st.integers(-(2**70), 2**70).map(str), st.sampled_from(_BAD_INTS))
files = st.sampled_from(["s.toml", "a.toml", "missing.toml", "", "full", "p.toml", "w.toml", "q.toml", "/dev/null", "s2.toml"])
outs = st.sampled_from(["NEW", "NEW", "NEW", "full", "s.toml", "s.toml/x", "", "x" * 300, "NEW/deeper"])
_FLAGS = {
    "run": {"--replicates": small, "--seed": seeds, "--years": years, "--workers": st.sampled_from(["1", "0", "5000", "x"])},
    "compare": {"--replicates": small, "--seed": seeds, "--years": years, "--lang": st.sampled_from(["nl", "en", "fr"])},
    "sweep": {"--workers": st.sampled_from(["1", "0", "x"]), "--executor": st.sampled_from(["local", "spark"])},
    "sensitivity": {
        "--params": st.sampled_from(["q.toml", "q2.toml", "s.toml", "missing.toml"]),
        "--method": st.sampled_from(["morris", "sobol", "fast"]),
        "--n": st.sampled_from(["2", "4", "3", "0", str(2**30)]),
        "--replicates": small,
        "--seed": seeds,
        "--years": years,
    },
    "validate": {"--replicates": small, "--seed": seeds},
    "parameters": {"--prefix": st.sampled_from(["", "door", "xyz", "lever.", "é"])},
}
_POSITIONAL = {"run": 1, "compare": 2, "sweep": 1, "sensitivity": 1, "validate": 1, "parameters": 0}


@st.composite
def argvs(draw) -> list[str]:
    """An argument vector: a command, its positional files, a few options, an output folder."""
    command = draw(st.sampled_from([*_FLAGS, "frobnicate"]))
    if command == "frobnicate":
        return [command, *draw(st.lists(st.text(max_size=5), max_size=2))]
    argv = [command]
    if command == "sweep":
        argv.append(draw(st.sampled_from(["w.toml", "w2.toml", "s.toml", "missing.toml"])))
    else:
        argv += [draw(files) for _ in range(_POSITIONAL[command])]
    for flag in draw(st.lists(st.sampled_from(sorted(_FLAGS[command])), max_size=4, unique=True)):
        argv += [flag, draw(_FLAGS[command][flag])]
    if command != "parameters":
        if command == "sensitivity":  # a valid design stays small: the default N = 1024 is a real analysis
            argv += [] if "--params" in argv else ["--params", "q.toml"]
            argv += [] if "--n" in argv else ["--n", "2"]
        argv += ["--out", draw(outs)]
        argv += draw(st.sampled_from([[], [], ["--overwrite"], ["--csv-dialect", "nl"] if command in ("run", "compare") else []]))
        if "--workers" not in argv and command != "validate":
            argv += ["--workers", "1"]
    return argv


_COUNTER = iter(range(10**9))
MARKERS = {"run": "summary.json", "compare": "comparison.json", "sweep": "complete.json", "sensitivity": "sensitivity.json"}


def _strict(path: Path) -> bool:
    def refuse(constant: str) -> float:
        raise ValueError(constant)

    try:
        json.loads(path.read_text(), parse_constant=refuse)
    except (OSError, ValueError):
        return False
    return True


def check_argv(root: Path, argv: list[str]) -> str:
    """Run ``sdsim`` in this process on ``argv`` (in ``root``); return the outcome."""
    import os

    from sdsim.experiments.cli import main

    fresh = f"out-{next(_COUNTER)}"
    argv = [a.replace("NEW", fresh) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(root)
    try:
        with time_limit(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as exit_:
                status = exit_.code
    except HangError:
        return _record("argv", "hang", " ".join(argv))
    except Exception as error:
        return _record("argv", "traceback", f"{type(error).__name__}: {error} <- {' '.join(argv)}")
    finally:
        os.chdir(cwd)
    message = err.getvalue().strip().splitlines()
    if status == 2:
        ok = len(message) == 1 and message[0].startswith("sdsim: error: ") and _one_line(message[0])
        return _record("argv", "exit 2" if ok else "bad message", f"{message} <- {' '.join(argv)}")
    if status == 0:
        marker = MARKERS.get(argv[0])
        if marker and not _strict(root / argv[argv.index("--out") + 1] / marker):
            return _record("argv", "no strict marker", " ".join(argv))
        return _record("argv", "completed")
    return _record("argv", f"exit {status}", f"{message} <- {' '.join(argv)}")


# --- valid extremes, run end to end ----------------------------------------------------------------------


@st.composite
def extreme_scenarios(draw) -> tuple[str, int]:
    """A scenario text setting up to six parameters to values within their bounds (often at a bound), and a household count."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    lines = []
    for name in names:
        low, high = BY_NAME[name].bounds
        value = draw(st.one_of(st.sampled_from([low, high, BY_NAME[name].default]), st.floats(low, high)))
        lines.append(f'"{name}" = {_float(value)}')
    households = draw(st.sampled_from([1, 2, 10, 60]))
    return f'name = "extreme"\nextends = "{BASELINE}"\nprofile = "px.toml"\n[parameters]\n' + "\n".join(lines) + "\n", households


def check_model(root: Path, text: str, households: int, years: int = 2) -> str:
    """Run a tiny model on a scenario of valid extremes; it completes with finite, strict outputs or exits 2 with one line."""
    (root / "px.toml").write_text(default_profile_text(households, burn_in_years=0))
    (root / "sx.toml").write_text(text)
    out = f"out-{next(_COUNTER)}"
    argv = ["run", "sx.toml", "--replicates", "2", "--years", str(years), "--workers", "1", "--out", out]
    outcome = check_argv(root, argv)
    TALLY["argv", outcome] -= 1  # counted below as a model case instead
    if outcome == "completed":
        summary = json.loads((root / out / "summary.json").read_text())
        values = [v for year in summary["years"].values() for stats in year.values() for v in stats.values() if isinstance(v, float)]
        finite = bool(values) and all(math.isfinite(v) for v in values)
        return _record("model", "completed" if finite else "not finite", text)
    TALLY["model", outcome] += 1
    return outcome


def table() -> str:
    """The tally as a table: cases, completed, exit 2, tracebacks, hangs, other (wrong exit code or message)."""
    kinds = sorted({k for k, _ in TALLY})
    rows = ["| input | cases | completed | exit 2 | tracebacks | hangs | wrong exit or message |", "|---|---|---|---|---|---|---|"]
    for kind in kinds:
        n = sum(v for (k, _), v in TALLY.items() if k == kind)
        done, two, tb, hang = (TALLY[kind, o] for o in ("completed", "exit 2", "traceback", "hang"))
        rows.append(f"| {kind} | {n} | {done} | {two} | {tb} | {hang} | {n - done - two - tb - hang} |")
    return "\n".join(rows)
