"""StemSynth against real FluidSynth: separate stems, timing, carry-over, no stuck notes."""
from __future__ import annotations

import numpy as np
import pytest

from model.api import NoteEnd, NoteEvent
from model.synth import DRUM_CHANNEL, SoundFontError, StemSynth, render_notes

SF2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
SR = 48000
BPM = 120.0  # 24000 samples per beat
SPB = 24000
PROGRAMS = {"bass": 33, "keys": 4, "lead": 80, "drums": 0}


@pytest.fixture(scope="module")
def synth():
    s = StemSynth(SR, SF2, PROGRAMS)
    yield s
    s.close()


def first_sound(y: np.ndarray, thresh: float = 1e-4) -> int:
    idx = np.flatnonzero(np.abs(y) > thresh)
    return int(idx[0]) if idx.size else -1


def test_missing_soundfont_names_the_path(tmp_path):
    missing = tmp_path / "nope.sf2"
    with pytest.raises(SoundFontError, match="nope.sf2") as err:
        StemSynth(SR, str(missing), PROGRAMS)
    assert isinstance(err.value, FileNotFoundError)
    with pytest.raises(SoundFontError, match="nope.sf2"):
        render_notes([(60, 100, 0, 1)], BPM, SR, str(missing))


def test_stems_are_separate(synth):
    synth.reset()
    out = synth.render_block([NoteEvent("keys", 60, 100, 0.0, 1.0)], BPM, 2 * SPB)
    assert set(out) == {"bass", "keys", "lead", "drums"}
    for stem, y in out.items():
        assert y.shape == (2 * SPB,) and y.dtype == np.float32
    assert np.abs(out["keys"]).max() > 0.05
    for stem in ("bass", "lead", "drums"):
        assert np.all(out[stem] == 0.0), stem


def test_note_starts_where_asked_within_fluidsynths_64_sample_block(synth):
    for start_beats in (0.0, 0.25, 1.0 + 333 / SPB, 1.5):
        synth.reset()
        out = synth.render_block([NoteEvent("lead", 72, 110, start_beats, 0.25)], BPM, 2 * SPB)
        want = int(round(start_beats * SPB))
        got = first_sound(out["lead"])
        assert want <= got <= want + 64 + 48, (start_beats, want, got)  # + a 1 ms attack


def test_block_splitting_does_not_change_the_audio():
    # The same notes in one 4-beat block or in four 1-beat blocks (a 2-beat bass note
    # and a note ending inside a later block carry over) give the same audio.
    notes = [NoteEvent("bass", 36, 100, 0.5, 2.0), NoteEvent("keys", 64, 90, 1.25, 0.5),
             NoteEvent("keys", 67, 90, 2.75, 0.75), NoteEvent("drums", 36, 120, 0.0, 0.25),
             NoteEvent("drums", 42, 80, 3.5, 0.25)]
    a = StemSynth(SR, SF2, PROGRAMS)
    whole = a.render_block(notes, BPM, 4 * SPB)
    a.close()
    b = StemSynth(SR, SF2, PROGRAMS)
    parts = {s: [] for s in whole}
    for k in range(4):
        block = [NoteEvent(n.stem, n.pitch, n.velocity, n.start - k, n.duration)
                 for n in notes if k <= n.start < k + 1]
        for s, y in b.render_block(block, BPM, SPB).items():
            parts[s].append(y)
    b.close()
    for s in whole:
        np.testing.assert_allclose(np.concatenate(parts[s]), whole[s], atol=1e-6, err_msg=s)
        assert (np.abs(whole[s]).max() > 0.01) == (s != "lead"), s  # lead has no notes


def test_note_offs_carry_over_and_nothing_sticks(synth):
    synth.reset()
    held = synth.render_block([NoteEvent("keys", 60, 100, 0.0, 6.0)], BPM, 4 * SPB)
    assert np.abs(held["keys"][-SPB:]).max() > 1e-3  # still sounding at the block end
    still = synth.render_block([], BPM, SPB)["keys"]
    assert np.abs(still).max() > 1e-3  # beat 4..5: the note is held over the boundary
    tail = [synth.render_block([], BPM, SPB)["keys"] for _ in range(4)]  # beats 5..9
    assert np.abs(tail[-1]).max() < 1e-4  # released at beat 6, decayed by beat 8


