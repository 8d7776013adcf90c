"""The engine core, clock-agnostic: which block plays where, what the generator is asked,
how its answer becomes audio and MIDI. No threads, no audio I/O, no sockets.

Two drivers use exactly this code: the live engine (bridge/live.py: audio frames from the
JACK/PortAudio callback, generation in a worker thread) and the offline renderer
(bridge/offline.py: frames from a file, generation inline). Both count time in absolute
audio frames and do, per block:

    due = planner.next_due()          # input frame that must be heard first
    ... feed voice.observe() with the input up to `due` ...
    slot = planner.plan(origin)       # settings (tempo, mode, prompt...) frozen here
    out = voice.render(slot)          # generate + render: (stems, slot.samples) audio
    ... write out.audio at [slot.start, slot.start + slot.samples) ...

Timing model (frames; S_k = start of block k, L_k its length, m = margin):
- accompany: block k is generated at S_k - m from the input heard until then
  (Block.visible_until = -m) and must be ready before S_k.
- free: the same schedule, input ignored (visible_until = 0).
- delay: block k re-voices the input span of block k-2, [S_{k-2}, S_{k-1}), generated as
  soon as that span is fully heard (at S_{k-1}, visible_until = samples): the phrase
  comes back bar-aligned two blocks after it began, with one whole block to compute.
  (Precisely: the L_k beats that ended L_k beats before S_k, the same span while the
  blocks keep one length; the first bar after a switch from one-beat accompany blocks
  re-voices a whole bar.) Blocks 0 and 1 after play have no span yet and play silence.
- a new mode takes over on the next bar line (Planner.next_block).
- m = max(margin_min_ms, headroom * p99(measured step time) + one period), rounded up
  to whole grid frames (frames_per_beat per beat) so the hidden input ends on the grid;
  1.5x the headroom until 8 steps have been measured (Planner.EARLY_HEADROOM).
"""
from __future__ import annotations

import heapq
import itertools
import math
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from bridge.config import Config, EngineConfig
from model.api import Block, Controls, Generator, MidiEvent, NoteEnd, NoteEvent

# One MIDI channel per stem on the MIDI output (0-based; drums on GM channel 10).
MIDI_CHANNELS = {"bass": 0, "keys": 1, "lead": 2, "drums": 9}


def midi_channel(stem: str, index: int) -> int:
    return MIDI_CHANNELS.get(stem, 3 + index if 3 + index != 9 else 10)


# --- settings: what the controls change, read when a block is planned -----------------

MIN_BLOCK_BEATS = 0.25  # the shortest block (one grid frame at 4 per beat), cut short at a bar line too


@dataclass
class Settings:
    bpm: float = 120.0
    beats_per_bar: int = 4
    block_beats: float = 0.0  # 0: auto (block_length)
    mode: str = "accompany"
    follow_transport: bool = True
    tap_start: bool = False  # /lmdm/tap_start: a bar of taps while stopped starts the band
    input_gain: float = 1.0
    prompts: tuple[tuple[str, float], ...] = ()
    steps: int = 8
    guidance: float = 3.0
    temperature: float = 1.0
    density: float = 0.5
    groove: float = 0.5
    seed: int | None = None
    key: str | None = None
    context_beats: float = 32.0

    @classmethod
    def from_config(cls, cfg: Config) -> "Settings":
        e, g = cfg.engine, cfg.generation
        prompts = ((g.prompt, 1.0),) if g.prompt else ()
        return cls(bpm=e.bpm, beats_per_bar=e.beats_per_bar, block_beats=e.block_beats, mode=e.mode,
                   follow_transport=e.follow_transport, tap_start=e.tap_start, input_gain=e.input_gain,
                   prompts=prompts,
                   steps=g.steps, guidance=g.guidance, temperature=g.temperature, density=g.density,
                   groove=g.groove, seed=g.seed, key=g.key, context_beats=g.context_beats)

    @property
    def block_length(self) -> float:
        """Block length in beats: block_beats, or with block_beats 0 ("auto") one beat in
        accompany mode (a re-planning model then follows each bar as it hears it) and one
        bar in delay and free mode. At least a quarter beat."""
        return self.block_length_in(self.mode)

    def block_length_in(self, mode: str, beats_per_bar: int | None = None) -> float:
        """block_length as it would be in `mode` (and a meter of `beats_per_bar`)."""
        if self.block_beats > 0:
            return max(float(self.block_beats), MIN_BLOCK_BEATS)
        return 1.0 if mode == "accompany" else float(beats_per_bar or self.beats_per_bar)

    def controls(self) -> Controls:
        return Controls(prompts=self.prompts, steps=self.steps, guidance=self.guidance,
                        temperature=self.temperature, density=self.density, groove=self.groove, seed=self.seed,
                        key=self.key, context_beats=self.context_beats,
                        beats_per_bar=self.beats_per_bar)

    # OSC address -> setting. Arguments arrive validated and coerced (bridge/osc_table.py).
    def apply(self, address: str, args: tuple) -> bool:
        """Apply a setting control; False if `address` is not a setting."""
        name = address.removeprefix("/lmdm/")
        if name == "prompt":
            pairs = tuple((str(args[i]), float(args[i + 1])) for i in range(0, len(args), 2))
            self.prompts = tuple(p for p in pairs if p[0])
        elif name == "key":
            self.key = None if args[0] == "none" else args[0]
        elif name == "seed":
            self.seed = None if args[0] < 0 else int(args[0])
        elif name == "input/gain":
            self.input_gain = float(args[0])
        elif name in _SIMPLE:
            setattr(self, name, _SIMPLE[name](args[0]))
        else:
            return False
        return True

    def get(self, name: str) -> object:
        """The value /lmdm/get reports for a setting name; KeyError if not a setting."""
        if name == "prompt":
            return tuple(v for p in self.prompts for v in p) or ("",)
        if name == "key":
            return self.key or "none"
        if name == "seed":
            return -1 if self.seed is None else self.seed
        if name == "input/gain":
            return self.input_gain
        if name in _SIMPLE:
            return getattr(self, name)
        raise KeyError(name)


