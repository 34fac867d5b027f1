"""Generating: the settings of a plan one after another, or side by side in worker processes."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable
from datetime import date
from queue import Empty
from typing import Any

from apdr.demo.synthetic.agenda import _history_start, _Sink
from apdr.demo.synthetic.generated import GeneratedHistory, GeneratedSetting
from apdr.demo.synthetic.history import _SettingHistory
from apdr.demo.synthetic.plan import SYNTHETIC_TODAY, Plan

Progress = Callable[[float, int], None]
"""Told the fraction of the work done so far (0 to 1) and the events written."""


def generate(
    record: Any,
    plan: Plan,
    *,
    seed: int = 1,
    today: date = SYNTHETIC_TODAY,
    chunk_size: int = 1000,
    password_hash: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> GeneratedHistory:
    """Write ``plan``'s history into ``record`` (a ``SenRecord``, or any
    eventsourcing ``Application`` with apdr's transcodings).

    With ``password_hash``, each setting gets users (``senco@``, ``teacher@``,
    ``ta@``, ``head@`` its URN ``.synthetic.example``) who sign in with it.

    With ``workers`` > 1 (``record`` must then be a ``SenRecord``), settings
    are generated side by side in that many processes, each writing to the
    same database: every setting's history is the same as with one worker,
    but the settings' batches interleave in the log in no fixed order.
    """
    started = time.perf_counter()
    workers = max(1, min(workers, len(plan.settings)))
    if workers > 1:
        settings, written = _in_processes(
            record.settings, plan, seed, today, chunk_size, password_hash, progress, workers
        )
    else:
        settings, written = _generate(
            record, plan, range(len(plan.settings)), seed, today, chunk_size, password_hash, progress
        )
    if progress:
        progress(1.0, written)
    return GeneratedHistory(plan.name, seed, today, settings, written, time.perf_counter() - started)


def _generate(
    record: Any,
    plan: Plan,
    indexes: Iterable[int],
    seed: int,
    today: date,
    chunk_size: int,
    password_hash: str | None,
    progress: Progress | None,
) -> tuple[list[GeneratedSetting], int]:
    sink = _Sink(record, chunk_size)
    first = _history_start(today, plan.years)
    days = (today - first).days or 1
    indexes = list(indexes)
    settings = []
    for done, index in enumerate(indexes):

        def advance(day: date, done: int = done) -> None:
            if progress:
                progress((done + min(max((day - first).days, 0), days) / days) / len(indexes), sink.written)

        before = sink.written + len(sink.buffer)
        spec = plan.settings[index]
        generated = _SettingHistory(spec, plan.years, today, seed, sink, password_hash, advance).run()
        generated.events = sink.written + len(sink.buffer) - before
        settings.append(generated)
    sink.flush()
    return settings, sink.written


def _in_processes(
    settings: Any,
    plan: Plan,
    seed: int,
    today: date,
    chunk_size: int,
    password_hash: str | None,
    progress: Progress | None,
    workers: int,
) -> tuple[list[GeneratedSetting], int]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(
            target=_work,
            args=(
                queue,
                n,
                settings,
                plan,
                range(n, len(plan.settings), workers),
                seed,
                today,
                chunk_size,
                password_hash,
            ),
            daemon=True,
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    fractions, events = [0.0] * workers, [0] * workers
    results: dict[int, GeneratedSetting] = {}
    finished = 0
    while finished < workers:
        try:
            message = queue.get(timeout=5)
        except Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError(
                    "a worker generating synthetic history failed: see its error above"
                ) from None
            continue
        kind, n, *rest = message
        if kind == "progress":
            fractions[n], events[n] = rest
            if progress:
                progress(sum(fractions) / workers, sum(events))
        elif kind == "done":
            generated, events[n] = rest
            for index, setting in zip(range(n, len(plan.settings), workers), generated, strict=True):
                results[index] = setting
            finished += 1
        else:
            raise RuntimeError(f"a worker generating synthetic history failed: {rest[0]}")
    for process in processes:
        process.join()
    return [results[i] for i in range(len(plan.settings))], sum(events)


def _work(
    queue: Any,
    n: int,
    settings: Any,
    plan: Plan,
    indexes: range,
    seed: int,
    today: date,
    chunk_size: int,
    password_hash: str | None,
) -> None:
    """One worker process: its share of the settings, into its own connection to the database."""
    from apdr.application import SenRecord

    try:
        record = SenRecord(settings)
        last = [0.0]

        def report(done: float, events: int) -> None:
            if done - last[0] >= 0.01:
                last[0] = done
                queue.put(("progress", n, done, events))

        generated, written = _generate(record, plan, indexes, seed, today, chunk_size, password_hash, report)
        record.close()
        queue.put(("done", n, generated, written))
    except BaseException as error:
        queue.put(("failed", n, f"{type(error).__name__}: {error}"))
        raise
