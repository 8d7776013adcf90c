"""The harmony predictor (model/harmony.py): its beat chroma, safetensors round trip, the
training command on a tiny dataset, the decoder's per-beat prior weights, and how the
embedded generator uses it for the beats of a bar not heard yet."""
from __future__ import annotations

import json
import logging
import shutil

import numpy as np
import pytest
import torch

from bridge.cli import main as lmdm
from model.api import Block, Controls, MidiEvent
from model import harmony as H
from model.codec import DEFAULT_LAYOUT, agree_on_chords
from model.embedded import CHECKPOINT, create, load_prompt_table, set_inference_defaults
from model.features import FEATURE_DIM

from test_embedded_generator import _run, _write_tiny  # tests/model is on sys.path (rootdir imports)

SR = 16000


def test_beat_chroma_sums_each_beat_and_scales_rows():
    f = np.zeros((9, FEATURE_DIM), np.float32)  # 2 whole beats of 4 frames (+1 left over)
    f[0:2, 4] = 0.5  # E in beat 0's chroma
    f[1, 7] = 0.25  # G, weaker
    f[5, 12 + 2] = 3.0  # D in beat 1's bass chroma
    x = H.beat_chroma(f, 4)
    assert x.shape == (2, 2, 12)
    assert x[0, 0, 4] == 1.0 and x[0, 0, 7] == pytest.approx(0.25) and x[0, 1].max() == 0
    assert x[1, 1, 2] == 1.0 and x[1, 0].max() == 0


def test_predictor_round_trips_through_safetensors_and_refuses_other_files(tmp_path):
    torch.manual_seed(0)
    m = H.HarmonyPredictor(prompt_dim=8, hidden=16).eval()
    H.save(m, tmp_path / "h.safetensors", {"steps": 0})
    back, training = H.load(tmp_path / "h.safetensors")
    assert training == {"steps": 0} and back.shape == m.shape and not back.training
    hist = np.random.default_rng(0).random((5, 2, 12)).astype(np.float32)  # fewer beats than HISTORY
    p = m.predict(hist, 1, [0, 1, 2], np.ones(8, np.float32))
    assert p.shape == (3, 12) and ((p > 0) & (p < 1)).all()
    np.testing.assert_array_equal(back.predict(hist, 1, [0, 1, 2], np.ones(8, np.float32)), p)
    assert not np.allclose(p[0], p[1]), "the lookahead and the beat's place are inputs"
    with pytest.raises(ValueError, match="not a harmony predictor"):
        H.load(CHECKPOINT / "model.safetensors")


def test_a_predictor_with_band_input_reads_the_bands_history(tmp_path):
    torch.manual_seed(0)
    m = H.HarmonyPredictor(prompt_dim=8, hidden=16, history=6, band=True).eval()
    H.save(m, tmp_path / "b.safetensors", {"targets": ["bass"]})
    back, _ = H.load(tmp_path / "b.safetensors")
    assert back.band and back.shape == {"prompt_dim": 8, "hidden": 16, "history": 6, "band": True}
    assert "band" not in H.HarmonyPredictor(prompt_dim=8, hidden=16).shape  # first-version files unchanged
    hist = np.random.default_rng(0).random((9, 2, 12)).astype(np.float32)
    band = np.zeros((3, 12), np.float32)
    band[-1, 7] = 1.0
    p = back.predict(hist, 0, [1], None, band)
    assert p.shape == (1, 12)
    assert not np.allclose(p, back.predict(hist, 0, [1], None)), "the band's history is an input"
    np.testing.assert_array_equal(back.predict(hist, 0, [1], None, np.zeros((0, 12))), back.predict(hist, 0, [1], None))


def test_roll_pitch_classes_marks_every_beat_a_stems_note_sounds_in():
    from model.codec import GridNote, encode
    notes = [GridNote("bass", 40, 100, 2, 9), GridNote("keys", 67, 80, 8, 12), GridNote("lead", 74, 80, 0, 16),
             GridNote("drums", 36, 100, 0, 1)]
    roll = encode(notes, 16, DEFAULT_LAYOUT)
    pcs = H.roll_pitch_classes(roll, DEFAULT_LAYOUT, ("bass", "keys"))
    assert pcs.shape == (4, 12)
    assert [np.flatnonzero(b).tolist() for b in pcs] == [[4], [4], [4, 7], []]
    assert np.flatnonzero(H.roll_pitch_classes(roll, DEFAULT_LAYOUT, ("lead",))[3]).tolist() == [2]


