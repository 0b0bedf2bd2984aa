"""Wire agencies: their spellings, and finding them in a credit or sign-off.

Cleaning uses them to recognise sign-offs and photo credits, metadata to say which
agencies supplied an article's copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["AGENCIES", "AGENCY_PATTERN", "agencies_in", "names_agency"]

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
    for m in re.finditer(rf"(?<![\w-])(?:{AGENCY_PATTERN})(?![\w-])", text, re.I):
        word = m.group(0)
        short = len(word) <= 4 and word.lower() not in ("dpa", "tass", "epd")
        if short and not word.isupper() and not any_case:  # "ap", "ani", "uni" in lower case are words
            continue
        name = AGENCIES[word.lower()]
        if name not in found:
            found.append(name)
    return found