_SIMPLE = {"bpm": float, "beats_per_bar": int, "block_beats": float, "mode": str,
           "follow_transport": bool, "tap_start": bool, "steps": int, "guidance": float, "temperature": float,
           "density": float, "groove": float, "context_beats": float}


# --- planning -----------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """One block of output: where it plays and what the generator is asked for it."""

    index: int  # blocks since play
    start: int  # absolute frame where it starts playing
    samples: int  # its length in frames
    bpm: float
    start_beat: float  # beats since play
    beats: float
    due: int  # absolute input frame that must be heard before it is generated
    margin: int  # frames between the end of the visible input and `start` (latency)
    mode: str
    block: Block | None  # None: nothing to generate, the slot plays silence
    controls: Controls


class Planner:
    """Block arithmetic and the adaptive margin. Streaming state: the next block's start,
    index and beat, the slots planned lately (delay mode's input spans), step times.

    Bar lines (multiples of beats_per_bar counted from play, as /lmdm/status counts bars)
    keep their place whatever the performer changes: a new mode or a new beats_per_bar
    starts on the next bar line (the blocks before it keep the old one, the last one cut
    short at it; bars of the new meter count on from that bar line), and a block
    whose length is a bar multiple or a divisor of the bar that would start off the bar
    grid (block_beats changed mid-bar) is cut short at the next bar line, so later ones
    start on it. Blocks of other lengths (3 beats in 4/4) run across bar lines as asked.
    A master's meter change (rebar: a JACK transport's) takes over on the master's bar line."""

    MIN_SAME_LENGTH = 8  # steps at a block length before their own p99 sets the margin
    # steps remembered for the p99: 128 one-beat blocks are 32 s at 240 bpm (32 steps were
    # 8 s there: the margin fell back to one sixteenth between load spikes; see
    # docs/architecture.md for the runs that set this and the default headroom of 2)
    STEP_MEMORY = 128
    # until that many steps were measured at all (the warm-up and the first blocks after
    # start-up, when caches are cold and a re-planning model runs its first re-plans) the
    # headroom is this much larger: a 240-bpm stream once missed its 4th block with the
    # plain headroom (then 1.5) over the warm-up step alone
    EARLY_HEADROOM = 1.5
    # planned slots remembered: delay mode reaches back two of its blocks (up to 2 x 32
    # beats), which after a switch from quarter-beat blocks spans 256 of them
    SLOT_MEMORY = 512

    def __init__(self, settings: Settings, cfg: EngineConfig, sample_rate: int, period: int):
        self.settings = settings
        self.cfg = cfg
        self.sample_rate = int(sample_rate)
        self.period = int(period)
        # (seconds of generate + render, block frames) of the latest blocks
        self.step_times: deque[tuple[float, int]] = deque(maxlen=self.STEP_MEMORY)
        self.reset(0)

    def reset(self, at: int) -> None:
        """Play starts: block 0 begins at absolute frame `at`, on a bar line of the meter set."""
        self.next_index = 0
        self.next_start = int(at)
        self.next_beat = 0.0
        self.history: deque[Slot] = deque(maxlen=self.SLOT_MEMORY)
        # (beats_per_bar, bar_origin) in force: bar lines at bar_origin + k * beats_per_bar
        self.meter = (self._asked_meter(), 0.0)
        # (frame, beat, bpm) where the tempo in force began: block edges are rounded from it,
        # so whole-frame block lengths never add up to a drift from the tempo
        self.tempo_anchor: tuple[int, float, float] | None = None

    def frames_per_beat(self, bpm: float) -> float:
        return 60.0 * self.sample_rate / bpm

    def block_samples(self, bpm: float, beats: float) -> int:
        return max(1, int(round(beats * self.frames_per_beat(bpm))))

    def _next_samples(self, bpm: float, beats: float) -> int:
        """Frames of the next block: from its start to its end's beat on the tempo's grid (the
        edges are rounded from where the tempo began, not the lengths one by one: at 123 bpm
        and 48 kHz a beat is 23414.63 frames, and rounding each one-beat block alone would put
        the band 56 ms behind the tempo after an hour)."""
        a = self.tempo_anchor
        if a is None or a[2] != bpm:
            a = self.tempo_anchor = (self.next_start, self.next_beat, bpm)
        end = a[0] + int(round((self.next_beat + beats - a[1]) * self.frames_per_beat(bpm)))
        return max(1, end - self.next_start)

    # ---- bar lines ------------------------------------------------------------------------
    def _asked_meter(self) -> int:
        return max(int(self.settings.beats_per_bar), 1)

    @staticmethod
    def to_bar_line(beat: float, meter: tuple[int, float]) -> float:
        """Beats from `beat` to the next bar line of `meter` (0 on one)."""
        bpb, origin = meter
        r = (beat - origin) % bpb
        return 0.0 if r < 1e-6 or bpb - r < 1e-6 else bpb - r

    def next_meter(self) -> tuple[int, float]:
        """(beats_per_bar, bar_origin) of the next block: the one in force, or on its bar
        lines the one asked for, with the origin moved so that bars count on from here."""
        bpb, origin = self.meter
        asked = self._asked_meter()
        if asked != bpb and self.to_bar_line(self.next_beat, self.meter) == 0:
            bars = round((self.next_beat - origin) / bpb)
            return asked, self.next_beat - bars * asked
        return bpb, origin

    def rebar(self, beats_per_bar: int, at: float) -> int:
        """A master's meter changed on its own bar line, at the band's beat `at` (a JACK
        transport's time signature, known only as it happens, so `at` may lie in blocks
        already planned): bar lines from `at` on are at + k * beats_per_bar, with no wait
        for the band's next bar line, and the settings' meter is the new one.  Bars count
        on: returns the number of the bar that begins at `at`."""
        bpb, origin = self.meter
        bar = math.ceil((at - origin) / bpb - 1e-6)  # bars of the old meter begun before `at`
        self.settings.beats_per_bar = int(beats_per_bar)
        self.meter = (int(beats_per_bar), at - bar * int(beats_per_bar))
        return bar

    def beat_at(self, frame: float) -> float:
        """The band's beat (since play) at absolute frame `frame`: within a planned slot
        remembered, else extrapolated from the next block's start at the tempo set."""
        for s in reversed(self.history):
            if s.start <= frame < s.start + s.samples:
                return s.start_beat + (frame - s.start) / s.samples * s.beats
            if s.start + s.samples <= frame:
                break
        return self.next_beat + (frame - self.next_start) / self.frames_per_beat(self.settings.bpm)

    @staticmethod
    def _bar_aligned(beats: float, bpb: int) -> bool:
        """A block length that tiles the bar grid: a whole number of bars or of blocks per bar."""
        whole = lambda x: abs(x - round(x)) < 1e-6  # noqa: E731
        return whole(beats / bpb) or whole(bpb / beats)

    def next_block(self) -> tuple[str, float]:
        """(mode, beats) of the next block: the settings' mode and meter from a bar line on
        (the last planned slot's until then); cut short at the next bar line where the class
        says."""
        st = self.settings
        meter = self.next_meter()
        to_bar = self.to_bar_line(self.next_beat, meter)
        mode = st.mode
        if to_bar > 0 and self.history and self.history[-1].mode != mode:
            mode = self.history[-1].mode  # the new mode waits for the bar line
        beats = st.block_length_in(mode, meter[0])
        waiting = mode != st.mode or meter[0] != self._asked_meter()
        if beats > to_bar >= MIN_BLOCK_BEATS and (waiting or self._bar_aligned(beats, meter[0])):
            beats = to_bar
        return mode, beats

    # ---- the margin -----------------------------------------------------------------------
    def step_p99(self, samples: int | None = None) -> float:
        """p99 of the measured step times of blocks of `samples` frames (within 1 %); with
        fewer than MIN_SAME_LENGTH measured at that length (a new block length or tempo:
        the p99 of two or three steps is their maximum, and they may be two quick ones), of
        all of them, those of shorter blocks scaled up to this length: rendering grows with the block,
        but a shorter block need not be cheaper (a model that re-plans its bar at every
        block runs a whole generation for each), so longer ones count as they are."""
        if not self.step_times:
            return 0.0
        if samples is None:
            samples = self.block_samples(self.settings.bpm, self.next_block()[1])
        same = [s for s, n in self.step_times if abs(n - samples) <= 0.01 * samples]
        if len(same) >= self.MIN_SAME_LENGTH:
            return float(np.percentile(same, 99))
        scaled = [s * max(1.0, samples / max(n, 1)) for s, n in self.step_times]
        return float(np.percentile(scaled, 99))

    def margin(self, bpm: float | None = None, beats: float | None = None) -> int:
        """Frames of input the generator cannot hear before its block starts (the next
        block's, or one of `beats`)."""
        bpm = bpm or self.settings.bpm
        samples = self.block_samples(bpm, self.next_block()[1] if beats is None else beats)
        early = len(self.step_times) < self.MIN_SAME_LENGTH
        headroom = self.cfg.margin_headroom * (self.EARLY_HEADROOM if early else 1.0)
        need_s = max(self.cfg.margin_min_ms / 1000.0,
                     headroom * self.step_p99(samples) + self.period / self.sample_rate)
        grid = self.frames_per_beat(bpm) / self.cfg.frames_per_beat  # frames per grid frame
        frames = max(1, math.ceil(need_s * self.sample_rate / grid - 1e-9))
        return int(math.ceil(frames * grid))

    # ---- delay mode's spans ---------------------------------------------------------------
    def frame_at(self, beat: float) -> tuple[int, Slot | None] | None:
        """The absolute frame of a beat already planned (the next block's start included)
        and the slot it falls in; None if older than the slots remembered."""
        if abs(beat - self.next_beat) < 1e-6:
            return self.next_start, None
        for s in reversed(self.history):
            if s.start_beat - 1e-6 <= beat < s.start_beat + s.beats - 1e-6:
                return s.start + int(round((beat - s.start_beat) / s.beats * s.samples)), s
        return None

    def _delay_span(self, beats: float) -> tuple[int, int, Slot] | None:
        """The input a delay block of `beats` starting at the next block re-voices: the
        `beats` that ended `beats` before it ([S_{k-2}, S_{k-1}) while the blocks keep one
        length; after a change of mode or length, the same distance back) as (start frame,
        end frame, the slot the span starts in); None before play had that much."""
        b0 = self.next_beat - 2.0 * beats
        if b0 < -1e-6:
            return None
        a, z = self.frame_at(b0), self.frame_at(self.next_beat - beats)
        if a is None or z is None or a[1] is None:
            return None
        return a[0], z[0], a[1]

    def next_due(self) -> int:
        """The input frame after which the next block gets generated."""
        mode, beats = self.next_block()
        if mode == "delay":
            span = self._delay_span(beats)
            if span is not None:
                return span[1]
        return self.next_start - self.margin(beats=beats)

    def plan(self, origin: int, end_at: int | None = None) -> Slot:
        """Freeze the settings into the next slot and advance. `origin`: the absolute frame
        of the generator's input sample 0 (its last reset). `end_at`: the frame where the
        block must end (the beat of a master the band follows in phase); its tempo is then
        the one that fits the block's beats in."""
        st = self.settings
        bpm = st.bpm
        mode, beats = self.next_block()
        samples = self._next_samples(bpm, beats)
        if end_at is not None and end_at > self.next_start:
            samples = int(end_at) - self.next_start
            bpm = beats * self.frames_per_beat(1.0) / samples
            self.tempo_anchor = (self.next_start + samples, self.next_beat + beats, st.bpm)
        margin = self.margin(bpm, beats)
        self.meter = self.next_meter()
        controls = replace(st.controls(), beats_per_bar=self.meter[0], bar_origin=self.meter[1])
        due = self.next_start - margin
        block = None
        if mode == "delay":
            span = self._delay_span(beats)
            if span is not None and span[0] >= origin:
                start, end, first = span
                due, margin = end, self.next_start - end
                block = Block(index=first.index, start_beat=self.next_beat - 2.0 * beats, beats=beats,
                              bpm=first.bpm, samples=end - start, start_sample=start - origin,
                              visible_until=end - start, mode="delay")
        else:
            block = Block(index=self.next_index, start_beat=self.next_beat, beats=beats, bpm=bpm,
                          samples=samples, start_sample=self.next_start - origin,
                          visible_until=-margin if mode == "accompany" else 0, mode=mode)
        slot = Slot(self.next_index, self.next_start, samples, bpm, self.next_beat, beats, due,
                    margin, mode, block, controls)
        self.history.append(slot)
        self.next_index += 1
        self.next_start += samples
        self.next_beat += beats
        return slot

    def record_step(self, seconds: float, samples: int) -> None:
        self.step_times.append((float(seconds), int(samples)))


