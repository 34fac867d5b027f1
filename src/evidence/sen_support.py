"""The SEN support report for Ofsted and governors, over a window (a term, a year).

Ofsted asks how well pupils with SEND are identified, supported and make progress;
governors ask the same of the SENCO each year. The report answers from the record
itself, in one consistent reading of the read models: who is on the register (beside
England's figures), what was provided and how much of it happened, what changed for
the pupils, how delivery was monitored, whether the staff delivering it are trained,
whether reviews heard the pupil and the parents, and a short list of pupils an
inspector can sample.

Every figure comes from an existing query (the register, the provision map, the
impact pairs, the monitoring tables) so that the report and the screens that show the
same figure never disagree; nothing here reads the event log or decides a rule again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from statistics import fmean
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates.evidence_pack import MARKING
from apdr.aggregates.school_year import SchoolCalendar
from apdr.evidence.national import ENGLAND
from apdr.policies.training import trained_staff
from apdr.projections.impact import SMALL_SAMPLE, Pair, impact_pairs, measure_summaries
from apdr.projections.monitoring import (
    observations_between,
    plan_reviews_between,
    programme_key,
    settings,
)
from apdr.projections.projection import reads
from apdr.projections.provision_map import (
    Totals,
    Window,
    assignments,
    interventions,
    percent,
    provision_rows,
    staff,
)
from apdr.projections.register import ON_REGISTER, register_rows, register_totals

TITLE = "SEN support report"

# Figures from fewer than SMALL_SAMPLE pupils are flagged: the impact report's rule, defined
# once in apdr.projections.impact.statistics (and imported from here by the pages).

SAMPLE_SIZE = 8
"""How many pupils the sample list offers an inspector: enough to cover the main needs
and year groups, few enough to read each file in a visit."""


@reads("register", "provision_map", "pupils", "impact", "monitoring")
def sen_support_report(
    conn: sa.Connection,
    setting_id: UUID,
    window: Window,
    calendar: SchoolCalendar,
    *,
    issued_by: str,
    issued_at: datetime,
) -> dict[str, Any]:
    """The whole report for the window, read on one connection so that every section
    agrees: the register as it stood on the last day, everything else over the window."""
    on_roll = register_rows(conn, setting_id, window.as_of, include_no_sen=True)
    provision = list(provision_rows(conn, setting_id, window, calendar))
    return {
        "title": TITLE,
        "setting": setting_of(conn, setting_id),
        "from": window.first,
        "to": window.as_of,
        "as_of": window.as_of,
        "issued_by": issued_by,
        "issued_at": issued_at,
        "marking": MARKING,
        "sections": {
            "register": register_section(on_roll),
            "interventions": interventions_section(provision),
            "impact": impact_section(
                _pairs_in(conn, setting_id, window), _intervention_names(conn, setting_id)
            ),
            "observations": observations_section(
                observations_between(conn, setting_id, window.first, window.as_of)
            ),
            "training": training_section(conn, setting_id, provision, window.as_of),
            "reviews": reviews_section(plan_reviews_between(conn, setting_id, window.first, window.as_of)),
            "sample": sample_section([r for r in on_roll if r["sen_status"] in ON_REGISTER]),
        },
    }


@reads("monitoring")
def setting_of(conn: sa.Connection, setting_id: UUID) -> dict[str, str]:
    """The school's URN and name, as the report's heading names it."""
    row = conn.execute(
        sa.select(settings.c.urn, settings.c.name).where(settings.c.setting_id == setting_id)
    ).one()
    return {"urn": row.urn, "name": row.name}


def _counted(count: int, whole: int) -> dict[str, Any]:
    """A count with its percent of ``whole``: a percent is never shown without the pupils behind it."""
    return {"count": count, "percent": percent(count, whole)}


# -- the register ----------------------------------------------------------------------


def register_section(on_roll: list[dict[str, Any]]) -> dict[str, Any]:
    """Pupils on roll, on SEN support (K) and with an EHC plan (E) on the last day, beside
    England's proportions; then the register by primary need and by year group, each split
    K / E, so that a reader sees where the school's needs lie."""
    totals = register_totals(on_roll, include_no_sen=True)
    pupils = totals["pupils"]
    on_register = [r for r in on_roll if r["sen_status"] in ON_REGISTER]
    return {
        "pupils_on_roll": pupils,
        "sen_support": _counted(totals["by_status"]["K"], pupils),
        "ehc_plan": _counted(totals["by_status"]["E"], pupils),
        "on_register": _counted(totals["on_register"], pupils),
        "national": ENGLAND.as_dict(),
        "by_primary_need": by_primary_need(on_register),
        "by_year_group": by_year_group(on_register),
    }


