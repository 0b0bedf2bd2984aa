"""Cleaning: the clutter of pasted pages goes, with its reason; every sentence of the article stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.cleaning import clean, clean_text
from storyline.errors import EmptyInput
from storyline.line_rules import line_reason
from storyline.models import Article
from storyline.page_text import html_text

FIXTURES = Path(__file__).parent / "fixtures" / "reading"
LEAD = "The city council approved the new budget on Tuesday after a long debate, its chairwoman said."
LAST = "Opposition members said they would keep pressing for lower fees next year."


def cleaned(name: str) -> Article:
    path = FIXTURES / name
    return clean(Article(id=path.stem, source=str(path), raw=path.read_text(encoding="utf-8")))


def cleaned_html(name: str) -> Article:
    path = FIXTURES / name
    return clean(Article(id=path.stem, source=str(path), raw=path.read_text(encoding="utf-8"), format="html"))


def reasons(removed) -> dict[str, str]:
    """Removed text -> reason of its first occurrence."""
    out: dict[str, str] = {}
    for r in removed:
        out.setdefault(r.text, r.reason)
    return out


def around(*clutter: str) -> str:
    """An article of two paragraphs with the given clutter lines between them."""
    return "\n\n".join(["Council passes budget", LEAD, *clutter, LAST])


def test_pasted_page_keeps_every_article_sentence():
    art = cleaned("pasted_page.txt")
    for sentence in [
        "Ferry crews on the lake ended their two-week strike on Monday after the operator agreed to raise wages by 6%, "
        "the union said.",
        "The union said crews would return to work on Tuesday morning and that the full timetable would run again by "
        "the weekend.",
        "Hotel owners had warned that a longer stoppage would cost them bookings just before the Easter holidays.",
        '"Nobody wanted this to drag on," a union spokeswoman said, adding that talks on working hours would continue '
        "in May.",
    ]:
        assert sentence in art.text


def test_pasted_page_drops_each_kind_of_clutter_with_its_reason():
    art = cleaned("pasted_page.txt")
    why = reasons(art.removed)
    expected = {
        "1. Skip to content": "navigation",
        "Home >World >Europe >": "navigation",
        "date 2024-02-19": "dateline-header",
        "NORTHWINDHERALD.EXAMPLE Logo": "logo",
        "Lake ferry strike ends after two weeks": "title",
        "Published February 19, 2024 Updated February 19, 2024 06:40pm": "dateline-header",
        "By Ilse Marquardt": "byline",
        "Passengers queue at the ferry pier in Lindau on Monday. — AFP": "caption",
        "12": "share-counter",
        "How the strike unfolded": "video-placeholder",
        "02:15": "video-placeholder",
        "This browser does not support the video element.": "video-placeholder",
        "Subscribe": "subscription",
        "Read also:": "read-also",
        "- City council backs new bike lanes": "read-also",
        "kb/jt (dpa, AFP)": "wire-signoff",
        "Source: www.northwindherald.example": "source",
    }
    assert {text: why.get(text) for text in expected} == expected
    for text in expected:
        assert text not in art.text
    assert any(r.reason == "site-summary" for r in art.removed)
    assert "Passengers queue" not in art.text  # the duplicated caption went too


def test_short_subheading_inside_the_article_is_kept():
    art = cleaned("pasted_page.txt")
    assert "Tourist season at risk" in art.text


@pytest.mark.parametrize("line,reason", [
    ("Skip to main navigation", "navigation"),
    ("Advertisement", "advertisement"),
    ("Sign up for our newsletter", "subscription"),
    ("Already a subscriber? Log in", "subscription"),
    ("Share this article", "share-counter"),
    ("1,204 Comments", "share-counter"),
    ("Your browser does not support the video element", "video-placeholder"),
    ("11:42", "video-placeholder"),
    ("Photo: Karla Winter", "credit"),
    ("Fishing boats in the harbour at dawn. (Photo by J. Lund/AFP via Getty Images)", "caption"),
    ("Rescue workers at the site. REUTERS/Anna Kovacs", "caption"),
    ("A farmer inspects his field.   © Kim Ortega", "caption"),
    ("(With inputs from PTI)", "wire-signoff"),
    ("— AFP", "wire-signoff"),
    ("ab/cd (Reuters, AP)", "wire-signoff"),
    ("Source: www.example-daily.de", "source"),
    ("Wednesday, 14 June 2023", "dateline-header"),
    ("Updated: June 14, 2023 10:05 IST", "dateline-header"),
    ("3 min read", "dateline-header"),
    ("By Henrik Solberg and Maya Lind", "byline"),
    ("Von Lena Hoff und Markus Brandt", "byline"),
    ("Par Jean Morel et Claire Dubois", "byline"),
    ("Por Lucía Ramírez y Andrés Castillo", "byline"),
    ("Veröffentlicht am 12. März 2024, 16:20 Uhr", "dateline-header"),
    ("Publié le 4 mars 2024 à 18h02, mis à jour le 5 mars 2024 à 07h15", "dateline-header"),
    ("Actualizado el 14 de mayo de 2024 a las 11:40", "dateline-header"),
    ("More Top Stories", "site-furniture"),
    # notices that name what an article may name too (see test_article_lines_are_not_clutter)
    ("We use cookies to improve your experience on our site.", "cookie-notice"),
    ("Read our cookie policy", "cookie-notice"),
    ("Cookie settings", "cookie-notice"),
    ("Firefighters at the scene on Monday. (Photo by Jan Roe/Getty Images)", "caption"),
    ("(Reporting by Jane Doe; Editing by Raj Patel)", "wire-signoff"),
    ("Reporting by the Associated Press", "wire-signoff"),
    ("Reporting by Åsa Larsson in Stockholm; Editing by Émilie Durand", "wire-signoff"),
    ("A firefighter at the scene on Monday. John Smith/Getty Images.", "caption"),
    ("Residents wait for aid in Antakya, according to local officials. REUTERS/Umit Bektas.", "caption"),
    ("By continuing to browse, you agree to the use of cookies according to our Cookie Policy.", "cookie-notice"),
    ("Privacy Policy | Cookie Policy", "cookie-notice"),
    ("Change cookie settings", "cookie-notice"),
    ("Close Get email notifications on Ann Roe daily!", "subscription"),
    ("Your notification has been saved.", "subscription"),
    ("There was a problem saving your notification.", "subscription"),
    ("Whenever Ann Roe posts new content, you'll get an email delivered to your inbox with a link.", "subscription"),
    ("Email notifications are only sent once a day, and only if there are new matching items.", "subscription"),
])
def test_one_line_clutter(line, reason):
    assert line_reason(line) == reason


@pytest.mark.parametrize("sentence", [
    "Whenever the river rises, residents get email alerts on their phones, the mayor said.",
    "Get alerts on your phone when the water rises, the council urged residents on Monday.",
    "Notifications are sent to every phone in the county when a tornado warning is issued.",
    "Email notifications are sent to parents when a school goes into lockdown.",
    "Whenever the sheriff posts new content on Facebook, thousands of residents share it.",
    "Get push alerts about severe weather in your area!",
    LEAD,
    "By the end of the year, the city expects to have spent most of the fund.",
    "Sign-ups for the new course rose sharply in May, the university said.",
    "On May 5, 2021, the council voted to close the old school.",
    "The union has 12,000 members.",
    "Velmora, Ostland mull joint rail project — Kessler",
    "Subscribers to the service will pay more from March, the company said.",
    "Supporters of independent journalism rallied outside the court on Monday, police said.",
    "The foundation will support independent journalism in the region with 2 million euros, it said.",
    "You have reached the limit of what the state can pay, the minister told the unions.",
    "You have read the stories of the families who lost their homes.",
    "Support local journalism and local businesses, the mayor urged residents.",
    # a sentence of the article that names what a notice names: cookies, a photo agency, an app, a sign-off's words
    "Investigators found that the shop loaded 40 trackers before visitors could refuse them, and that its cookie "
    "policy named none of them.",
    'Visitors who clicked "accept all cookies" had their browsing shared with 300 firms, the regulator said.',
    '"We use cookies to serve our customers better, and we have changed our banner," a spokesperson said.',
    "A judge refused to throw out the lawsuit Getty Images brought against the start-up over millions of pictures.",
    "Copyright holders have filed more than 30 lawsuits in two years, according to lawyers who track the cases.",
    "Download the Bins app to check your new collection day, a council spokesperson said.",
    "Log in details for the council's payment system will be reset on January 2, officials said.",
    "Reporting by this newspaper in March revealed claims for first-class travel.",
    "Editing by the trustees removed the claims from the published accounts, the inquiry heard.",
    "Ellwood died on March 3, 2024.",
    "Le Pen conceded on March 3, 2024.",  # a French word for "the" dates nothing but before a number
    "El Niño peaked on March 3, 2024.",
    "Shares in Getty Images rose 5 percent on Monday",
])
def test_article_lines_are_not_clutter(sentence):
    assert line_reason(sentence) is None


def test_a_sentence_ending_in_copyright_keeps_its_last_word():
    line = ("The court will decide next year whether training an image generator on millions of news photographs "
            "without paying for them counts as a breach of copyright.")
    text, removed = clean_text(f"Court to rule on image generators\n\n{LEAD}\n\n{line}\n")
    assert line in text and not [r for r in removed if r.reason == "copyright"]


def test_a_table_of_the_article_is_its_text():
    """Rows of short names read like a menu, rows of figures like a share counter; one after another, of one
    number of cells, they are the article's table."""
    rows = ["| Year | Average price | Sales |", "|---|---|---|", "| 2020 | 214,500 | 1,902 |",
            "| 2021 | 231,800 | 2,415 |", "| 2022 | 248,300 | 2,108 |"]
    names = ["| Candidate | Party | Ward |", "|---|---|---|", "| Mara Quist | Independent | North |",
             "| Tom Holm | Conservative | Hollow Green |", "| Ana Berg | Labour | North |"]
    for table in (rows, names):
        text, removed = clean_text("Prices fall for the first time\n\n" + LEAD + "\n\n" + "\n".join(table) + "\n")
        assert all(row in text for row in table), removed
    text, removed = clean_text(f"Prices fall\n\n{LEAD}\n\n| Home | News | Sport |\n")  # one row: a menu
    assert "| Home | News | Sport |" not in text


