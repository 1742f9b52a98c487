"""Fault injection for the emulator, from a spec such as ``latency=0.2,429=2,5xx=3,reset=1,truncate=1,
malformed=1,fail=1,badkey,expired,1303=2``.

Counted faults hit the first N requests they apply to, then stop:
  429=N       API requests answer HTTP 429 with Retry-After (``retry_after=S``, default 1 s)
  5xx=N       API requests answer HTTP 503
  reset=N     API requests get their connection closed without an answer
  malformed=N API requests get a body that is not JSON
  truncate=N  media downloads send half the file, then close
  fail=N      the next N tasks fail at the provider (Runware timeoutProvider / Kling task_status failed)
  1303=N      Kling submissions answer code 1303 (concurrency limit)
  drop_reply=N  a submission is accepted, then its answer is lost (the connection closes)
Switches:
  latency=S   every request waits S seconds first
  retry_after=S  the Retry-After value the 429 fault sends (default 1)
  badkey      every API request is refused as unauthenticated (Runware 401 invalidApiKey / Kling 1002)
  expired     every result URL answers 410 Gone; ``expired=S``: from S seconds after the result was written
  item_errors Runware getResponse reports failed tasks as ``data`` items ``{"status": "error", "error": {...}}``
              (the second error form the SDKs handle) instead of the documented top-level ``errors`` array
``badkey``/``item_errors`` take ``=0``/``=false``/``=no`` to turn them off (``expired=false`` too; ``expired=0``
means "expired at once"). Unknown names raise ValueError.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

COUNTED = ("429", "5xx", "reset", "malformed", "truncate", "fail", "1303", "drop_reply")


@dataclass
class Faults:
    latency: float = 0.0
    retry_after: float = 1.0
    badkey: bool = False
    expired_after: float | None = None  # None: result URLs never expire; 0: expired at once
    item_errors: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def parse(cls, spec: str | None) -> Faults:
        faults = cls()
        for part in (spec or "").split(","):
            name, _, value = part.strip().partition("=")
            if not name:
                continue
            if name == "latency":
                faults.latency = float(value)
            elif name == "retry_after":
                faults.retry_after = float(value)
            elif name == "expired":
                try:
                    faults.expired_after = float(value) if value else 0.0
                except ValueError:
                    faults.expired_after = None if value.lower() in ("false", "no") else 0.0
            elif name in ("badkey", "item_errors"):
                setattr(faults, name, value.lower() not in ("0", "false", "no"))
            elif name in COUNTED:
                faults.counts[name] = int(value or 1)
            else:
                raise ValueError(
                    f"unknown fault {name!r}; known: latency, retry_after, badkey, expired, item_errors, "
                    f"{', '.join(COUNTED)}"
                )
        return faults

    @property
    def expired(self) -> bool:
        """Result URLs expire (at once or after ``expired_after`` seconds)."""
        return self.expired_after is not None

    def is_expired(self, age: float) -> bool:
        """Whether a result written ``age`` seconds ago has expired."""
        return self.expired_after is not None and age >= self.expired_after

    def take(self, name: str) -> bool:
        """True (and one fewer left) when fault ``name`` should fire now."""
        with self._lock:
            left = self.counts.get(name, 0)
            if left <= 0:
                return False
            self.counts[name] = left - 1
            self.hits[name] = self.hits.get(name, 0) + 1
            return True
