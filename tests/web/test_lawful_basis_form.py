"""The form that decides a request for information offers the six UK GDPR Article 6(1) bases,
and a decision made with any of them is recorded (no browser: the form as served and posted)."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

import pytest

from apdr.aggregates.codes import LawfulBasis, RequesterKind
from apdr.projections.chronology.query import pupil_entries_of_kinds
from tests.support.school import upn
from tests.support.web import SENCO, Site

SIX = [b.value for b in LawfulBasis]


def _request(site: Site) -> tuple[UUID, str]:
    record, senco = site.apdr.record, site.senco
    pupil_id = record.register_pupil(
        senco,
        today=site.today,
        upn=upn(),
        given_name="Basis",
        family_name="Pupil",
        date_of_birth=date(2018, 3, 1),
        class_name="3A",
        admitted_on=date(2024, 9, 2),
    )
    request = record.receive_information_request(
        senco,
        pupil_id,
        today=site.today,
        requester="Anytown CAMHS",
        requester_kind=RequesterKind.health,
        reference="",
        received_on=site.today,
        asks_for="SEN support",
        purpose="Assessment",
    )
    return pupil_id, str(request.id)


@pytest.mark.parametrize("basis", SIX)
def test_given_a_request_when_the_senco_decides_it_with_a_basis_then_the_form_offers_it_and_records_it(
    site: Site, basis: str
) -> None:
    pupil_id, request_id = _request(site)
    senco = site.client(SENCO)

    form = senco.get(f"/requests/{request_id}/decide")
    offered = re.findall(
        r'<option value="([a-z_]+)"', form.text.split('name="lawful_basis"', 1)[1].split("</select>")[0]
    )
    posted = senco.post(
        f"/requests/{request_id}/decide",
        {
            "decision": "disclose_in_part",
            "reason": "What the assessment needs",
            "lawful_basis": basis,
            "special_category_condition": "Article 9(2)(h)",
            "sections": ["pupil", "needs"],
        },
    )

    assert offered == SIX
    assert posted.status_code == 303, posted.text
    (decided,) = site.apdr.read_models.ask(pupil_entries_of_kinds, pupil_id, ["information_request_decided"])
    assert (decided["data"]["decision"], decided["data"]["lawful_basis"]) == ("disclose_in_part", basis)
