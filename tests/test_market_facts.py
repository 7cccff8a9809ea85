"""Market facts read from prose and table rows (kb.marketfacts), on invented articles, and
over the starter corpus."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kb.marketfacts import MarketFact, extract_facts
from kb.types import Chunk

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _chunks(*texts: str, published: str | None = "2027-02-10", title: str = "") -> list[Chunk]:
    out, start = [], 0
    for i, text in enumerate(texts):
        out.append(
            Chunk(
                chunk_id=f"doc:{i:04d}",
                doc_id="doc",
                index=i,
                text=text,
                start=start,
                end=start + len(text),
                source="invented.md",
                title=title,
                published=published,
            )
        )
        start += len(text) + 2
    return out


def _of(facts: list[MarketFact], kind: str) -> list[MarketFact]:
    return [f for f in facts if f.kind == kind]


def test_funding_round_with_valuation_and_lead_investors():
    facts = extract_facts(
        _chunks(
            "Brisklane Robotics said on March 3, 2027 that it had raised $75 million in a "
            "Series B round led by Copperfield Ventures, with participation from Tallow Peak "
            "Capital, valuing it at $900 million."
        )
    )
    (f,) = _of(facts, "funding")
    assert f.fields["company"] == "Brisklane Robotics"
    assert f.fields["round"] == "Series B"
    assert f.fields["amount"] == 75e6 and f.fields["currency"] == "USD"
    assert f.fields["valuation"] == 9e8
    assert f.fields["investors"] == ["Copperfield Ventures", "Tallow Peak Capital"]
    assert f.entities[0] == "Brisklane Robotics"
    assert (f.date, f.dated_by, f.modality) == ("2027-03-03", "text", "stated")
    assert f.text.startswith("Brisklane Robotics said") and f.chunk.text[f.start :].startswith(
        f.text
    )


def test_amounts_in_billions_and_euros_and_the_article_date_as_fallback():
    facts = extract_facts(
        _chunks(
            "Orlen Data closed a €2.4 billion round to build data centres. "
            "Separately, Marrow AI raised 15 million euros from Quay Partners."
        )
    )
    rounds = {f.fields["company"]: f for f in _of(facts, "funding")}
    assert rounds["Orlen Data"].fields["amount"] == 2.4e9
    assert rounds["Orlen Data"].fields["currency"] == "EUR"
    assert rounds["Marrow AI"].fields["amount"] == 1.5e7
    assert rounds["Marrow AI"].fields["currency"] == "EUR"
    assert {f.date for f in rounds.values()} == {"2027-02-10"}
    assert {f.dated_by for f in rounds.values()} == {"article"}


def test_negated_and_denied_statements_give_no_fact():
    facts = extract_facts(
        _chunks(
            "Brisklane Robotics did not raise money in 2026. "
            "Fennick Labs denied reports that it had raised $500 million at a $4 billion "
            "valuation. Gorsedd Systems has no plans to acquire Holloway Chips."
        )
    )
    assert _of(facts, "funding") == [] and _of(facts, "acquisition") == []


def test_forecasts_and_rumours_are_kept_and_marked():
    facts = extract_facts(
        _chunks(
            "Fennick Labs is expected to raise $300 million in a Series C round. "
            "Gorsedd Systems is reportedly in talks to acquire Holloway Chips for $1.2 billion."
        )
    )
    (funding,) = _of(facts, "funding")
    assert funding.modality == "forecast" and funding.fields["amount"] == 3e8
    (deal,) = _of(facts, "acquisition")
    assert deal.modality == "rumour"
    assert (deal.fields["acquirer"], deal.fields["target"]) == ("Gorsedd Systems", "Holloway Chips")


def test_price_cut_from_old_to_new_with_percent():
    facts = extract_facts(
        _chunks(
            "Lumora AI cut the price of its Lumora Clip 3 video model on May 5, 2027, from "
            "$0.20 to $0.15 per second of generated video, a reduction of 25%."
        )
    )
    (f,) = _of(facts, "price")
    assert f.fields["product"] == "Lumora Clip 3"
    assert f.fields["vendor"] == "Lumora AI"
    assert (f.fields["value"], f.fields["old_value"]) == (0.15, 0.20)
    assert f.fields["unit"] == "second" and f.fields["currency"] == "USD"
    assert f.fields["change_pct"] == -25.0
    assert f.date == "2027-05-05"


def test_token_prices_per_million_input_and_output():
    facts = extract_facts(
        _chunks(
            "Quartzline 2 costs $1.50 per million input tokens and $6 per million output tokens."
        )
    )
    units = {f.fields["unit"]: f.fields["value"] for f in _of(facts, "price")}
    assert units == {"1M input tokens": 1.5, "1M output tokens": 6.0}


def test_a_pair_of_token_prices_shares_its_unit():
    """ "$6 / $24 per million input / output tokens", as a keynote's summary writes it."""
    facts = extract_facts(
        _chunks("Lodestone 4: $6 / $24 per million input / output tokens, GA today in the US.")
    )
    prices = {
        (f.fields["product"], f.fields["unit"]): f.fields["value"] for f in _of(facts, "price")
    }
    assert prices == {
        ("Lodestone 4", "1M input tokens"): 6.0,
        ("Lodestone 4", "1M output tokens"): 24.0,
    }


def test_launch_with_regions_and_platform():
    facts = extract_facts(
        _chunks(
            "Pellucid Labs launched Pellucid Voice 4 on April 2, 2027 in the United States and "
            "Japan through its API."
        )
    )
    (f,) = _of(facts, "launch")
    assert f.fields["vendor"] == "Pellucid Labs"
    assert f.fields["product"] == "Pellucid Voice 4" and f.fields["version"] == "4"
    assert f.fields["region"] == "United States, Japan"
    assert f.fields["action"] == "launched"
    assert f.date == "2027-04-02"


