"""Questions as people type them (issue 16): nominal and telegraphic questions, typos in
names, abbreviations, names the corpus never mentions, acronyms, follow-ups that name their
own subject, and sentences that are questions themselves."""

from __future__ import annotations

from kb.answer.extractive import _candidates, _display, _spells_out
from kb.query import expected_type, names_of, needs_context, parse_question
from kb.settings import Settings
from kb.text import one_edit
from kb.types import Chunk, Hit


def test_nominal_questions_say_what_they_want():
    assert expected_type("seedance 2.0 release date") == "date"
    assert expected_type("Lumen-4 launch date?") == "date"
    assert expected_type("corvid reason 2 price") == "money"
    assert expected_type("nordhavn gpu pricing") == "money"
    assert expected_type("halvard kestrel price per second of video") == "money"
    assert expected_type("orrery or-7 power draw") == "number"
    # a topic put first, then the question: the topic's words say what kind of amount
    assert expected_type("quillmere fine - how much of it was for profiling") == "money"
    assert expected_type("lodestar 9: when is it GA in the eu") == "date"
    assert expected_type("state-of-the-art boards: how many are open") == "number"
    assert expected_type("lattice forge number of engineers") == "number"
    assert expected_type("first customer of the tx-9") == "entity"
    # a plain topic is not narrowed, and wh-questions keep their own reading
    assert expected_type("nordhavn stockholm region status") == ""
    assert expected_type("Who cut the price?") == "entity"
    assert expected_type("Where is it not available?") == "place"
    # the wh-word typed last, telegraphically
    assert expected_type("nvidia biggest one day drop deepseek how much") == "number"
    assert expected_type("sora public launch when") == "date"
    assert expected_type("kestrel video 2 made by who?") == "entity"


def test_a_where_question_wants_a_named_place():
    from kb.answer.extractive import _type_ok

    assert _type_ok("place", "It launched, but not in the European Union.", "where")
    assert _type_ok("place", "The Oslo-based startup said so.", "where")
    assert not _type_ok("place", "It is available to ChatGPT Plus subscribers.", "where")
    assert not _type_ok("place", "The model previewed in February is faster.", "where")


def test_dotted_abbreviations_and_single_letters_are_not_names():
    assert names_of("nordhavn egress cost to the U.K.") == []
    assert names_of("Is Vox 3 available in the E.U. and the U.S.?") == ["vox"]


def test_a_follow_up_naming_its_own_subject_does_not_inherit_the_previous_one():
    previous = ["Which company released HappyHorse?"]
    assert not needs_context("and what did OpenAI do with Sora?", previous)
    q = parse_question("and what did OpenAI do with Sora?", previous)
    assert not q.context_terms
    # ... while one that leans on it does
    assert needs_context("and how much does it cost?", previous)
    assert needs_context("what about Google?", previous)
    # "what about X" followed by its own question asks about X, not the previous subject
    assert not needs_context("what about Kairo's KS-2, when was it sampled?", previous)
    assert needs_context("and what did OpenAI do with it?", previous)
    assert parse_question("and how much does it cost?", previous).context_terms


def test_one_letter_typos_are_within_one_edit():
    assert "googl" in one_edit("googel")  # the corpus token of "Google"
    assert "anthrop" in one_edit("anthrpo") or "anthropic" in one_edit("anthropc")
    assert "sora" not in one_edit("sonata")


def test_an_acronym_matches_the_words_it_stands_for():
    text = "The New York Times sued OpenAI and Microsoft in federal court."
    assert _spells_out("The NYT lawsuit: which court?", "nyt", text)
    assert not _spells_out("The NYT lawsuit: which court?", "nyt", "The new york times sued")
    assert not _spells_out("the nyt lawsuit", "nyt", text)  # not written as an acronym


def test_the_abstention_names_things_as_the_user_wrote_them():
    assert _display("seedanc 2.0", "Is Seedance 2.0 available?") == "Seedance 2.0"
    assert _display("australia", "What is the capital of Australia?") == "Australia"


def _hit(text: str) -> Hit:
    chunk = Chunk("c:0", "c", 0, text, 0, len(text), "c.md", "Prices")
    return Hit(chunk, 1.0)


def test_a_sentence_that_asks_is_never_evidence():
    hit = _hit(
        "Will video prices keep falling? Analysts expect per-second prices to fall by 20% "
        "before the end of 2026. What does that mean for studios?"
    )
    sentences = [e.sentence for e in _candidates(parse_question("Will prices fall?"), [hit])]
    assert sentences == ["Analysts expect per-second prices to fall by 20% before the end of 2026."]


def test_names_the_corpus_never_mentions_make_it_abstain(fixture_kb):
    # "capital" is in the corpus only as part of an investor's name (Calder Peak Capital)
    answer = fixture_kb.ask("What is the capital of Australia?")
    assert answer.abstained and "Australia" in answer.text
    # a one-letter typo of a known name still finds it
    typo = fixture_kb.ask("How much did Northwnd Labs raise?")
    assert not typo.abstained and "1.3 billion" in typo.text


def test_a_word_used_in_another_sense_does_not_answer(fixture_kb):
    # "Kestrel" is a video model here; "kestrels" that eat are birds, and nothing says "eat"
    birds = fixture_kb.ask("what do kestrels eat")
    assert birds.abstained and '"eat"' in birds.text
    # a question whose words the corpus never uses is not answered by what it shares ("make")
    honey = fixture_kb.ask("how do bees make honey")
    assert honey.abstained and '"bees"' in honey.text and '"honey"' in honey.text
    # ... while slang for the amount asked about still finds the figure
    slang = fixture_kb.ask("how much dosh did Northwind Labs raise")
    assert not slang.abstained and "1.3 billion" in slang.text


def test_an_answer_says_what_is_asked_about_its_subject(fixture_kb):
    # the articles give Northwind's funding and revenue, never its head count
    answer = fixture_kb.ask("How many employees does Northwind Labs have?")
    assert answer.abstained, answer.text
    assert not fixture_kb.ask("How much revenue does Northwind Labs make?").abstained


def test_english_words_come_with_the_bundled_model():
    from kb.embedders import english_words

    words = english_words()
    assert {"honey", "money", "eat"} <= words
    assert "googel" not in words and "##s" not in words


def test_a_sentence_about_another_vendor_or_year_is_not_evidence():
    from kb.answer.extractive import specifier_gaps

    hit = _hit(
        "Meta, OpenAI and dozens of startups raced to build capacity in 2022. "
        "In the quarter that ended in April 2024, Nvidia reported revenue of $22.6 billion. "
        "The company said OpenAI was its largest customer."
    )

    def gaps(question: str) -> dict[str, tuple[str, ...]]:
        q = parse_question(question)
        evidence = _candidates(q, [hit])
        tokens = frozenset(t for e in evidence for t in e.chunk_tokens)
        return {e.sentence[:12]: specifier_gaps(q, e, tokens, lambda t: t) for e in evidence}

    # Nvidia's revenue is not OpenAI's, though the sentence before it names OpenAI
    assert gaps("How much revenue did OpenAI report?")["In the quart"] == ("OpenAI",)
    assert gaps("How much revenue did Nvidia report?")["In the quart"] == ()
    # a sentence with no name of its own leans on its context
    assert gaps("What did Nvidia say about OpenAI?")["The company "] == ()
    # a sentence that states its own year is about that year, not its neighbour's
    assert "2022" in gaps("What was Nvidia's revenue in 2022?")["In the quart"]


