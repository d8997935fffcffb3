"""The sensitivity pipeline on SALib's Ishigami function, a model-ignored parameter, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sdsim.experiments import sensitivity as sa
from sdsim.experiments.cli import main

# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic first-order and total indices.
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def _ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_pipeline_recovers_ishigami_indices_and_a_zero_for_an_ignored_parameter():
    pi = float(np.pi)
    problem = sa.Problem(("x1", "x2", "x3", "ignored"), ((-pi, pi),) * 4, ("unif",) * 4)
    x = sa.sample(problem, "sobol", 1024, seed=101)
    indices = sa.analyze(problem, "sobol", x, _ishigami(x), seed=101)
    # SALib's own regression tests for Sobol on Ishigami: atol 5e-2, rtol 1e-1
    np.testing.assert_allclose(indices["S1"][:3], ISHIGAMI_S1, atol=5e-2, rtol=1e-1)
    np.testing.assert_allclose(indices["ST"][:3], ISHIGAMI_ST, atol=5e-2, rtol=1e-1)
    st, conf = indices["ST"][3], indices["ST_conf"][3]
    assert st - conf <= 0.0 <= st + conf  # the ignored parameter's total index: an interval containing 0


def test_morris_ranks_ishigami_parameters():
    pi = float(np.pi)
    problem = sa.Problem(("x1", "x2", "x3", "ignored"), ((-pi, pi),) * 4, ("unif",) * 4)
    x = sa.sample(problem, "morris", 200, seed=3)
    indices = sa.analyze(problem, "morris", x, _ishigami(x), seed=3)
    assert indices["mu_star"][3] == 0.0 and min(indices["mu_star"][:3]) > 0.0


def test_noise_share():
    rng = np.random.default_rng(0)
    signal = np.repeat(np.arange(50.0)[:, None], 4, axis=1)
    assert sa.noise_share(signal) == 0.0
    noisy = signal + rng.normal(0, 100.0, signal.shape)  # noise dominates
    assert sa.noise_share(noisy) > 0.5


def test_noise_share_is_a_share_and_undefined_without_replicates():
    rng = np.random.default_rng(1)
    pure_noise = rng.normal(0.0, 1.0, (64, 4))  # parameters without effect: all variance of row means is noise
    assert 0.5 < sa.noise_share(pure_noise) <= 1.0
    assert sa.noise_share(rng.normal(0.0, 1.0, (64, 1))) is None  # one replicate: no within-row variance
    assert sa.noise_share(np.ones((8, 3))) is None  # constant output


def test_indices_outside_0_1_or_wider_than_their_interval_are_unresolved():
    problem = sa.Problem(("a", "b", "c"), ((0.0, 1.0),) * 3, ("unif",) * 3)
    indices = {"S1": [1.2, 0.5, 0.02], "S1_conf": [0.01, 0.01, 0.05], "ST": [1.0, 0.6, -0.1], "ST_conf": [0.01, 0.01, 0.01]}
    assert sa.unresolved(problem, "sobol", indices) == ["a (S1 1.200 ± 0.010)", "c (S1 0.020 ± 0.050)", "c (ST -0.100 ± 0.010)"]
    result = sa.named_result(problem, {**indices, "S1": [float("nan"), 0.5, 0.02]}, None, [])
    assert result["indices"]["a"]["S1"] is None and result["indices"]["b"]["ST"] == 0.6


@pytest.mark.parametrize(
    ("text", "args", "expect"),
    [
        ('[parameters."no.such"]\n', [], "parameters.no.such: unknown parameter"),
        ('[parameters."escalate.jeugd"]\nbounds = [0.05, 0.01]\n', [], "parameters.escalate.jeugd.bounds: expected low < high"),
        ('[parameters."escalate.jeugd"]\n', ["--n", "1000"], "N a power of two, got 1000"),
        ('[parameters."escalate.jeugd"]\ndist = "cauchy"\n', [], "parameters.escalate.jeugd.dist: expected one of"),
    ],
)
def test_bad_sensitivity_input_exits_2(tmp_path, capsys, text, args, expect):
    params = tmp_path / "params.toml"
    params.write_text(text)
    assert main(["sensitivity", "scenarios/baseline.toml", "--params", str(params), *args, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expect in err[0], err


def test_sensitivity_on_the_model(tmp_path, capsys):
    """A small Morris run end to end: store, indices per output, noise share, plots."""
    import json

    from tests.test_sweep import _folder

    _folder(tmp_path, households=800)
    (tmp_path / "alt.toml").write_text('extends = "base.toml"\nname = "alt"\n[parameters]\n"lever.shift.wmo_hbh.share" = 0.5\n')
    params = tmp_path / "params.toml"
    params.write_text(
        '[parameters."escalate.jeugd"]\n[parameters."ask.wmo.moderate"]\n[parameters."lever.poh.share"]\nbounds = [0.0, 0.5]\n'
    )
    out = tmp_path / "sa"
    args = ["sensitivity", str(tmp_path / "base.toml"), "--params", str(params), "--method", "morris", "--n", "4", "--replicates", "2"]
    assert main([*args, "--compare", str(tmp_path / "alt.toml"), "--workers", "1", "--years", "2", "--out", str(out)]) == 0
    written = json.loads((out / "sensitivity.json").read_text())
    assert written["provenance"]["years"] == 2
    result = written["outputs"]
    assert {"spending.total", "escalations", "waiting_time.access", "difference.spending.total"} <= set(result)
    assert 0.0 <= result["spending.total"]["noise_share"] <= 1.0
    indices = result["escalations"]["indices"]
    assert set(indices) == {"escalate.jeugd", "ask.wmo.moderate", "lever.poh.share"}
    assert all(set(v) == {"mu", "mu_star", "sigma", "mu_star_conf"} for v in indices.values())
    assert (out / "figures" / "spending.total.png").exists()


def test_sensitivity_with_a_posterior_runs_each_replicate_on_its_draw(tmp_path):
    """--posterior: the design's sweep carries the draws (replicate r, row r mod n; experiments.sweep) and records them."""
    from sdsim.experiments.cli import build_parser, sensitivity_sweep

    from tests.test_sweep import _folder

    _folder(tmp_path, households=800)
    params = tmp_path / "params.toml"
    params.write_text('[parameters."escalate.jeugd"]\n')
    (tmp_path / "draws.csv").write_text("onset.wmo.elderly\n0.02\n0.05\n")
    argv = ["sensitivity", str(tmp_path / "base.toml"), "--params", str(params), "--method", "morris", "--n", "2"]
    _, _, sweep = sensitivity_sweep(build_parser().parse_args([*argv, "--posterior", str(tmp_path)]))
    assert sweep.draws is not None and sweep.draws.names == ("onset.wmo.elderly",)
    assert sweep.describe()["posterior"]["draws"] == 2
