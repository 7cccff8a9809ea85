"""Reading a question: its search terms, what it pins down (years, quarters, versions, names),
what kind of answer it wants, and its parts."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field, replace

from kb.entities import Entity, find_entities, maybe_english
from kb.factnames import regions_in
from kb.text import (
    LOWER_LETTERS,
    STOPWORDS,
    content_terms,
    edit_distance,
    fold_accents,
    normalize,
    one_edit,
    tokenize,
)
from kb.vocabulary import (
    CHAT_SHORTHAND,
    MONTH_WORD,
    MONTHS,
    NOT_QUESTION_NAMES,
    NOT_VERSIONED_NAMES,
    TIME_CUE_WORDS,
)

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# a fiscal year as finance writes it: "FY2027", "fy26", "FY '25"
_FISCAL_YEAR = re.compile(r"\b(?i:fy)\s?['’]?(20\d\d|\d\d)\b")


# a quarter with its year's last two digits: "3Q26", "Q1'26", "1q26"
_QUARTER_YEAR = re.compile(r"\b(?:Q[1-4]|[1-4]Q)\s?['’]?(\d\d)\b", re.I)


def finance_years(text: str) -> list[str]:
    """The years a text names as finance writes them: fiscal years ("fy26" -> "2026",
    "FY2027" -> "2027") and quarters with two digits ("3Q26" -> "2026")."""
    years = _FISCAL_YEAR.findall(text) + _QUARTER_YEAR.findall(text)
    return [y if len(y) == 4 else f"20{y}" for y in years]


def _years_as_written(terms: list[str]) -> list[str]:
    """Fiscal-year terms as the year the text writes ("fy2026" -> "2026": a report writes
    "fiscal 2026"), once each."""
    return list(
        dict.fromkeys(finance_years(t)[0] if _FISCAL_YEAR.fullmatch(t) else t for t in terms)
    )


_QUARTER = re.compile(
    r"\b(?:Q([1-4])|([1-4])(?:st|nd|rd|th)[ -]quarter|([1-4])Q|(first|second|third|fourth)"
    r"[ -]quarter)(?:\b|(?=['’]?\d\d\b))"  # "3Q26", "Q3'26": the year's last two digits after
    # "the first quarter where Forge was a third of revenue": the first ever, not Q1
    r"(?!\s+(?:where|when|that|in\s+which|ever|since)\b)",
    re.IGNORECASE,
)
_ORDINAL_Q = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
# A name followed by a version: "Seedance 2.0", "Lumen-4", "GPT-4o", "Claude 3.5 Sonnet", "o3"
_VERSIONED = re.compile(
    # a family and its version or one-letter code ("Seedance 2.0", "Vantor V9", "Talvi T2";
    # not a quarter: "Q4")
    r"\b([A-Z][A-Za-z]+(?:[ \-][A-Z][A-Za-z]+)?)[ \-]?"
    r"((?:v|V|[A-PR-UW-Z](?=\d(?!\d)))?\d+(?:\.\d+)*[a-z]?)\b"
    r"|\b((?!q[1-4]\b)[a-z]\d{1,2})\b"  # "o3", not a quarter
    r"|\b([A-Z]{1,4}\d{2,4}[A-Z]{0,2})\b"  # chip and model codes: H100, MI400X, B200
)
_NAME_WORD = re.compile(r"\b[A-Z][\w\-]*")
_PRONOUNS = re.compile(
    r"\b(it|its|it's|they|them|their|this|that|these|those|he|she|his|her|"
    r"the company|the model|the firm|the deal|the same)\b",
    re.IGNORECASE,
)
_WH = re.compile(
    r"^\s*(how much|how many|how big|how large|how long|when|what year|what date|"
    r"which year|who|which company|which vendor|which firm|why|where|what price|"
    r"what percentage|by how much)\b",
    re.IGNORECASE,
)

MONEY = re.compile(
    r"(?:[$€£]\s?\d[\d,.]*\s*(?:[kmb]n?|million|billion|trillion)?\b)|"
    r"\b\d[\d,.]*\s*(?:dollars|euros|usd|eur|cents)\b|"
    # amounts as other languages and their translations write them: "4,2 milliards d'euros",
    # "420 Mio. Euro", "2,1 Mrd. Euro", "180 M€", "1.200 millones de euros"
    r"\b\d[\d,.]*\s*(?:(?:milliards?|millions?|millones|miliardi|milioni|bilh(?:ões|oes)|"
    r"milh(?:ões|oes)|mrd\.?|mio\.?|md|[kmb]n?)\s*)?(?:d['’]\s*|de\s+)?(?:€|(?:euros?|eur)\b)|"
    # a table's amount with its currency in the next column ("3.10 | USD")
    r"\b\d[\d,.]*\s*\|\s*(?:usd|eur|gbp|chf|jpy|cny|cad|aud|inr|krw)\b|"
    # "40 million euros" is money, "2.3 million of its licensed photos" a count
    r"\b\d[\d,.]*\s*(?:million|billion|trillion)\b(?!\s+(?:of\s+)?(?:(?:its|their|the|our)\s+)?"
    r"(?:[a-z-]+\s+)?(?!dollars|euros|pounds|yen|yuan|rupees|francs)[a-z]+s\b)",
    re.IGNORECASE,
)
PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|percent|per cent)", re.IGNORECASE)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|dozen|half|double|twice"
)
NUMBER = re.compile(rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS})\b", re.IGNORECASE)
DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS}|a|an)[\s-]+(?:second|minute|hour|day|week|month|year|"
    r"quarter)s?\b|\buntil\b|\bthrough\b",
    re.IGNORECASE,
)
# a year, not one inside a reference code ("RV-2026-0412")
DATE = re.compile(rf"\b{MONTH_WORD}\b|(?<![-/])\b(?:19|20)\d\d\b(?!-\d{{3,}})", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[str, ...]  # content tokens of the question itself
    context_terms: tuple[str, ...] = ()  # tokens carried over from earlier turns
    years: tuple[str, ...] = ()
    quarters: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()  # tokens like "2.0", "gpt-4o", "o3" that must match
    names: tuple[str, ...] = ()  # tokens of capitalised names the evidence must mention
    rounds: tuple[str, ...] = ()  # funding rounds ("series d") the sentence must be about
    months: tuple[tuple[int, str], ...] = ()  # ("in May 2024") -> ((5, "2024"),)
    history: tuple[str, ...] = ()  # earlier questions of the conversation
    expects: str = ""  # money | percent | number | date | entity | reason | place | rank | ""
    parts: tuple[str, ...] = field(default_factory=tuple)
    entities: tuple[Entity, ...] = ()  # vendors, models and leaderboards it names
    shape: str = ""  # the answer shape asked for: see SHAPES

    @property
    def subjects(self) -> tuple[str, ...]:
        """The models it names, else its vendors."""
        models = tuple(e.name for e in self.entities if e.kind == "model")
        return models or tuple(e.name for e in self.entities if e.kind == "vendor")

    @property
    def boards(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities if e.kind == "leaderboard")

    @property
    def search_text(self) -> str:
        # "rev fy2026" is searched as the reports write it too: "revenue fiscal 2026"
        return " ".join([self.text, *spelled_out(self.text), *self.context_terms])


def versions_in(text: str) -> list[str]:
    """Versioned names as "name version" ("seedance 2.0", "gpt 4o", "o3")."""
    found: list[str] = []
    for m in _VERSIONED.finditer(text):
        if m.group(3) or m.group(4):
            code = (m.group(3) or m.group(4)).lower()
            if not _YEAR.fullmatch(code):
                found.append(code)
            continue
        name, version = m.group(1), m.group(2)
        last = name.split()[-1].split("-")[-1].lower()
        if _YEAR.fullmatch(version) or last in STOPWORDS or last in NOT_VERSIONED_NAMES:
            continue
        found.append(f"{last} {version.lower()}")
    return found


def version_pattern(version: str) -> re.Pattern[str]:
    """Regex finding a versioned name in normalised text, spaced or hyphenated."""
    if " " not in version:
        return re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w]|\.\d)")
    name, number = version.split(" ", 1)
    # "happyhorse 1.1" finds "Happy Horse 1.1": a family may be written as one word or two
    family = r"[\s\-]?".join(map(re.escape, name))
    # "Harwick Weekly #88" for "harwick weekly 88"
    return re.compile(rf"{family}[\s\-]?#?{re.escape(number)}(?![\w]|\.\d)")


_MONEY_WORDS = re.compile(
    r"\b(price|prices|priced|cost|costs|charge|charges|valuation|valued|raise|raised|raising|"
    r"revenue|revenues|funding|fund|invest|invested|investment|spend|spent|spending|fine|fined|"
    r"worth|pay|paid|paying|sales|sell|sold|salary|budget|capex|fee|fees)\b"
)
_PERCENT_WORDS = re.compile(
    r"\b(percent|percentage|share|discount|cut|cuts|drop|fall|fell|"
    r"growth|grew|rise|rose)\b"
)
_LEADING_FILLER = re.compile(r"^(?:and|so|but|also|ok|okay|then|well|now)[,\s]+", re.I)
# a topic put before the question with a dash or colon: "chatterwell fine - how much of it ..."
_TOPIC_FIRST = re.compile(r"^([^?\n]{2,60}?)(?:\s+[-–—]|:)\s+(?=\w)")


def expected_type(text: str) -> str:
    """The kind of answer a question wants: money, percent, number, duration, date, entity,
    reason, place, rank (a position on a board), or "" when it could be anything."""
    lower = _LEADING_FILLER.sub("", text.lower().strip())
    topic = _TOPIC_FIRST.match(lower)
    if topic and not _WH.match(lower) and _WH.match(lower[topic.end() :]):
        # "chatterwell fine - how much of it was for training": the question after the topic,
        # the topic kept after it (its words say what kind of amount)
        lower = f"{lower[topic.end() :]} {topic.group(1)}"
    trailing = _TRAILING_WH.search(lower)
    if trailing and not _WH.match(lower):  # telegraphic: "nvidia drop deepseek how much"
        lower = f"{trailing.group(1)} {lower[: trailing.start()]}"
    m = _WH.match(lower)
    wh = m.group(1) if m else ""
    if wh == "how much":
        rest = lower[m.end() :] if m else ""
        if _MONEY_WORDS.search(lower) or re.match(
            r"\s+(?:is|was|are|were|does|did|do|will|"
            r"would|has|have)\b",
            rest,
        ):
            return "percent_or_money" if _PERCENT_WORDS.search(lower) else "money"
        return "number"  # "how much memory", "how much power"
    if wh in ("what price", "by how much") or (
        _MONEY_WORDS.search(lower)
        and wh in ("", "how big", "how large")
        and re.match(r"(what|how)\b", lower)
    ):
        return "percent_or_money" if _PERCENT_WORDS.search(lower) else "money"
    if wh == "what percentage":
        return "percent"
    if wh == "how long":
        return "duration"
    if wh in ("how many", "how big", "how large"):
        return "number"
    if wh in ("when", "what year", "what date", "which year"):
        return "date"
    if wh in ("who", "which company", "which vendor", "which firm") or re.search(
        r"\bwhose\b", lower
    ):
        return "entity"  # "tolsta t4 - whose model is it": its maker
    if wh == "why":
        return "reason"
    if _RANK_ASKED.search(lower):
        return "rank"
    if wh == "where":
        return "place"
    if not wh and not _ASKS_IN_FULL.match(lower):
        # a nominal question as people type it: "seedance 2.0 release date", "x price"
        if _NOMINAL_DATE.search(lower):
            return "date"
        if _NOMINAL_MONEY.search(lower) or _NOMINAL_PRICE.search(lower):
            return "money"
        if _NOMINAL_NUMBER.search(lower):
            return "number"
        if _NOMINAL_ENTITY.search(lower):
            return "entity"
    return ""


# a question asked in full, not nominally ("what is ...", "did ...")
_ASKS_IN_FULL = re.compile(r"(?:what|which|who|is|are|was|were|do|does|did|can)\b")


# what a company reports or is worth, asked for by name however the question is put
_REPORTED_MONEY = r"revenue|revenues|valuation|sales|turnover|profit|income|earnings|capex|budget"
_WHAT_MONEY = re.compile(
    rf"^what(?:['’]s|\s+(?:is|was|were|are))\s+[^?]*?\b({_REPORTED_MONEY})\b"
    r"(?:\s+(?:in|for|during|as of|at|after|before|of|since)\b[^?]*)?\s*\??$"
)


def nominal_head(text: str) -> str | None:
    """The noun a nominal money question asks for, as a token: "pairloom annual revenue" ->
    "revenu", "codewren monthly price now" -> "price"; None for any other question. The
    words before it only qualify it: a sentence saying "annual" does not answer it."""
    lower = _LEADING_FILLER.sub("", text.lower().strip())
    if _WH.match(lower) or _ASKS_IN_FULL.match(lower):
        # "what was nvidia's data-centre revenue in fiscal 2026?": the revenue, though a
        # sentence about a data-centre hall says "data-centre"
        asked = _WHAT_MONEY.match(lower)
        head = tokenize(asked.group(1)) if asked else []
        return head[0] if head else None
    m = _NOMINAL_MONEY.search(lower)
    head = tokenize(m.group(1)) if m else []
    return head[0] if head else None


# "How did X rank?", "where does X stand on the board?", "what place did X take?"
_RANK_ASKED = re.compile(
    r"^(?:how|where)\s+(?:did|does|do|is|was|were|has|have)\b.*\b(?:rank\w*|place|placed|"
    r"standing|stand|finish|finished|(?:land|landed|end up|ended up|come in|came in)\s+(?:on|in))\b"
    r"|^(?:what|which)\s+(?:rank|ranking|place|position|spot)\b"
)
_TRAILING_WH = re.compile(r"\s+(how much|how many|how long|when|what year|who|where|why)\s*\??\s*$")
_NOMINAL_DATE = re.compile(
    r"\b(?:release|launch|founding|announcement)?\s*(?:date|when|year)\s*\??$"
)
# nominal questions that name the quantity or the role they want, anywhere in them
# a price asked for by its currency sign and unit: "output $ per 1m tok", "$/hr"
PRICE_SIGN = re.compile(r"(?:^|\s)[$€£¥](?:\s+per\b|/)")
# "x price per 1m", or a price asked by its sign
_NOMINAL_PRICE = re.compile(
    rf"\b(?:price|prices|pricing|cost|costs|fee|fees)\s+per\b|{PRICE_SIGN.pattern}"
)
_NOMINAL_NUMBER = re.compile(
    r"\b(?:number of|count of|power draw|watts?|wattage|memory|parameters|headcount|"
    r"employees|volunteers|patients|users|latency|speed|capacity)\b"
)
_NOMINAL_ENTITY = re.compile(
    r"\b(?:first |lead |main |biggest |largest |top )?(?:customers?|ceo|founders?|investors?|"
    r"buyers?|suppliers?|partners?|makers?|developers?)(?:\s+(?:last|this|next|in)\s+\w+)?"
    r"\s*\??$|\b(?:first|lead|main|biggest|largest|top) (?:customer|investor|partner|buyer)\b"
)
_NOMINAL_MONEY = re.compile(
    rf"\b(price|prices|pricing|cost|costs|funding|damages|contract value|deal value|"
    rf"{_REPORTED_MONEY})"
    r"(?:\s+(?:guidance|forecast|outlook|amount|figure))?"
    # "price in euros", "cost in won": the currency it is asked in
    r"(?:\s+in\s+(?:euros?|dollars?|pounds?|yen|won|yuan|rupees?|[a-z]{3}|[€$£¥₩]))?"
    r"(?:\s+(?:now|today|currently|nowadays|rn|these days))?\s*\??$"
)


_WH_NOUN = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+)?(company|companies|firm|vendor|model|models|chatbot|"
    r"product|chip|startup|lab|one|investor|country|year|month|date|day|"
    r"version|price|amount|percentage|share|rank|position|place)\b",
    re.IGNORECASE,
)


_MONTH_YEAR = re.compile(rf"\b({MONTH_WORD})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)


# "who runs X" asks for its chief executive, "who backs X" for its investors (read as the
# role, not as synonyms: models and data centres run too, services come back)
_ROLE_OF_VERB = {
    "run": "ceo",
    "head": "ceo",
    "back": "investor",
    "fund": "investor",
    "put": "investor",  # "who put money into X"
    "invest": "investor",
}
_WHO_VERB = re.compile(
    r"^\s*who\s+(?:is\s+|are\s+|has\s+|have\s+)?(runs|running|heads|heading|backs|backed|"
    r"backing|funds|funded|funding|put money|puts money|invested|invests)\b",
    re.I,
)


# prepositions the stopword list keeps (the keyword index reads them), which an answer need
# not repeat: "OpenAI's president during the board crisis" is answered by "the company's
# president ... quit the same day"
_FRAMING_WORDS = frozenset(
    t
    for w in ("during", "while", "throughout", "within", "despite", "around", "amid")
    for t in tokenize(w)
)


# business shorthand as people type it, read as the word it stands for
_SHORTHAND_WRITTEN = {
    "qtr": "quarter",
    "qtrs": "quarter",
    "yr": "year",
    "yrs": "year",
    "mkt": "market",
    "rev": "revenue",
    "yoy": "year",  # "year over year"
    "hr": "hour",  # "per agent-hr", "$/hr"
    "hrs": "hour",
    "mo": "month",  # "$20/mo"
    "mos": "month",
    "cos": "company",  # "which ai cos"
    "wk": "week",  # "who's #1 this wk"
    "wks": "week",
    "tok": "token",  # "$ per 1m tok"
    "toks": "token",
    "guide": "guidance",  # "new FY guide?"
    "govt": "government",
    "intl": "international",
    "mgmt": "management",
    "acq": "acquisition",
    "ppl": "people",
    "ppls": "people",
}
_SHORTHAND = {t: tokenize(word)[0] for t, word in _SHORTHAND_WRITTEN.items()}


# finance acronyms a filing writes out ("the initial public offering price")
_ACRONYMS_WRITTEN = {
    "ipo": "initial public offering",
    "arr": "annual recurring revenue",
    "ebitda": "earnings before interest",
    "capex": "capital expenditure",
}


def spelled_out(text: str) -> list[str]:
    """The words a text's shorthand stands for, as written ("rev" -> "revenue", "ipo" ->
    "initial public offering"), and its fiscal years as reports write them ("fy2026" ->
    "fiscal 2026"): searched for too."""
    written = _SHORTHAND_WRITTEN | _ACRONYMS_WRITTEN
    words = [written[t] for t in tokenize(text) if t in written]
    return list(dict.fromkeys(words + [f"fiscal {y}" for y in finance_years(text)]))


# phrases that ask for a role or an event in other words, each with the word of it that is
# read as the one the corpus uses: "who is X up against" (its rivals), "did X get the green
# light" (approved), "who picked up X" (acquired), "when does it get switched off" (shut),
# "when did it come out" (released), "who's on the cap table" (the investors)
_PHRASES = (
    (re.compile(r"\bup\s+(against)\b", re.I), "rival"),
    (re.compile(r"\bgreen[- ]?(light)", re.I), "approv"),
    (re.compile(r"\b(pick|snap|scoop|buy|bought)(?:s|ed|ing|ped|ping)?\s+up\b", re.I), "acquir"),
    (re.compile(r"\b(switch|turn|shut)(?:es|s|ed|ing|ting)?\s+off\b", re.I), "shut"),
    (re.compile(r"\b(pull)(?:s|ed|ing)?\s+the\s+plug\b", re.I), "shut"),
    # "who's on the cap table": the investors
    (re.compile(r"\b(cap)\s+table\b", re.I), "investor"),
    # "when did v2.0 come out", "when does it go live": released, launched
    (re.compile(r"\b(come|comes|came|coming)\s+out\b", re.I), "releas"),
    (re.compile(r"\b(go|goes|went|gone|going)\s+live\b", re.I), "launch"),
)


def _as_role(text: str, terms: Iterable[str]) -> list[str]:
    """The terms without framing prepositions, business shorthand spelt out ("qtr"), the verb
    of "who runs X" or "who backs X" read as the role it asks for, and a phrase that says a
    role or an event in other words read as the corpus's word for it (`_PHRASES`)."""
    verb = _WHO_VERB.match(text)
    said = tokenize(verb.group(1))[0] if verb else ""
    role = _ROLE_OF_VERB.get(said, "")
    rest: set[str] = set()  # the phrase's other words ("plug" of "pull the plug"): no topic
    if not role:
        for pattern, meant in _PHRASES:
            if (m := pattern.search(text)) and (words := tokenize(m.group(1))):
                said, role = words[0], meant
                rest = set(tokenize(m.group(0))) - {said}
                break
    return [
        (role if role and t == said else _SHORTHAND.get(t, t))
        for t in terms
        if t not in _FRAMING_WORDS and t not in rest
    ]


