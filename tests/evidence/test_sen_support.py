"""The SEN support report, read from a realistic autumn term and checked against figures worked
out by hand: the register on the last day, the interventions and their delivery over the window,
impact (small samples flagged), observations, training, reviews, and the sample's spread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from apdr.aggregates.codes import (
    AreaOfNeed,
    AssessmentKind,
    AttendanceStatus,
    Decision,
    NeedType,
    Rating,
    SenProvision,
    Weekday,
)
from apdr.evidence.national import ENGLAND
from apdr.evidence.sen_support import (
    SAMPLE_SIZE,
    SMALL_SAMPLE,
    impact_section,
    sample_section,
    sen_support_report,
)
from apdr.projections.impact import Pair
from apdr.projections.provision_map import Window, provision_rows
from apdr.runtime import Apdr
from tests.support.fields import review_fields
from tests.support.history import History

P, A = AttendanceStatus.present, AttendanceStatus.absent
FIRST, LAST = date(2026, 9, 1), date(2026, 12, 21)
"""The window: the autumn term of 2026, to the day of the reading group's exit assessments."""
Y5, Y4, Y3 = date(2017, 3, 14), date(2018, 3, 1), date(2019, 3, 1)
"""Born so as to be in years 5, 4 and 3 in 2026/27."""
ISSUED_AT = datetime(2026, 12, 21, 16, 0, tzinfo=UTC)


@pytest.fixture
def today() -> date:
    """Recorded at the end of January 2027: after the window, so that later records can be left out."""
    return date(2027, 1, 31)


@dataclass
class Term:
    history: History
    pupils: dict[str, UUID]
    interventions: dict[str, UUID]
    staff: dict[str, UUID]


def _on_register(
    history: History, name: str, born: date, status: SenProvision, need: NeedType | None
) -> UUID:
    pupil = history.pupil(name, name, born=born)
    history.sen_status(pupil, status, date(2026, 9, 1))
    if need is not None:
        history.need(pupil, need, 1, date(2026, 9, 1))
    return pupil


def _review(history: History, plan: UUID, on: date, pupil_views: str, parent_views: str) -> None:
    outcomes = [
        {"outcome_id": o, "rating": Rating.met, "evidence": ""}
        for o in history.record.plan(history.senco, plan).outcomes
    ]
    fields = review_fields(
        on, outcomes, Decision.continue_, date(2027, 3, 1), pupil_views=pupil_views, parent_views=parent_views
    )
    history.record.review_plan(history.senco, plan, today=history.today, **fields)


def _observe(history: History, intervention: UUID, on: date, fidelity: int, actions: str) -> None:
    history.record.observe_delivery(
        history.senco,
        intervention,
        today=history.today,
        observed_on=on,
        observer="Head of inclusion",
        fidelity=fidelity,
        notes="Observed a whole session",
        actions=actions,
    )


