"""`apdr policies run --as-of DATE [--setting URN]`: what it raised and resolved, setting by setting."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from apdr.aggregates.codes import Rating
from apdr.cli import app
from apdr.config import Config
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import alerts


def _apdr(database: Config, *args: str) -> str:
    env = {"APDR_DATABASE_URL": database.database_url, "APDR_DATABASE_SCHEMA": database.database_schema}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_given_an_overdue_plan_when_the_policies_are_run_from_the_command_line_then_it_says_what_was_raised_and_resolved(
    apdr: Apdr, database: Config, history: History
) -> None:
    other = History(apdr.record)  # a second setting, with nothing wrong
    plan_id = history.plan(history.pupil("Amira", "Khan"), date(2026, 9, 21), review_due_on=date(2026, 11, 2))
    urn = apdr.record.setting(history.setting_id).urn
    other_urn = apdr.record.setting(other.setting_id).urn

    first = _apdr(database, "policies", "run", "--as-of", "2026-11-16")
    second = _apdr(database, "policies", "run", "--as-of", "2026-11-16", "--setting", urn)
    history.review(plan_id, date(2026, 11, 17), Rating.met, next_due=date(2027, 2, 12))
    third = _apdr(database, "policies", "run", "--as-of", "2026-11-17", "--setting", urn)

    assert f"setting {urn}, as of 2026-11-16: 1 raised, 0 resolved" in first
    assert f"setting {other_urn}, as of 2026-11-16: 0 raised, 0 resolved" in first
    assert "raised overdue_review: Amira Khan's support plan was due for review on 2 Nov 2026" in first
    assert second == f"setting {urn}, as of 2026-11-16: 0 raised, 0 resolved"
    assert f"setting {urn}, as of 2026-11-17: 0 raised, 1 resolved" in third
    assert "resolved overdue_review: Amira Khan's support plan" in third
    (alert,) = alerts(apdr, history, "overdue_review")
    assert alert["status"] == "resolved" and alert["resolved_by"] == "cli"


def test_given_a_bad_date_or_urn_when_the_policies_are_run_then_the_command_says_so(
    database: Config,
) -> None:
    env = {"APDR_DATABASE_URL": database.database_url, "APDR_DATABASE_SCHEMA": database.database_schema}

    bad_date = CliRunner().invoke(app, ["policies", "run", "--as-of", "16/11/2026"], env=env)
    bad_urn = CliRunner().invoke(
        app, ["policies", "run", "--as-of", "2026-11-16", "--setting", "000000"], env=env
    )

    assert bad_date.exit_code == 2 and "is not a date: use YYYY-MM-DD" in bad_date.output
    assert bad_urn.exit_code == 1 and "no setting has URN 000000" in bad_urn.output


def test_given_a_live_run_as_of_late_november_when_the_policies_are_run_from_the_command_line_as_of_october_then_it_says_it_is_a_preview(
    apdr: Apdr, database: Config, history: History
) -> None:
    history.plan(history.pupil("Amira", "Khan"), date(2026, 9, 21), review_due_on=date(2026, 11, 2))
    cara = history.pupil("Cara", "Jones")
    late = history.plan(cara, date(2026, 9, 7), review_due_on=date(2026, 10, 5))
    history.review(late, date(2026, 10, 30), Rating.partly_met, next_due=date(2027, 2, 12))
    urn = apdr.record.setting(history.setting_id).urn
    live = _apdr(database, "policies", "run", "--as-of", "2026-11-20", "--setting", urn)
    (before,) = alerts(apdr, history, "overdue_review")

    october = _apdr(database, "policies", "run", "--as-of", "2026-10-20", "--setting", urn)

    assert live.startswith(f"setting {urn}, as of 2026-11-20: 1 raised, 0 resolved")
    assert october.startswith(
        f"setting {urn}, as of 2026-10-20: a preview, nothing changed: "
        "the live alerts stand as of 2026-11-20; 1 found"
    )
    assert "found overdue_review: Cara Jones's support plan was due for review on 5 Oct 2026" in october
    assert "raised" not in october and "resolved" not in october
    assert alerts(apdr, history, "overdue_review") == [before]
    assert apdr.record.repository.get(before["alert_id"]).version == 1


def test_given_apdr_today_when_the_policies_are_run_as_of_a_later_date_then_it_is_refused_and_nothing_recorded(
    apdr: Apdr, database: Config, history: History
) -> None:
    env = {
        "APDR_DATABASE_URL": database.database_url,
        "APDR_DATABASE_SCHEMA": database.database_schema,
        "APDR_TODAY": "2026-11-23",
    }

    future = CliRunner().invoke(app, ["policies", "run", "--as-of", "2027-11-16"], env=env)

    assert future.exit_code == 2 and "as_of: as_of 2027-11-16 is in the future" in " ".join(
        future.output.split()
    )
    assert apdr.record.latest_live_policy_run(history.setting_id) is None
