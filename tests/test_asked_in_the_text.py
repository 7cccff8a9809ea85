"""A document that asks the user's question itself (a help centre's FAQ, an interviewer)
answers it with what follows, its first sentence most directly; such a page's answer may sit
in any of its chunks."""

from __future__ import annotations

import pytest
from conftest import kb_of_articles

FAQ = """<html><head><title>Plans and pricing FAQ | Quenby Help Centre</title>
<meta name="date" content="2026-11-12"></head><body>
<nav><a href="/">Help Centre</a> <a href="/billing">Billing</a> <a href="/contact">Contact</a></nav>
<main><article>
<h1>Plans and pricing FAQ</h1>
<p>This page answers the questions we get most often about Quenby plans and prices after the
pricing changes we announced on August 4, 2026. If your question isn't here, contact support.</p>
<h2>Plans</h2>
<h3>What plans does Quenby offer right now?</h3>
<p>There are four plans: Free, Plus at $15/month, Pro at $28/month and Team at $30 per seat.
Prices are in US dollars and exclude sales tax.</p>
<h3>When does the price change take effect?</h3>
<p>The Plus price went from $12/month to $15/month on October 1, 2026 for monthly subscribers.
If you pay annually, you keep your current price until your next renewal.</p>
<h3>Will I be charged the new price in the middle of a billing cycle?</h3>
<p>No. We never change the price of a billing period you have already paid for.</p>
<h3>What happened to the Starter tier?</h3>
<p>The Starter plan ($8/month) was discontinued on August 31, 2026. Starter subscribers were
moved automatically to Plus and keep paying $8/month until January 31, 2027.</p>
<h3>Is the Legacy plan still available?</h3>
<p>Not for new customers. Legacy Pro, our original paid plan from 2024, has been closed to new
sign-ups since March 1, 2026. If you are already on Legacy Pro you keep it, at the same price,
until December 31, 2026, when the plan is retired.</p>
<h3>Do you offer refunds after a price change?</h3>
<p>Ask for a refund within 14 days of the charge and we will refund it in full.</p>
<h2>Models</h2>
<h3>Why can't I choose Wren 2 any more?</h3>
<p>Wren 2 was retired on September 15, 2026. Its replacement is Wren 3, the default model in
the app since July 2026. Conversations you had with Wren 2 are still in your history.</p>
<h3>Can I share a Team workspace with guests?</h3>
<p>Yes. Team admins can invite up to five guests per workspace at no charge; guests can read
and comment but cannot run agents or upload files.</p>
<h3>How do I change my billing email?</h3>
<p>Go to Settings, then Billing, and edit the address under Invoices. Changes apply to the
next invoice; past invoices keep the address they were sent to.</p>
<h3>Is there a discount for students?</h3>
<p>Students and teachers at accredited schools get Plus for $7.50/month, half the usual
price, with a verified school email address. The discount renews every twelve months.</p>
<h3>Do unused messages roll over?</h3>
<p>Daily message limits reset at midnight UTC and do not roll over. Team plans pool their
messages across seats, so a quiet seat leaves more for busy ones.</p>
<h3>Where is Quenby not available?</h3>
<p>Quenby is not offered in Russia, Belarus or Iran. Voice mode is not yet available in the
European Union.</p>
</article></main>
<footer>© 2026 Quenby Inc. · Privacy · Terms</footer>
</body></html>
"""

OTHER = """---
title: "Budget AI chat apps compared"
date: 2026-10-01
source: Plumline Reviews
---
Most budget chat apps cost between $8 and $20 a month. Plus plans are the most popular tier,
and several vendors raised prices this autumn. Annual billing saves about two months.
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory, real_embedder):  # noqa: ANN201
    return kb_of_articles(
        tmp_path_factory.mktemp("faq"),
        real_embedder,
        {"quenby-pricing-faq-2026.html": FAQ, "budget-chat-apps-2026.md": OTHER},
    )


def test_the_faqs_own_answer_opens_the_answer(kb):
    answer = kb.ask("is the quenby legacy plan still available")
    assert answer.text.startswith("Not for new customers."), answer.text
    assert "December 31, 2026" in answer.text and answer.citations


def test_an_faq_answer_deep_in_the_page_is_found(kb):
    answer = kb.ask("When does the new Quenby Plus price take effect for monthly subscribers?")
    assert "October 1, 2026" in answer.text, answer.text


def test_a_paraphrase_of_the_faqs_question_gets_its_answer(kb):
    answer = kb.ask("will quenby charge me the new price mid billing cycle")
    assert "We never change the price of a billing period" in answer.text, answer.text


def test_more_of_the_one_page_naming_the_asked_name_is_read(kb):
    # the page names Quenby in two of its chunks, the answer sits in a third: no other
    # article names Quenby, so more than two of the page's chunks are read
    hits = kb.prepare("how many guests can a quenby team workspace invite").hits
    faq = [h for h in hits if h.chunk.source == "quenby-pricing-faq-2026.html"]
    assert len(faq) > 2 and any("five guests" in h.chunk.text for h in faq)
    answer = kb.ask("how many guests can a quenby team workspace invite")
    assert "up to five guests" in answer.text, answer.text
