"""SessionRecorder and write_notes_midi write files that standard readers accept."""
from __future__ import annotations

import wave

import mido
import numpy as np
import pytest
import soundfile as sf

from bridge.recorder import SessionRecorder, WavAppender, stem_channels, write_notes_midi
from model.api import NoteEvent, STEMS

SR = 48000


def test_wav_appender_is_valid_after_every_flush(tmp_path):
    w = WavAppender(tmp_path / "a.wav", SR, 2)
    assert sf.info(str(tmp_path / "a.wav")).frames == 0  # valid while still empty
    x = (0.5 * np.sin(np.arange(1000) / 10.0)).astype(np.float32)
    for k in range(3):
        w.append(np.stack([x, -x], axis=1))
        w.flush()
        y, rate = sf.read(str(tmp_path / "a.wav"), dtype="float32")
        assert rate == SR and y.shape == (1000 * (k + 1), 2)
    w.close()
    np.testing.assert_allclose(y[:1000, 0], x, atol=2 ** -22)  # 24-bit quantisation
    np.testing.assert_allclose(y[:1000, 1], -x, atol=2 ** -22)
    with wave.open(str(tmp_path / "a.wav")) as r:
        assert (r.getnchannels(), r.getsampwidth(), r.getframerate(), r.getnframes()) == (2, 3, SR, 3000)


def test_session_files_hold_every_block_after_close(tmp_path):
    rec = SessionRecorder(tmp_path / "s1", SR, inputs=2, stems=STEMS, flush_s=0.1, programs={"bass": 33})
    rng = np.random.default_rng(0)
    blocks = [rng.uniform(-0.9, 0.9, (1024, 2)).astype(np.float32) for _ in range(20)]
    for i, b in enumerate(blocks):
        stems = {"bass": b[:, 0], "keys": b[:, 1], "lead": b[:, :1] * 0.5}  # drums missing
        rec.write(b, stems, b[:, 0] * 0.25)  # a mono mix goes to both mix channels
    rec.add_notes([(NoteEvent("bass", 36, 100, 0.0, 1.0), 0.0), (NoteEvent("drums", 38, 90, 1.0, 0.25), 0.5)],
                  bpm=120.0, beats_per_bar=3)
    rec.add_notes([(NoteEvent("bass", 38, 100, 0.0, 1.0), 2.0)], bpm=130.0, beats_per_bar=4)  # the first ones stay
    rec.close()
    rec.close()  # idempotent
    assert rec.error is None and rec.frames == 20 * 1024 and rec.seconds == pytest.approx(20 * 1024 / SR)
    x = np.concatenate(blocks)
    read = lambda name: sf.read(str(tmp_path / "s1" / f"{name}.wav"), dtype="float32")[0]  # noqa: E731
    np.testing.assert_allclose(read("input"), x, atol=1e-6)
    np.testing.assert_allclose(read("bass"), x[:, 0], atol=1e-6)
    np.testing.assert_allclose(read("keys"), x[:, 1], atol=1e-6)
    np.testing.assert_allclose(read("lead"), x[:, 0] * 0.5, atol=1e-6)
    assert np.all(read("drums") == 0.0) and read("drums").shape == (20 * 1024,)
    np.testing.assert_allclose(read("mix"), np.stack([x[:, 0] * 0.25] * 2, axis=1), atol=1e-6)
    mid = mido.MidiFile(str(tmp_path / "s1" / "notes.mid"))
    assert [t.name for t in mid.tracks[1:]] == list(STEMS)
    assert [(m.numerator, m.denominator) for m in mid.tracks[0] if m.type == "time_signature"] == [(3, 4)]
    assert [round(mido.tempo2bpm(m.tempo), 6) for m in mid.tracks[0] if m.type == "set_tempo"] == [120.0]
    assert any(m.type == "program_change" and m.program == 33 for m in mid.tracks[1])
    assert not list((tmp_path / "s1").glob("*.tmp"))


