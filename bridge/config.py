"""Daemon configuration: shipped YAML defaults overlaid by a user file, validated once at
load into dataclasses. Unknown keys and bad values are errors that name the key."""
from __future__ import annotations

import dataclasses
import ipaddress
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from model.api import MODES, REGISTRY, STEMS


class ConfigError(ValueError):
    pass


@dataclass
class OscConfig:
    host: str = "127.0.0.1"
    port: int = 9000
    allow: list[str] = field(default_factory=list)
    meter_hz: float = 20.0

    def check(self) -> None:
        _range("osc.port", self.port, 0, 65535)
        _range("osc.meter_hz", self.meter_hz, 0.5, 200)
        for net in self.allow:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                raise ConfigError(f"osc.allow: {net!r} is not a network: {exc}") from None
        loopback = self.host in ("127.0.0.1", "localhost", "::1")
        if not loopback and not self.allow:
            raise ConfigError(f"osc.host: binding to {self.host!r} needs osc.allow, a list of client networks")


@dataclass
class AudioConfig:
    backend: str = "jack"
    jack_server: str | None = None
    client_name: str = "lmdm"
    inputs: int = 2
    stem_channels: int = 1
    mix: bool = True
    midi: bool = True
    midi_clock_out: bool = False
    autoconnect: bool = False
    reconnect_s: float = 2.0
    sample_rate: int = 48000
    period: int = 1024
    device: str | int | list[str | int] | None = None  # PortAudio: one device, or [input, output]
    midi_api: str = "auto"  # PortAudio's MIDI (python-rtmidi): auto | coremidi | alsa | jack | windows
    midi_in_port: str | None = None  # PortAudio: connect midi_in to the MIDI port whose name contains this
    midi_out_port: str | None = None

    def check(self) -> None:
        _choice("audio.backend", self.backend, ("jack", "portaudio"))
        _choice("audio.midi_api", self.midi_api, ("auto", "coremidi", "alsa", "jack", "windows"))
        for key in ("midi_in_port", "midi_out_port"):
            if getattr(self, key) is not None and not isinstance(getattr(self, key), str):
                raise ConfigError(f"audio.{key}: the text a MIDI port's name contains, e.g. \"IAC Driver\"; "
                                  f"got {getattr(self, key)!r}")
        if isinstance(self.device, list) and len(self.device) != 2:
            raise ConfigError(f"audio.device: one device (a name or an index) or two, [input, output]; "
                              f"got {len(self.device)}: {self.device!r}")
        _range("audio.inputs", self.inputs, 0, 16)
        _choice("audio.stem_channels", self.stem_channels, (1, 2))
        _range("audio.reconnect_s", self.reconnect_s, 0.1, 60)
        _range("audio.sample_rate", self.sample_rate, 8000, 192000)
        _range("audio.period", self.period, 16, 8192)


@dataclass
class EngineConfig:
    bpm: float = 120.0
    beats_per_bar: int = 4
    block_beats: float = 0.0  # 0: auto (engine.Settings.block_length)
    mode: str = "accompany"
    follow_transport: bool = True
    tap_start: bool = False  # a bar of /lmdm/tap while stopped starts the band on the next downbeat
    margin_min_ms: float = 50.0
    margin_headroom: float = 2.0
    frames_per_beat: int = 4
    on_failure: str = "silence"
    auto_steps: bool = True  # halve /lmdm/steps when generation takes most of each block (LoadGuard)
    input_gain: float = 1.0

    def check(self) -> None:
        _range("engine.bpm", self.bpm, 20, 300)
        _range("engine.beats_per_bar", self.beats_per_bar, 1, 16)
        if self.block_beats != 0:  # 0: auto
            _range("engine.block_beats", self.block_beats, 0.25, 32)
        _choice("engine.mode", self.mode, MODES)
        _range("engine.margin_min_ms", self.margin_min_ms, 0, 5000)
        _range("engine.margin_headroom", self.margin_headroom, 1.0, 10)
        _range("engine.frames_per_beat", self.frames_per_beat, 1, 48)
        _choice("engine.on_failure", self.on_failure, ("silence", "dry"))
        _range("engine.input_gain", self.input_gain, 0, 4)


@dataclass
class GenerationConfig:
    model: str = "default"
    prompt: str = ""
    steps: int = 8
    guidance: float = 3.0
    temperature: float = 1.0
    density: float = 0.5
    groove: float = 0.5
    seed: int | None = None
    key: str | None = None
    context_beats: float = 32.0
    threads: int = 1

    def check(self) -> None:
        _range("generation.threads", self.threads, 1, 64)
        _range("generation.steps", self.steps, 1, 64)
        _range("generation.guidance", self.guidance, 0, 10)
        _range("generation.temperature", self.temperature, 0, 2)
        _range("generation.density", self.density, 0, 1)
        _range("generation.groove", self.groove, 0, 1)
        _range("generation.context_beats", self.context_beats, 0, 512)


