"""Argument parsing for dates given on the command line."""

from __future__ import annotations

import argparse
from datetime import date


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
