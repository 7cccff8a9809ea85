"""What an analyst's question selects from the market facts: the kinds of fact, the period,
an amount threshold, the entity it is about, and the categorical values it names (a status,
a region, a topic). Also the table a question points at ("in the mid-2026 price grid").

Nothing here decides the answer; `kb.answer.market` turns the selection into one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.answer.base import Prepared
from kb.entities import entity_key
from kb.factnames import regions_in
from kb.factrows import VENDOR_COLUMNS
from kb.factstore import FactQuery, StoredFact, amount_of, row_name_of
from kb.query import concepts_of
from kb.text import LOWER_LETTERS, fold_accents, normalize, tokenize
from kb.types import Hit
from kb.vocabulary import MONTH_WORD, MONTHS
from kb.wordstats import is_common_word

_KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I))
    for kind, pattern in (
        (
            "funding",
            r"\b(?:rais\w*|rounds?|funding|funded|valuations?|valued|seed|series [a-k]|"
            r"back(?:ed|s|ing)|portfolio|cheques?)\b",  # "which startups has X backed"
        ),
        (
            "price",
            r"\b(?:pric\w*|cost\w*|cheap\w*|expensive|pricier|charg\w*|"
            r"per (?:million|1m|second|token|month|image|minute)|fees?)\b",
        ),
        ("launch", r"\b(?:launch\w*|releas\w*|unveil\w*|introduc\w*|debut\w*|ship(?:s|ped)?)\b"),
        (
            "status",
            r"\b(?:availab\w*|block\w*|ban|bans|banned|paus\w*|discontinu\w*|shelv\w*|restor\w*|"
            r"shut\w*|suspend\w*|withdr\w*|happened|status|still|use|used|delay\w*)\b",
        ),
        (
            "legal",
            r"\b(?:su(?:e|ed|es|ing)|lawsuits?|court|fine[ds]?|copyright|settle\w*|regulat\w*|"
            r"investigat\w*|privacy|authority|antitrust|legal)\b",
        ),
        ("acquisition", r"\b(?:acqui\w*|bought|buy\w*|takeover|merg\w*)\b"),
        ("investment", r"\b(?:invest\w*|spend\w*|capex|buildout)\b"),
        ("partnership", r"\b(?:partner\w*|alliance|team(?:ed|s)? up)\b"),
    )
)

KIND_CUES = _KIND_CUES

_TABLE_WORDS = re.compile(
    r"\b(?:table|grid|chart|lists|listed|report|landscape|roundup|sheet)\b", re.I
)
_AMOUNT = re.compile(
    r"\b(?P<dir>more than|greater than|larger than|bigger than|over|above|at least|exceeding|"
    r"less than|fewer than|smaller than|under|below|at most)\s+(?P<cur>[$€£])?\s?"
    r"(?P<num>\d[\d,.]*)\s*(?P<scale>trillion|billion|million|thousand|bn|b|m|k)?\b",
    re.I,
)
_SCALE = {
    "trillion": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "million": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_HALF = re.compile(r"\b(first|second) half of ((?:19|20)\d\d)\b", re.I)
_QUARTER = re.compile(
    r"\b(?:Q([1-4])|(first|second|third|fourth) quarter)(?: of)?\s*((?:19|20)\d\d)\b", re.I
)
_MONTH_YEAR = re.compile(rf"\b({MONTH_WORD})\.?\s+((?:19|20)\d\d)\b", re.I)
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to|through|and)\s*((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}


# statuses that answer the same question ("blocked" and "banned"; "paused" and "delayed")
_STATUS_GROUPS = (
    ("off", "block blocked ban bans banned unavailable suspend suspended prohibit prohibited"),
    ("paused", "paus paused pause delay delayed shelv shelved postpon postponed halt halted"),
    ("ended", "discontinu discontinued shut retir retired withdr withdrawn end ended"),
    ("on", "availabl available launch launched restor restored releas released"),
)
_STATUS_CLASS = {
    form: group
    for group, words in _STATUS_GROUPS
    for w in words.split()
    for form in (w, *tokenize(w))
}


# how places are written ("E.U.", "EU", "Europe"): one key each, a prior like the month names
_PLACE_ALIASES = {
    "european union": ("eu", "e.u.", "europe", "european", "european union"),
    "united states": ("us", "u.s.", "usa", "u.s.a.", "america", "united states"),
    "united kingdom": ("uk", "u.k.", "britain", "great britain", "united kingdom"),
}
_PLACE = [
    (key, re.compile(rf"(?<![\w.]){re.escape(alias)}(?![\w]|\.\w)", re.I))
    for key, aliases in _PLACE_ALIASES.items()
    for alias in sorted(aliases, key=len, reverse=True)
]


def known_places(text: str) -> dict[str, str]:
    """The well-known places a text names, by key, each with the spelling the text used
    ("E.U." -> european union)."""
    found: dict[str, str] = {}
    for key, pattern in _PLACE:
        m = pattern.search(text)
        if m and key not in found:
            found[key] = m.group(0)
    return found


def places_in(text: str) -> set[str]:
    """Places a text names, by key: "E.U." and "European Union" are one."""
    keys = set(known_places(text))
    rest = re.sub(r"\b(?:in|outside|the|and|or)\b", ",", text)
    for part in re.split(r"[,;/]", rest):
        part = fold_accents(part.strip(" .").lower())
        if part and not any(p.search(part) for _, p in _PLACE):
            keys.add(part)
    return keys


def named_places(text: str) -> set[str]:
    """Places a question asks about: known spellings folded, plus capitalised names after
    "in", "outside" or "across"."""
    places = set(known_places(text)) | _capitalised_places(text)
    places |= {r.lower() for r in regions_in(text)}  # as typed: "in italy"
    # a place the lists do not know, typed in lower case at the end ("available in bergen"):
    # taken as one, whatever it is, since it only keeps statuses of other places from
    # answering ("in beta" keeps the statuses that name no place)
    if not places and (end := _LOWER_PLACE_AT_END.search(text)):
        places.add(fold_accents(end.group(1)))
    if re.search(r"\boutside\b", text, re.I):  # "outside China": what holds internationally
        places |= {"international", "global", "worldwide"}
    return places


_LOWER_PLACE_AT_END = re.compile(
    rf"\b(?:in|outside|across)\s+(?:the\s+)?([{LOWER_LETTERS}]+(?: [{LOWER_LETTERS}]+)?)\W*$"
)


def in_places(facts: Iterable[StoredFact], text: str) -> list[StoredFact]:
    """Facts whose region is a place the text names (known spellings folded)."""
    asked = named_places(text)
    return [f for f in facts if places_in(str(f.fields.get("region") or "")) & asked]


def _capitalised_places(text: str) -> set[str]:
    """ "Italy", "Japan": capitalised words after "in"/"outside" in a question."""
    return {
        m.group(1).lower()
        for m in re.finditer(
            r"\b(?:in|outside|across)\s+(?:the\s+)?([A-Z][a-z]+(?: [A-Z][a-z]+)*)", text
        )
    }


@dataclass(frozen=True)
class Scope:
    """The selection a question makes, and the corpus's facts it selects from."""

    kinds: tuple[str, ...]
    since: str | None
    until: str | None
    minimum: float | None  # an amount threshold ("more than $1 billion")
    maximum: float | None
    entity: str | None  # what the question is about, when it names one thing
    entities: tuple[str, ...]  # every vendor/model it names
    words: frozenset[str]  # the question's content tokens
    wants_table: bool
    # the documents the question names ("in cap table weekly 58"): facts of these only
    documents: tuple[str, ...] = ()
    # the corpus's facts for a query (Prepared.market_facts), read on demand, once per query
    fetch: Callable[[FactQuery], Sequence[StoredFact]] = lambda query: ()
    _read: dict[tuple, tuple[StoredFact, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def facts(
        self,
        kinds: Sequence[str],
        *,
        unconfirmed: bool = True,
        sources: Sequence[str] = (),
        about: Sequence[str] = (),
        subjects: Sequence[str] = (),
        bounded: bool = False,
        copies: bool = False,
    ) -> tuple[StoredFact, ...]:
        """The corpus's facts of these kinds (any date, any entity; forecasts and rumours
        too when `unconfirmed`), optionally of some documents only, read from the fact index
        once per scope. With `bounded`, only those in the question's period (an undated fact
        by its article's date) and amount range; with `about`, only those that may be about
        these names (FactQuery.about: a prefilter, the caller decides); with `subjects`, only
        those whose subject is one of these names; with `copies`, a statement's copies in
        several documents as their first and last (FactQuery.copies). All are read in SQL, so
        a large corpus is never read whole."""
        bounds = (self.since, self.until, self.minimum, self.maximum) if bounded else ()
        key = (
            tuple(kinds),
            unconfirmed,
            tuple(sources),
            tuple(about),
            tuple(subjects),
            bounds,
            copies,
        )
        if key not in self._read:
            query = FactQuery(
                kinds=key[0],
                include_unconfirmed=unconfirmed,
                sources=key[2],
                about=key[3],
                subjects=key[4],
                copies=copies,
            )
            if bounded:
                query.since, query.until = self.since, self.until
                query.minimum, query.maximum = self.minimum, self.maximum
                query.article_dates = True
            self._read[key] = tuple(self.fetch(query))
        return self._read[key]


def kinds_of(text: str) -> tuple[str, ...]:
    """The fact kinds a question's words point at, strongest cue first."""
    found = []
    for kind, pattern in _KIND_CUES:
        n = len(pattern.findall(text))
        if n:
            found.append((n, kind))
    return tuple(k for _, k in sorted(found, key=lambda x: -x[0]))


def period(text: str) -> tuple[str | None, str | None]:
    """The dates a question restricts to, as ISO prefixes (since, until)."""
    m = _HALF.search(text)
    if m:
        year = m.group(2)
        return (
            (f"{year}-01", f"{year}-06")
            if m.group(1).lower() == "first"
            else (
                f"{year}-07",
                f"{year}-12",
            )
        )
    m = _QUARTER.search(text)
    if m:
        q = int(m.group(1) or _ORD[m.group(2).lower()])
        year = m.group(3)
        return f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}"
    m = _MONTH_YEAR.search(text)
    if m:
        month = f"{m.group(2)}-{MONTHS[m.group(1).lower()[:3]]:02d}"
        return month, month
    m = _YEAR_RANGE.search(text)
    if m:
        return m.group(1), m.group(2)
    years = _YEAR.findall(text)
    if len(years) == 1:
        return years[0], years[0]
    return None, None


def threshold(text: str) -> tuple[float | None, float | None]:
    m = _AMOUNT.search(text)
    if not m:
        return None, None
    try:
        value = float(m.group("num").replace(",", ""))
    except ValueError:
        return None, None
    value *= _SCALE.get((m.group("scale") or "").lower(), 1.0)
    low = m.group("dir").lower() in (
        "less than",
        "fewer than",
        "smaller than",
        "under",
        "below",
        "at most",
    )
    return (None, value) if low else (value, None)


def row_name(row: StoredFact) -> str:
    """What a table row is about: its first cell that is neither a date nor a number."""
    return row_name_of(row.fields)


def names_in(text: str, known: Sequence[str]) -> list[str]:
    """Known names the text mentions (case-insensitive, whole words), longest first, none
    inside another found one ("Corvid Reason 2" hides "Corvid")."""
    found: list[tuple[int, int, str]] = []
    for name in known:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-]|\.\d)", re.I)
        for m in pattern.finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b, _ in found):
                continue
            found.append((m.start(), m.end(), name))
    found.sort()
    return list(dict.fromkeys(name for _, _, name in found))


