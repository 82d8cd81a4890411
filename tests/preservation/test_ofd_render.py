"""An OFD licence drawn as PNG: its text on the page and the seal's picture inside the seal's
annotation box (generated sample licences, sealed with an SM2 SES seal)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from preservation.ofd_render import OfdRenderError, render_ofd_page


@pytest.fixture(scope="module")
def licence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from samples import SMALL_PROFILE, generate

    dest = tmp_path_factory.mktemp("ofd")
    generate(6, dest, seed=14, size_profile=SMALL_PROFILE, as_zip=False)
    found = sorted(dest.rglob("*.ofd"))
    assert found, "seed 14 issues OFD licences"
    return found[0]


def test_the_seal_lies_inside_its_annotation_box_and_the_text_is_drawn(licence: Path) -> None:
    dpi = 150
    page = render_ofd_page(licence, dpi=dpi)
    with zipfile.ZipFile(licence) as archive:
        signature = next(
            archive.read(n).decode() for n in archive.namelist() if n.endswith("Signature.xml")
        )
    x, y, w, h = map(float, re.search(r'StampAnnot[^>]*Boundary="([^"]+)"', signature)[1].split())
    scale = dpi / 25.4
    [(name, box)] = page.seals
    assert name.endswith("印章")
    assert box == (
        round(x * scale),
        round(y * scale),
        round((x + w) * scale),
        round((y + h) * scale),
    )
    image = Image.open(io.BytesIO(page.png)).convert("RGB")
    assert image.size == page.size == (round(210 * scale), round(297 * scale))
    inside = list(image.crop(box).get_flattened_data())
    red = sum(1 for r, g, b in inside if r > 180 and g < 90 and b < 90)
    assert red > 0.05 * len(inside)  # the seal's red is in its box …
    outside = list(image.crop((0, 0, image.width, box[1] - 5)).get_flattened_data())
    assert not any(r > 180 and g < 90 and b < 90 for r, g, b in outside)  # … and above it none
    dark = sum(1 for r, g, b in outside if r < 80 and g < 80 and b < 80)
    assert dark > 1000  # the licence's text was drawn
    assert page.skipped == ()


def test_what_is_not_an_ofd_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.ofd"
    bad.write_bytes(b"not a zip")
    with pytest.raises(OfdRenderError):
        render_ofd_page(bad)
    empty = tmp_path / "y.ofd"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    with pytest.raises(OfdRenderError, match="DocRoot"):
        render_ofd_page(empty)
