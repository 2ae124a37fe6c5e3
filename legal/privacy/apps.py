from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Cookie consent, marketing preferences and unsubscribing, download my data and closing an
    account (R-A1 to R-A4, R-A6): above the legal documents, below the shop."""

    name = "legal.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from legal.privacy import consent, marketing, personal_data
        from legal.privacy.models import ConsentRecord, MarketingPreferences

        personal_data.register_exporter(
            "marketing_preferences", marketing.export_preferences, models=[MarketingPreferences]
        )
        personal_data.register_exporter("cookie_consents", consent.export_choices, models=[ConsentRecord])
        personal_data.register_eraser("marketing_preferences", marketing.erase_preferences)
        personal_data.register_eraser("cookie_consents", consent.unlink_choices)
