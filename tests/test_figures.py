"""Figures: money, percentages, counts and durations with value, unit and what they measure."""

from __future__ import annotations

import pytest

from storyline.enrichment.figures import find_figures
from storyline.enrichment.times import find_times

CASES = [
    ("Exports are expected to top $40 billion this quarter.", "$40 billion", 4e10, "USD", "money", "Exports"),
    ("The state will spend ₹83,000 crore on roads.", "₹83,000 crore", 8.3e11, "INR", "money", None),
    ("The budget grew to Rs 500 crore.", "Rs 500 crore", 5e9, "INR", "money", "budget"),
    ("The club paid €3.2m for the striker.", "€3.2m", 3.2e6, "EUR", "money", None),
    ("Sales reached £12bn; profits were 4bn.", "4bn", 4e9, "GBP", "money", None),
    ("Velmora's share of grain exports has climbed to 31% in March.", "31%", 31.0, "%", "percent", "Velmora's share of grain exports"),
    ("Unemployment fell by 12 per cent last year.", "12 per cent", 12.0, "%", "percent", "Unemployment"),
    ("The ministers have spoken five times this month.", "five times", 5.0, "times", "count", "times"),
    ("Until now 14 regional trade meetings were held.", "14 regional trade meetings", 14.0, "meetings", "count", "regional trade meetings"),
    ("She left after a nearly 11-hour visit.", "11-hour", 11.0, "hours", "duration", "visit"),
    ("The pipeline is 1,200 km long.", "1,200 km", 1200.0, "km", "quantity", "km"),
    ("About 3 million people voted.", "3 million people", 3e6, "people", "count", "people"),
    ("Halvorsen, 47, was ordered to repay $3.5 million to investors.", "$3.5 million", 3.5e6, "USD", "money", "Halvorsen"),
    ("On March 3, 2024, the council said it would spend $5 million.", "$5 million", 5e6, "USD", "money", "council"),
    ("Arrieta said trade could reach $6 billion by 2026.", "$6 billion", 6e9, "USD", "money", "trade"),
    ("He told reporters the bridge would cost $24 million.", "$24 million", 2.4e7, "USD", "money", "bridge"),
    ("According to Arrieta, about 11% of the grain exports go by rail.", "11%", 11.0, "%", "percent", "grain exports"),
    ("The minister's visit lasted about 14 hours.", "14 hours", 14.0, "hours", "duration", "minister's visit"),
    ("The injured man was taken to hospital with $300 in his pocket.", "$300", 300.0, "USD", "money", "injured man"),
    ("The sea wall, finished in May at a cost of €38 million, held.", "€38 million", 3.8e7, "EUR", "money", "cost"),
    ("The new goal, she said, was $9 billion by 2027.", "$9 billion", 9e9, "USD", "money", "new goal"),
    ("The Delta Bridge, which cost $3.5 billion, opened in May.", "$3.5 billion", 3.5e9, "USD", "money", "Delta Bridge"),
    ("A total of $5 million was raised.", "$5 million", 5e6, "USD", "money", "total"),
    ("Exports of $3 billion went to Asia.", "$3 billion", 3e9, "USD", "money", "Exports"),
    ("In 2023 the port's profit rose 12 percent.", "12 percent", 12.0, "%", "percent", "port's profit"),  # not "In 2023 …"
    ("Last year exports rose 5 percent.", "5 percent", 5.0, "%", "percent", "exports"),
    ("The new hall cost 38 million francs to build.", "38 million francs", 3.8e7, "CHF", "money", None),
    ("The club paid 40 million Swiss francs for him.", "40 million Swiss francs", 4e7, "CHF", "money", None),
    ("Fines reached 2.5 billion rand last year.", "2.5 billion rand", 2.5e9, "ZAR", "money", "Fines"),
    ("The lender's profit rose to 12 billion SEK.", "12 billion SEK", 1.2e10, "SEK", "money", None),
]


@pytest.mark.parametrize("text,span,value,unit,kind,measures", CASES, ids=[c[1] for c in CASES])
def test_figure(text, span, value, unit, kind, measures):
    figs = find_figures(text, [(0, len(text))], find_times(text, "2024-01-01"))
    hits = [f for f in figs if f.text == span]
    assert hits, [f.text for f in figs]
    f = hits[0]
    assert (f.value, f.unit, f.kind) == (pytest.approx(value), unit, kind)
    assert text[f.start : f.end] == span and f.sentence == text
    if measures:
        assert f.measures == measures


def test_dates_codes_and_bare_numbers_are_not_figures():
    text = "In 2016 the T-90 order, H5N1 and G7 talks at 05:12 on Nov. 14 drew 412 and one of them."
    figs = find_figures(text, [(0, len(text))], find_times(text, "2024-01-01"))
    assert figs == []


def test_a_pronoun_two_is_not_a_count():
    text = "The two talked for hours about trade."
    assert [f.text for f in find_figures(text, [(0, len(text))])] == []


def test_a_number_too_large_for_a_float_has_no_value():
    text = f"The shortfall of ${'9' * 400} was a misprint, and {'8' * 320} billion more."
    figures = find_figures(text, [(0, len(text))], [])
    assert figures and all(f.value is None for f in figures)
