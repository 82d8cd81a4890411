"""The canonical form the verifier re-serialises from parser events (``transfer.eep.canonical``,
fed by the scan) is C14N 1.0: it equals lxml's C14N 1.0 of the same element standing alone, with
the namespaces in scope declared on it — prefixes, attribute order and escaping, redundant and
undeclared default namespaces, processing instructions, CDATA and character references."""

from __future__ import annotations

import hashlib
import io

import pytest
from lxml import etree

from transfer.eep import EEP_NAMESPACE
from transfer.eep.scan import scan_eep

NS = EEP_NAMESPACE
CASES = {
    "escaping": (
        f'<被签名对象 xmlns="{NS}" b="2" a="1"><x>t &amp; &lt; &gt; &#13; "q"</x></被签名对象>',
        "",
    ),
    "prefixes": (
        f'<被签名对象 xmlns="{NS}" xmlns:p="urn:p"><p:x p:b="1" a="&quot;&#9;&#10;&amp;&lt;"/>'
        f'<y xmlns="{NS}"/></被签名对象>',
        "",
    ),
    "instructions": (
        f'<被签名对象 xmlns="{NS}" xmlns:p="urn:p" xmlns:a="urn:a"><z p:q="1" a:r="2" s="3">'
        "<?pi data?><?pi2?><![CDATA[c<d]]><!-- gone --></z></被签名对象>",
        "",
    ),
    "undeclared-default": (
        f'<被签名对象 xmlns="{NS}"><x xmlns=""><y xmlns="urn:y"/></x></被签名对象>',
        "",
    ),
    "inherited": (
        "<被签名对象><p:x/></被签名对象>",
        ' xmlns:p="urn:p"',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_events_give_c14n_1_0(name: str) -> None:
    element, on_root = CASES[name]
    document = (
        f'<?xml version="1.0"?>\n<电子文件封装包 xmlns="{NS}"{on_root}>{element}</电子文件封装包>'
    )
    scanned = scan_eep(io.BytesIO(document.encode("utf-8"))).signed_object
    assert scanned is not None
    standalone = element.replace("<被签名对象", f'<被签名对象 xmlns="{NS}"{on_root}', 1)
    if "xmlns=" in element.split(">", 1)[0]:
        standalone = element.replace("<被签名对象", f"<被签名对象{on_root}", 1)
    tree = etree.ElementTree(etree.fromstring(standalone))
    reference = etree.tostring(tree, method="c14n", with_comments=False)
    assert scanned.canonical_sha256 == hashlib.sha256(reference).digest()
    raw_is_canonical = document.encode("utf-8").count(reference) == 1
    assert scanned.canonical is raw_is_canonical
