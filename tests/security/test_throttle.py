"""Sign-in attempts are counted per username and per client address, in the database, before the
password is checked: past the limit, 429 with Retry-After, however many arrive at once and
whichever API worker they reach."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from apdr.aggregates.codes import Role
from apdr.api import create_app
from apdr.api.throttle import SignInThrottle, TooManySignIns, counter_key, sign_in_attempts
from apdr.runtime import Apdr
from tests.support.school import PASSWORD, School, problem, school_of_its_own
from tests.support.server import LiveServer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def school(apdr: Apdr) -> Iterator[School]:
    """A school on ``apdr``, its database to itself: the attempts counted are this test's alone."""
    with school_of_its_own(apdr) as school:
        yield school


@contextmanager
def served(apdr: Apdr, throttle: SignInThrottle | None = None) -> Iterator[httpx.Client]:
    """Another API worker over ``apdr``'s database, with ``throttle`` if given."""
    app = create_app(apdr=apdr)
    if throttle is not None:
        app.state.sign_in_throttle = throttle
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


def sign_in(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return http.post("/api/v1/auth/token", data={"username": email, "password": password})


def at_once(url: str, attempts: int, email: str, password: str) -> list[httpx.Response]:
    """``attempts`` sign-ins sent together, each on a connection of its own."""
    start = threading.Barrier(attempts)
    answers: list[httpx.Response] = []

    def attempt() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            start.wait()
            answers.append(sign_in(http, email, password))

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(sign_in_attempts.c.key, sign_in_attempts.c.attempts)).tuples()
        return dict(rows.all())


def refused(throttle: SignInThrottle, engine: sa.Engine, username: str, address: str) -> int:
    """The Retry-After of an attempt that must be refused."""
    with pytest.raises(TooManySignIns) as refusal:
        throttle.attempt(engine, username, address)
    return refusal.value.retry_after


def test_given_20_wrong_passwords_at_once_when_they_race_then_only_the_limit_are_checked(
    school: School,
) -> None:
    limit = school.apdr.settings.sign_in_failures_per_username

    answers = at_once(str(school.http.base_url), 20, school.senco.email, "wrong")

    assert sorted(a.status_code for a in answers) == [401] * limit + [429] * (20 - limit)
    for answer in answers:
        if answer.status_code == 429:
            assert 1 <= int(answer.headers["retry-after"]) <= 60


def test_given_two_api_workers_over_one_database_when_wrong_passwords_go_to_both_then_they_share_the_count(
    school: School,
) -> None:
    limit = school.apdr.settings.sign_in_failures_per_username
    second = Apdr.open(school.apdr.settings)  # a worker of its own: its own engine and connections
    try:
        with served(second) as other:
            statuses = [
                sign_in(http, school.senco.email, "wrong").status_code
                for _ in range(limit + 1)
                for http in (school.http, other)
            ]
    finally:
        second.close()

    assert statuses == [401] * limit + [429] * (limit + 2)


def test_given_a_locked_out_username_when_the_right_password_comes_then_429_until_the_window_ends(
    school: School,
) -> None:
    clock = Clock()
    throttle = SignInThrottle(per_username=5, per_address=30, clock=clock)
    teacher = school.user(Role.teacher)
    with served(school.apdr, throttle) as http:
        assert [sign_in(http, school.senco.email, "wrong").status_code for _ in range(5)] == [401] * 5
        clock.now += 20

        locked_out = sign_in(http, school.senco.email.upper())
        colleague = sign_in(http, teacher.email)
        clock.now += 40
        window_ended = sign_in(http, school.senco.email)

    assert "try again in 40 seconds" in problem(locked_out, 429)["detail"]
    assert locked_out.headers["retry-after"] == "40"
    assert colleague.status_code == 200
    assert window_ended.status_code == 200


def test_given_successful_sign_ins_when_counted_then_they_do_not_use_up_the_address_allowance(
    school: School,
) -> None:
    throttle = SignInThrottle(per_username=5, per_address=3, clock=Clock())
    with served(school.apdr, throttle) as http:
        signed_in = [sign_in(http, school.senco.email).status_code for _ in range(5)]
        wrong = [sign_in(http, f"nobody{n}@school.example", "wrong").status_code for n in range(3)]
        from_this_address = sign_in(http, school.senco.email)

    assert signed_in == [200] * 5
    assert wrong == [401] * 3
    problem(from_this_address, 429)


def test_given_attempts_when_counted_then_the_limits_hold_for_a_minute_per_username_and_per_address(
    apdr: Apdr,
) -> None:
    clock = Clock()
    throttle = SignInThrottle(per_username=3, per_address=5, clock=clock)
    engine = apdr.engine

    for _ in range(3):
        throttle.attempt(engine, "jo@school.example", "10.0.0.1")  # each a wrong password: left counted
    clock.now += 20

    assert refused(throttle, engine, "jo@school.example", "10.0.0.1") == 40
    assert refused(throttle, engine, "jo@school.example", "10.0.0.2") == 40  # another address: same username
    throttle.attempt(engine, "sam@school.example", "10.0.0.1")  # jo's refusals were not the address's
    throttle.attempt(engine, "ali@school.example", "10.0.0.1")
    assert refused(throttle, engine, "new@school.example", "10.0.0.1") == 40  # the address's 5 are used
    assert throttle.attempt(engine, "new@school.example", "10.0.0.9").user.attempts == 1  # given back
    clock.now += 40

    assert throttle.attempt(engine, "jo@school.example", "10.0.0.1").user.attempts == 1
    throttle.attempt(engine, "pat@school.example", "10.0.0.3").succeeded()
    assert counter_key("user", "pat@school.example") not in counts(engine)
    assert counts(engine)[counter_key("address", "10.0.0.3")] == 0


def test_given_a_spray_of_usernames_when_their_window_has_ended_then_their_counts_are_deleted(
    apdr: Apdr,
) -> None:
    clock = Clock()
    throttle = SignInThrottle(per_username=5, per_address=1000, clock=clock)
    for n in range(50):
        throttle.attempt(apdr.engine, f"guess{n}@school.example", f"10.0.{n}.1")
    assert len(counts(apdr.engine)) == 100
    clock.now += 60

    throttle.attempt(apdr.engine, "one-more@school.example", "10.0.0.1")

    assert counts(apdr.engine) == {
        counter_key("user", "one-more@school.example"): 1,
        counter_key("address", "10.0.0.1"): 1,
    }


def test_given_the_database_is_unreachable_when_signing_in_then_503_not_a_token(
    school: School, tmp_path: Path
) -> None:
    url = school.apdr.engine.url
    gone = (
        url.set(port=1)
        if url.get_backend_name() == "postgresql"
        else url.set(database=str(tmp_path / "gone" / "db"))
    )
    unreachable = dataclasses.replace(school.apdr, engine=sa.create_engine(gone))
    try:
        with served(unreachable) as http:
            answer = sign_in(http, school.senco.email)
    finally:
        unreachable.engine.dispose()

    problem(answer, 503)


def test_given_a_username_no_database_text_can_hold_when_signing_in_then_401_not_a_server_error(
    school: School,
) -> None:
    answer = sign_in(school.http, "nul\x00@school.example" + "x" * 400, "wrong")

    problem(answer, 401)
