from tests.support.school import School


def test_given_a_senco_when_they_register_a_pupil_then_the_pupil_is_listed(school: School) -> None:
    pupil_id = school.pupil()
    listed = school.senco.get("/pupils").json()
    assert [p["id"] for p in listed["pupils"]] == [pupil_id]
