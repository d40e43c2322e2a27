"""Every failure answers as the API's error body (office/errors.py): validation, unknown paths, bad input that
slipped past the models, a full disk (503, nothing stored) and bugs (500, nothing echoed)."""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from office.errors import RETRY_FULL_S, ApiError, storage_failure, trim


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        detail = [{"loc": [trim(x, 40) for x in e["loc"]][:6], "msg": trim(e["msg"], 120)} for e in exc.errors()[:5]]
        return JSONResponse(ApiError(422, "invalid_request", detail=detail).body(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
        return JSONResponse(ApiError(exc.status_code, code).body(), status_code=exc.status_code)

    for bad_input in (ValueError, OverflowError, UnicodeError, RecursionError):

        @app.exception_handler(bad_input)
        async def _bad_input(request: Request, exc: Exception):
            return JSONResponse(
                ApiError(422, "invalid_request", detail=trim(type(exc).__name__)).body(), status_code=422
            )

    @app.exception_handler(sqlite3.OperationalError)
    async def _storage(request: Request, exc: Exception):
        if storage_failure(exc):  # nothing was stored: the transaction rolled back, the database is intact
            return JSONResponse(
                ApiError(503, "storage_full").body(), status_code=503, headers={"Retry-After": str(RETRY_FULL_S)}
            )
        return JSONResponse(ApiError(500, "internal_error").body(), status_code=500)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        return JSONResponse(ApiError(500, "internal_error").body(), status_code=500)