def test_a_note_ended_early_is_shortened_in_the_midi_file(tmp_path):
    rec = SessionRecorder(tmp_path / "s3", SR, inputs=1, stems=STEMS, flush_s=0.1)
    rec.add_notes([(NoteEvent("keys", 60, 100, 0.0, 4.0), 0.0), (NoteEvent("keys", 64, 100, 0.0, 4.0), 0.0)], bpm=120.0)
    rec.end_notes([("keys", 60, 0.5), ("keys", 67, 0.5), ("bass", 64, 0.5)])  # only keys 60 sounds
    rec.add_notes([(NoteEvent("keys", 60, 100, 0.0, 0.5), 1.0)], bpm=120.0)  # struck again later
    rec.end_notes([("keys", 60, 2.0)])  # after the new strike ended: nothing sounds, no change
    rec.close()
    track = mido.MidiFile(str(tmp_path / "s3" / "notes.mid")).tracks[2]
    ticks, t, spans = {}, 0, []
    for m in track:
        t += m.time
        if m.type == "note_on":
            ticks[m.note] = t
        elif m.type == "note_off":
            spans.append((m.note, ticks.pop(m.note), t))
    tpb = mido.MidiFile(str(tmp_path / "s3" / "notes.mid")).ticks_per_beat
    assert sorted(spans) == [(60, 0, tpb), (60, 2 * tpb, 5 * tpb // 2), (64, 0, 4 * tpb)]


def test_wrong_block_length_is_refused(tmp_path):
    rec = SessionRecorder(tmp_path / "s2", SR, inputs=1, stems=("bass",), flush_s=0.1)
    with pytest.raises(ValueError, match="frames"):
        rec.write(np.zeros((64, 1)), {"bass": np.zeros(32)}, np.zeros(64))
    rec.close()


def test_midi_tracks_channels_tempo_and_times(tmp_path):
    bpm = 100.0
    notes = [(NoteEvent("keys", 60, 90, 0.0, 1.0), 0.3, 0.6),
             (NoteEvent("drums", 36, 120, 0.0, 0.25), 0.0, 0.15),
             (NoteEvent("bass", 40, 100, 0.0, 2.0), 1.2, 1.2),
             (NoteEvent("lead", 72, 80, 0.0, 1.0), 0.6, 2.0),
             (NoteEvent("lead", 72, 85, 0.0, 1.0), 1.5, 0.5)]  # re-strike cuts the first
    write_notes_midi(tmp_path / "n.mid", notes, bpm, programs={"keys": 4, "drums": 0})
    mid = mido.MidiFile(str(tmp_path / "n.mid"))
    assert mid.type == 1 and len(mid.tracks) == 1 + len(STEMS)
    tempo = next(m.tempo for m in mid.tracks[0] if m.type == "set_tempo")
    assert mido.tempo2bpm(tempo) == pytest.approx(bpm)
    assert [(m.numerator, m.denominator) for m in mid.tracks[0] if m.type == "time_signature"] == [(4, 4)]
    chans = stem_channels(STEMS)
    assert chans == {"bass": 0, "keys": 1, "lead": 2, "drums": 9}
    seen = {}
    for track in mid.tracks[1:]:
        t = 0
        for m in track:
            t += m.time
            if m.type in ("note_on", "note_off"):
                assert m.channel == chans[track.name]
                seen.setdefault(track.name, []).append((m.type, m.note, round(mido.tick2second(t, mid.ticks_per_beat, tempo), 3)))
    assert seen["keys"] == [("note_on", 60, 0.3), ("note_off", 60, 0.9)]
    assert seen["drums"] == [("note_on", 36, 0.0), ("note_off", 36, 0.15)]
    assert seen["lead"] == [("note_on", 72, 0.6), ("note_off", 72, 1.5), ("note_on", 72, 1.5), ("note_off", 72, 2.0)]
    # no program change on the drum channel: it would pick a melodic instrument there
    assert not any(m.type == "program_change" for m in mid.tracks[4])
    assert mid.length == pytest.approx(2.4)  # the bass note-off, 1.2 + 1.2 s, is the last event


def test_stem_channels_skip_the_drum_channel():
    many = tuple(f"s{i}" for i in range(12)) + ("drums",)
    ch = stem_channels(many)
    assert ch["drums"] == 9 and 9 not in [ch[s] for s in many[:-1]]
    assert len(set(ch[s] for s in many[:-1])) == 12


def test_the_midi_file_follows_the_bands_tempo_and_meter_changes(tmp_path):
    """Blocks at 120 bpm in 4/4 from 0 s, at 60 bpm in 3/4 from 2 s (a tap tempo and a new
    meter): notes.mid holds both tempi and meters, from beat 4, and a note 1 s into the slow
    part lies on beat 5, not on beat 6 as at the first tempo alone."""
    rec = SessionRecorder(tmp_path / "s4", SR, inputs=1, stems=STEMS, flush_s=0.1)
    for start in (0.0, 1.0):
        rec.add_block(start, 120.0, 4)
    rec.add_notes([(NoteEvent("bass", 36, 100, 0.0, 1.0), 0.0), (NoteEvent("bass", 38, 100, 0.0, 1.0), 1.0)], bpm=120.0)
    for start in (2.0, 3.0, 4.0):
        rec.add_block(start, 60.0, 3)
    rec.add_notes([(NoteEvent("bass", 40, 100, 0.0, 1.0), 3.0)], bpm=60.0, beats_per_bar=3)
    rec.add_marker(2.0, "bar 1")  # markers: on the tempo track, after the tempo and meter there
    rec.add_marker(0.25, "play")
    rec.close()
    mid = mido.MidiFile(str(tmp_path / "s4" / "notes.mid"))
    tpb = mid.ticks_per_beat
    meta, t = [], 0
    for m in mid.tracks[0]:
        t += m.time
        if m.type == "set_tempo":
            meta.append((t, "tempo", round(mido.tempo2bpm(m.tempo), 3)))
        elif m.type == "time_signature":
            meta.append((t, "meter", m.numerator))
        elif m.type == "marker":
            meta.append((t, "marker", m.text))
    assert meta == [(0, "tempo", 120.0), (0, "meter", 4), (tpb // 2, "marker", "play"), (4 * tpb, "tempo", 60.0),
                    (4 * tpb, "meter", 3), (4 * tpb, "marker", "bar 1")]
    ons, t = [], 0
    for m in mid.tracks[1]:
        t += m.time
        if m.type == "note_on":
            ons.append((m.note, t))
    assert ons == [(36, 0), (38, 2 * tpb), (40, 5 * tpb)]


def test_the_midi_file_times_notes_as_recorded_when_the_band_starts_later(tmp_path):
    """Recording from 0 s, the band at 100 bpm from 0.5 s: read with the file's own tempo
    map (mido, in seconds) its first note is at 0.5 s, as in the WAVs. The first tempo
    event used to sit at the band's start, so a reader took MIDI's default 120 bpm before
    it and heard the note at 0.417 s."""
    rec = SessionRecorder(tmp_path / "s5", SR, inputs=1, stems=STEMS, flush_s=0.1)
    rec.add_block(0.5, 100.0, 4)
    rec.add_block(1.1, 100.0, 4)
    rec.add_notes([(NoteEvent("drums", 36, 100, 0.0, 0.5), 0.5), (NoteEvent("drums", 38, 100, 0.0, 0.5), 1.1)],
                  bpm=100.0)
    rec.add_marker(0.5, "play")
    rec.close()
    mid = mido.MidiFile(str(tmp_path / "s5" / "notes.mid"))
    t, got = 0.0, []
    for m in mid:  # seconds, through the file's tempo events
        t += m.time
        if m.type == "note_on" and m.velocity > 0 or m.type == "marker":
            got.append((m.type, round(t, 4)))
    assert got == [("marker", 0.5), ("note_on", 0.5), ("note_on", 1.1)]
    first = next(m for m in mid.tracks[0] if m.type == "set_tempo")
    assert first.time == 0 and round(mido.tempo2bpm(first.tempo), 3) == 100.0
