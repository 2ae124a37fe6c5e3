from django.contrib.auth.decorators import login_required
from django.urls import path

from shop.ebooks import views

app_name = "ebooks"

urlpatterns = [
    path("", login_required(views.BookshelfView.as_view()), name="shelf"),
    path("<int:pk>/download/", login_required(views.StartDownloadView.as_view()), name="start"),
    path("download/<str:token>/", login_required(views.download), name="download"),
]