def test_a_place_asked_about_is_a_specifier():
    from kb.answer.extractive import specifier_gaps
    from kb.answer.scope import known_places

    assert known_places("is vox 3 available in the E.U.") == {"european union": "E.U."}
    hit = _hit(
        "Vox 3 is available today in the U.S. and the U.K. through the API. "
        "Availability in the European Union is planned for the second quarter of 2026. "
        "Vox 3 translates calls between 42 languages."
    )
    q = parse_question("is vox 3 available in the E.U.")
    evidence = _candidates(q, [hit])
    tokens = frozenset(t for e in evidence for t in e.chunk_tokens)
    gaps = {e.sentence[:8]: specifier_gaps(q, e, tokens, lambda t: t) for e in evidence}
    assert gaps["Vox 3 is"] == ("E.U.",)  # names other places only
    assert gaps["Availabi"] == ()
    assert gaps["Vox 3 tr"] == ()  # names no place: not ruled out


def test_figures_belong_to_the_name_before_them():
    from kb.answer.extractive import _amount_of_another

    q = parse_question("What does DeepSeek-R1 cost per million output tokens?")
    other = (
        "Google's Gemini 2.5 Pro is priced at $1.25 per million input tokens and $10 per "
        "million output tokens, and DeepSeek-R1 remains far cheaper than both."
    )
    assert _amount_of_another(q, _evidence(other))
    own = "DeepSeek's API priced R1 at $0.55 per million input tokens and $2.19 per million."
    assert not _amount_of_another(q, _evidence(own))
    row = "Model: Gemini 2.5 Pro | Input: $1.25 | DeepSeek-R1"
    assert not _amount_of_another(q, _evidence(row))
    # a vendor's figure may answer for its model: only names of the same kind compete
    q2 = parse_question("How big was the launch discount for Happy Horse 1.1?")
    discount = "Alibaba is offering a 40% discount for two weeks."
    assert not _amount_of_another(q2, _evidence(discount))
    # a vendor that only qualifies what is asked ("the DeepSeek sell-off") owns no figure
    q3 = parse_question(
        "How much did the Nasdaq Composite fall on the day of the DeepSeek sell-off?"
    )
    fell = "The Nasdaq Composite fell 3.1% on the day, and chip stocks fell with Nvidia."
    assert not _amount_of_another(q3, _evidence(fell))


def _evidence(sentence: str):
    (ev,) = [e for e in _candidates(parse_question("x"), [_hit(sentence)]) if e.sentence]
    return ev


def test_when_first_prefers_the_oldest_article():
    import numpy as np

    from kb.answer.extractive import _prefer_newest

    def dated(day: str) -> Hit:
        text = f"OpenAI showed Sora on {day}, a model that makes videos."
        return Hit(Chunk(f"c{day}", f"d{day}", 0, text, 0, len(text), "c.md", "S", day), 1.0)

    q = parse_question("When did OpenAI first show Sora?")
    evidence = _candidates(q, [dated("2024-12-10"), dated("2024-02-16"), dated("2025-01-01")])
    scores = np.array([0.9, 0.8, 0.85], dtype=np.float32)
    oldest = _prefer_newest(scores, evidence, 0.55, oldest=True)
    assert int(np.argmax(oldest)) == 1
    assert int(np.argmax(_prefer_newest(scores, evidence, 0.55))) == 2
    # too far behind the best: not preferred
    far = np.array([0.9, 0.6, 0.85], dtype=np.float32)
    assert int(np.argmax(_prefer_newest(far, evidence, 0.55, oldest=True))) == 0


def test_a_count_of_things_wants_a_number_of_those_things():
    from kb.answer.extractive import _counted

    counted = _counted("QB-114 phase 1 trial number of volunteers")
    assert counted is not None
    assert counted.search("the trial will enrol 64 healthy volunteers and patients")
    assert not counted.search("on 7 October 2026 the first volunteer had been dosed")
    assert _counted("How many employees does it have?").search("It has 1,200 employees.")
    assert _counted("When was it founded?") is None


def test_a_sentence_naming_another_version_is_not_about_the_one_asked():
    from kb.answer.extractive import _other_subject

    q = parse_question("How much does GPT-4.1 cost?")
    hit = _hit("GPT-4o costs $2.50 per million input tokens. GPT-4.1 costs $2 per million.")
    older, asked = _candidates(q, [hit])
    assert _other_subject(q, older) == ["GPT-4.1"]  # shares "GPT", not the version
    assert _other_subject(q, asked) == []


def test_when_first_reads_the_date_a_sentence_states():
    import numpy as np

    from kb.answer.extractive import _prefer_newest

    row = "Period: August 2024 | Leader: Gemini 1.5 Pro | Vendor: Google | Note: First Google No. 1"
    later = "Google released Gemini 2.0 Flash on December 11, 2024, the first model of its line."
    vague = "The version launched is faster than the model previewed in February."
    hits = [
        Hit(Chunk("a:0", "a", 0, row, 0, len(row), "a.pdf", "Arena", "2025-04-10"), 1.0),
        Hit(Chunk("b:0", "b", 0, later, 0, len(later), "b.md", "Flash", "2024-12-12"), 1.0),
    ]
    q = parse_question("When did Google first take No. 1 on the Chatbot Arena?")
    evidence = _candidates(q, hits)
    scores = np.array([0.8, 0.9], dtype=np.float32)
    # the row's own period is older than the article published before the table's
    assert int(np.argmax(_prefer_newest(scores, evidence, 0.55, oldest=True))) == 0
    # a month without a day sorts after a dated day of that month
    exact = "OpenAI showed Sora on February 15, 2024, a model that makes videos."
    hits = [
        Hit(Chunk("c:0", "c", 0, vague, 0, len(vague), "c.md", "S", "2024-12-10"), 1.0),
        Hit(Chunk("d:0", "d", 0, exact, 0, len(exact), "d.md", "S", "2024-02-16"), 1.0),
    ]
    evidence = _candidates(parse_question("When did OpenAI first preview Sora?"), hits)
    scores = np.array([0.9, 0.85], dtype=np.float32)
    assert int(np.argmax(_prefer_newest(scores, evidence, 0.55, oldest=True))) == 1


def test_figures_belong_to_the_year_before_them():
    from kb.answer.extractive import _amount_of_another_year

    q = parse_question("What was Nvidia's data-centre revenue in fiscal 2024?")
    both = (
        "Nvidia's data-centre revenue more than tripled in fiscal 2024 and more than doubled "
        "again in fiscal 2025, to $115.2 billion."
    )
    assert _amount_of_another_year(q, both)
    own = "In fiscal 2024 data-centre revenue reached $47.5 billion, against $15 billion in 2023."
    assert not _amount_of_another_year(q, own)
    assert not _amount_of_another_year(q, "In fiscal 2025 it was $115.2 billion.")  # one year
    assert not _amount_of_another_year(q, "Fiscal year: FY2024 | 2025 | $47.5 billion")  # a row


def test_a_rank_question_wants_a_position():
    from kb.answer.extractive import _type_ok

    assert expected_type("How did the released Llama 4 Maverick rank on LMArena?") == "rank"
    assert expected_type("How did HappyHorse's ranking change?") == "rank"
    assert expected_type("What place did Gemini 2.5 Pro take on LMArena?") == "rank"
    assert expected_type("Where does Gemini rank?") == "rank"
    assert expected_type("Where is it not available?") == "place"
    assert expected_type("How did Gemini score on Humanity's Last Exam?") == ""
    ask = "how did it rank"
    assert _type_ok("rank", "It was added to the board, where it ranked considerably lower.", ask)
    assert _type_ok("rank", "It went straight to first place in both rankings.", ask)
    assert _type_ok("rank", "HappyHorse is now No. 2 on the board.", ask)
    assert not _type_ok("rank", "Meta cited a high score for Maverick on the leaderboard.", ask)