@dataclass
class RenderConfig:
    soundfont: str = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
    gain: float = 0.8
    programs: dict[str, int] = field(default_factory=lambda: {"bass": 33, "keys": 4, "lead": 80, "drums": 0})

    def check(self) -> None:
        _range("render.gain", self.gain, 0, 4)
        for stem, prog in self.programs.items():
            if stem not in STEMS:
                raise ConfigError(f"render.programs: unknown stem {stem!r}; stems are {', '.join(STEMS)}")
            if not isinstance(prog, int) or isinstance(prog, bool):
                raise ConfigError(f"render.programs.{stem}: expected an integer 0..127, got {prog!r}")
            _range(f"render.programs.{stem}", prog, 0, 127)


@dataclass
class RecordConfig:
    dir: str = "out/sessions"
    flush_s: float = 0.5

    def check(self) -> None:
        _range("record.flush_s", self.flush_s, 0.05, 1.0)


@dataclass
class ScenesConfig:
    file: str | None = None  # the scenes /lmdm/scene/store writes (and start reads); relative: to the config file
    presets: dict[str, dict] = field(default_factory=dict)  # name -> {setting: value}

    def check(self) -> None:
        from bridge.scenes import SceneError, check_scenes
        _file_name("scenes.file", self.file)
        try:
            check_scenes(self.presets, "scenes.presets")
        except SceneError as exc:
            raise ConfigError(str(exc)) from None


@dataclass
class MidiMapConfig:
    channel: int = 0  # 0: every MIDI channel; 1..16: only that one
    cc: dict[int, Any] = field(default_factory=dict)  # CC number -> control (bridge/midimap.py)
    program: dict[int, str] = field(default_factory=dict)  # program change (0-based) -> scene name
    file: str | None = None  # what /lmdm/midi/learn learns is kept here; relative: to the config file

    def check(self) -> None:
        from bridge.midimap import MidiMapError, check_map
        _file_name("midi_map.file", self.file)
        try:
            check_map(self.cc, self.program, self.channel)
        except MidiMapError as exc:
            raise ConfigError(str(exc)) from None


MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_models(models: dict) -> None:
    """The `models:` section: name -> {type: a registered generator, its options...}."""
    for name, entry in models.items():
        if not isinstance(name, str) or not MODEL_NAME.fullmatch(name):
            raise ConfigError(f"models: {name!r} is not a model name (1-64 letters, digits, - _ ., "
                              "not starting with - _ or .)")
        if name == "default" or name in REGISTRY:
            raise ConfigError(f"models.{name}: the name is taken by a built-in model; pick another")
        if not isinstance(entry, dict):
            raise ConfigError(f"models.{name}: expected a mapping with 'type' and options, got {entry!r}")
        if entry.get("type") not in REGISTRY:
            raise ConfigError(f"models.{name}.type: {entry.get('type')!r} is not one of {', '.join(sorted(REGISTRY))}")
        for key, value in entry.items():
            if not isinstance(key, str) or not isinstance(value, (str, int, float, bool, list, dict, type(None))):
                raise ConfigError(f"models.{name}.{key}: expected a plain YAML value, got {value!r}")
        ckpt = entry.get("checkpoint")
        if ckpt is not None:
            if not isinstance(ckpt, str) or not Path(ckpt).is_dir():
                raise ConfigError(f"models.{name}.checkpoint: {ckpt!r} is not a folder (relative paths "
                                  "are relative to the config file)")


