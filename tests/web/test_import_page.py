"""The SENCO's page for pupils from the MIS: a file checked, then imported; a file that
cannot be read told beside the file; and in a real browser, with axe-core."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from apdr.projections.pupils import find_pupils
from tests.support.ctf import CtfPupil, ctf
from tests.support.school import upn
from tests.support.web import SENCO, TEACHER, Site, assert_accessible

HEADER = "UPN,Legal forename,Legal surname,Date of birth,Admission date,Class,SEN provision,Primary need"


def _found(site: Site, search: str) -> list[dict[str, object]]:
    rows, _ = site.apdr.read_models.ask(find_pupils, site.setting_id, search=search)
    return rows


def test_given_a_csv_when_the_senco_checks_it_then_imports_it_then_the_page_says_what_each_did(
    site: Site,
) -> None:
    good, bad = upn(la="937"), upn(la="937")
    bad = ("B" if bad[0] == "A" else "A") + bad[1:]
    data = f"{HEADER}\n{good},Iris,Import-Page,2017-03-14,2024-09-02,4B,K,SPLD\n{bad},Ivo,Import-Page,2017-05-01,2024-09-02,4B,N,\n"
    client = site.client(SENCO)
    client.get("/pupils/import")
    before = site.apdr.record.recorder.max_notification_id()

    checked = client.post(
        "/pupils/import", {"action": "check"}, files={"file": ("autumn.csv", data.encode(), "text/csv")}
    )

    assert checked.status_code == 200, checked.text
    assert "What importing autumn.csv would do" in checked.text
    assert "1 pupil would be added" in " ".join(checked.text.split())
    assert "row 3" in checked.text and "check letter" in checked.text
    assert site.apdr.record.recorder.max_notification_id() == before

    imported = client.post(
        "/pupils/import", {"action": "import"}, files={"file": ("autumn.csv", data.encode(), "text/csv")}
    )

    assert imported.status_code == 200
    assert "autumn.csv is imported" in imported.text
    site.apdr.read_models.catch_up()
    assert [(p["upn"], p["sen_status"], p["primary_need"]) for p in _found(site, "Import-Page")] == [
        (good, "K", "SPLD")
    ]


def test_given_a_file_that_is_no_pupil_list_when_imported_then_the_error_is_beside_the_file(
    site: Site,
) -> None:
    client = site.client(SENCO)
    client.get("/pupils/import")

    response = client.post(
        "/pupils/import",
        {"action": "import"},
        files={"file": ("notes.csv", b"Name,Notes\nA,B\n", "text/csv")},
    )

    assert response.status_code == 422
    assert 'id="f-file-error"' in response.text and "Legal surname" in response.text
    assert client.post("/pupils/import", {"action": "import"}).status_code == 422  # no file chosen


def test_given_a_teacher_when_they_open_the_import_page_then_it_is_refused(site: Site) -> None:
    assert site.client(TEACHER).get("/pupils/import").status_code == 403


def test_a_senco_imports_a_ctf_in_a_browser(
    sign_in: Callable[[str], Page], site: Site, tmp_path: object
) -> None:
    pupil = CtfPupil(
        upn(la="936"), "Wren", "Browser-Import", sen=[("K", "2025-09-08", None)], needs=[(1, "SLCN")]
    )
    page = sign_in(SENCO)
    page.goto(f"{site.url}/pupils")
    page.get_by_role("link", name="import pupils from your MIS").click()
    expect(page.get_by_role("heading", name="Import pupils from your MIS")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("The file").set_input_files(
        files=[{"name": "8012000_CTF_8012001_001.xml", "mimeType": "application/xml", "buffer": ctf([pupil])}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("1 pupil would be added")
    assert_accessible(page)
    page.get_by_label("The file").set_input_files(
        files=[{"name": "8012000_CTF_8012001_001.xml", "mimeType": "application/xml", "buffer": ctf([pupil])}]
    )
    page.get_by_role("button", name="Import the pupils").click()

    expect(page.get_by_role("status")).to_contain_text("1 pupil added")
    site.apdr.read_models.catch_up()
    assert [(p["sen_status"], p["primary_need"]) for p in _found(site, "Browser-Import")] == [("K", "SLCN")]


def test_given_a_pupil_when_the_senco_downloads_their_ctf_then_it_is_their_record_and_a_disclosure(
    site: Site,
) -> None:
    client = site.client(SENCO)
    leaver = CtfPupil(
        upn(la="935"), "Leaf", "Leaver-Page", sen=[("K", "2025-09-08", None)], needs=[(1, "MLD")]
    )
    site.apdr.record.import_file(site.senco, ctf([leaver]), file_name="leaver.xml", today=site.today)
    pupil_id = _found(site, "Leaver-Page")[0]["pupil_id"]
    page = client.get(f"/pupils/{pupil_id}")
    assert f'href="/pupils/{pupil_id}/ctf.xml"' in page.text

    response = client.get(f"/pupils/{pupil_id}/ctf.xml")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert (
        b"<SENprovision>K</SENprovision>" in response.content
        and b"<SENtype>MLD</SENtype>" in response.content
    )
    assert "Leaver-Page" in response.text
    assert site.client(TEACHER).get(f"/pupils/{pupil_id}/ctf.xml").status_code == 403
    audit = client.get(f"/pupils/{pupil_id}")
    assert "common transfer file" in audit.text
