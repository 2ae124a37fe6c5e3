from django.urls import path

from legal.privacy import views

urlpatterns = [
    path("cookies/preferences/", views.preferences, name="cookie-preferences"),
    path("cookies/consent/", views.record_from_banner, name="cookie-consent"),
    path("cookies/beacon/", views.analytics_beacon, name="cookie-beacon"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="marketing-unsubscribe"),
]
