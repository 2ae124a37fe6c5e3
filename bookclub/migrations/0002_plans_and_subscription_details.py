"""Plans, and everything a subscription records (docs/subscriptions.md).

The first table is kept: `status` becomes `state` (its values stay valid) and the old link to a
product is carried over to a plan by the next migration, before it is dropped in 0004.
"""

import django.db.models.deletion
import django.utils.timezone
import oscar.models.fields
import phonenumber_field.modelfields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("address", "0007_useraddress_code"),
        ("bookclub", "0001_subscription"),
        ("catalogue", "0035_product_is_listed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DiscountClaim",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                ("email_hash", models.CharField(max_length=64, unique=True)),
                ("address_hash", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ("card_hash", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ("claimed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["claimed_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="SubscriptionEmail",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                ("code", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "skipped",
                    models.BooleanField(
                        default=False, help_text="Not sent: the account has no usable email."
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="SubscriptionEvent",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                ("action", models.CharField(max_length=32)),
                ("from_state", models.CharField(blank=True, max_length=20)),
                ("to_state", models.CharField(max_length=20)),
                (
                    "actor",
                    models.CharField(
                        choices=[
                            ("customer", "The customer"),
                            ("admin", "An order admin"),
                            ("system", "The system"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        blank=True, help_text="A reason code, where there is one.", max_length=64
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("details", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="SubscriptionMonth",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                ("month", models.DateField(help_text="The first day of the month.")),
                ("skipped", models.BooleanField(default=False)),
                ("ebook_titles", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["month"],
            },
        ),
        migrations.RenameField(model_name="subscription", old_name="status", new_name="state"),
        migrations.AlterField(
            model_name="subscription",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Joining"),
                    ("active", "Active"),
                    ("suspended", "Suspended"),
                    ("cancelled", "Cancelled"),
                    ("ended", "Ended"),
                    ("purged", "Closed, details removed"),
                    ("abandoned", "Joining not completed"),
                ],
                db_index=True,
                default="pending",
                max_length=20,
            ),
        ),
        migrations.AlterModelOptions(
            name="subscription",
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.AddField(
            model_name="subscription",
            name="auto_renew",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancellation_effective_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancellation_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancellation_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("customer_request", "At the customer's request"),
                    ("significant_change", "The customer ended it before a change to the terms"),
                    ("misuse_of_discount", "Misuse of the first-order discount"),
                    ("non_payment", "Non-payment after a reminder"),
                    ("wrong_details", "Incorrect details not corrected"),
                    ("breach", "Breach of the terms"),
                    ("plan_withdrawn", "The plan was withdrawn"),
                    ("account_closed", "The customer closed their account"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancelled_by",
            field=models.CharField(
                blank=True,
                choices=[("customer", "The customer"), ("admin", "An order admin"), ("system", "The system")],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="card_brand",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="subscription",
            name="card_exp_month",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="card_exp_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="card_fingerprint",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="subscription",
            name="card_last4",
            field=models.CharField(blank=True, max_length=4),
        ),
        migrations.AddField(
            model_name="subscription",
            name="card_saved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="subscription",
            name="current_term_end",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="current_term_start",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="declared_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="declared_date_of_birth",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="declared_uk_resident",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="discount_claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="ebook_titles",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="first_order_discount",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="subscription",
            name="first_period",
            field=models.DateField(blank=True, help_text="The month of the first order.", null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="keep_details_until",
            field=models.DateField(
                blank=True, help_text="eBook plans: resumable until this day (90 days, R-S8).", null=True
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="next_order_on",
            field=models.DateField(
                blank=True, help_text="The month whose order forms next (on its first day).", null=True
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="stripe_customer_id",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="subscription",
            name="stripe_payment_method_id",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="subscription",
            name="suspended_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="suspended_by",
            field=models.CharField(
                blank=True,
                choices=[("customer", "The customer"), ("admin", "An order admin"), ("system", "The system")],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="suspension_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="subscription",
            name="suspension_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("misuse_of_discount", "Misuse of the first-order discount"),
                    ("non_payment", "Non-payment after a reminder"),
                    ("wrong_details", "Incorrect details not corrected"),
                    ("breach", "Breach of the terms"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="term_price",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="What the current term cost.",
                max_digits=10,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="customer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="subscriptions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("prepaid", "Pre-paid"),
                            ("pay_monthly", "Pay-monthly paperbacks"),
                            ("ebook", "Pay-monthly eBooks"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "term_months",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Pre-paid plans: the months one payment covers (3, 6, 12...).",
                        null=True,
                    ),
                ),
                (
                    "books_per_month",
                    models.PositiveSmallIntegerField(
                        blank=True, help_text="Paperback plans: books posted each month.", null=True
                    ),
                ),
                (
                    "min_titles",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="eBook plans: the fewest titles a member may choose for a month.",
                        null=True,
                    ),
                ),
                (
                    "max_titles",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="eBook plans: the most titles a member may choose for a month.",
                        null=True,
                    ),
                ),
                (
                    "default_titles",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="eBook plans: the titles a month brings unless the member chose.",
                        null=True,
                    ),
                ),
                ("is_open_to_new_members", models.BooleanField(default=True)),
                ("closed_to_new_members_at", models.DateTimeField(blank=True, null=True)),
                (
                    "withdrawn_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The plan was withdrawn altogether: every subscription ends.",
                        null=True,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plan",
                        to="catalogue.product",
                    ),
                ),
            ],
            options={
                "ordering": ["kind", "term_months", "id"],
            },
        ),
        migrations.AddField(
            model_name="subscription",
            name="plan_details",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="bookclub.plan"
            ),
        ),
        migrations.CreateModel(
            name="SubscriptionAddress",
            fields=[
                (
                    "id",
                    models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                ),
                ("code", oscar.models.fields.NullCharField(max_length=255, unique=True, verbose_name="Code")),
                (
                    "title",
                    models.CharField(
                        blank=True,
                        choices=[("Mr", "Mr"), ("Miss", "Miss"), ("Mrs", "Mrs"), ("Ms", "Ms"), ("Dr", "Dr")],
                        max_length=64,
                        verbose_name="Title",
                    ),
                ),
                ("first_name", models.CharField(blank=True, max_length=255, verbose_name="First name")),
                ("last_name", models.CharField(blank=True, max_length=255, verbose_name="Last name")),
                ("line1", models.CharField(max_length=255, verbose_name="First line of address")),
                (
                    "line2",
                    models.CharField(blank=True, max_length=255, verbose_name="Second line of address"),
                ),
                ("line3", models.CharField(blank=True, max_length=255, verbose_name="Third line of address")),
                ("line4", models.CharField(blank=True, max_length=255, verbose_name="City")),
                ("state", models.CharField(blank=True, max_length=255, verbose_name="State/County")),
                (
                    "postcode",
                    oscar.models.fields.UppercaseCharField(
                        blank=True, max_length=64, verbose_name="Post/Zip-code"
                    ),
                ),
                (
                    "search_text",
                    models.TextField(
                        editable=False, verbose_name="Search text - used only for searching addresses"
                    ),
                ),
                (
                    "phone_number",
                    phonenumber_field.modelfields.PhoneNumberField(
                        blank=True,
                        help_text="In case we need to call you about your order",
                        max_length=128,
                        region=None,
                        verbose_name="Phone number",
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True,
                        help_text="Tell us anything we should know when delivering your order.",
                        verbose_name="Instructions",
                    ),
                ),
                (
                    "country",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="address.country",
                        verbose_name="Country",
                    ),
                ),
            ],
            options={
                "verbose_name": "subscription delivery address",
                "verbose_name_plural": "subscription delivery addresses",
            },
        ),
        migrations.AddField(
            model_name="subscription",
            name="delivery_address",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="subscription",
                to="bookclub.subscriptionaddress",
            ),
        ),
        migrations.AddIndex(
            model_name="subscription",
            index=models.Index(fields=["state", "next_order_on"], name="subscription_due"),
        ),
        migrations.AddField(
            model_name="subscriptionevent",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="subscriptionevent",
            name="subscription",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="bookclub.subscription"
            ),
        ),
        migrations.AddField(
            model_name="subscriptionemail",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="emails",
                to="bookclub.subscriptionevent",
            ),
        ),
        migrations.AddField(
            model_name="subscriptionmonth",
            name="changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="subscriptionmonth",
            name="subscription",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="months", to="bookclub.subscription"
            ),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "prepaid"), _negated=True),
                    models.Q(("books_per_month__gte", 1), ("term_months__gte", 1)),
                    _connector="OR",
                ),
                name="plan_prepaid_has_a_term_and_books",
            ),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "pay_monthly"), _negated=True),
                    models.Q(("books_per_month__gte", 1), ("term_months__isnull", True)),
                    _connector="OR",
                ),
                name="plan_pay_monthly_has_books",
            ),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "ebook"), _negated=True),
                    models.Q(
                        ("books_per_month__isnull", True),
                        ("default_titles__gte", models.F("min_titles")),
                        ("max_titles__gte", models.F("default_titles")),
                        ("min_titles__gte", 1),
                        ("term_months__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="plan_ebook_has_a_title_range",
            ),
        ),
        migrations.AddIndex(
            model_name="subscriptionevent",
            index=models.Index(fields=["subscription", "created_at"], name="subscription_history"),
        ),
        migrations.AddConstraint(
            model_name="subscriptionemail",
            constraint=models.UniqueConstraint(fields=("event", "code"), name="one_email_per_event_and_code"),
        ),
        migrations.AddConstraint(
            model_name="subscriptionmonth",
            constraint=models.UniqueConstraint(
                fields=("subscription", "month"), name="one_choice_per_subscription_month"
            ),
        ),
    ]
