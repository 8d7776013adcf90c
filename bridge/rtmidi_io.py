"""MIDI in and out for the PortAudio backend (PortAudio has no MIDI), through python-rtmidi:
CoreMIDI on macOS, ALSA on Linux, Windows MM, or JACK MIDI (`audio.midi_api`). The only
module of bridge/ that imports `rtmidi`.

The daemon opens a virtual input and output port (`<client_name> midi_in` / `midi_out`; under
JACK the clients `<client_name>-midi-in` and `-midi-out`, ports `midi_in` / `midi_out`) that
other programs connect to, and with `audio.midi_in_port` / `audio.midi_out_port` connects to
the first existing port whose name contains that text (a keyboard, "IAC Driver Bus 1").

Timing, both ways through the same Exchange rings the JACK backend uses:
- in: rtmidi's thread queues each message with its arrival time; the next audio callback
  stamps it at the input frame it arrived at (the period just captured ends about now) and
  pushes it to `Exchange.midi_in`;
- out: the audio callback takes the events due in its period from `Exchange.midi_out` and
  queues them with the time their frame will be heard (now + offset + the stream's output
  latency); a sender thread sends each at that time, so notes leave with their audio.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from bridge.backend import BackendError
from bridge.rings import Exchange

log = logging.getLogger(__name__)

APIS = ("auto", "coremidi", "alsa", "jack", "windows")


def _api(name: str) -> int:
    import rtmidi
    return {"auto": rtmidi.API_UNSPECIFIED, "coremidi": rtmidi.API_MACOSX_CORE, "alsa": rtmidi.API_LINUX_ALSA,
            "jack": rtmidi.API_UNIX_JACK, "windows": rtmidi.API_WINDOWS_MM}[name]


class RtMidiPorts:
    """The daemon's MIDI ports under PortAudio. open() raises BackendError when rtmidi or its
    MIDI API is not usable here (the caller plays on without MIDI and says so)."""

    def __init__(self, exchange: Exchange, sample_rate: int, client_name: str = "lmdm", api: str = "auto",
                 in_port: str | None = None, out_port: str | None = None):
        if api not in APIS:
            raise BackendError(f"audio.midi_api: {api!r} is not one of {', '.join(APIS)}")
        self.ex = exchange
        self.rate = int(sample_rate)
        self.client_name = client_name
        self.api = api
        self.in_port, self.out_port = in_port, out_port
        self.out_latency = 0.0  # seconds from the callback to the speaker (the backend sets it)
        self.names: list[str] = []  # what this opened, for the log
        self.warnings: list[str] = []
        self._in = self._out = None
        self._in_q: deque[tuple[float, bytes]] = deque()
        self._out_q: deque[tuple[float, bytes]] = deque()
        self._wake = threading.Event()
        self._quit = False
        self._sender: threading.Thread | None = None

    # ---- set-up ---------------------------------------------------------------------------
    def open(self) -> None:
        try:
            import rtmidi
        except ImportError as exc:
            raise BackendError(f"MIDI needs python-rtmidi ({exc}); run `make install`") from None
        jack = self.api == "jack"
        try:
            self._in = rtmidi.MidiIn(_api(self.api), name=f"{self.client_name}-midi-in" if jack else self.client_name)
            self._out = rtmidi.MidiOut(_api(self.api), name=f"{self.client_name}-midi-out" if jack else self.client_name)
        except Exception as exc:  # rtmidi.SystemError: no ALSA sequencer, no JACK server...
            self.close()
            raise BackendError(f"MIDI ({self.api}) is not usable here: {exc}") from None
        self._in.ignore_types(sysex=True, timing=False, active_sense=True)  # clock and Start/Stop pass
        self._in.set_callback(self._received)
        try:
            self.names = [self._port(self._in, self.in_port, "midi_in", jack),
                          self._port(self._out, self.out_port, "midi_out", jack)]
        except BackendError:
            self.close()  # the port opened first goes too
            raise
        self._sender = threading.Thread(target=self._send_loop, name="lmdm-midi-out", daemon=True)
        self._sender.start()

    def _port(self, dev, wanted: str | None, name: str, jack: bool) -> str:
        """Connect `dev` to the first port whose name contains `wanted`; else (or if none
        matches: a warning listing them) open a virtual port. -> a description."""
        if wanted:
            ports = dev.get_ports()
            match = [i for i, p in enumerate(ports) if wanted.lower() in p.lower()]
            if match:
                dev.open_port(match[0], name)
                return f"{name} <- {ports[match[0]]}" if name == "midi_in" else f"{name} -> {ports[match[0]]}"
            self.warnings.append(f"audio.{name}_port {wanted!r}: no such MIDI port; there are: "
                                 f"{', '.join(ports) or 'none'}; opened a virtual port instead")
        virtual = name if jack else f"{self.client_name} {name}"
        try:
            dev.open_virtual_port(virtual)
        except Exception as exc:  # Windows MM has no virtual ports
            raise BackendError(f"cannot open a virtual MIDI port {virtual!r} ({exc}); "
                               f"set audio.{name}_port to a MIDI port's name") from None
        return f"{name} (virtual port {virtual!r})"

    def close(self) -> None:
        self._quit = True
        self._wake.set()
        if self._sender is not None:
            self._sender.join(1.0)
            self._sender = None
        for dev in (self._in, self._out):
            if dev is not None:
                try:
                    dev.close_port()
                    dev.delete()
                except Exception as exc:
                    log.warning("midi: close failed: %s", exc)
        self._in = self._out = None

    # ---- threads --------------------------------------------------------------------------
    def _received(self, event, _data) -> None:
        """rtmidi's thread: queue the message with its arrival time."""
        message, _delta = event
        self._in_q.append((time.monotonic(), bytes(message)))

    def cycle(self, pos: int, n: int) -> None:
        """In the audio callback (Exchange.process's `midi`): input frames [pos, pos + n)
        were just captured, output frames [pos, pos + n) are about to be played."""
        now = time.monotonic()
        q = self._in_q
        while q:
            t, data = q.popleft()
            off = n - int((now - t) * self.rate)  # the period just captured ends about now
            self.ex.midi_in.push(pos + min(max(off, 0), n - 1), data)
        r = self.ex.midi_out
        if r.read == r.written:
            return
        base = now + self.out_latency
        sent = False
        for t, data in r.due(pos + n, self.ex.midi_epoch):
            self._out_q.append((base + max(t - pos, 0) / self.rate, bytes(data)))
            sent = True
        if sent:
            self._wake.set()

    def _send_loop(self) -> None:
        q = self._out_q
        while not self._quit:
            if not q:
                self._wake.wait(0.05)
                self._wake.clear()
                continue
            at, data = q[0]
            wait = at - time.monotonic()
            if wait > 0.0005:
                time.sleep(min(wait, 0.005))
                continue
            q.popleft()
            try:
                self._out.send_message(data)
            except Exception as exc:  # a port that went away: drop, say so once per message kind
                self.ex.midi_out.dropped += 1
                log.debug("midi: send failed: %s", exc)