_PASSIVE_AUXILIARIES = frozenset({"got", "gotten"})


def answer_terms(text: str) -> list[str]:
    """Content tokens the evidence should contain: the question's terms minus the noun that
    only names the kind of answer ("which *company* released X?")."""
    kinds = {tokenize(m.group(1))[0] for m in _WH_NOUN.finditer(text) if tokenize(m.group(1))}
    kinds |= CHAT_SHORTHAND  # "tldr of ...": how it is asked, not what
    kinds |= _PASSIVE_AUXILIARIES  # "the models that got enjoined": were enjoined
    terms = _years_as_written(tokenize(text))
    return _as_role(text, (t for t in terms if t not in kinds and t not in TIME_CUE_WORDS))


# "gyeol voice market pipc probe, pause and reopening dates", "vattermark tender key dates:
# notice, bid deadline, award": the dates of several events of one subject
_DATES_OF_EVENTS = re.compile(
    r"^(?P<subject>.+?)(?:\s+(?:key\s+)?dates?\s*[:-]\s*|\s+)"
    r"(?P<items>[\w'-]+(?:\s*,\s*[\w'-]+(?:\s+[\w'-]+)?)*"
    r"(?:\s*,\s*|,?\s+(?:and|&)\s+|\s*/\s*)[\w'-]+(?:\s+[\w'-]+)?)"
    r"(?:\s+dates?)?\s*\??$",
    re.I,
)


