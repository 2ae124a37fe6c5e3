"""The book club's own pages: joining a plan, and My Account's subscriptions section."""

from django.urls import path

from bookclub.views import account, joining

app_name = "bookclub"

urlpatterns = [
    # Joining (the plan page's Join button points at the first)
    path("club/plans/<int:plan_id>/join/", joining.JoinView.as_view(), name="join"),
    path("club/join/<int:pk>/card/", joining.CardView.as_view(), name="join-card"),
    path("club/join/<int:pk>/review/", joining.ReviewView.as_view(), name="join-review"),
    path("club/join/return/", joining.PaymentReturnView.as_view(), name="join-return"),
    path("club/join/<int:pk>/welcome/", joining.JoinedView.as_view(), name="joined"),
    # My Account
    path("accounts/subscriptions/", account.SubscriptionListView.as_view(), name="subscriptions"),
    path("accounts/subscriptions/<int:pk>/", account.SubscriptionDetailView.as_view(), name="subscription"),
    path(
        "accounts/subscriptions/<int:pk>/card/", account.ReplaceCardView.as_view(), name="subscription-card"
    ),
    path(
        "accounts/subscriptions/<int:pk>/invoices/<str:number>/pay/",
        account.PayInvoiceView.as_view(),
        name="invoice-pay",
    ),
    path(
        "accounts/subscriptions/invoices/return/", account.InvoiceReturnView.as_view(), name="invoice-return"
    ),
    path(
        "accounts/subscriptions/<int:pk>/<slug:action>/",
        account.SubscriptionActionView.as_view(),
        name="subscription-action",
    ),
]
