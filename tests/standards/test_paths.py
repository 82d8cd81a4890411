"""Path safety: one function decides; every unsafe shape has its reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from standards.errors import UnsafePathError
from standards.paths import (
    REASON_ABSOLUTE,
    REASON_BACKSLASH,
    REASON_CONTROL,
    REASON_DOT_SEGMENT,
    REASON_EMPTY,
    REASON_EMPTY_SEGMENT,
    REASON_LOOKALIKE,
    REASON_PARENT,
    REASON_TOO_LONG,
    check_relative_path,
)

UNSAFE = [
    ("", REASON_EMPTY),
    ("/etc/passwd", REASON_ABSOLUTE),
    ("C:/Windows/x.pdf", REASON_ABSOLUTE),
    ("c:x.pdf", REASON_ABSOLUTE),
    ("../x.pdf", REASON_PARENT),
    ("A/../../x.pdf", REASON_PARENT),
    ("A/..", REASON_PARENT),
    ("A\\..\\x.pdf", REASON_BACKSLASH),
    ("A/x\x00.pdf", REASON_CONTROL),
    ("A/x\n.pdf", REASON_CONTROL),
    ("A/x\u202e.pdf", REASON_CONTROL),  # right-to-left override
    ("A\u2215x.pdf", REASON_LOOKALIKE),  # division slash
    ("A\uff0fx.pdf", REASON_LOOKALIKE),  # fullwidth solidus
    ("A/\u2024\u2024/x.pdf", REASON_LOOKALIKE),  # one dot leader
    ("A/\uff0e\uff0e/x.pdf", REASON_LOOKALIKE),  # fullwidth full stop
    ("A/\u2025/x.pdf", REASON_LOOKALIKE),  # two dot leader
    ("A//x.pdf", REASON_EMPTY_SEGMENT),
    ("A/./x.pdf", REASON_DOT_SEGMENT),
    ("A/" + "长" * 90 + ".pdf", REASON_TOO_LONG),
]


@pytest.mark.parametrize(("path", "reason"), UNSAFE)
def test_unsafe_paths_are_refused_with_their_reason(path: str, reason: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        check_relative_path(path)
    assert caught.value.reason == reason
    assert caught.value.path == path


@pytest.mark.parametrize(
    "path",
    ["case.xml", "A/", "A/申请书.pdf", "B/sub/收件凭证 (1).pdf", "C/证照。副本.pdf", "A/..x"],
)
def test_safe_paths_pass_unchanged(path: str) -> None:
    assert check_relative_path(path) == path


_SEGMENT = st.text(
    alphabet=st.sampled_from("abcXYZ019_-()申请书证照 "), min_size=1, max_size=12
).filter(lambda s: s not in (".", ".."))


@given(st.lists(_SEGMENT, min_size=1, max_size=5))
def test_joined_safe_segments_are_accepted(segments: list[str]) -> None:
    path = "/".join(segments)
    assert check_relative_path(path) == path


@given(st.text(max_size=40))
def test_anything_accepted_cannot_escape(path: str) -> None:
    try:
        check_relative_path(path)
    except UnsafePathError:
        return
    parts = path.rstrip("/").split("/")
    assert not path.startswith("/")
    assert ".." not in parts and "." not in parts and "" not in parts
    assert "\\" not in path and "\x00" not in path
