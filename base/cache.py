"""A small shared cache for computed views (leaderboards): Redis when REDIS_URL is set, so
every app server sees the same entries, this process's memory otherwise.

Entries are JSON values with a time to live; a *generation* counter per subject lets a writer
make every cached view of that subject stale in one step (``bump``), whatever its variants.
"""

import json
import threading
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from base.database import db

MEMORY_ENTRIES = 2048  # the memory cache forgets its oldest entries beyond this


class MemoryStore:
    def __init__(self) -> None:
        self.entries: dict[str, tuple[float, str]] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            return found[1]

    def set(self, key: str, value: str, ttl: int) -> None:
        with self.lock:
            if len(self.entries) >= MEMORY_ENTRIES:
                for old in list(self.entries)[: MEMORY_ENTRIES // 4]:
                    del self.entries[old]
            self.entries[key] = (time.monotonic() + ttl, value)

    def incr(self, key: str) -> int:
        with self.lock:
            _, value = self.entries.get(key, (0.0, "0"))
            self.entries[key] = (float("inf"), str(int(value) + 1))
            return int(value) + 1


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, decode_responses=True)

    def get(self, key: str) -> str | None:
        return self.client.get(key)

    def set(self, key: str, value: str, ttl: int) -> None:
        self.client.set(key, value, ex=ttl)

    def incr(self, key: str) -> int:
        return self.client.incr(key)


class Cache:
    EXTENSION = "porte_voix_cache"
    PREFIX = "porte-voix:cache:"

    def init_app(self, app: Flask) -> None:
        url = app.config["REDIS_URL"]
        app.extensions[self.EXTENSION] = RedisStore(url) if url else MemoryStore()

    @property
    def store(self):
        return current_app.extensions[self.EXTENSION]

    def generation(self, subject: str) -> int:
        return int(self.store.get(f"{self.PREFIX}gen:{subject}") or 0)

    def bump(self, subject: str) -> None:
        """Make every cached view of ``subject`` stale."""
        self.store.incr(f"{self.PREFIX}gen:{subject}")

    def bump_after_commit(self, subject: str) -> None:
        """Make the views of ``subject`` stale once the current transaction commits (not before:
        a reader in between would cache what is about to change)."""
        db.session.info.setdefault(PENDING_BUMPS, set()).add(subject)

    def remember(self, subject: str, variant: str, compute, ttl: int = 300) -> Any:
        """The cached value of a view of ``subject``, computed (and kept) when missing or stale."""
        key = self.key(subject, variant)
        found = self.get(key)
        if found is None:
            found = compute()
            self.set(key, found, ttl)
        return found

    def key(self, subject: str, variant: str) -> str:
        """Where a view of ``subject`` is kept now; read it before computing the view, so a change
        made meanwhile (a bump) leaves the computed value under a key nobody reads any more."""
        return f"{self.PREFIX}{subject}:{self.generation(subject)}:{variant}"

    def get(self, key: str) -> Any:
        """The value kept under ``key`` (None when missing or expired)."""
        found = self.store.get(key)
        return None if found is None else json.loads(found)

    def set(self, key: str, value: Any, ttl: int = 300) -> None:
        self.store.set(key, json.dumps(value), ttl)


cache = Cache()
PENDING_BUMPS = "porte_voix_cache_bumps"


@sa.event.listens_for(Session, "after_commit")
def _bump_committed(session: Session) -> None:
    for subject in session.info.pop(PENDING_BUMPS, ()):
        cache.bump(subject)


@sa.event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING_BUMPS, None)
