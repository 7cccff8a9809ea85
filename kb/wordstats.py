"""How common a word is in English at large: the one module that reads `wordfreq`.

A capitalised word is weak evidence of a name where English capitalises every word anyway (a
sentence start, a headline, "the Times"). Whether such a word is an ordinary one ("Media",
"Search") or a name ("Cohere", "Temasek") is read from its frequency in general English text:
wordfreq's "small" English list (Zipf scale, case-folded; 6 is "the", 3 is a rare word).
"""

from __future__ import annotations

from functools import lru_cache

# At or above this a word is everyday English: "media" 5.3, "search" 5.0, "times" 5.6,
# "commission" 4.9; names sit below it ("cohere" 2.0, "oslo" 3.5, "nvidia" 3.3, "quebec" 4.0).
COMMON_ZIPF = 4.5


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """The word's frequency in English on the Zipf scale (0 when unknown)."""
    # imported on first use: kb.entities is imported by every command, but only recognition
    # at ingest asks how common a word is (the import costs about 0.1 s)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en", wordlist="small")


def is_common_word(word: str) -> bool:
    """Whether a single word is everyday English ("Media", "Search"), whatever its case."""
    return " " not in word.strip() and zipf(word.lower()) >= COMMON_ZIPF


@lru_cache(maxsize=4096)
def web_zipf(word: str) -> float:
    """The word's frequency in wordfreq's "large" English list, which also holds rare words
    ("expiry" 3.0) and the commonest misspellings ("happend" 2.8, beside "happened" 5.2):
    how a typed word compares with the word it may mistype. Loaded on first use."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en", wordlist="large")