def scope_of(prepared: Prepared) -> Scope:
    question = prepared.question
    text = question.text
    document = named_document(text, prepared.hits)
    title_words = set(tokenize(document.chunk.title)) if document else set()

    def names_document(words: str) -> bool:
        """Words of the named document's title ("Harwick Weekly"): not what it is about."""
        tokens = set(tokenize(words))
        return bool(title_words and tokens and tokens <= title_words)

    since, until = period(text)
    minimum, maximum = threshold(text)
    recognised = [
        e.name
        for e in question.entities
        if e.kind in ("model", "vendor", "investor") and not names_document(e.name)
    ]
    # a name's own words are no cue ("Quintal Partners" asks about no partnership), nor the
    # words naming the document ("cap table weekly 58" asks for no table)
    cue_text = text
    for e in question.entities:
        cue_text = re.sub(re.escape(e.name), " ", cue_text, flags=re.I)
    cue_text = " ".join(w for w in cue_text.split() if not names_document(w))
    names = [
        n
        for n in names_in(text, prepared.fact_names())
        if not names_document(n) and not _everyday_in(n, text)
    ]
    # a recognised name the corpus spells longer ("Corvid" in "Corvid Labs") gives way
    for name in recognised:
        if not any(entity_key(name) in entity_key(n) for n in names):
            names.append(name)
    names += [a for a in aliases_in(text, prepared.hits) if a in prepared.fact_names()]
    names = _most_specific(list(dict.fromkeys(names)), text)
    models = [n for n in names if not _is_vendor(n, question)]
    return Scope(
        kinds=kinds_of(cue_text),
        since=since,
        until=until,
        minimum=minimum,
        maximum=maximum,
        entity=names[0] if len(names) == 1 else (models[0] if len(models) == 1 else None),
        entities=tuple(names),
        words=frozenset(tokenize(text)),
        wants_table=bool(_TABLE_WORDS.search(cue_text)),
        documents=(document.chunk.source,) if document else (),
        fetch=prepared.market_facts,
    )


