"""`lmdm demo`: play a bundled performance through the daemon, in real time, and record it.

What it does, in order (`make demo` runs it after bootstrapping):
1. JACK: uses the server named by --jack-server, else the default server if one runs,
   else starts a private `jackd -d dummy` (48 kHz, period 1024) and stops it at the end.
2. The input: the bundled 4-bar piano loop (bridge/data/demo_input.wav, rendered from
   demo_input.mid through FluidSynth), looped to --bars bars. At another tempo or sample
   rate the same four bars are rendered from the MIDI file with the same synth instead.
3. `lmdm serve` as a subprocess with the default generator (or --model), on its own OSC
   port and JACK client name; the demo subscribes over OSC (status, notes, errors).
4. A JACK file player (bridge/jack_io.FilePlayer) connects to the daemon's in_1/in_2;
   /lmdm/record starts a session, /lmdm/play starts generation, and the player starts on
   the daemon's first block so the input's bars line up with the generated blocks.
5. After the last bar (+ its release): /lmdm/record 0, /lmdm/stop, SIGINT to the daemon.
   The session's files move to --out: input.wav, <stem>.wav, mix.wav, notes.mid; then
   pianoroll.png (input and stems on one time axis), summary.json and daemon.log.

Alignment in the picture is measured, not assumed: the input's notes are placed at the
first sound of the recorded input.wav; the stems' notes come from notes.mid, which the
recorder times from the same recording start. Every child process runs in its own session
(a terminal Ctrl-C reaches only this process), and is stopped here on success, error,
Ctrl-C or SIGTERM: the player first, then the daemon (SIGINT), then a jackd it started.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import time
import wave
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bridge.backend import BackendError
from bridge.daemon_client import ClientError, DaemonProcess, JackServer, OscLink
from model.api import STEMS

DATA = Path(__file__).resolve().parent / "data"
INPUT_MIDI = DATA / "demo_input.mid"
INPUT_WAV = DATA / "demo_input.wav"
LOOP_BARS = 4  # demo_input.wav is one pass of the 4-bar loop (+ TAIL_S of release)
BEATS_PER_BAR = 4
DEFAULT_BARS = 8  # two passes: from the second one on, the band has heard the whole loop
DEFAULT_PROMPT = "pop"  # a band in a style the models know, for the piano loop; "" = no prompt
TAIL_S = 0.5
ONSET = 1e-3  # |sample| above this (-60 dBFS) counts as sound
LEVEL_DB = -3.0  # peak of a re-rendered input, as the bundled WAV
READY_TIMEOUT_S = 180.0  # loading torch and a model on a busy 2-core machine
SESSION = "demo"
OUTPUTS = ("input.wav", *(f"{s}.wav" for s in STEMS), "mix.wav", "notes.mid", "pianoroll.png",
           "summary.json", "daemon.log")


class DemoError(ClientError):
    """A failure explained to the user; `lmdm demo` exits 1 with this message."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("out/demo"), metavar="DIR",
                   help="where to write the WAVs, notes.mid and pianoroll.png (default out/demo)")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--bars", type=int, metavar="N", help=f"bars to play (default {DEFAULT_BARS})")
    length.add_argument("--seconds", type=float, metavar="S", help="play at least this long (whole bars)")
    p.add_argument("--model", metavar="NAME", help="generator to load (default: the daemon's default)")
    p.add_argument("--prompt", default=DEFAULT_PROMPT,
                   help=f"style prompt sent before playing (default {DEFAULT_PROMPT!r}; '' = none: the "
                        "model follows the input alone)")
    p.add_argument("--bpm", type=float, metavar="BPM",
                   help="tempo (default: the performance's own, 100); others re-render the input")
    p.add_argument("--jack-server", metavar="NAME",
                   help="use this running JACK server (default: the default server if one runs, "
                        "else a private dummy jackd)")
    p.add_argument("--osc-port", type=int, default=0, metavar="N",
                   help="the daemon's OSC port (default 0: any free port)")
    p.add_argument("--block-beats", type=float, default=0.0, choices=(0.0, 1.0, 2.0, 4.0),
                   metavar="{0,1,2,4}", help="the daemon's block length in beats (default 0, auto: one beat "
                                             "in accompany mode, the model re-planning each bar as it hears "
                                             "it); 4: one bar, each bar planned once, before it begins")
    p.epilog = "Writes " + ", ".join(OUTPUTS) + " into --out; Ctrl-C stops everything it started."


# --- the input performance ------------------------------------------------------------

