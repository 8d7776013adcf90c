"""Preallocated single-producer/single-consumer structures between the audio callback
and the engine thread, and the callback's audio work itself (`Exchange.process`).

One clock rules everything: the absolute frame counter `Exchange.frames`, advanced by
the callback by one period per cycle. Input frame t and output frame t pass the ports in
the same cycle, so the engine can align what it heard with what it played.

Thread-safety without locks: each counter has exactly one writer, a reader sees either
the old or the new value of a Python attribute, and the producer always fills the data
before it publishes the counter that makes it visible. Buffers are allocated here, once;
the callback only copies, multiplies and counts (numpy calls with `out=`).
"""
from __future__ import annotations

import time
from collections import deque

import numpy as np

MAX_PERIOD = 8192  # the largest callback period handled; longer periods play silence
COST_SLOTS = 1 << 16  # callback cost samples kept (ring): ~23 min of 1024-frame periods


def _pow2_at_least(n: int) -> int:
    return 1 << max(int(n) - 1, 1).bit_length()


class SampleRing:
    """Input audio: producer writes whole periods at absolute frames, consumer reads.

    buf (channels, capacity) float32, port-major so one port's period is contiguous.
    The producer never waits: if the consumer falls more than capacity - slack behind,
    the consumer skips ahead (counted in `overflows`) instead of reading torn data.
    """

    def __init__(self, channels: int, capacity: int = 1 << 16, slack: int = 2 * MAX_PERIOD):
        self.channels = channels
        self.capacity = _pow2_at_least(max(capacity, 4 * slack))
        self.slack = slack
        self.buf = np.zeros((max(channels, 1), self.capacity), np.float32)
        self.written = 0  # absolute frame up to which data is valid (producer)
        self.read = 0  # absolute frame up to which data was consumed (consumer)
        self.overflows = 0  # frames the consumer lost by falling behind (consumer)
        self._out = np.zeros((self.capacity, max(channels, 1)), np.float32)  # consumer staging

    def reset_to(self, frame: int) -> None:
        """Consumer and producer agree to start at `frame` (only while the callback is idle)."""
        self.written = self.read = frame

    # producer (callback) -------------------------------------------------------------
    def write(self, at: int, inputs, n: int) -> None:
        """inputs: one (n,) array per channel, the frames [at, at+n)."""
        cap = self.capacity
        i = at % cap
        k = min(n, cap - i)
        buf = self.buf
        for c, x in enumerate(inputs):
            buf[c, i:i + k] = x[:k]
            if k < n:
                buf[c, :n - k] = x[k:n]
        self.written = at + n

    # consumer (engine thread) --------------------------------------------------------
    def read_available(self, max_frames: int | None = None) -> tuple[int, np.ndarray]:
        """(start frame, view (n, channels) float32) of everything not read yet.

        The view is staging memory reused by the next call: copy what you keep."""
        w = self.written
        r = self.read
        limit = self.capacity - self.slack
        if w - r > limit:
            self.overflows += (w - limit) - r
            r = w - limit
        n = w - r
        if max_frames is not None:
            n = min(n, max_frames)
        cap = self.capacity
        i = r % cap
        k = min(n, cap - i)
        out = self._out
        out[:k, :] = self.buf[:, i:i + k].T
        if k < n:
            out[k:n, :] = self.buf[:, :n - k].T
        self.read = r + n
        return r, out[:n, :self.channels]


