"""An intervention's sessions as they happen: attendance, missed sessions,
a few corrections and voided sessions, and observations of delivery."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from apdr.aggregates.codes import Delivery, MissedReason
from apdr.demo.synthetic.agenda import AFTERNOON, _Agenda, _Run
from apdr.demo.synthetic.programmes import FOCUS, MARKS


class _Sessions(_Agenda):
    def _session(self, run: _Run, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        rng = self.rng
        enrolled = intervention.enrolled_on(day)
        if not enrolled:
            return
        if rng.random() < 0.07:
            intervention.record_missed_session(
                scheduled_on=day,
                reason=rng.choice(
                    [
                        MissedReason.staff_absence,
                        MissedReason.staff_redeployed,
                        MissedReason.school_event,
                        MissedReason.room_unavailable,
                    ]
                ),
                notes="",
                calendar=self.calendar,
                recorded_by=self.senco_email,
                today=day,
            )
            self.emit(intervention)
            return
        pupils = [p for p in run.pupils if p.id in enrolled]
        sittings = [[p] for p in pupils] if intervention.delivery is Delivery.individual else [pupils]
        staff_ids = intervention.staff_ids
        for sitting in sittings:
            attendance = []
            for pupil in sitting:
                draw = rng.random() - (0.35 if pupil.persistent_absence else 0.07)
                status = MARKS[0 if draw >= 0.07 else 2 if draw >= 0.03 else 3 if draw >= 0 else 1]
                attendance.append({"pupil_id": pupil.id, "status": status})
                pupil.marks += 1
            delivered_by = (
                rng.choice(staff_ids) if staff_ids and rng.random() < 0.92 else rng.choice(self.staff).id
            )
            session_id = self.new_id()
            intervention.record_session(
                session_id=session_id,
                delivered_on=day,
                minutes=intervention.schedule_on(day).minutes_per_session - rng.choice([0, 0, 0, 0, 5]),
                delivered_by=delivered_by,
                focus=rng.choice(FOCUS),
                notes="" if rng.random() < 0.8 else "Worked well; ready to move on",
                attendance=attendance,
                calendar=self.calendar,
                recorded_by=self.senco_email,
                today=day,
            )
            run.sessions.append(session_id)
            self.result.sessions += 1
            draw = rng.random()
            if draw < 0.004:
                self.at(day + timedelta(days=1), AFTERNOON, self._correct_session, run, session_id)
            elif draw < 0.006:
                self.at(day + timedelta(days=1), AFTERNOON, self._void_session, run, session_id)
        self.emit(intervention)

    def _correct_session(self, run: _Run, session_id: UUID) -> None:
        intervention = run.intervention
        session = intervention.sessions[session_id]
        if session["voided"]:
            return
        day = self.day
        minutes = session["details"][0]
        intervention.correct_session(
            session_id=session_id,
            changes={"minutes": minutes - 5 if minutes > 10 else minutes + 5},
            reason="Session cut short by a fire drill",
            calendar=self.calendar,
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)

    def _void_session(self, run: _Run, session_id: UUID) -> None:
        intervention = run.intervention
        if intervention.sessions[session_id]["voided"]:
            return
        intervention.void_session(
            session_id=session_id, reason="Recorded against the wrong group", recorded_by=self.senco_email
        )
        self.emit(intervention)

    def _observe(self, run: _Run, day: date) -> None:
        intervention = run.intervention
        if intervention.ended_on is not None:
            return
        rng = self.rng
        intervention.observe_delivery(
            observed_on=day,
            observer=f"{self.senco.name} (SENCO)",
            fidelity=rng.choices([1, 2, 3, 4], [5, 20, 45, 30])[0],
            notes="Resources ready; pace good",
            actions="Share the tracking sheet with class teachers",
            recorded_by=self.senco_email,
            today=day,
        )
        self.emit(intervention)
