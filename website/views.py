from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def hello(request):
    """A view with our middleware and no database: the ceiling the benchmark measures against."""
    return HttpResponse("hello", content_type="text/plain")


@never_cache
@require_safe
def personal_header(request):
    """The header's personal corner (account links, basket count) for a page from the shared
    cache: static/js/header.js puts it in place. Never cached, anywhere (website/page_cache.py)."""
    return render(request, "includes/account_nav.html")
