"""Dates in the text and the event-date estimate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.enrichment.times import estimate_event_date, find_times
from storyline.models import Article

CASES = json.loads((Path(__file__).parent / "fixtures" / "enrichment" / "times.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['mention']}@{c['published']}" for c in CASES])
def test_date_pattern(case):
    times = find_times(case["text"], case["published"])
    hits = [t for t in times if t.text == case["mention"]]
    assert hits, [t.text for t in times]
    t = hits[0]
    assert (t.date, t.end_date, t.granularity) == (case["date"], case["end"], case["granularity"])
    assert case["text"][t.start : t.end] == t.text


def test_numbers_that_are_not_years_are_left_alone():
    assert find_times("The S-400 system cost $2000 and 1,999 people came; 2018% is absurd.", "2020-01-01") == []


def article(text: str, published: str | None) -> Article:
    a = Article(id="x", source="x", raw=text, text=text, published=published)
    a.sentences = [(0, len(text))]
    return a


def test_event_date_from_the_weekday_in_the_lead():
    a = article("The ministers met in Rome on Tuesday, officials said.", "2024-05-09")
    assert estimate_event_date(a) == ("2024-05-07", "lead-weekday")


def test_event_date_from_a_full_date_in_the_lead():
    a = article("On March 3, 2024, the ministers met in Rome.", "2024-03-05")
    assert estimate_event_date(a) == ("2024-03-03", "lead-date")


def test_event_date_falls_back_to_publication():
    assert estimate_event_date(article("The ministers met in Rome.", "2024-05-09")) == ("2024-05-09", "published")


def test_event_date_from_a_caption_when_publication_is_unknown():
    text = "The ministers met in Rome.\nThe two ministers pose for a photo in Rome, Italy, May 7, 2024."
    a = article(text, None)
    a.sentences = [(0, 26), (27, len(text))]
    assert estimate_event_date(a) == ("2024-05-07", "caption-date")


def test_no_event_date_without_any_date():
    assert estimate_event_date(article("The ministers met on Tuesday.", None)) == (None, "unknown")


@pytest.mark.parametrize("text", [
    "Vera Lund, the actress, died on Thursday. She was born on April 22, 1931, in Kelport.",
    "Vera Lund died on Thursday. Lund was born to a poor family in Kelport on April 22, 1931.",
    "Vera Lund (born April 22, 1931) died on Thursday at a hospital in Kelport.",
    "Vera Lund (b. April 22, 1931) died on Thursday at a hospital in Kelport.",
])
def test_a_date_of_birth_is_never_the_event_date(text):
    a = article(text, None)
    assert estimate_event_date(a) == (None, "unknown")  # no other full date: unknown, not 1931
    a = article(text + " Her funeral was held on May 2, 2016.", None)
    assert estimate_event_date(a) == ("2016-05-02", "lead-date")


def test_a_day_is_read_with_its_own_sentence():
    text = "The pier was closed on June 8 after the storm. The hearing will be held on June 9 in Marbury."
    sentences = [(0, 46), (47, len(text))]
    closed, hearing = find_times(text, "2013-05-03", sentences)
    assert (closed.date, hearing.date) == ("2012-06-08", "2013-06-09")
    listed = "Hearings will be held Jan. 5 and Feb. 6 in Marbury."  # no sentences given: its line, abbreviations and all
    assert [t.date for t in find_times(listed, "2013-01-02")] == ["2013-01-05", "2013-02-06"]


def test_a_month_in_a_clause_of_the_past_is_behind_whatever_its_sentence_expects():
    text = "Governor Ada Vik said inflation, which stood at 5.1% in February, had proven more stubborn than expected."
    [february] = find_times(text, "2024-03-07", [(0, len(text))])
    assert february.date == "2024-02-01", february  # not the February ahead: "stood" is a verb in the past
    kept = "The bank, which kept its rate at 4% in October, is expected to move again."
    [october] = find_times(kept, "2024-03-07", [(0, len(kept))])
    assert october.date == "2023-10-01", october


@pytest.mark.parametrize("sentence, want", [
    ("The council said the bridge would reopen on April 4.", "2024-04-04"),
    ("The bank said on Thursday that it would raise rates again from April 4.", "2024-04-04"),
    ("He said the man he saw on April 4 would be charged.", "2023-04-04"),  # the verb nearest before it is past
])
def test_a_day_reported_speech_puts_ahead_lies_ahead(sentence, want):
    found = [t for t in find_times(sentence, "2024-03-07") if t.text == "April 4"]
    assert [t.date for t in found] == [want]


@pytest.mark.parametrize("sentence, want", [
    ("The arrest has shaken the cabinet of Premier Ilse Varga, which faces regional elections in May.", "2024-05-01"),
    ("The league crowns its champion in June, a month of finals.", "2024-06-01"),
    ("Exports in December reached a record.", "2023-12-01"),  # a verb in the past: behind
    ("Exports in December are the highest on record.", "2023-12-01"),  # told in no tense: the nearest December
    ("The ferry line that opened in May carries 900 people a day.", "2023-05-01"),  # its clause is in the past
    ("Dunmere Exports Fell In June", "2023-06-01"),  # a headline in title case tells its tense too
])
def test_a_month_told_in_no_tense_is_the_nearest_one(sentence, want):
    """A present-tense sentence ("which faces regional elections in May", in February) was read as of the past:
    the story's background told the coming elections as those of the May before."""
    [month] = [t for t in find_times(sentence, "2024-02-07") if t.granularity == "month"]
    assert month.date == want, month


@pytest.mark.parametrize("sentence", [
    "Storms hit the coast of Velmora in June, flooding 300 homes.",  # a past the same as the present
    "The Ostmarsh mill cut 200 jobs in June.",
    "The plant shut in June.",
    "Protests shook the capital in June.",  # an irregular past no rule lists
    "Ferries to Lindau flew their flags at half mast in June.",
])
def test_a_month_in_a_sentence_told_in_a_past_no_rule_lists_is_behind(sentence):
    """A verb in the past that reads as the present ("hit", "cut") or is not listed ("shook") is no sign that a
    sentence is told in no tense: "Storms hit the coast in June", in an article of February, was the June to come."""
    [month] = [t for t in find_times(sentence, "2024-02-07") if t.granularity == "month"]
    assert month.date == "2023-06-01", month


@pytest.mark.parametrize("sentence, published, want", [
    ("The cabinet of Premier Ilse Varga, which faces regional elections this May, is cautious.", "2024-02-07", "2024-05-01"),
    ("The Ostmarsh festival this June draws 10,000 visitors.", "2024-08-07", "2024-06-01"),
])
def test_this_month_told_in_no_tense_is_that_of_the_year_of_publication(sentence, published, want):
    """"which faces regional elections this May", in February, was the May before, while "in May" was the coming one."""
    [month] = [t for t in find_times(sentence, published) if t.granularity == "month"]
    assert month.date == want, month