class LoadGuard:
    """Halves the denoising steps when generation takes most of each block (engine.auto_steps):
    a model too slow for this machine at this tempo and block length then plays at fewer
    steps instead of missing its deadlines and dropping blocks to silence.

    Each measured step is recorded as (generate + render) / block duration under the key
    (steps, block frames) it ran with; a new key (the performer set steps, tempo or block
    length, or the guard itself halved the steps) starts the window afresh. Once WINDOW steps
    of one key are in and their median is above LIMIT, steps are halved (down to MIN_STEPS).
    It never raises them again: the performer does, with /lmdm/steps."""

    WINDOW = 8
    LIMIT = 0.7  # median share of the block; above it p99 spikes miss deadlines
    MIN_STEPS = 2

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.key: tuple[int, int] | None = None
        self.ratios: deque[float] = deque(maxlen=self.WINDOW)

    def reset(self) -> None:
        self.key = None
        self.ratios.clear()

    def record(self, seconds: float, samples: int, steps: int, sample_rate: int) -> None:
        key = (int(steps), int(samples))
        if key != self.key:
            self.reset()
            self.key = key
        self.ratios.append(seconds * sample_rate / max(samples, 1))

    def shed(self, settings: Settings) -> tuple[int, int, float] | None:
        """Halve settings.steps if the window says so -> (old steps, new steps, median share)."""
        if (not self.enabled or len(self.ratios) < self.WINDOW or settings.steps <= self.MIN_STEPS
                or self.key is None or self.key[0] != settings.steps):
            return None
        share = float(np.median(self.ratios))
        if share <= self.LIMIT:
            return None
        old = settings.steps
        settings.steps = max(self.MIN_STEPS, old // 2)
        self.reset()
        return old, settings.steps, share


# --- generation and rendering -------------------------------------------------------

def load_model(name: str, sample_rate: int) -> Generator:
    """model.api.load_generator, with any failure (a broken checkpoint raises whatever it
    raises) turned into a ModelError that names the model. When the *default* model was
    asked for and cannot load (a damaged checkpoint, a broken torch install), the
    rule-based baseline plays instead and the error is logged: the band still plays."""
    from model.api import DEFAULT_MODEL, ModelError, load_generator

    def load(n: str) -> Generator:
        try:
            return load_generator(n, sample_rate)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"model {n!r} failed to load: {type(exc).__name__}: {exc}") from exc
    try:
        return load(DEFAULT_MODEL if name == "default" else name)
    except ModelError as exc:
        if name != "default" or DEFAULT_MODEL == "baseline":
            raise
        import logging
        logging.getLogger(__name__).error("%s; it is the default model: playing the rule-based "
                                          "baseline instead", exc)
        return load("baseline")


