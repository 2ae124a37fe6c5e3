"""R-L1, R-L3, R-L4, R-U1 in a real browser: with a significant version of the Terms scheduled, an
editor is told what Publish will do, publishes a fix beside it (the schedule stays, the fix is
carried into it), a reader sees the fix at once, an order placed earlier still links the version it
was placed under, and the scheduled changes cannot be published early."""

import re

from django.utils import timezone
from oscar.test.factories import create_order
from playwright.sync_api import expect

from legal import document, versions
from legal.models import LegalPage
from shop.order import acceptance
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

NEW_SENTENCE = "Each book's page says whether it can be pre-ordered."


def answer_editing_session_ping(route):
    """What Wagtail's ping view answers when nobody else is editing the page."""
    route.fulfill(
        status=200,
        json={
            "session_id": 1,
            "ping_url": route.request.url,
            "release_url": "/cms/editing-sessions/release/1/",
            "other_sessions": [],
        },
    )


def sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", PASSWORD)
    page.locator("button[name=login_submit]").click()
    expect(page.locator("#id_login-username")).to_have_count(0)


def test_R_L1_R_L3_R_L4_editor_publishes_a_fix_beside_the_scheduled_terms_and_old_order_keeps_its_version(
    page, browser, live_server, demo_site, output_dir, axe
):
    terms = LegalPage.objects.get(kind="terms")
    in_force_before = versions.version_in_force("terms")
    assert versions.version_of(in_force_before).number == 2
    waiting = versions.scheduled_revision(terms)  # the demo's significant version 3, announced
    go_live = waiting.approved_go_live_at

    reader = UserFactory(email="reader@example.com")
    order = create_order(user=reader)
    acceptance.record_acceptance(order, in_force_before, versions.version_in_force("privacy"), timezone.now())
    editor = UserFactory(editor=True, email="editor@example.com")

    # The editor opens the Terms in the Wagtail admin. Wagtail's editing-session pings are
    # answered here, not by the site: on SQLite the live server's threads share one connection,
    # and a ping landing in the middle of the publish request breaks its transaction.
    page.route("**/cms/editing-sessions/**", answer_editing_session_ping)
    sign_in(page, live_server.url, editor.email)
    page.goto(f"{live_server.url}/cms/pages/{terms.pk}/edit/")
    expect(page.get_by_role("heading", name="Terms and Conditions of Sale").first).to_be_visible()
    # Before anything is pressed, the page says what is scheduled and what Publish will do.
    rules = page.locator("[data-legal-publishing-rules]")
    expect(rules).to_contain_text(f"Scheduled for {timezone.localdate(go_live):%-d %B %Y}")
    expect(rules).to_contain_text("This form shows the version in force")
    expect(rules).to_contain_text("14 days' notice")
    axe(page)
    page.screenshot(path=output_dir / "1-editor-scheduled-version-explained.png")
    page.set_viewport_size({"width": 390, "height": 844})
    rules.scroll_into_view_if_needed()
    page.screenshot(path=output_dir / "1-editor-scheduled-version-explained-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A fix to a clause the scheduled version leaves alone.
    clause = page.locator("[contenteditable=true]").filter(has_text="can be pre-ordered")
    clause.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" " + NEW_SENTENCE)
    expect(clause).to_contain_text(NEW_SENTENCE)
    # Filling the other fields moves the focus away, so the rich text editor saves into the form.
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    page.fill("#id_change_summary", "Says where to see whether a book can be pre-ordered.")
    page.locator("#id_change_summary").press("Tab")
    axe(page)
    page.screenshot(path=output_dir / "1-editor-editing.png")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))  # back in the explorer: published
    axe(page)
    page.screenshot(path=output_dir / "2-editor-published.png")

    published = versions.version_in_force("terms")
    assert published != in_force_before and versions.version_of(published).number == 3
    # The significant version still waits for its day, now with the fix in it.
    waiting.refresh_from_db()
    assert waiting.approved_go_live_at == go_live
    scheduled_text = " ".join(document.wording(waiting.as_object().body))
    assert NEW_SENTENCE in scheduled_text and "27 Folio Yard" in scheduled_text

    # A reader (no account, no cookies) sees version 3 at once.
    reader_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = reader_context.new_page()
    tab.goto(live_server.url + "/legal/terms/")
    expect(tab.locator(".legal-version")).to_contain_text("Version 3")
    expect(tab.locator("#clause-2-3")).to_contain_text(NEW_SENTENCE)
    expect(tab.locator("#clause-1-1")).not_to_contain_text("Folio Yard")  # not before its day
    axe(tab)
    tab.screenshot(path=output_dir / "3-reader-terms.png", full_page=True)

    tab.get_by_role("link", name=re.compile(r"All versions")).click()
    expect(tab.get_by_role("heading", level=1)).to_contain_text("every version")
    expect(tab.locator(".legal-versions tbody tr")).to_have_count(3)
    expect(tab.locator(".legal-versions__current")).to_contain_text("whether a book can be pre-ordered")
    axe(tab)
    tab.screenshot(path=output_dir / "4-versions-list.png", full_page=True)

    tab.get_by_role("link", name="Changes from version 2").click()
    expect(tab.locator(".legal-change--changed").first).to_contain_text("2.3")
    expect(tab.locator(".legal-change ins").first).to_contain_text("pre-ordered")
    axe(tab)
    tab.screenshot(path=output_dir / "5-what-changed.png", full_page=True)
    reader_context.close()

    # The customer's earlier order still links version 2, which still reads as it did.
    customer_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    mine = customer_context.new_page()
    sign_in(mine, live_server.url, reader.email)
    mine.goto(f"{live_server.url}/accounts/orders/{order.number}/")
    terms_link = mine.locator(".legal-acceptance").get_by_role(
        "link", name=re.compile("Terms and Conditions")
    )
    expect(terms_link).to_have_attribute("href", "/legal/terms/versions/2/")
    axe(mine)
    mine.screenshot(path=output_dir / "6-order-terms-links.png", full_page=True)
    terms_link.click()
    expect(mine.locator(".legal-version")).to_contain_text("Version 2")
    expect(mine.locator("#clause-2-3")).not_to_contain_text(NEW_SENTENCE)
    axe(mine)
    mine.screenshot(path=output_dir / "7-accepted-version.png", full_page=True)
    customer_context.close()

    # The editor tries to put the new address live now: refused, in words, and nothing goes live.
    page.goto(f"{live_server.url}/cms/pages/{terms.pk}/edit/")
    address = page.locator("[contenteditable=true]").filter(has_text="4 Quire Lane")
    address.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" From next month we are at 27 Folio Yard, Bristol BS2 0JT.")
    page.fill("#id_change_summary", "Our new address.")
    page.locator("#id_change_summary").press("Tab")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#id_significant_change_error, .error-message").first).to_contain_text(
        "cannot be carried into the version scheduled"
    )
    axe(page)
    page.screenshot(path=output_dir / "8-editor-refused.png", full_page=True)
    page.goto(live_server.url + "/legal/terms/")
    expect(page.locator(".legal-version")).to_contain_text("Version 3")
    expect(page.locator("#clause-1-1")).not_to_contain_text("Folio Yard")