@pytest.fixture
def term(history: History) -> Term:
    """A primary school's autumn term (names are family names too, so 'Abbot Abbot'):

    on roll on 21 December: Abbot, Baker, Carter (year 5, K, SPLD), Davis (year 4, K, SPLD),
    Evans (year 3, E, HI), Fox (year 3, K, SEMH), Green (year 4, E, ASD), Hill and Irwin (N),
    Kaur (K only from January: N on the day); Jones (K, SPLD) left in October.
    """
    h = history
    pupils = {
        "Abbot": _on_register(h, "Abbot", Y5, SenProvision.sen_support, NeedType.SPLD),
        "Baker": _on_register(h, "Baker", Y5, SenProvision.sen_support, NeedType.SPLD),
        "Carter": _on_register(h, "Carter", Y5, SenProvision.sen_support, NeedType.SPLD),
        "Davis": _on_register(h, "Davis", Y4, SenProvision.sen_support, NeedType.SPLD),
        "Evans": _on_register(h, "Evans", Y3, SenProvision.ehc_plan, NeedType.HI),
        "Fox": _on_register(h, "Fox", Y3, SenProvision.sen_support, NeedType.SEMH),
        "Green": _on_register(h, "Green", Y4, SenProvision.ehc_plan, NeedType.ASD),
        "Hill": h.pupil("Hill", "Hill", born=Y5),
        "Irwin": h.pupil("Irwin", "Irwin", born=Y3),
        "Jones": _on_register(h, "Jones", Y4, SenProvision.sen_support, NeedType.SPLD),
        "Kaur": h.pupil("Kaur", "Kaur", born=Y4),
    }
    h.leave(pupils["Jones"], date(2026, 10, 1), "moved away")
    h.sen_status(pupils["Kaur"], SenProvision.sen_support, date(2027, 1, 10))

    staff = {name: h.staff(name) for name in ("Jo Trained", "Kim Lapsed", "Sam Untrained")}
    h.train(staff["Jo Trained"], "  precision TEACHING ", date(2026, 9, 1))  # the same programme, as typed
    h.train(staff["Kim Lapsed"], "Precision teaching", date(2025, 9, 1), expires_on=date(2026, 10, 1))

    # Precision teaching: three pupils, two sessions, reading ages 84/90/78 -> 90/99/80 at the exit.
    reading = h.intervention([staff["Jo Trained"], staff["Kim Lapsed"]])
    for name in ("Abbot", "Baker", "Carter"):
        h.enrol(reading, pupils[name])
    abbot, baker, carter = (pupils[n] for n in ("Abbot", "Baker", "Carter"))
    h.session(reading, staff["Jo Trained"], date(2026, 9, 21), {abbot: P, baker: P, carter: A})
    h.session(reading, staff["Jo Trained"], date(2026, 9, 23), {abbot: P, baker: P, carter: P})
    for name, (before, after) in zip(
        ("Abbot", "Baker", "Carter"), [("84", "90"), ("90", "99"), ("78", "80")], strict=True
    ):
        h.assess(pupils[name], date(2026, 9, 21), before, AssessmentKind.baseline, reading)
        h.assess(pupils[name], LAST, after, AssessmentKind.exit, reading)

    # Lego therapy: Tuesdays for four weeks from 3 November (4 sessions expected), 3 run, Fox at 2.
    lego = h.intervention(
        [staff["Sam Untrained"]],
        name="Lego therapy",
        programme="Lego therapy",
        area_of_need=AreaOfNeed.semh,
        strategy_codes=["SEMH1"],
        ratio="1:3",
        weekdays=[Weekday.tue],
        starts_on=date(2026, 11, 3),
        planned_weeks=4,
        review_due_on=date(2026, 11, 30),
        cost_per_year=Decimal("600.00"),
    )
    h.enrol(lego, pupils["Fox"], starts_on=date(2026, 11, 3))
    for day, mark in ((date(2026, 11, 3), P), (date(2026, 11, 10), A), (date(2026, 11, 17), P)):
        h.session(lego, staff["Sam Untrained"], day, {pupils["Fox"]: mark})
    # Fox's exit comes after the window: no pair in it.
    h.assess(pupils["Fox"], date(2026, 11, 3), "84", AssessmentKind.baseline, lego)
    h.assess(pupils["Fox"], date(2027, 1, 10), "88", AssessmentKind.exit, lego)

    # Last summer's group ended before the window: not in place, its pair and observation not in it.
    _, summer = h.group(
        pupils["Davis"], name="Summer catch-up", starts_on=date(2026, 5, 4), review_due_on=date(2026, 5, 29)
    )
    h.assess(pupils["Davis"], date(2026, 5, 4), "70", AssessmentKind.baseline, summer)
    h.assess(pupils["Davis"], date(2026, 6, 1), "75", AssessmentKind.exit, summer)
    _observe(h, summer, date(2026, 5, 11), 1, "Use the script")
    h.end_intervention(summer, date(2026, 6, 5), "summer term over")

    _observe(h, reading, date(2026, 10, 5), 3, "Model the error correction")
    _observe(h, lego, date(2026, 11, 10), 2, "Roles for every pupil")

    # Reviews: Abbot's in the window with the pupil's views only; Evans's twice, once in the window with both.
    abbot_plan = h.plan(pupils["Abbot"], date(2026, 9, 21), date(2026, 11, 30))
    _review(h, abbot_plan, date(2026, 11, 30), "I like the games", "")
    evans_plan = h.plan(pupils["Evans"], date(2026, 6, 1), date(2026, 7, 1))
    _review(h, evans_plan, date(2026, 7, 1), "", "")
    _review(h, evans_plan, date(2026, 12, 1), "I can hear the teacher", "Much happier")

    # Another setting's pupil on SEN support: never counted here.
    other = History(h.record, today=h.today)
    _on_register(other, "Other", Y5, SenProvision.sen_support, NeedType.SPLD)
    return Term(h, pupils, {"reading": reading, "lego": lego, "summer": summer}, staff)


