"""
Settings for the campaign site.

Every value that differs between a laptop and production is read once, here, from the
environment (see the table in README.md). The defaults are the embedded newcomer setup:
SQLite, the local-memory cache, console email and demo payments.
"""

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core ---------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# pytest sets PYTEST_VERSION in the environment of the run it drives.
TESTING = env.bool("DJANGO_TESTING", default=bool(os.environ.get("PYTEST_VERSION")))

_DEV_SECRET_KEY = "django-insecure-dev-only-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INSTALLED_APPS = [
    # Django's admin with two-factor sign-in and the staff dashboard (staff/site.py, staff/apps.py).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "staff.apps.BackgroundTasksConfig",  # django_tasks_db, named in words (staff/apps.py)
    "simple_history",
    "staff.apps.SignInLockoutsConfig",  # axes
    "django_otp",
    "staff.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "staff.apps.BackupCodesConfig",  # django_otp.plugins.otp_static
    # Passkeys (WebAuthn) as a second step, beside the authenticator app and backup codes.
    "staff.apps.PasskeysConfig",  # django_otp_webauthn
    "phonenumber_field",
    "django_countries",
    "altcha_django",
    "campaign",
    "donations",
    "destination",
    # Staff sign-in: two-step enrolment invitations (issue 18).
    "staffauth",
    # The privacy, terms and contact pages (staff-edited, with Spanish versions).
    "pages",
    # Homes for coming capabilities (see README, "Architecture"): no models yet.
    "recognition",
    "fundraisers",
    "donors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    # Before anything reads the query string or the path (the page cache, then the views).
    "config.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, auth and messages: a cached public page is served without touching them.
    "core.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out attempt never reaches the views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # SQLite: wait for a writer instead of failing at once, as several requests may write.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="campaign"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "campaign-site",
            "TIMEOUT": 300,
        }
    }
    # Like the rate limits, ALTCHA's single-use claims then hold per process (README: set REDIS_URL).
    # Fine for development and tests; a production deploy without Redis keeps the warning.
    if DEBUG or TESTING:
        SILENCED_SYSTEM_CHECKS = ["altcha.W001"]

# How long a cached public page may live without any change (core.cache): what changes
# with the clock alone (days left, an update whose publication time comes) shows within this.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long a worker may serve the gift form from its own memory before asking the shared cache
# again whether anything changed (donations.form_cache): a change shows on every worker within it.
# 0 asks on every request (the tests do, so that each change shows at once).
FORM_CACHE_RECHECK_SECONDS = env.float("FORM_CACHE_RECHECK_SECONDS", default=0 if TESTING else 1)

# /bare/, the benchmark's constant-response yardstick, exists only when this is on (bench scripts set it).
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)

# --- Background work ----------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django.tasks.backends.immediate.ImmediateBackend",
        ),
    }
}

# --- Email --------------------------------------------------------------------------------


def _mailer_from_url(url: str) -> dict:
    """Turn EMAIL_URL (console://, locmem://, smtp://user:pass@host:587, smtps://…) into a mailer."""
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {parts.scheme!r} is not one of {sorted(backends)}.")
    mailer = {"BACKEND": backends[parts.scheme]}
    if backends[parts.scheme].endswith("smtp.EmailBackend"):
        mailer["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": parts.scheme == "submission" or "tls=1" in parts.query,
            "timeout": 10,
        }
    return mailer


EMAIL_URL = env.str("EMAIL_URL", default="")
# Receipts and confirmations carry donors' and families' names and addresses: in production they
# go to a mail server or, chosen on purpose, nowhere; never to stdout (console) or to memory.
if not (DEBUG or TESTING) and urlsplit(EMAIL_URL).scheme not in ("smtp", "smtps", "submission", "dummy"):
    raise ImproperlyConfigured(
        "EMAIL_URL must name a real mail server when DJANGO_DEBUG is off "
        "(smtp://, smtps:// or submission://; dummy:// to send nothing on purpose), "
        "e.g. EMAIL_URL=submission://user:password@smtp.example.org:587"
    )
MAILERS = {"default": _mailer_from_url(EMAIL_URL or "console://")}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Children's Hospital Foundation <giving@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Payments -----------------------------------------------------------------------------

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Demo payments exist only when no Stripe key is configured, and never in production.
DEMO_PAYMENTS = not STRIPE_SECRET_KEY
if DEMO_PAYMENTS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required when DJANGO_DEBUG is off "
            "(demo payments are for development only)."
        )
    STRIPE_WEBHOOK_SECRET = "whsec_demo_payments_only"
elif not STRIPE_WEBHOOK_SECRET:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is required whenever STRIPE_SECRET_KEY is set.")

