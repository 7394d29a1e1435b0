"""The analysis pipeline: batches analysed ahead of the writer in worker processes."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newsroom.readers import Analysis, Item, Limits, Record, analyse_many, analysis_worker_init
from newsroom.text.artifacts import model as artifact_model

from .planner import records_of

logger = logging.getLogger(__name__)


class Analyser:
    """Batches with their records' analyses, computed ahead in worker processes.

    The pool starts only when a second batch arrives, so short imports (uploads, one
    file) never start a process and are analysed here. A longer import sends every batch
    to the workers, this process only writes (and never loads the detector's model).
    Workers are spawned, not forked: they import the pure text core only, never this
    process's database connection, and load the model once each. They end with this
    process however it ends (``readers.analysis_worker_init``), and if the pool breaks
    (a worker killed), the remaining batches are analysed here instead.
    """

    def __init__(self, workers: int, *, tz: str, limits: Limits) -> None:
        self.workers = workers
        self.tz = tz
        self.limits = limits
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(
        self, batches: Iterable[list[Item]]
    ) -> Iterator[tuple[list[Item], list[Record], list[Analysis | str] | None]]:
        """Each batch, its records and their analyses (``None``: analyse them here)."""
        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        if second is None or self.workers <= 0:
            for batch in itertools.chain([first], [second] if second else [], batches):
                yield batch, records_of(batch), None
            return
        self.pool = pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=analysis_worker_init,
            # Spawned workers start afresh: they detect with the model this process uses.
            initargs=(artifact_model.configured_path(),),
        )
        ahead: deque[tuple[list[Item], list[Record], Future[list[Analysis | str]] | None]]
        ahead = deque()

        failed: list[Exception] = []  # the pool's first failure, once it has one

        def fail_over(exc: Exception) -> None:
            if not failed:
                logger.warning("analysis worker failed (%s); analysing the rest here", exc)
                logger.info("analysis worker failure", exc_info=exc)
                failed.append(exc)

        def submit(batch: list[Item]) -> None:
            records = records_of(batch)
            future = None
            if not failed:
                try:
                    future = pool.submit(analyse_many, records, self.tz, self.limits)
                except BrokenProcessPool as exc:
                    fail_over(exc)
            ahead.append((batch, records, future))

        def result(future: Future[list[Analysis | str]] | None) -> list[Analysis | str] | None:
            if future is None:
                return None  # analysed here
            try:
                return future.result()
            except Exception as exc:  # a worker died (BrokenProcessPool), a result did not pickle
                fail_over(exc)
                return None

        # Every batch goes to the workers (this process only writes), up to two per
        # worker ahead of the writer so that none waits for the next: memory holds at
        # most 2 * workers + 1 batches whatever the input's size.
        submit(first)
        submit(second)
        for batch in batches:
            submit(batch)
            if len(ahead) > 2 * self.workers:
                done, records, future = ahead.popleft()
                yield done, records, result(future)
        while ahead:
            done, records, future = ahead.popleft()
            yield done, records, result(future)
