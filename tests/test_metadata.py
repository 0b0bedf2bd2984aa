"""Metadata: title, outlet, date (and how it was found), byline, wire agencies and language."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.bylines import authors_in
from storyline.cleaning import clean
from storyline.language import detect
from storyline.mastheads import best_spelling
from storyline.metadata import describe, outlet_for_domain, without_site
from storyline.models import Article
from storyline.publication_dates import _choose, parse_date, publication_date, url_date
from storyline.reading import original_url, read_paths
from storyline.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "reading"
SETTINGS = Settings(languages="en,de,fr")
BODY = "The regional parliament passed the water law on Thursday after months of debate, the speaker said."


def described(name: str) -> Article:
    [art] = [a for a in read_paths([str(FIXTURES / name)], SETTINGS)]
    return describe(clean(art), SETTINGS)


def from_text(raw: str, **kw) -> Article:
    return describe(clean(Article(id="t", source="t.txt", raw=raw, **kw)), SETTINGS)


def test_pasted_page_metadata():
    art = described("pasted_page.txt")
    assert art.title == "Lake ferry strike ends after two weeks"
    assert art.outlet_domain == "northwindherald.example" and art.outlet == "Northwindherald"
    assert (art.published, art.published_how) == ("2024-02-19", "stated")
    assert art.byline == "Ilse Marquardt"
    assert art.wire == ["dpa", "AFP"]  # from the sign-off, not from the "— AFP" photo credit
    assert art.language == "en"


def test_agencies_cited_in_the_text_are_not_wires():
    art = described("cited_agency.txt")
    assert art.wire == []


def test_photo_credit_alone_is_not_a_wire():
    assert described("photo_credit_only.txt").wire == []
    assert described("weekday_year.txt").wire == []  # "© Reuters" under a photo


def test_dateline_credit_is_a_wire():
    assert described("dateline_wire.txt").wire == ["Reuters"]


@pytest.mark.parametrize("header,wire", [
    ("Reuters Published March 2, 2022", ["Reuters"]),
    ("By Jana Novak, AP", ["AP"]),
    ("(With inputs from PTI)", ["PTI"]),
    ("Source: AFP", ["AFP"]),
])
def test_credit_lines_name_wires(header, wire):
    where = "first" if header.startswith(("Reuters", "By")) else "last"
    raw = f"Water law passes\n\n{header}\n\n{BODY}" if where == "first" else f"Water law passes\n\n{BODY}\n\n{header}"
    assert from_text(raw).wire == wire


@pytest.mark.parametrize("body,wire", [
    (f"{BODY}\n\n{BODY}\n\nKELPORT, Velmar (AP) -- {BODY}", ["AP"]),  # a dateline opening a later paragraph
    (f"DALLAS (KVLM/AP) – {BODY}", ["AP"]),  # shared with a station
    (f"EUTAW, Ala. (AP) {BODY}", ["AP"]),  # no dash after the credit
    (f"(EFE).- {BODY}", ["EFE"]),
    (f"Berlin/Moskau (dpa) - {BODY}", ["dpa"]),
    (f"ΚΕΛΠΟΡΤ, 7 Μαΐου (Reuters) - {BODY}", ["Reuters"]),
    (f"{BODY} (Reuters)\n\n{BODY}", ["Reuters"]),  # closing a paragraph that is not the last
    (f"{BODY} (dpa/jr)", ["dpa"]),
    (f"{BODY}\n\n(Con información de AFP y EFE)", ["AFP", "EFE"]),
    (f"The Aam Aadmi Party (AAP) - the ruling party - said on Thursday it would appeal. {BODY}", []),
    (f"{BODY} A photo (Jane Roe/AP) shows the chamber. {BODY}", []),
    (f"{BODY} The Velmar Democratic Party (VDP) and the Aam Aadmi Party (AAP) welcomed it.", []),
])
def test_every_dateline_and_closing_credit_names_the_wire(body, wire):
    assert from_text(f"Water law passes\n\n{body}").wire == wire


def test_stated_date_forms():
    assert described("standalone_date.txt").published == "2021-03-08"
    assert from_text(f" date 2021-04-06 Subscribe\nWater law passes\n\n{BODY}").published == "2021-04-06"
    art = from_text(f"Water law passes\n\nPublished: Monday, Nov. 14 2005\n\n{BODY}")
    assert (art.published, art.published_how) == ("2005-11-14", "stated")


def test_a_lead_opening_with_its_dateline_states_the_date():
    art = from_text(f"Water law passes\n\nMARBURY, Md., March 4, 2024 (Reuters) - {BODY}")
    assert (art.published, art.published_how) == ("2024-03-04", "stated")
    undated = from_text(f"Water law passes\n\nMARBURY, March 4 (Reuters) - {BODY}")  # no year: not a stated day
    assert undated.published_how != "stated"
    # four parts after the town: a region and a weekday before the day
    for lead in ("SAN JOSE, Calif., Monday, March 4, 2024 (AP) -", "WASHINGTON, D.C., USA, March 4, 2024 -"):
        art = from_text(f"Water law passes\n\n{lead} {BODY}")
        assert (art.published, art.published_how) == ("2024-03-04", "stated"), lead
    # a headline of two words, which cleaning keeps in the text, before the dateline
    art = from_text(f"Water law\n\nMARBURY, Md., March 4, 2024 (Reuters) - {BODY}")
    assert (art.title, art.published, art.published_how) == ("Water law", "2024-03-04", "stated")
    # a dateline further down is not the lead's
    art = from_text(f"Water law passes\n\n{BODY}\n\nMORE: OSLO, March 4, 2024 - Other news.\n\nOSLO, March 5, 2024 - {BODY}")
    assert art.published_how != "stated"


@pytest.mark.parametrize("title, lead, body, day", [
    ("La loi sur l'eau adoptée", "PARIS, 3 mars 2025 —",
     "Le conseil régional a adopté jeudi la loi sur l'eau après des mois de débat.", "2025-03-03"),
    ("La loi sur l'eau adoptée", "LYON, 1er février 2024 -",
     "Le conseil régional a adopté jeudi la loi sur l'eau après des mois de débat.", "2024-02-01"),
    ("Landtag beschließt das Wassergesetz", "BERLIN, 4. März 2025 –",
     "Der Landtag hat am Donnerstag nach monatelanger Debatte das Wassergesetz beschlossen.", "2025-03-04"),
    ("Aprobada la ley del agua", "MADRID, 5 de marzo de 2025 —",
     "El parlamento regional aprobó el jueves la ley del agua tras meses de debate.", "2025-03-05"),
    ("Aprovada a lei da água", "LISBOA, 1 de março de 2024 -",
     "O parlamento regional aprovou na quinta-feira a lei da água depois de meses de debate.", "2024-03-01"),
    ("Approvata la legge sull'acqua", "ROMA, 12 maggio 2024 -",
     "Il consiglio regionale ha approvato giovedì la legge sull'acqua dopo mesi di dibattito.", "2024-05-12"),
    ("Parlement neemt de waterwet aan", "AMSTERDAM, 2 mei 2024 -",
     "Het regionale parlement heeft donderdag na maanden van debat de waterwet aangenomen.", "2024-05-02"),
])
def test_a_dateline_in_another_language_states_the_date(title, lead, body, day):
    art = from_text(f"{title}\n\n{lead} {body}")
    assert (art.published, art.published_how) == (day, "stated")


def test_an_english_word_is_no_month_of_another_language():
    assert parse_date("It happened 5 ago 2020, they said") is None
    assert parse_date("posted 3 Mars 2021") == "2021-03-03"  # French for March, as a dateline gives it


def test_a_life_s_dates_are_no_publication_date():
    """An obituary's "Born March 12, 1939" line was read as the day the page was published."""
    art = from_text(f"Shelter founder dies at 84\n\nBorn March 12, 1939.\n\n{BODY}\n\nEllwood died on March 3, 2024.")
    assert art.published_how != "stated" or art.published not in ("1939-03-12", "2024-03-03")
    assert "Ellwood died on March 3, 2024." in art.text  # a sentence of the article, not a date header


