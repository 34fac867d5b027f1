"""The graduated approach in a real browser: a SENCO registers a pupil, records a need,
writes a plan with two outcomes and holds its review; plans an intervention and enrols
pupils. Every form page is checked by axe-core, at tablet size and once at phone size."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from uuid import UUID

from playwright.sync_api import Page, expect

from apdr.aggregates.codes import Decision, NeedType, Rating, Role
from apdr.application import Actor
from tests.support.school import upn
from tests.support.web import SENCO, Site, assert_accessible

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


def senco(site: Site) -> Actor:
    return Actor(SENCO, Role.senco, site.setting_id)


def pupil_id_in(page: Page) -> UUID:
    page.wait_for_url(re.compile(r"/pupils/[0-9a-f-]{36}$"))
    return UUID(page.url.rsplit("/", 1)[1])


def test_a_senco_registers_a_pupil_writes_a_plan_with_two_outcomes_and_reviews_it(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(SENCO)
    page.set_viewport_size(TABLET)

    page.goto(f"{site.url}/pupils/new")
    assert_accessible(page)
    page.get_by_label("Unique pupil number (UPN)").fill(upn(la="939"))
    page.get_by_label("Given name").fill("Rosa")
    page.get_by_label("Family name").fill("Journey")
    page.get_by_label("Date of birth").fill("2017-06-30")
    page.get_by_label("Class").fill("4B")
    page.get_by_role("button", name="Register the pupil").click()
    pupil_id = pupil_id_in(page)

    page.goto(f"{site.url}/pupils/{pupil_id}/needs/new")
    expect(page.get_by_role("heading", name="Record a need")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type of need").select_option("SPLD")
    page.get_by_label("Identified on").fill("2026-11-02")
    page.get_by_role("button", name="Record the need").click()
    pupil_id_in(page)

    page.goto(f"{site.url}/pupils/{pupil_id}/plans/new")
    assert_accessible(page)
    page.get_by_label("Review due on").fill("2027-02-12")
    for n, (aim, measure, target) in enumerate(
        [
            ("Reads 100 high-frequency words", "words read correctly in one minute", "100"),
            ("Writes a sentence with a capital letter and a full stop", "sentences in a week's writing", "5"),
        ],
        start=1,
    ):
        outcome = page.get_by_role("group", name=f"Outcome {n}")
        outcome.get_by_label("What the pupil will achieve").fill(aim)
        outcome.get_by_label("How it is measured").fill(measure)
        outcome.get_by_label("Target").fill(target)
    page.get_by_label("Expected impact on progress").fill("Reads class texts with fewer prompts")
    page.get_by_role("button", name="Save the plan").click()
    pupil_id_in(page)

    pupil = site.apdr.record.pupil(senco(site), pupil_id)
    assert [n["need_type"] for n in pupil.needs.values()] == [NeedType.SPLD]
    plan_id = pupil.current_plan_id
    assert plan_id is not None

    page.goto(f"{site.url}/plans/{plan_id}/review")
    expect(page.get_by_text("Reads 100 high-frequency words")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size(TABLET)
    page.get_by_role("group", name="How far was outcome 1 met?").get_by_label("Partly met").check()
    page.get_by_role("group", name="How far was outcome 2 met?").get_by_label("Met", exact=True).check()
    page.get_by_label("Evidence for outcome 1").fill("Reads 72 words a minute")
    page.get_by_label("What have we tried?").fill("Daily precision teaching, 10 minutes")
    page.get_by_label("What have we learned?").fill("Short daily practice works best")
    page.get_by_label("What are we pleased about?").fill("Rosa reads to her sister at home")
    page.get_by_label("What are we concerned about?").fill("Spelling has not moved")
    page.get_by_role("group", name="Decision").get_by_label("Continue").check()
    page.get_by_label("Next review due on").fill("2027-03-19")
    page.get_by_role("button", name="Record the review").click()
    pupil_id_in(page)

    plan = site.apdr.record.plan(senco(site), plan_id)
    [review] = plan.reviews
    assert [r["rating"] for r in review["outcomes"]] == [Rating.partly_met, Rating.met]
    assert review["outcomes"][0]["evidence"] == "Reads 72 words a minute"
    assert (review["tried"], review["concerned"]) == (
        "Daily precision teaching, 10 minutes",
        "Spelling has not moved",
    )
    assert review["decision"] is Decision.continue_
    assert review["next_review_due_on"] == date(2027, 3, 19)


def test_given_a_mistake_on_the_plan_form_then_the_browser_shows_it_beside_the_field_and_focuses_the_summary(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    pupil_id = site.apdr.record.register_pupil(
        senco(site),
        today=site.today,
        upn=upn(la="939"),
        given_name="Tom",
        family_name="Mistake",
        date_of_birth=date(2018, 2, 1),
        class_name="3C",
    )
    page = sign_in(SENCO)
    page.set_viewport_size(PHONE)
    page.goto(f"{site.url}/pupils/{pupil_id}/plans/new")
    page.get_by_role("button", name="Add another outcome").click()
    expect(page.get_by_role("group", name="Outcome 4")).to_be_visible()
    page.get_by_label("Review due on").fill("2027-02-12")
    outcome = page.get_by_role("group", name="Outcome 1")
    outcome.get_by_label("What the pupil will achieve").fill("Counts to 100")
    outcome.get_by_label("How it is measured").fill("counting aloud")
    page.get_by_label("Expected impact on progress").fill("Counts confidently")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#f-outcomes-0-target-error")).to_have_text(re.compile("Fill this in"))
    expect(outcome.get_by_label("How it is measured")).to_have_value("counting aloud")
    assert_accessible(page)
    assert site.apdr.record.pupil(senco(site), pupil_id).plan_ids == []


def test_a_senco_plans_an_intervention_and_enrols_two_pupils_from_the_register(
    sign_in: Callable[[str], Page], site: Site
) -> None:
    page = sign_in(SENCO)
    page.set_viewport_size(TABLET)
    page.goto(f"{site.url}/interventions")
    assert_accessible(page)
    page.get_by_role("link", name="Plan an intervention").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Journey: number sense")
    page.get_by_label("Area of need").select_option(label="Cognition and learning")
    page.get_by_label("Aim").fill("Secure number bonds to 10")
    page.get_by_label("Delivery").select_option(label="Small group")
    page.get_by_label("Ratio of staff to pupils").fill("1:4")
    days = page.get_by_role("group", name="Days it runs")
    days.get_by_label("Tuesday").check()
    days.get_by_label("Thursday").check()
    page.get_by_label("Minutes per session").fill("25")
    page.get_by_label("Planned weeks").fill("8")
    page.get_by_label("Review due on").fill("2027-01-22")
    page.get_by_label("Cost per year (£)").fill("750")
    page.get_by_role("group", name="Staff who deliver it").get_by_label(re.compile("^Grace Okafor")).check()
    page.get_by_role("button", name="Plan the intervention").click()
    page.wait_for_url(re.compile(r"/interventions/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="Journey: number sense")).to_be_visible()
    expect(page.get_by_text("Tuesday, Thursday")).to_be_visible()

    register = page.get_by_role("group", name="Pupils on the SEN register")
    chosen = register.get_by_role("checkbox")
    names = [chosen.nth(i).evaluate("box => box.labels[0].textContent").split(",")[0] for i in (0, 1)]
    chosen.nth(0).check()
    chosen.nth(1).check()
    page.get_by_role("button", name="Enrol the pupils chosen").click()
    pupils = page.get_by_role("table", name="Pupils")
    for name in names:
        expect(pupils.get_by_role("rowheader", name=name)).to_be_visible()
    expect(page.get_by_text("Grace Okafor")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
