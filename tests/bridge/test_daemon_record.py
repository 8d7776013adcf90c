"""`/lmdm/record <name>` while playing writes the input, every stem, the mix and the notes
into <record.dir>/<name>, sample-aligned; `/lmdm/record 0` closes the files."""
from __future__ import annotations

import time
import wave

import mido
import numpy as np
import pytest

from model.api import STEMS


def _read(path) -> tuple[int, np.ndarray]:
    with wave.open(str(path)) as w:
        raw = w.readframes(w.getnframes())
        ch, width = w.getnchannels(), w.getsampwidth()
    assert width == 3
    b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
    x = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16))
    x = np.where(x >= 1 << 23, x - (1 << 24), x) / float(1 << 23)
    return ch, x.reshape(-1, ch)


@pytest.mark.slow
def test_record_writes_aligned_input_stems_mix_and_notes(daemon, osc_client_factory, probe_factory, tmp_path):
    probe_factory(daemon.jack_server.name, daemon.client_name, amp=0.5, watch=("bass",))
    c = osc_client_factory(daemon.osc_port)
    c.subscribe()
    since = c.mark()
    c.send("/lmdm/play")
    c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] == 1, since=since)
    c.send("/lmdm/record", "take1")
    time.sleep(2.0)
    c.send("/lmdm/record", 0)
    c.ping()
    since = c.mark()
    c.send("/lmdm/record", "take1")  # a second take never overwrites the first
    err = c.wait_for("/lmdm/error", since=since)
    assert err.args[0] == "/lmdm/record" and "exists" in err.args[1]
    time.sleep(0.5)

    folder = tmp_path / "sessions" / "take1"
    ch, inp = _read(folder / "input.wav")
    assert ch == 2 and 1.5 * 48000 < inp.shape[0] < 3.0 * 48000
    assert 0.45 < np.abs(inp[:, 0]).max() < 0.55 and not inp[:, 1].any()  # the probe's sine on in_1
    ch, mix = _read(folder / "mix.wav")
    assert ch == 2 and mix.shape[0] == inp.shape[0]
    total = np.zeros(inp.shape[0])
    for stem in STEMS:
        ch, x = _read(folder / f"{stem}.wav")
        assert ch == 1 and x.shape[0] == inp.shape[0]
        total += x[:, 0]
    assert np.abs(total).max() > 0.01
    # the mix is the sum of the stems at the same frames (24-bit rounding, clipping aside)
    ok = np.abs(total) < 0.99
    assert np.allclose(mix[ok, 0], total[ok], atol=1e-4)
    midi = mido.MidiFile(folder / "notes.mid")
    names = {t.name for t in midi.tracks}
    assert set(STEMS) <= names
    assert sum(m.type == "note_on" for t in midi.tracks for m in t) > 4


@pytest.mark.slow
def test_notes_mid_keeps_the_bands_beats_through_a_tempo_change(daemon, osc_client_factory, tmp_path):
    """Recording while the tempo goes from 240 to 180 bpm: notes.mid carries both tempi (a
    tempo map from each block's), so every note keeps its place on the band's sixteenth grid
    (one offset for the whole file, the phase of the recording's start). At the first
    tempo alone, the notes after the change fell a third of a beat apart, off that grid."""
    c = osc_client_factory(daemon.osc_port)
    c.subscribe()
    c.send("/lmdm/block_beats", 1.0)
    since = c.mark()
    c.send("/lmdm/play")
    c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] >= 1, since=since)
    c.send("/lmdm/record", "tempo")
    time.sleep(1.5)
    since = c.mark()
    c.send("/lmdm/bpm", 180.0)
    c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[1] == 180.0, since=since)
    time.sleep(2.0)
    c.send("/lmdm/record", 0)
    c.ping()
    time.sleep(0.5)
    mid = mido.MidiFile(tmp_path / "sessions" / "tempo" / "notes.mid")
    tempi = {round(mido.tempo2bpm(m.tempo), 2) for m in mid.tracks[0] if m.type == "set_tempo"}
    assert tempi == {240.0, 180.0}
    ons = []
    for track in mid.tracks[1:]:
        t = 0
        for m in track:
            t += m.time
            if m.type == "note_on" and m.velocity > 0:
                ons.append(t)
    assert len(ons) > 10
    sixteenth = mid.ticks_per_beat // 4
    phase = min(ons) % sixteenth
    off = [min((t - phase) % sixteenth, sixteenth - (t - phase) % sixteenth) for t in ons]
    assert max(off) <= 2, sorted(off)[-5:]
    # the recording began while the band played: a marker on its first bar line after that
    marks = markers(mid)
    assert len(marks) == 1 and marks[0][1].startswith("bar "), marks
    bar_tick = marks[0][0]
    assert min((bar_tick - phase) % sixteenth, sixteenth - (bar_tick - phase) % sixteenth) <= 2
    assert bar_tick < mid.ticks_per_beat * 4 * 2  # within the first bars recorded


def markers(mid) -> list[tuple[int, str]]:
    """(tick, text) of the marker events on notes.mid's tempo track."""
    out, t = [], 0
    for m in mid.tracks[0]:
        t += m.time
        if m.type == "marker":
            out.append((t, m.text))
    return out


def test_notes_mid_marks_where_the_band_starts(daemon, osc_client_factory, tmp_path):
    """Recording first, then play: a "play" marker in notes.mid where the band's first bar
    begins (the baseline's drums strike there), so the file's notes can be put on a DAW's
    bar lines though its time zero is the recording's start."""
    c = osc_client_factory(daemon.osc_port)
    c.subscribe()
    c.send("/lmdm/record", "start")
    time.sleep(0.7)
    since = c.mark()
    c.send("/lmdm/play")
    c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] >= 4, since=since)
    c.send("/lmdm/record", 0)
    c.ping()
    time.sleep(0.5)
    mid = mido.MidiFile(tmp_path / "sessions" / "start" / "notes.mid")
    marks = markers(mid)
    assert [text for _, text in marks] == ["play"], marks
    first = min(t for track in mid.tracks[1:] for t, m in zip(np.cumsum([m.time for m in track]), track)
                if m.type == "note_on" and m.velocity > 0)
    assert abs(first - marks[0][0]) <= 2, (first, marks)
    assert marks[0][0] >= mid.ticks_per_beat  # 0.7 s of recording before play, at 240 bpm
