"""Month names of the languages whose dates storyline reads (English, French, German, Spanish, Italian, Portuguese,
Dutch), with their short forms, for the patterns that find a day in a header or a dateline ("4. März 2025", "5 de
marzo de 2025"). A short form that is also an English word ("ago", "mag") is left out."""

from __future__ import annotations

__all__ = ["MONTHS", "MONTH_PATTERN"]

MONTHS: dict[str, int] = {name: number for number, names in enumerate(
    [("jan", "january", "janvier", "janv", "januar", "jänner", "enero", "ene", "gennaio", "janeiro", "januari"),
     ("feb", "february", "février", "fevrier", "févr", "februar", "febrero", "febbraio", "fevereiro", "februari"),
     ("mar", "march", "mars", "märz", "maerz", "mär", "marzo", "março", "marco", "maart"),
     ("apr", "april", "avril", "avr", "abril", "abr", "aprile"),
     ("may", "mai", "mayo", "maggio", "maio", "mei"),
     ("jun", "june", "juin", "juni", "junio", "giugno", "junho"),
     ("jul", "july", "juillet", "juil", "juli", "julio", "luglio", "julho"),
     ("aug", "august", "août", "aout", "agosto", "augustus"),
     ("sep", "sept", "september", "septembre", "septiembre", "setiembre", "settembre", "setembro"),
     ("oct", "october", "octobre", "oktober", "okt", "octubre", "ottobre", "outubro"),
     ("nov", "november", "novembre", "noviembre", "novembro"),
     ("dec", "december", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre", "dezembro")],
    start=1) for name in names}  # fmt: skip
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))  # longest first: "march" before "mar"
