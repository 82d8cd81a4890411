"""Build a transfer package (档发〔2012〕7号 / DA/T 93-2022) for a set of archives.

Layout under ``dest`` (档发〔2012〕7号 附件2), for ONE 立档单位::

    说明文件.TXT                      carrier, units, counts, software needed (UTF-8)
    文件目录.XML                      one <文件> per archive (transfer-catalogue.xsd)
    电子档案/<年度>/<门类>/<档号>.eep.xml   one signed DA/T 48 EEP per archive
    其他/登记表.xml, 登记表.sig.json   《电子档案移交与接收登记表》 and its detached signature by
                                      the 移交单位's certificate; 登记表.pdf for print
    其他/                             metadata scheme notes, the two XSDs, 档号 rule
    manifest.txt, manifest.sig.json  every file above (SM3, SHA-256, size), signed by the
                                      移交单位 (its certificate chain in the signature)

The YJ checks are not run here (``transfer`` does not know the archive): the caller passes
``check``, a callback returning each archive's ``CheckOutcome``; an archive with a FAIL or with
encrypted content is refused (not packaged) and named in the 登记表. Writes only under ``dest``
(built as ``.<name>.partial`` beside it, renamed when complete). Raises ``TransferPackageError``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from package.certificates import SigningIdentity
from package.digest import Digests, digest_file
from package.errors import PackageError
from package.manifest import manifest_bytes, sign_manifest, signature_json
from standards.datafiles import data_path
from standards.errors import DataFileError
from standards.finding import Finding

from .annotations import ItemAnnotations, write_annotations
from .catalogue import CATALOGUE_NAME, CatalogueEntry, catalogue_xml
from .eep import EepOptions, EepSource, build_eep
from .errors import TransferError, TransferPackageError
from .findings import transfer_finding
from .registration import (
    REGISTRATION_NAME,
    REGISTRATION_SIGNATURE_NAME,
    RegistrationForm,
    SheetEntry,
    Signatory,
    checks_total,
    registration_xml,
)

__all__ = [
    "COMPRESSED_FORMATS",
    "COMPRESSED_SUFFIXES",
    "MANIFEST_NAME",
    "NOTES_NAME",
    "SIGNATURE_NAME",
    "CheckOutcome",
    "PackagedItem",
    "TransferPackage",
    "TransferRequest",
    "build_transfer_package",
    "check_outcome",
    "compressed_paths",
]

NOTES_NAME = "说明文件.TXT"
MANIFEST_NAME = "manifest.txt"
SIGNATURE_NAME = "manifest.sig.json"
ARCHIVES_DIR = "电子档案"
OTHER_DIR = "其他"
REGISTRATION_PDF_NAME = f"{OTHER_DIR}/登记表.pdf"
_OTHER_FILES = ("eep.xsd", "transfer-catalogue.xsd", "archival-code.json")


@dataclass(frozen=True)
class CheckOutcome:
    """The sender's YJ check run on one archive, reduced to what transfer needs."""

    archive_id: str
    failed: bool
    encrypted: bool
    counts: Mapping[str, Mapping[str, int]]  # property "1".."4" → status → count
    findings: tuple[Finding, ...] = ()
    compressed: tuple[str, ...] = ()  # paths of compressed files (ZIP, RAR, 7z, gzip …)


#: formats (as identified at ingest) and name endings of compressed files, refused for transfer
#: (DA/T 70 YJ-3-4: no private compression)
COMPRESSED_FORMATS = frozenset({"ZIP", "RAR", "7Z", "GZIP", "TAR", "BZIP2", "XZ", "ZSTD"})
COMPRESSED_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst")