@dataclass
class SlotOutput:
    slot: Slot
    audio: np.ndarray  # (stems, slot.samples) float32, before gains
    notes: list[NoteEvent]
    step_s: float  # wall time of generate + render
    ends: list[NoteEnd] = field(default_factory=list)  # earlier notes ended early (a re-plan)


class Voice:
    """The generator and the note renderer, used from one thread only (the worker in the
    live engine, the main thread offline). `synth` renders notes when the generator
    returns no audio; it may be None for audio-only generators."""

    def __init__(self, generator: Generator, synth, stems: Sequence[str]):
        self.generator = generator
        self.synth = synth
        self.stems = tuple(stems)
        self.rejected_notes = 0  # malformed notes dropped (a generator bug, reported)

    def observe(self, audio: np.ndarray, midi: Sequence[MidiEvent] = ()) -> None:
        """audio (n, channels) float32, in order, every frame since the last reset."""
        self.generator.observe(audio, midi)

    def reset(self) -> None:
        self.generator.reset()
        self.silence()

    def silence(self) -> None:
        """Cut every sounding note (a failed or skipped block plays silence)."""
        if self.synth is not None:
            self.synth.reset()

    def set_program(self, stem: str, program: int) -> None:
        if self.synth is not None and stem in self.synth.stems:
            self.synth.set_program(stem, program)

    def render(self, slot: Slot) -> SlotOutput:
        """Generate and render one slot; exceptions from the generator propagate (after
        the synth is silenced, so the next block starts clean)."""
        t0 = time.perf_counter()
        notes: list[NoteEvent] = []
        ends: list[NoteEnd] = []
        audio = None
        try:
            if slot.block is not None:
                out = self.generator.generate(slot.block, slot.controls)
                notes = self._clean(out.notes, slot)
                ends = self._clean_ends(getattr(out, "ends", None) or (), slot)
                audio = out.audio
            if audio is None:
                audio = self._render_notes(notes, slot, ends)
            else:
                audio = self._fit(audio, slot.samples)
        except BaseException:
            self.silence()
            raise
        return SlotOutput(slot, audio, notes, time.perf_counter() - t0, ends)

    def _render_notes(self, notes: list[NoteEvent], slot: Slot, ends: Sequence[NoteEnd] = ()) -> np.ndarray:
        audio = np.zeros((len(self.stems), slot.samples), np.float32)  # (stems, samples)
        if self.synth is None:
            return audio
        stems = self.synth.render_block(notes, slot.bpm, slot.samples, ends=ends)
        for i, stem in enumerate(self.stems):
            if stem in stems:
                audio[i] = stems[stem]
        return audio

    def _fit(self, audio: dict, samples: int) -> np.ndarray:
        out = np.zeros((len(self.stems), samples), np.float32)  # (stems, samples)
        for i, stem in enumerate(self.stems):
            a = np.asarray(audio.get(stem, ()), np.float32).reshape(-1)[:samples]
            out[i, :a.shape[0]] = np.nan_to_num(a)
        return out

    def _clean(self, notes, slot: Slot) -> list[NoteEvent]:
        """Drop notes the renderer or a MIDI device would choke on."""
        ok = []
        for n in notes:
            try:
                good = (n.stem in self.stems and 0 <= int(n.pitch) <= 127
                        and math.isfinite(n.start) and math.isfinite(n.duration)
                        and 0 <= n.start < slot.beats and n.duration > 0)
            except (TypeError, ValueError, AttributeError):
                good = False
            if not good:
                self.rejected_notes += 1
                continue
            vel = int(min(max(int(n.velocity), 1), 127))
            ok.append(n if vel == n.velocity else replace(n, velocity=vel))
        return ok


    def _clean_ends(self, ends, slot: Slot) -> list[NoteEnd]:
        """Drop note ends that name no stem, no MIDI pitch or a time outside the block."""
        ok = []
        for e in ends:
            try:
                good = (e.stem in self.stems and 0 <= int(e.pitch) <= 127 and math.isfinite(e.at)
                        and 0 <= e.at < slot.beats)
            except (TypeError, ValueError, AttributeError):
                good = False
            if good:
                ok.append(e)
            else:
                self.rejected_notes += 1
        return ok


