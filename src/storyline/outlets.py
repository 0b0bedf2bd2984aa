"""One name and one domain per outlet, whatever form each article gives it in.

A page may name its outlet only through its domain ("GULFTRIBUNE.AE Logo" gives the
made-up name "Gulftribune"), another page of the same outlet spells it out ("Gulf
Tribune") and a third names it without a domain. Articles of one outlet share a
key, the letters of the domain's main label or of the name ("gulftribune"); the
outlet's name is the best spelling any of its articles gives (spelled out in
words beats run together, then the most used), its domain the most used one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .mastheads import main_label as domain_label  # "dawn" for www.dawn.com, "bbc" for bbc.co.uk, a hosted blog's own
from .models import Article

_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


UNKNOWN = "unknown outlet"


def outlet_label(name: str | None, domain: str | None) -> str:
    """How an outlet is shown to a reader: its name, else its domain, else "unknown outlet" (machine outputs keep
    the name None)."""
    return name or domain or UNKNOWN


def name_key(name: str) -> str:
    folded = name.casefold().strip()
    folded = folded.removeprefix("the ")
    return _NOT_LETTERS.sub("", folded)


def outlet_key(name: str | None, domain: str | None) -> str | None:
    if domain:
        return name_key(domain_label(domain))
    return name_key(name) if name else None


def _spelling(name: str) -> tuple[int, int]:
    """How spelled-out a name is: words, then capitals ("Gulf Tribune" > "Gulftribune")."""
    return (len(name.split()), sum(c.isupper() for c in name))


class Outlets:
    """The outlets seen so far, by key; settles each article's name and domain."""

    def __init__(self, rows=()):
        """``rows``: (name, domain, articles, of them those whose input named the outlet) of each outlet as the store
        holds it (:meth:`.Store.outlet_rows`). An outlet the input named counts towards its outlet's best name, but
        is never renamed: it is not held among the names to rename."""
        self.names: dict[str, Counter] = defaultdict(Counter)
        self.domains: dict[str, Counter] = defaultdict(Counter)
        self.stored: dict[str, Counter] = defaultdict(Counter)  # key -> (name, domain) -> articles the store holds
        for name, domain, count, given in rows:
            self._count(name, domain, count)
            self._hold(name, domain, count - given)

    def _hold(self, name: str | None, domain: str | None, n: int) -> None:
        key = outlet_key(name, domain)
        if key:
            self.stored[key][(name, domain)] += n

    def _count(self, name: str | None, domain: str | None, n: int = 1) -> str | None:
        keys = {k for k in (outlet_key(None, domain) if domain else None, name_key(name) if name else None) if k}
        for key in keys:
            if name:
                self.names[key][name] += n
            if domain:
                self.domains[key][domain] += n
        return outlet_key(name, domain)

    def best(self, key: str) -> tuple[str | None, str | None]:
        names, domains = self.names.get(key), self.domains.get(key)
        name = max(names, key=lambda s: (_spelling(s), names[s], s)) if names else None
        domain = max(domains, key=lambda d: (domains[d], d)) if domains else None
        return name, domain

    def add(self, articles: list[Article]) -> set[str]:
        """Count the outlets of ``articles``, then give each its outlet's best name and domain; returns the keys seen."""
        keys = set()
        for a in articles:
            key = self._count(a.outlet, a.outlet_domain)
            if key:
                keys.add(key)
        for a in articles:
            self.settle(a)
        return keys

    def settle(self, article: Article) -> None:
        """The outlet's best name and domain for ``article``; an outlet the input gave (the ``outlet`` of a JSONL
        line) is the caller's and stays as given."""
        key = outlet_key(article.outlet, article.outlet_domain)
        if not key:
            return
        name, domain = self.best(key)
        article.outlet = article.outlet if article.hints.get("outlet") else name or article.outlet
        article.outlet_domain = article.outlet_domain or domain

    def renames(self, stored: list[Article], keys: set[str]) -> list[tuple]:
        """Once ``stored`` (settled by :meth:`add`, which gave ``keys``) are in the store: (old name, old domain, new
        name, new domain) for each (name, domain) the store holds articles under, of the outlets ``keys``, whose best
        name or domain is now another (sorted by name, then domain, a missing one first). Kept as the store will hold
        them once :meth:`.Store.rename_outlets` applied them, so the store is never asked again."""
        for a in stored:
            if not a.hints.get("outlet"):  # the input's name stays (:meth:`settle`), in the store too
                self._hold(a.outlet, a.outlet_domain, 1)
        held = [(name, domain, key) for key in keys for name, domain in self.stored.get(key, ())]
        out = []
        for name, domain, key in sorted(held, key=lambda h: (h[0] is not None, h[0] or "", h[1] is not None, h[1] or "")):
            best_name, best_domain = self.best(key)
            new = (best_name or name, domain or best_domain)
            if new != (name, domain):
                out.append((name, domain, *new))
        for name, domain, *new in out:
            self._hold(*new, self.stored[outlet_key(name, domain)].pop((name, domain)))
        return out
