"""Pupils from the school's MIS over HTTP: a CTF and a CSV imported, imported again,
followed by a later file; bad and hostile files; a pupil's CTF out and into another school."""

from __future__ import annotations

import time
from typing import Any
from xml.etree import ElementTree as ET

import httpx

from apdr.aggregates.codes import Role
from tests.support.ctf import CtfPupil, ctf
from tests.support.school import School, new_school, problem, upn

CSV = "text/csv"


def _import(school: School, data: bytes, name: str = "pupils.xml", **params: Any) -> httpx.Response:
    return school.senco.post("/imports", files={"file": (name, data, CSV)}, params=params)


def _imported(school: School, data: bytes, name: str = "pupils.xml", **params: Any) -> dict[str, Any]:
    response = _import(school, data, name, **params)
    assert response.status_code == 200, response.text
    return response.json()


def _last_event(school: School) -> int:
    return school.apdr.read_models.last_notification_id()


def _register(school: School, as_of: str) -> dict[str, dict[str, Any]]:
    body = school.senco.get("/register", params={"as_of": as_of, "include_no_sen": "true"}).json()
    return {row["upn"]: row for row in body["pupils"]}


def _pupils(school: School) -> tuple[CtfPupil, CtfPupil, CtfPupil, CtfPupil]:
    amira = CtfPupil(
        upn(),
        sen=[("K", "2023-09-04", "2025-01-10"), ("E", "2025-01-10", None)],
        needs=[(1, "SLCN"), (2, "ASD")],
        schools=[("100999", "2021-09-01", "2022-07-20"), (school.urn, "2022-09-05", None)],
    )
    ben = CtfPupil(
        upn(), "Ben", "Adams", "2016-10-02", "5", sen=[("K", "2025-09-08", None)], needs=[(1, "SPLD")]
    )
    ben.schools = [("100999", "2021-09-06", None)]  # a file from this school's own MIS: the school not left
    cara = CtfPupil(upn(), "Cara", "Jones", "2018-01-30", "3")
    wrong = "A" + upn()[1:] if not upn().startswith("A") else "B" + upn()[1:]
    bad = CtfPupil(
        wrong, "Dan", "Smith", "14/13/2017", "4", sen=[("K", "2025-01-06", None)], needs=[(1, "XYZ")]
    )
    return amira, ben, cara, bad


def test_given_a_ctf_when_imported_twice_then_the_second_time_writes_nothing(school: School) -> None:
    amira, ben, cara, bad = _pupils(school)
    file = ctf([amira, ben, cara, bad], source_urn=school.urn)

    first = _imported(school, file)

    assert (first["pupils_added"], first["pupils_updated"], first["unchanged"]) == (3, 0, 0)
    assert {(p.get("upn"), p["field"]) for p in first["problems"]} == {
        (bad.upn, "upn"),
        (bad.upn, "date_of_birth"),
        (bad.upn, "need_type"),
    }
    assert "check letter" in next(p["problem"] for p in first["problems"] if p["field"] == "upn")
    today = _register(school, "2026-11-23")
    assert bad.upn not in today  # nothing written for the pupil with problems
    assert (today[amira.upn]["sen_status"], today[amira.upn]["sen_status_since"]) == ("E", "2025-01-10")
    assert (today[amira.upn]["primary_need"], today[amira.upn]["secondary_need"]) == ("SLCN", "ASD")
    assert (today[ben.upn]["sen_status"], today[ben.upn]["primary_need"]) == ("K", "SPLD")
    assert (today[cara.upn]["sen_status"], today[cara.upn]["class_name"]) == ("N", "Year 3")

    written = _last_event(school)
    second = _imported(school, file)

    assert (second["pupils_added"], second["pupils_updated"], second["unchanged"]) == (0, 0, 3)
    assert len(second["problems"]) == 3
    assert _last_event(school) == written


def test_given_an_imported_ctf_when_the_register_is_drawn_inside_its_history_then_it_is_as_the_file_dates_it(
    school: School,
) -> None:
    amira, ben, cara, _ = _pupils(school)
    _imported(school, ctf([amira, ben, cara], source_urn=school.urn))

    in_2024 = _register(school, "2024-06-03")

    # Amira was on SEN support then (the file's first period), Ben on roll without SEN,
    # Cara not yet admitted (a pupil the file gives no entry date for joins on the day of import).
    assert (in_2024[amira.upn]["sen_status"], in_2024[amira.upn]["sen_status_since"]) == ("K", "2023-09-04")
    assert in_2024[ben.upn]["sen_status"] == "N"
    assert cara.upn not in in_2024
    assert _register(school, "2022-09-04").get(amira.upn) is None  # before her entry to this school


