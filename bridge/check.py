"""`lmdm check`: a sound check before the gig, on the performer's own config.

It walks through what `lmdm serve` does at start-up, one part at a time, without going
live, and says for each part whether it is ready and what to do if not:

  config     the config file (and flags) load and validate;
  soundfont  the SoundFont loads and holds every stem's program (drums: a kit in bank 128);
  osc        the OSC port is free on the configured address;
  audio      the audio backend opens (JACK: the server answers; its rate and period), with
             a client of its own name, so it can run beside a playing daemon;
  model      the configured model loads;
  timing     a few blocks of `lmdm demo`'s piano loop through the engine core `lmdm render`
             uses, at the config's tempo, block length, steps and guidance: how long a
             block takes to generate and render, against how long it plays, and the
             latency the live engine's margin would give (bridge/engine.py Planner).

Every part is checked even when an earlier one fails (a missing JACK server does not hide
a broken SoundFont), except that a broken config stops it. Exit status: 0 ready (warnings
allowed), 1 a part failed, 2 the config is broken.
"""
from __future__ import annotations

import argparse
import json
import math
import socket
import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from bridge.config import Config, ConfigError, load_config
from bridge.midimap import MidiMap, MidiMapError
from bridge.scenes import SceneBook, SceneError
from model import api

RTF_WARN = 0.5  # a step taking half its block leaves little CPU for the synths and the patch


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    data: dict = field(default_factory=dict)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="YAML file overlaying bridge/defaults.yaml (as for lmdm serve)")
    p.add_argument("--model", metavar="NAME", help="the model to check (default: the config's)")
    p.add_argument("--jack-server", metavar="NAME", help="JACK server name (default: the config's, else the default server)")
    p.add_argument("--backend", choices=("jack", "portaudio"), help="audio backend (default: the config's)")
    p.add_argument("--device", action="append", metavar="NAME",
                   help="PortAudio device (as for lmdm serve; twice: input, then output)")
    p.add_argument("--osc-port", type=int, metavar="N", help="the OSC port lmdm serve will use")
    p.add_argument("--bpm", type=float, help="tempo to time the model at (default: the config's)")
    p.add_argument("--blocks", type=int, default=16, help="blocks to time (after one warm-up block)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the list")


def check_soundfont(cfg: Config) -> Check:
    from model.synth import SoundFontError, preset_names
    r = cfg.render
    try:
        names = preset_names(r.soundfont, r.programs)
    except SoundFontError as exc:
        return Check("soundfont", "fail", f"{exc}; install fluid-soundfont-gm or set render.soundfont")
    missing = [s for s, n in names.items() if n is None]
    found = ", ".join(f"{s} {r.programs[s]} {n}" for s, n in names.items() if n is not None)
    if missing:
        what = "; ".join(
            f"{s}: no {'kit' if s == 'drums' else 'program'} {r.programs[s]} in it"
            + (" (the standard kit plays)" if s == "drums" else " (the channel keeps its previous sound)")
            for s in missing)
        return Check("soundfont", "warn", f"{r.soundfont}: {what}; set render.programs", {"presets": names})
    return Check("soundfont", "ok", f"{r.soundfont}: {found}", {"presets": names})