def test_the_published_date_of_a_line_that_gives_the_update_first():
    assert publication_date("Updated March 15, 2024 at 9:48 p.m. | Published March 14, 2024 at 6:30 p.m.") == "2024-03-14"
    assert publication_date("Updated March 15, 2024 at 9:48 p.m.") is None


def test_weekday_settles_the_year_of_a_caption_day_and_is_marked_inferred():
    art = described("weekday_year.txt")
    assert (art.published, art.published_how) == ("2023-11-16", "inferred")


def test_weekday_that_fits_several_years_gives_no_date():
    raw = f"Water law passes\n\n{BODY} Talks began in 2001.\n\nThe speaker in the chamber on Nov. 16.   © Reuters"
    assert from_text(raw).published is None


def test_no_date_stated_means_none_not_a_guess():
    art = described("cited_agency.txt")
    assert (art.published, art.published_how) == (None, "unknown")


def test_url_gives_date_and_outlet_domain():
    art = next(a for a in read_paths([str(FIXTURES / "url_article.jsonl")], SETTINGS) if a.id == "u1")
    art = describe(clean(art), SETTINGS)
    assert (art.published, art.published_how) == ("2019-06-04", "url")
    assert art.outlet_domain == "valleypost.example"


@pytest.mark.parametrize("url,original", [
    ("http://web.archive.org/web/20170102030405/http://www.rivertonherald.example:80/2016/03/14/bridge/",
     "http://www.rivertonherald.example:80/2016/03/14/bridge/"),
    ("https://web.archive.org/web/20170102030405id_/https://lakeside.example/a", "https://lakeside.example/a"),
    ("web.archive.org/web/2017/http:/lakeside.example/b", "http://lakeside.example/b"),  # "//" folded
    ("https://wayback.archive.org/web/20170102/lakeside.example/c", "http://lakeside.example/c"),
    ("https://lakeside.example/web/20170102/http://other.example/", "https://lakeside.example/web/20170102/http://other.example/"),
    ("https://archive.org/details/some-book", "https://archive.org/details/some-book"),
    ("https://web.archive.org/web/2/http%3A%2F%2Flakeside.example%2Fd", "http://lakeside.example/d"),  # encoded
    (None, None),
])
def test_original_url_of_a_web_archive_capture(url, original):
    assert original_url(url) == original


def test_an_archived_page_is_described_by_the_page_it_captured():
    """The capture's address names the archive and the day it was captured: neither is the outlet or the date."""
    url = "http://web.archive.org/web/20170102030405/http://www.rivertonherald.example:80/2016/03/14/bridge-reopens/"
    art = describe(clean(Article(id="w", source="w.txt", raw=f"Bridge reopens\n\n{BODY}", url=url)), SETTINGS)
    assert (art.outlet_domain, art.outlet) == ("rivertonherald.example", "Rivertonherald")
    assert (art.published, art.published_how) == ("2016-03-14", "url")
    assert art.url == url  # what was given is kept


