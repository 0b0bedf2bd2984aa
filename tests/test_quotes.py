"""Quotes: every pattern of the fixtures gets its text, speaker, kind and cue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storyline.enrichment.entities import resolve_mentions
from storyline.enrichment.quotes import find_quotes

FIXTURES = Path(__file__).parent / "fixtures" / "enrichment"


def entity_spans(text: str, names: list[list[str]]) -> list[tuple[int, int, str]]:
    """Every occurrence of each (name, label), longest first, as the entity recogniser would give them."""
    spans: list[tuple[int, int, str]] = []
    for name, label in sorted(names, key=lambda x: -len(x[0])):
        for m in re.finditer(r"\b" + re.escape(name) + r"\b", text):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), label))
    return sorted(spans)


def load(name: str):
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    mentions = resolve_mentions(text, entity_spans(text, expected["entities"]))
    return text, expected, find_quotes(text, [], mentions)


CASES = [(name, q) for name in ("ferry_article", "summit_article") for q in load(name)[1]["quotes"]]


@pytest.mark.parametrize("name,want", CASES, ids=[q["pattern"] for _, q in CASES])
def test_quote_pattern(name, want):
    text, _, quotes = load(name)
    hits = [q for q in quotes if q.text.startswith(want["starts"])]
    assert hits, f"no quote starting {want['starts']!r}: {[q.text[:30] for q in quotes]}"
    q = hits[0]
    assert q.speaker == want["speaker"]
    assert q.kind == want["kind"]
    if "cue" in want:
        assert q.cue == want["cue"]
    assert text[q.start : q.end] == q.text


def test_scare_quotes_and_names_in_quotes_are_not_quotes():
    text = 'The firm sells "premium" boats under the "Blue Line" brand in three ports.'
    assert find_quotes(text, [], []) == []


def test_a_quote_spanning_sentences_stays_whole():
    text, _, quotes = load("ferry_article")
    q = next(q for q in quotes if q.text.startswith("Nobody will lose"))
    assert q.text.endswith("offered a new contract")


def test_reported_speech_needs_a_speaker():
    text = "Prices said to be rising were discussed at length by the council members yesterday."
    assert find_quotes(text, [], []) == []


def test_he_goes_to_the_latest_speaker_not_the_latest_name():
    text = (
        'Nadia Petrova said the plan was ready. She met Omar Haddad on Friday.\n'
        '"We start in May," Haddad said. "Nothing can stop it now," he added.'
    )
    names = [["Nadia Petrova", "PERSON"], ["Omar Haddad", "PERSON"], ["Haddad", "PERSON"]]
    quotes = find_quotes(text, [], resolve_mentions(text, entity_spans(text, names)))
    last = next(q for q in quotes if q.text.startswith("Nothing"))
    assert last.speaker == "Omar Haddad" and last.cue == "added"


def test_a_name_in_the_possessive_is_not_the_speaker():
    text = ('Lena Voss has checked into a clinic in Marbury. "Lena is resting and thanks her fans," '
            "Voss's publicist told reporters on Monday.")
    names = [["Lena Voss", "PERSON"], ["Voss", "PERSON"]]
    [quote] = find_quotes(text, [], resolve_mentions(text, entity_spans(text, names)))
    assert quote.text.startswith("Lena is resting") and quote.speaker is None
    after = 'Tom James has left the club. "He needs rest," said James\' lawyer on Monday.'
    [quote] = find_quotes(after, [], resolve_mentions(after, entity_spans(after, [["Tom James", "PERSON"], ["James", "PERSON"]])))
    assert quote.speaker is None
    said = 'Lena Voss has checked into a clinic. "I am resting," Voss told reporters on Monday.'
    [own] = find_quotes(said, [], resolve_mentions(said, entity_spans(said, names)))
    assert own.speaker == "Lena Voss"


def test_a_title_and_a_name_taken_for_a_work_of_art_is_the_speaker():
    text = ('"This is the darkest day our town has known," Mayor Elena Varga told reporters. '
            "Prosecutor Anna Lindqvist said the owner had been warned.")  # fmt: skip
    mentions = resolve_mentions(text, entity_spans(text, [["Mayor Elena Varga", "WORK_OF_ART"],
                                                          ["Prosecutor Anna Lindqvist", "PERSON"]]))  # fmt: skip
    assert {(m.name, m.label) for m in mentions} == {("Elena Varga", "PERSON"), ("Anna Lindqvist", "PERSON")}
    [quote] = [q for q in find_quotes(text, [], mentions) if q.text.startswith("This is")]
    assert quote.speaker == "Elena Varga"


def test_a_wire_agency_credited_with_the_copy_is_not_the_speaker():
    text = ('OSLO, May 2 (AFP) - Investigators told the court on Tuesday that ferry owner Nils Brekke '
            '"cut every corner he could find" before the sinking.')  # fmt: skip
    names = [["AFP", "ORG"], ["Nils Brekke", "PERSON"]]
    [quote] = find_quotes(text, [], resolve_mentions(text, entity_spans(text, names)), ["AFP"])
    assert quote.text == "cut every corner he could find" and quote.speaker is None
    person = '"The city must build more homes," Bloomberg said at the housing summit on Friday.'
    [quote] = find_quotes(person, [], resolve_mentions(person, entity_spans(person, [["Bloomberg", "PERSON"]])))
    assert quote.speaker == "Bloomberg"  # one the recogniser takes for a person of an agency's name still speaks


def test_whom_a_speaker_told_is_not_part_of_what_was_said():
    names = [["Ada Lund", "PERSON"]]
    said = {
        "The neighbour, Ada Lund, told KXTV 7 she smelled gas and ran to the door.": "she smelled gas and ran to the door.",
        "Ada Lund told reporters at the scene the fire had spread to the roof.": "the fire had spread to the roof.",
        "Ada Lund told the court on Friday that the firm had lied to investors.": "the firm had lied to investors.",
    }
    for text, words in said.items():
        [quote] = find_quotes(text, [], resolve_mentions(text, entity_spans(text, names)))
        assert (quote.text, quote.speaker, quote.cue) == (words, "Ada Lund", "told"), text


def test_the_credited_agencies_are_the_articles_wire():
    """A short agency name is the agency only where the article's wire credits it: its own "(AAP)" after the
    party's name credits nothing, so the party speaks; the wire metadata found ("SYDNEY (AAP) -") makes it the agency."""
    text = ("The Aam Aadmi Party (AAP) won the Velmar council vote on Sunday.\n"
            "AAP said the result was a mandate to build 4,000 homes before the monsoon.")  # fmt: skip
    mentions = resolve_mentions(text, entity_spans(text, [["Aam Aadmi Party", "ORG"], ["AAP", "ORG"]]))
    [party] = find_quotes(text, [], mentions)
    assert (party.speaker, party.text) == ("AAP", "the result was a mandate to build 4,000 homes before the monsoon.")
    assert find_quotes(text, [], mentions, ["AAP"]) == []  # where AAP is the wire, the agency says nothing


