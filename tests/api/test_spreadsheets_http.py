"""The reports as spreadsheets, downloaded over HTTP from the demo school on each database:
each CSV and XLSX holds what the JSON holds, a cell per column, typed in the workbook; codes
have their words beside them; and text a spreadsheet would turn into a time, a date or a
number ("1:3", a class "3-4") stays text."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from apdr.aggregates.record_access import EXPORT
from apdr.demo.school import DEMO_URN, load_demo_school
from apdr.runtime import Apdr
from apdr.sheets import Column, Kind
from apdr.sheets.layouts import IMPACT, PROVISION_MAP, REGISTER, impact_lines
from apdr.sheets.workbook import MEDIA_TYPE
from tests.support.database import KINDS, new_database
from tests.support.school import TODAY, School, http_to, new_school, school_at

EXPORTS = {
    # path, its rows in the JSON, its columns, its file's name
    "provision map": ("/provision-map", lambda body: body["rows"], PROVISION_MAP, "provision-map-2026-11-23"),
    "register": ("/register", lambda body: body["pupils"], REGISTER, "sen-register-2026-11-23"),
    "impact": ("/impact", lambda body: list(impact_lines(body)), IMPACT, "impact"),
}


@pytest.fixture(scope="module", params=KINDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    """The demo school, with a pupil in class "3-4" withdrawn from a "1:3" group run in room "0123"."""
    with new_database(request.param, tmp_path_factory.mktemp("db")) as settings:
        apdr = Apdr.open(settings)
        try:
            load_demo_school(apdr.record, as_of=TODAY)
            with http_to(apdr) as http:
                school = school_at(apdr, http, apdr.record.setting_by_urn(DEMO_URN).id, DEMO_URN)
                _risky_values(school)
                yield school
        finally:
            apdr.close()


def _risky_values(school: School) -> None:
    pupil = school.pupil(given_name="=HYPERLINK(1)", family_name="Sep 4", class_name="3-4")
    status = {"status": "K", "effective_on": "2026-09-20", "parents_notified_on": "2026-09-21"}
    assert school.senco.post(f"/pupils/{pupil}/sen-status", status).status_code == 201
    school.senco.create(
        f"/pupils/{pupil}/needs", {"need_type": "SPLD", "rank": 1, "identified_on": "2026-09-15"}
    )
    group = school.intervention([school.staff()], ratio="1:3", location="0123", name="10-12")
    school.enrol(group, pupil)
    withdrawal = {"withdrawn_on": "2026-10-05", "reason": "moved to another group"}
    assert (
        school.senco.post(f"/interventions/{group}/enrolments/{pupil}/withdrawal", withdrawal).status_code
        < 300
    )


def _download(school: School, path: str, format: str) -> httpx.Response:
    response = school.senco.get(path, params={"format": format})
    assert response.status_code == 200, response.text
    return response


def _sheet(response: httpx.Response) -> Any:
    """The one sheet of a downloaded workbook, as openpyxl reads it."""
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    return book.active


def _rows_where(sheet: Any, column: int, value: str) -> list[dict[str, Any]]:
    """The sheet's rows (under the header on row 3) whose ``column`` holds ``value``, by title."""
    header = [c.value for c in sheet[3]]
    found = sheet.iter_rows(min_row=4, values_only=True)
    return [dict(zip(header, r, strict=False)) for r in found if r[column] == value]


def expected(column: Column, row: Mapping[str, Any]) -> Any:
    """The cell a spreadsheet should show for the JSON's ``row``: dates as dates, sums of money
    and percentages as numbers (a percentage as a fraction in a workbook), the rest as written."""
    value = column.value(row)
    if value is None:
        return None
    if column.kind is Kind.money:
        return float(Decimal(value))
    if column.kind is Kind.percent:
        return pytest.approx(value / 100)
    if column.kind in (Kind.integer, Kind.number):
        return pytest.approx(value)
    return value


