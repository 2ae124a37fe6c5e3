"""Settings shared by every profile. Values that differ per machine come from the environment.

Profiles: ``dev`` (the demo, the default of manage.py), ``test`` (pytest) and ``production``.
Every variable read here is listed in docs/configuration.md.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# ==============================================================================
# GENERAL
# ==============================================================================
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Profiles without a real key (dev, test) set one of their own; production insists on the env.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# Keys the hashes of the once-per-person discount ledger (R-S5, docs/subscriptions.md). Once
# claims exist it must never change, so it is not SECRET_KEY (which may be rotated); empty
# falls back to SECRET_KEY.
BOOKCLUB_LEDGER_KEY = env("BOOKCLUB_LEDGER_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])


# A site on this machine only: no one else can receive a link to it, so plain HTTP is allowed
# there even in production (`make serve-production`, docs/deployment.md).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def checked_site_url(value: str, *, https_only: bool = False) -> str:
    """SITE_URL without its trailing slash, or ImproperlyConfigured saying what is wrong.

    ``https_only`` refuses ``http://`` except for a loopback host."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    loopback = parts is not None and parts.hostname in LOOPBACK_HOSTS
    schemes = ("https",) if https_only and not loopback else ("http", "https")
    if parts is None or parts.scheme not in schemes or not parts.hostname or parts.path not in ("", "/"):
        raise ImproperlyConfigured(
            f"SITE_URL must be the site's address, such as {schemes[-1]}://shop.example.co.uk"
            " (scheme, host and port if not the usual one; no path): every link in an email is built on it."
        )
    return f"{parts.scheme}://{parts.netloc}"


# The site's public address. Every absolute link in an email (password reset, order status,
# unsubscribe, confirmation, refunds, subscriptions) is built on it, and `migrate` keeps the
# Django and Wagtail Site rows on it (website/sites.py). Production requires it.
SITE_URL = checked_site_url(env("SITE_URL", default="http://127.0.0.1:8000"))
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
SITE_ID = 1
WAGTAIL_SITE_NAME = "The Bookclub"
SITE_NAME = WAGTAIL_SITE_NAME

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
AUTH_USER_MODEL = "accounts.User"

# ==============================================================================
# APPS
# ==============================================================================
DJANGO_APPS = [
    "website.apps.BookclubAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    # Inert: Oscar's customer migrations depend on it; no middleware, no editor (pages are Wagtail's).
    "django.contrib.flatpages",
]

THIRD_PARTY_APPS = [
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
]

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

# Oscar apps; the ones under shop/ are forks that keep only what they override.
OSCAR_APPS = [
    "shop.apps.BookshopConfig",  # Oscar's root config with our URL layout
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "shop.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",  # our search: Wagtail's index, not Haystack
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "shop.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "shop.dashboard.shipping.apps.ShippingDashboardConfig",
    "shop.dashboard.tasks.apps.TasksDashboardConfig",
]

LOCAL_APPS = [
    "durable.apps.DurableConfig",
    "shop.accounts.apps.AccountsConfig",
    "shop.ebooks.apps.EbooksConfig",
    "shop.returns.apps.ReturnsConfig",
    "legal.apps.LegalConfig",
    "legal.privacy.apps.PrivacyConfig",
    "bookclub.apps.BookclubConfig",
    "bookclub.dashboard.apps.SubscriptionsDashboardConfig",  # mounted at /dashboard/subscriptions/
    "website.apps.WebsiteConfig",
]

INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + WAGTAIL_APPS + OSCAR_APPS + LOCAL_APPS

# ==============================================================================
# MIDDLEWARE
# ==============================================================================
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise and the page cache: static files and cached pages get the headers too.
    "website.security.SecurityHeadersMiddleware",
    "website.middleware.RefererMiddleware",  # before any view trusts the Referer (Oscar's do)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before the session: a shared page needs nothing below, for any reader (website/page_cache.py).
    "website.page_cache.SharedPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shop.basket.middleware.BasketMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that a locked-out login attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out credentials first
    # The only password backend: it hashes once for known and unknown emails alike (permissions
    # come with it, from Django's ModelBackend).
    "shop.accounts.sign_in.EmailBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "customer:summary"
LOGOUT_REDIRECT_URL = "/"

# ==============================================================================
# TEMPLATES
# ==============================================================================
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # templates/ first, so our overrides at Oscar's own paths win.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
                "wagtail.contrib.settings.context_processors.settings",
            ],
            # Cached loaders in every profile: template compilation was a large share of the
            # reference sites' time (docs/performance.md).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