def _report(apdr: Apdr, term: Term, first: date = FIRST, last: date = LAST) -> dict[str, Any]:
    setting_id = term.history.setting_id
    calendar = term.history.record.calendar(setting_id, first, last)
    return apdr.read_models.ask(
        sen_support_report,
        setting_id,
        Window(first, last),
        calendar,
        issued_by="senco@history.example",
        issued_at=ISSUED_AT,
    )


def test_given_a_term_when_reported_then_the_heading_names_the_school_the_window_and_the_marking(
    apdr: Apdr, term: Term
) -> None:
    report = _report(apdr, term)
    setting = term.history.record.setting(term.history.setting_id)

    assert report["title"] == "SEN support report"
    assert report["setting"] == {"urn": setting.urn, "name": "History Primary"}
    assert (report["from"], report["to"], report["as_of"]) == (FIRST, LAST, LAST)
    assert (report["issued_by"], report["issued_at"]) == ("senco@history.example", ISSUED_AT)
    assert report["marking"] == "OFFICIAL-SENSITIVE: special category personal data"


def test_given_a_term_when_reported_then_the_register_is_the_last_days_beside_englands(
    apdr: Apdr, term: Term
) -> None:
    register = _report(apdr, term)["sections"]["register"]

    # On roll on 21 December: 10 (Jones left; Kaur is on roll, N until January; the other setting's not).
    # K: Abbot, Baker, Carter, Davis, Fox = 5 of 10; E: Evans, Green = 2 of 10.
    assert register["pupils_on_roll"] == 10
    assert register["sen_support"] == {"count": 5, "percent": 50.0}
    assert register["ehc_plan"] == {"count": 2, "percent": 20.0}
    assert register["on_register"] == {"count": 7, "percent": 70.0}
    assert register["national"]["sen_support_percent"] == ENGLAND.sen_support_percent == 14.2
    assert register["national"]["ehc_plan_percent"] == 5.3
    assert register["national"]["academic_year"] == "2024/25"
    assert register["national"]["url"].startswith("https://explore-education-statistics.service.gov.uk/")
    assert register["by_primary_need"] == [
        {
            "primary_need": "SPLD",
            "area_of_need": "cognition_learning",
            "sen_support": 4,
            "ehc_plan": 0,
            "total": 4,
        },
        {
            "primary_need": "ASD",
            "area_of_need": "communication_interaction",
            "sen_support": 0,
            "ehc_plan": 1,
            "total": 1,
        },
        {
            "primary_need": "HI",
            "area_of_need": "sensory_physical",
            "sen_support": 0,
            "ehc_plan": 1,
            "total": 1,
        },
        {"primary_need": "SEMH", "area_of_need": "semh", "sen_support": 1, "ehc_plan": 0, "total": 1},
    ]
    assert register["by_year_group"] == [
        {"year_group": 3, "sen_support": 1, "ehc_plan": 1, "total": 2},
        {"year_group": 4, "sen_support": 1, "ehc_plan": 1, "total": 2},
        {"year_group": 5, "sen_support": 3, "ehc_plan": 0, "total": 3},
    ]