def test_a_dateline_of_any_form_is_left_out_of_reported_speech():
    names = [["Ana Ruiz", "PERSON"]]
    for opening in ("KELPORT —", "KELPORT, Velmar (Reuters) -", "ΑΘΗΝΑ (AFP) -", "(Reuters) -", "NEW DELHI:"):
        text = f"{opening} The ferry will sail again on Monday after repairs, Ana Ruiz said."
        [quote] = find_quotes(text, [], resolve_mentions(text, entity_spans(text, names)))
        assert (quote.text, quote.speaker) == ("The ferry will sail again on Monday after repairs", "Ana Ruiz"), opening


def test_an_article_metadata_did_not_describe_credits_what_its_dateline_does():
    """Enriching an article without metadata (no ``wire``): the quotes take the credits of its own dateline."""
    from storyline.enrichment import annotate
    from storyline.enrichment.nlp import Parsed
    from storyline.models import Article

    text = ('OSLO, May 2 (AFP) - Investigators told the court on Tuesday that ferry owner Nils Brekke '
            '"cut every corner he could find" before the sinking.')  # fmt: skip
    entities = entity_spans(text, [["AFP", "ORG"], ["Nils Brekke", "PERSON"]])
    article = annotate(Article(id="o", source="o.txt", raw=text, text=text), Parsed([(0, len(text))], entities))
    assert [(q.text, q.speaker) for q in article.quotes] == [("cut every corner he could find", None)]


def test_quotes_and_sentences_opening_with_a_capital_of_any_alphabet():
    text = ("‘Élan is what this harbour needs now,’ said Ólafur Ragnarsson. Ana Ruiz said the port would reopen in May. "
            "Ísold Berg said the ferry would wait for the repairs.")
    names = [["Ólafur Ragnarsson", "PERSON"], ["Ana Ruiz", "PERSON"], ["Ísold Berg", "PERSON"]]
    quotes = find_quotes(text, [], resolve_mentions(text, entity_spans(text, names)))
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Élan is what this harbour needs now", "Ólafur Ragnarsson"),
        ("the port would reopen in May.", "Ana Ruiz"),
        ("the ferry would wait for the repairs.", "Ísold Berg")]


