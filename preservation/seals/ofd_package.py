"""Reading an OFD package for signature checks: its parts, and its signature descriptions.

The ZIP is read into memory with limits (entry count, total size); part names are normalised
(``/`` separators, no leading slash) and any ``..``, absolute or backslash name is refused. XML is
parsed without DTDs, entities or network access. Follows ``OFD.xml`` → ``DocBody/Signatures`` →
``Signatures.xml`` → each ``Signature`` ``BaseLoc``. Elements are accepted in the namespace of
GB/T 33190 (``http://www.ofdspec.org/2016``) and in the older ``http://www.ofdspec.org`` that
producers still write, mixed within one package; a location that does not resolve where the
standard says but does from the package root or the document folder is used, and noted. Reads:
the OFD bytes or file. Writes: nothing. Raises ``SealError`` for anything that is not a readable
OFD package.
"""

from __future__ import annotations

import base64
import binascii
import io
import posixpath
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from .errors import SealError

__all__ = [
    "OFD_NAMESPACES",
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
LEGACY_NS = "http://www.ofdspec.org"
OFD_NAMESPACES = (OFD_NS, LEGACY_NS)
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024


def _is(node: etree._Element, tag: str) -> bool:
    """``node`` is the OFD element ``tag`` in either OFD namespace."""
    name = node.tag if isinstance(node.tag, str) else ""
    return name in (f"{{{ns}}}{tag}" for ns in OFD_NAMESPACES)


def _children(node: etree._Element | None, tag: str) -> list[etree._Element]:
    return [child for child in node if _is(child, tag)] if node is not None else []


def _find(node: etree._Element | None, *path: str) -> etree._Element | None:
    for tag in path:
        found = _children(node, tag)
        node = found[0] if found else None
    return node


def _namespace_note(node: etree._Element, part: str) -> list[str]:
    name = node.tag if isinstance(node.tag, str) else ""
    if name.startswith(f"{{{LEGACY_NS}}}"):
        return [f"{part} uses the namespace {LEGACY_NS} (GB/T 33190: {OFD_NS})"]
    return []


def _safe_name(name: str) -> str:
    """A normalised part name, or ``SealError`` for an unsafe one."""
    if "\\" in name or "\x00" in name or any(ord(ch) < 0x20 for ch in name):
        raise SealError(f"unsafe part name in the OFD package: {name!r}")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise SealError(f"unsafe part name in the OFD package: {name!r}")
    return "/".join(parts)


def _entry_name(info: zipfile.ZipInfo, notes: list[str]) -> str:
    """An entry's name. Without the UTF-8 flag ZIP says CP437, but producers write UTF-8 or, on
    Chinese Windows, GBK there: read as UTF-8 when it is, else as GB 18030 (noted)."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    raw = info.filename.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        name = raw.decode("gb18030")
    except UnicodeDecodeError:
        return info.filename
    notes.append(f"ZIP entry name {name!r} in GBK without the UTF-8 flag")
    return name


def _outside(data: bytes, infos: list[zipfile.ZipInfo]) -> list[str]:
    """Bytes before the first entry or after the end record: no part holds them and no
    signature covers them (some signing products add their own data there)."""
    notes = []
    first = min((i.header_offset for i in infos), default=0)
    if first:
        notes.append(f"{first} bytes before the ZIP container, outside every part")
    end = data.rfind(b"PK\x05\x06")
    if end >= 0 and end + 22 <= len(data):
        stop = end + 22 + int.from_bytes(data[end + 20 : end + 22], "little")
        if stop < len(data):
            notes.append(f"{len(data) - stop} bytes after the ZIP container, outside every part")
    return notes


@dataclass(frozen=True)
class OfdPackage:
    """The parts of an OFD package by normalised name (directories left out)."""

    parts: Mapping[str, bytes]
    notes: tuple[str, ...] = ()  # deviations of the container itself (bytes outside the ZIP)

    @classmethod
    def from_bytes(cls, data: bytes) -> OfdPackage:
        notes: list[str] = []
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
                if len(infos) > MAX_ENTRIES:
                    raise SealError(f"OFD package has more than {MAX_ENTRIES} entries")
                if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                    raise SealError("OFD package is larger than the reading limit")
                parts: dict[str, bytes] = {}
                for info in infos:
                    name = _safe_name(_entry_name(info, notes))
                    if name in parts:
                        raise SealError(f"duplicate part in the OFD package: {name}")
                    parts[name] = archive.read(info)
                notes.extend(_outside(data, archive.infolist()))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise SealError(f"not a readable OFD package (ZIP): {exc}") from exc
        except (ValueError, RuntimeError, zlib.error) as exc:  # bad CRC or deflate, encrypted
            raise SealError(f"OFD package entry unreadable: {exc}") from exc
        if "OFD.xml" not in parts:
            raise SealError("no OFD.xml at the root of the package")
        return cls(MappingProxyType(parts), tuple(notes))

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

    def locate(self, location: str, base: str = "") -> tuple[str, str]:
        """``resolve``, falling back to the package root and the document folder when the part
        is not where the standard puts it: (part name, note — empty when none was needed)."""
        name = self.resolve(location, base)
        if name in self.parts or location.strip().startswith("/"):
            return name, ""
        folders = ["", base.split("/")[0]] if base else [""]
        for folder in dict.fromkeys(folders):
            other = self.resolve(location, folder)
            if other in self.parts:
                where = f"folder {folder}" if folder else "package root"
                return other, f"{location.strip()!r} resolved from the {where}, not from {base}"
        return name, ""

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
    """One ``Signatures/Signature`` entry: its ID, type (Seal or Sign), description part, the
    ``Signatures.xml`` part that lists it, and deviations met on the way to it."""

    id: str
    type: str
    part: str
    list_part: str
    notes: tuple[str, ...] = ()
    problem: str = ""  # why the entry's location is unusable (the signature is then unreadable)


def signature_entries(pkg: OfdPackage) -> tuple[SignatureEntry, ...]:
    """Every signature of every document of the package, in order; empty when unsigned."""
    root = pkg.xml("OFD.xml")
    if not _is(root, "OFD"):
        raise SealError(f"OFD.xml root is {root.tag}, expected ofd:OFD in {OFD_NS}")
    top_notes = _namespace_note(root, "OFD.xml")
    entries: list[SignatureEntry] = []
    for body in _children(root, "DocBody"):
        loc = _text(_find(body, "Signatures"))
        if not loc:
            continue
        signatures_part, located = pkg.locate(loc)
        folder = posixpath.dirname(signatures_part)
        listing = pkg.xml(signatures_part)
        notes = [*top_notes, *_namespace_note(listing, signatures_part), located]
        for node in _children(listing, "Signature"):
            problem = ""
            try:
                part, moved = pkg.locate(node.get("BaseLoc", ""), folder)
            except SealError as exc:  # this signature is unreadable, not the whole package
                part, moved, problem = node.get("BaseLoc", "") or "(no BaseLoc)", "", str(exc)
            entries.append(
                SignatureEntry(
                    id=node.get("ID", ""),
                    type=node.get("Type", "Seal"),
                    part=part,
                    list_part=signatures_part,
                    notes=tuple(n for n in (*notes, moved) if n),
                    problem=problem,
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
    notes: tuple[str, ...] = ()


def _check_value(text: str, part: str, file_ref: str) -> bytes:
    """A Base64 CheckValue; line breaks and spaces (as MIME encoders write) are allowed."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SealError(f"{part}: CheckValue of {file_ref} is not Base64") from exc


def read_signature_xml(pkg: OfdPackage, part: str) -> SignatureXml:
    """Parse the signature description ``part``; raises ``SealError`` when malformed."""
    root = pkg.xml(part)
    folder = posixpath.dirname(part)
    info = _find(root, "SignedInfo")
    if not _is(root, "Signature") or info is None:
        raise SealError(f"{part} is not an OFD Signature with SignedInfo")
    notes = _namespace_note(root, part)
    refs_node = _find(info, "References")
    references = []
    for ref in _children(refs_node, "Reference"):
        file_ref = ref.get("FileRef", "")
        value = _check_value(_text(_find(ref, "CheckValue")), part, file_ref)
        target, moved = pkg.locate(file_ref, folder)
        notes.append(moved)
        references.append(Reference(file_ref, target, value))
    signed_value = _text(_find(root, "SignedValue"))
    if not signed_value:
        raise SealError(f"{part} names no SignedValue")
    signed_value_part, moved = pkg.locate(signed_value, folder)
    notes.append(moved)
    seal_loc = _text(_find(info, "Seal", "BaseLoc"))
    seal_part = ""
    if seal_loc:
        seal_part, moved = pkg.locate(seal_loc, folder)
        notes.append(moved)
    return SignatureXml(
        part=part,
        method=_text(_find(info, "SignatureMethod")),
        date_time=_text(_find(info, "SignatureDateTime")),
        check_method=refs_node.get("CheckMethod", "") if refs_node is not None else "",
        references=tuple(references),
        signed_value_part=signed_value_part,
        seal_part=seal_part,
        stamp_pages=tuple(s.get("PageRef", "") for s in _children(info, "StampAnnot")),
        notes=tuple(dict.fromkeys(n for n in notes if n)),
    )
