"""``stations users add|set|remove|list``: accounts from the command line.

Whoever may open the database may manage every account, so the command line acts with
no region limit. A password is given with ``--password P``, read from a file or
standard input with ``--password-file FILE|-``, or asked for (twice, not shown) when
neither is given and a terminal is at hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from stations.cli.common import DbOption, app, open_services, user_errors
from stations.errors import InvalidInput

users_app = typer.Typer(help="用户与角色 / Users and their roles.", no_args_is_help=True)


app.add_typer(users_app, name="users")

PasswordOption = Annotated[str | None, typer.Option(
    help="密码（至少10位，非常见密码）/ password (10+ characters, not a common one)")]
PasswordFileOption = Annotated[str | None, typer.Option(
    "--password-file", help="从文件读取密码（- 为标准输入）/ read the password from a file "
                            "(- for standard input), first line")]
RegionOption = Annotated[str | None, typer.Option(
    help="行政区划代码 / adcode where the account acts (100000: the whole country)")]


def read_password(password: str | None, password_file: str | None, *, ask: bool) -> str | None:
    """The password from ``--password``, ``--password-file`` (``-``: stdin), or a prompt."""
    if password is not None and password_file is not None:
        raise InvalidInput("password", "--password 与 --password-file 只能用一个 / give "
                                       "--password or --password-file, not both")
    if password_file is not None:
        text = sys.stdin.read() if password_file == "-" else Path(password_file).read_text(
            encoding="utf-8")
        lines = text.splitlines()
        return lines[0] if lines else ""
    if password is not None or not ask:
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("password", "需要密码：--password 或 --password-file - / a password "
                                       "is required: --password or --password-file -")
    return str(typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
@user_errors
def users_add_cmd(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str, typer.Option(help="inspector|planner|admin|host")],
    region: RegionOption = None,
    station: Annotated[list[str] | None, typer.Option(
        help="依托单位运营的站点（可重复）/ a host's station id (repeatable)")] = None,
    password: PasswordOption = None,
    password_file: PasswordFileOption = None,
    db: DbOption = None,
) -> None:
    """新建用户 / Add a user with a role and region."""
    from stations.accounts.users import add_user

    secret = read_password(password, password_file, ask=True) or ""
    with open_services(db) as services:
        user = add_user(services.registry, name, role, secret, region=region,
                        stations=station or ())
    typer.echo(f"已添加用户 {user.name}（{user.role}，{user.region}）/ added user {user.name} "
               f"({user.role}, region {user.region})")


@users_app.command("set")
@user_errors
def users_set_cmd(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str | None, typer.Option(help="inspector|planner|admin|host")] = None,
    region: RegionOption = None,
    station: Annotated[list[str] | None, typer.Option(
        help="依托单位的站点，替换原有（可重复）/ a host's stations, replacing its list")] = None,
    enable: Annotated[bool | None, typer.Option(
        "--enable/--disable", help="启用或停用 / enable or disable the account")] = None,
    password: PasswordOption = None,
    password_file: PasswordFileOption = None,
    db: DbOption = None,
) -> None:
    """修改用户（旧令牌立即失效）/ Change a user; their old tokens stop working at once."""
    from stations.accounts.lifecycle import change_user

    secret = read_password(password, password_file, ask=False)
    with open_services(db) as services:
        user = change_user(services.registry, name, role=role, region=region, active=enable,
                           password=secret, stations=station)
    state = "" if user.active else "，已停用 / disabled"
    typer.echo(f"已修改用户 {user.name}（{user.role}，{user.region}{state}）/ changed user "
               f"{user.name}")


@users_app.command("remove")
@user_errors
def users_remove_cmd(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    db: DbOption = None,
) -> None:
    """删除用户（令牌立即失效）/ Remove a user; their tokens stop working at once."""
    from stations.accounts.lifecycle import remove_user

    with open_services(db) as services:
        remove_user(services.registry, name)
    typer.echo(f"已删除用户 {name} / removed user {name}")


@users_app.command("list")
@user_errors
def users_list_cmd(db: DbOption = None) -> None:
    """列出用户 / List users: name, role, region, stations (hosts), disabled."""
    from stations.accounts.users import list_users

    with open_services(db) as services:
        users = list_users(services.registry)
    for user in users:
        parts = [user.name, user.role, user.region]
        if user.stations:
            parts.append(",".join(sorted(user.stations)))
        if not user.active:
            parts.append("disabled")
        typer.echo("\t".join(parts))
