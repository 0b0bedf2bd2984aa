"""Narration: cited extractive summaries, source comparison, story timelines, reports (md/json/html)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline import Article, Event, Figure, Mention, Quote, Story, TimeMention
from storyline.narration import build_report, event_summary, render, story_timeline, write_all
from storyline.narration.sources import article_sentences, sentence_kind
from storyline.storage import Store, open_store

FIXTURE = Path(__file__).parent / "fixtures" / "narration" / "harbour.json"


def _span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def fixture_article(d: dict) -> Article:
    """An enriched Article from the fixture: annotations name their text, offsets are found here."""
    text = d["text"]
    a = Article(id=d["id"], source=f"{d['id']}.txt", raw=text, text=text, title=d["title"], outlet=d["outlet"],
                published=d["published"], event_date=d["event_date"], duplicate_of=d.get("duplicate_of"),
                wire=d.get("wire", []), content_hash="h-" + d["id"])  # fmt: skip
    pos, spans = 0, []
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    a.sentences = spans
    for q in d["quotes"]:
        s, e = _span(text, q["text"])
        a.quotes.append(Quote(s, e, q["text"], q["speaker"], "said", q["kind"]))
    for f in d["figures"]:
        s, e = _span(text, f["text"])
        sentence = next(text[x:y] for x, y in spans if x <= s < y)
        a.figures.append(Figure(s, e, f["text"], f["value"], f["unit"], f["kind"], sentence, f["measures"]))
    for t in d["times"]:
        s, e = _span(text, t["text"])
        a.times.append(TimeMention(s, e, t["text"], t["date"], t.get("end_date"), t["granularity"]))
    after: dict[str, int] = {}
    for m in d["mentions"]:
        s, e = _span(text, m["text"], after.get(m["text"], 0))
        after[m["text"]] = e
        a.mentions.append(Mention(s, e, m["text"], m["label"], m.get("name", m["text"])))
    return a


def fixture_store(path) -> Store:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    store = open_store(path)
    store.add_articles([fixture_article(d) for d in data["articles"]])
    events = [Event(**{**e, "story_id": data["story"]["id"]}) for e in data["events"]]
    store.save_events(events, [Story(id=data["story"]["id"], title=data["story"]["title"])])
    return store


@pytest.fixture
def store(tmp_path):
    s = fixture_store(tmp_path / "n.db")
    yield s
    s.close()


@pytest.fixture
def report(store):
    return build_report(store, "s-velmar")


def _texts(store, citations) -> list[str]:
    return [store.get_article(c["article_id"]).text[c["start"] : c["end"]] for c in citations]


# --- summary -----------------------------------------------------------------------------
def test_summary_is_verbatim_cited_and_spans_point_at_the_text(store):
    out = event_summary(store, "e-strike")
    summary = out["summary"]
    assert 3 <= len(summary) <= 6
    assert _texts(store, summary) == [s["text"] for s in summary]
    assert all(s["outlet"] for s in summary)


def test_summary_covers_independent_sources_without_repeating_a_wire_copy(store):
    summary = event_summary(store, "e-strike")["summary"]
    cited = {s["article_id"] for s in summary}
    assert {"gazette-1", "coastline-1"} <= cited
    assert "northstar-1" not in cited  # a copy of coastline-1 adds nothing new
    texts = [s["text"] for s in summary]
    assert len(set(texts)) == len(texts)
    negotiated = [t for t in texts if "failed negotiations" in t]
    assert len(negotiated) == 1  # both outlets carry it: shown once ...
    item = next(s for s in summary if "failed negotiations" in s["text"])  # ... with the other outlet as a further source
    assert {c["article_id"] for c in item["also"]} & {"gazette-1", "coastline-1", "northstar-1"}


def test_summary_skips_quotes_and_captions():
    assert sentence_kind('"We will fight this decision all the way to the highest court," she said.') == "quote"
    assert sentence_kind("The minister shakes hands with her counterpart during talks in Velmar on March 3.") == "caption"
    assert sentence_kind("Home > News > Ports") == "fragment"
    assert sentence_kind("Cargo handling came to a standstill after workers began a strike over wages.") == "prose"


def test_plain_splitter_used_when_enrichment_gave_no_sentences():
    text = 'The council met on Tuesday. "We agree," the mayor said. It voted to repair the bridge.'
    a = Article(id="x", source="x", raw=text, text=text)
    got = [s.text for s in article_sentences(a)]
    assert got == ["The council met on Tuesday.", '"We agree," the mayor said.', "It voted to repair the bridge."]


def test_plain_splitter_knows_capitals_of_any_alphabet():
    text = "The ferry left at dawn. Élise Varga said it was full. Øystein Lund agreed."
    a = Article(id="x", source="x", raw=text, text=text)
    got = [s.text for s in article_sentences(a)]
    assert got == ["The ferry left at dawn.", "Élise Varga said it was full.", "Øystein Lund agreed."]


def test_quote_carried_by_several_outlets_is_shown_once_with_all_sources(store):
    quotes = event_summary(store, "e-strike")["quotes"]
    fair = [q for q in quotes if "fair offer" in q["text"]]
    assert len(fair) == 1
    assert fair[0]["text"].endswith("will not wait any longer")  # the fullest rendering
    assert {c["article_id"] for c in fair[0]["sources"]} == {"gazette-1", "coastline-1", "northstar-1"}
    assert fair[0]["independent"] == 2
    first = fair[0]["sources"][0]  # what a citation of the quote points at: the rendering shown
    text = store.get_article(first["article_id"]).text
    assert text[first["start"]:first["end"]].strip(' "\u201c\u201d.,') in fair[0]["text"]
    assert fair[0]["text"].strip(' "\u201c\u201d.,') in text[first["start"]:first["end"]]


def test_a_quote_shown_in_its_fullest_rendering_is_cited_at_that_rendering():
    """The text shown was the fullest rendering, the citation the first article's shorter one: other words."""
    from storyline.narration.sources import Sources
    from storyline.narration.summary import quote_groups

    texts = {"a1": 'The union leader spoke. "We will not wait any longer," Ana Ruiz said on Monday.',
             "a2": 'Talks broke down. "We asked for a fair offer and we will not wait any longer," Ana Ruiz said.'}  # fmt: skip
    articles = []
    for ident, text in texts.items():
        a = Article(id=ident, source=ident, raw=text, text=text, outlet=ident.upper())
        start = text.index('"') + 1
        end = text.index('"', start)
        a.quotes = [Quote(start, end, text[start:end], "Ana Ruiz", "said", "direct")]
        articles.append(a)
    [group] = quote_groups(Sources(events=[], articles=articles))
    first = group["sources"][0]
    assert group["text"].startswith("We asked for a fair offer")
    assert first["article_id"] == "a2" and texts["a2"][first["start"]:first["end"]] == group["text"]


def test_may_the_month_is_no_expectation():
    from storyline.narration.differences import EXPECT

    assert not EXPECT.search("after the May figure fell to 3.6%") and not EXPECT.search("since May 3")
    assert EXPECT.search("rates may rise") and EXPECT.search("it could rise")