GIFT_MIN_CENTS = env.int("GIFT_MIN_CENTS", default=500)
GIFT_MAX_CENTS = env.int("GIFT_MAX_CENTS", default=2_500_000)
GIFT_CURRENCY = "usd"
# The largest total an online pledge may promise (instalment × instalments); larger ones go through staff.
PLEDGE_MAX_CENTS = env.int("PLEDGE_MAX_CENTS", default=10_000_000)
# How many days before a quarterly or annual instalment its reminder goes out (send_pledge_reminders).
PLEDGE_REMINDER_DAYS = env.int("PLEDGE_REMINDER_DAYS", default=7)
# Donor-wall messages wait for staff approval (names show at once); off publishes them at once.
DONOR_WALL_PREMODERATION = env.bool("DONOR_WALL_PREMODERATION", default=True)
# Honoree notices (an email to whoever a gift honors) a day, per recipient address and per donor.
HONOREE_NOTICES_PER_RECIPIENT_PER_DAY = env.int("HONOREE_NOTICES_PER_RECIPIENT_PER_DAY", default=1)
HONOREE_NOTICES_PER_DONOR_PER_DAY = env.int("HONOREE_NOTICES_PER_DONOR_PER_DAY", default=3)
# The meter's totals are split over this many rows each (campaign.models.Tally): a payment moves
# one, so concurrent payments to one campaign rarely wait on each other; readers sum them.
TALLY_STRIPES = max(1, env.int("TALLY_STRIPES", default=8))

# Card-testing defenses on the gift form's POST (donations/antifraud.py; README, "Security").
# A donor creates one or two Checkout Sessions; a card tester creates hundreds.
GIFT_SESSIONS_PER_ADDRESS = env.int("GIFT_SESSIONS_PER_ADDRESS", default=5)
GIFT_ADDRESS_WINDOW_SECONDS = env.int("GIFT_ADDRESS_WINDOW_SECONDS", default=600)
GIFT_SESSIONS_PER_ADDRESS_MAX = env.int("GIFT_SESSIONS_PER_ADDRESS_MAX", default=20)
GIFT_SESSIONS_GLOBAL_PER_MINUTE = env.int("GIFT_SESSIONS_GLOBAL_PER_MINUTE", default=10)
GIFT_SESSIONS_GLOBAL_PER_HOUR = env.int("GIFT_SESSIONS_GLOBAL_PER_HOUR", default=200)
GIFT_CHALLENGE_SECONDS = env.int("GIFT_CHALLENGE_SECONDS", default=600)
# Cloudflare Turnstile, asked for only when a limit trips. Both keys or neither.
TURNSTILE_SITE_KEY = env.str("TURNSTILE_SITE_KEY", default="")
TURNSTILE_SECRET_KEY = env.str("TURNSTILE_SECRET_KEY", default="")
if bool(TURNSTILE_SITE_KEY) != bool(TURNSTILE_SECRET_KEY):
    raise ImproperlyConfigured("Set both TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY, or neither.")
# Off (the default): when Cloudflare cannot be reached, a challenged donor is asked to try again
# in a minute. On: they are let through unchecked, trading protection for availability.
TURNSTILE_FAIL_OPEN = env.bool("TURNSTILE_FAIL_OPEN", default=False)
TURNSTILE_TIMEOUT_SECONDS = env.float("TURNSTILE_TIMEOUT_SECONDS", default=5.0)
# Without Turnstile keys the check is a self-hosted proof of work (ALTCHA, core/proof_of_work.py):
# the browser spends about a second of work, nothing leaves the site. Its challenges are signed
# with ALTCHA_HMAC_SECRET (default: derived from DJANGO_SECRET_KEY) and each solution passes once
# (the claim is kept in the shared cache).
ALTCHA_HMAC_SECRET = (
    env.str("ALTCHA_HMAC_SECRET", default="") or hashlib.sha256(f"altcha-challenges:{SECRET_KEY}".encode()).hexdigest()
)
ALTCHA_CHALLENGE = {"expires_seconds": 1200}
# The challenge travels in the (never cached) gift form itself, so no extra URL is needed.
ALTCHA_WIDGET_CHALLENGE_MODE = "inline"
ALTCHA_CHALLENGE_ENDPOINT_ENABLED = False
ALTCHA_WIDGET_I18N = True  # the widget's own Spanish, from the vendored file (no CDN)

# The receipt's legal wording: a tax office needs the legal name and tax id.
ORG_LEGAL_NAME = env.str("ORG_LEGAL_NAME", default="Children's Hospital Foundation, Inc.")
ORG_TAX_ID = env.str("ORG_TAX_ID", default="00-0000000")
ORG_ADDRESS = env.str("ORG_ADDRESS", default="282 Washington Street, Hartford, CT 06106")
ORG_NAME = env.str("ORG_NAME", default="Children's Hospital Foundation")

