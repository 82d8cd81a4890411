"""Which identities of a case are keyed for the applicant view, and the backfill from storage.

``case_identities`` turns a parsed case into keyed rows (today: the applicant; a case that names
agents or others would add rows with their role). ``backfill_identities`` fills
``archive_identities`` for archives catalogued before it existed (or keyed under another key),
reading each one's ``case.xml`` from storage.

Reads: storage (``backfill``). Writes: the catalog's ``archive_identities``. Raises nothing for one
unreadable archive: it is reported in ``BackfillReport.problems`` and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from ingest.casexml import parse_case
from package.aip import CASE_XML_PATH
from preservation.ocfl_root import OcflRoot
from preservation.storage import StorageError
from search.catalog import Catalog, CatalogError
from search.identities import IdentityKeyer, IdentityRow, IdentityTable
from standards.case import CaseRecord
from standards.personal_data import kind_for_applicant

__all__ = ["APPLICANT", "BackfillReport", "backfill_identities", "case_identities"]

#: The role of the case's applicant (申请人) in ``archive_identities``.
APPLICANT = "applicant"


def case_identities(archive_id: str, case: CaseRecord, keyer: IdentityKeyer) -> list[IdentityRow]:
    """The keyed identities named by ``case`` (none when the applicant has no identifier)."""
    applicant = case.applicant
    if not applicant.id_number.strip():
        return []
    kind = kind_for_applicant(applicant.type, applicant.id_number)
    return [keyer.row(archive_id, APPLICANT, kind, applicant.id_number)]


@dataclass(frozen=True)
class BackfillReport:
    """Archives keyed now, already keyed (skipped), and those whose case.xml could not be read."""

    keyed: int
    skipped: int
    problems: tuple[tuple[str, str], ...]


def backfill_identities(
    storage: OcflRoot,
    catalog: Catalog,
    engine: Engine,
    keyer: IdentityKeyer,
    *,
    everything: bool = False,
    on_archive: Callable[[str], None] | None = None,
) -> BackfillReport:
    """Key every catalogued archive that has no row under ``keyer``'s key (``everything``: all).

    ``engine`` is the catalog database's writer engine.
    """
    table = IdentityTable(engine)
    done = set() if everything else table.keyed_archives(keyer.key_id)
    keyed = skipped = 0
    problems: list[tuple[str, str]] = []
    for record in catalog.iter_archives():
        if record.id in done:
            skipped += 1
        else:
            try:
                with storage.open_file(record.object_id, CASE_XML_PATH) as fh:
                    case, findings = parse_case(fh.read())
                if case is None:
                    raise ValueError(findings[0].message if findings else "case.xml does not parse")
                table.record(record.id, case_identities(record.id, case, keyer))
                keyed += 1
            except (StorageError, KeyError, OSError, ValueError, CatalogError) as exc:
                problems.append((record.id, str(exc)))
        if on_archive is not None:
            on_archive(record.id)
    return BackfillReport(keyed, skipped, tuple(problems))