def test_given_a_term_when_reported_then_each_intervention_in_place_has_its_delivery(
    apdr: Apdr, term: Term
) -> None:
    section = _report(apdr, term)["sections"]["interventions"]

    lego, reading = section["rows"]  # by name
    assert [r["name"] for r in section["rows"]] == ["Lego therapy", "Precision teaching: HFW"]
    # Lego therapy: Tuesdays 3, 10, 17, 24 November expected; 3 run, Fox attended 2.
    assert (
        lego["pupils"],
        lego["sessions_expected"],
        lego["sessions_delivered"],
        lego["sessions_attended"],
    ) == (
        1,
        4,
        3,
        2,
    )
    assert (lego["delivered_percent"], lego["attended_percent"]) == (75.0, 66.7)
    assert lego["cost_per_year"] == "600.00"
    # Precision teaching: 2 sessions for each of 3 pupils = 6 pupil-sessions; attended 2 + 2 + 1 = 5.
    assert (reading["pupils"], reading["sessions_delivered"], reading["sessions_attended"]) == (3, 6, 5)
    assert reading["attended_percent"] == 83.3
    # Expected as the provision map has it, row by row.
    setting_id = term.history.setting_id
    calendar = term.history.record.calendar(setting_id, FIRST, LAST)
    rows = list(apdr.read_models.stream(provision_rows, setting_id, Window(FIRST, LAST), calendar))
    expected = sum(
        r["sessions_expected"] for r in rows if r["intervention_id"] == term.interventions["reading"]
    )
    assert reading["sessions_expected"] == expected > 0
    assert reading["delivered_percent"] == round(100 * 6 / expected, 1)
    assert term.interventions["summer"] not in {r["intervention_id"] for r in section["rows"]}
    assert section["totals"]["interventions"] == 2 and section["totals"]["pupils"] == 4
    assert section["totals"]["cost_per_year"] == "1800.00"


def test_given_a_term_when_reported_then_impact_counts_the_exits_in_the_window_and_flags_small_samples(
    apdr: Apdr, term: Term
) -> None:
    impact = _report(apdr, term)["sections"]["impact"]

    (reading,) = impact["by_intervention"]  # Fox's exit is after the window; Davis's before it
    assert reading["intervention_id"] == term.interventions["reading"] and reading["pupils"] == 3
    (measure,) = reading["measures"]
    # By hand (as tests/projections/test_impact.py): changes 6, 9, 2; mean change 5.67; d 0.713,
    # Hedges' g 0.41 (95% CI 0.09 to 0.73); 91 days elapsed, ratio gain 5.667 / 2.9897 = 1.90,
    # modest (Brooks 2016). Three pupils: a small sample.
    assert (measure["pairs"], measure["mean_change"], measure["effect_size"]) == (3, 5.67, 0.41)
    assert (measure["effect_size_ci_low"], measure["effect_size_ci_high"]) == (0.09, 0.73)
    assert measure["effect_size_kind"] == "pre_post_hedges_g"
    assert (measure["ratio_gain"], measure["ratio_gain_band"]) == (1.90, "modest")
    assert measure["small_sample"] is True
    (area,) = impact["by_area"]
    assert (area["area_of_need"], area["interventions"], area["pupils"]) == ("cognition_learning", 1, 3)
    assert area["measures"][0]["pairs"] == 3 and area["measures"][0]["small_sample"] is True
    assert impact["small_sample_below"] == SMALL_SAMPLE == 5


def _pair(n: int, intervention: UUID, change: int) -> Pair:
    return Pair(
        uuid4(),
        intervention,
        "Single word reading test",
        "reading age",
        "age_equivalent_months",
        Decimal(80 + n),
        date(2026, 9, 21),
        Decimal(80 + n + change),
        date(2026, 12, 21),
        5,
    )


def test_given_five_pupils_behind_a_figure_when_summarised_then_it_is_not_a_small_sample() -> None:
    five, four = uuid4(), uuid4()
    pairs = [_pair(n, five, 4 + n) for n in range(5)] + [_pair(n, four, 6) for n in range(4)]
    names = {five: ("Five", "cognition_learning"), four: ("Four", "semh")}

    impact = impact_section(pairs, names)

    flags = {
        i["name"]: (i["measures"][0]["pairs"], i["measures"][0]["small_sample"])
        for i in impact["by_intervention"]
    }
    assert flags == {"Five": (5, False), "Four": (4, True)}
    assert [(a["area_of_need"], a["measures"][0]["small_sample"]) for a in impact["by_area"]] == [
        ("cognition_learning", False),
        ("semh", True),
    ]


def test_given_a_term_when_reported_then_observations_in_the_window_are_listed(
    apdr: Apdr, term: Term
) -> None:
    observations = _report(apdr, term)["sections"]["observations"]

    # The summer observation (fidelity 1) is before the window: (3 + 2) / 2 = 2.5.
    assert (observations["count"], observations["mean_fidelity"], observations["interventions_observed"]) == (
        2,
        2.5,
        2,
    )
    assert [
        (o["intervention"], o["observed_on"], o["fidelity"], o["actions"]) for o in observations["rows"]
    ] == [
        ("Precision teaching: HFW", date(2026, 10, 5), 3, "Model the error correction"),
        ("Lego therapy", date(2026, 11, 10), 2, "Roles for every pupil"),
    ]


