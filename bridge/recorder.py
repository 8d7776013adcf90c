"""Crash-safe session recorder: input, every stem, the mix and the generated notes.

`/lmdm/record <name>` makes one of these over a session folder; `/lmdm/record 0` closes it.

Threads. write() runs on the engine thread once per block: it only copies the block into
an in-memory queue (no file I/O, no waiting beyond a short lock). A writer thread wakes
every flush_s, appends the queued audio to the WAV files, rewrites each WAV header's
RIFF/data sizes, flushes and fsyncs, and rewrites notes.mid whole (to a temporary file,
then an atomic rename) when notes were added. So a process killed with SIGKILL leaves
WAV files whose headers describe exactly the audio flushed so far -- at most flush_s
(plus one write) behind -- and a complete MIDI file from the last flush.

Files: 24-bit PCM WAV (readable by `wave` and soundfile). A WAV cannot exceed 4 GiB;
long sessions continue in numbered parts (mix.wav, mix-2.wav, ...; ~4 h of stereo at
48 kHz per part). If the disk fails, `error` holds the exception and recording stops;
if the writer falls more than MAX_QUEUE_S behind, blocks are dropped and counted.
"""
from __future__ import annotations

import bisect
import os
import struct
import threading
from pathlib import Path
from typing import Sequence

import mido
import numpy as np

from model.api import STEMS, NoteEvent

SAMPLE_WIDTH = 3  # bytes: 24-bit PCM
MAX_QUEUE_S = 30.0  # audio kept in memory while the disk lags, before dropping blocks
TICKS_PER_BEAT = 480
_WAV_LIMIT = 0xFFFFFFFF - 64  # RIFF sizes are 32-bit