def test_the_middle_of_a_long_table_is_read_when_both_neighbours_are(corpus_store):
    from kb.engine import KnowledgeBase

    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    question = "When did Google first take No. 1 on the Chatbot Arena?"
    hits = kb.retrieve(question, k=6)
    top = hits[:6]
    per_doc: dict[str, int] = {}
    for h in top:
        per_doc[h.chunk.doc_id] = per_doc.get(h.chunk.doc_id, 0) + 1
    assert max(per_doc.values()) <= kb.settings.max_chunks_per_doc  # the top k stays diverse
    # the table's middle is read: in the top k, or as the capped chunk between two kept ones
    assert any("First Google No. 1" in h.chunk.text for h in hits)
    answer = kb.ask(question)
    assert "August 2024" in answer.text


def test_a_lower_case_question_is_read_with_the_corpus_spelling_of_its_names(corpus_store):
    from kb.engine import KnowledgeBase
    from kb.query import NameCase

    case = NameCase(["Seedance 2.0", "Seedance", "Tidewell Motion 2", "GPT-4o"])
    assert case.restore("seedance 2.0 release date") == "Seedance 2.0 release date"
    assert case.restore("tidewell motion 2 price vs gpt-4o") == "Tidewell Motion 2 price vs GPT-4o"
    assert case.restore("SEEDANCE 2.0 date") == "SEEDANCE 2.0 date"  # the user's own casing
    assert case.restore("seedance 2.05") == "Seedance 2.05"  # the family only

    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    q = kb.prepare("seedance 2.0 release date").question
    assert q.versions == ("seedance 2.0",)  # read as a version: the 1.0 row is not its answer
    assert "Seedance 1.0" not in kb.ask("seedance 2.0 release date").text
    # an everyday word that is also a product's name is not made a name
    assert kb.prepare("what is the flow of money into ai video").question.names == ()


def test_a_slip_in_a_later_word_of_a_many_word_name_is_mended():
    from kb.query import NameCase

    case = NameCase(["Arbala Rhea", "Veo 3 Pro", "Juniper-3 Mini"], frozenset({"price", "mine"}))
    # the first word says which name: even a short word's transposed letters are mended
    assert case.restore("who makes arbala rhae") == "who makes Arbala Rhea"
    assert case.restore("juniper-3 mimi price") == "Juniper-3 Mini price"
    # never an everyday word, nor a word the user capitalised
    assert case.restore("veo 3 price") == "veo 3 price"
    assert case.restore("juniper-3 mine") == "juniper-3 mine"
    assert case.restore("who makes Arbala Rhae") == "who makes Arbala Rhae"


def test_a_versioned_name_is_found_however_its_family_is_spaced():
    from kb.answer.extractive import _names_version
    from kb.query import version_pattern

    assert version_pattern("happyhorse 1.1").search("alibaba released happy horse 1.1 today")
    assert not version_pattern("happyhorse 1.1").search("happy horse 1.2")
    # the family and its model code apart: "Vantor ... announced the V9"
    assert _names_version("vantor v9", "vantor semiconductor announced the v9 in january")
    assert not _names_version("vantor v9", "vantor semiconductor announced the v10")
    assert not _names_version("llama 4", "meta said llama models ... 4 of them")  # a bare number


def test_who_is_behind_a_product_asks_for_its_maker():
    from kb.query import concepts_of
    from kb.text import tokenize

    def concepts(text: str) -> set[str]:
        return {t for t in concepts_of(tokenize(text)) if t.startswith("~")}

    behind = concepts("who is behind vox 3")
    assert behind & concepts("Auralis Speech Inc., a developer of voice AI")
    assert behind & concepts("Tidewell AI, the maker of the Motion models")
    assert "~maker" not in concepts("Vox 3 costs $0.006 per minute of audio")
    assert concepts("who is the boss") & concepts("chief executive")


def test_an_amount_per_unit_says_price_without_the_word():
    from kb.answer.extractive import _PRICED, _asks_price

    assert _asks_price(["cost"]) and _asks_price(["charg"]) and not _asks_price(["employe"])
    assert _PRICED.search("Speech-to-text: $0.006 per minute of audio")
    assert _PRICED.search("$1.40/GPU hour on a 1-year commit")
    assert not _PRICED.search("Auralis raised a $64 million Series B in 2025.")


def test_a_sentence_about_a_company_only_ingest_recognised_is_not_about_another():
    from kb.answer.extractive import _other_subject

    q = parse_question("How much revenue did OpenAI report for 2024?")
    text = "SSI raised $1 billion on September 4, 2024, at a valuation reported at $5 billion."
    tags = ("vendor:Safe Superintelligence", "vendor:SSI", "investor:NFDG")
    (ev,) = _candidates(
        q,
        [
            Hit(
                Chunk("c:0", "c", 0, text, 0, len(text), "c.md", "S", None, None, None, "", tags),
                1.0,
            )
        ],
    )
    assert _other_subject(q, ev) == ["OpenAI"]
    # a company named in passing, deep in the sentence, is not its subject
    text = (
        "The deal came with a new board chaired by Bret Taylor, a former co-chief executive "
        "of Salesforce, and Adam D'Angelo of Quora."
    )
    q = parse_question("Who chairs OpenAI's new board?")
    tags = ("vendor:Salesforce", "vendor:Quora", "person:Bret Taylor")
    (ev,) = _candidates(
        q,
        [
            Hit(
                Chunk("c:0", "c", 0, text, 0, len(text), "c.md", "S", None, None, None, "", tags),
                1.0,
            )
        ],
    )
    assert _other_subject(q, ev) == []


def test_who_made_it_is_said_by_who_launched_it_and_which_x_is_the_answer_kind():
    from kb.answer.extractive import _WH_HEAD, _said
    from kb.query import concepts_of
    from kb.text import tokenize

    launched = frozenset(concepts_of(tokenize("ByteDance's cloud unit launched the Doubao family")))
    assert _said("behind", launched)
    assert not _said("behind", frozenset(concepts_of(tokenize("Microsoft uses the MI300X"))))
    assert _WH_HEAD.match("which company is behind doubao").group(1) == "company"
    assert _WH_HEAD.match("And what model does Siri use?").group(1) == "model"
    assert _WH_HEAD.match("Who founded Mistral?") is None


def test_a_sentence_naming_the_subject_by_another_name_is_about_it():
    from kb.answer.extractive import _other_subject

    q = parse_question("Who founded Mistral?")  # read as the vendor Mistral AI
    text = "Mistral, founded in 2023 by former researchers from Google DeepMind, raised money."
    (ev,) = _candidates(q, [_hit(text)])
    assert _other_subject(q, ev) == []


def test_what_was_paid_is_an_amount_after_for():
    from kb.answer.extractive import _PRICED, _asks_price
    from kb.query import CONCEPTS

    assert _asks_price(["paid"]) and _asks_price(["pay"])
    assert _PRICED.search("AMD agreed to acquire ZT Systems for $4.9 billion in cash and stock.")
    assert CONCEPTS["investor"] == CONCEPTS["rais"]  # "lead investor" meets "raised ... led by"


def test_follow_ups_about_the_earlier_subject_as_analysts_type_them(corpus_store):
    from kb.engine import KnowledgeBase

    # a role or acronym is not a subject of its own: the question leans on the earlier one
    assert needs_context("who is the CEO?", ["What is Corvid Reason 2?"])
    assert not needs_context("What does Nvidia sell?", ["What is Corvid Reason 2?"])
    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    # the earlier turn's version is dropped when nothing that names it answers: the CEO is
    # the company's, named in an article about its first model
    answer = kb.ask("who is the CEO?", history=["What is Corvid Reason 2?"])
    assert "Priya Raman" in answer.text
    # "how many X does Y use" is a figure about Y, not a count of market events
    answer = kb.ask(
        "how many experts does maverick use?", history=["What did Meta release in April 2025?"]
    )
    assert "128 experts" in answer.text


