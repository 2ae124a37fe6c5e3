import oscar.apps.customer.apps as apps
from django.contrib.auth.decorators import login_required
from django.urls import path
from oscar.core.loading import get_class

# Oscar's My Account sections a book club's members have no use for (issue 15): stock alerts,
# the notifications inbox and wish lists. Their addresses are not served, the tabs are gone
# (templates/oscar/customer/partials/standard_tabs.html) and "wishlists" is a hidden feature, so
# Oscar's templates drop their buttons. The models stay: old rows are still in a member's data
# download and go when the account closes (R-A3, shop/customer/personal_data.py).
REMOVED_SECTIONS = ("alert", "notifications-", "wishlists-")


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def ready(self):
        super().ready()
        self.marketing_view = get_class("customer.views", "MarketingPreferencesView")
        self.privacy_view = get_class("customer.views", "PrivacyView")
        self.sign_out_others_view = get_class("customer.views", "SignOutOtherSessionsView")
        self.download_data_view = get_class("customer.views", "DownloadMyDataView")
        from shop.customer import personal_data

        personal_data.register()

    def get_urls(self):
        # Oscar's profile-delete URL (accounts/profile/delete/) now closes the account (R-A3).
        urls = [
            path("marketing/", login_required(self.marketing_view.as_view()), name="marketing-preferences"),
            path("privacy/", login_required(self.privacy_view.as_view()), name="privacy"),
            path(
                "privacy/sign-out-others/",
                login_required(self.sign_out_others_view.as_view()),
                name="sign-out-others",
            ),
            path(
                "privacy/my-data.json",
                login_required(self.download_data_view.as_view()),
                name="download-data",
            ),
        ]
        kept = [
            pattern
            for pattern in super().get_urls()
            if not (getattr(pattern, "name", None) or "").startswith(REMOVED_SECTIONS)
            and str(pattern.pattern) != "notifications/"  # Oscar's unnamed redirect to the inbox
        ]
        return kept + self.post_process_urls(urls)
