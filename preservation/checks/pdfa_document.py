"""Our own PDF/A rules on what the document paints and holds, and our corrections of the validator.

Rules (each where the validator stops short): uncalibrated colour only with a matching PDF/A
OutputIntent or a ``/Default…`` space, the initial DeviceGray included (ISO 19005-1 6.2.3.3,
-2 6.2.4.3); no string in a content stream longer than the implementation limit (6.1.12-3 /
6.1.13-3); form fields and annotations with appearances, no NeedAppearances (6.9 /
6.3.3-1, 6.4.1-3); the permissions dictionary (-2 6.1.12); a CharSet for every Type 1 font
subset shown (-1 6.3.5-2).

Corrections (those resting on content only when the content walk finished): the validator's
"no OutputIntents, device colour cannot be checked" is settled by the colour rule; a font it
found "not embedded" is a violation when text is shown with it visibly and nothing when it is
not used; what it found in a form XObject no content stream paints is dropped (veraPDF checks
painted content only); an Info entry that is an indirect reference to a string is a string.
Reads: an open ``pikepdf.Pdf``. Raises: nothing (the caller guards pikepdf errors).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

from .pdfa_content import ContentFacts, walk_content
from .pdfa_issue import Issue, rule_id

__all__ = ["correct", "document_issues", "output_intent"]

_NEEDS = {"/DeviceGray": None, "/DeviceRGB": "RGB ", "/DeviceCMYK": "CMYK"}
_COLOUR_RULE = {
    "/DeviceGray": ("6.2.3.3-3", "6.2.4.3-4"),
    "/DeviceRGB": ("6.2.3.3-1", "6.2.4.3-2"),
    "/DeviceCMYK": ("6.2.3.3-2", "6.2.4.3-3"),
}
_OBJ_WHERE = re.compile(r"obj (\d+) (\d+) \((\w+)\)")
_SUBSET = re.compile(r"/[A-Z]{6}\+")
_DIGESTS = ("/DigestLocation", "/DigestMethod", "/DigestValue")


def output_intent(pdf: pikepdf.Pdf) -> str | None:
    """The colour space of the PDF/A OutputIntent's profile (``RGB ``, ``CMYK``, ``GRAY``)."""
    for intent in pdf.Root.get("/OutputIntents", []):
        if not isinstance(intent, pikepdf.Dictionary) or intent.get("/S") != "/GTS_PDFA1":
            continue
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            return profile.read_bytes()[16:20].decode("latin-1")
    return None


def _colour(part: int, facts: ContentFacts, intent: str | None) -> Iterator[Issue]:
    for space, where in facts.device_uses:
        needed = _NEEDS[space]
        if intent is None or (needed is not None and intent != needed):
            rule = rule_id(part, *_COLOUR_RULE[space])
            yield Issue(rule, where, f"{space[1:]} used with OutputIntent {intent!r}")


def _annotations(pdf: pikepdf.Pdf, part: int) -> Iterator[Issue]:
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and form.get("/NeedAppearances") == True:  # noqa: E712
        yield Issue(rule_id(part, "6.9-1", "6.4.1-3"), "AcroForm", "NeedAppearances is true")
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary) or "/AP" in annot:
                continue
            subtype = annot.get("/Subtype")
            rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])][:4]
            empty = len(rect) == 4 and rect[0] == rect[2] and rect[1] == rect[3]
            where = f"page {number} {subtype} annotation"
            if part == 1 and subtype == "/Widget":
                yield Issue("ISO_19005_1:6.9-2", where, "form field without an appearance")
            elif part != 1 and subtype not in ("/Popup", "/Link") and not empty:
                yield Issue(rule_id(part, "", "6.3.3-1"), where, "annotation without appearance")


