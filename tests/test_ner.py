"""Recognising names nobody listed: the statistical recogniser (spaCy) with the curated lists,
shape rules and precision rules, on small invented texts; and the entity eval."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kb.entities import consolidate, entity_key, recognise
from kb.ner import load_ner
from tests.conftest import DATA, ROOT, run_kb

ENTITY_DOCS = DATA / "entity_docs"


def kinds(text: str) -> dict[str, str]:
    return {e.name: e.kind for e in recognise([text])[0]}


def test_only_the_ner_component_is_loaded_once():
    model = load_ner()
    assert model is load_ner()
    assert model.components == ("ner",)


def test_recogniser_products_use_one_openblas_thread_and_find_the_same_names():
    from threadpoolctl import ThreadpoolController

    from kb.ner import _UNUSED, MODEL_PACKAGE, NerModel, _import_spacy

    fast = load_ner()
    texts = [p.read_text(encoding="utf-8") for p in sorted(ENTITY_DOCS.glob("*.md"))]
    assert len(texts) >= 4
    blis = NerModel(_import_spacy().load(MODEL_PACKAGE, exclude=list(_UNUSED)))  # thinc's BLIS
    assert list(fast.spans(texts)) == list(blis.spans(texts))
    numpy_blas = [
        lib.num_threads
        for lib in ThreadpoolController().select(internal_api="openblas").lib_controllers
        if "numpy" in lib.filepath
    ]
    assert numpy_blas == [1]  # held to one thread while the encoder uses the other cores


def test_unseen_vendors_investors_models_people_and_places():
    found = kinds(
        "Orvanta Robotics, a startup in Gdansk, raised $25 million in a round led by "
        "Pellucid Ventures. Marlowe said its model Tern-3 beats rivals, according to "
        "chief executive Annika Lindqvist. Corsair Partners and Wexley also invested."
    )
    assert found["Orvanta Robotics"] == "vendor"
    assert found["Pellucid Ventures"] == "investor"
    assert found["Corsair Partners"] == "investor"
    assert found["Wexley"] == "investor"  # "X and Y also invested": investor phrasing
    assert found["Tern-3"] == "model"
    assert found["Annika Lindqvist"] == "person"
    assert found["Gdansk"] == "place"


def test_a_name_the_text_calls_a_model_is_a_model():
    found = kinds("Pemberly Systems released Sparrow, a speech model for call centres.")
    assert found["Sparrow"] == "model" and found["Pemberly Systems"] == "vendor"


def test_no_generic_words_titles_or_months():
    found = kinds(
        "The company said the API would launch in March. The CEO of Quorvel AI said AI "
        "spending keeps rising, and the Chief Executive Officer called it a Series B."
    )
    junk = {"API", "AI", "The company", "CEO", "March", "Chief Executive Officer", "Series B"}
    assert not junk & set(found), found
    assert found.get("Quorvel AI") == "vendor"


def test_curated_names_keep_their_canonical_form_and_kind():
    found = kinds("Alibaba Cloud and Nvidia's H100 met GPT-4o on the LMSYS Chatbot Arena.")
    assert found["Alibaba"] == "vendor" and found["H100"] == "model"
    assert found["LMArena"] == "leaderboard" and found["GPT-4o"] == "model"


def test_bare_head_and_possessive_fold_onto_the_suffixed_name():
    text = (
        "Veridian Labs opened an office in Bergen. Veridian's engineers said Veridian "
        "would hire forty people."
    )
    found = kinds(text)
    assert found["Veridian Labs"] == "vendor"
    assert "Veridian" not in found and "Veridian's" not in found


def test_a_models_vendor_is_linked():
    first, second = recognise(
        [
            "Halvard AI's Kestrel Video 2 went on sale on Thursday.",
            "Critics compared Lark 5 from Dovecote Labs with older systems.",
        ]
    )
    makers = {e.name: e.maker for e in first + second if e.kind == "model"}
    assert makers == {"Kestrel Video 2": "Halvard AI", "Lark 5": "Dovecote Labs"}


def test_consolidate_folds_across_documents_and_drops_lone_sightings():
    rows = [
        {"name": "Veridian Labs", "kind": "vendor", "chunks": 3, "documents": 2},
        {"name": "Veridian", "kind": "vendor", "chunks": 2, "documents": 1},
        {"name": "Halvard AI's", "kind": "vendor", "chunks": 1, "documents": 1},
        {"name": "Halvard AI", "kind": "vendor", "chunks": 2, "documents": 1},
        {"name": "Kestrel Video 2", "kind": "model", "chunks": 2, "documents": 1},
        {"name": "Kestrel Video 2>Halvard AI", "kind": "maker", "chunks": 1, "documents": 1},
        {"name": "Lyon Summit", "kind": "vendor", "chunks": 1, "documents": 1},
        {"name": "Runway", "kind": "vendor", "chunks": 1, "documents": 1},
    ]
    out = {r["name"]: r for r in consolidate(rows)}
    assert set(out) == {"Veridian Labs", "Halvard AI", "Kestrel Video 2", "Runway"}
    assert out["Veridian Labs"]["chunks"] == 5 and out["Veridian Labs"]["documents"] == 3
    assert out["Halvard AI"]["chunks"] == 3
    assert out["Kestrel Video 2"]["maker"] == "Halvard AI"
    assert entity_key("Happy Horse") == entity_key("HappyHorse")


@pytest.fixture(scope="module")
def entity_store(tmp_path_factory, real_embedder):
    """The four invented articles of tests/data/entity_docs ingested into a fresh store."""
    from ingest.pipeline import Ingestor
    from kb.settings import Settings

    root = tmp_path_factory.mktemp("entity-store")
    settings = Settings(store_dir=root / "store", corpus_dir=ENTITY_DOCS, chroma_url=None)
    report = Ingestor(settings, real_embedder).run([str(ENTITY_DOCS)])
    assert not report.failed and report.count("added") == 4
    return settings.store_dir


def test_kb_entities_lists_unseen_companies_after_ingest(entity_store):
    proc = run_kb(entity_store, "entities", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["name"]: r for r in json.loads(proc.stdout)["entities"]}
    assert rows["Veridian Labs"]["kind"] == "vendor" and rows["Veridian Labs"]["documents"] == 2
    assert rows["Brightwater Capital"]["kind"] == "investor"
    assert rows["Brightwater Capital"]["documents"] == 2  # "Brightwater" folded in
    assert rows["Halvard AI"]["kind"] == "vendor" and rows["Tessaly Research"]["kind"] == "vendor"
    assert rows["Kestrel Video 2"]["kind"] == "model"
    assert rows["Kestrel Video 2"]["maker"] == "Halvard AI"
    assert rows["Ingrid Solberg"]["kind"] == "person" and rows["Oslo"]["kind"] == "place"
    assert not {"API", "AI", "The company", "CEO", "Veridian", "Brightwater"} & set(rows)


def test_entity_eval_scores_the_test_folder():
    proc = subprocess.run(
        [sys.executable, "-m", "eval.entities_eval", "--docs", str(ENTITY_DOCS), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["documents"] == 4 and result["gold"] == 24
    assert result["recall"] >= 0.9 and result["precision"] >= 0.9, result


def test_entity_eval_scoring_counts_aliases_and_kinds():
    from eval.entities_eval import GoldEntity, score

    gold = [
        GoldEntity("Veridian Labs", "vendor", frozenset({"veridianlabs", "veridian"})),
        GoldEntity("Oslo", "place", frozenset({"oslo"})),
    ]
    rows = [
        {"name": "Veridian", "kind": "vendor"},
        {"name": "Quarterly Update", "kind": "vendor"},
        {"name": "Mara Olsen", "kind": "person"},  # a kind the gold set does not use
    ]
    result = score(gold, rows)
    assert result["recall"] == 0.5 and result["precision"] == 0.5
    assert result["missed"] == ["Oslo"] and result["spurious"] == ["Quarterly Update"]


def test_a_licence_is_no_model_or_company_but_a_models_licence_keeps_the_model():
    found = kinds(
        "Both models are published under the Apache 2.0 licence, and Orvel 3 is released "
        "under the Orvel Research License. The Llama 2 licence allows commercial use; the "
        "code is MIT-licensed."
    )
    assert not {"Apache 2.0", "Apache", "Orvel Research License", "MIT"} & set(found), found
    assert found.get("Llama 2") == "model"


def test_products_are_not_places_but_places_stay_places():
    found = kinds(
        "A redesigned Siri can understand more natural speech. Microsoft announced virtual "
        "machines for its Azure cloud. The model is available through Azure, Amazon Bedrock "
        "and IBM watsonx. Under US copyright law, damages can be high. In Europe, Mistral "
        "AI's round was the largest. Veridian Labs is based in Oslo."
    )
    assert found.get("Siri") in (None, "model") and found.get("Azure") in (None, "model")
    assert found.get("US") == "place" and found.get("Europe") == "place", found
    assert found.get("Oslo") == "place"


def test_every_name_in_an_investing_list_is_an_investor():
    found = kinds(
        "The round was led by Andreessen Horowitz, with Nvidia, Accel, ServiceNow, Cisco "
        "and Jane Street also investing."
    )
    for name in ("Andreessen Horowitz", "Accel", "Cisco", "Jane Street"):
        assert found.get(name) == "investor", (name, found)
    assert found["Nvidia"] == "vendor"  # the curated prior keeps its kind


def test_founders_are_people_and_a_name_used_as_an_adjective_is_no_company():
    found = kinds(
        "Talvik was founded in 2023 by Okafor and Lucas Brennan, both former researchers at "
        "Corren, the Baltic AI institute."
    )
    assert found.get("Lucas Brennan") == "person", found
    assert "Baltic AI" not in found


def test_spacy_loads_without_torch_and_torch_stays_importable_meanwhile():
    def run(script: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    alone = "import sys, kb.ner as n\nn.load_ner()\nprint('torch' in sys.modules)"
    assert run(alone) == "False"  # thinc would import torch (1.4 s) for nothing
    # an ingest loads the recogniser in the background while the embedder, which may need
    # torch, loads in the foreground
    meanwhile = (
        "import kb.ner as n\nn.start_loading()\nimport torch\n"
        "print(torch.tensor([2]).sum().item(), n.load_ner().components)"
    )
    assert run(meanwhile) == "2 ('ner',)"


def test_a_listed_models_edition_is_not_a_second_name():
    found = kinds(
        "Google cut Veo 3 Fast from $0.40 to $0.15 a second. Gemini Advanced subscribers "
        "get it first, and Anthropic launched Claude Code as a research preview."
    )
    assert not {"Fast", "Advanced", "Code"} & set(found), found
    assert found["Veo 3"] == "model" and found["Google"] == "vendor"


def test_a_wire_dateline_is_a_place_and_its_wire_service_no_vendor():
    found = kinds(
        "Veltra raises $40 million for freight agents\n"
        "OSLO, Nov 17 (Nordwire) - Veltra, whose software agents book freight for shipping "
        "companies, has raised $40 million in a round led by Skarvik Capital, the company "
        "told Nordwire on Wednesday."
    )
    assert found.get("Oslo") == "place", found
    assert "OSLO" not in found and "Nordwire" not in found, found
    assert found.get("Veltra") == "vendor" and found.get("Skarvik Capital") == "investor"


def test_dateline_shapes():
    from kb.entities import find_dateline

    wire = find_dateline("Title line\nSEOUL/TOKYO, 3 March 2026 (Asiawire) — Shares rose.")
    assert wire is not None and wire.places == ("Seoul", "Tokyo")
    assert wire.publisher == "Asiawire"
    agency = find_dateline("AUSTIN, Texas (AP) — A startup said on Monday ...")
    assert agency is not None and agency.places == ("Austin", "Texas")
    release = find_dateline("SAN JOSE, Calif., Jan. 8, 2026 -- Quorvel today announced ...")
    assert release is not None and release.places == ("San Jose",) and not release.publisher
    assert find_dateline("UPDATE 2 - Shares of Quorvel rose") is None  # no date, no wire
    assert find_dateline("The company said on Nov 17 that OSLO - was busy") is None


def test_everyday_words_capitalised_only_where_english_capitalises_are_no_names():
    found = kinds(
        "Veltra said the round was oversubscribed. Media reports had said it was bigger. "
        "Search for freight has moved online, Veltra said. The Times reported it first, "
        "and the company confirmed it to the Times."
    )
    assert not {"Media", "Search", "Times"} & set(found), found
    assert found.get("Veltra") == "vendor"


def test_a_city_describing_a_company_is_a_place_not_a_vendor():
    found = kinds(
        "In March Brightmoor led a round in Halvard AI, the Oslo video startup. "
        "Pellworth, an Austin chipmaker, said it would hire."
    )
    assert found.get("Oslo") == "place" and found.get("Austin") == "place", found
    assert found.get("Halvard AI") == "vendor"


def test_a_vendors_product_is_a_model_of_that_vendor_not_a_bare_word():
    entities = recognise(
        ["The model is available through Amazon Bedrock, and it can call Google Search."]
    )[0]
    found = {e.name: (e.kind, e.maker) for e in entities}
    assert found.get("Amazon Bedrock") == ("model", "Amazon"), found
    assert found.get("Google Search") == ("model", "Google"), found
    assert not {"Bedrock", "Search"} & set(found)


def test_investor_appositions_and_words_that_are_no_investing():
    found = kinds(
        "The model runs in capacity leased from Brightmoor, an infrastructure investor. "
        "Sequoia Capital and NVentures, Nvidia's venture arm, are taking part. "
        "Its head of research, Anders Lie, joined from the University of Oslo. "
        "Developer Ana Petrovic wrote that she liked it."
    )
    assert found.get("Brightmoor") == "investor" and found.get("NVentures") == "investor"
    assert found.get("Anders Lie") == "person", found
    assert found.get("Ana Petrovic") != "investor", found


def test_the_corpus_kind_is_what_most_documents_say():
    from kb.entities import corpus_kind

    assert corpus_kind(["vendor", "investor", "investor"]) == "investor"
    assert corpus_kind(["vendor", "investor"]) == "investor"  # a tie: the specific reading
    assert corpus_kind(["place", "place", "vendor"]) == "place"


def test_a_lone_sighting_is_kept_when_its_spelling_is_a_names():
    rows = [
        {"name": n, "kind": "vendor", "chunks": 1, "documents": 1}
        for n in ("NRK", "NVentures", "Harlow & Finch", "University of Oslo", "Lyon Summit", "API")
    ]
    kept = {r["name"] for r in consolidate(rows)}
    assert kept == {"NRK", "NVentures", "Harlow & Finch", "University of Oslo"}, kept


def test_a_short_reference_folds_onto_the_organisation_it_ends():
    found = kinds(
        "The New York Times sued Quorvel AI in December. The complaint shows passages of "
        "Times articles reproduced word for word."
    )
    assert "Times" not in found, found
    assert found.get("New York Times") == "vendor"


def test_a_common_place_name_at_a_sentence_start_stays_a_place():
    found = kinds("Paris is where Quorvel AI opened its second office, the company said.")
    assert found.get("Paris") == "place", found


def test_a_version_after_a_recognised_name_belongs_to_it_and_the_bare_name_is_the_family():
    entities = recognise(
        [
            "Halvard AI released Kestrel Video 2 in May. Halvard is also preparing Kestrel "
            "Video 3, due next year. The original Kestrel Video reached tenth."
        ]
    )[0]
    found = {e.name: e.kind for e in entities}
    assert found.get("Kestrel Video 3") == "model", found
    assert found.get("Kestrel Video") == "model", found  # the family, written bare
    assert not any(n.endswith("120") for n in found)


def test_a_named_owners_single_word_is_a_product_and_an_edition_a_model():
    found = kinds(
        "The campus will host racks of Nvidia's Blackwell accelerators. Veridian Labs sells "
        "Lumen-4 and a smaller Lumen-4 Mini."
    )
    assert found.get("Blackwell") == "model", found
    assert found.get("Lumen-4 Mini") == "model" and found.get("Lumen-4") == "model", found


def test_an_organisation_in_apposition_is_no_person():
    found = kinds(
        "Tessaly was founded by two former researchers at Mila, the Quebec AI institute, "
        "and Corrane, a Lisbon consultancy. Greg Brockman, the company's president, quit."
    )
    assert found.get("Mila") == "vendor", found
    assert found.get("Greg Brockman") == "person", found  # "the company's president"


def test_part_of_a_listed_name_is_no_name_and_a_person_has_no_version():
    found = kinds(
        "Claude Opus 4 leads SWE-bench Verified and tops Humanity's Last Exam. "
        "The Vantor V9 accelerator ships in May, Vantor Semiconductor said."
    )
    assert not {"Verified", "Humanity"} & set(found), found
    assert found.get("Vantor V9") in (None, "model"), found


def test_a_publisher_of_the_corpus_is_no_vendor():
    rows = [
        {"name": "Compute Weekly", "kind": "vendor", "chunks": 3, "documents": 3},
        {"name": "Quorvel AI", "kind": "vendor", "chunks": 3, "documents": 3},
        {"name": "Google", "kind": "vendor", "chunks": 3, "documents": 3},
    ]
    kept = {r["name"] for r in consolidate(rows, publishers={"Compute Weekly", "Google"})}
    assert kept == {"Quorvel AI", "Google"}  # a listed vendor stays, whoever publishes


def test_a_newswire_dateline_and_an_email_address_do_not_hide_the_company():
    text = (
        "Auralis Speech Launches Vox 3\n"
        "SAN FRANCISCO, Jan. 27, 2026 /PRNewswire/ -- Auralis Speech Inc., a developer of "
        "voice AI, today announced Vox 3, its third-generation speech model.\n"
        '"Translation is next," said Naomi Feld, co-founder and CEO of Auralis Speech.\n'
        "About Auralis Speech\nAuralis Speech Inc. builds speech models.\n"
        "Media contact: press@auralis.example"
    )
    found = kinds(text)
    assert found.get("San Francisco") == "place" and "PRNewswire" not in found, found
    # "auralis" of the address hides nothing; the legal form is dropped from the name
    assert found.get("Auralis Speech") == "vendor", found
    assert "Auralis Speech Inc" not in found


def test_the_held_out_entity_set_is_well_formed():
    from eval.entities_eval import read_gold

    folder = ROOT / "eval" / "entity_docs_test"
    docs = [json.loads(line)["doc"] for line in (folder / "gold.jsonl").read_text().splitlines()]
    assert len(docs) == 5 and all((folder / d).is_file() for d in docs)
    kinds_used = {g.kind for g in read_gold(folder)}
    assert kinds_used == {"vendor", "investor", "model", "leaderboard", "person", "place"}


# --- kinds from the sentence around a name (issue 16, precision of kinds) -------------------


def test_a_region_written_with_in_the_is_a_place_but_a_publication_is_not():
    found = kinds("Users and companies in the Varethi Union cannot use the model yet.")
    assert found["Varethi Union"] == "place"
    found = kinds(
        "The act took effect twenty days after its publication in the Official Gazette of "
        "Varethi on July 12."
    )
    assert found.get("Official Gazette of Varethi") != "place"


def test_a_name_listed_with_places_is_a_place_and_an_apposition_is_no_list():
    found = kinds(
        "Orvane Labs said the service is available in the United States and the Varethi "
        "Union, with data kept in the region the customer chooses."
    )
    assert found["Varethi Union"] == "place"
    found = kinds(
        "Orvane Labs announced a partnership with Meridian Telecom, Japan's third-largest "
        "mobile operator, which will resell its models."
    )
    assert found["Meridian Telecom"] == "vendor" and found["Japan"] == "place"


def test_a_product_named_like_a_company_is_a_model_when_the_text_says_so():
    # "AI", "Intelligence", "Cloud", "Compute" end products' names too: a named owner, an
    # "its ... platform" apposition, a model offered on it or a list of products decides
    cases = {
        "Nimbus AI": "The model ships through the Anthropic API and Google Cloud's Nimbus AI.",
        "Quarry AI": "Google also expanded Quarry AI, its cloud platform for enterprise customers.",
        "Tessel AI": "Orvane's models are now available on Tessel AI.",
        "Ferrow AI": "Google cut the price of Veo 3 on Ferrow AI from $0.75 to $0.40 per second.",
        "Lattice AI": "Developers can use Gemini Pro through Google AI Studio and Lattice AI "
        "from December 13.",
    }
    for name, text in cases.items():
        assert kinds(text)[name] == "model", text
    # ... and a company with such a suffix stays a company
    assert kinds("Halvard AI released a new video model on Tuesday.")["Halvard AI"] == "vendor"


def test_an_agent_a_companys_own_hardware_and_a_called_model_are_products():
    assert kinds("Project Lanternfish is an agent that can operate a web browser.") == {
        "Project Lanternfish": "model"
    }
    found = kinds("The plan bundles the Project Lanternfish agent and 30 terabytes of storage.")
    assert found["Project Lanternfish"] == "model"
    found = kinds(
        "Google said Gemini was trained entirely on its own Vector Compute Cores, rather "
        "than on chips bought from Nvidia."
    )
    assert found["Vector Compute Cores"] == "model"


def test_a_product_label_alone_is_the_organisation():
    # the small model calls "CodeBarn" a PRODUCT, but nothing in the text makes it one
    assert kinds("Developers commit changes to CodeBarn every day.") == {"CodeBarn": "vendor"}
    assert kinds("Quillon says its model, called Q-Fold, proposed the region.")["Q-Fold"] == (
        "model"
    )


def test_licences_in_tables_and_lists_are_no_models_or_companies():
    for text in (
        "Model: Ferro-7B | Developer: Orvane Labs | Released: Mar 2025 | Licence: Corvane 2.0",
        "Their licences differ widely, from permissive (Corvane 2.0, BSL) to custom licences.",
        "Notes: Open weights, Corvane 2.0",
    ):
        found = kinds(text)
        assert "Corvane 2.0" not in found and "BSL" not in found, (text, found)


def test_a_vendors_product_written_with_the_vendor_folds_onto_its_bare_name():
    rows = [
        {"name": "Quarry AI", "kind": "model", "chunks": 4, "documents": 3},
        {"name": "Google Quarry AI", "kind": "model", "chunks": 1, "documents": 1},
        {"name": "Amazon Bedrock", "kind": "model", "chunks": 2, "documents": 2},
    ]
    out = {r["name"]: r for r in consolidate(rows)}
    assert set(out) == {"Quarry AI", "Amazon Bedrock"}
    assert out["Quarry AI"]["chunks"] == 5


def test_an_organisation_by_its_description_its_chief_or_its_base_is_no_person_or_place():
    found = kinds(
        "Quillon signed a deal worth $1.2bn with Harlow Pharma. Quillon signed a partnership "
        "with Harlow Pharma, a mid-sized U.S. drugmaker, to design antibodies."
    )
    assert found["Harlow Pharma"] == "vendor"  # a tie of two readings each way: the text wins
    found = kinds(
        "Dana Whitcombe joined the board alongside Adam Kell, the chief executive of Brevia, "
        "who stayed on."
    )
    assert found["Brevia"] == "vendor" and found["Adam Kell"] == "person"
    found = kinds("Minora Silicon, based in Seoul, sampled the chip to carmakers in December.")
    assert found["Minora Silicon"] == "vendor" and found["Seoul"] == "place"


def test_a_companys_first_word_folds_onto_its_full_name():
    found = kinds(
        "Tovenna Speech Inc. released a voice model, said Ana Li, CEO of Tovenna Speech. "
        "Tovenna raised $64 million in 2025."
    )
    assert found == {"Tovenna Speech": "vendor", "Ana Li": "person"}


def test_a_legal_form_folds_onto_the_company_and_an_all_caps_title_is_no_dateline():
    found = kinds(
        "VARNELL ROBOTICS INC (VRNL) -- Q2 2026 EARNINGS CALL\n"
        "Welcome to Varnell Robotics' second quarter call. Revenue rose 12%. "
        "Osterby Inc. and Osterby both bid for the contract; Osterby, Inc. said it would appeal."
    )
    assert found.get("Varnell Robotics") == "vendor", found  # not a place "Varnell Robotics Inc"
    assert found.get("Osterby") == "vendor", found
    assert not any(n.endswith(("Inc", "INC")) for n in found), found
    assert "Varnell" not in found and "Vrnl" not in found, found


def test_an_all_caps_line_is_read_title_cased_but_a_dateline_keeps_its_capitals():
    from kb.entities import find_dateline, title_cased_caps

    assert title_cased_caps("MERRO SYSTEMS INC (MRRO) -- Q3 CALL\nbody") == (
        "Merro Systems Inc (MRRO) -- Q3 Call\nbody"
    )
    assert title_cased_caps("HALVARD AI LAUNCHES A MODEL FOR THE US") == (
        "Halvard AI Launches a Model for the US"
    )
    datelines = "OSLO (Nordwire) -- x\nTOKYO (AP) -- "
    assert title_cased_caps(datelines) == datelines
    assert find_dateline("MERRO SYSTEMS INC (MRRO) -- Q3 2026 EARNINGS CALL") is None
    assert find_dateline("TOKYO (AP) -- Shares rose.").places == ("Tokyo",)


class _Reads:
    """The real recogniser, noting every stretch of text it is given."""

    def __init__(self) -> None:
        self.model = load_ner()
        self.texts: list[str] = []

    def spans(self, texts, batch_size=256):  # noqa: ANN001, ANN201
        self.texts += texts
        return self.model.spans(texts, batch_size)


_GATED = (
    "OpenAI released GPT-4o in May, and Google answered with Gemini 2.5 Pro. "
    "Revenue at both companies rose 12% in the quarter. "
    "Yesterday the chief executive of Quorvane Systems, Idris Amell, opened an office in "
    "Tallinn. Quorvane Systems said its Brisa-2 model would ship in June."
)


def test_a_sentence_with_an_unseen_name_is_read_and_the_name_recognised():
    reads = _Reads()
    found = {e.name: e.kind for e in recognise([_GATED], ner=reads)[0]}
    assert found["Quorvane Systems"] == "vendor"
    assert found["Idris Amell"] == "person"
    assert found["Tallinn"] == "place"
    assert any("Idris Amell" in t for t in reads.texts)
    # the sentences with listed names and ordinary words only were never read
    assert not any("OpenAI" in t or "Revenue" in t for t in reads.texts)


def test_a_skipped_sentence_had_nothing_the_recogniser_would_find(monkeypatch):
    gated = recognise([_GATED], ner=_Reads())[0]
    whole = _Reads()
    # the same text with every sentence read whole: the gate lost nothing
    monkeypatch.setattr(
        "kb.entities._ner_windows", lambda sentences, lower_words: [(s, s) for s in sentences]
    )
    assert recognise([_GATED], ner=whole)[0] == gated
    assert any(t.startswith("OpenAI released") for t in whole.texts)


def test_a_word_and_a_version_is_a_product_when_the_text_says_so():
    found = kinds(
        "On Quoin, our coding agent. Quoin 3 runs on Barrow Code 2 and has 40,000 seats. "
        "Maltby's Plane 2 is ahead on the board. We moved Tier 1 customers to Tier 4 pricing."
    )
    assert found.get("Quoin 3") == "model" and found.get("Quoin") == "model", found
    assert found.get("Barrow Code 2") == "model", found  # "runs on X"
    assert found.get("Plane 2") == "model" and found.get("Maltby") == "vendor", found
    assert "Tier 4" not in found and "Tier 1" not in found, found


def test_two_versions_of_one_name_are_models_and_a_year_or_date_is_not():
    found = kinds(
        "Fine-tuned Gorse 2 models move to Gorse 3 Mini on request. Gorse 2 retires on "
        "December 15, 2026. Revenue in Harbour 2026 was flat; we met on September 9."
    )
    assert {"Gorse 2", "Gorse 3 Mini"} <= set(found) and found["Gorse 2"] == "model", found
    assert not any(n.startswith(("Fine-tuned", "Harbour", "September")) for n in found), found


def test_a_table_headed_model_lists_models_and_a_bracketed_maker_makes_a_product():
    table = (
        "Pricing\n\nModel | Input | Output\n\nWren 3 | $2.50 | $10.00\n\n"
        "Wren 3 Max 2 | $6.00 | $24.00\n\nWren 3 Flint | $0.08 | $0.32\n\nNotes follow."
    )
    found = kinds(table)
    assert {found.get(n) for n in ("Wren 3", "Wren 3 Max", "Wren 3 Flint")} == {"model"}, found
    entities = recognise(
        [
            "Our shortlist is Quoin 3 (Harrow), Plane 2 (Maltby) and Dinghy (Pinecroft Labs). "
            "Nobody mentions Dinghy. Harrow is killing its old editor."
        ]
    )[0]
    found = {e.name: (e.kind, e.maker) for e in entities}
    assert found.get("Dinghy") == ("model", "Pinecroft Labs"), found
    assert found.get("Quoin 3") == ("model", "Harrow") and found.get("Harrow") == ("vendor", ""), (
        found
    )


def test_a_call_transcripts_speakers_are_people_and_a_first_name_folds_onto_one():
    found = kinds(
        "Operator: I'd now like to hand over to Chief Executive Officer Mara Quist-Lund.\n"
        "Mara Quist-Lund -- Chief Executive Officer: Thanks, operator. Revenue rose 20%.\n"
        "Ivo Brandt -- Chief Financial Officer: Thank you, Mara. Margin was 61%.\n"
        "Operator: Our next question comes from Lene Okafor-Vik with Dunmore & Pike.\n"
        "Lene Okafor-Vik -- Analyst, Dunmore & Pike: Hi, thanks. Ivo, on the margin guide?\n"
        "Ivo Brandt -- Chief Financial Officer: Good question."
    )
    for person in ("Mara Quist-Lund", "Ivo Brandt", "Lene Okafor-Vik"):
        assert found.get(person) == "person", found
    assert "Mara" not in found and "Ivo" not in found, found
    assert not any(":" in n for n in found), found  # not "Dunmore & Pike: Hi"


def test_what_a_company_retires_acquires_or_sells_as_an_api_is_told_apart():
    found = kinds(
        "Varnell Systems had a good quarter. We're going to sunset Varnell Sketchpad, the "
        "no-code app builder. We also closed the Quarrow Evals acquisition, a team in Leeds. "
        "The Corvane API now serves most developers, and the Corvane API is cheaper. "
        "Ferro Inc. and its Lisbon subsidiary were fined after a complaint from the developers' "
        "association Liga Programadores Abertos."
    )
    assert found.get("Varnell Sketchpad") == "model", found
    assert found.get("Quarrow Evals") == "vendor", found  # no ranking: it was bought
    assert found.get("Corvane") == "model", found
    assert found.get("Lisbon") == "place" and found.get("Ferro") == "vendor", found
    assert found.get("Liga Programadores Abertos") == "vendor", found


def test_a_one_word_heading_is_no_name_and_an_institution_of_a_place_is_an_organisation():
    found = kinds(
        "Press release\n\nBackground\n\nThe regulator fined Ferro Inc. after complaints. Ferro "
        "may challenge the decision before the Administrative Court of Lisbon within 30 days."
    )
    assert "Background" not in found, found
    assert found.get("Administrative Court of Lisbon") == "vendor", found


def test_an_acronym_folds_onto_the_listed_name_it_abbreviates():
    rows = [
        {"name": "European Union", "kind": "place", "chunks": 2, "documents": 1},
        {"name": "EU", "kind": "vendor", "chunks": 3, "documents": 2},
        {"name": "Orvane Labs", "kind": "vendor", "chunks": 2, "documents": 1},
        {"name": "OL", "kind": "vendor", "chunks": 2, "documents": 1},
        {"name": "Open Link", "kind": "vendor", "chunks": 2, "documents": 1},
    ]
    kept = {r["name"]: (r["kind"], r["chunks"]) for r in consolidate(rows)}
    assert kept["European Union"] == ("place", 5) and "EU" not in kept, kept
    assert "OL" in kept  # two names abbreviate to it: which one is unknown


def test_a_name_described_as_an_app_builder_is_a_product_and_a_model_builder_a_company():
    found = kinds(
        "Customers still use Varnell Sketchpad, the no-code app builder, every day. Varnell "
        "Sketchpad has 6,000 customers. Halvard AI, the model builder, said so."
    )
    assert found.get("Varnell Sketchpad") == "model", found
    assert found.get("Halvard AI") == "vendor", found


def test_a_feature_named_after_a_versioned_product_is_a_product():
    found = kinds(
        "Maltby's Plane 2 is ahead of us. But they've also just had Plane Memory suspended "
        "in Portugal by the regulator there. Plane Memory remembers your code."
    )
    assert found.get("Plane 2") == "model" and found.get("Plane Memory") == "model", found


def test_an_everyday_word_with_two_numbers_needs_a_maker_or_model_word_to_be_a_product():
    from kb.entities import _versioned_products

    sentences = [
        "Round 1 closed early and Round 2 opened.",
        "Chapter 4 covers pricing and Chapter 5 covers risk.",
        "Gorse 2 and Gorse 3 are both on sale.",
        "Maltby's Plane 2 leads, and Plane 3 is due.",
    ]
    names = {name for _, name in _versioned_products(sentences, set())}
    assert names == {"Gorse 2", "Gorse 3", "Plane 2", "Plane 3"}, names
