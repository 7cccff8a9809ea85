"""Kinds from the sentence around a name (issue 16): what a company does, what only an
organisation has, how rankings and places are written, and headline runs that are no names.
Every text is invented for this file; none is from the eval sets."""

from __future__ import annotations

import json

from kb.entities import recognise
from tests.conftest import ROOT


def kinds(*texts: str) -> dict[str, str]:
    """name -> kind over the texts read as one document's passages."""
    return {e.name: e.kind for found in recognise(list(texts)) for e in found}


def test_a_company_ending_in_ai_is_a_vendor_even_when_a_place_owns_it():
    found = kinds(
        "Norway's Quillmark AI released Tarn Voice 3 on Monday. Quillmark AI said the model "
        "was trained on licensed audio. Investors in Quillmark AI include Sable Ridge Capital."
    )
    assert found["Quillmark AI"] == "vendor"
    assert found["Tarn Voice 3"] == "model"
    assert found["Sable Ridge Capital"] == "investor"


def test_a_product_ending_in_ai_stays_a_product_where_models_run_on_it():
    found = kinds(
        "Pictor 2 is available on Lumio AI, Kessel Cloud's platform for developers. "
        "Customers deploy Pictor 2 through Lumio AI."
    )
    assert found.get("Lumio AI") == "model"


def test_shares_and_analysts_make_an_organisation_not_a_place():
    found = kinds(
        "Shares of Corbel fell 4% in Zurich after analysts at Vexmoor said the deal was too "
        "expensive. Vexmoor analysts expect more cuts."
    )
    assert found["Corbel"] == "vendor"
    assert found["Vexmoor"] == "vendor"
    assert found["Zurich"] == "place"


def test_a_bank_or_an_analyst_firm_in_a_dateline_story_is_no_place():
    found = kinds(
        "ZURICH, March 3 (Wirex) - Shares of KBX rose 2% after KBX analysts raised their "
        "forecast. The Zurich-based KBX said it would lend $1 billion to data-centre builders."
    )
    assert found["KBX"] == "vendor" and found["Zurich"] == "place"
    assert "Wirex" not in found


def test_banks_and_universities_are_organisations_and_fold_their_short_name():
    found = kinds(
        "Brenholt Bank said it would cut 300 jobs in Rotterdam. Brenholt analyst Pieter Smit "
        "said margins were thin. Its adviser, Joost Eelman of the University of Tarsk, agreed."
    )
    assert found["Brenholt Bank"] == "vendor"
    assert "Brenholt" not in found  # the bare head folds onto the bank
    assert found["Pieter Smit"] == "person"
    assert found.get("University of Tarsk", "vendor") == "vendor"
    assert found["Rotterdam"] == "place"


def test_how_results_are_written_makes_a_leaderboard():
    found = kinds(
        "The model scored 71% on the Garnet Reasoning Suite and placed second on Tollway "
        "Bench, ahead of rivals in the Quarry Eval results. On the Halcyon benchmark, Orel-5 "
        "leads; the Halcyon leaderboard is updated weekly."
    )
    for board in ("Garnet Reasoning Suite", "Tollway Bench", "Quarry Eval", "Halcyon"):
        assert found.get(board) == "leaderboard", (board, found)
    assert found["Orel-5"] == "model"


def test_a_benchmark_named_like_a_product_is_a_leaderboard_not_a_company():
    found = kinds(
        "Nvidia's chips swept the Grindstone Inference results, and AMD submitted its MI355X "
        "to Grindstone Inference for the first time."
    )
    assert found["Grindstone Inference"] == "leaderboard"
    found = kinds("Nvidia led in the latest Pallor Training round, ahead of Google.")
    assert found.get("Pallor Training") != "place"  # "in the X round" is no location


def test_near_and_built_at_are_places_but_analysts_at_is_not():
    found = kinds(
        "The plant will be built at Pelotas, near Porto Alegre. Analysts at Quorum Desk said "
        "the site was well chosen."
    )
    assert found["Pelotas"] == "place"
    assert found["Porto Alegre"] == "place"
    assert found.get("Quorum Desk") == "vendor"


def test_a_person_described_by_their_job_is_a_person():
    found = kinds(
        "Kessel Labs hired Idris Vantongeren, a former Orbis Health researcher, to run "
        "its new office."
    )
    assert found.get("Idris Vantongeren") == "person"
    assert found["Kessel Labs"] == "vendor"


