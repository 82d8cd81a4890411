"""Scanned-page materials as JPEG: ID card copies, ID photos, plans, signed letters.

Pages are drawn with Pillow in the CJK font, then given scanner noise from the caller's
``random.Random`` (never Pillow's own noise, which is not seedable), so output is deterministic.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import date, timedelta

from PIL import Image, ImageChops, ImageDraw

from preservation.fonts import CjkFont, pil_font

from .people import Person, make_person
from .plan import CasePlan, FileSpec
from .profile import SizeProfile
from .seal_image import draw_seal

__all__ = ["SCAN_KINDS", "render_jpeg"]

A4_INCHES = (8.27, 11.69)
INK = (35, 35, 40)
ROOMS = (
    "操作间",
    "仓库",
    "更衣室",
    "就餐区",
    "清洗间",
    "办公室",
    "门厅",
    "卫生间",
    "设备间",
    "卧室",
)

Drawer = Callable[["Canvas", CasePlan, FileSpec, random.Random], None]


class Canvas:
    """A page image with a font cache and wrapped-text helpers (sizes in page-relative units)."""

    def __init__(self, font: CjkFont, size: tuple[int, int], mode: str = "RGB") -> None:
        self.font = font
        self.image = Image.new(mode, size, (250, 250, 246) if mode == "RGB" else 248)
        self.draw = ImageDraw.Draw(self.image)
        self.w, self.h = size
        self._faces: dict[int, object] = {}

    def px(self, fraction: float) -> int:
        return max(1, int(self.w * fraction))

    def face(self, fraction: float):  # type: ignore[no-untyped-def]
        size = max(8, self.px(fraction))
        if size not in self._faces:
            self._faces[size] = pil_font(self.font, size)
        return self._faces[size]

    def ink(self) -> tuple[int, int, int] | int:
        return INK if self.image.mode == "RGB" else 35

    def text(self, xy: tuple[float, float], text: str, size: float, anchor: str = "la") -> None:
        self.draw.text(
            (self.px(xy[0]), self.px(xy[1])),
            text,
            font=self.face(size),
            fill=self.ink(),
            anchor=anchor,
        )

    def paragraph(self, x: float, y: float, width: float, text: str, size: float) -> float:
        """Draw wrapped text from (x, y); returns the y below it (fractions of the width)."""
        face = self.face(size)
        limit = self.px(width)
        line = ""
        for ch in text:
            if line and face.getlength(line + ch) > limit:
                self.text((x, y), line, size)
                y += size * 1.7
                line = ""
            line += ch
        if line:
            self.text((x, y), line, size)
            y += size * 1.7
        return y


def _id_card(c: Canvas, x: float, y: float, person: Person, back: bool) -> None:
    w, h = 0.42, 0.42 * 54 / 85.6
    box = (c.px(x), c.px(y), c.px(x + w), c.px(y + h))
    c.draw.rounded_rectangle(
        box, radius=c.px(0.015), outline=(90, 90, 100), width=c.px(0.002), fill=(236, 240, 244)
    )
    if back:
        c.text((x + w / 2, y + 0.06), "中华人民共和国", 0.022, "mm")
        c.text((x + w / 2, y + 0.11), "居民身份证", 0.03, "mm")
        c.text((x + 0.03, y + 0.19), "签发机关　上海市公安局浦江分局", 0.013)
        start = date(2016 + person.birth_date.day % 8, person.birth_date.month, 1)
        c.text(
            (x + 0.03, y + 0.22),
            f"有效期限　{start:%Y.%m.%d}-{start.year + 20}.{start:%m.%d}",
            0.013,
        )
        return
    rows = [
        f"姓名　{person.name}",
        f"性别　{person.gender}　　民族　汉",
        f"出生　{person.birth_date.year}年{person.birth_date.month}月{person.birth_date.day}日",
    ]
    for i, row in enumerate(rows):
        c.text((x + 0.025, y + 0.03 + i * 0.032), row, 0.014)
    c.paragraph(x + 0.025, y + 0.13, 0.25, f"住址　{person.address}", 0.013)
    c.text((x + 0.025, y + 0.225), f"公民身份号码　{person.id_number}", 0.015)
    px, py = x + 0.30, y + 0.04
    c.draw.rectangle((c.px(px), c.px(py), c.px(px + 0.09), c.px(py + 0.12)), fill=(205, 215, 228))
    c.draw.ellipse(
        (c.px(px + 0.025), c.px(py + 0.02), c.px(px + 0.065), c.px(py + 0.07)), fill=(120, 110, 100)
    )


def _id_scan(c: Canvas, plan: CasePlan, spec: FileSpec, rng: random.Random) -> None:
    people = [plan.person] if plan.person is not None else []
    if "父母" in spec.title and plan.person is not None:
        spouse_gender = "女" if plan.person.gender == "男" else "男"
        people.append(
            make_person(rng, plan.receive_time.date(), min_age=22, max_age=45, gender=spouse_gender)
        )
    c.text((0.5, 0.05), spec.title + "（复印件）", 0.024, "mm")
    y = 0.1
    for person in people[:2]:
        _id_card(c, 0.05, y, person, back=False)
        _id_card(c, 0.53, y, person, back=True)
        y += 0.34
    c.text((0.55, min(y + 0.05, 1.3)), "此复印件与原件一致", 0.02)
    c.text(
        (0.55, min(y + 0.09, 1.34)), f"{plan.applicant.name}　{plan.receive_time:%Y.%m.%d}", 0.016
    )


def _letter(c: Canvas, plan: CasePlan, spec: FileSpec, rng: random.Random) -> None:
    c.text((0.5, 0.09), spec.title, 0.036, "mm")
    y = 0.17
    who = plan.applicant.name
    issuer = f"浦江镇{rng.choice(('永康', '汇臻', '召楼', '陈行', '江月'))}居民委员会"
    body = (
        f"兹证明{who}（证件号码：{plan.applicant.id_number}），现居住（使用）于"
        f"{plan.applicant.address}，该处房屋用途为{rng.choice(('住宅', '办公', '商业'))}，"
        f"自{plan.receive_time.year - rng.randint(1, 6)}年起使用至今，情况属实。"
    )
    c.text((0.1, y), "有关部门：", 0.02)
    y = c.paragraph(0.1, y + 0.05, 0.8, "　　" + body, 0.02)
    y = c.paragraph(
        0.1, y + 0.02, 0.8, "　　特此证明。本证明仅用于办理" + plan.item.task_name + "。", 0.02
    )
    c.text((0.9, y + 0.12), issuer, 0.02, "ra")
    issued = plan.receive_time - timedelta(days=rng.randint(1, 20))
    c.text((0.9, y + 0.17), f"{issued.year}年{issued.month}月{issued.day}日", 0.02, "ra")
    seal = draw_seal(c.font, issuer, "证明专用章", size=c.px(0.2))
    c.image.paste(seal.convert("RGB"), (c.px(0.68), c.px(y + 0.04)), seal)


def _plan(c: Canvas, plan: CasePlan, spec: FileSpec, rng: random.Random) -> None:
    grid = c.px(0.025)
    for gx in range(0, c.w, grid):
        c.draw.line((gx, 0, gx, c.h), fill=228)
    for gy in range(0, c.h, grid):
        c.draw.line((0, gy, c.w, gy), fill=228)
    left, top, right, bottom = 0.08, 0.08, 0.92, 0.55
    c.draw.rectangle(
        (c.px(left), c.px(top), c.px(right), c.px(bottom)), outline=20, width=c.px(0.006)
    )
    x = left
    for _ in range(rng.randint(3, 5)):
        nx = min(right, x + rng.uniform(0.15, 0.3))
        split = rng.uniform(top + 0.12, bottom - 0.12)
        for y0, y1 in ((top, split), (split, bottom)):
            c.draw.rectangle((c.px(x), c.px(y0), c.px(nx), c.px(y1)), outline=30, width=c.px(0.003))
            area = (nx - x) * (y1 - y0) * 900
            c.text(((x + nx) / 2, (y0 + y1) / 2), f"{rng.choice(ROOMS)} {area:.1f}㎡", 0.016, "mm")
        x = nx
        if x >= right:
            break
    c.text((0.92, 0.6), f"{spec.title}　比例 1:{rng.choice((100, 200, 500))}", 0.018, "ra")
    c.text((0.92, 0.64), f"单位：{plan.applicant.name}", 0.016, "ra")
    c.text((0.92, 0.68), f"地址：{plan.applicant.address}", 0.014, "ra")
    c.text((0.1, 0.6), "N ↑", 0.03)


def _photo(c: Canvas, plan: CasePlan, spec: FileSpec, rng: random.Random) -> None:
    c.draw.rectangle(
        (0, 0, c.w, c.h), fill=(67, 142, 219) if rng.random() < 0.5 else (250, 250, 250)
    )
    tone = (rng.randint(200, 235), rng.randint(170, 200), rng.randint(150, 180))
    c.draw.ellipse((c.w * 0.3, c.h * 0.18, c.w * 0.7, c.h * 0.62), fill=tone)
    c.draw.ellipse((c.w * 0.28, c.h * 0.12, c.w * 0.72, c.h * 0.36), fill=(30, 25, 25))
    c.draw.chord((c.w * 0.05, c.h * 0.62, c.w * 0.95, c.h * 1.3), 180, 360, fill=(40, 45, 60))


SCAN_KINDS: dict[str, Drawer] = {
    "id_scan": _id_scan,
    "letter_scan": _letter,
    "plan_scan": _plan,
    "photo": _photo,
}


def _noise(img: Image.Image, rng: random.Random, amplitude: int) -> Image.Image:
    if amplitude <= 0:
        return img
    grain = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1]))
    grain = grain.point([v * amplitude // 255 for v in range(256)])
    if img.mode == "RGB":
        grain = Image.merge("RGB", (grain, grain, grain))
    return ImageChops.subtract(img, grain)


def render_jpeg(
    font: CjkFont, plan: CasePlan, spec: FileSpec, rng: random.Random, profile: SizeProfile
) -> bytes:
    """The JPEG bytes of a scanned material (or an ID photo for kind ``photo``)."""
    dpi = 300
    if spec.kind == "photo":
        width = rng.randint(*profile.photo_px)
        canvas = Canvas(font, (width, int(width * 441 / 358)))
    else:
        dpi = rng.randint(*profile.scan_dpi)
        size = (int(A4_INCHES[0] * dpi), int(A4_INCHES[1] * dpi))
        if spec.kind == "plan_scan":
            size = (size[1], size[0])
        canvas = Canvas(font, size, "L" if spec.kind == "plan_scan" else "RGB")
    SCAN_KINDS[spec.kind](canvas, plan, spec, rng)
    image = canvas.image
    if spec.kind != "photo":
        angle = rng.uniform(-0.6, 0.6)
        fill = (250, 250, 246) if image.mode == "RGB" else 248
        image = image.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=fill)
        image = _noise(image, rng, profile.noise)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(*profile.jpeg_quality), dpi=(dpi, dpi))
    return out.getvalue()