def test_the_decoder_weighs_each_beats_prior_on_its_own():
    """agree_on_chords with one weight per beat: a beat with weight 0 keeps the roll's own
    strongest pitch class, a beat with a large weight takes the prior's."""
    roll = np.zeros((8, DEFAULT_LAYOUT.channels), np.float32)
    keys = DEFAULT_LAYOUT.slice("keys")
    low = DEFAULT_LAYOUT.spec("keys").low
    roll[:, keys.start + (60 - low)] = 0.9  # C everywhere, strong
    roll[:, keys.start + (64 - low)] = 0.3  # E everywhere, weak
    heard = np.zeros((2, 12), np.float32)
    heard[:, 4] = 1.0  # the prior says E
    out = agree_on_chords(roll, DEFAULT_LAYOUT, 1, heard, np.array([0.0, 10.0]))
    assert out[0:4, keys.start + (60 - low)].min() == 0.9 and out[0:4, keys.start + (64 - low)].max() == 0
    assert out[4:8, keys.start + (64 - low)].min() == 0.3 and out[4:8, keys.start + (60 - low)].max() == 0


@pytest.fixture(scope="module")
def ckpt_with_harmony(tmp_path_factory):
    folder = _write_tiny(tmp_path_factory.mktemp("hckpt"), 1)
    torch.manual_seed(1)
    H.save(H.HarmonyPredictor(prompt_dim=384, hidden=16).eval(), folder / H.FILE, {"steps": 0})
    set_inference_defaults(folder, decode={"chord_tones": 3, "heard_prior": 0.5, "harmony_prior": 1.0},
                           sampling={"harmony": True})
    return folder


def test_the_generator_predicts_the_beats_not_heard_yet(ckpt_with_harmony):
    g = create(SR, checkpoint=ckpt_with_harmony, prompt_encoder="table", threads=1)
    assert g.harmony is not None and g.decode_options.harmony_prior == 1.0
    spf = SR * 60 / 120 / 4
    n = int(8 * 16 * spf)  # 8 bars of a held E (MIDI) up to the end of the block
    g.observe(np.zeros((n, 1), np.float32), [MidiEvent(0, bytes([0x90, 64, 100]))])
    heard = np.full((4, 12), 0.5, np.float32)
    start = int(7 * 16 * spf)  # the 8th bar, 5 of its frames heard: beats 0 and 1 are (partly) heard
    out, first = g._anticipate(heard, start, 5, spf, 28.0, Controls())
    assert first == 2
    np.testing.assert_array_equal(out[:2], heard[:2])
    hist = H.beat_chroma(g._features(start + int(round((1 - H.HISTORY) * 4 * spf)), H.HISTORY * 4, spf), 4)
    assert hist[-1, 0, 4] == 1.0, "the history ends with the last beat heard, E sounding"
    np.testing.assert_allclose(out[2:], g.harmony.predict(hist, 1, [2, 3], None))
    _, first = g._anticipate(heard, start, 16, spf, 28.0, Controls())
    assert first == 4, "a bar heard in full keeps its heard prior"
    calls = []
    anticipate = g._anticipate
    g._anticipate = lambda *a: calls.append(a[2]) or anticipate(*a)  # noqa: E731
    blocks = _run(g, 3, beats=1.0, midi=[MidiEvent(0, bytes([0x90, 64, 100]))])  # one-beat blocks: re-plans
    assert calls and any(n.stem != "drums" for blk in blocks for n in blk)
    assert set(calls) >= {-1, 3}, "each bar planned a margin before it, then re-planned beat by beat"
    _run(g, 1, controls=Controls(seed=1, prompts=(("funk", 3.0), ("bossa nova", 1.0))))
    table = g.prompts.table()
    mixed = 0.75 * table[g.prompts.key("funk")] + 0.25 * table[g.prompts.key("bossa nova")]
    np.testing.assert_allclose(g.stream.mixed_prompt.numpy(), mixed, atol=1e-6)  # what the predictor hears


