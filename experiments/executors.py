"""Where sweep chunks run: local processes or a Dask cluster, with bounded memory.

Both executors have the same contract: ``map_chunks(sweep, chunks)`` yields ``(chunk, columns)`` as
chunks finish, with at most ``2 x workers`` chunks submitted and not yet consumed. A chunk's result
depends only on the sweep and the chunk number, never on the worker, so every executor and worker
count gives the same store. Memory bound of the driver: the design plus ``2 x workers`` chunk
results (``chunk_size x (4 + metrics x years) x 8`` bytes each); each worker holds one replicate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

import numpy as np
from sdsim.experiments.runner import default_workers, worker_pool
from sdsim.experiments.sweep import Sweep, run_chunk
from sdsim.scenarios.loader import ScenarioError

Result = tuple[int, dict[str, np.ndarray]]


class LocalExecutor:
    """Processes on this machine (spawned; one numba thread each)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self.address = "local processes"

    def map_chunks(self, sweep: Sweep, chunks: Iterable[int]) -> Iterator[Result]:
        """Run chunks; yield results as they finish (bounded number in flight)."""
        todo = iter(chunks)
        if self.workers == 1:
            for chunk in todo:
                yield chunk, run_chunk(sweep, chunk)
            return
        with worker_pool(self.workers) as pool:
            pending = {pool.submit(run_chunk, sweep, chunk): chunk for chunk in _take(todo, 2 * self.workers)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = pending.pop(future)
                    yield chunk, future.result()
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending[pool.submit(run_chunk, sweep, nxt)] = nxt

    def close(self) -> None:
        """Nothing to release."""


class DaskExecutor:
    """A ``dask.distributed`` cluster: an existing scheduler, or a LocalCluster of ``workers`` processes."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None, connect_timeout: float = 5.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ScenarioError("--executor dask", "", "needs dask.distributed: pip install 'sdsim[scale]'") from None
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=connect_timeout)
            except (OSError, TimeoutError) as err:
                raise ScenarioError(scheduler, "--scheduler", f"cannot reach the Dask scheduler ({type(err).__name__})") from None
        else:
            self.cluster = LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.address = self.client.scheduler.address
        self.dashboard = self.client.dashboard_link

    def map_chunks(self, sweep: Sweep, chunks: Iterable[int]) -> Iterator[Result]:
        """Run chunks on the cluster; yield results as they finish (bounded number in flight)."""
        from distributed import as_completed

        todo = iter(chunks)
        [shared] = self.client.scatter([sweep], broadcast=True)
        token = hashlib.sha256(json.dumps(sweep.describe(), sort_keys=True, default=str).encode()).hexdigest()[:16]

        def submit(c: int):
            return self.client.submit(run_chunk, shared, c, key=f"sdsim-{token}-{c}", pure=False)

        first = [submit(c) for c in _take(todo, 2 * self.workers)]
        if not first:
            return
        queue = as_completed(first)
        for future in queue:
            chunk = int(future.key.rsplit("-", 1)[1])
            yield chunk, future.result()
            future.release()
            nxt = next(todo, None)
            if nxt is not None:
                queue.add(submit(nxt))

    def close(self) -> None:
        """Disconnect (and stop a cluster this executor started)."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _take(iterator: Iterator[int], n: int) -> list[int]:
    out = []
    for item in iterator:
        out.append(item)
        if len(out) == n:
            break
    return out


def execute(
    sweep: Sweep,
    root: Path | str,
    executor: LocalExecutor | DaskExecutor,
    resume: bool = False,
    on_done: Callable[[int], None] | None = None,
) -> dict:
    """Run every chunk not yet in the store at ``root`` on ``executor``; finish the store; return its summary.

    Chunks are written as they arrive (atomically), so memory stays bounded and a killed sweep
    loses at most the chunks in flight; ``complete.json`` is written only when all chunks exist.
    """
    from sdsim.experiments.output import provenance_of
    from sdsim.experiments.store import finish, open_store, write_chunk

    root = Path(root)
    done = open_store(root, sweep.describe(), resume)
    if on_done and done:
        on_done(len(done))
    todo = (c for c in range(sweep.n_chunks) if c not in done)
    for chunk, columns in executor.map_chunks(sweep, todo):
        write_chunk(root, chunk, columns)
        if on_done:
            on_done(1)
    return finish(root, sweep.n_chunks, provenance_of({"executor": type(executor).__name__, "workers": executor.workers}))