def test_synonym_groups_written_as_stems_match_the_words():
    from kb.query import CONCEPTS

    assert CONCEPTS["releas"] == CONCEPTS["launch"]  # "released" is read as "releas"
    assert CONCEPTS["purchas"] == CONCEPTS["buy"]
    assert CONCEPTS["licens"] == CONCEPTS["licenc"]


def test_a_sentence_about_another_model_of_the_asked_vendor_is_not_evidence():
    from kb.answer.extractive import _other_subject

    q = parse_question("When did OpenAI release GPT-4.1?")
    other, own, vendor_only = _candidates(
        q,
        [
            _hit(
                "OpenAI first released o3, together with o4-mini, on April 16, 2025. "
                "OpenAI launched three new models on April 14, 2025: GPT-4.1, GPT-4.1 mini "
                "and GPT-4.1 nano. OpenAI said the launch was its busiest week."
            )
        ],
    )
    assert _other_subject(q, other) == ["GPT-4.1"]
    assert _other_subject(q, own) == []
    assert _other_subject(q, vendor_only) == []  # the vendor, no other model: leans on context


def test_what_about_asks_the_earlier_question_of_another_subject():
    q = parse_question("and what about GPT-4.5?", ["When did OpenAI release GPT-4.1?"])
    assert q.text == "When did OpenAI release GPT-4.5?" and q.expects == "date"
    assert q.versions == ("gpt 4.5",)
    # no subject of the same kind to swap: the earlier question's words are context
    q = parse_question("what about Google?", ["Which company released DeepSeek-V3?"])
    assert q.versions == () and "releas" in q.context_terms


def test_before_abstaining_more_of_the_best_articles_is_read(corpus_store):
    from kb.engine import KnowledgeBase

    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    # the article's two later sections take its two places in the top k; its opening
    # paragraph, which says when, is read on the second look
    assert "April 14, 2025" in kb.ask("When did OpenAI release GPT-4.1?").text
    answer = kb.ask("and what about GPT-4.5?", history=["When did OpenAI release GPT-4.1?"])
    assert "February 27, 2025" in answer.text


def test_a_role_is_asked_by_its_own_word_not_by_chief():
    from kb.answer.base import CorpusStats
    from kb.answer.extractive import _said, _SentencePicker
    from kb.query import concepts_of
    from kb.text import tokenize

    said = frozenset(concepts_of(tokenize("Its chief executive, Marco Bellini, said so.")))
    stats = CorpusStats(lambda t: 1.0, lambda t: 1)
    picker = _SentencePicker(Settings(), lambda texts: None, stats)
    q = parse_question("Who is Tidewell's chief technology officer?")
    asked = picker.asked_words(q, q.text)
    assert "chief" not in asked and not any(_said(t, said) for t in asked)
    q = parse_question("Who is Tidewell's chief executive?")
    assert any(_said(t, said) for t in picker.asked_words(q, q.text))


def test_an_abstention_quotes_the_question_as_typed(corpus_store):
    from kb.engine import KnowledgeBase

    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    answer = kb.ask("seedance 2.0 release date")
    assert answer.abstained and '"seedance 2.0 release date"' in answer.text


def test_who_questions_want_a_name_and_read_who_runs_as_the_role():
    from kb.answer.extractive import _type_ok
    from kb.query import answer_terms, concepts_of

    question = "Who founded Brennick Robotics?"
    # a month or a weekday is capitalised but names no one
    assert not _type_ok("entity", "Brennick Robotics was founded in March 2024.", question)
    assert not _type_ok("entity", "Brennick Robotics was founded on Tuesday.", question)
    assert _type_ok("entity", "Brennick Robotics was founded by Ada Quist in 2024.", question)
    # "who runs X" asks for its chief executive; other uses of the verb keep it
    assert "~ceo" in concepts_of(answer_terms("Who runs Brennick Robotics?"))
    assert "~ceo" in concepts_of(answer_terms("who heads brennick"))
    assert "~ceo" not in concepts_of(answer_terms("Which chips does Brennick's model run on?"))
    # "who backs X" asks for its investors; a funding round is not who
    assert "~rais" in concepts_of(answer_terms("who backs brennick"))
    assert "~rais" in concepts_of(answer_terms("Who funded Brennick Robotics?"))
    assert "~rais" not in concepts_of(answer_terms("When did the service come back?"))
    raised = "Brennick raised $40 million in a Series B in March."
    assert not _type_ok("entity", raised, "who backs brennick")
    assert _type_ok("entity", raised.replace("March", "March, led by Oakum Ventures"), "who?")


def test_framing_prepositions_are_not_words_an_answer_must_repeat():
    from kb.query import answer_terms

    terms = answer_terms("Who was Brennick's president during the merger talks?")
    assert "president" in terms and "merger" in terms
    assert not {"dur", "during"} & set(terms)
    assert not {"amid", "despit"} & set(answer_terms("Who resigned amid the row despite it?"))


def test_one_letter_model_codes_and_days_of_the_month():
    from kb.answer.extractive import _sentence_tokens

    assert parse_question("When did Talvi ship the Talvi T2?").versions == ("talvi t2",)
    assert parse_question("Brannock Q4 revenue").versions == ()  # a quarter, not a model
    # a day of the month is a number, not "first"; a ranking still is
    assert "~first" not in _sentence_tokens("Talvi announced the T2 on July 1, 2026.")
    assert "~first" in _sentence_tokens("The T2 took first place.")
    assert "1" in _sentence_tokens("Talvi announced the T2 on July 1, 2026.")


def test_a_name_ending_in_s_is_not_a_plural_and_an_auxiliary_ends_the_wh_phrase():
    from kb.query import shape_of

    assert shape_of("What company did Pallas buy for $85 million?", ()) == ""
    assert shape_of("what company did pallas buy", ()) == ""
    assert shape_of("What companies did Pallas buy?", ()) == "list"
    assert shape_of("Which AI chatbots were blocked in Italy?", ()) == "list"


def test_quarters_and_nominal_money_questions():
    from kb.query import quarters_in

    def _quarters_in(text: str) -> set[str]:
        return set(quarters_in(text))

    q = parse_question("caldera microsystems q3 revenue")
    assert q.quarters == ("q3",) and q.versions == ()  # a quarter, not a model code
    assert parse_question("what did o3 cost").versions == ("o3",)
    assert expected_type("caldera microsystems q3 revenue") == "money"
    assert expected_type("caldera q4 revenue guidance") == "money"
    assert expected_type("stockwell v. fernhill damages amount") == "money"
    # a sentence about another quarter does not give this one's figure
    assert _quarters_in("for the fourth quarter we expect revenue of $2.5 billion") == {"q4"}
    assert _quarters_in("revenue for the third quarter was up 9% from the second quarter") == {
        "q3",
        "q2",
    }
    assert _quarters_in("q1 sales and 2q margins") == {"q1", "q2"}


def test_a_follow_up_keeps_the_quarter_and_shorthand_is_spelt_out():
    from kb.answer.extractive import _sentence_tokens
    from kb.query import answer_terms

    follow = parse_question("and the gross margin?", ["brannock q3 revenue"])
    assert follow.quarters == ("q3",)
    assert parse_question("and in Q4?", ["brannock q3 revenue"]).quarters == ("q4",)
    assert "quarter" in answer_terms("brannock biggest customer last qtr")
    assert expected_type("brannock biggest customer last qtr") == "entity"
    assert "q4" in _sentence_tokens("For the fourth quarter we expect revenue of $2.5 billion.")


