"""Code tables: service items (事项), material rules, the contract's enumerations, formats.

Reads: ``data/tasks.tsv``, ``data/materials.tsv``, ``data/codes.json``, ``data/formats.tsv``
(once, cached). Writes: nothing. Raises: ``DataFileError`` when a table is damaged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from standards.datafiles import read_json, read_tsv
from standards.errors import DataFileError

__all__ = [
    "CodeTables",
    "FormatRule",
    "MaterialRule",
    "TaskItem",
    "code_tables",
    "find_task",
    "formats",
    "material_rules",
    "tasks",
]


@dataclass(frozen=True)
class TaskItem:
    """One service item (事项) of ``tasks.tsv``; ``licence_type`` empty when it issues none."""

    task_code: str
    task_name: str
    task_type: str
    department: str
    fonds_identifier: str
    fonds_name: str
    organization_code: str
    licence_type: str
    version: str

    @property
    def issues_licence(self) -> bool:
        return bool(self.licence_type)


@dataclass(frozen=True)
class MaterialRule:
    """A material an item expects; ``required_when`` is ``always`` or a result such as 准予."""

    task_code: str
    material_code: str
    title: str
    required_when: str

    def required_for(self, result: str) -> bool:
        return self.required_when in ("always", result)


@dataclass(frozen=True)
class FormatRule:
    """A declarable file format; ``long_term`` marks formats fit for long-term preservation."""

    name: str
    family: str
    mime: str
    long_term: bool
    note: str


@dataclass(frozen=True)
class CodeTables:
    """The enumerations of the case package contract."""

    task_types: tuple[str, ...]
    results: tuple[str, ...]
    applicant_types: tuple[str, ...]
    step_codes: Mapping[str, str]
    required_steps: tuple[str, ...]
    folders: Mapping[str, str]
    process_materials: Mapping[str, str]
    security_allowed: tuple[str, ...]
    security_refused: tuple[str, ...]
    sharing: Mapping[str, str]


def _strings(raw: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"codes.json: {key} must be a list of strings")
    return tuple(value)


def _names(raw: Mapping[str, object], key: str) -> Mapping[str, str]:
    value = raw.get(key)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise DataFileError(f"codes.json: {key} must map codes to names")
    return MappingProxyType(dict(value))


@lru_cache(maxsize=1)
def code_tables() -> CodeTables:
    """Return the contract's enumerations from ``data/codes.json``."""
    raw = read_json("codes.json")
    if not isinstance(raw, dict):
        raise DataFileError("codes.json: top level must be an object")
    return CodeTables(
        task_types=_strings(raw, "task_types"),
        results=_strings(raw, "results"),
        applicant_types=_strings(raw, "applicant_types"),
        step_codes=_names(raw, "step_codes"),
        required_steps=_strings(raw, "required_steps"),
        folders=_names(raw, "folders"),
        process_materials=_names(raw, "process_materials"),
        security_allowed=_strings(raw, "security_allowed"),
        security_refused=_strings(raw, "security_refused"),
        sharing=_names(raw, "sharing"),
    )


@lru_cache(maxsize=1)
def tasks() -> Mapping[str, TaskItem]:
    """Return the service items of ``data/tasks.tsv`` by task code."""
    items: dict[str, TaskItem] = {}
    for row in read_tsv("tasks.tsv"):
        try:
            item = TaskItem(
                task_code=row["task_code"],
                task_name=row["task_name"],
                task_type=row["task_type"],
                department=row["department"],
                fonds_identifier=row["fonds_identifier"],
                fonds_name=row["fonds_name"],
                organization_code=row["organization_code"],
                licence_type=row["licence_type"],
                version=row["version"],
            )
        except KeyError as exc:
            raise DataFileError(f"tasks.tsv: missing column {exc}") from exc
        if item.task_code in items:
            raise DataFileError(f"tasks.tsv: duplicate task code {item.task_code}")
        items[item.task_code] = item
    return MappingProxyType(items)


def find_task(task_code: str) -> TaskItem | None:
    """Return the service item with this code, or None when the table does not know it."""
    return tasks().get(task_code)


@lru_cache(maxsize=1)
def _material_table() -> Mapping[str, tuple[MaterialRule, ...]]:
    grouped: dict[str, list[MaterialRule]] = {}
    for row in read_tsv("materials.tsv"):
        try:
            rule = MaterialRule(
                task_code=row["task_code"],
                material_code=row["material_code"],
                title=row["title"],
                required_when=row["required_when"],
            )
        except KeyError as exc:
            raise DataFileError(f"materials.tsv: missing column {exc}") from exc
        grouped.setdefault(rule.task_code, []).append(rule)
    return MappingProxyType({code: tuple(rules) for code, rules in grouped.items()})


def material_rules(task_code: str) -> tuple[MaterialRule, ...]:
    """Return the material rules of one service item (empty when none are configured)."""
    return _material_table().get(task_code, ())


@lru_cache(maxsize=1)
def formats() -> Mapping[str, FormatRule]:
    """Return the declarable formats of ``data/formats.tsv`` by name (PDF, PDF/A-2b, …)."""
    table: dict[str, FormatRule] = {}
    for row in read_tsv("formats.tsv"):
        try:
            long_term = row["long_term"]
            if long_term not in ("yes", "no"):
                raise DataFileError(f"formats.tsv: long_term must be yes/no, not {long_term!r}")
            table[row["format"]] = FormatRule(
                name=row["format"],
                family=row["family"],
                mime=row["mime"],
                long_term=long_term == "yes",
                note=row["note"],
            )
        except KeyError as exc:
            raise DataFileError(f"formats.tsv: missing column {exc}") from exc
    return MappingProxyType(table)