class WavAppender:
    """A PCM WAV file that grows by append() and is valid on disk after every flush()."""

    def __init__(self, path: Path, sample_rate: int, channels: int, width: int = SAMPLE_WIDTH):
        self.path, self.sample_rate, self.channels, self.width = Path(path), sample_rate, channels, width
        self.part = 1
        self.frames = 0  # frames in the current part
        self._open(self.path)

    def _open(self, path: Path) -> None:
        self._f = open(path, "wb")
        self._data_bytes = 0
        self._f.write(self._header(0))
        self._sync()

    def _header(self, data_bytes: int) -> bytes:
        ch, sr, w = self.channels, self.sample_rate, self.width
        return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
                + b"fmt " + struct.pack("<IHHIIHH", 16, 1, ch, sr, sr * ch * w, ch * w, 8 * w)
                + b"data" + struct.pack("<I", data_bytes))

    def append(self, audio: np.ndarray) -> None:
        """audio: (n, channels) float in -1..1 (clipped)."""
        data = _to_pcm(audio, self.width)
        if self._data_bytes + len(data) > _WAV_LIMIT:
            self.flush()
            self._f.close()
            self.part += 1
            self.frames = 0
            self._open(self.path.with_name(f"{self.path.stem}-{self.part}{self.path.suffix}"))
        self._f.write(data)
        self._data_bytes += len(data)
        self.frames += audio.shape[0]

    def flush(self) -> None:
        """Make the file on disk a valid WAV holding everything appended so far."""
        self._f.flush()  # audio bytes first: the old header then still describes valid data
        self._f.seek(4)
        self._f.write(struct.pack("<I", 36 + self._data_bytes))
        self._f.seek(40)
        self._f.write(struct.pack("<I", self._data_bytes))
        self._f.seek(0, os.SEEK_END)
        self._sync()

    def _sync(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        if not self._f.closed:
            self.flush()
            self._f.close()


def _to_pcm(audio: np.ndarray, width: int) -> bytes:
    x = np.clip(np.asarray(audio, np.float32), -1.0, 1.0)
    if width == 2:
        return (x * 32767.0).astype("<i2").tobytes()
    # 24-bit: the low three bytes of little-endian int32
    i = (x.astype(np.float64) * 8388607.0).astype("<i4")
    return i.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()


def _channels(a: np.ndarray | None, n: int, channels: int) -> np.ndarray:
    """Any of (n,), (n, 1), (n, c) -> a float32 copy shaped (n, channels); None -> silence."""
    if a is None:
        return np.zeros((n, channels), np.float32)
    a = np.asarray(a, np.float32)
    if a.shape[0] != n:
        raise ValueError(f"recorder: block of {a.shape[0]} frames, expected {n}")
    if a.ndim == 1:
        a = a[:, None]
    if a.shape[1] == 0:
        return np.zeros((n, channels), np.float32)
    if a.shape[1] != channels:
        a = a.mean(axis=1, keepdims=True)  # a differing layout is folded to mono
    return np.array(np.broadcast_to(a, (n, channels)), np.float32)


class SessionRecorder:
    """input.wav, <stem>.wav, mix.wav and notes.mid in `folder` (created if missing)."""

    def __init__(self, folder: Path, sample_rate: int, inputs: int, stems: tuple[str, ...],
                 flush_s: float = 0.5, *, stem_channels: int = 1, mix_channels: int = 2,
                 programs: dict[str, int] | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sample_rate = int(sample_rate)
        self.stems = tuple(stems)
        self.flush_s = float(flush_s)
        self.programs = dict(programs or {})
        self._layout = {"input": max(int(inputs), 1), "mix": int(mix_channels)}
        self._layout.update({s: int(stem_channels) for s in self.stems})
        self._wavs = {name: WavAppender(self.folder / f"{name}.wav", self.sample_rate, ch)
                      for name, ch in self._layout.items()}
        self._lock = threading.Lock()
        self._queue: list[dict[str, np.ndarray]] = []
        self._queued_frames = 0
        self._notes: list[tuple[NoteEvent, float, float]] = []
        self._notes_dirty = False
        self._bpm: float | None = None
        self._beats_per_bar: int | None = None
        self._tempo_map: list[tuple[float, float, int]] = []  # (block start s, bpm, beats per bar)
        self._markers: list[tuple[float, str]] = []  # (at s, text): notes.mid's markers
        self.frames = 0  # frames accepted by write()
        self.dropped_frames = 0
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lmdm-recorder", daemon=True)
        self._thread.start()

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def write(self, inputs: np.ndarray, stems: dict[str, np.ndarray], mix: np.ndarray) -> None:
        """One block: inputs (n, inputs); stems[stem] (n,) or (n, stem_channels) (a missing
        stem records silence); mix (n,) or (n, mix_channels). Copies, never touches files."""
        n = int(np.shape(inputs)[0])
        block = {"input": _channels(inputs, n, self._layout["input"]),
                 "mix": _channels(mix, n, self._layout["mix"])}
        for s in self.stems:
            block[s] = _channels(stems.get(s), n, self._layout[s])
        with self._lock:
            if self.error is not None or self._stop.is_set():
                return
            if self._queued_frames + n > MAX_QUEUE_S * self.sample_rate:
                self.dropped_frames += n
                return
            self._queue.append(block)
            self._queued_frames += n
            self.frames += n

    def add_notes(self, notes: Sequence[tuple[NoteEvent, float]], bpm: float = 120.0,
                  beats_per_bar: int = 4) -> None:
        """(note, start_s): start_s is the note's onset in seconds since the recording
        started (its block's start time + note.start beats); the duration in seconds is
        note.duration * 60 / bpm. The MIDI file's tempo and meter are the first given."""
        if not notes:
            return
        with self._lock:
            if self._bpm is None:
                self._bpm = float(bpm)
                self._beats_per_bar = int(beats_per_bar)
            for item in notes:
                note, start_s = item[0], float(item[1])
                dur_s = float(item[2]) if len(item) > 2 else note.duration * 60.0 / float(bpm)
                self._notes.append((note, start_s, dur_s))
            self._notes_dirty = True

    def add_block(self, start_s: float, bpm: float, beats_per_bar: int) -> None:
        """A block played from start_s (seconds since the recording started; negative: it
        began before) at `bpm` in `beats_per_bar`: notes.mid then follows the band's tempo
        and meter changes (a tempo map), not the first block's alone."""
        with self._lock:
            self._tempo_map.append((float(start_s), float(bpm), int(beats_per_bar)))
            self._notes_dirty = True

    def add_marker(self, at_s: float, text: str) -> None:
        """A marker in notes.mid at at_s (seconds since the recording started)."""
        with self._lock:
            self._markers.append((float(at_s), str(text)))
            self._notes_dirty = True

    def end_notes(self, ends: Sequence[tuple[str, int, float]]) -> None:
        """(stem, pitch, at_s): the note of that stem and pitch sounding at at_s (seconds since
        the recording started) ends there, earlier than planned (a re-plan's NoteEnd)."""
        with self._lock:
            for stem, pitch, at_s in ends:
                self._notes_dirty |= end_sounding(self._notes, stem, pitch, float(at_s))

    def _run(self) -> None:
        while not self._stop.wait(self.flush_s):
            self._flush()
        self._flush()

    def _flush(self) -> None:
        with self._lock:
            queue, self._queue, self._queued_frames = self._queue, [], 0
            notes = list(self._notes) if self._notes_dirty else None
            self._notes_dirty = False
            bpm = self._bpm or 120.0
            bpb = self._beats_per_bar or 4
            tempo_map = list(self._tempo_map)
            markers = list(self._markers)
        if self.error is not None:
            return
        try:
            if queue:
                for name, wav in self._wavs.items():
                    wav.append(np.concatenate([b[name] for b in queue]))
                for wav in self._wavs.values():
                    wav.flush()
            if notes is not None:
                write_notes_midi(self.folder / "notes.mid", notes, bpm, self.programs, stems=self.stems,
                                 beats_per_bar=bpb, tempo_map=tempo_map, markers=markers)
        except BaseException as e:  # disk full, folder removed: stop recording, keep the daemon
            self.error = e

    def close(self) -> None:
        """Flush everything and close the files. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join()
        for wav in self._wavs.values():
            try:
                wav.close()
            except OSError as e:
                self.error = self.error or e


def stem_channels(stems: Sequence[str]) -> dict[str, int]:
    """MIDI channel (0-based) per stem: drums on 9 (GM channel 10), others in order, skipping 9."""
    out, free = {}, (c for c in range(16) if c != 9)
    for s in stems:
        out[s] = 9 if s == "drums" else next(free, 15)
    return out


def end_sounding(items: list, stem: str, pitch: int, at: float) -> bool:
    """items: [(note, start, duration, ...)] in one time unit. The latest note of `stem` and
    `pitch` that sounds at `at` is shortened to end there (in place); True if one did."""
    for i in range(len(items) - 1, -1, -1):
        note, start, dur = items[i][:3]
        if note.stem == stem and note.pitch == pitch and start <= at < start + dur:
            items[i] = (note, start, max(at - start, 1e-9), *items[i][3:])
            return True
    return False


class TempoMap:
    """Seconds since time zero -> beats, through tempo segments [(start_s, bpm, beats per
    bar)] (sorted by start; before the first, its tempo). Segments whose tempo rounds to the
    same MIDI tempo (whole microseconds a beat) and meter are one."""

    def __init__(self, segments: Sequence[tuple[float, float, int]]) -> None:
        merged: list[tuple[float, float, int]] = []
        for start, bpm, bpb in sorted(segments, key=lambda x: x[0]):
            if merged and (mido.bpm2tempo(merged[-1][1]), merged[-1][2]) == (mido.bpm2tempo(bpm), bpb):
                continue
            if merged and start - merged[-1][0] < 1e-9:
                merged.pop()  # the same start: the later one holds
            merged.append((float(start), float(bpm), int(bpb)))
        self.segments = merged
        self.beats = [merged[0][0] * merged[0][1] / 60.0]  # beat of each segment's start
        for (s0, b0, _), (s1, _, _) in zip(merged, merged[1:]):
            self.beats.append(self.beats[-1] + (s1 - s0) * b0 / 60.0)

    def beat(self, s: float) -> float:
        i = max(bisect.bisect_right([x[0] for x in self.segments], s) - 1, 0)
        start, bpm, _ = self.segments[i]
        return self.beats[i] + (s - start) * bpm / 60.0


def write_notes_midi(path, notes_with_times: Sequence[tuple[NoteEvent, float, float]], bpm: float,
                     programs: dict[str, int] | None = None, stems: Sequence[str] | None = None,
                     beats_per_bar: int = 4, tempo_map: Sequence[tuple[float, float, int]] = (),
                     markers: Sequence[tuple[float, str]] = ()) -> None:
    """(note, start_s, duration_s) -> a type-1 MIDI file: a tempo and meter track, then one
    track per stem named after it (stems given, else STEMS order then any others). Time
    zero = start. The tempo and meter are `bpm` in beats_per_bar/4, or, with a tempo_map of
    (start_s, bpm, beats_per_bar) per block played, each block's from its start (notes at
    the band's beats through tempo and meter changes). markers: (at_s, text) marker events
    on the tempo track (where the band's bars are: a DAW shows them on its timeline).
    The file is written to a temporary name, fsynced and renamed over `path` (atomic)."""
    order = list(stems) if stems is not None else list(STEMS)
    order += sorted({n.stem for n, _, _ in notes_with_times} - set(order))
    chans = stem_channels(order)
    tmap = TempoMap(tempo_map or [(0.0, bpm, beats_per_bar)])
    tick = lambda s: max(int(round(tmap.beat(s) * TICKS_PER_BEAT)), 0)  # noqa: E731
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    meta_events = []  # (tick, order, message): tempo and meter first at a tick, then markers
    last = (None, None)
    for i, ((start, seg_bpm, bpb), beat) in enumerate(zip(tmap.segments, tmap.beats)):
        # the first segment's tempo holds from time zero (TempoMap.beat counts it so before
        # its start): without it there, a reader takes MIDI's default 120 bpm until then
        t = 0 if i == 0 else max(int(round(beat * TICKS_PER_BEAT)), 0)
        if mido.bpm2tempo(seg_bpm) != last[0]:
            meta_events.append((t, 0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(seg_bpm))))
        if bpb != last[1]:
            meta_events.append((t, 1, mido.MetaMessage("time_signature", numerator=bpb, denominator=4)))
        last = (mido.bpm2tempo(seg_bpm), bpb)
    meta_events += [(tick(at), 2, mido.MetaMessage("marker", text=str(text))) for at, text in markers if at >= 0]
    meta = mido.MidiTrack()
    now = 0
    for t, _, msg in sorted(meta_events, key=lambda e: (e[0], e[1])):
        meta.append(msg.copy(time=t - now))
        now = t
    mid.tracks.append(meta)
    for stem in order:
        ch = chans[stem]
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=stem, time=0))
        if programs and stem in programs and ch != 9:
            track.append(mido.Message("program_change", channel=ch, program=int(programs[stem]), time=0))
        # (tick, 0 = off before 1 = on at the same tick, pitch, velocity)
        notes = sorted((tick(s), max(tick(s + d), tick(s) + 1), n.pitch, n.velocity)
                       for n, s, d in notes_with_times if n.stem == stem)
        events = []
        for i, (on, off, pitch, vel) in enumerate(notes):
            # a later strike of the same pitch ends this one (MIDI cannot overlap them)
            nxt = next((o for o, _, p, _ in notes[i + 1:] if p == pitch), None)
            if nxt == on:
                continue  # the same strike twice: keep one
            if nxt is not None and nxt < off:
                off = nxt
            events.append((on, 1, pitch, min(max(vel, 1), 127)))
            events.append((off, 0, pitch, 0))
        events.sort()
        now = 0
        for t, kind, pitch, vel in events:
            msg = "note_on" if kind else "note_off"
            track.append(mido.Message(msg, channel=ch, note=int(pitch), velocity=int(vel), time=t - now))
            now = t
        track.append(mido.MetaMessage("end_of_track", time=0))
        mid.tracks.append(track)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        mid.save(file=f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
