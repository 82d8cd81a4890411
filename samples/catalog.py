"""The service items (事项) and their required materials, read from ``standards/data``.

The tables are read by ``standards.codes``; this module adds what only sample generation needs
(which applicant types an item takes, short codes). Raises ``CatalogError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from standards.codes import material_rules, tasks
from standards.errors import StandardsError

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


def load_items() -> tuple[ServiceItem, ...]:
    """All service items with their materials, in the order of ``tasks.tsv`` (via ``standards``)."""
    try:
        table = tasks()
    except StandardsError as exc:
        raise CatalogError(f"cannot read the service-item tables: {exc}") from exc
    items = tuple(
        ServiceItem(
            task_code=t.task_code,
            task_name=t.task_name,
            task_type=t.task_type,
            department=t.department,
            fonds_identifier=t.fonds_identifier,
            fonds_name=t.fonds_name,
            organization_code=t.organization_code,
            licence_type=t.licence_type,
            version=t.version,
            materials=tuple(
                MaterialRule(m.material_code, m.title, m.required_when)
                for m in material_rules(t.task_code)
            ),
        )
        for t in table.values()
    )
    if not items:
        raise CatalogError("no service items in tasks.tsv")
    return items