def test_restruck_pitch_is_not_cut_by_the_old_note_off(synth):
    synth.reset()
    notes = [NoteEvent("lead", 69, 100, 0.0, 1.0), NoteEvent("lead", 69, 100, 0.5, 3.0)]
    y = synth.render_block(notes, BPM, 4 * SPB)["lead"]
    # the first note's off (beat 1) must not silence the second, held to beat 3.5
    assert np.abs(y[int(2.5 * SPB):int(3.0 * SPB)]).max() > 0.01


def test_a_note_end_stops_a_held_note_of_an_earlier_block(synth):
    def run(ends):
        synth.reset()
        synth.render_block([NoteEvent("keys", 60, 100, 0.0, 12.0), NoteEvent("bass", 40, 100, 0.0, 12.0)], BPM, 4 * SPB)
        # the next block ends the keys note at its beat 1 (and names a pitch that is not sounding)
        return synth.render_block([], BPM, 4 * SPB, ends=ends)
    held = run([])
    ended = run([NoteEnd("keys", 60, 1.0), NoteEnd("lead", 70, 0.0)])
    assert np.abs(held["keys"][3 * SPB:]).max() > 1e-3  # without the end: still sounding
    assert np.abs(ended["keys"][3 * SPB:]).max() < 1e-4  # released at beat 1, decayed
    assert np.array_equal(ended["keys"][:SPB], held["keys"][:SPB])  # untouched before the end
    assert np.array_equal(ended["bass"], held["bass"])  # other stems and pitches untouched
    # its planned note-off, later, finds nothing to end; a new strike of the pitch sounds
    y = synth.render_block([], BPM, 4 * SPB)["keys"]
    again = synth.render_block([NoteEvent("keys", 60, 100, 0.0, 1.0)], BPM, 2 * SPB)["keys"]
    assert np.abs(y[-SPB:]).max() < 1e-4 and np.abs(again[:SPB]).max() > 1e-3


def test_reset_silences_everything(synth):
    synth.render_block([NoteEvent("keys", 60, 100, 0.0, 20.0), NoteEvent("bass", 40, 100, 0.0, 20.0)],
                       BPM, SPB)
    synth.reset()
    out = synth.render_block([], BPM, SPB)
    for stem, y in out.items():
        assert np.abs(y).max() < 1e-4, stem


def test_drums_render_gm_percussion_on_channel_10():
    assert DRUM_CHANNEL == 9
    kick = render_notes([(36, 120, 0, 0.25)], BPM, SR, SF2, channel=DRUM_CHANNEL, tail_s=0.5)
    hat = render_notes([(42, 120, 0, 0.25)], BPM, SR, SF2, channel=DRUM_CHANNEL, tail_s=0.5)
    assert kick.shape == hat.shape == (int(0.25 * SPB + 0.5 * SR),)
    # a kick is low, a closed hat is high: compare spectral centroids
    def centroid(y):
        p = np.abs(np.fft.rfft(y)) ** 2
        return (np.fft.rfftfreq(y.size, 1 / SR) * p).sum() / p.sum()
    assert centroid(kick) < 500 < 3000 < centroid(hat)


def test_set_program_changes_the_timbre(synth):
    synth.reset()
    a = synth.render_block([NoteEvent("keys", 60, 100, 0.0, 1.0)], BPM, SPB)["keys"]
    synth.set_program("keys", 73)  # flute
    synth.reset()
    b = synth.render_block([NoteEvent("keys", 60, 100, 0.0, 1.0)], BPM, SPB)["keys"]
    synth.set_program("keys", PROGRAMS["keys"])
    assert np.abs(a).max() > 0.01 and np.abs(b).max() > 0.01
    assert not np.allclose(a, b, atol=1e-3)


def test_render_notes_is_deterministic_and_sized():
    notes = [NoteEvent("keys", 60, 100, 0.0, 1.0), (64, 90, 0.5, 2.0)]
    a = render_notes(notes, BPM, SR, SF2, program=0, tail_s=1.0)
    b = render_notes(notes, BPM, SR, SF2, program=0, tail_s=1.0)
    assert a.shape == (2 * SPB + SR,)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a[-SR // 10:]).max() < np.abs(a).max() / 10  # the tail decays
