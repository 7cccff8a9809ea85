"""`python -m kb users add|remove|list`: manage who may sign in to the app."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from kb import users
from kb.cliargs import EXIT_OK, add_store_args, build_settings
from kb.errors import KBError


def add_parser(sub: Any) -> None:
    """Register `users` on the subparsers of `python -m kb`."""
    parser = sub.add_parser(
        "users",
        help="add, remove or list the app's users",
        description="Manage the app's users file (default users.json in the store directory; "
        "env KB_USERS_FILE).",
    )
    actions = parser.add_subparsers(dest="users_command", required=True)

    add = actions.add_parser(
        "add",
        help="add a user",
        description="Add a user. The password is read from stdin when it is not a terminal "
        "(first line), else asked for twice.",
    )
    add.add_argument("name", help="1-64 ASCII letters, digits, '.', '_' or '-'")
    add.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in users.Role],
        help="reader: ask, browse, export; editor: also add documents, URLs and feeds; "
        "admin: also remove documents, change LLM settings, read the audit log",
    )
    add_store_args(add)

    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    add_store_args(remove)

    listing = actions.add_parser("list", help="list users (name, role, created)")
    add_store_args(listing)
    listing.add_argument("--json", action="store_true", help="print one JSON object")


def read_password() -> str:
    """The new password: the first line of stdin when piped, else typed twice."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if password.endswith("\r"):
            password = password[:-1]
        if not password:
            raise KBError(
                "No password on stdin.",
                "Pipe it in, e.g. `printf '%s\\n' \"$PASSWORD\" | python -m kb users add ...`, "
                "or run the command in a terminal to be asked for it.",
            )
        return password
    first = getpass.getpass("Password: ")
    users.check_password(first)
    if getpass.getpass("Password again: ") != first:
        raise KBError("The two passwords differ.", "Run the command again and type it twice.")
    return first


def run(args: argparse.Namespace) -> int:
    settings = build_settings(args)
    path = settings.users_path()
    if args.users_command == "add":
        users.check_name(args.name)
        user = users.add_user(settings, args.name, read_password(), args.role)
        print(f"added {user.name} ({user.role.value}) to {path}")
    elif args.users_command == "remove":
        user = users.remove_user(settings, args.name)
        print(f"removed {user.name} ({user.role.value}) from {path}")
    else:
        rows = users.list_users(settings)
        if args.json:
            print(json.dumps({"users_file": str(path), "users": [u.to_json() for u in rows]}))
        elif not rows:
            print(f"no users in {path}")
        else:
            width = max(len(u.name) for u in rows)
            for u in rows:
                print(f"{u.name:{width}}  {u.role.value:6}  {u.created}")
    return EXIT_OK
