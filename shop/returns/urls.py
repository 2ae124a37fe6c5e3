from django.contrib.auth.decorators import login_required
from django.urls import path

from shop.returns import views

app_name = "returns"

urlpatterns = [
    path("orders/<str:order_number>/cancel/", login_required(views.CancelView.as_view()), name="cancel"),
    path(
        "orders/<str:order_number>/returns/<int:pk>/note/",
        login_required(views.ReturnsNoteView.as_view()),
        name="returns-note",
    ),
]
