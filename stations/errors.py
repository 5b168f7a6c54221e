"""Domain errors. ``web/`` maps each class to an HTTP status in one table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class StationsError(Exception):
    """Base class for errors a user can act on (never shown as a traceback)."""


class NotFound(StationsError):
    """A station, region or record that does not exist."""


class InvalidInput(StationsError, ValueError):
    """A parameter or field a user gave is not acceptable.

    ``field`` names the parameter, so the message can say where the problem is.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class RowProblem:
    """One problem in one row of an input file (1-based row as a spreadsheet shows it)."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.reason}"


class LedgerInvalid(StationsError):
    """A ledger file with one or more invalid rows; nothing was written."""

    def __init__(self, problems: list[RowProblem], warnings: Sequence[object] = ()) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.warnings = list(warnings)
        """Warnings found as well (they would not have stopped the import)."""
        self.notes: list[str] = []
        """How the file was read (sheet, header row, columns ignored), said before the problems."""


class DatabaseUnavailable(StationsError):
    """The database cannot be reached."""


class Overloaded(StationsError):
    """Too much work queued already: try again after ``retry_after_s`` seconds."""

    def __init__(self, message: str, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Unauthorized(StationsError):
    """No or a bad credential."""


class Forbidden(StationsError):
    """A credential whose role may not do this."""


class Conflict(StationsError):
    """A change that conflicts with the stored state."""


class TooManyRequests(StationsError):
    """Refused for now (too many failed sign-ins, too many reports from one client, or too
    busy): try again after ``retry_after_s`` seconds (the HTTP ``Retry-After``)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, int(retry_after_s))


class ConfigurationError(StationsError):
    """The service's own setup is wrong (a broken checklist file, a weak secret, ...):
    reported when the process starts, never as a client's error."""


class SchemaMismatch(ConfigurationError):
    """The database's schema is not the one this program works with."""


class SchemaTooNew(SchemaMismatch):
    """The database was migrated by a newer version of the program: refuse it."""


class SchemaOutdated(SchemaMismatch):
    """The database needs migrations this program has, and upgrading was not asked for."""


class ToolMissing(StationsError):
    """An external program a command needs (``pg_dump``, ``pg_restore``) is not installed."""
