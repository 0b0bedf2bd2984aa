"""The baselines `storyline eval --baselines` scores storyline against (invented articles)."""

from storyline.events.baselines import NAME, Tree, distances
from storyline.models import Article


def _article(id_: str, title: str, text: str) -> Article:
    return Article(id_, "test", text, title=title, text=text, published="2031-03-03", published_how="stated")


def test_names_are_capitalised_words_after_another_word():
    text = "The council met on Monday. Then Mara Velk spoke for Orrin Mills, with Émile Tarv.\nBoth left."
    assert NAME.findall(text) == ["Monday", "Mara", "Velk", "Orrin", "Mills", "Émile", "Tarv"]
    assert NAME.findall("FIRE AT THE MILL. The end.") == []


def test_the_combined_baseline_follows_the_names_where_the_wording_misleads():
    """Two reports of one fire in other words, and a report of another fire in the first one's words:
    TF-IDF puts the look-alike nearer, the names it shares with neither pull it away."""
    articles = [
        _article("a1", "Fire destroys Kessler Mill", "Flames tore through the Kessler Mill in Darnby overnight, and "
                 "crews fought the blaze until dawn, firefighters said."),
        _article("a2", "Darnby mill lost", "Ilse Kessler watched as her family's mill in Darnby burned to the ground; "
                 "Kessler said nobody was inside."),
        _article("b1", "Fire destroys Voss Bakery", "Flames tore through the Voss Bakery in Heltrup overnight, and "
                 "crews fought the blaze until dawn, firefighters said."),
    ]
    tfidf, combined = distances(articles, "tfidf"), distances(articles, "combined")  # (a1, a2), (a1, b1), (a2, b1)
    assert tfidf[1] < tfidf[0]
    assert combined[0] < combined[1] < combined[2]
    clusters = Tree(articles, "combined").cut((combined[0] + combined[1]) / 2)
    assert clusters["a1"] == clusters["a2"] != clusters["b1"]