def test_read_also_list_goes_until_the_article_resumes():
    text, removed = clean_text(around("Read more:", "- Storm damages pier", "- Tram fares to rise"))
    assert LAST in text and "Storm damages pier" not in text and "Tram fares" not in text


def test_caption_with_alt_text_line_above_it_goes():
    text, removed = clean_text(around("Council members in the chamber\nMembers vote on the plan.Image: P. Holm/dpa"))
    assert "Council members in the chamber" not in text and "Members vote" not in text
    assert reasons(removed)["Council members in the chamber"] == "caption"


def test_closing_agency_credit_is_cut_off_but_the_sentence_stays():
    text, removed = clean_text(f"Council passes budget\n\n{LEAD}\n\n{LAST} — AFP\n")
    assert text.endswith(LAST) and reasons(removed)["— AFP"] == "wire-signoff"


def test_a_byline_opening_the_first_paragraph_goes_and_the_paragraph_stays():
    for credit in ("By Marta Kovalenko.", "By Baltic correspondent Marta Kovalenko.", "By Marta J. Kovalenko, Staff."):
        text, removed = clean_text(f"{credit} {LEAD}\n\n{LAST}")
        assert text == f"{LEAD}\n\n{LAST}" and reasons(removed)[credit] == "byline"
    alone = f"Council passes budget\n\nBy Marta Kovalenko.\n\n{LEAD}"  # on a line of its own, with its full stop
    assert clean_text(alone)[0] == LEAD
    for lead in ("By Tuesday, the council had voted to close the pier.", "By March the pier was closed to all boats."):
        assert clean_text(f"{lead} {LEAD}")[0] == f"{lead} {LEAD}"