@pytest.mark.parametrize("line,url,outlet,wire", [
    ("Copyright 2016 WKVL and The Associated Press. All rights reserved.", "https://www.wkvl.example/story/1", "Wkvl",
     ["AP"]),
    ("Copyright 2017 The Associated Press. All rights reserved. This material may not be published or broadcast.",
     "https://www.wkvl.example/story/1", "Wkvl", ["AP"]),  # the wire's notice on a station's page
    ("Copyright 2016 Harbor Media Group. All rights reserved.", "https://www.wkvl.example/story/1", "Wkvl", []),  # the owner
    ("Copyright 2016 WQTX News. All rights reserved.", "https://www.wkvl.example/story/1", "Wkvl", []),  # a sister station
    ("Copyright 2016 Los Angeles Times. All rights reserved.", "https://www.latimes.example/local/1", "Los Angeles Times",
     []),  # the name the domain abbreviates
    ("Copyright 2016 KRB and The Associated Press. All rights reserved.", "https://www.krbtv.example/story/1", "KRB",
     ["AP"]),  # the name the domain adds to
    ("© 2016 The Harbor Star. All rights reserved.", "https://www.theharborstar.example/a", "The Harbor Star", []),
    ("Copyright 2016 Hill & Dale Radio and The Associated Press. All rights reserved.",
     "https://www.hilldaleradio.example/a", "Hill & Dale Radio", ["AP"]),  # as the page writes it
    ("© 2016 Reuters. All rights reserved.", "https://www.reuters.example/a", "Reuters", []),  # the agency's own site
    ("© 2016 The Associated Press. All rights reserved.", "https://www.apnews.example/a", "Apnews", []),
    ("© Copyright 2016 by The Associated Press. All Rights Reserved.", "https://www.wkvl.example/story/1", "Wkvl",
     ["AP"]),  # marks and "by" before the holder
    ("Copyright 2016 UNI Global Union. All rights reserved.", "https://www.uniglobalunion.example/a",
     "UNI Global Union", []),  # not the agency UNI
])
def test_a_copyright_line_names_the_site_only_when_it_can_be_the_sites_name(line, url, outlet, wire):
    raw = f"Water law passes\n\n{BODY}\n\n{BODY}\n\n{line}"
    art = describe(clean(Article(id="x", source="x.txt", raw=raw, url=url)), SETTINGS)
    assert (art.outlet, art.outlet_domain.split(".")[0], art.wire) == (outlet, url.split(".")[1], wire)


@pytest.mark.parametrize("heading,title", [
    ("Editor&rsquo;s letter: the dam&#8217;s gates open&#8230;", "Editor’s letter: the dam’s gates open…"),  # as shown
    ("Editor&rsquo;s letter:<br>the dam&#8217;s gates open", "Editor’s letter: the dam’s gates open"),  # a break: a space
    ("Ten years of waiting end at the dam", "Editor's letter: the dam's gates open..."),  # other words: the metadata's
    ("Editor's letter: dam's gates open...", "Editor's letter: dam's gates open..."),  # "the" is a word: not a
    # respelling, but the page's one heading words the headline otherwise, and is the title
])
def test_the_title_is_spelled_as_the_pages_heading_shows_it(heading, title):
    html = ("<html><head><title>Editor's letter: the dam's gates open... | The Hill Gazette</title><meta property="
            "\"og:title\" content=\"Editor's letter: the dam's gates open...\"></head><body><article>"
            f"<h1>{heading}</h1><p>{BODY}</p><p>{BODY.replace('water', 'energy')}</p></article></body></html>")
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html")), SETTINGS)
    assert art.title == title


@pytest.mark.parametrize("picked,title", [
    ("Hauptmenü", "Dam gates open after ten years"),  # a section label picked from the page: the page's own title
    ("Dam gates open", "Dam gates open"),  # the page's title contains it
    ("Dam gates open after ten years of waiting", "Dam gates open after ten years of waiting"),  # a headline
])
def test_a_section_label_is_no_title(picked, title):
    from storyline.metadata import _headed
    from storyline.reading import html_tree

    html = ('<html><head><meta property="og:title" content="Dam gates open after ten years"><title>Dam gates open after '
            f'ten years | The Hill Gazette</title></head><body><h2>Hauptmenü</h2><p>{BODY}</p></body></html>')
    assert _headed(lambda: html_tree(html), picked) == title


@pytest.mark.parametrize("credit,byline", [
    ('<p><a href="/autor/mira-okafor">Mira Okafor</a></p>', "Mira Okafor"),
    ('<p><a href="/author/mira/">All posts</a> by <a href="/author/mira/" rel="author">Mira Okafor</a></p>',
     "Mira Okafor"),  # a link that names no person is passed over
    ('<p>A review of <a href="https://books.example/author/show/77">Sally Rooney</a>\'s novel</p>', None),  # another site
    ('<p><a href="http://[oops/author/jane">Jane Doe</a> and <a href="/author/mira/">Mira<br>Okafor</a></p>',
     "Mira Okafor"),  # an address that does not parse is no link; a break is a space
])
def test_the_author_a_page_links_to(credit, byline):
    """No byline line and no author metadata: the page's link to its author's page names the author, in the article
    before the page around it (a header's staff link, a sidebar crediting other articles' authors)."""
    html = ('<html><head><title>Dam opens</title></head><body><header><a href="/author/raj/">Raj Patel</a></header>'
            f"<article><h1>Dam opens</h1>{credit}<p>{BODY}</p><p>{BODY.replace('water', 'energy')}</p></article>"
            '<aside><p>Also read: <a href="/author/raj/">Raj Patel</a> on the old bridge</p></aside></body></html>')
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html", url="https://dunmore.example/a")),
                   SETTINGS)
    assert art.byline == (byline or "Raj Patel")  # with no author in the article, the page's first


