"""JACK audio and MIDI I/O: the only module of bridge/ that imports `jack`.

The process callback is a few lines: fetch the port buffers (JACK 2 wants them fetched
every cycle), hand them to `Exchange.process` (copy in, copy out, gain, count), move MIDI
between the ports and the event rings. It never locks, logs, waits or raises: anything
unexpected is counted in `Exchange.errors`. Server loss is a flag set by JACK's shutdown
callback; the engine thread notices it, closes this client and opens a new one when a
server is back (see bridge/live.py).
"""
from __future__ import annotations

import logging
import re
import time

import jack
import numpy as np  # noqa: F401  (get_array() imports numpy lazily: not in the callback)

from bridge.backend import BackendError, Transport
from bridge.rings import Exchange

log = logging.getLogger(__name__)

_lib = getattr(jack, "_lib", None)
_ffi = getattr(jack, "_ffi", None)
_RAW = _lib is not None and _ffi is not None and hasattr(_lib, "jack_port_get_buffer")
_BBT = getattr(_lib, "JackPositionBBT", 0x10)  # jack_position_t.valid: bar, beat, tick and tempo are set


class JackBackend:
    """A JACK client with in_1..in_N, one port (or _L/_R pair) per stem, mix_L/mix_R,
    midi_in and midi_out (one channel per stem)."""

    kind = "jack"

    def __init__(self, exchange: Exchange, stems: tuple[str, ...], *, client_name: str = "lmdm",
                 server: str | None = None, inputs: int = 2, stem_channels: int = 1,
                 mix: bool = True, midi: bool = True, autoconnect: bool = False):
        self.ex = exchange
        self.stems = stems
        self.client_name = client_name
        self.server = server
        self.inputs = inputs
        self.stem_channels = stem_channels
        self.mix = mix
        self.midi = midi
        self.autoconnect = autoconnect
        self.client: jack.Client | None = None
        self.lost = False  # set by JACK's shutdown callback (server gone or client kicked)
        self.lost_reason = ""
        self._ins: list = []
        self._stem_ports: list[list] = []
        self._mix_ports: list = []
        self._midi_in = None
        self._midi_out = None

    # lifecycle ---------------------------------------------------------------------
    def open(self) -> None:
        """Connect to the server and register the ports (not active yet)."""
        try:
            client = jack.Client(self.client_name, servername=self.server, no_start_server=True)
        except jack.JackError as exc:
            where = f"JACK server {self.server!r}" if self.server else "the default JACK server"
            raise BackendError(f"cannot connect to {where}: {exc}; is jackd running? "
                               "(or use --backend portaudio)") from None
        self.client = client
        self.lost = False
        self._ins = [client.inports.register(f"in_{i + 1}") for i in range(self.inputs)]
        if self.stem_channels == 1:
            self._stem_ports = [[client.outports.register(s)] for s in self.stems]
        else:
            self._stem_ports = [[client.outports.register(f"{s}_L"), client.outports.register(f"{s}_R")]
                                for s in self.stems]
        self._mix_ports = [client.outports.register(n) for n in ("mix_L", "mix_R")] if self.mix else []
        if self.midi:
            self._midi_in = client.midi_inports.register("midi_in")
            self._midi_out = client.midi_outports.register("midi_out")
            self._midi_event = _ffi.new("jack_midi_event_t*") if _RAW else None
        # (engine frame of a cycle's first frame, transport state and BBT there): read in
        # the process callback, so the position and the frame it holds at match exactly
        self._transport: tuple | None = None
        client.set_process_callback(self._process)
        client.set_xrun_callback(self._xrun)
        client.set_shutdown_callback(self._shutdown)

    def start(self) -> None:
        assert self.client is not None
        self.client.activate()
        if self.autoconnect:
            self._autoconnect()

    def close(self) -> None:
        """Deactivate (disconnects every port) and close. Safe after server loss."""
        client, self.client = self.client, None
        if client is None:
            return
        if not self.lost:
            try:
                client.deactivate()
            except jack.JackError as exc:
                log.warning("jack: deactivate failed: %s", exc)
        try:
            client.close()
        except jack.JackError as exc:
            log.warning("jack: close failed: %s", exc)

    # facts -------------------------------------------------------------------------
    @property
    def sample_rate(self) -> int:
        return int(self.client.samplerate)

    @property
    def period(self) -> int:
        return int(self.client.blocksize)

    @property
    def name(self) -> str:
        return self.client.name

    def port_names(self) -> list[str]:
        ports = [*self._ins, *(p for ps in self._stem_ports for p in ps), *self._mix_ports]
        ports += [p for p in (self._midi_in, self._midi_out) if p is not None]
        return [p.shortname for p in ports]

    def out_latency(self) -> int:
        """Frames from a period's output to where it is heard: the largest JACK playback
        latency of the stem ports (0 while they reach no device)."""
        import jack
        return max((p.get_latency_range(jack.PLAYBACK_LATENCY)[1] for ps in self._stem_ports for p in ps),
                   default=0)

    def where(self) -> str:
        return f"JACK server {self.server or 'default'}"

    def has_client(self, name: str) -> bool:
        """Another client of this exact name has ports on the server (lmdm check)."""
        return bool(self.client.get_ports(f"^{re.escape(name)}:"))

    def has_physical_ports(self) -> bool:
        return bool(self.client.get_ports(is_audio=True, is_physical=True))

    def transport(self) -> Transport | None:
        """Transport state, BBT tempo and position as the last process cycle read them (engine
        thread)."""
        if self.client is None or self.lost:
            return None
        snap = self._transport
        if snap is None:  # no cycle yet
            return None
        frame, rolling, bbt, bpm, bpb, bar, beat_in_bar = snap
        if not bbt or bpm <= 0:
            return Transport(rolling, None)
        bpb = bpb if bpb > 0 else None
        beat = (bar - 1) * bpb + beat_in_bar if bpb and bar >= 1 else None
        return Transport(rolling, float(bpm), bpb, float(beat_in_bar), frame, beat)

    def _autoconnect(self) -> None:
        client = self.client
        captures = client.get_ports(is_audio=True, is_output=True, is_physical=True)
        playbacks = client.get_ports(is_audio=True, is_input=True, is_physical=True)
        for src, dst in zip(captures, self._ins):
            self._connect(src, dst)
        for src, dst in zip(self._mix_ports, playbacks):
            self._connect(src, dst)
        if not captures and not playbacks:
            log.warning("jack: autoconnect: the server has no physical ports")

    def _connect(self, src, dst) -> None:
        try:
            self.client.connect(src, dst)
            log.info("jack: connected %s -> %s", src.name, dst.name)
        except jack.JackError as exc:
            log.warning("jack: cannot connect %s -> %s: %s", src.name, dst.name, exc)

    # JACK threads ------------------------------------------------------------------
    def _process(self, frames: int) -> None:
        try:
            state, pos = self.client.transport_query_struct()
            bbt = bool(pos.valid & _BBT)
            self._transport = (self.ex.frames, state == jack.ROLLING, bbt, float(pos.beats_per_minute),
                               float(pos.beats_per_bar), int(pos.bar),
                               (pos.beat - 1) + pos.tick / max(float(pos.ticks_per_beat), 1.0) if bbt else 0.0)
            buf = self._buffers
            self.ex.process(frames, [buf(p, frames) for p in self._ins],
                            [[buf(p, frames) for p in ps] for ps in self._stem_ports],
                            [buf(p, frames) for p in self._mix_ports], self._midi_cycle)
        except Exception:  # never raise: JACK would stop calling us
            self.ex.errors += 1

    # Port buffers through JACK-Client's cffi handles: Port.get_array() costs ~10 us per
    # port (it queries the block size and imports numpy on every call), this ~2 us.
    if _RAW:
        @staticmethod
        def _buffers(port, n: int) -> np.ndarray:
            return np.frombuffer(_ffi.buffer(_lib.jack_port_get_buffer(port._ptr, n), n * 4), np.float32)
    else:  # pragma: no cover - a JACK-Client without the private handles
        @staticmethod
        def _buffers(port, n: int) -> np.ndarray:
            return port.get_array()

    def _midi_cycle(self, pos: int, n: int) -> None:
        if self._midi_in is not None:
            self._midi_in_cycle(pos, n)
        if self._midi_out is not None:
            self._midi_out_cycle(pos, n)

    def _midi_in_cycle(self, pos: int, n: int) -> None:
        if not _RAW:  # pragma: no cover
            for t, data in self._midi_in.incoming_midi_events():
                self.ex.midi_in.push(pos + t, data)
            return
        buf = _lib.jack_port_get_buffer(self._midi_in._ptr, n)
        count = _lib.jack_midi_get_event_count(buf)
        if count:
            ev = self._midi_event
            ring = self.ex.midi_in
            for i in range(count):
                if _lib.jack_midi_event_get(ev, buf, i) == 0:
                    ring.push(pos + ev.time, _ffi.buffer(ev.buffer, ev.size))

    def _midi_out_cycle(self, pos: int, n: int) -> None:
        port = self._midi_out
        if _RAW:
            buf = _lib.jack_port_get_buffer(port._ptr, n)
            _lib.jack_midi_clear_buffer(buf)
        else:  # pragma: no cover
            port.clear_buffer()
        r = self.ex.midi_out
        if r.read == r.written:
            return
        last = 0
        for t, data in r.due(pos + n, self.ex.midi_epoch):
            off = max(t - pos, last)  # late events go out at once, in order
            try:
                port.write_midi_event(off, data)
            except jack.JackError:
                r.dropped += 1  # the port's buffer is full this cycle
            last = off

    def _xrun(self, delay_us: float) -> None:
        self.ex.xruns += 1

    def _shutdown(self, status, reason: str) -> None:
        self.lost_reason = str(reason)
        self.lost = True



