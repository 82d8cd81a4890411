"""Transfer schedule: when each archive is due at the archive bureau.

Deadline = formation date (the case's completion date) + N years, N per retention class from
``standards/data/transfer-policy.json`` (default 5, 档发〔2012〕7号). ``overdue`` past the
deadline, ``due`` within ``due_window_years`` of it, else ``not_due``; ``transferred`` when an
accepted receipt exists. Reads the policy file; writes nothing. Raises ``PolicyError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from standards.datafiles import read_json
from standards.errors import DataFileError

from .errors import PolicyError

__all__ = ["PlanEntry", "TransferPolicy", "plan_entry"]


@dataclass(frozen=True)
class TransferPolicy:
    version: str
    default_years: int
    years_by_retention: Mapping[str, int]
    due_window_years: int

    @classmethod
    def load(cls, name: str = "transfer-policy.json") -> TransferPolicy:
        try:
            raw = read_json(name)
            if not isinstance(raw, dict):
                raise PolicyError(f"{name}: not a JSON object")
            return cls(str(raw["version"]), int(raw["default_years"]),
                       {str(k): int(v) for k, v in dict(raw["years_by_retention"]).items()},
                       int(raw["due_window_years"]))
        except (DataFileError, KeyError, TypeError, ValueError) as exc:
            raise PolicyError(f"{name}: {exc}") from exc

    def deadline(self, formed: date, retention: str) -> date:
        years = self.years_by_retention.get(retention, self.default_years)
        try:
            return formed.replace(year=formed.year + years)
        except ValueError:  # 29 February
            return formed.replace(year=formed.year + years, day=28)


@dataclass(frozen=True)
class PlanEntry:
    archive_id: str
    archival_code: str
    formed: date
    deadline: date
    status: str  # overdue | due | not_due | transferred


def plan_entry(policy: TransferPolicy, archive_id: str, archival_code: str, formed: date,
               retention: str, today: date, transferred: bool = False) -> PlanEntry:
    deadline = policy.deadline(formed, retention)
    if transferred:
        status = "transferred"
    elif today > deadline:
        status = "overdue"
    elif (deadline - today).days <= 366 * policy.due_window_years:
        status = "due"
    else:
        status = "not_due"
    return PlanEntry(archive_id, archival_code, formed, deadline, status)
