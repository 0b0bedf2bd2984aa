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
    outlets = Outlets([("Pinehaven", "pinehaven.org", 3, 0), ("Other", None, 1, 0)])
    new = _a("9", "Pine Haven", None)
    keys = outlets.add([new])
    assert outlets.renames([new], keys) == [("Pinehaven", "pinehaven.org", "Pine Haven", "pinehaven.org")]
    assert outlets.stored["pinehaven"] == {("Pine Haven", "pinehaven.org"): 4}  # as the store holds them now
    assert outlets.renames([], keys) == []


def test_outlets_keep_what_the_store_holds_as_batches_rename_it(tmp_path):
    """The renames of each batch are worked out from what the outlets kept of the store, never by reading it: after
    every batch, what they keep is what the store holds. An outlet the input named (a JSONL line's) stays as
    given in the store too: a later batch's better name renamed it there."""
    import random

    from storyline.storage import open_store

    forms = [("Pinehaven", "pinehaven.org"), ("Pine Haven", None), (None, "pinehaven.org"), ("PINE HAVEN", None),
             ("Daily Lark", "dailylark.com"), ("Lark", "dailylark.com"), ("Daily Lark", None), (None, "news.example")]  # fmt: skip
    rng = random.Random(5)
    given: dict[str, str] = {}
    store = open_store(str(tmp_path / "s.db"))
    outlets = Outlets(store.outlet_rows())
    for batch_no in range(12):
        batch = []
        for i in range(rng.randint(1, 4)):
            name, domain = rng.choice(forms)
            a = _a(f"b{batch_no}-{i}", name, domain)
            if name and rng.random() < 0.3:
                a.hints = {"outlet": name}
                given[a.id] = name
            a.text = a.raw = f"Report {batch_no} {i}."
            a.content_hash = a.id
            batch.append(a)
        with store.write():
            keys = outlets.add(batch)
            store.add_articles(batch)
            store.rename_outlets(outlets.renames(batch, keys))
        held = {k: +c for k, c in outlets.stored.items() if +c}
        assert held == {k: +c for k, c in Outlets(store.outlet_rows()).stored.items()}, batch_no
    assert {(name, domain) for name, domain, n, of_input in store.outlet_rows() if n > of_input} == {  # one name and
        ("PINE HAVEN", "pinehaven.org"), ("Daily Lark", "dailylark.com"), (None, "news.example")}  # domain per outlet
    assert given and {i: store.get_article(i).outlet for i in given} == given
    store.close()


def test_an_outlet_the_input_named_stays_when_its_pair_is_renamed_in_the_store(store_url):
    """A JSONL line's `outlet` stays as given (Outlets.settle), but a later better name of the same outlet renamed
    every stored article of that name and domain, the given one too."""
    from storyline.storage import open_store

    store = open_store(store_url)
    given, found = _a("g", "BBC", "bbc.co.uk"), _a("f", "BBC", "bbc.co.uk")
    given.hints = {"outlet": "BBC"}
    later = _a("l", "British Broadcasting Corporation", "bbc.co.uk")
    outlets = Outlets(store.outlet_rows())
    for batch in ([given, found], [later]):
        for a in batch:
            a.text = a.raw = f"Report {a.id}."
            a.content_hash = a.id
        with store.write():
            keys = outlets.add(batch)
            store.add_articles(batch)
            store.rename_outlets(outlets.renames(batch, keys))
    assert {i: store.get_article(i).outlet for i in "gfl"} == {
        "g": "BBC", "f": "British Broadcasting Corporation", "l": "British Broadcasting Corporation"}
    assert sorted(store.outlet_rows()) == [("BBC", "bbc.co.uk", 1, 1), ("British Broadcasting Corporation", "bbc.co.uk", 2, 0)]
    assert Outlets(store.outlet_rows()).stored == outlets.stored  # what the outlets keep is what the store holds
    store.close()