def test_status_changes_paused_discontinued_unavailable_and_restored():
    facts = extract_facts(
        _chunks(
            "Pellucid Labs paused the rollout of Pellucid Voice 4 in the European Union on "
            "June 1, 2027, citing new transparency rules. The model is not available in Canada. "
            "Halvorsen AI discontinued Skerry 2 after weak demand. "
            "The Skerry app was restored on July 9, 2027."
        )
    )
    status = {(f.fields["product"], f.fields["status"]): f for f in _of(facts, "status")}
    paused = status[("Pellucid Voice 4", "paused")]
    assert paused.fields["region"] == "European Union" and "transparency" in paused.fields["reason"]
    assert paused.date == "2027-06-01"
    assert status[("Pellucid Voice 4", "unavailable")].fields["region"] == "Canada"
    assert ("Skerry 2", "discontinued") in status
    assert not any(f.fields["status"] == "launched" for f in _of(facts, "status"))


def test_what_retires_where_and_the_service_that_shuts_down_later():
    chunks = _chunks(
        "Marguerite Osei -- Chief Executive Officer: Sorrel 2 retires on the Forge API on "
        "December 15th, so the revenue moves to Sorrel 3. We're going to sunset Trelane "
        "Sketchpad, the no-code app builder. New sign-ups close November 1st and the "
        "service shuts down on January 15th, 2027.\n"
        "Tomas Brannigan -- Analyst, Tannery Row: They've also just had Lathe Memory "
        "suspended in Portugal.",
        published="2026-10-28",
    )
    # as ingest tags them: the recogniser reads "Trelane Sketchpad" as a product
    tags = ("model:Sorrel 2", "model:Sorrel 3", "model:Trelane Sketchpad", "model:Lathe Memory")
    facts = extract_facts([dataclasses.replace(c, entities=tags) for c in chunks])
    status = [(f.fields["product"], f.fields["status"], f.date) for f in _of(facts, "status")]
    # the subject retires; the platform it retires on is where
    assert ("Sorrel 2", "discontinued", "2026-12-15") in status
    assert not any(product == "Forge API" for product, _, _ in status)
    # "the service" is the product named before; its date is the one its verb has
    assert ("Trelane Sketchpad", "discontinued", "2027-01-15") in status
    # "also" in another speaker's turn does not take the date of what the first one said
    assert ("Lathe Memory", "paused", "2026-10-28") in status
    # nor when that turn opens the next chunk
    chunks = _chunks(
        "Marguerite Osei -- Chief Executive Officer: Sorrel 2 retires on the Forge API on "
        "December 15th, so the revenue moves to Sorrel 3.",
        "Tomas Brannigan -- Analyst, Tannery Row: They've also just had Lathe Memory "
        "suspended in Portugal.",
        published="2026-10-28",
    )
    facts = extract_facts([dataclasses.replace(c, entities=tags) for c in chunks])
    status = [(f.fields["product"], f.fields["status"], f.date) for f in _of(facts, "status")]
    assert ("Lathe Memory", "paused", "2026-10-28") in status


def test_a_deprecation_table_gives_both_prices_and_the_shutdown_as_a_status():
    text = (
        "## Deprecated models\n\n"
        "| Model | Input / Output (per 1M) | Deprecated on | Shutdown date | Replacement |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| Brill 2 | $3.00 / $15.00 | September 9, 2026 | December 15, 2026 | Brill 3 |\n"
    )
    chunks = [
        dataclasses.replace(c, entities=("model:Brill 2", "model:Brill 3"))
        for c in _chunks(text, published="2026-11-18")
    ]
    facts = extract_facts(chunks)
    prices = {f.fields["unit"]: f for f in _of(facts, "price")}
    assert prices["1M input tokens"].fields["value"] == 3.0
    assert prices["1M output tokens"].fields["value"] == 15.0
    # the prices hold as of the page; the shutdown date is when the model stops
    assert {f.date for f in prices.values()} == {"2026-11-18"}
    (status,) = _of(facts, "status")
    assert status.fields["product"] == "Brill 2" and status.fields["status"] == "discontinued"
    assert status.date == "2026-12-15"


def test_a_trackers_status_column_says_where_each_product_stands_as_of_the_sheet():
    text = (
        "vendor | product | plan | unit | price | currency | effective_date | status | notes\n\n"
        "Kerlow | Kerlow Agent 1.2 | Pro | user/month | 32.00 | EUR | 2026-09-01 | current | -\n\n"
        "Kerlow | Kerlow Agent 1.1 | Pro | user/month | 27.00 | EUR | 2026-01-15 | discontinued "
        "| replaced by 1.2\n\n"
        "Chatmere | Chatmere for Work | Business | user/month | 18.00 | EUR | 2026-01-01 | on hold "
        "| legal hold\n\n"
        "Kerlow | Kerlow API | Standard | 1M input tokens | 0.60 | EUR | 2026-02-01 | old price "
        "| -\n"
    )
    tags = ("model:Kerlow Agent 1.2", "model:Kerlow Agent 1.1", "model:Chatmere for Work")
    chunks = [dataclasses.replace(c, entities=tags) for c in _chunks(text, published="2026-11-24")]
    status = {
        (f.fields["product"], f.fields["status"], f.date)
        for f in _of(extract_facts(chunks), "status")
    }
    assert ("Kerlow Agent 1.1", "discontinued", "2026-11-24") in status
    assert ("Chatmere for Work", "paused", "2026-11-24") in status
    assert ("Kerlow Agent 1.2", "available", "2026-11-24") in status
    assert not any(product == "Kerlow API" for product, _, _ in status)  # "old price" is no status


def test_shut_it_down_is_the_product_spoken_of_dated_by_its_clause():
    chunks = _chunks(
        "We are shutting down Lumenfold Canvas. Existing users can keep working in it until "
        "January 31, 2027, when we will shut it down for good.",
        published="2026-10-29",
    )
    tags = ("model:Lumenfold Canvas", "vendor:Lumenfold")
    facts = extract_facts([dataclasses.replace(c, entities=tags) for c in chunks])
    status = [(f.fields["product"], f.fields["status"], f.date) for f in _of(facts, "status")]
    assert ("Lumenfold Canvas", "discontinued", "2027-01-31") in status


