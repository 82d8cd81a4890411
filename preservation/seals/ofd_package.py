"""Reading an OFD package for signature checks: its parts, and its signature descriptions.

The ZIP is read into memory with limits (entry count, total size); part names are normalised
(``/`` separators, no leading slash) and any ``..``, absolute or backslash name is refused. XML is
parsed without DTDs, entities or network access. Follows ``OFD.xml`` → ``DocBody/Signatures`` →
``Signatures.xml`` → each ``Signature`` ``BaseLoc``. Reads: the OFD bytes or file. Writes:
nothing. Raises ``SealError`` for anything that is not a readable OFD package.
"""

from __future__ import annotations

import base64
import binascii
import io
import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from .errors import SealError

__all__ = [
    "OFD_NS",
    "OfdPackage",
    "Reference",
    "SignatureEntry",
    "SignatureXml",
    "parse_xml",
    "read_signature_xml",
    "signature_entries",
]

OFD_NS = "http://www.ofdspec.org/2016"
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024


def _q(tag: str) -> str:
    return f"{{{OFD_NS}}}{tag}"


def _safe_name(name: str) -> str:
    """A normalised part name, or ``SealError`` for an unsafe one."""
    if "\\" in name or "\x00" in name or any(ord(ch) < 0x20 for ch in name):
        raise SealError(f"unsafe part name in the OFD package: {name!r}")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise SealError(f"unsafe part name in the OFD package: {name!r}")
    return "/".join(parts)


@dataclass(frozen=True)
class OfdPackage:
    """The parts of an OFD package by normalised name (directories left out)."""

    parts: Mapping[str, bytes]

    @classmethod
    def from_bytes(cls, data: bytes) -> OfdPackage:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
                if len(infos) > MAX_ENTRIES:
                    raise SealError(f"OFD package has more than {MAX_ENTRIES} entries")
                if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                    raise SealError("OFD package is larger than the reading limit")
                parts: dict[str, bytes] = {}
                for info in infos:
                    name = _safe_name(info.filename)
                    if name in parts:
                        raise SealError(f"duplicate part in the OFD package: {name}")
                    parts[name] = archive.read(info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise SealError(f"not a readable OFD package (ZIP): {exc}") from exc
        except (ValueError, RuntimeError) as exc:  # bad CRC, encrypted entries
            raise SealError(f"OFD package entry unreadable: {exc}") from exc
        if "OFD.xml" not in parts:
            raise SealError("no OFD.xml at the root of the package")
        return cls(MappingProxyType(parts))

    @classmethod
    def open(cls, path: Path) -> OfdPackage:
        try:
            return cls.from_bytes(path.read_bytes())
        except OSError as exc:
            raise SealError(f"cannot read {path.name}: {exc}") from exc

    def resolve(self, location: str, base: str = "") -> str:
        """The part name ``location`` (ST_Loc) points at: absolute from the package root when it
        starts with ``/``, else relative to the folder ``base``. Climbing above the root with
        ``..`` is refused, not clamped."""
        location = location.strip()
        if not location:
            raise SealError("empty location in the OFD package")
        start = [] if location.startswith("/") else [p for p in base.split("/") if p]
        stack = list(start)
        for segment in location.split("/"):
            if segment in ("", "."):
                continue
            if segment == "..":
                if not stack:
                    raise SealError(f"location escapes the package: {location!r}")
                stack.pop()
            else:
                stack.append(segment)
        return _safe_name("/".join(stack))

    def read(self, name: str) -> bytes:
        try:
            return self.parts[name]
        except KeyError:
            raise SealError(f"part missing from the OFD package: {name}") from None

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), name)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse ``data`` safely: no DTD, no entities, no network; a DOCTYPE is refused."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        raise SealError(f"{name} is not well-formed XML: {exc}") from exc
    if tree.docinfo.doctype:
        raise SealError(f"{name} declares a DOCTYPE, which OFD does not allow")
    return tree.getroot()


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


@dataclass(frozen=True)
class SignatureEntry:
    """One ``Signatures/Signature`` entry: its ID, type (Seal or Sign), description part and the
    ``Signatures.xml`` part that lists it."""

    id: str
    type: str
    part: str
    list_part: str


def signature_entries(pkg: OfdPackage) -> tuple[SignatureEntry, ...]:
    """Every signature of every document of the package, in order; empty when unsigned."""
    root = pkg.xml("OFD.xml")
    if root.tag != _q("OFD"):
        raise SealError(f"OFD.xml root is {root.tag}, expected ofd:OFD in {OFD_NS}")
    entries: list[SignatureEntry] = []
    for body in root.iterchildren(_q("DocBody")):
        loc = _text(body.find(_q("Signatures")))
        if not loc:
            continue
        signatures_part = pkg.resolve(loc)
        folder = posixpath.dirname(signatures_part)
        for node in pkg.xml(signatures_part).iterchildren(_q("Signature")):
            base = node.get("BaseLoc", "")
            entries.append(
                SignatureEntry(
                    id=node.get("ID", ""),
                    type=node.get("Type", "Seal"),
                    part=pkg.resolve(base, folder),
                    list_part=signatures_part,
                )
            )
    return tuple(entries)


@dataclass(frozen=True)
class Reference:
    """A protected part: the FileRef as written, the part it names, and its check value."""

    file_ref: str
    part: str
    check_value: bytes


@dataclass(frozen=True)
class SignatureXml:
    """The parsed ``Signature.xml`` of one signature."""

    part: str
    method: str
    date_time: str
    check_method: str
    references: tuple[Reference, ...]
    signed_value_part: str
    seal_part: str
    stamp_pages: tuple[str, ...]


def read_signature_xml(pkg: OfdPackage, part: str) -> SignatureXml:
    """Parse the signature description ``part``; raises ``SealError`` when malformed."""
    root = pkg.xml(part)
    folder = posixpath.dirname(part)
    info = root.find(_q("SignedInfo"))
    if root.tag != _q("Signature") or info is None:
        raise SealError(f"{part} is not an OFD Signature with SignedInfo")
    refs_node = info.find(_q("References"))
    references = []
    for ref in refs_node.iterchildren(_q("Reference")) if refs_node is not None else ():
        file_ref = ref.get("FileRef", "")
        try:
            value = base64.b64decode(_text(ref.find(_q("CheckValue"))), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SealError(f"{part}: CheckValue of {file_ref} is not Base64") from exc
        references.append(Reference(file_ref, pkg.resolve(file_ref, folder), value))
    signed_value = _text(root.find(_q("SignedValue")))
    if not signed_value:
        raise SealError(f"{part} names no SignedValue")
    seal_loc = _text(info.find(f"{_q('Seal')}/{_q('BaseLoc')}"))
    return SignatureXml(
        part=part,
        method=_text(info.find(_q("SignatureMethod"))),
        date_time=_text(info.find(_q("SignatureDateTime"))),
        check_method=refs_node.get("CheckMethod", "") if refs_node is not None else "",
        references=tuple(references),
        signed_value_part=pkg.resolve(signed_value, folder),
        seal_part=pkg.resolve(seal_loc, folder) if seal_loc else "",
        stamp_pages=tuple(s.get("PageRef", "") for s in info.iterchildren(_q("StampAnnot"))),
    )