def as_read(cell: Any) -> Any:
    return cell.date() if isinstance(cell, datetime) else cell


@pytest.mark.parametrize("export", EXPORTS)
def test_given_the_demo_school_when_a_report_is_downloaded_as_xlsx_then_each_cell_is_the_jsons_typed(
    demo: School, export: str
) -> None:
    path, rows_of, columns, filename = EXPORTS[export]
    rows = rows_of(_download(demo, path, "json").json())

    response = _download(demo, path, "xlsx")

    assert response.headers["content-type"] == MEDIA_TYPE
    assert f'filename="{filename}.xlsx"' in response.headers["content-disposition"]
    sheet = _sheet(response)
    title = sheet["A1"].value
    assert "Oakfield Primary School" in title and "Made 23 November 2026" in title
    header = [c.value for c in sheet[3]]
    assert header == [c.title for c in columns] and all(c.font.b for c in sheet[3])
    assert sheet.freeze_panes == "B4"
    assert sheet.auto_filter.ref == f"A3:{sheet.cell(3, len(columns)).column_letter}{3 + len(rows)}"
    assert len(rows) > 5
    for n, row in enumerate(rows, start=4):
        cells = sheet[n]
        for column, cell in zip(columns, cells, strict=False):
            assert as_read(cell.value) == expected(column, row), (n, column.title, cell.value)
            if column.kind is Kind.text and cell.value is not None:
                assert cell.data_type == "s", (column.title, cell.value)
            if column.kind is Kind.money and cell.value is not None:
                assert cell.number_format == "£#,##0.00"
            if column.kind is Kind.date and cell.value is not None:
                assert cell.is_date


@pytest.mark.parametrize("export", EXPORTS)
def test_given_the_demo_school_when_a_report_is_downloaded_as_csv_then_each_cell_is_the_jsons(
    demo: School, export: str
) -> None:
    path, rows_of, columns, filename = EXPORTS[export]
    rows = rows_of(_download(demo, path, "json").json())

    response = _download(demo, path, "csv")

    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{filename}.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *lines = csv.reader(io.StringIO(response.text.removeprefix("\ufeff")))
    assert header == [c.title for c in columns]
    assert len(lines) == len(rows)
    for line, row in zip(lines, rows, strict=True):
        for column, cell in zip(columns, line, strict=True):
            assert unguarded(cell) == written(column, row), (column.title, cell)


def unguarded(cell: str) -> str:
    """A CSV cell as a spreadsheet shows it: ``="1:3"`` is the text 1:3."""
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1].replace('""', '"')
    return cell


def written(column: Column, row: Mapping[str, Any]) -> str:
    value = column.value(row)
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def test_given_a_ratio_a_class_and_a_room_that_look_like_numbers_when_the_map_is_a_csv_then_they_are_kept_as_text(
    demo: School,
) -> None:
    text = _download(demo, "/provision-map", "csv").text

    (line,) = [line for line in text.splitlines() if "Sep 4" in line]

    assert line.startswith('"=""=HYPERLINK(1) Sep 4""",')
    for cell in ('"=""3-4"""', '"=""1:3"""', '"=""0123"""', '"=""10-12"""'):
        assert cell in line


def test_given_the_pupil_withdrawn_from_a_group_when_the_map_is_a_workbook_then_their_row_reads_as_a_senco_wrote_it(
    demo: School,
) -> None:
    sheet = _sheet(_download(demo, "/provision-map", "xlsx"))

    (row,) = _rows_where(sheet, 5, "10-12")

    assert row["Name"] == "=HYPERLINK(1) Sep 4" and row["Class"] == "3-4" and row["Ratio"] == "1:3"
    assert (row["Area of need"], row["Area of need (code)"]) == (
        "Cognition and learning",
        "cognition_learning",
    )
    assert (row["Delivery"], row["Delivery (code)"]) == ("Small group", "small_group")
    assert (row["Location"], row["Days"]) == ("0123", "Mon, Wed, Fri")
    assert (row["Joined on"], row["Withdrawn on"]) == (datetime(2026, 9, 21), datetime(2026, 10, 5))
    assert row["Cost per pupil per year (£)"] == 1200.0
    assert row["UPN"][0].isalpha() and len(row["UPN"]) == 13


