"""Worker processes for the chunks of a large file (more than `PARALLEL_FROM` rows): the parent
reads the rows, parses and hashes the IDs and looks the chunk's people up; the workers (fork,
`PERSON_IMPORT_WORKERS`) get plain data and never touch the database. Counts, errors (and their
cap) and rows are the same as in one process; a worker that fails, dies or hangs hands its chunk
and the rest back to the request's process."""
from __future__ import annotations

import multiprocessing
import os

# pickle: the workers' packed rows, within the HMAC-verified prepared outcome: nosec B403.
import pickle  # nosec B403
from collections import namedtuple
from typing import Any

from flask import current_app

from app.core.validators import IdNumberInfo
from app.persons.imports.check import (
    CURRENT_COLUMNS,
    CheckResult,
    Context,
    Pending,
    Prepared,
    RowError,
    Seen,
    UncappedResult,
    evaluate,
    no_cyclic_gc,
)
from app.persons.imports.packing import pack_rows

# Files with more rows than this have their further chunks checked and derived in worker
# processes (fork: the workers inherit the loaded reference data and the key ring, and receive
# plain rows; they never touch the database).
PARALLEL_FROM = 10_000
MAX_WORKERS = 4
WORKER_TIMEOUT = 120  # seconds to wait for one chunk's result (a chunk takes well under one)
_WORKER_CTX: Context | None = None  # set in each worker process (`_init_worker`)


# A matched person's columns as a plain tuple for a worker (the select's columns, in order).
Current = namedtuple("Current", ("id_number_hash", *CURRENT_COLUMNS))


def _init_worker(ctx: Context) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _work_chunk(items: list[tuple], currents: list[tuple]) -> tuple:
    """In a worker process: `run_chunk` with the context the pool was forked with."""
    return run_chunk(_WORKER_CTX, items, currents)


def run_chunk(ctx: Context, items: list[tuple], currents: list[tuple]) -> tuple:
    """`evaluate` one chunk (plain data in) with derived rows; returns plain results and the new
    rows already packed and pickled (the parent stores them as they are)."""
    saved = ctx.prepared
    result = UncappedResult()
    ctx.prepared = Prepared("", result)
    try:
        pending = [Pending(row, seq, IdNumberInfo(number, born, gender), number_hash, values)
                   for row, seq, number, born, gender, number_hash, values in items]
        current_by_hash = {bytes(row[0]): Current(*row) for row in currents}
        with no_cyclic_gc():
            evaluate(ctx, result, pending, current_by_hash, derive=True)
            blob = pickle.dumps(pack_rows(ctx.prepared.new_rows), protocol=pickle.HIGHEST_PROTOCOL)
        updates = [(seq, pid, changed, tuple(seen)) for seq, pid, changed, seen in ctx.prepared.updates]
        return (result.new, result.updated, result.unchanged, list(result.refused_rows),
                [e.as_list() for e in result.errors], blob, updates)
    finally:
        ctx.prepared = saved


class Parallel:
    """Worker processes for the chunks of a large file, started once `PARALLEL_FROM` rows have
    been read; any failure to start them leaves the check in-process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.context: Context | None = None
        self.pool = None
        self.failed = False
        # Per chunk: errors recorded before it, the pending result, its plain input.
        self.marks: list[tuple[int, Any, list[tuple], list[tuple]]] = []

    @classmethod
    def for_app(cls) -> Parallel | None:
        workers = current_app.config.get("PERSON_IMPORT_WORKERS")
        if workers is None:
            workers = min(os.cpu_count() or 1, MAX_WORKERS)
        return cls(workers) if workers >= 2 else None

    def ready(self, rows: int) -> bool:
        if self.pool is None and not self.failed and rows > PARALLEL_FROM:
            self._start()
        return self.pool is not None

    def _start(self) -> None:
        try:
            # Fork: the context reaches the workers as memory, never pickled (the key ring is not
            # picklable); each preview's pool gets its own, even with previews in several threads.
            self.pool = multiprocessing.get_context("fork").Pool(self.workers, initializer=_init_worker,
                                                                  initargs=(self.context,))
        except Exception:  # noqa: BLE001 - no fork (or a daemonic process): check in-process
            current_app.logger.warning("person import: worker processes unavailable", exc_info=True)
            self.failed = True
            self.pool = None

    def submit(self, result: CheckResult, pending: list[Pending], current_by_hash: dict[bytes, Any]) -> None:
        # The ID's parts rather than the dataclass: half the pickling work either side.
        items = [(p.row, p.seq, p.info.number, p.info.birth_date, p.info.gender, p.hash, p.values) for p in pending]
        currents = [tuple(row) for row in current_by_hash.values()]
        task = self.pool.apply_async(_work_chunk, (items, currents))
        self.marks.append((len(result.errors), task, items, currents))

    def _output(self, ctx: Context, task: Any, items: list[tuple], currents: list[tuple]) -> tuple:
        """A chunk's worker output; should the workers fail, die or hang, the chunk (and every
        later one) is checked in this process instead — the same function, the same output."""
        if self.pool is not None:
            try:
                return task.get(timeout=WORKER_TIMEOUT)
            except Exception:  # noqa: BLE001 - whatever happened to the worker: do it here
                current_app.logger.warning("person import: worker failed, checking in-process", exc_info=True)
                self.failed = True
                self.close()
        return run_chunk(ctx, items, currents)

    def gather(self, ctx: Context, result: CheckResult) -> None:
        """Merge the workers' results in chunk order (errors where the chunk was checked)."""
        if not self.marks:
            return
        prepared = ctx.prepared
        merged: list[RowError] = []
        position = 0
        for at, task, items, currents in self.marks:
            new, updated, unchanged, refused_rows, errors, blob, updates = self._output(ctx, task, items, currents)
            result.new += new
            result.updated += updated
            result.unchanged += unchanged
            result.refused_rows.update(refused_rows)
            merged.extend(result.errors[position:at])
            merged.extend(RowError(*e) for e in errors)
            position = at
            prepared.new_row_blobs.append(blob)
            prepared.updates.extend((seq, pid, changed, Seen(*seen)) for seq, pid, changed, seen in updates)
        merged.extend(result.errors[position:])
        result.errors = merged
        self.marks = []

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

