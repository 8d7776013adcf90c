"""`lmdm render`: the live engine's core, driven block by block from a file.

The same Planner and Voice as `lmdm serve` (bridge/engine.py), with the file as the clock:
the input is fed to the generator in periods up to each block's schedule point, so each
block sees exactly the input it would have heard live (accompany: up to its start minus
the margin; delay: the whole span two blocks back). Offline there are no measured step
times, so the margin is the configured minimum (plus one period), rounded to the grid:
renders are deterministic for a fixed --seed.

Writes <out>/<stem>.wav (mono), mix.wav (stereo), notes.mid (one track per stem, named
after it); time zero is the input's start.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge.config import Config, ConfigError, load_config
from bridge.engine import Planner, Settings, Voice, end_frames, load_model, mix, note_frames
from bridge.recorder import end_sounding
from model import api
from model.api import MidiEvent, NoteEvent

PERIOD = 1024  # frames per observe() call, as a live JACK period


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", required=True, metavar="FILE", help="a .wav (audio) or .mid (MIDI) file")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for <stem>.wav, mix.wav, notes.mid")
    p.add_argument("--bpm", type=float, help="tempo (default: the MIDI file's tempo, else the config's)")
    p.add_argument("--beats-per-bar", type=int, metavar="N",
                   help="beats per bar (default: the MIDI file's time signature, else the config's)")
    p.add_argument("--prompt", metavar="TEXT", help="style prompt")
    p.add_argument("--mode", choices=api.MODES, help="accompany (default), delay or free")
    p.add_argument("--seed", type=int, help="seed for reproducible generation")
    p.add_argument("--model", metavar="NAME", help=f"default, one of {', '.join(api.available())}, or a name of "
                        "the config file's models: section")
    p.add_argument("--config", metavar="FILE", help="YAML file overlaying bridge/defaults.yaml")


class GenerationError(RuntimeError):
    """The generator raised while rendering offline."""


@dataclass
class Rendered:
    sample_rate: int
    bpm: float
    beats_per_bar: int
    stems: np.ndarray  # (stems, frames) float32
    mix: np.ndarray  # (frames,) float32
    notes: list[tuple[NoteEvent, int, int, float]]  # (note, start frame, duration frames, bpm)
    blocks: int
    step_s: list[tuple[float, int]] = field(default_factory=list)  # (generate + render seconds, frames) per block


def read_input(path: Path, sample_rate: int) -> tuple[np.ndarray, list[tuple[int, bytes]], int, float | None]:
    """(audio (frames, channels) float32, MIDI (frame, bytes), sample rate, file tempo or None)."""
    suffix = path.suffix.lower()
    if suffix == ".wav":
        from scipy.io import wavfile
        rate, data = wavfile.read(path)
        if data.dtype.kind == "i":
            data = data.astype(np.float32) / float(np.iinfo(data.dtype).max)
        elif data.dtype.kind == "u":
            data = (data.astype(np.float32) - 128.0) / 128.0
        audio = np.asarray(data, np.float32)
        if audio.ndim == 1:
            audio = audio[:, None]
        return audio, [], int(rate), None
    if suffix in (".mid", ".midi"):
        import mido
        mid = mido.MidiFile(path)
        bpm = None
        t = 0.0
        events = []
        for msg in mid:  # merged tracks, .time in seconds (tempo map applied)
            t += msg.time
            if msg.is_meta:
                if msg.type == "set_tempo" and bpm is None:
                    bpm = float(mido.tempo2bpm(msg.tempo))
                continue
            events.append((int(round(t * sample_rate)), bytes(msg.bytes())))
        frames = int(round(t * sample_rate)) + 1
        return np.zeros((frames, 1), np.float32), events, sample_rate, bpm
    raise ValueError(f"{path}: expected a .wav or .mid file")


def midi_meter(path: Path) -> int | None:
    """Beats (quarter notes) per bar of a MIDI file's first time signature (6/8: 3), if a
    whole number in 1..16; None for audio files, files without one, and 7/8 and the like."""
    if path.suffix.lower() not in (".mid", ".midi"):
        return None
    import mido
    for track in mido.MidiFile(path).tracks:
        for msg in track:
            if msg.type == "time_signature":
                beats = msg.numerator * 4 / msg.denominator
                return int(beats) if beats == int(beats) and 1 <= beats <= 16 else None
    return None


def render(cfg: Config, audio: np.ndarray, midi: list[tuple[int, bytes]], sample_rate: int,
           generator=None, synth=None) -> Rendered:
    """Drive the engine core over the whole input; output covers the input (rounded up to
    whole blocks; delay mode adds the two blocks its answers come late)."""
    from model.synth import StemSynth
    api.configure(cfg.models)  # the config's own named models (models:)
    gen = generator or load_model(cfg.generation.model, sample_rate)
    stems = api.STEMS
    if synth is None:
        synth = StemSynth(sample_rate, cfg.render.soundfont, cfg.render.programs, stems=stems, gain=cfg.render.gain)
    voice = Voice(gen, synth, stems)
    voice.reset()
    settings = Settings.from_config(cfg)
    planner = Planner(settings, cfg.engine, sample_rate, PERIOD)
    planner.reset(0)
    total_in = audio.shape[0]
    block = planner.block_samples(settings.bpm, settings.block_length)
    n_blocks = max(1, -(-total_in // block)) + (2 if settings.mode == "delay" else 0)
    out = np.zeros((len(stems), n_blocks * block + block), np.float32)  # (stems, frames), + slack
    notes: list[tuple[NoteEvent, int, int, float]] = []
    steps: list[tuple[float, int]] = []
    heard = 0
    midi = sorted(midi)
    mi = 0
    for _ in range(n_blocks):
        due = planner.next_due()
        while heard < due:  # feed the input period by period, as live
            n = min(PERIOD, due - heard)
            chunk = audio[heard:heard + n]
            if chunk.shape[0] < n:  # past the end of the file: silence
                chunk = np.concatenate([chunk, np.zeros((n - chunk.shape[0], audio.shape[1]), np.float32)])
            events = []
            while mi < len(midi) and midi[mi][0] < heard + n:
                events.append(MidiEvent(max(0, midi[mi][0] - heard), midi[mi][1]))
                mi += 1
            voice.observe(chunk, events)
            heard += n
        slot = planner.plan(origin=0)
        try:
            rendered = voice.render(slot)
        except Exception as exc:  # offline there is no next block to hope for: say where
            raise GenerationError(f"block {slot.index} (beat {slot.start_beat:g}): the generator "
                                  f"{getattr(gen, 'name', '?')} failed: {type(exc).__name__}: {exc}") from exc
        if slot.start + slot.samples > out.shape[1]:
            out = np.concatenate([out, np.zeros((len(stems), slot.samples), np.float32)], axis=1)
        out[:, slot.start:slot.start + slot.samples] = rendered.audio
        steps.append((rendered.step_s, slot.samples))
        for e, at in end_frames(rendered, sample_rate):  # a re-plan ended an earlier note early
            end_sounding(notes, e.stem, int(e.pitch), at)
        notes += [(n, start, dur, slot.bpm) for n, start, dur in note_frames(rendered, sample_rate)]
    frames = planner.next_start
    stems_audio = out[:, :frames]
    return Rendered(sample_rate, settings.bpm, settings.beats_per_bar, stems_audio,
                    mix(stems_audio, np.ones(len(stems))), notes, n_blocks, steps)


def write_outputs(r: Rendered, folder: Path, programs: dict[str, int]) -> list[Path]:
    from scipy.io import wavfile

    from bridge.recorder import write_notes_midi
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, audio in zip(api.STEMS, r.stems):
        paths.append(folder / f"{stem}.wav")
        wavfile.write(paths[-1], r.sample_rate, audio)
    paths.append(folder / "mix.wav")
    wavfile.write(paths[-1], r.sample_rate, np.stack([r.mix, r.mix], axis=1))
    paths.append(folder / "notes.mid")
    sr = r.sample_rate
    write_notes_midi(paths[-1], [(n, start / sr, dur / sr) for n, start, dur, _ in r.notes], r.bpm,
                     programs=programs, beats_per_bar=r.beats_per_bar)
    return paths


def main(args: argparse.Namespace) -> int:
    overrides: dict = {"engine": {}, "generation": {}}
    if args.mode:
        overrides["engine"]["mode"] = args.mode
    if args.prompt is not None:
        overrides["generation"]["prompt"] = args.prompt
    if args.seed is not None:
        overrides["generation"]["seed"] = args.seed
    if args.model:
        overrides["generation"]["model"] = args.model
    try:
        cfg = load_config(args.config, {k: v for k, v in overrides.items() if v})
        path = Path(args.input)
        if not path.is_file():
            raise ValueError(f"input file not found: {path}")
        audio, midi, sr, file_bpm = read_input(path, cfg.audio.sample_rate)
        bpm = args.bpm or file_bpm or cfg.engine.bpm
        cfg.engine.bpm = float(bpm)
        cfg.engine.beats_per_bar = int(args.beats_per_bar or midi_meter(path) or cfg.engine.beats_per_bar)
        cfg.engine.check()
    except (ConfigError, ValueError) as exc:
        print(f"lmdm render: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        r = render(cfg, audio, midi, sr)
    except (api.ModelError, GenerationError, OSError) as exc:
        print(f"lmdm render: {exc}", file=sys.stderr)
        return 1
    paths = write_outputs(r, Path(args.out), cfg.render.programs)
    secs = r.stems.shape[1] / sr
    print(f"lmdm render: {r.blocks} blocks ({secs:.1f} s at {bpm:g} bpm in {r.beats_per_bar}/4, {cfg.engine.mode}) "
          f"in {time.perf_counter() - t0:.1f} s, {len(r.notes)} notes")
    for p in paths:
        print(f"  {p}")
    return 0