def compressed_paths(files: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Paths among ``(path, format)`` pairs that are compressed containers."""
    return tuple(
        path
        for path, fmt in files
        if fmt.upper() in COMPRESSED_FORMATS or path.lower().endswith(COMPRESSED_SUFFIXES)
    )


def check_outcome(
    archive_id: str,
    failed: bool,
    results: Iterable[tuple[str, Finding]],
    compressed: Sequence[str] = (),
) -> CheckOutcome:
    """A YJ check run (``(DA/T 70 item, finding)`` pairs) reduced to what transfer needs: the
    counts per property and status, and whether an encryption check failed."""
    pairs = list(results)
    counts: dict[str, dict[str, int]] = {}
    for item, finding in pairs:
        prop = item.split("-")[1] if item.count("-") >= 2 else "?"
        row = counts.setdefault(prop, {})
        row[finding.status.value] = row.get(finding.status.value, 0) + 1
    encrypted = any(f.failed and "ENCRYPT" in f.code for _, f in pairs)
    return CheckOutcome(
        archive_id, failed, encrypted, counts, tuple(f for _, f in pairs), tuple(compressed)
    )


@dataclass(frozen=True)
class TransferRequest:
    batch_id: str
    task_name: str
    sender: str  # 移交单位: the one 立档单位 of the package
    receiver: str  # 接收单位
    created: datetime  # aware
    agent: str  # software name and version, for 说明文件
    font: Path | None = None  # CJK TrueType font for 登记表.pdf; None = no PDF
    font_index: int = 0
    carrier: str = "在线"  # 载体类型: 在线 (network, bucket) or 离线 (removable media)
    carrier_numbers: str = ""  # 载体起止顺序号 of an offline transfer
    preparer: Signatory | None = None  # 填表人
    reviewer: Signatory | None = None  # 审核人
    antivirus: str = ""  # the engine that scanned the files ("" = none; signed off)
    signed_off: Mapping[str, int] = field(default_factory=dict)  # property → items signed off


@dataclass(frozen=True)
class PackagedItem:
    archive_id: str
    archival_code: str
    eep_path: str  # relative to the package root
    eep: Digests
    documents: int
    data_bytes: int  # the EEP's size: every file is inside it


@dataclass(frozen=True)
class TransferPackage:
    path: Path
    batch_id: str
    items: tuple[PackagedItem, ...]
    refused: tuple[Finding, ...]
    registration: RegistrationForm


def _eep_name(metadata: Mapping[str, object]) -> str:
    code = str(metadata["archival_code"])
    if "/" in code or "\\" in code or code.startswith("."):
        raise TransferPackageError(f"档号 cannot name a file: {code!r}")
    return f"{ARCHIVES_DIR}/{metadata['year']}/{metadata['category']}/{code}.eep.xml"


def _refusal(outcome: CheckOutcome) -> Finding | None:
    if outcome.encrypted:
        return transfer_finding("TRANSFER_ITEM_ENCRYPTED", archive_id=outcome.archive_id)
    if outcome.compressed:
        return transfer_finding(
            "TRANSFER_ITEM_COMPRESSED",
            archive_id=outcome.archive_id,
            found=", ".join(outcome.compressed),
        )
    if outcome.failed:
        failed = [f.code for f in outcome.findings if f.failed]
        return transfer_finding(
            "TRANSFER_ITEM_REFUSED", archive_id=outcome.archive_id, found=", ".join(failed)
        )
    return None


def _notes(
    request: TransferRequest,
    items: Sequence[PackagedItem],
    form: RegistrationForm,
    extra: Sequence[str] = (),
) -> bytes:
    lines = [
        "电子档案移交说明文件",
        f"批次：{request.batch_id}",
        f"交接工作名称：{request.task_name}",
        f"移交单位：{request.sender}",
        f"接收单位：{request.receiver}",
        f"载体类型：{request.carrier}",
        f"载体编号：{request.carrier_numbers or '无（在线移交）'}",
        f"载体保管单位：{request.sender if request.carrier == '离线' else '不适用（在线移交）'}",
        f"载体制作单位：{request.sender if request.carrier == '离线' else '不适用（在线移交）'}",
        f"载体检查单位：{request.receiver if request.carrier == '离线' else '不适用（在线移交）'}",
        "存储与运行环境：数据以文件形式移交，无需专用软硬件；离线载体应在温度 14–24 ℃、"
        "相对湿度 45%–60% 的环境中保管，远离磁场",
        f"移交时间：{request.created.isoformat()}",
        f"电子档案件数：{len(items)}；计算机文件数：{form.files}",
        f"数据量：{form.gigabytes} GB（{form.data_bytes} 字节）",
        f"未移交件数（移交前检测不通过或含加密）：{len(form.refused)}",
        "封装格式：DA/T 48-2009 电子文件封装包（XML，原始型），元数据 DA/T 46-2009；"
        "全部计算机文件以 Base64 封装在包内",
        "摘要算法：SM3（GB/T 32905），并附 SHA-256；签名算法：SM2（GB/T 32918）with SM3",
        "读取所需软件：任一 XML 阅读器；PDF 与 OFD 阅读器；验证封装包签名需支持 SM2/SM3 的工具"
        f"（如 {request.agent} 的 earchive receive）",
        "目录结构：文件目录.XML；电子档案/<年度>/<门类代码>/<档号>.eep.xml；其他/（登记表.xml、"
        "登记表.sig.json、登记表.pdf、模式与规则）；manifest.txt 与 manifest.sig.json"
        "（全部文件的摘要及移交单位签名，附其证书）",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _other(work: Path) -> None:
    target = work / OTHER_DIR
    target.mkdir()
    try:
        for name in _OTHER_FILES:
            shutil.copyfile(data_path(name), target / name)
    except (DataFileError, OSError) as exc:
        raise TransferPackageError(f"cannot copy {OTHER_DIR}/ data: {exc}") from exc
    (target / "元数据方案说明.TXT").write_text(
        "元数据方案：DA/T 46-2009《文书类电子文件元数据方案》，以中文元素名写入各封装包的"
        "“文件实体”；完整的 AIP 元数据（metadata/archival.xml，命名空间 urn:earchive:aip:1，"
        "元素带 DA/T 46 M 编号）作为“文档”封装在同一封装包中。\r\n"
        "封装方案：DA/T 48-2009，模式见 eep.xsd。档号规则见 archival-code.json。\r\n",
        encoding="utf-8",
    )


def _build(
    work: Path,
    sources: Sequence[tuple[str, Callable[[], EepSource]]],
    check: Callable[[str], CheckOutcome],
    request: TransferRequest,
    identity: SigningIdentity,
) -> tuple[list[PackagedItem], list[Finding], RegistrationForm]:
    options = EepOptions(
        request.sender,
        request.created,
        identity.name or request.sender,
        identity.certificates,
        (request.carrier_numbers or "离线") if request.carrier == "离线" else "在线",
    )
    items: list[PackagedItem] = []
    refused: list[Finding] = []
    refused_ids: list[str] = []
    entries: list[CatalogueEntry] = []
    counts: list[Mapping[str, Mapping[str, int]]] = []
    for archive_id, load in sources:
        outcome = check(archive_id)
        problem = _refusal(outcome)
        if problem is not None:
            refused.append(problem)
            refused_ids.append(archive_id)
            continue
        source = load()
        m = source.metadata
        name = _eep_name(m)
        built = build_eep(source, identity.signer, work / name, options)
        size = built.digests.size
        items.append(
            PackagedItem(
                archive_id, str(m["archival_code"]), name, built.digests, built.documents, size
            )
        )
        entries.append(
            CatalogueEntry(
                len(entries) + 1,
                str(m["archival_code"]),
                str(m["author"]),
                str(m["title"]),
                str(m["date"]),
                str(m["security_classification"]),
                name,
                f"{built.documents} 个计算机文件",
            )
        )
        counts.append(outcome.counts)
    (work / CATALOGUE_NAME).write_bytes(catalogue_xml(entries))
    form = RegistrationForm(
        batch_id=request.batch_id,
        task_name=request.task_name,
        content=f"政务服务事项电子档案 {len(items)} 件（DA/T 48 封装）",
        sender=request.sender,
        receiver=request.receiver,
        created=request.created,
        archives=len(items),
        files=sum(i.documents for i in items),
        data_bytes=sum(i.data_bytes for i in items),
        checks=checks_total(counts),
        sheet=tuple(SheetEntry(i.eep_path, i.eep.sm3, i.eep.size) for i in items),
        refused=tuple(refused_ids),
        carrier=request.carrier,
        carrier_numbers=request.carrier_numbers,
        preparer=request.preparer,
        reviewer=request.reviewer,
        antivirus=request.antivirus,
        signed_off=dict(request.signed_off),
    )
    return items, refused, form


def build_transfer_package(
    dest: Path,
    sources: Sequence[tuple[str, Callable[[], EepSource]]],
    check: Callable[[str], CheckOutcome],
    request: TransferRequest,
    identity: SigningIdentity,
    annotations: Callable[[str], ItemAnnotations | None] | None = None,
) -> TransferPackage:
    """Check, encapsulate and register ``sources`` (archive id, EEP source loader) at ``dest``,
    signed by ``identity`` (the 移交单位's key and certificates).

    ``annotations`` (optional): each packaged archive's annotation files, e.g. objection marks,
    written under ``其他/异议标注/<档号>/`` and noted in 说明文件.TXT (``transfer.annotations``).
    """
    if dest.exists():
        raise TransferPackageError(f"destination exists, not overwritten: {dest.name}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.with_name(f".{dest.name}.partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        items, refused, form = _build(work, sources, check, request, identity)
        _other(work)
        form_xml = registration_xml(form)
        (work / REGISTRATION_NAME).write_bytes(form_xml)
        form_signature = sign_manifest(
            form_xml, identity.signer, request.created, identity.certificates
        )
        (work / REGISTRATION_SIGNATURE_NAME).write_bytes(signature_json(form_signature))
        if request.font is not None:
            from .registration_pdf import write_registration_pdf  # reportlab: only when needed

            write_registration_pdf(
                work / REGISTRATION_PDF_NAME,
                form,
                form_signature,
                identity.name,
                request.font,
                request.font_index,
            )
        marks = [(i.archive_id, i.archival_code) for i in items]
        extra = write_annotations(work, marks, annotations) if annotations else []
        (work / NOTES_NAME).write_bytes(_notes(request, items, form, extra))
        listing = {
            p.relative_to(work).as_posix(): digest_file(p)
            for p in sorted(work.rglob("*"))
            if p.is_file()
        }
        manifest = manifest_bytes(listing)
        (work / MANIFEST_NAME).write_bytes(manifest)
        record = sign_manifest(manifest, identity.signer, request.created, identity.certificates)
        (work / SIGNATURE_NAME).write_bytes(signature_json(record))
        os.replace(work, dest)
    except (TransferError, PackageError, OSError) as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, TransferPackageError):
            raise
        raise TransferPackageError(f"cannot build the transfer package: {exc}") from exc
    return TransferPackage(dest, request.batch_id, tuple(items), tuple(refused), form)
