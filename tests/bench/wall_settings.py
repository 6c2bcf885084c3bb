"""Settings of the message-wall benchmark: the test project plus django-contrib-comments.

Both sides of the posting benchmark run in this one project, on the same PostgreSQL
database and the same cache. ``BENCH_DATABASE_URL`` names the database (default
``postgres://postgres@127.0.0.1:5432/wc_bench``; the benchmark creates it if missing);
``BENCH_CACHE`` is ``locmem`` (default) or ``redis`` (``BENCH_REDIS_URL``, default
``redis://127.0.0.1:6379/15``).
"""

import os

import dj_database_url

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/wc_bench"

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.sites", "django_comments"]
SITE_ID = 1
ROOT_URLCONF = "tests.bench.wall_urls"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=600
    )
}

if os.environ.get("BENCH_CACHE", "locmem") == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "KEY_PREFIX": "wc-bench",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A benchmark posts as fast as it can; every other part of the pipeline stays on.
WAGTAIL_CAMPAIGN = {"MIN_FILL_SECONDS": 0}
