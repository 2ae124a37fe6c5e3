"""The subscriber's payment pages of the monthly run (mounted at /club/payments/)."""

from django.urls import path

from bookclub.payment_views import AuthenticatePaymentView

app_name = "bookclub_payments"

urlpatterns = [
    path("<int:cycle_id>/", AuthenticatePaymentView.as_view(), name="authenticate"),
]