MESSAGE_TAGS = {message_constants.ERROR: "danger"}
# Messages in their cookie only (not the session's fallback): the page cache sees one is
# waiting without loading the session, and builds that reader's page so it shows.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# ==============================================================================
# DATABASES
# ==============================================================================
# SQLite file by default (the embedded profile); DATABASE_URL=postgres://... in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if "ENGINE" not in DATABASES["default"]:  # "" or a URL without a scheme django-environ knows
    raise ImproperlyConfigured(
        "DATABASE_URL is set but names no database"
        + (" (it is empty)" if not env.str("DATABASE_URL", default="") else "")
        + ": unset it to use the SQLite file db.sqlite3, or give one such as"
        " postgres://user:password@host:5432/bookclub (docs/configuration.md)."
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web process reads. SQLite has one writer at a
    # time: a transaction opened for reading (SQLite's default, DEFERRED) that later writes cannot
    # wait for the lock and fails at once with "database is locked", whatever the timeout. IMMEDIATE
    # takes the write lock when the transaction begins, where the 20 s timeout does wait for it
    # (docs/background-work.md). Every request is a transaction (ATOMIC_REQUESTS), so on SQLite
    # requests write one after another; PostgreSQL is the profile for many writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Keep connections between requests: reconnecting cost more than most pages' queries.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# ==============================================================================
# CACHES
# ==============================================================================
# Local memory by default; CACHE_URL=redis://127.0.0.1:6379/0 shares one cache between processes.
# django-environ maps redis:// to Django's built-in Redis backend (no django-redis installed).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://bookclub")}

# Sessions in the database (shared by every process); the cache backs them where it is shared.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# ==============================================================================
# STATIC AND MEDIA
# ==============================================================================
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Django serves MEDIA_URL itself only where no web server does (the demo); never in production.
SERVE_MEDIA = False
# Files that are never public (eBook EPUBs and the stamped copies customers download): outside
# MEDIA_ROOT, no URL maps to them; they leave only through a signed download (docs/ebooks.md).
PRIVATE_ROOT = env("DJANGO_PRIVATE_ROOT", default=str(BASE_DIR / "var" / "private"))
# django-sendfile2: the simple backend (Django sends the file) in the demo and the tests;
# production.py switches to nginx's X-Accel-Redirect so no Python worker streams a file.
SENDFILE_BACKEND = "django_sendfile.backends.simple"
SENDFILE_ROOT = PRIVATE_ROOT
SENDFILE_URL = "/protected"
# How long a signed eBook download link works, in seconds (R-E1).
EBOOK_LINK_MAX_AGE = 300
# Where customers send books back (R-X2), printed on returns notes and despatch notes.
RETURNS_ADDRESS = env.list(
    "RETURNS_ADDRESS",
    default=["The Bookclub Returns", "Unit 4, Canal Wharf", "Leeds", "LS11 5PS", "United Kingdom"],
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ==============================================================================
# WAGTAIL
# ==============================================================================
WAGTAILADMIN_BASE_URL = SITE_URL  # Wagtail's own emails to editors
# Editors sign in on Wagtail's own staff sign-in page (/cms/login/), not the shop's "Login or
# register": one session all the same, so a staff member signed in on either reaches both tools.
# Wagtail's database backend with a faster SQLite match (shop/search/backend.py, docs/search.md).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "shop.search.backend"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "epub", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatars fetched from gravatar.com: editors' email hashes stay here, and the admin's
# Content-Security-Policy loads images from this site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# ==============================================================================
# OSCAR
# ==============================================================================
from oscar.defaults import *  # noqa: F403

OSCAR_SHOP_NAME = WAGTAIL_SITE_NAME
OSCAR_SHOP_TAGLINE = "Books chosen by people who read them"
OSCAR_DEFAULT_CURRENCY = "GBP"
OSCAR_CURRENCY_FORMAT = {"GBP": {"currency_digits": False, "format_type": "standard"}}
OSCAR_HOMEPAGE = "/"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_PRODUCTS_PER_PAGE = 20
OSCAR_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="The Bookclub <hello@bookclub.test>")
OSCAR_RECENTLY_VIEWED_PRODUCTS = 0  # a cookie on every product view stops shared caching
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
# Readers' reviews are not part of the shop: no page of ours shows or asks for them, and Oscar's
# review pages rendered our book page without what it needs (500s the fuzz test found). Hidden,
# Oscar serves none of their addresses and its templates drop their links.
# Wish lists are not either (issue 15): hidden, Oscar's templates drop their buttons, and
# shop/customer/apps.py serves none of their addresses (with stock alerts and notifications).
OSCAR_HIDDEN_FEATURES = ["reviews", "wishlists"]
# Oscar's own emails (password reset and changes) join this scheme to the Site's domain.
OSCAR_URL_SCHEMA = urlsplit(SITE_URL).scheme
# Pages belong to Wagtail: drop Oscar's flatpages editor from the dashboard menu.
for _section in OSCAR_DASHBOARD_NAVIGATION:
    if "children" in _section:
        _section["children"] = [
            child for child in _section["children"] if child.get("url_name") != "dashboard:page-list"
        ]
# Delivery rules belong to order admins (R-D1, R-D2): list them in the menu holding orders.
for _section in OSCAR_DASHBOARD_NAVIGATION:
    if any(child.get("url_name") == "dashboard:order-list" for child in _section.get("children", [])):
        _section["children"] += [
            {"label": "Refunds", "url_name": "dashboard:refund-list"},
            {"label": "Returns and refunds due", "url_name": "dashboard:return-list"},
            {"label": "Background tasks", "url_name": "dashboard:task-list"},
            {"label": "Delivery methods", "url_name": "dashboard:shipping-method-list"},
            {"label": "Blocked destinations", "url_name": "dashboard:shipping-blocked-destinations"},
        ]
# Subscriptions belong to order admins too (R-U2, R-S9): their own menu, after the orders.
_orders_menu = next(
    index
    for index, section in enumerate(OSCAR_DASHBOARD_NAVIGATION)
    if any(child.get("url_name") == "dashboard:order-list" for child in section.get("children", []))
)
OSCAR_DASHBOARD_NAVIGATION.insert(
    _orders_menu + 1,
    {
        "label": "Subscriptions",
        "icon": "fas fa-book-open",
        "children": [
            {"label": "Subscriptions", "url_name": "dashboard:subscription-list"},
            {"label": "Monthly run", "url_name": "dashboard:monthly-run"},
            {"label": "Withdraw a plan", "url_name": "dashboard:plan-withdrawal-list"},
        ],
    },
)
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Cancelled"),
    "Being processed": ("Shipped", "Cancelled"),
    "Shipped": ("Complete",),
    "Complete": (),
    "Cancelled": (),
}
# Lines follow the order, and one line alone can be cancelled (R-X6: a line we cannot supply;
# R-X1, R-X5: cancelled by the customer) or, once dispatched, returned (R-X3, R-X4, R-X7).
OSCAR_LINE_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Cancelled"),
    "Being processed": ("Shipped", "Cancelled"),
    "Shipped": ("Complete", "Returned"),
    "Complete": ("Returned",),
    "Cancelled": (),
    "Returned": (),
}
OSCAR_ORDER_STATUS_CASCADE = {
    "Being processed": "Being processed",
    "Shipped": "Shipped",
    "Cancelled": "Cancelled",
    "Complete": "Shipped",
}

