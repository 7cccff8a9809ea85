"""Bridge questions: something described by what one article says, asked about in another.

"the ai lab that signed the fellgate lease - how much does it have to pay in its case?" and
"ipo price range of the gpu cloud that caused driftlight's outage" each hold two questions:
which thing the description names ("which ai lab signed the fellgate lease"), and the ask
about that thing by its name ("how much does Altmore AI have to pay ..."). `read_bridge`
splits a question so; `named_by` reads the thing's name off the first answer; `joined`
makes one cited answer of the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kb.modelnames import model_shaped
from kb.text import STOPWORDS
from kb.types import Answer, Citation, Claim

# the kind a description's head noun asks for (entity kinds as tagged at ingest)
_KIND_WORDS = {
    "vendor": (
        "company|co|companies|startup|start-up|vendor|lab|firm|cloud|gpu cloud|provider|maker|"
        "developer|business|operator|supplier|integrator|outfit|player"
    ),
    "model": "model|llm|chip|app|tool|product|assistant|service|system|engine",
}
_KIND = "|".join(f"(?P<{kind}>{words})" for kind, words in _KIND_WORDS.items())
# a relative clause after the head noun: "that signed", "whose series a", "cadmara is acquiring"
_CLAUSE = r"(?:that|which|who|whose|\w+(?:'s)?\s+(?:is|are|was|were|has|had|did|does)\b)"
# "<ask> of the <kind> that <clause>": "ipo price range of the gpu cloud that caused ..."
_EMBEDDED = re.compile(
    rf"^(?P<ask>.{{3,}}?)\s+(?P<prep>of|by|at|for|from)\s+(?P<desc>the\s+(?:[\w'-]+\s+){{0,3}}?"
    rf"(?:{_KIND})s?\s+(?P<clause>{_CLAUSE}.+))$",
    re.IGNORECASE,
)
# "<description>: <ask with it>", "<description> - <ask>", "<statement>. <ask>"
_SEPARATOR = re.compile(r"\s*(?::|\s[-–—]\s|\.\s+)\s*")
_POINTER = re.compile(
    r"\b(?:its|it's|it|their|they|(?:that|this|the same)\s+(?:[\w-]+\s+){0,2}?"
    rf"(?:{_KIND}))\b",
    re.IGNORECASE,
)
_HEAD = re.compile(
    rf"^(?:the|a|an)\s+(?P<head>(?:[\w'-]+\s+){{0,3}}?(?:{_KIND})s?)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"^(?:that|which|who)\s+", re.IGNORECASE)
_MAX_PART_WORDS = 24


@dataclass(frozen=True)
class Bridge:
    """A bridge question read as two: `find` names the thing (of `kind`), `ask` asks about
    it with "{}" where its name goes."""

    find: str
    kind: str
    ask: str
    described: str  # the description as typed (its words are not the thing's name)


def read_bridge(question: str) -> Bridge | None:
    """The two questions a bridge question holds, or None when it is no bridge question."""
    text = question.strip().rstrip("?").strip()
    if m := _EMBEDDED.match(text):
        kind = _kind_of(m)
        clause = _RELATIVE.sub("", m.group("clause"))
        head = text[m.start("desc") + len("the ") : m.start("clause")].strip()
        ask = m.group("ask").strip()
        if kind and len(ask.split()) <= _MAX_PART_WORDS:
            prep = m.group("prep").lower()
            return Bridge(f"which {head} {clause}", kind, f"{ask} {prep} {{}}", m.group("desc"))
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return None
    described, asked = (p.strip() for p in parts)
    pointer = _POINTER.search(asked)
    kinds = [_kind_of(m) for m in re.finditer(_KIND, described, re.IGNORECASE)]
    if pointer is None or not kinds or len(described.split()) > _MAX_PART_WORDS:
        return None
    if described_by := _HEAD.match(described):
        kind = _kind_of(described_by) or kinds[0]
        rest = _RELATIVE.sub("", described_by.group("rest"))
        find = f"which {described_by.group('head')} {rest}"
    else:  # a statement: "pondlark's pipeline ran mostly on a taverly model"
        kind, find = kinds[-1], described
    if not kind:
        return None
    return Bridge(find, kind, _with_slot(asked), described)


def _kind_of(m: re.Match[str]) -> str:
    return next((kind for kind in _KIND_WORDS if m.group(kind)), "")


def _with_slot(asked: str) -> str:
    """The ask with "{}" where the thing's name goes ("how much does {} have to pay")."""

    def slot(m: re.Match[str]) -> str:
        word = m.group(0).lower()
        return "{}'s" if word in ("its", "their") else "{}"

    braced = asked.replace("{", "(").replace("}", ")")
    return _POINTER.sub(slot, braced)