def test_a_count_in_millions_is_not_money():
    from kb.query import MONEY

    assert not MONEY.search("The suit says it copied 2.3 million of its licensed photos.")
    assert not MONEY.search("It had about 400 million users and 2 billion parameters.")
    assert MONEY.search("Brannock raised 40 million euros.")
    assert MONEY.search("Revenue was 2.41 billion in the quarter.")
    assert MONEY.search("It charges $2 per million tokens.")
    # as other languages and their machine translations write amounts
    for amount in ("4,2 milliards d'euros", "420 Mio. Euro", "2,1 Mrd. Euro", "180 M€"):
        assert MONEY.search(f"The round values it at {amount}."), amount
    assert not MONEY.search("In 2026 the euro rose.")
    assert MONEY.search("Brightmoor | GPU H200 | GPU-hour | 3.10 | USD | current")  # its column
    assert not MONEY.search("Rank | 3 | Wren 2 | 57.2")


def test_of_two_rounds_asked_one_named_will_do():
    from kb.answer.extractive import Evidence, specifier_gaps
    from kb.text import tokenize

    sentence = "The round valued Brannock at $1.3 billion, up from $400 million at its Series B."
    chunk = Chunk("d:0", "d", 0, sentence, 0, len(sentence), "d.md", "Brannock", "2026-09-03")
    ev = Evidence(Hit(chunk, 1.0), 0, sentence, 0, frozenset(), frozenset(), frozenset(), "")

    def gaps(question: str) -> tuple[str, ...]:
        return specifier_gaps(parse_question(question), ev, frozenset(tokenize(sentence)), str)

    assert gaps("Brannock valuation Series B -> Series C") == ()
    assert gaps("Brannock valuation at its Series D") == ("Series D",)


def test_a_table_row_is_about_the_version_its_first_naming_cell_gives():
    from kb.answer.extractive import Evidence, specifier_gaps
    from kb.text import tokenize

    rows = [
        "Furzel | Wrenfield 4 API | 1M input tokens | 2.00 | USD | discontinued | replaced by "
        "Wrenfield 4.5",
        "Furzel | Wrenfield 4.5 API | 1M input tokens | 2.50 | USD | current | -",
    ]
    text = "\n\n".join(rows)
    chunk = Chunk("d:0", "d", 0, text, 0, len(text), "d.txt", "Tracker", "2026-11-24")
    question = parse_question("What does Wrenfield 4.5 cost per 1M input tokens?")

    def gaps(row: str) -> tuple[str, ...]:
        ev = Evidence(
            Hit(chunk, 1.0), 0, row, text.index(row), frozenset(), frozenset(), frozenset(), ""
        )
        return specifier_gaps(question, ev, frozenset(tokenize(text)), str)

    assert gaps(rows[0]) == ("wrenfield 4.5",)
    assert gaps(rows[1]) == ()


def test_what_about_a_place_asks_the_earlier_question_there():
    from kb.answer.scope import named_places
    from kb.query import _swap_subject

    earlier = "is brannock notes still a thing in austria"
    assert _swap_subject(earlier, "what about italy?") == "is brannock notes still a thing in italy"
    assert _swap_subject("Is Lumen available in the E.U. now?", "what about Japan?") == (
        "Is Lumen available in Japan now?"
    )
    assert _swap_subject("Is Lumen available in Japan?", "what about pricing?") is None
    assert "italy" in named_places("is brannock notes still a thing in italy")


def test_news_questions_as_people_type_them_ask_what_happened():
    from kb.query import shape_of

    for text in (
        "whats going on with brannock x3",
        "what's up with Lumen?",
        "any news on Ostra?",
        "sentrawl news?",
        "what's happening to quarry assist",
    ):
        assert shape_of(text, ()) == "what_happened", text
    assert shape_of("tldr of harwick weekly 88", ()) == "summary"
    assert parse_question("# of bids in the vättermark tender").expects == "number"


def test_hyphenated_words_match_as_typed_together_and_issue_numbers_after_a_hash():
    from kb.query import version_pattern
    from kb.text import tokenize

    assert "earnout" in tokenize("plus up to $60M earn-out")
    assert "startup" in tokenize("a Hamburg start-up")
    assert version_pattern("weekly 88").search("harwick weekly #88 - brackenridge closes")


def test_a_typo_in_a_name_is_mended_to_the_one_name_it_is_one_letter_from():
    from kb.query import NameCase

    case = NameCase(
        ["Pellucid", "Marrowind 3", "Korvane", "Korvana", "Talvik Studio"],
        frozenset({"people", "studio"}),
    )
    assert case.restore("pellucd arr") == "Pellucid arr"  # a letter left out
    assert case.restore("marowind 3 price") == "Marrowind 3 price"  # then the whole name
    assert case.restore("pelulcid staff") == "Pellucid staff"  # two letters swapped
    # two names one letter away: no guess; an everyday word or a short one: never a name
    assert case.restore("korvann revenue") == "korvann revenue"
    assert case.restore("people at pellucid") == "people at Pellucid"
    assert case.restore("talvi studio") == "Talvik Studio"  # a many-word name by its first
    assert case.restore("pelu") == "pelu"  # four letters: too short to tell


def test_analyst_shorthand_and_idioms_are_read_as_what_they_ask():
    from kb.query import answer_terms
    from kb.text import tokenize

    assert tokenize("people")[0] in answer_terms("how many ppl work at Quorvane")
    assert "rival" in answer_terms("who's Quorvane up against")
    assert "approv" in answer_terms("did Zentha-4 get the green light")
    assert "acquir" in answer_terms("who picked up Quovex")
    assert "shut" in answer_terms("when does the old one get switched off")
    assert "releas" in answer_terms("when did quorvane v2.0 come out")
    assert "launch" in answer_terms("when does the zentha api go live")
    # the phrase's other words are no topic an answer must say
    assert answer_terms("who's on the cap table in the quovex series c")[:1] == ["investor"]
    assert "plug" not in answer_terms("did they pull the plug on quovex")
    assert "green" not in answer_terms("did Zentha-4 get the green light")
    assert tokenize("Region Vättermark, São Paulo") == tokenize("region vattermark, sao paulo")
    # "GA" stands for general availability, spelt out in lower case; two short words by
    # chance do not spell an acronym
    assert _spells_out("and when's it GA?", "ga", "We target general availability in May.")
    assert not _spells_out("and when's it GA?", "ga", "We got an offer in May.")


def test_release_notes_are_read_by_the_release_heading_a_sentence_sits_under():
    from kb.answer.extractive import specifier_gaps

    text = (
        "v2.1 — May 3, 2027\n\nNew\n\nNew regions: eu-north-1 (Stockholm) and me-west-1.\n\n"
        "v2.0 — March 1, 2027\n\nNew\n\nThe new region us-west-3 (Phoenix) opens for all plans."
    )
    chunk = Chunk("c:0", "c", 0, text, 0, len(text), "brellix-notes.html", "Brellix release notes")
    q = parse_question("regions added in Brellix 2.1")
    assert q.versions == ("brellix 2.1",)
    evidence = _candidates(q, [Hit(chunk, 1.0)])
    tokens = frozenset(t for e in evidence for t in e.chunk_tokens)
    gaps = {e.sentence[:12]: specifier_gaps(q, e, tokens, lambda t: t) for e in evidence}
    assert gaps["New regions:"] == ()  # "v2.1" under the product's own title is Brellix 2.1
    assert gaps["The new regi"] == ("brellix 2.1",)  # under v2.0: another release


