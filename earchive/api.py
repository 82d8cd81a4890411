"""REST API (FastAPI, OpenAPI at /docs) and the minimal server-rendered web UI.

Routes are thin: each calls ``earchive.archive.Archive``. Every ``/api`` route but ``/health``
needs the bearer token made by ``earchive init`` (``<home>/keys/api-token``). The full UI with
users, roles and access control is a later stage; this UI binds to loopback by default.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates

from earchive.archive import Archive, NotFoundError
from ingest.pipeline import ingest_path
from search.index import SearchQuery

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MEDIA_TYPES = {
    "PDF": "application/pdf",
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "TIFF": "image/tiff",
    "XML": "application/xml",
    "OFD": "application/ofd",
}


def api_token(archive: Archive) -> str:
    """The API token of this archive home, created on first use (mode 0600)."""
    path = archive.settings.key_dir / "api-token"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def create_app(archive: Archive) -> FastAPI:
    app = FastAPI(title="earchive", version="0.1.0", description="Electronic archive API")
    token = api_token(archive)
    bearer = HTTPBearer(auto_error=False)

    def authenticated(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if creds is None or not secrets.compare_digest(creds.credentials, token):
            raise HTTPException(status_code=401, detail="authentication required")

    Auth = Depends(authenticated)

    @app.exception_handler(NotFoundError)
    async def _not_found(_req: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse(
            {"type": "about:blank", "title": "not found", "status": 404, "detail": str(exc)},
            status_code=404,
            media_type="application/problem+json",
        )

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "archives": archive.catalog.count()}

    @app.post("/api/cases", dependencies=[Auth])
    def upload_case(package: Annotated[UploadFile, File()]) -> JSONResponse:
        name = Path(package.filename or "package.zip").name
        if not name.lower().endswith(".zip"):
            raise HTTPException(status_code=400, detail="upload a case package as a .zip")
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / name
            with open(target, "wb") as fh:
                shutil.copyfileobj(package.file, fh)
            result = ingest_path(target, archive.context())
        code = 422 if result.status == "refused" else 200
        return JSONResponse(result.as_dict(), status_code=code)

    @app.get("/api/archives/{archive_id}", dependencies=[Auth])
    def get_archive(archive_id: str) -> dict[str, object]:
        view = archive.show(archive_id)
        return {
            **view.record.__dict__,
            "files": [f.__dict__ for f in view.files],
            "versions": [v.__dict__ for v in view.versions],
        }

    @app.get("/api/archives/{archive_id}/files/{path:path}", dependencies=[Auth])
    def get_file(archive_id: str, path: str) -> StreamingResponse:
        return _file_response(archive, archive_id, path)

    @app.get("/api/search", dependencies=[Auth])
    def api_search(
        q: str = "",
        task: str | None = None,
        year: int | None = None,
        department: str | None = None,
        result: str | None = None,
        retention: str | None = None,
        code_prefix: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> dict[str, object]:
        found = archive.search(
            SearchQuery(
                text=q,
                task_code=task,
                year=year,
                department=department,
                result=result,
                retention=retention,
                archival_code_prefix=code_prefix,
                limit=max(1, min(limit, 200)),
                offset=max(0, offset),
            )
        )
        return {
            "total": found.total,
            "hits": [
                {
                    "id": h.archive_id,
                    "electronic_record_code": h.electronic_record_code,
                    "archival_code": h.archival_code,
                    "title": h.title,
                    "snippet": h.snippet,
                }
                for h in found.hits
            ],
            "facets": {k: dict(v) for k, v in found.facets.items()},
        }

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def ui_search(request: Request, q: str = "", task: str | None = None) -> HTMLResponse:
        found = archive.search(SearchQuery(text=q, task_code=task, limit=50))
        return TEMPLATES.TemplateResponse(
            request, "search.html", {"q": q, "found": found, "total": archive.catalog.count()}
        )

    @app.get("/archives/{archive_id}", response_class=HTMLResponse, include_in_schema=False)
    def ui_case(request: Request, archive_id: str) -> HTMLResponse:
        view = archive.show(archive_id)
        return TEMPLATES.TemplateResponse(request, "case.html", {"view": view})

    @app.get("/archives/{archive_id}/files/{path:path}", include_in_schema=False)
    def ui_file(archive_id: str, path: str) -> StreamingResponse:
        return _file_response(archive, archive_id, path)

    return app


def _file_response(archive: Archive, archive_id: str, path: str) -> StreamingResponse:
    view = archive.show(archive_id)
    row = next((f for f in view.files if f.path == path), None)
    if row is None:
        raise NotFoundError(f"{archive_id}:{path}")
    stream = archive.open_file(archive_id, f"original/{path}")
    media = MEDIA_TYPES.get(row.format.split("/")[0], "application/octet-stream")
    return StreamingResponse(
        stream,
        media_type=media,
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{_quote(Path(path).name)}"},
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
