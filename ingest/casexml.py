"""Reading case.xml: safe parsing, validation against ``case.xsd``, building the ``CaseRecord``.

Reads: the bytes of case.xml. Writes: nothing. Raises: nothing for bad input — every problem
comes back as a finding (XML_NOT_UTF8, XML_MALFORMED, XML_DTD_FORBIDDEN, XML_SCHEMA,
XML_VALUE_RANGE) and the record is None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from lxml import etree

from standards.case import Applicant, CaseRecord, Certificate, FileEntry, Step
from standards.finding import Finding
from standards.findings import make
from standards.schemas import CASE_NAMESPACE, case_schema

__all__ = ["CASE_XML", "DEFAULT_TZ", "parse_case"]

CASE_XML = "case.xml"
DEFAULT_TZ = timezone(timedelta(hours=8))  # times without offset are China Standard Time

_NS = f"{{{CASE_NAMESPACE}}}"
_DTD_MARK = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DATETIME = re.compile(
    r"^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
    )


def _encoding_problem(data: bytes) -> str | None:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 byte order mark"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}"
    declared = _DECLARED_ENCODING.match(body)
    if declared and declared[1].decode("ascii").lower() not in ("utf-8", "utf8"):
        return f"declared encoding {declared[1].decode('ascii')}"
    return None


class _ValueRangeError(Exception):
    def __init__(self, element: str, value: str) -> None:
        super().__init__(f"{element}: {value}")
        self.element = element
        self.value = value


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    return parent.find(_NS + name)


def _text(parent: etree._Element, name: str) -> str:
    element = _child(parent, name)
    return "" if element is None else str(element.xpath("string()"))


def _datetime(text: str, element: str) -> datetime:
    match = _DATETIME.match(text.strip())
    if match is None:
        raise _ValueRangeError(element, text)
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    micro = int((match[7] or "0")[:6].ljust(6, "0"))
    zone = match[8]
    if zone is None:
        tz = DEFAULT_TZ
    elif zone == "Z":
        tz = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    extra = timedelta(0)
    if hour == 24:  # XSD allows 24:00:00, meaning the start of the next day
        hour, extra = 0, timedelta(days=1)
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz) + extra
    except (ValueError, OverflowError) as exc:
        raise _ValueRangeError(element, text) from exc


def _certificate(element: etree._Element | None) -> Certificate | None:
    if element is None:
        return None
    return Certificate(
        type=_text(element, "type"),
        number=_text(element, "number"),
        issuer=_text(element, "issuer"),
    )


class _Builder:
    """Turns a schema-valid tree into a CaseRecord, collecting out-of-range values."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def when(self, parent: etree._Element, name: str, where: str) -> datetime:
        try:
            return _datetime(_text(parent, name), where)
        except _ValueRangeError as exc:
            self.findings.append(
                make("XML_VALUE_RANGE", path=CASE_XML, element=exc.element, value=exc.value)
            )
            return datetime.min.replace(tzinfo=DEFAULT_TZ)

    def step(self, element: etree._Element, index: int) -> Step:
        return Step(
            code=_text(element, "code"),
            actor=_text(element, "actor"),
            department=_text(element, "department"),
            time=self.when(element, "time", f"process/step[{index}]/time"),
            opinion=_text(element, "opinion"),
        )

    def file(self, element: etree._Element, index: int) -> FileEntry:
        return FileEntry(
            path=_text(element, "path"),
            material_code=_text(element, "material_code"),
            title=_text(element, "title"),
            format=_text(element, "format"),
            size=int(_text(element, "size").strip()),
            created=self.when(element, "created", f"files/file[{index}]/created"),
            sm3=_text(element, "sm3"),
            sha256=_text(element, "sha256"),
            signed=_text(element, "signed").strip() in ("true", "1"),
            licence=_certificate(_child(element, "licence")),
        )

    def case(self, root: etree._Element) -> CaseRecord:
        applicant = _child(root, "applicant")
        process, files = _child(root, "process"), _child(root, "files")
        if applicant is None or process is None or files is None:  # excluded by the schema
            raise _ValueRangeError("case", "incomplete")
        steps = tuple(
            self.step(el, i) for i, el in enumerate(process.findall(_NS + "step"), start=1)
        )
        entries = tuple(
            self.file(el, i) for i, el in enumerate(files.findall(_NS + "file"), start=1)
        )
        return CaseRecord(
            electronic_record_code=_text(root, "electronic_record_code"),
            region_code=_text(root, "region_code"),
            fonds_identifier=_text(root, "fonds_identifier"),
            fonds_name=_text(root, "fonds_name"),
            organization_code=_text(root, "organization_code"),
            task_code=_text(root, "task_code"),
            task_name=_text(root, "task_name"),
            task_version=_text(root, "task_version"),
            task_type=_text(root, "task_type"),
            project_id=_text(root, "project_id"),
            project_name=_text(root, "project_name"),
            accept_number=_text(root, "accept_number"),
            applicant=Applicant(
                name=_text(applicant, "name"),
                type=_text(applicant, "type"),
                id_type=_text(applicant, "id_type"),
                id_number=_text(applicant, "id_number"),
                address=_text(applicant, "address"),
                legal_representative=_text(applicant, "legal_representative"),
            ),
            receive_department=_text(root, "receive_department"),
            receive_time=self.when(root, "receive_time", "receive_time"),
            transact_time=self.when(root, "transact_time", "transact_time"),
            result=_text(root, "result"),
            result_certificate=_certificate(_child(root, "result_certificate")),
            security_classification=_text(root, "security_classification"),
            sharing=_text(root, "sharing"),
            source_system=_text(root, "source_system"),
            submitted_at=self.when(root, "submitted_at", "submitted_at"),
            process=steps,
            files=entries,
            declared_file_count=int(str(files.get("count", "0")).strip()),
        )


def _has_doctype(root: etree._Element) -> bool:
    info = root.getroottree().docinfo
    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None


def parse_case(data: bytes) -> tuple[CaseRecord | None, tuple[Finding, ...]]:
    """Parse and validate case.xml; return the record (None when refused) and all findings.

    No DTD is loaded, no entity resolved, no network touched; any DOCTYPE is refused. Every
    schema error is its own XML_SCHEMA finding with its line.
    """
    problem = _encoding_problem(data)
    if problem is not None:
        return None, (make("XML_NOT_UTF8", path=CASE_XML, error=problem),)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if _DTD_MARK.search(data):
            return None, (make("XML_DTD_FORBIDDEN", path=CASE_XML),)
        line = exc.lineno if exc.lineno is not None else 0
        return None, (make("XML_MALFORMED", path=CASE_XML, line=line, error=exc.msg),)
    if _has_doctype(root):
        return None, (make("XML_DTD_FORBIDDEN", path=CASE_XML),)
    schema = case_schema()
    if not schema.validate(root):
        return None, tuple(
            make(
                "XML_SCHEMA", path=CASE_XML, line=error.line, error=error.message, xpath=error.path
            )
            for error in schema.error_log
        )
    builder = _Builder()
    try:
        record = builder.case(root)
    except (_ValueRangeError, ValueError) as exc:
        builder.findings.append(
            make("XML_VALUE_RANGE", path=CASE_XML, element="case", value=str(exc))
        )
        return None, tuple(builder.findings)
    if builder.findings:
        return None, tuple(builder.findings)
    return record, ()
