"""What ``TantivyIndex`` adds to the shared contract: its terms are exactly our jieba tokens, ID
numbers never reach its terms or stored text, a second handle (another process's view) sees a
commit, and a rebuild swaps whole generations."""

from __future__ import annotations

from pathlib import Path

from search import IndexDocument, IndexedFile, SearchQuery, TantivyIndex
from search.document_text import body_text, identifier_text
from search.segment import default_segmenter

ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"


def _doc(n: int, text: str = "", **changes: object) -> IndexDocument:
    fields: dict[str, object] = {
        "archive_id": f"Z1-{n:06d}",
        "electronic_record_code": f"E-{n:06d}",
        "archival_code": f"Z1-WS·2024-Y-{n:04d}",
        "title": f"王小明申请营业执照变更登记{n}",
        "task_code": "T1",
        "task_name": "营业执照变更登记",
        "year": 2024,
        "department": "市场监督管理局",
        "result": "准予",
        "retention": "Y",
        "security_classification": "公开",
        "fonds_identifier": "Z1",
        "applicant_name": "王小明",
        "text": text,
        "files": (IndexedFile("original/a.pdf", "申请表", "经审查，申请材料齐全，准予许可。"),),
    }
    fields.update(changes)
    return IndexDocument(**fields)  # type: ignore[arg-type]


def _terms(index: TantivyIndex, field: str) -> set[str]:
    searcher = index._index().searcher()
    return {term for term, _count in searcher.terms_with_prefix(field, "")}


def test_the_terms_are_our_jieba_tokens(tmp_path: Path) -> None:
    text = "申请人：王小明，住所：上海市浦东新区世纪大道100号。\n营业执照（副本）Ｎｏ．ABC-12"
    doc = _doc(1, text)
    index = TantivyIndex(tmp_path / "idx")
    index.index_many([doc])
    segmenter = default_segmenter()
    assert _terms(index, "body_t") == set(segmenter.tokens(body_text(doc)))
    assert _terms(index, "title_t") == set(segmenter.tokens(doc.title, memo=False))
    assert _terms(index, "ident_t") == set(segmenter.tokens(identifier_text(doc), memo=False))
    assert index.search(SearchQuery(text="营业执照 副本")).total == 1
    assert index.search(SearchQuery(text="ｎｏ")).total == 1  # NFKC and lower case both ways


def test_id_and_mobile_numbers_never_enter_the_index(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "idx")
    index.index_many([_doc(1, f"身份证号码 {ID_NUMBER}，联系电话{MOBILE}。")])
    for field in ("body_t", "title_t", "ident_t"):
        for term in _terms(index, field):
            assert not any(part in term for part in (ID_NUMBER[:6], ID_NUMBER[-6:], MOBILE[-8:]))
    found = index.search(SearchQuery(text="身份证号码"))
    assert found.total == 1
    assert ID_NUMBER not in found.hits[0].snippet and MOBILE not in found.hits[0].snippet
    for fragment in (ID_NUMBER, ID_NUMBER[:6], ID_NUMBER[-4:], MOBILE):
        assert index.search(SearchQuery(text=fragment)).total == 0, fragment
    stored = index._index().searcher()
    hit = stored.search(index._term("archive_id", "Z1-000001"), limit=1).hits[0]
    body = bytes(stored.doc(hit[1]).get_first("body")).decode()
    assert ID_NUMBER not in body and MOBILE not in body


def test_another_handle_sees_each_commit_and_each_swap(tmp_path: Path) -> None:
    writer, reader = TantivyIndex(tmp_path / "idx"), TantivyIndex(tmp_path / "idx")
    writer.index_many([_doc(1)])
    assert reader.count() == 1
    writer.index_many([_doc(2)])
    assert reader.search(SearchQuery(text="营业执照")).total == 2
    first = (tmp_path / "idx" / "CURRENT").read_text().strip()
    writer.reindex([_doc(n) for n in range(3, 8)])
    second = (tmp_path / "idx" / "CURRENT").read_text().strip()
    assert second != first and not (tmp_path / "idx" / first).exists()
    assert reader.count() == 5 and reader.search(SearchQuery(text="营业执照")).total == 5
    assert sorted(p.name for p in (tmp_path / "idx").glob("gen-*")) == [second]
