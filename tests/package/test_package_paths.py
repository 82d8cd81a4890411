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
