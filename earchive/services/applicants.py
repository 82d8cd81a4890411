"""The applicant view (一人一档 / 一企一档): every archived case of one person or organisation.

An identifier typed by a cleared user is normalised and checked (resident ID check digit, USCC
check character), keyed with the archive's identity key and looked up in ``archive_identities``;
the matching archives the principal may see (fonds, 密级) become a timeline grouped by year, with
the handling result and the licences (证照) each case issued, read from its archived case.xml.
Access control and the 利用登记 event are ``earchive.access.access``'s; this module only finds and
reads.

Reads: the catalog, the identity table, each matched archive's case.xml. Raises
``ApplicantQueryError`` (an invalid identifier or a missing purpose).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from earchive.core.archive import Archive
from earchive.core.errors import ApplicantQueryError, NotFoundError
from ingest.casexml import parse_case
from package.aip import CASE_XML_PATH
from preservation.storage import StorageError
from search.identities import IdentityTable
from search.records import ArchiveRecord
from standards.case import Certificate
from standards.errors import IdentityFormatError
from standards.personal_data import Identity, identity_of

__all__ = [
    "ApplicantTimeline",
    "TimelineEntry",
    "TimelineYear",
    "applicant_timeline",
    "parse_identifier",
]


@dataclass(frozen=True)
class TimelineEntry:
    """One archived case of the applicant, as the timeline shows it."""

    archive_id: str
    archival_code: str
    electronic_record_code: str
    fonds_identifier: str
    year: int
    task_code: str
    task_name: str
    title: str
    result: str
    receive_time: datetime
    transact_time: datetime
    applicant_name: str
    licences: tuple[Certificate, ...]


@dataclass(frozen=True)
class TimelineYear:
    year: int
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class ApplicantTimeline:
    """The cases of one identity (``digest``: its keyed hash), oldest first."""

    identity: Identity
    digest: str
    entries: tuple[TimelineEntry, ...]

    @property
    def years(self) -> tuple[TimelineYear, ...]:
        return tuple(
            TimelineYear(year, tuple(group))
            for year, group in groupby(self.entries, key=lambda e: e.year)
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The applicant names the cases give (a person may have been renamed)."""
        return tuple(dict.fromkeys(e.applicant_name for e in self.entries))


def parse_identifier(value: str) -> Identity:
    """The identity ``value`` names; raises ``ApplicantQueryError`` with the reason."""
    try:
        return identity_of(value)
    except IdentityFormatError as exc:
        raise ApplicantQueryError(str(exc)) from exc


def _licences(archive: Archive, record: ArchiveRecord) -> tuple[Certificate, ...]:
    try:
        with archive.open_file(record.id, CASE_XML_PATH) as fh:
            case, _findings = parse_case(fh.read())
    except (NotFoundError, StorageError, OSError):
        return ()  # the timeline still lists the case; `earchive check` reports the storage
    if case is None or case.result_certificate is None:
        return ()
    return (case.result_certificate,)


def applicant_timeline(
    archive: Archive, identity: Identity, visible: Callable[[ArchiveRecord], bool]
) -> ApplicantTimeline:
    """The cases of ``identity`` that ``visible`` lets through, oldest completion first."""
    keyer = archive.identities
    digest = keyer.digest(identity.kind, identity.value)
    entries = []
    for archive_id in IdentityTable(archive.engine).archives(digest, keyer.key_id):
        record = archive.catalog.get(archive_id)
        if record is None or not visible(record):
            continue
        entries.append(
            TimelineEntry(
                archive_id=record.id,
                archival_code=record.archival_code,
                electronic_record_code=record.electronic_record_code,
                fonds_identifier=record.fonds_identifier,
                year=record.year,
                task_code=record.task_code,
                task_name=record.task_name,
                title=record.project_name,
                result=record.result,
                receive_time=record.receive_time,
                transact_time=record.transact_time,
                applicant_name=record.applicant_name,
                licences=_licences(archive, record),
            )
        )
    entries.sort(key=lambda e: (e.year, e.transact_time, e.archive_id))
    return ApplicantTimeline(identity, digest, tuple(entries))