def _permissions(pdf: pikepdf.Pdf, part: int) -> Iterator[Issue]:
    perms = pdf.Root.get("/Perms")
    if part == 1 or not isinstance(perms, pikepdf.Dictionary):
        return
    extra = sorted(set(perms.keys()) - {"/UR3", "/DocMDP"})
    if extra:
        yield Issue(rule_id(part, "", "6.1.12-1"), "Perms", f"keys {', '.join(extra)}")
    docmdp = perms.get("/DocMDP")
    if isinstance(docmdp, pikepdf.Dictionary):
        for ref in docmdp.get("/Reference", []):
            if isinstance(ref, pikepdf.Dictionary) and any(k in ref for k in _DIGESTS):
                yield Issue(rule_id(part, "", "6.1.12-2"), "Perms", "a SigRef holds a digest")


def _charsets(pdf: pikepdf.Pdf, part: int, facts: ContentFacts) -> Iterator[Issue]:
    """ISO 19005-1 6.3.5-2: a Type 1 font subset that is shown lists its glyphs in /CharSet."""
    if part != 1:
        return
    for objgen in sorted(facts.shown_fonts):
        font = pdf.get_object(objgen)
        if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") != "/Type1":
            continue
        descriptor = font.get("/FontDescriptor")
        if not isinstance(descriptor, pikepdf.Dictionary) or "/CharSet" in descriptor:
            continue
        embedded = any(k in descriptor for k in ("/FontFile", "/FontFile3"))
        if embedded and _SUBSET.match(str(font.get("/BaseFont", ""))):
            where = f"obj {objgen[0]} {objgen[1]} (Font)"
            yield Issue("ISO_19005_1:6.3.5-2", where, "Type 1 font subset without /CharSet")


def document_issues(pdf: pikepdf.Pdf, part: int) -> tuple[list[Issue], ContentFacts]:
    """Our own rule issues on the document, and what its content paints."""
    facts = walk_content(pdf)
    issues = [*_annotations(pdf, part), *_permissions(pdf, part)]
    if facts.complete:
        issues.extend(_colour(part, facts, output_intent(pdf)))
        issues.extend(_charsets(pdf, part, facts))
        limit = 65535 if part == 1 else 32767
        length, where = facts.longest_string
        if length > limit:
            rule = rule_id(part, "6.1.12-3", "6.1.13-3")
            issues.append(Issue(rule, where, f"a string of {length} bytes (limit {limit})"))
    return issues, facts


def _indirect_string(pdf: pikepdf.Pdf, issue: Issue) -> bool:
    info = pdf.trailer.get("/Info")
    key = issue.where.rsplit(" ", 1)[-1]
    if not isinstance(info, pikepdf.Dictionary) or not key.startswith("/"):
        return False
    value = info.get(key)
    return isinstance(value, pikepdf.String) and value.is_indirect


def _corrected(pdf: pikepdf.Pdf, part: int, facts: ContentFacts, issue: Issue) -> Issue | None:
    if issue.rule == "pikepdf:schema-Info" and _indirect_string(pdf, issue):
        return None
    if not facts.complete:
        return issue
    if issue.rule == "pikepdf:output-intent":
        return None  # settled by our colour rule over the same content
    where = _OBJ_WHERE.match(issue.where)
    if where is not None and where[3] == "FormXObject":
        painted = (int(where[1]), int(where[2])) in facts.painted_forms
        return issue if painted else None
    embedded = rule_id(part, "6.3.4-1", "6.2.11.4.1-1")
    if issue.rule == embedded and "not embedded" in issue.message and where is not None:
        if (int(where[1]), int(where[2])) in facts.visible_fonts:
            return Issue(issue.rule, issue.where, issue.message + " and shown", "violation")
        return None
    return issue


def correct(issues: list[Issue], pdf: pikepdf.Pdf, part: int, facts: ContentFacts) -> list[Issue]:
    """The validator's issues after our corrections."""
    out = (_corrected(pdf, part, facts, issue) for issue in issues)
    return [issue for issue in out if issue is not None]