def test_a_byline_is_told_in_any_alphabet():
    """Name words began with [A-Z]: 'By Émile Zola.' stayed in the article's first sentence."""
    for credit in ("By Émile Zola.", "By Łukasz Ørsted.", "By Nordic correspondent Ása Þórsdóttir.", "By Ёлка Жукова."):
        text, removed = clean_text(f"{credit} {LEAD}\n\n{LAST}")
        assert text == f"{LEAD}\n\n{LAST}" and reasons(removed)[credit] == "byline"
        assert line_reason(credit.rstrip(".")) == "byline"  # on a line of its own
    credits = "(Reporting by Ása Þórsdóttir in Ísafjörður; Editing by Émile Zola)"
    assert clean_text(f"{LEAD}\n\n{LAST} {credits}")[0] == f"{LEAD}\n\n{LAST}"
    for lead in ("By ørsted's rule the pier was closed.", "By émile's count the pier was closed."):  # small letters
        assert clean_text(f"{lead} {LEAD}")[0] == f"{lead} {LEAD}"


def test_wire_credits_closing_the_last_paragraph_go_and_the_sentence_stays():
    for credit in ("(Reporting by Ilse Varn in Kelport; Editing by Tomas Rudd)", "Reporting by Ilse Varn; Editing by Tomas Rudd",
                   "(Additional reporting by Ilse Varn and Jo Lim; Writing by Tomas Rudd; Editing by Kim Ode)"):
        text, removed = clean_text(f"{LEAD}\n\n{LAST} {credit}")
        assert text == f"{LEAD}\n\n{LAST}" and reasons(removed)[credit] == "wire-signoff"
    told = f"{LEAD} Editing by hand was banned in the yard."
    assert clean_text(told)[0] == told