def _speakers(text: str, names: list[str]) -> dict[str, str | None]:
    """First words of each quote -> its speaker, with ``names`` found as people."""
    mentions = resolve_mentions(text, entity_spans(text, [[n, "PERSON"] for n in names]))
    return {" ".join(q.text.split()[:3]): q.speaker for q in find_quotes(text, [], mentions)}


def test_a_pronoun_goes_to_a_person_of_its_gender():
    """"she said" went to the latest sentence subject, a man, not to the woman the article showed her to be."""
    shown = {  # how the article shows who is a woman or a man
        "her own words": 'Ina Berg said her crew had slept on the quay.\n\nHarbour master Olaf Dunn met Berg at dawn. '
                         '"We are not moving," she said.',
        "a title": 'Mr Dunn met Ina Berg at dawn on the quay. "We are not moving," she said.',
        "an apposition": 'Ina Berg, a spokeswoman for the crews, met Olaf Dunn at dawn. "We are not moving," she said.',
    }  # fmt: skip
    for how, text in shown.items():
        assert _speakers(text, ["Ina Berg", "Olaf Dunn", "Berg", "Dunn"])["We are not"] == "Ina Berg", how
    text = ('"The quay stays closed," Olaf Dunn said on Monday.\n\nIna Berg, who leads the crews, called that unfair '
            'and said her members would vote. "He is not listening," she said.\n\nThe talks resume on Friday, he said.')  # fmt: skip
    said = _speakers(text, ["Ina Berg", "Olaf Dunn"])
    assert said["He is not"] == "Ina Berg" and said["The talks resume"] == "Olaf Dunn", said


def test_a_name_in_the_possessive_is_no_sentence_subject():
    text = 'Berg\'s deputy Olaf Dunn met the harbour board on Friday. "We are united," he said.'
    assert _speakers(text, ["Olaf Dunn", "Berg"])["We are united"] == "Olaf Dunn"


def test_a_name_after_the_cue_that_a_verb_follows_is_what_was_said_not_who_said_it():
    """"and said Velden wanted "…"" gave the quote to Velden (a place the recogniser took for an organisation), the subject of what the mayor said."""
    text = 'Mayor Ines Roth thanked the crews in her speech and said Velden wanted "a harbour that works for everyone".'
    mentions = resolve_mentions(text, entity_spans(text, [["Ines Roth", "PERSON"], ["Velden", "ORG"]]))
    assert [q.speaker for q in find_quotes(text, [], mentions)] == ["Ines Roth"]
    for end in (".", ", the harbour master.", " of the harbour board.", " on Monday.", ", who runs the quay."):
        text = f'"The quay is closed," said Olaf Dunn{end}'
        assert _speakers(text, ["Olaf Dunn"]) == {"The quay is": "Olaf Dunn"}, end


def _said(text: str, names: list[list[str]]) -> dict[str, str | None]:
    """First words of each quote -> its speaker, with ``names`` as (name, label) pairs of the recogniser."""
    mentions = resolve_mentions(text, entity_spans(text, names))
    return {" ".join(q.text.split()[:3]): q.speaker for q in find_quotes(text, [], mentions)}


def test_whom_a_quote_was_told_to_is_not_its_speaker():
    """"…," Mayor … told Estmark Today": the newspaper the mayor spoke to was taken for the speaker."""
    names = [["Runa Falk", "PERSON"], ["Kelby Courier", "ORG"]]
    text = ('"The sea wall held for an hour," Mayor Runa Falk told Kelby Courier at the town hall. '
            '"Then it simply went."')
    assert _said(text, names) == {"The sea wall": "Runa Falk", "Then it simply": "Runa Falk"}
    unnamed = '"The sea wall held for an hour," the harbour master told Kelby Courier at the town hall.'
    assert _said(unnamed, [["Kelby Courier", "ORG"]]) == {"The sea wall": None}


def test_a_speaker_the_text_does_not_name_is_not_the_last_one_named():
    """An anonymous diplomat's words went to the Commission quoted before them, and an official's to a port."""
    text = ('The Harbour Board said it was "watching the tides closely". Privately, pilots are less calm. '
            '"The channel silts up every winter," one said. "Nobody has dredged it for years."')
    assert _said(text, [["Harbour Board", "ORG"]]) == {
        "watching the tides": "Harbour Board", "The channel silts": None, "Nobody has dredged": None}
    text = ('Grain traders have long used the port of Keldby, and an official at the transport ministry said '
            'the board was "studying the new tariff schedule" with care.')
    assert _said(text, [["Keldby", "ORG"]]) == {"studying the new": None}
    text = ('Two of the bidders were foreign, and one of them, based in Orsund, said it had "no ties of any '
            'kind" to the board.')
    assert _said(text, [["Orsund", "ORG"]]) == {"no ties of": None}


