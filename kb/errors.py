"""The few errors a user can cause and act on. Each carries a hint that names the fix."""

from __future__ import annotations


class KBError(Exception):
    """A problem the user can fix; `hint` says how."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\nHint: {self.hint}" if self.hint else self.message


class ConfigError(KBError):
    """Settings or command-line arguments that cannot work."""


class StoreMismatchError(KBError):
    """The store was built with other embedder or chunking settings."""


class StoreUnavailableError(KBError):
    """The Chroma store cannot be opened or reached."""


class StoreBusyError(KBError):
    """Another ingest holds the store's write lock."""


class LoadError(KBError):
    """One input file or URL cannot be turned into a document."""

    def __init__(self, source: str, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.source = source


class UnsupportedFormatError(LoadError):
    """The file type has no loader."""


class LLMError(KBError):
    """The configured chat model failed or could not be reached."""
