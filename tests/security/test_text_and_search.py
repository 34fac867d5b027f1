"""Text shows other users what was typed: a search takes its wildcards literally, and names and
free text refuse what would hide or disguise what they say (C1 controls, bidirectional overrides)."""

from __future__ import annotations

from apdr.aggregates.codes import Role
from tests.support.school import School, group, invalid, upn

RLO, LRI, NEL = "\u202e", "\u2066", "\x85"  # right-to-left override, left-to-right isolate, a C1 control


def _found(school: School, search: str) -> list[str]:
    response = school.senco.get("/pupils", params={"search": search})
    assert response.status_code == 200, response.text
    return [p["given_name"] for p in response.json()["pupils"]]


def _pupil_named(given_name: str, family_name: str = "Khan") -> dict[str, str]:
    return {
        "upn": upn(),
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": "2017-03-14",
        "class_name": "4B",
    }


def test_given_pupils_when_searched_for_like_wildcards_then_they_match_only_themselves(
    school: School,
) -> None:
    school.pupil(given_name="Amira", family_name="Khan")
    school.pupil(given_name="Oliver", family_name="Smith")
    school.pupil(given_name="Ann_Marie", family_name="Jones")  # as a census file once wrote a space

    assert _found(school, "%") == []
    assert _found(school, "a%n") == []
    assert _found(school, "_") == ["Ann_Marie"]
    assert _found(school, "n_m") == ["Ann_Marie"]
    assert _found(school, "/") == []  # the escape character itself
    assert _found(school, "\\") == []
    assert _found(school, "KHAN") == ["Amira"]  # a search still ignores case
    assert _found(school, "smi") == ["Oliver"]


def test_given_names_with_c1_controls_bidi_overrides_or_line_breaks_when_sent_then_422_naming_each(
    school: School,
) -> None:
    overridden = school.senco.post("/pupils", _pupil_named(f"Amira{RLO}txt.exe"))
    c1 = school.senco.post("/pupils", _pupil_named("Amira", f"Kh{NEL}an"))
    two_lines = school.senco.post("/pupils", _pupil_named("Amira\nKhan"))
    isolated = school.senco.post("/staff", {"name": f"Grace {LRI}Okafor", "role": "ta"})
    mark = school.senco.post("/staff", {"name": "Grace\u200fOkafor", "role": "ta"})
    pupil = school.pupil()
    corrected = school.senco.post(
        f"/pupils/{pupil}/corrections", {"family_name": f"Khan{RLO}", "reason": "typo"}
    )
    moved = school.senco.post(
        f"/pupils/{pupil}/class-moves", {"class_name": "5\nC", "moved_on": "2026-11-02"}
    )
    setting = school.user(Role.admin).post("/settings", {"urn": "123456", "name": "Oakfield\nPrimary"})

    assert "bidirectional" in invalid(overridden, "given_name")
    assert "control characters" in invalid(c1, "family_name")
    assert "one line" in invalid(two_lines, "given_name")
    assert "U+2066" in invalid(isolated, "name")
    assert "U+200F" in invalid(mark, "name")
    invalid(corrected, "family_name")
    invalid(moved, "class_name")  # refused by the pupil itself: the body's type allows new lines
    assert "one line" in invalid(setting, "name")  # refused by the body's type: a setting takes any text
    assert [p["id"] for p in school.senco.get("/pupils").json()["pupils"]] == [pupil]
    assert school.senco.get("/staff").json()["staff"] == []


def test_given_free_text_with_c1_controls_or_bidi_overrides_when_sent_then_422_naming_the_field(
    school: School,
) -> None:
    running = group(school)

    concern = school.senco.post(
        f"/pupils/{running.amira}/concerns",
        {"raised_on": "2026-11-02", "raised_by": "parent", "concern": f"Reads {RLO}slowly"},
    )
    outcome = school.senco.post(
        f"/pupils/{running.amira}/plans",
        {
            "starts_on": "2026-09-21",
            "review_due_on": "2026-12-11",
            "outcomes": [{"description": f"Reads{NEL}fluently", "measure": "wpm", "target": "100"}],
            "strategies": [],
            "expected_impact": "Joins guided reading",
        },
    )
    notes = school.session(running.intervention, running.staff, {running.amira: "present"}, notes=f"ok{LRI}")
    search = school.senco.get("/pupils", params={"search": f"Am{RLO}"})

    invalid(concern, "concern")
    invalid(outcome, "outcomes")
    invalid(notes, "notes")
    invalid(search, "search")
    assert school.senco.get(f"/pupils/{running.amira}/concerns").json()["concerns"] == []


def test_given_names_in_any_script_or_free_text_over_lines_when_sent_then_recorded_as_typed(
    school: School,
) -> None:
    names = [("Zoë", "Ó Briain"), ("محمد", "الأحمد"), ("Анна", "Петрова"), ("Mei", "王")]
    ids = [school.senco.create("/pupils", _pupil_named(given, family)) for given, family in names]
    concern = school.senco.post(
        f"/pupils/{ids[0]}/concerns",
        {"raised_on": "2026-11-02", "raised_by": "parent", "concern": "Line 1\r\n\tLine 2"},
    )

    assert concern.status_code == 201, concern.text
    listed = school.senco.get("/pupils", params={"limit": 10}).json()["pupils"]
    assert sorted((p["given_name"], p["family_name"]) for p in listed) == sorted(names)
    recorded = school.senco.get(f"/pupils/{ids[0]}/concerns").json()["concerns"]
    assert [c["concern"] for c in recorded] == ["Line 1\r\n\tLine 2"]
    assert school.user(Role.teacher).get("/pupils", params={"search": "محمد"}).json()["total"] == 1