@pytest.mark.parametrize("credit, title, byline", [
    ('<div class="x9"><span>By</span> <a href="https://people.example/mira">Mira Okafor</a></div>', "Dam opens",
     "Mira Okafor"),  # no author markup, and a link to another site: the line beside the headline credits her
    ('<div class="meta">Posted on May 4, 2020 by Mira Okafor</div>', "Dam opens", "Mira Okafor"),
    ('<div class="meta">by mira on May 4, 2020</div>', "Dam opens", "mira"),
    ('<p>von Mira Okafor</p><p>09.03.2022</p>', "Dam opens at last | Dunmore Post", "Mira Okafor"),  # beside the h1
    ('<p>Photos by the river</p>', "Dam opens", None),  # names no one; the related story's "By Raj Patel" is far
])
def test_a_credit_beside_the_headline(credit, title, byline):
    """A credit line next to the headline that the extraction left out names the author; a "By" further down the
    page (a related story) does not."""
    html = (f'<html><head><title>{title}</title></head><body><header><nav><a href="/">Home</a></nav></header>'
            f'<div class="top"><h1>Dam opens</h1>{credit}<div class="share">Share</div></div>'
            f"<article><p>{BODY}</p><p>{BODY.replace('water', 'energy')}</p></article>"
            '<div class="related"><h3>More news</h3><p>Bridge closes</p><p>By Raj Patel</p></div></body></html>')
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html", url="https://dunmore.example/a")),
                   SETTINGS)
    assert art.byline == byline


@pytest.mark.parametrize("credit, byline", [
    ('<div class="node__author"><span class="user__name"><a href="https://people.example/m">Mira Okafor</a></span></div>',
     "Mira Okafor"),
    ('<span class="byline-author">Posted by Mira Okafor and Raj Patel</span>', "Mira Okafor, Raj Patel"),
    ('<time class="post-author-date">Thursday, 4 November 2021</time>', "Dunmore Post"),  # a date is no author
])
def test_an_element_marked_as_the_byline_names_the_author_the_site_does_not(credit, byline):
    """The page's metadata names the site itself as the author: that is a newsroom credit, and an element the page
    marks as its byline or author names the person; a commenter's name card does not."""
    html = ('<html><head><title>Dam opens</title><meta name="author" content="Dunmore Post"></head><body>'
            f"<article><h1>Dam opens</h1><div class='meta'>{credit}</div><p>{BODY}</p>"
            f"<p>{BODY.replace('water', 'energy')}</p></article><div class='comments'><div class='comment'>"
            '<span class="comment-author">Tim Troll</span><p>First!</p></div></div></body></html>')
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html",
                                 url="https://www.dunmorepost.example/a")), SETTINGS)
    assert art.byline == byline


@pytest.mark.parametrize("heading, title", [
    ("<h1>The new dam opens at last</h1>", "The new dam opens at last"),  # the page's headline, reworded for search
    ("<h1>Dunmore: Dam opens at last in the valley</h1>", "Dam opens at last in the valley"),  # a kicker added
    ("<h1>The new dam opens at last</h1><h1>Comments</h1>", "Dam opens at last in the valley"),  # no one headline
])
def test_the_pages_one_heading_is_the_headline_when_it_words_the_title_otherwise(heading, title):
    html = ('<html><head><title>Dam opens at last in the valley</title>'
            '<meta property="og:title" content="Dam opens at last in the valley"></head><body>'
            f"<article>{heading}<p>{BODY}</p><p>{BODY.replace('water', 'energy')}</p></article></body></html>")
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html", url="https://dunmore.example/a")),
                   SETTINGS)
    assert art.title == title


def test_hints_win_and_a_hint_date_is_stated():
    arts = {a.id: describe(clean(a), SETTINGS) for a in read_paths([str(FIXTURES / "url_article.jsonl")], SETTINGS)}
    u2 = arts["u2"]
    assert (u2.title, u2.outlet, u2.published, u2.published_how) == ("Given title", "The Example Times", "2020-05-06",
                                                                     "stated")
    assert u2.outlet_domain == "example.org"
    assert arts["u3"].title == "Tram line opens"


@pytest.mark.parametrize("given, title", [
    ("Dam opens - KVLT News 12 Dunmore, Velmora News Weather & Sports", "Dam opens"),  # the outlet's name, as the site gives it
    ("Dam opens | kvlt.example", "Dam opens"),  # a domain
    ("Dam opens - Dunmore, Velmora", "Dam opens - Dunmore, Velmora"),  # a place, not the site: kept
    ("KVLT", "KVLT"),  # the headline itself is never dropped
])
def test_a_given_title_loses_the_sites_name(given, title):
    line = Article(id="t", source="t.jsonl", raw="", format="text", url="https://www.kvlt.example/news/dam",
                   text=f"{BODY}\n\n{BODY}", hints={"title": given})
    assert describe(line, SETTINGS).title == title


def test_html_page_metadata_comes_from_the_page():
    html = ('<html><head><title>Dam opens - The Hill Gazette</title><meta property="og:site_name" '
            'content="The Hill Gazette"><meta property="article:published_time" content="2022-03-14T08:00:00Z">'
            '<meta name="author" content="Mira Okafor"><link rel="canonical" href="https://hillgazette.example/dam">'
            f'</head><body><article><h1>Dam opens</h1><p>{BODY}</p><p>{BODY.replace("water", "energy")}</p>'
            '</article></body></html>')
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html")), SETTINGS)
    assert (art.title, art.outlet, art.outlet_domain) == ("Dam opens", "The Hill Gazette", "hillgazette.example")
    assert (art.published, art.published_how, art.byline) == ("2022-03-14", "html-meta", "Mira Okafor")
    assert art.url == "https://hillgazette.example/dam"  # the canonical address, given no other


@pytest.mark.parametrize("footer,expected", [
    ("<p>© 2019 The Hill Gazette</p>", (None, "unknown")),  # a copyright year is no day: htmldate gives it as Jan 1
    ("<p>Archive: March 2021</p>", (None, "unknown")),  # a month alone is no day either
    ('<p class="date">01.02.2022</p>', ("2022-02-01", "html-meta")),  # a first of the month the page states
])
def test_html_page_date_is_a_day_the_page_states(footer, expected):
    html = (f"<html><head><title>Dam opens</title></head><body><article><h1>Dam opens</h1><p>{BODY}</p>"
            f'<p>{BODY.replace("water", "energy")}</p></article><footer>{footer}</footer></body></html>')
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html")), SETTINGS)
    assert (art.published, art.published_how) == expected


