"""`lmdm data build` on a tiny config in tmp_path: deterministic from the seed, split by
piece, every style present and labelled, rolls that decode to the stored notes, features
of the rendered live part, and training windows with every visibility mode."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.codec import DEFAULT_LAYOUT, EXACT, PHRASE_DIM, GridNote, decode, phrase_controls
from model.data.build import build, make_pieces
from model.data.dataset import VISIBILITY, CachedData, Windows
from model.data.grooves import STYLES
from model.prompts import PARAPHRASES


def _prompt_table():
    """Real MiniLM embeddings: from the shipped checkpoint if it exists (no encoder load)."""
    ckpt = Path(__file__).resolve().parents[2] / "model" / "checkpoints" / "default"
    if (ckpt / "prompts.safetensors").exists():
        from model.embedded import load_prompt_table
        return load_prompt_table(ckpt), "never"
    return None, "lazy"


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    table, load = _prompt_table()
    meta = build(out, seed=3, grooves_per_style=1, bars=6, chorales=1, held_out=0.2, midi_share=0.3,
                 sample_rate=16000, progress=False, prompt_load=load, prompt_table=table)
    return out, meta


@pytest.mark.slow
def test_build_writes_labelled_pieces_split_by_piece(tiny_data):
    out, meta = tiny_data
    data = CachedData(out)
    assert set(data.styles) == set(STYLES) | {"chorale"} and len(data.styles) >= 9
    train, held = set(data.split(False)), set(data.split(True))
    assert train and held and not train & held
    groups_train = {data.pieces.group[i] for i in train}
    assert not groups_train & {data.pieces.group[i] for i in held}, "a piece on both sides of the split"
    assert data.roll.shape == (meta["frames"], DEFAULT_LAYOUT.channels)
    assert data.features.shape == (meta["frames"], 26)
    f = data.features.astype(np.float32)
    assert f.min() >= 0 and f.max() <= 1 and f[:, 25].max() > 0.3, "live part must be heard"
    assert set(data.pieces.live.tolist()) <= {"lead", "keys"}
    # every stored roll decodes exactly to the stored notes (after the codec's octave folding)
    for i in range(len(data.pieces.name)):
        rows = data.piece_notes(i)
        notes = sorted((GridNote(DEFAULT_LAYOUT.stem_names[r[1]], int(r[2]), int(r[3]), int(r[4]), int(r[5]))
                        for r in rows if DEFAULT_LAYOUT.spec(DEFAULT_LAYOUT.stem_names[r[1]]).low <= r[2]
                        <= DEFAULT_LAYOUT.spec(DEFAULT_LAYOUT.stem_names[r[1]]).high or r[1] == 3),
                       key=lambda n: (n.start, n.stem, n.pitch))
        got = decode(data.piece_roll(i), DEFAULT_LAYOUT, EXACT)
        assert {(n.stem, n.pitch, n.start) for n in notes} <= {(n.stem, n.pitch, n.start) for n in got}
    # the prompt table: every label and paraphrase, unit vectors
    assert data.prompt_embedding.shape == (len(data.prompt_text), 384)
    assert set(data.prompt_style.tolist()) == set(PARAPHRASES)
    assert np.allclose(np.linalg.norm(data.prompt_embedding, axis=1), 1.0, atol=1e-2)


@pytest.mark.slow
def test_windows_cover_every_visibility_mode(tiny_data):
    out, _ = tiny_data
    data = CachedData(out)
    w = Windows(data, held_out=False, context=32, target=16)
    b = w.sample(np.random.default_rng(0), 256)
    assert b["context"].shape == (256, 32, DEFAULT_LAYOUT.channels) and b["target"].shape == (256, 16, DEFAULT_LAYOUT.channels)
    assert b["cond"].shape == (256, 48, 26) and b["prompt"].shape == (256, 384)
    assert float(b["target"].min()) >= -1 and float(b["target"].max()) <= 1
    vis = b["visible_until"].numpy()
    assert (vis == 16).any() and (vis < 0).any() and ((vis > 0) & (vis < 16)).any() and (vis == 0).any()
    free = (b["cond"].abs().sum((1, 2)) == 0).numpy()
    assert 0.02 < free.mean() < 0.3, "about VISIBILITY['free'] of windows have no input"
    assert abs(VISIBILITY["free"] - 0.1) < 1e-9
    cm = b["context_mask"].numpy()
    assert (cm == 0).any() and (cm == 1).any(), "stream starts (no context) and full contexts"
    d = b["controls"].numpy()[:, 0]
    assert 0 <= d.min() and d.max() <= 1 and d.std() > 0.1
    # other shares (lmdm train --visibility): only accompany windows, all with input
    acc = Windows(data, held_out=False, context=32, target=16, visibility="accompany=1")
    vis = acc.sample(np.random.default_rng(0), 256)["visible_until"].numpy()
    assert ((vis <= 0) & (vis >= -4)).all() and (vis < 0).any()


@pytest.mark.slow
def test_phrase_controls_say_where_the_target_bar_sits_in_its_piece(tiny_data):
    out, _ = tiny_data
    data = CachedData(out)
    w = Windows(data, held_out=False, context=32, target=16, phrase=True, phrase_drop=0.0)
    rows = np.arange(len(w))
    b = w.gather(rows, np.random.default_rng(0))
    ctl = b["controls"].numpy()
    assert ctl.shape == (len(w), 1 + PHRASE_DIM) and ctl.dtype == np.float32
    _, t0, p0 = w.index[rows].T
    assert np.array_equal(ctl[:, 1:], phrase_controls((t0 - p0) // 16))
    assert set(((t0 - p0) // 16 % 4).tolist()) == {0, 1, 2, 3}, "6-bar pieces: every bar of a 4-bar group"
    # the density stays first, as a density-only model reads it
    plain = Windows(data, held_out=False, context=32, target=16).gather(rows, np.random.default_rng(0))
    assert np.array_equal(plain["controls"].numpy()[:, 0], ctl[:, 0])
    # training drops the phrase in about phrase_drop of the windows ("unknown": zeros)
    dropped = Windows(data, held_out=False, context=32, target=16, phrase=True, phrase_drop=0.5)
    ph = dropped.sample(np.random.default_rng(1), 400)["controls"].numpy()[:, 1:]
    unknown = (ph == 0).all(axis=1)
    assert 0.4 < unknown.mean() < 0.6 and (ph[~unknown].sum(axis=1) >= 1).all()


def test_pieces_are_deterministic_from_the_seed():
    a = make_pieces(5, 1, 4, 0, progress=False)
    b = make_pieces(5, 1, 4, 0, progress=False)
    c = make_pieces(6, 1, 4, 0, progress=False)
    assert [p.notes for p, _ in a] == [p.notes for p, _ in b]
    assert [p.notes for p, _ in a] != [p.notes for p, _ in c]


def test_style_density_is_each_styles_median_density_quantile(tiny_data):
    from model.data.dataset import style_density
    data = CachedData(tiny_data[0])
    q = np.linspace(0.0, 2.0, 101)  # onset rates 0..2 per frame -> quantiles 0..1
    sd = style_density(data, q)
    train_styles = {str(data.pieces.style[i]) for i in data.split(held_out=False)}
    assert set(sd) == train_styles and all(0 <= v <= 1 for v in sd.values())
    # by hand for one style: the median of its training bars' onset rates, halved (q is 0..2)
    style = sorted(sd)[0]
    rates = []
    for i in data.split(held_out=False):
        if data.pieces.style[i] == style:
            o, n = int(data.pieces.offset[i]), int(data.pieces.n_frames[i]) // 16 * 16
            bars = data.roll[o:o + n].astype(np.float32).reshape(-1, 16, data.roll.shape[1])
            rates += list((bars > EXACT.onset_threshold).sum(axis=(1, 2)) / 16)
    assert sd[style] == pytest.approx(round(float(np.median(rates)) / 2, 3), abs=1e-3)


def test_merge_adds_training_pieces_and_keeps_the_held_out_split(tiny_data):
    """`lmdm train --extra-data`: another cache's pieces join as training pieces with their
    rolls, features and notes; pieces of a group this cache holds out stay out."""
    out, _ = tiny_data
    data, other = CachedData(out), CachedData(out)
    n, held = len(data.pieces.name), data.split(held_out=True).tolist()
    added = data.merge(other)
    train = other.split(held_out=False)
    assert added == len(train) > 0  # the same cache: exactly its held-out groups are left out
    assert data.split(held_out=True).tolist() == held and len(data.pieces.name) == n + added
    for k, i in enumerate(train.tolist()):
        j = n + k
        assert data.pieces.name[j] == other.pieces.name[i] and not data.pieces.held_out[j]
        assert np.array_equal(data.piece_roll(j), other.piece_roll(i))
        assert np.array_equal(data.piece_features(j), other.piece_features(i))
        assert np.array_equal(data.piece_notes(j)[:, 1:], other.piece_notes(i)[:, 1:])
    w = Windows(data, held_out=False, context=32, target=16)
    assert len(w) > len(Windows(other, held_out=False, context=32, target=16))


def test_rollout_windows_take_the_models_past_as_context_and_keep_the_true_target(tiny_data):
    """`lmdm train --rollouts`: in the chosen share of a streamed piece's windows the context
    is the rollout's roll (frames before the piece start stay empty), the target the truth;
    pieces not streamed keep their true context; load_rollouts pads a smaller cache's file."""
    from model.data.rollouts import load_rollouts
    out, _ = tiny_data
    data = CachedData(out)
    rng = np.random.default_rng(0)
    fake = rng.random(data.roll.shape).astype(np.float16)
    streamed = np.zeros(len(data.pieces.name), bool)
    train = data.split(held_out=False)
    streamed[train[::2]] = True
    path = Path(out) / "fake_rollouts.npz"
    np.savez(path, roll=fake[:-5], pieces=streamed[:-1])
    roll, pieces = load_rollouts(path, len(data.roll), len(data.pieces.name))
    assert roll.shape == data.roll.shape and not roll[-5:].any() and np.array_equal(pieces[:-1], streamed[:-1])
    w = Windows(data, held_out=False, context=32, target=16, rollouts=(roll, pieces), rollout_share=1.0)
    plain = Windows(data, held_out=False, context=32, target=16)
    rows = np.arange(len(w))
    b, ref = w.gather(rows, np.random.default_rng(1)), plain.gather(rows, np.random.default_rng(1))
    assert np.array_equal(b["target"].numpy(), ref["target"].numpy())
    n_own = 0
    for r in rows:
        piece, t0, p0 = w.index[r]
        pos = t0 + np.arange(-32, 0)
        real = pos >= p0
        ctx = b["context"][r].numpy()
        if pieces[piece]:
            want = np.where(real[:, None], roll[np.where(real, pos, 0)].astype(np.float32), 0.0) * 2 - 1
            assert np.allclose(ctx, want)
            n_own += 1
        else:
            assert np.array_equal(ctx, ref["context"][r].numpy())
    assert n_own > 0
    with pytest.raises(ValueError, match="larger data cache"):
        load_rollouts(path, 10, len(data.pieces.name))


@pytest.mark.slow
def test_rollouts_stream_the_shipped_model_over_a_training_piece(tiny_data, tmp_path):
    """`lmdm data rollouts --limit 1`: the first training piece streamed through the daemon's
    path; its frames hold decoded notes, every other piece's stay empty."""
    import argparse

    from model.codec import decode
    from model.data.rollouts import add_arguments, rollouts
    out, _ = tiny_data
    p = argparse.ArgumentParser()
    add_arguments(p)
    args = p.parse_args(["--data", str(out), "--out", str(tmp_path / "r.npz"), "--limit", "1", "--jobs", "1",
                         "--sample-rate", "16000", "--no-progress"])
    res = rollouts(args)
    z = np.load(tmp_path / "r.npz")
    data = CachedData(out)
    first = int(data.split(held_out=False)[0])
    assert res["pieces"] == 1 and z["pieces"].tolist() == [i == first for i in range(len(data.pieces.name))]
    o, n = int(data.pieces.offset[first]), int(data.pieces.n_frames[first])
    mine = z["roll"][o:o + n].astype(np.float32)
    assert decode(mine, DEFAULT_LAYOUT, EXACT), "the streamed piece played no notes"
    assert not np.delete(z["roll"], np.arange(o, o + n), axis=0).any()
