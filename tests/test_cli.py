"""The `apdr` command line, run for real against an SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.cli import app
from apdr.config import Config
from apdr.demo.school import DEMO_PASSWORD, DEMO_URN
from apdr.errors import NotAuthenticated
from apdr.projections.pupils import find_pupils
from apdr.runtime import Apdr
from tests.support.ctf import CtfPupil, ctf
from tests.support.school import upn

PASSWORD = "correct horse battery"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "APDR_DATABASE_URL": f"sqlite:///{tmp_path / 'apdr.sqlite3'}",
        "APDR_PASSWORD_HASH_MEMORY_KIB": "64",
        "APDR_PASSWORD_HASH_ITERATIONS": "1",
    }


def apdr(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def ok(env: dict[str, str], *args: str) -> str:
    result = apdr(env, *args)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def one_line_error(result: Result, code: int) -> str:
    """A mistake: a non-zero exit and a single line saying what is wrong, no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def opened(env: dict[str, str]) -> Apdr:
    return Apdr.open(Config(**{k.removeprefix("APDR_").lower(): v for k, v in env.items()}))  # type: ignore[arg-type]


def test_given_an_empty_database_when_a_setting_is_added_then_it_is_registered(env: dict[str, str]) -> None:
    output = ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")

    running = opened(env)
    try:
        setting = running.record.setting_by_urn("123456")
    finally:
        running.close()
    assert output == f"setting 123456 registered: {setting.id}"
    assert setting.name == "Oakfield Primary"


def test_given_a_setting_when_it_is_added_again_or_its_urn_is_wrong_then_one_line_says_so(
    env: dict[str, str],
) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")

    again = one_line_error(apdr(env, "settings", "add", "--urn", "123456", "--name", "Oakfield"), 1)
    wrong = one_line_error(apdr(env, "settings", "add", "--urn", "12345", "--name", "Oakfield"), 2)

    assert again == "a setting with URN 123456 is already registered"
    assert wrong.startswith("urn: a URN is the six-digit DfE Unique Reference Number")


def test_given_a_setting_when_a_user_is_added_then_they_can_sign_in(env: dict[str, str]) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")

    senco = ok(
        env,
        "users",
        "add",
        "Priya@Oakfield.example",
        "--role",
        "senco",
        "--setting",
        "123456",
        "--password",
        PASSWORD,
    )
    admin = ok(
        env, "users", "add", "it@trust.example", "--role", "admin", "--all-settings", "--password", PASSWORD
    )

    running = opened(env)
    try:
        user = running.record.authenticate("priya@oakfield.example", PASSWORD)
        it = running.record.authenticate("IT@trust.example", PASSWORD)
        with pytest.raises(NotAuthenticated):
            running.record.authenticate("priya@oakfield.example", "not the password")
        setting = running.record.setting_by_urn("123456")
    finally:
        running.close()
    assert senco == f"user Priya@Oakfield.example added as senco: {user.id}"
    assert admin.startswith("user it@trust.example added as admin")
    assert (user.role, user.setting_id, user.id) == (
        Role.senco,
        setting.id,
        User.create_id("priya@oakfield.example"),
    )
    assert (it.role, it.setting_id, it.all_settings) == (Role.admin, None, True)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--role", "senco", "--setting", "654321", "--password", PASSWORD], 1, "no setting has URN 654321"),
        (
            ["--role", "senco", "--setting", "123456", "--password", "short"],
            2,
            "password: a password has at least 10",
        ),
        (["--role", "teacher", "--password", PASSWORD], 2, "setting: a teacher belongs to a setting"),
        (["--role", "admin", "--password", PASSWORD], 2, "settings: an admin manages one setting"),
        (
            ["--role", "admin", "--setting", "123456", "--all-settings", "--password", PASSWORD],
            2,
            "settings: an admin of every setting needs no list",
        ),
        (
            ["--role", "senco", "--setting", "123456", "--setting", "123456", "--password", PASSWORD],
            2,
            "setting: a senco belongs to one setting",
        ),
        (
            ["--role", "ta", "--setting", "123456", "--password", PASSWORD, "--staff-id", "jo"],
            2,
            "staff_id: 'jo' is not an id",
        ),
    ],
)
def test_given_a_setting_when_a_user_is_added_wrongly_then_one_line_says_what_to_fix(
    env: dict[str, str], args: list[str], code: int, message: str
) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")

    line = one_line_error(apdr(env, "users", "add", "new@oakfield.example", *args), code)

    assert line.startswith(message), line