def test_given_an_imported_ctf_when_a_later_file_is_imported_then_only_the_changes_are_recorded(
    school: School,
) -> None:
    amira, ben, cara, _ = _pupils(school)
    _imported(school, ctf([amira, ben, cara], source_urn=school.urn))
    before = _last_event(school)
    amira.surname = "Khan-Ali"  # a corrected name
    amira.nc_year = "5"  # a CTF names no class: the school's own class stands
    ben.needs = [(1, "SPLD"), (2, "SEMH")]  # a new need
    cara.sen = [("K", "2026-11-21", None)]  # a new status

    later = _imported(school, ctf([amira, ben, cara], source_urn=school.urn, made="2026-11-22T08:00:00"))

    assert (later["pupils_added"], later["pupils_updated"], later["unchanged"], later["problems"]) == (
        0,
        3,
        0,
        [],
    )
    assert _last_event(school) == before + 3  # one event each: a correction, a need, a status
    today = _register(school, "2026-11-23")
    assert (today[amira.upn]["family_name"], today[amira.upn]["class_name"]) == ("Khan-Ali", "Year 4")
    assert (today[amira.upn]["sen_status"], today[amira.upn]["secondary_need"]) == ("E", "ASD")
    assert (today[ben.upn]["primary_need"], today[ben.upn]["secondary_need"]) == ("SPLD", "SEMH")
    assert (today[cara.upn]["sen_status"], today[cara.upn]["sen_status_since"]) == ("K", "2026-11-21")


def test_given_a_ctf_when_it_is_a_dry_run_then_it_answers_what_would_change_and_writes_nothing(
    school: School,
) -> None:
    amira, ben, cara, _ = _pupils(school)
    written = _last_event(school)

    dry = _imported(school, ctf([amira, ben, cara], source_urn=school.urn), dry_run="true")

    assert (dry["pupils_added"], dry["pupils_updated"], dry["unchanged"]) == (3, 0, 0)
    assert _last_event(school) == written
    assert amira.upn not in _register(school, "2026-11-23")


def _csv(
    *rows: str,
    header: str = "upn,Legal Forename,LEGAL_SURNAME,Date of Birth,Admission Date,Class,"
    "SEN Provision,Primary Need",
) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode()


def test_given_a_csv_when_imported_twice_then_rows_with_problems_are_told_and_the_rest_written_once(
    school: School,
) -> None:
    good, plain, wrong = upn(), upn(), upn()
    wrong = ("B" if wrong[0] == "A" else "A") + wrong[1:]
    file = _csv(
        f"{good},Amira,Khan,14/03/2017,02/09/2024,4B,K,SPLD",
        f"{plain},Ben,Adams,2016-10-02,2024-09-02,5-6,,",
        f"{wrong},Cara,Jones,31/02/2015,2024-09-02,3C,K,ZZZ",
    )

    first = _imported(school, file, "pupils.csv")

    assert (first["pupils_added"], first["unchanged"]) == (2, 0)
    assert sorted((p["row"], p["field"]) for p in first["problems"]) == [
        (4, "date_of_birth"),
        (4, "primary_need"),
        (4, "upn"),
    ]
    rows = _register(school, "2026-11-23")
    assert (rows[good]["sen_status"], rows[good]["primary_need"], rows[good]["class_name"]) == (
        "K",
        "SPLD",
        "4B",
    )
    assert (rows[plain]["sen_status"], rows[plain]["class_name"]) == ("N", "5-6")
    written = _last_event(school)

    second = _imported(school, file, "pupils.csv")

    assert (second["pupils_added"], second["pupils_updated"], second["unchanged"]) == (0, 0, 2)
    assert _last_event(school) == written


def test_given_an_imported_csv_when_a_later_one_is_imported_then_only_the_changes_are_recorded(
    school: School,
) -> None:
    amira, ben, cara = upn(), upn(), upn()
    _imported(
        school,
        _csv(
            f"{amira},Amira,Khan,2017-03-14,2024-09-02,4B,K,SPLD",
            f"{ben},Ben,Adams,2016-10-02,2024-09-02,5C,N,",
            f"{cara},Cara,Jones,2018-01-30,2024-09-02,3A,K,SEMH",
        ),
        "autumn.csv",
    )
    before = _last_event(school)

    later = _imported(
        school,
        _csv(
            f"{amira},Amira,Khan,2017-03-14,2024-09-02,4C,K,SPLD",  # a class move
            f"{ben},Ben,Adams,2016-10-02,2024-09-02,5C,K,SLCN",  # on SEN support, with a need
            f"{cara},Cara,Jones,2018-01-30,2024-09-02,3A,K,SEMH",  # as it was
        ),
        "spring.csv",
    )

    assert (later["pupils_added"], later["pupils_updated"], later["unchanged"]) == (0, 2, 1)
    assert _last_event(school) == before + 3  # a move; a status and a need
    rows = _register(school, "2026-11-23")
    assert rows[amira]["class_name"] == "4C"
    assert (rows[ben]["sen_status"], rows[ben]["sen_status_since"], rows[ben]["primary_need"]) == (
        "K",
        "2026-11-23",  # a CSV without an SEN start date: the day it was imported
        "SLCN",
    )


