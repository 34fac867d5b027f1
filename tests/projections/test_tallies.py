"""The tallies the impact report and the provision map read (sessions marked and
attended per pupil and intervention, sessions delivered per intervention, each
pupil's latest baseline and exit) give the answers counting from history gives.

The old way, counting every session's marks and every assessment on each request,
is kept here only, as the reference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apdr.aggregates.codes import AssessmentKind, AttendanceStatus
from apdr.aggregates.school_year import year_group
from apdr.demo.synthetic import Plan, SettingSpec, generate
from apdr.projections.impact import (
    Pair,
    Sums,
    assessments,
    impact_pairs,
    impact_report,
    measure_summaries,
    pair_sums,
)
from apdr.projections.impact import report as impact
from apdr.projections.provision_map import (
    Window,
    attendance,
    attendance_counts,
    counted_from_marks,
    enrolments,
    interventions,
    money,
    percent,
    provision_rows,
    sessions,
)
from apdr.projections.provision_map import queries as provision_queries
from apdr.projections.pupils import pupils
from apdr.runtime import Apdr
from tests.support.database import KINDS, new_database
from tests.support.history import History

PLAN = Plan("tallies", (SettingSpec("709931", "Tally Primary School", "primary", 105),), years=2)
TODAY = date(2026, 3, 20)
PRESENT, ABSENT, LATE = AttendanceStatus.present, AttendanceStatus.absent, AttendanceStatus.late


# -- the old way: from every session and assessment ---------------------------------------


def pairs_from_history(conn: sa.Connection, setting_id: UUID) -> list[Pair]:
    """Each pupil's latest baseline and, after it, latest exit, found by reading every
    assessment in the order taken (then recorded)."""
    rows = conn.execute(
        sa.select(assessments, pupils.c.date_of_birth)
        .join(pupils, pupils.c.pupil_id == assessments.c.pupil_id)
        .where(
            pupils.c.setting_id == setting_id,
            assessments.c.intervention_id.is_not(None),
            assessments.c.kind.in_(("baseline", "exit")),
        )
        .order_by(assessments.c.assessed_on, assessments.c.position)
    )
    latest: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    for r in rows:
        key = (r.pupil_id, r.intervention_id, r.instrument, r.measure, r.scale)
        latest[key][r.kind] = r
        if r.kind == "baseline":
            latest[key].pop("exit", None)
    return [
        Pair(
            *key,
            Decimal(found["baseline"].value),
            found["baseline"].assessed_on,
            Decimal(found["exit"].value),
            found["exit"].assessed_on,
            year_group(found["baseline"].date_of_birth, found["baseline"].assessed_on),
        )
        for key, found in latest.items()
        if "baseline" in found and "exit" in found
    ]


def impact_report_from_history(
    conn: sa.Connection, setting_id: UUID, today: date, window: Window | None = None
) -> dict[str, Any]:
    """The impact report as it was first written: every place, every session's marks and
    every assessment read into Python and added up there."""
    last = today if window is None else window.as_of
    in_window = (lambda day: True) if window is None else (lambda day: window.first <= day <= window.as_of)
    pairs = [p for p in pairs_from_history(conn, setting_id) if in_window(p.exit_on)]
    found = {
        i.intervention_id: i
        for i in conn.execute(
            sa.select(interventions)
            .where(interventions.c.setting_id == setting_id)
            .order_by(interventions.c.starts_on, interventions.c.name, interventions.c.intervention_id)
        )
        if window is None
        or (i.starts_on <= window.as_of and (i.ended_on is None or i.ended_on >= window.first))
        or i.intervention_id in {p.intervention_id for p in pairs}
    }
    first = None if window is None else window.first
    marks = counted_from_marks(conn, setting_id, first, None if window is None else window.as_of)
    delivered: dict[UUID, int] = defaultdict(int)
    for session in conn.execute(sa.select(sessions).where(sessions.c.voided.is_(False))):
        delivered[session.intervention_id] += in_window(session.delivered_on)
    lines: dict[str, dict[Any, dict[str, Any]]] = {level: {} for level in ("intervention", "area", "year")}

    def line(level: str, key: Any) -> dict[str, Any]:
        return lines[level].setdefault(
            key, {"pupils": set(), "interventions": set(), "places": [], "cost": Decimal(0), "pairs": []}
        )

    places: dict[tuple[UUID, UUID], dict[str, Any]] = {}
    enrolled = sa.select(enrolments, pupils.c.date_of_birth).join(
        pupils, pupils.c.pupil_id == enrolments.c.pupil_id
    )
    for e in conn.execute(enrolled):
        open_in_window = window is None or (
            e.starts_on <= window.as_of and (e.ends_on is None or e.ends_on >= window.first)
        )
        if e.intervention_id not in found or not open_in_window:
            continue
        place = places.setdefault(
            (e.intervention_id, e.pupil_id), {"withdrawn": False, "starts_on": e.starts_on}
        )
        place["withdrawn"] |= e.withdrawn
        place["starts_on"] = min(place["starts_on"], e.starts_on)
        place["date_of_birth"] = e.date_of_birth
    for (intervention_id, pupil_id), place in places.items():
        i = found[intervention_id]
        year = year_group(place["date_of_birth"], place["starts_on"])
        for level, key in (("intervention", intervention_id), ("area", i.area_of_need), ("year", year)):
            found_line = line(level, key)
            found_line["pupils"].add(pupil_id)
            found_line["interventions"].add(intervention_id)
            found_line["places"].append((place, i, marks.get((intervention_id, pupil_id), (0, 0))))
    a_week = impact._sessions_a_week(
        conn, setting_id, {k: min(last, i.ended_on) if i.ended_on else last for k, i in found.items()}
    )
    for intervention_id, i in found.items():
        cost = impact.delivered_cost(
            i.cost_per_year, delivered[intervention_id], a_week.get(intervention_id, 0)
        )
        line("intervention", intervention_id)["cost"] = cost
        line("area", i.area_of_need)["cost"] += cost
    for pair in pairs:
        area = found[pair.intervention_id].area_of_need
        for level, key in (("intervention", pair.intervention_id), ("area", area), ("year", pair.year_group)):
            line(level, key)["pairs"].append(pair)

    def figures(found_line: dict[str, Any], costed: bool = True) -> dict[str, Any]:
        places = found_line["places"]
        withdrawn = sum(p["withdrawn"] for p, _, _ in places)
        completed = sum(
            not p["withdrawn"] and i.ended_on is not None and i.ended_on <= last for p, i, _ in places
        )
        pupils_in = len(found_line["pupils"])
        cost_per_pupil = found_line["cost"] / pupils_in if pupils_in and costed else None
        return {
            "interventions": len(found_line["interventions"]),
            "pupils": pupils_in,
            "completion": {
                "completed": completed,
                "withdrawn": withdrawn,
                "in_progress": len(places) - withdrawn - completed,
                "completed_percent": percent(completed, completed + withdrawn),
            },
            "attendance_percent": percent(sum(m[1] for _, _, m in places), sum(m[0] for _, _, m in places)),
            "cost_per_pupil": money(cost_per_pupil) if cost_per_pupil is not None else None,
            "measures": measure_summaries(found_line["pairs"], cost_per_pupil),
        }

    def without(found: dict[str, Any], key: str) -> dict[str, Any]:
        return {k: v for k, v in found.items() if k != key}

    return {
        "from_date": first,
        "to": None if window is None else window.as_of,
        "interventions": [
            {
                "intervention_id": k,
                "name": i.name,
                "area_of_need": i.area_of_need,
                "starts_on": i.starts_on,
                "ended_on": i.ended_on,
                "sessions_delivered": delivered[k],
                **without(figures(line("intervention", k)), "interventions"),
            }
            for k, i in found.items()
        ],
        "by_area": [{"area_of_need": a, **figures(f)} for a, f in sorted(lines["area"].items())],
        "by_year_group": [
            {"year_group": y, **without(figures(f, costed=False), "cost_per_pupil")}
            for y, f in sorted(lines["year"].items())
        ],
    }


def provision_from_history(
    conn: sa.Connection, setting_id: UUID, window: Window, calendar: Any, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    with monkeypatch.context() as patched:
        patched.setattr(provision_queries, "attendance_counts", counted_from_marks)
        return list(provision_rows(conn, setting_id, window, calendar))


# -- the synthetic school -------------------------------------------------------------------


@pytest.fixture(scope="module", params=KINDS)
def school(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Apdr, UUID]]:
    """Two years of a small primary school's history, its read models caught up."""
    with new_database(request.param, tmp_path_factory.mktemp("db")) as settings:
        running = Apdr.open(settings)
        try:
            history = generate(running.record, PLAN, seed=7, today=TODAY, password_hash="-")
            running.read_models.catch_up()
            yield running, history.settings[0].setting_id
        finally:
            running.close()


