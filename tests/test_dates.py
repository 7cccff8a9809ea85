"""The one date reader: stated dates at their precision, datelines of undated articles."""

from __future__ import annotations

from ingest.pipeline import Ingestor
from kb.dates import dateline_date, parse_date, stated_date
from kb.engine import KnowledgeBase


def test_stated_dates_keep_the_precision_the_text_gives():
    assert stated_date("As of April 10, 2025, X leads", None) == "2025-04-10"
    assert stated_date("shuts down on January 15th, 2027", None) == "2027-01-15"
    assert stated_date("on the 3rd of March 2026", None) == "2026-03-03"
    assert stated_date("In May 2024, it topped the board.", "2026-01-02") == "2024-05"
    assert stated_date("It launched last autumn.", "2026-03-01") == "2025"
    assert stated_date("The mayor spoke in 2024.", None) is None  # "mayor" is no month
    assert parse_date("Published on 21 July 2026") == "2026-07-21"


def test_a_dateline_near_the_start_dates_an_undated_article():
    assert dateline_date("Pallas Robotics said on August 14, 2026 that it ...") == "2026-08-14"
    assert dateline_date("— Oslo, Aug 14 2026. Norway's ...") == "2026-08-14"
    assert dateline_date("A long opening. " * 40 + "On May 1, 2026 ...") is None
    assert dateline_date("No date here at all.") is None
    # a date as translated from Spanish, and its English cousin
    assert dateline_date("Zaragoza, Wednesday 14 of October of 2026. Updated") == "2026-10-14"
    assert dateline_date("It opened on the 14th of October, 2026.") == "2026-10-14"
    assert parse_date("miércoles 14 of October of 2026") == "2026-10-14"


def test_an_issue_thread_is_dated_by_when_it_was_opened():
    page = (
        "Sunset date for model-2? · Issue #12 · acme/sdk · GitHub\n"
        + "Skip to content Navigation Menu Code Issues Pull requests Actions\n" * 6
        + "devon opened this issue on Oct 2 · 38 comments\n"
        "devon commented on Oct 2\nThe email said it shuts down in 2026.\n"
    )
    assert len(page.split("opened")[0]) > 400  # after the site's navigation
    assert dateline_date(page, "issue-12-2026.txt") == "2026-10-02"
    # a year is never guessed
    assert dateline_date("devon opened this issue on Oct 2\nNo year anywhere.") is None


def test_an_undated_pasted_article_takes_its_dateline_marked_inferred(
    settings, real_embedder, tmp_path
):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pasted.txt").write_text(
        "Veridian Labs opens a Lisbon office\n"
        "Veridian Labs said on August 14, 2026 that it had opened an office in Lisbon.The "
        "company plans to hire forty engineers there by the end of the year.\n",
        encoding="utf-8",
    )
    report = Ingestor(settings, real_embedder).run([str(folder)])
    assert report.failed == []
    stats = KnowledgeBase(settings, real_embedder).stats().to_json()
    (source,) = stats["sources"]
    assert source["published"] == "2026-08-14" and source["date_inferred"] is True


def test_a_day_without_a_year_is_read_in_the_publication_year():
    from kb.dates import stated_date

    assert stated_date("It was paused in Austria on 12 June.", "2026-09-17") == "2026-06-12"
    assert stated_date("The service resumed on 1 September.", "2026-09-17") == "2026-09-01"
    assert stated_date("Brindle shuts down (Oct 9).", "2026-10-16") == "2026-10-09"
    assert stated_date("It closes on November 30.", "2026-10-16") == "2026-11-30"  # ahead
    # far ahead of publication: last year's ("on Dec 20" in a February article)
    assert stated_date("On Dec 20 the board met.", "2026-02-01") == "2025-12-20"
    assert stated_date("Prices may 5 times rise.", "2026-02-01") is None  # not a month