def test_given_a_user_when_the_same_email_is_added_again_then_one_line_says_so(env: dict[str, str]) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")
    args = ["--role", "teacher", "--setting", "123456", "--password", PASSWORD]
    ok(env, "users", "add", "tom@oakfield.example", *args)

    line = one_line_error(apdr(env, "users", "add", "TOM@oakfield.example", *args), 1)

    assert line == "tom@oakfield.example already has an account"


def _pupils(env: dict[str, str]) -> list[dict[str, Any]]:
    running = opened(env)
    try:
        setting_id = running.record.setting_by_urn(DEMO_URN).id
        running.read_models.ensure_current(["pupils"])
        with running.engine.connect() as conn:
            rows, total = find_pupils(
                conn,
                setting_id,
                search=None,
                sen_status=None,
                class_name=None,
                include_left=True,
                limit=500,
                offset=0,
            )
    finally:
        running.close()
    assert total == len(rows)
    return rows


def test_given_the_demo_when_it_is_loaded_twice_then_once_and_then_says_so_and_rebuilding_changes_nothing(
    env: dict[str, str],
) -> None:
    loaded = ok(env, "demo", "--as-of", "2026-11-23")
    again = ok(env, "demo", "--as-of", "2026-11-23")
    before = _pupils(env)

    rebuilt = ok(env, "projections", "rebuild")
    one = ok(env, "projections", "rebuild", "pupils")

    assert f"demo school 'Oakfield Primary School' (URN {DEMO_URN}) loaded as of 2026-11-23" in loaded
    assert "already loaded" in again and "loaded as of" not in again
    assert DEMO_PASSWORD in again
    assert len(before) >= 30
    assert "pupils:" in rebuilt and "events applied" in rebuilt and "provision_map:" in rebuilt
    assert "pupils:" in one and "provision_map" not in one
    assert _pupils(env) == before
    running = opened(env)
    try:
        senco = running.record.authenticate("senco@oakfield.example", DEMO_PASSWORD)
    finally:
        running.close()
    assert senco.role is Role.senco


def test_given_a_database_when_an_unknown_read_model_is_rebuilt_then_one_line_lists_the_real_ones(
    env: dict[str, str],
) -> None:
    line = one_line_error(apdr(env, "projections", "rebuild", "everything"), 2)

    assert line.startswith("name: no read model 'everything'; there are: pupils, provision_map")


def test_given_a_trust_when_an_admin_is_added_for_two_schools_and_rescoped_then_they_manage_just_those(
    env: dict[str, str],
) -> None:
    for urn in ("123456", "234567", "345678"):
        ok(env, "settings", "add", "--urn", urn, "--name", f"School {urn}")
    args = ["--role", "admin", "--setting", "123456", "--setting", "234567", "--password", PASSWORD]
    ok(env, "users", "add", "it@trust.example", *args)

    scoped = ok(env, "users", "scope", "IT@trust.example", "--setting", "345678")
    listed = ok(env, "users", "list", "--setting", "345678")
    other = ok(env, "users", "list", "--setting", "123456")

    running = opened(env)
    try:
        it = running.record.user(User.create_id("it@trust.example"))
        third = running.record.setting_by_urn("345678").id
    finally:
        running.close()
    assert scoped == "it@trust.example now manages 345678"
    assert (it.admin_of, it.all_settings) == ({third}, False)
    assert "it@trust.example" in listed and "it@trust.example" not in other


