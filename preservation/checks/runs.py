"""Check runs and registration forms kept in the catalog database, beside the event log.

``check_runs`` holds every run's JSON report (so an archive's check history travels with the
catalog without a new AIP version per report); ``registration_forms`` the GB/T 18894 A.1 form of
each ingest batch. Reads/writes: the database through the engine passed in.
Raises: ``RunStoreError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from .registration import RegistrationEntry, RegistrationError, RegistrationForm

if TYPE_CHECKING:
    from .engine import CheckRun

__all__ = ["RunStore", "RunStoreError", "metadata"]

metadata = MetaData()

check_runs = Table(
    "check_runs",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("archive_id", String(300), nullable=False, index=True),
    Column("stage", String(4), nullable=False),
    Column("version", Integer, nullable=False),
    Column("finished", String(40), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("report", Text, nullable=False),
)

registration_forms = Table(
    "registration_forms",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("batch_id", String(100), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("form", Text, nullable=False),
)


class RunStoreError(Exception):
    """The database failed or holds an unreadable row."""


class RunStore:
    """Check runs and registration forms in the catalog database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_schema(self) -> None:
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise RunStoreError(f"cannot create check tables: {exc}") from exc

    def save_run(self, run: CheckRun) -> int:
        row = {
            "archive_id": run.archive_id,
            "stage": run.stage,
            "version": run.version,
            "finished": run.finished.isoformat(),
            "outcome": "FAIL" if run.failed else "OK",
            "report": json.dumps(run.as_dict(), ensure_ascii=False),
        }
        try:
            with self.engine.begin() as conn:
                result = conn.execute(check_runs.insert().values(**row))
                return int(result.inserted_primary_key[0])  # type: ignore[index]
        except SQLAlchemyError as exc:
            raise RunStoreError(f"cannot save the check run: {exc}") from exc

    def runs(self, archive_id: str) -> Iterator[CheckRun]:
        """The archive's runs, oldest first."""
        stmt = select(check_runs.c.report).where(check_runs.c.archive_id == archive_id)
        try:
            with self.engine.connect() as conn:
                rows = list(conn.execute(stmt.order_by(check_runs.c.seq)))
        except SQLAlchemyError as exc:
            raise RunStoreError(f"cannot read check runs: {exc}") from exc
        from .engine import CheckRun  # the engine loads when a stored run is read, not before

        for (report,) in rows:
            try:
                yield CheckRun.from_dict(json.loads(report))
            except (ValueError, KeyError, TypeError) as exc:
                raise RunStoreError(f"unreadable check run of {archive_id}: {exc}") from exc

    def save_form(self, form: RegistrationForm) -> None:
        row = {
            "batch_id": form.batch_id,
            "created_at": form.created_at.isoformat(),
            "form": json.dumps(form.as_dict(), ensure_ascii=False),
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(registration_forms.insert().values(**row))
        except SQLAlchemyError as exc:
            raise RunStoreError(f"cannot save registration form {form.batch_id}: {exc}") from exc

    def forms(self) -> Iterator[RegistrationForm]:
        try:
            with self.engine.connect() as conn:
                rows = list(
                    conn.execute(
                        select(registration_forms.c.form).order_by(registration_forms.c.seq)
                    )
                )
        except SQLAlchemyError as exc:
            raise RunStoreError(f"cannot read registration forms: {exc}") from exc
        for (text,) in rows:
            try:
                yield RegistrationForm.from_dict(json.loads(text))
            except (ValueError, RegistrationError) as exc:
                raise RunStoreError(f"unreadable registration form: {exc}") from exc

    def entry(self, archive_id: str, version: int) -> RegistrationEntry | None:
        """The newest registration entry of this archive version."""
        found = None
        for form in self.forms():
            e = form.entry(archive_id)
            if e is not None and e.version == version:
                found = e
        return found