def test_where_a_model_landed_on_a_board_asks_for_its_rank():
    assert expected_type("where did Zorbel 3 land on CodeHill") == "rank"
    assert expected_type("where did the company land its first deal") != "rank"


def test_a_list_question_names_the_kind_of_thing_it_lists():
    from kb.query import listed_kind

    assert listed_kind("which chinese models did the regulator approve") == "model"
    assert listed_kind("What companies raised money in May?") == "vendor"
    assert listed_kind("Which investors backed Quorvane?") == "investor"
    assert listed_kind("which model ranks first") is None  # a singular head: not a list
    assert listed_kind("Which days did it rain?") is None  # not a kind of entity


def test_a_product_is_named_by_the_word_of_its_name_that_is_its_own():
    from kb.answer.extractive import _by_own_word

    assert _by_own_word(
        "In Italy, where Sprechwerk launched in July, it paused.", "Lotse Sprechwerk"
    )
    # a family word shared with other products, an everyday word, a number: not enough
    assert not _by_own_word("Qorvix Lite is free for developers.", "Qorvix Max 2")
    assert not _by_own_word("The studio closed.", "Talvik Studio")


def test_a_forum_post_is_quoted_as_its_own_sentences_not_with_the_next_posts():
    from kb.answer.extractive import _quoted

    text = (
        "tabbit shut down. they announced it in october.\n\nu/mossgrove:\n\n"
        "codewren is $19 a month now for the solo plan.\n\nu/quietcompiler:\n\nhuh ok, i'm fine\n"
        "The new release brings three changes:\n- faster\n- cheaper"
    )
    hit = _hit(text)
    evidence = {e.sentence: e for e in _candidates(parse_question("is tabbit around"), [hit])}
    # a terse sentence is read with the one after it on its line
    assert _quoted(evidence["tabbit shut down."]) == (
        "tabbit shut down. they announced it in october."
    )
    # the next lower-case paragraph (another post) and a speaker's label are no list items
    solo = "codewren is $19 a month now for the solo plan."
    assert _quoted(evidence[solo]) == solo
    intro = "The new release brings three changes:"
    assert _quoted(evidence[intro]) == f"{intro} faster; cheaper."


def test_a_nominal_money_question_asks_for_its_last_noun():
    from kb.query import nominal_head
    from kb.text import tokenize

    assert nominal_head("pairloom annual revenue") == tokenize("revenue")[0]
    assert nominal_head("codewren monthly price now") == tokenize("price")[0]
    assert nominal_head("what is the price of Orvo") is None  # a wh-question: not nominal
    # ... but a "what was X's <qualified> revenue in <when>" asks for the revenue, not for
    # whatever else the qualifier says ("data-centre")
    asked = "What was Nvidia's data-centre revenue in fiscal 2026?"
    assert nominal_head(asked) == tokenize("revenue")[0]
    assert nominal_head("What was Pelorus's Q3 revenue and how fast did it grow?") is None


def test_a_rare_lower_case_word_that_is_no_english_word_names_something():
    from types import SimpleNamespace

    from kb.engine import _with_rare_words

    # the keyword index's figures: chunks, and the chunks each token is in
    stats = {"codewren": 3, "pric": 40, "honey": 2, "zorblat": 30, "enjoin": 1}
    view = SimpleNamespace(keyword=SimpleNamespace(size=100, doc_freq=stats))
    assert _with_rare_words(parse_question("codewren price now"), view).names == ("codewren",)
    # an English word, however rare here; a word in many chunks; a mistyped English word the
    # corpus lacks ("pricng"), an inflected one ("cheapest"), two run together ("topline")
    for question in (
        "honey price now",
        "zorblat price now",
        "pricng of codewren",
        "cheapest codewren plan",
        "codewren topline",
        # rare words the web knows: a verb's form here once, a word the corpus lacks
        "codewren models that got enjoined",
        "when did codewren rebrand",
    ):
        assert set(_with_rare_words(parse_question(question), view).names) <= {"codewren"}
    # a name the corpus never mentions is still a name: nothing here is about it
    assert _with_rare_words(parse_question("quixle price now"), view).names == ("quixl",)


def test_what_may_be_english_is_not_read_as_a_name():
    from kb.entities import maybe_english

    for word in ("pricng", "steepest", "topline", "chatbot", "revnue"):
        assert maybe_english(word), word
    for word in ("tessaly", "trelain", "pairloom", "kessock"):
        assert not maybe_english(word), word


def test_a_long_name_with_two_typos_or_a_doubled_letter_typed_once_is_mended():
    from kb.query import NameCase

    case = NameCase(["Trelane", "Skiff", "ChatGPT", "Trelawny"])
    assert case.restore("trelain q3 rev") == "trelain q3 rev"  # two names two letters off
    case = NameCase(["Trelane", "Skiff", "ChatGPT"])
    assert case.restore("trelain q3 rev") == "Trelane q3 rev"  # two letters off, 7 letters
    assert case.restore("who makes skif") == "who makes Skiff"  # a doubled letter typed once
    assert case.restore("chatbot arena") == "chatbot arena"  # two everyday words run together
    assert case.restore("skit price") == "skit price"  # a short word: only a doubled letter


def test_a_word_the_corpus_writes_is_never_mended_to_a_name_two_letters_off(
    tmp_path, real_embedder
):
    from conftest import kb_of_articles

    from kb.explore import name_case

    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "churn.txt": "Churn at Dunnock AI\nPublished: 2026-10-06\nMarlpit told us on Friday "
            "that it will leave. Stripe shows the subscription of Marlpit ending on October 31.",
            "cooling.txt": "Cold comfort\nPublished: 2026-10-01\nBy Marit Tveitane, our "
            "reporter. Marit Tveitane visited the Kirkhaugh campus near Narvik in October.",
        },
    )
    case = name_case(kb.views.current())
    # "marlpit" is two letters from the name "Marit", but the corpus writes it: no typo
    assert case.restore("marlpit churn") == "marlpit churn"
    assert case.restore("marrit tveitane") == "Marit Tveitane"  # a typo the corpus never wrote


def test_a_word_the_corpus_never_uses_is_read_as_the_rare_word_it_mistypes():
    from types import SimpleNamespace

    from kb.engine import _with_corpus_spelling

    stats = {"skiff": 3, "skip": 4, "steep": 2, "pric": 40}
    view = SimpleNamespace(keyword=SimpleNamespace(size=100, doc_freq=stats))
    assert _with_corpus_spelling("who's behind skif", view) == "who's behind skiff"
    # an inflected English word is no typo of a rare one; a known word is left alone
    assert _with_corpus_spelling("the steepest cut", view) == "the steepest cut"
    assert _with_corpus_spelling("skip price", view) == "skip price"
    # a slip in an everyday word is mended to the common word a letter away, so that the
    # question's shape is read ("what happend to" asks what happened)
    assert _with_corpus_spelling("what happend to skiff", view) == "what happened to skiff"
    assert _with_corpus_spelling("is skiff still availble", view).endswith("available")
    # a rare word of its own is no slip of a commoner one a letter away ("expire")
    assert _with_corpus_spelling("hsr expiry date", view) == "hsr expiry date"


def test_the_first_quarter_where_something_happened_is_not_q1():
    from kb.query import quarters_in

    assert quarters_in("it's the first quarter where Forge was a third of revenue") == []
    assert quarters_in("revenue in the first quarter of 2026") == ["q1"]
    assert quarters_in("Q3 revenue, and the third quarter outlook") == ["q3", "q3"]


