"""Failed sign-ins are limited per username and per client address: then 429, with Retry-After."""

from __future__ import annotations

import httpx

from apdr.aggregates.codes import Role
from apdr.api.throttle import SignInThrottle
from apdr.runtime import Apdr
from tests.api import support
from tests.api.support import http_to, problem
from tests.support.fixtures import PASSWORD, School

school, served = support.school, support.served


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_given_failures_when_counted_then_the_limit_holds_for_a_minute_per_username_and_per_address() -> None:
    clock = Clock()
    throttle = SignInThrottle(per_username=3, per_address=5, clock=clock)

    for _ in range(3):
        assert throttle.retry_after("jo@school.example", "10.0.0.1") is None
        throttle.failed("jo@school.example", "10.0.0.1")
    clock.now += 20

    assert throttle.retry_after("jo@school.example", "10.0.0.1") == 40
    assert throttle.retry_after("jo@school.example", "10.0.0.2") == 40  # another address: same username
    assert throttle.retry_after("sam@school.example", "10.0.0.1") is None  # 3 of the address's 5
    throttle.failed("sam@school.example", "10.0.0.1")
    throttle.failed("ali@school.example", "10.0.0.1")
    assert throttle.retry_after("new@school.example", "10.0.0.1") == 40  # the address's 5 are used
    assert throttle.retry_after("new@school.example", "10.0.0.9") is None
    clock.now += 40

    assert throttle.retry_after("jo@school.example", "10.0.0.1") is None
    throttle.failed("pat@school.example", "10.0.0.3")
    throttle.succeeded("pat@school.example")
    assert ("user", "pat@school.example") not in throttle._failures


def test_given_wrong_passwords_when_the_limit_is_reached_then_429_even_with_the_right_one(
    school: School, served: tuple[Apdr, httpx.Client]
) -> None:
    running, _ = served
    limit = running.settings.sign_in_failures_per_username
    # An app of its own, so its count of this address's failures starts at nought.
    with http_to(running) as http:
        for _ in range(limit):
            assert (
                http.post(
                    "/api/v1/auth/token", data={"username": school.senco.email, "password": "wrong"}
                ).status_code
                == 401
            )
        refused = http.post(
            "/api/v1/auth/token", data={"username": school.senco.email.upper(), "password": PASSWORD}
        )
        other = school.user(Role.teacher)
        still_fine = http.post("/api/v1/auth/token", data={"username": other.email, "password": PASSWORD})

        body = problem(refused, 429)
        assert "try again in" in body["detail"]
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert still_fine.status_code == 200

        for n in range(running.settings.sign_in_failures_per_address):
            http.post("/api/v1/auth/token", data={"username": f"nobody{n}@school.example", "password": "x"})
        from_this_address = http.post(
            "/api/v1/auth/token", data={"username": other.email, "password": PASSWORD}
        )
        problem(from_this_address, 429)