def test_caption_date_stays_available_as_evidence():
    _, removed = clean_text(around("The mayor speaks in the town hall on March 3, 2022. — Reuters"))
    assert any("March 3, 2022" in r.text and r.reason == "caption" for r in removed)


def test_furniture_after_the_sign_off_goes_but_a_short_list_closing_the_article_stays():
    text, _ = clean_text(around("xy/zz (AFP)", "Most Popular", "Weather", "Sport"))
    assert text.endswith(LAST)
    text, _ = clean_text(around("Injured players:", "Jon Berg (knee)", "Ali Demir (ankle)"))
    assert "Jon Berg (knee)" in text and "Ali Demir (ankle)" in text


def test_bullets_inside_the_article_are_kept():
    bullets = ["• raise the minimum wage", "• cut train fares for students"]
    text, _ = clean_text("\n\n".join(["Council passes budget", LEAD, "The plan has two parts:", *bullets, LAST]))
    assert all(b in text for b in bullets)


def test_a_headline_alone_is_kept_as_the_text():
    text, removed = clean_text("Storm closes all ferries")
    assert text == "Storm closes all ferries" and not removed


def test_title_is_not_body_text_but_is_kept_aside():
    text, removed = clean_text(around())
    assert not text.startswith("Council passes budget")
    assert reasons(removed)["Council passes budget"] == "title"


def test_text_starting_with_a_sentence_has_no_title_line():
    text, removed = clean_text(f"{LEAD}\n{LAST}")
    assert text == f"{LEAD}\n{LAST}" and removed == []


def test_html_main_text_is_extracted_without_navigation_or_footer():
    html = (
        "<html><head><title>Tram line opens</title></head><body><nav><a href='/'>Home</a><a href='/n'>News</a></nav>"
        "<article><h1>Tram line opens</h1><p>The new tram line through the old town opened on Sunday, carrying "
        "more passengers than expected on its first day, the transport authority said.</p><p>Residents had waited "
        "nearly ten years for the line to be finished, and shops along the route hope for more customers.</p>"
        "</article><footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>"
    )
    art = clean(Article(id="t", source="t.html", raw=html, format="html"))
    assert "opened on Sunday" in art.text and "Residents had waited" in art.text
    assert "All rights reserved" not in art.text and not art.text.startswith("Tram line opens")
    assert reasons(art.removed).get("Tram line opens") == "title"


def test_an_html_fragment_keeps_its_text():
    """A fragment (a JSONL html field holding "<p>...</p>", a saved article body) has no page around it; trafilatura
    found no text in it, and the article was refused as all clutter."""
    body = ("The harbour board voted on Monday to raise berth fees by two percent, its chair said. "
            "Ship owners packed the hall.")  # fmt: skip
    for html in (f"<p>{body}</p>", f"<body><p>{body}</p></body>", f"<div><p>{body}</p></div>", body):
        art = clean(Article(id="f", source="f.html", raw=html, format="html"))
        assert "raise berth fees by two percent" in art.text and "packed the hall" in art.text, html


