"""Domain errors mapped to HTTP status codes, in one table."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from geodata.errors import GeodataError, RegionNotFound
from stations import errors as e

STATUS_BY_ERROR: tuple[tuple[type[Exception], int], ...] = (
    (e.NotFound, 404),
    (RegionNotFound, 404),
    (e.Unauthorized, 401),
    (e.Forbidden, 403),
    (e.Conflict, 409),
    (e.TooManyRequests, 429),
    (e.InvalidInput, 422),
    (e.LedgerInvalid, 422),
    (GeodataError, 422),
    (e.DatabaseUnavailable, 503),
    (e.Overloaded, 503),
    (OperationalError, 503),  # the database went away; pool_pre_ping reconnects later
    (e.StationsError, 400),
)


def _body(exc: Exception) -> dict[str, object]:
    if isinstance(exc, OperationalError):  # never leak SQL or connection strings
        return {"detail": {"message": "数据库暂时不可用 / database unavailable, try again",
                           "type": "DatabaseUnavailable"}}
    detail: dict[str, object] = {"message": str(exc), "type": type(exc).__name__}
    if isinstance(exc, e.InvalidInput):
        detail["field"] = exc.field
    if isinstance(exc, e.TooManyRequests):
        detail["retry_after_s"] = exc.retry_after_s
    if isinstance(exc, e.LedgerInvalid):
        detail["problems"] = [
            {"row": p.row, "field": p.field, "reason": p.reason} for p in exc.problems
        ]
    return {"detail": detail}


def status_and_body(exc: Exception) -> tuple[int, dict[str, object]]:
    """The status code and JSON body for a domain error (500 for anything else)."""
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(exc, error_type):
            return status, _body(exc)
    return 500, {"detail": {"message": "服务器内部错误 / internal server error"}}


def install_error_handlers(app: FastAPI) -> None:
    for error_type, status in STATUS_BY_ERROR:

        async def handler(_request: Request, exc: Exception, status: int = status) -> JSONResponse:
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            if isinstance(exc, e.TooManyRequests | e.Overloaded):
                headers = {"Retry-After": str(exc.retry_after_s)}
            return JSONResponse(_body(exc), status_code=status, headers=headers)

        app.add_exception_handler(error_type, handler)

    async def validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err["loc"] if p not in ("query", "body", "path")),
             "reason": err["msg"]}
            for err in exc.errors()
        ]
        fields = ", ".join(p["field"] for p in problems)
        return JSONResponse(
            {"detail": {"message": f"参数无效 / invalid parameter: {fields}", "field": fields,
                        "problems": problems}},
            status_code=422,
        )

    app.add_exception_handler(RequestValidationError, validation)  # type: ignore[arg-type]

    async def unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": {"message": "服务器内部错误 / internal server error"}}, status_code=500
        )

    app.add_exception_handler(Exception, unexpected)
