"""Schemathesis fuzzing from the app's own OpenAPI document, bounded to run in well under a
minute: with an admin token no request may cause a server error (and answers must match the
documented schemas); without credentials every operation but /health answers 401 (or 429 once
the fuzzer's made-up tokens have locked its address out)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from tests.earchive.web.conftest import Web

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import Case  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

MAX_EXAMPLES = 12
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _operations(app: FastAPI) -> list[object]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    return operations


def test_no_server_errors_with_an_admin_token(app: FastAPI, web: Web) -> None:
    headers = {"Authorization": f"Bearer {web.tokens['admin']}"}
    real_id = web.one("G002").id  # random ids only reach the 404 path; this one goes deeper
    for operation in _operations(app):

        @FUZZ
        @given(case=operation.as_strategy())  # type: ignore[attr-defined]
        def fuzz(case: Case[Any]) -> None:
            if case.path_parameters and "archive_id" in case.path_parameters:
                case.path_parameters["archive_id"] = real_id
            response = case.call(headers=headers)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        fuzz()
        app.state.jobs.close()  # let started jobs (audits, rebuilds) finish before going on


def _fuzz_without_credentials(operation: Any) -> None:
    public = operation.path == "/health"

    @FUZZ
    @given(case=operation.as_strategy())
    def fuzz(case: Case[Any]) -> None:
        response = case.call()
        if public:
            assert response.status_code == 200
        elif response.status_code == 429:
            # the fuzzer's made-up bearer tokens are failed logins: after a few the client
            # address is locked out (earchive.web.login_guard); only a request with credentials
            # may meet the lock, and it says when to retry
            headers = {k.lower() for k in (case.headers or {})}
            assert "authorization" in headers, (case.method, case.formatted_path)
            assert int(response.headers["retry-after"][0]) > 0
        else:
            assert response.status_code == 401, (case.method, case.formatted_path)

    fuzz()


def test_every_operation_but_health_answers_401_without_credentials(app: FastAPI) -> None:
    for operation in _operations(app):
        _fuzz_without_credentials(operation)
