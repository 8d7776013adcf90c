"""FluidSynth stem renderer: notes -> per-stem audio, offline into numpy (no audio driver).

This is the embedded model's decoder: the engine hands it each block's notes and gets
one mono float32 array per stem. One fluidsynth.Synth per stem keeps the stems apart
(FluidSynth's sample cache shares the SoundFont's samples between synths in a process:
each extra synth costs ~13 MB and ~0.1 s to load FluidR3_GM, measured here).

Timing: a block is rendered in segments split at its event offsets, so every note-on and
note-off reaches FluidSynth at its own sample. FluidSynth itself starts voices at its next
internal 64-sample block, so onsets land within 64 samples (1.3 ms at 48 kHz) after the
asked time, the same way in any block layout: rendering the same notes in one block or
in several gives identical audio (tested). Note-offs that fall after the block are kept
in absolute samples and sent in the block where they fall, so notes carry over block
boundaries without sticking; a pitch struck again while sounding is ended first, and a
NoteEnd (a re-planning generator) ends a sounding note of an earlier block early.
Audio is read as float (fluid_synth_write_float, through pyfluidsynth's own ctypes
binding) rather than get_samples()' int16, so loud chords do not clip in the renderer.
Reverb and chorus are off: stems are dry, the performer's patch adds its own space.
"""
from __future__ import annotations

import bisect
import contextlib
import io
import os
from ctypes import c_int, c_void_p
from typing import Iterable, Sequence

import numpy as np

# pyfluidsynth prints where it found the library to stdout when CI is set in the
# environment: that line would precede a command's --json output
with contextlib.redirect_stdout(io.StringIO()):
    import fluidsynth

from model.api import STEMS, NoteEnd, NoteEvent

DRUM_CHANNEL = 9  # General MIDI channel 10
DRUM_BANK = 128  # SoundFont percussion bank

_write_float = fluidsynth.cfunc(
    "fluid_synth_write_float", c_int,
    ("synth", c_void_p, 1), ("len", c_int, 1),
    ("lout", c_void_p, 1), ("loff", c_int, 1), ("lincr", c_int, 1),
    ("rout", c_void_p, 1), ("roff", c_int, 1), ("rincr", c_int, 1))


class SoundFontError(FileNotFoundError):
    """The SoundFont file is missing or unreadable; the message names the path."""


def _new_synth(sample_rate: int, soundfont: str, gain: float) -> tuple[fluidsynth.Synth, int]:
    if not os.path.isfile(soundfont):
        raise SoundFontError(f"SoundFont not found: {soundfont}")
    syn = fluidsynth.Synth(gain=gain, samplerate=float(sample_rate))
    # Dry output; polyphony ample for dense blocks. No syn.start(): no audio driver.
    syn.setting("synth.reverb.active", 0)
    syn.setting("synth.chorus.active", 0)
    sfid = syn.sfload(soundfont)
    if sfid < 0:
        syn.delete()
        raise SoundFontError(f"SoundFont could not be loaded: {soundfont}")
    return syn, sfid


def _presets(syn: fluidsynth.Synth, sfid: int) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = {}
    for bank in (0, DRUM_BANK):
        names = ((p, syn.sfpreset_name(sfid, bank, p)) for p in range(128))
        out[bank] = {p: n for p, n in names if n is not None}
    return out


def soundfont_presets(soundfont: str) -> dict[int, dict[int, str]]:
    """The SoundFont's presets of bank 0 (General MIDI programs) and bank 128 (drum kits):
    bank -> {program: name}.  Raises SoundFontError like StemSynth."""
    syn, sfid = _new_synth(48000, soundfont, 0.0)
    try:
        return _presets(syn, sfid)
    finally:
        syn.delete()


def program_bank(stem: str) -> int:
    """The bank a stem's program selects from: drum kits for drums, else General MIDI."""
    return DRUM_BANK if stem == "drums" else 0


def preset_names(soundfont: str, programs: dict[str, int]) -> dict[str, str | None]:
    """stem -> the name of its program in the SoundFont (drums: the kit in bank 128), or
    None where the SoundFont has no such preset."""
    presets = soundfont_presets(soundfont)
    return {stem: presets[program_bank(stem)].get(int(prog)) for stem, prog in programs.items()}


class _Channel:
    """One stem's synth, its MIDI channel and the note-offs it still owes."""

    def __init__(self, syn: fluidsynth.Synth, sfid: int, channel: int):
        self.syn, self.sfid, self.channel = syn, sfid, channel
        self.ends: dict[int, int] = {}  # pitch -> absolute sample of its pending note-off