def test_html_page_blocks_left_out_are_removed_with_their_region_in_page_order():
    art = cleaned_html("regions_page.html")
    assert "first flights could land in May" in art.text and "Nils" not in art.text
    assert [(r.reason, r.text) for r in art.removed] == [
        ("page-header", "Harbour Gazette"),
        ("page-menu", "Home\nNews\nSport"),  # a run of one region is one piece, a line per block
        ("title", "Council votes to reopen the runway"),  # what the line rules removed, where the page has it
        ("share-counter", "Share this article"),
        ("page-sidebar", "Get the Quarry Ledger app for alerts\nFerry timetable changes for winter\nSchool roof repaired at last"),
        ("page", "Nils: About time too."),
        ("page-footer", "© 2026 Harbour Gazette. All rights reserved."),
        ("page-form", "Sign up for our newsletter"),
    ]


def test_every_shown_text_of_a_page_is_in_the_text_or_removed():
    from storyline.reading import html_tree

    art = cleaned_html("regions_page.html")
    shown = html_tree(art.raw).xpath("//body//text()[not(ancestor::script)]")
    kept = " ".join([art.text, *(r.text for r in art.removed)]).split()
    for piece in shown:
        for word in piece.split():
            assert word in kept, word


def test_a_menu_word_within_a_word_of_the_article_is_removed_as_the_menu():
    from storyline.page_clutter import page_blocks
    from storyline.reading import html_tree

    kept = "Floods destroyed dozens of homes; the newsroom and the sports club helped."
    html = f"<html><body><nav><ul><li>Home</li><li>News</li><li>Sport</li></ul></nav><p>{kept}</p></body></html>"
    assert page_blocks(html_tree(html), kept) == [
        ("Home", "page-menu"), ("News", "page-menu"), ("Sport", "page-menu"), (kept, None)]


def test_a_block_is_in_the_text_only_when_all_its_words_are_there_in_order():
    from storyline.page_clutter import page_blocks
    from storyline.reading import html_tree

    kept = "The council approved the new bridge budget on Tuesday after a long debate."
    blocks = ["council approved the new bridge budget", "The council approved the old bridge budget",
              "bridge", "Tuesday after", "budget council"]
    html = "<html><body><aside>" + "".join(f"<div>{b}</div>" for b in blocks) + f"</aside><p>{kept}</p></body></html>"
    assert page_blocks(html_tree(html), kept) == [
        ("council approved the new bridge budget", None), ("The council approved the old bridge budget", "page-sidebar"),
        ("bridge", None), ("Tuesday after", None), ("budget council", "page-sidebar"), (kept, None)]


def test_the_blocks_of_a_page_nested_past_pythons_recursion_limit_are_read():
    from storyline.page_clutter import page_blocks
    from storyline.reading import html_tree

    html = f"<html><body>{'<div>' * 1500}<p>{LEAD}</p>{'</div>' * 1500}<footer>Contact the desk</footer></body></html>"
    assert page_blocks(html_tree(html), LEAD) == [(LEAD, None), ("Contact the desk", "page-footer")]


def test_the_blocks_of_a_page_of_thousands_of_nested_inline_tags_are_read_in_linear_time():
    import time

    from storyline.page_clutter import page_blocks
    from storyline.reading import html_tree

    # unclosed <font> tags nest (old pages); each one holds the paragraph after it, so each opens a block
    html = f"<html><body><p>{LEAD}</p>{'<font size=2>word ' * 2000}<footer>Contact the desk</footer></body></html>"
    tree = html_tree(html)
    t0 = time.perf_counter()
    blocks = page_blocks(tree, LEAD)
    assert time.perf_counter() - t0 < 1.0  # 3.5 s when each tag's descendants were walked again
    assert blocks[0] == (LEAD, None) and blocks[-1] == ("Contact the desk", "page-footer") and len(blocks) == 2002


def test_metadata_reads_no_evidence_from_the_page_blocks_left_out():
    from storyline import metadata
    from storyline.settings import Settings

    art = metadata.describe(cleaned_html("regions_page.html"), Settings())
    assert ("page-sidebar", "Get the Quarry Ledger app for alerts") in [(r.reason, r.text.split("\n")[0]) for r in art.removed]
    assert art.outlet != "Quarry Ledger"  # a sidebar's promotion of another outlet's app
    assert (art.published, art.published_how) == (None, "unknown")  # the footer's "© 2026" is no day


