"""Meters and session recording of what the ports played, on the engine thread.

The engine hands over each chunk of input frames it consumed; the monitor reads back the
output timeline at exactly those frames (rings.Timeline.peek), applies the gains the
callback applied, and so meters and records what was heard, sample-aligned with the
input. The recorder itself (bridge/recorder.py) only copies here; its thread does the I/O.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import numpy as np

from bridge.engine import Planner, SlotOutput, end_frames, note_frames

log = logging.getLogger(__name__)


class Monitor:
    def __init__(self, exchange, stems: tuple[str, ...], sample_rate: int, meter_hz: float, feedback,
                 on_error: Callable[[str, str], None], recorder_factory=None, mix_channels: int = 2):
        self.ex = exchange
        self.stems = stems
        self.sample_rate = sample_rate
        self.feedback = feedback
        self.on_error = on_error
        self.recorder_factory = recorder_factory  # (folder, sample_rate) -> SessionRecorder
        self.mix_channels = mix_channels
        self.meter_every = max(1, int(sample_rate / meter_hz))  # frames between meter messages
        self._meter_sum = np.zeros(len(stems), np.float64)
        self._input_sum = np.zeros(0, np.float64)  # per input port
        self._meter_n = 0
        self._peek = np.zeros((len(stems) + 1, 1 << 14), np.float32)  # (stems + dry, frames)
        self.recorder = None
        self.record_name = ""
        self._rec_start = 0  # absolute frame of the recording's time zero
        self._bar_marked = False

    def consume(self, start: int, chunk: np.ndarray, input_gain: float = 1.0) -> None:
        """chunk (n, inputs): the input frames [start, start + n) just consumed, as the ports
        received them (the input meter shows them times input_gain, as the model hears them)."""
        done, n = 0, chunk.shape[0]
        if self._input_sum.shape[0] != chunk.shape[1]:
            self._input_sum = np.zeros(chunk.shape[1], np.float64)
        self._input_sum += np.einsum("ij,ij->j", chunk, chunk, dtype=np.float64) * float(input_gain) ** 2
        while done < n:
            m = min(n - done, self._peek.shape[1])
            peek = self._peek[:, :m]
            self.ex.out.peek(start + done, m, peek)
            stems = peek[:-1] * self.ex.gains[:, None]  # (stems, m), as the ports played them
            self._meter_sum += np.einsum("ij,ij->i", stems, stems, dtype=np.float64)
            self._meter_n += m
            if self.recorder is not None:
                mix = stems.sum(axis=0)
                if peek[-1].any() and chunk.shape[1]:
                    mix += chunk[done:done + m].sum(axis=1) * peek[-1]
                self._write(chunk[done:done + m], stems, mix)
            done += m
        if self._meter_n >= self.meter_every:
            levels = np.sqrt(self._meter_sum / self._meter_n)
            for stem, level in zip(self.stems, levels):
                self.feedback.broadcast(f"/lmdm/meter/{stem}", float(level))
            if self._input_sum.shape[0]:
                inputs = np.minimum(np.sqrt(self._input_sum / self._meter_n), 1.0)
                self.feedback.broadcast("/lmdm/meter/input", *(float(x) for x in inputs))
            self._meter_sum[:] = 0.0
            self._input_sum[:] = 0.0
            self._meter_n = 0

    # recording ---------------------------------------------------------------------
    def start_recording(self, folder: Path, name: str, at: int) -> None:
        self.stop_recording()
        if self.recorder_factory is None:
            return
        try:
            self.recorder = self.recorder_factory(folder, self.sample_rate)
        except Exception as exc:
            self.on_error("/lmdm/record", f"cannot record into {folder}: {exc}")
            return
        self.record_name = name
        self._rec_start = at
        self._bar_marked = False  # notes.mid has a marker on one of the band's bar lines
        log.info("recording into %s", folder)

    def _write(self, inputs: np.ndarray, stems: np.ndarray, mix: np.ndarray) -> None:
        rec = self.recorder
        try:
            rec.write(inputs, {s: stems[i] for i, s in enumerate(self.stems)}, mix)  # it copies
            failed = getattr(rec, "error", None)
        except Exception as exc:
            failed = exc
        if failed is not None:  # disk full, folder removed...: stop recording, keep playing
            self.on_error("/lmdm/record", f"recording {self.record_name} stopped: {failed}")
            self.stop_recording()

    def add_block(self, out: SlotOutput) -> None:
        """The notes of a block that starts playing now (and the earlier notes it ends), and
        its tempo and meter (notes.mid's tempo map)."""
        if self.recorder is None:
            return
        sr = self.sample_rate
        slot = out.slot
        try:
            self.recorder.add_block((slot.start - self._rec_start) / sr, slot.bpm, slot.controls.beats_per_bar)
            self._mark_bar(out)
        except Exception as exc:
            self.on_error("/lmdm/record", f"recording the tempo failed: {exc}")
        if not (out.notes or out.ends):
            return
        notes = [(n, (start - self._rec_start) / sr) for n, start, _ in note_frames(out, sr)
                 if start >= self._rec_start]
        ends = [(e.stem, int(e.pitch), (at - self._rec_start) / sr) for e, at in end_frames(out, sr)]
        try:
            self.recorder.end_notes(ends)
            self.recorder.add_notes(notes, out.slot.bpm, out.slot.controls.beats_per_bar)
        except Exception as exc:
            self.on_error("/lmdm/record", f"recording notes failed: {exc}")

    def _mark_bar(self, out: SlotOutput) -> None:
        """notes.mid markers where the band's bars are: "play" at each start (bar 0), and
        "bar N" (N as /lmdm/bar counts) on the first bar line recorded if the band was
        already playing. The file's time zero is the recording's start, so its own bar grid
        is off the band's by where in a bar that fell: a DAW user aligns the markers."""
        slot = out.slot
        c = slot.controls
        at = None
        if slot.index == 0:
            at, text = slot.start, "play"
        elif not self._bar_marked:
            b = Planner.to_bar_line(slot.start_beat, (max(int(c.beats_per_bar), 1), float(c.bar_origin)))
            if b < slot.beats - 1e-6:
                at = slot.start + int(round(b / slot.beats * slot.samples))
                text = f"bar {c.bar_position(slot.start_beat + b)[0]}"
        if at is not None and at >= self._rec_start:
            self.recorder.add_marker((at - self._rec_start) / self.sample_rate, text)
            self._bar_marked = True

    def stop_recording(self) -> None:
        rec, self.recorder = self.recorder, None
        if rec is not None:
            try:
                rec.close()
                log.info("recording %s closed", self.record_name)
            except Exception as exc:
                self.on_error("/lmdm/record", f"closing the recording failed: {exc}")
        self.record_name = ""