def test_given_a_pupil_on_sen_support_when_the_register_is_a_workbook_then_their_needs_are_in_words(
    demo: School,
) -> None:
    sheet = _sheet(_download(demo, "/register", "xlsx"))

    (row,) = _rows_where(sheet, 1, "Sep 4")

    assert (row["SEN provision"], row["SEN provision (code)"]) == ("SEN support", "K")
    assert (row["Primary need"], row["Primary need (code)"]) == ("Specific learning difficulty", "SPLD")
    assert row["Primary area of need"] == "Cognition and learning"
    assert (row["Since"], row["Parents notified"]) == (datetime(2026, 9, 20), datetime(2026, 9, 21))


def test_given_the_provision_map_when_read_then_each_row_has_the_upn_and_when_the_pupil_joined_and_was_withdrawn(
    demo: School,
) -> None:
    rows = _download(demo, "/provision-map", "json").json()["rows"]
    pupils = demo.senco.get("/pupils", params={"limit": 500}).json()["pupils"]
    upns = {p["id"]: p["upn"] for p in pupils}

    withdrawn = [r for r in rows if r["intervention"] == "10-12"]

    assert all(r["upn"] == upns[r["pupil_id"]] for r in rows)
    assert [(r["enrolled_on"], r["withdrawn_on"], r["left_on"]) for r in withdrawn] == [
        ("2026-09-21", "2026-10-05", "2026-10-05")
    ]
    assert all(r["withdrawn_on"] is None for r in rows if r["intervention"] != "10-12")


def test_given_the_map_as_xlsx_when_downloaded_then_its_export_is_audited_and_its_totals_are_the_jsons(
    demo: School,
) -> None:
    body = _download(demo, "/provision-map", "json").json()
    totals, someone = body["totals"], body["rows"][0]["pupil_id"]

    sheet = _sheet(_download(demo, "/provision-map", "xlsx"))

    found = {
        row[0]: row[1] for row in sheet.iter_rows(min_row=4 + totals["rows"], values_only=True) if row[0]
    }
    assert found["Pupils"] == totals["pupils"]
    assert found["Cost per year (£)"] == float(totals["cost_per_year"])
    assert found["Sessions delivered"] == totals["sessions_delivered"]
    assert found["Delivered of expected"] == pytest.approx(totals["delivered_percent"] / 100)
    trail = demo.senco.get("/audit", params={"pupil_id": someone}).json()["entries"]
    assert any(
        e["kind"] == EXPORT and e["what"].startswith("provision map") and "(xlsx)" in e["what"] for e in trail
    )


def test_given_the_sen_support_report_when_downloaded_as_xlsx_then_its_sections_hold_the_reports_figures(
    demo: School,
) -> None:
    report = demo.senco.get("/reports/sen-support").json()
    sections = report["sections"]

    response = demo.senco.get("/reports/sen-support", params={"format": "xlsx"})

    assert response.status_code == 200 and response.headers["content-type"] == MEDIA_TYPE
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert rows[0][0].startswith("SEN support report: Oakfield Primary School")

    def section(caption: str) -> list[tuple[Any, ...]]:
        """The rows under a caption's header, up to the blank row that ends them."""
        start = next(n for n, r in enumerate(rows) if r[0] == caption) + 2
        end = next((n for n in range(start, len(rows)) if all(v is None for v in rows[n])), len(rows))
        return rows[start:end]

    delivered = sections["interventions"]["rows"]
    assert [(r[0], r[6], r[8], r[12]) for r in section("Interventions: how much of them happened")] == [
        (i["name"], i["pupils"], i["sessions_delivered"], float(i["cost_per_year"])) for i in delivered
    ]
    assert len(delivered) > 3
    register = section("The register on 23 Nov 2026")
    assert register[1][:3] == (
        "SEN support",
        sections["register"]["sen_support"]["count"],
        pytest.approx(sections["register"]["sen_support"]["percent"] / 100),
    )
    reviews = {r[0]: r[1:3] for r in section("Plan reviews")}
    assert reviews["Plan reviews held"][0] == sections["reviews"]["count"]
    assert reviews["With the parents' views"] == (
        sections["reviews"]["parent_views"]["count"],
        pytest.approx(sections["reviews"]["parent_views"]["percent"] / 100),
    )
    totals = {
        r[0]: r[1] for r in rows if r[0] in ("Sessions delivered", "Observations", "Trained of assignments")
    }
    assert totals["Sessions delivered"] == sections["interventions"]["totals"]["sessions_delivered"]
    assert totals["Observations"] == sections["observations"]["count"]
    sample = section("Pupils an inspector might sample")
    assert [r[0] for r in sample] == [p["name"] for p in sections["sample"]]


