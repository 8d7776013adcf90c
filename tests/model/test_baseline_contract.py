"""The baseline honours the generator contract, its controls and determinism."""
from __future__ import annotations

import numpy as np
import pytest

from model.api import Block, Controls, MidiEvent, check_contract, load_generator
from model.baseline import BaselineGenerator, create, diatonic, parse_key

SR = 48000
BPM = 120.0
BAR = SR * 2  # one 4/4 bar at 120 bpm


def run(gen, controls, blocks=4, mode="accompany", audio=None):
    """Feed `audio` (or silence) bar by bar and collect each block's notes."""
    gen.reset()
    out = []
    for b in range(blocks):
        x = np.zeros((BAR, 1), np.float32) if audio is None else audio[b * BAR:(b + 1) * BAR, None]
        for i in range(0, BAR, 1024):
            gen.observe(x[i:i + 1024], [])
        vis = {"accompany": -2400, "delay": BAR, "free": 0}[mode]
        start = (b + 1) * BAR if mode == "accompany" else b * BAR
        block = Block(index=b, start_beat=4.0 * b, beats=4.0, bpm=BPM, samples=BAR,
                      start_sample=start, visible_until=vis, mode=mode)
        out.append(gen.generate(block, controls))
    return out


def test_registered_and_passes_the_contract_check():
    gen = load_generator("baseline", SR)
    assert isinstance(gen, BaselineGenerator)
    assert gen.name == "baseline" and gen.sample_rate == SR
    assert gen.stems == ("bass", "keys", "lead", "drums")
    check_contract(gen)
    with pytest.raises(TypeError):
        create(SR, no_such_option=1)
    check_contract(create(SR, stems=("bass", "drums")))


@pytest.mark.parametrize("density", [0.0, 0.5, 1.0])
def test_notes_are_well_formed_and_on_the_grid(density):
    for blk in run(create(SR), Controls(seed=3, density=density), blocks=3):
        assert blk.audio is None and blk.notes
        for n in blk.notes:
            assert n.stem in ("bass", "keys", "lead", "drums")
            assert 0.0 <= n.start < 4.0 and n.duration > 0.0
            assert 1 <= n.velocity <= 127 and 0 <= n.pitch <= 127
            assert abs(n.start * 4 - round(n.start * 4)) < 1e-9  # sixteenth grid


def test_seed_makes_it_deterministic():
    a = run(create(SR), Controls(seed=7, density=0.8))
    b = run(create(SR), Controls(seed=7, density=0.8))
    c = run(create(SR), Controls(seed=8, density=0.8))
    assert [x.notes for x in a] == [x.notes for x in b]
    assert [x.notes for x in a] != [x.notes for x in c]


def test_density_makes_it_busier():
    counts = [sum(len(x.notes) for x in run(create(SR), Controls(seed=1, density=d))) for d in (0.0, 0.5, 1.0)]
    assert counts[0] < counts[1] < counts[2], counts


def test_parse_key():
    assert parse_key("C minor") == (0, "minor")
    assert parse_key("F# major") == (6, "major")
    assert parse_key("Bb") == (10, "major")
    assert parse_key("Ebm") == (3, "minor")
    assert parse_key("a") == (9, "minor")
    assert parse_key(None) is None and parse_key("") is None
    with pytest.raises(ValueError, match="H dorian"):
        parse_key("H dorian")
    # every mode /lmdm/key takes (bridge/osc_table.KEY_MODES, as the table writes them)
    from bridge.osc_table import KEY_MODES
    from bridge.osc_table import parse_key as osc_key
    for mode in KEY_MODES:
        assert parse_key(osc_key(f"f# {mode}")) == (6, mode)
    assert parse_key("A aeolian") == (9, "minor") and parse_key("G Ionian") == (7, "major")
    with pytest.raises(ValueError, match="C blues"):
        parse_key("C blues")


