"""The embedded generator's plumbing on a tiny checkpoint written in tmp_path: contract,
note timing for any block length, the key constraint, seeds, MIDI input, prompt mixing,
and the shipped-checkpoint format."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from model.api import Block, Controls, MidiEvent, check_contract
from model.codec import DEFAULT_LAYOUT, PHRASE_DIM, parse_key, phrase_controls
from model.config import LMDMConfig
from model.embedded import CHECKPOINT, create, load_checkpoint, load_prompt_table, write_checkpoint
from model.prompts import EMBED_DIM, training_texts
from model.transformer import LMDMTransformer

SR = 16000


def _write_tiny(folder, n_controls: int):
    torch.manual_seed(0)
    cfg = LMDMConfig.preset("tiny", latent_dim=DEFAULT_LAYOUT.channels, cond_dim=26, prompt_dim=EMBED_DIM,
                            n_controls=n_controls, context_frames=32, target_frames=16)
    model = LMDMTransformer(cfg)
    with torch.no_grad():  # a visible output: bias the onset channels of a few pitches up
        model.head.bias[:] = -1.0
        model.head.bias[DEFAULT_LAYOUT.slice("keys")] = 0.4
    pairs = training_texts()
    if (CHECKPOINT / "prompts.safetensors").exists():  # real MiniLM vectors, no encoder load
        table = load_prompt_table(CHECKPOINT)
        emb = np.stack([table[t] for _, t in pairs])
    else:  # before any checkpoint exists: unit vectors, one direction per style
        rng = np.random.default_rng(0)
        emb = rng.normal(size=(len(pairs), EMBED_DIM)).astype(np.float32)
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    write_checkpoint(folder, model, cfg, layout=DEFAULT_LAYOUT, density_quantiles=np.linspace(0, 4, 101),
                     prompt_texts=[t for _, t in pairs], prompt_styles=[s for s, _ in pairs],
                     prompt_embeddings=emb, training={"steps": 0})
    return folder


@pytest.fixture(scope="module")
def tiny_ckpt(tmp_path_factory):
    return _write_tiny(tmp_path_factory.mktemp("ckpt"), 1)


def _gen(folder):
    g = create(SR, checkpoint=folder, prompt_encoder="table", threads=1)
    check_contract(g)
    return g


def _run(g, blocks, beats=4.0, controls=Controls(seed=1), mode="accompany", audio=None, midi=()):
    g.reset()
    bpm, out = 120.0, []
    n = int(SR * 60 / bpm * beats)
    for b in range(blocks):
        chunk = np.zeros((n, 1), np.float32) if audio is None else audio[b * n:(b + 1) * n, None]
        g.observe(chunk, list(midi) if b == 0 else [])
        vis = {"accompany": -SR // 20, "delay": n, "free": 0}[mode]
        res = g.generate(Block(b, b * beats, beats, bpm, n, b * n, vis, mode), controls)
        assert res.audio is None
        out.append(res.notes)
    return out


def test_contract_and_note_timing_for_any_block_length(tiny_ckpt):
    g = _gen(tiny_ckpt)
    assert g.stems == DEFAULT_LAYOUT.stem_names and g.name == "embedded"
    for beats in (4.0, 2.0, 6.0):
        for notes in _run(g, 3, beats):
            for n in notes:
                assert 0 <= n.start < beats and n.duration > 0
                assert n.stem in g.stems and 1 <= n.velocity <= 127
        assert any(_run(g, 2, beats)), "the biased tiny model must play something"


def test_same_seed_same_notes_and_reset_forgets(tiny_ckpt):
    g = _gen(tiny_ckpt)
    a = _run(g, 3, controls=Controls(seed=7, prompts=(("funk", 1.0),)))
    b = _run(g, 3, controls=Controls(seed=7, prompts=(("funk", 1.0),)))
    c = _run(g, 3, controls=Controls(seed=8, prompts=(("funk", 1.0),)))
    assert a == b and a != c


def test_key_constraint_keeps_pitched_notes_in_key(tiny_ckpt):
    g = _gen(tiny_ckpt)
    pcs = parse_key("Eb major")
    notes = [n for blk in _run(g, 3, controls=Controls(seed=2, key="Eb major")) for n in blk]
    pitched = [n for n in notes if n.stem != "drums"]
    assert pitched and all(n.pitch % 12 in pcs for n in pitched)
    # an unreadable key is ignored rather than failing the block
    assert _run(g, 1, controls=Controls(seed=2, key="H funky"))


def test_midi_input_becomes_features(tiny_ckpt):
    g = _gen(tiny_ckpt)
    g.reset()
    n = SR * 2
    g.observe(np.zeros((n, 1), np.float32), [MidiEvent(0, bytes([0x90, 64, 100])), MidiEvent(n // 2, bytes([0x80, 64, 0]))])
    f = g._features(0, 16, n / 16)
    assert f[0, 4] == 1.0 and f[2, 24] == 0 and f[:8, 4].min() > 0.9, "E chroma while the key is held"
    assert f[12:, :24].max() == 0, "nothing after the note-off"


def test_heard_prior_puts_the_chord_on_what_was_heard(tiny_ckpt):
    """With one chord tone and a strong heard prior, the keys (which the tiny model plays
    on every pitch alike) play the pitch class held on the MIDI input, from the first
    block that heard it on; without the prior they play another."""
    from dataclasses import replace
    g = _gen(tiny_ckpt)
    held = [MidiEvent(0, bytes([0x90, 64, 100]))]  # E, never released
    g.decode_options = replace(g.decode_options, chord_tones=1, heard_prior=0.0)
    plain = {n.pitch % 12 for blk in _run(g, 3, midi=held)[1:] for n in blk if n.stem == "keys"}
    g.decode_options = replace(g.decode_options, heard_prior=10.0)
    tipped = {n.pitch % 12 for blk in _run(g, 3, midi=held)[1:] for n in blk if n.stem == "keys"}
    assert plain and plain != {4}
    assert tipped == {4}


def test_listen_first_keeps_pitched_stems_quiet_until_the_performer_is_heard(tiny_ckpt):
    """listen_first, accompany mode: bass, keys and lead wait for the performer (pitched
    input at least model.embedded.LISTEN_DB loud, or a MIDI note); from the first block that
    heard it on they play; off, or in delay mode, they play from the start."""
    g = _gen(tiny_ckpt)
    assert g.listen_first is False  # a checkpoint without the meta key: off
    pitched = lambda blocks: [sum(n.stem != "drums" for n in blk) for blk in blocks]  # noqa: E731
    assert all(pitched(_run(g, 3)))
    g.listen_first = True
    assert pitched(_run(g, 3)) == [0, 0, 0], "silence: nothing heard, nothing pitched"
    held = [MidiEvent(0, bytes([0x90, 64, 100]))]
    first, *rest = pitched(_run(g, 3, midi=held))
    assert first == 0 and all(rest), "the first block heard nothing of the note yet (the margin)"
    n = int(SR * 2.0)
    tone = (0.3 * np.sin(2 * np.pi * 220.0 * np.arange(3 * n) / SR)).astype(np.float32)
    tone[:n] = 0.0  # the performer enters in the second bar
    assert pitched(_run(g, 3, audio=tone))[:2] == [0, 0] and pitched(_run(g, 3, audio=tone))[2] > 0
    # an open input's hum (-50 dBFS, 60 Hz and its harmonics) and hiss are not the performer
    t = np.arange(3 * n) / SR
    hum = sum(np.sin(2 * np.pi * 60.0 * h * t) / h for h in (1, 2, 3))
    hum = hum / np.sqrt(np.mean(hum ** 2)) * 10 ** (-50 / 20)
    hiss = np.random.default_rng(0).normal(0.0, 10 ** (-52 / 20), 3 * n)
    assert pitched(_run(g, 3, audio=(hum + hiss).astype(np.float32))) == [0, 0, 0]
    quiet_player = (hum + hiss + tone / 0.3 * 10 ** (-30 / 20) * np.sqrt(2)).astype(np.float32)  # -30 dBFS
    assert pitched(_run(g, 3, audio=quiet_player))[:2] == [0, 0] and pitched(_run(g, 3, audio=quiet_player))[2] > 0
    assert all(pitched(_run(g, 2, mode="delay"))), "delay mode hears its bar: no waiting"
    g.reset()
    assert g.heard_input is False


def test_prompt_mix_and_unknown_prompt_without_encoder(tiny_ckpt):
    g = _gen(tiny_ckpt)
    ok = _run(g, 2, controls=Controls(seed=3, prompts=(("funk", 0.6), ("bossa nova", 0.4))))
    assert ok
    with pytest.raises(KeyError):  # "table" mode never loads MiniLM: the engine reports the error
        _run(g, 1, controls=Controls(seed=3, prompts=(("a prompt never seen", 1.0),)))


def test_checkpoint_files_and_meta(tiny_ckpt):
    model, cfg, meta, table, styles = load_checkpoint(tiny_ckpt)
    assert meta["kind"] == "embedded-roll" and meta["layout"]["stems"][0]["name"] == "bass"
    assert cfg.latent_dim == DEFAULT_LAYOUT.channels and len(table) == len(styles) == len(training_texts())
    assert not model.training
    assert sum(p.stat().st_size for p in Path(tiny_ckpt).iterdir()) < 25e6


def test_a_phrase_model_hears_where_each_bar_sits_in_its_phrase(tmp_path):
    g = _gen(_write_tiny(tmp_path, 1 + PHRASE_DIM))
    assert load_checkpoint(tmp_path)[2]["controls"] == ["density", "phrase"]
    seen = []
    real = g.stream.generate

    def spy(*a, **kw):
        seen.append(kw["controls"].numpy().copy())
        return real(*a, **kw)
    g.stream.generate = spy
    _run(g, 6, controls=Controls(seed=1, density=0.3))  # 4-beat blocks: bars 0..5 since play
    assert np.allclose([c[0] for c in seen], 0.3)
    assert np.array_equal(np.stack([c[1:] for c in seen]), phrase_controls(np.arange(6)))
    # 2-beat engine blocks: one model bar per two blocks, still counted from play (each bar
    # is planned before it begins and re-planned at its second block)
    seen.clear()
    _run(g, 6, beats=2.0)
    assert np.array_equal(np.stack([c[1:] for c in seen]), phrase_controls([0, 0, 1, 1, 2, 2]))
    # 3/4 with 4-beat engine blocks: the model's 4-beat bars are cut at the engine's bar
    # lines, so they start at beats 0, 3, 6, 9 (bars 0-3); those at 3 and 6 are re-planned at
    # the engine blocks that begin inside them (beats 4 and 8)
    seen.clear()
    _run(g, 3, controls=Controls(seed=1, beats_per_bar=3))
    assert np.array_equal(np.stack([c[1:] for c in seen]), phrase_controls([0, 1, 1, 2, 2, 3]))
    # a meter changed while playing moves the bar lines (4/4 from beat 4 = bar 2: origin -4)
    seen.clear()
    _run(g, 3, controls=Controls(seed=1, bar_origin=-4.0))
    assert np.array_equal(np.stack([c[1:] for c in seen]), phrase_controls([1, 2, 3]))
    # phrase=False (lmdm eval --phrase off): the phrase stays "unknown", all zeros
    off = create(SR, checkpoint=tmp_path, prompt_encoder="table", threads=1, phrase=False)
    assert off._control_vector(Controls(density=0.3), 5)[1:].tolist() == [0.0] * PHRASE_DIM
    # a density-only model still gets the density alone
    plain = _gen(_write_tiny(tmp_path / "plain", 1))
    assert plain.config.n_controls == 1 and plain._control_vector(Controls(density=0.8), 5).tolist() == [pytest.approx(0.8)]


def _absolute(blocks, beats):
    return sorted((n.stem, n.pitch, n.velocity, round(b * beats + n.start, 6), round(n.duration, 6))
                  for b, notes in enumerate(blocks) for n in notes)


def test_short_blocks_replan_the_rest_of_the_bar_from_what_was_heard(tiny_ckpt):
    t = np.arange(SR * 8) / SR  # 4 bars at 120 bpm; a tone enters with the second bar
    audio = (0.3 * np.sin(2 * np.pi * 220 * t) * (t >= 2.0)).astype(np.float32)
    g = _gen(tiny_ckpt)
    calls = []
    real = g.stream.generate

    def spy(*a, **kw):
        y = real(*a, **kw)
        calls.append((kw["visible_until"], y.clone()))
        return y
    g.stream.generate = spy
    beats = _run(g, 8, beats=1.0, audio=audio)  # two bars of one-beat blocks
    # each bar: planned before it begins (the margin, 1 frame, unheard), then again at each
    # later beat with the bar heard up to that beat's margin
    assert g.replan_stats["replans"] == 6 and [v for v, _ in calls] == [-1, 3, 7, 11] * 2
    assert all(0 <= n.start < 1 and n.duration > 0 for notes in beats for n in notes)
    assert any(beats), "the biased tiny model must play something"
    # the tone heard in bar 2 moves its re-plans (same noise, more input heard)
    assert (calls[5][1] - calls[4][1]).abs().max() > 1e-4
    assert _run(g, 8, beats=1.0, audio=audio) == beats  # deterministic from the seed
    # replan off: the bar plays its plan as made before it began, the same as 4-beat blocks
    off = create(SR, checkpoint=tiny_ckpt, prompt_encoder="table", threads=1, replan=False)
    per_beat = _run(off, 8, beats=1.0, audio=audio)
    assert off.replan_stats["replans"] == 0 and _absolute(per_beat, 1.0) == _absolute(_run(off, 2, beats=4.0, audio=audio), 4.0)
    # the first beat comes from that same plan, re-planning or not (later bars differ: their
    # context is the bar as played)
    assert beats[0] == per_beat[0]
    # notes already played that a re-plan no longer holds end where it was made (NoteEnd);
    # each names a note struck earlier that would still sound there
    g.reset()
    n, played, ended = SR // 2, [], 0
    for b in range(16):
        g.observe(audio[b * n:(b + 1) * n, None], [])
        res = g.generate(Block(b, float(b), 1.0, 120.0, n, b * n, -SR // 20, "accompany"), Controls(seed=3))
        for e in res.ends:
            assert e.at == 0.0 and any(p.stem == e.stem and p.pitch == e.pitch and p.start < b < p.start + p.duration
                                       for p in played)
        ended += len(res.ends)
        played += [type(x)(x.stem, x.pitch, x.velocity, x.start + b, x.duration) for x in res.notes]
    assert ended == g.replan_stats["not_held"] > 0 and g.replan_stats["replans"] == 12
    # delay and free blocks never re-plan
    _run(g, 4, beats=1.0, audio=audio, mode="free")
    assert g.replan_stats["replans"] == 0


def test_a_mode_switched_mid_bar_meets_the_model_on_its_bar_line(tiny_ckpt):
    """Driven by the engine's planner: delay asked for mid-bar starts on the next bar line,
    where the one-beat accompany blocks have used up the model's bar, and each delay block
    is one whole heard bar generated once (before, the first ones re-voiced a one-beat
    block into a bar-long slot: three beats of silence, then bars off the bar lines)."""
    from bridge.config import EngineConfig
    from bridge.engine import Planner, Settings

    t = np.arange(SR * 10) / SR
    audio = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    g = _gen(tiny_ckpt)
    calls = []
    real = g.stream.generate

    def spy(*a, **kw):
        calls.append(kw["visible_until"])
        return real(*a, **kw)
    g.stream.generate = spy
    st = Settings(bpm=120.0)  # block length auto: a beat in accompany mode, a bar in delay mode
    p = Planner(st, EngineConfig(), SR, period=256)
    p.reset(0)
    g.reset()
    heard, slots, delayed = 0, [], []
    for k in range(12):
        if k == 5:
            st.mode = "delay"  # beat 5: mid-bar
        due = p.next_due()
        if due > heard:
            g.observe(audio[heard:due, None], [])
            heard = due
        slot = p.plan(0)
        slots.append(slot)
        res = g.generate(slot.block, slot.controls)
        if slot.mode == "delay":
            delayed.append(res.notes)
    assert [s.mode for s in slots] == ["accompany"] * 8 + ["delay"] * 4
    assert [(s.start_beat, s.beats) for s in slots[8:]] == [(8.0, 4.0), (12.0, 4.0), (16.0, 4.0), (20.0, 4.0)]
    assert [s.block.start_sample for s in slots[8:]] == [0, 2 * SR, 4 * SR, 6 * SR]  # bars 0-3, re-voiced
    # two accompany bars (each planned, then re-planned at its later beats), then one
    # generation per delay bar, every frame of it heard
    assert len(calls) == 12 and all(v < 16 for v in calls[:8]) and calls[8:] == [16] * 4
    assert g.buffered_frames == 0
    assert all(0 <= n.start < 4.0 for notes in delayed for n in notes)
    assert any(n.start >= 1.0 for notes in delayed for n in notes), "a delay bar plays past its first beat"


def test_the_model_bars_start_on_the_engine_bar_lines_in_any_meter(tiny_ckpt):
    """Driven by the engine's planner with its default one-beat blocks. In 3/4 the model's
    4-beat bars are cut at each bar line, so every fresh generation starts on one (before,
    they ran across the bar lines, a beat later each bar); a pitched note never sounds past
    the bar line it was cut at (shortened, or ended there by a NoteEnd); the stream's history
    holds only the frames played. In 4/4 nothing is cut, but after a reset mid-bar the model
    comes back onto the bar lines at the next one."""
    from bridge.config import EngineConfig
    from bridge.engine import Planner, Settings

    t = np.arange(SR * 10) / SR
    audio = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    g = _gen(tiny_ckpt)
    fresh = []
    real = g._generate_model_block

    def spy(block, controls, spf, first, vis, again=False):
        if not again:
            fresh.append(block.start_beat + first / g.fpb)
        return real(block, controls, spf, first, vis, again)
    g._generate_model_block = spy

    def play(bpb, blocks, reset_at=None, block_beats=0.0):
        st = Settings(bpm=120.0, beats_per_bar=bpb, block_beats=block_beats)
        p = Planner(st, EngineConfig(), SR, period=256)
        p.reset(0)
        g.reset()
        fresh.clear()
        heard, notes, ends = 0, [], []
        for k in range(blocks):
            due = p.next_due()
            if due > heard:
                g.observe(audio[heard:due, None], [])
                heard = due
            slot = p.plan(0)
            if k == reset_at:
                g.reset()
                g.observe(np.zeros((heard, 1), np.float32), [])  # input samples count from play here
            res = g.generate(slot.block, slot.controls)
            notes += [(slot.start_beat + n.start, n) for n in res.notes]
            ends += [(slot.start_beat + e.at, e) for e in res.ends]
        return notes, ends

    notes, ends = play(3, 12)
    assert fresh == [0.0, 3.0, 6.0, 9.0] and g.bar_cuts == 3
    assert g.stream.frames == 3 * 12 + 16  # three bars as played, the fourth as generated
    assert any(n.stem != "drums" for _, n in notes), "the biased tiny model must play something"
    for at, n in notes:
        bar_end = (at // 3 + 1) * 3
        if n.stem != "drums" and bar_end < 12 and at + n.duration > bar_end + 1e-6:  # the last bar was not cut
            assert any(e.stem == n.stem and e.pitch == n.pitch and at < e_at <= bar_end + 1e-6
                       for e_at, e in ends), (at, n)
    assert any(e_at in (3.0, 6.0, 9.0) for e_at, _ in ends)  # notes of earlier blocks ended at the cut
    play(3, 6, block_beats=2.0)  # blocks across the bar lines: cut inside the block at beat 3
    assert fresh == [0.0, 3.0, 6.0, 9.0] and g.bar_cuts == 3
    play(4, 8)
    assert fresh == [0.0, 4.0] and g.bar_cuts == 0
    play(4, 8, reset_at=2)  # /lmdm/reset on beat 2: the model starts a bar there, cut at beat 4
    assert fresh == [0.0, 2.0, 4.0] and g.bar_cuts == 1


def test_a_replan_that_raises_keeps_the_old_plan_and_the_bar_in_place(tiny_ckpt):
    g = _gen(tiny_ckpt)
    real, calls = g.stream.generate, []

    def flaky(*a, **kw):
        calls.append(1)
        if len(calls) == 2:  # the first re-plan (beat 2 of bar 1)
            raise RuntimeError("model failed")
        return real(*a, **kw)
    g.stream.generate = flaky
    g.reset()
    n = SR // 2
    outs = []
    for b in range(12):  # three bars of one-beat blocks
        g.observe(np.zeros((n, 1), np.float32), [])
        try:
            outs.append(g.generate(Block(b, float(b), 1.0, 120.0, n, b * n, -SR // 20, "accompany"), Controls(seed=1)))
        except RuntimeError:
            outs.append(None)
    assert outs[1] is None and all(o is not None for i, o in enumerate(outs) if i != 1)
    assert all(0 <= x.start < 1 for o in outs if o for x in o.notes)
    # the bar kept its place: three bars of history, the later bars planned and re-planned
    assert g.stream.frames == 3 * 16 and g.frame_cursor == 3 * 16
    # (the failed bar plays its old plan to its end; the next bars re-plan as usual)
    assert g.replan_stats["replans"] == 3 + 3 and len(calls) == 2 + 4 + 4


def test_density_half_plays_the_prompted_styles_typical_density(tmp_path):
    folder = _write_tiny(tmp_path, 1)
    plain = _gen(folder)  # no style_density in the meta: the density control as given
    assert plain._density(Controls(density=0.3, prompts=(("funk", 1.0),))) == pytest.approx(0.3)
    from model.embedded import set_inference_defaults
    set_inference_defaults(folder, style_density={"funk": 0.9, "ambient": 0.1})
    g = _gen(folder)
    d = lambda density, *prompts: g._density(Controls(density=density, prompts=prompts))  # noqa: E731
    assert d(0.5, ("funk", 1.0)) == pytest.approx(0.9) and d(0.5, ("ambient", 1.0)) == pytest.approx(0.1)
    assert d(0.5, ("funk", 1.0), ("ambient", 1.0)) == pytest.approx(0.5)  # weighted like the prompts
    assert d(0.5, ("funk", 3.0), ("ambient", 1.0)) == pytest.approx(0.7)
    assert d(0.0, ("funk", 1.0)) == 0.0 and d(1.0, ("ambient", 1.0)) == pytest.approx(1.0)
    assert d(0.25, ("funk", 1.0)) == pytest.approx(0.45) and d(0.75, ("ambient", 1.0)) == pytest.approx(0.55)
    assert d(0.5) == pytest.approx(0.5) and d(0.5, ("swing", 1.0)) == pytest.approx(0.5)  # no style density known
    # a paraphrase, in other case and spacing, is its style's text
    para = next(t for st, t in training_texts() if st == "funk" and t != "funk")
    assert d(0.5, ("  " + para.upper(), 1.0)) == pytest.approx(0.9)
    # the generator feeds it to the model
    g._control_vector(Controls(density=0.5, prompts=(("ambient", 1.0),)), 0)
    assert g._controls[0] == pytest.approx(0.1)


def test_groove_comes_from_the_checkpoint_and_can_be_overridden(tiny_ckpt, tmp_path):
    import shutil

    from model.embedded import set_inference_defaults
    folder = Path(shutil.copytree(tiny_ckpt, tmp_path / "ckpt"))
    set_inference_defaults(folder, decode={"groove": {"lead": 0.6}, "groove_drums": {"bass": ("kick",)},
                                           "restrike": ("bass",)})
    assert _gen(folder).decode_options.groove == {"lead": 0.6}
    assert _gen(folder).decode_options.groove_drums == {"bass": ("kick",)}  # a YAML list read back
    assert _gen(folder).decode_options.restrike == ("bass",)
    assert create(SR, checkpoint=folder, prompt_encoder="table", threads=1, restrike=()).decode_options.restrike == ()
    g = create(SR, checkpoint=folder, prompt_encoder="table", threads=1, restrike="keys",
               groove_drums={"keys": "snare"})  # as a config file's models: may give them
    assert g.decode_options.restrike == ("keys",) and g.decode_options.groove_drums == {"keys": ("snare",)}
    g = create(SR, checkpoint=folder, prompt_encoder="table", threads=1, groove={"bass": 0.3})
    assert g.decode_options.groove == {"bass": 0.3}
    assert len(_run(g, 2)) == 2  # generates and decodes with it
    assert _gen(tiny_ckpt).decode_options.groove is None  # a checkpoint without one: off
    # the performer's control (/lmdm/groove): 0.5 keeps the checkpoint's, 0 unlocks, 1 locks all
    g = _gen(folder)
    assert g._decode_options(Controls()).groove == {"lead": 0.6}
    assert g._decode_options(Controls(groove=0.0)).groove == {"bass": 0.0, "keys": 0.0, "lead": 0.0}
    assert g._decode_options(Controls(groove=0.0)).restrike == ()  # 0: nothing follows the drums
    assert g._decode_options(Controls(groove=0.25)).restrike == ("bass",)
    assert set(g._decode_options(Controls(groove=1.0, key="C major")).groove.values()) == {0.9}
    assert g._decode_options(Controls(groove=1.0, key="C major")).pitch_classes == parse_key("C major")
