"""Electronic licences (电子证照) as sealed OFD files: layout of the licence text, one SM2 seal
per issuing department, and the signed package.

``OfdLicenceSealer`` caches seals and seal pictures per department; create one per worker.
Reads/writes nothing. Raises ``SealAuthorityError`` when a department has no SM2 certificate.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from preservation.fonts import CjkFont

from .documents import licence_rows
from .ofd import A4_MM, OfdDocument, TextLine, document_parts, ofd_zip, text_width
from .ofd_seal import StampBox, seal_parts
from .plan import CasePlan, FileSpec
from .seal_authority import SIGNER_NOT_BEFORE
from .seal_image import draw_seal
from .ses_maker import SealSpec, make_seal
from .sm2_authority import Sm2SealAuthority

__all__ = ["SEAL_VALID_UNTIL", "OfdLicenceSealer", "licence_document"]

MARGIN = 28.0
ROW_STEP = 9.0
BODY_SIZE = 4.2
SEAL_MM = 40.0
SEAL_VALID_UNTIL = datetime(2035, 12, 31, 23, 59, 59, tzinfo=UTC)


def _date(when: datetime) -> str:
    return f"{when.year}年{when.month}月{when.day}日"


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and text_width(current + ch, size) > width:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines


def _centred(text: str, y: float, size: float) -> TextLine:
    return TextLine(text, (A4_MM[0] - text_width(text, size)) / 2, y, size)


def licence_document(plan: CasePlan, spec: FileSpec) -> tuple[OfdDocument, StampBox]:
    """The licence page (type, number, holder, issuer, dates) and where its seal goes."""
    kind = spec.licence.type if spec.licence else spec.title
    issuer = spec.licence.issuer if spec.licence else plan.item.fonds_name
    lines = [_centred(kind, 42.0, 9.0), _centred("（电子证照）", 52.0, 4.5)]
    y = 72.0
    rows = licence_rows(plan, spec)
    label_width = max(text_width(f"{label}：", BODY_SIZE) for label, _ in rows) + 2.0
    for label, value in rows:
        lines.append(TextLine(f"{label}：", MARGIN, y, BODY_SIZE))
        for part in _wrap(value, BODY_SIZE, A4_MM[0] - 2 * MARGIN - label_width):
            lines.append(TextLine(part, MARGIN + label_width, y, BODY_SIZE))
            y += ROW_STEP
    y += ROW_STEP
    note = f"本证照由{issuer}签发，可通过国家政务服务平台电子证照系统核验。"
    for part in _wrap(note, 3.6, A4_MM[0] - 2 * MARGIN):
        lines.append(TextLine(part, MARGIN, y, 3.6))
        y += 6.5
    y = max(y + 24.0, 200.0)
    issuer_line = f"发证机关：{issuer}"
    right = A4_MM[0] - MARGIN
    issuer_x = right - text_width(issuer_line, BODY_SIZE)
    lines.append(TextLine(issuer_line, issuer_x, y, BODY_SIZE))
    lines.append(TextLine(f"发证日期：{_date(spec.created)}", issuer_x, y + ROW_STEP, BODY_SIZE))
    centre_x = right - text_width(issuer, BODY_SIZE) / 2
    stamp = StampBox(centre_x - SEAL_MM / 2, y - SEAL_MM / 2, SEAL_MM, SEAL_MM)
    doc_id = hashlib.sha256(f"{plan.file_seed}/{spec.path}".encode()).hexdigest()[:32]
    doc = OfdDocument(
        doc_id=doc_id,
        title=kind,
        author=issuer,
        created=spec.created,
        lines=tuple(lines),
    )
    return doc, stamp


@dataclass
class OfdLicenceSealer:
    """Writes sealed OFD licences as the issuing department (SM2 seal, GB/T 38540 v4)."""

    authority: Sm2SealAuthority
    font: CjkFont
    _seals: dict[str, bytes] = field(default_factory=dict)

    def seal_for(self, department: str) -> bytes:
        """The department's seal (DER SESeal), made once and reused like a real seal."""
        if department not in self._seals:
            signer = self.authority.signer_for(department)
            picture = io.BytesIO()
            draw_seal(self.font, department).save(picture, format="PNG")
            serial = hashlib.sha256(department.encode()).hexdigest()[:14]
            spec = SealSpec(
                name=f"{department}电子印章",
                es_id=f"31011500{serial}",
                created=SIGNER_NOT_BEFORE,
                valid_start=SIGNER_NOT_BEFORE,
                valid_end=SEAL_VALID_UNTIL,
                picture_png=picture.getvalue(),
            )
            self._seals[department] = make_seal(spec, self.authority.maker, [signer.cert_der])
        return self._seals[department]

    def render(self, plan: CasePlan, spec: FileSpec) -> bytes:
        """The sealed OFD licence of ``spec``, signed at ``spec.created``."""
        department = spec.sealed_by or plan.item.fonds_name
        doc, stamp = licence_document(plan, spec)
        parts = document_parts(doc, signed=True)
        signed = seal_parts(
            parts,
            self.seal_for(department),
            self.authority.signer_for(department),
            spec.created,
            stamp,
        )
        return ofd_zip(signed, spec.created)
