from legal.privacy_models import ConsentRecord, MarketingPreferences  # noqa: F401
