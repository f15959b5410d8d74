"""A cache of public answers (the JSON bodies of thread and review pages).

An entry's key names the exact state its body shows: the article's moderation version,
which changes in the same transaction as any public change of the article (publishing,
unpublishing, erasing, counters), plus the request's parameters. So an entry never turns
stale: after a change, readers ask for the new version's key, and the old entry is simply
never asked for again. That makes the cache safe to share between workers and instances
without any invalidation, and it can never serve a pending entry: only what was approved
at that version was ever stored under its key.

Two levels: a bounded in-process LRU (each worker's own, nothing to ask for), then Redis
when ``COMMENTS_REDIS_URL`` is set (shared by every worker and instance, so a new version is
built once). Entries also expire after ``RESPONSE_CACHE_TTL`` seconds, which bounds the one
case where a version number could come back with other content: a database restored from
a backup, or emptied and filled again. A Redis that fails is skipped for a few seconds: the
cache is an optimisation, never a dependency.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict

import redis
from flask import Flask
from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 32 * 1024 * 1024
DEFAULT_TTL = 300.0
REDIS_TIMEOUT = 0.25  # seconds: a slow Redis costs less than building the page
REDIS_RETRY_AFTER = 5.0


class ResponseCache:
    def __init__(self, namespace: str, max_bytes: int, ttl: float, redis_url: str | None = None) -> None:
        self.namespace = namespace
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._redis: redis.Redis | None = None
        self._redis_down_until = 0.0
        if redis_url:
            self._redis = redis.Redis.from_url(
                redis_url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
            )

    # -- in-process -------------------------------------------------------------------------

    def _local_get(self, key: str, now: float) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, body = found
            if expires <= now:
                del self._entries[key]
                self._bytes -= len(body)
                return None
            self._entries.move_to_end(key)
            return body

    def _cacheable(self, body: bytes) -> bool:
        """One huge page must not empty the cache, here or in Redis."""
        return len(body) <= self.max_bytes // 8

    def _local_put(self, key: str, body: bytes, expires: float) -> None:
        if not self._cacheable(body):
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._entries[key] = (expires, body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    # -- shared -----------------------------------------------------------------------------

    def _redis_key(self, key: str) -> str:
        return f"comments:page:{self.namespace}:{key}"

    def _redis_usable(self) -> bool:
        return self._redis is not None and time.monotonic() >= self._redis_down_until

    def _redis_failed(self, error: Exception) -> None:
        self._redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
        log.warning("response cache: Redis unavailable, using the in-process cache only: %s", error)

    # -- API --------------------------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        now = time.monotonic()
        body = self._local_get(key, now)
        if body is not None or not self._redis_usable():
            return body
        assert self._redis is not None
        try:
            shared = self._redis.get(self._redis_key(key))
        except redis.RedisError as error:
            self._redis_failed(error)
            return None
        if isinstance(shared, bytes):
            self._local_put(key, shared, now + self.ttl)
            return shared
        return None

    def put(self, key: str, body: bytes) -> None:
        self._local_put(key, body, time.monotonic() + self.ttl)
        if self._redis_usable() and self._cacheable(body):
            assert self._redis is not None
            try:
                self._redis.set(self._redis_key(key), body, ex=max(1, int(self.ttl)))
            except redis.RedisError as error:
                self._redis_failed(error)

    def clear_local(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def namespace_of(app: Flask) -> str:
    """Entries of different databases, or of instances that sign cursors with different
    keys, never meet in a shared Redis."""
    configured = app.config.get("RESPONSE_CACHE_NAMESPACE")
    if configured:
        return str(configured)
    identity = f"{app.config['SQLALCHEMY_DATABASE_URI']}|{app.config['SECRET_KEY']}"
    return hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()


def response_cache(app: Flask | None = None) -> ResponseCache:
    """The app's cache, made on first use (in each worker, after gunicorn forks)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.get("response_cache")
    if cache is None:
        cache = app.extensions.setdefault(
            "response_cache",
            ResponseCache(
                namespace_of(app),
                int(app.config.get("RESPONSE_CACHE_BYTES", DEFAULT_MAX_BYTES)),
                float(app.config.get("RESPONSE_CACHE_TTL", DEFAULT_TTL)),
                app.config.get("REDIS_URL"),
            ),
        )
    return cache  # type: ignore[no-any-return]