def test_headline_runs_with_everyday_words_are_no_names():
    found = kinds(
        "Dutch Regulator Fines Brenholt Bank Over Chatbot; Shares Slip\n"
        "The regulator fined Brenholt Bank on Monday. Shares of Brenholt Bank fell 2%.",
        "Maharashtra Approves Rs 9,000 Crore Plant Near Nagpur\n"
        "The state cabinet approved the plant near Nagpur on Monday.",
    )
    assert found["Brenholt Bank"] == "vendor" and found["Nagpur"] == "place"
    assert not {"Shares Slip", "Maharashtra Approves"} & set(found), found


def test_an_offices_portfolio_and_a_command_line_tool_are_no_names():
    found = kinds(
        "Minister of Digital Affairs Ewa Brzeg said the cluster in Gdynia would open in 2027. "
        "Trellis 3 ships today with a faster CLI."
    )
    assert not {"Digital Affairs", "CLI"} & set(found), found
    assert found["Gdynia"] == "place"


def test_a_place_is_not_folded_onto_a_name_ending_with_it():
    found = kinds(
        "Navi Mumbai and Pune will host the new data centres, while Mumbai remains the "
        "largest market."
    )
    assert found.get("Mumbai") == "place"


def test_the_second_held_out_entity_set_is_well_formed():
    from eval.entities_eval import read_gold

    folder = ROOT / "eval" / "entity_docs_test2"
    lines = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line)["doc"] for line in lines if line.strip()]
    assert len(docs) == 5 and all((folder / d).is_file() for d in docs)
    kinds_used = {g.kind for g in read_gold(folder)}
    assert kinds_used == {"vendor", "investor", "model", "leaderboard", "person", "place"}


def test_everyday_words_are_no_person_or_firm_without_other_evidence():
    found = kinds(
        "Quillo Desk 7.1 is available today for all Business and Enterprise customers.\n"
        "- Dark Mode is now on by default in the admin console.\n"
        "Quillo Labs is based in Wellington, said Mark Hill, its chief executive."
    )
    assert not {"Business and Enterprise", "Dark Mode"} & set(found), found
    assert found["Mark Hill"] == "person"  # everyday words, but the phrasing says a person
    assert found["Quillo Labs"] == "vendor" and found["Wellington"] == "place"


def test_a_tie_between_company_and_product_goes_to_a_company_shaped_name():
    from kb.entities import corpus_kind

    assert corpus_kind(["model", "vendor"], "Fieldstone AI") == "vendor"
    assert corpus_kind(["model", "investor"], "Brightwater Capital") == "investor"
    assert corpus_kind(["model", "model", "vendor"], "Vertex AI") == "model"  # not a tie
    assert corpus_kind(["model", "vendor"], "Kestrel Video") == corpus_kind(["model", "vendor"])


# --- precision: events, launches, sites, places that own, places read as people -----------


def test_a_name_listed_with_a_vendors_products_is_no_place():
    found = kinds(
        "The models are served on Amazon Bedrock and Brevia. "
        "They also run on Microsoft Azure and Voltaria."
    )
    assert found.get("Brevia") != "place" and found.get("Voltaria") != "place"
    assert found["Amazon Bedrock"] == "model"


def test_an_event_is_no_company_whatever_its_last_word():
    found = kinds(
        'Orrin showed the Tern 5 chip at its "Scaling Compute" event in Austin on May 2. '
        "The Harbor Summit followed in June, and Orrin said sales doubled."
    )
    assert "Scaling Compute" not in found and "Harbor Summit" not in found
    assert found["Austin"] == "place"


def test_what_a_company_introduced_is_a_product_even_with_an_organisation_suffix():
    found = kinds(
        "The company also introduced Night Research in Ledger Pro, a tool that drafts filings.",
        "Veltro rolled out Market Pulse to its users in March. Veltro launched Tokyo operations "
        "in May.",
    )
    assert found["Night Research"] == "model"
    assert found["Market Pulse"] == "model"
    assert found.get("Tokyo") != "model"  # launched operations there: the place qualifies them


def test_a_name_among_sites_is_no_person():
    found = kinds("He found that copying songs from sites such as Tune Vault was not fair use.")
    assert found.get("Tune Vault") != "person"


def test_a_place_that_owns_a_company_does_not_make_it_a_product():
    found = kinds(
        "Switzerland's KBX cut its forecast on Tuesday.",
        "Japan's Velmora AI, the startup behind the Kestrel model, raised $200 million. "
        "Velmora AI models now run on phones.",
    )
    assert found["KBX"] == "vendor"
    assert found["Velmora AI"] == "vendor"


def test_a_name_the_label_calls_a_person_is_a_place_where_the_sentence_puts_it():
    found = kinds(
        "Officials in Sona Nagar and Ravi Puram said the sites would open in 2027. "
        "Ravi Puram officials said the plant near Sona Nagar will open first."
    )
    assert found["Ravi Puram"] == "place" and found["Sona Nagar"] == "place"