# "cap table weekly 58", "harwik weekly #88": a word and a number the question gives ...
_NUMBERED = re.compile(r"\b([a-z]{3,})\s+(?:#|no\.?\s*|number\s+)?(\d{1,4})\b")
# ... which a title gives as an issue's number ("The Cap Table Weekly #58: ...")
_ISSUE_MARK = r"(?:#|no\.?\s*|issue\s+|episode\s+|ep\.?\s*|vol\.?\s*|week\s+)"


def named_document(text: str, hits: Sequence[Hit]) -> Hit | None:
    """The retrieved article the question names by its title and issue number ("biggest
    cheque in cap table weekly 58" for "The Cap Table Weekly #58: seven rounds, ..."): its
    best hit, or None. A number a title does not mark as an issue's ("Gemini 2") names no
    document."""
    asked = _NUMBERED.findall(fold_accents(normalize(text)))
    if not asked:
        return None
    for hit in hits[:NAMED_DOCUMENT_HITS]:
        title = fold_accents(normalize(hit.chunk.title))
        for word, number in asked:
            if re.search(rf"\b{re.escape(word)}\s+{_ISSUE_MARK}\s*{number}(?!\d)", title):
                return hit
    return None


NAMED_DOCUMENT_HITS = 5


_SPAN = re.compile(r"[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*")


