"""Signing in to the pages: the session cookie, CSRF, the throttle, and where each role lands."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from apdr.api.throttle import sign_in_attempts
from tests.support.web import ADMIN, LEADER, SENCO, TA, Site, assert_accessible


def test_given_the_demo_school_when_a_newcomer_opens_the_site_then_the_sign_in_page_lists_its_users(
    page: Page, site: Site
) -> None:
    page.goto(f"{site.url}/")
    expect(page.get_by_role("heading", name="Sign in to apdr")).to_be_visible()
    demo = page.get_by_role("table", name="Demo accounts")
    for email in (SENCO, TA, LEADER, ADMIN):
        expect(demo).to_contain_text(email)
    expect(page.get_by_text("oakfield-demo")).to_be_visible()
    assert_accessible(page)


def test_when_a_password_is_wrong_then_the_page_says_so_and_keeps_the_email(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/")
    page.get_by_label("Email address").fill(SENCO)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("Email address")).to_have_value(SENCO)
    assert_accessible(page)


def test_given_each_role_when_it_signs_in_then_it_lands_on_its_own_start_page(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(TA)
    assert page.url == f"{site.url}/today"
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to apdr")).to_be_visible()
    page = sign_in(ADMIN)
    assert page.url == f"{site.url}/admin"


def test_the_session_cookie_is_http_only_and_same_site_strict(site: Site) -> None:
    client = site.client()
    client.get("/")
    response = client.post("/sign-in", {"email": SENCO, "password": "oakfield-demo"})
    assert response.status_code == 303
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    for name in ("apdr_session", "apdr_csrf"):
        assert "httponly" in cookies[name] and "samesite=strict" in cookies[name]
    assert "secure" not in cookies["apdr_session"]  # served over plain HTTP here; Secure over HTTPS


def test_given_no_csrf_token_when_a_form_is_posted_then_nothing_happens(site: Site) -> None:
    client = site.client()
    client.get("/")
    response = client.http.post("/sign-in", data={"email": SENCO, "password": "oakfield-demo"})
    assert response.status_code == 403
    assert "apdr_session" not in response.headers.get("set-cookie", "")
    response = client.http.post(
        "/sign-in", data={"email": SENCO, "password": "oakfield-demo", "csrf": "made-up"}
    )
    assert response.status_code == 403
    assert "expired" in response.text


def test_given_many_wrong_passwords_when_one_more_comes_then_it_waits_as_the_token_endpoint_does(
    site: Site,
) -> None:
    client = site.client()
    client.get("/")
    limit = site.apdr.settings.sign_in_failures_per_username
    statuses = [
        client.post("/sign-in", {"email": "teacher@oakfield.example", "password": f"wrong-{n}"}).status_code
        for n in range(limit + 1)
    ]
    assert statuses[:limit] == [401] * limit
    assert statuses[limit] == 429
    refused = client.post("/sign-in", {"email": "teacher@oakfield.example", "password": "oakfield-demo"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many tries" in refused.text
    with site.apdr.engine.begin() as conn:  # the module's other tests sign in from this address too
        conn.execute(sign_in_attempts.delete())


def test_a_page_asked_for_before_signing_in_comes_after_it(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/pupils")
    expect(page.get_by_role("heading", name="Sign in to apdr")).to_be_visible()
    page.get_by_label("Email address").fill(SENCO)
    page.get_by_label("Password").fill("oakfield-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/pupils")


def test_next_never_leads_to_another_site(site: Site) -> None:
    for elsewhere in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        client = site.client()  # a new sign-in: each makes a new CSRF token
        response = client.post("/sign-in", {"email": SENCO, "password": "oakfield-demo", "next": elsewhere})
        assert response.headers["location"] == "/desk"
