"""Sweeps: identical stores for every executor and worker count, a real Dask cluster, kill -9 and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sdsim.experiments.cli import main
from sdsim.experiments.executors import DaskExecutor, LocalExecutor, execute
from sdsim.experiments.store import COMPLETE, chunk_path, read_store
from sdsim.experiments.sweep import load_sweep
from sdsim.scenarios.loader import SCENARIO_DIR

from tests.conftest import profile_text

SWEEP = """name = "test-sweep"
scenarios = ["base.toml"]
replicates = {replicates}
years = 2
chunk_size = {chunk}
metrics = ["spending.total", "clients_tier.maatwerk", "escalations.jeugd"]
[design]
"lever.shift.wmo_hbh.share" = [0.0, 0.5]
"escalate.jeugd" = [0.02, 0.04]
"""


def _folder(tmp_path: Path, replicates: int = 3, chunk: int = 2, households: int = 1000) -> Path:
    text = profile_text(households, burn_in_years=1)
    (tmp_path / "small.toml").write_text(text)
    (tmp_path / "base.toml").write_text(f'extends = "{SCENARIO_DIR / "baseline.toml"}"\nname = "base"\nprofile = "small.toml"\nyears = 2\n')
    (tmp_path / "sweep.toml").write_text(SWEEP.format(replicates=replicates, chunk=chunk))
    return tmp_path / "sweep.toml"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sweep run in this process (one worker): the store every other run must equal."""
    folder = tmp_path_factory.mktemp("sweep")
    sweep = load_sweep(_folder(folder))
    execute(sweep, folder / "ref", LocalExecutor(1))
    return folder, sweep, read_store(folder / "ref")


def test_design_and_store(reference):
    folder, sweep, table = reference
    assert sweep.n_tasks == 4 * 3 and table.num_rows == 12
    assert table.column("task").to_pylist() == list(range(12))
    assert len(set(table.column("spending.total@2026").to_pylist())) > 1  # design rows and replicates differ
    assert set(table.column("scenario").to_pylist()) == {"base"}
    rows = table.column("row").to_pylist()
    shares = table.column("lever.shift.wmo_hbh.share").to_pylist()
    assert all(share == sweep.rows[row]["lever.shift.wmo_hbh.share"] for row, share in zip(rows, shares, strict=True))
    assert "spending.total@2027" in table.column_names and "spending.total@2028" not in table.column_names
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in (folder / "ref" / "chunks").iterdir())
    assert (folder / "ref" / COMPLETE).exists()


def test_local_processes_give_the_identical_store(reference, tmp_path):
    _, sweep, table = reference
    execute(sweep, tmp_path / "two", LocalExecutor(2))
    assert read_store(tmp_path / "two").equals(table)


def test_dask_cluster_gives_the_identical_store(reference, tmp_path):
    """Through the cluster that .ci/run starts (SDSIM_DASK_SCHEDULER), else a LocalCluster of two workers."""
    _, sweep, table = reference
    executor = DaskExecutor(workers=2, scheduler=os.environ.get("SDSIM_DASK_SCHEDULER"))
    try:
        assert executor.workers >= 1
        execute(sweep, tmp_path / "dask", executor)
    finally:
        executor.close()
    assert read_store(tmp_path / "dask").equals(table)


def test_overwrite_and_printed_summary(reference, tmp_path, capsys):
    folder, _, table = reference
    store = tmp_path / "again"
    (store / "chunks").mkdir(parents=True)
    (store / "chunks" / "part-000099.parquet").write_text("stale")
    argv = ["sweep", str(folder / "sweep.toml"), "--workers", "1", "--out", str(store)]
    assert main(argv) == 2 and "--overwrite" in capsys.readouterr().err
    assert main([*argv, "--overwrite"]) == 0
    assert read_store(store).equals(table)
    out = capsys.readouterr().out
    assert "store: 12 rows (tasks) in 6 chunk files" in out and "scenarios: base; design rows: 4" in out and "pd.read_parquet" in out