WINDOWS = [
    Window(date(2024, 9, 1), TODAY),  # everything
    Window(date(2025, 9, 1), TODAY),  # this school year
    Window(date(2024, 9, 1), date(2025, 8, 31)),  # last school year
    Window(date(2025, 1, 6), date(2025, 2, 14)),  # starting and ending in the middle of interventions
    Window(date(2025, 11, 3), date(2026, 1, 30)),
]


def test_given_the_synthetic_school_when_impact_is_reported_then_the_tallies_give_the_report_history_gives(
    school: tuple[Apdr, UUID],
) -> None:
    apdr, setting_id = school
    with apdr.engine.connect() as conn:
        tallied = impact_report(conn, setting_id, TODAY)
        counted = impact_report_from_history(conn, setting_id, TODAY)
        voided = conn.execute(sa.select(sa.func.count()).where(sessions.c.voided.is_(True))).scalar()
    assert voided, "the history voids a session, so the tallies take one out"
    assert sum(i["sessions_delivered"] for i in tallied["interventions"]) > 500
    assert sum(m["pairs"] for i in tallied["by_area"] for m in i["measures"]) > 20
    assert len(tallied["by_year_group"]) > 2
    assert tallied == counted


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.first}..{w.as_of}")
def test_given_the_synthetic_school_when_impact_is_reported_over_a_window_then_it_is_the_report_history_gives(
    school: tuple[Apdr, UUID], window: Window
) -> None:
    apdr, setting_id = school
    with apdr.engine.connect() as conn:
        windowed = impact_report(conn, setting_id, TODAY, window)
        counted = impact_report_from_history(conn, setting_id, TODAY, window)
        whole = impact_report(conn, setting_id, TODAY)
    assert windowed["interventions"], "every window has interventions running in it"
    assert (windowed["from_date"], windowed["to"]) == (window.first, window.as_of)
    assert windowed == counted
    if window.first > date(2024, 9, 1):
        delivered = sum(i["sessions_delivered"] for i in windowed["interventions"])
        assert delivered < sum(i["sessions_delivered"] for i in whole["interventions"])