def test_a_round_led_in_the_present_tense_and_a_company_named_in_apposition():
    chunks = _chunks(
        "Brisemont has raised a €14m Series A. The round is led by Quintal Partners, with "
        "Halcyra Ventures joining us for the first time.\n\n"
        "Gilroy Systems agreed to buy Ostler last week. The company behind recapper, Sarn "
        "Labs in Dublin, raised a $9 million seed round in May led by Quintal Partners.",
        published="2026-09-09",
    )
    tags = (
        "vendor:Brisemont",
        "vendor:Gilroy Systems",
        "vendor:Sarn Labs",
        "investor:Quintal Partners",
        "investor:Halcyra Ventures",
    )
    facts = extract_facts([dataclasses.replace(c, entities=tags) for c in chunks])
    rounds = {f.fields["company"]: f.fields["investors"] for f in _of(facts, "funding")}
    assert rounds["Brisemont"][:2] == ["Quintal Partners", "Halcyra Ventures"]
    assert rounds["Sarn Labs"] == ["Quintal Partners"] and "Gilroy Systems" not in rounds


def test_acquisition_investment_partnership_and_legal_actions():
    facts = extract_facts(
        _chunks(
            "Gorsedd Systems agreed to acquire Holloway Chips for $3.1 billion in cash. "
            "Tarnwell Cloud will invest $12 billion in a national AI infrastructure buildout. "
            "Pellucid Labs announced a partnership with Ferrow Telecom to resell its models. "
            "On August 3, 2027 the Danish data protection authority fined Pellucid Labs 4 "
            "million euros over its handling of personal data. "
            "The Meridian Post sued Halvorsen AI for copyright infringement."
        )
    )
    (deal,) = _of(facts, "acquisition")
    assert deal.fields["amount"] == 3.1e9 and deal.entities == ("Gorsedd Systems", "Holloway Chips")
    (invest,) = _of(facts, "investment")
    assert invest.fields["investor"] == "Tarnwell Cloud" and invest.fields["amount"] == 1.2e10
    assert invest.modality == "stated"
    assert "infrastructure" in invest.fields["purpose"]
    (partners,) = _of(facts, "partnership")
    assert partners.fields["parties"] == ["Pellucid Labs", "Ferrow Telecom"]
    legal = {f.fields["action"]: f for f in _of(facts, "legal")}
    assert legal["fine"].fields["amount"] == 4e6 and legal["fine"].fields["currency"] == "EUR"
    assert legal["fine"].fields["defendant"] == "Pellucid Labs"
    assert legal["fine"].fields["topic"] == "privacy" and legal["fine"].date == "2027-08-03"
    assert legal["lawsuit"].fields["defendant"] == "Halvorsen AI"
    assert legal["lawsuit"].fields["topic"] == "copyright"


def test_pronoun_refers_to_the_last_company_named():
    facts = extract_facts(
        _chunks("Fennick Labs makes speech models. It raised $40 million in a seed round.")
    )
    (f,) = _of(facts, "funding")
    assert f.fields["company"] == "Fennick Labs" and f.fields["round"] == "seed"


def test_pdf_table_rows_give_row_and_price_facts():
    facts = extract_facts(
        _chunks(
            "Table 1. API list prices, March 2027 (USD per million tokens)\n\n"
            "Model: Quartzline 2 | Vendor: Quartz Labs | Input: $1.50 | Output: $6.00\n"
            "Model: Tessel Mini | Vendor: Tessel AI | Input: $0.20 | Output: $0.80",
            "Model: Tessel Mini | Vendor: Tessel AI | Input: $0.20 | Output: $0.80\n"
            "Model: Orrin 5 | Vendor: Orrin | Input: $3.00 | Output: $12.00",
        )
    )
    rows = _of(facts, "row")
    assert [r.fields["name"] for r in rows] == ["Quartzline 2", "Tessel Mini", "Orrin 5"]
    assert rows[0].fields["table"].startswith("Table 1.")
    assert rows[0].fields["numbers"] == {"Input": 1.5, "Output": 6.0}
    prices = {(f.fields["product"], f.fields["unit"]): f for f in _of(facts, "price")}
    orrin = prices[("Orrin 5", "1M output tokens")]
    assert orrin.fields["value"] == 12.0 and orrin.fields["vendor"] == "Orrin"
    assert orrin.date == "2027-03" and orrin.dated_by == "text"
    assert len(prices) == 6


def test_markdown_table_header_in_one_chunk_rows_in_the_next():
    facts = extract_facts(
        _chunks(
            "Per-second video prices\n\nModel | Vendor | Price per second | Previous price | Change",  # noqa: E501
            "Lumora Clip 3 | Lumora AI | $0.15 | $0.20 | -25% (May 5, 2027)\n\n"
            "Skerry 2 | Halvorsen AI | $0.09 | $0.09 | unchanged\n\n"
            "Prices are list prices in US dollars.",
        )
    )
    rows = _of(facts, "row")
    assert [r.fields["name"] for r in rows] == ["Lumora Clip 3", "Skerry 2"]
    assert rows[0].fields["columns"] == [
        "Model",
        "Vendor",
        "Price per second",
        "Previous price",
        "Change",
    ]
    assert rows[0].fields["cells"]["Vendor"] == "Lumora AI"
    assert rows[0].fields["numbers"] == {
        "Price per second": 0.15,
        "Previous price": 0.2,
        "Change": -25.0,
    }
    assert rows[0].fields["table"] == "Per-second video prices"
    lumora = next(f for f in _of(facts, "price") if f.fields["product"] == "Lumora Clip 3")
    assert lumora.fields["unit"] == "second" and lumora.fields["old_value"] == 0.2
    assert lumora.fields["change_pct"] == -25.0 and lumora.date == "2027-05-05"
    skerry = next(f for f in _of(facts, "price") if f.fields["product"] == "Skerry 2")
    assert skerry.date == "2027-02-10" and skerry.dated_by == "article"


def test_markdown_funding_table_rows_give_funding_facts():
    facts = extract_facts(
        _chunks(
            "Date | Company | Round | Amount | Valuation | Lead investors\n"
            "2027-01-12 | Fennick Labs | Series A | $60 million | $400 million | Quay Partners, "
            "Copperfield Ventures\n"
            "2027-02-02 | Orlen Data | Series C | €1.1 billion | not disclosed | Tallow Peak Capital"  # noqa: E501
        )
    )
    rounds = {f.fields["company"]: f for f in _of(facts, "funding")}
    assert rounds["Fennick Labs"].fields["investors"] == ["Quay Partners", "Copperfield Ventures"]
    assert rounds["Fennick Labs"].fields["valuation"] == 4e8
    assert rounds["Fennick Labs"].date == "2027-01-12"
    assert rounds["Orlen Data"].fields["currency"] == "EUR"
    assert rounds["Orlen Data"].fields["valuation"] is None
    assert len(_of(facts, "row")) == 2


