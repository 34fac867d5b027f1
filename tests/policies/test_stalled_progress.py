"""stalled_progress: outcomes not met at consecutive reviews, or no gain on a measure."""

from __future__ import annotations

from datetime import date

from apdr.aggregates.codes import AssessmentKind, Rating, Scale
from apdr.policies.stalled_progress import THRESHOLDS
from apdr.runtime import Apdr
from tests.support.history import History
from tests.support.policies import (
    alerts,
    assert_resolved_by_policy,
    run,
    run_twice_and_find_one,
)

KIND = "stalled_progress"
BASELINE, INTERIM, EXIT = AssessmentKind.baseline, AssessmentKind.interim, AssessmentKind.exit


def test_given_outcomes_not_met_at_two_reviews_in_a_row_when_the_policy_runs_twice_then_one_alert_until_a_review_finds_them_met(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    stalled = history.plan(amira, date(2026, 9, 7), review_due_on=date(2026, 10, 5))
    recovering = history.plan(ben, date(2026, 9, 7), review_due_on=date(2026, 10, 5))
    history.review(stalled, date(2026, 10, 5), Rating.not_met, next_due=date(2026, 11, 2))
    history.review(stalled, date(2026, 11, 2), Rating.not_met, next_due=date(2026, 12, 7))
    history.review(recovering, date(2026, 10, 5), Rating.not_met, next_due=date(2026, 11, 2))
    history.review(recovering, date(2026, 11, 2), Rating.met, next_due=date(2026, 12, 7))

    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 9), KIND)

    assert (alert["pupil_id"], alert["plan_id"]) == (amira, stalled)
    assert alert["subject"] == f"{amira}/outcomes"
    assert alert["summary"].startswith(
        "Amira Khan: outcomes not met at each of the last 2 reviews (5 Oct 2026 and 2 Nov 2026); "
        "most recently 'Reads 100 high-frequency words'."
    )

    history.review(stalled, date(2026, 11, 16), Rating.partly_met, next_due=date(2027, 1, 11))
    assert_resolved_by_policy(apdr, history, date(2026, 11, 16), alert)


def test_given_one_review_with_outcomes_not_met_when_the_policy_runs_then_it_waits_for_the_next(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    plan_id = history.plan(amira, date(2026, 9, 7), review_due_on=date(2026, 10, 5))
    history.review(plan_id, date(2026, 10, 5), Rating.not_met, next_due=date(2026, 11, 2))

    run(apdr, history, date(2026, 10, 12))

    assert alerts(apdr, history, KIND) == []


def test_given_no_gain_from_baseline_when_the_policy_runs_twice_then_one_alert_until_an_assessment_shows_progress(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    history.assess(amira, date(2026, 9, 7), 84, BASELINE)
    history.assess(amira, date(2026, 10, 26), 83, INTERIM)  # seven weeks on, a month lower
    history.assess(ben, date(2026, 9, 7), 84, BASELINE)
    history.assess(ben, date(2026, 10, 26), 90, INTERIM)

    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 2), KIND)

    assert alert["pupil_id"] == amira and alert["intervention_id"] is None
    assert alert["subject"] == f"{amira}/measure/-/single word reading test/reading age"
    assert alert["summary"].startswith(
        "Amira Khan: no gain in reading age (Single word reading test) from the baseline of 84 "
        "on 7 Sep 2026 to 83 on 26 Oct 2026."
    )

    history.assess(amira, date(2026, 11, 20), 91, EXIT)
    assert_resolved_by_policy(apdr, history, date(2026, 11, 20), alert)


