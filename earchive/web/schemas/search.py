"""What a search may ask, for the API and the UI alike (one model: the same limits, the same 4xx
for a value that is not one — ``year=²`` is a 422, never a 500). An empty value is no filter."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from search import SearchQuery

__all__ = ["SearchParams"]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


def _text(length: int, description: str = "") -> object:
    return Field(None, max_length=length, description=description or None)


Blank = BeforeValidator(_blank_is_none)


class SearchParams(BaseModel):
    """Words, filters and paging of one search."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field("", max_length=500, description="words, 电子文件号 or 档号 (ID numbers: POST)")
    task: Annotated[str | None, Blank] = _text(64, "事项编码")
    year: Annotated[Annotated[int, Field(ge=1900, le=9999)] | None, Blank] = None
    department: Annotated[str | None, Blank] = _text(200)
    result: Annotated[str | None, Blank] = _text(32)
    retention: Annotated[str | None, Blank] = _text(8)
    classification: Annotated[str | None, Blank] = _text(8, "密级")
    fonds: Annotated[str | None, Blank] = _text(16)
    code_prefix: Annotated[str | None, Blank] = _text(80, "档号 prefix")
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)
    sort: Annotated[Literal["relevance", "code", "-code", "year", "-year"] | None, Blank] = Field(
        None, description="order: relevance (default), 档号 (code) or 年度 (year); '-' descending"
    )

    def query(self, text: str | None = None) -> SearchQuery:
        """The search these parameters ask for (``text`` in place of ``q`` if given)."""
        return SearchQuery(
            text=self.q if text is None else text,
            task_code=self.task,
            year=self.year,
            department=self.department,
            result=self.result,
            retention=self.retention,
            security_classification=self.classification,
            fonds=(self.fonds,) if self.fonds else None,
            archival_code_prefix=self.code_prefix,
            limit=self.limit,
            offset=self.offset,
            sort=self.sort or "relevance",
        )
