"""Acquisitions, investments, partnerships and legal actions, read from one sentence of prose
(kb.marketfacts calls each reader on every sentence with a trigger word)."""

from __future__ import annotations

import re

from kb.entities import entity_key
from kb.factclauses import AMOUNT_FILLER, clause_span
from kb.factfields import Found, fact_fields, money_fields
from kb.factnames import (
    ORG_KINDS,
    DocNames,
    Name,
    Referents,
    canonical,
    first_org,
    lead_name,
    plausible,
    regions_in,
    subject_of,
)
from kb.tablerows import CURRENCY_SIGN, find_money
from kb.vocabulary import MONTH_RE

_ACQUIRE = re.compile(
    r"\b(?:(?:agreed|agrees|agreeing|plans?|planned|offered|set|moved|decided|is to|"
    r"was to) to (?:acquire|buy|purchase)|"
    r"to (?:acquire|buy|purchase)|acquir(?:ed|es)|bought|buys|purchased|"
    r"(?:is|are) (?:buying|acquiring|purchasing)|completed (?:the|"
    r"its) (?:acquisition|purchase) of|takeover of|acquisition of)\b"
)
_PASSIVE_ACQUIRE = re.compile(
    r"\b(?:(?:was|were|is|being|be|been|to be|had been) (?:acquired|bought|purchased)) by\b"
)


def acquisition_facts(
    sentence: str, names: list[Name], ctx: Referents, doc: DocNames
) -> list[Found]:
    money = find_money(sentence)
    passive = _PASSIVE_ACQUIRE.search(sentence)
    m = passive or _ACQUIRE.search(sentence)
    if not m:
        return []
    a, b = m.start(), m.end()
    if re.match(r"\s+an?\s+(?:[\w.%-]+\s+)?stake\b", sentence[b:]):
        return []  # "bought a 10% stake in X": an investment (investment_facts)
    _, end = clause_span(sentence, a, b)
    if passive:
        by = first_org(names, b, end)
        acquirer = by.name if by else ""
        target = subject_of(sentence, names, a, ctx)
    else:
        rel = re.search(
            r"\bwhich\s+(?P<who>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*|it)\s+(?:had\s+|has\s+)?$",
            sentence[max(0, a - 60) : a],
        )
        if rel:
            who = rel.group("who")
            acquirer = ctx.company if who == "it" else doc.fold(canonical(who))
            first = first_org(names, 0, a, skip=acquirer)
            target = first.name if first else ""
        else:
            acquirer = subject_of(sentence, names, a, ctx)
            obj = first_org(names, b, end)
            target = obj.name if obj and obj.start - b < 40 else ""
            if obj and re.search(r"\bfrom\b", sentence[b : obj.start]):
                target = ""  # "chips bought from Nvidia": Nvidia sold, it was not bought
            if not target and re.match(r"\s+it\b", sentence[b:]):
                target = ctx.company
    if not acquirer or not target or entity_key(acquirer) == entity_key(target):
        return []
    price = next(
        (
            x
            for x in money
            if x.start > b
            and re.search(
                r"\bfor\s+(?:about\s+|up to\s+|roughly\s+)?$",
                sentence[max(0, x.start - 20) : x.start],
            )
        ),
        None,
    )
    fields = fact_fields("acquisition", acquirer=acquirer, target=target, **money_fields(price))
    return [Found("acquisition", a, b, fields, (acquirer, target), committed=True)]


_INVEST = re.compile(
    rf"\b(?:invest(?:ed|s|ing)?|spend(?:s|ing)?|committed|commits|"
    rf"pledged)\s+{AMOUNT_FILLER}(?={CURRENCY_SIGN}|(?:USD|EUR|GBP)\s?\d)"
)
_INVEST_IN = re.compile(r"\binvest(?:ed|s|ing)?\s+(?:heavily\s+|\w+ly\s+)?in\s+(?=[A-Z])")
_STAKE = re.compile(
    r"\b(?:took|takes|taking|bought|buys|acquired|holds|held)\s+an?\s+(?:\d+(?:\.\d+)?%\s+|"
    r"(?:minority|majority|small|large|controlling)\s+)?stake\s+in\s+(?=[A-Z])"
)
_BUILDOUT = re.compile(
    r"(?P<what>(?:(?:global|AI|cloud|new|data[- ]cent(?:re|er)|infrastructure|"
    r"computing)\s+){1,4}(?:buildout|build-out|investment|expansion|spending plan|programme|"
    r"program))\b"
)


