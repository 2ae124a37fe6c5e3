"""What My Account holds about a customer, in their data export and when they close the account
(R-A3): addresses, emails and notifications, stock alerts, wish lists, reviews, searches and
books viewed. Oscar's apps for these are not forked, so the customer fork speaks for them.

Registered with legal.privacy.personal_data by CustomerConfig.ready().
"""

from oscar.core.loading import get_model

from legal.privacy import personal_data
from legal.privacy.personal_data import plain, value

UserAddress = get_model("address", "UserAddress")
Order = get_model("order", "Order")
Email = get_model("communication", "Email")
Notification = get_model("communication", "Notification")
ProductAlert = get_model("customer", "ProductAlert")
WishList = get_model("wishlists", "WishList")
ProductReview = get_model("reviews", "ProductReview")
UserSearch = get_model("analytics", "UserSearch")
UserProductView = get_model("analytics", "UserProductView")
UserRecord = get_model("analytics", "UserRecord")


def closure_summary(user) -> dict:
    """What closing the account will do, in numbers the confirmation page shows."""
    return {
        "addresses": UserAddress.objects.filter(user=user).count(),
        "orders": Order.objects.filter(user=user).count(),
    }


def export_addresses(user) -> list[dict]:
    return [
        plain(address, exclude={"id"}) | {"country": address.country.printable_name}
        for address in UserAddress.objects.filter(user=user).select_related("country").order_by("pk")
    ]


def export_emails(user) -> list[dict]:
    return [
        {"subject": email.subject, "sent_at": value(email.date_sent), "address": email.email}
        for email in Email.objects.filter(user=user).order_by("date_sent")
    ]


def export_notifications(user) -> list[dict]:
    return [
        {"subject": note.subject, "body": note.body, "sent_at": value(note.date_sent)}
        for note in Notification.objects.filter(recipient=user).order_by("date_sent")
    ]


def export_stock_alerts(user) -> list[dict]:
    return [
        {"product": str(alert.product), "status": alert.status, "created_at": value(alert.date_created)}
        for alert in ProductAlert.objects.filter(user=user).select_related("product")
    ]


def export_wish_lists(user) -> list[dict]:
    return [
        {"name": wish_list.name, "titles": [line.get_title() for line in wish_list.lines.all()]}
        for wish_list in WishList.objects.filter(owner=user).prefetch_related("lines__product")
    ]


def export_reviews(user) -> list[dict]:
    return [
        {"product": str(review.product), "title": review.title, "body": review.body, "score": review.score}
        for review in ProductReview.objects.filter(user=user).select_related("product")
    ]


def export_searches(user) -> list[dict]:
    return [
        {"query": search.query, "searched_at": value(search.date_created)}
        for search in UserSearch.objects.filter(user=user).order_by("date_created")
    ]


def export_books_viewed(user) -> list[dict]:
    return [
        {"product": str(view.product), "viewed_at": value(view.date_created)}
        for view in UserProductView.objects.filter(user=user)
        .select_related("product")
        .order_by("date_created")
    ]


def erase(user) -> None:
    """Saved addresses, emails, notifications, stock alerts, wish lists and browsing history go;
    reviews stay, signed by "A former member"."""
    UserAddress.objects.filter(user=user).delete()
    Email.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    ProductAlert.objects.filter(user=user).delete()
    WishList.objects.filter(owner=user).delete()
    ProductReview.objects.filter(user=user).update(user=None, name="A former member", email="")
    for model in (UserSearch, UserProductView, UserRecord):
        model.objects.filter(user=user).delete()


def register() -> None:
    sections = [
        ("addresses", export_addresses, [UserAddress]),
        ("emails_sent_to_you", export_emails, [Email]),
        ("notifications", export_notifications, [Notification]),
        ("stock_alerts", export_stock_alerts, [ProductAlert]),
        ("wish_lists", export_wish_lists, [WishList]),
        ("reviews", export_reviews, [ProductReview]),
        ("searches", export_searches, [UserSearch]),
        ("books_viewed", export_books_viewed, [UserProductView]),
    ]
    for name, export, models in sections:
        personal_data.register_exporter(name, export, models=models)
    personal_data.register_eraser("my_account", erase)
