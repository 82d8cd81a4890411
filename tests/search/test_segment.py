"""Segmentation: the same tokens for text and query, punctuation dropped, ASCII lowercased."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from search import Segmenter, segment, tokens

WORDS = [
    "营业执照",
    "食品",
    "经营",
    "许可证",
    "核发",
    "张三",
    "变更",
    "登记",
    "市场监督管理局",
    "准予",
]


def test_compounds_yield_their_parts() -> None:
    assert tokens("营业执照") == ["营业", "执照", "营业执照"]
    assert set(tokens("食品经营许可证核发")) >= {"食品", "经营", "许可", "许可证", "核发"}


def test_punctuation_dropped_and_ascii_lowercased() -> None:
    assert segment("《营业执照》（副本）！") == "营业 执照 营业执照 副本"
    assert segment("Z109-WS·2018-D30-BGS-0001") == "z109 ws 2018 d30 bgs 0001"
    assert segment("ＡＢＣ１２３") == "abc123"  # full-width forms normalised
    assert segment("  ，。！ ") == ""


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
def test_query_segmentation_matches_text_segmentation(words: list[str]) -> None:
    text = "".join(words)
    # The text itself used as a query gives exactly the text's tokens.
    assert segment(text) == " ".join(tokens(text))
    # Every token is a word of the original (no punctuation, no spaces).
    assert all(t and " " not in t and t in text.lower() for t in tokens(text))


def test_own_cache_directory(tmp_path: Path) -> None:
    segmenter = Segmenter(cache_dir=tmp_path)
    assert segmenter.segment("营业执照") == "营业 执照 营业执照"
    assert (tmp_path / "jieba.cache").is_file()