class Timeline:
    """Output audio indexed by absolute frame, written ahead by the engine, read by the
    callback. buf (ports, capacity) float32.

    `span` = (start, end): frames in [start, end) hold valid data; everything else reads
    as silence. The engine appends contiguously at `end` and publishes the new span after
    the data is in place; it may cut the span short (stop) or restart it elsewhere (play).
    It must not write more than `capacity - 2 * MAX_PERIOD` frames ahead of the callback.
    """

    def __init__(self, ports: int, capacity: int = 1 << 18):
        self.ports = ports
        self.capacity = _pow2_at_least(max(capacity, 8 * MAX_PERIOD))
        self.buf = np.zeros((ports, self.capacity), np.float32)
        self.span = (0, 0)  # (start, end) absolute frames of valid data (engine)
        self.active = False  # True while generation plays: a short span is an underrun

    @property
    def max_ahead(self) -> int:
        return self.capacity - 2 * MAX_PERIOD

    # producer (engine thread) --------------------------------------------------------
    def restart(self, at: int) -> None:
        """Valid data begins at `at` (nothing written yet)."""
        self.span = (at, at)

    def append(self, data: np.ndarray, last_row: float = 0.0) -> None:
        """data (ports - 1, m) float32 goes to rows 0..ports-2 of [end, end + m), the last
        row is filled with `last_row` (the exchange's dry gain); then it becomes visible."""
        start, end = self.span
        m = data.shape[1]
        cap = self.capacity
        i = end % cap
        k = min(m, cap - i)
        rows = data.shape[0]
        self.buf[:rows, i:i + k] = data[:, :k]
        self.buf[rows:, i:i + k] = last_row
        if k < m:
            self.buf[:rows, :m - k] = data[:, k:]
            self.buf[rows:, :m - k] = last_row
        self.span = (start, end + m)

    def cut(self, at: int) -> None:
        """Data from `at` on is no longer valid (stop): the callback plays silence there."""
        start, end = self.span
        self.span = (start, max(start, min(end, at)))

    def peek(self, at: int, n: int, out: np.ndarray) -> None:
        """Copy [at, at+n) into out (ports, n), zeros outside the span (engine-side reads
        of what was played, for meters and recording; call within `capacity - max_ahead`
        frames behind the callback)."""
        out[:, :n] = 0.0
        start, end = self.span
        a, b = max(at, start), min(at + n, end)
        if b > a:
            self._copy(a, b - a, out[:, a - at:b - at])

    def _copy(self, at: int, n: int, out: np.ndarray) -> None:
        cap = self.capacity
        i = at % cap
        k = min(n, cap - i)
        out[:, :k] = self.buf[:, i:i + k]
        if k < n:
            out[:, k:n] = self.buf[:, :n - k]

    # consumer (callback) -------------------------------------------------------------
    def read(self, pos: int, n: int, out: np.ndarray) -> int:
        """Fill out[:, :n] with frames [pos, pos+n); returns the number of frames that
        should have been there but were not (an underrun) while active."""
        start, end = self.span
        a = pos if pos > start else start
        b = pos + n if pos + n < end else end
        if b <= a:
            out[:, :n] = 0.0
        else:
            if a > pos:
                out[:, :a - pos] = 0.0
            self._copy(a, b - a, out[:, a - pos:b - pos])
            if b < pos + n:
                out[:, b - pos:n] = 0.0
        if self.active and b < pos + n and pos + n > start:
            return min(n, pos + n - (b if b > start else start))
        return 0


class EventRing:
    """Short MIDI messages with absolute frame times, FIFO, preallocated.

    Each event carries an epoch: the consumer drops events whose epoch is not the
    current one, which lets the producer flush what it queued (stop) without touching
    the consumer's read index."""

    MAX_BYTES = 16

    def __init__(self, capacity: int = 4096):
        self.capacity = _pow2_at_least(capacity)
        self.times = np.zeros(self.capacity, np.int64)
        self.sizes = np.zeros(self.capacity, np.int32)
        self.epochs = np.zeros(self.capacity, np.int64)
        self.data = np.zeros((self.capacity, self.MAX_BYTES), np.uint8)
        self.written = 0
        self.read = 0
        self.dropped = 0  # events refused because the ring was full or too long (producer)

    def push(self, time: int, data, epoch: int = 0) -> bool:
        size = len(data)
        if size == 0 or size > self.MAX_BYTES or self.written - self.read >= self.capacity:
            self.dropped += 1
            return False
        i = self.written % self.capacity
        self.times[i] = time
        self.sizes[i] = size
        self.epochs[i] = epoch
        self.data[i, :size] = np.frombuffer(data, np.uint8)
        self.written += 1
        return True

    def due(self, end: int, epoch: int):
        """Consumer side for the audio callback: (frame, bytes view) of each queued event of
        `epoch` that is due before frame `end`, in order (events of other epochs are
        dropped); the later ones stay queued. Iterate to the end: an event counts as read
        once the next one is asked for."""
        mask = self.capacity - 1
        while self.read < self.written:
            i = self.read & mask
            if self.epochs[i] == epoch:
                t = int(self.times[i])
                if t >= end:
                    return
                yield t, self.data[i, :self.sizes[i]]
            self.read += 1

    def pop_all(self) -> list[tuple[int, bytes]]:
        """Consumer side for non-real-time readers (the engine): every queued event."""
        out = []
        while self.read < self.written:
            i = self.read % self.capacity
            out.append((int(self.times[i]), bytes(self.data[i, :self.sizes[i]])))
            self.read += 1
        return out