def test_a_name_in_a_role_is_no_speaker_and_the_role_is_who_the_text_was_about():
    """"the Velmoran trade minister said" went to "Velmoran", an adjective taken for an organisation."""
    text = ('Tilde Marrow dislikes being called Ostrava\'s friend in the north. "I am Kesland\'s friend first," '
            "the Marnish fisheries minister said on Monday, standing beside Norvia's foreign minister, Ana Brisk.")
    names = [["Tilde Marrow", "PERSON"], ["Marnish", "ORG"], ["Ana Brisk", "PERSON"], ["Norvia", "GPE"]]
    assert _said(text, names) == {"I am Kesland's": "Tilde Marrow"}
    assert _said("Harbour notes\n\n" + text, names) == {"I am Kesland's": "Tilde Marrow"}  # a line before it
    other = 'Divers found Olaf Dunn alive at dawn. "The search goes on for two more," the Marnish minister said.'
    assert _said(other, [["Olaf Dunn", "PERSON"], ["Marnish", "ORG"]]) == {"The search goes": None}  # not the one found


def test_the_speaker_named_after_a_cue_and_a_title():
    """"said its leader, Irene Salas", "calling it …" and a long title before the name left quotes without their
    speaker."""
    text = ('The Harbour Party said the sale was rushed. "Every quay we sell is a job we lose," said its leader, '
            "Mira Quellan.")
    assert _said(text, [["Harbour Party", "ORG"], ["Mira Quellan", "PERSON"]])["Every quay we"] == "Mira Quellan"
    text = 'Harbour Minister Ola Brenn welcomed the figures, calling them "proof that the new levy is working".'
    assert _said(text, [["Ola Brenn", "PERSON"]]) == {"proof that the": "Ola Brenn"}
    text = ('"Wind now pays for the harbour," Kelp Energy\'s chief executive, Ruben Paul Aldous, said in a statement.')
    assert _said(text, [["Kelp Energy", "ORG"], ["Ruben Paul Aldous", "PERSON"]]) == {"Wind now pays": "Ruben Paul Aldous"}


def test_a_gendered_word_counts_only_as_a_title_or_apposition_of_the_name():
    """"A woman greeted Anton Feld" made Feld a woman, so "he said" went to the next man named."""
    text = 'A woman greeted Anton Feld at the port. Feld later met Mara Quist. "We will strike," he said.'
    assert _speakers(text, ["Anton Feld", "Feld", "Mara Quist"]) == {"We will strike": "Anton Feld"}
    text = 'Anton Feld, a friend of the woman who runs the quay, met Mara Quist. "We will strike," he said.'
    assert _speakers(text, ["Anton Feld", "Mara Quist"]) == {"We will strike": "Anton Feld"}
    text = 'Anton Feld met Mara Quist, spokeswoman for the crews. "We will strike," she said.'
    assert _speakers(text, ["Anton Feld", "Mara Quist"]) == {"We will strike": "Mara Quist"}


def test_when_it_was_said_after_the_speakers_name_ends_the_attribution():
    """"…," said Mara Quist Tuesday. lost its speaker: only "on Tuesday" ended the attribution."""
    for when in ("Tuesday", "yesterday", "today", "tonight", "this morning", "Tuesday night"):
        text = f'"We will not close the port," said Mara Quist {when}.'
        assert _speakers(text, ["Mara Quist"]) == {"We will not": "Mara Quist"}, when
    text = "The port will reopen in May, said Mara Quist yesterday."
    assert _speakers(text, ["Mara Quist"]) == {"The port will": "Mara Quist"}


def test_each_persons_titles_are_read_once_however_many_roles_the_article_names(monkeypatch):
    """Every "the … leader said" re-read the titles of every person (a 68k-character article took 2.6 times as
    long): the work must grow with the people, not with roles times people."""
    from storyline.enrichment import quotes

    calls = []

    class Counting:
        def findall(self, text):
            calls.append(text)
            return quotes_nationality.findall(text)

    quotes_nationality = quotes._NATIONALITY
    monkeypatch.setattr(quotes, "_NATIONALITY", Counting())
    people = ["Mara Quist", "Anton Feld", "Ina Berg", "Olaf Dunn", "Piet Varnes"]
    text = " ".join(f"Velmoran President {p} met the crews." for p in people) + "\n" + " ".join(
        f'"Day {i} we sail on," the Velmoran leader said.' for i in range(20))
    said = _speakers(text, people)
    assert set(said.values()) == {"Piet Varnes"} and len(said) == 20
    assert len(calls) <= len(people)
