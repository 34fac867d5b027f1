"""The desk shows what the school census would reject in the register, in a SENCO's words,
and stops showing it once the record is put right (no browser: the page as served)."""

from __future__ import annotations

import html
import itertools
from datetime import date, timedelta

from apdr.aggregates.codes import NeedType, SenProvision
from tests.support.school import upn
from tests.support.web import SENCO, Site

_names = itertools.count(1)


def _census_section(site: Site) -> str:
    response = site.client(SENCO).get("/desk")
    assert response.status_code == 200
    return html.unescape(response.text.split('id="census"', 1)[1].split("</section>", 1)[0])


def test_given_a_pupil_put_on_sen_support_with_no_need_when_the_need_is_recorded_then_the_desk_clears_it(
    site: Site,
) -> None:
    record, senco = site.apdr.record, site.senco
    family = f"Census{next(_names)}"
    pupil_id = record.register_pupil(
        senco,
        today=site.today,
        upn=upn(),
        given_name="Noneed",
        family_name=family,
        date_of_birth=date(2018, 3, 1),
        class_name="3A",
        admitted_on=date(2024, 9, 2),
    )
    record.change_sen_status(
        senco,
        pupil_id,
        today=site.today,
        status=SenProvision.sen_support,
        effective_on=site.today - timedelta(days=3),
        parents_notified_on=site.today - timedelta(days=3),
        reason="Needs support additional to high-quality teaching",
    )

    before = _census_section(site)
    record.identify_need(
        senco,
        pupil_id,
        today=site.today,
        need_type=NeedType.SPLD,
        rank=1,
        identified_on=site.today,
        description="Dyslexic profile",
    )
    after = _census_section(site)

    assert f"Noneed {family}</a>" in before
    assert "On SEN support (K) with no primary need recorded. Record the primary need (rank 1)" in before
    assert f"Noneed {family}</a>" not in after
