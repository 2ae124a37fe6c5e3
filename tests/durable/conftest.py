import pytest
from django.utils import timezone

from shop.payment.models import CheckoutPayment
from tests.factories import BookFactory, UserFactory
from tests.factories.orders import make_basket, place_order
from tests.shop.checkout.helpers import uk_shipping_country


@pytest.fixture
def make_paid_order(legal_documents_in_force):
    """An order placed for a payment that succeeded, as checkout places it (its confirmation
    not sent: each test says how it goes)."""

    def make(email="reader@example.com"):
        uk_shipping_country()
        user = UserFactory(email=email)
        order = place_order(make_basket(BookFactory(stockrecord__price="10.00"), owner=user))
        CheckoutPayment.objects.create(
            payment_intent_id=f"pi_test_{order.number}",
            user=user,
            order_number=order.number,
            amount=order.total_incl_tax,
            agreed_terms_at=timezone.now(),
            status=CheckoutPayment.Status.PLACED,
            order=order,
        )
        return order

    return make


@pytest.fixture
def smtp_settings(settings):
    """Send email over SMTP to a FakeSMTP: ``smtp_settings(server)``."""

    def point_at(server):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5

    return point_at
