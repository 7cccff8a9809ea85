"""The one date reader: publication dates in metadata, and the dates sentences state.

Dates are ISO strings at the precision the text gives them: "2025-04-10", "2025-04" or
"2025". Ingest (publication dates), timelines and ranking facts all read dates here, so one
event has one date wherever it is shown.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from kb.vocabulary import MONTH_RE, month_number

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTH_FIRST = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
# "9 July 2025", "the 14th of October, 2026", "14 of October of 2026" (translated Spanish)
_DAY_FIRST = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\.?(?:,|\s+of)?\s+(\d{4})"
)
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})(\d{2})")
# "11/20/2026" (an American export), "20/11/2026", "04.11.2026" (dots: day first, as Europe
# writes it). A slashed date whose day and month could be swapped is not guessed at.
_NUMERIC = re.compile(r"(?<![\w/.])(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?![\d/.])")

DATE_IN_TEXT = re.compile(
    rf"\b{MONTH_RE}\s+\d{{1,2}},?\s+\d{{4}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_RE}(?:,|\s+of)?\s+\d{{4}}\b",
    re.IGNORECASE,
)
"""A full date written out ("July 9, 2025", "9 July 2025")."""


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date(value: object) -> str | None:
    """An ISO day (YYYY-MM-DD) from a date, a datetime or a common written form, else None.

    For metadata (a "Published:" line, an HTML meta tag, a PDF's creation date)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _in_english(str(value).strip())
    if not text:
        return None
    if m := _PDF_DATE.match(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _ISO.search(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if (m := _MONTH_FIRST.search(text)) and (month := month_number(m[1])):
        return _valid(int(m[3]), month, int(m[2]))
    if (m := _DAY_FIRST.search(text)) and (month := month_number(m[2])):
        return _valid(int(m[3]), month, int(m[1]))
    if m := _NUMERIC.search(text):
        first, second, year = int(m[1]), int(m[3]), int(m[4])
        if m[2] == "." or first > 12:
            return _valid(year, second, first)  # day first
        if second > 12:
            return _valid(year, first, second)  # month first
    return None


# month names of the languages whose papers are pasted here (French, German, Spanish,
# Italian, Portuguese, Dutch), for a date line: "Publié le mardi 13 octobre 2026", "3. März"
_FOREIGN_MONTHS = {
    "january": "janvier enero gennaio janeiro januari januar jänner",
    "february": "février fevrier febrero febbraio fevereiro februari februar",
    "march": "mars marzo março maart märz maerz",
    "april": "avril abril aprile",
    "may": "mai mayo maggio maio mei",
    "june": "juin junio giugno junho juni",
    "july": "juillet julio luglio julho juli",
    "august": "août aout agosto augustus",
    "september": "septembre septiembre settembre setembro",
    "october": "octobre octubre ottobre outubro oktober",
    "november": "novembre noviembre novembro",
    "december": "décembre decembre diciembre dicembre dezembro dezember",
}
_FOREIGN_MONTH = {w: english for english, ws in _FOREIGN_MONTHS.items() for w in ws.split()}
_FOREIGN_MONTH_WORD = re.compile(
    r"(?<![\w])(" + "|".join(sorted(_FOREIGN_MONTH, key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)


def _in_english(text: str) -> str:
    """A date line with its month named in English and its day without an ordinal mark
    ("13 octobre 2026" -> "13 october 2026", "3. März" -> "3 march", "1er mai" -> "1 may")."""
    text = _FOREIGN_MONTH_WORD.sub(lambda m: _FOREIGN_MONTH[m.group(1).lower()], text)
    text = _SPANISH_OF.sub(r"\1 \2 \3", text)  # "5 de mayo de 2026"
    return _MARKED_DAY.sub(r"\1 ", text)


_SPANISH_OF = re.compile(r"\b(\d{1,2})\s+de\s+([A-Za-z]+)\s+de\s+(\d{4})\b", re.IGNORECASE)


_MARKED_DAY = re.compile(r"\b(\d{1,2})(?:\.|er|º|°)\s+(?=[A-Za-z])")


def stated_date(text: str, published: str | None) -> str | None:
    """The date a sentence states, to the precision it states it ("As of April 10, 2025" ->
    2025-04-10, "in May 2024" -> 2024-05, "last autumn" -> the year before publication); a
    month without a year is read in the publication year (the year before, if that month is
    still to come). None when the sentence states no date."""
    full = re.search(
        rf"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", text, re.I
    )  # "January 15th, 2027" as well as "January 15, 2027"
    if full and (month := month_number(full[1])):
        return _valid(int(full[3]), month, int(full[2])) or f"{full[3]}-{month:02d}"
    day_first = re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\s+(\d{{4}})\b", text, re.I
    )
    if day_first and (month := month_number(day_first[2])):
        return _valid(int(day_first[3]), month, int(day_first[1])) or f"{day_first[3]}-{month:02d}"
    month_year = re.search(rf"\b({MONTH_RE})\s+(\d{{4}})\b", text, re.I)
    if month_year and (month := month_number(month_year[1])):
        return f"{month_year[2]}-{month:02d}"
    if published and (day := _day_without_year(text, published)):
        return day
    if relative := _relative_year(text, published):
        return relative
    bare = re.search(
        rf"\b(?:in|since|by|early|late|mid-?)\s+(?:early\s+|late\s+|mid-?)?({MONTH_RE})(?!\w)",
        text,
        re.I,
    )
    if bare and published and (month := month_number(bare[1])):
        year = int(published[:4])
        if month > int(published[5:7] or 12):
            year -= 1
        return f"{year}-{month:02d}"
    return None


_MONTH_DAY = re.compile(rf"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\s*\d)", re.I)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE})(?!\s*,?\s*\d)", re.I)
AHEAD_MONTHS = 3  # a day without a year further ahead of publication is last year's


def _day_without_year(text: str, published: str) -> str | None:
    """ "on 12 June", "(Oct 9)", "from November 1": the day in the publication year, or in
    the year before when it would fall more than a few months after publication. A month
    word must be capitalised ("may 5" is a verb and a number)."""
    month, day = None, 0
    if (m := _MONTH_DAY.search(text)) and m[1][:1].isupper():
        month, day = month_number(m[1]), int(m[2])
    elif (m := _DAY_MONTH.search(text)) and m[2][:1].isupper():
        month, day = month_number(m[2]), int(m[1])
    if month is None or not published[:7].replace("-", "").isdigit():
        return None
    year = int(published[:4])
    if month - int(published[5:7]) > AHEAD_MONTHS:
        year -= 1
    return _valid(year, month, day)


def _relative_year(text: str, published: str | None) -> str | None:
    """ "last autumn", "last year" in an article: the year before its publication."""
    if published and re.search(
        r"\blast (?:year|spring|summer|autumn|fall|winter)\b|\ba year (?:ago|earlier)\b", text, re.I
    ):
        return str(int(published[:4]) - 1)
    return None


def period_date(value: str) -> str | None:
    """A table's period cell: "May 2024", "Late March 2024", "Nov-Dec 2024" -> "2024-05" ...,
    "2023" -> "2023"."""
    found = re.search(rf"\b({MONTH_RE})(?:\s*[-/–]\s*{MONTH_RE})?\s+(\d{{4}})\b", value, re.I)
    if found and (month := month_number(found[1])):
        return f"{found[2]}-{month:02d}"
    year = re.search(r"\b(19|20)\d{2}\b", value)
    return year.group(0) if year else None


def display_date(value: str) -> str:
    """ "2025-04-10" -> "on 2025-04-10"; "2025-02" -> "in February 2025"; "2023" -> "in 2023"."""
    if len(value) == 10:
        return f"on {value}"
    if len(value) == 7:
        year, month = value.split("-")
        return f"in {calendar.month_name[int(month)]} {year}"
    return f"in {value}" if value else "undated"


_DATELINE = re.compile(
    rf"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})(?:,|\s+of)?\s+(\d{{4}})\b",
    re.IGNORECASE,
)
DATELINE_WINDOW = 400
"""How far into an article a dateline-like statement is looked for (its first sentences)."""


def dateline_date(text: str, name: str = "") -> str | None:
    """The date an undated article states first, near its start ("said on August 14, 2026",
    "— Oslo, Aug 14 2026"), as an ISO day. A wire dateline without a year ("BENGALURU, Sept 3
    (Lattice Wire) -") takes the year the article supports (see `_dateline_year`; `name` is
    the file's name or URL). None when the opening states no date, or nothing gives its year."""
    m = _DATELINE.search(text[:DATELINE_WINDOW])
    if not m:
        return _yearless_dateline(text, name) or _newest_entry(text)
    if m[1]:
        month, day, year = month_number(m[1]), int(m[2]), int(m[3])
    else:
        month, day, year = month_number(m[5]), int(m[4]), int(m[6])
    return _valid(year, month, day) if month else None


# A log's entry, opened by its full date: "- **[2026-11-20]** v2.1 ...", "- 2026-09-02: ..."
_ENTRY_DATE = re.compile(
    r"^[ \t]*(?:[-*+•][ \t]*)?(?:\*\*|__)?\[?(\d{4}-\d{2}-\d{2})\]?(?:\*\*|__)?"
    r"[ \t]*[:\-–—]?[ \t]+\S",
    re.MULTILINE,
)
_LOG_ENTRIES = 3  # a log, not a list that mentions a date


def _newest_entry(text: str) -> str | None:
    """The newest date of a log of dated entries (a README's "News", a changelog's list): a
    document kept up to date is as new as its newest entry. None without such a log."""
    dates = [d for d in (_valid(*map(int, x.split("-"))) for x in _ENTRY_DATE.findall(text)) if d]
    return max(dates) if len(dates) >= _LOG_ENTRIES else None


# A dateline opening a line, with a day and no year: "BENGALURU, Sept 3 (Lattice Wire) -",
# "Oslo, 14 Aug -"; not "Sept 3, 2026" (read above) nor a number that goes on ("Sept 3 2026").
_YEARLESS_DATELINE = re.compile(
    rf"^[ \t*_>—–-]*[A-Z][\w.'’-]*(?:[ \t][A-Z][\w.'’-]*){{0,3}},[ \t]*"
    rf"(?:(?P<month>(?i:{MONTH_RE}))[ \t]*(?P<day>\d{{1,2}})|"
    rf"(?P<day2>\d{{1,2}})[ \t]+(?P<month2>(?i:{MONTH_RE})))"
    r"(?:st|nd|rd|th)?(?![\d,.]*[ \t]*\d)[ \t]*(?:\([^()\n]{2,40}\)|/[^/\n]{2,40}/)?[ \t]*[-–—:]",
    re.MULTILINE,
)
_YEAR_MENTION = re.compile(
    rf"(?:(?P<month>(?i:{MONTH_RE}))[ \t]+(?:\d{{1,2}},?[ \t]+)?)?(?<![\w$€£,.-])"
    r"(?P<year>(?:19|20)\d\d)(?![\w%,.]\d|[\w%])"
)
# What makes a year a time still to come: "due by March 2027", "no plans ... before 2028".
_FUTURE_BEFORE = re.compile(
    r"\b(?i:will|would|due|expect\w*|plan\w*|target\w*|schedul\w*|aim\w*|forecast\w*|"
    r"projected|by|before|until|till|next|upcoming|coming)\b[^.;!?\n]{0,40}$"
)
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


# A post's own date without a year, as a forum or an issue tracker shows it: "devon-rusk
# opened this issue on Oct 2", "posted on 14 Aug", "commented on Oct 3".
_POSTED_ON = re.compile(
    rf"\b(?i:opened|posted|published|commented|wrote|asked|submitted)(?:[ \t]+this[ \t]+\w+)?"
    rf"[ \t]+on[ \t]+(?:(?P<month>(?i:{MONTH_RE}))\.?[ \t]*(?P<day>\d{{1,2}})|"
    rf"(?P<day2>\d{{1,2}})[ \t]+(?P<month2>(?i:{MONTH_RE})))(?:st|nd|rd|th)?(?![\d,.]*[ \t]*\d)"
)


def _yearless_dateline(text: str, name: str) -> str | None:
    # a post's date comes after the site's navigation: a longer window
    m = _YEARLESS_DATELINE.search(text[:DATELINE_WINDOW]) or _POSTED_ON.search(
        text[: 2 * DATELINE_WINDOW]
    )
    if not m:
        return None
    month = month_number(m["month"] or m["month2"])
    day = int(m["day"] or m["day2"])
    year = _dateline_year(text, name, month, day) if month else None
    return _valid(year, month, day) if year and month else None


def _dateline_year(text: str, name: str, month: int, day: int) -> int | None:
    """The year of a dateline without one, from what the article itself supports: the year in
    the file's name, else the latest year the article mentions (not only as still to come);
    either only if the date then falls no later than any time the article speaks of as still
    to come ("due by March 2027" rules out Sept 3, 2027). None when neither names a year: a
    year is never guessed."""
    bounds: list[tuple[int, int]] = []  # (year, last month) of each future mention
    mentioned: set[int] = set()
    for y in _YEAR_MENTION.finditer(text):
        year = int(y["year"])
        if _FUTURE_BEFORE.search(text[max(0, y.start() - 60) : y.start()]):
            bounds.append((year, (month_number(y["month"]) or 12) if y["month"] else 12))
        else:
            mentioned.add(year)  # a year named only as still to come is no candidate

    def fits(year: int) -> bool:
        return all((year, month) <= bound for bound in bounds)

    base = re.split(r"[/\\]", re.split(r"[?#]", name)[0].rstrip("/\\"))[-1]
    in_name = {int(y) for y in _FILE_YEAR.findall(base)}
    if len(in_name) == 1 and fits(next(iter(in_name))):
        return next(iter(in_name))
    return next((year for year in sorted(mentioned, reverse=True) if fits(year)), None)
