"""Cookie consent pages: the banner's buttons, the preferences page, the analytics beacon (R-A4)."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from legal.privacy import consent, marketing
from legal.privacy.forms import CookiePreferencesForm
from legal.privacy.models import ConsentRecord

REFUSED = "We could not save that choice: please use the buttons on our own pages."


def _safe_next(request, default="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@csrf_exempt  # cached pages carry no token; consent.same_site_post guards instead
@require_POST
def record_from_banner(request):
    if not consent.same_site_post(request):
        return HttpResponseForbidden(REFUSED)
    accept_all = request.POST.get("choice") == "all"
    record = consent.record_choice(
        request, functional=accept_all, analytics=accept_all, source=ConsentRecord.Source.BANNER
    )
    response = HttpResponseRedirect(_safe_next(request))
    consent.set_consent_cookie(request, response, record)
    return response


@csrf_exempt
@cache_control(private=True)  # differs with the reader's cookie and GPC signal: never shared
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    choice = consent.current_choice(request)
    if request.method == "POST":
        if not consent.same_site_post(request):
            return HttpResponseForbidden(REFUSED)
        form = CookiePreferencesForm(request.POST)
        if form.is_valid():
            record = consent.record_choice(
                request,
                functional=form.cleaned_data["functional"],
                analytics=form.cleaned_data["analytics"],
                source=ConsentRecord.Source.PREFERENCES,
            )
            messages.success(request, f"Your cookie choices are saved: {record.categories_label}.")
            response = HttpResponseRedirect(_safe_next(request, default=request.path))
            consent.set_consent_cookie(request, response, record)
            return response
    else:
        initial = {"functional": choice.functional, "analytics": choice.analytics} if choice else {}
        form = CookiePreferencesForm(initial=initial)
    gpc = consent.global_privacy_control(request)
    if gpc:
        form.fields["analytics"].disabled = True
        form.initial["analytics"] = False
    return render(
        request,
        "privacy/cookie_preferences.html",
        {
            "form": form,
            "choice": choice,
            "gpc": gpc,
            "next": _safe_next(request, default=""),
            "essential_cookies": sorted(consent.ESSENTIAL_COOKIES),
        },
    )


@csrf_exempt
@require_POST
def analytics_beacon(request):
    """Where static/js/analytics.js reports a page view. A stand-in for a real analytics service:
    it keeps nothing, and ignores readers who have not opted in."""
    return HttpResponse(status=204)


@csrf_exempt  # the signed token is the proof; mail programs post without a session (RFC 8058)
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One click, no sign-in: the link in every marketing email (R-A6)."""
    topic = marketing.unsubscribe(token)
    if topic is None:
        return render(request, "privacy/unsubscribe.html", {"refused": True}, status=400)
    return render(request, "privacy/unsubscribe.html", {"topic_label": marketing.TOPICS[topic]})
