"""Settings of the live server the browser tests talk to.

The test project's settings, with a SQLite *file* database (its path in the
environment variable ``E2E_DATABASE``, so the server and the helper processes
share it), production-like ``DEBUG = False``, and no minimum form-fill time so
the tests need not wait. Static files are served by ``runserver --insecure``.
"""

import os

from tests.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["E2E_DATABASE"],
        # The server and a helper process may write at the same moment.
        # WAL lets the browser's reads and a helper's writes overlap; no fsync: the
        # database is thrown away after the run, and migrating is much faster.
        "OPTIONS": {
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
        },
    }
}
WAGTAIL_CAMPAIGN = {"MIN_FILL_SECONDS": 0}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
