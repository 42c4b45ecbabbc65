"""The Redis cache, failing open: with Redis down the web keeps working.

What the project keeps in the cache (throttle counters, the idempotency replay cache,
short-lived page figures) is an optimisation or a limit, never the record — that is in
PostgreSQL. So an unreachable Redis makes a read a miss and a write a no-op, logged, instead
of a 500 (docs/operations.md, "When something fails")."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_open(name, fallback):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            logger.warning("cache: Redis unavailable (%s) in %s; failing open", exc, name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = name
    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


class FailOpenRedisCache(RedisCache):
    get = _fail_open("get", _default)
    get_many = _fail_open("get_many", lambda *a, **k: {})
    has_key = _fail_open("has_key", False)
    set = _fail_open("set", None)
    add = _fail_open("add", False)
    set_many = _fail_open("set_many", lambda *a, **k: [])
    touch = _fail_open("touch", False)
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many", None)
    incr = _fail_open("incr", lambda key, delta=1, *a, **k: delta)
    clear = _fail_open("clear", None)
