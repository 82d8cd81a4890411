"""safe_key and is_pointer_key: the one place keys are judged."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from preservation.storage import UnsafeKeyError, is_pointer_key, safe_key

SEPARATOR_LOOKALIKES = "\u2215\u2044\uff0f\u2024\uff0e\u3002\u29f8\uff3c\ufe52"

# Segments made of letters, digits, CJK and ordinary punctuation: always safe.
segment = st.text(
    alphabet=st.sampled_from(
        list("abcxyzABC0129-_()（）·+=,，") + list("营业执照许可申请表张三档案") + [" ", "."]
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s not in (".", ".."))
keys = st.lists(segment, min_size=1, max_size=6).map("/".join)


@given(keys)
def test_safe_keys_pass_unchanged(key: str) -> None:
    assert safe_key(key) == key


@given(keys, st.sampled_from(["..", ".", ""]), st.integers(min_value=0, max_value=6))
def test_dot_and_empty_segments_refused(key: str, bad: str, where: int) -> None:
    parts = key.split("/")
    parts.insert(min(where, len(parts)), bad)
    with pytest.raises(UnsafeKeyError):
        safe_key("/".join(parts))


@given(keys)
def test_absolute_and_trailing_slash_refused(key: str) -> None:
    for bad in ("/" + key, key + "/", key.replace("/", "//") + "//x"):
        with pytest.raises(UnsafeKeyError):
            safe_key(bad)


@given(keys, st.sampled_from(SEPARATOR_LOOKALIKES + "\\"), st.integers(min_value=0))
def test_lookalikes_and_backslash_refused(key: str, ch: str, at: int) -> None:
    at %= len(key) + 1
    with pytest.raises(UnsafeKeyError):
        safe_key(key[:at] + ch + key[at:])


@given(keys, st.characters(categories=["Cc", "Cf"]), st.integers(min_value=0))
def test_control_and_format_characters_refused(key: str, ch: str, at: int) -> None:
    at %= len(key) + 1
    with pytest.raises(UnsafeKeyError):
        safe_key(key[:at] + ch + key[at:])


@given(st.text(min_size=0, max_size=40))
def test_any_text_is_refused_or_is_a_plain_relative_key(key: str) -> None:
    try:
        result = safe_key(key)
    except UnsafeKeyError:
        return
    assert result == key
    assert not key.startswith("/") and "\\" not in key and "\x00" not in key
    for part in key.split("/"):
        normal = unicodedata.normalize("NFKC", part)
        assert part not in ("", ".", "..") and normal not in (".", "..") and "/" not in normal


def test_examples() -> None:
    assert safe_key("v1/content/original/A/营业执照.pdf") == "v1/content/original/A/营业执照.pdf"
    assert safe_key("a/.hidden/..x/x..") == "a/.hidden/..x/x.."
    for bad in ("a/.earchive-tmp-1", "x" * 256, "a/" * 600 + "b", "\ud800"):
        with pytest.raises(UnsafeKeyError):
            safe_key(bad)


@pytest.mark.parametrize(
    ("key", "pointer"),
    [
        ("inventory.json", True),
        ("abc/def/ghi/0123/inventory.json", True),
        ("abc/def/ghi/0123/inventory.json.sha256", True),
        ("abc/0123/v1/inventory.json", False),
        ("abc/0123/v10/inventory.json.sha256", False),
        ("abc/0123/v1/content/inventory.json", False),
        ("abc/0123/v2/content/original/A/inventory.json.sha256", False),
        ("abc/0123/inventory.json.sha512", False),
        ("ocfl_layout.json", False),
    ],
)
def test_pointer_keys(key: str, pointer: bool) -> None:
    assert is_pointer_key(key) is pointer


# Characters where the fast paths could differ from a character-by-character look: controls,
# format characters, separators of every kind, look-alikes, compatibility forms NFKC folds.
_TRICKY = st.text(
    alphabet=st.sampled_from(
        list("ab/._-0 ")
        + list(SEPARATOR_LOOKALIKES)
        + list("营业执照")
        + [
            "\x00",
            "\x1f",
            "\x7f",
            "\u200b",
            "\u202e",
            "\u2028",
            "\u2029",
            "\u3000",
            "\u00a0",
            "\ue000",
            "\U000e0001",
            "\u0378",
            "\ufb01",
            "\u2460",
            "\uff21",
            "\u2025",
        ]
    ),
    min_size=1,
    max_size=24,
)


def _slow_safe_key(key: str) -> str:
    """The rules of ``safe_key`` spelt out for every character and segment (no fast path)."""
    from preservation.storage.keys import _LOOKALIKES, _REFUSED_CATEGORIES, TEMP_PREFIX

    if "\\" in key or len(key.encode("utf-8")) > 1024:
        return "refused"
    for ch in key:
        if ch in _LOOKALIKES or unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return "refused"
    for seg in key.split("/"):
        normal = unicodedata.normalize("NFKC", seg)
        if seg in ("", ".", "..") or "/" in normal or "\\" in normal or normal in (".", ".."):
            return "refused"
        if len(seg.encode("utf-8")) > 255 or seg.startswith(TEMP_PREFIX):
            return "refused"
    return key


@given(st.one_of(_TRICKY, st.text(min_size=1, max_size=24)))
def test_fast_paths_judge_like_the_character_by_character_rules(key: str) -> None:
    try:
        got = safe_key(key)
    except UnsafeKeyError:
        got = "refused"
    assert got == _slow_safe_key(key)
