"""A UPN claim: one pupil per UPN in a setting, whatever the number of API workers."""

from __future__ import annotations

from uuid import uuid4

import pytest

from apdr.aggregates import UpnClaim
from apdr.errors import InvalidInput
from tests.support.aggregates import given, history, names, then

SETTING = uuid4()
UPN = "B801200005001"


def test_given_nothing_when_a_upn_is_claimed_then_claimed_under_an_id_from_setting_and_upn() -> None:
    pupil_id = uuid4()

    claim = UpnClaim(setting_id=SETTING, upn=UPN, pupil_id=pupil_id)

    (event,) = then(claim)
    assert isinstance(event, UpnClaim.Claimed) and event.pupil_id == pupil_id
    assert claim.id == UpnClaim.create_id(SETTING, UPN)
    assert UpnClaim.create_id(SETTING, UPN) != UpnClaim.create_id(uuid4(), UPN)


def test_given_a_claimed_upn_when_another_pupil_claims_it_then_it_is_refused_and_the_holder_may_again() -> (
    None
):
    holder = uuid4()
    claim = given(*then(UpnClaim(setting_id=SETTING, upn=UPN, pupil_id=holder)))

    with pytest.raises(InvalidInput) as raised:
        claim.claim(uuid4())
    claim.claim(holder)

    assert raised.value.field == "upn" and UPN in raised.value.message
    assert then(claim) == []


def test_given_a_released_upn_when_another_pupil_claims_it_then_reclaimed() -> None:
    first, second = uuid4(), uuid4()
    claim = given(*history(UpnClaim(setting_id=SETTING, upn=UPN, pupil_id=first), lambda c: c.release()))
    assert claim.pupil_id is None

    claim.claim(second)

    (event,) = then(claim)
    assert names([event]) == ["Reclaimed"] and claim.pupil_id == second
