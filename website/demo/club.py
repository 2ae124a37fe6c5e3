"""The demo's club pages (R-S2): the plans index, a page per demo plan, and a year of the editors'
selections for each plan, in every state the editorial calendar knows.

Per plan, counted from this month: the nine months before are live (and frozen), this month is
live, next month is live for some plans and scheduled for the others, the month after is a
draft. The Bedside Stack has no selection for next month, so the calendar raises an alert. Picks
come from the demo catalogue by the plan's rules (``bookclub.selection_rules``): paperbacks in
stock or eBooks, published by the month's 1st, as many as the plan needs. Created once: a second
run finds each page and each month and leaves them alone.
"""

import zlib
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from modelsearch import signal_handlers as modelsearch_handlers
from oscar.core.loading import get_model
from wagtail.models import Page, ReferenceIndex, Revision, Site
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from bookclub import months, selection_rules
from bookclub.models import MonthlySelectionPage, Plan, PlanPage, PlansIndexPage, SelectionPick
from shop.search import indexing as search_indexing
from website import page_cache
from website.demo import plans as demo_plans
from website.models import HomePage, NavigationSettings, StandardPage

Product = get_model("catalogue", "Product")

PAST_MONTHS = 9
MISSING_NEXT_MONTH = "PLAN-BEDSIDE-STACK"  # the calendar's alert
SCHEDULED_NEXT_MONTH = {"PLAN-HALF-YEAR-6", "PLAN-ONE-GOOD-BOOK", "PLAN-POCKET-EBOOKS"}

INDEX = {
    "title": "Our plans",
    "slug": "plans",
    "introduction": (
        "<p>Let the editors choose for you. They read far more than they recommend, and every month "
        "each plan brings the titles they could not stop talking about. Pick the kind that suits how "
        "you read and how you like to pay; you can change your mind from My Account.</p>"
    ),
}

# sku -> (introduction, how it works or "" for the club's standard words for the kind)
PLAN_PAGES = {
    "PLAN-SEASON-3": (
        "Six books over one season, chosen by people who read everything first.",
        "",
    ),
    "PLAN-HALF-YEAR-6": (
        "Twelve books between now and the other side of the year, and nothing to pay after today.",
        "<p>Pay for the six months when you join; your first two paperbacks leave our warehouse this "
        "month and two more follow on the first of every month after.</p><p>Buying it as a gift? Use "
        "the recipient's address as the delivery address. The plan renews for another six months "
        "unless renewal is switched off in My Account before the renewal date, and we send a reminder "
        "three days before.</p>",
    ),
    "PLAN-READING-YEAR-12": (
        "For readers who know they will be back every month: a year of parcels at the club's best price.",
        "",
    ),
    "PLAN-PAPERBACK-POST": (
        "The club's most popular plan: a parcel on the doormat at the start of every month.",
        "<ul><li>Your first parcel goes out this month: half price if this is your first pay-monthly "
        "plan with us.</li><li>Each parcel comes with an invoice, due within 14 days of delivery.</li>"
        "<li>Skip a month or cancel future months in My Account whenever you like.</li></ul>",
    ),
    "PLAN-ONE-GOOD-BOOK": (
        "For a full shelf and not much time: one carefully chosen book a month, and no more.",
        "",
    ),
    "PLAN-BEDSIDE-STACK": (
        "A tall pile for fast readers: whatever you finish, another is already waiting.",
        "",
    ),
    "PLAN-EREADER-MONTHLY": (
        "The club on your e-reader: no parcels, no postage, as many of the month's titles as you like.",
        "<p>Choose between two and six titles a month; three unless you say otherwise. The editors "
        "list the month's six in the order they would read them, and you get the first ones, as many "
        "as you chose.</p><p>Change the number for a month until 23:59 on the last day of the month "
        "before. Your card is charged on the 1st, the moment the titles reach your eBookshelf.</p>",
    ),
    "PLAN-POCKET-EBOOKS": (
        "A little reading that travels with you, wherever the day goes.",
        "",
    ),
    "PLAN-NIGHT-OWL": (
        "For the reader whose lamp is still on at one in the morning.",
        "",
    ),
}

MONTH_INTRODUCTIONS = {
    1: "New year, new shelf: books to get lost in on the darkest evenings.",
    2: "Short days, long novels. This month's picks are for reading under a blanket.",
    3: "Spring is coming, slowly. Fresh starts and overdue returns, in fiction at least.",
    4: "April showers, so stay in: stories with weather in them and people caught out by it.",
    5: "Light evenings are back. Brisk, bright books that are easy to carry to the park.",
    6: "Holiday reading, chosen early: page-turners that survive sand, sun cream and a crowded train.",
    7: "High summer. Books to finish in one sitting, ideally in the shade.",
    8: "The quiet month, and the longer reads we saved for it.",
    9: "Back to routine, and to books that reward a little attention every evening.",
    10: "Nights drawing in: a lean towards mysteries and the faintly uncanny.",
    11: "Dark by five. Generous, absorbing books, best with a pot of tea.",
    12: "Books to keep, books to give, and books to argue about over the holidays.",
}

