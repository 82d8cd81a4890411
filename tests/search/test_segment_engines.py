"""rjieba (jieba-rs, the default engine) gives exactly Python jieba's tokens: on every word of the
sample generator's lists and service items, on its clause wording, and on seeded run-on text made
of them with digits, Latin letters and punctuation (the index holds these tokens, so a change of
engine must not change one)."""

from __future__ import annotations

import random

from samples import wordlists
from samples.catalog import load_items
from samples.documents import CLAUSES
from search.segment import Segmenter


def _words() -> list[str]:
    words: list[str] = []
    for name in dir(wordlists):
        value = getattr(wordlists, name)
        if name.isupper() and isinstance(value, tuple):
            words.extend(str(v) for v in value)
    for item in load_items():
        words += [item.task_name, item.department, item.fonds_name, item.licence_type]
        words += [m.title for m in item.materials]
    return [w for w in words if w]


def test_rjieba_tokens_equal_jieba_tokens() -> None:
    fast, reference = Segmenter(engine="rjieba"), Segmenter(engine="jieba")
    words = _words()
    rng = random.Random(20)
    glue = ["", "，", "。", "、", "（", "）", " ", "No.", "：", "2024年", "第3号", "ABC-12", "A.B"]
    glue += ["x_y", "1.5", "No.12", "C++", "10%", "a&b", "#1", "Z109-WS·2018-D30", "-", ".", "·"]
    texts = [*words, *CLAUSES]
    texts += ["".join(rng.choice(words) + rng.choice(glue) for _ in range(12)) for _ in range(1500)]
    assert len(words) > 200
    for text in texts:
        assert fast.tokens(text, memo=False) == reference.tokens(text, memo=False), text
