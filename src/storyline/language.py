"""Language detection with lingua: the configured languages, else "other" with lingua's best guess.

The user configures the languages their articles are in (``settings.languages``); an article is given
one of them. An article in a language outside that set is "other", written ``other:pl`` when lingua,
choosing among all the languages it knows, is confident which one it is (a Polish article is no
Portuguese one), plain ``other`` when it is not.

Both detectors are built once, on first use, in low-accuracy mode (trigram models only): news articles
are long enough for it, and it keeps memory to a fraction of the full models (the one over all
languages loads only the models of the scripts it meets; about 70 MB for the Latin and Cyrillic ones).
A text shorter than :data:`OTHER_MIN_CHARS` is not judged "other" (too short to tell) unless it is written in
none of the configured languages' alphabets (a headline in Japanese among en and de); nor is one whose opening
reads otherwise (an English article quoting posts in Japanese).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .errors import SettingsError

__all__ = ["OTHER", "detect"]

SAMPLE_CHARS = 3000  # the opening of an article says its language as well as the whole
OTHER = "other"
OTHER_MIN_CHARS = 200  # a shorter text is not judged to be outside the configured languages
OTHER_CONFIDENT = 0.7  # lingua's confidence, among all languages, for naming the other language
OTHER_UNLIKE = 0.1  # a configured language's confidence below which the text is other even unnamed


def detect(text: str, languages: Iterable[str]) -> str | None:
    """ISO 639-1 code (``"en"``) of the language of ``text`` among ``languages``; ``"other:xx"`` or ``"other"``
    for a language outside them (see the module docstring); None if unsure or empty.

    One configured language is taken as said: every article is in it.
    """
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return None
    codes = tuple(sorted({c.strip().lower() for c in languages if c.strip()}))
    if len(codes) == 1:
        return codes[0]
    found = _detector(codes).detect_language_of(sample)
    if found is None:  # in none of the configured languages' alphabets (Japanese among en, de): other, however
        other = _other(sample, codes, None)  # short, when lingua is sure which (digits alone say nothing)
        return other if other and other != OTHER else None
    code = found.iso_code_639_1.name.lower()
    # the opening must agree (an English article quoting Japanese posts is English); asked first, as it is
    # the shorter text and mostly says no
    if len(sample) >= OTHER_MIN_CHARS and _other(sample[: 2 * OTHER_MIN_CHARS], codes, code):
        return _other(sample, codes, code) or code
    return code


def _other(sample: str, codes: tuple[str, ...], found: str | None) -> str | None:
    """``other:xx`` / ``other`` when lingua, among all languages, puts ``sample`` outside ``codes``; else None."""
    values = _all_languages().compute_language_confidence_values(sample)
    if not values:
        return None
    best = values[0]
    best_code = best.language.iso_code_639_1.name.lower()
    if best_code in codes:
        return None
    if best.value >= OTHER_CONFIDENT:
        return f"{OTHER}:{best_code}"
    ours = next((v.value for v in values if v.language.iso_code_639_1.name.lower() == found), 0.0)
    return OTHER if ours < OTHER_UNLIKE else None


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    try:
        isos = [IsoCode639_1.from_str(code) for code in codes]
    except ValueError:
        raise SettingsError(
            f"unknown language code among {', '.join(codes)}. Use ISO 639-1 codes such as en,de,fr "
            f"in the languages setting (STORYLINE_LANGUAGES)."
        ) from None
    if not isos:
        raise SettingsError("the languages setting is empty. Give at least one ISO 639-1 code, such as en.")
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_low_accuracy_mode().build()


@lru_cache(maxsize=1)
def _all_languages():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
