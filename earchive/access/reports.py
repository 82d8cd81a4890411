"""``Reports``: the statistics and the annual summary as one principal may see them — holdings
of the archives within its fonds and clearance; refusals and fixity audits only for principals
that see the whole storage (every fonds and the fixity permission). Each report is recorded
(``access`` with ``mode=statistics`` or ``annual_summary``). Raises ``PermissionDeniedError``
for a role without the search permission."""

from __future__ import annotations

from earchive.access.access import Access
from earchive.auth import Permission
from earchive.services.statistics import AnnualSummary, Statistics, annual_summary, statistics

__all__ = ["Reports"]


class Reports(Access):
    """Statistics for one principal."""

    @property
    def storage_wide(self) -> bool:
        p = self.principal
        return p.fonds is None and p.can(Permission.FIXITY)

    def statistics(self) -> Statistics:
        self.require(Permission.SEARCH)
        found = statistics(self.archive, self.principal.may_see, storage_wide=self.storage_wide)
        self._log("access", "report:statistics", "success", mode="statistics")
        return found

    def annual_summary(self, year: int) -> AnnualSummary:
        self.require(Permission.SEARCH)
        summary = annual_summary(
            self.archive, self.principal.may_see, year, storage_wide=self.storage_wide
        )
        self._log("access", "report:annual", "success", mode="annual_summary", year=year)
        return summary
