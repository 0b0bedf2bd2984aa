"""Canonical entities within an article and across articles."""

from __future__ import annotations

import re

import pytest

from storyline.enrichment.entities import EntityRegistry, folded, given_compatible, resolve_mentions, thing_key
from storyline.models import Mention


def spans(text: str, names: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for name, label in sorted(names, key=lambda x: -len(x[0])):
        for m in re.finditer(re.escape(name), text):
            if not any(s < m.end() and m.start() < e for s, e, _ in out):
                out.append((m.start(), m.end(), label))
    return sorted(out)


def person(name: str, text: str | None = None) -> Mention:
    return Mention(0, len(name), text or name, "PERSON", name)


# ---- within an article


def test_surname_is_the_person_named_earlier_and_possessive_is_stripped():
    text = "Foreign Minister Dmitri Orlov arrived. Orlov's plane was late, and Orlov said little."
    ms = resolve_mentions(text, spans(text, [("Foreign Minister Dmitri Orlov", "PERSON"), ("Orlov's", "PERSON"), ("Orlov", "PERSON")]))
    assert [m.name for m in ms] == ["Dmitri Orlov"] * 3
    assert [m.text for m in ms] == ["Dmitri Orlov", "Orlov", "Orlov"]  # title and possessive trimmed from the span
    assert all(text[m.start : m.end] == m.text for m in ms)


def test_a_role_the_text_also_writes_in_lowercase_is_no_part_of_the_name():
    text = ("Quarterback Dale Pruitt threw three touchdowns. The quarterback said the line held. "
            "Will Ellison Reyes, who coached him in college, said he will watch every game.")
    ms = resolve_mentions(text, spans(text, [("Quarterback Dale Pruitt", "PERSON"), ("Will Ellison Reyes", "PERSON")]))
    assert [m.name for m in ms] == ["Dale Pruitt", "Will Ellison Reyes"]  # "will" is a verb here, not a role


def test_a_headlines_question_word_is_no_part_of_a_name():
    """"Why Velmora is cautious" made "Why Velmora" a person of the bundled corpus."""
    text = "Why Velmora is cautious\nVelmora has kept its port open; Velmora trades. How Ilse Varga won is told below."
    ms = resolve_mentions(text, spans(text, [("Why Velmora", "PERSON"), ("Velmora", "GPE"), ("How Ilse Varga", "PERSON")]))
    assert [(m.text, m.label) for m in ms] == [("Velmora", "GPE")] * 3 + [("Ilse Varga", "PERSON")]
    who = "WHO Europe said so."
    assert [m.text for m in resolve_mentions(who, spans(who, [("WHO Europe", "ORG")]))] == ["WHO Europe"]


def test_a_surname_mislabelled_as_place_becomes_the_person():
    text = "Priya Raman met the board. Raman spoke first. Later Raman left. Raman was tired."
    ms = resolve_mentions(text, spans(text, [("Priya Raman", "PERSON"), ("Raman", "GPE")]))
    assert {m.label for m in ms} == {"PERSON"} and {m.name for m in ms} == {"Priya Raman"}


def test_mislabels_are_fixed_by_majority_of_the_same_string():
    text = "Kestrel sold shares. Kestrel bought a mill. Kestrel grew."
    found = [m.span() for m in re.finditer("Kestrel", text)]
    ms = resolve_mentions(text, [(s, e, label) for (s, e), label in zip(found, ["ORG", "PERSON", "ORG"], strict=True)])
    assert [m.label for m in ms] == ["ORG", "ORG", "ORG"]


def test_a_street_or_building_named_after_someone_is_a_place():
    text = "Two men were shot on Walter Brennan Drive near Saint Ilse Hospital. Walter Brennan Drive was closed."
    ms = resolve_mentions(text, spans(text, [("Walter Brennan Drive", "PERSON"), ("Saint Ilse Hospital", "PERSON")]))
    assert [(m.name, m.label) for m in ms] == [("Walter Brennan Drive", "FAC"), ("Saint Ilse Hospital", "FAC"),
                                               ("Walter Brennan Drive", "FAC")]
    kept = resolve_mentions("Officer Dana Lane said so.", [(8, 17, "PERSON")])
    assert [(m.name, m.label) for m in kept] == [("Dana Lane", "PERSON")]  # a surname that is also a word stays
    town = "Deputies of Marbury County said the Marbury County Academy was closed."
    ms = resolve_mentions(town, spans(town, [("Marbury County", "GPE"), ("Marbury County Academy", "ORG")]))
    assert [(m.name, m.label) for m in ms] == [("Marbury County", "GPE"), ("Marbury County Academy", "FAC")]


def test_a_missing_first_name_is_taken_back():
    text = "Leena Kumar Joshi, a historian, disagreed."
    ms = resolve_mentions(text, [(6, 17, "PERSON")])  # the recogniser saw only "Kumar Joshi"
    assert ms[0].name == "Leena Kumar Joshi"


def test_two_people_with_one_surname_stay_apart_in_an_article():
    text = "Anna Berg and Lars Berg arrived. Berg spoke."
    ms = resolve_mentions(text, spans(text, [("Anna Berg", "PERSON"), ("Lars Berg", "PERSON"), ("Berg", "PERSON")]))
    assert [m.name for m in ms] == ["Anna Berg", "Lars Berg", "Lars Berg"]  # a bare surname: the nearest before


def test_organisations_match_on_case_and_dots():
    text = "The U.S. and the US Treasury; Tass and TASS."
    ms = resolve_mentions(text, spans(text, [("U.S.", "GPE"), ("US", "GPE"), ("Tass", "ORG"), ("TASS", "ORG")]))
    assert [m.name for m in ms] == ["U.S.", "U.S.", "TASS", "TASS"]
    assert thing_key("the U.S.") == thing_key("US") == thing_key("United States")


# ---- across articles


def test_given_names():
    assert given_compatible(["Sergey"], ["Sergei"])
    assert given_compatible(["S."], ["Subrahmanyam"])
    assert given_compatible(["Kumar"], ["Sanjay", "Kumar"])
    assert not given_compatible(["Anna"], ["Lars"])
    assert not given_compatible(["John"], ["Joan"])
    assert given_compatible(["Ron", "Lee"], ["Ronald", "Lee"])  # a short form
    assert not given_compatible(["Don"], ["Donna"]) and not given_compatible(["Paul"], ["Paula"])


def test_registry_merges_variants_and_keeps_conflicts_apart():
    reg = EntityRegistry()
    a = [person("Dmitry Orlov"), person("Dmitry Orlov", "Orlov")]
    b = [person("Dmitri Orlov")]
    c = [person("A. Raman"), person("Arvind Raman"), person("Arvind Raman")]
    d = [person("Orlov")]
    e = [person("Ivan Orlov")]
    for ms in (a, b, c, d, e):
        reg.add_article(ms)
    assert a[0].entity_id == b[0].entity_id == d[0].entity_id
    assert e[0].entity_id != a[0].entity_id
    assert c[0].entity_id == c[1].entity_id
    rows = {r["id"]: r for r in reg.rows()}
    assert rows[c[0].entity_id]["name"] == "Arvind Raman"  # a spelled-out name beats the initial
    assert rows[a[0].entity_id]["name"] == "Dmitry Orlov"
    assert set(rows[a[0].entity_id]["aliases"]) == {"Dmitri Orlov", "Orlov"}


def test_a_name_with_and_without_its_accents_is_one_entity():
    """"Tomás Arrieta" and "Tomas Arrieta" were two people of the bundled corpus; "Muñoz" and "Munoz" two surnames."""
    reg = EntityRegistry()
    accented = [person("Tomás Arrieta"), person("Tomás Arrieta", "Arrieta")]
    plain = [person("Tomas Arrieta")]
    surname = [person("Lucía Muñoz")], [person("Lucia Munoz"), person("Lucia Munoz", "Munoz")]
    town = [Mention(0, 9, "São Tomé", "GPE", "São Tomé")], [Mention(0, 8, "Sao Tome", "GPE", "Sao Tome")]
    for ms in (accented, plain, *surname, *town):
        reg.add_article(ms)
    assert accented[0].entity_id == accented[1].entity_id == plain[0].entity_id
    assert surname[0][0].entity_id == surname[1][0].entity_id == surname[1][1].entity_id != accented[0].entity_id
    assert town[0][0].entity_id == town[1][0].entity_id
    assert {r["name"] for r in reg.rows()} == {"Tomás Arrieta", "Lucía Muñoz", "São Tomé"}
    assert not given_compatible(["Tomás"], ["Tamás"])  # another letter is another name
    assert folded("राजनाथ") == "राजनाथ" and folded("Élise") == "elise"  # marks of other scripts are letters


def test_a_name_with_and_without_a_stroke_or_dotless_i_is_one_entity():
    """Outlets drop a stroke or a dotless i as they drop accents ("Walesa", "Kilicdaroglu", "Lodz"), but Unicode
    takes no stroke off a letter: "Lech Wałęsa" and "Lech Walesa" were two people."""
    reg = EntityRegistry()
    marked = [person("Lech Wałęsa")], [person("Kemal Kılıçdaroğlu")], [person("Jonas Gahr Støre")]
    plain = [person("Lech Walesa"), person("Kemal Kilicdaroglu"), person("Jonas Gahr Store")]
    for ms in (*marked, plain):
        reg.add_article(ms)
    assert [m.entity_id for m in plain] == [ms[0].entity_id for ms in marked]
    assert len({ms[0].entity_id for ms in marked}) == 3
    assert thing_key("Łódź") == thing_key("Lodz") and folded("Đoković") == "dokovic"


def test_bare_surname_joins_the_most_mentioned_person():
    reg = EntityRegistry()
    reg.add_article([person("Anna Berg")] * 1)
    many = [person("Lars Berg") for _ in range(3)]
    reg.add_article(many)
    bare = [person("Berg")]
    reg.add_article(bare)
    assert bare[0].entity_id == many[0].entity_id


def test_registry_grows_from_store_rows_and_reports_dirty_rows():
    reg = EntityRegistry([{"id": 7, "name": "Vladimir Putin", "type": "PERSON", "aliases": ["Putin"], "count": 10}])
    ms = [person("Putin"), Mention(0, 4, "Tass", "ORG", "Tass"), Mention(0, 4, "TASS", "ORG", "TASS")]
    reg.add_article(ms)
    assert ms[0].entity_id == 7 and ms[1].entity_id == ms[2].entity_id == 8
    dirty = reg.dirty_rows()
    assert [r["id"] for r in dirty] == [7, 8]
    assert dirty[0]["count"] == 11 and dirty[1]["name"] == "TASS"
    assert reg.dirty_rows() == []


def test_registry_merges_spellings_whatever_the_order_of_articles():
    articles = [["Sergey Lavrov", "Lavrov"], ["Sergei Lavrov"], ["S. Jaishankar", "Jaishankar"]]

    def run(order):
        reg = EntityRegistry()
        for names in order:
            reg.add_article([person(n) for n in names])
        return reg.rows()

    assert run(articles) == [
        {"id": 1, "name": "Sergey Lavrov", "type": "PERSON", "aliases": ["Lavrov", "Sergei Lavrov"], "count": 3},
        {"id": 2, "name": "S. Jaishankar", "type": "PERSON", "aliases": ["Jaishankar"], "count": 2},
    ]
    without_ids = [{k: v for k, v in row.items() if k != "id"} for row in run(articles[::-1])]
    assert sorted(without_ids, key=lambda r: r["name"]) == [
        {k: v for k, v in row.items() if k != "id"} for row in sorted(run(articles), key=lambda r: r["name"])]


@pytest.mark.slow
def test_real_pipeline_names_people_in_the_fixture():
    from pathlib import Path

    from storyline.enrichment.nlp import SpacyNLP

    text = (Path(__file__).parent / "fixtures" / "enrichment" / "ferry_article.txt").read_text(encoding="utf-8")
    parsed = SpacyNLP().parse([text])[0]
    assert len(parsed.sentences) >= 12 and all(text[s:e].strip() == text[s:e] for s, e in parsed.sentences)
    people = {m.name for m in resolve_mentions(text, parsed.entities) if m.label == "PERSON"}
    assert {"Elias Varga", "Tomas Brandt", "Paul Weber"} <= people


def test_a_surname_with_its_suffix_is_not_a_full_name_and_keeps_brothers_apart():
    """"Ortega Jr." is a surname and a suffix: named more often than "Juan Manuel Ortega Jr.", it was the
    canonical name, which like a bare surname joined the next article's Marco Ortega to his brother."""
    first = "His brother Marco Ortega said the family was shocked. Ortega said he had not seen him for days."
    second = ("Juan Manuel Ortega Jr. was arrested on Friday. Ortega Jr. told police he was at home. "
              "Ortega Jr. was held without bail.")
    reg = EntityRegistry()
    for text, names in ((first, ["Marco Ortega", "Ortega"]), (second, ["Juan Manuel Ortega Jr.", "Ortega Jr."])):
        reg.add_article(resolve_mentions(text, spans(text, [(n, "PERSON") for n in names])))
    assert {r["name"]: r["count"] for r in reg.rows()} == {"Marco Ortega": 2, "Juan Manuel Ortega Jr": 3}


def test_a_first_name_alone_is_the_one_person_of_that_first_name():
    text = "Mara Lind left the clinic on Friday. Mara thanked the staff, and Lind's lawyer said she was well."
    ms = resolve_mentions(text, spans(text, [("Mara Lind", "PERSON"), ("Mara", "PERSON"), ("Lind", "PERSON")]))
    assert [m.name for m in ms] == ["Mara Lind"] * 3
    two = "Mara Lind and Mara Holm met on Friday. Mara said little."  # two people of that first name: no one
    ms = resolve_mentions(two, spans(two, [("Mara Lind", "PERSON"), ("Mara Holm", "PERSON"), ("Mara", "PERSON")]))
    assert [m.name for m in ms] == ["Mara Lind", "Mara Holm", "Mara"]


def test_a_first_name_alone_is_no_ones_surname_in_later_articles():
    reg = EntityRegistry()
    text = "Mara Lind left the clinic on Friday. Mara thanked the staff."
    reg.add_article(resolve_mentions(text, spans(text, [("Mara Lind", "PERSON"), ("Mara", "PERSON")])))
    later = [person("Mara")]  # another article's surname-only mention of someone called Mara
    reg.add_article(later)
    assert later[0].entity_id != 1 and [r["name"] for r in reg.rows()] == ["Mara Lind", "Mara"]


def test_an_opening_bracket_or_quote_left_at_a_sentence_end_opens_the_next():
    from storyline.enrichment.nlp import _trim_sentences

    text = 'The mill stays shut until March 25. (Reporting by Ida Kral.) He said: "We are done." "Next," she said.'
    cuts = [text.index("(") + 1, text.index("He"), text.index('"Next') + 1]  # where a parser may cut
    spans = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    assert [text[s:e] for s, e in _trim_sentences(text, spans)] == [
        "The mill stays shut until March 25.", "(Reporting by Ida Kral.)", 'He said: "We are done."', '"Next," she said.',
    ]  # fmt: skip


def test_a_title_of_several_words_is_not_part_of_the_name():
    """'Fire Chief Brian Zeller' and 'Brian Zeller' had been two participants of one event; a run of capitalised
    words ending in a title is the title, when a given name and a surname follow it."""
    text = ("Kettering Fire Chief Brian Zeller said the blaze began in a garage. Librarian Joanne Feltham called "
            "for calm. Brian Zeller later thanked neighbours. Sarah King Smith was not hurt.")
    ms = resolve_mentions(text, spans(text, [("Kettering Fire Chief Brian Zeller", "PERSON"), ("Librarian Joanne Feltham", "PERSON"),
                                             ("Brian Zeller", "PERSON"), ("Sarah King Smith", "PERSON")]))  # fmt: skip
    assert [m.name for m in ms] == ["Brian Zeller", "Joanne Feltham", "Brian Zeller", "Sarah King Smith"]


def test_titles_and_given_names_are_told_in_any_alphabet():
    """Capitals were [A-Z]: 'Fire Chief Ólafur Ragnarsson' kept his title (another participant than 'Ólafur
    Ragnarsson'), and 'Émile' before a 'Zola' spaCy tagged alone was not taken back."""
    text = ("Fire Chief Ólafur Ragnarsson said the blaze began in a garage. Ólafur Ragnarsson later thanked neighbours. "
            "Émile Zola wrote about it.")
    ms = resolve_mentions(text, spans(text, [("Fire Chief Ólafur Ragnarsson", "PERSON"), ("Ólafur Ragnarsson", "PERSON"),
                                             ("Zola", "PERSON")]))  # fmt: skip
    assert [m.name for m in ms] == ["Ólafur Ragnarsson", "Ólafur Ragnarsson", "Émile Zola"]
    lower = "the fire chief ólafur ragnarsson said so."  # small letters are no title run and no given name
    assert [m.text for m in resolve_mentions(lower, spans(lower, [("chief ólafur ragnarsson", "PERSON")]))] == []
