"""The real-time engine: drives the engine core (bridge/engine.py) from the audio clock.

Threads (see docs/architecture.md):
- the audio callback (bridge/jack_io.py or bridge/pa_io.py) moves frames between the
  ports and the Exchange rings and counts; nothing else.
- the engine thread (LiveEngine._run) wakes every half period (5..10 ms): it drains the
  control queue, consumes the input ring (meters and recording via bridge/monitor.py,
  the generator's input via the worker), plans blocks at their schedule points, hands
  them to the worker, checks deadlines, copies finished blocks into the output timeline
  ahead of the callback, queues MIDI, sends notes and status, and watches the server.
- the worker thread (bridge/worker.py) owns the generator and the synth: observe,
  generate, render, strictly in order. A block it has not finished by its deadline is
  abandoned: the engine writes silence (or the dry input) there, reports /lmdm/error
  and goes on; the worker skips blocks that were abandoned before it reached them.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bridge.config import Config
from bridge.backend import BackendError
from bridge.engine import (CLOCK_PPQN, MIDI_SONG_POSITION, MIDI_STOP, LoadGuard, MidiClock, MidiSchedule, Planner,
                           Settings, Slot, SlotOutput, TapTempo, Voice, end_frames, midi_channel, note_frames,
                           tap_start_frame)
from bridge.monitor import Monitor
from bridge.worker import Job, Worker
from model.api import MidiEvent

log = logging.getLogger(__name__)

ALL_NOTES_OFF = 123  # MIDI CC


def _meter(t) -> int | None:
    """A transport's beats per bar as the band's meter (None: none published, or outside 1-16)."""
    bpb = t.beats_per_bar
    return int(round(bpb)) if bpb and 1 <= round(bpb) <= 16 else None


class LiveEngine:
    """See the module docstring. `feedback` has broadcast(address, *args) and
    broadcast_bundle(messages, timetag) (the OscServer); `backend` is a JackBackend or
    PortAudioBackend, already open and started."""

    def __init__(self, cfg: Config, exchange, backend, voice: Voice, feedback, model_name: str,
                 recorder_factory=None):
        self.cfg = cfg
        self.ex = exchange
        self.backend = backend
        self.feedback = feedback
        self.stems = voice.stems
        self.model_name = model_name
        self.sample_rate = backend.sample_rate
        self.period = backend.period
        self.settings = Settings.from_config(cfg)
        # the margin covers one period plus one engine tick of detection delay
        self.planner = Planner(self.settings, cfg.engine, self.sample_rate, self._guard())
        self.controls: queue.SimpleQueue = queue.SimpleQueue()
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.wake = threading.Event()
        self.worker = Worker(voice, self.results, self.wake)
        self._thread = threading.Thread(target=self._run, name="lmdm-engine", daemon=True)
        self._quit = False

        self.state = "stopped"
        self.jobs: list[Job] = []  # planned blocks, in order, until they finished playing
        self.current: Slot | None = None  # the block playing now
        self.heard = exchange.frames  # next input frame to consume
        self.origin = exchange.frames  # absolute frame of the generator's input sample 0
        self.last_step_s = 0.0
        self.last_rtf = 0.0
        self.load = LoadGuard(cfg.engine.auto_steps)  # halves the steps of a model too slow here
        self.midi = MidiSchedule()  # generated MIDI not yet in the MIDI ring
        self.note_heap: list = []  # (frame, seq, messages) /lmdm/note bundles to send
        self._seq = itertools.count()
        self._midi_pending: list[tuple[int, bytes]] = []  # MIDI in events ahead of the audio
        self.tap = TapTempo()  # /lmdm/tap
        # MIDI control (bridge/midimap.py): the map that claims midi_in's control and program
        # changes, and what gets what they ask for, on this thread: on_midi([(frame, Intent)])
        self.midi_map = None
        self.on_midi: Callable[[list], None] | None = None
        # a recalled scene waiting for its bar line while playing: (beat, name, apply(frame))
        # (the daemon's apply sets the settings for the block planned next, gains from there)
        self.pending_scene: tuple[float, str, Callable[[int | None], None]] | None = None
        self.clock = MidiClock(self.sample_rate)  # a MIDI clock master on midi_in (follow_transport)
        self._clock_actions: list[str] = []  # its Start / Continue / Stop, done after the input
        self._clock_in_ignored = False  # warned once that midi_in's clock is not followed
        # the MIDI clock master's tick index where play began (beat 0): blocks end on its
        # beats while its clock runs; None when play did not start on a master's bar line
        self.clock_grid: int | None = None
        # likewise the JACK transport's beat (since its bar 1) where play began (moved by its
        # relocations and meter changes: always the transport's beat at the band's beat 0)
        self.transport_grid: float | None = None
        self.transport_meter: int | None = None  # the rolling transport's beats per bar, last seen
        self.monitor = Monitor(exchange, self.stems, self.sample_rate, cfg.osc.meter_hz, feedback,
                               self._error, recorder_factory, mix_channels=2 if cfg.audio.mix else 1)
        self._next_heartbeat = 0
        self.lost_at = 0.0
        self._next_reconnect = 0.0
        self._was_playing = False
        self.errors_reported = 0
        self._greeted: set = set()
        self._next_greet = 0.0

    # --- public (any thread) ----------------------------------------------------------
    def start(self) -> None:
        self.worker.start()
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._quit = True
        self.wake.set()
        self._thread.join(timeout)
        self.worker.stop()

    def submit(self, kind: str, *args) -> None:
        """A control for the engine thread: ("osc", address, args), ("play",), ("stop",),
        ("reset",), ("tap", seconds), ("swap", generator, name), ("program", stem, n),
        ("record", name|0), ("call", fn): fn() runs there, after the controls before it,
        ("scene", name, apply): apply(frame) at the scene's bar line (LiveEngine._scene), which
        returns the messages subscribers get with /lmdm/scene (the values it set)."""
        self.controls.put((kind, *args))
        self.wake.set()

    @property
    def lead(self) -> int:
        """How far ahead of the callback the engine fills the timeline."""
        return int(min(self.ex.out.max_ahead - self.sample_rate // 2, self.sample_rate))

    # --- the engine thread ------------------------------------------------------------
    def _guard(self) -> int:
        return self.period + int(self.tick_s * self.sample_rate)

    @property
    def tick_s(self) -> float:
        """How often the engine thread wakes: half a period, 5..10 ms (each wake competes
        with the callback for the GIL, so not more often than needed)."""
        return max(0.005, min(0.01, self.period / self.sample_rate / 2))

    def _run(self) -> None:
        while not self._quit:
            try:
                if self.backend.lost or self.state == "no_jack":
                    self._jack_lost()
                else:
                    self._cycle()
            except Exception as exc:  # a bug here must not take the daemon down
                log.exception("engine: unexpected error")
                self._error("/lmdm/engine", f"internal error: {type(exc).__name__}: {exc}")
                time.sleep(0.1)
            self.wake.wait(self.tick_s)
            self.wake.clear()
        self.monitor.stop_recording()

    def _cycle(self) -> None:
        self._drain_controls()
        self._consume_input()
        self._follow_clock()
        self._collect_results()
        if self.state == "playing":
            self._plan_due()
            self._check_deadlines()
            self._feed()
        self._send_due_notes()
        self._announce()
        self._greet_subscribers()

    # controls ------------------------------------------------------------------------
    def _drain_controls(self) -> None:
        while True:
            try:
                cmd = self.controls.get_nowait()
            except queue.Empty:
                return
            kind = cmd[0]
            if kind == "osc":
                self.settings.apply(cmd[1], cmd[2])
                if cmd[1] in ("/lmdm/bpm", "/lmdm/mode", "/lmdm/block_beats", "/lmdm/beats_per_bar"):
                    self._status()
            elif kind == "play":
                self._play()
            elif kind == "stop":
                self._stop()
            elif kind == "tap":
                bpm = self.tap.tap(cmd[1])
                if bpm is not None:
                    self.settings.apply("/lmdm/bpm", (bpm,))
                    self.feedback.broadcast("/lmdm/value", "bpm", self.settings.bpm)  # a patch's tempo box follows
                    log.info("tap tempo: %.2f bpm", bpm)
                    if (self.settings.tap_start and self.state == "stopped" and not self._master_tempo()
                            and self.tap.count == max(self.settings.beats_per_bar, 2)):
                        self._play(downbeat=self.tap.last + 60.0 / bpm)  # the count-in's next "one"
                    self._status()
            elif kind == "call":  # a /lmdm/get's answer, in order with the controls
                try:
                    cmd[1]()
                except Exception:
                    log.exception("engine: a deferred call failed")
            elif kind == "scene":
                self._scene(cmd[1], cmd[2])
            elif kind == "reset":
                self.worker.put("reset")
                self.origin = self.heard
            elif kind == "swap":
                self.worker.put("swap", cmd[1])
                self.load.reset()
                self.origin = self.heard
                self.model_name = cmd[2]
                self.feedback.broadcast("/lmdm/ready", self.model_name, self.sample_rate)
                log.info("model %s loaded", self.model_name)
            elif kind == "program":
                self.worker.put("program", cmd[1], cmd[2])
            elif kind == "record":
                if cmd[1] == 0:
                    self.monitor.stop_recording()
                else:
                    self.monitor.start_recording(Path(self.cfg.record.dir) / cmd[1], cmd[1], self.heard)

    def _scene(self, name: str, apply: Callable[[int | None], None]) -> None:
        """A recalled scene: at once while the band is stopped, else from the next bar line
        of the blocks still to plan (a later recall before it replaces it). Subscribers get
        /lmdm/scene <name> as it takes over (while playing, timed to its bar line)."""
        if self.state != "playing":
            self.pending_scene = (0.0, name, apply)
            self._apply_scene(None)
            return
        p = self.planner
        beat = p.next_beat + p.to_bar_line(p.next_beat, p.next_meter())
        if self.pending_scene is not None:
            log.info("scene: %s replaces %s, waiting for beat %g", name, self.pending_scene[1], self.pending_scene[0])
        self.pending_scene = (beat, name, apply)

    def _apply_scene(self, frame: int | None) -> None:
        """The waiting scene's settings, for the block that starts at `frame` (None: now)."""
        if self.pending_scene is None:
            return
        _, name, apply = self.pending_scene
        self.pending_scene = None
        msgs = [("/lmdm/scene", (name,)), *apply(frame)]  # and the values it set
        if frame is None:
            self.feedback.broadcast_bundle(msgs, None)
        else:  # sent with the notes, as the bar line sounds
            heapq.heappush(self.note_heap, (frame, next(self._seq), msgs))
        self._status()

    def _play(self, downbeat: float | None = None) -> None:
        """Start the band: on a master's next bar line when following one, else one margin
        from now, or (downbeat: perf_counter seconds, a tap start) so that its bar 1 sounds
        then (TapTempo, tap_start_frame)."""
        if self.state == "no_jack":
            self._was_playing = True  # plays when the server is back
            return
        if self.state == "playing":
            return
        now = self.ex.frames
        margin = self.planner.margin()
        start = now + margin + self.period
        start += -start % self.period  # on a period boundary
        t = self._transport()
        clock_bpm = self.clock.bpm(now) if self.settings.follow_transport else None
        bar = None if t is not None or clock_bpm is None else self.clock.next_bar_tick(
            start, self.settings.beats_per_bar, clock_bpm)
        self.clock_grid = self.transport_grid = self.transport_meter = None
        if bar is not None:  # a MIDI clock master that was started: start on its next bar line
            self.settings.bpm = round(clock_bpm, 2)
            start, self.clock_grid = bar
        elif t is not None and t.bpm:
            # rolling JACK transport: start on its next bar line, in its meter (and follow
            # its meter changes: _follow_transport_meter)
            self.transport_meter = _meter(t)
            if self.transport_meter is not None:
                self.settings.beats_per_bar = self.transport_meter
            fpb = self.planner.frames_per_beat(t.bpm)
            bpb = t.beats_per_bar or self.settings.beats_per_bar
            at = now if t.frame is None else t.frame  # the frame its position holds at
            to_bar = (bpb - t.beat_in_bar) % bpb
            while at + to_bar * fpb < now + margin + self.period:
                to_bar += bpb
            start = int(round(at + to_bar * fpb))
            if t.beat is not None and t.frame is not None:
                self.transport_grid = float(round(t.beat + to_bar))
        elif downbeat is not None:  # a tap start: bar 1 on the count's next "one"
            cycle, latency = self.ex.last_cycle, self.backend_latency()
            bar = self.planner.frames_per_beat(self.settings.bpm) * self.settings.beats_per_bar
            start = tap_start_frame(downbeat, cycle, self.sample_rate, latency, now + margin + self.period, bar)
            late = round((start - tap_start_frame(downbeat, cycle, self.sample_rate, latency, 0, 0)) / bar)
            log.info("tap start: %.2f bpm, bar 1 %s", self.settings.bpm,
                     f"{late} bar(s) late: the next beat was too soon to plan" if late else
                     "one beat after the last tap")
        self.planner.reset(start)
        if self.cfg.audio.midi_clock_out:
            self.midi.start_clock(start)
        self.ex.out.restart(start)
        self.ex.out.active = True
        self.state = "playing"
        log.info("play: first block at frame %d (%.0f ms from now)", start, (start - now) * 1000 / self.sample_rate)
        self._status()

    def backend_latency(self) -> int:
        """Frames from the period the callback computes to where it is heard (the backend's
        output latency; 0 if it cannot tell)."""
        try:
            return max(0, int(self.backend.out_latency()))
        except Exception as exc:  # a backend without it, or one that failed to say
            log.debug("no output latency: %s", exc)
            return 0

    def _stop(self) -> None:
        if self.state == "no_jack":
            self._was_playing = False
            return
        if self.state != "playing":
            return
        self._apply_scene(None)  # a scene waiting for a bar line that will not come: now
        self.ex.out.active = False
        self.ex.out.cut(self.ex.frames)
        for job in self.jobs:
            job.cancelled = True
        self.jobs.clear()
        self.current = None
        self._flush_midi()
        self.note_heap.clear()
        self.state = "stopped"
        log.info("stop")
        self._status()

    def _flush_midi(self) -> None:
        """Drop queued MIDI, send every owed note-off now, then all-notes-off per channel."""
        self.ex.midi_epoch += 1
        epoch = self.ex.midi_epoch
        now = self.ex.frames
        for data in self.midi.owed_offs():
            self.ex.midi_out.push(now, data, epoch)
        for i, stem in enumerate(self.stems):
            self.ex.midi_out.push(now, bytes((0xB0 | midi_channel(stem, i), ALL_NOTES_OFF, 0)), epoch)
        if self.cfg.audio.midi_clock_out:
            self.ex.midi_out.push(now, bytes((MIDI_STOP,)), epoch)

    def _master_tempo(self) -> bool:
        """A master sets the tempo now (a rolling JACK transport or a MIDI clock's ticks,
        while following them): taps neither set it for long nor count the band in."""
        return self._transport() is not None or (
            self.settings.follow_transport and self.clock.bpm(self.ex.frames) is not None)

    def _transport(self):
        if not self.settings.follow_transport:
            return None
        t = self.backend.transport()
        return t if t is not None and t.rolling and t.bpm else None

    # input -----------------------------------------------------------------------------
    def _consume_input(self) -> None:
        start, chunk = self.ex.in_ring.read_available()  # chunk (n, inputs), staging memory
        n = chunk.shape[0]
        if start > self.heard:  # the ring overflowed: keep the generator's clock aligned
            self.worker.put("observe", np.zeros((start - self.heard, max(self.ex.n_inputs, 1)), np.float32), [])
            log.warning("input ring overflow: %d frames lost", start - self.heard)
        if n == 0:
            self.heard = max(self.heard, start)
            return
        if chunk.shape[1] == 0:  # no input ports: the generator still hears time pass
            audio = np.zeros((n, 1), np.float32)
        else:
            audio = chunk * np.float32(self.settings.input_gain)  # a copy the worker keeps
        self.worker.put("observe", audio, self._midi_for(start, n))
        self.heard = start + n
        self.monitor.consume(start, chunk, self.settings.input_gain)

    def _midi_for(self, start: int, n: int) -> list[MidiEvent]:
        asked = []  # what the MIDI control map made of midi_in's controls
        for t, data in self.ex.midi_in.pop_all():
            if data and (data[0] >= 0xF8 or data[0] == MIDI_SONG_POSITION):  # the clock's, never the generator's
                if not self.settings.follow_transport:
                    continue
                if self.cfg.audio.midi_clock_out:  # the band is the master: never follow a clock
                    if not self._clock_in_ignored:  # (its own, patched back, would restart it on every Start)
                        self._clock_in_ignored = True
                        log.warning("MIDI clock on midi_in ignored: this daemon sends the clock "
                                    "(audio.midi_clock_out)")
                    continue
                if data[0] == MIDI_SONG_POSITION:
                    self.clock.song_position(data)
                elif action := self.clock.feed(t, data[0]):
                    self._clock_actions.append(action)
            elif self.midi_map is not None and (intents := self.midi_map.translate(data)) is not None:
                asked += [(t, i) for i in intents]
            else:
                self._midi_pending.append((t, data))
        if asked and self.on_midi is not None:
            try:
                self.on_midi(asked)
            except Exception as exc:  # never the input's loss
                log.exception("MIDI control failed")
                self._error("/lmdm/midi", f"internal error: {type(exc).__name__}: {exc}")
        out, keep = [], []
        for t, data in self._midi_pending:
            (out if t < start + n else keep).append((t, data))
        self._midi_pending = keep
        return [MidiEvent(min(max(t - start, 0), n - 1), data) for t, data in out]

    def _follow_clock(self) -> None:
        """A MIDI clock master's Start / Continue play (on its next bar line) and its Stop
        stops, as /lmdm/play and /lmdm/stop do; a Start while playing (the master went back
        to its top) starts the band again on the master's new bar lines."""
        actions, self._clock_actions = self._clock_actions, []
        for action in actions:
            log.info("MIDI clock: %s", action)
            if action == "stop" or (action == "start" and self.state == "playing"):
                self._stop()
            if action != "stop":
                self._play()

    # generation ------------------------------------------------------------------------
    def _plan_due(self) -> None:
        while self.planner.next_due() <= self.heard:
            if self.pending_scene is not None and self.planner.next_beat >= self.pending_scene[0] - 1e-6:
                log.info("scene %s takes over at beat %g (block %d, frame %d)", self.pending_scene[1],
                         self.planner.next_beat, self.planner.next_index, self.planner.next_start)
                self._apply_scene(self.planner.next_start)
            t = self._transport()
            if t is not None:
                self.settings.bpm = float(min(max(t.bpm, 20.0), 300.0))
                self._follow_transport_meter(t)
            elif self.settings.follow_transport:  # else a MIDI clock master's tempo, if one runs
                clock_bpm = self.clock.bpm(self.heard)
                if clock_bpm is not None and abs(clock_bpm - self.settings.bpm) >= 0.05:
                    self.settings.bpm = round(clock_bpm, 2)
            end = self._transport_beat_end(t) if t is not None else self._clock_beat_end()
            slot = self.planner.plan(self.origin, end_at=end)
            log.debug("block %d: beat %g + %g (%s, %.2f bpm) at frame %d, %d frames; margin %d",
                      slot.index, slot.start_beat, slot.beats, slot.mode, slot.bpm, slot.start, slot.samples,
                      slot.margin)
            self._schedule_bars(slot)
            self.midi.add_clock(slot.start, slot.samples, slot.bpm, self.sample_rate)  # clock out, if on
            job = Job(slot)
            self.jobs.append(job)
            self.worker.put("job", job)

    def _clock_beat_end(self) -> int | None:
        """Where the next block ends on the MIDI clock master's beats (play began on its bar
        line and its clock runs), so the band stays in phase with it; None otherwise (see
        _on_master_beat for a master that jumped)."""
        if self.clock_grid is None or not self.settings.follow_transport:
            return None
        p = self.planner
        beats = p.next_block()[1]
        f = self.clock.tick_frame(self.clock_grid + CLOCK_PPQN * (p.next_beat + beats), self.heard)
        if f is None:
            return None
        end, moved = self._on_master_beat(f, beats, self.settings.bpm, self.settings.beats_per_bar,
                                          "MIDI clock", "its next Start")
        if end is None:
            self.clock_grid = None
        elif moved:  # a Song Position Pointer while running: the beat there on the master's grid
            self.clock_grid += int(round(moved * CLOCK_PPQN))  # (not at the estimated tempo)
            f = self.clock.tick_frame(self.clock_grid + CLOCK_PPQN * (p.next_beat + beats), self.heard)
            end = end if f is None else int(round(f))
        return end

    def _transport_beat_end(self, t) -> int | None:
        """Where the next block ends on the rolling JACK transport's beats (play began on
        its bar line), extrapolated at its tempo from the position read in the last JACK
        cycle, so the band stays in phase with it through its tempo changes."""
        if self.transport_grid is None or t.frame is None or t.beat is None:
            return None
        p = self.planner
        beats = p.next_block()[1]
        target = self.transport_grid + p.next_beat + beats  # the transport's beat there
        end, moved = self._on_master_beat(t.frame + (target - t.beat) * p.frames_per_beat(t.bpm), beats, t.bpm,
                                          t.beats_per_bar or self.settings.beats_per_bar, "JACK transport",
                                          "the next play")
        self.transport_grid = None if end is None else self.transport_grid + moved
        return end

    def _follow_transport_meter(self, t) -> None:
        """A rolling transport's new meter (a DAW's time signature change) is the band's.
        In phase with the transport (play began on its bar line), the new bars begin on the
        transport's bar line where the change happened: JACK tells of it only as it happens,
        so the band learns it a period or so late, with blocks planned past it (they keep
        their notes; the bar line there, announced in the old meter, is announced again).
        Not in phase, the new meter takes over on the band's next bar line, as
        /lmdm/beats_per_bar does.  A /lmdm/beats_per_bar while the transport keeps its
        meter stands."""
        bpb = _meter(t)
        if bpb is None or bpb == self.transport_meter:
            return
        self.transport_meter = bpb
        p = self.planner
        if self.transport_grid is None or t.frame is None or t.beat is None:
            self.settings.beats_per_bar = bpb
            log.info("JACK transport: %d beats a bar from the band's next bar line", bpb)
            return
        bar_frame = t.frame - t.beat_in_bar * p.frames_per_beat(t.bpm)  # its bar began here
        at = float(round(p.beat_at(bar_frame)))
        bar = p.rebar(bpb, at)
        self.transport_grid = (t.beat - t.beat_in_bar) - at
        log.info("JACK transport: %d beats a bar from the band's beat %g (its bar %d)", bpb, at, bar)
        found = p.frame_at(at)
        if found is not None and found[1] is not None:  # already planned: announce it again
            heapq.heappush(self.note_heap, (found[0], next(self._seq), [("/lmdm/bar", (bar, bpb, found[1].mode))]))

    def _on_master_beat(self, end: float, beats: float, bpm: float, bpb: float, master: str,
                        until: str) -> tuple[int | None, float]:
        """The next block of `beats` ends at frame `end`, where the master's beat falls ->
        (that frame, 0), within a quarter of the block of where it would end at `bpm`. A
        master that moved by whole bars give or take that much (a DAW's transport relocated
        while rolling pauses a few cycles on the way, so there is a rest) keeps the lock on
        its new bar lines, this block stretched or squeezed by the rest: (the frame, the
        beats its grid moved). A master that moved otherwise: (None, 0), a warning, and its
        tempo only from here on."""
        p = self.planner
        nominal = p.block_samples(bpm, beats)
        fpb = p.frames_per_beat(bpm)
        off = end - (p.next_start + nominal)  # frames
        if abs(off) <= nominal // 4:
            return int(round(end)), 0.0
        bars = round(-off / fpb / bpb)
        if bars and abs(off + bars * bpb * fpb) <= nominal // 4:
            return int(round(end + bars * bpb * fpb)), float(bars * bpb)
        log.warning("%s moved by %.2f beats; following its tempo only until %s", master, -off / fpb, until)
        return None, 0.0

    def _collect_results(self) -> None:
        while True:
            try:
                item = self.results.get_nowait()
            except queue.Empty:
                return
            if item[0] == "error":
                self._error("/lmdm/generate", f"{item[1]} failed: {type(item[2]).__name__}: {item[2]}")
                continue
            _, job, out, exc = item
            if out is not None:
                self.planner.record_step(out.step_s, job.slot.samples)
                self.last_step_s = out.step_s
                self.last_rtf = out.step_s * self.sample_rate / max(job.slot.samples, 1)
                self.load.record(out.step_s, job.slot.samples, job.slot.controls.steps, self.sample_rate)
                self._shed_load()
            if job.cancelled:
                continue
            if exc is not None:
                self._fail(job, f"block {job.slot.index}: generator raised {type(exc).__name__}: {exc}")
                continue
            job.out = out
            self._schedule_notes(out)

    def _shed_load(self) -> None:
        shed = self.load.shed(self.settings)
        if shed is not None:
            old, new, share = shed
            self._error("/lmdm/steps", f"generation takes {share:.0%} of each block: steps {old} -> {new} "
                                       "(engine.auto_steps; /lmdm/steps sets them again)")
            self.feedback.broadcast("/lmdm/value", "steps", new)

    def _check_deadlines(self) -> None:
        # the callback after next reads from here (one tick later, at worst, we look again)
        limit = self.ex.frames + self.period + int(self.tick_s * self.sample_rate)
        for job in self.jobs:
            if job.out is None and not job.failed and job.slot.start <= limit:
                late = (self.ex.frames - (job.slot.start - job.slot.margin)) * 1000 / self.sample_rate
                self._fail(job, f"block {job.slot.index}: missed its deadline "
                                f"(still generating after {late:.0f} ms; margin {self._ms(job.slot.margin):.0f} ms)")

    def _fail(self, job: Job, reason: str) -> None:
        job.failed = job.cancelled = True
        job.dry = 1.0 if self.cfg.engine.on_failure == "dry" else 0.0
        slot = job.slot
        job.out = SlotOutput(slot, np.zeros((len(self.stems), slot.samples), np.float32), [], 0.0)
        self._error("/lmdm/generate", reason)

    def _error(self, address: str, reason: str) -> None:
        self.errors_reported += 1
        log.warning("%s: %s", address, reason)
        self.feedback.broadcast("/lmdm/error", address, reason)

    # output ----------------------------------------------------------------------------
    def _feed(self) -> None:
        """Copy finished blocks into the timeline, up to `lead` frames ahead."""
        horizon = self.ex.frames + self.lead
        out = self.ex.out
        for job in self.jobs:
            slot = job.slot
            if job.fed >= slot.samples:
                continue
            if job.out is None or out.span[1] != slot.start + job.fed:
                break
            m = min(slot.samples - job.fed, horizon - out.span[1])
            if m <= 0:
                break
            out.append(job.out.audio[:, job.fed:job.fed + m], job.dry)
            job.fed += m
            if job.fed < slot.samples:
                break
        self._feed_midi(out.span[1])

    def _feed_midi(self, until: int) -> None:
        epoch = self.ex.midi_epoch
        for frame, data in self.midi.pop_until(until):
            self.ex.midi_out.push(frame, data, epoch)

    def _schedule_notes(self, out: SlotOutput) -> None:
        self.midi.add(out, self.stems, self.sample_rate)
        by_start: dict[int, list] = {}
        for e, at in end_frames(out, self.sample_rate):  # before the notes starting there
            by_start.setdefault(at, []).append(("/lmdm/noteoff", (e.stem, int(e.pitch))))
        for n, start, dur in note_frames(out, self.sample_rate):
            by_start.setdefault(start, []).append(
                ("/lmdm/note", (n.stem, int(n.pitch), int(n.velocity), dur * 1000.0 / self.sample_rate)))
        for start, msgs in by_start.items():
            heapq.heappush(self.note_heap, (start, next(self._seq), msgs))

    def _schedule_bars(self, slot: Slot) -> None:
        """/lmdm/bar for each bar line in a planned slot, sent with the notes as it sounds
        (planned before its notes exist: first at its frame)."""
        c = slot.controls
        bpb = max(int(c.beats_per_bar), 1)
        b = Planner.to_bar_line(slot.start_beat, (bpb, float(c.bar_origin)))  # beats to the first one
        while b < slot.beats - 1e-6:
            frame = slot.start + int(round(b / slot.beats * slot.samples))
            msg = ("/lmdm/bar", (c.bar_position(slot.start_beat + b)[0], bpb, slot.mode))
            heapq.heappush(self.note_heap, (frame, next(self._seq), [msg]))
            b += bpb

    def _send_due_notes(self) -> None:
        """/lmdm/note bundles go out as their notes start (timetag = the exact start)."""
        if not self.note_heap:
            return
        now_frame = self.ex.frames
        wall = self._wall_clock()
        while self.note_heap and self.note_heap[0][0] < now_frame + self.period:
            frame, _, msgs = heapq.heappop(self.note_heap)
            msgs = list(msgs)
            while self.note_heap and self.note_heap[0][0] == frame:  # one bundle per moment (a bar
                msgs += heapq.heappop(self.note_heap)[2]  # line's /lmdm/bar, scene and notes together)
            self.feedback.broadcast_bundle(msgs, wall(frame))

    def _wall_clock(self):
        """frame -> time.time() of the moment it passes the ports (to within a period)."""
        cycle_age = (time.perf_counter_ns() - self.ex.last_cycle[0]) / 1e9
        base_frame = self.ex.frames - self.period  # the frame the latest cycle started at
        base = time.time() - cycle_age
        sr = self.sample_rate
        return lambda frame: base + (frame - base_frame) / sr

    # status ----------------------------------------------------------------------------
    def _announce(self) -> None:
        now = self.ex.frames
        if self.state == "playing":
            for job in self.jobs:
                if not job.announced and job.slot.start <= now:
                    job.announced = True
                    self.current = job.slot
                    if job.out is not None:
                        self.monitor.add_block(job.out)
                    self._status()
            self.jobs = [j for j in self.jobs if j.slot.start + j.slot.samples > now or j.fed < j.slot.samples]
        elif now >= self._next_heartbeat:  # stopped: a heartbeat as often as blocks would come
            self._status()
        if now >= self._next_heartbeat:
            self._next_heartbeat = now + self.planner.block_samples(self.settings.bpm, self.settings.block_length)

    def _greet_subscribers(self) -> None:
        """A patch that subscribes gets /lmdm/ready and the status at once (the broadcast
        at start-up reached nobody)."""
        now = time.monotonic()
        if now < self._next_greet or not hasattr(self.feedback, "subscribers"):
            return
        self._next_greet = now + 0.1
        subs = set(self.feedback.subscribers)
        for target in subs - self._greeted:
            v = self.status_values()
            self.feedback.send(target, "/lmdm/ready", self.model_name, self.sample_rate)
            self.feedback.send(target, "/lmdm/status", v["state"], v["bpm"], v["bar"], v["beat"], v["block"],
                               v["rtf"], v["step_ms"], v["latency_ms"], v["underruns"], v["xruns"])
        self._greeted = subs

    def _ms(self, frames: int) -> float:
        return frames * 1000.0 / self.sample_rate

    def status_values(self) -> dict:
        slot = self.current
        now = self.ex.frames
        bpm = slot.bpm if slot is not None else self.settings.bpm
        bar, beat, block = 0, 0.0, 0
        if slot is not None:
            pos = slot.start_beat + max(0, now - slot.start) * bpm / (60.0 * self.sample_rate)
            (bar, beat), block = slot.controls.bar_position(pos), slot.index
        latency = slot.margin if slot is not None else self.planner.margin()
        return {"state": self.state, "bpm": float(bpm), "bar": bar, "beat": beat, "block": block,
                "rtf": float(self.last_rtf), "step_ms": self.last_step_s * 1000.0,
                "latency_ms": self._ms(latency), "underruns": int(self.ex.underruns),
                "xruns": int(self.ex.xruns)}

    def _status(self) -> None:
        v = self.status_values()
        self.feedback.broadcast("/lmdm/status", v["state"], v["bpm"], v["bar"], v["beat"], v["block"],
                                v["rtf"], v["step_ms"], v["latency_ms"], v["underruns"], v["xruns"])

    # JACK server loss ------------------------------------------------------------------
    def _jack_lost(self) -> None:
        now = time.monotonic()
        if self.state != "no_jack":
            reason = getattr(self.backend, "lost_reason", "") or "the audio server went away"
            self._was_playing = self.state == "playing"
            self._stop()
            self.state = "no_jack"
            self._error("/lmdm/jack", f"server lost: {reason}")
            self._status()
            self.backend.close()
            self.lost_at = now
            self._next_reconnect = now + self.cfg.audio.reconnect_s
            return
        self._drain_controls()
        if now < self._next_reconnect:
            return
        self._next_reconnect = now + self.cfg.audio.reconnect_s
        try:
            self.backend.open()
            if self.backend.sample_rate != self.sample_rate:
                rate = self.backend.sample_rate
                self.backend.close()
                raise BackendError(f"the server runs at {rate} Hz, the model at {self.sample_rate} Hz: "
                                   "restart lmdm serve")
            self.ex.in_ring.reset_to(self.ex.frames)
            self.heard = self.ex.frames
            self.period = self.backend.period
            self.planner.period = self._guard()
            self.backend.start()
        except BackendError as exc:
            log.debug("jack: still no server (%s)", exc)
            return
        self.state = "stopped"
        log.info("jack: reconnected after %.1f s as %s", now - self.lost_at, self.backend.name)
        self.feedback.broadcast("/lmdm/ready", self.model_name, self.sample_rate)
        self._status()
        if self._was_playing:
            self._play()
