"""rjieba (jieba-rs, the default engine) gives exactly Python jieba's tokens: on every word of the
sample generator's lists and service items, on its clause wording, and on seeded run-on text made
of them with digits, Latin letters and punctuation (the index holds these tokens, so a change of
engine must not change one). Joiners (``-._``) become spaces first, in both."""

from __future__ import annotations

import random
import subprocess
import sys

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
    glue += ["_", "3.14.15", "v2.0-rc_1", "--", "..", "a-", "-b", "T恤-XL", "B超_1", "e-mail"]
    glue += ["QQ-群", "1.5万元", "ＡＢＣ－１２", "91310115MA1K3X_2Q", "0.5%", "x.y@z.com", "沪-A"]
    texts = [*words, *CLAUSES]
    texts += ["".join(rng.choice(words) + rng.choice(glue) for _ in range(12)) for _ in range(3000)]
    assert len(words) > 200
    for text in texts:
        assert fast.tokens(text, memo=False) == reference.tokens(text, memo=False), text


def test_codes_are_searched_by_their_pieces() -> None:
    seg = Segmenter()
    assert seg.tokens("档号 Z109-WS·2018-D30") == ["档号", "z109", "ws", "2018", "d30"]
    assert seg.tokens("91310115MA1K3X_2Q 1.5万元") == ["91310115ma1k3x", "2q", "1", "5", "万元"]
    assert seg.tokens("ABC-12") == seg.tokens("abc 12") == seg.tokens("ABC_12") == ["abc", "12"]


def test_the_default_engine_never_loads_python_jieba() -> None:
    script = (
        "import sys\n"
        "from search.segment import Segmenter\n"
        "t = Segmenter().tokens('Z004-WS·2023-Y-GHK-0012 营业执照 a_b 1.5')\n"
        "assert t, t\n"
        "print('jieba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"
