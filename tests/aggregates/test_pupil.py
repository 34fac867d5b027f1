"""The pupil's record: registration, needs, SEN status, assessments, corrections, the EHC process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from apdr.aggregates import Pupil
from apdr.aggregates.codes import (
    AdviceSource,
    AssessmentKind,
    ConcernSource,
    EhcpMilestone,
    LawfulBasis,
    NeedType,
    Scale,
    SenProvision,
)
from apdr.errors import Conflict
from tests.support.aggregates import BY, TODAY, given, history, invalid, names, past, then
from tests.support.fields import assessment_fields

SETTING = UUID("00000000-0000-4000-8000-000000000001")
BORN = date(2017, 3, 14)
REGISTRATION: dict[str, Any] = {
    "setting_id": SETTING,
    "upn": "B801200005001",
    "given_name": "Amira",
    "family_name": "Khan",
    "date_of_birth": BORN,
    "class_name": "4B",
    "admitted_on": date(2021, 9, 6),
    "recorded_by": BY,
    "today": TODAY,
}
Command = Callable[[Pupil], object]


def register(**overrides: Any) -> Pupil:
    return Pupil.register(**(REGISTRATION | overrides))


def pupil_after(*commands: Command, **registration: Any) -> Pupil:
    """Given: a registered pupil, then the events ``commands`` record, replayed."""
    return given(*history(register(**registration), *commands))


# -- past events, as commands on a scratch pupil ------------------------------


def need(need_type: NeedType, rank: int = 1, on: date = date(2026, 9, 15)) -> Command:
    return lambda p: p.identify_need(
        need_type=need_type, rank=rank, identified_on=on, description="", recorded_by=BY, today=TODAY
    )


def need_ended(need_type: NeedType, on: date, reason: str = "") -> Command:
    return lambda p: p.end_need(need_type=need_type, ended_on=on, reason=reason, recorded_by=BY, today=TODAY)


def parents_notified(on: date, how: str = "letter") -> Command:
    return lambda p: p.notify_parents(notified_on=on, how=how, recorded_by=BY, today=TODAY)


def sen_status(status: SenProvision, on: date = date(2026, 9, 20), notified: date | None = None) -> Command:
    return lambda p: p.change_sen_status(
        status=status, effective_on=on, parents_notified_on=notified, reason="", recorded_by=BY, today=TODAY
    )


def assessment(
    kind: AssessmentKind = AssessmentKind.baseline,
    value: str = "84",
    on: date = date(2026, 9, 7),
    scale: Scale = Scale.age_equivalent_months,
    intervention_id: UUID | None = None,
    assessment_id: UUID | None = None,
    instrument: str = "Single word reading test",
) -> Command:
    fields = assessment_fields(on, value, kind, intervention_id, instrument=instrument, scale=scale)
    return lambda p: p.record_assessment(
        assessment_id=assessment_id or uuid4(), **fields, recorded_by=BY, today=TODAY
    )


def milestone(m: EhcpMilestone, on: date) -> Command:
    return lambda p: p.record_ehcp_milestone(
        milestone=m, reached_on=on, notes="", recorded_by=BY, today=TODAY
    )


# -- registration and the UPN ---------------------------------------------------


def test_given_nothing_when_a_pupil_is_registered_then_registered_records_the_normalised_upn() -> None:
    pupil = register(upn=" b801200005001 ", given_name=" Amira ")

    (event,) = then(pupil)
    assert isinstance(event, Pupil.Registered)
    assert (event.upn, event.given_name, event.date_of_birth) == ("B801200005001", "Amira", BORN)
    assert event.setting_id == SETTING and event.recorded_by == BY
    assert given(event).sen_status is SenProvision.no_sen


@pytest.mark.parametrize(
    "bad_upn",
    [
        "A801200005001",  # the check letter of B801200005001 is B
        "B801200005002",  # a digit mistyped
        "B80120000500",  # 12 characters
        "B8012000050011",  # 14 characters
        "B8012X0005001",  # a letter in the middle
        "1801200005001",  # no check letter
        "T80120000500I",  # I is not used for a temporary UPN
    ],
)
def test_given_nothing_when_a_pupil_is_registered_with_a_bad_upn_then_the_upn_is_refused(
    bad_upn: str,
) -> None:
    invalid("upn", lambda: register(upn=bad_upn))


def test_given_nothing_when_a_pupil_is_registered_with_a_temporary_upn_then_it_is_accepted() -> None:
    from apdr.aggregates.upn import check_letter, is_temporary

    body = "80120000500A"
    pupil = register(upn=check_letter(body) + body)

    (event,) = then(pupil)
    assert event.upn == check_letter(body) + body and is_temporary(event.upn)


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (date(2027, 1, 1), False),  # in the future
        (date(2025, 1, 1), False),  # aged 1
        (date(2024, 11, 23), True),  # aged 2 today
        (date(2024, 11, 24), False),  # 2 tomorrow
        (date(2000, 11, 24), True),  # 25 until tomorrow
        (date(2000, 11, 23), False),  # 26 today
    ],
)
def test_given_nothing_when_a_pupil_is_registered_then_the_date_of_birth_must_be_plausible(
    born: date, ok: bool
) -> None:
    if ok:
        assert then(register(date_of_birth=born, admitted_on=None))[0].date_of_birth == born
    else:
        invalid("date_of_birth", lambda: register(date_of_birth=born, admitted_on=None))


@pytest.mark.parametrize("field", ["given_name", "family_name", "class_name"])
def test_given_nothing_when_a_pupil_is_registered_without_a_name_or_class_then_it_is_refused(
    field: str,
) -> None:
    invalid(field, lambda: register(**{field: "  "}))


@pytest.mark.parametrize("field", ["given_name", "family_name", "class_name"])
@pytest.mark.parametrize(
    "hidden", ["\u202e", "\u2067", "\u200f", "\x85", "\x9b", "\x1b", "\n", "\t", "\u2028", "\ud800"]
)
def test_given_nothing_when_a_name_hides_what_it_says_then_it_is_refused(field: str, hidden: str) -> None:
    """Whoever registers the pupil (the API, the command line, the demo), the pupil refuses it."""
    refused = invalid(field, lambda: register(**{field: f"Am{hidden}ira"}))

    assert field in refused.message


def test_given_nothing_when_names_are_in_any_script_then_registered_trimmed_as_typed() -> None:
    (event,) = then(register(given_name=" محمد ", family_name="Ó Briain-Петрова", class_name="4 Ash\n"))

    assert (event.given_name, event.family_name, event.class_name) == ("محمد", "Ó Briain-Петрова", "4 Ash")


# -- needs ------------------------------------------------------------------------


def test_given_a_registered_pupil_when_a_primary_need_is_identified_then_need_identified() -> None:
    pupil = pupil_after()

    need_id = pupil.identify_need(
        need_type=NeedType.SPLD,
        rank=1,
        identified_on=date(2026, 9, 15),
        description=" Phonological difficulties ",
        recorded_by=BY,
        today=TODAY,
    )

    (event,) = then(pupil)
    assert isinstance(event, Pupil.NeedIdentified)
    assert (event.need_id, event.need_type, event.rank) == (need_id, NeedType.SPLD, 1)
    assert event.description == "Phonological difficulties"
    assert pupil.needs[1]["need_type"] is NeedType.SPLD


def test_given_a_primary_need_when_a_secondary_need_is_identified_then_it_is_rank_2() -> None:
    pupil = pupil_after(need(NeedType.SPLD))

    need(NeedType.SLCN, rank=2)(pupil)

    (event,) = then(pupil)
    assert (event.need_type, event.rank) == (NeedType.SLCN, 2)
    assert {r: n["need_type"] for r, n in pupil.needs.items()} == {1: NeedType.SPLD, 2: NeedType.SLCN}


def test_given_no_need_when_a_secondary_need_is_identified_then_the_primary_is_asked_for_first() -> None:
    pupil = pupil_after()

    error = invalid("rank", lambda: need(NeedType.SLCN, rank=2)(pupil))
    assert "primary" in error.message and then(pupil) == []


@pytest.mark.parametrize("rank", [0, 3])
def test_given_a_pupil_when_a_need_has_a_rank_other_than_1_or_2_then_it_is_refused(rank: int) -> None:
    invalid("rank", lambda: need(NeedType.SPLD, rank=rank)(pupil_after()))


def test_given_a_primary_need_when_another_primary_need_is_identified_then_one_need_per_rank() -> None:
    pupil = pupil_after(need(NeedType.SPLD))

    error = invalid("rank", lambda: need(NeedType.MLD, rank=1)(pupil))
    assert "already SPLD" in error.message


def test_given_two_needs_when_a_third_is_identified_then_there_is_no_free_rank() -> None:
    pupil = pupil_after(need(NeedType.SPLD), need(NeedType.SLCN, rank=2))

    invalid("rank", lambda: need(NeedType.SEMH, rank=2)(pupil))


def test_given_a_primary_need_when_the_same_need_is_identified_as_secondary_then_it_is_refused() -> None:
    pupil = pupil_after(need(NeedType.SPLD))

    invalid("need_type", lambda: need(NeedType.SPLD, rank=2)(pupil))


def test_given_a_pupil_not_on_sen_support_when_nsa_is_identified_then_it_is_refused() -> None:
    for status in ([], [sen_status(SenProvision.ehc_plan)]):
        pupil = pupil_after(*status)
        error = invalid("need_type", lambda pupil=pupil: need(NeedType.NSA)(pupil))
        assert "SEN support (K)" in error.message


def test_given_a_pupil_on_sen_support_when_nsa_is_identified_then_need_identified() -> None:
    pupil = pupil_after(sen_status(SenProvision.sen_support))

    need(NeedType.NSA, on=date(2026, 9, 21))(pupil)

    assert [e.need_type for e in then(pupil)] == [NeedType.NSA]


@pytest.mark.parametrize(
    ("on", "what"), [(date(2026, 11, 24), "in the future"), (date(2017, 3, 13), "before")]
)
def test_given_a_pupil_when_a_need_is_dated_in_the_future_or_before_birth_then_it_is_refused(
    on: date, what: str
) -> None:
    error = invalid("identified_on", lambda: need(NeedType.SPLD, on=on)(pupil_after()))
    assert what in error.message


def test_given_a_primary_and_a_secondary_need_when_the_primary_ends_then_the_secondary_is_promoted() -> None:
    pupil = pupil_after(need(NeedType.SPLD), need(NeedType.SLCN, rank=2))

    need_ended(NeedType.SPLD, date(2026, 11, 1), reason="Caught up")(pupil)

    (event,) = then(pupil)
    assert isinstance(event, Pupil.NeedEnded) and event.need_type is NeedType.SPLD
    assert {r: n["need_type"] for r, n in pupil.needs.items()} == {1: NeedType.SLCN}


def test_given_the_events_of_a_promotion_when_replayed_then_a_new_secondary_need_can_follow() -> None:
    pupil_id = uuid4()
    registration = {k: v for k, v in REGISTRATION.items() if k != "today"}

    def identified(version: int, need_type: NeedType, rank: int, on: date) -> Any:
        return past(
            Pupil.NeedIdentified,
            pupil_id,
            version,
            need_id=uuid4(),
            need_type=need_type,
            rank=rank,
            identified_on=on,
            description="",
            recorded_by=BY,
        )

    pupil = given(
        past(Pupil.Registered, pupil_id, 1, **registration),
        identified(2, NeedType.SPLD, 1, date(2026, 9, 1)),
        identified(3, NeedType.SLCN, 2, date(2026, 9, 2)),
        past(
            Pupil.NeedEnded,
            pupil_id,
            4,
            need_type=NeedType.SPLD,
            ended_on=date(2026, 10, 1),
            reason="",
            recorded_by=BY,
        ),
    )

    need(NeedType.SEMH, rank=2, on=date(2026, 10, 2))(pupil)

    (event,) = then(pupil)
    assert (event.originator_version, event.need_type, event.rank) == (5, NeedType.SEMH, 2)
    assert pupil.needs[1]["need_type"] is NeedType.SLCN


def test_given_no_such_need_when_it_is_ended_then_it_is_refused() -> None:
    pupil = pupil_after(need(NeedType.SPLD))

    invalid("need_type", lambda: need_ended(NeedType.MLD, date(2026, 10, 1))(pupil))


@pytest.mark.parametrize("ended_on", [date(2026, 9, 14), date(2026, 11, 24)])
def test_given_a_need_when_it_ends_before_it_began_or_in_the_future_then_it_is_refused(
    ended_on: date,
) -> None:
    pupil = pupil_after(need(NeedType.SPLD, on=date(2026, 9, 15)))

    invalid("ended_on", lambda: need_ended(NeedType.SPLD, ended_on)(pupil))


# -- SEN status and parents ------------------------------------------------------------


def test_given_no_sen_when_the_pupil_goes_on_sen_support_then_sen_status_changed_with_the_previous() -> None:
    pupil = pupil_after()

    change_id = pupil.change_sen_status(
        status=SenProvision.sen_support,
        effective_on=date(2026, 9, 20),
        parents_notified_on=date(2026, 9, 20),
        reason="Assess-plan-do-review",
        recorded_by=BY,
        today=TODAY,
    )

    (event,) = then(pupil)
    assert isinstance(event, Pupil.SenStatusChanged) and event.change_id == change_id
    assert (event.status, event.previous) == (SenProvision.sen_support, SenProvision.no_sen)
    assert (pupil.sen_status_since, pupil.parents_notified_on) == (date(2026, 9, 20), date(2026, 9, 20))


def test_given_sen_support_when_the_same_status_is_recorded_again_then_it_is_refused() -> None:
    pupil = pupil_after(sen_status(SenProvision.sen_support))

    invalid("status", lambda: sen_status(SenProvision.sen_support, on=date(2026, 10, 1))(pupil))


def test_given_a_status_since_a_date_when_a_change_is_effective_earlier_then_it_is_refused() -> None:
    pupil = pupil_after(sen_status(SenProvision.sen_support, on=date(2026, 9, 20)))

    invalid("effective_on", lambda: sen_status(SenProvision.ehc_plan, on=date(2026, 9, 19))(pupil))


def test_given_a_pupil_when_a_status_change_or_parents_notification_is_in_the_future_then_it_is_refused() -> (
    None
):
    pupil = pupil_after()

    invalid("effective_on", lambda: sen_status(SenProvision.sen_support, on=date(2026, 11, 24))(pupil))
    invalid(
        "parents_notified_on",
        lambda: sen_status(SenProvision.sen_support, notified=date(2026, 11, 24))(pupil),
    )


def test_given_no_sen_when_parents_are_said_to_be_notified_before_support_began_then_it_is_refused() -> None:
    """The same rule as notify_parents: parents are notified of a status that has begun."""
    pupil = pupil_after()

    error = invalid(
        "parents_notified_on",
        lambda: sen_status(SenProvision.sen_support, on=date(2026, 9, 20), notified=date(2026, 9, 19))(pupil),
    )
    assert "2026-09-20" in error.message and then(pupil) == []


def test_given_an_nsa_need_when_the_pupil_leaves_sen_support_then_the_need_must_end_first() -> None:
    pupil = pupil_after(sen_status(SenProvision.sen_support), need(NeedType.NSA, on=date(2026, 9, 21)))

    for status in (SenProvision.no_sen, SenProvision.ehc_plan):
        error = invalid("status", lambda status=status: sen_status(status, on=date(2026, 10, 1))(pupil))
        assert "NSA" in error.message


def test_given_no_sen_status_when_parents_are_notified_then_there_is_nothing_to_notify() -> None:
    invalid("notified_on", lambda: parents_notified(date(2026, 10, 1))(pupil_after()))


@pytest.mark.parametrize("notified_on", [date(2026, 9, 19), date(2026, 11, 24)])
def test_given_sen_support_when_parents_are_notified_before_it_began_or_in_the_future_then_it_is_refused(
    notified_on: date,
) -> None:
    pupil = pupil_after(sen_status(SenProvision.sen_support, on=date(2026, 9, 20)))

    invalid("notified_on", lambda: parents_notified(notified_on)(pupil))


def test_given_sen_support_when_parents_are_notified_then_parents_notified() -> None:
    pupil = pupil_after(sen_status(SenProvision.sen_support, on=date(2026, 9, 20)))

    parents_notified(date(2026, 9, 22), how=" Letter home ")(pupil)

    (event,) = then(pupil)
    assert isinstance(event, Pupil.ParentsNotified)
    assert (event.notified_on, event.how) == (date(2026, 9, 22), "Letter home")
    assert pupil.parents_notified_on == date(2026, 9, 22)


# -- the EHC process -------------------------------------------------------------------


def test_given_no_milestone_when_the_first_is_not_a_request_then_it_is_refused() -> None:
    pupil = pupil_after()

    error = invalid("milestone", lambda: milestone(EhcpMilestone.plan_issued, date(2026, 10, 1))(pupil))
    assert "expected requested" in error.message


def test_given_a_request_when_the_la_decides_to_assess_then_the_milestone_is_recorded() -> None:
    pupil = pupil_after(milestone(EhcpMilestone.requested, date(2026, 9, 1)))

    milestone(EhcpMilestone.decision_to_assess, date(2026, 10, 9))(pupil)

    (event,) = then(pupil)
    assert isinstance(event, Pupil.EhcpMilestoneRecorded)
    assert (event.milestone, event.reached_on) == (EhcpMilestone.decision_to_assess, date(2026, 10, 9))


def test_given_a_request_when_a_plan_is_issued_before_a_decision_to_assess_then_it_is_refused() -> None:
    pupil = pupil_after(milestone(EhcpMilestone.requested, date(2026, 9, 1)))

    invalid("milestone", lambda: milestone(EhcpMilestone.plan_issued, date(2026, 10, 9))(pupil))


def test_given_a_decision_not_to_assess_when_a_new_request_is_made_then_the_cycle_starts_again() -> None:
    pupil = pupil_after(
        milestone(EhcpMilestone.requested, date(2026, 5, 1)),
        milestone(EhcpMilestone.decided_not_to_assess, date(2026, 6, 1)),
    )

    milestone(EhcpMilestone.requested, date(2026, 10, 1))(pupil)

    assert [e.milestone for e in then(pupil)] == [EhcpMilestone.requested]


def test_given_an_issued_plan_when_annual_reviews_follow_then_each_is_recorded_and_nothing_else_is() -> None:
    pupil = pupil_after(
        milestone(EhcpMilestone.requested, date(2025, 1, 6)),
        milestone(EhcpMilestone.decision_to_assess, date(2025, 2, 10)),
        milestone(EhcpMilestone.plan_issued, date(2025, 5, 19)),
        milestone(EhcpMilestone.annual_review, date(2026, 5, 11)),
    )

    milestone(EhcpMilestone.annual_review, date(2026, 11, 2))(pupil)

    assert names(then(pupil)) == ["EhcpMilestoneRecorded"]
    invalid("milestone", lambda: milestone(EhcpMilestone.requested, date(2026, 11, 3))(pupil))


def test_given_a_milestone_when_the_next_is_dated_before_it_then_they_must_be_in_order() -> None:
    pupil = pupil_after(milestone(EhcpMilestone.requested, date(2026, 9, 1)))

    invalid("reached_on", lambda: milestone(EhcpMilestone.decision_to_assess, date(2026, 8, 31))(pupil))


# -- assessments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "value", "ok"),
    [
        (Scale.percent, "0", True),
        (Scale.percent, "100", True),
        (Scale.percent, "100.5", False),
        (Scale.standard_score, "40", True),
        (Scale.standard_score, "160", True),
        (Scale.standard_score, "39", False),
        (Scale.standard_score, "161", False),
        (Scale.age_equivalent_months, "300", True),
        (Scale.age_equivalent_months, "301", False),
        (Scale.raw, "0", True),
        (Scale.raw, "-1", False),
        (Scale.scaled_score, "-0.5", False),
        (Scale.raw, "NaN", False),
        (Scale.raw, "Infinity", False),
    ],
)
def test_given_a_pupil_when_an_assessment_is_recorded_then_its_value_must_be_on_its_scale(
    scale: Scale, value: str, ok: bool
) -> None:
    pupil = pupil_after()
    record = assessment(AssessmentKind.standalone, value=value, scale=scale)

    if ok:
        record(pupil)
        (event,) = then(pupil)
        assert (event.scale, event.value) == (scale, Decimal(value))
    else:
        invalid("value", lambda: record(pupil))


@pytest.mark.parametrize("kind", [AssessmentKind.interim, AssessmentKind.exit])
def test_given_no_baseline_when_an_interim_or_exit_assessment_is_recorded_then_the_baseline_is_asked_for(
    kind: AssessmentKind,
) -> None:
    pupil = pupil_after()

    error = invalid("kind", lambda: assessment(kind, on=date(2026, 11, 20))(pupil))
    assert "record the baseline first" in error.message


def test_given_a_baseline_when_the_exit_assessment_is_recorded_then_assessment_recorded() -> None:
    intervention_id = uuid4()
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84", intervention_id=intervention_id))

    assessment(AssessmentKind.exit, value="91.5", on=date(2026, 11, 20), intervention_id=intervention_id)(
        pupil
    )

    (event,) = then(pupil)
    assert isinstance(event, Pupil.AssessmentRecorded)
    assert (event.kind, event.value, event.intervention_id) == (
        AssessmentKind.exit,
        Decimal("91.5"),
        intervention_id,
    )


def test_given_a_baseline_for_another_intervention_when_an_exit_is_recorded_then_it_has_no_baseline() -> None:
    pupil = pupil_after(assessment(AssessmentKind.baseline, intervention_id=uuid4()))

    invalid(
        "kind", lambda: assessment(AssessmentKind.exit, on=date(2026, 11, 20), intervention_id=uuid4())(pupil)
    )


def test_given_a_baseline_when_an_interim_is_on_another_scale_then_it_is_refused() -> None:
    pupil = pupil_after(assessment(AssessmentKind.baseline, scale=Scale.age_equivalent_months))

    error = invalid(
        "scale",
        lambda: assessment(
            AssessmentKind.interim, scale=Scale.standard_score, value="90", on=date(2026, 10, 1)
        )(pupil),
    )
    assert "age_equivalent_months" in error.message


def test_given_a_baseline_when_the_exit_is_dated_before_it_then_it_is_refused() -> None:
    pupil = pupil_after(assessment(AssessmentKind.baseline, on=date(2026, 9, 7)))

    invalid("assessed_on", lambda: assessment(AssessmentKind.exit, on=date(2026, 9, 6))(pupil))


@pytest.mark.parametrize("on", [date(2026, 11, 24), date(2017, 3, 13)])
def test_given_a_pupil_when_an_assessment_is_in_the_future_or_before_birth_then_it_is_refused(
    on: date,
) -> None:
    invalid("assessed_on", lambda: assessment(AssessmentKind.standalone, on=on)(pupil_after()))


def test_given_a_pupil_when_an_assessment_names_no_instrument_then_it_is_refused() -> None:
    pupil = pupil_after()

    invalid(
        "instrument",
        lambda: assessment(AssessmentKind.standalone, value="3", scale=Scale.raw, instrument=" ")(pupil),
    )


def correct_assessment(
    pupil: Pupil,
    assessment_id: UUID,
    value: str | None = None,
    on: date | None = None,
    reason: str = "Misread",
) -> bool:
    return pupil.correct_assessment(
        assessment_id=assessment_id,
        value=None if value is None else Decimal(value),
        assessed_on=on,
        reason=reason,
        recorded_by=BY,
        today=TODAY,
    )


def test_given_an_assessment_when_its_value_is_corrected_then_assessment_corrected_keeps_the_date() -> None:
    aid = uuid4()
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84", assessment_id=aid))

    correct_assessment(pupil, aid, value="86")

    (event,) = then(pupil)
    assert isinstance(event, Pupil.AssessmentCorrected)
    assert (event.assessment_id, event.value, event.assessed_on) == (aid, Decimal(86), date(2026, 9, 7))
    assert pupil.assessments[aid]["value"] == Decimal(86)


def test_given_an_assessment_when_a_correction_changes_nothing_or_breaks_a_rule_then_it_is_refused() -> None:
    aid = uuid4()
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84", assessment_id=aid))

    invalid("assessment_id", lambda: correct_assessment(pupil, uuid4(), value="86"))
    invalid("body", lambda: correct_assessment(pupil, aid, value="84.00", on=date(2026, 9, 7)))
    invalid("body", lambda: correct_assessment(pupil, aid))
    invalid("value", lambda: correct_assessment(pupil, aid, value="301"))
    invalid("assessed_on", lambda: correct_assessment(pupil, aid, on=date(2026, 11, 24)))
    invalid("reason", lambda: correct_assessment(pupil, aid, value="86", reason=" "))
    assert then(pupil) == []


# -- corrections of the pupil's details ------------------------------------------------


def correct(pupil: Pupil, reason: str = "Typed from the wrong form", **changes: Any) -> bool:
    return pupil.correct_details(changes=changes, reason=reason, recorded_by=BY, today=TODAY)


def test_given_a_pupil_when_the_upn_is_corrected_then_details_corrected_records_old_and_new() -> None:
    pupil = pupil_after()
    from apdr.aggregates.upn import check_letter

    new_upn = check_letter("801200005002") + "801200005002"

    correct(pupil, upn=new_upn.lower(), given_name="Amira")

    (event,) = then(pupil)
    assert isinstance(event, Pupil.DetailsCorrected)
    assert (event.changes, event.previous) == ({"upn": new_upn}, {"upn": "B801200005001"})
    assert pupil.upn == new_upn


def test_given_a_pupil_when_a_correction_changes_nothing_then_there_is_nothing_to_correct() -> None:
    pupil = pupil_after()

    invalid("body", lambda: correct(pupil, upn="B801200005001", given_name="Amira", family_name=None))
    invalid("body", lambda: correct(pupil, nickname="Ami"))


def test_given_a_pupil_when_a_correction_breaks_a_rule_then_the_field_is_named() -> None:
    pupil = pupil_after()

    invalid("upn", lambda: correct(pupil, upn="A801200005001"))
    invalid("date_of_birth", lambda: correct(pupil, date_of_birth=date(2026, 1, 1)))
    invalid("family_name", lambda: correct(pupil, family_name=" "))
    invalid("given_name", lambda: correct(pupil, given_name="Amira\u202eKhan"))
    invalid("class_name", lambda: correct(pupil, class_name="5\nC"))
    invalid("reason", lambda: correct(pupil, reason="", class_name="5C"))
    assert then(pupil) == []


def test_given_a_pupil_when_the_date_of_birth_is_corrected_then_later_records_are_checked_against_it() -> (
    None
):
    pupil = pupil_after()

    correct(pupil, date_of_birth=date(2018, 3, 14))
    assert names(then(pupil)) == ["DetailsCorrected"]

    invalid("identified_on", lambda: need(NeedType.SPLD, on=date(2018, 3, 13))(pupil))


def test_given_a_pupil_in_4b_when_moved_to_the_same_class_then_it_is_refused_and_to_another_it_is_recorded() -> (
    None
):
    pupil = pupil_after()

    invalid(
        "class_name",
        lambda: pupil.move_class(class_name="4B", moved_on=date(2026, 9, 1), recorded_by=BY, today=TODAY),
    )
    pupil.move_class(class_name="5C", moved_on=date(2026, 9, 1), recorded_by=BY, today=TODAY)

    (event,) = then(pupil)
    assert isinstance(event, Pupil.MovedClass) and event.class_name == "5C"


@pytest.mark.parametrize("class_name", ["5\x85C", "5\u202eC", "5\nC"])
def test_given_a_pupil_when_moved_to_a_class_whose_name_hides_what_it_says_then_it_is_refused(
    class_name: str,
) -> None:
    pupil = pupil_after()

    invalid(
        "class_name",
        lambda: pupil.move_class(
            class_name=class_name, moved_on=date(2026, 9, 1), recorded_by=BY, today=TODAY
        ),
    )
    assert then(pupil) == []


# -- the person behind the record --------------------------------------------------------


def test_given_a_pupil_when_an_empty_profile_is_given_then_it_is_refused_and_a_filled_one_is_recorded() -> (
    None
):
    pupil = pupil_after()

    invalid("body", lambda: profile(pupil, replace=True, likes="  "))
    invalid("nonsense", lambda: profile(pupil, replace=True, likes="Lego", nonsense="x"))
    assert profile(pupil, replace=True, likes=" Lego ") is True

    (event,) = then(pupil)
    assert isinstance(event, Pupil.ProfileUpdated)
    assert event.profile["likes"] == "Lego" and event.profile["dislikes"] == ""
    assert pupil.profile is not None and pupil.profile["updated_on"] == date(2026, 10, 1)


def profile(pupil: Pupil, replace: bool, **sections: str) -> bool:
    return pupil.update_profile(
        sections=sections, updated_on=date(2026, 10, 1), replace=replace, recorded_by=BY, today=TODAY
    )


def test_given_a_profile_when_one_section_is_changed_then_the_others_are_kept() -> None:
    pupil = pupil_after(lambda p: profile(p, replace=True, likes="Lego", what_helps="A visual timetable"))

    assert profile(pupil, replace=False, likes="drawing") is True

    (event,) = then(pupil)
    assert (event.profile["likes"], event.profile["what_helps"]) == ("drawing", "A visual timetable")


def test_given_a_profile_when_it_is_replaced_then_the_sections_left_out_are_emptied() -> None:
    pupil = pupil_after(lambda p: profile(p, replace=True, likes="Lego", what_helps="A visual timetable"))

    profile(pupil, replace=True, likes="drawing")

    (event,) = then(pupil)
    assert (event.profile["likes"], event.profile["what_helps"]) == ("drawing", "")


@pytest.mark.parametrize("replace", [True, False])
def test_given_a_profile_when_the_same_is_sent_again_then_nothing_is_recorded(replace: bool) -> None:
    pupil = pupil_after(lambda p: profile(p, replace=True, likes="Lego"))

    assert profile(pupil, replace=replace, likes="Lego") is False
    assert then(pupil) == []


def test_given_a_pupil_when_a_concern_is_raised_then_it_needs_words_and_a_past_date() -> None:
    pupil = pupil_after()

    def raise_concern(concern: str, on: date = date(2026, 9, 10)) -> None:
        pupil.raise_concern(
            raised_on=on,
            raised_by=ConcernSource.parent,
            raised_by_name="Mrs Khan",
            concern=concern,
            recorded_by=BY,
            today=TODAY,
        )

    invalid("concern", lambda: raise_concern(" "))
    invalid("raised_on", lambda: raise_concern("Struggles to read", on=date(2026, 11, 24)))
    raise_concern("Struggles to read")

    (event,) = then(pupil)
    assert isinstance(event, Pupil.ConcernRaised) and event.raised_by is ConcernSource.parent


def test_given_a_pupil_when_advice_is_received_then_empty_recommendations_are_dropped() -> None:
    pupil = pupil_after()

    def receive(summary: str) -> None:
        pupil.receive_advice(
            source=AdviceSource.educational_psychologist,
            received_on=date(2026, 10, 3),
            author="Dr Patel",
            summary=summary,
            recommendations=["Precision teaching", " ", "Overlearning"],
            recorded_by=BY,
            today=TODAY,
        )

    invalid("summary", lambda: receive(""))
    receive("Working memory difficulties")

    (event,) = then(pupil)
    assert isinstance(event, Pupil.AdviceReceived)
    assert event.recommendations == ["Precision teaching", "Overlearning"]


def test_given_advice_received_when_the_school_acts_on_it_then_advice_acted_on_after_it_arrived() -> None:
    advised: dict[str, Any] = {}

    def advice(p: Pupil) -> None:
        advised["id"] = p.receive_advice(
            source=AdviceSource.speech_and_language_therapist,
            received_on=date(2026, 10, 3),
            author="",
            summary="Receptive language difficulties",
            recommendations=["Visual timetable"],
            recorded_by=BY,
            today=TODAY,
        )

    pupil = pupil_after(advice)

    def act(advice_id: Any, on: date, action: str = "Visual timetable from Monday") -> None:
        pupil.act_on_advice(advice_id=advice_id, responded_on=on, action=action, recorded_by=BY, today=TODAY)

    invalid("advice_id", lambda: act(uuid4(), date(2026, 10, 10)))
    invalid("responded_on", lambda: act(advised["id"], date(2026, 10, 2)))
    invalid("action", lambda: act(advised["id"], date(2026, 10, 10), " "))
    act(advised["id"], date(2026, 10, 10))

    (event,) = then(pupil)
    assert isinstance(event, Pupil.AdviceActedOn)
    assert (event.advice_id, event.responded_on, event.action) == (
        advised["id"],
        date(2026, 10, 10),
        "Visual timetable from Monday",
    )


def test_given_a_pupil_when_information_is_shared_then_the_recipient_purpose_and_basis_are_recorded() -> None:
    pupil = pupil_after()

    def share(shared_with: str) -> None:
        pupil.share_information(
            shared_on=date(2026, 10, 3),
            shared_with=shared_with,
            purpose="EHC needs assessment request",
            lawful_basis=LawfulBasis.public_task,
            what="SEN support plans and reviews",
            recorded_by=BY,
            today=TODAY,
        )

    invalid("shared_with", lambda: share(" "))
    share("Essex County Council SEND team")

    (event,) = then(pupil)
    assert isinstance(event, Pupil.InformationShared) and event.lawful_basis is LawfulBasis.public_task


def test_given_a_pupil_who_left_when_they_leave_again_or_a_plan_starts_then_it_is_refused() -> None:
    pupil = pupil_after(
        lambda p: p.leave(left_on=date(2026, 10, 23), destination="Moved away", recorded_by=BY, today=TODAY)
    )

    invalid(
        "left_on", lambda: pupil.leave(left_on=date(2026, 11, 1), destination="", recorded_by=BY, today=TODAY)
    )
    invalid(
        "pupil_id", lambda: pupil.start_plan(plan_id=uuid4(), starts_on=date(2026, 11, 1), recorded_by=BY)
    )
    assert then(pupil) == []


def test_given_a_current_plan_when_the_next_plan_starts_then_plan_started_names_the_one_it_follows() -> None:
    first = uuid4()
    pupil = pupil_after(lambda p: p.start_plan(plan_id=first, starts_on=date(2026, 9, 21), recorded_by=BY))

    second = uuid4()
    follows = pupil.start_plan(plan_id=second, starts_on=date(2027, 1, 4), recorded_by=BY)

    (event,) = then(pupil)
    assert isinstance(event, Pupil.PlanStarted)
    assert (follows, event.follows_plan_id, pupil.current_plan_id) == (first, first, second)
    invalid(
        "starts_on", lambda: pupil.start_plan(plan_id=uuid4(), starts_on=date(2017, 3, 1), recorded_by=BY)
    )


# -- safe to resend ---------------------------------------------------------------------------


def test_given_an_assessment_when_the_same_is_sent_again_with_its_id_then_the_same_id_and_nothing_recorded() -> (
    None
):
    aid = uuid4()
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84", assessment_id=aid))

    assert assessment(AssessmentKind.baseline, value="84.00", assessment_id=aid)(pupil) == aid
    assert then(pupil) == []


def test_given_an_assessment_when_its_id_is_sent_with_other_details_then_it_conflicts() -> None:
    aid = uuid4()
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84", assessment_id=aid))

    with pytest.raises(Conflict) as raised:
        assessment(AssessmentKind.baseline, value="85", assessment_id=aid)(pupil)

    assert raised.value.conflicts_with == {"kind": "assessment", "id": str(aid)}


def test_given_an_exit_assessment_when_the_same_is_sent_again_without_an_id_then_it_is_recorded_once() -> (
    None
):
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84"))
    exit_ = assessment(AssessmentKind.exit, value="90", on=date(2026, 11, 20))
    first = exit_(pupil)

    again = pupil.record_assessment(
        assessment_id=None,
        instrument="Single word reading test",
        measure="reading age",
        scale=Scale.age_equivalent_months,
        value=Decimal("90.0"),
        assessed_on=date(2026, 11, 20),
        kind=AssessmentKind.exit,
        intervention_id=None,
        notes="sent twice",
        recorded_by=BY,
        today=TODAY,
    )

    assert again == first
    assert names(then(pupil)) == ["AssessmentRecorded"]


def test_given_a_corrected_assessment_when_the_original_is_sent_again_then_it_answers_its_id_and_records_nothing() -> (
    None
):
    aid = uuid4()
    pupil = pupil_after(
        assessment(AssessmentKind.baseline, value="84", assessment_id=aid),
        lambda p: correct_assessment(p, aid, value="86"),
    )

    assert assessment(AssessmentKind.baseline, value="84", assessment_id=aid)(pupil) == aid
    assert then(pupil) == []


def test_given_a_corrected_assessment_when_the_correction_is_sent_again_then_nothing_is_recorded() -> None:
    aid = uuid4()
    pupil = pupil_after(
        assessment(AssessmentKind.baseline, value="84", assessment_id=aid),
        lambda p: correct_assessment(p, aid, value="86"),
    )

    assert correct_assessment(pupil, aid, value="86") is False
    invalid("body", lambda: correct_assessment(pupil, aid, value="86", reason="Checked again"))
    assert then(pupil) == []


def test_given_corrected_details_when_the_correction_is_sent_again_then_nothing_is_recorded() -> None:
    pupil = pupil_after(lambda p: correct(p, family_name="Khan-Ali"))

    assert correct(pupil, family_name="Khan-Ali") is False
    invalid("body", lambda: correct(pupil, reason="Another reason", family_name="Khan-Ali"))
    assert then(pupil) == []


# -- joining the setting ---------------------------------------------------------------------


def test_given_nothing_when_a_pupil_is_registered_without_an_admission_date_then_they_joined_today() -> None:
    pupil = register(admitted_on=None)

    (event,) = then(pupil)
    assert event.admitted_on == TODAY == pupil.admitted_on


def test_given_nothing_when_a_pupil_is_registered_as_joining_before_they_were_two_then_admitted_on_is_refused() -> (
    None
):
    invalid("admitted_on", lambda: register(admitted_on=date(2018, 9, 1)))


def test_given_a_pupil_who_joined_in_september_when_they_are_recorded_as_leaving_before_it_then_left_on_is_refused() -> (
    None
):
    pupil = pupil_after(admitted_on=date(2026, 9, 7))

    invalid(
        "left_on",
        lambda: pupil.leave(left_on=date(2026, 9, 4), destination="", recorded_by=BY, today=TODAY),
    )


def test_given_a_registration_recorded_before_admission_dates_when_it_is_read_then_it_joined_the_day_it_was_recorded() -> (
    None
):
    recorded = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # GMT in winter: still the 29th in London
    state: dict[str, Any] = {"timestamp": recorded, "upn": "B801200005001"}

    Pupil.Registered.upcast_v1_v2(state)

    assert state["admitted_on"] == date(2026, 11, 29)
    summer = {"timestamp": datetime(2026, 7, 1, 23, 30, tzinfo=UTC)}
    Pupil.Registered.upcast_v1_v2(summer)
    assert summer["admitted_on"] == date(2026, 7, 2)  # half past midnight in London (BST)


def test_given_an_assessment_when_another_with_a_new_client_id_says_the_same_then_it_is_recorded_under_that_id() -> (
    None
):
    pupil = pupil_after(assessment(AssessmentKind.baseline, value="84"))
    mine = uuid4()

    assert assessment(AssessmentKind.baseline, value="84", assessment_id=mine)(pupil) == mine

    (event,) = then(pupil)
    assert event.assessment_id == mine


def test_given_corrections_a_then_b_when_a_is_sent_again_late_then_nothing_is_recorded() -> None:
    aid = uuid4()
    pupil = pupil_after(
        assessment(AssessmentKind.baseline, value="84", assessment_id=aid),
        lambda p: correct_assessment(p, aid, value="86"),
        lambda p: correct_assessment(p, aid, value="88", reason="Recounted"),
        lambda p: correct(p, family_name="Khan-Ali"),
        lambda p: correct(p, reason="Birth certificate", family_name="Khan"),
    )

    assert correct_assessment(pupil, aid, value="86") is False
    assert correct(pupil, family_name="Khan-Ali") is False
    assert then(pupil) == []
