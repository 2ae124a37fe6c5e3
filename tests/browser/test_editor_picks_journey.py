"""R-S2, R-U1 in a real browser: an editor sees on the calendar that next month has no selection
for a plan, adds one under the plan through the book chooser (searching by author), is told in
plain words what is missing, schedules it, and finds it scheduled on the calendar; a reader then
reads this month's picks on the plan's page. Screenshots at 1280 and 390 pixels wide."""

import datetime
import re

import pytest
from django.utils import timezone
from oscar.core.loading import get_model
from playwright.sync_api import expect

from bookclub import months, selection_rules, selections
from bookclub.models import MonthlySelectionPage, PlanPage
from shop.search import indexing
from tests.browser.test_editor_journey import answer_editing_session_ping, sign_in
from tests.factories import UserFactory
from website.demo import catalogue, club, content, plans

Product = get_model("catalogue", "Product")

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def club_site(transactional_db):
    """The demo's catalogue, pages, plans and a year of selections, visible to the live server."""
    # Typeset covers: the live server does not serve uploaded files, so cover images would show broken.
    catalogue.seed_books(60, covers=0, today=timezone.localdate())
    plans.seed_plans()
    content.seed_pages(featured_product_ids=[])
    club.seed_club_pages()
    indexing.index_missing()  # as seed_demo does after its bulk inserts: the chooser searches the index
    return PlanPage.objects.get(plan__product__title="The Bedside Stack")


def three_paperbacks_by_different_authors(month: datetime.date) -> list:
    """Paperbacks the plan may send in ``month``, each by an author with a searchable surname."""
    chosen, authors = [], set()
    candidates = (
        Product.objects.filter(
            product_class__slug="paperback", publication_date__lte=month, stockrecords__num_in_stock__gt=5
        )
        .select_related("work")
        .prefetch_related("work__authorships__author")
        .order_by("id")
    )
    for product in candidates:
        author = product.work.authorships.all()[0].author
        if author.pk not in authors and len(product.work.authorships.all()) == 1:
            chosen.append((product, author.name))
            authors.add(author.pk)
        if len(chosen) == 3:
            return chosen
    raise AssertionError("the demo catalogue has too few paperbacks")


def screenshot_both_widths(page, path_stem, output_dir, *, full_page=True):
    page.screenshot(path=output_dir / f"{path_stem}-1280.png", full_page=full_page)
    page.set_viewport_size(NARROW)
    page.wait_for_timeout(500)  # let the admin's sidebar settle into its narrow layout
    page.screenshot(path=output_dir / f"{path_stem}-390.png", full_page=full_page)
    page.set_viewport_size(WIDE)


def no_sideways_scroll(page) -> bool:
    page.set_viewport_size(NARROW)
    fits = page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.set_viewport_size(WIDE)
    return fits


def choose_by_author(page, product, author: str, output_dir=None):
    """Open the new pick's chooser, search the author's name, choose the paperback."""
    page.get_by_role("button", name="Choose a book").click()  # the new pick's: chosen ones hide theirs
    modal = page.locator(".modal-dialog")
    expect(modal.get_by_role("heading", name="Choose a book")).to_be_visible()
    modal.get_by_label("Title, author or ISBN").fill(author)
    row = modal.locator("tbody tr", has_text=product.title).filter(has_text="Paperback")
    expect(row).to_have_count(1)
    if output_dir is not None:
        expect(
            modal.locator("img.bookclub-chooser__cover, .bookclub-chooser__cover--none").first
        ).to_be_visible()
        screenshot_both_widths(page, "2-chooser-by-author", output_dir, full_page=False)
    row.get_by_role("link", name=product.title).click()
    expect(modal).to_have_count(0)


