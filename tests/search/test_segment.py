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
    segmenter = Segmenter(cache_dir=tmp_path, engine="jieba")  # rjieba keeps no cache file
    assert segmenter.segment("营业执照") == "营业 执照 营业执照"
    assert (tmp_path / "jieba.cache").is_file()


def test_text_of_one_archive_bypasses_the_line_memo() -> None:
    seg = Segmenter()
    boilerplate = "申请人提交的营业执照副本\n经审查准予变更登记"
    seg.tokens(boilerplate)
    memo = seg._line_tokens.cache_info().currsize
    assert memo == 2
    identifiers = "\n".join(f"A001-XK·2026-Y-{n:04d} 电子文件号{n:06d}" for n in range(50))
    once = seg.tokens(identifiers, memo=False)
    assert seg._line_tokens.cache_info().currsize == memo  # one-off lines did not go in
    assert once == Segmenter().tokens(identifiers)  # the same tokens as through the memo
    assert "0049" in once and len(once) > 100