class Exchange:
    """Everything the audio callback shares with the engine thread.

    Output ports: stems[0..S-1] from the timeline rows 0..S-1, each times its gain
    (0 when muted: the OSC thread writes `gains` directly, so a mute is heard within one
    period); the mix is the gained sum of the stems plus the live input times the
    timeline's last row, the "dry" row (1.0 where a failed block passes the input through
    when engine.on_failure is "dry").
    """

    def __init__(self, inputs: int, stems: int, capacity: int = 1 << 18):
        self.n_inputs = inputs
        self.n_stems = stems
        self.frames = 0  # absolute frame counter: start of the next period (callback)
        self.in_ring = SampleRing(inputs)
        self.out = Timeline(stems + 1, capacity)
        self.gains = np.ones(stems, np.float32)  # effective gain per stem, 0 = muted
        # (frame, stem, gain) the callback applies from the period holding that frame (a
        # scene's gains and mutes on its bar line); appended by the engine in frame order
        self.gain_changes: deque[tuple[int, int, float]] = deque()
        self.midi_in = EventRing()
        self.midi_out = EventRing()
        self.midi_epoch = 0  # current epoch of midi_out (engine)
        # counters (callback or JACK threads)
        self.cycles = 0
        self.underruns = 0  # periods with missing generated audio while playing
        self.underrun_frames = 0
        self.xruns = 0
        self.errors = 0  # exceptions caught in the callback (should stay 0)
        # (perf_counter_ns at the start of the latest cycle, that period's first frame): one
        # tuple, so a reader on another thread never pairs one cycle's time with another's frame
        self.last_cycle = (0, 0)
        self.cost_ns = np.zeros(COST_SLOTS, np.int64)  # callback cost ring, ns
        # callback scratch
        self._scratch = np.zeros((stems + 1, MAX_PERIOD), np.float32)
        self._mix = np.zeros(MAX_PERIOD, np.float32)
        self._dry = np.zeros(MAX_PERIOD, np.float32)

    def process(self, n: int, inputs, stem_outs, mix_outs, midi=None) -> None:
        """One audio period. inputs: (n,) arrays per input channel; stem_outs: per stem a
        list of (n,) arrays (1 or 2 channels); mix_outs: 0..2 (n,) arrays; midi: a
        callable midi(pos, n) doing the backend's MIDI work (timed with the rest)."""
        t0 = time.perf_counter_ns()
        pos = self.frames
        self.last_cycle = (t0, pos)
        if n > MAX_PERIOD:
            for outs in stem_outs:
                for o in outs:
                    o.fill(0.0)
            for o in mix_outs:
                o.fill(0.0)
            self.underruns += 1
            if midi is not None:
                midi(pos, n)
            self.frames = pos + n
            return
        self.in_ring.write(pos, inputs, n)  # with no inputs it still advances the clock
        scratch = self._scratch
        missing = self.out.read(pos, n, scratch)
        if missing:
            self.underruns += 1
            self.underrun_frames += missing
        changes = self.gain_changes
        while changes and changes[0][0] < pos + n:
            _, stem, gain = changes.popleft()
            self.gains[stem] = gain
        gains = self.gains
        for s, outs in enumerate(stem_outs):
            for o in outs:
                np.multiply(scratch[s, :n], gains[s], out=o)
        if mix_outs:
            mix = self._mix[:n]
            np.dot(gains, scratch[:self.n_stems, :n], out=mix)
            if self.n_inputs and scratch[self.n_stems, :n].any():
                dry = self._dry[:n]
                np.copyto(dry, inputs[0])
                for x in inputs[1:]:
                    np.add(dry, x, out=dry)
                np.multiply(dry, scratch[self.n_stems, :n], out=dry)
                np.add(mix, dry, out=mix)
            for o in mix_outs:
                o[:] = mix
        if midi is not None:
            midi(pos, n)
        self.frames = pos + n
        self.cycles += 1
        self.cost_ns[self.cycles % COST_SLOTS] = time.perf_counter_ns() - t0

    def costs_us(self) -> np.ndarray:
        """Callback costs recorded so far (most recent COST_SLOTS), in microseconds."""
        n = min(self.cycles, COST_SLOTS)
        if n == self.cycles:
            vals = self.cost_ns[1:n + 1]
        else:
            vals = self.cost_ns
        return vals.astype(np.float64) / 1000.0
