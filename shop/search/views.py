"""The site's one search page: books and editorial pages, grouped by kind."""

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView

from shop.catalogue import listing

from . import queries

KINDS = {"books": "Books", "pages": "Pages"}


class SearchView(TemplateView):
    """/search/?q=...: an ISBN goes straight to its book; other words search titles, authors,
    series, ISBNs and pages. ``kind=pages`` lists every matching page; otherwise the books are
    paginated and the first few pages are shown beside them."""

    template_name = "oscar/search/results.html"
    books_per_page = 20
    pages_per_page = 20
    pages_preview = 5

    def get(self, request, *args, **kwargs):
        book = queries.book_with_isbn(request.GET.get("q"))
        if book is not None:
            return redirect(book.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = (self.request.GET.get("q") or "").strip()[: queries.MAX_QUERY_LENGTH]
        terms = queries.search_terms(query)
        sort = self.request.GET.get("sort", "")
        sort = sort if sort in queries.SORTS else queries.BEST_MATCH
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in KINDS else "books"
        context.update(query=query, terms=terms, kind=kind, sorts=queries.SORTS, current_sort=sort)
        if not terms:
            return context
        found = queries.find(terms, sort=sort)
        number = self.request.GET.get("page")
        if kind == "pages":
            paginator = Paginator(found.page_ids, self.pages_per_page)
            page_obj = paginator.get_page(number)
            context.update(page_obj=page_obj, paginator=paginator)
            context["page_hits"] = queries.load_pages(page_obj.object_list)
            return context
        paginator = Paginator(found.book_ids, self.books_per_page)
        page_obj = paginator.get_page(number)
        context.update(
            page_obj=page_obj,
            paginator=paginator,
            capped=found.capped,
            max_results=queries.MAX_RESULTS,
            cards=listing.cards_for(queries.load_books(page_obj.object_list), request=self.request),
        )
        if page_obj.number == 1:
            context["page_hits"] = queries.load_pages(found.page_ids[: self.pages_preview])
            context["more_pages"] = len(found.page_ids) > self.pages_preview
        return context
