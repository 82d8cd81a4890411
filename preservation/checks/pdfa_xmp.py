"""Our own rules for the document's XMP metadata (ISO 19005-1 6.7.8–6.7.11, -2 6.6.2–6.6.4).

Every property must belong to a schema the part predefines (XMP Specification 2004 for PDF/A-1,
2005 for PDF/A-2/-3: Dublin Core, XMP Basic, Rights, Media Management, Basic Job, Paged-Text,
Adobe PDF, Photoshop, TIFF, EXIF …) or to an extension schema described in the packet with the
PDF/A extension schema container; its value must have the declared type; the container itself
must be well formed (fields, types, namespace prefixes); the PDF/A identification must name the
part and a conformance level with the ``pdfaid`` prefix. A PDF/A-1 packet may be UTF-8, UTF-16 or
UTF-32; PDF/A-2 requires UTF-8 (checked by the validator, 6.6.2.1-5).
Reads: the packet bytes. Raises: nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .pdfa_issue import Issue, rule_id
from .pdfa_xmp_rdf import Node, read_packet
from .pdfa_xmp_schemas import (
    EXTENSION,
    PDFA_FIELD,
    PDFA_PROPERTY,
    PDFA_SCHEMA,
    PDFA_TYPE,
    PDFAID,
    predefined,
)
from .pdfa_xmp_types import TypeSystem

__all__ = ["OWN_XMP_CLAUSES", "XmpReport", "check_xmp"]

# the clauses these rules decide; the validator's findings under them are replaced by ours
OWN_XMP_CLAUSES = {
    1: ("6.7.8-", "6.7.9-", "6.7.11-"),
    2: ("6.6.2.1-4", "6.6.2.3", "6.6.4-"),
}
_WHERE = "catalog /Metadata (XMP)"
# field → number n of its rule ISO 19005-1 6.7.8-n; the fields holding a Seq are listed apart
_SCHEMA_FIELDS = {"schema": 3, "namespaceURI": 4, "prefix": 5, "property": 6, "valueType": 7}
_PROPERTY_FIELDS = {"name": 8, "valueType": 9, "category": 10, "description": 11}
_TYPE_FIELDS = {"type": 12, "namespaceURI": 13, "prefix": 14, "description": 15, "field": 16}
_FIELD_FIELDS = {"name": 17, "valueType": 18, "description": 19}
_SEQ_FIELDS = {("pdfaSchema", "property"), ("pdfaSchema", "valueType"), ("pdfaType", "field")}


@dataclass(frozen=True)
class XmpReport:
    issues: tuple[Issue, ...]
    utf8: bool


def _extension_rule(part: int, number: int) -> str:
    """ISO 19005-1 6.7.8-n is ISO 19005-2 6.6.2.3.2-1 (n = 1) or 6.6.2.3.3-(n - 1)."""
    second = "6.6.2.3.2-1" if number == 1 else f"6.6.2.3.3-{number - 1}"
    return rule_id(part, f"6.7.8-{number}", second)


class _Extensions:
    """Checks the extension schema container and collects what it defines."""

    def __init__(self, part: int) -> None:
        self.part = part
        self.issues: list[Issue] = []
        self.properties: dict[str, dict[str, str]] = {}
        self.types: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}

    def fail(self, number: int, message: str) -> None:
        self.issues.append(Issue(_extension_rule(self.part, number), _WHERE, message))

    def fields(
        self, node: Node, ns: str, prefix: str, spec: dict[str, int], what: str
    ) -> dict[str, Node]:
        """Check one structure of the container: no unknown field, each known one well formed."""
        items = node.items if node.form == "struct" else ()
        unknown = [f.qname for f in items if f.ns != ns or f.name not in spec]
        if unknown:
            self.fail(1, f"{what} has fields not defined by ISO 19005: {', '.join(unknown)}")
        found = {f.name: f for f in items if f.ns == ns}
        for name, number in spec.items():
            value = found.get(name)
            array = (prefix, name) in _SEQ_FIELDS
            if value is None:
                if not array:
                    self.fail(number, f"{what} lacks {prefix}:{name}")
                continue
            form_ok = value.form == "Seq" if array else value.form == "simple"
            if not form_ok or value.prefix != prefix:
                shape = "a Seq" if array else "text"
                self.fail(number, f"{what}: {value.qname} must be {shape} with prefix {prefix}")
        return found

    def schema(self, node: Node) -> None:
        found = self.fields(node, PDFA_SCHEMA, "pdfaSchema", _SCHEMA_FIELDS, "extension schema")
        uri = found.get("namespaceURI")
        namespace = uri.value if uri is not None and uri.form == "simple" else None
        custom: dict[str, tuple[str, dict[str, str]]] = {}
        for item in found["valueType"].items if "valueType" in found else ():
            vt = self.fields(item, PDFA_TYPE, "pdfaType", _TYPE_FIELDS, "value type")
            fields: dict[str, str] = {}
            for f in vt["field"].items if "field" in vt else ():
                spec = self.fields(f, PDFA_FIELD, "pdfaField", _FIELD_FIELDS, "value type field")
                if "name" in spec and "valueType" in spec:
                    fields[spec["name"].value] = spec["valueType"].value
            if "type" in vt and (not fields or "namespaceURI" in vt):
                ns = vt["namespaceURI"].value if "namespaceURI" in vt else ""
                custom[vt["type"].value] = (ns, fields)
        types = TypeSystem(self.part, custom)
        for ftype in (t for _, fs in custom.values() for t in fs.values()):
            if not types.known(ftype):
                self.fail(18, f"field value type {ftype!r} is not defined")
        defined: dict[str, str] = {}
        for item in found["property"].items if "property" in found else ():
            prop = self.fields(item, PDFA_PROPERTY, "pdfaProperty", _PROPERTY_FIELDS, "property")
            category = prop.get("category")
            if category is not None and category.value not in ("external", "internal"):
                self.fail(10, f"property category {category.value!r} is not external/internal")
            value_type = prop.get("valueType")
            if value_type is not None and not types.known(value_type.value):
                self.fail(9, f"property value type {value_type.value!r} is not defined")
            elif value_type is not None and "name" in prop:
                defined[prop["name"].value] = value_type.value
        if namespace is not None and "property" in found:
            self.properties.setdefault(namespace, {}).update(defined)
            self.types[namespace] = custom

    def container(self, node: Node) -> None:
        if node.form != "Bag" or node.prefix != "pdfaExtension":
            self.fail(2, f"{node.qname} must be a Bag with the prefix pdfaExtension")
        for item in node.items:
            self.schema(item)


def _identification(part: int, properties: list[Node]) -> Iterator[Issue]:
    ids = {p.name: p for p in properties if p.ns == PDFAID}

    def rule(n1: int, n2: int) -> str:
        return rule_id(part, f"6.7.11-{n1}", f"6.6.4-{n2}")

    if "part" not in ids:
        yield Issue(rule(1, 1), _WHERE, "no PDF/A identification (pdfaid:part)")
        return
    if ids["part"].value != str(part):
        yield Issue(rule(2, 2), _WHERE, f"pdfaid:part is {ids['part'].value!r}, not {part}")
    levels = ("A", "B") if part == 1 else ("A", "B", "U")
    conformance = ids.get("conformance")
    if conformance is None or conformance.value not in levels:
        found = conformance.value if conformance else None
        yield Issue(rule(3, 3), _WHERE, f"pdfaid:conformance is {found!r}")
    for n, name in enumerate(("part", "conformance", "amd", "corr"), start=4):
        node = ids.get(name)
        if node is not None and node.prefix != "pdfaid" and (part != 1 or name != "corr"):
            yield Issue(rule(n, n), _WHERE, f"pdfaid:{name} is written with prefix {node.prefix}")


def _decodes_as_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_xmp(raw: bytes, part: int) -> XmpReport:
    """Our verdict on the catalog's XMP packet for ISO 19005-``part``."""
    packet = read_packet(raw)
    utf8 = _decodes_as_utf8(raw)
    syntax = rule_id(part, "6.7.9-1", "6.6.2.1-4")
    issues = [Issue(syntax, _WHERE, problem) for problem in packet.problems]
    if not packet.parsed:
        return XmpReport(tuple(issues), utf8)
    extensions = _Extensions(part)
    plain = []
    for prop in packet.properties:
        if prop.ns == EXTENSION and prop.name == "schemas":
            extensions.container(prop)
        else:
            plain.append(prop)
    issues.extend(extensions.issues)
    table = predefined(part)
    undefined = rule_id(part, "6.7.9-2", "6.6.2.3.1-1")
    wrong_type = rule_id(part, "6.7.9-3", "6.6.2.3.1-2")
    for prop in plain:
        declared = extensions.properties.get(prop.ns, {}).get(prop.name)
        types = TypeSystem(part, extensions.types.get(prop.ns, {}))
        if declared is None:
            schema = table.get(prop.ns)
            declared = schema.get(prop.name) if schema is not None else None
            types = TypeSystem(part)
        if declared is None:
            message = f"{prop.qname} ({prop.ns}) is neither predefined nor in an extension schema"
            issues.append(Issue(undefined, _WHERE, message))
        elif not types.conforms(prop, declared):
            message = f"{prop.qname} is not a valid {declared.partition('=')[0]}"
            issues.append(Issue(wrong_type, _WHERE, message))
    issues.extend(_identification(part, plain))
    return XmpReport(tuple(issues), utf8)
