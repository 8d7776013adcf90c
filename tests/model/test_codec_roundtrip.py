"""Codec: notes -> roll -> notes is exact at grid resolution; the robust decoder copes
with continuous, noisy rolls; the key constraint masks pitch classes."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from model.codec import (DEFAULT_LAYOUT, DRUM_CLASSES, EXACT, ROBUST, DecodeOptions, GridNote,
                         decode, encode, from_events, parse_key, to_events)

N_FRAMES = 48


@st.composite
def pitched_notes(draw, stem: str):
    spec = DEFAULT_LAYOUT.spec(stem)
    notes = []
    for pitch in draw(st.lists(st.integers(spec.low, spec.high), max_size=6, unique=True)):
        # non-overlapping notes on one pitch: sorted cut points, alternate sound/rest
        cuts = sorted(draw(st.lists(st.integers(0, N_FRAMES), min_size=2, max_size=8, unique=True)))
        for a, b in zip(cuts[:-1], cuts[1:]):
            if draw(st.booleans()):
                notes.append(GridNote(stem, pitch, draw(st.integers(1, 127)), a, b))
    return notes


@st.composite
def drum_notes(draw):
    hits = draw(st.lists(st.tuples(st.integers(0, len(DRUM_CLASSES) - 1), st.integers(0, N_FRAMES - 1)),
                         max_size=20, unique=True))
    return [GridNote("drums", DRUM_CLASSES[c][1], draw(st.integers(1, 127)), t, t + 1) for c, t in hits]


def _key(n: GridNote):
    return (n.start, n.stem, n.pitch)


@settings(max_examples=150, deadline=None)
@given(bass=pitched_notes("bass"), keys=pitched_notes("keys"), lead=pitched_notes("lead"), drums=drum_notes())
def test_roundtrip_exact(bass, keys, lead, drums):
    notes = sorted(bass + keys + lead + drums, key=_key)
    roll = encode(notes, N_FRAMES)
    assert roll.shape == (N_FRAMES, DEFAULT_LAYOUT.channels)
    assert roll.min() >= 0 and roll.max() <= 1
    assert decode(roll, DEFAULT_LAYOUT, EXACT) == notes


@settings(max_examples=50, deadline=None)
@given(keys=pitched_notes("keys"), bass=pitched_notes("bass"))
def test_roundtrip_through_events(keys, bass):
    notes = sorted(keys + bass, key=_key)
    events = to_events(notes, 4, frame_offset=16)
    assert from_events(events, 4, frame_offset=16) == notes


def test_robust_decode_noisy_roll_has_no_stuck_or_smeared_notes():
    rng = np.random.default_rng(0)
    notes = [GridNote("keys", 60, 100, 0, 8), GridNote("keys", 64, 90, 0, 8),
             GridNote("bass", 36, 110, 0, 16), GridNote("drums", 36, 120, 4, 5)]
    roll = encode(notes, 32)
    noisy = np.clip(roll + rng.normal(0, 0.04, roll.shape).astype(np.float32), 0, 1)
    keys = DEFAULT_LAYOUT.slice("keys").start
    noisy[1, keys + 60 - 48] = 0.8  # a smeared onset, as a diffusion model tends to make
    lead = DEFAULT_LAYOUT.slice("lead").start
    noisy[3, lead] = 0.9  # a lead note whose sustain never ends
    noisy[4:, lead] = 0.5
    out = decode(noisy, DEFAULT_LAYOUT, DecodeOptions(min_frames=2, max_frames=16, limit_poly=True, retrigger_jump=0.2))
    assert sorted((n.pitch, n.start, n.end) for n in out if n.stem == "keys") == [(60, 0, 8), (64, 0, 8)]
    assert [(n.pitch, n.start, n.end) for n in out if n.stem == "lead"] == [(60, 3, 19)]
    assert all(n.end - n.start <= 16 for n in out)
    assert [(n.pitch, n.start) for n in out if n.stem == "drums"] == [(36, 4)]


def test_polyphony_cap():
    notes = [GridNote("bass", 30 + i, 100 - i, 0, 4) for i in range(5)]
    out = decode(encode(notes, 8), DEFAULT_LAYOUT, ROBUST)
    assert len(out) == DEFAULT_LAYOUT.spec("bass").max_poly
    assert {n.pitch for n in out} == {30, 31}  # the loudest onsets win


def test_key_constraint_masks_out_of_key_pitches():
    notes = [GridNote("keys", p, 100, 0, 4) for p in (60, 61, 62, 63, 64)]
    opt = DecodeOptions(pitch_classes=parse_key("C major"))
    assert {n.pitch for n in decode(encode(notes, 4), DEFAULT_LAYOUT, opt)} == {60, 62, 64}


@pytest.mark.parametrize("text,pcs", [
    ("C major", {0, 2, 4, 5, 7, 9, 11}), ("A minor", {9, 11, 0, 2, 4, 5, 7, 8}),
    ("F# major", {6, 8, 10, 11, 1, 3, 5}), ("Bb dorian", {10, 0, 1, 3, 5, 7, 8}), ("e", {4, 6, 7, 9, 11, 0, 2, 3})])
def test_parse_key(text, pcs):
    assert parse_key(text) == frozenset(pcs)


@pytest.mark.parametrize("bad", ["", "H major", "C funky", "Cx"])
def test_parse_key_rejects(bad):
    with pytest.raises(ValueError):
        parse_key(bad)


def test_hedged_onsets_decode_audible():
    """A model's hedged onset (below the exact onset level, kept by the relative threshold)
    is played at ROBUST's floor velocity, not at velocity 1; exact decoding keeps velocities."""
    from dataclasses import replace
    roll = np.zeros((8, DEFAULT_LAYOUT.channels), np.float32)
    sl = DEFAULT_LAYOUT.slice("bass")
    roll[0:4, sl.start + 10] = [0.45, 0.3, 0.3, 0.3]
    notes = decode(roll, DEFAULT_LAYOUT, replace(ROBUST, onset_threshold=0.35, relative=0.6))
    assert [(n.stem, n.pitch) for n in notes] == [("bass", DEFAULT_LAYOUT.spec("bass").low + 10)]
    assert notes[0].velocity == ROBUST.min_velocity >= 40
    loud = [GridNote("keys", 60, 100, 0, 4)]
    assert decode(encode(loud, 8), DEFAULT_LAYOUT, ROBUST)[0].velocity == 100