def test_only_an_english_first_word_is_skipped_as_a_name():
    from kb.answer.extractive import _first_word

    assert _first_word("Compare Lathe 2 and Tack 3", "compar")
    assert not _first_word("Trelane q3 revenue", "trelan")  # a name opening the question
    assert not _first_word("tessaly coding agent price", "tessali")


def test_a_sentence_led_by_a_pronoun_is_quoted_with_who_it_is():
    from kb.answer.extractive import _quoted

    text = (
        "kvaltonen on Nov 12\n"
        "We run Lathe 2 on a monolith. It's the best of the three. It's also the top of the "
        "Kessock Agent Bench at 74.8%.\n"
        "It shipped in May with a new planner and a longer context window."
    )
    evidence = {
        e.sentence: e for e in _candidates(parse_question("who tops kessock"), [_hit(text)])
    }
    top = "It's also the top of the Kessock Agent Bench at 74.8%."
    assert _quoted(evidence[top]) == (
        f"We run Lathe 2 on a monolith. It's the best of the three. {top}"
    )
    # nothing on its line says who "it" is: quoted as it is
    assert (
        _quoted(evidence["It shipped in May with a new planner and a longer context window."])
        == "It shipped in May with a new planner and a longer context window."
    )


def test_a_forum_reply_is_read_with_the_post_it_answers():
    text = (
        "u/kernel_panda:\n\ndoes byok work on the free orvo tier? i thought it was paid\n\n"
        "u/lint_trap:\n\nit was paid until v2.0, it's free since the 2.0 release in july."
    )
    evidence = _candidates(parse_question("does the free tier do byok?"), [_hit(text)])
    reply = next(e for e in evidence if e.sentence.startswith("it was paid"))
    assert "byok" in reply.context  # the post it answers, not the label "u/lint_trap:"
    assert not any(e.sentence.startswith("u/") for e in evidence)


def test_who_is_buying_is_answered_by_who_it_is_sold_to():
    from kb.query import concepts_of

    assert concepts_of(["sold"]) & concepts_of(["buy"]) - {"sold", "buy"}


def test_not_about_names_only_what_no_passage_has(corpus_store):
    from kb.engine import KnowledgeBase

    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    answer = kb.ask("lexmoar headcount in 2031")
    assert answer.abstained
    not_about = answer.text.split("not about", 1)[1]
    assert "2031" in not_about and "lexm" not in not_about.lower()  # the interview names it


def test_a_speakers_turn_is_read_with_the_turn_it_answers():
    from kb.answer.extractive import specifier_gaps

    text = (
        "HOST: Orvane AI announced its Series B last week. Let's get the numbers out.\n"
        "GUEST: Sure. We raised $40 million."
    )
    q = parse_question("how much did Orvane AI raise in its Series B")
    evidence = _candidates(q, [_hit(text)])
    raised = next(e for e in evidence if e.sentence == "We raised $40 million.")  # short: kept
    assert {"orvan", "b"} <= raised.context  # the host's turn, past the terse "Sure."
    tokens = frozenset(t for e in evidence for t in e.chunk_tokens)
    assert specifier_gaps(q, raised, tokens, lambda t: t) == ()  # the round spoken of last


def test_who_put_money_into_asks_for_investors():
    from kb.query import answer_terms

    assert "investor" in answer_terms("who put money into Orvane's series b")


def test_a_follow_up_asking_about_an_acronym_keeps_the_earlier_subject():
    q = parse_question("and when's it GA?", ["what's Orvane launching next"])
    assert "orvan" in q.names and "ga" in q.names
    # a follow-up naming a subject of its own does not
    assert "orvan" not in parse_question("and what did Talvik ship?", ["what's Orvane doing"]).names


def test_a_services_status_is_said_by_paused_or_available():
    from kb.query import concepts_of
    from kb.text import tokenize

    status = concepts_of(tokenize("status"))
    assert status & concepts_of(tokenize("paused")) - set(tokenize("status paused"))


def test_names_typed_without_accents_and_an_edition_that_is_another_model():
    from kb.answer.extractive import _only_as_edition
    from kb.query import NameCase

    case = NameCase(["Guará 2", "Guará 2 Mini", "Bürgerchat"])
    assert case.restore("guara 2 price per 1m input tokens") == "Guará 2 price per 1m input tokens"
    assert case.restore("guara 2 mini") == "Guará 2 Mini"
    # "Guará 2 Mini costs R$0.55" is not Guará 2's price; a sentence naming both may be
    assert _only_as_edition("A smaller version, Guará 2 Mini, costs R$0.55.", "Guará 2")
    assert not _only_as_edition("Guará 2 costs R$2.20 and Guará 2 Mini less.", "Guará 2")
    from kb.vocabulary import NOW_CUES

    assert NOW_CUES.search("who's #1 on helpdeskarena rn")  # "rn": right now
    assert not NOW_CUES.search("turn the page")


def test_only_a_line_opening_with_a_release_number_is_a_release_heading():
    from kb.answer.extractive import _release_heading
    from kb.text import SPEAKER_TURN as _TURN

    grid = (
        "Model | Input\n\nGemini 1.5 Pro | $3.50\n\nGPT-4.1 | $2.00\n\n"
        "Claude 3.5 Sonnet pricing\n\nThe model costs $3."
    )
    assert _release_heading(grid, grid.index("GPT-4.1")) is None  # a table row is no heading
    assert _release_heading(grid, grid.index("The model")) is None  # nor a model's heading
    notes = "v4.3 — November 10, 2026\n\nNew\n\nRegions.\n\n## 2.1.0 (2027-01-02)\n\nFixes."
    assert _release_heading(notes, notes.index("Regions")) == "4.3"
    assert _release_heading(notes, notes.index("Fixes")) == "2.1.0"
    # a speaker's turn, not a one-word label of a field
    assert _TURN.match("RAFAEL OSTRANDER: Sure.") and _TURN.match("Analyst (Brennard Bank): Hi")
    assert not _TURN.match("Note: prices are list prices") and not _TURN.match("Model: X | Y")


def test_number_one_is_first_place_and_a_speakers_label_is_no_answer():
    from kb.answer.extractive import _sentence_tokens, _type_ok
    from kb.query import answer_terms, concepts_of

    assert concepts_of(["1st"]) & _sentence_tokens("Orvo Agent 2 was number one in July.")
    assert "rn" not in answer_terms("who's #1 on DeskBench rn")  # "rn": when, not what
    # "who" is not answered by the name of the person speaking
    assert not _type_ok("entity", "HOST NAME: You mean DeskBench.", "who's #1 on DeskBench")
    assert _type_ok("entity", "GUEST: Orvo Agent 2 was first.", "who's #1 on DeskBench")


def test_an_edition_the_question_names_itself_is_not_another_model():
    from kb.answer.extractive import specifier_gaps

    hit = _hit("Google said Gemini Ultra scored 90.0% on the MMLU benchmark.")
    q = parse_question("What did Gemini Ultra score on the MMLU benchmark?")
    (ev,) = _candidates(q, [hit])
    # the question names the edition itself: the sentence is about what it asks
    assert specifier_gaps(q, ev, ev.chunk_tokens, lambda t: t) == ()


def test_slashed_shorthand_and_still_a_thing_are_read():
    assert parse_question("whats going on w/ trelane sketchpad").shape == "what_happened"
    assert parse_question("sorrel 2 still a thing?").shape == "status"
    assert parse_question("w/e, cheapest model?").text.startswith("w/e")  # not "with e"


