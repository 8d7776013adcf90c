"""The generator contract: the only thing the bridge engine knows about models.

The engine (bridge/engine.py) drives any Generator block by block:

    gen.reset()                                   # at play / reset
    gen.observe(audio_chunk, midi_events)         # as input arrives, in order, any chunk size
    out = gen.generate(block, controls)           # at the block's schedule point

Time bookkeeping: "input samples" count every sample passed to observe() since the last
reset(), so the generator can align its own history with `Block.start_sample`.
This module imports nothing from bridge/, no threads, sockets or audio I/O.
"""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

STEMS: tuple[str, ...] = ("bass", "keys", "lead", "drums")
MODES: tuple[str, ...] = ("accompany", "delay", "free")


@dataclass(frozen=True)
class NoteEvent:
    """One generated note. Times are in beats, relative to the start of its block."""

    stem: str
    pitch: int  # MIDI pitch; for drums the General MIDI percussion key
    velocity: int  # 1..127
    start: float  # beats from block start, 0 <= start < block.beats
    duration: float  # beats, > 0; may reach past the block end


@dataclass(frozen=True)
class NoteEnd:
    """Ends a note early: the stem's note of this pitch that is sounding at `at` (a note of an
    earlier block, whose planned duration reaches past it) stops there. A generator that
    re-plans uses it for notes its new plan no longer holds; nothing happens if no note of
    that pitch is sounding then."""

    stem: str
    pitch: int
    at: float  # beats from block start, 0 <= at < block.beats


@dataclass(frozen=True)
class MidiEvent:
    """A raw MIDI message from a live instrument, aligned to the audio chunk it came with."""

    offset: int  # sample offset inside the audio chunk passed to the same observe() call
    data: bytes  # raw MIDI bytes (status byte first)


@dataclass(frozen=True)
class Block:
    """What the engine asks the generator for."""

    index: int  # blocks since play/reset
    start_beat: float  # musical position of the block start (beats since play)
    beats: float  # block length in beats
    bpm: float
    samples: int  # block length in audio samples at the generator's sample rate
    start_sample: int  # input sample (since reset) where the block's input span starts
    # Input samples of the block's span the model may see, counted from start_sample.
    # accompany: negative (-margin): the tail of the previous block is not heard yet.
    # delay: == samples (the whole span was heard; the answer plays one block later).
    # free: 0 (input is ignored).
    visible_until: int
    mode: str = "accompany"


@dataclass(frozen=True)
class Controls:
    """Generation controls, applied at block boundaries (see docs/osc.md)."""

    prompts: tuple[tuple[str, float], ...] = ()  # (text, weight); empty = unconditional
    steps: int = 8
    guidance: float = 3.0
    temperature: float = 1.0
    density: float = 0.5
    # how tightly the pitched parts start their notes with the drums: 0.5 = the model's own
    # setting (the embedded model: its checkpoint's tuned groove), 0 = no lock, 1 = every
    # pitched stem on the drummer's grid; a model without drums ignores it
    groove: float = 0.5
    seed: int | None = None
    key: str | None = None  # e.g. "C minor"; None = unconstrained
    context_beats: float = 32.0
    # The meter: bars of beats_per_bar, their lines at bar_origin + k * beats_per_bar
    # (beats since play). bar_origin is 0 until beats_per_bar changes while playing; the
    # engine then switches on a bar line of the old meter and moves the origin so that bars
    # count on from there (see bar_position).
    beats_per_bar: int = 4
    bar_origin: float = 0.0

    def bar_position(self, beat: float) -> tuple[int, float]:
        """(bar, beats into it) of `beat` (beats since play) in this meter; bars count from 0
        at play."""
        bpb = max(int(self.beats_per_bar), 1)
        rel = float(beat) - float(self.bar_origin)
        bar = math.floor(rel / bpb + 1e-6)
        return bar, max(0.0, rel - bar * bpb)

    def dominant_prompt(self) -> str:
        if not self.prompts:
            return ""
        return max(self.prompts, key=lambda p: p[1])[0]


@dataclass
class StemBlock:
    """What the generator returns for one block."""

    notes: list[NoteEvent] = field(default_factory=list)
    # Per-stem mono float32 audio of exactly block.samples; None: the engine renders notes.
    audio: dict[str, np.ndarray] | None = None
    ends: list[NoteEnd] = field(default_factory=list)  # earlier notes to end early