class StemSynth:
    """Renders NoteEvents to one mono float32 track per stem, block by block.

    Not thread-safe: call every method from one thread (the engine's).
    """

    def __init__(self, sample_rate: int, soundfont: str, programs: dict[str, int],
                 stems: tuple[str, ...] = STEMS, gain: float = 0.8):
        self.sample_rate = int(sample_rate)
        self.stems = tuple(stems)
        self._ch: dict[str, _Channel] = {}
        try:
            for stem in self.stems:
                syn, sfid = _new_synth(self.sample_rate, soundfont, gain)
                chan = DRUM_CHANNEL if stem == "drums" else 0
                self._ch[stem] = _Channel(syn, sfid, chan)
                self.set_program(stem, int(programs.get(stem, 0)))
        except Exception:
            self.close()
            raise
        self._pos = 0  # samples rendered since reset
        self._stereo = np.zeros((4096, 2), np.float32)  # render scratch, grown if needed

    def presets(self) -> dict[int, dict[int, str]]:
        """soundfont_presets() of the SoundFont already loaded (no second load)."""
        c = next(iter(self._ch.values()))
        return _presets(c.syn, c.sfid)

    def set_program(self, stem: str, program: int) -> None:
        """General MIDI program (0..127) of a stem; drums select a kit in bank 128."""
        c = self._ch[stem]
        bank = program_bank(stem)
        if c.syn.program_select(c.channel, c.sfid, bank, int(program)) != 0 and bank == DRUM_BANK:
            c.syn.program_select(c.channel, c.sfid, bank, 0)  # the kit is missing: standard kit

    def render_block(self, notes: Sequence[NoteEvent], bpm: float, samples: int,
                     ends: Sequence[NoteEnd] = ()) -> dict[str, np.ndarray]:
        """stem -> (samples,) float32; notes timed in beats from the block start; `ends`
        stop sounding notes of earlier blocks early (at their time in this block)."""
        if samples <= 0:
            return {s: np.zeros(0, np.float32) for s in self.stems}
        spb = 60.0 * self.sample_rate / float(bpm)  # samples per beat
        t0, t1 = self._pos, self._pos + samples
        at = lambda beats: t0 + min(max(int(round(beats * spb)), 0), samples - 1)  # noqa: E731
        ons: dict[str, list[tuple[int, int, int, int]]] = {s: [] for s in self.stems}
        for n in notes:
            if n.stem not in ons:
                continue
            on = at(n.start)
            off = max(t0 + int(round((n.start + n.duration) * spb)), on + 1)
            ons[n.stem].append((on, off, int(n.pitch), int(min(max(n.velocity, 1), 127))))
        cuts: dict[str, list[tuple[int, int]]] = {s: [] for s in self.stems}
        for e in ends:
            if e.stem in cuts:
                cuts[e.stem].append((at(e.at), int(e.pitch)))
        out = {}
        for stem in self.stems:
            out[stem] = self._render_stem(self._ch[stem], sorted(ons[stem]), t0, t1, cuts[stem])
        self._pos = t1
        return out

    def _render_stem(self, c: _Channel, ons: list, t0: int, t1: int, cuts: Sequence = ()) -> np.ndarray:
        # Events in this block: (time, kind, pitch, velocity, end); at one time, cuts (kind
        # -1, an earlier note ended early) first, then offs (kind 0), then note-ons.
        events = [(end, 0, p, 0, 0) for p, end in c.ends.items() if end < t1]
        events += [(when, -1, p, 0, 0) for when, p in cuts]
        events += [(on, 1, p, v, off) for on, off, p, v in ons]
        events.sort()
        y = np.empty(t1 - t0, np.float32)
        t = t0
        for when, kind, pitch, vel, end in events:
            if when > t:
                self._render(c, y[t - t0:when - t0])
                t = when
            if kind == -1:
                if pitch in c.ends:  # sounding: it ends here (its later note-off finds nothing)
                    c.syn.noteoff(c.channel, pitch)
                    del c.ends[pitch]
            elif kind == 0:
                if c.ends.get(pitch) == when:  # not re-struck since
                    c.syn.noteoff(c.channel, pitch)
                    del c.ends[pitch]
            else:
                if pitch in c.ends:  # re-struck while sounding: end the old note here
                    c.syn.noteoff(c.channel, pitch)
                c.syn.noteon(c.channel, pitch, vel)
                c.ends[pitch] = end
                if end < t1:  # its note-off falls in this block: queue it in time order
                    bisect.insort(events, (end, 0, pitch, 0, 0))  # lands after the current event
        if t < t1:
            self._render(c, y[t - t0:])
        return y

    def _render(self, c: _Channel, y: np.ndarray) -> None:
        n = y.shape[0]
        if n == 0:
            return
        if self._stereo.shape[0] < n:
            self._stereo = np.zeros((n, 2), np.float32)
        buf = self._stereo
        _write_float(c.syn.synth, n, buf.ctypes.data, 0, 2, buf.ctypes.data, 1, 2)
        np.add(buf[:n, 0], buf[:n, 1], out=y)
        y *= 0.5

    def reset(self) -> None:
        """All notes off at once (no release tails), position back to 0."""
        for c in self._ch.values():
            c.syn.all_sounds_off(c.channel)
            c.ends.clear()
            # render a little to let FluidSynth retire the voices it just killed
            self._render(c, np.empty(64, np.float32))
        self._pos = 0

    def close(self) -> None:
        for c in self._ch.values():
            c.syn.delete()
        self._ch.clear()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def render_notes(notes: Iterable, bpm: float, sample_rate: int, soundfont: str, program: int = 0,
                 channel: int = 0, tail_s: float = 1.0, gain: float = 0.8) -> np.ndarray:
    """One-shot offline rendering of notes -> (n,) float32 mono, n = last end + tail_s.

    notes: NoteEvent (start/duration in beats from time 0) or (pitch, velocity, start_beat,
    end_beat). channel 9 renders GM percussion (bank 128).
    """
    evs = []
    for n in notes:
        if hasattr(n, "pitch"):
            evs.append((int(n.pitch), int(n.velocity), float(n.start), float(n.start + n.duration)))
        else:
            p, v, s, e = n
            evs.append((int(p), int(v), float(s), float(e)))
    spb = 60.0 * sample_rate / float(bpm)
    end_beat = max((e for _, _, _, e in evs), default=0.0)
    total = int(round(end_beat * spb + tail_s * sample_rate))
    stem = "drums" if channel == DRUM_CHANNEL else "keys"
    synth = StemSynth(sample_rate, soundfont, {stem: program}, stems=(stem,), gain=gain)
    try:
        notes_ev = [NoteEvent(stem, p, max(1, min(v, 127)), s, max(e - s, 1e-6)) for p, v, s, e in evs]
        return synth.render_block(notes_ev, bpm, total)[stem]
    finally:
        synth.close()