def test_vs_is_no_topic_an_answer_must_say():
    from kb.answer.base import CorpusStats
    from kb.answer.extractive import _SentencePicker

    picker = _SentencePicker(
        Settings(), lambda texts: None, CorpusStats(lambda t: 1.0, lambda t: 1)
    )
    question = parse_question("Tack 3 vs Lathe 2 on the Kessock bench")
    asked = picker.asked_words(question, question.parts[0])
    assert "vs" not in asked and "bench" in asked


def test_a_question_asking_two_things_is_answered_part_by_part():
    from kb.query import answer_terms

    two = parse_question("skerry oct 21 outage: how long exactly, and what did it cost pelorus")
    assert len(two.parts) == 2 and two.shape == ""  # not "what happened" to the outage
    assert parse_question("What happened to Sora?").shape == "what_happened"
    assert parse_question("Compare the price of X 2, and of Y 3").shape == "compare"
    # units as people abbreviate them
    assert {"hour", "token", "month"} <= set(answer_terms("price per agent-hr, per 1m tok, a mo"))


def test_a_typo_in_a_possessive_name_and_whose_questions_are_read():
    from kb.query import NameCase, answer_terms, expected_type

    case = NameCase(["Lumenfold"])
    assert case.restore("who led lumenfld's series c") == "who led Lumenfold's series c"
    assert expected_type("tolsta t4 - whose model is it") == "entity"
    assert "week" in answer_terms("who's #1 on cairnbench this wk")


def test_a_company_typed_by_the_first_word_of_its_name_is_that_company(corpus_store):
    from kb.engine import KnowledgeBase

    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    q = kb.prepare("how many funding rounds has strathorn done").question
    assert ("Strathorn Labs", "vendor") in [(e.name, e.kind) for e in q.entities]
    answer = kb.ask("how many funding rounds has strathorn done")
    assert answer.text.count("Strathorn Labs raised") >= 3
    assert "Tarnbrook" not in answer.text  # another company's round is not counted


def test_a_name_a_sentence_only_compares_with_is_not_its_subject():
    from kb.answer.extractive import _COMPARED_WITH

    said = "egress to the U.K. is $0.02/GB. still cheaper than AWS tho."
    assert "AWS" not in _COMPARED_WITH.sub(" ", said)
    assert "Nvidia" in _COMPARED_WITH.sub(" ", "Nvidia fell more than 17% on the day.")


def test_whats_the_deal_asks_what_happened_and_cos_are_companies():
    from kb.query import answer_terms

    assert parse_question("lumenfold canvas - whats the deal").shape == "what_happened"
    assert "company" in answer_terms("ardhaven capital portfolio, which ai cos")


def test_a_sentence_opening_with_another_versioned_model_is_not_about_the_one_asked():
    from kb.answer.extractive import _names_a_version

    assert _names_a_version("Corrie 3 Pro climbs two places to No. 2 after the update.")
    # a model named in brackets or further on is not the sentence's subject
    assert not _names_a_version("Speech-to-text: $0.006 a minute (previously $0.009 for Vox 2)")
    assert not _names_a_version("The company said revenue rose 40% after the launch.")


def test_whose_names_the_kind_of_answer_not_a_topic():
    from kb.answer.base import CorpusStats
    from kb.answer.extractive import _SentencePicker

    picker = _SentencePicker(
        Settings(), lambda texts: None, CorpusStats(lambda t: 1.0, lambda t: 1)
    )
    question = parse_question("tolsta t4 - whose model is it")
    assert "model" not in picker.asked_words(question, question.parts[0])


def test_abbreviated_units_in_the_text_say_the_unit():
    from kb.query import concepts_of
    from kb.text import tokenize

    assert "~hour" in concepts_of(tokenize("B200 is $3.59/hr")) & concepts_of(["hourly"])
    assert "~month" in concepts_of(tokenize("$20/mo flat")) & concepts_of(tokenize("monthly"))


def test_a_typo_in_a_word_of_a_recognised_name_is_read_as_the_name_s_word():
    from dataclasses import replace
    from types import SimpleNamespace

    from kb.engine import _with_entity_spelling
    from kb.entities import Entity

    q = parse_question("Why did Marlpit Logistcs cancel their subscription?")
    q = replace(q, entities=(Entity("Marlpit Logistics", "vendor"),))
    assert "logistc" in q.names
    view = SimpleNamespace(keyword=SimpleNamespace(doc_freq={"marlpit": 2, "logistic": 3}))
    assert _with_entity_spelling(q, view).names == ("marlpit", "logistic")
    # a word the corpus uses is kept, and a short one is never guessed at
    view = SimpleNamespace(keyword=SimpleNamespace(doc_freq={"marlpit": 2, "logistc": 1}))
    assert _with_entity_spelling(q, view).names == q.names


def test_a_transcripts_speaker_label_is_not_the_subject_of_what_is_said():
    from dataclasses import replace

    from kb.answer.extractive import specifier_gaps
    from kb.entities import Entity

    text = "OH: And revenue?\n\nMK: We're at an annual run-rate of £11m."
    chunk = Chunk("c:0", "c", 0, text, 0, len(text), "c.txt", "Wickmoor's Mara Kell on trucks")
    # the recogniser tagged the speaker's initials as a vendor
    hit = Hit(replace(chunk, entities=("vendor:MK", "vendor:Wickmoor")), 1.0)
    q = replace(parse_question("wickmoor run rate"), entities=(Entity("Wickmoor", "vendor"),))
    (ev,) = [e for e in _candidates(q, [hit]) if "run-rate" in e.sentence]
    assert specifier_gaps(q, ev, ev.chunk_tokens, lambda t: t) == ()


def test_the_dates_of_several_events_of_one_subject_are_one_part_each():
    from kb.query import CONCEPTS, DATE, split_parts, tokenize

    assert split_parts("gyeol voice market pipc probe, pause and reopening dates") == [
        "gyeol voice market pipc probe date",
        "gyeol voice market pipc pause date",
        "gyeol voice market pipc reopening date",
    ]
    assert split_parts("vattermark tender key dates: notice, bid deadline, award") == [
        "vattermark tender notice date",
        "vattermark tender bid deadline date",
        "vattermark tender award date",
    ]
    assert split_parts("tack 3, lathe 2 and skiff prices") == ["tack 3, lathe 2 and skiff prices"]
    assert split_parts("sora launch date") == ["sora launch date"]
    # a probe is an investigation, a reopening a resumption
    concept = CONCEPTS.get
    assert concept(tokenize("probe")[0]) == concept(tokenize("investigation")[0]) is not None
    assert concept(tokenize("reopening")[0]) == concept(tokenize("resumed")[0]) is not None
    # a year inside a reference code is no date
    assert not DATE.search("quoting RV-2026-0412") and DATE.search("on 2026-03-02")


def test_whatever_happened_to_is_what_happened_to():
    from kb.query import answer_terms, parse_question

    question = parse_question("whatever happened to nettlebed ai")
    assert question.shape == "what_happened"
    assert "whatever" not in answer_terms(question.text)


def test_shorthand_and_fiscal_years_are_searched_as_reports_write_them():
    search = parse_question("greywether rev fy2026 vs fy25").search_text
    assert "revenue" in search and "fiscal 2026" in search and "fiscal 2025" in search


def test_an_acronym_typed_in_lower_case_is_spelled_out_by_the_filing():
    filing = "We currently expect the initial public offering price to be between $24 and $27."
    assert _spells_out("greywether ipo price range per share", "ipo", filing)
    assert _spells_out("greywether IPO price range per share", "ipo", filing)
    # an everyday word is no acronym, however its letters fall
    assert not _spells_out("price cut", "cut", "costs under targets")