def test_given_no_gain_within_the_first_weeks_when_the_policy_runs_then_it_is_too_soon_to_judge(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.assess(amira, date(2026, 9, 7), 84, BASELINE)
    history.assess(amira, date(2026, 10, 5), 84, INTERIM)  # four weeks: under the six-week minimum

    run(apdr, history, date(2026, 10, 12))

    assert alerts(apdr, history, KIND) == []


def test_given_a_questionnaire_score_that_falls_when_the_policy_runs_then_a_fall_is_not_read_as_no_gain(
    apdr: Apdr, history: History
) -> None:
    amira, ben = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    for pupil, later in ((amira, 14), (ben, 19)):
        for on, value, kind in ((date(2026, 9, 7), 19, BASELINE), (date(2026, 10, 26), later, INTERIM)):
            history.assess(
                pupil,
                on,
                value,
                kind,
                instrument="Strengths and Difficulties Questionnaire",
                measure="total difficulties",
                scale=Scale.raw,
            )

    run(apdr, history, date(2026, 11, 2))

    # A raw score may fall as the pupil improves: only no change at all is no gain.
    (alert,) = alerts(apdr, history, KIND)
    assert alert["pupil_id"] == ben
    assert "no gain in total difficulties (Strengths and Difficulties Questionnaire)" in alert["summary"]


def test_given_outcomes_not_met_when_support_then_ends_then_the_alert_resolves(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    plan_id = history.plan(amira, date(2026, 9, 7), review_due_on=date(2026, 10, 5))
    history.review(plan_id, date(2026, 10, 5), Rating.not_met, next_due=date(2026, 11, 2))
    history.review(plan_id, date(2026, 11, 2), Rating.not_met, next_due=date(2026, 12, 7))
    alert = run_twice_and_find_one(apdr, history, date(2026, 11, 2), KIND)

    # Support is replaced by a specialist placement: the plan closes with no successor.
    history.record.close_plan(
        history.senco,
        plan_id,
        today=history.today,
        closed_on=date(2026, 11, 6),
        reason="Moved to specialist provision",
    )

    assert_resolved_by_policy(apdr, history, date(2026, 11, 6), alert)


def test_given_no_gain_when_the_evidence_is_over_a_term_old_then_it_no_longer_raises_an_alert(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.assess(amira, date(2026, 6, 1), 84, BASELINE)
    history.assess(amira, date(2026, 7, 20), 84, EXIT)
    alert = run_twice_and_find_one(apdr, history, date(2026, 10, 19), KIND)  # 13 weeks after the exit

    assert_resolved_by_policy(apdr, history, date(2026, 10, 20), alert)


# -- age-equivalent measures: judged by the ratio gain (Brooks 2016) ---------------------------


def test_given_a_reading_age_up_4_months_in_6_when_the_policy_runs_then_a_ratio_gain_of_0_66_has_stalled_and_12_in_6_has_not(
    apdr: Apdr, history: History
) -> None:
    slow, fast = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    for pupil, later in ((slow, 88), (fast, 96)):
        history.assess(pupil, date(2026, 3, 2), 84, BASELINE)
        history.assess(pupil, date(2026, 9, 1), later, INTERIM)  # 183 days: 6.0 months

    alert = run_twice_and_find_one(apdr, history, date(2026, 9, 7), KIND)

    # 4 / (183 / 30.4375) = 0.665; 12 / 6.012 = 2.0
    assert alert["pupil_id"] == slow
    assert alert["subject"] == f"{slow}/measure/-/single word reading test/reading age"
    assert alert["summary"] == (
        "Amira Khan: too slow a gain in reading age (Single word reading test) from the baseline of 84 "
        "on 2 Mar 2026 to 88 on 1 Sep 2026. 4 months gained in 6.0 months is a ratio gain of 0.67, "
        "below the setting's 1.4 (Brooks 2016: below 1.4 is of doubtful educational significance; "
        "under 1.0 the pupil is falling further behind). Check the support is delivered as designed, "
        "then adapt or replace it."
    )


def test_given_a_ratio_gain_of_1_4_when_the_policy_runs_then_it_is_modest_progress_not_stalled(
    apdr: Apdr, history: History
) -> None:
    on_the_line, under = history.pupil("Amira", "Khan"), history.pupil("Ben", "Adams")
    # 182.625 days is six months: 8.4 months gained is 1.40; 8.3 is 1.38.
    for pupil, later in ((on_the_line, "92.4"), (under, "92.3")):
        history.assess(pupil, date(2026, 3, 2), 84, BASELINE)
        history.assess(pupil, date(2026, 9, 1), later, EXIT)  # 183 days: 8.4 / 6.012 = 1.397, shown 1.40

    run(apdr, history, date(2026, 9, 7))

    (alert,) = alerts(apdr, history, KIND)
    assert alert["pupil_id"] == under
    assert "a ratio gain of 1.38, below the setting's 1.4" in alert["summary"]


def test_given_a_setting_that_lowers_the_ratio_gain_to_1_0_when_the_policy_runs_then_only_falling_behind_stalls(
    apdr: Apdr, history: History
) -> None:
    history.record.set_thresholds(history.senco, {"stalled_ratio_gain_tenths": 10})
    amira = history.pupil("Amira", "Khan")
    history.assess(amira, date(2026, 3, 2), 84, BASELINE)
    history.assess(amira, date(2026, 9, 1), 91, INTERIM)  # 7 in 6.0 months: 1.16

    run(apdr, history, date(2026, 9, 7))
    assert alerts(apdr, history, KIND) == []

    history.assess(amira, date(2026, 10, 1), 89, INTERIM)  # 5 in 7.0 months: 0.71
    alert = run_twice_and_find_one(apdr, history, date(2026, 10, 5), KIND)
    assert "a ratio gain of 0.71, below the setting's 1" in alert["summary"]


def test_given_standard_scores_when_they_rise_slowly_then_any_rise_is_still_a_gain(
    apdr: Apdr, history: History
) -> None:
    amira = history.pupil()
    history.assess(amira, date(2026, 3, 2), 84, BASELINE, scale=Scale.standard_score, measure="maths")
    history.assess(amira, date(2026, 9, 1), 85, INTERIM, scale=Scale.standard_score, measure="maths")

    run(apdr, history, date(2026, 9, 7))

    assert alerts(apdr, history, KIND) == []


def test_every_stalled_progress_threshold_names_its_source() -> None:
    assert all(t.source for t in THRESHOLDS)
    (ratio,) = (t for t in THRESHOLDS if t.name == "stalled_ratio_gain_tenths")
    assert ratio.default == 14 and "Brooks (2016)" in ratio.source
