"""``stations users ...``."""

from __future__ import annotations

from typing import Annotated

import typer

from stations.cli.common import DbOption, app, open_services, user_errors

users_app = typer.Typer(help="用户与角色 / Users and their roles.", no_args_is_help=True)


app.add_typer(users_app, name="users")


@users_app.command("add")
@user_errors
def users_add_cmd(
    name: Annotated[str, typer.Argument(help="用户名 / user name")],
    role: Annotated[str, typer.Option(help="inspector|planner|admin")],
    password: Annotated[str, typer.Option(
        prompt=True, hide_input=True, confirmation_prompt=True,
        help="密码（至少8位）/ password (at least 8 characters)")],
    db: DbOption = None,
) -> None:
    """新建用户 / Add a user with a role."""
    from stations.accounts.users import add_user

    with open_services(db) as services:
        user = add_user(services.registry, name, role, password)
    typer.echo(f"已添加用户 {user.name}（{user.role}）/ added user {user.name} ({user.role})")


@users_app.command("list")
@user_errors
def users_list_cmd(db: DbOption = None) -> None:
    """列出用户 / List users and their roles."""
    from stations.accounts.users import list_users

    with open_services(db) as services:
        users = list_users(services.registry)
    for user in users:
        typer.echo(f"{user.name}\t{user.role}" + ("" if user.active else "\tdisabled"))
