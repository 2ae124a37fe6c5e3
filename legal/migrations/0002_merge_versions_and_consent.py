from django.db import migrations


class Migration(migrations.Migration):
    """Legal versions and cookie consent were built side by side; this joins their histories."""

    dependencies = [
        ("legal", "0001_consent"),
        ("legal", "0001_versions"),
    ]

    operations = []