def aliases_in(question: str, hits: Sequence[Any]) -> list[str]:
    """Other names the retrieved articles give a name the question uses: "Safe
    Superintelligence, or SSI," and "Safe Superintelligence (SSI)" make SSI and Safe
    Superintelligence one company, either way round. An abbreviation must take its letters,
    in order, from the long name."""
    spans = {re.sub(r"['’]s$", "", m.group(0)) for m in _SPAN.finditer(question)}
    spans = {s for s in spans if len(s) >= 2}
    out: list[str] = []
    for hit in hits:
        text = hit.chunk.text
        for m in _ALIAS.finditer(text):
            long, short = m.group("long"), m.group("short")
            if not _abbreviates(short, long):
                continue
            for span in spans:
                if span.lower() == short.lower():
                    out.append(long)
                elif long.lower().endswith(span.lower()) and len(span) > 3:
                    out.append(short)
    return list(dict.fromkeys(out))


_ALIAS = re.compile(
    r"(?P<long>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){1,4})(?:,\s+or\s+|\s+\()(?P<short>[A-Z]{2,6})\b"
)


def _abbreviates(short: str, long: str) -> bool:
    """ "SSI" of "Safe Superintelligence": its first letter, then its letters in order."""
    letters = long.lower()
    if not letters.startswith(short[0].lower()):
        return False
    at = 0
    for c in short.lower():
        at = letters.find(c, at)
        if at < 0:
            return False
        at += 1
    return True


