"""The provision map and impact report over HTTP: the contract's shapes, CSV, and who may see them."""

from __future__ import annotations

from apdr.aggregates.codes import Role
from apdr.api.schemas.reports import ImpactOut
from apdr.application import Actor
from tests.support.school import BASELINE, School, random_urn, spreadsheet

ROW_FIELDS = {
    "pupil_id",
    "pupil_name",
    "year_group",
    "class_name",
    "intervention_id",
    "intervention",
    "area_of_need",
    "aim",
    "staff",
    "sessions_per_week",
    "minutes_per_session",
    "delivery",
    "ratio",
    "location",
    "starts_on",
    "planned_weeks",
    "review_due_on",
    "ends_on",
    "cost_per_pupil_per_year",
    "sessions_expected",
    "sessions_delivered",
    "sessions_attended",
}


def _group(school: School) -> tuple[str, str, str]:
    jo, pupil, intervention = school.enrolled_pupil()
    assert school.session(intervention, jo, {pupil: "present"}).status_code == 201
    return intervention, pupil, jo


def test_given_a_session_recorded_when_the_provision_map_is_asked_for_then_it_has_the_contract_shape(
    school: School,
) -> None:
    intervention, pupil, _ = _group(school)

    response = school.senco.get("/provision-map", params={"as_of": "2026-09-25"})

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-09-25"
    (row,) = body["rows"]
    assert row.keys() >= ROW_FIELDS
    assert (row["pupil_id"], row["intervention_id"]) == (pupil, intervention)
    assert (row["sessions_expected"], row["sessions_delivered"], row["sessions_attended"]) == (3, 1, 1)
    assert row["cost_per_pupil_per_year"] == "1200.00"
    assert body["totals"]["pupils"] == 1 and body["totals"]["cost_per_year"] == "1200.00"


def test_given_the_map_as_csv_when_downloaded_then_it_is_a_spreadsheet_file(school: School) -> None:
    _group(school)

    response = spreadsheet(school.senco, "/provision-map", b"Name,UPN,Age,Year group", 2, as_of="2026-09-25")

    assert "attachment" in response.headers["content-disposition"]


def test_given_bad_dates_when_the_map_is_asked_for_then_a_422_names_the_field(school: School) -> None:
    bad_date = school.senco.get("/provision-map", params={"as_of": "2026-02-30"})
    reversed_window = school.senco.get("/provision-map", params={"as_of": "2026-09-01", "from": "2026-10-01"})
    bad_format = school.senco.get("/provision-map", params={"format": "ods"})

    assert [r.status_code for r in (bad_date, reversed_window, bad_format)] == [422, 422, 422]
    assert bad_date.json()["errors"][0]["field"] == "as_of"
    assert reversed_window.json()["errors"][0]["field"] == "from"
    assert bad_format.json()["errors"][0]["field"] == "format"


def test_given_a_command_answered_when_the_map_is_read_at_once_then_it_reflects_the_command(
    school: School,
) -> None:
    jo, pupil, intervention = school.enrolled_pupil()
    for delivered, day in enumerate(("2026-09-21", "2026-09-23", "2026-09-25"), start=1):
        school.session(intervention, jo, {pupil: "present"}, delivered_on=day)
        (row,) = school.senco.get("/provision-map", params={"as_of": "2026-09-25"}).json()["rows"]
        assert row["sessions_delivered"] == delivered


