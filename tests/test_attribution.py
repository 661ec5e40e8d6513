"""Quotes, speakers and claims on the shapes real news copy takes (issue 12).

One test per class of the issue: quote marks, transcripts, speakers, claims, claim sources.
Every sentence here is written for these tests (no third-party text).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.model import Analysis, Article, Claim, Quote
from tui.nlp.analyze import analyze_text
from tui.nlp.evaluate import score_article

DEVSET = Path(__file__).parent / "data" / "devset"


def speech(text: str, nlp) -> list[Quote]:
    return [q for q in analyze_text(text, nlp).quotes if q.kind == "quote"]


def claim_starting(claims: list[Claim], words: str) -> Claim:
    found = [c for c in claims if c.text.startswith(words)]
    assert found, f"no claim starting {words!r} in {[(c.text, c.source) for c in claims]}"
    return found[0]


# The seed: every quote, speaker, claim and source.


@pytest.fixture(scope="module")
def seed_analysis(seed: Article, nlp) -> Analysis:
    return analyze_text(seed.text, nlp)


def test_seed_quotes_claims_and_sources_all_found(seed: Article, seed_analysis: Analysis):
    gold = json.loads((DEVSET / "00-aljazeera-aleppo-talks.gold.json").read_text())
    score = score_article(seed.text, seed_analysis, gold, "seed")
    assert len(gold["quotes"]) == 8
    assert score.found_quotes == score.right_speakers == 8, score.errors
    assert score.found_claims == score.gold_claims, score.errors
    assert score.right_sources == score.gold_claims, score.errors
    sohr = next(c for c in seed_analysis.claims if "hundreds of fighters from the" in c.text)
    assert sohr.text.endswith("arrived in Aleppo on Friday")
    assert sohr.source == "Syrian Observatory for Human Rights" and sohr.cue == "said"


# 1. Quote marks.


def test_two_apostrophes_open_and_close_a_quote(nlp):
    text = (
        "Harbour vote\n\n''The numbers simply do not add up,'' said Tomas Brenner, a ferry "
        "captain. ''We will lose the late boat.''\n\nHe spoke after the vote."
    )
    quotes = speech(text, nlp)
    assert [q.text for q in quotes] == [
        "The numbers simply do not add up,",
        "We will lose the late boat.",
    ]
    assert [q.speaker for q in quotes] == ["Tomas Brenner", "Tomas Brenner"]


def test_a_quote_run_on_over_a_lost_paragraph_break_does_not_invert_the_rest(nlp):
    # A story on one line: the first quotation runs on without a closing mark (its paragraph
    # break was lost), so every mark after it would pair the wrong way round.
    text = (
        'The ferry will stop at ten, the council said on Monday. "We rely on that boat," '
        'said Ines Albrecht, a night nurse. "Without it I cannot get home. '
        '"My shift ends at eleven and there is no bus," she said. The council said it '
        "would review the timetable in the spring and consult residents before any change."
    )
    quotes = speech(text, nlp)
    texts = [q.text for q in quotes]
    assert "We rely on that boat," in texts
    assert "My shift ends at eleven and there is no bus," in texts
    assert not any("review the timetable" in t for t in texts)
    analysis = analyze_text(text, nlp)
    assert any(c.text.startswith("it would review the timetable") for c in analysis.claims)


# 2. "NAME: text" transcripts.


def test_shop_and_call_out_labels_are_not_speakers(nlp):
    text = (
        "Harbour town votes on ferry timetable\n\n"
        "The council will decide on Thursday whether to cut the late ferry.\n\n"
        "BUY NOW: Tickets for the summer festival are on sale at the harbour office.\n\n"
        "The late ferry carries about forty people a night, most of them shift workers.\n\n"
        "SIGN UP: Get our morning newsletter in your inbox.\n\n"
        "Residents have until Wednesday to respond to the consultation."
    )
    assert speech(text, nlp) == []


def test_a_transcript_quoted_whole_is_split_into_its_turns(nlp):
    text = (
        "Mayor defends ferry cuts on the radio\n\n"
        "On Sunday's phone-in, Mayor Luis Ferreira defended the plan to cut the late ferry.\n\n"
        "Partial transcript as follows:\n\n"
        '"HOLM: Let us begin with the ferry. Why cut the late boat now, of all times?\n\n'
        '"FERREIRA: Well, look, the numbers simply do not add up. We carry forty people a '
        "night on a boat built for four hundred.\n\n"
        '"But the truth is that we are keeping the early boat, and that is the one most '
        "workers use.\n\n"
        '"(CROSSTALK.)\n\n'
        '"HOLM: Mayor, I have to stop you there, because we are out of time.\n\n'
        '"FERREIRA: And that is why the plan will pass.\n\n'
        '"Follow Harbour Radio on Twitter @harbourradio."'
    )
    quotes = speech(text, nlp)
    assert [(q.speaker, q.text.split()[:3]) for q in quotes] == [
        ("Holm", ["Let", "us", "begin"]),
        ("Luis Ferreira", ["Well,", "look,", "the"]),
        ("Holm", ["Mayor,", "I", "have"]),
        ("Luis Ferreira", ["And", "that", "is"]),
    ]
    answer = quotes[1]
    assert answer.text.endswith("the one most workers use.")  # the turn runs on
    assert quotes[-1].text == "And that is why the plan will pass."


# 3. Speakers.


def test_speakers_from_cues_beyond_the_old_list_em_dashes_and_dates(nlp):
    text = (
        "Ferry vote\n\n"
        "\u201cThat is simply not true,\u201d Marisol Vega interjected.\n\n"
        "\u201cThe boat will keep running until June,\u201d Omar Haddad assured the room.\n\n"
        "\u201cIt is the wrong decision at the wrong time.\u201d \u2015 Ruth Okonkwo\n\n"
        "\u201cWe will look again at the figures,\u201d said Monday Gerald Finch, the operator's "
        "manager."
    )
    quotes = speech(text, nlp)
    assert [q.speaker for q in quotes] == [
        "Marisol Vega",
        "Omar Haddad",
        "Ruth Okonkwo",
        "Gerald Finch",
    ]


def test_a_cue_right_before_a_quote_beats_one_in_the_next_sentence(nlp):
    text = (
        "Debate night\n\n"
        "When the mayor noted that the captain had paid no harbour fees for years "
        "\u2015 as the port's own ledger showed \u2015 Tomas Brenner boasted, \u201cThat "
        "makes me smart.\u201d Brenner was just as defensive about a builder who said he was "
        "never paid for the new pier."
    )
    quotes = speech(text, nlp)
    assert [(q.text, q.speaker) for q in quotes] == [("That makes me smart.", "Tomas Brenner")]


def test_chanted_words_are_speech_and_the_sentence_going_on_names_no_one(nlp):
    text = (
        "Night march\n\n"
        'Dockers on the quay chanted "What levy?" and kept going until nearly '
        "2 a.m. Friday.\n\n"
        'Later they gathered at the gates of the harbour office, chanting, "Hands off our '
        'boats."'
    )
    quotes = speech(text, nlp)
    assert [q.text for q in quotes] == ["What levy?", "Hands off our boats."]
    assert quotes[0].speaker != "Friday"


# 4. Claims.

CLAIMS_TEXT = (
    "Council report\n\n"
    "Senator Dana Whitcombe defended the tax bill on Tuesday, saying the cuts would pay for "
    "themselves within a decade.\n\n"
    "The truth, the treasurer Helen Marsh said then, was that nobody had read the report.\n\n"
    "Flood barriers along the river failed overnight, reported the local broadcaster.\n\n"
    "Mayor Luis Ferreira agrees that the budget must be balanced by June.\n\n"
    "Piotr Wazny, a neighbour, informed me that the house had been empty for years.\n\n"
    "Tests showed the water to be safe for drinking.\n\n"
    "It was announced that the station would close."
)


def test_claims_in_the_shapes_reporting_takes(nlp):
    claims = analyze_text(CLAIMS_TEXT, nlp).claims
    saying = claim_starting(claims, "the cuts would pay for themselves")
    assert saying.source == "Dana Whitcombe" and saying.cue == "saying"
    truth = claim_starting(claims, "The truth")
    assert truth.source == "Helen Marsh" and truth.text.endswith("nobody had read the report")
    assert claim_starting(claims, "Flood barriers along the river failed overnight").source
    assert claim_starting(claims, "the budget must be balanced").source == "Luis Ferreira"
    assert claim_starting(claims, "the house had been empty").source == "Piotr Wazny"
    # An experiment's result and an agentless passive are not someone's claim.
    assert not any("safe for drinking" in c.text or "station would close" in c.text for c in claims)


def test_mixed_quotation_is_one_claim_with_its_source(nlp):
    text = (
        "Housing debate\n\n"
        "Priya Natarajan said the council had \u201clost its way on housing and forgotten the "
        "people who elected it\u201d and needed new leadership."
    )
    claims = analyze_text(text, nlp).claims
    claim = claim_starting(claims, "the council had")
    assert claim.text.endswith("needed new leadership")
    assert claim.source == "Priya Natarajan"


# 5. Claim sources from pronouns and descriptions.


def test_claim_sources_resolve_pronouns_past_nouns_in_between(nlp):
    text = (
        "Glacier study\n\n"
        "Researchers at the University of Tromso measured the ice for ten years. "
        "Along the northern ridge, the glacier lost a third of its mass.\n\n"
        "They note that the loss sped up after 2015."
    )
    claims = analyze_text(text, nlp).claims
    assert claim_starting(claims, "the loss sped up").source == "University of Tromso"


def test_turns_handed_over_by_any_verb_and_block_quotes_after_a_colon(nlp):
    text = (
        "Interview\n\n"
        "\u201cWould the ferry run on Sundays?\u201d Jonas Eklund pressed.\n\n"
        "The harbour master, Greta Lindqvist, set out her view in a letter to the council:\n\n"
        "\u201cA Sunday service costs more than it brings in, and the crews need a day off.\u201d"
    )
    quotes = speech(text, nlp)
    assert [q.speaker for q in quotes] == ["Jonas Eklund", "Greta Lindqvist"]


def test_claims_with_that_far_from_the_verb_and_as_reported(nlp):
    text = (
        "Port news\n\n"
        "Harbour master Greta Lindqvist said in a long interview with the local radio station "
        "last week that the Sunday ferry would be cut in the autumn.\n\n"
        "The old quay will be demolished next spring, as the Harbour Gazette reported."
    )
    claims = analyze_text(text, nlp).claims
    assert claim_starting(claims, "the Sunday ferry would be cut").source == "Greta Lindqvist"
    demolished = claim_starting(claims, "The old quay will be demolished")
    assert demolished.source == "Harbour Gazette"


def test_quotations_with_only_a_space_between_them_are_one(nlp):
    text = (
        "Ferry\n\n"
        "\u201cThe late boat is a lifeline.\u201d \u201cWithout it the night shift cannot get "
        "home,\u201d said Ines Albrecht."
    )
    quotes = speech(text, nlp)
    assert len(quotes) == 1
    assert (
        quotes[0].text == "The late boat is a lifeline. Without it the night shift cannot get home,"
    )
    assert quotes[0].speaker == "Ines Albrecht"


def test_names_the_tagger_misses_after_a_quote_are_speakers(nlp):
    text = (
        "Debate night\n\n"
        '"Would the wall be negotiable?" Hannity pressed.\n\n'
        '"My apologies, I am sorry," Quick said.'
    )
    assert [q.speaker for q in speech(text, nlp)] == ["Hannity", "Quick"]


def test_claims_from_saying_after_a_noun_or_a_preposition(nlp):
    text = (
        "Port news\n\n"
        "The harbour board released a statement saying the Sunday ferry would be cut.\n\n"
        "Greta Lindqvist ended the meeting by saying the timetable was final."
    )
    claims = analyze_text(text, nlp).claims
    assert claim_starting(claims, "the Sunday ferry would be cut").source
    assert claim_starting(claims, "the timetable was final").source == "Greta Lindqvist"


def test_curly_marks_typed_the_wrong_way_round_still_pair(nlp):
    text = (
        "Ferry\n\n"
        '\u201cThe late boat is a lifeline," said Ines Albrecht. "Without it nobody on the '
        "night shift can get home.\u201c The council meets on Monday."
    )
    quotes = speech(text, nlp)
    assert [q.text for q in quotes] == [
        "The late boat is a lifeline,",
        "Without it nobody on the night shift can get home.",
    ]


def test_speakers_named_around_appositions_relative_clauses_and_participles(nlp):
    text = (
        "Budget talks\n\n"
        "''They were rivals, but also partners,'' Marcus T. Oyelaran, the mayor's former chief "
        "of staff, said of their years in office. ''They would do the dance. There was respect, "
        "but Petra thought herself the expert.''\n\n"
        '"He did try to scare me," said Lindqvist, who wrote about the visit in her memoir. '
        '"Luckily, none of it was true."\n\n'
        '"The danger," said Edwin Raskova, an economist who is the director of the Harlow '
        'Institute, "is that we attract workers and repel jobs."\n\n'
        '"I think the plan would work, but it has no chance," Brandauer said on the radio, '
        'adding, "The real problem is the cost."\n\n'
        '"Plenty of analysts told her not to do it," recalled Anton Weyer, the bank\'s former '
        'spokesman. "And the louder the criticism, the firmer she became."'
    )
    speakers = [(q.text.split()[0], q.speaker) for q in speech(text, nlp)]
    assert speakers == [
        ("They", "Marcus T. Oyelaran"),
        ("They", "Marcus T. Oyelaran"),
        ("He", "Lindqvist"),
        ("Luckily,", "Lindqvist"),
        ("The", "Edwin Raskova"),
        ("is", "Edwin Raskova"),
        ("I", "Brandauer"),
        ("The", "Brandauer"),
        ("Plenty", "Anton Weyer"),
        ("And", "Anton Weyer"),
    ]


def test_headline_words_do_not_become_part_of_a_speakers_name(nlp):
    text = (
        "Obama Just Pulled Out Of The Trade Talks\n\n"
        "The president spoke on Monday.\n\n"
        '"We could not accept the terms on offer," Obama said. "Nobody should."'
    )
    assert [q.speaker for q in speech(text, nlp)] == ["Obama", "Obama"]


def test_claim_sources_that_speak_for_an_owner_or_an_author(nlp):
    text = (
        "Senator Grace Okafor spoke in Leeds on Monday.\n\n"
        "Okafor’s campaign has argued that voters will turn once they learn more about the "
        "senator's record.\n\n"
        "Mr. Lindqvist's advisers privately conceded that it had been a difficult night for "
        "their candidate.\n\n"
        "A poll from Marquette Law School released Wednesday found Okafor leading by 15 points "
        "among likely voters.\n\n"
        "One of the authors of the report, Ari Fleischer, said the result would test their "
        "conclusions.\n\n"
        "Petra Lindqvist's mother said she would make a fine senator one day."
    )
    claims = analyze_text(text, nlp).claims
    assert claim_starting(claims, "voters will turn").source.endswith("Okafor")
    assert claim_starting(claims, "it had been a difficult").source.endswith("Lindqvist")
    assert claim_starting(claims, "Okafor leading").source == "Marquette Law School"
    assert claim_starting(claims, "the result would").source == "Ari Fleischer"
    assert claim_starting(claims, "she would make").source != "Petra Lindqvist"


def test_claims_the_parser_hangs_oddly(nlp):
    text = (
        "On Tuesday in Leeds, campaigning for his sister, former mayor Tobias Wren said she was "
        "the only one ready for the job.\n\n"
        "Councillor Tomas Marlow spoke at a town hall in Hull on Friday.\n\nHe said "
        "legalizing it could put thousands of people to work in the valley where there are "
        "large coal seams.\n\n"
        "By the evening, Mr. Wren was forced into a rare moment of damage control and said "
        "that his words had been misread by reporters."
    )
    claims = analyze_text(text, nlp).claims
    assert claim_starting(claims, "she was the only one").source == "Tobias Wren"
    assert claim_starting(claims, "legalizing it could").source == "Tomas Marlow"
    assert claim_starting(claims, "his words had been misread").source == "Tobias Wren"


def test_a_claim_ends_where_the_speakers_next_act_begins(nlp):
    text = (
        "Tomas Brenner, a ferry captain, said he earns $38,000 a year and questioned how the "
        "new levy would help him.\n\n"
        "Mayor Ines Marlow, the council's leader, said that the harbour was not losing money "
        "on the late boat, noting that most of the fares would go to the port trust.\n\n"
        "Both rates would climb next spring, Finance Minister Ruth Okonkwo told a Senate panel "
        "on Wednesday."
    )
    claims = analyze_text(text, nlp).claims
    assert claim_starting(claims, "he earns").text == "he earns $38,000 a year"
    assert claim_starting(claims, "he earns").source == "Tomas Brenner"
    harbour = claim_starting(claims, "the harbour was not losing")
    assert harbour.text == "the harbour was not losing money on the late boat"
    assert claim_starting(claims, "Both rates would climb").source == "Ruth Okonkwo"


def test_a_claim_stops_at_a_semicolon_a_concession_a_citation_or_the_next_cue(nlp):
    text = (
        "Harbour officials said the timing of the closure was not deliberate; they only "
        "heard on Monday of the storm damage.\n\n"
        "The harbour master, Petra Lindqvist, said the new pier was the largest in the "
        "region, although it may take months to measure how much traffic it draws.\n\n"
        "Shipping analysts said rising fuel costs have pushed the ferry company toward "
        "closure, citing the loss of two routes last winter.\n\n"
        "Lindqvist says the captain promised to keep the late boat running and said he "
        "would resign if it were cut."
    )
    claims = analyze_text(text, nlp).claims
    timing = claim_starting(claims, "the timing of the closure")
    assert timing.text == "the timing of the closure was not deliberate"
    pier = claim_starting(claims, "the new pier")
    assert pier.text == "the new pier was the largest in the region"
    fuel = claim_starting(claims, "rising fuel costs")
    assert fuel.text == "rising fuel costs have pushed the ferry company toward closure"
    promised = claim_starting(claims, "the captain promised")
    assert promised.text == "the captain promised to keep the late boat running"
    assert promised.source == "Petra Lindqvist"


def test_claims_the_parser_hangs_after_an_adjunct_or_a_parenthesis(nlp):
    text = (
        "Mayor Ines Marlow said after the vote she would not accept the ferry levy if it "
        "were offered again.\n\n"
        "Mayor Tomas Brenner spoke on the radio.\n\n"
        "The problem now, he told me on Friday, is that the harbour has no money left for "
        "repairs.\n\n"
        "Though the last merger was relatively smooth, he said, joining the two ports "
        "would be much harder and could lead to years of legal fights."
    )
    claims = analyze_text(text, nlp).claims
    levy = next(c for c in claims if "she would not accept the ferry levy" in c.text)
    assert levy.source == "Ines Marlow"
    assert levy.text.endswith("if it were offered again")
    problem = claim_starting(claims, "The problem now")
    assert problem.text.endswith("the harbour has no money left for repairs")
    merger = claim_starting(claims, "Though the last merger")
    assert merger.text.endswith("could lead to years of legal fights")
    assert merger.source == "Tomas Brenner"


def test_a_claim_that_opens_with_a_quotation_and_goes_on_is_mixed_quotation(nlp):
    text = (
        "\u201cThis just is not right,\u201d Maria Marlow said. \u201cYou squeezed the crews "
        "to the breaking point\u201d to drive up the share price and your own pay, she said.\n\n"
        "A spokeswoman, Ines Haddad, said that, \u201cOf course the captain is going to defend "
        "himself\u201d against what the company sees as a campaign by the union.\n\n"
        "The spot ends with Brenner saying, \u201cThat makes me smart,\u201d when the mayor "
        "blasted him for the unpaid fees.\n\n"
        '"These cuts are never easy, and they are hardest for the people who built this '
        'harbour," harbour master Petra Lindqvist wrote in a memo to staff that was seen by '
        "this newspaper."
    )
    claims = analyze_text(text, nlp).claims
    squeezed = claim_starting(claims, "\u201cYou squeezed the crews")
    assert squeezed.text.endswith("your own pay") and squeezed.source == "Maria Marlow"
    defend = claim_starting(claims, "\u201cOf course the captain")
    assert defend.text.endswith("a campaign by the union") and defend.source == "Ines Haddad"
    assert not any("That makes me smart" in c.text for c in claims)
    assert not any("These cuts are never easy" in c.text for c in claims)


def test_a_short_quotation_that_ends_the_sentence_is_speech_a_title_is_not(nlp):
    text = (
        "Harbour vote\n\n"
        "Tomas Brenner, the ferry captain, called the levy ''a tax on the "
        "poorest families.''\n\n"
        "Ines Marlow prefers a quieter evening. She likes ''Lilyhammer.''"
    )
    quotes = analyze_text(text, nlp).quotes
    levy = next(q for q in quotes if q.text.startswith("a tax on"))
    assert (levy.kind, levy.speaker) == ("quote", "Tomas Brenner")
    assert next(q for q in quotes if q.text.startswith("Lilyhammer")).kind == "term"


def test_what_was_announced_is_a_claim(nlp):
    text = (
        "Tomas Brenner ended his own campaign in May.\n\n"
        "He announced his support for the harbour levy on Thursday night."
    )
    claim = claim_starting(analyze_text(text, nlp).claims, "his support for the harbour levy")
    assert (claim.source, claim.cue) == ("Tomas Brenner", "announced")


def test_a_quote_in_two_apostrophe_marks_is_not_also_a_claim(nlp):
    text = "''Fares are up a little, and so are sailings,'' said Tomas Brenner, the captain."
    analysis = analyze_text(text, nlp)
    assert [q.speaker for q in analysis.quotes if q.kind == "quote"] == ["Tomas Brenner"]
    assert analysis.claims == []


def test_the_next_quote_keeps_a_speaker_introduced_with_a_title(nlp):
    text = (
        "Harbour vote\n\n"
        "''Fares are up a little, and so are sailings,'' said Mr. Brenner, who noted that in "
        "the bad years the price of some ferries had ''collapsed'' to half their value. "
        "''Things are moving the right way.''"
    )
    assert [q.speaker for q in speech(text, nlp)] == ["Brenner", "Brenner"]