def investment_facts(
    sentence: str, names: list[Name], ctx: Referents, doc: DocNames
) -> list[Found]:
    money = find_money(sentence)
    m = _INVEST.search(sentence)
    amount = None
    target = purpose = ""
    if m:
        amount = next((x for x in money if x.start == m.end()), None)
        a, b = m.start(), m.end()
        rest = sentence[amount.end if amount else b :]
        obj = re.match(
            r"\s+(?:in|into|on)\s+(?:a\s+|an\s+|the\s+|its\s+)?(?P<o>[^,.;]{3,90})", rest
        )
        if obj:
            o = obj.group("o").strip()
            o = re.split(
                r"\s+(?:over|by|in|from|during|through)\s+(?:the\s+)?(?:next|\d|its|20\d\d|"
                + MONTH_RE
                + r")",
                o,
            )[0]
            if re.match(r"(?:Series [A-K]\b|seed\b|(?:[\w-]+ )?(?:round|funding)\b)", o):
                # "took a stake in Prism Forge, investing $60 million in its Series B": the
                # round of the company named before
                named = [
                    n for n in names if n.end <= a and n.kind in (*ORG_KINDS, "", "model", "person")
                ]
                target = named[-1].name if len(named) >= 2 or _STAKE.search(sentence) else ""
            elif o[:1].isupper() and not regions_in(o.split()[0]):
                target = doc.fold(canonical(re.split(r"\s+(?:to|for)\s+", o)[0]))
            else:
                purpose = o
    elif (m := _INVEST_IN.search(sentence) or _STAKE.search(sentence)) is not None:
        a, b = m.start(), m.end()
        org = first_org(names, b)
        if org is None or org.start != b:
            return []
        target = org.name
    else:
        build = _BUILDOUT.search(sentence)
        if not build:
            return []
        amount = next(
            (x for x in money if re.fullmatch(r"\s*", sentence[x.end : build.start()])), None
        )
        if amount is None:
            return []
        a, b = amount.start, build.end()
        purpose = build.group("what")
    investor = ""
    rel = re.search(
        r"(?P<t>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*),?\s+in which\s+(?:it|they|"
        r"\w+)\s+(?:had\s+|has\s+)?$",
        sentence[:a],
    )
    if rel:
        target = doc.fold(canonical(rel.group("t")))
        other = first_org(names, 0, rel.start(), skip=target)
        investor = other.name if other else ctx.company
    else:
        investor = subject_of(sentence, names, a, ctx)
        if (
            investor
            and (lead := lead_name(sentence, names))
            and lead.kind == "model"
            and lead.name == investor
        ):
            investor = doc.vendor_of(investor) or ctx.company
        if not investor:
            lead = lead_name(sentence, names)
            investor = (
                doc.vendor_of(lead.name) if lead and lead.kind == "model" else ""
            ) or ctx.company
    if not investor or (amount is None and not target):
        return []
    fields = fact_fields(
        "investment", investor=investor, target=target, **money_fields(amount), purpose=purpose
    )
    return [
        Found("investment", a, b, fields, tuple(x for x in (investor, target) if x), committed=True)
    ]


_PARTNER = re.compile(
    r"\b(?:partner(?:ed|s|ing)?|team(?:s|ed)? up|collaborat(?:e|es|ed|ing)|"
    r"(?:partnership|alliance|collaboration|integration|joint venture|(?:supply|licensing|"
    r"distribution) (?:agreement|deal)s?|deals?|agreements?))\s+with\s+"
)


def partnership_facts(
    sentence: str, names: list[Name], ctx: Referents, doc: DocNames
) -> list[Found]:
    m = _PARTNER.search(sentence)
    if not m:
        return []
    a, b = m.start(), m.end()
    if re.search(r"\b(?:talks|seek|negotiat)", sentence[max(0, a - 30) : a]):
        return []
    # the partners run to the end of the clause or to an appositive ("Lusa Energia, a
    # Portuguese utility, which ..."); a name tagged as a person is a partner too (the tagger
    # often reads an unknown company as one), a lone capitalised word only if it acts like a name
    stop = re.search(
        r"\s+(?:to|which|that|who|under|for)\s+|[;.]|,\s+(?:a|an|the|its|which)\s", sentence[b:]
    )
    end = b + (stop.start() if stop else len(sentence) - b)
    parties = [
        n.name
        for n in names
        if b <= n.start < end
        and (n.kind in (*ORG_KINDS, "model", "person") or (n.kind == "" and plausible(n, sentence)))
        and not regions_in(n.name)
    ]
    subject = subject_of(sentence, names, a, ctx)
    if not subject or not parties:
        return []
    parties = [subject] + [p for p in parties if entity_key(p) != entity_key(subject)]
    purpose = ""
    if p := re.search(
        r"\b(?:to|which will|that will|who will|will)\s+(?P<p>[a-z][^.;]{3,140})", sentence[b:]
    ):
        purpose = p.group("p").strip()
    fields = fact_fields("partnership", parties=parties, purpose=purpose)
    return [Found("partnership", a, b, fields, tuple(parties))]