def test_an_acronym_is_a_place_only_where_a_sentence_puts_something_there():
    from collections import Counter

    from kb.entities import _Mention

    assert _Mention("QBR", labels=Counter({"GPE": 2})).kind() == "vendor"
    # an organisation's label alone makes no name of an acronym: most are terms ("VAT")
    assert _Mention("QBR", labels=Counter({"ORG": 2})).kind() == ""
    assert _Mention("QBR", labels=Counter({"ORG": 2}), org_cue=1).kind() == "vendor"
    assert _Mention("UAE", labels=Counter({"GPE": 2}), place_cue=2).kind() == "place"


def test_a_rankings_word_joined_to_a_name_makes_it_a_ranking():
    from kb.entities import board_suffix

    assert board_suffix("Tollway-Bench") and board_suffix("TollwayEval")
    assert not board_suffix("Workbench") and not board_suffix("Tollway")


def test_a_listed_alias_is_tagged_once_and_leaves_no_fragment():
    (found,) = recognise(
        ["Amazon Web Services and Chatbot Arena both listed Quill 3; Amazon Web Services said so."]
    )
    names = [e.name for e in found]
    assert len(names) == len(set(names))
    assert "Web Services" not in names and "Amazon" in names


def test_a_name_set_beside_leaderboard_is_a_ranking():
    found = kinds(
        "In this week's update of RungList, the independent coding leaderboard, Brennick "
        "Code 3 climbed to No. 1. RungList is updated every Friday."
    )
    assert found.get("RungList") == "leaderboard"


def test_business_acronyms_versions_of_nothing_firms_and_editions():
    found = kinds(
        "Brennick said its ARR passed $40 million and that an IPO is not planned. The Python "
        "SDK 4.3.0 adds batch helpers. Hartigan & Vale, a London law firm, said it uses "
        "Brennick Review. Ostra Pro costs $20 a month, Ostra said."
    )
    assert "ARR" not in found and "IPO" not in found and "SDK 4.3.0" not in found
    assert found.get("Hartigan & Vale") in (None, "vendor")  # never a person
    assert found.get("Ostra Pro") != "person"


# --- junk seen after ingesting corpus/ (each text here uses other, invented names) ----------


def test_a_date_or_a_year_is_never_a_model():
    from kb.entities import find_entities
    from kb.modelnames import model_shaped

    text = "On 2027-11-04 Vessaro Labs priced Orla-3 at 2 yuan. In 2028 Vessaro plans Orla-4."
    names = {e.name for e in find_entities(text)}
    assert names >= {"Orla-3", "Orla-4"}
    assert not any(n.startswith(("On", "In")) for n in names)
    assert [m.group(0) for m in model_shaped(text)] == ["Orla-3", "Orla-4"]
    found = kinds(text + " Vessaro Labs said Orla-3 serves banks.")
    assert not any(n.startswith(("On ", "In ")) for n in found)


def test_a_bracketed_acronym_folds_onto_the_name_it_abbreviates():
    found = kinds(
        "On Monday the Maritime Data Safety Bureau of Estland (MDSBE) published its list of "
        "approved chatbots. Vessaro Labs said its Orla-3 model was on the list.",
        "The MDSBE said 14 services were cleared. Vessaro Labs welcomed the MDSBE decision.",
    )
    assert "MDSBE" not in found
    assert found.get("Maritime Data Safety Bureau of Estland") == "vendor"


def test_a_programming_language_is_no_vendor():
    found = kinds(
        "Brackwell Cloud 2.1 ships a Kotlin SDK 2.1.0 and a Dart SDK 2.1.0 with streaming "
        "helpers. Brackwell Cloud said the Kotlin SDK is the first of several."
    )
    assert "Kotlin" not in found and "Dart" not in found


def test_names_bracketed_in_one_series_are_places_like_their_siblings():
    found = kinds(
        "Brackwell Cloud now serves Orla-3 from `eu-north-1` (Stockholm), `ap-east-1` "
        "(Hong Kong) and `sa-south-2` (Porto Alegre, since v2.1). Porto Alegre has no date "
        "yet for Orla-4."
    )
    assert found.get("Porto Alegre") == "place"


def test_a_company_name_plus_a_word_is_its_product_not_a_person():
    found = kinds(
        "Q: What comes next? A: In the spring we launch Quorvane Clerk, which files "
        "contracts for small firms. Quorvane raised $12 million from Sable Ridge Capital.",
        "Quorvane has 40 staff. Customers of Quorvane include three banks.",
    )
    assert found.get("Quorvane Clerk") == "model"
    assert found.get("Quorvane") == "vendor"


