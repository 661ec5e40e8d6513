"""The NLP core on the reference article (gold in tests/data/devset/00-*) and on the dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.loaders import load_text
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text
from tui.nlp.evaluate import Score, load_devset, score_article
from tui.nlp.quotes import paragraphs

DEVSET = Path(__file__).parent / "data" / "devset"


@pytest.fixture(scope="module")
def seed_analysis(seed: Article, nlp) -> Analysis:
    return analyze_text(seed.text, nlp)


def test_every_seed_quote_is_found_with_its_speaker(seed: Article, seed_analysis: Analysis):
    gold = json.loads((DEVSET / "00-aljazeera-aleppo-talks.gold.json").read_text())
    score = score_article(seed.text, seed_analysis, gold, "seed")
    print(score.summary())
    assert score.found_quotes == score.gold_quotes, score.errors
    assert score.right_speakers == score.gold_quotes, score.errors
    assert score.true_quotes == score.predicted_quotes, score.errors


def test_seed_terms_are_not_speech(seed_analysis: Analysis):
    kinds = {q.text: q.kind for q in seed_analysis.quotes}
    for term in (
        "giant graveyard",
        "terrorist",
        "humanitarian corridors",
        "consolidated their control",
        "biggest defeat since 2012",
    ):
        assert kinds.get(term) == "term", term


def test_multi_paragraph_quote_is_one_span(seed: Article, seed_analysis: Analysis):
    text = seed.text
    start = text.index("realistically, whatever people say")
    end = text.index("can come to any resolution")
    spanning = [q for q in seed_analysis.quotes if q.start <= start and end < q.end]
    assert len(spanning) == 1
    quote = spanning[0]
    assert quote.speaker == "Stefanie Dekker"
    assert text.count("\n", quote.start, quote.end) >= 6  # four paragraphs
    assert "“" not in quote.text  # the marks that open continued paragraphs are not words


def test_quote_text_is_its_span_without_marks(seed: Article, seed_analysis: Analysis):
    for quote in seed_analysis.quotes:
        span = seed.text[quote.start : quote.end]
        assert quote.text == span.replace("“", "").replace("”", "")


def test_pronoun_and_description_speakers(seed: Article, seed_analysis: Analysis):
    by_start = {q.text[:20]: q for q in seed_analysis.quotes if q.kind == "quote"}
    he_said = by_start["After the recent adv"]
    assert he_said.speaker == "Rami Abdel Rahman"
    assert seed.text[he_said.speaker_start : he_said.speaker_end] == "he"
    correspondent = by_start["We know the Russians"]
    assert correspondent.speaker == "Stefanie Dekker" and correspondent.cue == "said"


def test_seed_claims_have_sources(seed_analysis: Analysis):
    claims = {c.text[:30]: c for c in seed_analysis.claims}
    assert claims["Russia is not serious about th"].source == "Syrian opposition officials"
    assert claims["Russia is not serious about th"].cue == "told"
    warned = next(c for c in seed_analysis.claims if c.cue == "warned")
    assert warned.source == "UN"
    assert warned.text.startswith("Aleppo risks becoming a “giant graveyard” in the middle")
    assert any(c.source == "analysts" and c.cue == "contend" for c in seed_analysis.claims)
    assert not any(
        "Absence of trust" in c.text or "READ MORE" in c.text for c in seed_analysis.claims
    )


def test_unknown_speaker_is_null(nlp):
    text = (
        "Power cuts hit the city.\n\nNobody knew what happened next in the dark streets.\n\n"
        "“We are still waiting for the lights to come back on,” a voice shouted from a window."
    )
    quotes = [q for q in analyze_text(text, nlp).quotes if q.kind == "quote"]
    assert len(quotes) == 1
    assert quotes[0].speaker is None


def test_split_quote_keeps_one_speaker(nlp):
    text = "Talks resumed.\n\n“We are close,” said Maria Lopez, the mediator, “but not there yet.”"
    quotes = [q for q in analyze_text(text, nlp).quotes if q.kind == "quote"]
    assert [q.speaker for q in quotes] == ["Maria Lopez", "Maria Lopez"]


def test_transcript_labels_are_speakers(nlp):
    text = (
        "Briefing\n\nDR. ANNA KELLER, HEALTH CHIEF: We have twelve cases and no deaths.\n\n"
        "REPORTER: Will schools close?\n\nKELLER: We are not recommending closures today."
    )
    quotes = [q for q in analyze_text(text, nlp).quotes if q.kind == "quote"]
    assert [q.speaker for q in quotes] == ["Anna Keller", "Anna Keller"]
    assert quotes[1].text == "We are not recommending closures today."


def test_paragraphs_are_offsets():
    text = "Title\n\n  Body one.\nBody two.\n"
    assert [text[s:e] for s, e in paragraphs(text)] == ["Title", "Body one.", "Body two."]


def test_devset_scores(nlp):
    """Reports precision/recall on the dev set; fails if quality falls below what we reached."""
    total = Score()
    for name, raw, gold in load_devset(DEVSET):
        text = load_text(raw).text
        total.add(score_article(text, analyze_text(text, nlp), gold, name))
    print(total.summary())
    # Floors a little below the measured figures (see bench/devset.py), so a regression fails.
    assert total.quote_precision >= 0.93
    assert total.quote_recall >= 0.95
    assert total.speaker_accuracy >= 0.90
    assert total.claim_recall >= 0.80


def test_mentions_group_under_the_longest_name(nlp):
    text = (
        "Stefanie Dekker reported from Gaziantep. Later, Dekker said the talks had stalled. "
        "Al Jazeera's Dekker added more. The Syrian Observatory for Human Rights (SOHR) said so. "
        "SOHR head Rami Abdel Rahman agreed."
    )
    analysis = analyze_text(text, nlp)
    groups = {g.name: g for g in analysis.groups}
    dekker = [text[s:e] for s, e in groups["Stefanie Dekker"].mentions]
    assert dekker == ["Stefanie Dekker", "Dekker", "Dekker"]
    sohr = groups["Syrian Observatory for Human Rights"]
    assert [text[s:e] for s, e in sohr.mentions] == ["Syrian Observatory for Human Rights", "SOHR"]
    ids = {m.entity_id for m in analysis.entities if m.text == "Dekker"}
    assert ids == {groups["Stefanie Dekker"].entity_id}


def test_seed_assad_mentions_are_one_person(seed_analysis: Analysis):
    assad = next(g for g in seed_analysis.groups if g.name == "Bashar al-Assad")
    assert len(assad.mentions) == 3


def test_long_text_is_analysed_in_chunks_with_whole_text_offsets(seed: Article, nlp):
    from tui.nlp.analyze import chunk_starts

    text = seed.text
    starts = chunk_starts(text, 1500)
    assert len(starts) > 2 and all(text[s - 2 : s] == "\n\n" for s in starts[1:])
    chunked = analyze_text(text, nlp, chunk_chars=1500)
    whole = analyze_text(text, nlp)
    assert [(q.start, q.end) for q in chunked.quotes] == [(q.start, q.end) for q in whole.quotes]
    for mention in chunked.entities:
        assert text[mention.start : mention.end] == mention.text
        group = next(g for g in chunked.groups if g.entity_id == mention.entity_id)
        assert (mention.start, mention.end) in group.mentions
    for claim in chunked.claims:
        assert text[claim.start : claim.end] == claim.text


def test_quote_paragraph_after_an_attributed_paragraph_keeps_that_voice(nlp):
    text = (
        "Police arrest officer\n\nCommander Andy Valentine said the arrest followed a report.\n\n"
        "The case was referred to the watchdog, he added.\n\n"
        "“We continue to support all our officers to report criminal conduct.”"
    )
    quotes = [q for q in analyze_text(text, nlp).quotes if q.kind == "quote"]
    assert [q.speaker for q in quotes] == ["Andy Valentine"]
