"""`lmdm serve`: the daemon. Wires the config, the audio backend (JACK or PortAudio), the
generator and renderer, the live engine and the OSC server, and shuts them down cleanly
on Ctrl-C / SIGTERM (ports disconnected, recording closed).

Start-up order matters: connect to the audio server (to learn its rate), load and warm up
the generator and the synth, start OSC and the engine, and only then activate the audio
callback: importing torch or loading a model with a live callback costs xruns.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from bridge import osc_table
from bridge.backend import BackendError
from bridge.config import Config, ConfigError, load_config
from model import api

log = logging.getLogger("lmdm")

SWITCH_INTERVAL_S = 0.0005  # the audio callback needs the GIL promptly (default is 5 ms)
STEM_CONTROL = ("gain", "mute", "program")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="YAML file overlaying bridge/defaults.yaml")
    p.add_argument("--osc-port", type=int, metavar="N", help="UDP port for OSC control (default 9000; 0: any free port)")
    p.add_argument("--osc-host", metavar="ADDR", help="address to bind (default 127.0.0.1; others need osc.allow)")
    p.add_argument("--jack-server", metavar="NAME", help="JACK server name (default: the default server)")
    p.add_argument("--backend", choices=("jack", "portaudio"), help="audio backend (default jack)")
    p.add_argument("--client-name", metavar="NAME", help="JACK client name (default lmdm)")
    p.add_argument("--device", action="append", metavar="NAME",
                   help="PortAudio device name or index (python -m sounddevice lists them); "
                        "twice: the input device, then the output device")
    p.add_argument("--model", metavar="NAME",
                   help=f"generator to load: default, one of {', '.join(api.available())}, or a name "
                        "of the config file's models: section")
    p.add_argument("--mode", choices=api.MODES, help="starting mode (default accompany)")
    p.add_argument("--bpm", type=float, help="starting tempo")
    p.add_argument("--inputs", type=int, metavar="N", help="number of audio inputs (default 2)")
    p.add_argument("--autoconnect", action="store_true", default=None,
                   help="connect system capture -> in_*, mix -> system playback")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging (the daemon's own: each planned block, ...)")
    p.add_argument("--stats-json", metavar="FILE", help=argparse.SUPPRESS)  # for lmdm bench bridge
    p.epilog = ("Control it over OSC (see docs/osc.md): /lmdm/subscribe, then /lmdm/play. "
                "Ctrl-C stops it and disconnects its ports.")


def overrides_from_args(args: argparse.Namespace) -> dict:
    o: dict = {"osc": {}, "audio": {}, "engine": {}, "generation": {}}
    for key, section, field in [("osc_port", "osc", "port"), ("osc_host", "osc", "host"),
                                ("jack_server", "audio", "jack_server"), ("backend", "audio", "backend"),
                                ("client_name", "audio", "client_name"), ("inputs", "audio", "inputs"),
                                ("autoconnect", "audio", "autoconnect"), ("mode", "engine", "mode"),
                                ("bpm", "engine", "bpm"), ("model", "generation", "model")]:
        value = getattr(args, key, None)
        if value is not None:
            o[section][field] = value
    device = getattr(args, "device", None)
    if device:
        devices = [int(d) if d.isdigit() else d for d in device]
        o["audio"]["device"] = devices[0] if len(devices) == 1 else devices
    return {k: v for k, v in o.items() if v}


class Daemon:
    """The daemon's parts, for `lmdm serve`, tests and the benchmark. `generator`: a
    Generator object to use instead of loading cfg.generation.model (tests)."""

    def __init__(self, cfg: Config, generator=None, out=print):
        from bridge.rings import Exchange
        self.cfg = cfg
        api.configure(cfg.models)  # the config's own named models: /lmdm/model loads them by name
        self.stems = api.STEMS
        self.out = out
        self._generator = generator
        self.model_name = getattr(generator, "name", None) or cfg.generation.model
        self.ex = Exchange(cfg.audio.inputs, len(self.stems))
        self.gain = {s: 1.0 for s in self.stems}
        self.mute = {s: False for s in self.stems}
        self.program = dict(cfg.render.programs)
        self.presets: dict[int, dict[int, str]] = {}  # the SoundFont's, read at start
        from bridge.scenes import SceneBook
        self.scenes = SceneBook(cfg.scenes.presets, cfg.scenes.file)  # SceneError: a bad scenes file
        from bridge.midimap import MidiMap
        self.midi_map = MidiMap.from_config(cfg.midi_map)  # MidiMapError: a bad learn file
        self._learner: tuple[str, int] | None = None  # who sent the /lmdm/midi/learn waiting
        self.backend = None
        self.osc = None
        self.engine = None
        self._loading: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        self.backend = make_backend(self.cfg, self.ex, self.stems)
        self.backend.open()  # raises BackendError with advice
        try:
            self._start_rest()
        except BaseException:
            self.stop()
            raise

    def _start_rest(self) -> None:
        from bridge.engine import Voice, load_model
        from bridge.live import LiveEngine
        from bridge.osc import OscServer
        from model.synth import StemSynth

        sr = self.backend.sample_rate
        gen = self._generator or load_model(self.cfg.generation.model, sr)
        self.model_name = getattr(gen, "name", self.model_name)
        limit_torch_threads(self.cfg.generation.threads)
        r = self.cfg.render
        synth = StemSynth(sr, r.soundfont, self.program, stems=self.stems, gain=r.gain)
        self.presets = synth.presets()  # /lmdm/stem/*/program is checked against it
        voice = Voice(gen, synth, self.stems)
        warm_s, warm_samples = self._warm_up(voice, sr)
        o = self.cfg.osc
        try:
            self.osc = OscServer(o.host, o.port, o.allow, self.on_control, self.get_value, defer=self._defer)
        except OSError as exc:
            raise OSError(f"cannot listen for OSC on {o.host}:{o.port}: {exc.strerror or exc}; "
                          "is another lmdm serve running? (pick another with --osc-port N)") from None
        self.engine = LiveEngine(self.cfg, self.ex, self.backend, voice, self.osc, self.model_name,
                                 recorder_factory=self._recorder)
        self.engine.planner.record_step(warm_s, warm_samples)
        self.engine.midi_map, self.engine.on_midi = self.midi_map, self._on_midi
        self.osc.start()
        self.engine.start()
        self.backend.start()  # the callback runs from here on
        a = self.cfg.audio
        self.out(f"lmdm: OSC listening on udp://{o.host}:{self.osc.port}")
        if self.backend.kind == "jack":
            self.out(f"lmdm: JACK client '{self.backend.name}' on {self.backend.where()}, "
                     f"{sr} Hz, period {self.backend.period}")
        else:
            self.out(f"lmdm: {self.backend.where()}, {sr} Hz, period {self.backend.period}")
        self.out(f"lmdm: ports: {' '.join(self.backend.port_names())}"
                 + ("  (autoconnected)" if a.autoconnect else ""))
        self.out(f"lmdm: ready: model {self.model_name}, mode {self.cfg.engine.mode}, "
                 f"{self.cfg.engine.bpm:g} bpm, warm-up step {warm_s * 1000:.0f} ms; "
                 "send /lmdm/play to start, Ctrl-C to stop")
        self.osc.broadcast("/lmdm/ready", self.model_name, sr)

    def _warm_up(self, voice, sr: int) -> tuple[float, int]:
        """One generate + render before going live: caches filled, a first step time."""
        from bridge.engine import Planner, Settings
        planner = Planner(Settings.from_config(self.cfg), self.cfg.engine, sr, 1024)
        planner.reset(0)
        voice.observe(np.zeros((sr // 2, max(self.cfg.audio.inputs, 1)), np.float32), [])
        out = voice.render(planner.plan(origin=0))
        voice.reset()
        return out.step_s, out.slot.samples

    def _recorder(self, folder: Path, sample_rate: int):
        from bridge.recorder import SessionRecorder
        return SessionRecorder(folder, sample_rate, self.cfg.audio.inputs, self.stems,
                               self.cfg.record.flush_s, stem_channels=1,
                               mix_channels=2 if self.cfg.audio.mix else 1, programs=dict(self.program))

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()
        if self.backend is not None:
            self.backend.close()  # deactivating disconnects every port
        if self.osc is not None:
            self.osc.stop()

    def stats(self) -> dict:
        costs = self.ex.costs_us()
        return {"cycles": int(self.ex.cycles), "underruns": int(self.ex.underruns),
                "xruns": int(self.ex.xruns), "callback_errors": int(self.ex.errors),
                "callback_us_p50": float(np.percentile(costs, 50)) if costs.size else 0.0,
                "callback_us_p99": float(np.percentile(costs, 99)) if costs.size else 0.0,
                "callback_us_max": float(costs.max()) if costs.size else 0.0,
                "sample_rate": self.backend.sample_rate if self.backend else 0,
                "period": self.backend.period if self.backend else 0,
                "generation_errors": self.engine.errors_reported if self.engine else 0}

    # OSC (called on the OSC threads: never block) ------------------------------------
    def on_control(self, c) -> None:
        addr, args = c.address, c.args
        name = addr.removeprefix("/lmdm/")
        if name in ("play", "stop", "reset"):
            self.engine.submit(name)
        elif name == "tap":
            self.engine.submit("tap", time.perf_counter())  # stamped as it arrives (the audio callback's clock)
        elif name.startswith("stem/"):
            _, stem, what = name.split("/")
            self._stem_control(stem, what, args[0])
        elif name == "model":
            self._load_model(args[0])
        elif name == "record":
            self._start_record(args[0])
        elif name == "scene/store":
            self._store_scene(args[0], c.sender)
        elif name == "scene/recall":
            self._recall_scene(args[0], c.sender)
        elif name == "scene/delete":
            self.scenes.delete(args[0])
            log.info("scene %s deleted", args[0])
        elif name == "midi/learn":
            if not self.cfg.audio.midi:
                raise ValueError("this daemon has no MIDI input (audio.midi: false in its config)")
            self.midi_map.learn(args[0])
            self._learner = c.sender if self.midi_map.learning else None
        elif name == "midi/forget":
            if not self.midi_map.forget(args[0]):
                raise ValueError(f"no CC drives {args[0]!r}; /lmdm/get midi_map lists the bindings")
        elif name in _SETTINGS:
            self.engine.submit("osc", addr, args)
        else:
            raise ValueError(f"{addr} is not handled by this daemon")

    def _stem_control(self, stem: str, what: str, value, at: int | None = None) -> None:
        """A stem's program, gain or mute. `at`: a scene's, on the engine thread, for the block
        starting at that frame (the program reaches the worker before that block, the gain is
        heard from the period holding that frame); else now, from an OSC thread."""
        i = self.stems.index(stem)
        if what == "program":
            from model.synth import program_bank
            bank = program_bank(stem)
            if int(value) not in self.presets.get(bank, {}):
                have = ", ".join(str(p) for p in sorted(self.presets.get(bank, {})))
                kind = "drum kit" if bank else "program"
                raise ValueError(f"the SoundFont has no {kind} {int(value)} (bank {bank}); {stem} keeps "
                                 f"{self.program[stem]}; it has: {have}")
            self.program[stem] = int(value)
            if at is None:
                self.engine.submit("program", stem, int(value))
            else:
                self.engine.worker.put("program", stem, int(value))
            return
        if what == "gain":
            self.gain[stem] = float(value)
        else:
            self.mute[stem] = bool(value)
        gain = 0.0 if self.mute[stem] else self.gain[stem]
        if at is None:  # the callback reads this array every period: heard within one period
            self.ex.gains[i] = gain
        else:
            self.ex.gain_changes.append((int(at), i, gain))

    def _load_model(self, name: str) -> None:
        if self._loading is not None and self._loading.is_alive():
            raise ValueError("a model is already loading; try again when /lmdm/ready arrives")
        sr = self.backend.sample_rate

        def load() -> None:
            from bridge.engine import load_model
            try:
                gen = load_model(name, sr)
                limit_torch_threads(self.cfg.generation.threads)
            except Exception as exc:
                log.warning("model %s failed to load: %s", name, exc)
                self.osc.broadcast("/lmdm/error", "/lmdm/model", f"{name}: {exc}")
                return
            self.engine.submit("swap", gen, getattr(gen, "name", name))

        self._loading = threading.Thread(target=load, name="lmdm-model-load", daemon=True)
        self._loading.start()

    def _start_record(self, name) -> None:
        if name != 0:
            folder = Path(self.cfg.record.dir) / name
            if folder.exists() and any(folder.iterdir()):
                raise ValueError(f"record: session {name!r} exists already in {self.cfg.record.dir}; pick another name")
        self.engine.submit("record", name)

    def _store_scene(self, name: str, sender) -> None:
        """The settings as the controls before this message left them -> scene `name`. Stem
        gains, mutes and programs are applied here on the OSC thread, so they are read now
        (a control after the store must not reach it); the engine's settings are read on the
        engine thread, behind the controls queued before it, as a get reads them."""
        from bridge.scenes import SCENE_PARAMS
        stems = {p: self.get_value(p) for p in SCENE_PARAMS if p.startswith("stem/")}

        def store() -> None:
            # the settings as asked (a get of bpm while playing reads the tempo of the block playing)
            values = {p: self.engine.settings.get(p) for p in SCENE_PARAMS if not p.startswith("stem/")}
            try:
                self.scenes.store(name, {**values, **stems})
            except ValueError as exc:
                self._report(sender, "/lmdm/scene/store", str(exc))
                return
            log.info("scene %s stored", name)

        self._defer(store)

    def _recall_scene(self, name: str, sender) -> None:
        """Scene `name` (an unknown one is an error now) for the engine to set: at once while
        the band is stopped, else on the next bar line of the blocks it plans (LiveEngine._scene)."""
        scene = self.scenes.get(name)
        self.engine.submit("scene", name, lambda at: self._apply_scene(name, scene, sender, at))

    def _apply_scene(self, name: str, scene: dict, sender, at: int | None) -> list:
        """On the engine thread: every setting of the scene, for the block starting at frame
        `at` (None: now). A setting refused (a program the SoundFont lacks) is reported, the
        others still set. Returns an /lmdm/value message per setting, as it is now (subscribers
        get them with /lmdm/scene, so a patch's controls follow the scene)."""
        failed = []
        for param, args in scene.items():
            try:
                if param.startswith("stem/"):
                    _, stem, what = param.split("/")
                    self._stem_control(stem, what, args[0], at=at)
                else:
                    self.engine.settings.apply("/lmdm/" + param, args)
            except ValueError as exc:
                failed.append(f"{param}: {exc}")
        log.info("scene %s recalled%s", name, f" ({len(failed)} settings refused)" if failed else "")
        if failed:
            self._report(sender, "/lmdm/scene/recall", f"scene {name!r} recalled but for " + "; ".join(failed))
        from bridge.scenes import as_args
        value = {p: self.get_value(p) if p.startswith("stem/") else self.engine.settings.get(p) for p in scene}
        return [("/lmdm/value", (p, *as_args(v))) for p, v in value.items()]  # as set (not the block playing's)

    # MIDI control (on the engine thread) -------------------------------------------
    def _on_midi(self, asked: list) -> None:
        """What midi_in's control and program changes asked for (bridge/midimap.py), in the
        order they came: each as its OSC control would be taken (of a knob's values in one
        call, the latest only: a knob turned fast sends many); a refusal is an /lmdm/error to
        subscribers. Subscribers get /lmdm/value for each setting moved, once per call, after
        it took effect, so a patch's controls follow."""
        from bridge.osc import Control
        moved: dict[str, object] = {}  # setting -> its value as set here (a toggle twice flips back)
        last = {it.target: i for i, (_, it) in enumerate(asked) if it.kind == "set"}
        for i, (frame, it) in enumerate(asked):
            if it.kind == "set" and last[it.target] != i:  # a knob turned fast: its latest value only
                continue
            address = "/lmdm/scene/recall" if it.kind == "scene" else osc_table.PREFIX + it.target
            try:
                if it.kind == "learned":
                    self._announce_learned(it.cc, it.target)
                elif it.kind == "scene":
                    self._recall_scene(it.target, None)
                elif it.kind == "action":
                    if it.target == "tap":  # stamped at the frame it came in, on the callback's clock
                        t_ns, pos = self.ex.last_cycle
                        self.engine.submit("tap", t_ns / 1e9 + (frame - pos) / self.backend.sample_rate)
                    else:
                        self.engine.submit(it.target)
                else:
                    value = it.value
                    if it.kind == "toggle":
                        value = not (moved[it.target] if it.target in moved else self.get_value(it.target))
                    self.on_control(Control(address, osc_table.validate(address, (value,)), None))
                    moved[it.target] = value
            except ValueError as exc:
                self._report(None, address, f"MIDI {'program change' if it.kind == 'scene' else f'CC {it.cc}'}: {exc}")
        if moved:
            names = list(moved)
            self._defer(lambda: [self.osc.broadcast("/lmdm/value", n, self.get_value(n)) for n in names])

    def _announce_learned(self, cc: int, target: str) -> None:
        """/lmdm/midi/learned <cc> <control> to subscribers and to the patch that asked."""
        log.info("MIDI learn: CC %d drives %s", cc, target)
        self.osc.broadcast("/lmdm/midi/learned", cc, target)
        learner, self._learner = self._learner, None
        if learner is not None and learner not in self.osc.subscribers:
            self.osc.send(learner, "/lmdm/midi/learned", cc, target)

    def _report(self, sender, address: str, reason: str) -> None:
        """An /lmdm/error to the sender, or to subscribers for what came without one (MIDI)."""
        if sender is None:
            log.warning("%s: %s", address, reason)
            self.osc.broadcast("/lmdm/error", address, reason)
        else:
            self.osc.error(sender, address, reason)

    def _defer(self, answer) -> None:
        """Runs a /lmdm/get's answer on the engine thread, after the controls queued before
        it (a setting sent just before is read back as set)."""
        if self.engine is None:
            answer()
        else:
            self.engine.submit("call", answer)

    def get_value(self, name: str):
        e = self.engine
        if name.startswith("stem/"):
            _, stem, what = name.split("/")
            return {"gain": self.gain, "mute": self.mute, "program": self.program}[what][stem]
        if name == "model":
            return e.model_name
        if name == "models":
            return api.model_names()
        if name == "scenes":
            return self.scenes.names()
        if name == "midi_map":
            return self.midi_map.describe()
        if name == "record":
            return e.monitor.record_name
        if name == "sample_rate":
            return e.sample_rate
        status = e.status_values()
        if name in status:
            return status[name]
        return e.settings.get(name)


def make_backend(cfg: Config, ex, stems, client_name: str | None = None):
    """The configured audio backend (JACK or PortAudio), not opened yet; `client_name`
    replaces the configured JACK client name (lmdm check opens one beside a running daemon)."""
    a = cfg.audio
    if a.backend == "portaudio":
        from bridge.pa_io import PortAudioBackend
        return PortAudioBackend(ex, stems, device=a.device, sample_rate=a.sample_rate,
                                period=a.period, inputs=a.inputs, stem_channels=a.stem_channels, mix=a.mix,
                                midi=a.midi, client_name=client_name or a.client_name, midi_api=a.midi_api,
                                midi_in_port=a.midi_in_port, midi_out_port=a.midi_out_port)
    from bridge.jack_io import JackBackend
    return JackBackend(ex, stems, client_name=client_name or a.client_name, server=a.jack_server,
                       inputs=a.inputs, stem_channels=a.stem_channels, mix=a.mix, midi=a.midi,
                       autoconnect=a.autoconnect)


def limit_torch_threads(n: int) -> None:
    """A model that uses torch would spread over every core by default; on a small machine
    that starves the audio callback. Only if the model imported torch (no import here)."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n)


_SETTINGS = {"bpm", "beats_per_bar", "block_beats", "mode", "follow_transport", "tap_start", "prompt", "key", "steps",
             "guidance", "temperature", "density", "groove", "seed", "context_beats", "input/gain"}


OWN_LOGGERS = ("lmdm", "bridge", "model")  # what -v turns to debug


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="lmdm: %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    if args.verbose:  # our own debug lines; a library's (numba's compiler: thousands) stay at INFO
        for name in OWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
    from bridge.midimap import MidiMapError
    from bridge.scenes import SceneError
    try:
        cfg = load_config(args.config, overrides_from_args(args))
        daemon = Daemon(cfg, out=lambda line: print(line, flush=True))
    except (ConfigError, SceneError, MidiMapError) as exc:
        print(f"lmdm: config error: {exc}", file=sys.stderr)
        return 2
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        daemon.start()
    except (BackendError, api.ModelError, OSError) as exc:
        print(f"lmdm: cannot start: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum, frame):
        if stop.is_set():  # a second Ctrl-C: leave now
            sys.exit(130)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stop.wait(0.5):
        pass
    print("lmdm: stopping: disconnecting ports", flush=True)
    stats = daemon.stats()
    daemon.stop()
    print(f"lmdm: stopped after {stats['cycles']} periods: {stats['underruns']} underruns, "
          f"{stats['xruns']} xruns, callback p99 {stats['callback_us_p99']:.0f} us", flush=True)
    if args.stats_json:
        Path(args.stats_json).write_text(json.dumps(stats))
    return 0
