"""My Account pages added to Oscar's: marketing emails, privacy and security, closing the account.

The rules live in legal/privacy/ (personal_data.py, sessions.py, marketing.py); these views only
call them.
"""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout, update_session_auth_hash
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import generic
from oscar.apps.customer import views as oscar_views
from oscar.apps.customer.mixins import PageTitleMixin
from oscar.core.loading import get_model

from legal.privacy import marketing, personal_data, sessions
from legal.privacy.forms import MarketingPreferencesForm, PasswordConfirmForm
from shop.customer.personal_data import closure_summary

Order = get_model("order", "Order")
User = get_user_model()


class ProfileView(oscar_views.ProfileView):
    """Oscar's profile lists every extra field of the user model; ours has only ``session_epoch``,
    a counter for signing out other devices (R-A1), which means nothing to a member: the profile
    shows the fields a member can edit."""

    def get_profile_fields(self, user):
        return [
            self.get_model_field_data(user, name)
            for name in User._meta.additional_fields
            if User._meta.get_field(name).editable
        ]


class MarketingPreferencesView(PageTitleMixin, generic.UpdateView):
    """R-A2: marketing emails, all off until the customer switches them on."""

    form_class = MarketingPreferencesForm
    template_name = "oscar/customer/privacy/marketing_preferences.html"
    page_title = "Marketing emails"
    active_tab = "marketing"
    success_url = reverse_lazy("customer:marketing-preferences")

    def get_object(self, queryset=None):
        return marketing.preferences_for(self.request.user)

    def form_valid(self, form):
        messages.success(self.request, "Your email choices are saved.")
        return super().form_valid(form)


class PrivacyView(PageTitleMixin, generic.TemplateView):
    """R-A1, R-A3: security of the account and the customer's data, in one place."""

    template_name = "oscar/customer/privacy/privacy.html"
    page_title = "Privacy and security"
    active_tab = "privacy"


class SignOutOtherSessionsView(generic.View):
    """R-A1: end every other session (other browsers, phones, a shared computer)."""

    http_method_names = ["post"]

    def post(self, request):
        sessions.end_other_sessions(request.user)
        update_session_auth_hash(request, request.user)  # this browser stays signed in
        messages.success(request, "You are now signed out everywhere else. This browser stays signed in.")
        return redirect("customer:privacy")


class DownloadMyDataView(generic.View):
    """R-A3: everything we hold about the customer, as a JSON file."""

    def get(self, request):
        data = personal_data.export_personal_data(request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"bookclub-my-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ProfileDeleteView(PageTitleMixin, generic.FormView):
    """R-A3: close the account. Shows what will happen, asks for the password, then erases or
    anonymises the personal data and signs the customer out everywhere (Oscar's view deleted
    the user, and their orders' link with it, without a word)."""

    form_class = PasswordConfirmForm
    template_name = "oscar/customer/privacy/close_account.html"
    page_title = "Close my account"
    active_tab = "privacy"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"summary": closure_summary(self.request.user)}

    def form_valid(self, form):
        personal_data.close_account(self.request.user)
        logout(self.request)
        messages.success(
            self.request,
            "Your account is closed and your personal details are erased. Thank you for reading with us.",
        )
        return redirect("/")


class OrderLineView(oscar_views.OrderLineView):
    """Why: Oscar looks the line up with ``.get()``, so another order's line id was a 500."""

    def get_object(self, queryset=None):
        order = get_object_or_404(Order, user=self.request.user, number=self.kwargs["order_number"])
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])