@dataclass
class Performance:
    audio: np.ndarray  # (frames,) float32 mono at `rate`: `bars` bars + TAIL_S of release
    rate: int
    bpm: float
    bars: int
    notes: list  # pianoroll.Note, seconds from the buffer's first frame: what is played
    onset: int  # first frame above ONSET

    @property
    def bar_s(self) -> float:
        return BEATS_PER_BAR * 60.0 / self.bpm

    @property
    def seconds(self) -> float:
        return self.bars * self.bar_s


def read_wav(path) -> tuple[np.ndarray, int]:
    """16- or 24-bit PCM WAV -> ((frames, channels) float32 in -1..1, rate)."""
    with wave.open(str(path), "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    if width == 2:
        x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        i = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16))
        x = (np.where(i >= 1 << 23, i - (1 << 24), i)).astype(np.float32) / 8388608.0
    else:
        raise DemoError(f"{path}: {8 * width}-bit WAV is not supported")
    return x.reshape(-1, ch), rate


def first_sound(x: np.ndarray) -> int | None:
    """Index of the first sample whose magnitude exceeds ONSET, None if there is none."""
    hits = np.flatnonzero(np.abs(x) > ONSET)
    return int(hits[0]) if hits.size else None


def make_performance(bars: int, bpm: float | None, rate: int, soundfont: str) -> Performance:
    """The bundled loop, `bars` bars long at `bpm` and `rate` (see the module docstring)."""
    from bridge.pianoroll import Note, midi_bpm, read_midi
    file_bpm = midi_bpm(INPUT_MIDI)
    bpm = float(bpm or file_bpm)
    loop_beats = LOOP_BARS * BEATS_PER_BAR
    to_beats = file_bpm / 60.0
    beats = [(n.pitch, n.velocity, n.start * to_beats, min(n.end * to_beats, loop_beats))
             for ns in read_midi(INPUT_MIDI).values() for n in ns if n.start * to_beats < loop_beats - 1e-6]
    wav_rate = None
    if abs(bpm - file_bpm) < 1e-6:
        one, wav_rate = read_wav(INPUT_WAV)
        one = one[:, 0]
    if wav_rate != rate:
        from model.synth import render_notes
        one = render_notes(beats, bpm, rate, soundfont, program=0, tail_s=TAIL_S)
        one = one * np.float32(10 ** (LEVEL_DB / 20) / max(float(np.abs(one).max()), 1e-9))
    spb = 60.0 / bpm  # seconds per beat
    loop_frames = int(round(loop_beats * spb * rate))
    end = int(round(bars * BEATS_PER_BAR * spb * rate))
    total = end + int(round(TAIL_S * rate))
    audio = np.zeros(total, np.float32)
    notes = []
    end_s = end / rate
    for k in range(math.ceil(bars / LOOP_BARS)):
        a = k * loop_frames
        seg = one[:max(0, min(one.shape[0], total - a))]
        audio[a:a + seg.shape[0]] += seg  # the previous pass's release overlaps this start
        for p, v, s, e in beats:
            start = a / rate + s * spb
            if start < end_s - 1e-6:
                notes.append(Note(p, v, start, min(a / rate + e * spb, end_s)))
    # after the last bar only the release remains; fade it so a cut pass ends softly
    audio[end:] *= np.linspace(1.0, 0.0, total - end, dtype=np.float32)
    onset = first_sound(audio)
    if onset is None:
        raise DemoError("the demo input is silent: bridge/data/demo_input.wav is damaged")
    return Performance(audio, rate, bpm, bars, sorted(notes, key=lambda n: (n.start, n.pitch)), onset)


# --- the run --------------------------------------------------------------------------

@dataclass
class Stats:
    """What the summary reports, gathered from /lmdm/status, /lmdm/note and /lmdm/error."""
    rtf: dict = field(default_factory=dict)  # block -> rtf reported while it played
    latency_ms: list = field(default_factory=list)
    underruns: int = 0
    xruns: int = 0
    osc_notes: dict = field(default_factory=lambda: {s: 0 for s in STEMS})
    errors: list = field(default_factory=list)  # (address, reason)
    seen: int = 0  # messages already counted

    def update(self, osc: OscLink) -> None:
        msgs = osc.since(self.seen)
        self.seen += len(msgs)
        for address, a in msgs:
            if address == "/lmdm/status" and len(a) >= 10:
                state, _bpm, _bar, _beat, block, rtf, _step, latency, under, xruns = a[:10]
                self.underruns, self.xruns = max(self.underruns, under), max(self.xruns, xruns)
                if state == "playing":
                    self.latency_ms.append(latency)
                    if rtf > 0:
                        self.rtf[block] = rtf
            elif address == "/lmdm/note" and a:
                self.osc_notes[a[0]] = self.osc_notes.get(a[0], 0) + 1
            elif address == "/lmdm/error" and len(a) >= 2:
                self.errors.append((a[0], a[1]))