def test_nothing_left_is_an_empty_input_error():
    with pytest.raises(EmptyInput, match="no article text"):
        clean(Article(id="x", source="x.txt", raw="Skip to content\n\nSubscribe\n\n0\n12\n"))


# ---------------------------------------------------------------- mastheads and navigation

@pytest.mark.parametrize("line,reason", [
    ("Region  Farming  Schools  Opinion  Obituaries", "navigation"),  # a section bar with runs of spaces
    ("Home | Local | Markets | Travel | Letters", "navigation"),
    ("News · Sport · Jobs in Fenmoor", "navigation"),
    ("Region > Valley towns", "navigation"),  # a breadcrumb of two steps
    ("Home › News › Rail", "navigation"),  # the last step goes with the others
    ("More Less", "navigation"),
    ("Updated 9:15 a.m. ET", "dateline-header"),
    ("Your browser does not support HTML5 video.", "video-placeholder"),
    ("Read next", "read-also"),
    ("Also Read | Ferry timetable changes from April", "read-also"),
    ("Te puede interesar:", "read-also"),
    ("Follow Quarry Gazette for the latest local news.", "subscription"),
    ("Get the Ridge Ledger app for alerts", "subscription"),
    ("Get Lakeshore Pilot in your inbox every morning.", "subscription"),
    ("You've read 3 articles this month. Support independent journalism from €2 a week.", "subscription"),
    ("You have reached your free article limit.", "subscription"),
    ("Support local journalism: subscribe today.", "subscription"),
    ("Comments are closed for this article.", "site-furniture"),
])
def test_one_line_page_furniture(line, reason):
    assert line_reason(line) == reason


@pytest.mark.parametrize("line", [
    "The mayor said:  Schools stay open.",  # double spaces inside a sentence
    "Harbour  12  4  Won",  # figures: a table row, not a section bar
    "Valley towns agree to share one fire station",
    "Profits rose > 5% in the first quarter, the bank said.",
])
def test_lines_that_are_not_navigation(line):
    assert line_reason(line) is None


def test_masthead_and_section_bar_are_not_the_title():
    art = cleaned("masthead_page.txt")
    why = reasons(art.removed)
    assert why["PINEWOOD COURIER"] == "masthead"
    assert why["Region  Farming  Schools  Opinion  Obituaries"] == "navigation"
    assert why["Valley towns agree to share one fire station"] == "title"
    assert why["Odile Brannock"] == "byline"  # a bare name above the date line
    assert art.text.split("\n")[0].startswith("Two neighbouring valley towns will close")
    for kept in ("The new station is expected to open in two years", "Firefighters said the plan would shorten"):
        assert kept in art.text
    assert "Fire service" not in art.text and "Comments are closed" not in art.text


@pytest.mark.parametrize("name,masthead,lead", [
    ("edition_page.txt", "The Quarry Gazette | English Edition", "A loading crane at the east harbour"),  # edition
    ("logo_word_page.txt", "RidgeLedger", "A night train service on the mountain line"),  # a run-together logo
])
def test_masthead_kinds(name, masthead, lead):
    art = cleaned(name)
    assert reasons(art.removed)[masthead] == "masthead"
    assert [r.reason for r in art.removed].count("title") == 1
    assert art.text.startswith(lead)


def test_a_short_headline_is_never_taken_for_a_masthead():
    text, removed = clean_text(f"Skip to content\nValley Towns Merge\n\n{LEAD}\n\n{LAST}")
    assert reasons(removed)["Valley Towns Merge"] == "title"
    text, removed = clean_text(f"CITY HALL\nCouncil passes budget after long night\n\n{LEAD}")
    assert reasons(removed)["CITY HALL"] == "masthead"
    assert reasons(removed)["Council passes budget after long night"] == "title"


def test_a_known_title_is_found_below_the_page_furniture():
    raw = f"EVENING LANTERN\nNews  Sport  Culture\n\nCouncil passes budget\n\n{LEAD}\n\n{LAST}"
    art = clean(Article(id="j", source="f.jsonl:1", raw=raw, format="txt", hints={"title": "Council passes budget"}))
    assert reasons(art.removed)["Council passes budget"] == "title" and art.text.startswith(LEAD)


