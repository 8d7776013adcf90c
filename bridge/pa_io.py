"""PortAudio audio I/O (sounddevice) for machines without JACK: the only module of
bridge/ that imports `sounddevice`.

The same Exchange does the work as under JACK; the callback only slices the device's
interleaved buffers into per-channel views. Output channels, in order: one (or two) per
stem, then mix_L, mix_R. A device with fewer outputs gets only the mix pair (logged).
MIDI (PortAudio has none) goes through python-rtmidi (bridge/rtmidi_io.py) when audio.midi
is on; where no MIDI system is usable the daemon plays on without it and says so. No
transport: tempo comes from /lmdm/bpm or a MIDI clock on midi_in.
"""
from __future__ import annotations

import logging

import sounddevice as sd

from bridge.backend import BackendError, Transport
from bridge.rings import Exchange

log = logging.getLogger(__name__)


class PortAudioBackend:
    kind = "portaudio"

    def __init__(self, exchange: Exchange, stems: tuple[str, ...], *, device=None,
                 sample_rate: int = 48000, period: int = 1024, inputs: int = 2,
                 stem_channels: int = 1, mix: bool = True, midi: bool = False, client_name: str = "lmdm",
                 midi_api: str = "auto", midi_in_port: str | None = None, midi_out_port: str | None = None):
        self.ex = exchange
        self.stems = stems
        self.device = device
        self._rate = int(sample_rate)
        self._period = int(period)
        self.inputs = inputs
        self.stem_channels = stem_channels
        self.mix = mix
        self.stream = None
        self.lost = False
        self.lost_reason = ""
        self._names: list[str] = []
        self._layout: tuple[int, int, bool] = (0, 0, False)  # (inputs, stem channels, mix)
        self.midi = midi
        self._midi_args = dict(client_name=client_name, api=midi_api, in_port=midi_in_port, out_port=midi_out_port)
        self.midi_ports = None  # RtMidiPorts once open
        self.midi_warnings: list[str] = []  # why MIDI is missing or not as configured

    def open(self) -> None:
        try:
            devices = sd.query_devices()
        except Exception as exc:
            raise BackendError(f"PortAudio is not usable here: {exc}") from None
        if len(devices) == 0:
            raise BackendError("PortAudio found no audio device (no sound card?); "
                               "use the JACK backend or `lmdm render` for files")
        dev_in, dev_out = self.devices
        try:
            info_in = sd.query_devices(dev_in, "input") if self.inputs else None
        except (ValueError, sd.PortAudioError) as exc:
            raise BackendError(f"PortAudio input device {dev_in!r}: {exc}") from None
        try:
            info_out = sd.query_devices(dev_out, "output")
        except (ValueError, sd.PortAudioError) as exc:
            raise BackendError(f"PortAudio output device {dev_out!r}: {exc}") from None
        n_in = min(self.inputs, int(info_in["max_input_channels"])) if info_in else 0
        want = len(self.stems) * self.stem_channels + (2 if self.mix else 0)
        max_out = int(info_out["max_output_channels"])
        if max_out >= want:
            stem_ch, mix = self.stem_channels, self.mix
        elif max_out >= 2:
            stem_ch, mix = 0, True
            log.warning("portaudio: %s has %d outputs, %d needed: playing the mix only",
                        info_out["name"], max_out, want)
        else:
            raise BackendError(f"PortAudio device {info_out['name']!r} has {max_out} output channels; 2 needed")
        self._layout = (n_in, stem_ch, mix)
        n_out = len(self.stems) * stem_ch + (2 if mix else 0)
        try:
            common = dict(samplerate=self._rate, blocksize=self._period, dtype="float32",
                          finished_callback=self._finished)
            if n_in:
                self.stream = sd.Stream(device=(dev_in, dev_out), channels=(n_in, n_out),
                                        callback=self._callback, **common)
            else:  # no inputs: an output stream (a duplex one would open inputs too)
                self.stream = sd.OutputStream(device=dev_out, channels=n_out, callback=self._out_callback, **common)
        except Exception as exc:
            raise BackendError(f"cannot open PortAudio stream: {exc}") from None
        suffix = ("",) if stem_ch == 1 else ("_L", "_R")
        self._names = [f"in_{i + 1}" for i in range(n_in)]
        self._names += [f"{s}{x}" for s in self.stems for x in suffix[:stem_ch]] if stem_ch else []
        self._names += ["mix_L", "mix_R"] if mix else []
        self.lost = False
        if self.midi and self.midi_ports is None:
            self._open_midi()

    def _open_midi(self) -> None:
        from bridge.rtmidi_io import RtMidiPorts
        ports = RtMidiPorts(self.ex, self._rate, **self._midi_args)
        try:
            ports.open()
        except BackendError as exc:
            self.midi_warnings = [f"no MIDI: {exc}"]
            log.warning("portaudio: no MIDI: %s", exc)
            return
        ports.out_latency = self.out_latency() / self.sample_rate  # seconds
        self.midi_warnings = list(ports.warnings)
        for w in ports.warnings:
            log.warning("portaudio: %s", w)
        log.info("portaudio: MIDI %s", ", ".join(ports.names))
        self.midi_ports = ports

    def start(self) -> None:
        self.stream.start()

    def close(self) -> None:
        midi, self.midi_ports = self.midi_ports, None
        if midi is not None:
            midi.close()
        stream, self.stream = self.stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as exc:
                log.warning("portaudio: close failed: %s", exc)

    @property
    def sample_rate(self) -> int:
        return int(self.stream.samplerate) if self.stream is not None else self._rate

    @property
    def period(self) -> int:
        return self._period

    @property
    def name(self) -> str:
        return "portaudio"

    def port_names(self) -> list[str]:
        return list(self._names) + (["midi_in", "midi_out"] if self.midi_ports is not None else [])

    def out_latency(self) -> int:
        """Frames from a period's output to the device's output (PortAudio's output latency)."""
        if self.stream is None:
            return 0
        latency = self.stream.latency
        return int(round(float(latency[1] if isinstance(latency, (tuple, list)) else latency) * self.sample_rate))

    @property
    def devices(self) -> tuple:
        """(input, output) device: audio.device names one for both or a pair; None is the default."""
        if isinstance(self.device, (list, tuple)):
            return tuple(self.device)
        return self.device, self.device

    def where(self) -> str:
        name = lambda d: "default" if d is None else str(d)  # noqa: E731
        dev_in, dev_out = self.devices
        if dev_in == dev_out:
            return f"PortAudio device {name(dev_out)}"
        return f"PortAudio devices {name(dev_in)} (in), {name(dev_out)} (out)"

    def transport(self) -> Transport | None:
        return None

    def _callback(self, indata, outdata, frames, time_info, status) -> None:
        try:
            if status.input_overflow or status.output_underflow:
                self.ex.xruns += 1
            n_in, stem_ch, mix = self._layout
            ins = [indata[:, i] for i in range(n_in)]
            j = 0
            stem_outs = []
            if stem_ch:
                for _ in self.stems:
                    stem_outs.append([outdata[:, j + c] for c in range(stem_ch)])
                    j += stem_ch
            mix_outs = [outdata[:, j], outdata[:, j + 1]] if mix else []
            midi = self.midi_ports
            self.ex.process(frames, ins, stem_outs, mix_outs, midi.cycle if midi is not None else None)
        except Exception:
            self.ex.errors += 1
            outdata.fill(0)

    def _out_callback(self, outdata, frames, time_info, status) -> None:
        self._callback(None, outdata, frames, time_info, status)

    def _finished(self) -> None:
        if self.stream is not None:  # not a close() of ours: the device went away
            self.lost_reason = "the PortAudio stream stopped"
            self.lost = True
