"""What the content streams of a PDF actually paint, for our own PDF/A clause rules.

Walks every page, the form XObjects and coloured tiling patterns they paint, and annotation
appearance streams, with the graphics state a reader would have: the colour spaces each painting
operator uses (the initial fill and stroke colour is DeviceGray, so painting before any colour is
set uses DeviceGray; a ``/Default…`` colour space in the resources replaces a device space), the
fonts shown in a visible rendering mode, the form XObjects painted, and the longest strings.
Anything it cannot follow leaves ``complete`` False, so nothing is concluded from silence.
Reads: an open ``pikepdf.Pdf``. Raises: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pikepdf

__all__ = ["ContentFacts", "walk_content"]

_DEVICE = ("/DeviceGray", "/DeviceRGB", "/DeviceCMYK")
_DEFAULT = {
    "/DeviceGray": "/DefaultGray",
    "/DeviceRGB": "/DefaultRGB",
    "/DeviceCMYK": "/DefaultCMYK",
}
_ABBREVIATED = {"/G": "/DeviceGray", "/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK", "/I": "/Indexed"}
_INDEPENDENT = ("/ICCBased", "/CalGray", "/CalRGB", "/Lab")
_FILL, _STROKE = {"f", "F", "f*", "B", "B*", "b", "b*"}, {"S", "s", "B", "B*", "b", "b*"}
_SET = {"g": "/DeviceGray", "rg": "/DeviceRGB", "k": "/DeviceCMYK"}
_TEXT = {"Tj", "TJ", "'", '"'}
_MAX_OPERATORS = 2_000_000
_MAX_DEPTH = 16


def _sub(res: object, key: str) -> pikepdf.Dictionary:
    """The sub-dictionary ``key`` of a resource dictionary (empty when absent or malformed)."""
    value = res.get(key) if isinstance(res, pikepdf.Dictionary | pikepdf.Stream) else None
    return value if isinstance(value, pikepdf.Dictionary) else pikepdf.Dictionary()


def _true(value: object) -> bool:
    return isinstance(value, bool) and value


class _Unsure(Exception):
    """Something the walk cannot follow: no conclusion may rest on it."""


@dataclass(frozen=True)
class ContentFacts:
    device_uses: tuple[tuple[str, str], ...] = ()  # (device colour space, where)
    visible_fonts: frozenset[tuple[int, int]] = frozenset()
    shown_fonts: frozenset[tuple[int, int]] = frozenset()  # in any rendering mode
    painted_forms: frozenset[tuple[int, int]] = frozenset()
    longest_string: tuple[int, str] = (0, "")
    complete: bool = False
    reason: str = ""


@dataclass(frozen=True)
class _State:
    fill: object = pikepdf.Name.DeviceGray
    stroke: object = pikepdf.Name.DeviceGray
    fill_pattern: pikepdf.Object | None = None
    stroke_pattern: pikepdf.Object | None = None
    font: tuple[int, int] | None = None
    mode: int = 0

    def colour(self, stroke: bool, space: object) -> _State:
        if stroke:
            return replace(self, stroke=space, stroke_pattern=None)
        return replace(self, fill=space, fill_pattern=None)

    def pattern(self, stroke: bool, pattern: pikepdf.Object) -> _State:
        if stroke:
            return replace(self, stroke_pattern=pattern)
        return replace(self, fill_pattern=pattern)


@dataclass
class _Walk:
    uses: dict[tuple[str, str], None] = field(default_factory=dict)
    fonts: set[tuple[int, int]] = field(default_factory=set)
    shown: set[tuple[int, int]] = field(default_factory=set)
    forms: set[tuple[int, int]] = field(default_factory=set)
    seen: set[object] = field(default_factory=set)
    longest: tuple[int, str] = (0, "")
    operators: int = 0

    def spaces(self, cs: object, res: pikepdf.Dictionary, depth: int = 0) -> set[str]:
        """The device colour spaces ``cs`` stands for in ``res`` (after /Default… spaces)."""
        if depth > 8:
            raise _Unsure("colour space nesting")
        if isinstance(cs, pikepdf.Name):
            name = _ABBREVIATED.get(str(cs), str(cs))
            if name in _DEVICE:
                return set() if _DEFAULT[name] in _sub(res, "/ColorSpace") else {name}
            if name == "/Pattern":
                return set()
            named = _sub(res, "/ColorSpace").get(name)
            if named is None:
                raise _Unsure(f"colour space {name} not in the resources")
            return self.spaces(named, res, depth + 1)
        if isinstance(cs, pikepdf.Array) and len(cs) > 0:
            family = str(cs[0])
            if family in _INDEPENDENT:
                return set()
            if family in ("/Indexed", "/I", "/Pattern") and len(cs) > 1:
                return self.spaces(cs[1], res, depth + 1)
            if family == "/Separation" and len(cs) > 2:
                return self.spaces(cs[2], res, depth + 1)
            if family == "/DeviceN" and len(cs) > 2:
                return self.spaces(cs[2], res, depth + 1)
            if family == "/Pattern":
                return set()
        raise _Unsure(f"colour space {cs!r}")

    def use(self, spaces: set[str], where: str) -> None:
        for space in spaces:
            self.uses.setdefault((space, where), None)

    def paint(self, state: _State, fill: bool, res: pikepdf.Dictionary, where: str) -> None:
        cs, pattern = (
            (state.fill, state.fill_pattern) if fill else (state.stroke, state.stroke_pattern)
        )
        if pattern is None:
            self.use(self.spaces(cs, res), where)
            return
        kind = pattern.get("/PatternType")
        if kind == 2:
            shading = pattern.get("/Shading")
            if not isinstance(shading, pikepdf.Dictionary | pikepdf.Stream):
                raise _Unsure("shading pattern without a shading")
            self.use(self.spaces(shading.get("/ColorSpace"), res), where)
        elif pattern.get("/PaintType") == 2:
            self.use(self.spaces(cs, res), where)  # an uncoloured pattern: the base space
        elif isinstance(pattern, pikepdf.Stream):
            if pattern.objgen not in self.seen:
                self.seen.add(pattern.objgen)
                inside = f"obj {pattern.objgen[0]} {pattern.objgen[1]} (pattern)"
                self.stream(pattern, _State(), pattern.get("/Resources", res), inside, 1)
        else:
            raise _Unsure("pattern")

    def strings(self, operands: list[object], where: str) -> None:
        for operand in operands:
            items = operand if isinstance(operand, pikepdf.Array) else [operand]
            for item in items:
                if isinstance(item, pikepdf.String) and len(bytes(item)) > self.longest[0]:
                    self.longest = (len(bytes(item)), where)

    def stream(self, stream: object, state: _State, res: object, where: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _Unsure("content nesting")
        if not isinstance(res, pikepdf.Dictionary):
            res = pikepdf.Dictionary()
        stack: list[_State] = []
        for item in pikepdf.parse_content_stream(stream):  # type: ignore[arg-type]
            self.operators += 1
            if self.operators > _MAX_OPERATORS:
                raise _Unsure("too many operators")
            if isinstance(item, pikepdf.ContentStreamInlineImage):
                image = item.iimage.obj
                if _true(image.get("/ImageMask")):
                    self.paint(state, True, res, where)
                elif "/ColorSpace" in image:
                    self.use(self.spaces(image["/ColorSpace"], res), where)
                continue
            op = str(item.operator)
            operands: list[object] = list(item.operands)
            self.strings(operands, where)
            state = self.operator(op, operands, state, stack, res, where, depth)

    def operator(
        self,
        op: str,
        args: list[object],
        state: _State,
        stack: list[_State],
        res: pikepdf.Dictionary,
        where: str,
        depth: int,
    ) -> _State:
        if op == "q":
            stack.append(state)
        elif op == "Q":
            state = stack.pop() if stack else state
        elif op.lower() in _SET:
            state = state.colour(op.isupper(), pikepdf.Name(_SET[op.lower()]))
        elif op in ("cs", "CS") and args:
            state = state.colour(op == "CS", args[0])
        elif op in ("scn", "SCN") and args and isinstance(args[-1], pikepdf.Name):
            pattern = _sub(res, "/Pattern").get(str(args[-1]))
            if not isinstance(pattern, pikepdf.Dictionary | pikepdf.Stream):
                raise _Unsure(f"pattern {args[-1]} not in the resources")
            state = state.pattern(op == "SCN", pattern)
        elif op == "Tf" and args:
            font = _sub(res, "/Font").get(str(args[0]))
            objgen = font.objgen if isinstance(font, pikepdf.Object) else (0, 0)
            state = replace(state, font=objgen if objgen != (0, 0) else None)
        elif op == "Tr" and args:
            state = replace(state, mode=int(str(args[0]).split(".")[0]))
        elif op in _TEXT:
            self.text(state, res, where)
        elif op in _FILL or op in _STROKE:
            if op in _FILL:
                self.paint(state, True, res, where)
            if op in _STROKE:
                self.paint(state, False, res, where)
        elif op == "sh" and args:
            shading = _sub(res, "/Shading").get(str(args[0]))
            if not isinstance(shading, pikepdf.Dictionary | pikepdf.Stream):
                raise _Unsure(f"shading {args[0]} not in the resources")
            self.use(self.spaces(shading.get("/ColorSpace"), res), where)
        elif op == "Do" and args:
            self.xobject(_sub(res, "/XObject").get(str(args[0])), state, res, depth)
        return state

    def text(self, state: _State, res: pikepdf.Dictionary, where: str) -> None:
        if state.font is not None:
            self.shown.add(state.font)
            if state.mode != 3:
                self.fonts.add(state.font)
        if state.mode in (0, 2, 4, 6):
            self.paint(state, True, res, where)
        if state.mode in (1, 2, 5, 6):
            self.paint(state, False, res, where)

    def xobject(self, xobj: object, state: _State, res: pikepdf.Dictionary, depth: int) -> None:
        if not isinstance(xobj, pikepdf.Stream):
            raise _Unsure("XObject not in the resources")
        where = f"obj {xobj.objgen[0]} {xobj.objgen[1]}"
        if xobj.get("/Subtype") == "/Image":
            if _true(xobj.get("/ImageMask")):
                self.paint(state, True, res, where)
            elif "/ColorSpace" in xobj:
                self.use(self.spaces(xobj["/ColorSpace"], res), where)
            return
        self.forms.add(xobj.objgen)
        key = (xobj.objgen, repr(state.fill), repr(state.stroke), state.mode, state.font)
        if key not in self.seen:
            self.seen.add(key)
            self.stream(xobj, state, xobj.get("/Resources", res), where, depth + 1)


def _appearances(annot: object) -> list[pikepdf.Stream]:
    out: list[pikepdf.Stream] = []
    for kind in ("/N", "/R", "/D"):
        ap = _sub(annot, "/AP").get(kind)
        if isinstance(ap, pikepdf.Stream):
            out.append(ap)
        elif isinstance(ap, pikepdf.Dictionary):
            out.extend(v for v in ap.values() if isinstance(v, pikepdf.Stream))
    return out


def walk_content(pdf: pikepdf.Pdf) -> ContentFacts:
    """Everything the pages, their forms, patterns and annotation appearances paint."""
    walk = _Walk()
    try:
        for number, page in enumerate(pdf.pages, start=1):
            res = page.obj.get("/Resources", pikepdf.Dictionary())
            walk.stream(page, _State(), res, f"page {number}", 0)
            for annot in page.obj.get("/Annots", []):
                for ap in _appearances(annot):
                    where = f"page {number} annotation appearance"
                    walk.stream(ap, _State(), ap.get("/Resources", res), where, 1)
    except (_Unsure, pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError) as exc:
        return ContentFacts(reason=f"{type(exc).__name__}: {exc}")
    return ContentFacts(
        device_uses=tuple(walk.uses),
        visible_fonts=frozenset(walk.fonts),
        shown_fonts=frozenset(walk.shown),
        painted_forms=frozenset(walk.forms),
        longest_string=walk.longest,
        complete=True,
    )