def _is_vendor(name: str, question: object) -> bool:
    entities = getattr(question, "entities", ())
    return any(e.kind == "vendor" and entity_key(e.name) == entity_key(name) for e in entities)


def _everyday_in(name: str, text: str) -> bool:
    """A known name that is one everyday word, typed in lower case wherever the question has
    it: the word, not the name ("recapper free plan": no plan named "Free"; "Fenwright Plus"
    still names the Plus plan)."""
    if not is_common_word(name):
        return False
    typed = re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.I)
    return bool(typed) and all(t.islower() for t in typed)


def _most_specific(names: Sequence[str], text: str) -> list[str]:
    """Names without those another name extends ("Veo" beside "Veo 3"), unless the text
    also names it on its own ("juniper-3 vs juniper-3 mini")."""
    keys = [entity_key(n) for n in names]
    alone = set(names_in(text, sorted(names, key=len, reverse=True)))
    return [
        n
        for n, k in zip(names, keys, strict=True)
        if n in alone or not any(o != k and o.startswith(k) for o in keys)
    ]


def select(
    prepared: Prepared,
    scope: Scope,
    kinds: Sequence[str],
    *,
    unconfirmed: bool = False,
    about: Sequence[str] = (),
    subjects: Sequence[str] = (),
    copies: bool = False,
) -> list[StoredFact]:
    """Facts of these kinds in the question's period (an undated fact by its article's date)
    and amount range, of any entity; with `about`, only those that may be about these names
    (a prefilter for `about()`, which the caller still applies); with `subjects`, only those
    whose subject key starts with one of these names' keys; with `copies`, a statement's
    copies as their first and last (for answers that read one fact per item or event)."""
    facts = scope.facts(
        kinds,
        unconfirmed=unconfirmed,
        sources=scope.documents,
        about=about,
        subjects=subjects,
        bounded=True,
        copies=copies,
    )
    out = []
    for f in facts:  # the index selected these already; the same test, kept as the contract
        date = f.date or f.chunk.published or ""
        if scope.since and date[: len(scope.since)] < scope.since:
            continue
        if scope.until and date[: len(scope.until)] > scope.until:
            continue
        amount = amount_of(f.kind, f.fields)
        if scope.minimum is not None and (amount is None or amount <= scope.minimum):
            continue
        if scope.maximum is not None and (amount is None or amount >= scope.maximum):
            continue
        out.append(f)
    return out


def words_of(value: object) -> set[str]:
    if isinstance(value, (list, tuple)):
        return {t for v in value for t in tokenize(str(v))}
    return set(tokenize(str(value or "")))


