"""Production settings of the example site: the base settings behind HTTPS.

Run with ``DJANGO_SETTINGS_MODULE=example_site.settings_production`` and set in
the environment:

- ``SECRET_KEY`` (required: at least 50 random characters),
- ``ALLOWED_HOSTS`` (comma-separated host names),
- ``DATABASE_URL`` (PostgreSQL, e.g. ``postgres://user:password@db:5432/campaign``),
- ``REDIS_URL`` (shared cache and rate limits across processes),
- optionally ``TRUSTED_PROXIES``, ``BEHIND_TLS_PROXY=1`` (the proxy terminates TLS
  and sets ``X-Forwarded-Proto``), ``FRONTEND_CACHE_URL`` (a cache that accepts
  HTTP PURGE, such as Varnish) and ``HSTS_SECONDS``.

Static files are served by WhiteNoise from ``STATIC_ROOT`` after
``manage.py collectstatic``, with hashed, compressed file names.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS, MIDDLEWARE, _flag

DEBUG = False

try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError as missing:
    raise ImproperlyConfigured(
        "Set SECRET_KEY in the environment (the demo's fallback key is not for production)."
    ) from missing

# HTTPS only: redirect plain HTTP, tell browsers to remember it, keep cookies off HTTP.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview marks its own views SAMEORIGIN
if _flag("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# WhiteNoise serves static files right after SecurityMiddleware (its documented place).
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Purge pages from a front-end cache when they are published or when moderators act.
if os.environ.get("FRONTEND_CACHE_URL"):
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"],
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
