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
        number = self.request.GET.get("page")
        if kind == "pages":
            paginator = Paginator(queries.pages(terms), self.pages_per_page)
            context.update(page_obj=paginator.get_page(number), paginator=paginator)
            context["page_hits"] = list(context["page_obj"].object_list)
            return context
        paginator = Paginator(queries.books(terms, sort=sort), self.books_per_page)
        page_obj = paginator.get_page(number)
        context.update(
            page_obj=page_obj,
            paginator=paginator,
            cards=listing.cards_for(page_obj.object_list, request=self.request),
        )
        if page_obj.number == 1:
            # One query for the preview: one more than shown tells whether there are others.
            preview = list(queries.pages(terms)[: self.pages_preview + 1])
            context["page_hits"] = preview[: self.pages_preview]
            context["more_pages"] = len(preview) > self.pages_preview
        return context
