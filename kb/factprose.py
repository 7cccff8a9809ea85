"""Funding rounds, prices, launches and status changes, read from one sentence of prose
(kb.marketfacts calls each reader on every sentence with a trigger word)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kb.entities import entity_key
from kb.factclauses import AMOUNT_FILLER, clause_span
from kb.factfields import Found, fact_fields, money_fields
from kb.factnames import (
    NAME_LIST,
    ORG_KINDS,
    PRODUCT_REF,
    DocNames,
    Name,
    Referents,
    canonical,
    lead_name,
    plausible,
    products_in,
    regions_in,
    split_names,
    subject_of,
    vendor_for,
)
from kb.tablerows import CURRENCY_SIGN, Money, find_money
from kb.vocabulary import MONTH_RE, ROUND_NAME, is_round_name

_RAISE = re.compile(
    rf"\b(?:rais(?:ed|es|e|ing)|secured|secures|landed|pulled in|took in|"
    rf"brought in)\s+{AMOUNT_FILLER}(?={CURRENCY_SIGN}|(?:USD|EUR|GBP)\s?\d|\d[\d.,]*\s?(?:million|"
    rf"billion|[mbMB])?\s?(?:euros|dollars|pounds))"
)
_CLOSED = re.compile(
    rf"\b(?:closed|closes|completed|announced|finali[sz]ed)\s+{AMOUNT_FILLER}(?={CURRENCY_SIGN}|(?:USD|"
    rf"EUR|GBP)\s?\d)"
)
_NOMINAL_ROUND = re.compile(
    rf"(?:\b(?:[Aa]n?|[Ii]ts|[Tt]heir|[Tt]he)\s+|['’]s?\s+){AMOUNT_FILLER}(?=(?:{CURRENCY_SIGN}|(?:USD|EUR|GBP)\s?)"
    rf"[\d.,]+\s?(?:million|billion|[mbMB])?\s+(?:{ROUND_NAME})\b)"
)
_RAISE_ROUND = re.compile(
    r"\brais(?:ed|es|ing)\s+(?:a|an|its|the)\s+(?:new\s+)?(?=Series [A-K]\b|seed\b)|\brais(?:ed|"
    r"es|ing|e)\s+(?:money|funds|capital)\b"
)
_RAISE_FUTURE = re.compile(
    r"\b(?:to|could|would|will|may|might)\s+raise\b(?!\s+(?:the\s+|its\s+|their\s+)?(?:price|"
    r"prices|rates?|concerns?|questions?|capital spending))"
)
_ROUND = re.compile(
    r"\b(Series [A-K]\d?\b(?: extension)?|pre-seed|seed)(?= round| funding| financing|\b)"
)
_VALUATION_BEFORE = re.compile(
    r"(?:valu(?:ation|ed|ing)\b[^$€£.;]{0,30}|at a (?:post-money |pre-money )?)$", re.I
)
_VALUATION_AFTER = re.compile(r"^\s*(?:post-money |pre-money )?valuation", re.I)
INVESTORS = [
    re.compile(
        r"\b(?:co-led by|led by|backed by|investors? (?:including|such as|like)|"
        r"participation (?:from|of)|funding from|investment from|from investors including)\s+"
        + NAME_LIST
    ),
    re.compile(
        r"\bwith\s+" + NAME_LIST + r"\s+(?:as co-leads|also investing|participating|joining)"
    ),
]
LED_ROUND = re.compile(
    r"^(?:The|Its|This|Our) (?:\w+ )?(?:round|raise|financing) (?:was|is|has been) "
    r"(?:co-)?led by\s+" + NAME_LIST  # "The round is led by Quintal Partners, with ..."
)


def funding_facts(sentence: str, names: list[Name], ctx: Referents, doc: DocNames) -> list[Found]:
    money = find_money(sentence)
    listed = _listed_rounds(sentence, money)
    if len(listed) >= 2:
        return _round_list_facts(sentence, listed, names, ctx, doc)
    trigger = None
    amount: Money | None = None
    for pattern in (_RAISE, _CLOSED):
        for m in pattern.finditer(sentence):
            after = [x for x in money if x.start == m.end()]
            if not after:
                continue
            if pattern is _CLOSED and not re.match(
                r"\s*(?:[\w-]+\s+){0,3}?(?:round|raise|financing|funding|Series [A-K]\b|seed\b)",
                sentence[after[0].end :],
            ):
                continue
            trigger, amount = m, after[0]
            break
        if trigger:
            break
    nominal = None
    roundup = None
    leader = None
    if trigger is None:
        trigger = _RAISE_ROUND.search(sentence) or _RAISE_FUTURE.search(sentence)
        if trigger is None and (roundup := _ROUNDUP.match(sentence)):
            amount = next((x for x in money if x.start == roundup.end()), None)
            trigger = roundup if amount is not None else None
        if trigger is None:
            nominal = _NOMINAL_ROUND.search(sentence)
            amount = next((x for x in money if nominal and x.start == nominal.end()), None)
            if nominal is None or amount is None:
                return []
            trigger = nominal
    a, b = trigger.start(), trigger.end()
    if amount is not None and (
        _IN_TOTAL.match(sentence[amount.end :]) or _TOTAL_FIRST.match(sentence)
    ):
        # "has now raised $310m in total", "In total X raised $135.5 million across the three
        # rounds": all its rounds together, not one
        return []
    if (
        amount is None
        and trigger.re is _RAISE_FUTURE
        and not re.search(r"\b(?:round|funding|money|capital|again)\b", sentence[b : b + 60])
    ):
        return []
    company = doc.fold(canonical(roundup["n"])) if roundup else subject_of(sentence, names, a, ctx)
    if nominal is not None:
        # "after a $45 million Series B in June": the round of the company the text is about,
        # or of the one it names ("Quenta's $45 million Series B", "a $5 million seed round
        # in Kivo Labs")
        owner = re.search(r"(?P<n>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*)['’]s?\s+$", sentence[:a])
        into = re.match(
            r"\s*(?:[\w-]+\s+){0,3}?(?:round|funding|financing)?\s*(?:in|for|into)\s+"
            r"(?P<n>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*)",
            sentence[amount.end if amount else b :],
        )
        named = owner or into
        # "Copperbeck Capital led a $22 million Series A": an investor's lead, in the round of
        # the company the text is about
        leader = _LED_BEFORE.search(sentence[:a])
        if named and not regions_in(named["n"]) and not re.match(MONTH_RE, named["n"], re.I):
            company = doc.fold(canonical(named["n"]))
        elif (leader and (ctx.host or ctx.company)) or not [
            n for n in names if n.end <= a and n.kind in (*ORG_KINDS, "")
        ]:
            company = ctx.host or ctx.company
        elif lead_name(sentence, names) is None:
            return []
    if company and is_round_name(company):
        company = ctx.host or ctx.company  # "Quillet AI: Series A. ... It raised": no company
    if not company:
        return []
    future = trigger.re is _RAISE_FUTURE
    rounds = [m for m in _ROUND.finditer(sentence) if m.start() >= a] or (
        [] if future else list(_ROUND.finditer(sentence))
    )
    rnd = rounds[0].group(1) if rounds else ""
    valuation = _valuation_in(sentence, [x for x in money if x is not amount])
    investors = [] if future else _investors_in(sentence, INVESTORS, company, doc)
    if nominal is not None and leader and company != canonical(leader["n"]):
        investors = list(dict.fromkeys([canonical(leader["n"]), *investors]))
    fields = _round_fields(company, rnd, amount, valuation, investors)
    return [Found("funding", a, b, fields, (company, *investors))]


_LED_BEFORE = re.compile(r"(?P<n>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*)*)\s+(?:co-)?led\s+$")
_ALL_TOLD = r"in total|in all|all told|altogether"  # "In total X raised ...", "$310m in all"
_TOTAL_FIRST = re.compile(rf"\s*(?:{_ALL_TOLD})\b", re.I)
_IN_TOTAL = re.compile(
    rf"\s*(?:{_ALL_TOLD}|to date|so far|overall|across (?:its |the |all )?(?:\w+ )?"
    r"(?:rounds|raises))\b",
    re.I,
)


def _round_fields(
    company: str,
    round_name: str,
    amount: Money | None,
    valuation: Money | None,
    investors: list[str],
) -> dict[str, Any]:
    """A funding fact's fields; with no amount, the valuation's currency."""
    fields = fact_fields(
        "funding",
        company=company,
        round=round_name,
        **money_fields(amount),
        valuation=valuation.value if valuation else None,
        valuation_text=valuation.text if valuation else "",
        investors=investors,
    )
    if amount is None and valuation is not None:
        fields["currency"] = valuation.currency
    return fields


def _valuation_in(text: str, money: Sequence[Money]) -> Money | None:
    """The first of these amounts the text calls a valuation ("at a $540 million post-money
    valuation", "valued at $1.1 billion")."""
    return next(
        (
            x
            for x in money
            if _VALUATION_BEFORE.search(text[max(0, x.start - 40) : x.start])
            or _VALUATION_AFTER.match(text[x.end :])
        ),
        None,
    )


def _investors_in(
    text: str, patterns: Sequence[re.Pattern[str]], company: str, doc: DocNames
) -> list[str]:
    """The investors the patterns find in the text ("led by X", "from Y"), in order, not the
    company itself."""
    investors: list[str] = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            for name in split_names(m.group("names"), doc):
                if name not in investors and entity_key(name) != entity_key(company):
                    investors.append(name)
    return investors


# a roundup's line: the company, what it is, a dash, then its round ("Carrick AI (Petrel
# models) — $220M Series C, led by ...", "Clerkwise · legal AI · London — £9m Series A")
_ROUNDUP = re.compile(
    r"^\W*(?P<n>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})(?:\s*\([^)]{0,60}\)|\s*·[^—–\n]{0,60}?)*"
    r"\s+[—–]\s+(?=(?:[$€£¥₹]|[A-Z]{1,3}\$)\s?[\d.,]+\s?(?:[mbkMBK]|bn|million|billion)?\s+"
    rf"(?:{ROUND_NAME})\b)"
)
# a round named with its amount after it: "a Series A of $18 million", "Seed of $4 million"
_ROUND_OF = re.compile(rf"\b({ROUND_NAME})(?:\s+round)?\s+of\s+$", re.I)
# ... or before it: "a $45 million Series B"
_ROUND_AFTER = re.compile(rf"^\s+({ROUND_NAME})\b", re.I)


# in a list of rounds, who a round came from: "Seed of $4 million in 2023 from Pebblecove"
_FROM_INVESTORS = re.compile(r"\bfrom\s+" + NAME_LIST)


def _listed_rounds(sentence: str, money: list[Money]) -> list[tuple[str, Money, int]]:
    """The rounds a sentence names each with its amount, as (round, amount, where the
    mention starts), in order: "Seed of $4 million in 2023, a Series A of $18 million in
    2024 led by Linnet Ventures, and the Series B of $64 million in April 2026"."""
    out = []
    for m in money:
        before = _ROUND_OF.search(sentence[max(0, m.start - 30) : m.start])
        after = _ROUND_AFTER.match(sentence[m.end :])
        if before:
            out.append((before.group(1), m, m.start - len(before.group(0))))
        elif after:
            out.append((after.group(1), m, m.start))
    return out


def _round_list_facts(
    sentence: str,
    listed: list[tuple[str, Money, int]],
    names: list[Name],
    ctx: Referents,
    doc: DocNames,
) -> list[Found]:
    """One funding fact per round of a sentence that lists a company's rounds, each with the
    amount, date and investors of its own stretch of the sentence."""
    first = listed[0][2]
    company = subject_of(sentence, names, first, ctx) if lead_name(sentence, names) else ""
    company = company or ctx.host or ctx.company
    if not company:
        return []
    found = []
    for i, (rnd, amount, start) in enumerate(listed):
        end = listed[i + 1][2] if i + 1 < len(listed) else len(sentence)
        stretch = sentence[start:end]
        investors = _investors_in(stretch, (*INVESTORS, _FROM_INVESTORS), company, doc)
        round_name = (
            rnd if rnd[0].isupper() and rnd.lower() not in ("seed", "pre-seed") else rnd.lower()
        )
        valuation = _valuation_in(stretch, find_money(stretch))
        fields = _round_fields(company, round_name, amount, valuation, investors)
        found.append(Found("funding", start, amount.end, fields, (company, *investors)))
    return found


_UNIT = re.compile(
    r"^\s*(?:per|a|an|/|each|for each)\s*(?P<unit>"
    r"(?:1M|1 ?million|million|one million|M)\s+(?:(?P<io>input|output|prompt|"
    r"completion)(?:\s*/\s*(?:input|output|completion))?\s+)?(?:tokens?|characters)"
    r"|(?:1,000|1K|1k|thousand|one thousand)\s+(?:(?P<io2>input|output)\s+)?(?:tokens?|characters)"
    r"|(?:[\w-]+\s+){0,2}?(?:second|minute|hour|image|month|year|request|call|query|seat|user|"
    r"page|task|GB|TB|clip|video)s?"
    r"(?:\s+(?:of\s+(?:generated\s+)?(?:video|audio)|per\s+(?:call leg|month|user|"
    r"year)))?)(?![\w-])",
    re.I,
)
_PRICE_CUT = re.compile(
    r"\b(?:cut|cuts|lower(?:ed|s)?|reduc(?:ed|es|tion)|slash(?:ed|es)?|fell|falls|drop(?:ped|s)?|"
    r"down|cheaper)\b",
    re.I,
)
_PRICE_RISE = re.compile(r"\b(?:rais(?:ed|es)|rose|rises|increas(?:ed|es)|hik(?:ed|es)|up)\b", re.I)
_PERCENT = re.compile(r"(?:by\s+)?([+\-−]?\d+(?:\.\d+)?)\s?%")


def _unit(m: re.Match[str]) -> str:
    unit = " ".join(m["unit"].split())
    low = unit.lower()
    io = (m["io"] or m["io2"] or "").lower()
    io = {"prompt": "input", "completion": "output"}.get(io, io)
    if "token" in low or "character" in low:
        thing = "tokens" if "token" in low else "characters"
        scale = "1K" if re.match(r"(?:1,000|1k|thousand|one thousand)", low) else "1M"
        return f"{scale} {io + ' ' if io else ''}{thing}"
    for plain in ("second", "minute", "image", "month", "year", "request"):
        if re.fullmatch(rf"{plain}s?(?: of .*)?", low):
            return plain
    return unit


_PAYS = re.compile(r"\b(?:pay|pays|paid|costs?|charged?|charges|priced)\b")
_HARDWARE = re.compile(
    r"\b(?:(?:Nvidia|AMD|Intel|Google)\s+)?(?:[A-Z]{1,2}\d{2,4}X?|MI\d{3}X?|TPU\s?v?\d+\w*|"
    r"Gaudi\s?\d)\b"
)


def price_facts(sentence: str, names: list[Name], ctx: Referents, doc: DocNames) -> list[Found]:
    money = find_money(sentence)
    if not money:
        return []
    priced: list[tuple[Money, str, re.Match[str] | None, int]] = []  # and where the unit is
    converted: dict[int, Money] = {}  # an amount's conversion: "0.8 yuan ($0.11) per ..."
    for i, m in enumerate(money):
        if any(c is m for c in converted.values()):
            continue
        unit_at = m.end
        if i + 1 < len(money) and (conv := _conversion(sentence, m, money[i + 1])):
            converted[m.start], unit_at = money[i + 1], conv
        u = _UNIT.match(sentence[unit_at:])
        pair = i + 1 < len(money) and re.fullmatch(r"\s*/\s*", sentence[m.end : money[i + 1].start])
        if not u and pair and (shared := _UNIT.match(sentence[money[i + 1].end :])):
            # "$6 / $24 per million input / output tokens": the first is the input price
            unit = _unit(shared)
            if "tokens" in unit:
                unit = re.sub(r" (?:input |output )?tokens", " input tokens", unit)
            priced.append((m, unit, None, unit_at))
        elif u:
            unit = _unit(u)
            after_pair = i > 0 and re.fullmatch(r"\s*/\s*", sentence[money[i - 1].end : m.start])
            if after_pair and "tokens" in unit and "input" in unit:
                unit = unit.replace("input", "output")  # the second of the pair
            priced.append((m, unit, u, unit_at))
        elif i + 1 < len(money) and re.fullmatch(r"\s*to\s*", sentence[m.end : money[i + 1].start]):
            continue  # "from $0.12 to $0.08 per second": the unit follows the second amount
    if not priced:
        return []
    found = []
    olds: list[float] = []
    down_from = re.search(r"\b(?:down|up) from\s+((?:[^,.;]|\.\d)+)", sentence)
    if down_from:
        olds = [m.value for m in find_money(down_from.group(1))]
        start = down_from.start(1)
        priced = [p for p in priced if p[0].start < start]
    last_product, last_end = "", 0
    for idx, (m, unit, u, unit_at) in enumerate(priced):
        end = unit_at + (u.end() if u else 0)
        if re.search(r"\bfrom\s+$", sentence[max(0, m.start - 6) : m.start]) and re.match(
            r"\s+to\s+[$€£¥\d]", sentence[end:]
        ):
            continue  # "from $29 per month to $24 per month": the old price of the next one
        old = None
        pre = sentence[max(0, m.start - 40) : m.start]
        frm = re.search(r"\bfrom\s+$|\bto\s+$", pre)
        if frm and frm.group(0).startswith("to"):
            prev = [
                x
                for x in money
                if x.end <= m.start
                and re.fullmatch(r"\s*(?:per [\w ]+?)?\s*to\s+", sentence[x.end : m.start])
            ]
            if prev:
                old = prev[-1].value
        if old is None and olds and idx < len(olds):
            old = olds[idx]
        earlier_end = end  # "(previously $0.009 for Vox 2, ...)": the old price, and whose
        if prev_m := re.match(r"\s*\(?(?:previously|was|from)\s+", sentence[end:]):
            if old is None:
                nxt = [x for x in money if x.start == end + prev_m.end()]
                old = nxt[0].value if nxt else None
            closing = sentence.find(")", end) if prev_m.group(0).lstrip().startswith("(") else -1
            earlier_end = closing if closing > 0 else clause_span(sentence, m.start, end)[1]
        if unit == "1M tokens" and (
            io := re.findall(r"\b(input|output)\b", sentence[max(0, m.start - 80) : m.start])
        ):
            unit = f"1M {io[-1]} tokens"
        clause_a, clause_b = clause_span(sentence, m.start, end)
        pct = None
        for p in _PERCENT.finditer(sentence[clause_a:clause_b]):
            pct = float(p.group(1).replace("−", "-"))
        if pct is None and idx == 0 and len(priced) <= 2:
            whole = list(_PERCENT.finditer(sentence))
            pct = float(whole[0].group(1).replace("−", "-")) if len(whole) == 1 else None
        if pct is not None and pct > 0:
            cut = _PRICE_CUT.search(sentence)
            rise = _PRICE_RISE.search(sentence)
            if cut and not (rise and rise.start() < cut.start()):
                pct = -pct
            elif not rise and old is None:
                pct = None  # "64% of problems": not a change in price
        if pct is None and old:
            pct = round((m.value - old) / old * 100, 1)
        # the product: "for X" after the price, else the nearest named before it, else after
        product = ""
        after_for = re.match(r"\s+(?:for|on)\s+(?:the\s+)?", sentence[end:])
        following = [
            n for n in products_in(names) if after_for and n.start == end + after_for.end()
        ]
        priced_named = re.search(
            r"\bpriced\s+(?P<p>[A-Z\w][\w.-]*(?:\s[A-Z][\w.-]*)?)\s+(?:,[^,]*,\s*)?at\s*$",
            sentence[: m.start],
        )
        before = products_in(names, 0, m.start)
        if following:
            product = following[0].name
        elif priced_named and not before:
            product = doc.fold(priced_named.group("p"))
        elif before:
            product = before[-1].name
        elif after := products_in(names, earlier_end):
            product = after[0].name
        elif earlier_end > end and products_in(names, end, earlier_end):
            product = ctx.product  # only the predecessor is named: the price is the new one's
        elif PRODUCT_REF.search(sentence[: m.start]) or (
            not [n for n in names if n.start < m.start and n.kind != "place"]
            and _PAYS.search(sentence[: m.start])
        ):
            # "it costs", and "API customers pay $0.06 per second" where no one else is named:
            # the product the text is about
            product = ctx.product
        if last_product and not products_in(names, last_end, m.start) and not following:
            product = last_product  # "priced R1 at $0.55 ... and $2.19 ...": the same product
        if not product:
            continue
        last_product, last_end = product, end
        subject = subject_of(sentence, names, m.start, ctx)
        vendor = vendor_for(product, subject, doc, ctx)
        if re.search(r"\bGPU\b|\b(?:node|instance|server|chip)[- ]hour", unit, re.I):
            # "$2 per GPU hour" prices renting the hardware, not the model trained on it
            chips = [c.group(0) for c in _HARDWARE.finditer(sentence, 0, m.start)]
            chips = chips or [ctx.product] * bool(_HARDWARE.fullmatch(ctx.product))
            if not chips:
                continue
            product, vendor = chips[-1], ""
        fields = fact_fields(
            "price",
            product=product,
            vendor=vendor,
            value=m.value,
            currency=m.currency,
            unit=unit,
            old_value=old,
            change_pct=pct,
            price_text=sentence[m.start : end].strip(),
            usd_value=_in_dollars(m, converted.get(m.start)),
        )
        found.append(Found("price", m.start, end, fields, tuple(x for x in (product, vendor) if x)))
    return found


def _conversion(sentence: str, amount: Money, following: Money) -> int | None:
    """Where the text goes on after an amount's conversion into another currency written
    beside it in brackets ("0.8 yuan ($0.11) per million", "€48m (about $52m)"), if it is
    one."""
    if following.currency == amount.currency:
        return None
    opening = sentence[amount.end : following.start]
    if not re.fullmatch(
        r"\s*\(\s*(?:about|around|roughly|approx\.?|approximately|~|≈)?\s*", opening
    ):
        return None
    closing = re.match(r"\s*\)", sentence[following.end :])
    return following.end + closing.end() if closing else None


def _in_dollars(amount: Money, conversion: Money | None) -> float | None:
    """The amount in US dollars, as the text states it (itself, or its conversion)."""
    if amount.currency == "USD":
        return amount.value
    if conversion is not None and conversion.currency == "USD":
        return conversion.value
    return None


_LAUNCH = re.compile(
    r"\b(?P<v>launch(?:ed|es)?|releas(?:ed|es|e)|unveil(?:ed|s)?|introduc(?:ed|es)|debut(?:ed|s)|"
    r"rolled out|rolls out|started shipping|starts shipping|ship(?:ped|s)|open-sourced|"
    r"previewed|previews|showed|shows|presented|announced|announces|"
    r"made (?:\w+ )?generally available|general availability of)\b"
)
_ACTIONS = [
    (re.compile(r"generally available|general availability", re.I), "generally available"),
    (re.compile(r"open-sourced|open weights|open-weight", re.I), "open-sourced"),
    (re.compile(r"preview|showed|shows|in beta|experimental", re.I), "previewed"),
    (re.compile(r"unveil|announc|present|introduc|debut", re.I), "unveiled"),
    (re.compile(r"releas", re.I), "released"),
]
_PLATFORM = re.compile(
    r"\b(?:through|via|on)\s+(?:the\s+|its\s+|an?\s+)?(?P<p>(?:[A-Z][\w.'’-]*|iOS|Android|"
    r"API)(?:\s+(?:[A-Z][\w.'’-]*|API|app|apps|Marketplace|Studio))*(?:\s+(?:API|app))?)"
)


def _version(product: str) -> str:
    m = re.search(r"(?<![A-Za-z])v?(\d+(?:\.\d+)*[a-z]?)(?:\s|$|-)", product + " ")
    return m.group(1) if m else ""


def _platforms(text: str, regions: list[str]) -> str:
    out = []
    for m in _PLATFORM.finditer(text):
        p = m.group("p").strip()
        if regions_in(p) or re.match(MONTH_RE, p, re.I) or p in ("Monday", "Sunday", "Saturday"):
            continue
        if p not in out:
            out.append(p)
    return ", ".join(out)


_GAP_STOP = frozenset(
    [
        "in",
        "which",
        "that",
        "who",
        "whose",
        "where",
        "when",
        "with",
        "by",
        "for",
        "from",
        "on",
        "at",
        "to",
        "as",
        "than",
        "and",
        "or",
        "but",
        "after",
        "before",
        "while",
    ]
)
_AUX = (
    r"(?:(?:has|have|had|also|then|now|quietly|officially|finally|formally|first|publicly|"
    r"recently|just|today|yesterday|this \w+|last \w+|on \w+(?: \d+)?(?:, \d{4})?,?)\s+)*"
)
_BACKGROUND = re.compile(r"\b(?:after|before|since|until|when|as|once|while)\s+$", re.I)
_LAUNCHER_PRONOUN = re.compile(
    r"\b(?:it|they|the (?:[\w-]+ ){0,2}?(?:company|startup|firm|lab|group|developer|maker|"
    r"vendor))\s+" + _AUX + r"$",
    re.I,
)


_DATE_PHRASE = re.compile(
    rf"\b(?:on|in)\s+(?:{MONTH_RE})\.?(?:\s+\d{{1,2}})?,?(?:\s+\d{{4}})?,?", re.I
)


def _is_object(gap: str) -> bool:
    """Whether the text between a launch verb and a product makes the product its object:
    "launched its new video model, Veo 3" yes, "shows examples in which GPT-4" no."""
    gap = _DATE_PHRASE.sub(" ", gap)
    words = gap.replace(",", " ").split()
    return (
        len(words) <= 6
        and not re.search(r"[;:()]", gap)
        and gap.count(",") <= 1
        and not any(w.lower() in _GAP_STOP for w in words)
    )


def _launcher(sentence: str, names: list[Name], a: int, ctx: Referents) -> str | None:
    """Who launches at sentence[a:]: a company named just before the verb, or "it" / "the
    company"; None when there is neither, or when the launch is background ("a month after
    OpenAI launched GPT-4o")."""
    before = [n for n in names if n.end <= a and n.kind in (*ORG_KINDS, "")]
    if before and re.fullmatch(
        r"\.?(?:['’]s?)?\s*(?:,[^,]{1,80},\s*)?" + _AUX, sentence[before[-1].end : a]
    ):
        n = before[-1]
        if n.kind or plausible(n, sentence):
            return None if _BACKGROUND.search(sentence[: n.start]) else n.name
    pronoun = _LAUNCHER_PRONOUN.search(sentence[:a])
    if pronoun is None or _BACKGROUND.search(sentence[: pronoun.start()]):
        return None
    lead = lead_name(sentence, names)
    if lead and lead.start < pronoun.start() and lead.kind in (*ORG_KINDS, ""):
        return lead.name
    return ctx.company


def launch_facts(sentence: str, names: list[Name], ctx: Referents, doc: DocNames) -> list[Found]:
    found = []
    for m in _LAUNCH.finditer(sentence):
        a, b = m.start(), m.end()
        if re.search(r"\b(?:the|a|an|its|this|that|their|whose)\s+$", sentence[:a], re.I):
            continue  # "The release ended ...": the noun, not the verb
        if re.match(
            r"\s+(?:a|its|the)?\s*(?:partnership|deal|integration|plan|cut|price|results?)\b",
            sentence[b:],
        ):
            continue
        _, end = clause_span(sentence, a, b)
        stop = re.search(
            r",\s+(?:a|an|the|its|which|who|ten|one|two)\b|\s+(?:to|for|"
            r"with)\s+(?:the\s+)?(?:public|subscribers|customers|users|developers)\b",
            sentence[b:end],
        )
        window_end = b + stop.start() if stop else end
        products = [
            n
            for n in products_in(names, b, window_end)
            if not re.search(r"\bby\s+$", sentence[max(0, n.start - 4) : n.start])
        ]
        if products and not _is_object(sentence[b : products[0].start]):
            products = []  # "The complaint shows examples in which GPT-4 ...": not its object
        if not products:
            # "Tidewell Motion 2 launched on ...", "Trillium, which it made generally available"
            start, _ = clause_span(sentence, a, b)
            intransitive = re.match(r"launch|releas|debut|ship|made|roll", m.group("v"))
            just_before = [
                n
                for n in products_in(names, start, a)
                if intransitive
                and re.fullmatch(
                    r"\s*(?:,\s*which\s+(?:it|\w+)\s+|(?:was|is|has been|were)\s+|,?\s*"
                    r"(?:first\s+)?)",
                    sentence[n.end : a],
                )
            ]
            products = just_before[-1:]
        if not products:
            continue
        if m.group("v").startswith(("announc", "show", "present")) and not re.search(
            r"\d|[A-Z]{2}", products[0].name
        ):
            continue  # "announced Copilot features": a launch needs a named, versioned product
        if products[0].start > a:  # "X launched Y": X is a company, or "it"
            subject = _launcher(sentence, names, a, ctx)
            if subject is None:
                continue
        else:  # "Y launched on ...", "Y, which it made generally available"
            subject = subject_of(sentence, names, a, ctx)
        action = next((act for pat, act in _ACTIONS if pat.search(m.group("v"))), "launched")
        if "research preview" in sentence or re.search(r"\bpreview\b", sentence[b:end]):
            action = "previewed"
        tail = sentence[b:end]
        regions = [r for r in regions_in(re.split(r"\bbut not\b", tail)[0])]
        for p in products:
            vendor = vendor_for(p.name, subject if subject != p.name else "", doc, ctx)
            fields = fact_fields(
                "launch",
                vendor=vendor,
                product=p.name,
                version=_version(p.name),
                region=", ".join(regions),
                platform=_platforms(tail, regions),
                action=action,
            )
            found.append(Found("launch", a, b, fields, tuple(x for x in (p.name, vendor) if x)))
        break
    return found


_STATUSES = [
    (
        "unavailable",
        r"not (?:yet |officially |publicly |currently )?available|unavailable|but not in",
    ),
    (
        "discontinued",
        r"discontinu(?:ed|es|e)|shut (?:down|off)|shuts down|shutting down|retired|retires|"
        r"shut (?:it|them) (?:down|off)(?: for good)?|"
        r"retire|(?:is|are|was|were) closing|will close|clos(?:ed|es|ing) down|turn(?:ed|"
        r"s)? off|switch(?:ed|es)? off|withdr(?:ew|awn)|sunset(?:ted|s)?|pulled the plug on|"
        r"pull(?:ed|s)(?=\s+(?:its\s+|the\s+)?[A-Z][^.;]{0,60}?\s+from\b)",
    ),
    ("paused", r"paus(?:ed|es|e)|suspend(?:ed|s)|halted|halts"),
    ("shelved", r"shelved|shelves"),
    (
        "restored",
        r"restor(?:ed|es)|returned to|re-?released|resumed|reinstated|came back|back online|"
        r"re-?enabled|(?:is|are|was|were) back(?= in\b| on\b)",
    ),
    ("banned", r"bann(?:ed|s)|barred"),
    ("blocked", r"block(?:ed|s)"),
    ("delayed", r"delay(?:ed|s)|postpon(?:ed|es)|pushed back|held back"),
    (
        "available",
        r"(?:is|are|was|were|became|become|remains?|remained|now|generally|widely) available|"
        r"available (?:now|today|starting|from)|made available",
    ),
]
# Every phrase starts a word with one of these letters: the lookahead skips all other positions
# at once instead of trying each phrase there (three times faster, the same matches).
_STATUS = re.compile(
    r"\b(?=[abcdghimnprstuw])(?:" + "|".join(rf"(?P<{k}>\b(?:{p})\b)" for k, p in _STATUSES) + ")"
)
_REASON = re.compile(
    r"\b(?:after|because(?: of)?|over|due to|saying|citing|following|amid|while|"
    r"until)\s+(?P<r>[^;]{6,160}?)(?=[.;]|, (?:and|but|while)\b|$)"
)


_LAUNCH_OF = re.compile(
    r"\s+(?:the\s+)?(?:launch|roll-?out|release|sale|availability|debut)\s+of\s+"
    r"(?:its\s+|their\s+|the\s+)?(?P<p>[A-Z][\w.-]*(?:\s+[A-Z0-9][\w.-]*)*)"
)


def status_facts(sentence: str, names: list[Name], ctx: Referents, doc: DocNames) -> list[Found]:
    found = []
    for m in _STATUS.finditer(sentence):
        status = m.lastgroup or ""
        a, b = m.start(), m.end()
        start, end = clause_span(sentence, a, b)
        if status == "unavailable" and m.group(0) == "but not in":
            products = products_in(names, 0, a)[:1]
            end = len(sentence)
        else:
            after = [
                n
                for n in products_in(names, b, end)
                if n.start - b < 50
                and not re.search(r"\b(?:through|via)\s+(?:the\s+)?$", sentence[b : n.start])
                # "Sorrel 2 retires on the Forge API": where it retires, not what
                and not re.match(r"\s*(?:on|in|at|from|across|within)\b", sentence[b : n.start])
            ]
            before = products_in(names, start, a)
            if status in ("available", "unavailable", "restored", "delayed", "blocked") and before:
                products = before[-1:]
            else:
                products = after[:1] or before[-1:]
        if re.match(r"\s+(?:its|their|the)\s+(?:\w+\s+)?plans?\s+to\b", sentence[b:]):
            continue  # "paused its plan to train on posts": a plan, not a product
        obj_pronoun = re.match(r"\s+(?:it|them)\b", sentence[b:]) or re.search(
            r"\b(?:it|them)\b", m.group(0)
        )  # "shut it down": the product spoken of
        launch_of = _LAUNCH_OF.match(sentence[b:])
        if launch_of:  # "delayed the launch of its Meta AI assistant"
            product = doc.fold(canonical(launch_of.group("p")))
        elif obj_pronoun:
            earlier = products_in(names, 0, a)
            product = earlier[0].name if earlier else ctx.product
        elif products:
            product = products[0].name
        elif (
            ctx.product
            and (
                re.match(
                    r"\s+(?:the|this) (?:model|service|app|feature|chatbot|tool|product)\b",
                    sentence[b:],
                )
                or re.match(
                    r"(?:the|this) (?:new |updated )?(?:model|service|app|feature|chatbot|tool|"
                    r"product)s?\b|it\b",
                    sentence[start:a].strip(),
                    re.I,
                )
                # "New sign-ups close November 1st and the service shuts down on January 15th"
                or re.search(
                    r"\band (?:the|this) (?:model|service|app|feature|chatbot|tool|product)"
                    r"(?:\s+(?:will|would|is|was|has|had|to be))*$",
                    sentence[start:a].strip(),
                    re.I,
                )
            )
        ):
            product = ctx.product
        else:
            product = ""
        subject = subject_of(sentence, names, a, ctx)
        if not product and not any(n.name == subject and n.kind in ORG_KINDS for n in names):
            continue
        if not product and status in ("available", "unavailable", "restored"):
            continue
        if not product and "clos" in m.group(0):
            continue  # "is closing its Series B round": a company closes deals too
        if (
            status == "available"
            and not regions_in(sentence[b:end])
            and not re.search(r"\b(?:through|on|via|in)\b", sentence[b:end])
        ):
            continue
        region_text = (
            sentence[b:end]
            if status != "unavailable" or m.group(0) == "but not in"
            else sentence[a:end]
        )
        if status != "unavailable":
            region_text = re.split(r"\bbut not\b", region_text)[0]
        lead_region = [
            r
            for r in regions_in(sentence[start:a])
            if re.search(r"\b(?:international|the E\.?U\.?|EU)\b", sentence[start:a])
        ]
        regions = (
            regions_in(region_text)
            or lead_region
            # a place ingest recognised in the clause ("paused in Austria on 12 June")
            or [n.name for n in names if n.kind == "place" and b <= n.start < end][:1]
        )
        if not regions and ctx.place and re.search(r"\bthere\b", sentence[b:end]):
            regions = [ctx.place]  # "the service resumed there on 1 September"
        if regions:
            ctx.place = regions[0]
        reason = _REASON.search(sentence, b)
        vendor = vendor_for(product, subject if subject != product else "", doc, ctx)
        fields = fact_fields(
            "status",
            product=product,
            vendor=vendor,
            status=status,
            region=", ".join(regions),
            reason=reason.group("r").strip() if reason and status not in ("available",) else "",
        )
        negation_ok = status == "unavailable"
        committed = status == "delayed"
        found.append(
            Found(
                "status",
                a,
                b,
                fields,
                tuple(x for x in (product, vendor) if x),
                committed,
                negation_ok,
            )
        )
    return found
