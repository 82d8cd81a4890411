"""Every UI route (the pages and their forms, outside the OpenAPI document the API fuzzer reads)
fed values a careless or hostile client might send — superscript digits, numbers past 64 bits,
negatives, NUL bytes, traversal, markup, very long text — in every query parameter, form field
and path parameter it declares: no 500, ever."""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI
from fastapi.routing import APIRoute

import earchive.web.routes as routes_package
from tests.earchive.web.conftest import ClientFactory, Web

EVIL = [
    "²",
    "¹²³",
    "9223372036854775808",
    "-1",
    "1e309",
    "nan",
    "",
    "\x00",
    "../../etc/passwd",
    "<script>x</script>",
    "%ZZ",
    "310115198001011234",
    "甲" * 600,
]


#: Room for a query string in the test client's URLs (httpx refuses a component over 65,536).
_URL_ROOM = 60_000


def _ui_routes() -> list[APIRoute]:
    """The routes of every ``ui_*`` router (the app includes them all: ``earchive.web.app``)."""
    routes: list[APIRoute] = []
    for name in sorted(routes_package.__all__ if hasattr(routes_package, "__all__") else []):
        if name.startswith("ui_"):
            module = importlib.import_module(f"earchive.web.routes.{name}")
            routes += [r for r in module.router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 15
    return routes


def _names(route: APIRoute, kind: str) -> list[str]:
    fields = {
        "query": route.dependant.query_params,
        "path": route.dependant.path_params,
        "body": route.dependant.body_params,
    }[kind]
    names: list[str] = []
    for field in fields:
        annotation: Any = field.field_info.annotation
        model_fields = getattr(annotation, "model_fields", None)
        names += list(model_fields) if model_fields else [field.alias]
    return names


def test_no_ui_route_answers_500(client_for: ClientFactory, app: FastAPI, web: Web) -> None:
    client = client_for("admin")
    real_id = web.one("G002").id
    tried = 0
    for route in _ui_routes():
        path_names = _names(route, "path")
        for evil in EVIL:
            path = route.path
            for name in path_names:
                value = quote(
                    real_id if name == "archive_id" and evil == "" else evil or "x", safe=""
                )
                path = path.replace("{" + name + "}", value).replace("{" + name + ":path}", value)
            query = {n: evil for n in _names(route, "query")}
            form = {n: evil for n in _names(route, "body")}
            # every parameter at once, or one at a time when together they pass the client's
            # limit on a URL (a page with many filters, each 600 characters long)
            queries = [query]
            if len(urlencode(query)) > _URL_ROOM:
                queries = [{n: v} for n, v in query.items()]
            for method in sorted(route.methods or {"GET"}):
                for params in queries:
                    response = client.request(
                        method,
                        path,
                        params=params,
                        data=form if method == "POST" else None,
                        follow_redirects=False,
                    )
                    tried += 1
                    assert response.status_code < 500, (method, path, evil, response.text[:300])
                    if route.path == "/logout":  # logged out: log in again for the next routes
                        client = client_for("admin")
    assert tried > 200
