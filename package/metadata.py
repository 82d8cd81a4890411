"""``metadata/archival.xml``: DA/T 46-named archival metadata of one AIP version.

Namespace ``urn:earchive:aip:1``; schema ``package/schemas/aip-metadata.xsd``. Every element that
has a DA/T 46 element carries its M-number in the ``dat46`` attribute (table:
``package/schemas/dat46-elements.tsv``). Per-file digests are the *measured* ones. Every
signature or seal found in a file is a DA/T 46 电子签名 group (M57: 签名规则 M58, 签名时间 M59,
签名人 M60, 签名结果 M61, 证书 M62, 证书引证 M63, 签名算法标识 M64), and so is the archive's own
signature over the version's manifest (``packageSignature``: its value lives in
``metadata/manifest.sig.json``, which cannot be inside what it signs). Schema version 2 adds
these groups; version 1 files (a ``signed`` flag only) are still read.

Reads: the package's own data files. Writes: nothing (returns bytes). ``read_archival_metadata``
parses the file back for ``earchive rebuild``. Raises: ``MetadataError``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from lxml import etree

from package.digest import Digests
from package.errors import MetadataError
from standards.case import CaseRecord, Certificate
from standards.digits import ascii_int

__all__ = [
    "AIP_NAMESPACE",
    "ArchivalInfo",
    "FileFacts",
    "SignatureFacts",
    "add_element",
    "archival_metadata_xml",
    "dat46_numbers",
    "file_facts",
    "read_archival_metadata",
    "signature_group",
]

AIP_NAMESPACE = "urn:earchive:aip:1"
SCHEMA_VERSION = "2"
ORIGINAL_PREFIX = "original/"
_NS = "{" + AIP_NAMESPACE + "}"


@dataclass(frozen=True)
class ArchivalInfo:
    """What the archive decided at ingest, beyond the case itself."""

    archive_id: str  # <fonds>-<electronic_record_code>
    object_id: str  # urn:earchive:<fonds>:<electronic_record_code>
    archival_code: str  # 档号
    retention_code: str  # Y | D30 | D10
    retention_years: int | None  # None for 永久
    retention_rule: str  # rule id in the retention table
    retention_table_version: str
    category: str  # 门类代码, e.g. WS
    fonds_identifier: str  # 全宗号
    year: int  # 年度
    item_number: int  # 件号
    version: int  # OCFL version number, 1 for v1
    ingested_at: datetime  # aware
    agent: str  # archiving software and version
    package_sha256: str = ""  # SHA-256 of the submitted case package (ZIP or canonical listing)
    previous_manifest_sha256: str = ""  # SHA-256 of the previous version's manifest.txt


@dataclass(frozen=True)
class SignatureFacts:
    """One signature or seal as DA/T 46 M57 describes it (read, not judged)."""

    rule: str  # M58 签名规则: the kind of signature and what it covers
    signed_at: datetime | None  # M59 签名时间, as the signature states it
    signer: str  # M60 签名人: the certificate's holder ("" when none is named)
    value: bytes  # M61 签名结果
    certificate: bytes  # M62 证书 (DER; b"" when the signature carries none)
    reference: str  # M63 证书引证: issuer and serial, or where the certificate is found
    algorithm: str  # M64 签名算法标识 (OID)


@dataclass(frozen=True)
class FileFacts:
    """One original file as archived: declared descriptive facts plus measured digests."""

    path: str  # logical path in the version, e.g. "original/A/申请表.pdf"
    material_code: str
    title: str
    format: str
    size: int
    sm3: str
    sha256: str
    created: datetime
    signed: bool = False  # as the case declares it
    licence: Certificate | None = None
    signatures: tuple[SignatureFacts, ...] = ()  # as found in the file


@cache
def dat46_numbers() -> Mapping[str, str]:
    """Element local name → DA/T 46 M-number, from ``schemas/dat46-elements.tsv``."""
    text = resources.files("package").joinpath("schemas/dat46-elements.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) >= 2 and cells[0]:
            table[cells[0]] = cells[1]
    return table


def file_facts(
    case: CaseRecord,
    measured: Mapping[str, Digests],
    signatures: Mapping[str, Sequence[SignatureFacts]] | None = None,
) -> tuple[FileFacts, ...]:
    """Facts of each case file, digests and size taken from ``measured`` (keyed "A/x.pdf"),
    with the signatures found in it (``signatures``, same keys).

    Raises ``MetadataError`` if a case file has no measurement.
    """
    found = signatures or {}
    facts = []
    for entry in case.files:
        digests = measured.get(entry.path)
        if digests is None:
            raise MetadataError(f"no measured digests for {entry.path}")
        facts.append(
            FileFacts(
                path=ORIGINAL_PREFIX + entry.path,
                material_code=entry.material_code,
                title=entry.title,
                format=entry.format,
                size=digests.size,
                sm3=digests.sm3,
                sha256=digests.sha256,
                created=entry.created,
                signed=entry.signed,
                licence=entry.licence,
                signatures=tuple(found.get(entry.path, ())),
            )
        )
    return tuple(facts)


def _iso(value: datetime, what: str) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise MetadataError(f"{what} must be timezone-aware: {value!r}")
    return value.isoformat()


def add_element(parent: etree._Element, name: str, text: str | int | None = None) -> etree._Element:
    """A child element in the AIP namespace, tagged with its DA/T 46 number when it has one."""
    child = etree.SubElement(parent, _NS + name)
    number = dat46_numbers().get(name)
    if number:
        child.set("dat46", number)
    if text is not None:
        child.text = str(text)
    return child


def _certificate(parent: etree._Element, name: str, cert: Certificate | None) -> None:
    if cert is None:
        return
    node = add_element(parent, name, None)
    add_element(node, "type", cert.type)
    add_element(node, "number", cert.number)
    add_element(node, "issuer", cert.issuer)


def _archive(root: etree._Element, case: CaseRecord, info: ArchivalInfo, count: int) -> None:
    node = add_element(root, "archive", None)
    add_element(node, "archiveId", info.archive_id)
    add_element(node, "objectId", info.object_id)
    add_element(node, "version", info.version)
    if info.package_sha256:
        add_element(node, "packageSha256", info.package_sha256)
    if info.previous_manifest_sha256:
        add_element(node, "previousManifestSha256", info.previous_manifest_sha256)
    add_element(node, "aggregationLevel", "件")
    add_element(node, "fondsName", case.fonds_name)
    add_element(node, "electronicRecordCode", case.electronic_record_code)
    add_element(node, "archivalCode", info.archival_code)
    add_element(node, "fondsIdentifier", info.fonds_identifier)
    add_element(node, "year", info.year)
    retention = add_element(node, "retentionPeriod", info.retention_code)
    if info.retention_years is not None:
        retention.set("years", str(info.retention_years))
    retention.set("ruleId", info.retention_rule)
    retention.set("tableVersion", info.retention_table_version)
    add_element(node, "organizationCode", case.organization_code)
    add_element(node, "categoryCode", info.category)
    add_element(node, "itemNumber", info.item_number)
    add_element(node, "title", case.project_name)
    add_element(node, "author", case.receive_department)
    _iso(case.transact_time, "transact_time")
    add_element(node, "date", case.transact_time.date().isoformat())
    add_element(node, "securityClassification", case.security_classification)
    add_element(node, "fileCount", count)
    add_element(node, "ingestedAt", _iso(info.ingested_at, "ingested_at"))
    add_element(node, "informationSystemDescription", info.agent)


def _service_case(root: etree._Element, case: CaseRecord) -> None:
    node = add_element(root, "serviceCase", None)
    add_element(node, "regionCode", case.region_code)
    add_element(node, "taskCode", case.task_code)
    add_element(node, "taskName", case.task_name)
    if case.task_version:
        add_element(node, "taskVersion", case.task_version)
    add_element(node, "taskType", case.task_type)
    add_element(node, "projectId", case.project_id)
    add_element(node, "acceptNumber", case.accept_number)
    applicant = add_element(node, "applicant", None)
    add_element(applicant, "name", case.applicant.name)
    add_element(applicant, "type", case.applicant.type)
    add_element(applicant, "idType", case.applicant.id_type)
    add_element(applicant, "idNumber", case.applicant.id_number)
    if case.applicant.address:
        add_element(applicant, "address", case.applicant.address)
    if case.applicant.legal_representative:
        add_element(applicant, "legalRepresentative", case.applicant.legal_representative)
    add_element(node, "receiveDepartment", case.receive_department)
    add_element(node, "receiveTime", _iso(case.receive_time, "receive_time"))
    add_element(node, "transactTime", _iso(case.transact_time, "transact_time"))
    add_element(node, "result", case.result)
    _certificate(node, "resultCertificate", case.result_certificate)
    add_element(node, "sharing", case.sharing)
    add_element(node, "sourceSystem", case.source_system)
    add_element(node, "submittedAt", _iso(case.submitted_at, "submitted_at"))
    add_element(node, "declaredFileCount", case.declared_file_count)


def _process(root: etree._Element, case: CaseRecord) -> None:
    node = add_element(root, "process", None)
    for step in case.process:
        item = add_element(node, "step", None)
        add_element(item, "activity", step.code)
        add_element(item, "actionTime", _iso(step.time, "step time"))
        add_element(item, "agentName", step.actor)
        add_element(item, "department", step.department)
        if step.opinion:
            add_element(item, "actionDescription", step.opinion)


def _files(root: etree._Element, files: Sequence[FileFacts]) -> None:
    node = add_element(root, "files", None)
    node.set("count", str(len(files)))
    for facts in sorted(files, key=lambda f: f.path):
        item = add_element(node, "file", None)
        add_element(item, "path", facts.path)
        add_element(item, "materialCode", facts.material_code)
        add_element(item, "title", facts.title)
        add_element(item, "format", facts.format)
        add_element(item, "size", facts.size)
        add_element(item, "sm3", facts.sm3)
        add_element(item, "sha256", facts.sha256)
        add_element(item, "created", _iso(facts.created, f"created of {facts.path}"))
        add_element(item, "signed", "true" if facts.signed else "false")
        _certificate(item, "licence", facts.licence)
        if facts.signatures:
            group = add_element(item, "signatures", None)
            for found in facts.signatures:
                _signature(group, "signature", found)


def _signature(parent: etree._Element, name: str, facts: SignatureFacts) -> None:
    """One DA/T 46 电子签名 group (M57) with its M58–M64 members."""
    node = add_element(parent, name, None)
    node.set("dat46", "M57")
    add_element(node, "signatureRule", facts.rule)
    if facts.signed_at is not None:
        when = facts.signed_at if facts.signed_at.tzinfo else facts.signed_at.replace(tzinfo=UTC)
        add_element(node, "signatureTime", when.isoformat())
    if facts.signer:
        add_element(node, "signer", facts.signer)
    if facts.value:
        add_element(node, "signatureValue", base64.b64encode(facts.value).decode("ascii"))
    if facts.certificate:
        add_element(node, "certificate", base64.b64encode(facts.certificate).decode("ascii"))
    if facts.reference:
        add_element(node, "certificateReference", facts.reference)
    add_element(node, "signatureAlgorithm", facts.algorithm or "unknown")


def signature_group(parent: etree._Element, name: str, facts: SignatureFacts) -> None:
    """Append one DA/T 46 电子签名 group called ``name`` to ``parent`` (the one writer of M57)."""
    _signature(parent, name, facts)


def archival_metadata_xml(
    case: CaseRecord,
    info: ArchivalInfo,
    files: Sequence[FileFacts],
    package_signature: SignatureFacts | None = None,
) -> bytes:
    """The bytes of ``metadata/archival.xml`` (UTF-8, with XML declaration, pretty-printed);
    ``package_signature`` describes the archive's signature over this version's manifest.

    Raises ``MetadataError`` for a naive datetime or text that XML cannot hold.
    """
    root = etree.Element(_NS + "archivalPackage", nsmap={None: AIP_NAMESPACE})
    root.set("schemaVersion", SCHEMA_VERSION)
    try:
        _archive(root, case, info, len(files))
        if package_signature is not None:
            _signature(root.find(_NS + "archive"), "packageSignature", package_signature)
        _service_case(root, case)
        _process(root, case)
        _files(root, files)
    except ValueError as exc:  # lxml refuses control characters and NUL in text
        raise MetadataError(f"cannot write archival metadata: {exc}") from exc
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# -- reading ---------------------------------------------------------------------------------


def _safe_parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )
    try:
        tree = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MetadataError(f"archival.xml is not well-formed: {exc}") from exc
    doctype = tree.getroottree().docinfo.doctype
    if doctype:
        raise MetadataError("archival.xml must not have a DOCTYPE")
    if tree.tag != _NS + "archivalPackage":
        raise MetadataError(f"unexpected root element {tree.tag}")
    return tree


def _text(node: etree._Element, name: str, *, required: bool = True) -> str:
    child = node.find(_NS + name)
    if child is None:
        if required:
            raise MetadataError(f"archival.xml lacks {name}")
        return ""
    return child.text or ""


def _int(node: etree._Element, name: str) -> int:
    value = _text(node, name)
    try:
        return int(value)
    except ValueError as exc:
        raise MetadataError(f"{name} is not an integer: {value!r}") from exc


def _time(node: etree._Element, name: str) -> datetime:
    value = _text(node, name)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise MetadataError(f"{name} is not an ISO date-time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise MetadataError(f"{name} lacks a UTC offset: {value!r}")
    return parsed


def _children(node: etree._Element) -> dict[str, str]:
    return {etree.QName(c).localname: c.text or "" for c in node if isinstance(c.tag, str)}


def _cert(node: etree._Element, name: str) -> dict[str, str] | None:
    child = node.find(_NS + name)
    return None if child is None else _children(child)


def _archive_fields(node: etree._Element) -> dict[str, object]:
    retention = node.find(_NS + "retentionPeriod")
    if retention is None:
        raise MetadataError("archival.xml lacks retentionPeriod")
    years = retention.get("years")
    return {
        "archive_id": _text(node, "archiveId"),
        "object_id": _text(node, "objectId"),
        "version": _int(node, "version"),
        "package_sha256": _text(node, "packageSha256", required=False),
        "previous_manifest_sha256": _text(node, "previousManifestSha256", required=False),
        "fonds_name": _text(node, "fondsName"),
        "electronic_record_code": _text(node, "electronicRecordCode"),
        "archival_code": _text(node, "archivalCode"),
        "fonds_identifier": _text(node, "fondsIdentifier"),
        "year": _int(node, "year"),
        "retention_period": retention.text or "",
        "retention_years": ascii_int(years or ""),
        "retention_rule": retention.get("ruleId", ""),
        "retention_table_version": retention.get("tableVersion", ""),
        "organization_code": _text(node, "organizationCode"),
        "category": _text(node, "categoryCode"),
        "item_number": _int(node, "itemNumber"),
        "title": _text(node, "title"),
        "author": _text(node, "author"),
        "date": _text(node, "date"),
        "security_classification": _text(node, "securityClassification"),
        "file_count": _int(node, "fileCount"),
        "ingested_at": _time(node, "ingestedAt"),
        "agent": _text(node, "informationSystemDescription"),
    }


def _case_fields(node: etree._Element) -> dict[str, object]:
    applicant = node.find(_NS + "applicant")
    return {
        "region_code": _text(node, "regionCode"),
        "task_code": _text(node, "taskCode"),
        "task_name": _text(node, "taskName"),
        "task_version": _text(node, "taskVersion", required=False),
        "task_type": _text(node, "taskType"),
        "project_id": _text(node, "projectId"),
        "accept_number": _text(node, "acceptNumber"),
        "applicant": {} if applicant is None else _children(applicant),
        "receive_department": _text(node, "receiveDepartment"),
        "receive_time": _time(node, "receiveTime"),
        "transact_time": _time(node, "transactTime"),
        "result": _text(node, "result"),
        "result_certificate": _cert(node, "resultCertificate"),
        "sharing": _text(node, "sharing"),
        "source_system": _text(node, "sourceSystem"),
        "submitted_at": _time(node, "submittedAt"),
        "declared_file_count": _int(node, "declaredFileCount"),
    }


def read_archival_metadata(data: bytes) -> dict[str, object]:
    """Parse ``archival.xml`` (safe parser: no DTD, entities or network) into plain values.

    Keys: the archive-level fields (``archive_id``, ``archival_code``, ``retention_period``, …,
    ``ingested_at`` as datetime), the service-case fields, ``process`` (list of dicts) and
    ``files`` (list of dicts with ``path``, ``sm3``, ``sha256``, ``size`` as int, ``signatures``
    as a list of dicts of their M58–M64 members, …), ``package_signature`` (a dict, or None in
    files of schema version 1).
    Raises ``MetadataError`` when the document is malformed or a required element is missing.
    """
    root = _safe_parse(data)
    archive = root.find(_NS + "archive")
    case = root.find(_NS + "serviceCase")
    if archive is None or case is None:
        raise MetadataError("archival.xml lacks archive or serviceCase")
    out = _archive_fields(archive)
    signature = archive.find(_NS + "packageSignature")
    out["package_signature"] = None if signature is None else _children(signature)
    out.update(_case_fields(case))
    process = root.find(_NS + "process")
    out["process"] = [] if process is None else [_children(s) for s in process]
    files: list[dict[str, object]] = []
    listing = root.find(_NS + "files")
    for node in [] if listing is None else listing:
        entry: dict[str, object] = dict(_children(node))
        entry["size"] = _int(node, "size")
        entry["signed"] = _text(node, "signed") == "true"
        entry["licence"] = _cert(node, "licence")
        group = node.find(_NS + "signatures")
        entry["signatures"] = [] if group is None else [_children(g) for g in group]
        files.append(entry)
    out["files"] = files
    return out