def _dates_of_events(text: str) -> list[str]:
    """The parts of a question for the dates of several events of one subject, one per
    event ("X probe date", "X pause date", "X reopening date"), or [] when it is none."""
    if not re.search(r"\bdates?\b", text, re.I):
        return []
    m = _DATES_OF_EVENTS.match(text.strip())
    if not m:
        return []
    items = [i.strip() for i in re.split(r"\s*,\s*|,?\s+(?:and|&)\s+|\s*/\s*", m["items"])]
    items = [re.sub(r"\s+dates?$", "", i, flags=re.I) for i in items if i]
    if len(items) < 3 or any(len(i.split()) > 2 for i in items):
        return []
    subject = re.sub(r"\s+(?:key\s+)?dates?$", "", m["subject"], flags=re.I)
    return [f"{subject} {item} date" for item in items]


def split_parts(text: str) -> list[str]:
    """A two-part question ("which company, and how much did it raise?") as its parts; the
    dates of several events of one subject as one part per event."""
    if events := _dates_of_events(text):
        return events
    pieces = re.split(
        r"(?:,\s*|\s+)(?:and|also)\s+(?=(?:how|what|when|who|which|why|where|"
        r"did|does|is|was)\b)|\?\s+(?=\S)",
        text,
        flags=re.IGNORECASE,
    )
    parts = [p.strip(" ?,") for p in pieces if p and len(p.strip(" ?,").split()) >= 2]
    return parts if len(parts) > 1 else [text]