def test_to_json_has_the_contract_keys():
    (f,) = _of(extract_facts(_chunks("Fennick Labs raised $40 million.")), "funding")
    data = f.to_json()
    assert set(data) == {
        "kind",
        "date",
        "dated_by",
        "entities",
        "fields",
        "modality",
        "source",
        "title",
        "published",
        "page",
        "chunk_id",
        "text",
    }
    assert set(data["fields"]) == {
        "company",
        "round",
        "amount",
        "amount_text",
        "currency",
        "valuation",
        "valuation_text",
        "investors",
    }


def test_it_is_the_product_a_sentence_opened_with_not_the_last_one_compared():
    facts = extract_facts(
        _chunks(
            "Quillfeather 2 costs $3 per million input tokens, a fifth of the price of "
            "Quillfeather 1 Max. The model reads long documents. It is available free in Canada."
        )
    )
    (f,) = _of(facts, "status")
    assert (f.fields["product"], f.fields["status"]) == ("Quillfeather 2", "available")


def test_a_gpu_hour_rate_is_not_the_price_of_a_model():
    facts = extract_facts(
        _chunks(
            "Brisklane released Brisk 3 in May. Training Brisk 3 used two million hours of "
            "Nvidia H800 GPU time, at a rental price of $2 per GPU hour."
        )
    )
    assert [f.fields["product"] for f in _of(facts, "price")] in ([], ["Nvidia H800"])


def test_background_mentions_are_not_launches():
    facts = extract_facts(
        _chunks(
            "The release ended a period in which Fennick 2 led the board. "
            "The move came a month after Orlen Data launched Orlen Chat 3. "
            "The complaint shows examples in which Skerry 2 copied whole articles. "
            "Pellucid Labs quietly released Pellucid Voice 5 on May 2, 2027."
        )
    )
    assert [f.fields["product"] for f in _of(facts, "launch")] == ["Pellucid Voice 5"]


def test_delayed_launch_names_its_product_and_a_paused_plan_is_no_status():
    facts = extract_facts(
        _chunks(
            "Skerry 2 is popular. In June 2027, Halvorsen AI paused its plan to train on users' "
            "posts, and it delayed the launch of its Halvorsen Assistant in Europe."
        )
    )
    (f,) = _of(facts, "status")
    assert (f.fields["product"], f.fields["status"]) == ("Halvorsen Assistant", "delayed")


def test_a_case_name_is_one_sentence_and_a_lawsuit():
    facts = extract_facts(_chunks("The lawsuit, Marrow v. Halvorsen AI, was filed in 2026."))
    (f,) = _of(facts, "legal")
    assert (f.fields["plaintiff"], f.fields["defendant"], f.date) == (
        "Marrow",
        "Halvorsen AI",
        "2026",
    )


def test_a_row_named_with_the_date_its_figures_held_is_dated_by_it():
    facts = extract_facts(
        _chunks(
            "Model | Input per million tokens\n"
            "Skerry 2 (until May 1, 2027) | $0.20\n"
            "Skerry 2 (new price) | $0.10"
        )
    )
    old = [f for f in _of(facts, "price") if f.fields["value"] == 0.2]
    assert [f.date for f in old] == ["2027-05-01"]
    new = [f for f in _of(facts, "price") if f.fields["value"] == 0.1]
    assert [f.date for f in new] == ["2027-02-10"]


def test_a_title_restating_the_body_gives_no_second_launch_or_price():
    facts = extract_facts(
        _chunks(
            "Lumora AI launched Lumora Clip 3 on May 5, 2027. Lumora Clip 3 costs $0.15 per "
            "second.",
            title="Lumora launches Clip 3 at $0.15 a second",
        )
    )
    assert len(_of(facts, "launch")) == 1 and len(_of(facts, "price")) == 1


def test_facts_eval_reports_every_kind_with_ratios():
    from eval.facts_eval import DEFAULT_DOCS, evaluate
    from kb.marketfacts import KINDS

    report = evaluate(DEFAULT_DOCS)
    assert set(report["by_kind"]) == set(KINDS)
    assert report["overall"]["gold"] >= 30 and report["overall"]["predicted"] > 0
    for block in [report["overall"], *report["by_kind"].values()]:
        for key in ("precision", "recall", "date_accuracy", "modality_agreement"):
            assert 0.0 <= block[key] <= 1.0


def test_facts_eval_matching_rules():
    from eval.facts_eval import GoldFact, score

    gold = [
        GoldFact("a.md", "price", "2027-04", "Ombra Voice API", 0.012),
        GoldFact("a.md", "funding", "2027-02", "Quenta AI", 2.1e8),
    ]
    row = {"doc": "a.md", "modality": "stated", "entities": []}
    voice = {"product": "Ombra Voice", "value": 0.012}
    quenta = {"company": "Quenta AI", "amount": 2e8}
    rows = [
        {**row, "kind": "price", "date": "2027-04-23", "fields": voice},
        {**row, "kind": "price", "date": "2027-04-23", "fields": voice},
        {**row, "kind": "funding", "date": "2027-03", "fields": quenta},
    ]  # fmt: skip
    result = score(gold, rows)
    assert result["by_kind"]["price"] | {"date_accuracy": 1.0} == result["by_kind"]["price"]
    assert result["by_kind"]["price"]["duplicates"] == 1
    assert (result["overall"]["precision"], result["overall"]["recall"]) == (0.5, 0.5)


# --- the starter corpus (runs the recogniser once: slower) ------------------------------------


@pytest.fixture(scope="module")
def corpus_facts() -> list[MarketFact]:
    from eval.documents import chunked_documents

    facts: list[MarketFact] = []
    for _, chunks in chunked_documents(CORPUS):
        facts += extract_facts(chunks)
    return facts


