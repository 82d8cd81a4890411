"""Derived files in ``metadata/archival.xml``: preservation copies and OCR text, each linked to
its original by a DA/T 46 relation (M85–M88) and described by the event that made it (M81–M84:
tools with versions and options, digests before and after).

``revise_archival_xml`` turns the archival metadata of one version into that of the next version
that adds derived files: the archive's version number, the previous manifest's digest and the
archive's signature facts change; every other element is kept as it was; the derived files of
earlier versions stay listed. ``read_derivatives`` reads them back (for ``earchive rebuild``,
the case page and resumable runs). Reads/writes nothing (bytes in, bytes out).
Raises: ``MetadataError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from package.digest import Digests
from package.errors import MetadataError
from package.metadata import AIP_NAMESPACE, SignatureFacts, add_element, signature_group

__all__ = [
    "DERIVED_PREFIX",
    "Derivation",
    "ToolUse",
    "read_derivatives",
    "revise_archival_xml",
]

DERIVED_PREFIX = "derived/"
_NS = "{" + AIP_NAMESPACE + "}"
_KINDS = {"preservation-copy": "保存副本", "ocr-text": "文字识别结果"}
_ACTIVITY = {"preservation-copy": "格式转换", "ocr-text": "文字识别"}


@dataclass(frozen=True)
class ToolUse:
    """One tool of an event: name, its own version line, the options it ran with."""

    name: str
    version: str
    options: str


@dataclass(frozen=True)
class Derivation:
    """One derived file and the event that made it."""

    path: str  # derived/A/申请书.docx.pdf
    source: str  # original/A/申请书.docx
    kind: str  # preservation-copy | ocr-text
    format: str  # PDF/A-2b | text/plain
    made_at: datetime  # aware
    mandate: str  # 行为依据: e.g. "格式策略 2026.1 (standards/data/format_policy.tsv)"
    tools: tuple[ToolUse, ...]
    before: Digests
    after: Digests
    outcome: str  # e.g. "PDF/A-2b valid (pikepdf.pdfa …)" or "confidence 91.2"


def _digests(parent: etree._Element, name: str, digests: Digests) -> None:
    node = add_element(parent, name)
    add_element(node, "size", digests.size)
    add_element(node, "sm3", digests.sm3)
    add_element(node, "sha256", digests.sha256)


def _derivative(parent: etree._Element, item: Derivation) -> None:
    if item.kind not in _KINDS:
        raise MetadataError(f"unknown kind of derived file: {item.kind!r}")
    if item.made_at.tzinfo is None:
        raise MetadataError(f"made_at of {item.path} must be timezone-aware")
    node = add_element(parent, "derivative")
    node.set("kind", item.kind)
    add_element(node, "path", item.path)
    add_element(node, "format", item.format)
    add_element(node, "entityIdentifier", item.source)
    add_element(node, "relationType", "派生")
    add_element(node, "relation", f"{_KINDS[item.kind]}，源文件 {item.source}")
    add_element(node, "relationDescription", f"{item.path} 由 {item.source} 生成（{item.format}）")
    event = add_element(node, "migrationEvent")
    add_element(event, "activity", _ACTIVITY[item.kind])
    add_element(event, "actionTime", item.made_at.isoformat())
    add_element(event, "actionMandate", item.mandate)
    tools = "; ".join(f"{t.name} {t.version}" for t in item.tools)
    add_element(event, "actionDescription", f"{item.source} → {item.path}: {tools}")
    for tool in item.tools:
        used = add_element(event, "tool")
        add_element(used, "name", tool.name)
        add_element(used, "version", tool.version)
        add_element(used, "options", tool.options)
    _digests(event, "before", item.before)
    _digests(event, "after", item.after)
    add_element(event, "outcome", item.outcome)


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MetadataError(f"archival.xml is not well-formed: {exc}") from exc
    if root.tag != _NS + "archivalPackage":
        raise MetadataError(f"unexpected root element {root.tag}")
    return root


def _replace_signature(archive: etree._Element, facts: SignatureFacts) -> None:
    old = archive.find(_NS + "packageSignature")
    position = list(archive).index(old) if old is not None else len(archive)
    if old is not None:
        archive.remove(old)
    signature_group(archive, "packageSignature", facts)
    new = archive[-1]
    archive.remove(new)
    archive.insert(position, new)


def _set(archive: etree._Element, name: str, value: str, after: str) -> None:
    node = archive.find(_NS + name)
    if node is None:
        anchor = archive.find(_NS + after)
        if anchor is None:
            raise MetadataError(f"archival.xml lacks {after}")
        node = etree.Element(_NS + name)
        anchor.addnext(node)
    node.text = value


def revise_archival_xml(
    previous: bytes,
    version: int,
    previous_manifest_sha256: str,
    package_signature: SignatureFacts,
    added: Sequence[Derivation],
) -> bytes:
    """The archival metadata of the next version: ``previous`` with ``version``, the previous
    manifest's SHA-256, the new package signature facts and ``added`` derived files."""
    root = _parse(previous)
    archive = root.find(_NS + "archive")
    if archive is None or root.find(_NS + "files") is None:
        raise MetadataError("archival.xml lacks archive or files")
    _set(archive, "version", str(version), "objectId")
    anchor = "packageSha256" if archive.find(_NS + "packageSha256") is not None else "version"
    _set(archive, "previousManifestSha256", previous_manifest_sha256, anchor)
    _replace_signature(archive, package_signature)
    listing = root.find(_NS + "derivatives")
    if listing is None:
        listing = add_element(root, "derivatives")
    known = {d.findtext(_NS + "path") for d in listing}
    for item in added:
        if item.path in known:
            raise MetadataError(f"{item.path} is already a derived file of this archive")
        _derivative(listing, item)
    listing.set("count", str(len(listing)))
    try:
        text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    except ValueError as exc:
        raise MetadataError(f"cannot write archival metadata: {exc}") from exc
    return bytes(text)