def test_given_another_school_in_the_database_when_the_demo_is_loaded_then_it_refuses_unless_told(
    env: dict[str, str],
) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "A Real Primary")

    refused = one_line_error(apdr(env, "demo", "--as-of", "2026-11-23"), 1)
    loaded = ok(env, "demo", "--as-of", "2026-11-23", "--alongside")

    assert "holds 1 other setting(s) (123456)" in refused and "--alongside" in refused
    assert "loaded as of 2026-11-23" in loaded
    running = opened(env)
    try:
        admin = running.record.authenticate("admin@oakfield.example", DEMO_PASSWORD)
        demo, real = running.record.setting_by_urn(DEMO_URN).id, running.record.setting_by_urn("123456").id
    finally:
        running.close()
    # The demo's admin, whose password is published, manages the demo school alone.
    assert (admin.administers(demo), admin.administers(real)) == (True, False)


def test_given_a_packs_json_when_it_is_verified_then_as_issued_or_altered_is_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    from apdr.aggregates.evidence_pack import seal

    sealed, digest = seal(
        {"kind": "yot", "recipient": "Anytown YJS", "sections": {"needs": [{"need_type": "SPLD"}]}}
    )
    issued, altered, wrong = tmp_path / "issued.json", tmp_path / "altered.json", tmp_path / "wrong.json"
    issued.write_text(sealed, encoding="utf-8")
    altered.write_text(sealed.replace("SPLD", "MLD"), encoding="utf-8")
    wrong.write_text("not json", encoding="utf-8")

    assert ok(env, "packs", "verify", str(issued)) == f"{issued} is as issued (sha256 {digest})"
    assert "has been altered" in one_line_error(apdr(env, "packs", "verify", str(altered)), 1)
    assert "is not a pack's JSON" in one_line_error(apdr(env, "packs", "verify", str(wrong)), 1)


def test_given_a_ctf_when_imported_from_the_command_line_then_a_dry_run_writes_nothing_and_a_second_run_nothing_new(
    env: dict[str, str], tmp_path: Path
) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")
    pupils = [
        CtfPupil(upn(), sen=[("K", "2025-09-08", None)], needs=[(1, "SPLD")]),
        CtfPupil(upn(), "Ben", "Adams"),
    ]
    file = tmp_path / "8012000_CTF_8012001_001.xml"
    file.write_bytes(ctf(pupils))

    assert ok(env, "import", "ctf", str(file), "--setting", "123456", "--dry-run") == (
        f"{file.name}: 2 pupils would be added, 0 updated, 0 unchanged; 0 problems"
    )
    assert ok(env, "import", "ctf", str(file), "--setting", "123456") == (
        f"{file.name}: 2 pupils added, 0 updated, 0 unchanged; 0 problems"
    )
    assert ok(env, "import", "ctf", str(file), "--setting", "123456").endswith(
        "0 updated, 2 unchanged; 0 problems"
    )
    running = opened(env)
    try:
        setting = running.record.setting_by_urn("123456")
        listed, total = running.read_models.ask(find_pupils, setting.id)
    finally:
        running.close()
    assert total == 2
    assert {(p["upn"], p["sen_status"], p["primary_need"]) for p in listed} == {
        (pupils[0].upn, "K", "SPLD"),
        (pupils[1].upn, "N", None),
    }


def test_given_a_csv_with_a_bad_row_when_imported_from_the_command_line_then_it_exits_1_and_lists_the_row(
    env: dict[str, str], tmp_path: Path
) -> None:
    ok(env, "settings", "add", "--urn", "123456", "--name", "Oakfield Primary")
    file = tmp_path / "pupils.csv"
    header = "UPN,Legal forename,Legal surname,Date of birth,Admission date,Class"
    file.write_text(
        f"{header}\n{upn()},Amira,Khan,2017-03-14,2024-09-02,4B\n{upn()},Ben,Adams,not a date,2024-09-02,5C\n"
    )

    result = apdr(env, "import", "csv", str(file), "--setting", "123456")

    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert "1 pupil added" in output and "; 1 problem" in output
    assert "date_of_birth" in output and "'not a date' is not a date" in output
    assert one_line_error(apdr(env, "import", "csv", str(file), "--setting", "999999"), 1) == (
        "no setting has URN 999999"
    )