# ---------------------------------------------------------------- real pages (issue 15)

STEP = "Stir the batter until it is smooth, then rest it for ten minutes."


def test_a_line_is_not_dropped_for_repeating():
    body = f"{LEAD}\n\nFor the first layer:\n\n{STEP}\n\nFor the second layer:\n\n{STEP}\n\n{LAST}"
    text, removed = clean_text(body)
    assert text.count(STEP) == 2
    assert not any(r.reason == "duplicate" for r in removed)


def test_a_repeated_caption_goes_as_the_caption_it_is():
    caption = "Council members vote on the budget in the town hall. — AFP"
    text, removed = clean_text(f"{caption}\n\n{LEAD}\n\n{caption}\n\n{LAST}")
    assert caption not in text and [r.reason for r in removed].count("caption") == 2


def test_an_article_ending_in_a_copyright_notice_keeps_its_text():
    article = " ".join([LEAD, LAST, LEAD.replace("Tuesday", "Monday"), "Copyright © 2018. All Rights Reserved."])
    text, removed = clean_text(article)
    assert LAST in text and "All Rights Reserved" not in text
    assert any(r.reason == "copyright" for r in removed)
    assert line_reason("Copyright © 2018 Harbour Gazette. All rights reserved.") == "copyright"  # a footer still goes


def test_a_gallery_only_page_keeps_each_caption_once():
    art = cleaned("gallery_only.txt")
    assert art.text.count("Firefighters work at the scene") == 1
    assert "Smoke rises over the harbour district" in art.text
    assert "Image 2 of 3" not in art.text and "Rowan Pike" not in art.text


def test_a_gallery_beside_an_article_stays_out_of_it():
    gallery = "Image 1 of 2 Firefighters work at the scene of a warehouse fire on Quay Road. Photo: Rowan Pike"
    text, _ = clean_text(f"{gallery}\n\n{LEAD}\n\n{LAST}")
    assert "Firefighters" not in text and LEAD in text


def test_html_text_takes_the_setting_that_keeps_the_article(monkeypatch):
    from storyline import page_text

    def fake(texts):
        return lambda source, favor_recall=False, favor_precision=False, with_metadata=False: (
            texts["recall" if favor_recall else "precision" if favor_precision else "default"], "T")

    article, clutter = "word " * 1000, "menu " * 100
    monkeypatch.setattr(page_text, "_extract", fake({"default": article[:200], "recall": article, "precision": ""}))
    assert page_text.html_text("<html></html>")[0] == article  # the default lost most of the text
    monkeypatch.setattr(page_text, "_extract", fake({"default": article + clutter, "recall": article + clutter,
                                                    "precision": article}))
    assert page_text.html_text("<html></html>")[0] == article  # precision left out only clutter
    monkeypatch.setattr(page_text, "_extract", fake({"default": article, "recall": article, "precision": article[:900]}))
    assert page_text.html_text("<html></html>")[0] == article  # precision cut the article itself


def test_office_markup_leaked_as_text_goes_and_the_dateline_after_it_names_the_wire():
    from storyline.metadata import describe
    from storyline.settings import Settings

    raw = ("Council approves budget\n\n"
           'prefix = o ns = "urn:schemas-microsoft-com:office:office" / MARBURY, Md. (AP) –\n\n'
           f"{LEAD}\n\n{LAST}\n")
    text, removed = clean_text(raw)
    assert "urn:schemas" not in text and LEAD in text and LAST in text
    assert any("urn:schemas-microsoft-com" in r.text and r.reason == "site-furniture" for r in removed)
    article = describe(clean(Article(id="m", source="m.txt", raw=raw)), Settings(languages="en"))
    assert article.wire == ["AP"]


CONSENT = ("We and our 312 partners use cookies and similar technologies to store and access information on your device, "
           "to personalise ads and content, measure ad and content performance and develop products. By clicking "
           "Accept all you consent to this processing. You can change your choices at any time in Privacy settings. "
           "Some partners process data on the basis of legitimate interest, which you can object to.")