def test_given_a_csv_without_a_required_column_when_imported_then_it_is_one_422_and_nothing_is_written(
    school: School,
) -> None:
    written = _last_event(school)

    response = _import(
        school, _csv(f"{upn()},Amira,Khan,2017-03-14", header="UPN,Forename,Surname,DOB"), "a.csv"
    )

    body = problem(response, 422, "file")
    assert "Admission date" in str(body) and "Class" in str(body)
    assert _last_event(school) == written


def test_given_the_template_when_downloaded_then_it_names_the_columns_an_import_reads(school: School) -> None:
    response = school.senco.get("/imports/template.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    header = response.text.lstrip("\ufeff").strip()
    assert header.startswith("UPN,Legal forename,Legal surname,Date of birth,Admission date,Class")
    # The template's own header is a file the import reads: no rows, no problems.
    assert _imported(school, response.content, "template.csv") == {
        "pupils_added": 0,
        "pupils_updated": 0,
        "unchanged": 0,
        "problems": [],
    }


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><Header/><CTFpupilData><Pupil><UPN>&secret;</UPN></Pupil></CTFpupilData></CTfile>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<CTfile><Header/><CTFpupilData><Pupil><UPN>&lol9;</UPN></Pupil></CTFpupilData></CTfile>"""


def test_given_hostile_or_broken_xml_when_imported_then_it_is_refused_unread_and_nothing_is_written(
    school: School,
) -> None:
    written = _last_event(school)
    for data, says in [
        (XXE, "DTD"),
        (LAUGHS, "DTD"),
        (b"<CTfile><Header></CTfile>", "not well-formed"),
        (b"<?xml version='1.0'?><html><body/></html>", "not a Common Transfer File"),
    ]:
        started = time.perf_counter()
        response = _import(school, data)
        body = problem(response, 422, "file")
        assert says in str(body), body
        assert "root:" not in response.text  # /etc/passwd was never read into the answer
        assert time.perf_counter() - started < 5  # no entity expanded
    assert _last_event(school) == written


def test_given_a_file_over_the_limit_when_uploaded_then_it_is_a_413(school: School) -> None:
    limit = school.apdr.settings.max_import_bytes
    response = _import(school, b"a" * (limit + 1), "huge.csv")

    assert response.status_code == 413


def test_given_a_teacher_when_they_import_or_export_then_it_is_forbidden(school: School) -> None:
    teacher = school.user(Role.teacher)
    pupil_id = school.pupil()

    assert teacher.post("/imports", files={"file": ("a.csv", _csv(), CSV)}).status_code == 403
    assert teacher.get(f"/pupils/{pupil_id}/ctf").status_code == 403


def _sen_history(document: bytes) -> list[list[tuple[str, str]]]:
    root = ET.fromstring(document)
    history = root.find("CTFpupilData/Pupil/SENhistory")
    assert history is not None
    return [
        [(child.tag, child.text or "") for child in element]
        for element in history.iter()
        if element.tag in ("SEN", "SENneed")
    ]


def test_given_a_pupil_with_a_sen_history_when_their_ctf_is_imported_by_their_next_school_then_it_has_the_same_history(
    school: School,
) -> None:
    amira, *_ = _pupils(school)
    _imported(school, ctf([amira], source_urn=school.urn))
    pupil_id = school.senco.get("/pupils", params={"search": amira.upn}).json()["pupils"][0]["id"]

    exported = school.senco.get(f"/pupils/{pupil_id}/ctf", params={"destination": "8012001"})

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/xml")
    assert exported.headers["content-disposition"] == f'attachment; filename="{amira.upn}_CTF.xml"'
    assert _sen_history(exported.content) == [
        [("StartDate", "2023-09-04"), ("EndDate", "2025-01-10"), ("SENprovision", "K")],
        [("StartDate", "2025-01-10"), ("SENprovision", "E")],
        [("SENtypeRank", "1"), ("SENtype", "SLCN")],
        [("SENtypeRank", "2"), ("SENtype", "ASD")],
    ]
    audit = school.senco.get("/audit", params={"pupil_id": pupil_id}).json()["entries"]
    assert any(e["kind"] == "disclosure" and "8012001" in e["what"] for e in audit)

    next_school = new_school(school.apdr, school.http)
    received = _imported(next_school, exported.content, f"{amira.upn}_CTF.xml")

    assert (received["pupils_added"], received["problems"]) == (1, [])
    moved_id = next_school.senco.get("/pupils", params={"search": amira.upn}).json()["pupils"][0]["id"]
    again = next_school.senco.get(f"/pupils/{moved_id}/ctf")
    assert _sen_history(again.content) == _sen_history(exported.content)
    assert _register(next_school, "2024-06-03") == {}  # not on this school's roll before they arrive
    assert _register(next_school, "2026-11-23")[amira.upn]["sen_status"] == "E"
