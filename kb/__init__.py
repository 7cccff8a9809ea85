"""kb: a local-first knowledge base over AI-market articles, with cited answers."""

from kb.engine import KnowledgeBase
from kb.errors import (
    ConfigError,
    KBError,
    LLMError,
    LoadError,
    StoreMismatchError,
    StoreUnavailableError,
)
from kb.filters import Filters
from kb.settings import Settings
from kb.types import Answer, Chunk, Citation, Claim, Document, Hit

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "Claim",
    "ConfigError",
    "Document",
    "Filters",
    "Hit",
    "KBError",
    "KnowledgeBase",
    "LLMError",
    "LoadError",
    "Settings",
    "StoreMismatchError",
    "StoreUnavailableError",
]
