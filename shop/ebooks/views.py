"""My Account's eBookshelf and the downloads (R-E1, R-X5). Thin: the rules are in
``entitlements`` and ``links``; the file goes through django-sendfile2 (the web server in
production)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import generic
from django.views.decorators.cache import never_cache
from django_sendfile import sendfile
from oscar.apps.customer.mixins import PageTitleMixin

from shop.ebooks import entitlements, files, links
from shop.ebooks.models import Entitlement


@method_decorator(never_cache, name="dispatch")
class BookshelfView(PageTitleMixin, generic.TemplateView):
    template_name = "shop/ebooks/bookshelf.html"
    page_title = "eBookshelf"
    active_tab = "ebooks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        books = list(entitlements.shelf(self.request.user))
        for entitlement in books:
            entitlement.available = entitlement.available_from <= now
            entitlement.asks_consent = entitlement.available and entitlements.needs_consent(entitlement, now)
            entitlement.cancellable_until = entitlements.cancellation_ends_on(entitlement.line.order)
        context["books"] = books
        return context


class StartDownloadView(generic.View):
    """POST from the shelf: record the customer's consent if asked for, then go to a fresh
    signed link. Without the ticked box, back to the shelf with the reason."""

    def post(self, request, pk):
        entitlement = get_object_or_404(
            Entitlement.objects.select_related("line__order"),
            pk=pk,
            user=request.user,
            revoked_at__isnull=True,
        )
        if entitlements.needs_consent(entitlement):
            if request.POST.get("consent") != "yes":
                messages.error(
                    request,
                    "To download now, tick the box to agree that the download starts at once and "
                    "that you then lose the right to cancel this eBook.",
                )
                return redirect("ebooks:shelf")
            entitlement = entitlements.give_consent(entitlement)
        return redirect(links.download_url(entitlement))


def refused(request, reason: str, status: int):
    return render(request, "shop/ebooks/download_refused.html", {"reason": reason}, status=status)


@never_cache
def download(request, token: str):
    """The signed link: checked, recorded, then the stamped EPUB (R-E1)."""
    try:
        entitlement_id = links.entitlement_id(token, request.user)
        entitlement = get_object_or_404(
            Entitlement.objects.select_related("product"), pk=entitlement_id, user=request.user
        )
        master = files.ensure_file(entitlement.product)
        entitlement = entitlements.start_download(entitlement.pk, request.user, file_name=master.file.name)
    except (links.LinkRefused, entitlements.DownloadRefused) as error:
        return refused(request, str(error), 403)
    path = files.stamped_copy(entitlement)
    response = sendfile(
        request,
        str(path),
        attachment=True,
        attachment_filename=f"{entitlement.product.get_title()}.epub",
        mimetype="application/epub+zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