def test_corpus_facts_a_reader_would_expect(corpus_facts):
    def find(kind: str, **want) -> list[MarketFact]:
        return [
            f
            for f in corpus_facts
            if f.kind == kind and all(f.fields.get(k) == v for k, v in want.items())
        ]

    corvid = {
        f.fields["round"] for f in find("funding", company="Corvid Labs") if f.fields["amount"]
    }
    assert {"Series A", "Series B", "Series C"} <= corvid
    cut = find("price", product="Tidewell Motion 2", value=0.08, unit="second")
    assert any(f.fields["old_value"] == 0.12 and f.date == "2026-06-02" for f in cut)
    assert find("status", product="Sora", status="discontinued")
    fines = find("legal", action="fine", amount=15e6, currency="EUR")
    assert fines and fines[0].fields["plaintiff"] == "Garante"
    assert find("acquisition", acquirer="AMD", target="ZT Systems", amount=4.9e9)
    assert find("investment", investor="Alibaba", amount=52.7e9)
    assert find("legal", action="lawsuit", plaintiff="New York Times")
    denied = [f for f in corpus_facts if f.kind == "funding" and "denied" in f.text]
    assert denied == []
    assert fines[0].fields["defendant"] == "OpenAI"
    free = [f for f in corpus_facts if f.kind == "status" and "free on Claude.ai" in f.text]
    assert [f.fields["product"] for f in free] == ["Claude 3.5 Sonnet"]
    assert not find("price", product="DeepSeek-V3", unit="GPU hour")
    assert find("status", product="Meta AI", status="delayed")
    pallas = [f for f in corpus_facts if f.kind == "funding" and "expected to raise" in f.text]
    assert pallas and all(f.modality != "stated" and not f.fields["round"] for f in pallas)
    assert not [f for f in corpus_facts if f.kind == "launch" and f.text.startswith("The release")]
    assert find("legal", action="lawsuit", plaintiff="Bartz", defendant="Anthropic")
    titles = [f for f in corpus_facts if f.kind == "launch" and f.start == -1]
    assert not [f for f in titles if f.fields["product"] == "Corvid Reason 2"]
    assert len([f for f in corpus_facts if f.kind == "row"]) >= 60


# --- products without a version number, and the phrasings issue 15's dev set missed ----------


def test_products_named_by_their_noun_or_edition_word_get_status_and_price_facts():
    facts = extract_facts(
        _chunks(
            "Corbel Media switched off its Loop Studio feature in Finland in March 2027. "
            "Separately, Estonia's consumer agency banned the voice-cloning app Echo Twin on "
            "April 2, 2027. The Corbel Max plan costs €25 a month. The Corbel Speech API now "
            "costs $0.02 per minute."
        )
    )
    status = {f.fields["product"]: f for f in _of(facts, "status")}
    assert status["Loop Studio"].fields["status"] == "discontinued"
    assert status["Loop Studio"].date == "2027-03"
    assert status["Echo Twin"].fields["status"] == "banned"
    assert status["Echo Twin"].date == "2027-04-02"
    prices = {f.fields["product"]: f.fields for f in _of(facts, "price")}
    assert prices["Corbel Max"]["value"] == 25 and prices["Corbel Max"]["unit"] == "month"
    assert prices["Corbel Speech API"]["value"] == 0.02
    assert prices["Corbel Speech API"]["unit"] == "minute"


def test_an_appositive_product_is_what_the_service_and_it_refer_to():
    facts = extract_facts(
        _chunks(
            "Heronway Labs shipped Heronway Paint 3 last week. Its translation assistant, "
            "Heronway Lingo, is back on the App Store. The service was restored on March 4, 2027, "
            "a month after Heronway suspended it in Spain."
        )
    )
    status = [(f.fields["product"], f.fields["status"]) for f in _of(facts, "status")]
    assert ("Heronway Lingo", "restored") in status
    assert ("Heronway Lingo", "paused") in status
    assert not [p for p, _ in status if p.startswith("Heronway Paint")]


def test_pulled_from_is_a_discontinuation_and_a_price_rise_from_old_to_new():
    facts = extract_facts(
        _chunks(
            "Quarry Labs pulled Quarry Vision 2 from its mobile app on May 9, 2027. "
            "The Quarry Plus subscription rose from $12 to $15 a month."
        )
    )
    (status,) = _of(facts, "status")
    assert status.fields["product"] == "Quarry Vision 2"
    assert status.fields["status"] == "discontinued" and status.date == "2027-05-09"
    (price,) = _of(facts, "price")
    assert price.fields["product"] == "Quarry Plus"
    assert (price.fields["value"], price.fields["old_value"]) == (15, 12)


def test_a_product_named_as_the_audience_is_not_the_product_priced():
    facts = extract_facts(
        _chunks(
            "Lumen Draw 4 is the new image model from Lumen Works. It is available to Lumen "
            "Pro and Team subscribers, where it costs $0.04 per image."
        )
    )
    (price,) = _of(facts, "price")
    assert price.fields["product"] == "Lumen Draw 4"


def test_funding_rounds_named_without_a_raise_verb():
    facts = extract_facts(
        _chunks(
            "Pellucid AI said sales tripled. The growth follows a $30 million Series A in "
            "October 2026, and Pellucid said it would hire in Madrid. Stoneleaf Systems, a "
            "Belgian rival, closed a €18 million seed round in January 2027."
        )
    )
    rounds = {f.fields["company"]: f for f in _of(facts, "funding")}
    assert rounds["Pellucid AI"].fields["amount"] == 3e7
    assert rounds["Pellucid AI"].fields["round"] == "Series A"
    assert rounds["Pellucid AI"].date == "2026-10"
    assert rounds["Stoneleaf Systems"].fields["amount"] == 1.8e7
    assert rounds["Stoneleaf Systems"].fields["currency"] == "EUR"
    assert rounds["Stoneleaf Systems"].date == "2027-01"


def test_partners_stop_at_an_appositive_and_a_lone_adjective_is_no_party():
    facts = extract_facts(
        _chunks(
            "Ferrow Cloud opened two sites. Ferrow also teamed up with Brantley Power, a Welsh "
            "utility, which will supply them with wind power."
        )
    )
    (f,) = _of(facts, "partnership")
    assert f.fields["parties"] == ["Ferrow Cloud", "Brantley Power"]