def test_R_S2_R_U1_editor_schedules_next_months_picks_through_the_chooser_and_reader_sees_this_month(
    page, browser, live_server, club_site, output_dir, settings, axe
):
    # Wagtail's autosave posts drafts in the background; on SQLite the live server's threads share
    # one connection, and a save landing in the middle of the editor's own request breaks it.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    plan_page = club_site
    plan = plan_page.plan
    this_month = months.month_of(months.london_today())
    next_month = months.add_months(this_month, 1)
    books = three_paperbacks_by_different_authors(next_month)
    editor = UserFactory(editor=True, email="editor@example.com")

    page.route("**/cms/editing-sessions/**", answer_editing_session_ping)
    sign_in(page, live_server.url, editor.email)

    # The calendar says next month is missing for The Bedside Stack.
    page.goto(f"{live_server.url}/cms/bookclub/calendar/")
    alerts = page.locator(".bookclub-calendar__alerts")
    expect(alerts).to_contain_text(f"The Bedside Stack, {next_month:%B %Y}")
    alerts.get_by_role("link", name="Add a selection under The Bedside Stack").click()

    # The form offers the missing month; two picks are not enough for a three-book plan.
    expect(page.get_by_role("textbox", name=re.compile("^Month"))).to_have_value(f"{next_month:%Y-%m}")
    page.get_by_role("textbox", name=re.compile("^Introduction")).fill("Three long books for long evenings.")
    for number, (product, author) in enumerate(books[:2], start=1):
        if number > 1:  # the form opens with one empty pick
            page.get_by_role("button", name="Add Pick").click()
        choose_by_author(page, product, author, output_dir if number == 1 else None)
        page.get_by_role("textbox", name=re.compile("^Note")).nth(number - 1).fill(f"Pick {number}.")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("could not be created")
    expect(page.locator(".messages")).to_contain_text("You have 2: add 1 more.")
    axe(page)
    screenshot_both_widths(page, "3-selection-form-error", output_dir)

    # The third pick, then a go-live time before the run date, then "Schedule to publish".
    page.get_by_role("button", name="Add Pick").click()
    choose_by_author(page, *books[2])
    now = timezone.now()
    run = selection_rules.run_starts_at(next_month)
    go_live = min(now + datetime.timedelta(days=1), run - datetime.timedelta(hours=1)).astimezone(
        months.LONDON
    )
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    dialog = page.get_by_role("dialog", name="Set publishing schedule")
    dialog.get_by_label("Go live date/time").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    dialog.get_by_label("Go live date/time").press("Tab")
    # The date picker may still cover the button: press it from the keyboard, as many editors do.
    dialog.get_by_role("button", name="Save schedule").press("Enter")
    page.wait_for_url(re.compile(r"/cms/pages/\d+/edit/"))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Schedule to publish").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))

    selection = MonthlySelectionPage.objects.get(plan=plan, month=next_month)
    assert not selection.live
    assert selection.scheduled_revision.approved_go_live_at.replace(
        second=0, microsecond=0
    ) == go_live.replace(second=0, microsecond=0)
    assert selections.picks_for(plan, next_month) == []  # nothing reads it before it goes live

    # The calendar shows it scheduled, with its go-live time.
    page.goto(f"{live_server.url}/cms/bookclub/calendar/")
    row = page.locator("tbody tr", has_text="The Bedside Stack")
    slot = row.locator("td").nth(1)
    expect(slot).to_contain_text("Scheduled")
    expect(slot).to_contain_text(f"goes live {go_live:%-d %b %Y, %H:%M}")
    axe(page)
    screenshot_both_widths(page, "4-calendar", output_dir)

    # A reader sees the plans and this month's picks.
    reader = browser.new_context(viewport=WIDE, locale="en-GB")
    tab = reader.new_page()
    tab.goto(live_server.url + "/")
    tab.get_by_role("navigation", name="Main").get_by_role("link", name="Join the club").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Our plans")
    expect(tab.get_by_role("heading", name="Pay-monthly paperbacks")).to_be_visible()
    axe(tab)
    screenshot_both_widths(tab, "5-plans-index", output_dir)
    assert no_sideways_scroll(tab)
    tab.get_by_role("link", name="The Bedside Stack", exact=True).click()
    expect(tab.get_by_role("heading", name=f"This month: {this_month:%B %Y}")).to_be_visible()
    for pick in selections.picks_for(plan, this_month):
        expect(tab.get_by_role("heading", name=pick.product.title, exact=True).first).to_be_visible()
    expect(tab.get_by_text(f"The editors have not announced {next_month:%B}'s titles yet.")).to_be_visible()
    axe(tab)
    screenshot_both_widths(tab, "6-plan-page", output_dir)
    assert no_sideways_scroll(tab)
    reader.close()
