"""The provision map and the impact page: what the SENCO keeps and leaders read. Rows,
totals, CSV and figures are checked against the API's own query functions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import openpyxl
from playwright.sync_api import Page, expect

from apdr.aggregates.record_access import EXPORT
from apdr.evidence.sen_support import SMALL_SAMPLE
from apdr.projections import impact
from apdr.projections.audit import audit_entries
from apdr.projections.provision_map import Window, provision_rows
from apdr.sheets import csv_lines
from apdr.sheets.layouts import PROVISION_MAP
from apdr.sheets.workbook import MEDIA_TYPE
from tests.support.web import LEADER, SENCO, TA, TEACHER, Site, assert_accessible

START_OF_YEAR = date(2026, 9, 1)
EARLY = date(2026, 9, 10)  # before the interventions that start on 16 September


def api_rows(site: Site, first: date, last: date, pupil_id: Any = None) -> list[dict[str, Any]]:
    """The rows the API's GET /provision-map answers for the window."""
    calendar = site.apdr.record.calendar(site.setting_id, first, last)
    return list(
        site.apdr.read_models.stream(provision_rows, site.setting_id, Window(first, last), calendar, pupil_id)
    )


def api_csv(site: Site, first: date, last: date) -> str:
    return "".join(csv_lines(PROVISION_MAP, api_rows(site, first, last)))


def shown_rows(page: Page) -> list[str]:
    """Each row of the map as 'pupil | intervention'."""
    rows = page.locator("table.provision tbody tr")
    return [
        f"{r.locator('th').inner_text().splitlines()[0]} | {r.locator('td').nth(1).inner_text().splitlines()[0]}"
        for r in rows.all()
    ]


def as_shown(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['pupil_name']} | {r['intervention']}" for r in rows]


def test_given_the_demo_when_the_senco_changes_the_as_of_date_and_a_filter_then_the_rows_change(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(SENCO)
    page.get_by_role("link", name="Provision map").click()
    expect(page.get_by_role("heading", name="Provision map", level=1)).to_be_visible()
    whole_year = api_rows(site, START_OF_YEAR, site.today)
    assert shown_rows(page) == as_shown(whole_year)
    assert_accessible(page)

    page.get_by_label("As of").fill(EARLY.isoformat())
    page.get_by_role("button", name="Show the map").click()
    early = api_rows(site, START_OF_YEAR, EARLY)
    expect(page.locator("table.provision caption")).to_contain_text(f"{len(early)} rows")
    assert len(early) < len(whole_year)
    assert shown_rows(page) == as_shown(early)
    assert "Lego therapy" not in page.locator("table.provision").inner_text()

    page.get_by_label("Area of need").select_option(label="Social, emotional and mental health")
    page.get_by_role("button", name="Show the map").click()
    semh = [r for r in early if r["area_of_need"] == "semh"]
    assert semh and len(semh) < len(early)
    expect(page.locator("table.provision caption")).to_contain_text(f"{len(semh)} rows")
    assert shown_rows(page) == as_shown(semh)
    expect(page.get_by_label("As of")).to_have_value(EARLY.isoformat())
    pupils = len({r["pupil_id"] for r in semh})
    expect(page.locator(".totals")).to_contain_text(f"{pupils} pupils")

    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)


