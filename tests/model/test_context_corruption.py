"""Training augmentations: context corruption (damages pitched stems only, keeps shapes) and
key transposition (notes and chroma move together, pitches stay in each stem's range)."""
import numpy as np

from model.codec import DEFAULT_LAYOUT, GridNote, decode, encode
from model.data.dataset import _fold_map, corrupt_context, transpose_windows
from model.features import BASS, CHROMA


def _rolls(rng, b=64, c=32):
    roll = (rng.random((b, c, DEFAULT_LAYOUT.channels)) < 0.1).astype(np.float32)
    return roll


def test_off_changes_nothing():
    rng = np.random.default_rng(0)
    roll = _rolls(rng)
    before = roll.copy()
    corrupt_context(roll, np.random.default_rng(1), 0.0)
    np.testing.assert_array_equal(roll, before)


def test_pitched_stems_damaged_drums_kept():
    rng = np.random.default_rng(0)
    roll = _rolls(rng)
    before = roll.copy()
    corrupt_context(roll, np.random.default_rng(1), 1.0)
    drums = DEFAULT_LAYOUT.slice("drums")
    np.testing.assert_array_equal(roll[..., drums], before[..., drums])
    changed = {s.name: int(sum(not np.array_equal(roll[b][:, DEFAULT_LAYOUT.slice(s.name)],
                                                  before[b][:, DEFAULT_LAYOUT.slice(s.name)])
                               for b in range(len(roll))))
               for s in DEFAULT_LAYOUT.stems if not s.drums}
    # each pitched stem is damaged in about half of the windows
    assert all(15 <= n <= 50 for n in changed.values()), changed
    assert roll.shape == before.shape and roll.max() <= 1.0 and roll.min() >= 0.0
    # corruption never adds notes beyond what a transposition moves: total activity does not grow
    assert roll.sum() <= before.sum()


def test_deterministic_from_rng():
    a, b = _rolls(np.random.default_rng(0)), _rolls(np.random.default_rng(0))
    corrupt_context(a, np.random.default_rng(5), 0.7)
    corrupt_context(b, np.random.default_rng(5), 0.7)
    np.testing.assert_array_equal(a, b)


def test_transposition_moves_notes_and_chroma_together():
    L = DEFAULT_LAYOUT
    notes = [GridNote("bass", 36, 100, 0, 4), GridNote("keys", 60, 90, 0, 8), GridNote("keys", 83, 90, 4, 8),
             GridNote("lead", 72, 80, 2, 6), GridNote("drums", 36, 100, 0, 1)]
    roll = np.stack([encode(notes, 16, L)] * 3).astype(np.float32)
    feats = np.zeros((3, 16, 26), np.float32)
    feats[:, :, CHROMA.start + 0] = 1.0  # C
    feats[:, :, BASS.start + 0] = 1.0
    feats[:, :, 24:] = 0.5
    transpose_windows(roll, feats, np.array([0, 2, -5]), L)
    for b, k in enumerate((0, 2, -5)):
        got = {(n.stem, n.pitch, n.start, n.end) for n in decode(roll[b], L)}
        want = set()
        for n in notes:
            p = n.pitch
            if n.stem != "drums":
                spec = L.spec(n.stem)
                p = spec.low + int(_fold_map(spec.pitches, k)[n.pitch - spec.low])
                assert (p - n.pitch - k) % 12 == 0  # moved by k, folded by whole octaves
            want.add((n.stem, p, n.start, n.end))
        assert got == want, (k, got ^ want)
        assert feats[b, 0, CHROMA].argmax() == k % 12 and feats[b, 0, BASS].argmax() == k % 12
        np.testing.assert_array_equal(feats[b, :, 24:], 0.5)
    # B5 (top of keys) up 2 folds down an octave to C#5
    assert L.spec("keys").low + int(_fold_map(36, 2)[83 - 48]) == 73


def test_fold_map_stays_in_range():
    for p in (12, 32, 36):
        for k in range(-11, 12):
            m = _fold_map(p, k)
            assert m.min() >= 0 and m.max() < p
            assert np.all((m - np.arange(p) - k) % 12 == 0)



def _chroma_agreement(batch) -> float:
    """Share of frames whose strongest input-chroma pitch class sounds in the target roll."""
    roll = (batch["target"].numpy() + 1.0) / 2.0
    C = batch["context"].shape[1]
    feats = batch["cond"].numpy()[:, C:]
    hit = n = 0
    for i in range(len(roll)):
        pcs = np.zeros((roll.shape[1], 12), bool)
        for s in DEFAULT_LAYOUT.stems:
            if s.drums:
                continue
            x = roll[i][:, DEFAULT_LAYOUT.slice(s.name)] > 0.3
            for p in range(s.pitches):
                pcs[:, (s.low + p) % 12] |= x[:, p]
        ch = feats[i][:, CHROMA]
        for t in np.flatnonzero(ch.max(1) > 0):
            hit += pcs[t, ch[t].argmax()]
            n += 1
    return hit / max(n, 1)


def test_windows_transpose_notes_and_features_together(tmp_path):
    """The batch the trainer sees: after transposition, the input's chroma still names
    pitch classes of the target's notes as often as in the original key (a regression test:
    the latents were once taken before the roll was transposed)."""
    from model.data.build import build
    from model.data.dataset import CachedData, Windows
    from model.embedded import CHECKPOINT, load_prompt_table
    build(tmp_path / "data", seed=3, grooves_per_style=1, bars=6, chorales=0, held_out=0.0, midi_share=1.0,
          progress=False, prompt_load="never", prompt_table=load_prompt_table(CHECKPOINT))
    data = CachedData(tmp_path / "data")
    plain = Windows(data, held_out=False, context=32, target=16)
    moved = Windows(data, held_out=False, context=32, target=16, transpose=True, corrupt=0.5)
    a = _chroma_agreement(plain.sample(np.random.default_rng(0), 64))
    b = _chroma_agreement(moved.sample(np.random.default_rng(0), 64))
    assert a > 0.6 and b > a - 0.1, (a, b)


def test_visibility_shares_parse_and_validate():
    """`lmdm train --visibility`: mode=share text, normalised; unknown modes and bad text refused."""
    import pytest

    from model.data.dataset import VISIBILITY, parse_visibility
    assert parse_visibility(None) == VISIBILITY
    got = parse_visibility("accompany=0.7, delay=0.2,free=0.1")
    assert got == pytest.approx({"delay": 0.2, "accompany": 0.7, "partial": 0.0, "free": 0.1})
    assert parse_visibility({"accompany": 2.0}) == {"delay": 0.0, "accompany": 1.0, "partial": 0.0, "free": 0.0}
    for bad in ("accompany", "acc=1", "delay=-1,free=1", "delay=0", "delay=x"):
        with pytest.raises(ValueError, match="visibility"):
            parse_visibility(bad)