NOTES = [
    "A quiet book that gets louder the longer you think about it.",
    "It went round the office and never came back to the shelf.",
    "Start it on a Friday evening; you will not want to stop on Sunday.",
    "The one to read on a train. You will miss your stop.",
    "Funny and sad in the same paragraph, which is harder than it looks.",
    "Short chapters and long shadows: ideal for reading in bed.",
    "We argued about the ending for a week. Tell us which side you are on.",
    "A place you will want to visit, full of people you will be glad to leave.",
    "Beautifully paced; the last fifty pages repay every one before them.",
    "Three of us chose it separately, which has never happened before.",
    "A book to lend to a friend, and then regret lending.",
    "{author} at their best: sharp, warm and never a word too many.",
]


def _seed(*parts) -> int:
    return zlib.crc32("|".join(str(part) for part in parts).encode())


def _note(position: int, author: str, plan_sku: str, month: date) -> str:
    """The editors' note on the pick at ``position``: a different one for each pick of a month."""
    note = NOTES[(_seed(plan_sku, month) + position) % len(NOTES)]
    return note.format(author=author or "The author")


def _pools(last: date) -> dict[str, list]:
    """The books the demo may pick, by format, with their publication dates (two queries)."""
    books = (
        Product.objects.browsable()
        .filter(work__isnull=False, publication_date__lte=last)
        .select_related("product_class", "work")
        .prefetch_related("stockrecords", "work__authorships__author")
        .order_by("id")
    )
    pools = {selection_rules.PAPERBACK: [], selection_rules.EBOOK: []}
    for product in books:
        slug = product.product_class.slug
        if slug == selection_rules.PAPERBACK and not any(
            (record.num_in_stock or 0) - (record.num_allocated or 0) > 0
            for record in product.stockrecords.all()
        ):
            continue
        if slug in pools:
            pools[slug].append(product)
    return pools


def _picks(plan: Plan, sku: str, month: date, pools: dict[str, list]) -> list:
    """``plan``'s picks for ``month``: a stable walk through the books out by the month's 1st."""
    pool = [p for p in pools[selection_rules.format_for(plan)] if p.publication_date <= month]
    needed = selection_rules.picks_needed(plan)
    if len(pool) < needed:
        return []
    start = _seed(sku) + months.months_between(date(2000, 1, 1), month) * needed
    return [pool[(start + n) % len(pool)] for n in range(needed)]


def _state_of(sku: str, month: date, this_month: date) -> str | None:
    """What the demo makes of ``month`` for a plan: "live", "scheduled", "draft", or None (none)."""
    next_month = months.add_months(this_month, 1)
    if month <= this_month:
        return "live"
    if month == next_month:
        if sku == MISSING_NEXT_MONTH:
            return None
        return "scheduled" if sku in SCHEDULED_NEXT_MONTH else "live"
    return "draft"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=months.LONDON)


def _add_selection(plan_page: PlanPage, plan: Plan, sku: str, month: date, picks: list, *, state: str, now):
    """One selection as Wagtail stores it: the page, its picks and one revision. A scheduled one
    goes through Wagtail's own scheduling. A live one is written as published (``live_revision``,
    published dates, no unpublished changes) in two UPDATEs rather than republished: Wagtail's
    publish saves the page and its picks again, which made a year of months take most of the seed.
    The publish signals it skips retire cached pages; the seed starts a new cache generation
    once at the end instead."""
    run = selection_rules.run_starts_at(month)
    scheduled = state == "scheduled" and run - now > timedelta(hours=2)
    live = state == "live" or (state == "scheduled" and not scheduled)
    # Published ten days before the month, as the editors would have done (or now, if later).
    published = min(_at(month - timedelta(days=10)), now)
    page = MonthlySelectionPage(
        title=f"{plan.name}, {months.describe(month)}",
        slug=months.describe(month).lower().replace(" ", "-"),
        month=month,
        introduction=MONTH_INTRODUCTIONS[month.month],
        live=live,
        first_published_at=published if live else None,
        last_published_at=published if live else None,
    )
    page.plan = plan
    for position, product in enumerate(picks):
        page.picks.add(
            SelectionPick(product=product, note=_note(position, product.work.author_names, sku, month))
        )
    plan_page.add_child(instance=page)
    if scheduled:
        page.go_live_at = max(_at(month - timedelta(days=3)), now + timedelta(hours=1))
        page.save_revision().publish()
        return page
    revision = page.save_revision(clean=False)
    if live:
        Revision.objects.filter(pk=revision.pk).update(created_at=published)
        MonthlySelectionPage.objects.filter(pk=page.pk).update(
            live_revision=revision, has_unpublished_changes=False, latest_revision_created_at=published
        )
    return page


