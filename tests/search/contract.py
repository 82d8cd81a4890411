"""The SearchIndex contract: every backend must pass these tests unchanged.

Use: subclass ``SearchIndexContract`` in a test module that provides two fixtures: ``index``, a
fresh backend holding ``make_doc(n)`` for n in 0..39, and ``empty_index``, a fresh empty one
(see test_search_index.py, parametrized over the backends).
"""

from __future__ import annotations

import threading
import time

import pytest

from search import IndexDocument, IndexedFile, InvalidQueryError, SearchIndex, SearchQuery
from search.index import EXACT_MATCH_SCORE
from search.reindex import Reindexable, replace_all

TASKS = [
    ("000105001000", "食品经营许可证核发", "市场监督管理局"),
    ("000105002000", "营业执照变更登记", "市场监督管理局"),
    ("000201003000", "建设工程规划许可证核发", "自然资源和规划局"),
    ("000301004000", "社会保障卡申领", "人力资源和社会保障局"),
]
NAMES = ["张三", "李四", "王小明", "赵敏", "陈建国"]
RESULTS = ["准予许可", "不予许可"]


def make_doc(n: int, fonds: str = "Z109", **changes: object) -> IndexDocument:
    code, task, dept = TASKS[n % len(TASKS)]
    name = NAMES[n % len(NAMES)]
    year = 2018 + n % 3
    retention = "D30" if n % 2 else "Y"
    erc = f"350100-0059-0100190012-{year}-{retention}-{n:06d}"
    fields: dict[str, object] = {
        "archive_id": f"{fonds}-{erc}",
        "electronic_record_code": erc,
        "archival_code": f"{fonds}-WS·{year}-{retention}-BGS-{n:04d}",
        "title": f"{name}申请{task}",
        "task_code": code,
        "task_name": task,
        "year": year,
        "department": dept,
        "result": RESULTS[n % 7 == 0],
        "retention": retention,
        "security_classification": "公开",
        "fonds_identifier": fonds,
        "applicant_name": name,
        "text": f"申请人{name}于{year}年提交{task}申请。",
        "files": (
            IndexedFile("original/A/申请表.pdf", "申请表", f"兹有{name}申请办理{task}。"),
            IndexedFile("original/C/证照.pdf", "结果证照", "准予许可决定书"),
        ),
    }
    fields.update(changes)
    return IndexDocument(**fields)  # type: ignore[arg-type]


def ids(index: SearchIndex, **query: object) -> set[str]:
    result = index.search(SearchQuery(limit=1000, **query))  # type: ignore[arg-type]
    assert result.total == len(result.hits)
    return {h.archive_id for h in result.hits}