def test_a_stake_in_a_company_is_an_investment_in_it_not_an_acquisition():
    facts = extract_facts(
        _chunks(
            "Halden Group bought a 10% stake in Orrin Labs. Ferrow Cloud took a minority stake "
            "in Gannet Vision, a robotics startup, investing $35 million in its Series B."
        )
    )
    assert not _of(facts, "acquisition")
    targets = {f.fields["target"]: f.fields for f in _of(facts, "investment")}
    assert targets["Gannet Vision"]["amount"] == 3.5e7
    assert targets["Gannet Vision"]["investor"] == "Ferrow Cloud"
    assert targets["Orrin Labs"]["investor"] == "Halden Group"


def test_the_regulator_that_also_ordered_is_the_one_that_fined_on_the_same_day():
    facts = extract_facts(
        _chunks(
            "The Baltic Data Office fined Verrin AI €2 million on May 3, 2027. "
            "The office also ordered Verrin AI to delete the recordings."
        )
    )
    legal = {f.fields["action"]: f for f in _of(facts, "legal")}
    assert legal["order"].fields["plaintiff"] == "Baltic Data Office"
    assert legal["order"].fields["defendant"] == "Verrin AI"
    assert legal["order"].date == "2027-05-03"


def test_a_past_investment_with_no_date_is_not_dated_by_the_article():
    facts = extract_facts(
        _chunks(
            "Corliss Telecom is cutting costs. It now competes with Brisa AI, in which it had "
            "invested $40 million."
        )
    )
    (f,) = _of(facts, "investment")
    assert f.fields["target"] == "Brisa AI" and f.fields["amount"] == 4e7
    assert (f.date, f.dated_by) == (None, "")


def test_a_maker_tagged_as_a_person_still_launches_its_product():
    chunk = _chunks(
        "Fenwick Studio released Fenwick Motion 3 in Japan on June 4, 2027, and Haldor "
        "showed a video model it has not named."
    )[0]
    tagged = dataclasses.replace(chunk, entities=("person:Fenwick Studio", "place:Japan"))
    (f,) = _of(extract_facts([tagged]), "launch")
    assert f.fields["product"] == "Fenwick Motion 3"
    assert f.fields["vendor"] == "Fenwick Studio"
    assert (f.date, f.fields["region"]) == ("2027-06-04", "Japan")


def test_facts_eval_scores_the_held_out_set_over_every_kind():
    from eval.facts_eval import TEST_DOCS, evaluate
    from kb.marketfacts import KINDS

    result = evaluate(TEST_DOCS)
    assert result["documents"] == 8
    assert set(result["by_kind"]) == set(KINDS)
    assert all(result["by_kind"][kind]["gold"] > 0 for kind in KINDS)
    for block in [result["overall"], *result["by_kind"].values()]:
        for key in ("precision", "recall", "date_accuracy", "modality_agreement"):
            assert 0.0 <= block[key] <= 1.0
    assert result["overall"]["predicted"] > 0


def test_a_legal_fact_takes_its_topic_from_the_document_when_its_sentence_names_none():
    body = (
        "Ostra Labs has agreed to pay $90 million to settle a class action brought by authors. "
        "The lawsuit, Hale v. Ostra Labs, was filed in 2025 by three novelists in federal court."
    )
    [lawsuit] = [
        f
        for f in _of(
            extract_facts(_chunks(body, title="Ostra Labs settles copyright case")), "legal"
        )
        if f.fields["action"] == "lawsuit"
    ]
    assert lawsuit.fields["topic"] == "copyright"
    # a document that never names a topic gives none
    untitled = extract_facts(_chunks(body, title="Ostra Labs settles"))
    assert all(not f.fields["topic"] for f in _of(untitled, "legal"))


def test_a_predecessor_named_in_brackets_does_not_own_the_new_price():
    facts = extract_facts(
        _chunks(
            "Merrow Audio today announced Echo 4, its fourth-generation transcription model.",
            "Key facts:\n- Transcription: $0.004 per minute of audio (previously $0.007 for "
            "Echo 3, a 43% reduction)",
            title="Merrow Audio launches Echo 4",
        )
    )
    (f,) = _of(facts, "price")
    assert f.fields["product"] == "Echo 4"
    assert (f.fields["value"], f.fields["old_value"]) == (0.004, 0.007)
    # a product named after the price, outside any bracket, is still its owner
    (g,) = _of(extract_facts(_chunks("It charges $0.01 per minute for Echo 3 Lite.")), "price")
    assert g.fields["product"] == "Echo 3 Lite"


def test_the_fact_trigger_words_match_as_a_tree_where_they_match_one_by_one():
    import re

    from kb.marketfacts import _TRIGGER_WORDS, _prefix_tree

    flat = re.compile("|".join(_TRIGGER_WORDS.split()), re.I)
    tree = re.compile(_prefix_tree(_TRIGGER_WORDS), re.I)
    texts = [
        *_TRIGGER_WORDS.split(),
        *(w[:-1] for w in _TRIGGER_WORDS.split()),  # one letter short: no match
        "The INVESTIGATION began",
        "Suing Acme",
        "sued",
        "a Series B round",
        "Kestrel Video 2",
        "the founders met in Oslo",
        "prices",
        "PAYS",
        "invest",
        "investor",
        "probes",
        "",
    ]
    for text in texts:
        found, found_by_tree = flat.search(text), tree.search(text)
        assert (found is None) == (found_by_tree is None), text
        # where the first one starts (the tree may read on: "investigat" beside "invest")
        assert found is None or found.start() == found_by_tree.start()
    assert tree.search("the founders met in Oslo") is None


def test_something_bought_from_a_company_does_not_acquire_it():
    facts = extract_facts(
        _chunks(
            "Ferrow Cloud runs its models on chips bought from Orrin Labs. "
            "Halden Group bought Gannet Vision for $40 million."
        )
    )
    assert [(f.fields["acquirer"], f.fields["target"]) for f in _of(facts, "acquisition")] == [
        ("Halden Group", "Gannet Vision")
    ]


def test_a_product_being_closed_is_discontinued_and_a_round_being_closed_is_not():
    facts = extract_facts(
        _chunks(
            "Brannock Labs is closing Lumen-4, its meeting assistant, on November 30, 2026. "
            "Ferrow Cloud is closing its Series B round this week. "
            "The deal is expected to close in the first quarter of 2027."
        )
    )
    statuses = [(f.fields["product"], f.fields["status"], f.date) for f in _of(facts, "status")]
    assert statuses == [("Lumen-4", "discontinued", "2026-11-30")]