# Oscar's catalogue search uses Haystack; the simple backend needs no server.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"  # the simple backend keeps no index

THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
THUMBNAIL_PRESERVE_FORMAT = True

# ==============================================================================
# STRIPE
# ==============================================================================
# With no secret key the site talks to localstripe on loopback (the embedded default);
# with test or live keys it talks to Stripe itself. Only shop/payment/stripe_api.py reads these.
LOCALSTRIPE_URL = env("LOCALSTRIPE_URL", default="http://127.0.0.1:8420")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
if STRIPE_SECRET_KEY:
    STRIPE_API_BASE = env("STRIPE_API_BASE", default="") or None
    STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
else:
    STRIPE_SECRET_KEY = "sk_test_localstripe"
    STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET or "whsec_localstripe"
    STRIPE_API_BASE = LOCALSTRIPE_URL
    STRIPE_JS_URL = f"{LOCALSTRIPE_URL}/js.stripe.com/v3/"

# ==============================================================================
# TASKS
# ==============================================================================
# Tasks are rows in the database; `manage.py db_worker` processes run them, on any machine.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# ==============================================================================
# EMAIL
# ==============================================================================
# EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = OSCAR_FROM_EMAIL
SERVER_EMAIL = env("SERVER_EMAIL", default="alerts@bookclub.test")

# ==============================================================================
# SECURITY
# ==============================================================================
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
# Attempts count under the email as sign-in compares it: any case, no surrounding spaces.
AXES_USERNAME_CALLABLE = "shop.accounts.sign_in.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"  # a page that explains, with status 429
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN on themselves

# Content-Security-Policy (django-csp, website/security.py). The site runs no inline script or
# style and loads nothing from elsewhere: everything is a file under /static/. The checkout
# pages add Stripe.js's sources from STRIPE_JS_URL. docs/configuration.md explains each line.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the stylesheet's small SVG icons
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}
# Pages besides the checkout that run Stripe.js: finishing a monthly charge's 3-D Secure (R-P5).
STRIPE_PAGE_PREFIXES = ["/club/payments/"]
# The staff tools (Wagtail's admin, Oscar's dashboard, Django's admin) run their frameworks' own
# templates, which carry inline scripts, event-handler attributes and styles; they still load
# nothing from another site, and only this site may frame them (Wagtail's preview).
STAFF_TOOL_PREFIXES = ["/cms/", "/dashboard/", "/django-admin/"]
STAFF_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
    }
}

# ==============================================================================
# LOGGING
# ==============================================================================
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "shop": {"level": env("LOG_LEVEL", default="INFO")},
        "bookclub": {"level": env("LOG_LEVEL", default="INFO")},
        "legal": {"level": env("LOG_LEVEL", default="INFO")},
        "website": {"level": env("LOG_LEVEL", default="INFO")},
        "django_tasks": {"level": "INFO"},
    },
}
