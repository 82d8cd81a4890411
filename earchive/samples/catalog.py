"""The service items (事项) and their required materials, read from ``standards/data``.

Reads ``tasks.tsv`` and ``materials.tsv`` with :mod:`csv`. Raises ``CatalogError`` when a file
is missing or a row is malformed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["CatalogError", "MaterialRule", "ServiceItem", "load_items"]

LEGAL_PERSON_ITEMS = frozenset({"QY-SL-001", "SP-JY-002", "JS-GH-006", "SB-CB-007"})
EITHER_ITEMS = frozenset({"BDC-DJ-005"})


class CatalogError(RuntimeError):
    """The service-item tables could not be read."""


@dataclass(frozen=True)
class MaterialRule:
    """One material of an item: its code, title and when it is present."""

    code: str  # A1, B17, C2 …
    title: str
    required_when: str  # always / 准予 / 不予

    @property
    def folder(self) -> str:
        return self.code[0]


@dataclass(frozen=True)
class ServiceItem:
    """A service item (事项) as listed in ``tasks.tsv`` with its materials."""

    task_code: str
    task_name: str
    task_type: str
    department: str
    fonds_identifier: str
    fonds_name: str
    organization_code: str
    licence_type: str
    version: str
    materials: tuple[MaterialRule, ...]

    @property
    def applicant_types(self) -> tuple[str, ...]:
        """Applicant types this item is applied for by (法人, 自然人 or both)."""
        if self.task_code in LEGAL_PERSON_ITEMS:
            return ("法人",)
        if self.task_code in EITHER_ITEMS:
            return ("自然人", "法人")
        return ("自然人",)

    @property
    def can_refuse(self) -> bool:
        """True if the item has a refusal document (a ``不予`` material)."""
        return any(m.required_when == "不予" for m in self.materials)

    @property
    def short_code(self) -> str:
        """The item part of an electronic record code: ``QY-SL-001`` → ``QYSL001``."""
        return self.task_code.replace("-", "")


def _data_dir() -> Path:
    return Path(str(resources.files("standards") / "data"))


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fp:
            return list(csv.DictReader(fp, delimiter="\t"))
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc}") from exc


def load_items(data_dir: Path | None = None) -> tuple[ServiceItem, ...]:
    """All service items with their materials, in the order of ``tasks.tsv``."""
    data_dir = data_dir or _data_dir()
    materials: dict[str, list[MaterialRule]] = {}
    for row in _rows(data_dir / "materials.tsv"):
        try:
            rule = MaterialRule(row["material_code"], row["title"], row["required_when"])
            materials.setdefault(row["task_code"], []).append(rule)
        except KeyError as exc:
            raise CatalogError(f"materials.tsv: missing column {exc}") from exc
    items: list[ServiceItem] = []
    for row in _rows(data_dir / "tasks.tsv"):
        try:
            items.append(
                ServiceItem(
                    task_code=row["task_code"],
                    task_name=row["task_name"],
                    task_type=row["task_type"],
                    department=row["department"],
                    fonds_identifier=row["fonds_identifier"],
                    fonds_name=row["fonds_name"],
                    organization_code=row["organization_code"],
                    licence_type=(row.get("licence_type") or "").strip(),
                    version=(row.get("version") or "").strip(),
                    materials=tuple(materials.get(row["task_code"], ())),
                )
            )
        except KeyError as exc:
            raise CatalogError(f"tasks.tsv: missing column {exc}") from exc
    if not items:
        raise CatalogError(f"no service items in {data_dir / 'tasks.tsv'}")
    return tuple(items)