def named_values(
    facts: Iterable[StoredFact], fields: Sequence[str], words: frozenset[str]
) -> list[StoredFact]:
    """Of these facts, those whose categorical fields (a status, a region, a topic) say what
    the question says, field by field; a field the question names no value of is ignored."""
    facts = list(facts)
    for name in fields:
        values = {str(f.fields.get(name) or "") for f in facts} - {""}
        if name == "status":  # "blocked" also finds "banned" and "unavailable"
            asked = {_STATUS_CLASS.get(w, "") for w in words} - {""}
            wanted = {v for v in values if _STATUS_CLASS.get(v) in asked}
            if wanted:
                facts = [f for f in facts if str(f.fields.get(name) or "") in wanted]
            continue
        wanted = {v for v in values if words_of(v) and words_of(v) <= words}
        if not wanted:
            wanted = {v for v in values if words_of(v) & words}
        if not wanted:  # "sued" names the value "lawsuit": synonyms folded
            concepts = {c for c in concepts_of(words) if c.startswith("~")}
            wanted = {v for v in values if concepts & concepts_of(words_of(v))}
        if wanted:
            facts = [f for f in facts if str(f.fields.get(name) or "") in wanted]
    return facts


def about(facts: Iterable[StoredFact], names: Sequence[str]) -> list[StoredFact]:
    """Facts about any of these entities (by key; a family name covers its models), or whose
    text names them."""
    keys = [entity_key(n) for n in names if n]
    out = []
    for f in facts:
        text = f.text.lower()
        if any(f.about(k) for k in keys) or any(n.lower() in text for n in names if n):
            out.append(f)
    return out


def relevant_docs(prepared: Prepared) -> dict[str, int]:
    """doc_id -> best hit rank, for the documents retrieval found for the question."""
    ranks: dict[str, int] = {}
    for i, hit in enumerate(prepared.hits):
        ranks.setdefault(hit.chunk.doc_id, i)
    return ranks


@dataclass(frozen=True)
class Table:
    doc_id: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[StoredFact, ...]

    @property
    def title(self) -> str:
        return self.rows[0].chunk.title if self.rows else ""


def tables(rows: Iterable[StoredFact]) -> list[Table]:
    """Row facts grouped into their tables (one document, one caption, one header)."""
    groups: dict[tuple, list[StoredFact]] = {}
    for r in rows:
        columns = tuple(r.fields.get("columns") or ())
        key = (r.chunk.doc_id, r.fields.get("table") or "", columns)
        groups.setdefault(key, []).append(r)
    return [Table(d, cap, cols, tuple(rs)) for (d, cap, cols), rs in groups.items()]


# a table's column of changes: "Change vs last week", "Move", "Chg %"
CHANGE_COLUMNS = ("change", "move", "chg", "delta")
CHANGE_COLUMN = re.compile(rf"\b(?:{'|'.join(CHANGE_COLUMNS)}|moves)\b", re.I)
_CHANGE_ASKED = re.compile(
    r"\b(?:declin\w*|drop\w*|fell|fall\w*|ris(?:e|es|ing)|rose|gain\w*|losers?|movers?|"
    r"jump\w*|sink\w*|sank|climb\w*|slump\w*)\b",
    re.I,
)


def table_for(prepared: Prepared, scope: Scope) -> Table | None:
    """The table the question points at: among the tables of the documents retrieval found,
    the one whose caption, header and document title share most words with the question,
    ties to the better-ranked document."""
    ranks = relevant_docs(prepared)
    if not ranks:
        return None
    sources = sorted({h.chunk.source for h in prepared.hits if h.chunk.doc_id in ranks})
    rows = [r for r in scope.facts(("row",), sources=sources) if r.chunk.doc_id in ranks]
    best: tuple[float, Table] | None = None
    for table in tables(rows):
        if len(table.rows) < 2 or ranks[table.doc_id] > 2:
            continue
        words = words_of([table.caption, *table.columns])
        title = words_of(table.title) - words
        if (
            not scope.wants_table
            and not (words - _name_words(scope)) & scope.words
            # a question about changes, a table with a column of them ("biggest decliner
            # among ai stocks": the movers table's "Move")
            and not (
                _CHANGE_ASKED.search(prepared.question.text)
                and any(CHANGE_COLUMN.search(c) for c in table.columns)
            )
        ):
            continue  # nothing says the question is about this table ("what do corvids eat")
        cells = words_of([v for r in table.rows for v in (r.fields.get("cells") or {}).values()])
        score = (
            2.0 * len(words & scope.words)
            + 0.5 * len(title & scope.words)
            + 0.5 * len(cells & scope.words)
            - 0.5 * ranks[table.doc_id]
        )
        if best is None or score > best[0]:
            best = (score, table)
    if best is None or best[0] <= 0:
        return None
    return best[1]