def test_given_the_synthetic_school_when_pairs_are_summed_then_the_sums_are_the_pairs_added_up(
    school: tuple[Apdr, UUID],
) -> None:
    apdr, setting_id = school
    with apdr.engine.connect() as conn:
        summed = pair_sums(conn, setting_id)
        pairs = pairs_from_history(conn, setting_id)
    by_hand: dict[tuple[Any, ...], Sums] = defaultdict(Sums)
    for p in pairs:
        by_hand[(p.intervention_id, p.year_group, (p.instrument, p.measure, p.scale))] += Sums.of(p)
    assert {(g.intervention_id, g.year_group, g.measure): g.sums for g in summed} == by_hand
    assert sum(g.sums.pairs for g in summed) == len(pairs) > 20


def test_given_the_synthetic_school_when_pairs_are_read_then_they_are_the_pairs_every_assessment_gives(
    school: tuple[Apdr, UUID],
) -> None:
    apdr, setting_id = school
    with apdr.engine.connect() as conn:
        tallied, counted = impact_pairs(conn, setting_id), pairs_from_history(conn, setting_id)
    assert len(tallied) > 20
    assert sorted(tallied, key=repr) == sorted(counted, key=repr)


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.first}..{w.as_of}")
def test_given_the_synthetic_school_when_the_provision_map_is_read_then_the_tallies_give_the_rows_history_gives(
    school: tuple[Apdr, UUID], window: Window, monkeypatch: pytest.MonkeyPatch
) -> None:
    apdr, setting_id = school
    calendar = apdr.record.calendar(setting_id, window.first, window.as_of)
    with apdr.engine.connect() as conn:
        tallied = list(provision_rows(conn, setting_id, window, calendar))
        counted = provision_from_history(conn, setting_id, window, calendar, monkeypatch)
        assert attendance_counts(conn, setting_id, window.first, window.as_of) == counted_from_marks(
            conn, setting_id, window.first, window.as_of
        )
    assert tallied
    assert tallied == counted