def _event_digests(event: etree._Element, name: str) -> Digests:
    node = event.find(_NS + name)
    if node is None:
        raise MetadataError(f"migration event lacks {name}")
    try:
        size = int(node.findtext(_NS + "size") or "")
    except ValueError as exc:
        raise MetadataError(f"{name}/size is not an integer") from exc
    return Digests(
        sm3=node.findtext(_NS + "sm3") or "", sha256=node.findtext(_NS + "sha256") or "", size=size
    )


def read_derivatives(data: bytes) -> tuple[Derivation, ...]:
    """The derived files listed in an ``archival.xml`` (none in a version without them)."""
    root = _parse(data)
    listing = root.find(_NS + "derivatives")
    found = []
    for node in [] if listing is None else listing:
        event = node.find(_NS + "migrationEvent")
        if event is None:
            raise MetadataError("derivative lacks its migrationEvent")
        try:
            made_at = datetime.fromisoformat(event.findtext(_NS + "actionTime") or "")
        except ValueError as exc:
            raise MetadataError(f"actionTime is not an ISO date-time: {exc}") from exc
        tools = tuple(
            ToolUse(
                t.findtext(_NS + "name") or "",
                t.findtext(_NS + "version") or "",
                t.findtext(_NS + "options") or "",
            )
            for t in event.findall(_NS + "tool")
        )
        found.append(
            Derivation(
                path=node.findtext(_NS + "path") or "",
                source=node.findtext(_NS + "entityIdentifier") or "",
                kind=node.get("kind", ""),
                format=node.findtext(_NS + "format") or "",
                made_at=made_at,
                mandate=event.findtext(_NS + "actionMandate") or "",
                tools=tools,
                before=_event_digests(event, "before"),
                after=_event_digests(event, "after"),
                outcome=event.findtext(_NS + "outcome") or "",
            )
        )
    return tuple(found)