TOPICS = [
    ("copyright", r"copyright|pirated|infring"),
    ("privacy", r"privacy|personal data|data protection|users' data|GDPR"),
    ("antitrust", r"antitrust|competition law|monopol"),
    ("patent", r"patent"),
    ("defamation", r"defamation|libel"),
    ("trademark", r"trademark"),
    ("safety", r"safety"),
]
_LEGAL = [
    (
        "lawsuit",
        re.compile(
            r"\b(?:sued|sues|sue|suing)\s+|\b(?:filed|brought|brings|files)\s+(?:a|"
            r"an)\s+(?:[\w-]+\s+){0,2}(?:lawsuit|suit|complaint|class action)\s+against\s+|"
            r"['’]s?\s+(?:lawsuit|suit)\s+against\s+"
        ),
    ),
    (
        "fine",
        re.compile(
            r"\bfined\s+|\bfines\s+(?=[A-Z])|\b(?:imposed|"
            r"issued)\s+an?\s+(?=[$€£\d][^.]{0,30}fine\s+on)"
        ),
    ),
    (
        "settlement",
        re.compile(
            r"\b(?:agreed|agrees|to) (?:to )?pay\s+(?=[^.]{0,40}\bto settle\b)|"
            r"\bsettled\s+(?:the|a|its)\s+"
        ),
    ),
    ("ruling", re.compile(r"\b(?:ruled|rules|found) that\s+")),
    ("order", re.compile(r"\bordered\s+(?=[A-Z])")),
    (
        "investigation",
        re.compile(
            r"\b(?:opened|launched|began|started|opens)\s+an?\s+(?:investigation|inquiry|"
            r"probe)\s+into\s+|\binvestigating\s+(?=[A-Z])"
        ),
    ),
]


# Words one of which every match of each action's pattern holds: a sentence with none of them
# is not searched for that action (most sentences read for facts hold none). Keep in step.
_LEGAL_WORDS = {
    "lawsuit": ("sue", "suing", "suit", "complaint", "class action"),
    "fine": ("fine",),
    "settlement": ("pay", "settled"),
    "ruling": ("ruled that", "rules that", "found that"),
    "order": ("ordered",),
    "investigation": ("investigation", "inquiry", "probe", "investigating"),
}


_AUTHORITY_REF = re.compile(
    r"\b(?:the|its) (?:[\w-]+ )?(?:board|regulator|authority|watchdog|agency|commission|court|"
    r"judge|council|ministry|tribunal|office)\b",
    re.I,
)


def _topic_of(sentence: str) -> str:
    """The topic a legal sentence names: read only for a sentence that states a legal fact."""
    return next((t for t, p in TOPICS if re.search(p, sentence, re.I)), "")


def legal_facts(sentence: str, names: list[Name], ctx: Referents, doc: DocNames) -> list[Found]:
    found = []
    money = find_money(sentence)
    for action, pattern in _LEGAL:
        if not any(w in sentence for w in _LEGAL_WORDS[action]):
            continue
        m = pattern.search(sentence)
        if not m:
            continue
        a, b = m.start(), m.end()
        _, end = clause_span(sentence, a, b)
        subject = subject_of(sentence, names, a, ctx, kinds=(*ORG_KINDS, "place", "person", ""))
        if action == "lawsuit" and sentence[a] in "'’":
            before = [n for n in names if n.end <= a + 1]
            subject = before[-1].name if before else subject
        defendants = []
        stop = re.search(
            r"\s+(?:to|for|over|in|on|after|which|who|accusing)\s+|[;,.]\s", sentence[b:]
        )
        obj_end = b + (stop.start() if stop else len(sentence) - b)
        for n in names:
            if (
                b <= n.start <= obj_end + 1
                and n.kind in (*ORG_KINDS, "", "model", "person")
                and n.name != subject
            ):
                defendants.append(n.name)
        if action in ("settlement",):
            defendants, subject = [subject], ""
            by = re.search(
                r"\bbrought by\s+(?:the\s+)?(?P<p>[\w' -]{2,40}?)(?=\s+who|,|\.|$)", sentence
            )
            subject = by.group("p") if by else ""
        if action in ("lawsuit", "fine", "order", "investigation") and not defendants:
            continue
        if not subject and _AUTHORITY_REF.search(sentence[:a]):
            subject = ctx.authority  # "The board also ordered Larkspur to ..."
        if not subject and action not in ("settlement",):
            continue
        amount = (
            next((x for x in money if x.start >= b - 1), None)
            if action in ("fine", "settlement")
            else None
        )
        outcome = ""
        if action == "ruling":
            outcome = sentence[b:end].strip()
        elif action == "order":
            to = re.search(
                r"\bto\s+(?P<o>[^.;]+?)(?=\s+on\s+" + MONTH_RE + r"|[.;]|,\s|$)", sentence[b:]
            )
            outcome = to.group("o") if to else ""
        elif action == "settlement":
            outcome = "settled"
        fields = fact_fields(
            "legal",
            action=action,
            plaintiff=subject,
            defendant=" and ".join(defendants),
            **money_fields(amount),
            topic=_topic_of(sentence),
            outcome=outcome,
        )
        found.append(Found("legal", a, b, fields, tuple(x for x in (subject, *defendants) if x)))
    case = re.search(
        r"\b(?P<p>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*) v\.? (?P<d>[A-Z][\w.-]+(?: [A-Z][\w.-]+)*)",
        sentence,
    )
    if case and not found and re.search(r"\b(?:lawsuit|suit|case)\b", sentence):
        fields = fact_fields(
            "legal",
            action="lawsuit",
            plaintiff=case["p"],
            defendant=doc.fold(case["d"]),
            topic=_topic_of(sentence),
        )
        found.append(
            Found("legal", case.start(), case.end(), fields, (case["p"], doc.fold(case["d"])))
        )
    return found
