"""Identity keys: archives matched by a keyed hash of their applicant's identifier.

The catalog never holds an ID number or credit code in the clear for matching. ``IdentityKeyer``
computes HMAC-SM3 (RFC 2104 over GB/T 32905 SM3, OpenSSL's ``sm3`` through ``hmac``) of
``"<kind>:<normalised identifier>"`` with the archive's secret key; ``archive_identities`` holds
one row per (archive, role, digest) with the kind and the id of the key that made it, so rows
made under another key are found and recomputed. Without the key a digest cannot be tested
against guessed ID numbers (the ID space is small enough to enumerate, an unkeyed hash is not).

Reads/writes: the catalog database (``IdentityTable``). Raises ``IdentityKeyError`` for an
unusable key and ``CatalogError`` when the database fails.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from standards.personal_data import IdentityKind, normalise_identifier

from .catalog import CatalogError
from .tables import archives as archives_table

__all__ = [
    "ALGORITHM",
    "IdentityKeyError",
    "IdentityKeyer",
    "IdentityPage",
    "IdentityRow",
    "IdentityTable",
    "archive_identities",
    "metadata",
]

#: The keyed hash in use (recorded in docs; a change of algorithm is a change of ``key_id``).
ALGORITHM = "HMAC-SM3"
_MIN_KEY_BYTES = 32

metadata = MetaData()

archive_identities = Table(
    "archive_identities",
    metadata,
    Column("archive_id", String(80), nullable=False),
    Column("role", String(16), nullable=False),  # applicant (an agent … when a case names one)
    Column("kind", String(16), nullable=False),  # person | organisation
    Column("key_id", String(16), nullable=False),
    Column("digest", String(64), nullable=False),
    PrimaryKeyConstraint("archive_id", "role", "digest", name="pk_archive_identities"),
    Index("ix_archive_identities_digest", "digest"),
)


class IdentityKeyError(Exception):
    """The identity key is missing, too short or unreadable."""


@dataclass(frozen=True)
class IdentityRow:
    """One keyed identity of one archive (no clear identifier anywhere in it)."""

    archive_id: str
    role: str
    kind: IdentityKind
    key_id: str
    digest: str


class IdentityKeyer:
    """HMAC-SM3 of normalised identifiers under one secret key (at least 32 bytes)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < _MIN_KEY_BYTES:
            raise IdentityKeyError(f"an identity key needs {_MIN_KEY_BYTES} bytes or more")
        self._key = key
        self.key_id = self._mac(b"earchive identity key id")[:16]

    def _mac(self, message: bytes) -> str:
        return hmac.new(self._key, message, "sm3").hexdigest()

    def digest(self, kind: IdentityKind, identifier: str) -> str:
        """The keyed hash of ``identifier`` (normalised first) as an identity of ``kind``."""
        return self._mac(f"{kind}:{normalise_identifier(identifier)}".encode())

    def row(self, archive_id: str, role: str, kind: IdentityKind, identifier: str) -> IdentityRow:
        return IdentityRow(archive_id, role, kind, self.key_id, self.digest(kind, identifier))

    def __repr__(self) -> str:  # never show the key
        return f"IdentityKeyer(key_id={self.key_id!r})"


@dataclass(frozen=True)
class IdentityPage:
    """One page of the archives holding a keyed identity: ``total`` before paging, and per
    archive (id, 电子文件号, 档号, title), ordered by 档号."""

    total: int
    archives: tuple[tuple[str, str, str, str], ...]


# built once, the archive bound per call
_DELETE_OWN = delete(archive_identities).where(
    archive_identities.c.archive_id == bindparam("b_archive")
)


