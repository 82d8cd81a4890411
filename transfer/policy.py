"""Transfer schedule: when each archive is due at the archive bureau.

Deadline = formation date (the case's completion date) + N years, N per retention class from
``standards/data/transfer-policy.json`` (default 5, 档发〔2012〕7号). ``overdue`` past the
deadline, ``due`` within ``due_window_years`` of it, else ``not_due``; ``transferred`` when an
accepted receipt exists, ``rework`` when the bureau refused it. The policy also says which
retention classes end in transfer and which in disposal review (``disposition``), and how long
the sender keeps a transferred archive (``kept_until``). Reads the policy file; writes nothing.
Raises ``PolicyError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from standards.datafiles import read_json
from standards.errors import DataFileError

from .endpoints import Endpoint, parse_endpoints, zone
from .errors import PolicyError

__all__ = [
    "DISPOSAL_REVIEW",
    "DISPOSITIONS",
    "TRANSFER",
    "PlanEntry",
    "TransferPolicy",
    "plan_entry",
]

TRANSFER = "transfer"  # disposition outcome: the archive goes to the archive bureau
DISPOSAL_REVIEW = "disposal_review"  # it stays here and is appraised when its period ends
DISPOSITIONS = (TRANSFER, DISPOSAL_REVIEW)


@dataclass(frozen=True)
class TransferPolicy:
    version: str
    default_years: int
    years_by_retention: Mapping[str, int]
    due_window_years: int
    endpoints: tuple[Endpoint, ...] = ()  # where and when to deliver (transfer.endpoints)
    schedule_timezone: str = "Asia/Shanghai"  # the zone the endpoints' cron schedules are read in
    keep_copy_years: int = 5  # the sender keeps a transferred archive at least this long
    disposition_by_retention: Mapping[str, str] = field(default_factory=dict)  # Y → transfer
    default_disposition: str = DISPOSAL_REVIEW

    @classmethod
    def load(cls, name: str = "transfer-policy.json") -> TransferPolicy:
        try:
            raw = read_json(name)
            if not isinstance(raw, dict):
                raise PolicyError(f"{name}: not a JSON object")
            return cls(
                str(raw["version"]),
                int(raw["default_years"]),
                {str(k): int(v) for k, v in dict(raw["years_by_retention"]).items()},
                int(raw["due_window_years"]),
                endpoints=parse_endpoints(raw.get("endpoints")),
                keep_copy_years=int(raw.get("keep_copy_years", 5)),
                disposition_by_retention=_dispositions(raw),
                default_disposition=_disposition(raw.get("default_disposition", DISPOSAL_REVIEW)),
                schedule_timezone=zone(str(raw.get("schedule_timezone", "Asia/Shanghai"))).key,
            )
        except (DataFileError, KeyError, TypeError, ValueError) as exc:
            raise PolicyError(f"{name}: {exc}") from exc

    def deadline(self, formed: date, retention: str) -> date:
        years = self.years_by_retention.get(retention, self.default_years)
        return _add_years(formed, years)

    def kept_until(self, accepted: date) -> date:
        """The earliest day the sender may let go of its copy of an archive accepted then."""
        return _add_years(accepted, self.keep_copy_years)

    def disposition(self, retention: str) -> str:
        """``transfer`` or ``disposal_review``: how an archive of ``retention`` ends here."""
        return self.disposition_by_retention.get(retention, self.default_disposition)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _disposition(value: object) -> str:
    if value not in DISPOSITIONS:
        raise PolicyError(f"disposition must be one of {DISPOSITIONS}, not {value!r}")
    return str(value)


def _dispositions(raw: Mapping[str, object]) -> dict[str, str]:
    table = raw.get("disposition_by_retention", {})
    if not isinstance(table, dict):
        raise PolicyError("disposition_by_retention: not a JSON object")
    return {str(k): _disposition(v) for k, v in table.items()}


@dataclass(frozen=True)
class PlanEntry:
    archive_id: str
    archival_code: str
    formed: date
    deadline: date
    # overdue | due | not_due | sent | transferred | rework | disposal_review | received
    status: str
    outcome: str = TRANSFER  # the disposition under the policy: transfer | disposal_review
    kept_until: date | None = None  # transferred: the sender keeps its copy at least until then


def plan_entry(
    policy: TransferPolicy,
    archive_id: str,
    archival_code: str,
    formed: date,
    retention: str,
    today: date,
    transferred: bool = False,
    *,
    rework: bool = False,
    kept_until: date | None = None,
    received: bool = False,
    sent: bool = False,
) -> PlanEntry:
    """``received`` (this archive is the bureau that took it in by transfer) wins, then
    ``transferred``, then ``sent`` (in a delivered batch whose receipt has not come: not to be
    sent again), then ``rework`` (refused by the bureau, to be sent again), then
    ``disposal_review`` (the policy does not send this retention class), then the deadline."""
    deadline = policy.deadline(formed, retention)
    outcome = policy.disposition(retention)
    if received:
        status = "received"
    elif transferred:
        status = "transferred"
    elif sent:
        status = "sent"
    elif rework:
        status = "rework"
    elif outcome == DISPOSAL_REVIEW:
        status = DISPOSAL_REVIEW
    elif today > deadline:
        status = "overdue"
    elif (deadline - today).days <= 366 * policy.due_window_years:
        status = "due"
    else:
        status = "not_due"
    return PlanEntry(
        archive_id,
        archival_code,
        formed,
        deadline,
        status,
        outcome,
        kept_until if transferred else None,
    )
