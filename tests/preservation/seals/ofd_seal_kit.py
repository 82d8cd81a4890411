"""Builders of real sealed OFD bytes for the seal tests (fixtures in ``conftest.py``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PIL import Image

from preservation.seals import ses
from samples.ofd import OfdDocument, TextLine, document_parts, ofd_zip
from samples.ofd_seal import StampBox, seal_parts
from samples.ses_maker import SealSpec, make_seal
from samples.sm2_authority import Sm2Identity, issue_identities, new_root

SIGNED_AT = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
VERIFY_AT = datetime(2025, 1, 1, tzinfo=UTC)
DEPARTMENT = "上海市浦江区市场监督管理局"
OTHER = "上海市浦江区规划和自然资源局"


@dataclass(frozen=True)
class Kit:
    root_der: bytes
    maker: Sm2Identity
    signer: Sm2Identity
    other: Sm2Identity
    picture: bytes


def make_kit() -> Kit:
    root_der, root_key = new_root()
    maker, signers = issue_identities(root_der, root_key, [DEPARTMENT, OTHER], VERIFY_AT)
    by_name = {s.name: s for s in signers}
    picture = io.BytesIO()
    Image.new("RGBA", (64, 64), (218, 30, 36, 255)).save(picture, format="PNG")
    return Kit(root_der, maker, by_name[DEPARTMENT], by_name[OTHER], picture.getvalue())


Builder = Callable[..., bytes]


def ofd_builder(kit: Kit) -> Builder:
    """``build_ofd(version=4, valid_start=…, valid_end=…, listed=None, seal=None)`` → OFD bytes."""

    def build(
        *,
        version: int = ses.V4,
        valid_start: datetime = datetime(2020, 1, 1, tzinfo=UTC),
        valid_end: datetime = datetime(2030, 12, 31, tzinfo=UTC),
        listed: tuple[bytes, ...] | None = None,
        seal: bytes | None = None,
        when: datetime = SIGNED_AT,
    ) -> bytes:
        doc = OfdDocument(
            doc_id="0123456789abcdef0123456789abcdef",
            title="食品经营许可证",
            author=DEPARTMENT,
            created=when,
            lines=(
                TextLine("食品经营许可证", 73.5, 42.0, 9.0),
                TextLine("证照编号：JY23101150012345", 28.0, 72.0, 4.2),
                TextLine("持证主体：上海天成餐饮管理有限公司", 28.0, 81.0, 4.2),
                TextLine(f"发证机关：{DEPARTMENT}", 90.0, 200.0, 4.2),
                TextLine("有效期：2024年3月5日至2029年3月4日", 28.0, 90.0, 4.2),
            ),
        )
        if seal is None:
            spec = SealSpec(
                name=f"{DEPARTMENT}电子印章",
                es_id="3101150000000001",
                created=valid_start,
                valid_start=valid_start,
                valid_end=valid_end,
                picture_png=kit.picture,
                version=version,
            )
            certs = listed if listed is not None else (kit.signer.cert_der,)
            seal = make_seal(spec, kit.maker, certs)
        parts = seal_parts(
            document_parts(doc, signed=True), seal, kit.signer, when, StampBox(120, 180, 40, 40)
        )
        return ofd_zip(parts, when)

    return build
