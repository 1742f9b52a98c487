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
  gzip=N      API replies say ``Content-Encoding: gzip`` and carry a corrupt gzip body
  redirect=N  API requests are answered with a redirect loop (307 to itself, for ever)
  short=N     media downloads announce a Content-Length shorter than the file and send only that much
  lost=N      Runware getResponse answers ``taskFailedOrNotFound`` for a task it accepted (then reports it)
  query1303=N Kling status queries of a task it accepted answer code 1303 (HTTP 429)
  drip=N      media downloads send one byte every ``drip_every`` seconds (default 0.5), for ever
Outages (seconds, counted from the first request they apply to; real seconds of the server):
  query_outage=S  status queries (Runware getResponse, Kling task GETs) answer HTTP 500
  host_outage=S   the file host (/media/) answers HTTP 503
Switches:
  latency=S   every request waits S seconds first
  retry_after=S  the Retry-After value the 429 fault sends (default 1)
  badkey      every API request is refused as unauthenticated (Runware 401 invalidApiKey / Kling 1002)
  expired     every result URL answers 410 Gone; ``expired=S``: from S seconds after the result was written
  item_errors Runware getResponse reports failed tasks as ``data`` items ``{"status": "error", "error": {...}}``
              (the second error form the SDKs handle) instead of the documented top-level ``errors`` array
  never_finish  tasks stay ``processing`` without progress until the switch is turned off
``badkey``/``item_errors``/``never_finish`` take ``=0``/``=false``/``=no`` to turn them off (``expired=false``
too; ``expired=0`` means "expired at once"). Unknown names raise ValueError.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

COUNTED = (
    "429",
    "5xx",
    "reset",
    "malformed",
    "truncate",
    "fail",
    "1303",
    "drop_reply",
    "gzip",
    "redirect",
    "short",
    "lost",
    "query1303",
    "drip",
)
OUTAGES = ("query_outage", "host_outage")


@dataclass
class Faults:
    latency: float = 0.0
    retry_after: float = 1.0
    badkey: bool = False
    expired_after: float | None = None  # None: result URLs never expire; 0: expired at once
    item_errors: bool = False
    never_finish: bool = False
    drip_every: float = 0.5
    outages: dict[str, float] = field(default_factory=dict)  # name -> seconds
    outage_start: dict[str, float] = field(default_factory=dict)
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
            elif name == "drip_every":
                faults.drip_every = float(value)
            elif name in OUTAGES:
                faults.outages[name] = float(value)
            elif name == "expired":
                try:
                    faults.expired_after = float(value) if value else 0.0
                except ValueError:
                    faults.expired_after = None if value.lower() in ("false", "no") else 0.0
            elif name in ("badkey", "item_errors", "never_finish"):
                setattr(faults, name, value.lower() not in ("0", "false", "no"))
            elif name in COUNTED:
                faults.counts[name] = int(value or 1)
            else:
                raise ValueError(
                    f"unknown fault {name!r}; known: latency, retry_after, drip_every, badkey, expired, "
                    f"item_errors, never_finish, {', '.join(OUTAGES)}, {', '.join(COUNTED)}"
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

    def in_outage(self, name: str) -> bool:
        """True while outage ``name`` lasts (its clock starts at the first request it applies to)."""
        seconds = self.outages.get(name)
        if not seconds:
            return False
        now = time.monotonic()
        with self._lock:
            start = self.outage_start.setdefault(name, now)
            down = now - start < seconds
            if down:
                self.hits[name] = self.hits.get(name, 0) + 1
            return down
