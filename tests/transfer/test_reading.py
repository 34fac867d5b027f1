"""Reading the files an MIS exports: CSVs as report writers make them, CTFs as the
specification lays them out, and dates as both write them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apdr.aggregates.codes import NeedType, SenProvision
from apdr.transfer import read_pupil_file
from apdr.transfer.csv_file import read_csv
from apdr.transfer.ctf import MOST_ELEMENTS_HELD, read_ctf
from apdr.transfer.records import NotAPupilFile, SenPeriod, parse_day
from tests.support.ctf import CtfPupil, ctf
from tests.support.school import upn

HEADER = "UPN,Legal Forename,Legal Surname,Date of Birth,Admission Date,Class"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_given_any_date_when_written_as_iso_or_day_first_then_it_reads_back(day: date) -> None:
    assert parse_day(day.isoformat()) == day
    assert parse_day(f"{day:%d/%m/%Y}") == day
    assert parse_day(f"{day.isoformat()}T09:15:00") == day  # a CTF's DateTime


@pytest.mark.parametrize(
    "text", ["31/02/2015", "2015-13-01", "14.03.2017", "03/14/2017", "yesterday", "14/3/17"]
)
def test_given_text_that_is_no_date_when_read_then_it_is_none(text: str) -> None:
    assert parse_day(text) is None


def test_given_headers_spelt_as_mis_exports_spell_them_when_read_then_each_column_is_found() -> None:
    pupil = upn()
    data = f"upn , LEGAL_FORENAME,legal-surname,DOB,admission date,Reg Group,SEN Status,primary need\n{pupil},Zoë,O'Neil,14/03/2017,02/09/2024,4B,k,spld\n"

    file = read_csv(data.encode("cp1252"))  # Excel on Windows

    (read,) = file.pupils
    assert (read.upn, read.given_name, read.family_name, read.class_name) == (pupil, "Zoë", "O'Neil", "4B")
    assert (read.date_of_birth, read.admitted_on) == (date(2017, 3, 14), date(2024, 9, 2))
    assert (read.sen, read.needs) == ((SenPeriod(SenProvision.sen_support, None),), (NeedType.SPLD,))


def test_given_a_csv_without_sen_columns_when_read_then_it_says_nothing_of_sen() -> None:
    file = read_csv(f"{HEADER}\n{upn()},Amira,Khan,2017-03-14,2024-09-02,4B\n\n,,,,,\n".encode())

    (read,) = file.pupils  # blank lines, as spreadsheets leave them, are not pupils
    assert (read.sen, read.needs) == (None, None)


def test_given_a_row_with_several_mistakes_when_read_then_each_is_told_with_its_field() -> None:
    file = read_csv(
        f"{HEADER},SEN provision,Primary need\nA801200026001,,Khan,31/02/2015,,4B,S,XYZ\n".encode()
    )

    assert file.pupils == []
    assert [(p.row, p.field) for p in file.problems] == [
        (2, "upn"),
        (2, "given_name"),
        (2, "date_of_birth"),
        (2, "admitted_on"),
        (2, "sen_provision"),
        (2, "primary_need"),
    ]
    assert "should be" in file.problems[0].problem  # the check letter that would be right


def test_given_one_upn_on_two_rows_when_read_then_both_rows_are_left_out() -> None:
    pupil, other = upn(), upn()
    rows = [f"{pupil},Amira,Khan,2017-03-14,2024-09-02,4B", f"{other},Ben,Adams,2016-10-02,2024-09-02,5C"]
    file = read_csv("\n".join([HEADER, rows[0], rows[1], rows[0]]).encode())

    assert [p.upn for p in file.pupils] == [other]
    assert [(p.row, p.field) for p in file.problems] == [(2, "upn"), (4, "upn")]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"UPN,Forename\nB801200005001,Amira\n", "'Legal surname'"),
        (b"PK\x03\x04rest of a workbook", "save it from the spreadsheet as CSV"),
    ],
)
def test_given_a_file_that_is_no_pupil_list_when_read_then_it_is_one_problem_naming_the_file(
    data: bytes, says: str
) -> None:
    with pytest.raises(NotAPupilFile) as refused:
        read_pupil_file(data, urn="100001")
    assert refused.value.field == "file"
    assert says in refused.value.message


def test_given_a_ctf_when_read_then_the_admission_date_is_the_entry_to_this_school() -> None:
    ours, theirs = upn(), upn()
    file = read_ctf(
        ctf(
            [
                CtfPupil(
                    ours, schools=[("100999", "2019-09-02", "2021-07-20"), ("100001", "2021-09-06", None)]
                ),
                CtfPupil(theirs, schools=[("100999", "2019-09-02", None)]),
            ],
            source_urn="100999",  # from another school
        ),
        urn="100001",
    )

    assert {p.upn: p.admitted_on for p in file.pupils} == {ours: date(2021, 9, 6), theirs: None}
    assert file.made_on == date(2026, 11, 20)


def test_given_a_ctf_with_a_namespace_and_no_sen_history_when_read_then_the_pupil_is_read_and_sen_is_untouched() -> (
    None
):
    data = ctf([CtfPupil(upn(), nc_year="R")]).replace(b"<CTfile>", b'<CTfile xmlns="urn:example:ctf">')

    (read,) = read_ctf(data, urn="100001").pupils

    assert (read.sen, read.needs, read.class_name, read.joins_class) == (None, None, None, "Reception")


def test_given_a_ctf_with_a_secondary_need_alone_when_read_then_the_pupil_is_a_problem() -> None:
    pupil = upn()
    file = read_ctf(
        ctf([CtfPupil(pupil, sen=[("K", "2025-01-06", None)], needs=[(2, "SPLD")])]), urn="100001"
    )

    assert file.pupils == []
    assert [(p.upn, p.field) for p in file.problems] == [(pupil, "rank")]


@pytest.mark.parametrize("text", ["2016-03-14garbage", "2016-03-1499", "20160314", "2016-W11-1"])
def test_given_iso_lookalikes_when_read_then_they_are_no_date(text: str) -> None:
    assert parse_day(text) is None


def test_given_a_date_outside_any_pupils_record_when_read_then_it_is_a_problem() -> None:
    file = read_csv(f"{HEADER}\n{upn()},Amira,Khan,2017-03-14,9999-12-31,4B\n".encode())

    assert [(p.field, p.problem) for p in file.problems] == [
        ("admitted_on", "the admission date '9999-12-31' is not a date of a pupil's record: check the year")
    ]


def test_given_one_upn_on_two_rows_one_with_a_problem_when_read_then_neither_is_read() -> None:
    pupil = upn()
    file = read_csv(
        f"{HEADER}\n{pupil},Amira,Khan,14/13/2017,2024-09-02,4B\n{pupil},Ben,Adams,2016-10-02,2024-09-02,5C\n".encode()
    )

    assert file.pupils == []
    assert sorted((p.row, p.field) for p in file.problems) == [(2, "date_of_birth"), (2, "upn"), (3, "upn")]


def test_given_a_blank_sen_provision_when_read_then_the_row_says_nothing_of_sen_or_needs() -> None:
    file = read_csv(
        f"{HEADER},SEN provision,Primary need\n{upn()},Amira,Khan,2017-03-14,2024-09-02,4B,,SPLD\n".encode()
    )

    (read,) = file.pupils
    assert (read.sen, read.needs) == (None, None)


@pytest.mark.parametrize(
    ("header", "says"),
    [
        (f"{HEADER},Surname", "two columns for Legal surname"),
        (f"{HEADER},Secondary need", "'Primary need'"),
        (f"{HEADER},SEN start date", "'SEN provision'"),
    ],
)
def test_given_columns_that_cannot_be_read_as_one_when_read_then_the_file_is_refused(
    header: str, says: str
) -> None:
    with pytest.raises(NotAPupilFile) as refused:
        read_csv(f"{header}\n".encode())
    assert says in refused.value.message


def test_given_a_utf16_csv_when_read_then_it_is_read() -> None:
    pupil = upn()
    (read,) = read_csv(f"{HEADER}\n{pupil},Zoë,Khan,2017-03-14,2024-09-02,4B\n".encode("utf-16")).pupils

    assert (read.upn, read.given_name) == (pupil, "Zoë")


def test_given_a_ctf_with_unreadable_parts_when_read_then_each_is_a_problem_of_its_pupil() -> None:
    overlapping, two_primaries, bad_entry = upn(), upn(), upn()
    file = read_ctf(
        ctf(
            [
                CtfPupil(overlapping, sen=[("K", "2020-01-06", "2022-07-20"), ("E", "2021-01-04", None)]),
                CtfPupil(two_primaries, sen=[("K", "2025-01-06", None)], needs=[(1, "SPLD"), (1, "MLD")]),
                CtfPupil(bad_entry, schools=[("100001", "14th Sept 2021", None)]),
            ]
        ),
        urn="100001",
    )

    assert file.pupils == []
    assert [(p.upn, p.field) for p in file.problems] == [
        (overlapping, "sen_start_date"),
        (two_primaries, "rank"),
        (bad_entry, "admitted_on"),
    ]


@pytest.mark.parametrize("encoding", ["rot13", "klingon", "utf-16"])
def test_given_xml_in_an_encoding_it_is_not_in_when_read_then_the_file_is_refused(encoding: str) -> None:
    data = f'<?xml version="1.0" encoding="{encoding}"?><CTfile><CTFpupilData/></CTfile>'.encode()

    with pytest.raises(NotAPupilFile) as refused:
        read_ctf(data, urn="100001")
    assert "encoding" in refused.value.message or "well-formed" in refused.value.message


def test_given_xml_with_more_elements_than_any_ctf_when_read_then_it_is_refused_before_it_is_all_held() -> (
    None
):
    data = (
        b"<CTfile><CTFpupilData><Pupil>"
        + b"<b/>" * (MOST_ELEMENTS_HELD + 1)
        + b"</Pupil></CTFpupilData></CTfile>"
    )

    with pytest.raises(NotAPupilFile) as refused:
        read_ctf(data, urn="100001")
    assert "elements" in refused.value.message


def test_given_a_ctf_saved_as_utf16_when_read_then_it_is_read_as_a_ctf() -> None:
    pupil = upn()
    data = ctf([CtfPupil(pupil)]).decode().replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")

    (read,) = read_pupil_file(data, urn="100001").pupils

    assert read.upn == pupil