# --- what a rendered slot sends out besides audio -----------------------------------

def note_frames(out: SlotOutput, sample_rate: int) -> list[tuple[NoteEvent, int, int]]:
    """(note, absolute start frame, duration in frames) for every note of the slot."""
    spb = 60.0 * sample_rate / out.slot.bpm
    return [(n, out.slot.start + int(round(n.start * spb)), max(1, int(round(n.duration * spb))))
            for n in out.notes]


def end_frames(out: SlotOutput, sample_rate: int) -> list[tuple[NoteEnd, int]]:
    """(note end, absolute frame) for every note end of the slot."""
    spb = 60.0 * sample_rate / out.slot.bpm
    return [(e, out.slot.start + int(round(e.at * spb))) for e in out.ends]


MIDI_CLOCK, MIDI_START, MIDI_CONTINUE, MIDI_STOP = 0xF8, 0xFA, 0xFB, 0xFC
MIDI_SONG_POSITION = 0xF2  # + 14 bits: the master's position in sixteenths (6 ticks each)
CLOCK_PPQN = 24  # MIDI clock ticks per quarter note


class MidiSchedule:
    """Generated MIDI waiting for its time, with note-offs that can still move earlier.

    Slots are scheduled ahead of playback; a later slot may end a note early (NoteEnd) or
    strike a pitch that is still sounding. Per (channel, pitch) the schedule knows the one
    note-off that is due; an end moves it earlier (the old one is dropped when its time
    comes) and a re-strike ends the sounding note first, so a stale note-off never cuts a
    newer note. Used from one thread (the engine's).
    """

    def __init__(self):
        self.heap: list[tuple[int, int, bytes]] = []  # (frame, seq, bytes) not yet sent
        # (ch, pitch) -> (note-off frame, its seq, note-on frame) of the latest note
        self.due_off: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.dropped: set[int] = set()  # seqs of note-offs superseded before their time
        self._seq = itertools.count()
        self.clock_next: float | None = None  # frame of the next MIDI clock tick to send (clock out)

    def _push(self, frame: int, data: bytes) -> int:
        seq = next(self._seq)
        heapq.heappush(self.heap, (int(frame), seq, data))
        return seq

    def _end(self, key: tuple[int, int], frame: int) -> None:
        """The sounding note of `key` (if any, and due to end later) ends at `frame`."""
        due = self.due_off.get(key)
        if due is not None and due[2] <= frame < due[0]:
            self.dropped.add(due[1])
            self.due_off[key] = (frame, self._push(frame, bytes((0x80 | key[0], key[1], 0))), due[2])

    def add(self, out: SlotOutput, stems: Sequence[str], sample_rate: int) -> None:
        index = {s: i for i, s in enumerate(stems)}
        timed = [(f, 0, e.stem, int(e.pitch), 0, 0) for e, f in end_frames(out, sample_rate)]
        timed += [(f, 1, n.stem, int(n.pitch), int(n.velocity), d) for n, f, d in note_frames(out, sample_rate)]
        for frame, kind, stem, pitch, vel, dur in sorted(timed, key=lambda t: (t[0], t[1])):
            key = (midi_channel(stem, index[stem]), pitch)
            self._end(key, frame)
            if kind == 1:
                self._push(frame, bytes((0x90 | key[0], pitch, vel)))
                self.due_off[key] = (frame + dur, self._push(frame + dur, bytes((0x80 | key[0], pitch, 0))), frame)

    def pop_until(self, until: int) -> list[tuple[int, bytes]]:
        """Events before frame `until`, in time order (superseded note-offs left out)."""
        out = []
        while self.heap and self.heap[0][0] < until:
            frame, seq, data = heapq.heappop(self.heap)
            if seq in self.dropped:
                self.dropped.discard(seq)
                continue
            if data[0] & 0xF0 == 0x80 and self.due_off.get((data[0] & 0x0F, data[1]), (0, -1, 0))[1] == seq:
                del self.due_off[(data[0] & 0x0F, data[1])]
            out.append((frame, data))
        return out

    def start_clock(self, frame: int) -> None:
        """MIDI clock out: Start at `frame`, the first tick there too (after it)."""
        self._push(frame, bytes((MIDI_START,)))
        self.clock_next = float(frame)

    def add_clock(self, start: int, samples: int, bpm: float, sample_rate: int) -> None:
        """MIDI clock out: the ticks of a planned block (24 per beat at its tempo). Each frame
        range is ticked once (a block planned again over it adds none)."""
        if self.clock_next is None:
            return
        per_tick = 60.0 * sample_rate / (CLOCK_PPQN * bpm)
        end = start + samples
        while self.clock_next < end:
            if self.clock_next >= start:
                self._push(int(round(self.clock_next)), bytes((MIDI_CLOCK,)))
            self.clock_next += per_tick

    def owed_offs(self) -> list[bytes]:
        """Stop: the note-offs of every sounding note; the schedule (queued clock ticks too)
        is emptied."""
        offs = [bytes((0x80 | ch, pitch, 0)) for (ch, pitch) in sorted(self.due_off)]
        self.heap.clear()
        self.due_off.clear()
        self.dropped.clear()
        self.clock_next = None
        return offs