class SearchIndexContract:
    """Chinese words, identifiers, filters, facets, re-indexing, a few thousand docs."""

    def test_is_a_search_index(self, index: SearchIndex) -> None:
        assert isinstance(index, SearchIndex)
        assert index.count() == 40

    @pytest.mark.parametrize(
        ("word", "expected"),
        [
            ("营业", {n for n in range(40) if n % 4 == 1}),
            ("执照", {n for n in range(40) if n % 4 == 1}),
            ("许可", set(range(40))),  # 准予许可决定书 is in every doc
            ("规划", {n for n in range(40) if n % 4 == 2}),
            ("王小明", {n for n in range(40) if n % 5 == 2}),
            ("张三", {n for n in range(40) if n % 5 == 0}),
            ("王小明 营业执照", {n for n in range(40) if n % 5 == 2 and n % 4 == 1}),
            ("社会保障卡", {n for n in range(40) if n % 4 == 3}),
        ],
    )
    def test_chinese_words_are_found(
        self, index: SearchIndex, word: str, expected: set[int]
    ) -> None:
        assert ids(index, text=word) == {make_doc(n).archive_id for n in expected}

    def test_nothing_found_and_punctuation_queries(self, index: SearchIndex) -> None:
        assert ids(index, text="不存在的词语组合") == set()
        assert index.search(SearchQuery(text="，。！")).total == 0

    def test_titles_used_as_queries_find_their_docs(self, index: SearchIndex) -> None:
        for n in range(0, 40, 3):
            doc = make_doc(n)
            result = index.search(SearchQuery(text=doc.title, limit=100))
            assert doc.archive_id in {h.archive_id for h in result.hits}

    def test_title_matches_rank_first(self, index: SearchIndex) -> None:
        index.index_many([make_doc(99, title="关于营业执照的说明", text="", files=())])
        hits = index.search(SearchQuery(text="说明")).hits
        assert hits[0].archive_id == make_doc(99).archive_id and hits[0].score > 0

    def test_snippets_are_readable_and_marked(self, index: SearchIndex) -> None:
        hit = index.search(SearchQuery(text="王小明")).hits[0]
        assert "<mark>王小明</mark>" in hit.snippet
        assert "王小明</mark>于" in hit.snippet  # no spaces between CJK characters
        assert "<mark>王小明</mark>申请" in index.search(SearchQuery(text="王小明")).hits[1].snippet

    def test_archival_code_exact_and_prefix(self, index: SearchIndex) -> None:
        doc = make_doc(7)
        result = index.search(SearchQuery(text=doc.archival_code))
        assert [h.archive_id for h in result.hits] == [doc.archive_id]
        assert result.hits[0].score == EXACT_MATCH_SCORE
        prefix = "Z109-WS·2019-D30"
        expected = {make_doc(n).archive_id for n in range(40) if (2018 + n % 3, n % 2) == (2019, 1)}
        assert ids(index, archival_code_prefix=prefix) == expected
        assert ids(index, archival_code_prefix="Z109-WS·2019-Y").isdisjoint(expected)

    def test_electronic_record_code_and_id_lookup(self, index: SearchIndex) -> None:
        doc = make_doc(12)
        assert ids(index, text=doc.electronic_record_code) == {doc.archive_id}
        assert ids(index, text=f"  {doc.archive_id} ") == {doc.archive_id}
        # a part of a code still finds it through the segmented identifiers
        assert doc.archive_id in ids(index, text="000012")

    def test_filters(self, index: SearchIndex) -> None:
        all_ids = {make_doc(n).archive_id for n in range(40)}
        assert ids(index) == all_ids
        assert ids(index, year=2019) == {make_doc(n).archive_id for n in range(40) if n % 3 == 1}
        assert ids(index, text="许可", task_code="000105002000", retention="Y") == {
            make_doc(n).archive_id for n in range(40) if n % 4 == 1 and n % 2 == 0
        }
        assert ids(index, department="市场监督管理局", result="不予许可") == {
            make_doc(n).archive_id for n in range(40) if n % 4 in (0, 1) and n % 7 == 0
        }
        assert ids(index, security_classification="秘密") == set()
        assert ids(index, fonds=()) == set()
        assert ids(index, fonds=("Z109", "X001")) == all_ids
        assert ids(index, fonds=("X001",)) == set()

    def test_facets_count_the_matched_set(self, index: SearchIndex) -> None:
        result = index.search(SearchQuery(text="营业执照", limit=1))
        assert result.total == 10 and len(result.hits) == 1
        assert result.facets["task_name"] == {"营业执照变更登记": 10}
        assert result.facets["department"] == {"市场监督管理局": 10}
        assert sum(result.facets["year"].values()) == 10
        assert set(result.facets["year"]) <= {"2018", "2019", "2020"}
        assert result.facets["retention"] == {"D30": 10}  # n % 4 == 1 is odd
        browse = index.search(SearchQuery())
        assert sum(browse.facets["result"].values()) == 40
        assert browse.facets["security_classification"] == {"公开": 40}

    def test_paging(self, index: SearchIndex) -> None:
        pages = [
            index.search(SearchQuery(text="许可", limit=15, offset=o)).hits for o in (0, 15, 30)
        ]
        assert [len(p) for p in pages] == [15, 15, 10]
        assert len({h.archive_id for p in pages for h in p}) == 40
        with pytest.raises(InvalidQueryError):
            index.search(SearchQuery(limit=0))
        with pytest.raises(InvalidQueryError):
            index.search(SearchQuery(offset=-1))

    def test_issued_licence_and_task_outrank_body_text(self, empty_index: SearchIndex) -> None:
        """Field boosts: a case that issued a 营业执照 (or whose 事项 names it) ranks above cases
        that only cite one among their materials, however often the body repeats it."""
        social = "社会保险参保登记"
        citing = "营业执照（调用） 营业执照 复印件 营业执照" * 3
        cited = [
            make_doc(n, fonds="C001", title=f"公司{n}{social}", task_name=social, text=citing)
            for n in range(6)
        ]
        issued = make_doc(
            90,
            fonds="I001",
            title="上海宏图置业有限公司企业设立登记",
            task_name="企业设立登记",
            issued="营业执照",
            text="准予设立登记",
        )
        named = make_doc(91, fonds="T001", title="某公司变更", task_name="营业执照变更登记")
        empty_index.index_many([*cited, issued, named])
        found = empty_index.search(SearchQuery(text="营业执照", limit=10))
        assert found.total == 8
        assert {h.archive_id for h in found.hits[:2]} == {issued.archive_id, named.archive_id}

    def test_sort_orders(self, index: SearchIndex) -> None:
        """``sort``: 档号 and 年度 either way (ties by 档号), over words or a browse, paged."""
        every = sorted(make_doc(n).archival_code for n in range(40))

        def codes(**query: object) -> list[str]:
            found = index.search(SearchQuery(limit=1000, **query))  # type: ignore[arg-type]
            return [h.archival_code for h in found.hits]

        assert codes(sort="code") == every
        assert codes(sort="-code") == every[::-1]
        assert codes(text="许可", sort="code") == every
        by_year = [c for _, c in sorted((make_doc(n).year, make_doc(n).archival_code)
                                        for n in range(40))]  # fmt: skip
        assert codes(sort="year") == by_year
        down = codes(sort="-year")
        years = [int(c.split("·")[1][:4]) for c in down]
        assert years == sorted(years, reverse=True) and sorted(down) == every
        page = index.search(SearchQuery(sort="-code", limit=10, offset=10)).hits
        assert [h.archival_code for h in page] == every[::-1][10:20]
        with pytest.raises(InvalidQueryError):
            index.search(SearchQuery(sort="title"))

    def test_reindex_replaces_and_delete_removes(self, index: SearchIndex) -> None:
        doc = make_doc(3)
        index.index_many(
            [make_doc(3, title="更正后的档案题名", task_name="其他", text="", files=())]
        )
        assert index.count() == 40
        assert ids(index, text="更正") == {doc.archive_id}
        assert doc.archive_id not in ids(index, text="社会保障卡")
        assert index.delete(doc.archive_id) is True
        assert index.delete(doc.archive_id) is False
        assert ids(index, text="更正") == set() and index.count() == 39
        index.clear()
        assert index.count() == 0 and index.search(SearchQuery()).total == 0

    def test_two_thousand_documents(self, empty_index: SearchIndex) -> None:
        index = empty_index
        docs = [make_doc(n, fonds="Z110" if n % 2 else "Z109") for n in range(2000)]
        started = time.perf_counter()
        assert index.index_many(docs) == 2000
        indexed = time.perf_counter() - started
        started = time.perf_counter()
        result = index.search(SearchQuery(text="王小明 食品", fonds=("Z109",), limit=1000))
        queried = time.perf_counter() - started
        print(f"\nindexed 2000 docs in {indexed:.2f} s; query in {queried * 1000:.1f} ms")
        expected = {d.archive_id for n, d in enumerate(docs) if n % 20 == 12}  # even n: fonds Z109
        assert {h.archive_id for h in result.hits} == expected and result.total == 100
        assert index.search(SearchQuery(text="王小明 食品", fonds=("Z110",))).total == 0
        assert index.count() == 2000

    def test_clearance_filter(self, index: SearchIndex) -> None:
        index.index_many([make_doc(5, security_classification="秘密")])
        secret = make_doc(5).archive_id
        assert ids(index, security_classifications=()) == set()
        assert ids(index, security_classifications=("公开",)) == {
            make_doc(n).archive_id for n in range(40) if n != 5
        }
        assert ids(index, security_classifications=("公开", "秘密"), text="张三") >= {secret}
        assert ids(index, security_classification="秘密") == {secret}

    def test_exact_lookup_respects_filters(self, index: SearchIndex) -> None:
        doc = make_doc(8)  # fonds Z109: outside X001, so no exact hit and no word hit either
        assert ids(index, text=doc.archival_code, fonds=("X001",)) == set()
        result = index.search(SearchQuery(text=doc.electronic_record_code, year=doc.year))
        assert [h.archive_id for h in result.hits] == [doc.archive_id]
        assert result.hits[0].score == EXACT_MATCH_SCORE and result.total == 1

    def test_empty_index(self, empty_index: SearchIndex) -> None:
        assert empty_index.count() == 0
        assert empty_index.search(SearchQuery(text="许可")).total == 0
        assert empty_index.search(SearchQuery(text=make_doc(1).archive_id)).total == 0
        browse = empty_index.search(SearchQuery())
        assert browse.total == 0 and browse.hits == () and dict(browse.facets) == {}
        assert empty_index.delete("nothing") is False
        empty_index.clear()
        assert empty_index.index_many([]) == 0

    def test_replace_all_swaps_the_whole_index(self, index: SearchIndex) -> None:
        assert isinstance(index, Reindexable)
        assert replace_all(index, [make_doc(n) for n in range(40, 45)]) == 5
        assert index.count() == 5
        assert ids(index) == {make_doc(n).archive_id for n in range(40, 45)}
        assert ids(index, text=make_doc(3).archival_code) == set()
        index.index_many([make_doc(1)])  # still writable after the swap
        assert index.count() == 6 and make_doc(1).archive_id in ids(index, text="李四")
        assert replace_all(index, []) == 0 and index.count() == 0

    def test_searches_during_a_reindex_see_old_or_new_never_nothing(
        self, index: SearchIndex
    ) -> None:
        new_docs = [make_doc(n, fonds="Z110") for n in range(120)]
        totals: list[int] = []
        errors: list[BaseException] = []
        done = threading.Event()

        def search_until_done() -> None:
            while not done.is_set():
                try:
                    totals.append(index.search(SearchQuery(text="许可", limit=1)).total)
                except BaseException as exc:  # reported below
                    errors.append(exc)

        searcher = threading.Thread(target=search_until_done)
        searcher.start()
        try:
            replace_all(index, new_docs)
            time.sleep(0.05)
        finally:
            done.set()
            searcher.join()
        assert not errors and totals
        assert set(totals) <= {40, 120}
        assert index.search(SearchQuery(text="许可")).total == 120
