"""Read-your-writes: every read model a query joins is caught up before it runs.

Each query declares the read models it reads (``@reads``), exactly those whose
tables it reaches; routes, dependencies and the policy runner read only through
``ReadModels.ask`` (or ``stream``), which catches those up first.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import apdr.api
import apdr.projections
from apdr.application import SenRecord
from apdr.policies.catalogue import POLICIES
from apdr.policies.runner import RUN_READS, PolicyRunner
from apdr.projections import all_projections
from apdr.projections.interventions import intervention_list
from apdr.projections.pupils import pupils_by_upn
from apdr.runtime import Apdr
from tests.support.history import History

OWNER = {table: projection.name for projection in all_projections() for table in projection.tables}
"""Each read model's tables, by the read model they belong to."""


def _queries() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public function of apdr.projections whose first parameter is a connection."""
    for info in pkgutil.walk_packages(apdr.projections.__path__, "apdr.projections."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            defined_here = inspect.isfunction(value) and value.__module__ == module.__name__
            if defined_here and not name.startswith("_") and _first_parameter(value) == "conn":
                yield f"{info.name}.{name}", value


def _first_parameter(function: Callable[..., Any]) -> str | None:
    return next(iter(inspect.signature(function).parameters), None)


QUERIES = dict(_queries())


def _code(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code(const)


def reached(function: Callable[..., Any], seen: set[Any] | None = None) -> set[str]:
    """The read models whose tables ``function`` names, itself or through the apdr
    functions it calls by name: what it actually reads."""
    seen = set() if seen is None else seen
    if function in seen:
        return set()
    seen.add(function)
    found: set[str] = set()
    for code in _code(function.__code__):
        for name in code.co_names:
            value = function.__globals__.get(name)
            if isinstance(value, sa.Table):
                found.add(OWNER[value])
            elif inspect.isfunction(value) and value.__module__.startswith("apdr."):
                found |= reached(value, seen)
    return found


def test_queries_are_found() -> None:
    assert {"apdr.projections.pupils.find_pupils", "apdr.projections.impact.report.impact_report"} <= set(
        QUERIES
    )


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_declares_exactly_the_read_models_it_reads(name: str) -> None:
    query = QUERIES[name]
    declared = getattr(query, "READ_MODELS", None)
    assert declared is not None, f"{name} declares no read models: decorate it with @reads(...)"
    assert set(declared) <= set(OWNER.values()), f"{name} names a read model that does not exist"
    assert set(declared) == reached(query)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.KIND)
def test_every_policy_declares_exactly_the_read_models_it_reads(policy: Any) -> None:
    assert set(policy.READ_MODELS) == reached(policy.causes)


def test_a_policy_run_catches_up_what_every_policy_and_the_runner_read() -> None:
    runner = reached(PolicyRunner._causes_and_alerts) | reached(PolicyRunner._calendar)
    assert set(RUN_READS) == {m for p in POLICIES for m in p.READ_MODELS} | runner


API = Path(apdr.api.__file__).parent
READERS = sorted([*API.glob("routes/*.py"), API / "deps.py", API.parent / "policies" / "runner.py"])


@pytest.mark.parametrize("path", READERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_routes_and_the_policy_runner_read_only_through_ask(path: Path) -> None:
    """A connection opened by hand would read read models nobody caught up."""
    source = path.read_text()
    assert "ensure_current" not in source
    assert "engine.connect" not in source


def test_a_query_sees_what_was_recorded_just_before_it_in_both_read_models_it_joins(apdr: Apdr) -> None:
    history = History(apdr.record)
    intervention = history.intervention([history.staff()])
    apdr.read_models.catch_up()
    # Just before the query, another process (whose writes these read models do not take
    # in as they are made) records one event for the pupil directory, one for the provision map.
    elsewhere = copy.copy(history)
    elsewhere.record = SenRecord(apdr.settings)
    try:
        pupil = elsewhere.pupil(given_name="Ben", family_name="Okafor")
        elsewhere.enrol(intervention, pupil)
    finally:
        elsewhere.record.close()

    # The hazard: the provision map caught up and the pupil directory not yet, the
    # enrolment is there but the join to the pupils' names drops it.
    apdr.read_models.catch_up("provision_map")
    with apdr.engine.connect() as conn:
        (behind,) = intervention_list(conn, history.setting_id, status="all", today=history.today)
    assert behind["pupils"] == []

    (listed,) = apdr.read_models.ask(intervention_list, history.setting_id, status="all", today=history.today)
    assert listed["pupils"] == [{"pupil_id": pupil, "pupil_name": "Ben Okafor"}]


def test_given_one_read_model_caught_up_ahead_of_the_rest_when_all_catch_up_in_pages_then_none_takes_an_event_twice(
    database: Any,
) -> None:
    # Pages of 5 events: far fewer than were recorded since the read models last caught up.
    apdr = Apdr.open(database.model_copy(update={"projection_batch_size": 5}))
    try:
        history = History(apdr.record)
        apdr.read_models.catch_up()
        pupils = [history.pupil(given_name=f"Pupil{n}") for n in range(12)]
        history.intervention([history.staff()])
        # A query of the pupil directory alone (an import asking which UPNs are known)
        # takes it to the end of the log; the others stay pages behind. Then one more pupil.
        apdr.read_models.ask(pupils_by_upn, history.setting_id)
        pupils.append(history.pupil(given_name="Later"))

        apdr.read_models.catch_up()

        last = apdr.read_models.last_notification_id()
        assert {
            name: apdr.read_models.position(name) for name in apdr.read_models.projections
        } == dict.fromkeys(apdr.read_models.projections, last)
        assert set(apdr.read_models.ask(pupils_by_upn, history.setting_id).values()) == set(pupils)
    finally:
        apdr.close()


def test_given_read_models_at_the_log_end_when_a_query_asks_then_one_statement_outside_a_transaction_finds_nothing_to_do(
    apdr: Apdr, history: History
) -> None:
    """Read-your-writes costs one statement before each query; on PostgreSQL a transaction
    around it was two more round trips (BEGIN, ROLLBACK): 0.24 ms of a 3.9 ms session."""
    history.pupil()
    apdr.read_models.catch_up()

    with _statements_sent(apdr.engine) as sent:
        apdr.read_models.ensure_current(apdr.read_models.projections)

    assert [(statement.split()[0], outside) for statement, outside in sent] == [("SELECT", True)]


@contextmanager
def _statements_sent(engine: sa.Engine) -> Iterator[list[tuple[str, bool]]]:
    """Each statement the database is sent, and whether outside a transaction. SQLite's driver
    reports every one (its BEGIN among them); psycopg sends its BEGIN itself, unseen, and a
    statement outside a transaction is one on a connection in autocommit: seen as SQLAlchemy
    executes it, or as it reaches the driver's ``execute`` directly (``statements.fetch``)."""
    sent: list[tuple[str, bool]] = []

    def traced(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(
            lambda sql: sent.append((sql, not dbapi_connection.in_transaction))
        )

    def untraced(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    def seen(conn: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append((statement, conn.connection.driver_connection.autocommit))

    def driver_seen(dbapi_connection: Any, *_: Any) -> None:
        execute = dbapi_connection.execute

        def executed(query: Any, *args: Any, **kwargs: Any) -> Any:
            sent.append((str(query), dbapi_connection.autocommit))
            return execute(query, *args, **kwargs)

        dbapi_connection.execute = executed

    def driver_unseen(dbapi_connection: Any, *_: Any) -> None:
        vars(dbapi_connection).pop("execute", None)

    listeners = (
        [("checkout", traced), ("checkin", untraced)]
        if engine.dialect.name == "sqlite"
        else [("before_cursor_execute", seen), ("checkout", driver_seen), ("checkin", driver_unseen)]
    )
    for name, listener in listeners:
        sa.event.listen(engine, name, listener)
    try:
        yield sent
    finally:
        for name, listener in listeners:
            sa.event.remove(engine, name, listener)