@runtime_checkable
class Generator(Protocol):
    name: str
    stems: tuple[str, ...]
    sample_rate: int

    def reset(self) -> None: ...

    def observe(self, audio: np.ndarray, midi: Sequence[MidiEvent]) -> None:
        """audio: (frames, channels) float32 at sample_rate, the live input in order."""
        ...

    def generate(self, block: Block, controls: Controls) -> StemBlock: ...


class ModelError(RuntimeError):
    """A generator could not be loaded or does not honour the contract."""


# Generators are loaded by name only (never by path from the network).
# name -> "module:factory"; factory(sample_rate: int, **options) -> Generator
REGISTRY: dict[str, str] = {
    "baseline": "model.baseline:create",
    "embedded": "model.embedded:create",
}
DEFAULT_MODEL = "embedded"  # bridge.engine.load_model falls back to "baseline" if it cannot load
# Named models of the local config file (the daemon's `models:` section, see configure()):
# name -> (a REGISTRY name, the factory's options), e.g. "mine" -> ("embedded",
# {"checkpoint": "/abs/path", "kernels": "onednn"}). Loaded by name like the registered ones.
CONFIGURED: dict[str, tuple[str, dict]] = {}


def available() -> list[str]:
    return sorted({*REGISTRY, *CONFIGURED})


def model_names() -> tuple[str, ...]:
    """Every name load_generator takes: "default", then the registered and configured ones."""
    return ("default", *available())


def configure(models: dict[str, dict]) -> None:
    """Replace the configured models: {name: {"type": a REGISTRY name, **options}}. Called with
    the daemon's (or `lmdm render`'s) validated config, never with anything from the network:
    options may name files (an embedded checkpoint folder)."""
    CONFIGURED.clear()
    for name, entry in models.items():
        opts = dict(entry)
        CONFIGURED[name] = (opts.pop("type"), opts)


def load_generator(name: str, sample_rate: int, **options) -> Generator:
    """Load a registered or configured generator and check its contract with a silent test
    block. A configured model reports its configured name (gen.name)."""
    if name == "default":
        name = DEFAULT_MODEL
    kind = name
    if name in CONFIGURED:
        kind, preset = CONFIGURED[name]
        options = {**preset, **options}
    if kind not in REGISTRY:
        raise ModelError(f"unknown model {name!r}; available: {', '.join(available())}")
    module_name, factory_name = REGISTRY[kind].split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    try:
        gen = factory(sample_rate=sample_rate, **options)
    except TypeError as exc:  # an option the factory does not take (a config typo)
        if name in CONFIGURED:
            raise ModelError(f"model {name!r} ({kind}): {exc}") from exc
        raise
    if kind != name:
        gen.name = name
    check_contract(gen)
    return gen


def check_contract(gen: Generator) -> None:
    """nn~-style load check: a zero input must give a well-formed block."""
    for attr in ("name", "stems", "sample_rate"):
        if not hasattr(gen, attr):
            raise ModelError(f"generator lacks attribute {attr!r}")
    if not gen.stems or len(set(gen.stems)) != len(gen.stems):
        raise ModelError(f"generator stems must be unique and non-empty: {gen.stems!r}")
    sr = int(gen.sample_rate)
    samples = sr * 2  # one 4/4 bar at 120 bpm
    gen.reset()
    gen.observe(np.zeros((samples, 1), np.float32), [])
    block = Block(index=0, start_beat=0.0, beats=4.0, bpm=120.0, samples=samples,
                  start_sample=0, visible_until=samples, mode="delay")
    out = gen.generate(block, Controls(seed=0))
    if not isinstance(out, StemBlock):
        raise ModelError(f"generate() returned {type(out).__name__}, expected StemBlock")
    for n in list(out.notes) + list(out.ends):
        if n.stem not in gen.stems:
            raise ModelError(f"note for unknown stem {n.stem!r}")
    if out.audio is not None:
        for stem, a in out.audio.items():
            if stem not in gen.stems or np.asarray(a).shape != (samples,):
                raise ModelError(f"audio for {stem!r} has shape {np.shape(a)}, expected ({samples},)")
    gen.reset()