def test_a_consent_banner_is_not_the_article():
    """trafilatura may take a long consent banner for the page's text and leave the article out."""
    page = (f'<html><head><title>Ferry fares rise | Velmar Post</title></head><body><div id="cookie-banner" '
            f'class="cookie-consent"><h2>We value your privacy</h2><p>{CONSENT}</p><p>{CONSENT}</p><button>Accept all'
            '</button></div><article><h1>Ferry fares rise</h1><p>Ferry fares across the Velmar strait will rise by '
            'a tenth from May, the operator said on Monday.</p></article></body></html>')  # fmt: skip
    text, _title = html_text(page)
    assert "Ferry fares across the Velmar strait will rise" in text and "partners" not in text


def test_a_cookie_notice_in_the_text_is_clutter():
    text, removed = clean_text(f"Ferry fares rise\n\nThis website uses cookies. {CONSENT}\n\n"
                               "Ferry fares across the Velmar strait will rise by a tenth from May, the operator said.")  # fmt: skip
    assert text.startswith("Ferry fares across") and [r.reason for r in removed if "cookies" in r.text] == ["cookie-notice"]


def test_a_server_warning_printed_into_the_page_is_clutter():
    """PHP's warnings above an article had been kept as its text, and made a German page read as English."""
    warning = ("Warning: mysqli_connect(): (HY000/2002): Connection refused in /var/www/html/inc/db.php on line 14\n"
               "Notice: Undefined index: ressort in /var/www/html/artikel.php on line 88\n")
    body = ("Die Fähre nach Velmar fährt ab Mai seltener, teilte die Reederei am Montag mit. "
            "Der Stadtrat will über die neuen Fahrpläne im Juni beraten.")
    text, removed = clean_text(f"{warning}\n{body}")
    assert text == body
    assert [r.reason for r in removed] == ["server-message", "server-message"]
    # a sentence that merely says "warning:" stays
    kept, _ = clean_text("Warning: the river will rise on Tuesday, the agency said in its notice.")
    assert kept.startswith("Warning: the river")


def test_an_uncaught_error_and_its_stack_trace_printed_into_the_page_are_clutter():
    """Only PHP's one-line warnings went: an uncaught exception's first line, its "Stack trace:" and the frames under
    it ("#0 /srv/www/a.php(8): f()", "#1 {main}", "thrown in ... on line 12") were kept as the article's text."""
    trace = ["Fatal error: Uncaught RuntimeException: feed timed out in /srv/www/lib/feed.php:41",
             "Stack trace:", "#0 /srv/www/lib/teaser.php(17): Feed->load('ticker')", "#1 [internal function]: teaser()",
             "#2 {main}", "  thrown in /srv/www/lib/feed.php on line 41"]  # fmt: skip
    for sep in ("\n", "\n\n"):
        text, removed = clean_text(f"Council passes budget\n\n{sep.join(trace)}\n\n{LEAD}\n\n{LAST}")
        assert text == f"{LEAD}\n\n{LAST}", sep
        assert [(r.text, r.reason) for r in removed if r.reason != "title"] == \
            [(line.strip(), "server-message") for line in trace]  # fmt: skip
    told = ["The developers posted the stack trace on the forum, and the council's site was fixed by noon.",
            "Stack trace:", "#1 {main}"]  # a trace's lines not under a server's error are left as they are
    assert clean_text("\n\n".join([LEAD, *told, LAST]))[0] == "\n\n".join([LEAD, *told, LAST])


def test_a_sentence_whose_first_word_looks_like_clutter_is_kept():
    """"Copyright lawyers ... said" and "Subscribe to the idea ..., one parent said" were removed as a copyright
    line and a subscription prompt: sentences of the article."""
    for sentence in ("Copyright lawyers for the families said they would sue the harbour board.",
                     "Subscribe to the idea that the schools are safe, one parent told the council."):  # fmt: skip
        assert line_reason(sentence) is None, sentence
    assert line_reason("Copyright 2024 Harbour Post. All rights reserved.") == "copyright"
    assert line_reason("Subscribe to our morning newsletter") == "subscription"
    assert line_reason("Subscribe to The Morning newsletter, which tells you what you need to know.") == "subscription"
    assert line_reason("© 2024 Harbour Post. All rights reserved, according to our terms, he said.") == "copyright"