def test_kill_9_then_resume_gives_the_identical_store(tmp_path):
    sweep_file = _folder(tmp_path, replicates=30, chunk=1)
    sweep = load_sweep(sweep_file)
    execute(sweep, tmp_path / "whole", LocalExecutor(1))
    store = tmp_path / "killed"
    command = [sys.executable, "-m", "sdsim.experiments.cli", "sweep", str(sweep_file), "--workers", "1", "--out", str(store)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not chunk_path(store, 3).exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list((store / "chunks").glob("part-*.parquet")))
    assert 0 < done < sweep.n_chunks, f"kill landed after {done} of {sweep.n_chunks} chunks"
    assert not (store / COMPLETE).exists()  # an interrupted sweep never claims to be complete
    with pytest.raises(Exception, match="not complete"):
        read_store(store)
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(store)]) == 2  # exists: needs --resume
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(store), "--resume"]) == 0
    assert read_store(store).equals(read_store(tmp_path / "whole"))
    assert not list((store / "chunks").glob(".*"))  # no partial files left


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (('"escalate.jeugd" = [0.02, 0.04]', '"no.such" = [1]'), "design.no.such: unknown parameter"),
        (('"escalate.jeugd" = [0.02, 0.04]', '"escalate.jeugd" = [2.0]'), "design.escalate.jeugd: 2.0 outside allowed range"),
        (("replicates = 3", "replicates = 0"), "replicates: expected a whole number"),
        (("years = 2", "years = 2\ncolour = 1"), "colour: unknown key"),
        (('"escalations.jeugd"]', '"escalations.nowhere"]'), "metrics: 'escalations.nowhere': expected a stock or flow metric"),
    ],
)
def test_bad_sweep_exits_2_with_one_line(tmp_path, capsys, edit, expect):
    path = _folder(tmp_path)
    path.write_text(path.read_text().replace(*edit))
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and expect in err[0], err


def test_unreachable_scheduler_exits_2(tmp_path, capsys):
    path = _folder(tmp_path)
    assert main(["sweep", str(path), "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "cannot reach the Dask scheduler" in err[-1] and "Traceback" not in "".join(err)
    assert not (tmp_path / "o").exists()


def test_shared_burn_in_is_identical_across_workers_and_rejects_structural_levers(tmp_path, capsys):
    path = _folder(tmp_path)
    path.write_text(path.read_text().replace("chunk_size = 2", 'chunk_size = 2\nburn_in = "shared"'))
    sweep = load_sweep(path)
    assert sweep.burn_in == "shared"
    execute(sweep, tmp_path / "one", LocalExecutor(1))
    execute(sweep, tmp_path / "two", LocalExecutor(2))
    shared = read_store(tmp_path / "one")
    assert shared.equals(read_store(tmp_path / "two"))
    path.write_text(path.read_text().replace('"escalate.jeugd" = [0.02, 0.04]', '"lever.providers.contracts" = [0.5, 1.0]'))
    assert main(["sweep", str(path), "--out", str(tmp_path / "bad")]) == 2
    assert 'design.lever.providers.contracts: changes the provider contracts; use burn_in = "row"' in capsys.readouterr().err


def test_a_posterior_gives_replicate_r_its_draw_under_every_design_row(tmp_path):
    """`sweep --posterior`: task (row j, replicate r) runs draw r mod n with the design row on top, identical on 1 or 2
    workers; the store records the posterior (a resume with another refuses)."""
    import dataclasses
    import json

    import numpy as np
    from sdsim.experiments.runner import run_replicate
    from sdsim.experiments.sweep import run_task
    from sdsim.scenarios.posterior import read_draws

    path = _folder(tmp_path)
    (tmp_path / "draws.csv").write_text("onset.wmo.elderly,onset.jeugd.children\n0.02,0.010\n0.05,0.020\n")
    draws = read_draws(tmp_path / "draws.csv")
    sweep = dataclasses.replace(load_sweep(path), draws=draws)
    for task in range(sweep.n_tasks):
        _, j, r = sweep.task(task)
        own = draws.scenario(sweep.scenarios[0], r)
        monthly = run_replicate(own, sweep.seed, r, sweep.years, None, own.params.replace(sweep.rows[j]))
        assert run_task(sweep, task)[0] == pytest.approx(monthly["spending.total"][:12].sum(), rel=1e-12)  # the first year's spending
    plain = load_sweep(path)
    assert not np.array_equal(run_task(sweep, 1), run_task(plain, 1))  # the draw changes the run (replicate 1: row 1)
    assert main(["sweep", str(path), "--posterior", str(tmp_path), "--workers", "2", "--out", str(tmp_path / "two")]) == 0
    execute(sweep, tmp_path / "one", LocalExecutor(1))
    assert read_store(tmp_path / "one").equals(read_store(tmp_path / "two"))
    assert json.loads((tmp_path / "two" / "sweep.json").read_text())["design"]["posterior"]["sha256"] == draws.sha256
    assert main(["sweep", str(path), "--resume", "--out", str(tmp_path / "two")]) == 2  # without the posterior: another sweep
