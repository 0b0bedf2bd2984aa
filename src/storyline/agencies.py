"""Wire agencies: their spellings, finding them in a credit or sign-off, and the datelines that credit them.

Cleaning uses them to recognise sign-offs and photo credits, metadata to say which
agencies supplied an article's copy (its ``wire``), quotes and event participants to
tell the agency that reports from those who speak and act.

:func:`dateline` is the one matcher of a story's dateline ("BERGEN, Norway, Sept 12
(Reuters) -"): metadata reads the wire and the day from it, quotes leave it out of what
was said, events leave its town out of the participants. Cleaning's "dateline-header"
lines are another thing, a page's header that states a date ("Published December 27,
2023", "3 min read"): a line judged alone, where a story's dateline opens its first
paragraph, so cleaning does not use this matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["AGENCIES", "AGENCY_PATTERN", "DATELINE", "agencies_in", "credited", "dateline", "names_agency"]

# Wire agencies: lower-case spelling -> canonical spelling.
AGENCIES = {
    "reuters": "Reuters", "ap": "AP", "associated press": "AP", "the associated press": "AP",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP", "dpa": "dpa",
    "interfax": "Interfax", "tass": "TASS", "itar-tass": "TASS", "ria novosti": "RIA Novosti",
    "ria": "RIA Novosti", "pti": "PTI", "press trust of india": "PTI", "ani": "ANI", "xinhua": "Xinhua",
    "bloomberg": "Bloomberg", "uni": "UNI", "ians": "IANS", "efe": "EFE", "ansa": "ANSA", "kyodo": "Kyodo",
    "kyodo news": "Kyodo", "yonhap": "Yonhap", "anadolu": "Anadolu", "anadolu agency": "Anadolu",
    "kna": "KNA", "epd": "epd", "apa": "APA", "belga": "Belga", "anp": "ANP", "sda": "SDA", "pap": "PAP",
    "ukrinform": "Ukrinform", "irna": "IRNA", "wafa": "WAFA", "bernama": "Bernama", "antara": "Antara",
    "jiji": "Jiji", "jiji press": "Jiji", "aap": "AAP", "cp": "CP", "the canadian press": "CP",
    "canadian press": "CP", "sid": "SID", "dpa-afx": "dpa", "ap photo": "AP",
}
AGENCY_PATTERN = "|".join(sorted((re.escape(a) for a in AGENCIES), key=len, reverse=True))
_AGENCY = re.compile(rf"(?<![\w-])(?:{AGENCY_PATTERN})(?![\w-])", re.I)


def names_agency(name: str, credited: Iterable[str] = ()) -> bool:
    """Whether ``name`` names a wire agency: a long name ("Reuters", "Associated Press", "Xinhua") wherever it
    stands; a short one ("AP", "AAP", "PAP"), which parties and firms share (the Aam Aadmi Party, Singapore's
    People's Action Party), only when the article credits that agency (``credited``: canonical names, its wire)."""
    key = name.strip().casefold()
    canonical = AGENCIES.get(key)
    return canonical is not None and (len(key) > 4 or canonical in credited)


def agencies_in(text: str, any_case: bool = False) -> list[str]:
    """Canonical names of the wire agencies named in ``text``, in order, each once.

    Short names ("AP", "ANI", "UNI") count only in capitals unless ``any_case`` (for a sign-off,
    where every word is an agency).
    """
    found: list[str] = []
    for m in _AGENCY.finditer(text):
        word = m.group(0)
        short = len(word) <= 4 and word.lower() not in ("dpa", "tass", "epd")
        if short and not word.isupper() and not any_case:  # "ap", "ani", "uni" in lower case are words
            continue
        name = AGENCIES[word.lower()]
        if name not in found:
            found.append(name)
    return found


# The shape of a dateline: its town in any alphabet ("BERGEN", "ΑΘΗΝΑ", "Berlin/Moskau"), up to four more parts
# after commas (a region, a weekday, a day: ", Calif., Monday, March 4, 2024"), the credit in parentheses ("(Reuters)", "(CBS13/AP)"),
# then a dash or a colon ("-", "--", "—", ".-", ":"; not a hyphen within a word: "WILKES-BARRE"). After a credit
# the dash may be missing ("EUTAW, Ala. (AP) Authorities said", "AUBURN (KXTV/AP) 4:20 p.m."). The town or the
# credit may be missing ("(Reuters) - At least ...").
DATELINE = re.compile(
    r"(?P<town>[^\W\d_](?:[^\W\d_]|[ .'’/-])*?)?(?P<parts>(?:,[^,()\n]{2,40}?){0,4}?)\s*"
    r"(?:\((?P<credit>[^()\n]{2,40})\)\s*)?"
    r"(?:(?P<dash>\.?\s*(?:[—–:]|(?<!\w)-|-(?!\w))[—–:-]*)\s*|(?<=\))\s*(?=[^\W_]))"
)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def dateline(text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
    """The dateline that opens ``text`` at ``pos`` (:data:`DATELINE`; groups ``town``, ``parts``, ``credit``), or None.

    A town in capitals makes one ("OSLO —", "BERGEN, Norway -"), and so does a credit alone ("(Reuters) -"); a
    capitalised town ("Berlin/Moskau (dpa) -", "Marbury, Md., March 4, 2024 -") only with a dash and what shows it a
    dateline: an agency's credit or a year after its comma. A credit that spells the words before it ("the Aam
    Aadmi Party (AAP) -") is their abbreviation, not a dateline.
    """
    m = DATELINE.match(text, pos, len(text) if endpos is None else endpos)
    if not m or not (m["town"] or m["credit"]):
        return None
    town, credit = m["town"] or "", m["credit"] or ""
    initials, spelt = "".join(w[0] for w in town.split()).casefold(), "".join(re.findall(r"[^\W\d_]", credit)).casefold()
    if spelt and initials.endswith(spelt):  # "Aam Aadmi Party (AAP)": the credit abbreviates the town
        return None
    if not town or town.isupper():
        return m
    words = town.split()
    shown = agencies_in(credit, any_case=True) or _YEAR.search(m["parts"])
    capitalised = all(w[:1].isupper() or len(w) <= 3 for w in words) and words[0][:1].isupper()
    return m if capitalised and shown and m["dash"] else None


_CLOSING_CREDIT = re.compile(r"(?:^|[.!?\"”])\s*\(([^()\n]{2,60})\)\s*$")  # "... on Friday. (Reuters)"
_CREDIT_WORDS = 4  # words other than agencies a closing credit may hold: "(Con información de AFP, EFE y Reuters)"


def credited(text: str) -> list[str]:
    """Canonical names of the agencies ``text`` credits with its copy, in order, each once: in the :func:`dateline`
    opening one of its paragraphs ("MOSCOW (Reuters) -", "DALLAS (KTVT/AP) –", "(EFE).-") or in parentheses closing
    one ("... on Friday. (Reuters)", "(FR mit dpa)"). An agency cited in a sentence, a photo credit within a
    paragraph ("(Jane Roe/AP) Police said") and a party's initials ("the Aam Aadmi Party (AAP)") credit nothing.
    """
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    found = [a for p in paragraphs if (m := dateline(p)) and m["credit"] for a in agencies_in(m["credit"], any_case=True)]
    for p in paragraphs:
        if m := _CLOSING_CREDIT.search(p):
            others = re.findall(r"[^\W\d_]+", _AGENCY.sub(" ", m[1]))
            found += agencies_in(m[1], any_case=not others) if len(others) <= _CREDIT_WORDS else []
    return list(dict.fromkeys(found))
