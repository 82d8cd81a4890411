"""An XMP packet read into properties: the RDF/XML subset the XMP Specification allows.

A property is simple (text, an attribute, or ``rdf:resource``), a structure (``rdf:Description``,
``rdf:parseType="Resource"`` or property attributes), or an array (``rdf:Bag``, ``rdf:Seq``,
``rdf:Alt`` of ``rdf:li`` items); ``xml:lang`` and ``rdf:value`` qualifiers are kept. Anything
outside that subset (mixed content, typed nodes, other parse types, several node elements,
different ``rdf:about`` values) is a syntax problem. The XML parser resolves no entity and loads
nothing. Reads: the packet bytes. Raises: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

__all__ = ["Node", "Packet", "read_packet"]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML = "http://www.w3.org/XML/1998/namespace"
_LANG = f"{{{_XML}}}lang"
_ARRAYS = {f"{{{RDF}}}Bag": "Bag", f"{{{RDF}}}Seq": "Seq", f"{{{RDF}}}Alt": "Alt"}
_DESCRIPTION = f"{{{RDF}}}Description"
_LI = f"{{{RDF}}}li"
_RESOURCE = f"{{{RDF}}}resource"
_PARSE_TYPE = f"{{{RDF}}}parseType"
_VALUE = f"{{{RDF}}}value"
_IDENTIFIERS = frozenset({f"{{{RDF}}}about", f"{{{RDF}}}ID", f"{{{RDF}}}nodeID", "about", "ID"})
_IGNORED = frozenset({f"{{{RDF}}}ID", f"{{{RDF}}}nodeID", f"{{{RDF}}}datatype"})


@dataclass(frozen=True)
class Node:
    """A property, an array item or a structure field."""

    ns: str
    name: str
    prefix: str
    form: str  # simple, struct, Bag, Seq or Alt
    value: str = ""
    items: tuple[Node, ...] = ()  # array items or structure fields
    lang: str | None = None

    @property
    def qname(self) -> str:
        return f"{self.prefix}:{self.name}" if self.prefix else self.name

    def field(self, ns: str, name: str) -> Node | None:
        return next((f for f in self.items if f.ns == ns and f.name == name), None)


@dataclass(frozen=True)
class Packet:
    """The packet's top-level properties, its RDF syntax problems, and whether XML parsed."""

    properties: tuple[Node, ...] = ()
    problems: tuple[str, ...] = ()
    parsed: bool = False


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _prefix(el: etree._Element, ns: str) -> str:
    if el.prefix is not None and el.nsmap.get(el.prefix) == ns:
        return str(el.prefix)
    return next((str(p) for p, uri in el.nsmap.items() if uri == ns and p), "")


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def attribute_fields(self, el: etree._Element, skip: frozenset[str]) -> list[Node]:
        fields = []
        for key, value in el.attrib.items():
            key = str(key)
            if key in skip or key in _IGNORED or key.startswith(f"{{{_XML}}}"):
                continue
            ns, name = _split(key)
            if ns == RDF or not ns:
                self.problems.append(f"attribute {key} not allowed on {el.tag}")
                continue
            fields.append(Node(ns, name, _prefix(el, ns), "simple", str(value)))
        return fields

    def node(self, el: etree._Element) -> Node:
        ns, name = _split(str(el.tag))
        prefix = _prefix(el, ns)
        lang = el.get(_LANG)
        children = _elements(el)
        text = (el.text or "") if not children else ""
        mixed = any((c.tail or "").strip() for c in children) or (el.text or "").strip()
        if children and mixed:
            self.problems.append(f"{ns}{name} mixes text and elements")
        parse_type = el.get(_PARSE_TYPE)
        resource = el.get(_RESOURCE)
        skip = frozenset({_PARSE_TYPE, _RESOURCE})
        if parse_type == "Resource":
            fields = [*self.attribute_fields(el, skip), *(self.node(c) for c in children)]
            return Node(ns, name, prefix, "struct", items=tuple(fields), lang=lang)
        if parse_type is not None:
            self.problems.append(f'rdf:parseType="{parse_type}" is not allowed in XMP')
        if resource is not None:
            if children or text.strip():
                self.problems.append(f"{ns}{name} has rdf:resource and content")
            return Node(ns, name, prefix, "simple", resource, lang=lang)
        if len(children) > 1:
            self.problems.append(f"{ns}{name} holds {len(children)} node elements")
        if children:
            return self.complex(el, children[0], (ns, name, prefix, lang))
        attrs = self.attribute_fields(el, skip)
        if attrs:
            return Node(ns, name, prefix, "struct", items=tuple(attrs), lang=lang)
        return Node(ns, name, prefix, "simple", text, lang=lang)

    def complex(
        self, el: etree._Element, child: etree._Element, head: tuple[str, str, str, str | None]
    ) -> Node:
        ns, name, prefix, lang = head
        form = _ARRAYS.get(str(child.tag))
        if form is not None:
            items = []
            for li in _elements(child):
                if li.tag != _LI:
                    self.problems.append(f"{li.tag} inside an rdf:{form}")
                    continue
                items.append(self.node(li))
            return Node(ns, name, prefix, form, items=tuple(items), lang=lang)
        if child.tag != _DESCRIPTION:
            self.problems.append(f"typed node {child.tag} is not allowed in XMP")
        fields = [*self.attribute_fields(child, _IDENTIFIERS), *map(self.node, _elements(child))]
        value = next((f for f in fields if f.ns == RDF and f.name == "value"), None)
        if value is not None:  # a qualified simple value
            qualifier = child.get(_LANG)
            return Node(ns, name, prefix, value.form, value.value, value.items, qualifier or lang)
        return Node(ns, name, prefix, "struct", items=tuple(fields), lang=lang)

    def description(self, el: etree._Element) -> list[Node]:
        return [*self.attribute_fields(el, _IDENTIFIERS), *map(self.node, _elements(el))]


def read_packet(raw: bytes) -> Packet:
    """The properties of every top-level ``rdf:Description`` of the packet."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return Packet(problems=(f"not well-formed XML: {exc}",))
    if root is None:
        return Packet(problems=("empty XMP packet",))
    rdf = root if root.tag == f"{{{RDF}}}RDF" else next(root.iter(f"{{{RDF}}}RDF"), None)
    if rdf is None:
        return Packet(parsed=True)
    reader = _Reader()
    properties: list[Node] = []
    abouts = set()
    for el in _elements(rdf):
        if el.tag != _DESCRIPTION:
            reader.problems.append(f"top-level {el.tag} is not an rdf:Description")
            continue
        about = el.get(f"{{{RDF}}}about", el.get("about"))
        if about:
            abouts.add(about)
        properties.extend(reader.description(el))
    if len(abouts) > 1:
        reader.problems.append(f"rdf:Description elements about different resources {abouts}")
    return Packet(tuple(properties), tuple(reader.problems), parsed=True)