@pytest.mark.parametrize("stated", ["2022/02/01", "1. Februar 2022", "20220201", "01/02/2022"])
def test_html_page_date_on_the_first_in_a_form_htmldate_reads(stated):
    # htmldate's extensive search alone finds these: a first of the month the page states, not a month alone
    html = (f"<html><head><title>Dam opens</title></head><body><article><h1>Dam opens</h1><p>Kelby, {stated}. {BODY}</p>"
            f'<p>{BODY.replace("water", "energy")}</p></article></body></html>')
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html")), SETTINGS)
    assert (art.published, art.published_how) == ("2022-02-01", "html-meta")


def test_title_and_outlet_hold_no_control_characters():
    art = from_text(f"{BODY}\n", hints={"title": "Dam\x00 opens\x07", "outlet": "Hill\x00Gazette\n"})
    assert (art.title, art.outlet) == ("Dam opens", "Hill Gazette")


def test_outlet_from_source_line_logo_and_navigation():
    assert from_text(f"Water law passes\n\n{BODY}\n\nSource: www.ntv.de").outlet == "n-tv"
    art = from_text(f"DAWN.COM Logo\n\nWater law passes\n\n{BODY}")
    assert (art.outlet, art.outlet_domain) == ("Dawn", "dawn.com")
    art = from_text(f"1. Skip to content\n2. Skip to more DW sites\n\nWater law passes\n\n{BODY}")
    assert (art.outlet, art.outlet_domain) == ("DW", "dw.com")


def test_a_newspaper_a_credit_names_after_its_author_is_the_outlet():
    alone = from_text(f"Water law passes\nBy Emily Post\n\n{BODY}")  # a person whose surname is a newspaper word
    assert (alone.outlet, alone.byline) == (None, "Emily Post")
    credit = from_text(f"Water law passes\nBy Ilse Varn, Nordmark Daily\n\n{BODY}")
    assert (credit.outlet, credit.byline) == ("Nordmark Daily", "Ilse Varn")
    staff = from_text(f"Water law passes\nBy Ilse Varn, Staff Writer\n\n{BODY}")
    assert (staff.outlet, staff.byline) == (None, "Ilse Varn")


def test_unknown_outlet_stays_empty():
    art = from_text(f"Water law passes\n\n{BODY}")
    assert (art.outlet, art.outlet_domain, art.byline) == (None, None, None)


def test_outlet_names_from_domains():
    assert outlet_for_domain("reuters.com") == "Reuters"
    assert outlet_for_domain("valley-post.example") == "Valley Post"