def test_a_band_predictor_hears_what_the_generator_played(ckpt_with_harmony, tmp_path):
    """With a band predictor the generator records the pitch classes its bass and keys
    sounded per beat since play (a re-plan keeps the beats already played) and hands the
    history beats' record to the predictor."""
    folder = tmp_path / "band"
    shutil.copytree(ckpt_with_harmony, folder)
    torch.manual_seed(2)
    H.save(H.HarmonyPredictor(prompt_dim=384, hidden=16, history=8, band=True).eval(), folder / H.FILE,
           {"targets": ["bass", "keys"], "band": ["bass", "keys"]})
    g = create(SR, checkpoint=folder, prompt_encoder="table", threads=1)
    assert g.harmony.band and g.harmony_stems == ("bass", "keys")
    from model.codec import GridNote
    notes = [GridNote("bass", 40, 100, 0, 6), GridNote("keys", 67, 90, 12, 16), GridNote("drums", 36, 100, 0, 1)]
    g._remember_harmony(notes, 8, 0)
    assert sorted(g.played_pcs) == [8, 9, 10, 11]
    assert np.flatnonzero(g.played_pcs[8]).tolist() == [4] and np.flatnonzero(g.played_pcs[9]).tolist() == [4]
    assert not g.played_pcs[10].any() and np.flatnonzero(g.played_pcs[11]).tolist() == [7]
    g._remember_harmony([GridNote("keys", 60, 90, 0, 16)], 8, 2)  # a re-plan after two beats played
    assert np.flatnonzero(g.played_pcs[9]).tolist() == [4] and np.flatnonzero(g.played_pcs[10]).tolist() == [0]
    seen = []
    predict = g.harmony.predict
    g.harmony.predict = lambda *a: seen.append(a[4]) or predict(*a)  # noqa: E731
    spf = SR * 60 / 120 / 4
    g.observe(np.zeros((int(4 * 16 * spf), 1), np.float32), [])
    g._anticipate(np.zeros((4, 12), np.float32), int(3 * 16 * spf), 0, spf, 12.0, Controls())
    assert seen[-1].shape == (8, 12)
    assert not seen[-1][:4].any(), "beats 4-7 were not played: silence"
    np.testing.assert_array_equal(seen[-1][4:], np.stack([g.played_pcs[b] for b in range(8, 12)]))
    g.reset()
    assert g.played_pcs == {}
    blocks = _run(g, 3, beats=1.0, midi=[MidiEvent(0, bytes([0x90, 64, 100]))])  # the whole path
    played = {(b, pc) for b, v in g.played_pcs.items() for pc in np.flatnonzero(v)}
    assert len(blocks) == 3 and all(b >= 0 for b, _ in played)
    # play again from beat 0 without a reset: the last take's beats are forgotten
    g.played_pcs.update({b: np.ones(12, np.float32) for b in range(40)})
    n = int(SR * 60 / 120 * 4)
    g.observe(np.zeros((n, 1), np.float32), [])
    g.generate(Block(0, 0.0, 4.0, 120.0, n, 0, -SR // 20, "accompany"), Controls(seed=1))
    assert len(g.played_pcs) == 4 and max(g.played_pcs) < 5, "only the new take's bar (after the buffered beat)"


def test_harmony_asked_for_without_its_file_is_an_error_and_the_checkpoints_choice_a_warning(
        ckpt_with_harmony, tmp_path, caplog):
    folder = tmp_path / "copy"
    shutil.copytree(ckpt_with_harmony, folder)
    (folder / H.FILE).unlink()
    with pytest.raises(FileNotFoundError, match="lmdm harmony train"):
        create(SR, checkpoint=folder, prompt_encoder="table", harmony=True)
    with caplog.at_level(logging.WARNING, logger="model.embedded"):
        g = create(SR, checkpoint=folder, prompt_encoder="table")
    assert g.harmony is None and "harmony.safetensors not found" in caplog.text
    assert create(SR, checkpoint=ckpt_with_harmony, prompt_encoder="table", harmony=False).harmony is None


def test_the_shipped_checkpoint_uses_its_predictor():
    from model.embedded import load_checkpoint
    _, _, meta, _, _ = load_checkpoint(CHECKPOINT)
    assert meta["sampling"]["harmony"] is True
    m, training = H.load(CHECKPOINT / H.FILE)
    assert m.shape["prompt_dim"] == 384 and training["top3_precision_ahead_0"] > 0.5
    assert m.band and training["band"] == ["bass", "keys"], "it reads what the band played (trained on rollouts)"
    assert sum(p.stat().st_size for p in CHECKPOINT.iterdir()) < 25e6


@pytest.mark.slow
def test_lmdm_harmony_train_on_a_tiny_dataset(tmp_path, capsys):
    from model.data.build import build
    from model.data.dataset import CachedData
    table = load_prompt_table(CHECKPOINT)
    build(tmp_path / "data", seed=2, grooves_per_style=1, bars=6, chorales=0, held_out=0.3, midi_share=0.5,
          sample_rate=16000, progress=False, prompt_load="never", prompt_table=table)
    data = CachedData(tmp_path / "data")
    i = int(data.split(False)[0])
    x, y = H.piece_arrays(data, i)
    notes = data.piece_notes(i)
    beat0 = {int(p) % 12 for _, s, p, _, a, b in notes.tolist() if s in (0, 1) and a < 4 and b > 0}
    assert x.shape == (int(data.pieces.n_frames[i]) // 4, 2, 12) and set(np.flatnonzero(y[0])) == beat0
    out = tmp_path / "h.safetensors"
    assert lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out), "--steps", "30",
                 "--hidden", "32", "--json", "--no-progress", "--plot", str(tmp_path / "loss.png")]) == 0
    r = json.loads(capsys.readouterr().out)
    assert set(r["top3_precision"]) == {f"ahead {k}" for k in range(H.LOOKAHEAD)}
    for v in r["top3_precision"].values():
        assert 0.0 <= v["predictor"] <= 1.0 and 0.0 <= v["last heard beat"] <= 1.0
    assert H.load(out)[0].shape["hidden"] == 32 and (tmp_path / "loss.png").stat().st_size > 1000
    assert r["targets"] == ["bass", "keys"] and r["band"] == [] and r["history"] == 32
    assert lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out), "--steps", "20",
                 "--hidden", "16", "--history", "8", "--band", "bass", "--validate", str(tmp_path / "data"),
                 "--json", "--no-progress"]) == 0
    r = json.loads(capsys.readouterr().out)
    m = H.load(out)[0]
    assert m.band and m.shape["history"] == 8 and r["band_noise"] == 0.2 and r["band"] == ["bass"]
    assert r["validation"]["pieces"] == len(CachedData(tmp_path / "data").split(True))
    assert all(0 <= v["predictor"] <= 1 and "predictor, no band history" in v
               for v in r["validation"]["top3_precision"].values())
    with pytest.raises(ValueError, match="--targets"):
        lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out), "--targets", "drums"])
    with pytest.raises(ValueError, match="--band"):
        lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out), "--band", "bass,tuba"])
    # the band history from what a generator played (an `lmdm data rollouts` file): here the
    # true roll shifted by 7 channels, for the first training piece only
    data = CachedData(tmp_path / "data")
    first = int(data.split(False)[0])
    o, n = int(data.pieces.offset[first]), int(data.pieces.n_frames[first])
    roll = np.zeros(data.roll.shape, np.float16)
    roll[o:o + n] = np.roll(np.asarray(data.roll[o:o + n]), 7, axis=1)
    streamed = np.zeros(len(data.pieces.name), bool)
    streamed[first] = True
    np.savez_compressed(tmp_path / "r.npz", roll=roll, pieces=streamed, meta=np.array("{}"))
    played = H.roll_pitch_classes(roll[o:o + n], data.layout, ("bass", "keys"))
    ex = H.examples(data, [first, int(data.split(False)[1])], band_stems=("bass", "keys"),
                    played=lambda i: played if i == first else None)
    def last_window(sel, source):  # the history before the piece's last beat (shorter pieces: zeros first)
        win = ex["band"][sel][ex["ahead"][sel] == 0][-1]
        k = min(H.HISTORY, len(source) - 1)
        assert not win[:H.HISTORY - k].any()
        np.testing.assert_array_equal(win[H.HISTORY - k:], source[len(source) - 1 - k:-1])
    mine = ex["piece"] == first
    assert played.any() and not np.array_equal(played, H.piece_arrays(data, first)[1])
    last_window(mine, played)
    last_window(~mine, H.piece_arrays(data, int(data.split(False)[1]))[1])
    assert lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out), "--steps", "10",
                 "--hidden", "16", "--band", "bass,keys", "--band-rollouts", str(tmp_path / "r.npz"),
                 "--band-noise", "0", "--json", "--no-progress"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["band_rollouts"] == str(tmp_path / "r.npz") and H.load(out)[0].band
    both = f"{tmp_path / 'r.npz'},{tmp_path / 'r.npz'}"  # two rollout files: every training piece twice
    assert lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out), "--steps", "10",
                 "--hidden", "16", "--band", "bass,keys", "--band-rollouts", both, "--json", "--no-progress"]) == 0
    r2 = json.loads(capsys.readouterr().out)
    assert r2["examples"]["train"] == 2 * r["examples"]["train"] and r2["examples"]["held_out"] == r["examples"]["held_out"]
    with pytest.raises(ValueError, match="needs --band"):
        lmdm(["harmony", "train", "--data", str(tmp_path / "data"), "--out", str(out),
              "--band-rollouts", str(tmp_path / "r.npz")])
