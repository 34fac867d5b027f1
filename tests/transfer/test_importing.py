"""Importing through the service layer, on both databases: batches, the pupil directory's
UPNs read before a pupil was registered, and a hundred pupils and more."""

from __future__ import annotations

from datetime import date

from apdr.aggregates import Pupil
from apdr.application.imports import BATCH
from apdr.projections.pupils import pupils_by_upn
from apdr.runtime import Apdr
from apdr.transfer.csv_file import read_csv
from tests.support.history import History
from tests.support.school import upn

HEADER = "UPN,Legal forename,Legal surname,Date of birth,Admission date,Class,SEN provision,Primary need"


def _rows(upns: list[str], class_name: str = "4B") -> bytes:
    return "\n".join(
        [
            HEADER,
            *(f"{u},Pupil,Number {i},2017-03-14,2024-09-02,{class_name},K,SPLD" for i, u in enumerate(upns)),
        ]
    ).encode()


def test_given_more_pupils_than_a_batch_when_imported_then_every_one_is_registered_once(
    apdr: Apdr, history: History
) -> None:
    upns = [upn() for _ in range(BATCH * 2 + 7)]
    told = []

    outcome = apdr.record.import_pupils(
        history.senco,
        read_csv(_rows(upns)),
        today=history.today,
        source="CSV big.csv",
        known={},
        progress=lambda done, total: told.append((done, total)),
    )

    assert (outcome.pupils_added, outcome.problems) == (len(upns), [])
    assert told[-1] == (len(upns), len(upns)) and len(told) == 3
    assert set(apdr.read_models.ask(pupils_by_upn, history.setting_id)) == set(upns)


def test_given_a_pupil_registered_after_the_directory_was_read_when_imported_then_they_are_matched_not_doubled(
    apdr: Apdr, history: History
) -> None:
    # The directory's UPNs were read (none), then someone registered a pupil the file lists.
    already = upn()
    pupil_id = apdr.record.register_pupil(
        history.senco,
        today=history.today,
        upn=already,
        given_name="Pupil",
        family_name="Number 0",
        date_of_birth=date(2017, 3, 14),
        class_name="4B",
    )
    others = [upn() for _ in range(5)]

    outcome = apdr.record.import_pupils(
        history.senco,
        read_csv(_rows([already, *others], class_name="4C")),
        today=history.today,
        source="CSV late.csv",
        known={},
    )

    # The batch collided on the UPN's claim, and was applied again one pupil at a time.
    assert (outcome.pupils_added, outcome.pupils_updated, outcome.problems) == (5, 1, [])
    pupil: Pupil = apdr.record.repository.get(pupil_id)
    assert (pupil.class_name, pupil.sen_status.value, pupil.needs[1]["need_type"].value) == (
        "4C",
        "K",
        "SPLD",
    )


def test_given_a_name_with_a_control_character_when_imported_then_that_row_is_a_problem_and_not_recorded(
    apdr: Apdr, history: History
) -> None:
    clean, hidden = upn(), upn()
    data = f"{HEADER}\n{clean},Amira,Khan,2017-03-14,2024-09-02,4B,N,\n{hidden},Am\x00ira,Khan,2017-03-14,2024-09-02,4B,N,\n"

    outcome = apdr.record.import_file(history.senco, data.encode(), file_name="a.csv", today=history.today)

    assert outcome.pupils_added == 1
    assert [(p.row, p.field) for p in outcome.problems] == [(3, "given_name")]
    assert set(apdr.read_models.ask(pupils_by_upn, history.setting_id)) == {clean}