# --- comparison --------------------------------------------------------------------------
def test_agreements_need_independent_sources(store):
    agreements = event_summary(store, "e-strike")["comparison"]["agreements"]
    money = [a for a in agreements if a["kind"] == "figure" and a["value"] == 3000000]
    assert money and money[0]["independent"] == 2
    assert not [a for a in agreements if {c["article_id"] for c in a["sources"]} == {"coastline-1", "northstar-1"}]
    claims = [a for a in agreements if a["kind"] == "claim"]
    assert any("failed negotiations" in a["text"] for a in claims)


def test_differences_find_other_values_and_other_framing(store):
    comparison = event_summary(store, "e-deal")["comparison"]
    kinds = {d["kind"]: d for d in comparison["differences"]}
    assert {c["value"] for c in kinds["value"]["sources"]} == {5, 6}  # pay rise: 6 % against 5 %
    framing = kinds["framing"]  # $40 million: lost last month, against expected this year
    by_article = {c["article_id"]: c for c in framing["sources"]}
    assert by_article["coastline-2"]["modality"] == "expected"
    assert by_article["gazette-2"]["modality"] == "reported"
    # the two articles' event dates differ (a deal agreed on Saturday, a return to work on Monday), but no sentence of
    # one claim names other days: articles reporting other happenings of one event do not disagree on its date
    assert "date" not in kinds


def test_interaction_agreement_and_copies(store):
    comparison = event_summary(store, "e-deal")["comparison"]
    met = [a for a in comparison["agreements"] if a.get("about")]  # "X met Y" / "Y held talks with X"
    assert met and set(met[0]["about"]) == {"elling", "quist"}
    assert not any("pay rise" in a["text"] for a in comparison["agreements"])  # 6 % and 5 % do not agree
    copies = event_summary(store, "e-strike")["comparison"]["copies"]
    assert copies == [{"article_id": "northstar-1", "outlet": "North Star Times", "copy_of": "coastline-1",
                       "copy_of_outlet": "Coastline Daily", "wire": ["Harbour Wire"]}]  # fmt: skip


def test_unique_facts_only_from_one_source(store):
    unique = event_summary(store, "e-strike")["comparison"]["unique"]
    assert any("2.4 million containers" in (u.get("sentence") or u["text"]) for u in unique)
    assert not any("$3 million" in u["text"] for u in unique)
    assert event_summary(store, "e-warning")["comparison"]["unique"] == []  # one source: nothing to compare


# --- timeline ------------------------------------------------------------------------------
def test_timeline_in_date_order_with_background(store):
    t = story_timeline(store, "s-velmar")
    assert [e["date"] for e in t["timeline"]] == ["2022-03-14", "2022-04-02", "2023-05-20"]
    assert t["timeline"][0]["sources"] == 3 and t["timeline"][0]["line"]["article_id"]
    back = {(b["kind"], b["date"][:4]) for b in t["background"]}
    assert ("mentioned", "2015") in back  # the 2015 sale of the port
    assert ("expected", "2023") in back  # the terminal due next year
    assert ("mentioned", "2021") in back
    assert not any("walked off the job on Monday" in b["text"] for b in t["background"])  # the event itself


def test_a_background_sentence_naming_two_periods_is_one_entry(tmp_path):
    """"between 2019 and 2021" put its sentence in the background twice, once under each year; a sentence of a
    past period and a coming one is one entry of each."""
    text = ("Mill workers in Dunmere struck on Monday over pay.\n"
            "The mill ran at a loss between 2019 and 2021, its owners said in a statement.\n"
            "After losses in 2022, the owners plan to reopen the mill in 2026.")
    times = [{"text": "Monday", "date": "2024-03-04", "granularity": "day"},
             {"text": "2019", "date": "2019-01-01", "end_date": "2019-12-31", "granularity": "year"},
             {"text": "2021", "date": "2021-01-01", "end_date": "2021-12-31", "granularity": "year"},
             {"text": "2022", "date": "2022-01-01", "end_date": "2022-12-31", "granularity": "year"},
             {"text": "2026", "date": "2026-01-01", "end_date": "2026-12-31", "granularity": "year"}]  # fmt: skip
    back = _background_of_one_article(tmp_path, "Dunmere mill workers strike", text, times)
    assert [(b["date"][:4], b["kind"], b["text"]) for b in back] == [
        ("2019", "mentioned", "The mill ran at a loss between 2019 and 2021, its owners said in a statement."),
        ("2022", "mentioned", "After losses in 2022, the owners plan to reopen the mill in 2026."),
        ("2026", "expected", "After losses in 2022, the owners plan to reopen the mill in 2026.")]  # one of each kind


def test_a_sentence_naming_the_day_of_an_event_is_that_event_not_background(tmp_path):
    """"Karsia and Velmora signed a memorandum on Tuesday to … by 2027" was listed as a trade goal expected in 2027:
    a sentence that names an event's day tells that event, whatever else it dates."""
    text = ("Mill owners in Dunmere signed a pay deal on Monday that runs until 2026.\n"
            "The mill ran at a loss in 2021, its owners said.")
    times = [{"text": "Monday", "date": "2024-03-04", "granularity": "day"},
             {"text": "2026", "date": "2026-01-01", "end_date": "2026-12-31", "granularity": "year"},
             {"text": "2021", "date": "2021-01-01", "end_date": "2021-12-31", "granularity": "year"}]  # fmt: skip
    back = _background_of_one_article(tmp_path, "Dunmere mill deal", text, times)
    assert [(b["date"][:4], b["kind"]) for b in back] == [("2021", "mentioned")]


def _background_of_one_article(tmp_path, title: str, text: str, times: list[dict]) -> list[dict]:
    """The background of a story of one event (on 4 March 2024) of one article, published the day after."""
    a = fixture_article({"id": "mill", "title": title, "outlet": "Pier Gazette", "text": text,
                         "published": "2024-03-05", "event_date": "2024-03-04", "quotes": [], "figures": [],
                         "times": times, "mentions": []})  # fmt: skip
    store = open_store(tmp_path / "m.db")
    store.add_articles([a])
    store.save_events([Event(id="e-mill", date="2024-03-04", place="Dunmere", title=a.title, articles=["mill"],
                             story_id="s-mill")], [Story(id="s-mill", title=a.title)])  # fmt: skip
    back = story_timeline(store, "s-mill")["background"]
    store.close()
    return back


# --- report -------------------------------------------------------------------------------
def test_report_json_contract(report):
    data = json.loads(render(report, "json"))
    assert set(data) >= {"story", "timeline", "background"}
    entry = data["timeline"][0]
    for key in ("date", "event_id", "title", "place", "sources", "summary", "quotes", "figures",
                "agreements", "differences", "unique", "copies"):  # fmt: skip
        assert key in entry
    assert set(entry["summary"][0]) >= {"text", "article_id", "outlet"}
    assert set(data["background"][0]) >= {"date", "text", "article_id", "outlet", "kind"}


def test_every_citation_resolves_to_a_source_sentence(report):
    anchors = {(s["article_id"], t["start"]) for s in report["sources"] for t in s["sentences"]}
    for entry in report["timeline"]:
        for s in entry["summary"]:
            assert (s["article_id"], s["start"]) in anchors