# -- given events, then the tally's rows --------------------------------------------------------


def tallies(apdr: Apdr, intervention_id: UUID) -> dict[UUID, tuple[int, int]]:
    apdr.read_models.catch_up()
    with apdr.engine.connect() as conn:
        rows = conn.execute(sa.select(attendance).where(attendance.c.intervention_id == intervention_id))
        return {r.pupil_id: (r.marked, r.attended) for r in rows}


def delivered(apdr: Apdr, intervention_id: UUID) -> int:
    with apdr.engine.connect() as conn:
        return conn.execute(
            sa.select(interventions.c.sessions_delivered).where(
                interventions.c.intervention_id == intervention_id
            )
        ).scalar_one()


@pytest.fixture
def group(history: History) -> tuple[UUID, UUID, UUID, UUID]:
    """Two pupils in a group: (TA, intervention, pupil a, pupil b)."""
    a, b = history.pupil("Ann", "Able"), history.pupil("Ben", "Baker")
    ta, intervention = history.group(a, b)
    return ta, intervention, a, b


def test_given_sessions_when_delivered_then_each_pupil_is_tallied_marked_and_attended(
    apdr: Apdr, history: History, group: tuple[UUID, UUID, UUID, UUID]
) -> None:
    ta, intervention, a, b = group
    assert tallies(apdr, intervention) == {a: (0, 0), b: (0, 0)}, "a row from enrolment"
    history.session(intervention, ta, date(2026, 9, 21), {a: PRESENT, b: ABSENT})
    history.session(intervention, ta, date(2026, 9, 22), {a: LATE, b: PRESENT})
    assert tallies(apdr, intervention) == {a: (2, 2), b: (2, 1)}
    assert delivered(apdr, intervention) == 2


def test_given_a_session_when_corrected_then_its_old_marks_come_out_and_the_new_go_in(
    apdr: Apdr, history: History, group: tuple[UUID, UUID, UUID, UUID]
) -> None:
    ta, intervention, a, b = group
    session = history.session(intervention, ta, date(2026, 9, 21), {a: PRESENT, b: ABSENT})
    history.session(intervention, ta, date(2026, 9, 22), {a: PRESENT, b: PRESENT})
    history.correct_session(intervention, session, {a: ABSENT, b: PRESENT}, "registers swapped")
    assert tallies(apdr, intervention) == {a: (2, 1), b: (2, 2)}
    history.correct_session(intervention, session, {a: ABSENT, b: ABSENT}, "both were out")
    assert tallies(apdr, intervention) == {a: (2, 1), b: (2, 1)}
    assert delivered(apdr, intervention) == 2


