"""safe_logical_path: the one function deciding whether a path may exist in a package."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from package import UnsafePathError, safe_logical_path


@pytest.mark.parametrize(
    "path",
    [
        "original/case.xml",
        "original/A/申请表.pdf",
        "metadata/manifest.txt",
        "a b/c d.pdf",
        "original/B/通知书（第1版）.pdf",
    ],
)
def test_accepts(path: str) -> None:
    assert safe_logical_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/etc/passwd",
        "../x",
        "a/../b",
        "a/./b",
        "a//b",
        "a/",
        "a\\b",
        "C:x",
        "a/\x00b",
        "a/b\nc",
        "a/\u202eexe.pdf",
        "a/\u200bb",
        "a/\uff0e\uff0e/b",
        "a\uff0fb",
        "a\u2215b",
        " a/b",
        "a/b ",
        "e\u0301.pdf",
        "x" * 1025,
    ],
)
def test_refuses(path: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_logical_path(path)


@given(st.text(min_size=1, max_size=60))
def test_accepted_paths_never_escape(path: str) -> None:
    try:
        safe_logical_path(path)
    except UnsafePathError:
        return
    segments = path.split("/")
    assert not path.startswith("/")
    assert ".." not in segments and "." not in segments and "" not in segments
    assert "\\" not in path and "\x00" not in path


def _slow_verdict(path: str) -> bool:
    """The rules of ``safe_logical_path`` spelt out for every character (no fast path)."""
    import unicodedata

    if not path or len(path) > 1024 or path.startswith("/") or "\\" in path:
        return False
    if (len(path) >= 2 and path[1] == ":") or unicodedata.normalize("NFC", path) != path:
        return False
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for c in path):
        return False
    for seg in path.split("/"):
        folded = unicodedata.normalize("NFKC", seg)
        if seg in ("", ".", "..") or seg != seg.strip() or folded in (".", ".."):
            return False
        if "/" in folded or "\\" in folded or set("\u2215\u2044\u29f8\u29f9") & set(seg):
            return False
    return True


_TRICKY = st.text(
    alphabet=st.sampled_from(
        list("ab/._ :")
        + list("营业执照")
        + [
            "\x00",
            "\x7f",
            "\u200b",
            "\u202e",
            "\u2028",
            "\u3000",
            "\u00a0",
            "\ue000",
            "\u0378",
            "\ufb01",
            "\u2024",
            "\uff0f",
            "\u2215",
            "\u0301",
            "\u00e9",
            "\u2460",
        ]
    ),
    min_size=1,
    max_size=24,
)


@given(st.one_of(_TRICKY, st.text(min_size=1, max_size=24)))
def test_fast_paths_judge_like_the_character_by_character_rules(path: str) -> None:
    try:
        verdict = safe_logical_path(path) == path
    except UnsafePathError:
        verdict = False
    assert verdict == _slow_verdict(path)
