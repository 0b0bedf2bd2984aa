"""The baselines `storyline eval --baselines` scores storyline against (invented articles)."""

from storyline.events.baselines import NAME, average_link, distances
from storyline.models import Article


def _article(id_: str, title: str, text: str, published: str) -> Article:
    return Article(id_, "test", text, title=title, text=text, published=published, published_how="stated")


def test_the_names_baseline_reads_capitalised_words_no_sentence_begins_with():
    text = "The council met on Monday. Then Mara Velk spoke for Orrin Mills.\nBoth left for Tarvo."
    assert NAME.findall(text) == ["Monday", "Mara", "Velk", "Orrin", "Mills", "Tarvo"]


def test_the_combined_baseline_keeps_two_reports_of_one_fire_together_and_a_look_alike_apart():
    """Two fires told in the same words a day apart, which differ in whom and where they name."""
    articles = [
        _article("a1", "Fire at Kessler Mill", "A fire broke out at the Kessler Mill in Darnby on Monday. "
                 "Firefighters said Ilse Kessler was unhurt and the roof was lost.", "2031-03-03"),
        _article("a2", "Kessler Mill burns", "Firefighters said the Kessler Mill in Darnby burned on Monday. "
                 "Ilse Kessler was unhurt, but the roof was lost.", "2031-03-03"),
        _article("b1", "Fire at Voss Bakery", "A fire broke out at the Voss Bakery in Heltrup on Tuesday. "
                 "Firefighters said Pieter Voss was unhurt and the roof was lost.", "2031-03-04"),
    ]
    combined = distances(articles, "combined")  # condensed: (a1, a2), (a1, b1), (a2, b1)
    assert combined[0] < combined[1] and combined[0] < combined[2]
    clusters = average_link(articles, "combined", (combined[0] + min(combined[1], combined[2])) / 2)
    assert clusters["a1"] == clusters["a2"] != clusters["b1"]
