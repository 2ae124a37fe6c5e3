from django.db import migrations


class Migration(migrations.Migration):
    """The consent records and marketing preferences move to the privacy app, and the accepted
    terms of an order to the order fork, with their tables and rows: only Django's record of
    which app owns them changes here (privacy/0001 and order/0026 take them over)."""

    dependencies = [("legal", "0002_merge_versions_and_consent")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ConsentRecord"),
                migrations.DeleteModel(name="MarketingPreferences"),
                migrations.DeleteModel(name="OrderLegalAcceptance"),
            ]
        )
    ]