def needs_context(text: str, history: Sequence[str] = ()) -> bool:
    """A follow-up that leans on the earlier turn ("and how much does it cost?", "what about
    Google?"). One that names its own subject ("and what did OpenAI do with Sora?") does
    not, however it starts."""
    words = text.split()
    # a name of its own, not a role or a common acronym ("who is the CEO?" still leans)
    has_name = bool(names_of(" ".join(words[1:]))) or bool(versions_in(text))
    if is_what_about(text):
        # "what about Google?" leans on the last question; "what about Kairo's KS-2, when
        # was it sampled?" asks its own
        return not re.search(r",\s*(?:what|when|who|how|where|which|is|was|did|does)\b", text, re.I)
    if has_name and history and _names_its_own_subject(text, history[-1]):
        return False
    return (
        bool(_PRONOUNS.search(text))
        or (len(words) <= 6 and not has_name)
        or (text.lower().startswith(("and ", "also")))
    )


_WHAT_ABOUT = re.compile(
    r"^(?:(?:and|so|but|also|then|ok|okay)[,\s]+)?(?:what|how)\s+about\b", re.I
)


def is_what_about(text: str) -> bool:
    """ "what about Google?", "and how about GPT-4.5?": the earlier question, about another."""
    return bool(_WHAT_ABOUT.match(text))


_LOCATIVE_END = re.compile(
    r"\b(?:in|outside|across|for)\s+((?:the\s+)?[\w.\- ]+?)\s*(?:now|today|yet)?\s*[?.!]*$",
    re.I,
)


def _swap_subject(earlier: str, follow_up: str) -> str | None:
    """The earlier question with its subject replaced by the follow-up's ("When did OpenAI
    release GPT-4.1?" + "what about GPT-4.5?" -> "When did OpenAI release GPT-4.5?"), when
    the earlier one names a subject of the same kind (a model for a model, a vendor for a
    vendor) exactly as the entity reader spells it; None otherwise."""
    subject = _WHAT_ABOUT.sub("", follow_up).strip(" ?.!,")
    new = find_entities(subject)
    if subject and not new and regions_in(subject):
        # "is X still available in austria?" + "what about italy?": the place swapped
        where = _LOCATIVE_END.search(earlier)
        return earlier[: where.start(1)] + subject + earlier[where.end(1) :] if where else None
    if not subject or not new:
        return None
    for old in find_entities(earlier):
        if old.kind != new[0].kind:
            continue
        spaced = r"[\s-]?".join(map(re.escape, re.split(r"[\s-]+", old.name)))
        found = re.search(rf"(?<![\w.-]){spaced}(?![\w-]|\.\d)", earlier, re.I)
        if found:
            return earlier[: found.start()] + subject + earlier[found.end() :]
    return None


