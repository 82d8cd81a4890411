"""The bureau endpoints of the transfer policy: where a selection of archives goes, in which
form, and on which cron schedule; and which endpoints are due at a given time.

An endpoint (``endpoints`` in ``standards/data/transfer-policy.json``)::

    {"name": "municipal", "enabled": true, "target": "https://bureau.example/",
     "form": "online", "receiver": "市档案馆", "schedule": "0 2 * * 1",
     "select": {"fonds": ["S001"], "categories": ["WS"], "retention": ["Y", "D30"]}}

``target`` is a directory (absolute path), ``s3://bucket/prefix`` or ``http(s)://…`` (the
receiving API); credentials are never in the policy (the application reads them from its
settings). An empty ``select`` list means any. Pure: reads and writes nothing. Raises
``PolicyError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import PolicyError
from .schedule import CronSchedule

__all__ = ["FORMS", "Endpoint", "due_endpoints", "parse_endpoints", "zone"]

FORMS = ("online", "offline")  # 在线 (network, bucket) / 离线 (removable media, shared folder)
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SCHEMES = ("s3://", "http://", "https://")


@dataclass(frozen=True)
class Endpoint:
    name: str
    target: str
    form: str
    receiver: str
    schedule: CronSchedule
    fonds: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    retention: frozenset[str] = frozenset()
    enabled: bool = True

    def selects(self, fonds: str, category: str, retention: str) -> bool:
        """Whether an archive of this fonds, category and retention class goes here."""
        return all(
            not allowed or value in allowed
            for allowed, value in (
                (self.fonds, fonds),
                (self.categories, category),
                (self.retention, retention),
            )
        )


def _strings(raw: Mapping[str, object], key: str) -> frozenset[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"select.{key} must be a list of strings")
    return frozenset(value)


def _endpoint(raw: object) -> Endpoint:
    if not isinstance(raw, dict):
        raise PolicyError("an endpoint must be a JSON object")
    name, target = str(raw.get("name", "")), str(raw.get("target", ""))
    if not _NAME.match(name):
        raise PolicyError(f"endpoint name {name!r}: 1-40 of a-z, 0-9 and '-'")
    if not (target.startswith(_SCHEMES) or target.startswith("/")):
        raise PolicyError(
            f"endpoint {name}: target must be an absolute directory, s3:// or "
            f"http(s)://, not {target!r}"
        )
    if "@" in target.split("/")[2 if "://" in target else 0]:
        raise PolicyError(f"endpoint {name}: no credentials in the target address")
    form = str(raw.get("form", "online"))
    if form not in FORMS:
        raise PolicyError(f"endpoint {name}: form must be one of {FORMS}, not {form!r}")
    select = raw.get("select", {})
    if not isinstance(select, dict):
        raise PolicyError(f"endpoint {name}: select must be an object")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise PolicyError(f"endpoint {name}: enabled must be true or false")
    return Endpoint(
        name,
        target,
        form,
        str(raw.get("receiver", "综合档案馆")),
        CronSchedule.parse(str(raw.get("schedule", ""))),
        _strings(select, "fonds"),
        _strings(select, "categories"),
        _strings(select, "retention"),
        enabled,
    )


def parse_endpoints(raw: object) -> tuple[Endpoint, ...]:
    """The ``endpoints`` list of the policy (absent: none); names must be unique."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise PolicyError("endpoints must be a list")
    endpoints = tuple(_endpoint(r) for r in raw)
    names = [e.name for e in endpoints]
    if len(set(names)) != len(names):
        raise PolicyError(f"endpoint names must be unique: {names}")
    return endpoints


def zone(name: str) -> ZoneInfo:
    """The time zone the schedules are read in; raises ``PolicyError`` for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PolicyError(f"unknown time zone {name!r}") from exc


def due_endpoints(
    endpoints: Sequence[Endpoint], now: datetime, last_runs: Mapping[str, datetime]
) -> list[tuple[Endpoint, datetime]]:
    """Enabled endpoints whose schedule fired after their last run, up to ``now`` (aware), with
    that firing time. A missed firing is caught up once, never once per missed firing."""
    due = []
    for endpoint in endpoints:
        if not endpoint.enabled:
            continue
        fired = endpoint.schedule.previous(now)
        last = last_runs.get(endpoint.name)
        if fired is not None and (last is None or last < fired):
            due.append((endpoint, fired))
    return due
