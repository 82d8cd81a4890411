"""The Alembic migrations build exactly the schema the code declares, on SQLite and PostgreSQL;
``upgrade`` is idempotent, safe when several processes start at once, and adopts a catalog that
``create_all`` made before migrations existed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from earchive.core.migrations import (
    current_revision,
    head_revision,
    is_current,
    newest_script,
    target_metadata,
    upgrade,
)
from tests.catalog.conftest import Backend, open_engine


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), list(target_metadata())))


def test_migrated_schema_equals_the_metadata(backend: Backend) -> None:
    assert current_revision(backend.engine) == head_revision()
    assert _diff(backend.engine) == []
    tables = set(inspect(backend.engine).get_table_names())
    declared = {t for md in target_metadata() for t in md.tables}
    assert tables == declared | {"alembic_version"}


def test_the_quick_check_agrees_with_alembic(backend: Backend) -> None:
    """Every start asks ``is_current`` instead of running Alembic: it must name Alembic's head
    and see a catalog that is behind (or was never migrated) as not current."""
    assert newest_script() == head_revision()
    assert is_current(backend.engine)
    with backend.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    assert not is_current(backend.engine)
    upgrade(backend.engine)  # 0009 → head again
    assert is_current(backend.engine)
    with backend.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert not is_current(backend.engine)


def test_comparison_sees_a_drift(backend: Backend) -> None:
    # guard: the comparison above is not vacuous
    with backend.engine.begin() as conn:
        conn.execute(text("ALTER TABLE archives ADD COLUMN stray INTEGER"))
    diff = _diff(backend.engine)
    assert any(d[0] == "remove_column" and d[3].name == "stray" for d in diff)  # type: ignore[index]


def test_upgrade_is_idempotent(backend: Backend) -> None:
    upgrade(backend.engine)
    upgrade(backend.engine)
    assert current_revision(backend.engine) == head_revision()
    assert _diff(backend.engine) == []


def test_concurrent_first_upgrades_migrate_once(catalog_url: str) -> None:
    engines = [open_engine(catalog_url) for _ in range(3)]
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(upgrade, engines))
        assert current_revision(engines[0]) == head_revision()
        assert _diff(engines[0]) == []
    finally:
        for engine in engines:
            engine.dispose()


def test_a_catalog_made_before_migrations_is_adopted(catalog_url: str) -> None:
    engine = open_engine(catalog_url)
    try:
        for md in target_metadata():
            md.create_all(engine)
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (head_revision(),)
    finally:
        engine.dispose()