def named_by(answer: Answer, bridge: Bridge) -> str | None:
    """The name of the thing a bridge's first answer names: an entity of the kind asked,
    tagged at ingest on a cited passage and quoted in the answer, that the description does
    not itself name; the first such in the answer's text."""
    text = answer.text
    described = bridge.described.lower() + " " + bridge.find.lower()
    found = _quoted_entities(answer, (bridge.kind,), described)
    if not found and bridge.kind == "model":  # a model the recogniser missed: by its shape
        found = [
            (m.start(), m.group(0))
            for m in [*model_shaped(text), *_MODEL_ID.finditer(text)]
            if m.group(0).lower() not in described
        ]
    return min(found)[1] if found else None


def _quoted_entities(answer: Answer, kinds: Sequence[str], asked: str) -> list[tuple[int, str]]:
    """The entities of the kinds tagged at ingest on an answer's cited passages that the
    answer quotes and the question (`asked`, lower case) does not name by any of their words,
    each with where the answer says it, in citation order."""
    found = []
    for citation in answer.citations:
        for tag in citation.chunk.entities:
            kind, _, name = tag.partition(":")
            at = answer.text.find(name) if kind in kinds and name else -1
            own_words = [w for w in re.split(r"[\s-]+", name.lower()) if len(w) > 2]
            if at >= 0 and not any(w in asked for w in own_words):
                found.append((at, name))
    return found


# a model's id as an API writes it: "orvel-3-mini", "tern-4.5-2026-11-12"
_MODEL_ID = re.compile(r"\b[a-z][a-z]+(?:-[a-z]+)*-\d[\w.]*(?:-[a-z0-9.]+)*\b")


_CARRIED_KINDS = ("vendor", "model", "person", "investor")
_MAX_CARRIED = 2


def answer_names(answer: Answer, asked: str) -> tuple[str, ...]:
    """The names an answer gave that its question did not ask by: entities tagged on its
    cited passages and quoted in it, first two in the order the answer says them ("who is
    hiring the Pondlark team?" -> Heronsgate)."""
    text, asked_low = answer.text, asked.lower()
    found: dict[str, int] = {}
    for at, name in _quoted_entities(answer, _CARRIED_KINDS, asked_low):
        found.setdefault(name, at)
    if not found:  # a name the recogniser missed: a capitalised word not opening a sentence
        for m in _CAPITALISED.finditer(text):
            word = m.group(1)
            if word.lower() not in asked_low and word.lower() not in STOPWORDS:
                found.setdefault(word, m.start(1))
    return tuple(sorted(found, key=found.__getitem__)[:_MAX_CARRIED])


# a capitalised word inside a sentence (after a lower-case word): "is joining Heronsgate"
_CAPITALISED = re.compile(r"(?<=[a-z,;] )([A-Z][a-z][\w-]{2,})")


_MARKER = re.compile(r"\[(\d+)\]")


def joined(first: Answer, second: Answer) -> Answer:
    """One answer of the two: the first (who is meant) then the second (what was asked),
    the second's citations numbered on from the first's."""
    shift = len(first.citations)

    def renumber(text: str) -> str:
        return _MARKER.sub(lambda m: f"[{int(m.group(1)) + shift}]", text)

    citations: tuple[Citation, ...] = first.citations + tuple(
        replace(c, n=c.n + shift) for c in second.citations
    )
    claims: tuple[Claim, ...] = first.claims + tuple(
        Claim(renumber(c.text), tuple(n + shift for n in c.citations)) for c in second.claims
    )
    dates = [d for d in (first.as_of, second.as_of) if d]
    return replace(
        second,
        text=f"{first.text}\n\n{renumber(second.text)}",
        citations=citations,
        claims=claims,
        as_of=max(dates) if dates else None,
        shape="bridge",
        warnings=first.warnings + second.warnings,
        rows=(),
    )