def test_an_everyday_word_opening_a_sentence_is_not_a_company():
    facts = extract_facts(
        _chunks("Input stays at $2 per million tokens. Lumen-4 shuts down (Oct 9).")
    )
    (status,) = _of(facts, "status")
    assert status.fields["product"] == "Lumen-4" and status.fields["vendor"] != "Input"
    # an unknown name that is no everyday word still opens as a company
    facts = extract_facts(_chunks("Brannock stays at $2 per token. Lumen-4 shuts down (Oct 9)."))
    assert _of(facts, "status")[0].fields["vendor"] == "Brannock"


def test_a_rival_in_apposition_is_the_subject_not_the_company_before():
    facts = extract_facts(
        _chunks(
            "Pravaah AI raised $174 million. Its closest rival, Hyderabad-based Lipika "
            "Technologies, raised $60 million in March. Singapore-based Kestrel Labs raised "
            "$5 million in May."
        )
    )
    raised = [(f.fields["company"], f.fields["amount"]) for f in _of(facts, "funding")]
    assert raised == [
        ("Pravaah AI", 1.74e8),
        ("Lipika Technologies", 6e7),
        ("Kestrel Labs", 5e6),
    ]


def test_a_countrys_company_is_the_subject_not_the_country():
    facts = extract_facts(_chunks("India's Pravaah AI raises $174 million as the race heats up."))
    assert [f.fields["company"] for f in _of(facts, "funding")] == ["Pravaah AI"]


def test_a_status_holds_in_a_place_ingest_recognised_and_there_is_that_place():
    from dataclasses import replace

    (chunk,) = _chunks(
        "Brannock Labs paused Lumen Notes 2 in Carinthia on 12 June after a complaint. "
        "Brannock Labs moved the data to Graz, and Lumen Notes 2 resumed there on 1 September.",
        published="2026-09-17",
    )
    chunk = replace(chunk, entities=("place:Carinthia", "place:Graz"))
    statuses = [
        (f.fields["status"], f.fields["region"], f.date)
        for f in _of(extract_facts([chunk]), "status")
    ]
    assert statuses == [
        ("paused", "Carinthia", "2026-06-12"),
        ("restored", "Carinthia", "2026-09-01"),
    ]


def test_a_price_with_its_dollar_conversion_in_brackets_is_one_price():
    (chunk,) = _chunks(
        "Zhenlan AI of Chengdu answered a day later. Its Zhenlan Pro 3 model now costs "
        "1.5 yuan ($0.21) per million input tokens. On 2027-02-02 Baiqiao Labs priced "
        "its reasoning model Baiqiao-R2 at 4 yuan ($0.56) per million input tokens."
    )
    # the place as ingest tags it: "Zhenlan AI of Chengdu" is the company and where it is
    facts = extract_facts([dataclasses.replace(chunk, entities=("place:Chengdu",))])
    prices = {f.fields["product"]: f.fields for f in _of(facts, "price")}
    assert set(prices) == {"Zhenlan Pro 3", "Baiqiao-R2"}  # no "Its", no "On 2027" model
    zhenlan = prices["Zhenlan Pro 3"]
    assert (zhenlan["value"], zhenlan["currency"], zhenlan["usd_value"]) == (1.5, "CNY", 0.21)
    assert zhenlan["unit"] == "1M input tokens" and zhenlan["vendor"] == "Zhenlan AI"
    assert prices["Baiqiao-R2"]["usd_value"] == 0.56


def test_cents_are_money_a_hundredth_of_a_dollar():
    from kb.query import MONEY
    from kb.tablerows import find_money

    (amount,) = find_money("Orvane charges 90 cents a resolution.")
    assert (amount.value, amount.currency) == (0.9, "USD")
    assert MONEY.search("90 cents a resolution")  # evidence for "how much"
    assert find_money("revenue rose 40 per cent") == []  # per cent is no money


def test_a_company_described_before_its_name_is_the_one_that_acts():
    facts = extract_facts(
        _chunks(
            "Denver-based cybersecurity company Palisade Grid is buying Sentrawl for $210m "
            "in cash. Chinese AI lab Corvane raised $40 million in a Series A led by Index "
            "Ventures. French start-up Maudrel raised $12 million in a seed round."
        )
    )
    deal = _of(facts, "acquisition")
    assert [(f.fields["acquirer"], f.fields["target"]) for f in deal] == [
        ("Palisade Grid", "Sentrawl")
    ]
    assert deal[0].fields["amount"] == 210_000_000
    # the descriptor ("Chinese AI lab") is not the company
    assert [f.fields["company"] for f in _of(facts, "funding")] == ["Corvane", "Maudrel"]


def test_rounds_listed_in_one_sentence_and_rounds_told_in_an_interview():
    listed = _of(
        extract_facts(
            _chunks(
                "Ferngate Labs builds assistants for councils.\n\nSeed of $4 million in 2023 "
                "from Pebblecove Ventures, a Series A of $18 million in 2024 led by Linnet "
                "Ventures, and the Series B of $64 million in April 2026 led by Marrowfield "
                "Capital at a $540 million post-money valuation."
            )
        ),
        "funding",
    )
    assert [
        (f.fields["company"], f.fields["round"], f.fields["amount"], f.date, f.fields["investors"])
        for f in listed
    ] == [
        ("Ferngate Labs", "seed", 4e6, "2023", ["Pebblecove Ventures"]),
        ("Ferngate Labs", "Series A", 18e6, "2024", ["Linnet Ventures"]),
        ("Ferngate Labs", "Series B", 64e6, "2026-04", ["Marrowfield Capital"]),
    ]
    assert listed[2].fields["valuation"] == 540e6
    # a transcript: the speaker's initials are not the company the rounds are of
    interview = _of(
        extract_facts(
            _chunks(
                "Wickmoor, founded in Leeds in 2022, sells freight software.\n\n"
                "OH: How did you fund it?\n\n"
                "MK: A £1.2m pre-seed in 2022, led by Pellam Ventures. Then a £14m Series A "
                "in March 2024, led by Saltmarsh Capital."
            )
        ),
        "funding",
    )
    assert [(f.fields["company"], f.fields["round"], f.date) for f in interview] == [
        ("Wickmoor", "pre-seed", "2022"),
        ("Wickmoor", "Series A", "2024-03"),
    ]