@dataclass
class Config:
    osc: OscConfig = field(default_factory=OscConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    render: RenderConfig = field(default_factory=RenderConfig)
    record: RecordConfig = field(default_factory=RecordConfig)
    scenes: ScenesConfig = field(default_factory=ScenesConfig)
    midi_map: MidiMapConfig = field(default_factory=MidiMapConfig)
    # named models of this config: name -> {"type": "embedded" | "baseline", options...}
    # (model.api.configure); loaded by name over OSC like the built-in ones
    models: dict[str, dict] = field(default_factory=dict)

    def check(self) -> None:
        for f in dataclasses.fields(self):
            if f.name != "models":
                getattr(self, f.name).check()
        check_models(self.models)
        known = {"default", *REGISTRY, *self.models}
        if self.generation.model not in known:
            raise ConfigError(f"generation.model: {self.generation.model!r} is not one of {', '.join(sorted(known))}")


def _range(name: str, value: Any, lo: float, hi: float) -> None:
    if not lo <= value <= hi:
        raise ConfigError(f"{name}: {value!r} is out of range {lo}..{hi}")


def _choice(name: str, value: Any, choices: tuple) -> None:
    if value not in choices:
        raise ConfigError(f"{name}: {value!r} is not one of {', '.join(map(str, choices))}")


def _file_name(name: str, value: str | None) -> None:
    """A file the daemon writes (None: none): a name, not a folder."""
    if value is not None and (not value or Path(value).is_dir()):
        raise ConfigError(f"{name}: {value!r} is not a file name")


def _merge(base: dict, over: dict, path: str = "") -> dict:
    out = dict(base)
    for key, value in over.items():
        name = f"{path}{key}"
        if key not in base:
            raise ConfigError(f"unknown config key {name!r}")
        if key == "models" and not path:  # a user's own names: taken whole, checked later
            value = {} if value is None else value  # "models:" with nothing under it
            if not isinstance(value, dict):
                raise ConfigError(f"{name}: expected a mapping, got {value!r}")
            out[key] = {**base[key], **value}
        elif (key, path) in (("presets", "scenes."), ("cc", "midi_map."), ("program", "midi_map.")):
            value = {} if value is None else value  # the user's own keys: taken whole, checked later
            if not isinstance(value, dict):
                raise ConfigError(f"{name}: expected a mapping, got {value!r}")
            out[key] = {**base[key], **value}
        elif isinstance(base[key], dict) and key != "programs":
            if not isinstance(value, dict):
                raise ConfigError(f"{name}: expected a mapping, got {value!r}")
            out[key] = _merge(base[key], value, name + ".")
        elif isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{name}: expected a mapping, got {value!r}")
            out[key] = {**base[key], **value}
        else:
            out[key] = value
    return out


def _coerce(name: str, value: Any, hint: Any) -> Any:
    """Check a YAML value against a dataclass field type (ints may stand in for floats)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(name, value, a)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if errors else f"{name}: bad value {value!r}")
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{name}: expected a list, got {value!r}")
        return [_coerce(f"{name}[{i}]", v, args[0]) for i, v in enumerate(value)]
    if origin is dict:
        return dict(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{name}: expected a string, got {value!r}")
        return value
    return value


def _build(cls: type, data: dict, path: str) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        value = data[f.name]
        if dataclasses.is_dataclass(hints[f.name]):
            kwargs[f.name] = _build(hints[f.name], value, f"{path}{f.name}.")
        else:
            kwargs[f.name] = _coerce(f"{path}{f.name}", value, hints[f.name])
    return cls(**kwargs)


def _resolve_paths(user: dict, folder: Path) -> None:
    """A user file's relative `models.*.checkpoint`, `scenes.file` and `midi_map.file` paths
    are relative to the file."""
    for section in ("scenes", "midi_map"):
        part = user.get(section)
        if isinstance(part, dict) and isinstance(part.get("file"), str) and part["file"]:
            f = Path(part["file"]).expanduser()
            part["file"] = str(f if f.is_absolute() else folder / f)
    models = user.get("models")
    if not isinstance(models, dict):
        return
    for entry in models.values():
        if isinstance(entry, dict) and isinstance(entry.get("checkpoint"), str):
            ckpt = Path(entry["checkpoint"]).expanduser()
            entry["checkpoint"] = str(ckpt if ckpt.is_absolute() else folder / ckpt)


DEFAULTS_PATH = Path(__file__).with_name("defaults.yaml")


def defaults_dict() -> dict:
    # Next to this file, not importlib.resources.files("bridge"): under pytest the name
    # `bridge` can resolve to the tests/bridge namespace directory.
    return yaml.safe_load(DEFAULTS_PATH.read_text())


def load_config(path: str | Path | None = None, overrides: dict | None = None) -> Config:
    """Defaults, overlaid by the user's YAML file, overlaid by `overrides` (CLI flags)."""
    data = defaults_dict()
    if path is not None:
        p = Path(path)
        if not p.exists() or p.is_dir():
            raise ConfigError(f"config file not found: {p}")
        try:
            user = yaml.safe_load(p.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{p}: not valid YAML: {exc}") from None
        if not isinstance(user, dict):
            raise ConfigError(f"{p}: the top level must be a mapping")
        _resolve_paths(user, p.resolve().parent)
        data = _merge(data, user)
    if overrides:
        data = _merge(data, overrides)
    cfg = _build(Config, data, "")
    cfg.check()
    return cfg