def test_markdown_escapes_and_cites(report):
    report["timeline"][0]["summary"][0]["text"] = "A <b>bold</b> [link](javascript:x) claim."
    md = render(report, "md")
    assert "<b>" not in md and "\\<b\\>" in md and "\\[link\\]" in md
    assert "](#src-" in md


def test_write_all_writes_reports_and_index(store, tmp_path):
    index = write_all(store, tmp_path / "out")
    assert index.name == "index.html" and index.exists()
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"story-s-velmar.html", "story-s-velmar.json", "story-s-velmar.md", "index.md"} <= names
    assert "story-s-velmar.html" in index.read_text()


def test_unknown_format_is_refused(report):
    with pytest.raises(ValueError, match="md, html"):
        render(report, "pdf")


def test_report_command_refuses_an_unknown_format_and_writes_only_the_format_asked(store, tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    db = str(tmp_path / "n.db")
    refused = CliRunner().invoke(app, ["report", "s-velmar", "--db", db, "--format", "pdf"])
    assert refused.exit_code == 2 and "'pdf': choose one of json, md, html" in refused.output
    assert not isinstance(refused.exception, ValueError)  # a usage error, not a crash
    done = CliRunner().invoke(app, ["report", "--all", "--db", db, "--format", "json", "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    stories = {p.name for p in (tmp_path / "out").iterdir() if p.name.startswith("story-")}
    assert stories == {"story-s-velmar.json"}
    for index in ("index.html", "index.md"):  # each index links the report that was written
        assert "story-s-velmar.json" in (tmp_path / "out" / index).read_text()
        assert "story-s-velmar.html" not in (tmp_path / "out" / index).read_text()


def test_an_out_path_that_cannot_be_written_is_one_error_naming_it(store, tmp_path):
    import subprocess
    import sys

    def cli(*args: str) -> subprocess.CompletedProcess:  # the real command: what a user sees on stderr
        return subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()", *args, "--db", str(tmp_path / "n.db")],
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    (tmp_path / "taken").write_text("a file, not a folder")
    for args in (["report", "s-velmar", "--out", str(tmp_path / "nowhere" / "r.md")], ["export", "--out", str(tmp_path / "nowhere" / "x.json")],
                 ["report", "--all", "--out", str(tmp_path / "taken")]):  # fmt: skip
        result = cli(*args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith("error: cannot write ") and args[-1] in result.stderr, result.stderr
    both = cli("report", "s-velmar", "--all")
    assert both.returncode == 2 and "--all" in both.stderr


# --- what a user's review found: the figures, quotes and framing of a plain story -------------------
def _plain(aid: str, outlet: str, text: str, quotes=(), figures=(), times=()) -> Article:
    return fixture_article({
        "id": aid, "title": text.split("\n")[0][:40], "outlet": outlet, "published": "2024-03-13", "event_date": "2024-03-12",
        "text": text, "quotes": [{"text": q, "speaker": None, "kind": "direct"} for q in quotes],
        "figures": [dict(zip(("text", "value", "unit", "kind", "measures"), f, strict=True)) for f in figures],
        "times": [dict(zip(("text", "date", "granularity"), t, strict=True)) for t in times], "mentions": [],
    })  # fmt: skip


def _sources(*articles: Article):
    from storyline.narration.sources import Sources

    return Sources(events=[Event("e-fire", articles=[a.id for a in articles])], articles=list(articles))


def test_a_small_count_of_people_harmed_is_a_key_figure():
    from storyline.narration.summary import is_trivial

    killed = Figure(0, 5, "Three", 3, "workers", "count", "Three workers were killed in the blaze at the mill.", "")
    signed = Figure(0, 3, "two", 2, "countries", "count", "The two countries signed a trade pact.", "")
    assert not is_trivial(killed)
    assert is_trivial(signed)


def test_short_quotes_are_quotes_and_alike_short_quotes_stay_two():
    from storyline.narration.summary import quote_groups

    a = _plain("herald", "Herald", '"We are not done yet," the chief said.\n"We are not going anywhere," she added.',
               quotes=["We are not done yet", "We are not going anywhere"])  # fmt: skip
    b = _plain("gazette", "Gazette", 'The chief said: "We are not done yet."', quotes=["We are not done yet"])
    groups = {g["text"]: g["independent"] for g in quote_groups(_sources(a, b))}
    assert groups == {"We are not done yet": 2, "We are not going anywhere": 1}


def test_framing_reads_cue_words_not_parts_of_words_nor_what_follows_the_figure():
    from storyline.narration.differences import framing

    text = ("About 120 residents were evacuated from homes near the plant.\n"
            "The bank raised its rate to 4.5 percent, a bigger move than analysts had expected.\n"
            "The mill is expected to reopen with 80 staff.")  # fmt: skip
    a = _plain("herald", "Herald", text, figures=[("120 residents", 120, "residents", "count", ""),
                                                  ("4.5 percent", 4.5, "percent", "percent", ""),
                                                  ("80 staff", 80, "staff", "count", "")])  # fmt: skip
    sources = _sources(a)
    modality = {f.text: framing(sources, {"article_id": "herald", "start": f.start, "end": f.end,
                                          "sentence_start": next(x for x, y in a.sentences if x <= f.start < y),
                                          "sentence_end": next(y for x, y in a.sentences if x <= f.start < y)})["modality"]
                for f in a.figures}  # fmt: skip
    assert modality == {"120 residents": "reported", "4.5 percent": "reported", "80 staff": "expected"}


def test_a_figure_after_any_verb_in_the_past_is_reported_not_expected():
    from storyline.narration.differences import framing

    text = ("The board said it would not wait and lowered its rate to 4.25 percent.\n"
            "The board said it would lower its rate to 4 percent.")  # fmt: skip
    a = _plain("herald", "Herald", text, figures=[("4.25 percent", 4.25, "percent", "percent", ""),
                                                  ("4 percent", 4.0, "percent", "percent", "")])  # fmt: skip
    sources = _sources(a)
    modality = {f.text: framing(sources, {"article_id": "herald", "start": f.start, "end": f.end,
                                          "sentence_start": next(x for x, y in a.sentences if x <= f.start < y),
                                          "sentence_end": next(y for x, y in a.sentences if x <= f.start < y)})["modality"]
                for f in a.figures}  # fmt: skip
    assert modality == {"4.25 percent": "reported", "4 percent": "expected"}


def test_a_source_that_names_no_time_does_not_frame_a_figure_differently():
    from storyline.narration.differences import framing_differences
    from storyline.narration.summary import figure_groups

    fee = [("3 percent", 3, "%", "percent", "fee")]
    a = _plain("herald", "Herald", "The council approved a parking fee of 3 percent on Tuesday.", figures=fee,
               times=[("Tuesday", "2024-03-12", "day")])  # fmt: skip
    b = _plain("gazette", "Gazette", "Drivers pay a parking fee of 3% of each ticket.",
               figures=[("3%", 3, "%", "percent", "fee")])  # fmt: skip
    c = _plain("post", "Post", "A parking fee of 3 percent was approved on Tuesday by the council.", figures=fee,
               times=[("Tuesday", "2024-03-12", "day")])  # fmt: skip
    assert framing_differences(_sources(a, b, c), figure_groups(_sources(a, b, c))) == []
    d = _plain("daily", "Daily", "A parking fee of 3 percent was approved on Monday by the council.", figures=fee,
               times=[("Monday", "2024-03-11", "day")])  # fmt: skip
    [found] = framing_differences(_sources(a, b, d), figure_groups(_sources(a, b, d)))
    assert {c["article_id"]: c["when"] for c in found["sources"]} == {"herald": ["2024-03-12"], "gazette": [],
                                                                     "daily": ["2024-03-11"]}  # fmt: skip


def test_two_figures_of_one_sentence_are_not_one_measure_given_twice():
    from storyline.narration.differences import value_differences
    from storyline.narration.summary import figure_groups

    line = "Inflation of 6.1 percent is far above the bank's 2 percent goal, the governor said."
    a = _plain("herald", "Herald", line, figures=[("6.1 percent", 6.1, "percent", "percent", "the governor"),
                                                  ("2 percent", 2, "percent", "percent", "the governor")])  # fmt: skip
    b = _plain("gazette", "Gazette", "Inflation of 6.1 percent is far above the bank's 2 percent goal, he said.",
               figures=[("6.1 percent", 6.1, "percent", "percent", "he"), ("2 percent", 2, "percent", "percent", "he")])  # fmt: skip
    sources = _sources(a, b)
    assert value_differences(sources, figure_groups(sources)) == []


def test_a_sentence_naming_two_days_dates_no_claim():
    from storyline.narration.differences import date_differences

    one = "Police arrested the owner on Saturday over the fire of Tuesday that gutted the mill."
    two = "Police arrested the owner on Saturday over the fire that gutted the mill."
    a = _plain("herald", "Herald", one, times=[("Saturday", "2024-03-16", "day"), ("Tuesday", "2024-03-12", "day")])
    b = _plain("gazette", "Gazette", two, times=[("Saturday", "2024-03-16", "day")])
    sources = _sources(a, b)
    cluster = {"text": two, "sources": [{"article_id": "herald", "start": 0, "end": len(one)},
                                        {"article_id": "gazette", "start": 0, "end": len(two)}]}  # fmt: skip
    assert [d for d in date_differences(sources, [cluster]) if d["text"] == two] == []
    c = _plain("post", "Post", two.replace("Saturday", "Sunday"), times=[("Sunday", "2024-03-17", "day")])
    cluster["sources"].append({"article_id": "post", "start": 0, "end": len(two) - 2})
    found = [d for d in date_differences(_sources(a, b, c), [cluster]) if d["text"] == two]
    assert [{s["article_id"]: s["date"] for s in d["sources"]} for d in found] == [{"gazette": "2024-03-16", "post": "2024-03-17"}]


def test_a_shared_place_is_not_an_agreed_claim():

    a = _plain("herald", "Herald", "Investigators on Thursday began examining the solvent store at the mill.\n"
               "The owner declined to comment on the inquiry.")  # fmt: skip
    b = _plain("gazette", "Gazette", "Firefighters said the blaze broke out near the solvent store at the mill overnight.\n"
               "Trains on the coast line ran late all morning.")  # fmt: skip
    claims = _claims(a, b)
    assert claims == []


def test_what_one_source_has_alone_holds_no_agreed_figure_and_no_copy_twice():
    from storyline.narration.compare import compare

    text = ("About 120 residents were evacuated from homes near the mill on Tuesday night.\n"
            "Twelve people were treated in hospital for smoke, a nurse at the county clinic said.")  # fmt: skip
    figure = [("120 residents", 120, "residents", "count", "residents evacuated")]
    a = _plain("herald", "Herald", text, figures=figure)
    copy = _plain("harbour", "Harbour Post", text, figures=figure)
    copy.duplicate_of = "herald"
    b = _plain("gazette", "Gazette", "Police closed the road after 120 residents left their homes near the mill.\n"
               "The mayor will visit the site on Friday with the county fire chief.", figures=figure)  # fmt: skip
    found = compare(_sources(a, copy, b))
    assert any(x["kind"] == "figure" and x["value"] == 120 for x in found["agreements"])
    alone = [u["text"] for u in found["unique"]]
    assert not any("120 residents" in t for t in alone), alone
    assert sum("Twelve people" in t for t in alone) == 1, alone


def test_a_chain_of_alike_sentences_is_not_one_claim():
    from storyline.narration.compare import _cluster

    a, b, c = (_plain(aid, aid, f"Sentence of {aid}.") for aid in ("herald", "gazette", "post"))
    sources = _sources(a, b, c)
    said = [s for x in (a, b, c) for s in sources.sentences(x.id)]
    assert _cluster(sources, said, [(0.9, 0, 1), (0.8, 1, 2)]) == [[0, 1]]  # the third is like the second only
    assert sorted(map(sorted, _cluster(sources, said, [(0.9, 0, 1), (0.8, 1, 2), (0.7, 0, 2)]))) == [[0, 1, 2]]


def test_every_html_id_is_one_element_and_every_link_finds_it(report):
    import re

    page = render(report, "html")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {h[1:] for h in re.findall(r'href="(#[^"]+)"', page)} <= set(ids)


def test_a_figure_and_its_sentence_are_one_cited_sentence():
    from storyline.narration.compare import compare
    from storyline.narration.report import source_list

    text = "Twelve people were hurt in the blaze at the mill.\nThe fire service said the roof fell in."
    a = _plain("herald", "Herald", text, figures=[("Twelve people", 12, "people", "count", "people hurt")])
    b = _plain("gazette", "Gazette", "The roof of the mill fell in during the night, the fire service said.")
    sources = _sources(a, b)
    found = compare(sources)
    cited = [u for u in found["unique"] if u["kind"] == "figure"] + [sources.cite("herald", 0, text.index("\n"))]
    [herald] = [s for s in source_list(sources, cited) if s["article_id"] == "herald"]
    assert [(x["start"], x["end"]) for x in herald["sentences"]] == [(0, text.index("\n"))]


def test_a_wire_copy_joins_the_claim_its_original_makes():
    from storyline.narration.compare import compare

    line = "Firefighters battled the blaze at the Orlen mill through the night before bringing it under control."
    a = _plain("herald", "Herald", line + "\nThe mill's owner said he would rebuild.")
    copy = _plain("harbour", "Harbour Post", line + "\nThe mill's owner said he would rebuild.")
    copy.duplicate_of = "herald"
    b = _plain("gazette", "Gazette", line + "\nTrains on the coast line ran late.")
    found = compare(_sources(copy, a, b))
    claims = [x for x in found["agreements"] if x["kind"] == "claim" and x["text"] == line]
    assert [sorted(c["article_id"] for c in x["sources"]) for x in claims] == [["gazette", "harbour", "herald"]]
    assert not any(u["text"] == line for u in found["unique"]), found["unique"]



def _one_event_report(tmp_path, *articles: Article) -> dict:
    """The report of a story of one event made of ``articles``."""
    store = open_store(tmp_path / "one.db")
    store.add_articles(list(articles))
    store.save_events([Event("e-one", articles=[a.id for a in articles], date="2024-03-12", story_id="s-one")],
                      [Story(id="s-one", title="One event")])  # fmt: skip
    try:
        return build_report(store, "s-one")
    finally:
        store.close()


def test_a_figure_whose_text_names_what_it_counts_is_not_labelled_twice(tmp_path):
    counts = [("14 counts", 14, "counts", "count", "counts"), ("12 percent", 12, "%", "percent", "pay rise")]
    a = _plain("herald", "Herald", "The trader faces 14 counts of fraud and a pay rise of 12 percent.", figures=counts)
    b = _plain("gazette", "Gazette", "Prosecutors filed 14 counts of fraud; staff got a pay rise of 12 percent.", figures=counts)
    report = _one_event_report(tmp_path, a, b)
    md, page = render(report, "md"), render(report, "html")
    assert "14 counts counts" not in md and "**14 counts** " in md
    assert "12 percent pay rise" in md  # a measure the text does not say is shown
    assert "<td>counts</td>" not in page and "<td>pay rise</td>" in page


def test_one_event_and_one_article_are_counted_in_the_singular(tmp_path):
    a = _plain("herald", "Herald", "The library on Mill Street reopened after a year of repairs.")
    md = render(_one_event_report(tmp_path, a), "md")
    assert "1 event · 1 article ·" in md and "1 article (1 independent)" in md
    assert "1 events" not in md and "1 articles" not in md


def test_two_meetings_of_the_same_people_in_two_events_are_not_one_claim():
    from storyline.narration.compare import story_agreements
    from storyline.narration.sources import Sources

    article = _named
    spring = article("herald", "Mayor Ines Roth met union leader Piet Kalder at the port on Monday and promised new cranes.",
                     ["Ines Roth", "Piet Kalder"])  # fmt: skip
    spring2 = article("post", "Roth held talks with Kalder about wages as dockers gathered outside the port office.",
                      ["Roth", "Kalder"])  # fmt: skip
    autumn = article("gazette", "Roth welcomed Kalder to city hall in October to sign the final pay settlement.",
                     ["Roth", "Kalder"])  # fmt: skip
    events = [Event("e-spring", articles=["herald", "post"]), Event("e-autumn", articles=["gazette"])]
    spring.event_id, spring2.event_id, autumn.event_id = "e-spring", "e-spring", "e-autumn"
    found = story_agreements(Sources(events=events, articles=[spring, spring2, autumn]))
    assert [a for a in found if "gazette" in {c["article_id"] for c in a["sources"]}] == [], found


def test_a_figures_measure_is_shown_unless_its_text_says_it():
    from storyline.narration.report import measure_after

    assert measure_after("counts", "11 counts") == ""
    assert measure_after("counts", "11 accounts") == "counts"  # a word ending alike is another word
    assert measure_after("people", "3 million people") == "" and measure_after(None, "5") == ""


def test_what_one_source_has_alone_holds_no_agreed_claim_and_no_sentence_twice():
    from storyline.narration.compare import compare

    said = "The mayor said the ferry would resume service on the eastern route after the storm passed."
    a = _plain("herald", "Herald", said + "\nCrews worked through the night to clear the harbour entrance.",
               quotes=["the ferry would resume service on the eastern route after the storm passed."])  # fmt: skip
    b = _plain("gazette", "Gazette", said + "\nThe port authority said 14 vessels were still waiting offshore.",
               figures=[("14 vessels", 14, "vessels", "count", "vessels waiting")],
               quotes=["14 vessels were still waiting offshore."])  # fmt: skip
    found = compare(_sources(a, b))
    assert any(x["kind"] == "claim" and x["text"] == said for x in found["agreements"]), found["agreements"]
    alone = found["unique"]
    assert not any("ferry would resume" in u["text"] for u in alone), alone  # agreed, so not one source's alone
    offshore = [u for u in alone if "offshore" in (u.get("sentence") or u["text"])]
    assert len(offshore) == 1, alone  # the figure and the quote around it are one sentence, listed once


def test_a_summary_sentence_cites_as_also_only_outlets_that_print_it_word_for_word():
    from storyline.narration.summary import summarise

    lead = ("The harbour board raised the mooring fee by 25 euros to 180 euros a night on Monday, saying repairs to "
            "the breakwater could no longer wait.")  # fmt: skip
    reworded = ("The harbour board raised the mooring fee by a quarter to 180 euros a night on Monday, saying repairs to "
                "the breakwater could no longer wait.")  # fmt: skip
    paraphrase = ("The harbour board put up its mooring fee to 180 euros a night on Monday, and said the repairs to "
                  "the breakwater could not wait any longer.")  # fmt: skip
    same = lead.replace("on Monday", "on Monday morning")
    articles = [_plain(aid, aid.title(), text + "\nSkippers said they would moor elsewhere next season.")
                for aid, text in (("herald", lead), ("gazette", reworded), ("post", paraphrase), ("ledger", same))]
    summary = summarise(_sources(*articles), 1)
    [first] = [s for s in summary if "breakwater" in s["text"]]
    carriers = {first["article_id"], *(c["article_id"] for c in first["also"])}
    assert carriers in ({"herald", "ledger"}, {"gazette"}, {"post"}), first


def test_sentences_moving_one_thing_opposite_ways_do_not_agree():

    a = _plain("herald", "Herald", "The krone rose against the euro after the announcement on Thursday.\n"
               "Traders said the move had been expected for weeks.")  # fmt: skip
    b = _plain("gazette", "Gazette", "The krone weakened against the euro after the announcement on Thursday.\n"
               "Dealers in the capital reported thin trading all afternoon.")  # fmt: skip
    claims = _claims(a, b)
    assert not any("krone" in x["text"] for x in claims), claims
    c = _plain("post", "Post", "The krone rose against the euro after the announcement on Thursday.")
    claims = _claims(a, c)
    assert any("krone" in x["text"] for x in claims), claims  # the same move is one claim
    d = _plain("courier", "Courier", "The central bank of Estmark left its key rate unchanged on Thursday, and the "
               "finance ministry declined to comment.")  # fmt: skip
    e = _plain("ledger", "Ledger", "The central bank of Estmark left its key rate unchanged on Thursday, and the krone "
               "rose.")  # fmt: skip
    claims = _claims(d, e)
    assert any("unchanged" in x["text"] for x in claims), claims  # "declined to comment" is no movement


def test_an_article_of_no_known_outlet_is_named_once_by_its_id(tmp_path):
    text = "The ferry to Oster Island was cancelled on Tuesday because of the storm, the harbour office said."
    original, copy = _plain("wire-1", None, text), _plain("paper-2", None, text)
    copy.duplicate_of = "wire-1"
    md = render(_one_event_report(tmp_path, original, copy), "md")
    assert "article paper-2 reprints article wire-1" in md
    assert "paper-2 (paper-2)" not in md and "**unknown outlet**" in md


def _claims(*articles: Article) -> list[dict]:
    """The agreed claims (not figures or quotes) of ``articles`` as one event."""
    from storyline.narration.compare import compare

    return [x for x in compare(_sources(*articles))["agreements"] if x["kind"] == "claim"]


def test_a_figure_framed_two_ways_within_one_source_is_no_difference_between_sources():
    """One article giving a rate as the decision and as the forecast, or its wire copy, was listed as sources
    that frame it differently."""
    from storyline.narration.differences import _across_sources
    from storyline.narration.sources import Sources

    sources = Sources(events=[], articles=[Article(id=i, source=i, raw="x", text="x") for i in "abc"], group={"c": "a"})
    assert not _across_sources(sources, [("a", "2023"), ("a", "2024"), ("b", "2024")])  # a gives both
    assert not _across_sources(sources, [("a", "2023"), ("c", "2024")])  # c is a's copy: one source
    assert _across_sources(sources, [("a", "2023"), ("b", "2024")])
    assert not _across_sources(sources, [("a", "2024"), ("b", "2024")])


def test_a_figure_is_placed_by_the_time_of_its_own_clause_not_another_figures():
    """"In 2022 the port handled 4 million containers, and in 2023 its profit rose 12 percent": the containers
    were placed in 2023, the time nearest to them, which is the profit's, and two sources giving the same years
    were listed as framing the figure differently."""
    from storyline.narration.differences import framing, framing_differences
    from storyline.narration.summary import figure_groups

    figures = [("4 million containers", 4e6, "containers", "count", "containers"), ("12 percent", 12, "%", "percent", "profit")]
    years = [("2022", "2022-01-01", "year"), ("2023", "2023-01-01", "year")]
    a = _plain("herald", "Herald", "In 2022 the port handled 4 million containers, and in 2023 its profit rose 12 percent.",
               figures=figures, times=years)  # fmt: skip
    b = _plain("gazette", "Gazette", "The port's profit rose 12 percent in 2023, while 4 million containers passed "
               "through it in 2022.", figures=figures, times=years)  # fmt: skip
    sources = _sources(a, b)
    for x in (a, b):
        when = {f.text: framing(sources, {**sources.cite(x.id, f.start, f.end)})["when"] for f in x.figures}
        assert when == {"4 million containers": ["2022"], "12 percent": ["2023"]}, x.id
    assert framing_differences(sources, figure_groups(sources)) == []


def _named(aid: str, text: str, people: list[str]) -> Article:
    """A plain article whose ``people`` are found as PERSON mentions, in text order."""
    a = _plain(aid, aid.title(), text)
    after = 0
    for name in people:
        s, e = _span(text, name, after)
        a.mentions.append(Mention(s, e, name, "PERSON", name))
        after = e
    return a


def test_a_source_agrees_only_with_words_it_printed():
    """Four ways a source was listed as agreeing with words it did not print: a quote shown as one outlet went on
    ("… and we will cut taxes for employers") cited for outlets that went on otherwise or stopped short; a figure of
    unemployment agreeing with the same value of inflation; a sentence agreeing with another that names the same
    minister and says something else; a claim shown with a figure cited for a sentence without it."""
    from storyline.narration.compare import compare
    from storyline.narration.summary import key_figures

    a = _named("herald", "Unemployment rose to 5 percent in May, the statistics office said.\n"
               "The labour minister, Jonas Brell, said the figure was disappointing.\n"
               "\"We will not accept a jobless rate at this level and we will act before the summer,\" he said.",
               ["Jonas Brell"])  # fmt: skip
    b = _named("gazette", "Inflation eased to 5 percent, the central bank said.\n"
               "\"We will not accept a jobless rate at this level,\" labour minister Jonas Brell told parliament.",
               ["Jonas Brell"])  # fmt: skip
    c = _named("post", "Unemployment rose in May as factories cut shifts, the statistics office said.\n"
               "\"We will not accept a jobless rate at this level and we will cut taxes for employers,\" Brell said.",
               ["Brell"])  # fmt: skip
    for x, said in ((a, "We will not accept a jobless rate at this level and we will act before the summer"),
                    (b, "We will not accept a jobless rate at this level"),
                    (c, "We will not accept a jobless rate at this level and we will cut taxes for employers")):  # fmt: skip
        s, e = _span(x.text, said)
        x.quotes.append(Quote(s, e, said, "Jonas Brell", "said", "direct"))
    for x in (a, b):
        s, e = _span(x.text, "5 percent")
        x.figures.append(Figure(s, e, "5 percent", 5, "%", "percent", x.text[: x.text.index("\n")], ""))
    sources = _sources(a, b, c)
    found = compare(sources)
    agreements = found["agreements"]
    texts = {x.id: x.text for x in (a, b, c)}
    for agreed in agreements:  # every source listed prints the quote or figure shown, and a claim's figure
        for cite in agreed["sources"] if agreed["kind"] != "claim" else ():
            printed = " ".join(texts[cite["article_id"]][cite["start"] : cite["end"]].split())
            assert agreed["text"].strip('".') in printed, (agreed["text"], cite["article_id"], printed)
    quotes = [x for x in agreements if x["kind"] == "quote"]
    assert [(x["text"], x["independent"]) for x in quotes] == [("We will not accept a jobless rate at this level", 3)]
    assert not any(x["kind"] == "figure" for x in agreements), agreements
    fives = [[c["article_id"] for c in g["sources"]] for g in key_figures(sources) if g["value"] == 5]
    assert sorted(fives) == [["gazette"], ["herald"]]  # nor is one listed as a key figure's source for the other's
    assert not any(d["kind"] == "value" for d in found["differences"])  # nor is 5 against 5 another value
    assert not any("disappointing" in x["text"] for x in agreements), agreements
    [rose] = [x for x in agreements if x["kind"] == "claim"]  # unemployment rose in May, said herald and post
    assert "5 percent" not in rose["text"] and rose["independent"] == 2, rose


def test_a_key_quote_lists_only_the_sources_that_printed_its_words():
    from storyline.narration.summary import quote_groups

    went_on = {"herald": "we will act before the summer", "post": "we will cut taxes for employers"}
    articles = []
    for aid, rest in went_on.items():
        said = f"We will not accept a jobless rate at this level and {rest}"
        articles.append(_plain(aid, aid.title(), f'"{said}," the minister said.', quotes=[said]))
    groups = quote_groups(_sources(*articles))
    assert {g["text"].split()[-1]: [c["article_id"] for c in g["sources"]] for g in groups} == {
        "summer": ["herald"], "employers": ["post"]}  # fmt: skip


def test_renderings_of_a_quote_in_words_of_their_own_agree_on_the_words_both_print():
    from storyline.narration.compare import compare

    said = {"herald": "trade between the two countries reached $6.2 billion (5.6 billion euros) last year",
            "gazette": "trade between the two countries reached $6.2 billion last year and would double by 2030"}  # fmt: skip
    articles = [_plain(aid, aid.title(), f"The minister said {q}.", quotes=[q]) for aid, q in said.items()]
    [quote] = [x for x in compare(_sources(*articles))["agreements"] if x["kind"] == "quote"]
    assert quote["text"] == "trade between the two countries reached $6.2 billion" and quote["independent"] == 2
    texts = {x.id: x.text for x in articles}
    assert [texts[c["article_id"]][c["start"] : c["end"]] for c in quote["sources"]] == [quote["text"]] * 2


def test_background_sentences_alike_in_words_are_one_entry_only_when_they_place_the_same_thing():
    """Two outlets' sentences of the same words, one placing the port's profit in 2022 and the other its
    containers, were one background entry citing both for the first one's words."""
    from storyline.narration.timeline import background

    years = [("2022", "2022-01-01", "year"), ("2023", "2023-01-01", "year")]
    a = _plain("herald", "Herald", "In 2022 the port handled 4 million containers, and in 2023 its profit rose 12 percent.",
               times=years)  # fmt: skip
    b = _plain("gazette", "Gazette", "The port's profit rose 12 percent in 2022, while 4 million containers passed "
               "through it in 2023.", times=years)  # fmt: skip
    c = _plain("post", "Post", "In 2022 the port handled 4 million containers, and in 2023 its profit rose 12 percent "
               "to a record.", times=years)  # fmt: skip
    sources = _sources(a, b, c)
    found = [(e["date"][:4], sorted(x["article_id"] for x in e["sources"])) for e in background(sources, sources.events)]
    assert sorted(found) == [("2022", ["gazette"]), ("2022", ["herald", "post"])]


# --- what a reviewer of the sample corpus found: differences that were no disagreement, agreements in others' words ---
def test_a_figure_told_alike_in_other_words_or_beside_a_date_of_something_else_does_not_differ():
    """Figures every outlet gave alike were listed as differing: a cost "expected" against one "put at"; a wall's cost
    beside the month it was finished against one beside the month of the flood before it; a rate "through the end
    of the year" resolved to two years; "$4.1 billion a year earlier" placed in the year of the $5.3 billion before
    it. A figure placed at another time is still a difference, stated as the times that differ."""
    from storyline.narration.compare import compare

    cost, wall, rate = [("€450 million", 450e6, "EUR", "money", "cost")], [("€38 million", 38e6, "EUR", "money", "cost")], \
        [("4.25%", 4.25, "%", "percent", "rate")]  # fmt: skip
    trade = [("$5.3 billion", 5.3e9, "USD", "money", "trade"), ("$4.1 billion", 4.1e9, "USD", "money", "trade")]
    articles = [
        _plain("herald", "Herald", "The shipyard is expected to cost about €450 million over five years.", figures=cost),
        _plain("gazette", "Gazette", "The total cost of the shipyard is put at €450 million over five years.", figures=cost),
        _plain("post", "Post", "The flood wall, finished in November at a cost of €38 million, held along its length.",
               figures=wall, times=[("in November", "2023-11-01", "month")]),
        _plain("daily", "Daily", "The flood wall was built for €38 million after the river flooded the town in April.",
               figures=wall, times=[("in April", "2023-04-01", "month")]),
        _plain("ledger", "Ledger", "The bank expects its rate to stay at 4.25% through the end of the year.", figures=rate,
               times=[("the end of the year", "2023-09-01", "year")]),
        _plain("courier", "Courier", "The bank said it would hold its rate at 4.25% until the end of the year.", figures=rate,
               times=[("the end of the year", "2024-09-01", "year")]),
        _plain("tribune", "Tribune", "Trade rose to $5.3 billion in 2022 from $4.1 billion a year earlier, customs data showed.",
               figures=trade, times=[("2022", "2022-01-01", "year")]),
        _plain("times", "Times", "Trade was worth $5.3 billion last year, up from $4.1 billion in 2021, customs data showed.",
               figures=trade, times=[("last year", "2022-01-01", "year"), ("2021", "2021-01-01", "year")]),
    ]  # fmt: skip
    found = compare(_sources(*articles))
    assert found["differences"] == [], found["differences"]
    assert {x["value"] for x in found["agreements"] if x["kind"] == "figure"} >= {450e6, 38e6, 4.25, 5.3e9, 4.1e9}
    one = _plain("herald", "Herald", "Trade reached $4.1 billion in 2021, customs data showed.", figures=trade[1:],
                 times=[("in 2021", "2021-01-01", "year")])  # fmt: skip
    other = _plain("gazette", "Gazette", "Trade reached $4.1 billion in 2020, customs data showed.", figures=trade[1:],
                   times=[("in 2020", "2020-01-01", "year")])  # fmt: skip
    [framed] = compare(_sources(one, other))["differences"]
    assert framed["kind"] == "framing" and framed["differs"] == "in 2021 / in 2020", framed
    assert [[c["article_id"] for c in v["sources"]] for v in framed["versions"]] == [["herald"], ["gazette"]]


def test_other_counts_of_people_evacuated_on_one_day_differ_and_say_what_differs():
    """1,300 people evacuated on Sunday against 1,200 (said as "residents ... brought to safety" and "people ...
    evacuated") was not found; counts of one sentence ("2,000 of the town's 18,000 inhabitants") or of another year
    are no other value."""
    from storyline.narration.compare import compare

    sunday = [("on Sunday", "2024-03-10", "day")]
    a = _plain("herald", "Herald", "About 1,300 people were evacuated from their homes in the town on Sunday, officials said.",
               figures=[("1,300 people", 1300, "people", "count", "people")], times=sunday)  # fmt: skip
    b = _plain("gazette", "Gazette", "Around 1,200 residents had to be brought to safety, the municipality announced.",
               figures=[("1,200 residents", 1200, "residents", "count", "residents")])  # fmt: skip
    c = _plain("post", "Post", "About 1,200 people were evacuated on Sunday, when the river peaked.",
               figures=[("1,200 people", 1200, "people", "count", "people")], times=sunday)  # fmt: skip
    found = compare(_sources(a, b, c))
    [value] = [d for d in found["differences"] if d["kind"] == "value"]
    assert value["differs"] == "1,300 people / 1,200 residents" and value["text"] == "people evacuated", value
    assert {v["text"]: sorted(c["article_id"] for c in v["sources"]) for v in value["versions"]} == {
        "1,300 people": ["herald"], "1,200 residents": ["gazette", "post"]}  # fmt: skip
    d = _plain("daily", "Daily", "About 2,000 of the town's 18,000 inhabitants were evacuated.",
               figures=[("18,000 inhabitants", 18000, "inhabitants", "count", "inhabitants")])  # fmt: skip
    e = _plain("ledger", "Ledger", "Around 2,000 people were evacuated, the municipality said.",
               figures=[("2,000 people", 2000, "people", "count", "people")])  # fmt: skip
    f = _plain("courier", "Courier", "In 2019, an explosion at a mine in the same region killed 22 people.",
               figures=[("22 people", 22, "people", "count", "people")], times=[("2019", "2019-01-01", "year")])  # fmt: skip
    g = _plain("tribune", "Tribune", "At least four people were killed when a tunnel collapsed in the mine.",
               figures=[("four people", 4, "people", "count", "people")])  # fmt: skip
    assert compare(_sources(d, e, f, g))["differences"] == []


def test_a_claim_is_dated_by_its_own_day_and_other_happenings_of_an_event_are_no_other_date():
    """"Due to meet Zorin later in the day before flying home on Wednesday" was dated to the flight home against "due
    to be received by Zorin later on Tuesday"; articles of one event dated to other days (a flood on Sunday, a body
    found on Monday) were listed as dating the event differently."""
    from storyline.narration.compare import compare

    def article(aid: str, text: str, day: tuple[str, str]) -> Article:
        x = _named(aid, text, ["Arrieta", "Zorin"])
        s, e = _span(text, day[0])
        x.times.append(TimeMention(s, e, day[0], day[1], None, "day"))
        x.event_date = day[1]
        return x

    flight = article("herald", "Arrieta was due to meet President Zorin later in the day before flying home on Wednesday.",
                     ("on Wednesday", "2024-03-13"))  # fmt: skip
    tuesday = article("gazette", "Arrieta was due to be received by President Zorin later on Tuesday, his office said.",
                      ("on Tuesday", "2024-03-12"))  # fmt: skip
    found = compare(_sources(flight, tuesday))
    assert any(x["kind"] == "claim" for x in found["agreements"]), found["agreements"]  # the meeting is agreed ...
    assert found["differences"] == [], found["differences"]  # ... and dated by one source only
    wednesday = article("post", "Arrieta was due to meet President Zorin on Wednesday, his office said.",
                        ("on Wednesday", "2024-03-13"))  # fmt: skip
    [dated] = compare(_sources(tuesday, wednesday))["differences"]
    assert dated["kind"] == "date" and sorted(dated["differs"].split(" / ")) == ["on Tuesday", "on Wednesday"], dated


def _event_page(sources) -> str:
    """The web page of one event whose comparison is that of ``sources``."""
    from storyline.narration.compare import compare
    from storyline.web.pages import make_environment

    event = {"id": "e-fire", "title": "Fire", "date": None, "place": None, "participants": []}
    return make_environment().get_template("event.html").render(
        title="Fire", path="/events/e-fire", event=event, story=None, sources=[], quotes=[],
        summary={"summary": [], **compare(sources)})  # fmt: skip


def test_an_agreement_cites_each_outlet_at_its_own_words_once_and_is_not_also_one_sources_alone():
    """A claim was shown in one outlet's sentence with every outlet's chip; a sentence agreeing in a claim of two
    outlets and in one of three was listed twice; a sentence holding an agreed figure was also one source's alone
    (for its other figure); and two people one sentence names apart ("'I am Velmora's friend,' he said, standing
    beside Sorokina, after a morning of talks", Velmora being a place read as a person) were a meeting."""
    import re

    from storyline.narration.compare import compare

    met = "Mayor Ines Roth met union leader Piet Kalder at the port on Monday."
    x = _named("herald", met + "\nThe strike cost $3 million a day, up 20% from last week.", ["Ines Roth", "Piet Kalder"])
    y = _named("gazette", met.replace("Monday", "Monday morning") + "\nShipping agents put the losses at $3 million a day.",
               ["Ines Roth", "Piet Kalder"])  # fmt: skip
    z = _named("post", "Kalder held talks with Roth about wages and the new cranes.\nTrains ran late.", ["Kalder", "Roth"])
    for a, figures in ((x, [("$3 million", 3e6, "USD", "money", "cost"), ("20%", 20, "%", "percent", "cost")]),
                       (y, [("$3 million", 3e6, "USD", "money", "cost")])):  # fmt: skip
        for text, value, unit, kind, measures in figures:
            s, e = _span(a.text, text)
            a.figures.append(Figure(s, e, text, value, unit, kind, a.text[a.text.index("\n") + 1 :], measures))
    sources = _sources(x, y, z)
    found = compare(sources)
    claims = [c for c in found["agreements"] if c["kind"] == "claim"]
    assert len(claims) == 1 and claims[0]["independent"] == 3, claims  # once, with all three outlets
    said = [(c["article_id"], c["start"]) for c in claims[0]["sources"]]
    assert len(said) == len(set(said))
    agreed = {(c["article_id"], c.get("sentence_start", c["start"])) for a in found["agreements"] for c in a["sources"]}
    assert not [u for u in found["unique"] if (u["article_id"], u.get("sentence_start", u["start"])) in agreed], found["unique"]
    page = _event_page(sources)
    item = page[page.index('class="compare compare-agreements"') :]
    item = item[item.index(claims[0]["text"]) :]
    lead_chips = item[: item.index("</span>")]
    assert re.findall(r'href="/articles/(\w+)', lead_chips) == [claims[0]["article_id"]], lead_chips
    talks = [c for c in claims[0]["sources"] if c["article_id"] == "post"][0]
    assert re.search(re.escape(talks["text"]) + r'\s*<span class="cites"><a class="cite" href="/articles/post\?', item)
    friend = _named("courier", "\"I am Velmora's friend in the capital,\" the trade minister said on Tuesday, standing beside "
                    "Sorokina, after a morning of talks.", ["Velmora", "Sorokina"])  # fmt: skip
    wagons = _named("tribune", "Velmora and Karsia will build wagons together next spring, Sorokina said on Tuesday after "
                    "talks with Arrieta in the capital.", ["Velmora", "Sorokina", "Arrieta"])  # fmt: skip
    assert _claims(friend, wagons) == []


def test_a_subordinate_clause_before_a_comma_does_not_keep_the_main_clause_from_dating_the_claim():
    """"After a two-day search, police found the body on Monday": the "after" of the opening clause kept Monday
    from dating the finding, so two sources finding it on other days did not differ."""
    from storyline.narration.differences import date_differences

    monday = "After a two-day search, police found the body on Monday."
    tuesday = "After a two-day search, police found the body on Tuesday."
    a = _plain("herald", "Herald", monday, times=[("on Monday", "2024-03-11", "day")])
    b = _plain("gazette", "Gazette", tuesday, times=[("on Tuesday", "2024-03-12", "day")])
    cluster = {"text": monday, "sources": [{"article_id": "herald", "start": 0, "end": len(monday)},
                                           {"article_id": "gazette", "start": 0, "end": len(tuesday)}]}  # fmt: skip
    [dated] = date_differences(_sources(a, b), [cluster])
    assert {s["article_id"]: s["date"] for s in dated["sources"]} == {"herald": "2024-03-11", "gazette": "2024-03-12"}
    flight = "Police found the body, before flying the dog team home on Tuesday."  # the day of the flight home only
    c = _plain("post", "Post", flight, times=[("on Tuesday", "2024-03-12", "day")])
    cluster["sources"][1:] = [{"article_id": "post", "start": 0, "end": len(flight)}]
    assert date_differences(_sources(a, c), [cluster]) == []


def test_words_of_attribution_are_no_shared_context_however_they_are_inflected():
    """"at a press briefing" was read as what two figures of one value were said of ("press", "briefing" being
    compared unstemmed against stemmed words): unemployment and inflation at 5 percent were one fact."""
    from storyline.narration.compare import _what
    from storyline.narration.summary import figure_groups

    a = _plain("herald", "Herald", "The minister told a press briefing that unemployment reached 5 percent.",
               figures=[("5 percent", 5, "%", "percent", "unemployment")])  # fmt: skip
    b = _plain("gazette", "Gazette", "The governor told a press briefing that inflation eased to 5 percent.",
               figures=[("5 percent", 5, "%", "percent", "inflation")])  # fmt: skip
    sources = _sources(a, b)
    assert sorted(g["independent"] for g in figure_groups(sources)) == [1, 1]
    [said] = sources.sentences("herald")
    assert _what(sources, said).split() == ["The", "told", "a", "that", "unemployment", "reached", "5", "percent"]
