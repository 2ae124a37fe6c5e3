"""The public side of the club (R-S2, R-C4): the plans index lists every plan open to new members
by kind with its VAT-inclusive price, and a plan's page shows what it is, how it works, this and
next month's live picks and Join; cheap to serve, and never stale behind the shared page cache."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from bookclub import plans
from bookclub.models import Plan
from tests.bookclub.conftest import london
from tests.bookclub.editing import text
from tests.factories import AuthorFactory, UserFactory, make_book
from tests.factories.bookclub import make_plan, plan_page, plans_index, selection
from website import page_cache
from website.models import FooterSettings, NavigationSettings

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = datetime.date(2027, 3, 1), datetime.date(2027, 4, 1), datetime.date(2027, 5, 1)


@pytest.fixture(autouse=True)
def mid_march():
    with time_machine.travel(london(2027, 3, 10, 11, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def site_settings(db):
    """The header and footer settings exist, as on a real site (a first render would make them,
    and starting a new page-cache generation while doing so)."""
    site = Site.objects.get(is_default_site=True)
    NavigationSettings.for_site(site)
    FooterSettings.for_site(site)


def paperbacks(count):
    return [make_book(ebook=False)[0] for _ in range(count)]


@pytest.fixture
def post():
    """Paperback Post with March live, April scheduled and May a draft."""
    plan = make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", price="15.99", books_per_month=2)
    page = plan_page(plan, introduction="Two new paperbacks through your letterbox every month.")
    author = AuthorFactory(name="Imogen Fairweather")
    march_books = [
        make_book(title="The Saltmarsh Letters", authors=[author], ebook=False)[0],
        paperbacks(1)[0],
    ]
    return {
        "plan": plan,
        "page": page,
        "march_books": march_books,
        "march": selection(page, MARCH, march_books),
        "april": selection(page, APRIL, paperbacks(2), go_live_at=london(2027, 3, 25, 9, 0)),
        "may": selection(page, MAY, paperbacks(2), publish=False),
    }


def test_R_S2_R_C4_plans_index_lists_open_plans_by_kind_with_their_prices(client):
    index = plans_index()
    make_plan(Plan.Kind.PAY_MONTHLY, title="Paperback Post", price="15.99", books_per_month=2)
    plan_page(make_plan(Plan.Kind.PREPAID, title="The Reading Season", price="47.97", term_months=3))
    make_plan(
        Plan.Kind.EBOOK, title="eReader Monthly", price="3.99", min_titles=2, default_titles=3, max_titles=6
    )
    plans.close_to_new_members(make_plan(title="Closed For Now"))

    page = text(client.get(index.url))

    assert "Pay-monthly paperbacks" in page and "Pre-paid plans" in page and "Pay-monthly eBooks" in page
    assert "£15.99</span> a month" in page
    assert "£47.97</span> for 3 months" in page and "£15.99 a month" in page  # what a term works out at
    assert "£3.99</span> per title" in page and "Two to six eBooks a month" in page
    assert "half price" in page and "renews at the end of the term" in page and "eBookshelf" in page
    assert "Closed For Now" not in page
    assert plans.open_plans().get(product__title="The Reading Season").page.url in page


def test_R_S2_plan_page_shows_the_plan_and_this_months_live_picks(client, post):
    page = text(client.get(post["page"].url))

    assert "Two new paperbacks through your letterbox every month." in page
    assert "£15.99</span> a month" in page
    assert "Posted to UK addresses only" in page
    assert "This month: March 2027" in page
    assert "The Saltmarsh Letters" in page and "Imogen Fairweather" in page
    assert "Why The Saltmarsh Letters" in page  # the editors' note
    assert (
        'alt="Cover of The Saltmarsh Letters"' in page
        or 'aria-label="Cover of The Saltmarsh Letters"' in page
    )
    assert "Next month: April 2027" in page
    assert "The editors have not announced April's titles yet." in page  # scheduled is not live
    for book in post["april"].picks.all():
        assert book.product.title not in page


def test_R_S2_join_leads_to_joining_and_never_shows_for_a_closed_plan(client, post):
    client.force_login(UserFactory())  # served the shared page: closing the plan retires it
    open_page = text(client.get(post["page"].url))
    assert f'href="/club/plans/{post["plan"].pk}/join/">Join Paperback Post' in open_page

    plans.close_to_new_members(post["plan"])
    closed_page = text(client.get(post["page"].url))
    assert "Join Paperback Post" not in closed_page
    assert "Paperback Post is closed to new members." in closed_page


def data_queries(captured) -> int:
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def queries_for(client, url: str, *, built: bool = True) -> int:
    assert client.get(url).status_code == 200  # warm the per-process caches (site, navigation)
    if built:
        page_cache.PAGES.bump()  # measure the page as it is built, not served from the page cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return data_queries(captured)


# As built for the shared page cache, whoever asks (website/page_cache.py). Every Wagtail page:
# the site and the route to the page, its view restrictions and its breadcrumbs; no session,
# user, user bar check or basket count (5 fewer than a page built for a signed-in reader: the
# header's personal corner comes from /_header/). The plan page: the plan with its price (2),
# this and next month's live selections (1), their picks with products, stock, covers and
# authors (4), the earlier months (1). The index: the open plans with their prices (2) and
# their pages (1). Served from the shared page cache, to a first-time visitor or a signed-in
# reader: none.
PINNED_PLAN_PAGE = 16
PINNED_PLANS_INDEX = 9


def test_plan_page_query_count_is_pinned_and_flat_with_the_number_of_picks():
    one = make_plan(title="One A Month", books_per_month=1)
    three = make_plan(title="Three A Month", books_per_month=3)
    pages = {}
    for plan, count in ((one, 1), (three, 3)):
        pages[plan] = plan_page(plan)
        selection(pages[plan], MARCH, paperbacks(count))
        selection(pages[plan], APRIL, paperbacks(count))
        selection(pages[plan], datetime.date(2027, 2, 1), paperbacks(count))
    reader = Client()
    reader.force_login(UserFactory())

    counts = {plan.name: queries_for(reader, pages[plan].url) for plan in (one, three)}

    assert counts == {"One A Month": PINNED_PLAN_PAGE, "Three A Month": PINNED_PLAN_PAGE}, counts
    assert queries_for(reader, plans_index().url) == PINNED_PLANS_INDEX
    assert queries_for(Client(), pages[three].url, built=False) == 0  # the shared page cache
    assert queries_for(reader, pages[three].url, built=False) == 0  # for a signed-in reader too


def test_R_S2_a_published_selection_shows_at_once_despite_the_page_cache(post):
    visitor = Client()
    url = post["page"].url
    visitor.get(url)
    assert visitor.get(url)["X-Page-Cache"] == "hit"

    with time_machine.travel(london(2027, 3, 25, 9, 1), tick=False):
        call_command("publish_scheduled")
        page = text(visitor.get(url))

    assert "The editors have not announced April's titles yet." not in page
    for pick in post["april"].picks.all():
        assert pick.product.title in page


def test_R_C4_a_price_change_or_a_closed_plan_shows_at_once_despite_the_page_cache(post):
    visitor = Client()
    for url in (post["page"].url, plans_index().url):
        visitor.get(url)
        assert visitor.get(url)["X-Page-Cache"] == "hit"

    record = post["plan"].product.stockrecords.get()  # an order admin changes the price
    record.price = Decimal("16.49")
    record.save()
    assert "£16.49</span> a month" in text(visitor.get(post["page"].url))

    plans.close_to_new_members(post["plan"])
    assert "Paperback Post" not in text(visitor.get(plans_index().url))
    assert "closed to new members" in text(visitor.get(post["page"].url))


def test_R_S2_a_past_months_selection_has_its_own_page(client, post):
    february = selection(post["page"], datetime.date(2027, 2, 1), paperbacks(2))
    plan_page_text = text(client.get(post["page"].url))
    assert "Earlier months" in plan_page_text and february.url in plan_page_text
    page = text(client.get(february.url))
    assert "Paperback Post: February 2027" in page
    for pick in february.picks.all():
        assert pick.product.title in page
    assert client.get(post["may"].url).status_code == 404  # a draft is nobody's business yet
