"""Settings of the server processes the service tests start (and of their helper scripts).

The test project's settings, with PostgreSQL from ``DATABASE_URL``, Django's Redis cache
from ``REDIS_URL`` under the run's own key prefix (``SERVICES_CACHE_PREFIX``), no
minimum fill time, one trusted proxy, and logging to stderr.
"""

import os

import dj_database_url

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"),
        conn_max_age=0,
    )
}

CACHES = {
    "default": {
        # The recommended production back end: pages stay up while Redis is down.
        "BACKEND": "wagtail_campaign.cache.ResilientRedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        # Redis is shared with other test runs: every key of this run carries its prefix.
        "KEY_PREFIX": os.environ.get("SERVICES_CACHE_PREFIX", "wagtail-campaign-services"),
        # A stopped Redis must answer "connection refused" at once, not hang a request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

WAGTAIL_CAMPAIGN = {
    "MIN_FILL_SECONDS": 0,
    "TRUSTED_PROXIES": 1,
}

# Our loggers, Django's request errors and the development server's access log go to
# stderr, which the tests capture and search. The access log (``django.server``) prints
# only the request line, status and size; its ``request`` record attribute (which holds
# the client's address) is never part of the format, so no address reaches the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "loggers": {
        "wagtail_campaign": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "ahmadi_campaign": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
