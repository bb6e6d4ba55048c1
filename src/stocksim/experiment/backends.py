"""Where batches of replications run: in this process, in local worker processes, or on a Dask
cluster. A batch is the unit of work; each replication draws from its own random streams, so
the results do not depend on where or in what order batches run.

- ``serial``: this process;
- ``--workers N``: N local processes (``concurrent.futures.ProcessPoolExecutor``);
- ``--dask tcp://HOST:PORT``: a running ``dask.distributed`` scheduler (``dask scheduler`` and
  ``dask worker``); ``--dask local:N`` starts a LocalCluster of N single-threaded worker
  processes on this machine. A task carries the parsed scenario and its arrays (``tasks``), so a
  Dask worker needs stocksim and nothing else; the run refuses a worker whose stocksim differs
  from this one (``code_fingerprint``), which could give other numbers.

Local workers die with the run that started them. Each worker, as it starts, asks the Linux
kernel to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere a thread
in the worker watches for a change of parent), so ``kill -9`` of a run leaves no worker behind.
When the run is interrupted (Ctrl-C, SIGTERM) or a batch fails, the parent kills its workers and
waits for them before the run's staging folder is removed, so nothing is written after that.
Workers ignore Ctrl-C, which the terminal sends to the whole process group: the parent decides.
(The kernel's signal follows the thread that started the pool, which is the thread waiting for
its results: a pool lives within one ``Backend.run``.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stocksim import __version__
from stocksim.scenario.errors import ConfigError


class BatchFailed(Exception):
    """A batch raised in a worker; the message names the scenario and the replications."""


def call_batch(fn: Callable, task: Any, label: str) -> Any:
    """Run one task, turning any error into a BatchFailed that says where it happened."""
    try:
        return fn(task)
    except Exception as exc:  # a worker's error travels back as text, naming config and replications
        raise BatchFailed(f"{label}: {type(exc).__name__}: {exc}") from exc


@dataclass
class Backend:
    """How to run: ``workers`` local processes (1 = this process) or a Dask address."""

    workers: int = 1
    dask: str | None = None

    def describe(self) -> str:
        if self.dask:
            return f"dask {self.dask}"
        return "1 process" if self.workers == 1 else f"{self.workers} worker processes"

    def run(self, fn: Callable, tasks: list, label: Callable[[Any], str]) -> Generator[tuple[int, Any], None, None]:
        """Yield (task index, result) as tasks finish, in any order; at most a few tasks per
        worker are in flight, so results never pile up in memory."""
        if self.dask:
            yield from _run_dask(self.dask, fn, tasks, label)
        elif self.workers <= 1 or len(tasks) <= 1:
            for k, task in enumerate(tasks):
                yield k, call_batch(fn, task, label(task))
        else:
            yield from _run_processes(self.workers, fn, tasks, label)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def worker_start(parent: int) -> None:
    """A local worker's first act: leave Ctrl-C to the parent, die of SIGTERM, and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _watch_parent(parent: int, every: float = 0.5) -> None:
    """Where prctl is unavailable: exit as soon as the parent is gone (the worker is re-parented)."""
    while os.getppid() == parent:
        threading.Event().wait(every)
    os._exit(1)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes at once and wait for them (a batch half-way through is
    of no use to an interrupted run, and must not go on writing into its staging folder)."""
    processes = dict(getattr(pool, "_processes", None) or {})  # pid -> Process; no public API before 3.14
    for process in processes.values():
        process.kill()
    for process in processes.values():
        process.join(timeout=5)


def _run_processes(workers: int, fn, tasks, label):
    in_flight = 2 * workers
    # Forked workers start with this process's imports (numpy, pandas, numba, the model) done.
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=worker_start, initargs=(os.getpid(),)
    )
    pending: dict = {}
    queue = iter(enumerate(tasks))
    try:
        for k, task in queue:
            pending[pool.submit(call_batch, fn, task, label(task))] = k
            if len(pending) >= in_flight:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                k = pending.pop(fut)
                yield k, fut.result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending[pool.submit(call_batch, fn, nxt[1], label(nxt[1]))] = nxt[0]
    except BaseException:
        # No fut.cancel(): the pool, broken by the kill, fails every pending future itself (and in
        # Python 3.11 raises InvalidStateError in its manager thread on one already cancelled).
        _kill_workers(pool)
        pool.shutdown(wait=False)
        raise
    # All done: the workers exit in the background while the caller writes the summary.
    pool.shutdown(wait=False)


def parse_dask(address: str) -> tuple[str, int | None]:
    if address.startswith("local:"):
        try:
            n = int(address.split(":", 1)[1])
        except ValueError:
            raise ConfigError("--dask", "", "expected local:N with N a whole number", address) from None
        if n < 1:
            raise ConfigError("--dask", "", "local:N needs N >= 1", address)
        return "local", n
    if not address.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise ConfigError("--dask", "", "expected tcp://HOST:PORT or local:N", address)
    return address, None


CONNECT_SECONDS = 30  # for the scheduler to answer
WORKER_WAIT_SECONDS = 10  # before the run says it is waiting for a worker to join


def code_fingerprint() -> str:
    """stocksim's version and a hash of its source files: what a Dask worker must share with the
    machine that runs ``stocksim`` for the same seed to give the same tables."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return f"{__version__} (code {h.hexdigest()[:12]})"


def _check_workers(client: Any, address: str) -> None:
    """Refuse a cluster whose workers run another stocksim (or none): they would give other numbers."""
    here = code_fingerprint()
    found = client.run(code_fingerprint, on_error="return")
    for worker, theirs in sorted(found.items()):
        if isinstance(theirs, BaseException):
            problem = f"worker {worker} cannot run this stocksim ({theirs})"
        elif theirs != here:
            problem = f"worker {worker} runs stocksim {theirs}, this machine {here}"
        else:
            continue
        raise ConfigError("--dask", "", f"{problem}: install the same stocksim on every worker", address)


def _run_dask(address: str, fn, tasks, label):
    """Run the tasks on a Dask cluster. A task carries the parsed scenario with its data arrays,
    so a worker needs stocksim (the same version) and nothing else: no data files, no shared
    folder. A worker's error comes back as a BatchFailed naming the batch."""
    from dask.distributed import Client, LocalCluster, as_completed

    where, n = parse_dask(address)
    cluster = None
    if where == "local":
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        client = Client(cluster)
    else:
        try:
            client = Client(where, timeout=f"{CONNECT_SECONDS}s")
        except OSError as exc:
            raise ConfigError(
                "--dask", "", f"no Dask scheduler answered within {CONNECT_SECONDS} s ({exc})", address
            ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            logging.getLogger(__name__).warning(
                "no Dask worker has joined %s yet; waiting for one (start it with: dask worker %s)", where, where
            )
            client.wait_for_workers(1)
        _check_workers(client, address)
        futures = {}
        for k, task in enumerate(tasks):
            futures[client.submit(call_batch, fn, task, label(task), pure=False)] = k
        for fut in as_completed(futures):
            k = futures[fut]
            try:
                result = fut.result()
            except BatchFailed:
                raise
            except Exception as exc:  # the worker died (KilledWorker), the scheduler went away, ...
                raise BatchFailed(f"{label(tasks[k])}: on the Dask cluster: {type(exc).__name__}: {exc}") from exc
            yield k, result
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