def test_a_wire_dateline_without_a_year_takes_the_year_the_article_supports():
    story = (
        "KOCHI, Oct 7 (Harbor Wire) - Tarvane AI said on Tuesday it had raised $40 million. "
        "The company, founded in 2021, doubled revenue in the year to March 2025. A second "
        "model is due by June 2026, and it has no plans to list before 2029.\n"
    )
    # the latest year mentioned (2025) that keeps Oct 7 before "due by June 2026"
    assert dateline_date(story) == "2025-10-07"
    # the file's name carries a year the text allows
    assert dateline_date(story, "uploads/tarvane-2025-round.txt") == "2025-10-07"
    # a year named only as still to come is no evidence; nor is nothing at all
    assert dateline_date("KOCHI, Oct 7 (Harbor Wire) - Tarvane will ship in 2027.\n") is None
    assert dateline_date("KOCHI, Oct 7 (Harbor Wire) - Tarvane raised money.\n") is None
    assert dateline_date("KOCHI, Oct 7 (Harbor Wire) - Tarvane raised money.\n", "a.txt") is None


def test_a_yearless_wire_story_is_stored_with_an_inferred_date(settings, real_embedder, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tarvane-wire.txt").write_text(
        "Tarvane AI raises $40 million\n"
        "KOCHI, Oct 7 (Harbor Wire) - Tarvane AI said on Tuesday it had raised $40 million. "
        "Revenue doubled in the year to March 2025, and a second model is due by June 2026.\n",
        encoding="utf-8",
    )
    report = Ingestor(settings, real_embedder).run([str(folder)])
    assert report.failed == []
    (source,) = KnowledgeBase(settings, real_embedder).stats().to_json()["sources"]
    assert source["published"] == "2025-10-07" and source["date_inferred"] is True


def test_a_fact_date_is_shown_as_its_source_writes_it_ordinals_too():
    from kb.factwords import date_as_written

    text = "Sorrel 2 retires on December 15th, and the app shuts down on January 15th, 2027."
    assert date_as_written("2027-01-15", text, "2026-10-28") == "January 15th, 2027"
    assert date_as_written("2026-12-15", text, "2026-10-28") == "December 15th"
    assert date_as_written("2026-06-09", "on June 9, 2026 it", None) == "June 9, 2026"
    assert date_as_written("2026-03-03", "no date here", None) == "2026-03-03"


def test_numeric_dates_are_read_when_day_and_month_cannot_be_swapped():
    assert parse_date("11/20/2026 (after 09/01/2026)") == "2026-11-20"  # month first
    assert parse_date("20/11/2026") == "2026-11-20"  # day first
    assert parse_date("04.11.2026") == "2026-11-04"  # dots: day first, as Europe writes it
    assert parse_date("03/04/2026") is None  # either way round: not guessed
    assert parse_date("v1.2.2026") is None  # a version, not a date


def test_a_news_sites_input_line_and_a_chat_exports_date_line_date_a_paste():
    from ingest.loaders.text import load_txt

    korean = "Gaon-3 takes first place\nInput 2026.11.04 06:12 | Modified 2026.11.04 09:47\n"
    chat = "Driftlight - #announcements\n=====\nExported: 11/20/2026 (after 09/01/2026)\n=====\n"
    body = "Saebyeok AI said on Tuesday that its model leads the benchmark. " * 4
    assert load_txt((korean + body).encode(), "k.txt").published == "2026-11-04"
    assert load_txt((chat + body).encode(), "d.txt").published == "2026-11-20"


def test_a_log_of_dated_entries_is_as_new_as_its_newest_entry():
    readme = (
        "# Quaybench\n\nAn open benchmark for agents.\n\n## News\n\n"
        "- **[2026-11-20]** Tern-5 enters the leaderboard.\n"
        "- **[2026-11-06]** We removed one entry for contamination.\n"
        "- **[2026-10-15]** v2.1: twelve graders fixed.\n"
    )
    assert dateline_date(readme, "quaybench-readme.md") == "2026-11-20"
    # two dates in a list are no log
    assert dateline_date("- 2026-01-02 one thing\n- 2026-03-04 another", "notes.md") is None


def test_a_pasted_page_is_dated_by_the_date_field_of_its_header_line():
    from ingest.loaders.text import load_txt

    body = "Kelderby Systems is building a data centre in Magdeburg, the company said. " * 8
    header = "Rechenblatt Online | Wirtschaft | 3. März 2026, 14:32 Uhr | Von A. Berg"
    text = f"Kelderby builds in Magdeburg\n\n{header}\n\n{body}\n"
    assert load_txt(text.encode(), "rechenblatt-kelderby-2026.txt").published == "2026-03-03"
