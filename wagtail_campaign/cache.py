"""A Redis cache for Django that keeps pages up while Redis is down.

Django's ``RedisCache`` raises on every call when Redis is unreachable. Wagtail
reads the default cache to build page URLs (``Site.get_site_root_paths``), so
with it every page, not only the message wall, answers 500 during an outage.
``ResilientRedisCache`` answers reads with a miss and drops writes instead,
logging a warning, so pages are served from the database.

Counting operations (``add``, ``incr``, ``decr``) still raise: a rate limit must
know that it could not count. The wall then holds messages for review rather
than letting them through unchecked (see :mod:`wagtail_campaign.submission`).

.. code-block:: python

    CACHES = {
        "default": {
            "BACKEND": "wagtail_campaign.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _outage_errors() -> tuple[type[Exception], ...]:
    from redis.exceptions import ConnectionError, TimeoutError

    return (ConnectionError, TimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose reads miss and whose writes are skipped while Redis is down."""

    def _tolerate(self, operation: str, exc: Exception) -> None:
        logger.warning("Redis unavailable (%s skipped): %s", operation, exc)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except _outage_errors() as exc:
            self._tolerate("get", exc)
            return default

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except _outage_errors() as exc:
            self._tolerate("get_many", exc)
            return {}

    def has_key(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().has_key(key, version))
        except _outage_errors() as exc:
            self._tolerate("has_key", exc)
            return False

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except _outage_errors() as exc:
            self._tolerate("set", exc)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        try:
            return list(super().set_many(data, timeout, version))
        except _outage_errors() as exc:
            self._tolerate("set_many", exc)
            return list(data)

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except _outage_errors() as exc:
            self._tolerate("delete", exc)
            return False

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            super().delete_many(keys, version)
        except _outage_errors() as exc:
            self._tolerate("delete_many", exc)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        try:
            return bool(super().touch(key, timeout, version))
        except _outage_errors() as exc:
            self._tolerate("touch", exc)
            return False