def test_given_a_session_when_voided_then_its_marks_come_out(
    apdr: Apdr, history: History, group: tuple[UUID, UUID, UUID, UUID]
) -> None:
    ta, intervention, a, b = group
    session = history.session(intervention, ta, date(2026, 9, 21), {a: PRESENT, b: ABSENT})
    history.correct_session(intervention, session, {a: PRESENT, b: PRESENT}, "Ben came late")
    history.session(intervention, ta, date(2026, 9, 22), {a: PRESENT, b: ABSENT})
    history.record.void_session(history.senco, intervention, session, reason="the wrong group")
    assert tallies(apdr, intervention) == {a: (1, 1), b: (1, 0)}
    assert delivered(apdr, intervention) == 1


def test_given_a_pupil_enrolled_again_when_tallied_then_both_enrolments_count_in_one_row(
    apdr: Apdr, history: History, group: tuple[UUID, UUID, UUID, UUID]
) -> None:
    ta, intervention, a, b = group
    history.session(intervention, ta, date(2026, 9, 21), {a: PRESENT, b: PRESENT})
    history.withdraw(intervention, b, date(2026, 9, 22), "unwell")
    history.enrol(intervention, b, date(2026, 10, 5))
    history.session(intervention, ta, date(2026, 10, 5), {a: ABSENT, b: PRESENT})
    assert tallies(apdr, intervention) == {a: (2, 1), b: (2, 2)}


def test_given_assessments_when_corrected_then_the_pair_is_the_one_every_assessment_gives(
    apdr: Apdr, history: History
) -> None:
    pupil = history.pupil()
    _, intervention = history.group(pupil)

    def pairs() -> list[tuple[Decimal, date, Decimal, date]]:
        apdr.read_models.catch_up()
        with apdr.engine.connect() as conn:
            found = impact_pairs(conn, history.setting_id)
            assert found == pairs_from_history(conn, history.setting_id)
        return [(p.baseline, p.baseline_on, p.exit, p.exit_on) for p in found]

    history.assess(pupil, date(2026, 9, 21), "84", AssessmentKind.baseline, intervention)
    exit_id = history.assess(pupil, date(2026, 11, 9), "90", AssessmentKind.exit, intervention)
    assert pairs() == [(Decimal(84), date(2026, 9, 21), Decimal(90), date(2026, 11, 9))]
    later = history.assess(pupil, date(2026, 10, 5), "86", AssessmentKind.baseline, intervention)
    assert pairs() == [(Decimal(86), date(2026, 10, 5), Decimal(90), date(2026, 11, 9))]

    def correct(assessment_id: UUID, **change: Any) -> None:
        history.record.correct_assessment(
            history.senco, pupil, today=history.today, assessment_id=assessment_id, reason="typo", **change
        )

    correct(later, assessed_on=date(2026, 11, 16))  # now after the exit: no pair
    assert pairs() == []
    correct(later, assessed_on=date(2026, 10, 12), value=Decimal(87))
    assert pairs() == [(Decimal(87), date(2026, 10, 12), Decimal(90), date(2026, 11, 9))]
    correct(exit_id, value=Decimal(95))
    assert pairs() == [(Decimal(87), date(2026, 10, 12), Decimal(95), date(2026, 11, 9))]
    correct(later, assessed_on=date(2026, 9, 14))  # now before the first: that one is the latest
    assert pairs() == [(Decimal(84), date(2026, 9, 21), Decimal(95), date(2026, 11, 9))]
    history.assess(pupil, date(2026, 11, 9), "91", AssessmentKind.baseline, intervention)
    assert pairs() == [], "a baseline recorded after the exit, on its day, comes after it"


TEACHING_DAYS = [date(2026, 9, 21) + timedelta(days=d) for d in range(26) if (d % 7) < 5]
statuses = st.sampled_from(list(AttendanceStatus))
registers = st.tuples(statuses, statuses, statuses)
fates = st.one_of(st.none(), st.just("void"), registers, st.tuples(registers, st.just("void")))


