"""What the EEP tests build packages from, without the application: a metadata mapping shaped like
``package.metadata.read_archival_metadata`` output, a case's files made here (an XML, a PDF, the
archival.xml), and an SM2 unit certificate issued by a test CA (``samples.sm2_authority``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

from asn1crypto import pem

from package.digest import digest_bytes
from package.signature import SM2_WITH_SM3, Signer, generate_key, load_signer
from samples.sm2_authority import Sm2Key, issue_certificate, new_root
from transfer.eep import BuiltEep, EepDocument, EepOptions, EepSource, build_eep

__all__ = [
    "CREATED",
    "UNIT",
    "Unit",
    "case_files",
    "eep",
    "metadata",
    "minimal_pdf",
    "source",
    "unit",
]

CST = timezone(timedelta(hours=8))
CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=CST)
UNIT = "某市市场监督管理局"
_ORG = "earchive 测试电子印章系统"
CA_VALID = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))


def minimal_pdf(text: str = "decision") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (6, xref))
    return out.getvalue()


def case_files() -> dict[str, bytes]:
    """Logical path → bytes of a small archive version: case XML, a PDF, the metadata file."""
    case_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<case xmlns="urn:earchive:case:1">'
        "<projectName>食品经营许可 & 变更</projectName></case>\n"
    ).replace("&", "&amp;")
    return {
        "original/case.xml": case_xml.encode("utf-8"),
        "original/C/准予许可决定书.pdf": minimal_pdf(),
        "metadata/archival.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<archivalPackage xmlns="urn:earchive:aip:1" schemaVersion="1"/>\n',
    }


def metadata(files: Mapping[str, bytes]) -> dict[str, Any]:
    """Metadata shaped like ``read_archival_metadata`` output for ``files``."""
    listed = []
    for path, data in files.items():
        if path.startswith("original/"):
            d = digest_bytes(data)
            fmt = "PDF" if path.endswith(".pdf") else "XML"
            title = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            listed.append(
                {"path": path, "title": title, "format": fmt, "size": d.size}
                | {"sm3": d.sm3, "sha256": d.sha256}
            )
    return {
        "archive_id": "Z109-310000-2024-000007",
        "object_id": "urn:earchive:Z109:310000-2024-000007",
        "version": 1,
        "fonds_name": UNIT,
        "electronic_record_code": "310000-Z109-0100190012-2024-D30-000007",
        "archival_code": "Z109-WS·2024-D30-BGS-0007",
        "fonds_identifier": "Z109",
        "year": 2024,
        "retention_period": "D30",
        "retention_rule": "R-0100190012",
        "retention_table_version": "2024-1",
        "organization_code": "BGS",
        "category": "WS",
        "item_number": 7,
        "title": "张三食品经营许可申请",
        "author": "行政审批处",
        "date": "2024-05-08",
        "security_classification": "公开",
        "file_count": len(listed),
        "ingested_at": datetime(2024, 6, 1, 10, 0, tzinfo=CST),
        "agent": "earchive 1.0",
        "region_code": "310000",
        "task_code": "0100190012",
        "task_name": "食品经营许可",
        "task_version": "3",
        "task_type": "行政许可",
        "project_id": "P-2024-0007",
        "accept_number": "SL-2024-0007",
        "applicant": {
            "name": "张三",
            "type": "自然人",
            "idType": "身份证",
            "idNumber": "310101199001011234",
        },
        "receive_department": "行政审批处",
        "receive_time": datetime(2024, 5, 6, 9, 30, tzinfo=CST),
        "transact_time": datetime(2024, 5, 8, 16, 0, tzinfo=CST),
        "result": "准予",
        "result_certificate": {"type": "食品经营许可证", "number": "JY13101010007", "issuer": UNIT},
        "sharing": "02",
        "source_system": "一网通办受理平台",
        "process": [
            {"activity": "1", "actionTime": "2024-05-06T09:30:00+08:00", "agentName": "李四"}
            | {"department": "行政审批处"},
            {"activity": "2", "actionTime": "2024-05-06T10:00:00+08:00", "agentName": "李四"}
            | {"department": "行政审批处", "actionDescription": "材料齐全，予以受理"},
            {"activity": "4", "actionTime": "2024-05-08T16:00:00+08:00", "agentName": "王五"}
            | {"department": "食品经营处", "actionDescription": "准予许可"},
        ],
        "files": listed,
    }


def _opener(data: bytes) -> Callable[[], BinaryIO]:
    return lambda: io.BytesIO(data)


def source(files: Mapping[str, bytes] | None = None) -> EepSource:
    files = dict(case_files() if files is None else files)
    docs = tuple(EepDocument(p, _opener(d)) for p, d in files.items())
    return EepSource(metadata(files), docs)


@dataclass(frozen=True)
class Unit:
    """The 立档单位's signing key, its certificate chain (unit, CA) and the CA alone."""

    signer: Signer
    certificates: tuple[bytes, ...]
    root: bytes

    def options(self, created: datetime = CREATED) -> EepOptions:
        return EepOptions(UNIT, created, UNIT, self.certificates)


def unit(
    key_dir: Path,
    *,
    valid: tuple[datetime, datetime] = (datetime(2025, 1, 1, tzinfo=UTC), CA_VALID[1]),
    ca: tuple[bytes, Sm2Key] | None = None,
) -> Unit:
    """A fresh SM2 key in ``key_dir`` with a unit certificate valid over ``valid``, issued by
    ``ca`` (a new test CA when None)."""
    signer = load_signer(generate_key(key_dir, SM2_WITH_SM3))
    root_der, root_key = ca or new_root("earchive 测试单位证书CA", CA_VALID)
    spki = bytes(pem.unarmor(signer.public_key_pem.encode("ascii"))[2])
    cert = issue_certificate(
        subject=(f"{UNIT}电子签名", UNIT),
        subject_spki=spki,
        issuer=("earchive 测试单位证书CA", _ORG),
        issuer_spki=root_key.spki_der,
        issuer_sign=root_key.sign,
        not_before=valid[0],
        not_after=valid[1],
        ca=False,
    )
    return Unit(signer, (cert, root_der), root_der)


def eep(tmp_path: Path, who: Unit, src: EepSource | None = None, name: str = "x") -> BuiltEep:
    """Build the EEP of ``src`` (the default case) signed by ``who`` under ``tmp_path``."""
    return build_eep(src or source(), who.signer, tmp_path / f"{name}.eep.xml", who.options())
