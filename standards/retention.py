"""Retention (保管期限) per service item: a versioned rule table, first matching rule wins; and
the disposal dates it gives (``disposal_date``: periods count from 1 January of the year after
archiving; ``disposal_not_before``: a transferred archive is also kept until its kept-copy date).

Reads: ``data/retention-rules.json`` (``RetentionTable.load``); other tables arrive as parsed
JSON (``RetentionTable.from_mapping``). Writes: nothing. Raises: ``RetentionTableError``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from types import MappingProxyType

from standards.case import Applicant, CaseRecord
from standards.datafiles import read_json
from standards.errors import DataFileError, RetentionTableError

__all__ = [
    "RetentionDecision",
    "RetentionRule",
    "RetentionTable",
    "disposal_date",
    "disposal_not_before",
    "retention_years",
]

_CODE = re.compile(r"^(?:Y|D([1-9][0-9]{0,2}))$")
_ANY_TASK = "*"


def _text_fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls) if f.type in ("str", str))


_CASE_FIELDS = _text_fields(CaseRecord) | {f"applicant.{n}" for n in _text_fields(Applicant)}


def retention_years(code: str) -> int | None:
    """Return the years of a retention code (``D30`` → 30), None for ``Y`` (永久)."""
    match = _CODE.match(code)
    if match is None:
        raise RetentionTableError(f"not a retention code: {code!r}")
    return int(match[1]) if match[1] else None


@dataclass(frozen=True)
class RetentionDecision:
    """The outcome for one case: code, years (None = permanent), the rule and table used."""

    code: str
    years: int | None
    rule_id: str
    table_version: str


@dataclass(frozen=True)
class RetentionRule:
    """One row: an item (``*`` for any) plus conditions on case fields → a retention code."""

    id: str
    task_code: str
    retention: str
    when: Mapping[str, tuple[str, ...]]
    note: str = ""

    def matches(self, case: CaseRecord) -> bool:
        if self.task_code not in (_ANY_TASK, case.task_code):
            return False
        return all(_field(case, name) in values for name, values in self.when.items())


def _field(case: CaseRecord, name: str) -> str:
    target: object = case
    for part in name.split("."):
        target = getattr(target, part)
    return str(target)


def _rule(raw: object, *, default: bool) -> RetentionRule:
    if not isinstance(raw, dict):
        raise RetentionTableError("each rule must be an object")
    rule_id, code = raw.get("id"), raw.get("retention")
    task = _ANY_TASK if default else raw.get("task_code")
    when = raw.get("when", {})
    if not isinstance(rule_id, str) or not rule_id:
        raise RetentionTableError(f"rule without id: {raw!r}")
    if not isinstance(code, str) or not isinstance(task, str) or not task:
        raise RetentionTableError(f"rule {rule_id}: task_code and retention are required")
    retention_years(code)
    if not isinstance(when, dict) or (default and when):
        raise RetentionTableError(f"rule {rule_id}: 'when' must be an object (none on default)")
    conditions: dict[str, tuple[str, ...]] = {}
    for name, values in when.items():
        if name not in _CASE_FIELDS:
            raise RetentionTableError(f"rule {rule_id}: no case field {name!r}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RetentionTableError(f"rule {rule_id}: {name} needs a list of strings")
        conditions[name] = tuple(values)
    note = raw.get("note", "")
    return RetentionRule(rule_id, task, code, MappingProxyType(conditions), str(note))


@dataclass(frozen=True)
class RetentionTable:
    """A versioned rule table; ``retention_for`` returns the first matching rule's decision."""

    table_version: str
    effective_date: date
    rules: tuple[RetentionRule, ...]
    default: RetentionRule

    @classmethod
    def from_mapping(cls, raw: object) -> RetentionTable:
        """Build a table from parsed JSON like ``data/retention-rules.json``."""
        if not isinstance(raw, dict):
            raise RetentionTableError("retention table must be an object")
        version, effective = raw.get("table_version"), raw.get("effective_date")
        rules = raw.get("rules")
        if not isinstance(version, str) or not version:
            raise RetentionTableError("table_version is required")
        try:
            when = date.fromisoformat(str(effective))
        except ValueError as exc:
            raise RetentionTableError(f"effective_date is not a date: {effective!r}") from exc
        if not isinstance(rules, list):
            raise RetentionTableError("rules must be a list")
        parsed = tuple(_rule(r, default=False) for r in rules)
        ids = [r.id for r in parsed]
        fallback = _rule(raw.get("default"), default=True)
        if len({*ids, fallback.id}) != len(ids) + 1:
            raise RetentionTableError("rule ids must be unique")
        return cls(version, when, parsed, fallback)

    @classmethod
    def load(cls) -> RetentionTable:
        """Return the shipped table of ``data/retention-rules.json``."""
        return _shipped_table()

    def retention_for(self, case: CaseRecord) -> RetentionDecision:
        """Return the retention of ``case``: first matching rule, else the default rule."""
        rule = next((r for r in self.rules if r.matches(case)), self.default)
        return RetentionDecision(
            code=rule.retention,
            years=retention_years(rule.retention),
            rule_id=rule.id,
            table_version=self.table_version,
        )


@lru_cache(maxsize=1)
def _shipped_table() -> RetentionTable:
    try:
        return RetentionTable.from_mapping(read_json("retention-rules.json"))
    except RetentionTableError as exc:
        raise DataFileError(f"retention-rules.json: {exc}") from exc


# -- disposal dates: a retention period counts from 1 January of the year after archiving ------
def disposal_date(year: int, retention_years: int | None) -> datetime | None:
    """When a record of archiving ``year`` may be appraised for disposal; None for 永久."""
    if retention_years is None:
        return None
    return datetime(year + 1 + retention_years, 1, 1, tzinfo=UTC)


def disposal_not_before(
    year: int, retention_years: int | None, kept_until: date | None = None
) -> datetime | None:
    """The first moment this archive may be disposed of here: its retention end, and for a
    transferred archive not before its kept-copy date; None for 永久 (never)."""
    end = disposal_date(year, retention_years)
    if end is None or kept_until is None:
        return end
    return max(end, datetime(kept_until.year, kept_until.month, kept_until.day, tzinfo=UTC))