def _correction_and_void(fate: Any) -> tuple[Any, bool]:
    """A session's fate: None (left alone), "void", a register (corrected to it), or (register, "void")."""
    if fate is None or fate == "void":
        return None, fate == "void"
    if len(fate) == 2:
        return fate[0], True
    return fate, False


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(registers, fates), min_size=1, max_size=6))
def test_given_any_registers_corrected_and_voided_when_tallied_then_the_tally_is_the_count_of_the_marks(
    apdr: Apdr, history: History, sessions_and_fates: list[tuple[Any, Any]]
) -> None:
    pupils = [history.pupil(f"P{n}", "Property") for n in range(3)]
    ta, intervention = history.group(*pupils)
    delivered_ids = [
        history.session(intervention, ta, day, dict(zip(pupils, register, strict=True)))
        for day, (register, _) in zip(TEACHING_DAYS, sessions_and_fates, strict=False)
    ]
    for session, (register, fate) in zip(delivered_ids, sessions_and_fates, strict=False):
        corrected, void = _correction_and_void(fate)
        if corrected is not None and corrected != register:
            history.correct_session(intervention, session, dict(zip(pupils, corrected, strict=True)), "fix")
        if void:
            history.record.void_session(history.senco, intervention, session, reason="not held")
    tallied = tallies(apdr, intervention)
    with apdr.engine.connect() as conn:
        counted = counted_from_marks(conn, history.setting_id, of=[intervention])
        held = conn.execute(
            sa.select(sa.func.count()).where(
                sessions.c.intervention_id == intervention, sessions.c.voided.is_(False)
            )
        ).scalar_one()
    assert tallied == {p: counted.get((intervention, p), (0, 0)) for p in pupils}
    assert delivered(apdr, intervention) == held
    _rebuilt_the_same(apdr, intervention, tallied, held)


def _session_rows(apdr: Apdr, intervention: UUID) -> list[Any]:
    with apdr.engine.connect() as conn:
        return sorted(conn.execute(sa.select(sessions).where(sessions.c.intervention_id == intervention)))


def _rebuilt_the_same(apdr: Apdr, intervention: UUID, tallied: dict[UUID, Any], held: int) -> None:
    """Rebuilt in one batch, a correction or void takes out the marks the batch itself wrote
    (noted), not the table's; in batches of three, some of what it changes was sent before."""
    rows = _session_rows(apdr, intervention)
    batch_size = apdr.read_models.batch_size
    try:
        for size in (batch_size, 3):
            apdr.read_models.batch_size = size
            apdr.read_models.rebuild("provision_map")
            assert tallies(apdr, intervention) == tallied, f"batches of {size}"
            assert delivered(apdr, intervention) == held, f"batches of {size}"
            assert _session_rows(apdr, intervention) == rows, f"batches of {size}"
    finally:
        apdr.read_models.batch_size = batch_size


def test_given_a_session_moved_to_another_day_and_voided_when_rebuilt_then_its_marks_are_out(
    apdr: Apdr, history: History, group: tuple[UUID, UUID, UUID, UUID]
) -> None:
    ta, intervention, a, b = group
    session = history.session(intervention, ta, date(2026, 9, 21), {a: PRESENT, b: ABSENT})
    history.session(intervention, ta, date(2026, 9, 23), {a: PRESENT, b: PRESENT})
    history.record.correct_session(
        history.senco,
        intervention,
        session,
        today=history.today,
        reason="the wrong day",
        delivered_on=date(2026, 9, 22),
    )
    history.record.void_session(history.senco, intervention, session, reason="not held after all")
    assert tallies(apdr, intervention) == {a: (1, 1), b: (1, 1)}
    assert delivered(apdr, intervention) == 1
    _rebuilt_the_same(apdr, intervention, {a: (1, 1), b: (1, 1)}, 1)