def test_given_impact_asked_for_when_answered_then_it_has_the_contract_shape(school: School) -> None:
    intervention, pupil, _ = _group(school)
    for kind, value, on in (("baseline", 84, "2026-09-21"), ("exit", 90, "2026-11-20")):
        school.senco.create(
            f"/pupils/{pupil}/assessments",
            BASELINE | {"value": value, "assessed_on": on, "kind": kind, "intervention_id": intervention},
        )

    body = school.senco.get("/impact").json()

    (item,) = body["interventions"]
    assert {
        "intervention_id",
        "name",
        "pupils",
        "sessions_delivered",
        "attendance_percent",
        "cost_per_pupil",
        "measures",
    } <= item.keys()
    (measure,) = item["measures"]
    assert {
        "instrument",
        "measure",
        "scale",
        "pairs",
        "mean_baseline",
        "mean_exit",
        "mean_change",
        "effect_size",
        "ratio_gain",
        "small_sample",
        "effect_size_kind",
        "effect_size_ci_low",
        "effect_size_ci_high",
        "ratio_gain_band",
    } <= measure.keys()
    assert (measure["pairs"], measure["mean_change"]) == (1, 6.0)
    assert (measure["small_sample"], measure["effect_size"], measure["effect_size_kind"]) == (
        True,
        None,
        "pre_post_hedges_g",
    )
    assert "Hedges' g" in body["definitions"]["effect_size"]
    assert "Brooks (2016)" in body["definitions"]["ratio_gain_band"]
    assert body["by_area"][0]["area_of_need"] == "cognition_learning"
    # Written straight to JSON: exactly the documented model, nothing more, nothing less.
    assert ImpactOut.model_validate(body).model_dump(mode="json") == body


def test_given_sessions_and_pairs_in_two_half_terms_when_impact_is_asked_for_a_window_then_it_counts_only_those_in_it(
    school: School,
) -> None:
    intervention, pupil, jo = _group(school)  # a session on 2026-09-21
    for on in ("2026-11-02", "2026-11-03"):
        assert school.session(intervention, jo, {pupil: "absent"}, delivered_on=on).status_code == 201
    for kind, value, on in (("baseline", 84, "2026-09-21"), ("exit", 90, "2026-10-16")):
        school.senco.create(
            f"/pupils/{pupil}/assessments",
            BASELINE | {"value": value, "assessed_on": on, "kind": kind, "intervention_id": intervention},
        )

    whole = school.senco.get("/impact").json()
    autumn_2 = school.senco.get("/impact", params={"from": "2026-11-02", "to": "2026-11-20"}).json()

    assert (whole["from_date"], whole["to"]) == (None, None)
    (item,) = whole["interventions"]
    assert (item["sessions_delivered"], item["attendance_percent"], len(item["measures"])) == (3, 33.3, 1)
    assert (autumn_2["from_date"], autumn_2["to"]) == ("2026-11-02", "2026-11-20")
    (item,) = autumn_2["interventions"]
    assert (item["sessions_delivered"], item["attendance_percent"], item["measures"]) == (2, 0.0, [])
    only_to = school.senco.get("/impact", params={"to": "2026-10-31"}).json()
    assert only_to["from_date"] == "2026-09-01"
    assert only_to["interventions"][0]["measures"][0]["pairs"] == 1


def test_given_a_window_the_wrong_way_round_when_impact_is_asked_for_then_422_names_from(
    school: School,
) -> None:
    response = school.senco.get("/impact", params={"from": "2026-11-20", "to": "2026-11-02"})
    assert response.status_code == 422
    assert "from" in response.text
    assert school.senco.get("/impact", params={"to": "20 November"}).status_code == 422


def test_given_roles_when_reports_are_asked_for_then_readers_may_and_others_may_not(school: School) -> None:
    _group(school)
    for role, allowed in ((Role.teacher, True), (Role.leader, True), (Role.ta, False), (Role.admin, False)):
        client = school.user(role)
        for path in ("/provision-map", "/impact"):
            assert (client.get(path).status_code == 200) is allowed, (role, path)


def test_given_another_setting_when_it_reads_reports_then_it_sees_none_of_ours(school: School) -> None:
    _group(school)
    other_setting = school.apdr.record.register_setting(
        Actor.system("test"), urn=random_urn(), name="Elsewhere"
    )
    outsider = school.user(Role.senco, setting_id=other_setting)

    assert outsider.get("/provision-map").json()["rows"] == []
    assert outsider.get("/impact").json()["interventions"] == []
