"""``Catalog``: archived records, their files and versions, on a passed-in SQLAlchemy engine.

Rebuildable from storage (``clear`` then re-record). Reads/writes: the database. Raises
``CatalogError`` (``CatalogConflictError`` for a uniqueness clash, e.g. a 档号 already used).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, RowMapping, Select, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .records import ArchiveRecord, FileRow, VersionRow
from .tables import (
    WRITE_OPTION,
    archive_files,
    archive_versions,
    archives,
    configure_sqlite,
    metadata,
)

__all__ = ["Catalog", "CatalogConflictError", "CatalogError"]

_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(ArchiveRecord))
_FILE_FIELDS = tuple(f.name for f in dataclasses.fields(FileRow))
_VERSION_FIELDS = tuple(f.name for f in dataclasses.fields(VersionRow))
_PAGE = 500
Params = dict[str, Any] | None


# Statements built once, their values bound per call: building ``insert(t).values(row)`` anew
# coerces every value into the expression tree, several times the cost of running it
_VERSION_OF = select(archives.c.version).where(archives.c.id == bindparam("b_id"))
_INSERT_ARCHIVE = insert(archives)
_UPDATE_ARCHIVE = update(archives).where(archives.c.id == bindparam("b_id"))
_DELETE_FILES = delete(archive_files).where(
    (archive_files.c.archive_id == bindparam("b_id"))
    & (archive_files.c.version == bindparam("b_v"))
)
_DELETE_VERSION = delete(archive_versions).where(
    (archive_versions.c.archive_id == bindparam("b_id"))
    & (archive_versions.c.version == bindparam("b_v"))
)
_ARCHIVE_BY_ID = select(archives).where(archives.c.id == bindparam("b_id"))


def _record_version(
    conn: Connection, record: ArchiveRecord, files: Sequence[FileRow], version_row: VersionRow
) -> None:
    values = dataclasses.asdict(record)
    key = {"b_id": record.id, "b_v": version_row.version}
    current = conn.execute(_VERSION_OF, key).scalar_one_or_none()
    if current is None:
        conn.execute(_INSERT_ARCHIVE, values)
    elif record.version >= current:
        conn.execute(_UPDATE_ARCHIVE, {**values, **key})
    conn.execute(_DELETE_FILES, key)
    conn.execute(_DELETE_VERSION, key)
    conn.execute(
        insert(archive_versions), {"archive_id": record.id, **dataclasses.asdict(version_row)}
    )
    if files:
        conn.execute(
            insert(archive_files),
            [
                {"archive_id": record.id, "version": version_row.version, **dataclasses.asdict(f)}
                for f in files
            ],
        )


class CatalogError(Exception):
    """The catalog database failed or was given inconsistent rows."""


class CatalogConflictError(CatalogError):
    """A uniqueness rule was broken (archival code, fonds + electronic record code, object id)."""


def _record(row: RowMapping) -> ArchiveRecord:
    return ArchiveRecord(**{name: row[name] for name in _RECORD_FIELDS})


class Catalog:
    """The catalog of archived records; call ``create_schema`` once per database."""

    def __init__(self, engine: Engine) -> None:
        configure_sqlite(engine)
        self.engine = engine

    def _write(self) -> Connection:
        return self.engine.connect().execution_options(**{WRITE_OPTION: True})

    def create_schema(self) -> None:
        """Create the tables if missing (Alembic migrations take over in production)."""
        try:
            with self._write() as conn, conn.begin():
                metadata.create_all(conn)
        except SQLAlchemyError as exc:
            raise CatalogError(f"cannot create the catalog schema: {exc}") from exc

    def record_version(
        self,
        record: ArchiveRecord,
        files: Sequence[FileRow],
        version_row: VersionRow,
        conn: Connection | None = None,
    ) -> None:
        """Record one version of an archive, in one transaction (``conn``'s when given: the
        caller's other writes then commit with it, or not at all).

        The archive row is inserted, or updated when ``record.version`` is not older than the row's
        current version. The version's files and version row replace any earlier recording of the
        same version (idempotent reruns).
        """
        try:
            if conn is not None:
                _record_version(conn, record, files, version_row)
                return
            with self._write() as own, own.begin():
                _record_version(own, record, files, version_row)
        except IntegrityError as exc:
            raise CatalogConflictError(f"cannot record {record.id}: {exc.orig}") from exc
        except (SQLAlchemyError, ValueError) as exc:
            raise CatalogError(f"cannot record {record.id}: {exc}") from exc

    # -- reads ---------------------------------------------------------------------------------

    def _one(self, query: Select[Any], params: Params = None) -> ArchiveRecord | None:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(query, params).mappings().first()
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog read failed: {exc}") from exc
        return None if row is None else _record(row)

    def get(self, archive_id: str) -> ArchiveRecord | None:
        """The archive's current record, or ``None``."""
        return self._one(_ARCHIVE_BY_ID, {"b_id": archive_id})

    def get_many(self, archive_ids: Sequence[str]) -> dict[str, ArchiveRecord]:
        """The current records of ``archive_ids`` that exist, by id (one query per 500 ids)."""
        found: dict[str, ArchiveRecord] = {}
        ids = list(dict.fromkeys(archive_ids))
        try:
            with self.engine.connect() as conn:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    rows = conn.execute(select(archives).where(archives.c.id.in_(chunk)))
                    for row in rows.mappings():
                        record = _record(row)
                        found[record.id] = record
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog read failed: {exc}") from exc
        return found

    def version_totals(self, archive_ids: Sequence[str]) -> dict[tuple[str, int], tuple[int, int]]:
        """(files, bytes) of every recorded version of ``archive_ids``, by (id, version): one
        query per 500 ids instead of the file rows of each version."""
        ids = list(dict.fromkeys(archive_ids))
        f = archive_files.c
        query = select(f.archive_id, f.version, func.count(), func.sum(f.size))
        totals: dict[tuple[str, int], tuple[int, int]] = {}
        try:
            with self.engine.connect() as conn:
                for start in range(0, len(ids), _PAGE):
                    chunk = ids[start : start + _PAGE]
                    grouped = query.where(f.archive_id.in_(chunk)).group_by(f.archive_id, f.version)
                    for archive_id, version, count, size in conn.execute(grouped):
                        totals[(archive_id, int(version))] = (int(count), int(size or 0))
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog read failed: {exc}") from exc
        return totals

    def by_electronic_record_code(self, fonds: str, erc: str) -> ArchiveRecord | None:
        """Look up by fonds and electronic record code (unique per fonds)."""
        return self._one(
            select(archives).where(
                archives.c.fonds_identifier == fonds, archives.c.electronic_record_code == erc
            )
        )

    def by_archival_code(self, code: str) -> ArchiveRecord | None:
        """Look up by 档号."""
        return self._one(select(archives).where(archives.c.archival_code == code))

    def files(self, archive_id: str, version: int | None = None) -> list[FileRow]:
        """Files of a version (default: the current one), by path; empty if unknown."""
        try:
            with self.engine.connect() as conn:
                if version is None:
                    version = conn.execute(
                        select(archives.c.version).where(archives.c.id == archive_id)
                    ).scalar_one_or_none()
                    if version is None:
                        return []
                rows = conn.execute(
                    select(*(archive_files.c[name] for name in _FILE_FIELDS))
                    .where(archive_files.c.archive_id == archive_id)
                    .where(archive_files.c.version == version)
                    .order_by(archive_files.c.path)
                ).mappings()
                return [FileRow(**row) for row in rows]
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog read failed: {exc}") from exc

    def versions(self, archive_id: str) -> list[VersionRow]:
        """All recorded versions, oldest first."""
        return self._versions(archive_versions.c.archive_id == archive_id)

    def find_version_by_package_digest(self, archive_id: str, digest: str) -> VersionRow | None:
        """The version whose submitted package content had this sha256 (duplicate detection)."""
        found = self._versions(
            archive_versions.c.archive_id == archive_id,
            archive_versions.c.package_sha256 == digest,
        )
        return found[0] if found else None

    def _versions(self, *where: Any) -> list[VersionRow]:
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(*(archive_versions.c[name] for name in _VERSION_FIELDS))
                    .where(*where)
                    .order_by(archive_versions.c.version)
                ).mappings()
                return [VersionRow(**row) for row in rows]
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog read failed: {exc}") from exc

    def count(self) -> int:
        """Number of archives."""
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(archives)).scalar_one())
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog read failed: {exc}") from exc

    def iter_archives(self) -> Iterator[ArchiveRecord]:
        """Every archive's current record, by id (paged; no connection held between pages)."""
        last = ""
        while True:
            try:
                with self.engine.connect() as conn:
                    rows = (
                        conn.execute(
                            select(archives)
                            .where(archives.c.id > last)
                            .order_by(archives.c.id)
                            .limit(_PAGE)
                        )
                        .mappings()
                        .all()
                    )
            except SQLAlchemyError as exc:
                raise CatalogError(f"catalog read failed: {exc}") from exc
            if not rows:
                return
            for row in rows:
                yield _record(row)
            last = rows[-1]["id"]

    def clear(self) -> None:
        """Delete every row (before a rebuild from storage)."""
        try:
            with self._write() as conn, conn.begin():
                for table in (archive_files, archive_versions, archives):
                    conn.execute(delete(table))
        except SQLAlchemyError as exc:
            raise CatalogError(f"cannot clear the catalog: {exc}") from exc