def _split(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, dict[str, int]]:
    """Pupils on the register per value of ``key``, split K / E."""
    counts: dict[Any, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[row[key]][row["sen_status"]] += 1
    return {
        k: {"sen_support": c["K"], "ehc_plan": c["E"], "total": c["K"] + c["E"]} for k, c in counts.items()
    }


def by_primary_need(on_register: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The register by census primary need (none: no need recorded yet), with its broad area:
    the largest first, which is what the school mostly meets."""
    area = {r["primary_need"]: r["primary_need_area"] for r in on_register}
    split = _split(on_register, "primary_need")
    return [
        {"primary_need": need, "area_of_need": area[need], **counts}
        for need, counts in sorted(split.items(), key=lambda i: (-i[1]["total"], i[0] or "~"))
    ]


def by_year_group(on_register: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The register by national curriculum year group, in order."""
    return [
        {"year_group": year, **counts} for year, counts in sorted(_split(on_register, "year_group").items())
    ]


# -- interventions ------------------------------------------------------------------------


def interventions_section(provision: list[dict[str, Any]]) -> dict[str, Any]:
    """Each intervention in place during the window, from the provision map's per-pupil rows
    grouped by intervention (the map's own totals, per intervention): sessions are counted
    per pupil, as the map counts them, so a session of a group of three is three."""
    by_intervention: dict[UUID, Totals] = defaultdict(Totals)
    first_row: dict[UUID, dict[str, Any]] = {}
    overall = Totals()
    for row in provision:
        by_intervention[row["intervention_id"]].add(row)
        first_row.setdefault(row["intervention_id"], row)
        overall.add(row)
    rows = []
    for intervention_id, totals in by_intervention.items():
        row, figures = first_row[intervention_id], totals.as_dict()
        rows.append(
            {
                "intervention_id": intervention_id,
                "name": row["intervention"],
                "programme": row["programme"],
                "area_of_need": row["area_of_need"],
                "starts_on": row["starts_on"],
                "ends_on": row["ends_on"],
                "pupils": figures["pupils"],
                "sessions_expected": figures["sessions_expected"],
                "sessions_delivered": figures["sessions_delivered"],
                "sessions_attended": figures["sessions_attended"],
                "delivered_percent": figures["delivered_percent"],
                "attended_percent": figures["attended_percent"],
                "cost_per_year": figures["cost_per_year"],
            }
        )
    rows.sort(key=lambda r: (r["name"], str(r["intervention_id"])))
    totals = overall.as_dict()
    del totals["rows"]
    return {"rows": rows, "totals": totals}


# -- impact -----------------------------------------------------------------------------------


def _pairs_in(conn: sa.Connection, setting_id: UUID, window: Window) -> list[Pair]:
    """The impact report's pairs (latest baseline, then latest exit) whose exit fell in the
    window: the progress the window showed. An intervention still running has no exit yet."""
    return impact_pairs(conn, setting_id, window)


def _intervention_names(conn: sa.Connection, setting_id: UUID) -> dict[UUID, tuple[str, str]]:
    rows = conn.execute(
        sa.select(interventions.c.intervention_id, interventions.c.name, interventions.c.area_of_need).where(
            interventions.c.setting_id == setting_id
        )
    )
    return {r.intervention_id: (r.name, r.area_of_need) for r in rows}


def _flagged(pairs: Iterable[Pair]) -> list[dict[str, Any]]:
    """The impact report's summary of each measure, each marked (``small_sample``) by its rule
    when too few pupils are behind it."""
    return measure_summaries(pairs)


def impact_section(pairs: list[Pair], names: dict[UUID, tuple[str, str]]) -> dict[str, Any]:
    """Per intervention and measure, then per area of need: the pupils (pairs) behind each
    figure, the mean change, ratio gain and effect size, as the impact report defines them."""
    by_intervention: dict[UUID, list[Pair]] = defaultdict(list)
    by_area: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_intervention[pair.intervention_id].append(pair)
        by_area[names[pair.intervention_id][1]].append(pair)
    return {
        "small_sample_below": SMALL_SAMPLE,
        "pupils": len({p.pupil_id for p in pairs}),
        "by_intervention": sorted(
            (
                {
                    "intervention_id": intervention_id,
                    "name": names[intervention_id][0],
                    "area_of_need": names[intervention_id][1],
                    "pupils": len({p.pupil_id for p in found}),
                    "measures": _flagged(found),
                }
                for intervention_id, found in by_intervention.items()
            ),
            key=lambda i: (i["area_of_need"], i["name"], str(i["intervention_id"])),
        ),
        "by_area": [
            {
                "area_of_need": area,
                "interventions": len({p.intervention_id for p in found}),
                "pupils": len({p.pupil_id for p in found}),
                "measures": _flagged(found),
            }
            for area, found in sorted(by_area.items())
        ],
    }


# -- monitoring of delivery ------------------------------------------------------------------


def observations_section(observed: list[dict[str, Any]]) -> dict[str, Any]:
    """Observations of delivery in the window (Core Standard Five descriptor 17: the setting monitors how well
    support is delivered and keeps a record): how many, the mean fidelity, and each one."""
    fidelities = [o["fidelity"] for o in observed]
    return {
        "count": len(observed),
        "mean_fidelity": round(fmean(fidelities), 2) if fidelities else None,
        "interventions_observed": len({o["intervention_id"] for o in observed}),
        "rows": [
            {
                "intervention_id": o["intervention_id"],
                "intervention": o["intervention"],
                "observed_on": o["observed_on"],
                "observer": o["observer"],
                "fidelity": o["fidelity"],
                "notes": o["notes"],
                "actions": o["actions"],
            }
            for o in observed
        ],
    }


@reads("provision_map")
def assigned_staff(conn: sa.Connection, intervention_ids: Iterable[UUID]) -> dict[UUID, dict[UUID, str]]:
    """intervention -> {staff id: name} of the staff assigned to it."""
    wanted = list(intervention_ids)
    found: dict[UUID, dict[UUID, str]] = {i: {} for i in wanted}
    if not wanted:
        return found
    rows = conn.execute(
        sa.select(assignments.c.intervention_id, staff.c.staff_id, staff.c.name)
        .join(staff, staff.c.staff_id == assignments.c.staff_id)
        .where(assignments.c.intervention_id.in_(wanted))
    )
    for r in rows:
        found[r.intervention_id][r.staff_id] = r.name
    return found


def training_section(
    conn: sa.Connection, setting_id: UUID, provision: list[dict[str, Any]], on: date
) -> dict[str, Any]:
    """Of the staff assigned to each intervention in place during the window, who is trained
    in its programme on the last day: the policies' own rule (``trained_staff``: completed and
    not expired, programmes matched by ``programme_key``). Counted per member of staff and
    intervention, since a TA can be trained for one programme they deliver and not another."""
    running = {r["intervention_id"]: (r["intervention"], r["programme"]) for r in provision}
    trained = trained_staff(conn, setting_id, on)
    assigned = assigned_staff(conn, running)
    rows, untrained = [], []
    for intervention_id, (name, programme) in sorted(running.items(), key=lambda i: (i[1], str(i[0]))):
        who = trained.get(programme_key(programme), {})
        staff_here = assigned[intervention_id]
        rows.append(
            {
                "intervention_id": intervention_id,
                "intervention": name,
                "programme": programme,
                "staff": len(staff_here),
                "trained": sum(staff_id in who for staff_id in staff_here),
            }
        )
        for staff_id, staff_name in sorted(staff_here.items(), key=lambda s: (s[1], str(s[0]))):
            if staff_id not in who:
                untrained.append(
                    {
                        "staff_id": staff_id,
                        "staff": staff_name,
                        "intervention_id": intervention_id,
                        "intervention": name,
                        "programme": programme,
                    }
                )
    places = sum(r["staff"] for r in rows)
    trained_places = sum(r["trained"] for r in rows)
    return {
        "trained_on": on,
        "staff": len({s for found in assigned.values() for s in found}),
        "assignments": places,
        "trained": trained_places,
        "coverage_percent": percent(trained_places, places),
        "by_intervention": rows,
        "untrained": untrained,
    }


# -- reviews -----------------------------------------------------------------------------------


def reviews_section(reviews: list[dict[str, Any]]) -> dict[str, Any]:
    """Support plan reviews held in the window, and how many recorded the pupil's views and
    the parents' (Code of Practice 6.65-6.71: reviews are held with the pupil and parents)."""
    held = len(reviews)
    return {
        "count": held,
        "pupils": len({r["pupil_id"] for r in reviews}),
        "pupil_views": _counted(sum(r["pupil_views_recorded"] for r in reviews), held),
        "parent_views": _counted(sum(r["parent_views_recorded"] for r in reviews), held),
    }


# -- the sample for an inspector ------------------------------------------------------------------


def _year(year_group: int) -> str:
    if year_group == 0:
        return "Reception"
    return "Nursery" if year_group < 0 else f"year {year_group}"


def _why(need: str | None, year_group: int, in_group: int, with_need: int) -> str:
    need_words = f"with {need}" if need else "with no primary need recorded"
    if in_group == 1:
        return f"the only pupil {need_words} in {_year(year_group)}"
    return f"one of {in_group} pupils {need_words} in {_year(year_group)} ({with_need} {need_words} in all)"


def sample_section(on_register: list[dict[str, Any]], size: int = SAMPLE_SIZE) -> list[dict[str, Any]]:
    """At most ``size`` pupils on the register for an inspector to sample, spread across
    primary needs and year groups, and the same every time for the same register.

    The pupils are grouped by (primary need, year group). The groups are visited in rounds:
    first each need's largest year group (needs in order of their size), then each need's
    next largest, and so on; each visit takes the group's next pupil by name. So the list
    reaches every need before a need's second year group, and every group before a second
    pupil of any group."""
    groups: dict[tuple[str | None, int], list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(on_register, key=lambda r: (r["family_name"], r["given_name"], str(r["pupil_id"]))):
        groups[(row["primary_need"], row["year_group"])].append(row)
    with_need = Counter(row["primary_need"] for row in on_register)
    chosen: list[dict[str, Any]] = []
    for turn in range(max(map(len, groups.values()), default=0)):
        for key in _visiting_order(groups, with_need):
            if len(chosen) == size:
                return chosen
            if turn < len(groups[key]):
                chosen.append(_sampled(groups[key][turn], len(groups[key]), with_need[key[0]]))
    return chosen


def _visiting_order(
    groups: dict[tuple[str | None, int], list[dict[str, Any]]], with_need: Counter[str | None]
) -> list[tuple[str | None, int]]:
    """The (need, year group) groups in the order a round visits them: each need's largest
    year group (the needs largest first), then each need's second largest, and so on."""
    by_need: dict[str | None, list[tuple[str | None, int]]] = defaultdict(list)
    for key in sorted(groups, key=lambda k: (-len(groups[k]), k[1])):
        by_need[key[0]].append(key)
    needs = sorted(by_need, key=lambda n: (-with_need[n], n or "~"))
    rounds = max(map(len, by_need.values()), default=0)
    return [by_need[n][i] for i in range(rounds) for n in needs if i < len(by_need[n])]


def _sampled(row: dict[str, Any], in_group: int, with_need: int) -> dict[str, Any]:
    return {
        "pupil_id": row["pupil_id"],
        "name": row["name"],
        "year_group": row["year_group"],
        "sen_status": row["sen_status"],
        "primary_need": row["primary_need"],
        "primary_need_area": row["primary_need_area"],
        "why": _why(row["primary_need"], row["year_group"], in_group, with_need),
    }