class TapTempo:
    """Tap tempo (/lmdm/tap): the tempo of a performer's taps, from their arrival times in
    seconds. Two taps give a tempo, more refine it: the median of the last MAX_INTERVALS
    intervals, so one tap off the beat moves it little. A pause longer than a beat at 20
    bpm starts a new count; a tap within DEBOUNCE_S of the last one (a bouncing button, a
    double click) is ignored. `count` is the taps of the current count (the tap start
    counts a bar of them), `last` the time of its latest tap."""

    MAX_INTERVALS = 4
    MAX_GAP_S = 3.0  # 20 bpm
    DEBOUNCE_S = 0.1

    def __init__(self) -> None:
        self.times: deque[float] = deque(maxlen=self.MAX_INTERVALS + 1)
        self.count = 0

    @property
    def last(self) -> float | None:
        return self.times[-1] if self.times else None

    def tap(self, t: float) -> float | None:
        """A tap at time `t` (seconds) -> the tempo in bpm (20..300, to 0.01), None after a
        first tap or an ignored one."""
        if self.times and t - self.times[-1] < self.DEBOUNCE_S and t >= self.times[-1]:
            return None
        if self.times and not 0.0 < t - self.times[-1] <= self.MAX_GAP_S:
            self.times.clear()
            self.count = 0
        self.times.append(float(t))
        self.count += 1
        if len(self.times) < 2:
            return None
        interval = float(np.median(np.diff(np.asarray(self.times))))
        return round(min(max(60.0 / interval, 20.0), 300.0), 2)


