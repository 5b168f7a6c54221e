"""What every command shares: the Typer app, error handling, progress, services."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from stations.errors import LedgerInvalid, StationsError

if TYPE_CHECKING:
    from stations.config import Settings
    from stations.services import Services

app = typer.Typer(
    help="户外劳动者服务站点与司机之家登记、查找与覆盖分析 / "
    "Registry, locator and coverage maps for rest stations in China.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="数据库地址 / database URL (default: STATIONS_DB or the embedded file)"),
]
F = TypeVar("F", bound=Callable[..., Any])


def err(message: str) -> None:
    typer.echo(message, err=True)


def user_errors(func: F) -> F:
    """Turn domain errors into a message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LedgerInvalid as exc:
            for note in exc.notes:
                err(note)
            for problem in exc.problems:
                err(str(problem))
            for warning in exc.warnings:  # stations.io.rows.Finding
                err(f"{exc.problems[0].file}:{getattr(warning, 'row', 0)}: "
                    f"{getattr(warning, 'field', '')}: 警告 / warning: {getattr(warning, 'reason', warning)}")
            err(f"共 {len(exc.problems)} 个问题，未写入任何数据 / "
                 f"{len(exc.problems)} problem(s); nothing was written")
            raise typer.Exit(1) from None
        except StationsError as exc:
            err(f"错误 / error: {exc}")
            raise typer.Exit(1) from None
        except OSError as exc:
            err(f"错误 / error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on a terminal; nothing when output goes to a pipe or file.

    The callback takes ``(stage, done, total)``; a ``total`` of 0 means not known yet.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=False,
    ) as bar:

        def update(stage: str, done: int, total: int) -> None:
            size = total or None  # 0: not known yet
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=size)
            bar.update(tasks[stage], completed=done, total=size)

        yield update


def cli_settings(db: str | None) -> Settings:
    """The settings of this command: from the environment, ``--db`` on top."""
    from stations.config import get_settings

    settings = get_settings()
    return settings.model_copy(update={"db": db}) if db else settings


@contextmanager
def open_services(db: str | None) -> Iterator[Services]:
    """The services of this command (settings from the environment, ``--db`` on top)."""
    from stations.services import build_services

    settings = cli_settings(db)
    services = build_services(settings, seed_demo=False)
    try:
        yield services
    finally:
        services.close()
