"""Sign-in attempts, counted per username and per client address, so that
passwords cannot be guessed at the speed of the server.

The counts are kept in the database, so every API worker shares them. Each
attempt is counted before its password is checked, by one statement that
holds the counter's row lock: however many attempts arrive at once, each gets
a count of its own, and those past the limit are refused without a check. A
count covers a window that opens with its first attempt and lasts a minute.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

CLEANUP_ROWS = 500
"""Expired counters deleted at most by one attempt: each attempt adds at most two."""

metadata = sa.MetaData()
"""Not the read models': the counts are not made from events, so a rebuild leaves them alone."""

sign_in_attempts = sa.Table(
    "sign_in_attempts",
    metadata,
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("window_started_at", sa.Double, nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False),
)


def counter_key(kind: str, value: str) -> str:
    """``user:`` or ``address:`` and a digest: the table holds no one's email or address, and
    whatever a client sends as a username (a NUL, which PostgreSQL's text refuses; any length) fits."""
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()}"


def create_table(engine: sa.Engine) -> None:
    """Made when apdr opens; on SQLite with the write lock taken first, as the read models' are."""
    with _connected(engine) as conn, conn.begin():
        metadata.create_all(conn, checkfirst=True)


class TooManySignIns(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many sign-in attempts: try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Count:
    key: str
    attempts: int
    window_started_at: float


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, counted against its username and its address. A wrong
    password leaves it counted; nothing more needs doing."""

    engine: sa.Engine
    user: Count
    address: Count

    def succeeded(self) -> None:
        """Forget the username's failures, and give the address its attempt back:
        a school signs in from one address, and its sign-ins must not use up its allowance."""
        with _connected(self.engine) as conn, conn.begin():
            conn.execute(sign_in_attempts.delete().where(sign_in_attempts.c.key == self.user.key))
            _take_back(conn, self.address)


class SignInThrottle:
    def __init__(
        self,
        per_username: int,
        per_address: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``clock`` is wall-clock seconds: every worker, in every process, must read the same time."""
        self.per_username = per_username
        self.per_address = per_address
        self.window = window_seconds
        self.clock = clock

    def attempt(self, engine: sa.Engine, username: str, address: str) -> Attempt:
        """Count an attempt before its password is checked, or raise TooManySignIns.

        An attempt refused for its username is not counted against its address (one
        person retrying a locked account does not lock out the school), and one refused
        for its address is taken back from its username: its password was never tried.
        """
        now = self.clock()
        with _connected(engine) as conn:
            user = self._count(conn, counter_key("user", username), now)
            if user.attempts > self.per_username:
                raise TooManySignIns(self._retry_after(user, now))
            place = self._count(conn, counter_key("address", address), now)
            if place.attempts > self.per_address:
                with conn.begin():
                    _take_back(conn, user)
                raise TooManySignIns(self._retry_after(place, now))
            if user.attempts == 1 or place.attempts == 1:
                self._forget_expired(conn, now)
        return Attempt(engine, user, place)

    def _count(self, conn: sa.Connection, key: str, now: float) -> Count:
        """One more attempt for ``key``, in a window of its own if the last one has ended."""
        table = sign_in_attempts
        ended = table.c.window_started_at <= now - self.window
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(table)
            .values(key=key, window_started_at=now, attempts=1)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "attempts": sa.case((ended, 1), else_=table.c.attempts + 1),
                    "window_started_at": sa.case((ended, now), else_=table.c.window_started_at),
                },
            )
            .returning(table.c.attempts, table.c.window_started_at)
        )
        with conn.begin():
            attempts, started = conn.execute(statement).one()
        return Count(key, attempts, started)

    def _forget_expired(self, conn: sa.Connection, now: float) -> None:
        """Delete counters whose window has ended, so that a spray of usernames cannot
        grow the table without end. Rows another attempt holds are skipped, not waited for."""
        table = sign_in_attempts
        expired = (
            sa.select(table.c.key)
            .where(table.c.window_started_at <= now - self.window)
            .limit(CLEANUP_ROWS)
            .with_for_update(skip_locked=True)
        )
        with conn.begin():
            conn.execute(table.delete().where(table.c.key.in_(expired)))

    def _retry_after(self, count: Count, now: float) -> int:
        """Seconds left in the window; never more than a window, though a concurrent
        attempt that read the clock after this one may have opened it."""
        left = count.window_started_at + self.window - now
        return max(1, min(math.ceil(self.window), math.ceil(left)))


def _take_back(conn: sa.Connection, count: Count) -> None:
    """Uncount an attempt, if its window is still the one it was counted in."""
    table = sign_in_attempts
    conn.execute(
        table.update()
        .where(
            table.c.key == count.key,
            table.c.window_started_at == count.window_started_at,
            table.c.attempts > 0,
        )
        .values(attempts=table.c.attempts - 1)
    )


def _connected(engine: sa.Engine) -> sa.Connection:
    """Every transaction here writes: on SQLite it takes the write lock at BEGIN, waiting its turn."""
    return engine.connect().execution_options(sqlite_immediate=True)