class IdentityTable:
    """The ``archive_identities`` rows on a catalog engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def replace(conn: Connection, archive_id: str, rows: Sequence[IdentityRow]) -> None:
        """Make ``rows`` the archive's identities, in the caller's transaction."""
        conn.execute(_DELETE_OWN, {"b_archive": archive_id})
        unique = {(r.role, r.digest): r for r in rows if r.archive_id == archive_id}
        if unique:
            conn.execute(
                insert(archive_identities),
                [
                    {"archive_id": r.archive_id, "role": r.role, "kind": r.kind,
                     "key_id": r.key_id, "digest": r.digest}
                    for r in unique.values()
                ],
            )  # fmt: skip

    def record(self, archive_id: str, rows: Sequence[IdentityRow]) -> None:
        """``replace`` in a transaction of its own."""
        try:
            with self.engine.begin() as conn:
                self.replace(conn, archive_id, rows)
        except SQLAlchemyError as exc:
            raise CatalogError(f"cannot record the identities of {archive_id}: {exc}") from exc

    def archives(self, digest: str, key_id: str) -> list[str]:
        """Ids of the archives holding this keyed identity (made with key ``key_id``), sorted."""
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(archive_identities.c.archive_id)
                    .where(archive_identities.c.digest == digest)
                    .where(archive_identities.c.key_id == key_id)
                    .distinct()
                    .order_by(archive_identities.c.archive_id)
                ).all()
        except SQLAlchemyError as exc:
            raise CatalogError(f"identity lookup failed: {exc}") from exc
        return [r.archive_id for r in rows]

    def page(
        self,
        digest: str,
        key_id: str,
        *,
        fonds: Sequence[str] | None = None,
        classifications: Sequence[str] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> IdentityPage:
        """The archives holding this keyed identity within ``fonds`` and ``classifications``
        (``None``: any), one page of them and their count, both by the database (two indexed
        queries, whatever the number of archives)."""
        a = archives_table.c
        ids = (
            select(archive_identities.c.archive_id)
            .where(archive_identities.c.digest == digest)
            .where(archive_identities.c.key_id == key_id)
            .distinct()
            .subquery()
        )
        matched = select(archives_table).join(ids, ids.c.archive_id == a.id)
        if fonds is not None:
            matched = matched.where(a.fonds_identifier.in_(list(fonds)))
        if classifications is not None:
            matched = matched.where(a.security_classification.in_(list(classifications)))
        found = matched.subquery()
        try:
            with self.engine.connect() as conn:
                total = int(conn.execute(select(func.count()).select_from(found)).scalar_one())
                rows = conn.execute(
                    select(
                        found.c.id,
                        found.c.electronic_record_code,
                        found.c.archival_code,
                        found.c.project_name,
                    )
                    .order_by(found.c.archival_code)
                    .limit(limit)
                    .offset(offset)
                ).all()
        except SQLAlchemyError as exc:
            raise CatalogError(f"identity lookup failed: {exc}") from exc
        return IdentityPage(total, tuple((r[0], r[1], r[2], r[3]) for r in rows))

    def rows(self, archive_ids: Iterable[str] | None = None) -> list[IdentityRow]:
        """Every row (or those of ``archive_ids``), by archive id."""
        query = select(archive_identities).order_by(
            archive_identities.c.archive_id, archive_identities.c.role
        )
        if archive_ids is not None:
            query = query.where(archive_identities.c.archive_id.in_(list(archive_ids)))
        try:
            with self.engine.connect() as conn:
                found = conn.execute(query).mappings().all()
        except SQLAlchemyError as exc:
            raise CatalogError(f"identity read failed: {exc}") from exc
        return [
            IdentityRow(r["archive_id"], r["role"], r["kind"], r["key_id"], r["digest"])
            for r in found
        ]

    def keyed_archives(self, key_id: str) -> set[str]:
        """Archives with at least one row made under ``key_id``."""
        try:
            with self.engine.connect() as conn:
                found = conn.execute(
                    select(archive_identities.c.archive_id)
                    .where(archive_identities.c.key_id == key_id)
                    .distinct()
                ).all()
        except SQLAlchemyError as exc:
            raise CatalogError(f"identity read failed: {exc}") from exc
        return {r.archive_id for r in found}

    def count(self) -> int:
        try:
            with self.engine.connect() as conn:
                query = select(func.count()).select_from(archive_identities)
                return int(conn.execute(query).scalar_one())
        except SQLAlchemyError as exc:
            raise CatalogError(f"identity read failed: {exc}") from exc

    def clear(self) -> None:
        """Delete every row (before a rebuild from storage)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(archive_identities))
        except SQLAlchemyError as exc:
            raise CatalogError(f"cannot clear the identities: {exc}") from exc