def _names_its_own_subject(text: str, previous: str) -> bool:
    """A complete question (a wh-word or auxiliary, and a name the previous question did not
    have) whose pronouns, if any, point at that name ("what did OpenAI do with it" is still
    about the earlier thing: "it")."""
    body = re.sub(r"^(?:and|so|but|also|then)\s+", "", text, flags=re.I)
    if not re.match(
        r"(?:what|which|who|when|where|why|how|is|are|was|were|did|does|do|can)\b", body, re.I
    ):
        return False
    if re.search(r"\b(?:it|its|it's|they|them|their|this|that|these|those)\b", body, re.I):
        return False
    earlier = set(names_of(previous)) | set(versions_in(previous))
    own = set(names_of(body)) | set(versions_in(body))
    return bool(own - earlier)


def names_of(text: str) -> list[str]:
    """Tokens of the capitalised names in a question ("OpenAI's board" -> "openai")."""
    out: list[str] = []
    # "U.K.", "E.U.": abbreviations with dots are places and units, not names to look for
    text = re.sub(r"\b(?:[A-Z]\.){2,}", " ", text)
    for word in _NAME_WORD.findall(text):
        for token in tokenize(word):
            if (
                token not in NOT_QUESTION_NAMES
                and token.isalpha()
                and len(token) > 1
                and token not in out
            ):
                out.append(token)
    return out


class NameCase:
    """The spelling of the names a corpus knows, to restore in a question typed in lower case
    ("seedance 2.0 release date" -> "Seedance 2.0 release date"), so that it is read as
    carefully as a capitalised one: its versions, names and entities. Built once per store
    view from its entity index."""

    def __init__(
        self,
        names: Iterable[str],
        everyday: frozenset[str] = frozenset(),
        written: Container[str] = frozenset(),
    ) -> None:
        self.spelling = {n.lower(): n for n in names if n.lower() != n}
        for low, name in list(self.spelling.items()):  # "guara 2" for "Guará 2"
            self.spelling.setdefault(fold_accents(low), name)
        # one-word names by their one-letter deletions, to find the name a typo meant
        # ("lexmor" -> "Lexmoor"); `everyday` words are never read as typos of a name
        self.everyday = everyday
        self.written = written  # the corpus's own words ("marlpit"): no typos of a name either
        self._near: dict[str, set[str]] = {}
        for key in self.spelling:
            word = key.split()[0]  # a many-word name by its first word ("marrowind 3")
            if word.isalpha() and len(word) >= _DOUBLING_MIN + 1:
                for d in _deletions(word):
                    self._near.setdefault(d, set()).add(word)
        self._words = sorted({k for d in self._near.values() for k in d})
        # many-word names by their first word, to mend a typo in a later word ("arbala rhae")
        self._tails: dict[str, list[list[str]]] = {}
        for key in self.spelling:
            words = key.split()
            if len(words) > 1:
                self._tails.setdefault(words[0], []).append(words)
        alternatives = sorted(self.spelling, key=len, reverse=True)  # longest name first
        self.pattern = (
            re.compile(
                r"(?<![\w.-])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w-]|\.\d)"
            )
            if alternatives
            else None
        )

    def restore(self, text: str) -> str:
        """Only spans the user wrote all in lower case change."""
        if self.pattern is None:
            return text
        # typos first, as the name's lower-case form, so that a many-word name around the
        # mended word is then found whole ("kestel coder 2" -> "Kestle Coder 2")
        text = _LOWER_WORD.sub(lambda m: self.respelt(m.group(0)) or m.group(0), text)
        text = self._mended_tails(text)
        return self.pattern.sub(
            lambda m: self.spelling[m.group(0)] if m.group(0).islower() else m.group(0), text
        )

    def _mended_tails(self, text: str) -> str:
        """A many-word name typed whole with a one-letter slip in a later word ("arbala rhae"
        -> "arbala rhea"): its first word fixes which name is meant, so the slip is mended
        even in a short word; never in an everyday word ("veo 3 price" is no "Veo 3 Pro")."""
        tokens = list(re.finditer(r"[^\s?!,;:()]+", text))
        spans: list[tuple[int, int, str]] = []
        for i, token in enumerate(tokens):
            for words in self._tails.get(token.group(0), ()):
                typed = [t.group(0) for t in tokens[i + 1 : i + len(words)]]
                if len(typed) != len(words) - 1 or typed == words[1:]:
                    continue
                if all(
                    t == w
                    or (
                        t.islower()
                        and len(w) >= _DOUBLING_MIN
                        and not self._a_word(t)
                        and t in one_edit(w)
                    )
                    for t, w in zip(typed, words[1:], strict=True)
                ):
                    end = tokens[i + len(words) - 1].end()
                    spans.append((tokens[i + 1].start(), end, " ".join(words[1:])))
                    break
        for start, end, mended in reversed(spans):
            text = text[:start] + mended + text[end:]
        return text

    def _a_word(self, word: str) -> bool:
        """Whether a typed word is a word of its own: English, or written in the corpus."""
        return word in self.everyday or word in self.written

    def respelt(self, word: str) -> str | None:
        """The one name a lower-case word is one typo away from, in lower case ("lexmor" ->
        "lexmoor", "ternwel" -> "ternwell"), if exactly one is; never for an everyday word or
        a short one, where a typo cannot be told from another word."""
        if len(word) < _DOUBLING_MIN or word in self.spelling or self._a_word(word):
            return None
        if len(word) < _TYPO_MIN:  # "skif" for "Skiff": only a doubled letter typed once
            singled = [k for k in self._near.get(word, ()) if undoubled(k) == word]
            return singled[0] if len(singled) == 1 else None
        near = {k for d in _deletions(word) for k in self._near.get(d, ())}
        meant = [k for k in near if k in one_edit(word)]
        if not meant and len(word) >= _TWO_TYPOS_MIN and not maybe_english(word):
            # a long word two edits off ("trelain" for "Trelane"), its first letter kept
            meant = [
                k
                for k in self._words
                if k[0] == word[0] and edit_distance(word, k, _TWO_TYPOS) <= _TWO_TYPOS
            ]
        return meant[0] if len(meant) == 1 else None


_TYPO_MIN = 5  # letters: shorter words are too often other words one letter away
_DOUBLING_MIN = 4  # letters: "skif" for "skiff", a doubled letter typed once
_TWO_TYPOS_MIN = 7  # letters: a word this long may hold two typos and still be one name
_TWO_TYPOS = 2


def undoubled(word: str) -> str | None:
    """The word with its one doubled letter typed once ("skiff" -> "skif"), or None."""
    doubled = [i for i in range(1, len(word)) if word[i] == word[i - 1]]
    return word[: doubled[0]] + word[doubled[0] + 1 :] if len(doubled) == 1 else None


