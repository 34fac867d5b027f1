"""A batch groups writes for executemany; whatever it regroups, the table must end
as if each write had run on its own, in order."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apdr.projections.projection import Batch, Tally
from apdr.runtime import Apdr

scratch = sa.MetaData()
rows = sa.Table(
    "batch_test_rows",
    scratch,
    sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("label", sa.String(20), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("last_on", sa.Date),
)
FIRST = date(2026, 9, 1)
sizes = Tally(rows, ("size",), latest=("last_on",))
bump_small = rows.update().where(rows.c.size < sa.bindparam("w_below")).values(size=rows.c.size + 1)

writes = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(0, 6), st.sampled_from("abc")),
        st.tuples(st.just("update"), st.integers(0, 6), st.sampled_from("xyz")),
        st.tuples(st.just("resize"), st.integers(0, 6), st.integers(10, 12)),
        st.tuples(st.just("delete"), st.integers(0, 6), st.none()),
        st.tuples(st.just("bump"), st.integers(0, 9), st.none()),
        st.tuples(st.just("add"), st.integers(0, 6), st.tuples(st.integers(-2, 3), st.integers(0, 30))),
        st.tuples(st.just("add"), st.integers(0, 6), st.tuples(st.integers(-2, 3), st.integers(0, 30))),
    ),
    max_size=40,
)


def _one_at_a_time(conn: sa.Connection, ops: list[tuple[str, int, Any]]) -> None:
    present: set[int] = set()
    for op, n, value in ops:
        if op == "insert" and n not in present:
            conn.execute(rows.insert().values(row_id=n, label=value, size=n))
            present.add(n)
        elif op == "update":
            conn.execute(rows.update().where(rows.c.row_id == n).values(label=value))
        elif op == "resize":
            conn.execute(rows.update().where(rows.c.row_id == n).values(size=value))
        elif op == "delete":
            conn.execute(rows.delete().where(rows.c.row_id == n))
            present.discard(n)
        elif op == "bump":
            conn.execute(bump_small, {"w_below": n})
        elif op == "add":
            amount, day = value[0], FIRST + timedelta(days=value[1])
            later = sa.case(
                (sa.or_(rows.c.last_on.is_(None), rows.c.last_on < day), day), else_=rows.c.last_on
            )
            conn.execute(
                rows.update().where(rows.c.row_id == n).values(size=rows.c.size + amount, last_on=later)
            )


def _batched(conn: sa.Connection, ops: list[tuple[str, int, Any]]) -> None:
    batch = Batch(conn)
    present: set[int] = set()
    for op, n, value in ops:
        if op == "insert" and n not in present:
            batch.insert(rows, {"row_id": n, "label": value, "size": n})
            present.add(n)
        elif op == "update":
            batch.update(rows, {"row_id": n}, {"label": value})
        elif op == "resize":  # another column: merged with an update of the label, one UPDATE of both
            batch.update(rows, {"row_id": n}, {"size": value})
        elif op == "delete":
            batch.delete(rows, {"row_id": n})
            present.discard(n)
        elif op == "bump":
            batch.execute(bump_small, {"w_below": n})  # not by primary key: touches the whole table
        elif op == "add":  # a tally: successive adds to one row joined into one write
            batch.add(sizes, (n,), (value[0],), (FIRST + timedelta(days=value[1]),))
    batch.flush()


def test_any_writes_batched_leave_the_table_as_writing_them_one_at_a_time(apdr: Apdr) -> None:
    engine = apdr.engine
    scratch.create_all(engine)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(writes)
    def check(ops: list[tuple[str, int, Any]]) -> None:
        results = []
        for apply in (_one_at_a_time, _batched):
            with engine.begin() as conn:
                conn.execute(rows.delete())
                apply(conn, ops)
                results.append(sorted(conn.execute(sa.select(rows)).all()))
        assert results[0] == results[1]

    check()


def test_interleaved_inserts_of_two_tables_make_two_groups(apdr: Apdr) -> None:
    other = sa.Table(
        "batch_test_other", scratch, sa.Column("n", sa.Integer, primary_key=True), extend_existing=True
    )
    scratch.create_all(apdr.engine)
    with apdr.engine.begin() as conn:
        batch = Batch(conn)
        for n in range(50):
            batch.insert(rows, {"row_id": n, "label": "a", "size": n})
            batch.insert(other, {"n": n})
            batch.update(rows, {"row_id": n}, {"label": "b"})
        assert len(batch._writes) == 2  # each update merged into the insert of its row
        batch.flush()
        assert conn.execute(sa.select(sa.func.count()).where(rows.c.label == "b")).scalar() == 50


def test_given_a_note_when_the_batch_is_sent_then_it_is_forgotten_and_a_read_that_need_not_send_does_not(
    apdr: Apdr,
) -> None:
    scratch.create_all(apdr.engine)
    with apdr.engine.begin() as conn:
        batch = Batch(conn)
        batch.insert(rows, {"row_id": 1, "label": "a", "size": 1})
        batch.note(("batch_test_rows", 1), "a")
        assert batch.noted(("batch_test_rows", 1)) == "a"
        unsent = batch.read(sa.select(sa.func.count()).select_from(rows), send_first=False).scalar()
        assert unsent == 0, "not sent: the caller said nothing pending is what it reads"
        assert batch.read(sa.select(sa.func.count()).select_from(rows)).scalar() == 1
        assert batch.noted(("batch_test_rows", 1)) is None, "sent: the table has it now"


def test_given_a_row_already_there_when_a_batch_sends_it_again_on_sqlite_then_sqlalchemy_s_integrity_error(
    apdr: Apdr,
) -> None:
    """SQLite's batches go to the driver directly; its errors still come as SQLAlchemy's, which is
    what the read models tell apart (an OperationalError: the database unreachable, a 503)."""
    if apdr.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's batches are pipelined through psycopg, whose errors the read models take")
    scratch.create_all(apdr.engine)
    with apdr.engine.begin() as conn:
        conn.execute(rows.insert().values(row_id=1, label="a", size=1))
        batch = Batch(conn)
        batch.insert(rows, {"row_id": 1, "label": "b", "size": 2})

        with pytest.raises(sa.exc.IntegrityError, match="UNIQUE constraint failed"):
            batch.flush()
