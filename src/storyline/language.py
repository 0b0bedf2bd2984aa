"""Language detection with lingua, restricted to the languages the user configured.

The detector is built once per set of languages, on first use, in low-accuracy
mode (trigram models only): news articles are long enough for it, and it keeps
memory to a fraction of the full models. Restricting the languages keeps memory
low as well, which is why ``settings.languages`` exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .errors import SettingsError

__all__ = ["detect"]

SAMPLE_CHARS = 3000  # the opening of an article says its language as well as the whole


def detect(text: str, languages: Iterable[str]) -> str | None:
    """ISO 639-1 code (``"en"``) of the language of ``text`` among ``languages``, or None if unsure/empty."""
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return None
    codes = tuple(sorted({c.strip().lower() for c in languages if c.strip()}))
    if len(codes) == 1:
        return codes[0]
    found = _detector(codes).detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else None


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