def _plans_index(home: Page) -> tuple[PlansIndexPage, bool]:
    index = PlansIndexPage.objects.first()
    if index is not None:
        return index, False
    index = home.add_child(
        instance=PlansIndexPage(title=INDEX["title"], slug=INDEX["slug"], introduction=INDEX["introduction"])
    )
    index.save_revision().publish()
    return index, True


def _link_from_how_it_works(home: Page, index: PlansIndexPage) -> None:
    """'How the club works' ends with a link to the plans, once."""
    guide = StandardPage.objects.child_of(home).filter(slug="how-it-works").first()
    if guide is None:
        return
    link = f'<a linktype="page" id="{index.pk}">'
    if any(block.block_type == "paragraph" and link in block.value.source for block in guide.body):
        return
    guide.body.append(
        (
            "paragraph",
            RichText(
                f"<p>Ready to let the editors choose? {link}See our plans</a>: what each costs, how it "
                "works and this month's picks.</p>"
            ),
        )
    )
    guide.save_revision().publish()


def _link_from_navigation(index: PlansIndexPage) -> None:
    """The main navigation names the plans, once, just before 'How the club works'."""
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    links = [(block.block_type, block.value) for block in navigation.primary_links]
    if any(value["page"] is not None and value["page"].pk == index.pk for _, value in links):
        return
    position = next(
        (n for n, (_, value) in enumerate(links) if value["label"] == "How the club works"), len(links)
    )
    links.insert(position, ("link", {"label": "Join the club", "page": index, "url": ""}))
    navigation.primary_links = links
    navigation.save()


@contextmanager
def _indexed_once(created: list):
    """Wagtail refreshes a page's reference index and search entry on every save (a new page is
    saved four times, each pick too): pause both while the pages are made, then index each
    created page once, in batches."""
    handlers = [
        (model, modelsearch_handlers.post_save_signal_handler) for model in (PlanPage, MonthlySelectionPage)
    ]
    for model, handler in handlers:
        post_save.disconnect(handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model, handler in handlers:
            post_save.connect(handler, sender=model)
    for page in created:
        ReferenceIndex.create_or_update_for_object(page)
    if created:
        page_cache.PAGES.bump()
    for model in (PlanPage, MonthlySelectionPage):
        ids = [page.pk for page in created if isinstance(page, model)]
        search_indexing.index(model, model.get_indexed_objects().filter(pk__in=ids))


@transaction.atomic
def seed_club_pages(*, today: date | None = None) -> tuple[int, int]:
    """The plans index, the plan pages and their selections; returns (pages, selections) created."""
    now = timezone.now()
    today = today or months.london_today(now)
    home = HomePage.objects.first()
    index, new_index = _plans_index(home)
    _link_from_how_it_works(home, index)
    _link_from_navigation(index)

    this_month = months.month_of(today)
    first = months.add_months(this_month, -PAST_MONTHS)
    wanted = [months.add_months(first, n) for n in range(PAST_MONTHS + 3)]
    by_sku = demo_plans.plans_by_sku()
    existing_pages = {page.plan_id: page for page in PlanPage.objects.filter(plan__in=by_sku.values())}
    existing = set(
        MonthlySelectionPage.objects.filter(plan__in=by_sku.values(), month__in=wanted).values_list(
            "plan_id", "month"
        )
    )
    pools = None
    created = []
    with _indexed_once(created):
        for sku, (introduction, how_it_works) in PLAN_PAGES.items():
            plan = by_sku.get(sku)
            if plan is None:
                continue
            plan_page = existing_pages.get(plan.pk)
            if plan_page is None:
                plan_page = index.add_child(
                    instance=PlanPage(
                        title=plan.name,
                        slug=plan.product.slug,
                        plan=plan,
                        introduction=introduction,
                        how_it_works=how_it_works,
                    )
                )
                plan_page.save_revision().publish()
                created.append(plan_page)
            for month in wanted:
                state = _state_of(sku, month, this_month)
                if (plan.pk, month) in existing or state is None:
                    continue
                pools = pools or _pools(wanted[-1])
                picks = _picks(plan, sku, month, pools)
                if picks:
                    created.append(_add_selection(plan_page, plan, sku, month, picks, state=state, now=now))
    selections_created = sum(isinstance(page, MonthlySelectionPage) for page in created)
    pages_created = int(new_index) + len(created) - selections_created
    return pages_created, selections_created
