"""One name and one domain per outlet, across articles that name it differently."""

from storyline import Article
from storyline.outlets import Outlets, domain_label


def _a(i, outlet, domain):
    return Article(id=i, source=i, raw="", outlet=outlet, outlet_domain=domain)


def test_domain_label():
    assert domain_label("www.dawn.com") == "dawn"
    assert domain_label("bbc.co.uk") == "bbc"
    assert domain_label("nordwind.de") == "nordwind"
    assert domain_label("lakeviews.wordpress.com") != domain_label("hillnotes.wordpress.com")  # two blogs, one host


def test_blogs_on_one_host_are_two_outlets_and_a_given_outlet_stays():
    outlets = Outlets()
    lake, hill = _a("1", "Lake Views", "lakeviews.wordpress.com"), _a("2", "Hill Notes and Other Long Names", "hillnotes.wordpress.com")
    given = _a("3", "BBC", "bbc.co.uk")
    given.hints = {"outlet": "BBC"}
    other = _a("4", "British Broadcasting Corporation", "bbc.co.uk")
    outlets.add([lake, hill, given, other])
    assert (lake.outlet, hill.outlet) == ("Lake Views", "Hill Notes and Other Long Names")
    assert (given.outlet, other.outlet) == ("BBC", "British Broadcasting Corporation")


def test_spelled_out_name_and_stated_domain_win():
    outlets = Outlets()
    logo_only = _a("1", "Pinehaven", "pinehaven.org")  # name made up from the domain
    named = _a("2", "The Pine Haven", None)  # spelled out, no domain
    short = _a("3", "Pinehaven", None)
    outlets.add([logo_only, named, short])
    for a in (logo_only, named, short):
        assert (a.outlet, a.outlet_domain) == ("The Pine Haven", "pinehaven.org")


def test_unrelated_outlets_stay_apart():
    outlets = Outlets()
    a, b = _a("1", "Daily Lark", "dailylark.com"), _a("2", "Evening Lark", None)
    outlets.add([a, b])
    assert (b.outlet, b.outlet_domain) == ("Evening Lark", None)


def test_stored_articles_are_renamed_when_a_better_name_arrives():
    outlets = Outlets([("Pinehaven", "pinehaven.org", 3), ("Other", None, 1)])
    keys = outlets.add([_a("9", "Pine Haven", None)])
    assert outlets.renames([("Pinehaven", "pinehaven.org", 3), ("Other", None, 1)], keys) == [
        ("Pinehaven", "pinehaven.org", "Pine Haven", "pinehaven.org")
    ]