def test_a_speakers_unattributed_round_in_an_ama_is_the_hosts_company():
    facts = extract_facts(
        _chunks(
            "u/council_buyer\n\nhow do you compare with Shirasagi AI? and what's your funding "
            "history?\n\nu/pip_tarrowmere [verified · CEO, Tarrowmere Labs]\n\n"
            "Shirasagi AI is strong in Japan. Seed of $4 million in 2023 from Pebblecove "
            "Ventures, and a Series A of $18 million in 2024 led by Linnet Ventures.",
            title="AMA: I'm the CEO of Tarrowmere Labs (Tarrowmere Desk). Ask me anything",
        )
    )
    assert {f.fields["company"] for f in _of(facts, "funding")} == {"Tarrowmere Labs"}


def test_a_company_is_not_read_as_its_product_of_the_same_first_word():
    # the recogniser tagged the product "Wickmoor Spot" as a vendor, beside "Wickmoor"
    chunks = [
        dataclasses.replace(c, entities=("vendor:Wickmoor", "vendor:Wickmoor Spot"))
        for c in _chunks(
            "Wickmoor, founded in Leeds in 2022, sells freight software.\n\n"
            "OH: What happened to Wickmoor Spot?\n\nMK: Wickmoor Spot was an app. We closed it.\n\n"
            "OH: How did you fund it?\n\n"
            "MK: A £1.2m pre-seed in 2022, led by Pellam Ventures.",
            title="Wickmoor's Mara Kell on pricing trucks",
        )
    ]
    (round_,) = _of(extract_facts(chunks), "funding")
    assert round_.fields["company"] == "Wickmoor"


def test_a_roundups_lines_each_give_the_round_of_the_company_they_open_with():
    facts = extract_facts(
        _chunks(
            "Quillmere Weekly #12 — Tansy closes Brio, Carvel raises $220M\n\n"
            "* Carvel AI (Petrel models) — $220M Series C, led by Skua Ventures.\n"
            "* Merrow Health — $45M Series B for coding AI, led by Cresswell Growth.\n"
            "- Clerkwise · legal AI · London — £9m Series A, led by Saltmarsh Capital. "
            "Clerkwise has now raised £12m in total."
        )
    )
    rounds = [
        (f.fields["company"], f.fields["round"], f.fields["amount_text"])
        for f in _of(facts, "funding")
    ]
    assert ("Carvel AI", "Series C", "$220M") in rounds
    assert ("Merrow Health", "Series B", "$45M") in rounds
    assert ("Clerkwise", "Series A", "£9m") in rounds
    assert ("Clerkwise", "", "£12m") not in rounds  # all its rounds together, not one
    # the headline's last clause has its own subject: not the newsletter's name
    assert all(company != "Quillmere Weekly" for company, _, _ in rounds)


def test_an_investor_leading_a_round_leads_the_round_of_the_company_the_story_is_about():
    facts = extract_facts(
        _chunks(
            "Tarrow Labs was founded in 2020 in Denver. A $3.5 million seed round led by "
            "Fallowby Ventures closed in June 2021. Its app opened a public beta in March 2022, "
            "and in May 2022 Copperhill Capital led a $22 million Series A. In February 2024 "
            "Stonewick Partners led a $110 million Series B at a post-money valuation of $1.1 "
            "billion. In total Tarrow raised $135.5 million across the three rounds.",
            title="What happened to Tarrow Labs?",
        )
    )
    rounds = [
        (f.fields["company"], f.fields["round"], f.fields["amount_text"], f.fields["investors"])
        for f in _of(facts, "funding")
    ]
    assert ("Tarrow Labs", "Series A", "$22 million", ["Copperhill Capital"]) in rounds
    assert ("Tarrow Labs", "Series B", "$110 million", ["Stonewick Partners"]) in rounds
    # the sum of its rounds is no round of its own
    assert all(amount != "$135.5 million" for _, _, amount, _ in rounds), rounds


def test_a_memos_round_is_the_company_in_the_title_not_the_publisher_or_the_sender():
    chunks = [
        dataclasses.replace(c, publisher="The Quarry Report")
        for c in _chunks(
            "The Quarry Report obtained a copy of the memo.\n\n"
            "From: Dana Voss To: all-staff Date: October 27, 2026\n\n"
            "We have signed a $75 million Series C led by Ardhaven Capital.",
            title="Read the memo: Tansy Labs cuts a third of its staff",
        )
    ]
    (round_,) = _of(extract_facts(chunks), "funding")
    assert round_.fields["company"] == "Tansy Labs"
    assert round_.fields["investors"] == ["Ardhaven Capital"]


def test_a_round_named_in_a_heading_is_never_the_company():
    facts = extract_facts(
        _chunks(
            "Quillet AI: Series A. Quillet builds agents that reconcile invoices. It raised "
            "a $22 million Series A led by Brockwell Capital on September 18.",
            title="Harlow Fund II, Q3 2026 letter",
        )
    )
    assert all(f.fields["company"] != "Series A" for f in _of(facts, "funding"))


def test_dollars_and_reais_written_with_a_countrys_letters_keep_their_currency():
    from kb.tablerows import find_money

    found = [(m.text, m.currency) for m in find_money("CA$62M, A$5 million, R$0.55, US$18m, $4")]
    assert found == [
        ("CA$62M", "CAD"),
        ("A$5 million", "AUD"),
        ("R$0.55", "BRL"),
        ("US$18m", "USD"),
        ("$4", "USD"),
    ]
    facts = extract_facts(
        _chunks(
            "In March 2022 Cindermoor AI raised a US$18 million seed round led by Larchfield "
            "Capital.[4] In 2025 Cindermoor AI bought Parlay Audio for CA$62M.",
            title="Cindermoor AI",
        )
    )
    (round_,) = _of(facts, "funding")
    assert round_.fields["amount_text"] == "US$18 million", round_.fields
    (deal,) = _of(facts, "acquisition")
    assert (deal.fields["amount"], deal.fields["currency"]) == (62_000_000, "CAD")
