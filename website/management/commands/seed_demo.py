import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from shop.search import indexing as search_indexing
from website.demo import catalogue, club, content, delivery, people, plans
from website.demo.books import isbn_for
from website.demo.people import DEMO_USERS


class ProgressBar:
    """One line, redrawn in place on a terminal; plain lines every 10% otherwise."""

    def __init__(self, stream, label: str, width: int = 30):
        self.stream, self.label, self.width = stream, label, width  # a command's OutputWrapper
        self.started = time.monotonic()
        self.last_decile = -1
        self.interactive = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1
        filled = int(self.width * fraction)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:,}/{total:,} ({fraction:.0%}, {time.monotonic() - self.started:.0f}s)"
        )
        if self.interactive:
            self.stream.write("\r" + line, ending="\n" if done >= total else "")
            self.stream.flush()
        elif int(fraction * 10) != self.last_decile:
            self.last_decile = int(fraction * 10)
            self.stream.write(line)


RUN_TASKS_NOW = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = "Fill the site with invented books, pages and one user per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--books", type=int, default=200, help="number of titles (default 200)")
        parser.add_argument(
            "--covers", type=int, default=250, help="titles that get a generated cover image (default 250)"
        )
        parser.add_argument("--quiet-users", action="store_true", help="do not print the demo logins")

    def handle(self, *args, books, covers, quiet_users, **options):
        if books < 1:
            raise CommandError("--books must be at least 1.")
        # The tasks seeding causes (Wagtail's reference index, the search index, emails) run here
        # and now: queued for the worker, those of pages the seed replaces or deletes would fail
        # with Page.DoesNotExist when the demo's worker starts.
        with override_settings(TASKS=RUN_TASKS_NOW):
            self.seed(books=books, covers=covers, quiet_users=quiet_users)

    def seed(self, *, books, covers, quiet_users):
        started = time.monotonic()
        today = timezone.localdate()
        out = self.stdout
        new_books = catalogue.seed_books(
            books, covers=covers, today=today, progress=ProgressBar(out, "Books")
        )
        new_gifts = catalogue.seed_gifts(today=today)
        new_plans = plans.seed_plans()  # the club's plans, three of each kind
        featured = self.featured_ids()
        new_pages = content.seed_pages(featured_product_ids=featured)
        new_club_pages, new_selections = club.seed_club_pages(today=today)  # after the home page
        new_people = people.seed_people()
        delivery.seed_delivery()  # delivery methods, zones and charges
        # Bulk inserts fire no signals: put what they made into the search index in batches.
        search_indexing.index_missing(progress=ProgressBar(out, "Search index"))
        # Fresh statistics: without them SQLite answers "work_id IN (...) AND parent_id IS NULL"
        # from the parent index, a scan of every product (125 ms instead of 0.2 ms at 100k books).
        # On PostgreSQL VACUUM too: a list's count is then an index-only scan of the listed books
        # (1 ms at 10,000 books) instead of a scan of every product, until autovacuum comes by.
        with connection.cursor() as cursor:
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        out.write(
            f"Created {new_books:,} titles, {new_gifts} gift items, {new_pages} pages and "
            f"{new_people} users in {time.monotonic() - started:.1f}s "
            "(anything already there was left as it was)."
        )
        out.write(f"Plans: {new_plans} new, {len(plans.PLANS)} in the demo.")
        out.write(f"Club pages: {new_club_pages} new; the editors' selections: {new_selections} new.")
        if not quiet_users:
            out.write("\nDemo logins (sign in at /accounts/login/):")
            for person in DEMO_USERS:
                role = person.role or ("superuser" if person.superuser else "reader")
                out.write(f"  {role:<13} {person.email:<24} {person.password}")

    def featured_ids(self) -> list[int]:
        from oscar.core.loading import get_model

        Product = get_model("catalogue", "Product")
        # Paperbacks of a few early titles, already published, in a stable order.
        picks = Product.objects.filter(
            upc__in=[isbn_for(n, 0) for n in (3, 8, 15, 21, 34, 42, 55, 60)],
            publication_date__lte=timezone.localdate(),
        ).order_by("upc")
        return list(picks.values_list("id", flat=True)[:6])
