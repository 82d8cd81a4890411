"""Fixtures for package/: a small hand-built case, its source folder, keys, and a built version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from package import (
    ECDSA_P256_SHA256,
    SM2_WITH_SM3,
    ArchivalInfo,
    BuiltVersion,
    Digests,
    Signer,
    build_version,
    digest_bytes,
    generate_key,
    load_signer,
)
from standards.case import Applicant, CaseRecord, Certificate, FileEntry, Step
from standards.finding import Finding, Status

CST = timezone(timedelta(hours=8))
T0 = datetime(2024, 5, 6, 9, 30, tzinfo=CST)

FILES: dict[str, bytes] = {
    "case.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<case xmlns="urn:earchive:case:1"/>\n',
    "A/申请表.pdf": b"%PDF-1.7\n% application form\n%%EOF\n",
    "A/身份证明.jpg": b"\xff\xd8\xff\xe0 identity card \xff\xd9",
    "B/受理通知书.pdf": b"%PDF-1.7\n% acceptance notice\n%%EOF\n",
    "C/准予许可决定书.pdf": b"%PDF-1.7\n% decision\n%%EOF\n",
}
MATERIAL = {
    "A/申请表.pdf": ("A1", "申请表", "PDF"),
    "A/身份证明.jpg": ("A2", "身份证明", "JPEG"),
    "B/受理通知书.pdf": ("B8", "受理通知书", "PDF"),
    "C/准予许可决定书.pdf": ("C1", "准予许可决定书", "PDF/A-2b"),
}


def make_case(files: dict[str, bytes] = FILES) -> CaseRecord:
    entries = []
    for path, (code, title, fmt) in MATERIAL.items():
        d = digest_bytes(files[path])
        entries.append(
            FileEntry(
                path=path,
                material_code=code,
                title=title,
                format=fmt,
                size=d.size,
                created=T0,
                sm3=d.sm3,
                sha256=d.sha256,
                signed=path.startswith("C/"),
                licence=Certificate("营业执照", "91310000MA1K000000", "市场监督管理局")
                if path == "A/身份证明.jpg"
                else None,
            )
        )
    return CaseRecord(
        electronic_record_code="310101-Z109-0100190012-2024-D30-000021",
        region_code="310101",
        fonds_identifier="Z109",
        fonds_name="上海市黄浦区行政服务中心",
        organization_code="BGS",
        task_code="310101-XK-0001",
        task_name="食品经营许可",
        task_type="行政许可",
        project_id="PRJ-2024-000021",
        project_name="某某餐饮有限公司食品经营许可申请",
        accept_number="SL-2024-000021",
        applicant=Applicant(
            "某某餐饮有限公司",
            "法人",
            "统一社会信用代码",
            "91310101MA1FL0000X",
            address="上海市黄浦区某路1号",
            legal_representative="张三",
        ),
        receive_department="黄浦区市场监督管理局",
        receive_time=T0,
        transact_time=T0 + timedelta(days=3),
        result="准予",
        security_classification="公开",
        sharing="01",
        source_system="一网通办",
        submitted_at=T0 + timedelta(days=3, hours=1),
        process=(
            Step("1", "李四", "综合窗口", T0),
            Step("2", "李四", "综合窗口", T0 + timedelta(minutes=5), "材料齐全，予以受理"),
            Step("4", "王五", "黄浦区市场监督管理局", T0 + timedelta(days=3), "准予许可"),
        ),
        files=tuple(entries),
        declared_file_count=len(entries),
        task_version="2.1",
        result_certificate=Certificate(
            "食品经营许可证", "JY13101010000001", "黄浦区市场监督管理局"
        ),
    )


def make_info(version: int = 1, previous: str = "") -> ArchivalInfo:
    return ArchivalInfo(
        archive_id="Z109-310101-Z109-0100190012-2024-D30-000021",
        object_id="urn:earchive:Z109:310101-Z109-0100190012-2024-D30-000021",
        archival_code="Z109-WS·2024-D30-BGS-0001",
        retention_code="D30",
        retention_years=30,
        retention_rule="XK-0001-approved",
        retention_table_version="2024.1",
        category="WS",
        fonds_identifier="Z109",
        year=2024,
        item_number=1,
        version=version,
        ingested_at=T0 + timedelta(days=4),
        agent="earchive 0.1.0",
        package_sha256="c" * 64,
        previous_manifest_sha256=previous,
    )


def write_source(root: Path, files: dict[str, bytes] = FILES) -> Path:
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def ingest_findings() -> tuple[Finding, ...]:
    return (
        Finding("CASE_XML_SCHEMA", Status.PASS, "case.xml valid", dat70="GD-1-2"),
        Finding("ID_CHECK_DIGIT", Status.WARN, "check digit", dat70="GD-1-2", path="case.xml"),
    )


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("keys")
    generate_key(directory, SM2_WITH_SM3)
    generate_key(directory, ECDSA_P256_SHA256)
    return directory


@pytest.fixture(scope="session")
def sm2_signer(key_dir: Path) -> Signer:
    return load_signer(key_dir / "archive-sm2.key")


@pytest.fixture(scope="session")
def ecdsa_signer(key_dir: Path) -> Signer:
    return load_signer(key_dir / "archive-ecdsa-p256.key")


@pytest.fixture
def case() -> CaseRecord:
    return make_case()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_source(tmp_path / "source")


@pytest.fixture
def measured() -> dict[str, Digests]:
    return {rel: digest_bytes(data) for rel, data in FILES.items()}


@pytest.fixture
def built(tmp_path: Path, source: Path, case: CaseRecord, sm2_signer: Signer) -> BuiltVersion:
    return build_version(tmp_path / "aip", source, case, make_info(), sm2_signer, ingest_findings())


@pytest.fixture
def info() -> ArchivalInfo:
    return make_info()


@pytest.fixture
def make_info_fn() -> Callable[..., ArchivalInfo]:
    """The ``make_info(version, previous)`` factory, for tests that build a second version."""
    return make_info


@pytest.fixture
def source_files() -> dict[str, bytes]:
    return dict(FILES)


@pytest.fixture
def findings() -> tuple[Finding, ...]:
    return ingest_findings()
