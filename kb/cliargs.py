"""Command-line pieces shared by `python -m ingest`, `python -m kb` and `python -m eval`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from pydantic import ValidationError

from kb.errors import ConfigError, KBError
from kb.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_store_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--store",
        metavar="DIR",
        help="embedded Chroma store directory (default .kb/store; env KB_STORE_DIR)",
    )
    group.add_argument(
        "--chroma-url",
        metavar="URL",
        help="use a Chroma server instead, e.g. http://127.0.0.1:8000 (env KB_CHROMA_URL)",
    )


def build_settings(args: argparse.Namespace, **extra: Any) -> Settings:
    """Settings from the environment, overridden by the flags that were given."""
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if getattr(args, "store", None):
        overrides["store_dir"] = args.store
        overrides["chroma_url"] = None
    if getattr(args, "chroma_url", None):
        overrides["chroma_url"] = args.chroma_url
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(
            f"Invalid settings: {problems}", "Check the KB_* environment variables and the flags."
        ) from exc


def report_error(exc: KBError) -> None:
    print(f"error: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(f"hint: {exc.hint}", file=sys.stderr)


def iso_date_arg(value: str) -> str:
    """argparse type: a YYYY-MM-DD date (YYYY and YYYY-MM are widened to the period start)."""
    text = value.strip()
    if len(text) == 4 and text.isdigit():
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)") from None
