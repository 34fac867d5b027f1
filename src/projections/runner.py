"""Keeps the read models up to date with the notification log, exactly once.

A *read model* is a set of tables that queries read (the pupil directory, the
provision map, the register…); its ``Projection`` is the code that builds it
from events; ``ReadModels`` runs every projection and answers queries.

Why by hand, beside the library's ``eventsourcing.projection``: its runner
follows the log through the recorder's subscription, which SQLite does not
have, and runs one projection per subscription, each reading and decoding
every event again. Here one pass reads and decodes a batch of events once and
applies it to every read model behind, in one transaction that also moves each
one's position (as the library's tracking does).

Read-your-writes: a query sees every event recorded before it was asked, in
every read model it joins. Each query therefore declares the read models it
reads (``@reads``, as a policy declares ``READ_MODELS``), and is run through
``ReadModels.ask``, which catches exactly those up first (see ``reads``).

Inline: once ``project_inline`` is called (as ``Apdr.open`` does), a command's
events are inserted on a read-model connection, and taken into every read model
that is current, in one transaction. Catching up is then for the read models
that were behind: one being rebuilt, or after another process's writes.

Each read model has a row in ``projection_positions``: the last notification
it has taken into account. A batch of events (or several, for a read model
catching up on its own: a rebuild) is applied in one transaction that also
moves that position, with the row locked for the transaction
(``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite). A
process killed at any instant therefore leaves either the whole transaction's
events and its position, or neither; and two processes (an API worker answering a query and
the projection worker) never apply the same event twice.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent

from apdr.application import SenRecord
from apdr.persistence import UNREACHABLE, Insert, RecordedWithReadModels
from apdr.projections.following import Doorbell, backoff_seconds
from apdr.projections.positions import (
    ALL_POSITIONS,
    ALL_POSITIONS_LOCKED,
    FREE_POSITIONS,
    MOVE_POSITION,
    MOVE_POSITIONS,
    positions,
    positions_and_end,
)
from apdr.projections.projection import Batch, Projection, collector_paused, drop_and_create
from apdr.projections.statements import fetch, named
from apdr.projections.statistics import STATISTICS_AFTER, sample_tables

log = logging.getLogger(__name__)

R = TypeVar("R")

Progress = Callable[[int], None]
"""Told the position in the log reached so far."""

TRANSACTION_SECONDS = 0.1
"""How long a read model catching up on its own (a rebuild) goes on applying batches in
one transaction: longer commits less often, but on SQLite a command waits for the write
lock meanwhile (BENCHMARKS.md, the seventh pass; on PostgreSQL it skips the locked position)."""


class CouldNotTakeIn(Exception):
    """A read model failed on a command's events, in the command's transaction."""


class StalePosition(Exception):
    """Another process moved the position while this one held the batch."""


class ReadModels:
    """Every read model: the projections that build them, the engine their tables live in,
    and the log they follow. Queries are run through ``ask`` (or ``stream``)."""

    def __init__(
        self, app: SenRecord, engine: sa.Engine, projections: Sequence[Projection], batch_size: int = 1000
    ) -> None:
        self.app = app
        self.engine = engine
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        self.transaction_seconds = TRANSACTION_SECONDS
        self._stopping = threading.Event()
        self._new_events = threading.Event()
        self._subscribes = True
        self._positions_and_end_statement: sa.Select[Any] | None = None
        self.statistics_after = STATISTICS_AFTER
        self._log_end = 0  # the log's end, as a catch-up last found it
        self._sampled_at = 0  # the log's end when this process last sampled the tables

    # -- setting up -------------------------------------------------------

    def create_tables(self) -> None:
        """Create what is missing, and rebuild any read model whose definition
        changed since its tables were made. On SQLite the write lock is taken
        first (``BEGIN IMMEDIATE``): a transaction that reads, then writes, is
        refused outright if another process wrote meanwhile, instead of waiting."""
        with self._writing() as conn:
            positions.create(conn, checkfirst=True)
            known = dict(conn.execute(sa.select(positions.c.name, positions.c.version)).all())
            for projection in self.projections.values():
                if known.get(projection.name) != projection.version():
                    self._reset(conn, projection)

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """A transaction that holds the write lock from its start (FOR UPDATE does that on PostgreSQL)."""
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def _recording(self) -> Iterator[sa.Connection]:
        """The transaction of a command's events and what they change in the read models.
        On PostgreSQL the insert's pipeline sends its BEGIN (``insert_within``): psycopg,
        left to begin it, waits for the BEGIN's answer on its own, a round trip. The batch
        commits it (``Batch.flush``); whatever is left is committed or rolled back here."""
        if self.engine.dialect.name != "postgresql":
            with self._writing() as conn:
                yield conn
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            driver = conn.connection.driver_connection
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(Exception):  # the error that got here says more
                    driver.rollback()  # type: ignore[union-attr]
                raise
            driver.commit()  # type: ignore[union-attr]  # nothing left if the batch committed

    def _one_statement(self) -> sa.Connection:
        """A connection for a read that is one statement, consistent by itself: no
        transaction to begin and roll back (on PostgreSQL, two round trips fewer; on
        SQLite, ``fetch`` sends it to the driver, and nothing begins one)."""
        if self.engine.dialect.name == "postgresql":
            return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self.engine.connect()

    def _reset(self, conn: sa.Connection, projection: Projection) -> None:
        drop_and_create(conn, projection.tables)
        conn.execute(positions.delete().where(positions.c.name == projection.name))
        conn.execute(
            positions.insert().values(name=projection.name, position=0, version=projection.version())
        )
        projection.reset()

    def reset(self, name: str) -> None:
        """Empty a read model and put it back to the start of the log."""
        with self._writing() as conn:
            self._reset(conn, self.projections[name])

    def rebuild(self, name: str, progress: Progress | None = None) -> int:
        """Drop a read model's tables and build them again from the whole log."""
        self.reset(name)
        return self.catch_up(name, progress=progress)

    # -- applying events ----------------------------------------------------

    def project_inline(self) -> None:
        """From now on, every save records its events and takes them into each read
        model that is current, in one transaction (as Marten's inline projections
        do): a command commits once, not twice, and the query after it has nothing
        to catch up. A read model that is behind (being rebuilt, or another process
        wrote meanwhile) is left to catch up as before."""
        self.app.recorder.record_inline = self._record_inline

    def _record_inline(
        self, recorder: RecordedWithReadModels, stored: Sequence[StoredEvent], insert: Insert
    ) -> Sequence[int]:
        current: list[str] = []
        try:
            with self._recording() as conn:
                # The insert first (it locks the events table), and the positions read in its round trip.
                free_positions = named(FREE_POSITIONS, conn, ())[0]
                previous, ids, free = recorder.insert_within(conn, stored, then=free_positions)
                insert.check(previous)  # a command that did not look first: nothing else since
                current = sorted(n for n, at in free if at == previous and n in self.projections)
                if current:
                    self._apply_inline(conn, current, ids, stored)  # and commits
            insert.previous = previous
            return ids
        except BaseException as error:
            for name in current:  # what they kept in memory was not committed
                self.projections[name].reset()
            if not isinstance(error, CouldNotTakeIn):
                raise
            # A read model must not stop a command being recorded: the events go in on their own, and
            # the catch-up that follows retries (and, failing again, stops that read model alone, visibly).
            log.warning("read models could not take in a command's events: catching up after", exc_info=True)
        return recorder.insert_events(stored, inline=False, insert=insert) or []

    def _apply_inline(
        self, conn: sa.Connection, names: list[str], ids: Sequence[int], stored: Sequence[StoredEvent]
    ) -> None:
        """Apply a command's events to the read models ``names``, move their positions,
        and commit the command's transaction (on PostgreSQL, in the same round trip)."""
        readers = [self.projections[n] for n in names]
        to_event = self.app.mapper.to_domain_event
        try:
            batch = Batch(conn)
            for at, event in zip(ids, map(to_event, stored), strict=True):
                batch.position = at
                for projection in readers:
                    if projection.handles(event):
                        projection.apply(event, batch)
            for name in names:
                batch.execute(MOVE_POSITION, {"w_name": name, "v_position": ids[-1]}, (name,))
            batch.flush(commit=True)
        except UNREACHABLE:
            raise
        except Exception as error:
            raise CouldNotTakeIn(", ".join(names)) from error

    def position(self, name: str) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(positions.c.position).where(positions.c.name == name)).scalar()
        return int(value or 0)

    def last_notification_id(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def catch_up(
        self, name: str | None = None, *, upto: int | None = None, progress: Progress | None = None
    ) -> int:
        """Apply every event recorded so far (or up to ``upto``) to one read
        model, or to all. Answers how many events were applied."""
        names = list(self.projections) if name is None else [name]
        if name is not None:
            upto = self.last_notification_id() if upto is None else upto
            applied = self._catch_up(self.projections[name], upto, progress)
            self._log_end = max(self._log_end, upto)
        else:
            applied = self._catch_up_together(names, upto)
        # A rebuild, or a long catch-up, samples the tables it filled; a log grown since this process
        # last sampled (commands write every read model inline), every read model's, when all catch up.
        grown = name is None and self._log_end - self._sampled_at >= self.statistics_after
        if applied >= self.statistics_after or grown:
            sample = list(self.projections) if grown else names
            if self.refresh_statistics(sample) and len(sample) == len(self.projections):
                self._sampled_at = self._log_end
        return applied

    def refresh_statistics(self, names: Iterable[str]) -> bool:
        """Sample the tables of the read models ``names`` for PostgreSQL's planner (see
        ``statistics``). Answers whether they were sampled."""
        return sample_tables(self.engine, [t for n in names for t in self.projections[n].tables])

    def ask(self, query: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run a query (declared with ``@reads``) on read models caught up with
        every event recorded before it was asked: read-your-writes."""
        self.ensure_current(query.READ_MODELS)  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            return query(conn, *args, **kwargs)

    def stream(
        self, query: Callable[..., Iterable[R]], *args: Any, **kwargs: Any
    ) -> Generator[R, None, None]:
        """``ask`` for a query that yields its rows as it reads them (a response that
        streams): the read models are caught up now, so that a failure is an error
        response rather than a broken stream, and the connection is held while the
        rows are read."""
        self.ensure_current(query.READ_MODELS)  # type: ignore[attr-defined]
        return self._rows(query, args, kwargs)

    def _rows(
        self, query: Callable[..., Iterable[R]], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Generator[R, None, None]:
        with self.engine.connect() as conn:
            yield from query(conn, *args, **kwargs)

    def ensure_current(self, names: Iterable[str]) -> None:
        """Read-your-writes: before a query, take in every event recorded before it
        was asked (usually nothing: a command's own transaction, or the worker, got
        there first)."""
        self._catch_up_together(list(names), None)

    def _catch_up_together(self, names: list[str], upto: int | None) -> int:
        """Bring several read models up to ``upto`` (the end of the log: None) in
        one pass: each event read and decoded once, and every read model's writes
        and position in one transaction.

        If that pass fails, each read model catches up on its own, so that one
        that cannot apply an event stops alone (and says so) while the rest go on.
        """
        try:
            return self._together(names, upto)
        except UNREACHABLE:
            raise  # the database, not a read model: one by one would only wait for it again
        except Exception:
            log.warning("read models could not catch up together; catching up one by one", exc_info=True)
            upto = self.last_notification_id() if upto is None else upto
            return sum(self._catch_up(self.projections[n], upto, None) for n in names)

    def _together(self, names: list[str], upto: int | None) -> int:
        applied = 0
        while True:
            with self._one_statement() as conn:
                if upto is None:  # the log's end read beside the positions, in one statement
                    found = fetch(conn, self._positions_and_end(conn))
                    upto = int(found[0][2] or 0) if found else 0
                    self._log_end = max(self._log_end, upto)
                else:
                    found = fetch(conn, ALL_POSITIONS)
                behind = {name: at for name, at, *_ in found if at < upto and name in names}
            if not behind:
                return applied
            topics = sorted({t for name in behind for t in self.projections[name].topics()})
            try:
                with collector_paused():
                    events = self._read(min(behind.values()), topics, upto)
                    reached = events[-1][0] if len(events) == self.batch_size else upto
                    # A read model already at or past this page's end (a query caught it up on
                    # its own) sits this page out: moved to ``reached``, it would go back and
                    # take in again what it already holds.
                    self._apply_batch_together(
                        {name: at for name, at in behind.items() if at < reached}, events, reached
                    )
            except StalePosition:
                continue  # another process moved some on: start again from where they are
            except BaseException:
                for name in behind:
                    self.projections[name].reset()
                raise
            applied += len(events)
            if reached >= upto:
                return applied  # every one behind is now at ``upto``: no need to ask again

    def _positions_and_end(self, conn: sa.Connection) -> sa.Select[Any]:
        """Every read model's position, each beside the id of the log's last notification."""
        if self._positions_and_end_statement is None:
            last_id = self.app.recorder.last_id_sql(conn)  # type: ignore[attr-defined]
            self._positions_and_end_statement = positions_and_end(last_id)
        return self._positions_and_end_statement

    def _catch_up(self, projection: Projection, upto: int, progress: Progress | None) -> int:
        """Apply batches until the read model has taken in everything up to ``upto``."""
        topics = projection.topics()
        applied = 0
        position = self.position(projection.name)
        while position < upto:
            try:
                with collector_paused():
                    reached, count = self._apply_batches(projection, position, topics, upto)
            except StalePosition:
                # Another process moved this read model on: carry on from where it is.
                position = self.position(projection.name)
                continue
            except BaseException:
                projection.reset()
                raise
            applied += count
            position = reached
            if progress:
                progress(reached)
        return applied

    def _read(self, after: int, topics: list[str], upto: int) -> list[tuple[int, Any]]:
        """The next batch of events after ``after`` (none after ``upto``), decoded, with their positions.

        The query is not given ``upto`` as its ``stop``: with it, PostgreSQL plans the
        read of a read model whose topics are a small part of the log (the pupils)
        two to three times slower than the bare read. The rows past ``upto`` are
        dropped here instead. Fewer than a full batch left still means that nothing
        else up to ``upto`` is for these topics: the page is in log order, so a full
        page that goes past ``upto`` holds every event up to it."""
        notifications = self.app.recorder.select_notifications(
            start=after, limit=self.batch_size, topics=topics, inclusive_of_start=False
        )
        to_event = self.app.mapper.to_domain_event
        return [(n.id, to_event(n)) for n in notifications if n.id <= upto]

    def _apply_batches(
        self, projection: Projection, start: int, topics: list[str], upto: int
    ) -> tuple[int, int]:
        """One transaction: check the position is still ``start``, apply batches until ``upto``
        or for ``transaction_seconds``, and move the position to where they reached (answered,
        with how many events were applied). The position row is locked for the transaction (FOR
        UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite): another process applying the same events
        waits, then finds the position moved and skips them. Each batch is sent as it is applied
        (what is held in memory stays one batch), all committed together: committing each was a
        quarter of a rebuild on SQLite. The first is read before the lock is taken, so that a
        command waiting for SQLite's lock has a moment to take it between two transactions."""
        events = self._read(start, topics, upto)
        with self._writing() as conn:
            position = conn.execute(
                sa.select(positions.c.position).where(positions.c.name == projection.name).with_for_update()
            ).scalar_one()
            if position != start:
                raise StalePosition(projection.name)
            until = time.monotonic() + self.transaction_seconds
            applied = 0
            batch = Batch(conn)
            while True:
                # Fewer than a full batch means nothing else up to ``upto`` is for this read model.
                reached = events[-1][0] if len(events) == self.batch_size else upto
                for at, event in events:
                    batch.position = at
                    projection.apply(event, batch)
                batch.flush()
                applied += len(events)
                if reached >= upto or time.monotonic() >= until:
                    break
                events = self._read(reached, topics, upto)
            conn.execute(
                positions.update().where(positions.c.name == projection.name).values(position=reached)
            )
        return reached, applied

    def _apply_batch_together(
        self, starts: dict[str, int], events: list[tuple[int, Any]], reached: int
    ) -> None:
        """One batch of ``_apply_batches`` for several read models at once: each takes the events
        after its own position that it handles, and all positions move to ``reached``
        in the same transaction. Rows are locked in name order, so that two
        processes doing this never wait on each other in a circle (every row is
        locked, which costs nothing more: there are a handful)."""
        names = sorted(starts)
        with self._writing() as conn:
            locked = dict(conn.execute(ALL_POSITIONS_LOCKED).all())
            if any(locked.get(name) != start for name, start in starts.items()):
                raise StalePosition(", ".join(names))
            readers = [(self.projections[n], starts[n]) for n in names]
            batch = Batch(conn)
            for at, event in events:
                batch.position = at
                for projection, start in readers:
                    if at > start and projection.handles(event):
                        projection.apply(event, batch)
            batch.flush()
            conn.execute(MOVE_POSITIONS, {"names": names, "reached": reached})

    # -- following the log ------------------------------------------------

    def follow(
        self, poll_seconds: float = 0.5, on_error: Callable[[BaseException], Any] | None = None
    ) -> None:
        """Keep every read model current until ``stop()``.

        On PostgreSQL the library's subscription to the notification log says
        when new events arrive; SQLite has no subscription, so the log is polled.
        A failing projection is retried, never skipped: an event it cannot apply
        stops it, visibly, until the fault is fixed. Nothing ends the loop but
        ``stop()``: while the database is unreachable it backs off and tries
        again, and a subscription that lost its connection is made again.
        """
        doorbell: Doorbell | None = None
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    doorbell = self._ringing(doorbell)
                    self.catch_up()
                except Exception as error:
                    failures += 1
                    log.warning(
                        "read models could not catch up (%s failures in a row); retrying",
                        failures,
                        exc_info=failures == 1,
                    )
                    if on_error:
                        on_error(error)
                    self._stopping.wait(backoff_seconds(failures, poll_seconds))
                    continue
                failures = 0
                self._new_events.wait(poll_seconds)
                self._new_events.clear()
        finally:
            if doorbell is not None:
                doorbell.stop()

    def _ringing(self, doorbell: Doorbell | None) -> Doorbell | None:
        """The doorbell, subscribed again if it lost its connection; None on SQLite."""
        if (doorbell is not None and doorbell.alive) or not self._subscribes:
            return doorbell
        try:
            subscription = self.app.recorder.subscribe(gt=self.last_notification_id())
        except NotImplementedError:
            self._subscribes = False  # SQLite: poll instead.
            return None
        return Doorbell(subscription, self._new_events)

    def stop(self) -> None:
        self._stopping.set()
        self._new_events.set()