@pytest.mark.parametrize("key, tones, roots", [
    ("D dorian", {2, 4, 5, 7, 9, 11, 0}, [2, 9, 2, 7]),  # i v (VI: none) IV, with B natural
    ("C mixolydian", {0, 2, 4, 5, 7, 9, 10}, [0, 7, 9, 5]),  # I v vi IV, with B flat
])
def test_free_mode_plays_in_a_church_mode(key, tones, roots):
    """/lmdm/key "D dorian" used to make every block raise (the baseline read major and minor
    only): now the default progression takes the mode's triads and every pitched note is in
    the mode."""
    blocks = run(create(SR), Controls(seed=0, key=key, density=0.8), blocks=4, mode="free")
    assert [next(n.pitch % 12 for n in b.notes if n.stem == "bass") for b in blocks] == roots
    for b in blocks:
        assert all(n.pitch % 12 in tones for n in b.notes if n.stem != "drums"), key


@pytest.mark.parametrize("density", [0.2, 0.5, 1.0])
def test_free_mode_plays_the_default_progression_in_the_key(density):
    # no input at all: I V vi IV in the key; every pitched note is in the key's scale
    blocks = run(create(SR), Controls(seed=0, key="D major", density=density), blocks=4, mode="free")
    roots = [next(n.pitch % 12 for n in b.notes if n.stem == "bass") for b in blocks]
    assert roots == [2, 9, 11, 7]
    d_major = {2, 4, 6, 7, 9, 11, 1}
    for b in blocks:
        assert all(n.pitch % 12 in d_major for n in b.notes if n.stem != "drums")


def test_key_restricts_chords_to_the_diatonic_ones():
    t = np.arange(BAR * 2) / SR
    e_major = sum(0.1 * np.sin(2 * np.pi * 440 * 2 ** ((p - 69) / 12) * t) for p in (52, 64, 68, 71))
    blocks = run(create(SR), Controls(seed=0, key="C major"), blocks=2, mode="delay",
                 audio=e_major.astype(np.float32))
    allowed = {c.tones for c in diatonic((0, "major"))}
    for b in blocks:
        keys = frozenset(n.pitch % 12 for n in b.notes if n.stem == "keys")
        assert any(keys == frozenset(t) for t in allowed), keys
        assert all(n.pitch % 12 in {0, 2, 4, 5, 7, 9, 11} for n in b.notes if n.stem != "drums")


def test_midi_note_off_forms_are_all_understood():
    gen = create(SR)
    gen.reset()
    gen.observe(np.zeros((100, 1), np.float32), [MidiEvent(0, bytes([0x90, 60, 100])),
                                                  MidiEvent(10, bytes([0x91, 64, 90])),
                                                  MidiEvent(20, bytes([0xB0, 7, 100]))])  # CC: ignored
    assert set(gen._s.midi_on) == {60, 64}
    gen.observe(np.zeros((100, 1), np.float32), [MidiEvent(5, bytes([0x80, 60, 0])),
                                                  MidiEvent(6, bytes([0x91, 64, 0]))])
    assert not gen._s.midi_on
    assert [(p, s, e) for p, _, s, e in gen._s.midi_done] == [(60, 0, 105), (64, 10, 106)]


def test_bars_follow_the_meter_and_its_origin():
    """Sparse bass plays a root on every bar line: in 3/4 with bar lines at 1 + 3k (a meter
    changed on beat 1), a 4-beat block from beat 0 has them at beats 1 (and its start), the
    next block from beat 4 at beats 0 and 3 (beats 4 and 7)."""
    def starts(controls):
        return [sorted(round(n.start, 6) for n in blk.notes if n.stem == "bass")
                for blk in run(create(SR), controls, blocks=2)]
    assert starts(Controls(seed=2, density=0.1, beats_per_bar=3)) == [[0.0, 3.0], [0.0, 2.0]]
    assert starts(Controls(seed=2, density=0.1, beats_per_bar=3, bar_origin=1.0)) == [[0.0, 1.0], [0.0, 3.0]]