def test_given_a_term_when_reported_then_training_follows_the_policies_rule(apdr: Apdr, term: Term) -> None:
    training = _report(apdr, term)["sections"]["training"]

    # Jo: trained (the programme as typed differently). Kim: expired 1 October. Sam: none.
    assert (training["staff"], training["assignments"], training["trained"]) == (3, 3, 1)
    assert training["coverage_percent"] == 33.3
    assert [(r["intervention"], r["staff"], r["trained"]) for r in training["by_intervention"]] == [
        ("Lego therapy", 1, 0),
        ("Precision teaching: HFW", 2, 1),
    ]
    assert [(u["staff"], u["intervention"], u["programme"]) for u in training["untrained"]] == [
        ("Sam Untrained", "Lego therapy", "Lego therapy"),
        ("Kim Lapsed", "Precision teaching: HFW", "Precision teaching"),
    ]
    # Before Kim's training lapsed, she counted.
    early = _report(apdr, term, FIRST, date(2026, 9, 30))["sections"]["training"]
    assert [r["trained"] for r in early["by_intervention"]] == [2]


def test_given_a_term_when_reported_then_reviews_count_the_views_recorded(apdr: Apdr, term: Term) -> None:
    reviews = _report(apdr, term)["sections"]["reviews"]

    # In the window: Abbot's (pupil's views only) and Evans's second (both); Evans's July review is not.
    assert (reviews["count"], reviews["pupils"]) == (2, 2)
    assert reviews["pupil_views"] == {"count": 2, "percent": 100.0}
    assert reviews["parent_views"] == {"count": 1, "percent": 50.0}


def test_given_a_term_when_reported_then_the_sample_spreads_across_needs_and_year_groups(
    apdr: Apdr, term: Term
) -> None:
    sample = _report(apdr, term)["sections"]["sample"]

    # Groups: (SPLD, 5) Abbot Baker Carter; (SPLD, 4) Davis; (ASD, 4) Green; (HI, 3) Evans; (SEMH, 3) Fox.
    # First each need's largest group (SPLD first, the most pupils), then SPLD's year 4, then second pupils.
    assert [p["name"] for p in sample] == [
        "Abbot Abbot",
        "Green Green",
        "Evans Evans",
        "Fox Fox",
        "Davis Davis",
        "Baker Baker",
        "Carter Carter",
    ]
    assert sample[0]["why"] == "one of 3 pupils with SPLD in year 5 (4 with SPLD in all)"
    assert sample[1]["why"] == "the only pupil with ASD in year 4"
    assert (sample[1]["sen_status"], sample[1]["year_group"], sample[1]["primary_need"]) == ("E", 4, "ASD")
    assert {p["pupil_id"] for p in sample} <= set(term.pupils.values())
    assert term.pupils["Jones"] not in {p["pupil_id"] for p in sample}


def test_given_more_pupils_than_the_sample_holds_when_sampled_then_it_stops_at_its_size() -> None:
    rows = [
        {
            "pupil_id": uuid4(),
            "name": f"P{n:02d} Pupil",
            "given_name": f"P{n:02d}",
            "family_name": "Pupil",
            "year_group": n % 3 + 1,
            "sen_status": "K",
            "primary_need": ("SPLD", "MLD", "SEMH", None)[n % 4],
            "primary_need_area": None,
        }
        for n in range(30)
    ]

    sample = sample_section(rows)
    again = sample_section(list(reversed(rows)))

    assert len(sample) == SAMPLE_SIZE == 8
    assert [p["pupil_id"] for p in sample] == [p["pupil_id"] for p in again]  # the same whatever the order
    assert {p["primary_need"] for p in sample[:4]} == {"SPLD", "MLD", "SEMH", None}
    assert len({(p["primary_need"], p["year_group"]) for p in sample}) == 8
    assert any(p["why"].startswith("one of") and "no primary need recorded" in p["why"] for p in sample)