def _name_words(scope: Scope) -> set[str]:
    return words_of(list(scope.entities))


def column_for(table: Table, words: frozenset[str], prefer: Sequence[str] = ()) -> str | None:
    """The numeric column a question asks about: most header words in the question, else a
    column named like one of `prefer`, else the only numeric column."""
    numeric = [
        c for c in table.columns if any(c in (r.fields.get("numbers") or {}) for r in table.rows)
    ]
    if not numeric:
        return None
    scored = sorted(numeric, key=lambda c: -len(words_of(c) & words))
    if words_of(scored[0]) & words:
        return scored[0]
    for p in prefer:
        for c in numeric:
            if p in c.lower():
                return c
    return numeric[0] if len(numeric) == 1 else None


# the columns a "best" question ranks by, most telling first ("Our rating", "Pass@1 (%)")
QUALITY_COLUMNS = ("rating", "score", "pass", "accuracy", "win", "elo", "%")
# a column where less is better: an error rate, a latency, a cost, a rank
_LESS_IS_BETTER = re.compile(r"\b(?:error|latency|cost|price|time|loss|wer|rank)\b|#", re.I)


def less_is_better(column: str) -> bool:
    return bool(_LESS_IS_BETTER.search(column))


def reference_row(table: Table, row: StoredFact) -> bool:
    """A row the table compares its entries against, not an entry: a human baseline or an
    average, with no vendor in a table that names each entry's vendor."""
    vendor = next((c for c in table.columns if words_of(c) & set(VENDOR_COLUMNS)), None)
    if vendor is None:
        return False
    cell = str((row.fields.get("cells") or {}).get(vendor) or "")
    return not cell.strip(" -–—")


def columns_named(table: Table, words: frozenset[str]) -> list[str]:
    """Every numeric column whose header shares a word with the question, in the table's
    order ("pass rate and cost per 1k tasks": "Pass@1 (%)", "Cost per 1k tasks (USD)")."""
    return [
        c
        for c in table.columns
        if words_of(c) & words and any(number_in(r, c) is not None for r in table.rows)
    ]


def number_in(row: StoredFact, column: str) -> float | None:
    value = (row.fields.get("numbers") or {}).get(column)
    return float(value) if isinstance(value, (int, float)) else None


# A row name that marks a superseded figure: "Corvid Reason 1 (until March 16, 2026)"
_PAST_ROW = re.compile(r"\((?:[^)]*\b)?(?:until|before|old|previous|former|prior|was)\b", re.I)


def _current_first(rows: list[StoredFact]) -> list[StoredFact]:
    """ "X (new price)" before "X (until March 16, 2026)"; otherwise the table's order."""
    return sorted(rows, key=lambda r: bool(_PAST_ROW.search(row_name(r))))


def rows_naming(table: Table, names: Sequence[str]) -> list[StoredFact]:
    """Rows about any of these entities: by the row's name first, else by any cell (a vendor
    column)."""
    keys = {entity_key(n) for n in names if n}
    by_name = [r for r in table.rows if entity_key(row_name(r)) in keys]
    if by_name:
        return _current_first(by_name)
    out = []
    for r in table.rows:
        cells = " ".join(str(v) for v in (r.fields.get("cells") or {}).values())
        cell_keys = {entity_key(c) for c in (r.fields.get("cells") or {}).values()}
        if keys & cell_keys or any(n.lower() in cells.lower() for n in names if n):
            out.append(r)
    return _current_first(out)