# a lower-case word of four or more letters, possessive or not ("lumenfld's")
_LOWER_WORD = re.compile(rf"(?<![\w.'’-])[{LOWER_LETTERS}]{{4,}}(?![\w-]|['’](?!s\b))")


def _deletions(word: str) -> set[str]:
    """The word and every string one deletion away from it."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


_RANK_WORDS = re.compile(r"\b(?:rank\w*|place[ds]?|position\w*|standing\w*|No\.\s?\d)", re.I)
_CHANGE_WORDS = re.compile(
    r"\b(?:chang\w*|histor\w*|over time|mov\w*|evolv\w*|trend\w*|rise|rose|fall|fell|drop\w*|"
    r"climb\w*|progress\w*)\b",
    re.I,
)
_LEADER_WORDS = re.compile(
    r"\b(?:lead|leads|led|leading|leader|top|tops|topped|first place|No\.\s?1|number one|#1)\b",
    re.I,
)
# words that make a "who led" question about something else than the standing at a time
_QUALIFIED = re.compile(
    r"\b(?:first|last|only|ever|non-\w+|before|after|second|third|runner-up|longest|most|"
    r"how many|how long|when)\b",
    re.I,
)
_WHO = re.compile(r"^\s*(?:who|which|what)\b", re.I)
_TELEGRAPHIC_LEADER = re.compile(
    r"\s*(?:the\s+)?(?:top|#1|no\.\s?1|number one|leading|current\s+(?:leader|#1))\b", re.I
)
_TOP_N_ASKED = re.compile(r"\btop\s+(?:\d{1,2}|two|three|four|five|ten)\b", re.I)

SHAPES = {
    "rank_history": "how a model's or vendor's standing changed over time",
    "leader": "who leads (or led) a leaderboard",
    "count": "how many: a number, and the rows it counts",
    "list": "every matching item (which companies, what models), one cited row each",
    "superlative": "the largest, cheapest, most ...: the winner and the runner-up",
    "compare": "two or more things side by side",
    "timeline": "how a value (a price, a valuation) changed, oldest to newest",
    "what_happened": "the newest events about something, dated, newest first",
    "status": "is X (still) available / allowed: yes or no first, then the dated evidence",
    "summary": "a digest of the corpus on a topic: a few cited sentences across sources",
    "": "anything else: answered from the best evidence sentences",
}

_COUNT = re.compile(r"^\s*(?:how many|what(?:'s| is) the number of|number of|count)\b", re.I)
_LIST_VERB = re.compile(
    r"^\s*(?:list|name|enumerate|show)\b(?:\s+(?:me|all|every|the))*|\blist of\b|"
    r"^\s*(?:what|which)\s+are\s+(?:all\s+)?the\b|\ball the\b",
    re.I,
)
# "which companies", "what video models", "which AI chatbots": a plural noun in the wh-phrase
_WH_PLURAL = re.compile(
    # at the start, or after a topic typed first ("saltmarsh capital portfolio - which ...")
    r"(?:^|\s[-—–:]\s|,\s)\s*(?:which|what)\s+((?:[\w\-.]+\s+){0,3}?)([a-z][\w\-]*[^s\W]s|"
    r"people|media|cos)\b"
    r"(?!\s*(?:is|was)\b)",
    re.I,
)
# a singular noun heading the wh-phrase makes the next "-s" word a verb ("which model ranks")
_SINGULAR_HEADS = {
    "company",
    "firm",
    "vendor",
    "model",
    "chatbot",
    "product",
    "chip",
    "startup",
    "lab",
    "one",
    "investor",
    "country",
    "service",
    "app",
    "tool",
    "version",
    "round",
    "price",
    "deal",
}
_WHO_ALL = re.compile(r"^\s*who\s+(?:are|were|have|has been)\b", re.I)
_NOT_PLURAL = {
    "does",
    "is",
    "was",
    "has",
    "its",
    "this",
    "us",
    "news",
    "series",
    "status",
    "process",
    "business",
    "analysis",
    "access",
    "address",
    "bus",
    "gas",
    "plus",
    "bonus",
    "campus",
    "focus",
    "virus",
    "thus",
    "as",
    "his",
    "yes",
}
_SUPERLATIVE = re.compile(
    r"\b(?:most|least|fewest)\s+\w+|\b(?:best|worst|top)\b(?!\s+(?:of|on)\s+\w+\s+"
    r"(?:leaderboard|arena|board))|\b(?!(?:lat|inter|requ|sugg|prot|cont|inv|t|r|b|gu|f|p|"
    r"w|n|l|d|v|ch|h|j|m|pr|harv|hon|mod|be)est\b)[a-z]{2,}est\b",
    re.I,
)
# a question opening with a wh-word that asks for a pick: "which", "what", "who", "name"
WH_OPENING = re.compile(r"\s*(?:which|what|who|name)\b", re.I)
# a telegraphic superlative: "best model on ledgerbench", "biggest cheque in ...",
# "highest rated transcription tool" (not "top 3 ...": a board's standings)
_SUPERLATIVE_OPENING = re.compile(
    r"\W*(?:the\s+)?(?:best|worst|biggest|largest|smallest|highest|lowest|cheapest|priciest|"
    r"most|least|top(?![\s-]+(?:\d|two|three|four|five|ten)\b))\b",
    re.I,
)
_COMPARE = re.compile(
    r"^\s*compare\b|\bcompared?\s+(?:to|with)\b|\b(?:vs\.?|versus)\b|\bdifference between\b|"
    r"\b(?:cheaper|pricier|costlier|bigger|larger|smaller|faster|slower|higher|lower|more "
    r"expensive|less expensive|better|worse),?\s+(?:[\w\-. ]+\s)?or\b|"
    r"^\s*(?:which|what)\b[^?]*\b(?:cheaper|pricier|costlier|bigger|larger|smaller|faster|"
    r"slower|higher|lower|more expensive|less expensive|better|worse)\b[^?]*\bor\b",
    re.I,
)
_TIMELINE = re.compile(
    r"\b(?:how (?:did|has|have)\b[^?]*\b(?:change|changed|evolve|evolved|develop|developed|"
    r"move|moved|grow|grown|grew|fall|fell|rise|risen)|over time|over the years|history of|"
    r"timeline|trajectory|trend|(?:so far|to date),? in order|in (?:chronological )?order|"
    r"(?:funding|pricing|price) history)\b",  # "wickbourne raises to date, in order"
    re.I,
)
_WHAT_HAPPENED = re.compile(
    r"\bwhat(?:ever)?(?: happened| became| has happened| is happening|'?s happening)\b|"
    r"\bwhat(?:'s| is) (?:new|the latest) (?:with|on|about)\b|\blatest (?:on|news|about)\b|"
    r"\bwhat(?:'?s| is) (?:going on|up) with\b|\bany news (?:on|about)\b|\bupdate on\b|"
    r"\b(?:news|updates?|latest)\W*$|\bnews (?:on|about|from)\b|"  # "sentrawl news?"
    r"\bwhat(?:'?s| is) the (?:deal|story|situation)\b|"  # "lumenfold canvas - whats the deal"
    r"\bwhat did\b[^?]*\bdo\b|\bwhat (?:has|have)\b[^?]*\bdone\b|\boutage\b|\bfate of\b",
    re.I,
)
_STATUS = re.compile(
    r"^\s*(?:is|are|was|were|can|could|does|do|has|have)\b[^?]*\b(?:available|availab\w*|"
    r"still|launched|released|offered|allowed|banned|blocked|paused|discontinued|restored|"
    r"shut|use|used|access|accessible|sold|supported|open|live|running)\b|\bstatus\b|"
    r"\bstill (?:available|offered|on sale|running|live)\b|\bavailab\w+ (?:in|outside)\b|"
    # "sorrel 2 still a thing?", "is orvo still around": does it still exist
    r"\bstill (?:a thing|around|alive|exists?|going|kicking|with us|on the market|up)\b",
    re.I,
)
_SUMMARY = re.compile(
    r"^\s*(?:summari[sz]e|sum up|give (?:me )?(?:an? )?(?:overview|summary|digest|recap|"
    r"rundown|brief)|(?:an? )?(?:overview|summary|digest|recap|rundown) of|brief me|"
    r"what(?:'s| is) the (?:state|landscape) of|catch me up)\b|\b(?:overview|summary|"
    r"digest|recap|rundown|state of the|tl;?dr|gist|key (?:points|takeaways)|takeaways)\b",
    re.I,
)


# an auxiliary ends the wh-phrase: "what company did Pallas buy" has no plural noun in it
_AUXILIARIES = {"did", "do", "does", "is", "was", "are", "were", "has", "have", "will", "can"}


def _wh_plural(text: str) -> bool:
    m = _WH_PLURAL.search(text)
    if m is None or m.group(2).lower() in _NOT_PLURAL:
        return False
    if m.group(2)[:1].isupper():  # a name ending in "s" ("Pallas") is no plural noun
        return False
    before = m.group(1).split()
    if _AUXILIARIES & {w.lower() for w in before}:
        return False
    return not (before and before[-1].lower() in _SINGULAR_HEADS)


# the kind of entity a plural wh-noun asks for ("which chinese models", "what companies")
_KIND_OF_NOUN = {
    "model": "model",
    "product": "model",
    "tool": "model",
    "chatbot": "model",
    "assistant": "model",
    "company": "vendor",
    "compani": "vendor",
    "vendor": "vendor",
    "firm": "vendor",
    "startup": "vendor",
    "lab": "vendor",
    "provider": "vendor",
    "investor": "investor",
    "backer": "investor",
    "people": "person",
    "executive": "person",
    "country": "place",
    "countri": "place",
    "region": "place",
    "citi": "place",
    "market": "place",
}


def listed_kind(text: str) -> str | None:
    """The kind of entity a list question asks for: "which chinese models" -> "model",
    "what companies" -> "vendor"; None when its wh-phrase names no kind."""
    m = _WH_PLURAL.search(text)
    if m is None or not _wh_plural(text):
        return None
    noun = tokenize(m.group(2))
    return _KIND_OF_NOUN.get(noun[0]) if noun else None


def shape_of(text: str, entities: Sequence[Entity]) -> str:
    """The answer shape a question asks for (a key of SHAPES). A question that asks two
    things ("how long was the outage, and what did it cost X in credits?") is answered part
    by part, from the sentences, unless it compares or wants a digest or a timeline."""
    shape = _shape_of_one(text, entities)
    if shape not in ("compare", "summary", "timeline") and len(split_parts(text)) > 1:
        return ""
    return shape


def _shape_of_one(text: str, entities: Sequence[Entity]) -> str:
    named = {e.kind for e in entities}
    subjects = bool(named & {"model", "vendor"})
    if subjects and _RANK_WORDS.search(text) and _CHANGE_WORDS.search(text):
        return "rank_history"
    if (
        "leaderboard" in named
        and not subjects
        # "who leads X", or telegraphic: "top model on X", "#1 on X lite"
        and (_WHO.search(text) or _TELEGRAPHIC_LEADER.match(text))
        and _LEADER_WORDS.search(text)
        and not _QUALIFIED.search(text)  # "the first non-OpenAI No. 1" is not "who leads"
    ):
        return "leader"
    if "leaderboard" in named and not subjects and _TOP_N_ASKED.search(text):
        return "leader"  # "codeladder top 3 this week": the board's standings
    if _SUMMARY.search(text):
        return "summary"
    if _COUNT.search(text):
        return "count"
    if _COMPARE.search(text):
        return "compare"
    if _TIMELINE.search(text):
        return "timeline"
    if _SUPERLATIVE.search(text) and (WH_OPENING.match(text) or _SUPERLATIVE_OPENING.match(text)):
        return "superlative"
    if _WHAT_HAPPENED.search(text):
        return "what_happened"
    if _STATUS.search(text):
        return "status"
    if _LIST_VERB.search(text) or _WHO_ALL.search(text) or _wh_plural(text):
        return "list"
    if _NOMINAL_LIST.search(text) and not _WH.match(text.lower()):
        return "list"  # "harwik weekly #88 funding rounds", "openai acquisitions"
    return ""


# a nominal question ending in the plural of a kind of market event: a list of them
_NOMINAL_LIST = re.compile(
    r"\b(?:funding rounds|rounds|raises|price (?:cuts|changes|moves|rises)|acquisitions|"
    r"launches|shutdowns|lawsuits|fines|partnerships)\W*$",
    re.I,
)


def quarters_in(text: str) -> list[str]:
    """The quarters a text names, as "q1".."q4" ("Q3", "3Q", "the third quarter",
    "third-quarter", "3rd quarter")."""
    return [
        f"q{m.group(1) or m.group(2) or m.group(3) or _ORDINAL_Q[m.group(4).lower()]}"
        for m in _QUARTER.finditer(text)
    ]


_SLASHED = {"w/o": "without", "w/": "with", "b/c": "because"}
_SLASHED_WORD = re.compile(r"(?<![\w/])(w/o|w/|b/c)(?=\s|$)", re.I)


_NUMBER_SIGN_OF = re.compile(r"(?<![\w#])#\s*of\b", re.I)


def _spelt_out_shorthand(text: str) -> str:
    """ "whats going on w/ X" -> "whats going on with X", "# of bids" -> "number of bids":
    shorthand as words."""
    text = _NUMBER_SIGN_OF.sub("number of", text)
    return _SLASHED_WORD.sub(lambda m: _SLASHED[m.group(1).lower()] + " ", text).replace("  ", " ")


def parse_question(text: str, history: Sequence[str] | None = None) -> Question:
    """Read a question once: its terms, what it pins down (years, quarters, months, versions,
    names, funding rounds), the entities it names, the kind of value and the answer shape it
    asks for, and its parts. With `history` (earlier questions, oldest first), a follow-up
    that leans on the previous turn ("and how much does it cost?") takes its terms over."""
    history = list(history or ())
    text = _spelt_out_shorthand(" ".join(text.split()))
    context: list[str] = []
    leans = bool(history) and needs_context(text, history)  # on the previous turn
    swapped = leans and is_what_about(text)
    if swapped and (rewritten := _swap_subject(history[-1], text)):
        # "When did OpenAI release GPT-4.1?" + "and what about GPT-4.5?": asked in full
        return replace(parse_question(rewritten), history=tuple(history))
    if leans:
        own = set(tokenize(text))
        if swapped:  # "what about GPT-4.5?": the earlier question, its subject replaced
            own |= {t for n in names_of(history[-1]) for t in tokenize(n)}
            own |= {t for v in versions_in(history[-1]) for t in tokenize(v)}
            own |= {t for e in find_entities(history[-1]) for t in tokenize(e.name)}
        for earlier in reversed(history[-2:]):
            context.extend(t for t in content_terms(earlier) if t not in own and t not in context)
            if context:
                break
    quarters = quarters_in(text)
    if leans and not quarters:  # "and the gross margin?" after "Q3 revenue": Q3's too
        quarters = quarters_in(history[-1])
    versions = versions_in(text)
    if leans and not swapped:
        for earlier in reversed(history[-2:]):
            versions.extend(v for v in versions_in(earlier) if v not in versions)
            if versions:
                break
    rounds = [f"series {m.lower()}" for m in re.findall(r"\bSeries ([A-K])\b", text, re.I)]
    months = [(MONTHS[m.group(1).lower()[:3]], m.group(2)) for m in _MONTH_YEAR.finditer(text)]
    names = names_of(text)
    # "and when's it GA?": an acronym the follow-up asks about is no subject of its own
    if leans and all(re.search(rf"\b{re.escape(n.upper())}\b", text) for n in names):
        names += [n for n in names_of(history[-1]) if n not in names]
    entities = tuple(find_entities(text))
    return Question(
        text=text,
        terms=tuple(_as_role(text, _years_as_written(content_terms(text)))),
        names=tuple(names),
        rounds=tuple(dict.fromkeys(rounds)),
        months=tuple(dict.fromkeys(months)),
        history=tuple(history or ()),
        context_terms=tuple(context),
        years=tuple(dict.fromkeys(_YEAR.findall(text) + finance_years(text))),
        quarters=tuple(dict.fromkeys(quarters)),
        versions=tuple(dict.fromkeys(versions)),
        expects=expected_type(history[-1]) if swapped else expected_type(text),
        parts=tuple(split_parts(text)),
        entities=entities,
        shape=shape_of(text, entities),
    )


# Words a question and its answer often use differently. Each group is one concept for
# evidence scoring (not for BM25): "ranks first" meets "took first place", "CEO" meets
# "chief executive".
_SYNONYM_GROUPS = [
    "rank place spot position standing leaderboard top lead led",
    "first 1 1st top lead led",
    "second 2 2nd runner-up",
    "third 3 3rd",
    "fourth 4 4th",
    "fifth 5 5th",
    "price cost charge pric fee",
    "pay paid paying",
    "cheap cheaper lower cut reduc slash",
    "raise rais fund round invest investment investor backer",
    "valuation valu worth",
    "ceo chief executive boss head",
    # a leaderboard's "Organisation" or "Provider" column says who made the row's model
    "maker make made develop developer creat creator behind own owner vendor "
    "organisation organization provider",
    "revenue sal",
    "licence licens license",
    "launch releas unveil introduc debut ship",
    "start begin began begun commenc",
    "buy acquir acquisition purchas sell sold",  # a deal has two sides: "sold X to Y"
    "sue sued suing lawsuit su litigation",
    "ban prohibit",
    "investigat investigation probe inquiry enquiry",
    "reopen resum restor relaunch",
    "parameter param",
    "chip accelerator gpu",
    "discontinu shut withdr paus shelv halt availabl availability retir unavailabl status "
    "sunset deprecat chopping",  # "on the chopping block": to be discontinued
    "drop fall fell declin plung slump slid tumbl sank",
    "rise rose gain climb jump soar surg",
    "biggest largest greatest",
    "rival competitor compet competition",
    "approv approval authoriz authoris register registration certifi greenlit",
    "hour hr hourly",  # "$3.59/hr" says an hourly price
    "month mo monthly",
    "week wk weekly",
]


def _build_concepts() -> dict[str, str]:
    concepts: dict[str, str] = {}
    for group in _SYNONYM_GROUPS:
        # a word written as its stem ("releas") is kept as written too: the stemmer would
        # shorten it again ("relea"), and "released" is read as "releas"
        words = [
            w
            for raw in group.split()
            for w in dict.fromkeys([*(tokenize(raw, keep_stopwords=True) or [raw]), raw])
            if "-" not in w or w == raw
        ]
        head = words[0]
        for w in words:
            concepts.setdefault(w, head)
    return concepts


CONCEPTS = _build_concepts()


def concepts_of(tokens: Iterable[str]) -> set[str]:
    """Tokens with synonyms folded onto one concept each (the token itself is kept too)."""
    out: set[str] = set()
    for t in tokens:
        out.add(t)
        if t in CONCEPTS:
            out.add("~" + CONCEPTS[t])
    return out


_AMOUNT = re.compile(
    r"[$€£]\s?\d[\d,.]*\s*(?:billion|million|trillion|bn|m|k)?|\b\d+(?:[.,]\d+)+"
    r"\s*(?:billion|million|trillion|%|percent)?|\b\d+\s*(?:%|percent)"
)


def exact_phrases(text: str) -> list[re.Pattern[str]]:
    """Patterns for the parts of a query that must match literally: amounts, versioned names
    and model codes."""
    patterns = [version_pattern(v) for v in versions_in(text)]
    for m in _MONTH_YEAR.finditer(text):  # "May 2024" must find the row that says it
        patterns.append(re.compile(rf"\b{m.group(1)[:3].lower()}[a-z]*\.?\s+{m.group(2)}\b"))
    for m in _AMOUNT.finditer(text):
        phrase = normalize(m.group(0).strip())
        patterns.append(
            re.compile(r"(?<![\w.])" + re.escape(phrase).replace(r"\ ", r"\s*") + r"(?![\d])")
        )
    return patterns