@settings(max_examples=60, deadline=None)
@given(bass=pitched_notes("bass"), keys=pitched_notes("keys"), lead=pitched_notes("lead"), drums=drum_notes(),
       tones=st.integers(1, 5))
def test_chord_tones_limit_the_pitch_classes_of_every_beat(bass, keys, lead, drums, tones):
    """chord_tones: per beat, the pitched stems together sound at most that many pitch
    classes; drums are untouched; with all 12 allowed nothing changes."""
    roll = encode(bass + keys + lead + drums, N_FRAMES)
    out = decode(roll, DEFAULT_LAYOUT, replace(EXACT, chord_tones=tones))
    fpb = DEFAULT_LAYOUT.frames_per_beat
    for beat in range(N_FRAMES // fpb):
        pcs = {n.pitch % 12 for n in out if n.stem != "drums" and n.start < (beat + 1) * fpb and n.end > beat * fpb}
        assert len(pcs) <= tones, (beat, pcs)
    drums_of = lambda ns: sorted((n for n in ns if n.stem == "drums"), key=_key)  # noqa: E731
    assert drums_of(out) == drums_of(decode(roll))
    full = decode(roll, DEFAULT_LAYOUT, replace(EXACT, chord_tones=12))
    assert sorted(full, key=_key) == sorted(decode(roll), key=_key)


def test_chord_tones_keep_the_strongest_pitch_classes():
    # a C major triad held in bass, keys and lead, one loud C# in the keys, one soft D
    notes = [GridNote("bass", 36, 100, 0, 4), GridNote("keys", 64, 100, 0, 4), GridNote("keys", 67, 100, 0, 4),
             GridNote("lead", 72, 100, 0, 4), GridNote("keys", 61, 127, 0, 1), GridNote("lead", 74, 20, 0, 1)]
    out = decode(encode(notes, 4), DEFAULT_LAYOUT, replace(EXACT, chord_tones=3))
    assert {n.pitch for n in out} == {36, 64, 67, 72}


def test_heard_prior_tips_the_chord_towards_what_was_heard():
    """heard_prior: pitch classes the performer was heard playing win a beat's chord tones
    over ones the roll plays as loudly; never one the roll does not play; weight 0 or no
    heard levels change nothing."""
    # the roll hedges between C major (C E G) and A minor (A C E): G and A equally loud
    notes = [GridNote("bass", 36, 100, 0, 4), GridNote("keys", 64, 100, 0, 4), GridNote("keys", 67, 90, 0, 4),
             GridNote("keys", 69, 90, 0, 4)]
    roll = encode(notes, 4)
    heard = np.zeros((1, 12))
    heard[0, [9, 0, 4, 6]] = 1.0  # A minor heard, and an F# the roll never plays
    opts = replace(EXACT, chord_tones=3)
    plain = {n.pitch for n in decode(roll, DEFAULT_LAYOUT, opts)}
    assert decode(roll, DEFAULT_LAYOUT, replace(opts, heard_prior=0.0), heard) == decode(roll, DEFAULT_LAYOUT, opts)
    tipped = {n.pitch for n in decode(roll, DEFAULT_LAYOUT, replace(opts, heard_prior=0.5), heard)}
    assert tipped == {36, 64, 69} and plain != tipped
    assert all(p % 12 != 6 for p in tipped)


def test_heard_pitch_classes_hold_the_last_heard_beat():
    from model.embedded import heard_pitch_classes
    from model.features import FEATURE_DIM
    fpb, beats = 4, 4
    feats = np.zeros((fpb + beats * fpb, FEATURE_DIM), np.float32)
    feats[:fpb, 7] = 1.0  # G in the beat before the block
    feats[fpb:fpb + 3, 0] = 1.0  # C in the block's first three frames ...
    feats[fpb + 3:, 2] = 1.0  # ... D from the fourth frame on (not heard yet below)
    out = heard_pitch_classes(feats, 3, fpb, beats)
    assert out.shape == (beats, 12)
    assert out[0, 0] == 3 and out[0, 2] == 0  # beat 1: the three heard frames
    assert (out[1:] == out[0]).all()  # not heard yet: the last heard beat holds
    before = heard_pitch_classes(feats, -1, fpb, beats)  # nothing of the block heard
    assert before[:, 7].tolist() == [3.0] * beats and before[:, 0].sum() == 0  # the margin hides frame -1
    assert heard_pitch_classes(feats, -fpb * 2, fpb, beats).sum() == 0  # free mode: nothing heard


def test_chord_span_makes_the_beats_of_a_group_share_one_chord():
    """chord_span 4: a bar's four beats keep the bar's strongest pitch classes, though
    one beat alone would have chosen others."""
    bar = [GridNote("bass", 36, 100, 0, 16), GridNote("keys", 64, 100, 0, 16), GridNote("keys", 67, 100, 0, 16)]
    odd = [GridNote("keys", 62, 127, 4, 8), GridNote("keys", 65, 127, 4, 8), GridNote("lead", 69, 127, 4, 8)]
    roll = encode(bar + odd, 16)
    opts = replace(EXACT, chord_tones=3)
    per_beat = decode(roll, DEFAULT_LAYOUT, opts)
    assert {n.pitch for n in per_beat if n.start == 4} == {62, 65, 69}  # beat 2 alone: D F A
    per_bar = decode(roll, DEFAULT_LAYOUT, replace(opts, chord_span=4))
    assert {n.pitch % 12 for n in per_bar} == {0, 4, 7}  # the bar's C E G everywhere


def test_groove_starts_pitched_notes_with_the_drums():
    """groove: a hedged bass onset on a drum hit plays, one off the drums' grid does not (and
    the same onsets without groove decode both or neither), and drums themselves are unchanged."""
    roll = np.zeros((16, DEFAULT_LAYOUT.channels), np.float32)
    bass, drums = DEFAULT_LAYOUT.slice("bass"), DEFAULT_LAYOUT.slice("drums")
    roll[[0, 8], drums.start] = 0.9  # kick on frames 0 and 8
    roll[0, bass.start + 5] = 0.4  # hedged onset on the kick
    roll[6, bass.start + 9] = 0.5  # a firmer one between the hits
    plain = replace(ROBUST, onset_threshold=0.45)
    without = {(n.start, n.pitch) for n in decode(roll, DEFAULT_LAYOUT, plain) if n.stem == "bass"}
    low = DEFAULT_LAYOUT.spec("bass").low
    assert without == {(6, low + 9)}
    locked = decode(roll, DEFAULT_LAYOUT, replace(plain, groove={"bass": 0.5}))
    assert {(n.start, n.pitch) for n in locked if n.stem == "bass"} == {(0, low + 5)}
    assert [n for n in locked if n.stem == "drums"] == [n for n in decode(roll, DEFAULT_LAYOUT, plain) if n.stem == "drums"]
    no_drums = roll.copy()
    no_drums[:, drums] = 0.0  # drums silent all block: nothing to lock to, decoded as without groove
    assert decode(no_drums, DEFAULT_LAYOUT, replace(plain, groove={"bass": 0.5})) == decode(no_drums, DEFAULT_LAYOUT, plain)


def test_groove_is_per_stem():
    """A stem without a groove share decodes as before while another stem locks to the drums."""
    roll = np.zeros((16, DEFAULT_LAYOUT.channels), np.float32)
    roll[[0, 8], DEFAULT_LAYOUT.slice("drums").start] = 0.9
    for stem in ("bass", "lead"):
        roll[0, DEFAULT_LAYOUT.slice(stem).start + 5] = 0.4
    plain = replace(ROBUST, onset_threshold=0.45)
    locked = decode(roll, DEFAULT_LAYOUT, replace(plain, groove={"lead": 0.5}))
    assert {n.stem for n in locked if n.start == 0} == {"lead", "drums"}
    assert not [n for n in decode(roll, DEFAULT_LAYOUT, plain) if n.stem in ("bass", "lead")]


def test_scale_groove_maps_the_performer_control_around_the_tuned_setting():
    from model.codec import GROOVE_MAX, scale_groove
    stems = ("bass", "keys", "lead")
    tuned = {"lead": 0.6}
    assert scale_groove(tuned, 0.5, stems) == {"bass": 0.0, "keys": 0.0, "lead": 0.6}
    assert scale_groove(tuned, 0.0, stems) == dict.fromkeys(stems, 0.0)
    assert scale_groove(tuned, 1.0, stems) == dict.fromkeys(stems, GROOVE_MAX)
    half = scale_groove(tuned, 0.75, stems)
    assert half["lead"] == pytest.approx(0.75) and half["bass"] == pytest.approx(0.45)
    assert scale_groove(None, 0.25, stems) == dict.fromkeys(stems, 0.0)
    assert scale_groove(tuned, 7.0, stems) == scale_groove(tuned, 1.0, stems)  # clamped


def test_groove_drums_choose_the_drum_classes_a_stem_locks_to():
    """A bass locked to the kick plays a hedged onset on the kick, not one on a hi-hat (which
    locks it when every class counts); an unknown class name is a clear error."""
    roll = np.zeros((16, DEFAULT_LAYOUT.channels), np.float32)
    drums, bass = DEFAULT_LAYOUT.slice("drums"), DEFAULT_LAYOUT.slice("bass")
    kick, hat = (next(i for i, c in enumerate(DRUM_CLASSES) if c[0] == n) for n in ("kick", "closed_hat"))
    roll[0, drums.start + kick] = 0.9
    roll[4, drums.start + hat] = 0.9
    roll[[0, 4], bass.start + 7] = 0.4
    locked = replace(ROBUST, onset_threshold=0.45, groove={"bass": 0.5})
    starts = lambda opt: sorted(n.start for n in decode(roll, DEFAULT_LAYOUT, opt) if n.stem == "bass")  # noqa: E731
    assert starts(locked) == [0, 4]
    assert starts(replace(locked, groove_drums={"bass": ["kick"]})) == [0]
    assert replace(locked, groove_drums={"bass": ["kick"]}).groove_drums == {"bass": ("kick",)}
    assert replace(locked, groove_drums={"bass": "kick"}).groove_drums == {"bass": ("kick",)}
    with pytest.raises(ValueError, match="unknown drum class"):
        replace(locked, groove_drums={"bass": ("cowbell",)})


def test_restrike_strikes_held_notes_again_on_the_drum_hits():
    """A bass holding one pitch through a bar is struck again on each kick (same pitch and
    velocity, no gap), not on a hi-hat; without restrike, or with silent drums, it holds."""
    roll = np.zeros((16, DEFAULT_LAYOUT.channels), np.float32)
    drums, bass = DEFAULT_LAYOUT.slice("drums"), DEFAULT_LAYOUT.slice("bass")
    kick, hat = (next(i for i, c in enumerate(DRUM_CLASSES) if c[0] == n) for n in ("kick", "closed_hat"))
    roll[[0, 6, 8], drums.start + kick] = 0.9
    roll[[2, 10], drums.start + hat] = 0.9
    roll[0, bass.start + 7] = 0.9
    roll[1:16, bass.start + 7] = 0.5  # held all bar
    plain = replace(ROBUST, onset_threshold=0.45, groove_drums={"bass": ("kick",)})
    spans = lambda opt, r=roll: [(n.start, n.end, n.pitch, n.velocity)  # noqa: E731
                                 for n in decode(r, DEFAULT_LAYOUT, opt) if n.stem == "bass"]
    (held,) = spans(plain)
    assert held[:2] == (0, 16)
    struck = spans(replace(plain, restrike=["bass"]))
    assert [(a, b) for a, b, _, _ in struck] == [(0, 6), (6, 8), (8, 16)]
    assert {(p, v) for _, _, p, v in struck} == {held[2:]}
    assert replace(plain, restrike=["bass"]).restrike == ("bass",)
    assert replace(plain, restrike="bass").restrike == ("bass",)  # one name, not its letters
    assert spans(replace(plain, restrike=("lead",))) == [held]  # another stem's restrike
    every = [(a, b) for a, b, _, _ in spans(replace(plain, restrike=("bass",), groove_drums=None))]
    assert every == [(0, 2), (2, 6), (6, 8), (8, 10), (10, 16)]  # every class: the hats too
    no_drums = roll.copy()
    no_drums[:, drums] = 0.0
    assert spans(replace(plain, restrike=("bass",)), no_drums) == [held]