def check_osc(cfg: Config) -> Check:
    o = cfg.osc
    sock = socket.socket(socket.AF_INET6 if ":" in o.host else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((o.host, o.port))
    except OSError as exc:
        return Check("osc", "fail", f"cannot listen on udp://{o.host}:{o.port}: {exc.strerror or exc}; "
                                    "is an lmdm serve running already? (or pick another with --osc-port N)")
    finally:
        sock.close()
    return Check("osc", "ok", f"udp://{o.host}:{o.port} is free")


def check_audio(cfg: Config) -> tuple[Check, int, int]:
    """The backend opened and closed again -> (check, sample rate, period)."""
    from bridge.backend import BackendError
    from bridge.daemon import make_backend
    from bridge.rings import Exchange
    a = cfg.audio
    backend = make_backend(cfg, Exchange(a.inputs, len(api.STEMS)), api.STEMS, client_name=f"{a.client_name}-check")
    try:
        backend.open()
    except BackendError as exc:
        return Check("audio", "fail", str(exc)), a.sample_rate, a.period
    try:
        sr, period = int(backend.sample_rate), int(backend.period)
        detail = f"{backend.where()}: {sr} Hz, period {period} ({1000 * period / sr:.1f} ms)"
        status, data = "ok", {"sample_rate": sr, "period": period}
        if backend.kind == "jack":
            if backend.has_client(a.client_name):
                status = "warn"
                detail += (f"; a client named {a.client_name!r} is on the server already (an lmdm serve "
                           "running?): another one would get a different name")
            if a.autoconnect and not backend.has_physical_ports():
                status = "warn"
                detail += "; autoconnect is on but the server has no physical ports (a dummy driver?)"
        elif a.midi:  # PortAudio's MIDI: python-rtmidi
            if backend.midi_ports is not None:
                detail += f"; MIDI {', '.join(backend.midi_ports.names)}"
            if backend.midi_warnings:
                status = "warn"
                detail += "; " + "; ".join(backend.midi_warnings)
    finally:
        backend.close()
    return Check("audio", status, detail, data), sr, period


def load_checked_model(cfg: Config, sr: int):
    """-> (check, generator or None)."""
    from bridge.daemon import limit_torch_threads
    from bridge.engine import load_model
    name = cfg.generation.model
    t0 = time.perf_counter()
    try:
        gen = load_model(name, sr)
    except api.ModelError as exc:
        return Check("model", "fail", str(exc)), None
    limit_torch_threads(cfg.generation.threads)
    secs = time.perf_counter() - t0
    loaded = getattr(gen, "name", name)
    if name == "default" and api.DEFAULT_MODEL != "baseline" and loaded == "baseline":
        return Check("model", "fail", f"the default model ({api.DEFAULT_MODEL}) failed to load (see the log "
                                      "above): the rule-based baseline would play instead"), gen
    return Check("model", "ok", f"{loaded} loaded in {secs:.1f} s", {"model": loaded, "load_s": round(secs, 2)}), gen


def check_timing(cfg: Config, gen, sr: int, period: int, blocks: int) -> Check:
    """Blocks of the piano loop through the offline engine core; the first (cold caches,
    as the daemon's warm-up) is not counted."""
    from bridge.demo import BEATS_PER_BAR, DemoError, make_performance
    from bridge.engine import Planner, Settings
    from bridge.offline import GenerationError, render
    settings = Settings.from_config(cfg)
    planner = Planner(settings, cfg.engine, sr, period)
    block = planner.block_samples(settings.bpm, settings.block_length)
    bars = math.ceil((blocks + 1) * settings.block_length / BEATS_PER_BAR)
    try:  # `lmdm demo`'s input: the bundled piano loop at this tempo and rate
        loop = make_performance(bars, settings.bpm, sr, cfg.render.soundfont).audio
        r = render(cfg, loop[:(blocks + 1) * block, None], [], sr, generator=gen)
    except (GenerationError, DemoError, OSError) as exc:
        return Check("timing", "fail", str(exc))
    steps = [s for s, _ in r.step_s[1:blocks + 1]] or [s for s, _ in r.step_s]
    for s in steps:
        planner.record_step(s, block)
    block_ms = 1000.0 * block / sr
    p50, p99 = (1000.0 * float(np.percentile(steps, q)) for q in (50, 99))
    latency_ms = 1000.0 * planner.margin() / sr
    data = {"blocks": len(steps), "bpm": settings.bpm, "block_beats": settings.block_length,
            "block_ms": round(block_ms, 1), "step_ms_p50": round(p50, 1), "step_ms_p99": round(p99, 1),
            "rtf_p99": round(p99 / block_ms, 3), "latency_ms": round(latency_ms, 1), "notes": len(r.notes),
            "steps": cfg.generation.steps, "guidance": cfg.generation.guidance}
    beats = f"{settings.block_length:g} beat" + ("" if settings.block_length == 1 else "s")
    detail = (f"{len(steps)} blocks of {beats} at {settings.bpm:g} bpm ({block_ms:.0f} ms): "
              f"generate + render p50 {p50:.0f} ms, p99 {p99:.0f} ms (RTF {p99 / block_ms:.2f}); "
              f"latency about {latency_ms:.0f} ms")
    if cfg.engine.mode == "accompany":
        detail += " (the band hears you up to that long before each block)"
    if p99 >= block_ms:
        return Check("timing", "fail", detail + "; too slow to keep up: fewer steps (/lmdm/steps), longer "
                                                "blocks (/lmdm/block_beats), a slower tempo or a smaller model", data)
    if p99 / block_ms > RTF_WARN:
        return Check("timing", "warn", detail + "; little CPU left for the synths and the patch", data)
    if not r.notes:
        return Check("timing", "warn", detail + "; it played no notes to the piano loop", data)
    return Check("timing", "ok", detail, data)


def run(cfg: Config, blocks: int, out=print) -> list[Check]:
    """Every check in start-up order; `out` gets each line as it is known."""
    checks: list[Check] = []

    def add(c: Check) -> None:
        checks.append(c)
        out(f"  {c.status:5} {c.name:10} {c.detail}")

    api.configure(cfg.models)
    add(check_soundfont(cfg))
    add(check_osc(cfg))
    audio, sr, period = check_audio(cfg)
    add(audio)
    model, gen = load_checked_model(cfg, sr)
    add(model)
    if gen is not None:
        add(check_timing(cfg, gen, sr, period, blocks))
        close = getattr(gen, "close", None)
        if callable(close):
            close()
    return checks


def main(args: argparse.Namespace) -> int:
    from bridge.daemon import overrides_from_args
    try:
        if args.blocks < 1:
            raise ConfigError(f"--blocks must be at least 1, got {args.blocks}")
        cfg = load_config(args.config, overrides_from_args(args))
        scenes = SceneBook(cfg.scenes.presets, cfg.scenes.file).names()  # the scenes file too
        midi_map = MidiMap.from_config(cfg.midi_map)  # the MIDI learn file too
    except (ConfigError, SceneError, MidiMapError) as exc:
        if args.json:
            print(json.dumps({"ok": False, "checks": [asdict(Check("config", "fail", str(exc)))]}))
        else:
            print(f"lmdm check: config error: {exc}", file=sys.stderr)
        return 2
    where = args.config or "the defaults"
    lines = (lambda line: None) if args.json else (lambda line: print(line, flush=True))
    lines(f"lmdm check: {where}: model {cfg.generation.model}, {cfg.engine.mode}, {cfg.engine.bpm:g} bpm")
    controls = len(midi_map.bindings) + len(midi_map.programs)
    checks = [Check("config", "ok", f"{where}: valid" + (f"; scenes: {', '.join(scenes)}" if scenes else "")
                    + (f"; MIDI controls: {controls} (/lmdm/get midi_map)" if controls else ""))]
    lines(f"  {'ok':5} {'config':10} {checks[0].detail}")
    checks += run(cfg, args.blocks, lines)
    failed = [c.name for c in checks if c.status == "fail"]
    warned = [c.name for c in checks if c.status == "warn"]
    if args.json:
        print(json.dumps({"ok": not failed, "checks": [asdict(c) for c in checks]}))
    elif failed:
        print(f"lmdm check: not ready: {', '.join(failed)} failed"
              + (f"; warnings: {', '.join(warned)}" if warned else ""))
    else:
        print("lmdm check: ready to play" + (f" (warnings: {', '.join(warned)})" if warned else ""))
    return 1 if failed else 0