def wait_for_server(server: str | None, timeout: float = 10.0) -> bool:
    """True once a client can connect to the server (e.g. a jackd just started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            jack.Client("lmdm-wait", servername=server, no_start_server=True).close()
            return True
        except jack.JackError:
            time.sleep(0.1)
    return False


class ProbeClient:
    """A measuring JACK client for `lmdm bench bridge`: plays a sine into the daemon's
    first input and records, per period, the peak of each watched daemon output with the
    perf_counter time at which the period was processed. Arrays are preallocated."""

    def __init__(self, server: str | None, target: str | None, watch: tuple[str, ...], seconds: float,
                 freq: float = 220.0, amp: float = 0.3, name: str = "lmdm-probe"):
        self.client = jack.Client(name, servername=server, no_start_server=True)
        self.rate = int(self.client.samplerate)
        self.period = int(self.client.blocksize)
        n = int(seconds * self.rate / self.period) + 16
        self.watch = watch
        self.peaks = np.zeros((n, len(watch)), np.float32)  # (periods, watched ports)
        self.times = np.zeros(n, np.float64)  # time.perf_counter() per period
        self.count = 0
        self._step = 2 * np.pi * freq / self.rate
        self._phase = 0.0
        self.amp = amp
        self._ramp = np.arange(self.period, dtype=np.float64)
        self.out = self.client.outports.register("sine")
        self.ins = [self.client.inports.register(w) for w in watch]
        self.xruns = 0
        self.client.set_process_callback(self._process)
        self.client.set_xrun_callback(self._xrun)
        self.client.activate()
        if target is not None:  # None: a do-nothing reference client (bench baseline)
            self.client.connect(self.out, f"{target}:in_1")
            for w, p in zip(watch, self.ins):
                self.client.connect(f"{target}:{w}", p)

    def _xrun(self, delay_us: float) -> None:
        self.xruns += 1

    def _process(self, n: int) -> None:
        out = self.out.get_array()
        np.sin(self._phase + self._step * self._ramp[:n], out=out, casting="unsafe")
        out *= self.amp
        self._phase = (self._phase + self._step * n) % (2 * np.pi)
        i = self.count
        if i < self.times.shape[0]:
            self.times[i] = time.perf_counter()
            for j, p in enumerate(self.ins):
                self.peaks[i, j] = np.abs(p.get_array()).max()
            self.count = i + 1

    def close(self) -> None:
        try:
            self.client.deactivate()
            self.client.close()
        except jack.JackError:
            pass


# --- `lmdm demo`: a server check and a file player (owner: the demo; appended) ----------

def server_rate(server: str | None) -> int | None:
    """The sample rate of a running JACK server (None: the default server), or None when
    none answers. Never starts a server, and keeps libjack's "cannot connect" messages off
    the terminal (a missing server is an expected answer here, not an error)."""
    jack.set_error_function(lambda msg: None)
    try:
        client = jack.Client("lmdm-check", servername=server, no_start_server=True)
    except jack.JackError:
        return None
    finally:
        jack.set_error_function(None)  # libjack's default: print to stderr
    try:
        return int(client.samplerate)
    finally:
        client.close()


class FilePlayer:
    """Plays a buffer into other clients' input ports in real time (`lmdm demo`).

    One output port per channel of `audio` (out_1..), connected at construction: target j
    is fed by port j % channels (a mono buffer feeds every target). Silence until start(),
    then one period of the buffer per callback, then silence and `finished`. The buffer is
    copied once here; the callback only slices it (no allocation, no lock, no raise)."""

    def __init__(self, audio: np.ndarray, server: str | None, targets, name: str = "lmdm-player"):
        a = np.asarray(audio, np.float32)
        a = a[:, None] if a.ndim == 1 else a
        self._audio = np.ascontiguousarray(a.T)  # (channels, frames): one contiguous row per port
        self.frames = a.shape[0]
        self.position = 0  # frames played so far (callback writes, others read)
        self.finished = False
        self.lost = False  # the server went away
        self.errors = 0
        self._go = False
        try:
            self.client = jack.Client(name, servername=server, no_start_server=True)
        except jack.JackError as exc:
            raise BackendError(f"file player: cannot connect to JACK server {server or 'default'}: {exc}") from None
        self.rate = int(self.client.samplerate)
        self.period = int(self.client.blocksize)
        self._ports = [self.client.outports.register(f"out_{i + 1}") for i in range(a.shape[1])]
        self.client.set_process_callback(self._process)
        self.client.set_shutdown_callback(self._shutdown)
        try:
            self.client.activate()
            for j, target in enumerate(targets):
                self.client.connect(self._ports[j % len(self._ports)], target)
        except jack.JackError as exc:
            self.close()
            raise BackendError(f"file player: cannot connect to {', '.join(targets)}: {exc}") from None

    def start(self) -> None:
        """Begin playing at the next period."""
        self._go = True

    def _process(self, n: int) -> None:
        try:
            pos = self.position
            m = min(n, self.frames - pos) if self._go else 0
            for c, port in enumerate(self._ports):
                out = JackBackend._buffers(port, n)
                if m > 0:
                    out[:m] = self._audio[c, pos:pos + m]
                out[max(m, 0):] = 0.0
            if self._go and not self.finished:
                self.position = pos + m
                self.finished = self.position >= self.frames
        except Exception:  # never raise: JACK would stop calling us
            self.errors += 1

    def _shutdown(self, status, reason: str) -> None:
        self.lost = True

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            if not self.lost:
                client.deactivate()
            client.close()
        except jack.JackError:
            pass