def test_when_the_senco_downloads_the_csv_then_it_is_the_apis_csv_for_the_same_window(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(SENCO)
    page.goto(f"{site.url}/provision-map?as_of={EARLY.isoformat()}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"provision-map-{EARLY.isoformat()}.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as f:
        text = f.read()
    assert text == api_csv(site, START_OF_YEAR, EARLY)
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == [c.title for c in PROVISION_MAP]
    assert len(text.strip().splitlines()) == 1 + len(api_rows(site, START_OF_YEAR, EARLY))


def test_a_filtered_csv_holds_the_rows_the_page_shows_and_its_export_is_audited(site: Site) -> None:
    whole_year = api_rows(site, START_OF_YEAR, site.today)
    area, year = whole_year[-1]["area_of_need"], whole_year[-1]["year_group"]
    expected = [r for r in whole_year if r["area_of_need"] == area and r["year_group"] == year]
    assert len(expected) < len(whole_year)
    client = site.client(SENCO)
    response = client.get(f"/provision-map.csv?area={area}&year_group={year}")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert expected and [(r["Name"], r["Intervention"]) for r in rows] == [
        (r["pupil_name"], r["intervention"]) for r in expected
    ]
    site.apdr.read_models.catch_up()
    trail, _ = site.apdr.read_models.ask(audit_entries, expected[0]["pupil_id"], limit=50, offset=0)
    assert any(e["kind"] == EXPORT and "provision map" in e["what"] and "(csv)" in e["what"] for e in trail)


def test_a_filtered_workbook_holds_the_rows_the_page_shows_typed_and_its_export_is_audited(
    site: Site,
) -> None:
    whole_year = api_rows(site, START_OF_YEAR, site.today)
    area = whole_year[0]["area_of_need"]
    expected = [r for r in whole_year if r["area_of_need"] == area]
    client = site.client(SENCO)

    response = client.get(f"/provision-map.xlsx?area={area}")

    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert header == [c.title for c in PROVISION_MAP]
    rows = list(sheet.iter_rows(min_row=4, max_row=3 + len(expected), values_only=True))
    assert [(r[0], r[1], r[header.index("Sessions delivered")]) for r in rows] == [
        (r["pupil_name"], r["upn"], r["sessions_delivered"]) for r in expected
    ]
    assert sheet.cell(4 + len(expected), 1).value is None  # then a blank row, and the totals
    site.apdr.read_models.catch_up()
    trail, _ = site.apdr.read_models.ask(audit_entries, expected[0]["pupil_id"], limit=50, offset=0)
    assert any(e["kind"] == EXPORT and "provision map" in e["what"] and "(xlsx)" in e["what"] for e in trail)


def test_given_one_pupil_when_the_map_is_filtered_to_them_then_only_their_rows_show(site: Site) -> None:
    whole_year = api_rows(site, START_OF_YEAR, site.today)
    pupil = whole_year[0]
    theirs = api_rows(site, START_OF_YEAR, site.today, pupil["pupil_id"])
    client = site.client(SENCO)
    response = client.get(f"/provision-map?pupil={pupil['pupil_id']}")
    assert response.status_code == 200
    assert f"{len(theirs)} row" in response.text
    others = {r["pupil_name"] for r in whole_year} - {pupil["pupil_name"]}
    table = response.text.split('<table class="provision">')[1]
    assert not any(f">{name}<" in table for name in others)


def test_when_a_date_is_mistyped_then_the_form_says_so_beside_the_field(site: Site) -> None:
    client = site.client(SENCO)
    response = client.get("/provision-map?as_of=2026-13-45&area=semh")
    assert response.status_code == 422
    assert 'id="f-as_of-error"' in response.text and "Enter a date, like 2026-11-23" in response.text
    assert 'aria-invalid="true"' in response.text
    response = client.get("/provision-map?as_of=2026-10-01&from=2026-11-01")
    assert response.status_code == 422
    assert 'id="f-from-error"' in response.text and "From must not be after the as-of date" in response.text
    for nonsense in ("pupil=not-a-pupil", "year_group=six", "area=everything", "intervention=42"):
        response = client.get(f"/provision-map?{nonsense}")
        assert response.status_code == 422, nonsense
        assert "There is a problem" in response.text
    assert client.get("/provision-map.csv?as_of=yesterday").status_code == 422


def test_another_settings_pupil_is_not_found_and_never_listed(site: Site) -> None:
    client = site.client(SENCO)
    assert client.get(f"/provision-map?pupil={site.other_pupil_id}").status_code == 404
    assert client.get(f"/provision-map.csv?pupil={site.other_pupil_id}").status_code == 404
    for path in ("/provision-map", "/provision-map.csv", "/impact"):
        response = client.get(path)
        assert response.status_code == 200
        assert site.other_pupil_name not in response.text


def test_given_a_leader_when_they_open_the_map_and_the_impact_then_they_read_without_forms_to_change(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(LEADER)
    for path, heading in (("/provision-map", "Provision map"), ("/impact", "Impact of interventions")):
        page.goto(f"{site.url}{path}")
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.locator("main form:not([method=get])")).to_have_count(0)
    page.goto(f"{site.url}/provision-map")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()


def test_a_teaching_assistant_is_refused_as_the_api_refuses_them(site: Site) -> None:
    client = site.client(TA)
    for path in ("/provision-map", "/provision-map.csv", "/impact"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You cannot do this" in response.text
    assert site.client(TEACHER).get("/provision-map").status_code == 200  # a reader, as in the API


def test_given_a_window_when_the_impact_page_is_asked_for_it_then_it_shows_the_apis_report_over_it(
    site: Site,
) -> None:
    client = site.client(SENCO)
    window = Window(START_OF_YEAR, site.today)
    report = site.apdr.read_models.ask(impact.impact_report, site.setting_id, site.today, window)
    assert report["interventions"]

    page = client.get("/impact", params={"from": window.first.isoformat(), "to": window.as_of.isoformat()})

    assert page.status_code == 200
    assert "from Tuesday 1 September 2026 to" in " ".join(page.text.split())
    for i in report["interventions"]:
        assert i["name"] in page.text
    assert "over the whole record" in " ".join(client.get("/impact").text.split())


def test_given_a_mistyped_or_reversed_window_when_the_impact_page_is_asked_for_it_then_the_field_says_why(
    site: Site,
) -> None:
    client = site.client(SENCO)
    mistyped = client.get("/impact", params={"from": "1st Sept"})
    assert mistyped.status_code == 200
    assert "Enter a date, like 2026-11-23" in mistyped.text and 'aria-invalid="true"' in mistyped.text
    reversed_ = client.get("/impact", params={"from": "2026-11-20", "to": "2026-11-02"})
    assert "From must not be after the to date" in reversed_.text


def test_the_impact_page_charts_each_effect_size_with_the_pupils_behind_it(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    report = site.apdr.read_models.ask(impact.impact_report, site.setting_id, site.today)
    measures = [(i["name"], m) for i in report["interventions"] for m in i["measures"]]
    assert measures
    page = sign_in(SENCO)
    page.get_by_role("link", name="Impact").click()
    chart = page.get_by_role("img", name="Effect size (Hedges' g) of each intervention on each measure")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Effect size (Hedges' g) with its 95% confidence interval")
    expect(table.locator("tbody tr")).to_have_count(len(measures))
    for n, (name, m) in enumerate(measures):
        row = table.locator("tbody tr").nth(n)
        expect(row.get_by_role("rowheader")).to_have_text(name)
        expect(row.locator("td").nth(1)).to_have_text(str(m["pairs"]))
        if m["effect_size"] is not None:
            expect(chart).to_contain_text(f"g = {m['effect_size']:g}")
            if m["effect_size_ci_low"] is not None:
                interval = f"{m['effect_size_ci_low']} to {m['effect_size_ci_high']}"
                expect(row.locator("td").nth(6)).to_have_text(interval)
        expect(chart).to_contain_text(f"n = {m['pairs']} pupil")
        if m["ratio_gain"] is not None:
            expect(row.locator("td").nth(7)).to_have_text(f"{m['ratio_gain']} ({m['ratio_gain_band']})")
        expect(row.locator("td").last).to_have_text("Small sample" if m["pairs"] < SMALL_SAMPLE else "—")
    assert any(m["pairs"] < SMALL_SAMPLE for _, m in measures)
    expect(chart).to_contain_text("(small sample)")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