class Demo:
    """One run of the demo; close() stops whatever run() started, whatever happened."""

    def __init__(self, args: argparse.Namespace, ui):
        self.args = args
        self.ui = ui
        self.out = Path(args.out)
        self.jack = JackServer()
        self.daemon: DaemonProcess | None = None
        self.osc: OscLink | None = None
        self.player = None
        self.workdir: Path | None = None
        self.stats = Stats()

    def run(self) -> dict:
        t0 = time.monotonic()
        args, ui = self.args, self.ui
        from bridge.config import load_config
        cfg = load_config()
        self.out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS:  # never leave an older run's files looking like this run's
            (self.out / name).unlink(missing_ok=True)
        for old in self.out.glob(".lmdm-demo-*"):  # scratch of a run that was SIGKILLed
            shutil.rmtree(old, ignore_errors=True)
        self.workdir = Path(tempfile.mkdtemp(prefix=".lmdm-demo-", dir=self.out))

        self.jack.open(args.jack_server, ui.say)
        perf = make_performance(self.bars(), args.bpm, self.jack.rate, cfg.render.soundfont)
        ui.say(f"input: {perf.bars} bar{'s' if perf.bars != 1 else ''} of the bundled piano loop at {perf.bpm:g} bpm "
               f"({perf.seconds:.1f} s)")

        self.start_daemon(perf)
        osc = self.osc = OscLink(self.daemon.osc_port)
        mark = osc.mark()
        osc.send("/lmdm/subscribe")
        osc.wait_for("/lmdm/subscribed", mark)
        if args.prompt:
            osc.control("/lmdm/prompt", args.prompt)
        mode = osc.get("mode")

        from bridge.jack_io import FilePlayer
        player = self.player = FilePlayer(perf.audio, self.jack.name, [f"{self.daemon.client}:in_1",
                                                                       f"{self.daemon.client}:in_2"],
                                          name=f"lmdm-player-{os.getpid()}")
        osc.control("/lmdm/record", SESSION)
        ui.say(f"playing the input into {self.daemon.client}:in_1/in_2 and recording (mode {mode})")
        mark = osc.mark()
        self.stats.seen = mark
        osc.send("/lmdm/play")
        arrived = time.monotonic()
        first = osc.wait_for("/lmdm/status", mark, lambda a: a and a[0] == "playing")
        # The first block starts margin + one period after the daemon took /lmdm/play (on
        # a period boundary): start the input there, so its bars are the daemon's blocks.
        time.sleep(max(0.0, arrived + first[7] / 1000.0 + player.period / player.rate - time.monotonic()))
        player.start()
        self.play(perf)

        osc.control("/lmdm/record", 0)
        deadline = time.monotonic() + 10.0
        while osc.get("record") != "":  # "" once the recorder has flushed and closed its files
            if time.monotonic() > deadline:
                raise DemoError("the recording did not close within 10 s")
            time.sleep(0.1)
        osc.control("/lmdm/stop")
        self.stats.update(osc)
        self.close_player()
        code = self.daemon.stop()
        if code != 0:
            raise DemoError(f"the daemon exited with status {code}{self.daemon.tail()}")
        return self.write_outputs(perf, mode, time.monotonic() - t0)

    def bars(self) -> int:
        a = self.args
        if a.seconds is not None:
            from bridge.pianoroll import midi_bpm
            bpm = a.bpm or midi_bpm(INPUT_MIDI)
            bars = math.ceil(a.seconds / (BEATS_PER_BAR * 60.0 / bpm) - 1e-9)
        else:
            bars = a.bars if a.bars is not None else DEFAULT_BARS
        if not 1 <= bars <= 256:
            raise DemoError(f"--bars/--seconds: between 1 and 256 bars, got {bars}")
        return bars

    def start_daemon(self, perf: Performance) -> None:
        a = self.args
        config = self.workdir / "lmdm-demo.yaml"
        # json is valid YAML; the recording goes to a scratch folder next to --out
        config.write_text(json.dumps({
            "record": {"dir": str(self.workdir.resolve())},
            "engine": {"follow_transport": False, "beats_per_bar": BEATS_PER_BAR, "block_beats": float(a.block_beats)}}))
        cmd = [sys.executable, "-m", "bridge.cli", "serve", "--config", str(config), "--osc-port", str(a.osc_port),
               "--client-name", f"lmdm-{os.getpid()}", "--bpm", f"{perf.bpm:g}"]
        if self.jack.name:
            cmd += ["--jack-server", self.jack.name]
        if a.model:
            cmd += ["--model", a.model]
        self.ui.say("daemon: starting `lmdm serve` (loading the generator)...")
        t = time.monotonic()
        self.daemon = DaemonProcess(cmd)
        self.daemon.wait_ready(READY_TIMEOUT_S)
        self.ui.say(f"daemon: ready in {time.monotonic() - t:.1f} s: model {self.daemon.model}, "
                    f"JACK client {self.daemon.client!r}, OSC port {self.daemon.osc_port}")

    def play(self, perf: Performance) -> None:
        """Wait for the player to finish, showing bars played and the daemon's figures."""
        player, stats = self.player, self.stats
        bar_frames = perf.bar_s * perf.rate
        limit = time.monotonic() + perf.audio.shape[0] / perf.rate + 30.0
        with self.ui.progress(perf.bars) as progress:
            while not player.finished:
                if not self.daemon.alive():
                    raise DemoError(f"the daemon exited while playing{self.daemon.tail()}")
                if player.lost:
                    raise DemoError("the JACK server went away while playing")
                if time.monotonic() > limit:
                    raise DemoError("playback stalled: the JACK server stopped calling the player")
                stats.update(self.osc)
                rtf = max(stats.rtf.values(), default=0.0)
                lat = stats.latency_ms[-1] if stats.latency_ms else 0.0
                progress(min(player.position / bar_frames, perf.bars),
                         f"RTF {rtf:.2f}  latency {lat:.0f} ms  underruns {stats.underruns}  "
                         f"notes {sum(stats.osc_notes.values())}")
                time.sleep(0.1)
            progress(perf.bars, f"RTF {max(stats.rtf.values(), default=0.0):.2f}  "
                                f"notes {sum(stats.osc_notes.values())}")
        if player.errors:
            raise DemoError(f"the file player's callback failed {player.errors} times")

    def write_outputs(self, perf: Performance, mode: str, elapsed: float) -> dict:
        from bridge import pianoroll
        from bridge.recorder import write_notes_midi
        session = self.workdir / SESSION
        missing = [n for n in ("input.wav", *(f"{s}.wav" for s in STEMS), "mix.wav") if not (session / n).is_file()]
        if missing:
            why = "; ".join(r for a, r in self.stats.errors if a == "/lmdm/record") or "no error reported"
            raise DemoError(f"the recording lacks {', '.join(missing)} ({why})")
        if not (session / "notes.mid").is_file():  # no note at all: still one track per stem
            write_notes_midi(session / "notes.mid", [], perf.bpm, stems=STEMS)
        for f in session.iterdir():
            os.replace(f, self.out / f.name)

        recorded, rate = read_wav(self.out / "input.wav")
        start = first_sound(recorded[:, 0])
        if start is None:
            raise DemoError("input.wav is silent: the input never reached the daemon's in_1")
        offset = (start - perf.onset) / rate  # the input's time zero in the recording
        stems = pianoroll.read_midi(self.out / "notes.mid")
        tracks = {"input": pianoroll.shifted(perf.notes, offset), **{s: stems.get(s, []) for s in STEMS}}
        pianoroll.plot(tracks, self.out / "pianoroll.png", end=recorded.shape[0] / rate,
                       bar_lines=[offset + k * perf.bar_s for k in range(perf.bars + 1)],
                       title=f"lmdm demo: {self.daemon.model}, {mode}, {perf.bars} bars at {perf.bpm:g} bpm")
        peaks = {}
        for s in (*STEMS, "mix"):
            x, _ = read_wav(self.out / f"{s}.wav")
            peak = float(np.abs(x).max()) if x.size else 0.0
            peaks[s] = round(20 * math.log10(peak), 1) if peak > 0 else None
        st = self.stats
        rtfs = list(st.rtf.values())
        summary = {
            "bars": perf.bars, "bpm": perf.bpm, "input_seconds": round(perf.seconds, 3),
            "model": self.daemon.model, "mode": mode, "prompt": self.args.prompt,
            "jack_server": self.jack.name or "default", "sample_rate": rate,
            "notes": {s: len(tracks[s]) for s in STEMS},
            "osc_notes": dict(st.osc_notes),
            "rtf_mean": round(float(np.mean(rtfs)), 4) if rtfs else None,
            "rtf_max": round(float(np.max(rtfs)), 4) if rtfs else None,
            "latency_ms": round(float(np.max(st.latency_ms)), 1) if st.latency_ms else None,
            "underruns": st.underruns, "xruns": st.xruns,
            "missed_blocks": sum(1 for a, _ in st.errors if a == "/lmdm/generate"),
            "errors": [f"{a}: {r}" for a, r in st.errors],
            "peak_dbfs": peaks, "input_offset_s": round(offset, 4), "seconds": round(elapsed, 1),
            "files": [n for n in OUTPUTS if n not in ("summary.json", "daemon.log")],
        }
        (self.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        return summary

    def close_player(self) -> None:
        p, self.player = self.player, None
        if p is not None:
            p.close()

    def close(self) -> None:
        """Stop everything started, in order: player, OSC, daemon (SIGINT), jackd."""
        self.close_player()
        if self.osc is not None:
            self.osc.close()
            self.osc = None
        if self.daemon is not None:
            self.daemon.stop()
            try:
                self.out.mkdir(parents=True, exist_ok=True)
                (self.out / "daemon.log").write_text("\n".join(self.daemon.lines) + "\n")
            except OSError:
                pass
        self.jack.close()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def format_summary(s: dict, out: Path) -> str:
    def db(v):
        return "silent" if v is None else f"{v:+.0f} dBFS"
    notes = ", ".join(f"{k} {v}" for k, v in s["notes"].items())
    rtf = "n/a" if s["rtf_mean"] is None else f"{s['rtf_mean']:.3f} mean, {s['rtf_max']:.3f} max"
    lat = "n/a" if s["latency_ms"] is None else f"{s['latency_ms']:.0f} ms"
    lines = [
        f"lmdm demo: done in {s['seconds']:.0f} s, wrote {out}/",
        f"  bars:      {s['bars']} at {s['bpm']:g} bpm ({s['input_seconds']:.1f} s), model {s['model']}, "
        f"mode {s['mode']}",
        f"  notes:     {notes} ({sum(s['notes'].values())} in notes.mid)",
        f"  levels:    " + ", ".join(f"{k} {db(v)}" for k, v in s["peak_dbfs"].items()),
        f"  RTF:       {rtf} (generation time / block length; below 1 keeps up)",
        f"  latency:   {lat} (schedule margin: input this close to a block's end reaches the block after next)",
        f"  underruns: {s['underruns']}, xruns {s['xruns']}, missed blocks {s['missed_blocks']}",
        f"  files:     {', '.join(s['files'])}",
    ]
    return "\n".join(lines)


class Ui:
    """Progress and messages on stderr (rich), the summary on stdout."""

    def __init__(self):
        from rich.console import Console
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)

    def say(self, text: str) -> None:
        self.console.print(f"lmdm demo: {text}", markup=False)

    def error(self, text: str) -> None:
        self.console.print(f"lmdm demo: error: {text}", markup=False, style="bold red")

    @contextmanager
    def progress(self, total: int):
        """A bar of bars played; yields update(done, info)."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        with Progress(TextColumn("playing bar"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                      TimeElapsedColumn(), console=self.console) as p:
            task = p.add_task("play", total=total, info="")
            yield lambda done, info: p.update(task, completed=done, info=info)


def main(args: argparse.Namespace) -> int:
    ui = Ui()
    demo = Demo(args, ui)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C stops the demo even when it was started with SIGINT ignored (a background job
    # of a script): Python then installs no KeyboardInterrupt handler of its own
    inherited_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 0
    try:
        summary = demo.run()
        print(format_summary(summary, demo.out), flush=True)
    except KeyboardInterrupt:
        ui.error("interrupted: stopping the daemon" + (" and jackd" if demo.jack.proc else ""))
        code = 130
    except (ClientError, BackendError) as exc:  # DemoError is a ClientError
        ui.error(str(exc))
        code = 1
    except Exception as exc:  # a bug: say what, and still clean up
        import traceback
        traceback.print_exc()
        ui.error(f"unexpected {type(exc).__name__}: {exc}")
        code = 1
    finally:
        # a second Ctrl-C must not cut the clean-up short (every step has a timeout)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            demo.close()
        finally:
            signal.signal(signal.SIGINT, inherited_int)
            signal.signal(signal.SIGTERM, old_term)
    return code
