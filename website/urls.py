from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from shop.payment.webhooks import stripe_webhook
from website import views

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),  # Wagtail admin (editors)
    path("django-admin/", admin.site.urls),  # raw data editor (superusers)
    path("documents/", include(wagtaildocs_urls)),
    path("_hello/", views.hello, name="hello"),  # the benchmark's ceiling
    path("_header/", views.personal_header, name="personal-header"),  # shared pages' personal corner
    path("delivery/", include("shop.shipping.urls")),  # delivery and returns, from the live rules
    path("", include("legal.privacy.urls")),  # cookie consent, unsubscribe (R-A4, R-A6)
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("club/payments/", include("bookclub.payment_urls")),  # finishing 3-D Secure (R-P5)
    path("", include("bookclub.urls")),  # joining a plan; My Account's subscriptions
    # Oscar: /books/, /basket/, /checkout/, /accounts/, /search/, /dashboard/ ...
    path("", include(apps.get_app_config("oscar").urls[0])),
    # Oscar names the site root "home"; Wagtail serves it.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
]

if settings.DEBUG or settings.SERVE_MEDIA:  # the demo serves uploads without DEBUG too
    from django.views.static import serve

    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]
