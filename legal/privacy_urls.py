from django.urls import path

from legal import privacy_views

urlpatterns = [
    path("cookies/preferences/", privacy_views.preferences, name="cookie-preferences"),
    path("cookies/consent/", privacy_views.record_from_banner, name="cookie-consent"),
    path("cookies/beacon/", privacy_views.analytics_beacon, name="cookie-beacon"),
    path("unsubscribe/<str:token>/", privacy_views.unsubscribe, name="marketing-unsubscribe"),
]
