"""Schemathesis against the app's own OpenAPI schema, served by the real app on each database:
whatever a client sends, never a server error, and every answer as the schema documents it.

Signed in as a SENCO of a setting with records of every kind (an admin for the admin routes).
Every other case is aimed at those records' ids instead of random ones, so that generated
bodies reach the aggregates' rules, not just a 404. Cases the schema allows and cases it
does not (``APDR_SCHEMATHESIS_EXAMPLES`` of each per operation) are both sent.

(Driven from one test rather than schemathesis' pytest plugin, whose lazy fixture loading
does not work with this pytest.)"""

from __future__ import annotations

import itertools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.openapi import from_url
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.support.school import School
from tests.support.seeded import seed

EXAMPLES = int(os.environ.get("APDR_SCHEMATHESIS_EXAMPLES", "15"))


def test_given_any_request_when_sent_then_never_a_server_error_and_the_answer_fits_the_schema(
    school: School,
) -> None:
    seeded = seed(school)
    schema = from_url(f"{school.http.base_url}/openapi.json")
    turn = itertools.count()
    failures: dict[str, str] = {}

    def send(case: Case) -> None:
        if next(turn) % 2:
            for name in case.path_parameters or {}:
                if name in seeded.ids:
                    case.path_parameters[name] = seeded.ids[name]
        admin = case.path.startswith(("/api/v1/settings", "/api/v1/users"))
        client = seeded.admin if admin else school.senco
        case.call_and_validate(
            headers=client.headers, checks=[not_a_server_error, response_schema_conformance]
        )

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run = settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(given(case=operation.as_strategy(generation_mode=mode))(send))
            try:
                run()
            except Unsatisfiable:
                pass  # no parameters, so no case the schema does not allow
            except (Exception, BaseExceptionGroup) as error:
                failures[f"{operation.label} ({mode.value})"] = str(error)[:3000]

    assert len(operations) > 50
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