def test_given_a_school_with_nothing_recorded_when_each_report_is_a_workbook_then_it_has_its_header_alone(
    demo: School,
) -> None:
    empty = new_school(demo.apdr, demo.http)
    for path, _, columns, _ in EXPORTS.values():
        sheet = _sheet(_download(empty, path, "xlsx"))
        assert [c.value for c in sheet[3]] == [c.title for c in columns]
        assert sheet["A4"].value is None
        assert _download(empty, path, "csv").text.count("\r\n") == 1
    assert _download(empty, "/reports/sen-support", "xlsx").status_code == 200


def test_given_a_format_no_report_has_when_asked_for_then_a_422_names_the_field(demo: School) -> None:
    for path in ("/provision-map", "/register", "/impact", "/reports/sen-support"):
        response = demo.senco.get(path, params={"format": "ods"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "format"


# -- opened in a real spreadsheet ----------------------------------------------------------------

# LibreOffice's CSV import as Excel opens a CSV: UTF-8, comma-separated, English (UK), and
# "detect special numbers" on, which reads "1:3" as a time and "3-4" as a date. (Filter options:
# separator, text delimiter, character set, first line, column formats, language, quoted field
# as text, detect special numbers.)
EXCEL_LIKE = "CSV:44,34,76,1,,2057,false,true"


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        reason = "LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("APDR_REQUIRE_LIBREOFFICE"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def test_given_each_csv_when_libreoffice_calc_opens_it_then_every_cell_is_as_the_json_has_it(
    demo: School, soffice: str, tmp_path: Path
) -> None:
    files = {}
    for export, (path, rows_of, columns, filename) in EXPORTS.items():
        (tmp_path / f"{filename}.csv").write_bytes(_download(demo, path, "csv").content)
        files[export] = rows_of(_download(demo, path, "json").json()), columns, filename

    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            f"--infilter={EXCEL_LIKE}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "out"),
            *(str(tmp_path / f"{filename}.csv") for _, _, filename in files.values()),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    for export, (rows, columns, filename) in files.items():
        sheet = openpyxl.load_workbook(tmp_path / "out" / f"{filename}.xlsx", data_only=True).active
        assert [c.value for c in sheet[1]] == [c.title for c in columns], export
        assert sheet.max_row == len(rows) + 1
        for n, row in enumerate(rows, start=2):
            for column, cell in zip(columns, sheet[n], strict=False):
                assert as_read(cell.value) == as_opened(column, row), (export, n, column.title, cell.value)


def as_opened(column: Column, row: Mapping[str, Any]) -> Any:
    """The JSON's value as a spreadsheet should read it from the CSV: text as text, numbers,
    sums of money and percentages (0 to 100) as numbers, dates as dates."""
    value = column.value(row)
    if value is None:
        return None
    if column.kind is Kind.text:
        return str(value)
    if column.kind is Kind.date:
        return value
    return pytest.approx(float(value))