@pytest.mark.parametrize("text,iso", [
    ("November 8, 2022", "2022-11-08"),
    ("21 October 2014 Last updated at 09: 41 GMT", "2014-10-21"),
    ("Posted: Feb 9, 2006 7: 45 AM ET", "2006-02-09"),
    ("Article posted on 11. 05. 2012", "2012-05-11"),
    ("Updated 5 / 9 / 2008 2: 37 PM ET", "2008-05-09"),
    ("Release: 04 / 07 / 2015", None),  # day and month could be either way round
    ("on Dec. 27", None),
    ("February 30, 2020", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("url,iso", [
    ("https://news.example/2013/05/03/story-name/", "2013-05-03"),
    ("https://www.example.com/world/2013/may/03/story", "2013-05-03"),
    ("https://example.com/article/20130308/sports/1", "2013-03-08"),
    ("https://example.com/news/story-2021-04-06-vote", "2021-04-06"),
    ("https://example.com/news/story/123456", None),
    (None, None),
])
def test_url_date(url, iso):
    assert url_date(url) == iso


def test_language_is_detected_among_the_configured_languages():
    assert detect(BODY, ["en", "de"]) == "en"
    assert detect("Das Parlament hat am Donnerstag das neue Wassergesetz beschlossen, sagte der Sprecher.",
                  ["en", "de", "fr"]) == "de"
    assert detect("Le parlement a adopté jeudi la nouvelle loi sur l'eau, a déclaré le président.",
                  ["en", "de", "fr"]) == "fr"
    assert detect("", ["en", "de"]) is None


# ---------------------------------------------------------------- outlets named by page furniture

@pytest.mark.parametrize("name,outlet,domain", [
    ("masthead_page.txt", "Pinewood Courier", None),  # an all-caps masthead; no domain is made up from a name
    ("edition_page.txt", "The Quarry Gazette", None),  # "| English Edition" is not part of the name
    ("logo_word_page.txt", "Ridge Ledger", None),  # the run-together logo, spelled as the newsletter line spells it
    ("domain_spelling.txt", "Lakeshore Pilot", "lakeshorepilot.net"),  # a domain logo, spelled by the page
    ("author_meta.html", "Fenmoor Daily", "fenmoordaily.example"),  # og:site_name and og:url
    ("source_in_html.html", "Saltmarsh Radio", "saltmarshradio.example"),  # a Source line outside the article
])
def test_outlet_from_page_furniture(name, outlet, domain):
    art = described(name)
    assert (art.outlet, art.outlet_domain) == (outlet, domain)


def test_titles_below_mastheads_and_section_bars():
    assert described("masthead_page.txt").title == "Valley towns agree to share one fire station"
    assert described("edition_page.txt").title == "Harbour crane collapses in overnight storm, no one hurt"
    assert described("logo_word_page.txt").title == "Night trains return to the mountain line"


def test_outlet_from_a_copyright_line():
    art = from_text(f"Council passes budget\n\n{BODY}\n\n© 2024 The Heathfield Echo. All rights reserved.")
    assert (art.outlet, art.outlet_domain) == ("The Heathfield Echo", None)


def test_domain_name_spelled_as_the_page_writes_it():
    art = from_text(f"Council passes budget\n\n{BODY}\n\nSource: www.moorlandvoice.example\n"
                    "Download the Moorland Voice app")
    assert (art.outlet, art.outlet_domain) == ("Moorland Voice", "moorlandvoice.example")
    art = from_text(f"Council passes budget\n\n{BODY}\n\nSource: www.moorlandvoice.example")
    assert art.outlet == "Moorlandvoice"  # nothing on the page spells it: made from the domain


@pytest.mark.parametrize("key,texts,best", [
    ("harbourpost", ["HARBOUR POST", "Read the Harbour Post every day"], "Harbour Post"),
    ("harbourpost", ["HarbourPost"], "HarbourPost"),
    ("harbourpost", ["The Harbour Post. All rights reserved."], "The Harbour Post"),
    ("harbourpost", ["The harbour post was empty."], None),  # lower case: words, not a name
])
def test_best_spelling(key, texts, best):
    assert best_spelling(key, texts) == best


def test_byline_loses_the_separators_after_the_name():
    assert described("author_meta.html").byline == "Tamsin Roe"
    assert from_text(f"Council passes budget\nBy Jonas Pell · Updated 10:02\n\n{BODY}").byline == "Jonas Pell"


# ---------------------------------------------------------------- real pages (issue 15)

def test_an_update_expiry_or_embedded_post_is_no_publication_date():
    art = described("updated_page.html")
    assert (art.published, art.published_how) == ("2021-05-03", "html-meta")  # not 10.05 (update), not April 2 (tweet)


@pytest.mark.parametrize("line, iso", [
    ("Aktualisiert am 10.05.2021", None),
    ("Update vom 3. April 2019", None),
    ("Video verfügbar bis 28.02.2021", None),
    ("— Lena Holm (@lenaholm) April 2, 2021", None),
    ("12.03.2020 | Sitzung | Protokoll |", None),
    ("Published 3 May 2020, updated 5 May 2020", "2020-05-03"),
    ("Veröffentlicht am 16.08.2019", "2019-08-16"),
])
def test_publication_date_of_a_header_line(line, iso):
    assert publication_date(line) == iso


def test_a_forum_timestamp_is_no_year():
    assert parse_date("m.19.10.1912:48") is None


def test_stated_date_later_than_the_page_metadata_is_an_update():
    assert _choose("2020-10-14", "2019-10-16") == ("2019-10-16", "html-meta")
    assert _choose("2019-08-16", "2019-08-24") == ("2019-08-16", "stated")  # metadata often gives the last change
    assert _choose("2023-11-01", "2023-01-11") == ("2023-11-01", "stated")  # the metadata swapped day and month
    assert _choose(None, "2023-01-11") == ("2023-01-11", "html-meta")


def test_all_authors_people_only_in_order():
    art = described("updated_page.html")
    assert art.authors == ["Jana Berg", "Tomas Lind"]  # the publisher GmbH is no author
    assert art.byline == "Jana Berg, Tomas Lind"


@pytest.mark.parametrize("credit, names", [
    ("By Jane Doe and Raj Patel, Reuters", ["Jane Doe", "Raj Patel"]),
    ("Von Roland Brock und Sebastian Dreher", ["Roland Brock", "Sebastian Dreher"]),
    ("Zeige alle Beiträge von Petra Rul", ["Petra Rul"]),
    ("Mehr von Petra Rul", ["Petra Rul"]),  # an author link's "more from"
    ("More from Petra Rul", ["Petra Rul"]),
    ("Grant Tinsel; PhD", ["Grant Tinsel"]),
    ("Frankfurter Beispiel Zeitung GmbH", []),
    ("Jobs; Hire", []),
    ("Text", []),
    ("Jonas Pell · Updated 10:02", ["Jonas Pell"]),
    ("Posted by Jonas Pell", ["Jonas Pell"]),
    ("By Kari Nordmann in Oslo", ["Kari Nordmann"]),  # where she filed from is no part of her name
    ("Kari Nordmann in Oslo and Per Hansen reporting from Bergen", ["Kari Nordmann", "Per Hansen"]),
    ("By Ana Ruiz in New York City", ["Ana Ruiz"]),
    ("By Dinh In", ["Dinh In"]),
])
def test_authors_in_a_credit(credit, names):
    assert authors_in(credit) == names


def test_a_newsroom_credit_is_the_byline_only_without_a_person():
    body = f"{BODY}\n\nThe law takes effect in June."
    assert from_text(f"Water law passes\nBy Staff Writer\n\n{body}").byline == "Staff Writer"
    assert from_text(f"Water law passes\nBy Jobs\n\n{body}").byline is None


def test_a_byline_opening_the_text_names_the_author_and_the_credits_name_no_one_in_the_story():
    """A JSONL text that opens "By Jane Doe. ..." and closes with a wire's credits: the writer is the byline, and
    neither the writer nor the reporter and editor credited is a person the story names, as on lines of their own."""
    from storyline.enrichment import annotate
    from storyline.enrichment.nlp import SpacyNLP
    from storyline.events.attributes import describe_event

    text = ("By Marta Kovalenko. Harbour master Olaf Brenn closed the Kelport pier on Friday after a storm tore away "
            "two of its moorings, the port authority said. Brenn said repairs would take a month. "
            "(Reporting by Ilse Varn in Kelport; Editing by Tomas Rudd)")
    art = from_text(text)
    assert art.byline == "Marta Kovalenko"
    assert art.text == text[len("By Marta Kovalenko. "): text.index(" (Reporting")]
    annotate(art, SpacyNLP().parse([art.text])[0])
    people = {m.name for m in art.mentions if m.label == "PERSON"}
    assert "Olaf Brenn" in people and not people & {"Marta Kovalenko", "Ilse Varn", "Tomas Rudd"}
    art.event_id = "e-x"
    assert "Olaf Brenn" in describe_event("e-x", [art]).participants
    role = from_text(f"By Baltic correspondent Marta Kovalenko. {BODY}")
    assert role.byline == "Marta Kovalenko"


def test_a_credit_names_an_author_whose_name_opens_with_a_capital_of_any_alphabet():
    assert from_text(f"By Nordic correspondent Ólafur Ragnarsson. {BODY}").byline == "Ólafur Ragnarsson"
    assert from_text(f"Published February 19, 2024 by Ólafur Ragnarsson\n{BODY}").authors == ["Ólafur Ragnarsson"]


@pytest.mark.parametrize("title, site, clean_title", [
    ("Neue Fähre für den Inselverkehr | Nordkap Kurier", {"nordkapkurier"}, "Neue Fähre für den Inselverkehr"),
    ("Rasende Polizisten - strafprozess.ch", set(), "Rasende Polizisten"),
    ("Diario HOY | Darán bendición a vehículos", {"diariohoy"}, "Darán bendición a vehículos"),
    ("Penny - Stardew Valley Wiki", {"stardewvalleywiki"}, "Penny"),
    ("Krieg und Frieden - eine Bilanz", {"nordkapkurier"}, "Krieg und Frieden - eine Bilanz"),
    ("Nordkap Kurier", {"nordkapkurier"}, "Nordkap Kurier"),  # nothing but the site: kept
    # a headline naming the site's own name keeps it, and its section (it gave "Politics", "Pakistan")
    ("NKR chair resigns over loan row - Politics", {"nkr", "nkrcouk"}, "NKR chair resigns over loan row - Politics"),
    ("Kurier raids on opposition offices - Nordland", {"kurier"}, "Kurier raids on opposition offices - Nordland"),
    ("Why kurier.example matters | Opinion", {"kurier"}, "Why kurier.example matters | Opinion"),
    ("Harbour reopens - NKR News", {"nkr"}, "Harbour reopens"),
    ("NKR chair quits - Politics", {"nkr"}, "NKR chair quits - Politics"),  # short, and still the headline
    ("kurier.example | Harbour reopens", {"kurier"}, "Harbour reopens"),
])
def test_title_without_the_site_name(title, site, clean_title):
    assert without_site(title, site) == clean_title


def test_html_title_loses_the_site_suffix():
    assert described("updated_page.html").title == "Neue Fähre für den Inselverkehr"


POLISH = ("Rada miasta przyjęła w czwartek nowy budżet na przyszły rok po długiej debacie, poinformowała "
          "przewodnicząca. Radni opozycji zapowiedzieli, że w przyszłym roku nadal będą walczyć o niższe opłaty "
          "za wywóz śmieci i bilety komunikacji miejskiej.")


def test_a_language_outside_the_configured_ones_is_other_with_the_guess():
    assert detect(POLISH, ["en", "de", "pt", "es"]) == "other:pl"
    assert detect(POLISH, ["en", "de", "pl"]) == "pl"
    assert detect(POLISH[:120], ["en", "de", "pt", "es"]) != "other:pl"  # too short to say it is none of them
    english = f"{BODY} The law takes effect in June and sets new limits for farms along the river, officials said."
    assert detect(english * 2, ["en", "de", "fr"]) == "en"


def test_a_short_text_in_an_alphabet_none_of_the_configured_languages_use_is_other():
    """A Japanese headline or a two-line Russian brief among en and de had no language at all: too short to be
    judged other, and in none of the configured languages' letters. The alphabet says enough."""
    assert detect("東京都は月曜日、新しい防災計画を発表した。", ["en", "de"]) == "other:ja"
    assert detect("Совет утвердил бюджет в понедельник.", ["en", "de"]) == "other:ru"
    assert detect("Совет утвердил бюджет в понедельник.", ["en", "ru"]) == "ru"
    assert detect("Der Rat hat am Montag den Haushalt beschlossen.", ["en", "de"]) == "de"
    assert detect("12 345", ["en", "de"]) is None  # no letters: nothing to tell


def test_a_commenters_name_card_is_not_the_authors_credit():
    """A page's metadata can take a commenter's card ("Rolf Brand says:") for its author: a name the page
    shows only in its comments is dropped, and the page's link to its author names her."""
    from storyline.metadata import _not_a_commenter
    from storyline.reading import page_tree

    art = Article(id="c", source="commenter_card.html", format="html",
                  raw=(FIXTURES / "commenter_card.html").read_text(encoding="utf-8"))
    tree = lambda: page_tree(art)  # noqa: E731
    assert _not_a_commenter(tree, "Rolf Brand says") is None
    assert _not_a_commenter(tree, "Mara Lind") is None
    assert _not_a_commenter(tree, "Jane Doe") == "Jane Doe"  # shown in the article's credit
    assert _not_a_commenter(tree, "JANE  doe") == "JANE  doe"  # whatever the case and spacing
    assert _not_a_commenter(tree, "Rolf O'Brand") == "Rolf O'Brand"  # an apostrophe is a name's, not XPath's
    assert _not_a_commenter(tree, "Ines Kahl") == "Ines Kahl"  # in the metadata only: nothing says otherwise
    assert described("commenter_card.html").byline == "Jane Doe"


def test_a_date_only_the_address_holds_was_found_in_the_url():
    html = f"<html><head><title>Dam opens</title></head><body><article><h1>Dam opens</h1><p>{BODY}</p></article></body></html>"
    art = describe(clean(Article(id="u", source="u.html", raw=html, format="html",
                                 url="https://hillgazette.example/2023/06/14/dam-opens")), SETTINGS)  # fmt: skip
    assert (art.published, art.published_how) == ("2023-06-14", "url")


@pytest.mark.parametrize("sitename", ["Associated Press", "https://www.facebook.com/hillgazette/", "@hillgazette", "Hill_Gazette"])
def test_a_site_name_that_names_no_outlet_gives_way_to_the_domain(sitename):
    html = (f'<html><head><title>Dam opens</title><meta property="og:site_name" content="{sitename}">'
            f'<link rel="canonical" href="https://hillgazette.example/dam"></head><body><article><h1>Dam opens</h1>'
            f"<p>{BODY}</p></article></body></html>")  # fmt: skip
    art = describe(clean(Article(id="h", source="h.html", raw=html, format="html")), SETTINGS)
    assert art.outlet == "Hillgazette" and art.outlet_domain == "hillgazette.example"


def test_a_wire_credit_closing_the_last_paragraph_is_a_wire():
    art = from_text(f"Water law passes\n\n{BODY} The opposition said it would appeal. (Reuters)")
    assert art.wire == ["Reuters"]
    cited = from_text(f"Water law passes\n\n{BODY} The figures were first reported by Reuters.")
    assert cited.wire == []


def test_a_date_the_page_states_in_its_metadata_is_believed_before_1995():
    """htmldate's lower bound (1995) lost an archive's 1987 page date; the page states it, so it is believed."""
    html = ('<html><head><title>Markets fall sharply</title><meta property="article:published_time" '
            'content="1987-10-20T09:00:00Z"></head><body><article><h1>Markets fall sharply</h1><p>' + BODY + '</p>'
            '<p>Traders said the fall was the largest in a single day for many years.</p></article></body></html>')  # fmt: skip
    art = describe(clean(Article(id="m", source="m.html", raw=html, format="html")), SETTINGS)
    assert (art.published, art.published_how) == ("1987-10-20", "html-meta")


def test_a_part_of_the_title_is_no_site_name_unless_the_domain_can_abbreviate_it():
    """trafilatura cut "Who owns Kelport.com now? | Analysis" into a site and a title; the site then named, and
    renamed, the whole outlet."""
    page = ("<html><head><title>{}</title></head><body><article><p>" + BODY + "</p><p>More on Monday.</p></article>"
            "</body></html>")  # fmt: skip
    url = "https://www.nordmarkdaily.com/news/2024/03/05/water-law"
    art = describe(clean(Article(id="m", source="m.html", raw=page.format("Who owns Kelport.com now? | Analysis"),
                                 format="html", url=url)), SETTINGS)  # fmt: skip
    assert art.outlet_domain == "nordmarkdaily.com" and "Kelport" not in (art.outlet or "")
    declared = page.format("Harbour reopens | Märkische Allgemeine").replace(
        "</head>", '<meta property="og:site_name" content="Märkische Allgemeine"></head>')  # fmt: skip
    art = describe(clean(Article(id="d", source="d.html", raw=declared, format="html",
                                 url="https://www.maz-online.example/lokal/2024/03/05/x")), SETTINGS)  # fmt: skip
    assert art.outlet == "Märkische Allgemeine"  # a name the page declares is believed, whatever its letters


def test_a_date_line_of_dotted_numbers_is_the_date_not_a_share_counter():
    """"05.03.2024" on a line of its own was removed as a share counter, and the date with it."""
    art = from_text(f"Water law passes\n\n05.03.2024\n\n{BODY}\n")
    assert (art.published, art.published_how) == ("2024-03-05", "stated")
    assert [r.reason for r in art.removed if r.text == "05.03.2024"] == ["dateline-header"]


def test_a_credit_special_to_a_paper_names_the_paper():
    from storyline.bylines import outlets_in

    assert outlets_in("By Jean-Luc Moreau, Special to the Nordmark Daily") == ["Nordmark Daily"]
    assert outlets_in("By Ilse Varn, Nordmark Daily") == ["Nordmark Daily"]


def test_a_wire_credited_beside_the_author_with_and_is_a_wire():
    assert from_text(f"By Ana Ruiz and Associated Press\n\n{BODY}").wire == ["AP"]
    assert from_text(f"By Ana Ruiz and Tom Lee\n\n{BODY}").wire == []


@pytest.mark.parametrize("credit, byline", [
    ("Par Claire Dubois", "Claire Dubois"), ("Von Klaus Meyer", "Klaus Meyer"), ("Por María López", "María López"),
    ("Door Anne de Vries", "Anne de Vries"), ("Von Trapp heirs sell villa", None),
])
def test_a_credit_line_in_another_language_is_the_byline_not_the_title(credit, byline):
    """A text file opening "Par Claire Dubois" took that line for its title, and had no byline."""
    headline = "Council votes new tram line to the harbour"
    raw = f"{credit}\n\n{headline}\n\n{BODY}\n"
    a = describe(clean(Article(id="c", source="c.txt", raw=raw)), SETTINGS)
    assert (a.title, a.byline) == ((headline, byline) if byline else (credit, None))


def test_of_a_titles_parts_the_last_names_the_outlet():
    """With no address to check it against, the site name trafilatura cut from "Headline | Section | Outlet - tagline"
    was all of "Headline | Section | Outlet"."""
    from storyline.metadata import _site_name

    page = {"title": "Dam gates open in the valley", "sitename": "Dam gates open | Local News | The Hill Gazette",
            "undeclared_title": "Dam gates open | Local News | The Hill Gazette - Serving the valley since 1887"}
    assert _site_name(page, None) == "The Hill Gazette"


def test_surnames_that_begin_like_a_lifes_words_keep_their_date():
    """"born" and "died" marked a date as a life's, and matched the start of "Borne" and "Diedrich" too."""
    assert publication_date("Posted by Tom Borne, March 14, 2024") == "2024-03-14"
    assert publication_date("By Jane Diedrich | March 14, 2024") == "2024-03-14"


def test_an_outlet_named_before_its_tagline_stays_whole():
    from storyline.metadata import _site_name

    assert _site_name({"title": "Dam gates open", "sitename": "The Hill Gazette | News you can trust"}, None) == \
        "The Hill Gazette | News you can trust"  # two parts: which is the outlet, the title does not say


def test_a_dateline_after_a_paragraph_of_the_article_is_not_the_leads():
    art = from_text(f"Water law passes\n\n{BODY}\n\nOSLO, March 4, 2024 (Reuters) - {BODY}")
    assert art.published_how != "stated"