# --- Fundraisers' pages (fundraisers/) ------------------------------------------------------
# pre: a new page is public only once staff approve it (a story may mention a patient);
# post: public at once, and staff hide it if need be.
FUNDRAISER_MODERATION = env.str("FUNDRAISER_MODERATION", default="pre")
if FUNDRAISER_MODERATION not in ("pre", "post"):
    raise ImproperlyConfigured("FUNDRAISER_MODERATION must be pre or post.")
# Per client address and hour: sign-up links asked for, and pages created.
FUNDRAISER_SIGNUPS_PER_HOUR = env.int("FUNDRAISER_SIGNUPS_PER_HOUR", default=5)
FUNDRAISER_PAGES_PER_HOUR = env.int("FUNDRAISER_PAGES_PER_HOUR", default=3)
# Thank-you notes a fundraiser may send through the site in an hour (each donor gets one at most).
FUNDRAISER_THANKS_PER_HOUR = env.int("FUNDRAISER_THANKS_PER_HOUR", default=30)
# How many fundraisers' pages and teams the campaign page's leaderboard names.
FUNDRAISER_LEADERBOARD_SIZE = env.int("FUNDRAISER_LEADERBOARD_SIZE", default=5)

# --- Naming opportunities (recognition/) ---------------------------------------------------

# Who gets the task email about a naming inquiry (default: every active member of Development staff).
NAMING_NOTIFY_EMAILS = env.list("NAMING_NOTIFY_EMAILS", default=[])
# Naming inquiries accepted per client address per hour.
NAMING_INQUIRIES_PER_HOUR = env.int("NAMING_INQUIRIES_PER_HOUR", default=5)

# --- Destination Care ---------------------------------------------------------------------

# Who is told (by a link, never the details) that a new inquiry or referral arrived.
DESTINATION_NOTIFY_EMAILS = env.list("DESTINATION_NOTIFY_EMAILS", default=[])
# Days after a request is closed or declined before purge_inquiries erases it.
INQUIRY_RETENTION_DAYS = env.int("INQUIRY_RETENTION_DAYS", default=180)
# Inquiries and referrals accepted per client address per hour.
DESTINATION_RATE_LIMIT_PER_HOUR = env.int("DESTINATION_RATE_LIMIT_PER_HOUR", default=5)

# --- Auth ---------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where a sign-in lands when its ?next= is missing or refused as off-site (not Django's /accounts/profile/).
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
# Locked by account (a password guessed from many addresses) or by address (many accounts tried
# from one): either reaching the limit pauses sign-in for AXES_COOLOFF_TIME.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# How long the emailed link to set up two-step sign-in works (staffauth; once only).
STAFF_INVITATION_HOURS = env.int("STAFF_INVITATION_HOURS", default=48)
# The name staff see next to the account in their authenticator app.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Campaign admin")


def _passkey_origin(site_url: str) -> str:
    """
    The origin passkeys are bound to: SITE_URL's scheme, host and port. Browsers allow WebAuthn
    only over https or on localhost, never on an IP address, so the development default
    http://127.0.0.1:8000 becomes http://localhost:8000 (open the admin there to try a passkey).
    """
    parts = urlsplit(site_url)
    host = parts.hostname or "localhost"
    if parts.scheme != "https" and host in ("127.0.0.1", "::1"):
        host = "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


# Passkeys (django-otp-webauthn): a second step only, after the password (no passwordless
# sign-in, so the lockout on passwords keeps guarding every account).
PASSKEY_ORIGIN = env.str("PASSKEY_ORIGIN", default=_passkey_origin(SITE_URL)).rstrip("/")
OTP_WEBAUTHN_RP_ID = urlsplit(PASSKEY_ORIGIN).hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = [PASSKEY_ORIGIN]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The language switch's cookie is read by the server only (its SameSite and age: see Internationalisation).
LANGUAGE_COOKIE_HTTPONLY = True

# --- Security headers -----------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, "https://checkout.stripe.com"],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not TESTING)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = not TESTING
    CSRF_COOKIE_SECURE = not TESTING
    LANGUAGE_COOKIE_SECURE = not TESTING
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# "es" here is US Spanish: Django's Spanish dates, US number and dollar formats (config/formats/es).
FORMAT_MODULE_PATH = ["config.formats"]
# The language switch's choice is remembered for a year (Django's default lasts the browser session).
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Larger pictures are refused before Pillow decodes them (a 20,000 × 20,000 PNG can be tiny on disk).
IMAGE_UPLOAD_MAX_PIXELS = env.int("IMAGE_UPLOAD_MAX_PIXELS", default=40_000_000)

# Required fields carry aria-required="true" as well as `required` (core/forms.py).
FORM_RENDERER = "core.forms.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging ------------------------------------------------------------------------------

# One JSON object a line in production (LOG_FORMAT=json), plain lines in development; both
# redacted (emails, card-like numbers, secrets) by config.logging.RedactingFilter.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG or TESTING else "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# --- Rate limits --------------------------------------------------------------------------

# How many proxies (load balancer, CDN) sit in front of gunicorn and append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
