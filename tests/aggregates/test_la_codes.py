"""Census rule 1530: characters 2-4 of a UPN must be an LA code the census accepts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.la_codes import LA_CODES
from apdr.aggregates.upn import check_letter, unrecognised_la_code, upn_problem


def _upn(la: str, rest: str = "200026001") -> str:
    return check_letter(la + rest) + la + rest


def test_given_the_rules_list_then_it_holds_each_range_and_nothing_between() -> None:
    assert len(LA_CODES) == 193
    assert {
        "001",
        "005",
        "201",
        "213",
        "420",
        "660",
        "681",
        "708",
        "801",
        "838",
        "839",
        "938",
        "940",
        "941",
    } <= (LA_CODES)
    assert not {"000", "006", "200", "214", "804", "814", "939", "942", "943", "999"} & LA_CODES


def test_given_a_valid_upn_with_an_unknown_la_number_then_it_is_a_valid_upn_flagged_for_the_census() -> None:
    upn = _upn("999")

    assert upn_problem(upn) is None  # registration accepts it
    assert unrecognised_la_code(upn) == "999"
    assert unrecognised_la_code(_upn("801")) is None


@given(st.sampled_from(sorted(LA_CODES)), st.integers(0, 999_999_999))
def test_given_any_upn_under_a_recognised_la_then_rule_1530_passes(la: str, rest: int) -> None:
    assert unrecognised_la_code(_upn(la, f"{rest:09d}")) is None


@given(st.integers(0, 999).map(lambda n: f"{n:03d}").filter(lambda code: code not in LA_CODES))
def test_given_any_upn_under_an_unrecognised_number_then_rule_1530_names_it(la: str) -> None:
    assert unrecognised_la_code(_upn(la)) == la