def tap_start_frame(downbeat_s: float, cycle: tuple[int, int], sample_rate: int, out_latency: int,
                    earliest: int, bar_frames: float) -> int:
    """The frame where a band started by taps begins its bar 1, so that it sounds at
    `downbeat_s` (perf_counter seconds: the beat after a bar of taps).

    cycle: (perf_counter_ns, frame) of the audio callback's latest period (Exchange.last_cycle):
    that period's first frame was computed then and is heard out_latency frames later. If
    the downbeat comes before `earliest` (the first frame the engine can still plan), the
    band comes in a whole bar later (or more), on a downbeat of the tapped count."""
    t_ns, pos = cycle
    frame = pos - out_latency + (downbeat_s - t_ns / 1e9) * sample_rate
    bars = max(0, math.ceil((earliest - frame) / bar_frames - 1e-9)) if bar_frames > 0 else 0
    return int(round(frame + bars * bar_frames))


class MidiClock:
    """An external MIDI clock on midi_in (a DAW or a drum machine as master): its tempo and
    its Start / Continue / Stop. Fed the frame of every realtime byte; used from one thread.

    The tempo is the median tick interval of the last beat's ticks (a late tick moves a
    median little), and None until ticks_needed ticks arrived or once none came for stale_s
    (the master stopped sending: the daemon's own tempo rules again). `song_ticks` counts the
    ticks since Start (a Continue goes on counting; a Song Position Pointer sets it), so the
    master's bar lines are known: after Start the next tick is the downbeat of bar 1.

    tick_frame() extrapolates the master's tick grid (a line fitted to the last GRID_TICKS
    counted ticks) to any tick index: the engine ends each block on the master's beat there,
    so the band stays in phase with it (its tempo alone, an estimate, would drift)."""

    GRID_TICKS = 4 * CLOCK_PPQN  # the counted ticks tick_frame() fits its line to

    def __init__(self, sample_rate: int, ticks_needed: int = 6, stale_s: float = 0.5) -> None:
        self.sample_rate = int(sample_rate)
        self.ticks: deque[int] = deque(maxlen=CLOCK_PPQN + 1)
        self.grid: deque[tuple[int, int]] = deque(maxlen=self.GRID_TICKS)  # (tick index since Start, frame)
        self.ticks_needed = int(ticks_needed)
        self.stale = int(stale_s * sample_rate)
        self.running = False
        self.song_ticks = 0  # ticks since Start while running: the index of the next tick
        self.start_frame: int | None = None  # frame of the last Start
        self._counted = False  # the last tick's index is song_ticks - 1 (a tick or a position since Start)

    def song_position(self, data: bytes) -> None:
        """A Song Position Pointer (F2 lsb msb): the next tick is at that many sixteenths."""
        if len(data) >= 3:
            to = ((data[2] & 0x7F) << 7 | (data[1] & 0x7F)) * (CLOCK_PPQN // 4)
            if self.running and self.grid:  # the ticks keep their times, their count jumps:
                jump = to - self.song_ticks  # the grid's line goes on, re-counted
                self.grid = deque(((i + jump, f) for i, f in self.grid), maxlen=self.GRID_TICKS)
            else:
                self.grid.clear()
            self.song_ticks = to
            self._counted = True
            if self.start_frame is None and self.ticks:
                self.start_frame = self.ticks[-1]  # a grid to count the bar lines on

    def feed(self, frame: int, status: int) -> str | None:
        """One realtime byte at `frame` -> "start", "continue" or "stop" when it is one."""
        if status == MIDI_CLOCK:
            if self.ticks and frame < self.ticks[-1]:
                self.ticks.clear()  # time went backwards (a new JACK server): start over
                self.grid.clear()
            self.ticks.append(int(frame))
            if self.running:
                self.grid.append((self.song_ticks, int(frame)))
                self.song_ticks += 1
                self._counted = True
            return None
        if status == MIDI_START:
            self.running, self.song_ticks, self.start_frame, self._counted = True, 0, int(frame), False
            self.grid.clear()
            return "start"
        if status == MIDI_CONTINUE:
            self.running = True
            self.grid.clear()  # the ticks before the pause are not on the new line
            return "continue"
        if status == MIDI_STOP:
            self.running = False
            return "stop"
        return None

    def bpm(self, now: int) -> float | None:
        """The master's tempo at frame `now` (20..300 bpm), None without a live clock."""
        if len(self.ticks) < self.ticks_needed or now - self.ticks[-1] > self.stale:
            return None
        interval = float(np.median(np.diff(np.asarray(self.ticks, np.int64))))
        if interval <= 0:
            return None
        return float(min(max(60.0 * self.sample_rate / (CLOCK_PPQN * interval), 20.0), 300.0))

    def tick_frame(self, index: float, now: int) -> float | None:
        """The frame of the master's tick `index` (counted since Start, fractional ones too),
        on a line fitted to the last counted ticks (a tick far off the line, a late one, left
        out); None without a live, counted clock at frame `now`."""
        if len(self.grid) < self.ticks_needed or now - self.grid[-1][1] > self.stale:
            return None
        idx = np.fromiter((i for i, _ in self.grid), np.float64, len(self.grid))
        frm = np.fromiter((f for _, f in self.grid), np.float64, len(self.grid))
        line = _fit_line(idx, frm)
        if line is not None:
            res = np.abs(frm - (line[0] + line[1] * idx))
            keep = res <= max(2.0, 3.0 * float(np.median(res)))
            if not keep.all() and keep.sum() >= self.ticks_needed:
                line = _fit_line(idx[keep], frm[keep])
        if line is None or line[1] <= 0:
            return None
        return line[0] + line[1] * float(index)

    def next_bar_tick(self, after: int, beats_per_bar: int, bpm: float) -> tuple[int, int] | None:
        """The first of the master's bar lines at or after frame `after`, counted in ticks
        since Start (tick 0 is the downbeat of bar 1; a Continue goes on counting), at `bpm`
        from the last tick (or on the fitted tick grid) -> (its frame, its tick index since
        Start); None when no Start was seen."""
        if self.start_frame is None:
            return None
        per_tick = 60.0 * self.sample_rate / (CLOCK_PPQN * bpm)
        bar_ticks = beats_per_bar * CLOCK_PPQN
        if self._counted and self.ticks:
            base, index = self.ticks[-1], self.song_ticks - 1  # -1: the position's top, next tick
        else:  # Start seen, no tick since: the downbeat is the next tick, about now
            base, index = self.start_frame, 0
        tick = index + (-index % bar_ticks)
        frame = base + (tick - index) * per_tick
        if frame < after:
            bars = math.ceil((after - frame) / (bar_ticks * per_tick) - 1e-9)
            frame += bars * bar_ticks * per_tick
            tick += bars * bar_ticks
        if self._counted and (fit := self.tick_frame(tick, base)) is not None:
            frame = fit  # the fitted tick grid: closer than whole-frame intervals at one tempo
            if round(frame) < after:
                tick += bar_ticks
                frame = self.tick_frame(tick, base)
        return int(round(frame)), int(tick)


def _fit_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Least-squares y = a + b x -> (a, b); None when x does not vary."""
    mx, my = float(x.mean()), float(y.mean())
    var = float(((x - mx) ** 2).sum())
    if var <= 0:
        return None
    b = float(((x - mx) * (y - my)).sum()) / var
    return my - b * mx, b


def mix(audio: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """audio (stems, n), gains (stems,) -> (n,) float32."""
    return (gains.astype(np.float32) @ audio).astype(np.float32)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