def test_lower_case_forum_mentions_fold_onto_the_capitalised_product():
    thread = [
        "u/a:\nso the email says brindlecode pro goes from $18 to $22. been on brindlecode "
        "since the beta, it's still the best autocomplete. what are you moving to? mostly "
        "python and some rust, using the draft mode a lot",
        'u/b:\nfrom their blog: "Starting May 1, Brindlecode Pro will cost $22 per month. '
        'Brindlecode Teams pricing is unchanged."',
        "u/c:\nbrindlecode's agent is still better than the rest. the draft feature is fine.",
    ]
    per_passage = [{e.name: e.kind for e in found} for found in recognise(thread)]
    assert per_passage[0].get("Brindlecode") == "model"  # "brindlecode", in lower case
    assert per_passage[0].get("Brindlecode Pro") == "model"  # "brindlecode pro"
    assert per_passage[2].get("Brindlecode") == "model"  # "brindlecode's"
    assert per_passage[1].get("Brindlecode Teams") == "model"  # an edition, not a person
    # ordinary lower-case words stay words
    everything = {n.lower() for passage in per_passage for n in passage}
    assert not everything & {"draft", "python", "rust", "email", "beta", "agent"}


def test_a_publications_short_name_is_the_press():
    from kb.entities import consolidate

    rows = [
        {"name": "Observer", "kind": "vendor", "chunks": 3, "documents": 1},
        {"name": "Lanternfield Ledger", "kind": "vendor", "chunks": 2, "documents": 1},
        {"name": "Ledger", "kind": "vendor", "chunks": 2, "documents": 1},
        {"name": "Vessaro Labs", "kind": "vendor", "chunks": 2, "documents": 1},
    ]
    kept = {
        r["name"] for r in consolidate(rows, publishers={"Lanternfield Ledger (weekend edition)"})
    }
    assert kept == {"Observer", "Vessaro Labs"}  # "the Ledger" is the publication


def test_a_ranking_word_run_on_in_lower_case_names_a_leaderboard():
    from kb.entities import board_suffix

    assert board_suffix("Cairnbench") and board_suffix("CodeArena")
    # everyday things that end the same way are no rankings
    assert not board_suffix("Workbench") and not board_suffix("Dashboard")
    assert not board_suffix("Keyboard")


def test_a_cue_word_in_capitals_still_lets_its_cue_be_searched():
    from kb.entities import _CUE_WORDS, _may_match

    role_cue = next(c for c, words in _CUE_WORDS.items() if "officer" in words)
    assert _may_match(role_cue, "Paulo Trevanion -- Chief Financial Officer: It's small.")
    assert not _may_match(role_cue, "Revenue came in at $412.6 million.")


def test_a_decks_numbered_slides_and_a_wikis_retrieved_dates_are_no_models():
    found = kinds(
        "Slide 1 — Tally Nest raises a seed round. Slide 2 — The problem. Slide 3 — Our "
        "product, Nestwise 2, reconciles invoices. Slide 4 — The team.",
        "Retrieved 3 March 2026. Retrieved 12 April 2026. Retrieved 30 May 2026.",
    )
    assert not [n for n in found if n.startswith(("Slide", "Retrieved"))], found
    assert found.get("Nestwise 2") == "model"  # a product's one version is still a model


def test_an_unlisted_acronym_needs_a_sentence_that_makes_it_a_name():
    found = kinds(
        "Prices exclude VAT. Single sign-on (SSO) costs extra on the Team plan, and the FAQ "
        "lists the regions. Regulators, including the KVTA, asked Marrowfen AI for its data. "
        "The Comissão Nacional de Dados e Algoritmos (CNDA) fined Marrowfen AI. QRX said on "
        "Monday that it would buy Marrowfen AI."
    )
    assert not {"VAT", "SSO", "FAQ"} & set(found), found
    assert found.get("KVTA") and found.get("QRX") == "vendor"
    # a spelled-out name and its acronym are one entity, under the full name
    assert "Comissão Nacional de Dados e Algoritmos" in found and "CNDA" not in found


def test_salutations_titles_footnotes_and_based_are_no_parts_of_a_name():
    found = kinds(
        "Dear Limited Partners, our limited partners backed Fund II this quarter. "
        "Hyderabad-based Lipika Technologies raised $20 million led by Larchfield Capital.[4] "
        "The round was signed by Tobias Hobson, Managing Partners of Harrow Peak Ventures.",
        "Lipika Technologies said it would hire in Toronto.[1] Shares of LPKT.N rose.",
    )
    assert "Lipika Technologies" in found and "Larchfield Capital" in found
    assert "Tobias Hobson" in found and "Toronto" in found
    assert not [n for n in found if "Limited Partners" in n or "[" in n or "-based" in n]
    assert "LPKT.N" not in found
