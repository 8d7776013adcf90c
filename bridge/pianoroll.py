"""Piano-roll pictures: the input and every generated stem on one time axis, as a PNG.

Used by `lmdm demo` (out/demo/pianoroll.png), and meant for `lmdm render` and the model
evaluation too, so it stays free of audio, JACK and OSC imports: notes in, PNG out.
It draws with matplotlib's Agg canvas directly (no pyplot): no global backend switch,
no figure registry, safe to call from any thread of a bigger program.

    tracks = {"input": read_midi("in.mid")["piano"], **read_midi("out/notes.mid")}
    plot(tracks, "roll.png", bar_lines=[i * 2.4 for i in range(9)])

or from a shell: `python -m bridge.pianoroll roll.png notes.mid [--input in.mid]`.
Each track gets its own row (its own pitch range) and all rows share the time axis in
seconds; a note is a bar from onset to release, more opaque the louder it is.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import mido

# Fixed colours, so a stem looks the same in every picture (input first, then STEMS order).
COLOURS = {"input": "#333333", "bass": "#1f77b4", "keys": "#2ca02c", "lead": "#d62728", "drums": "#9467bd"}
_OTHER = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


@dataclass(frozen=True)
class Note:
    pitch: int
    velocity: int
    start: float  # seconds
    end: float  # seconds


def read_midi(path) -> dict[str, list[Note]]:
    """Notes per track of a MIDI file, timed in seconds through the file's tempo map.

    Tracks are named by their track_name (else "track N"); tracks without notes are left
    out. A note-on with velocity 0 is a note-off; a note never released ends at the last
    event of the file. Same-pitch overlaps on one channel pair first-in, first-out."""
    mid = mido.MidiFile(str(path))
    # tempo map: (tick, seconds at that tick, seconds per tick from there on)
    changes = sorted((t, msg.tempo) for t, msg in _absolute(mid) if msg.type == "set_tempo")
    tpb = mid.ticks_per_beat
    tempo_map = [(0, 0.0, 500000 / 1e6 / tpb)]
    for tick, tempo in changes:
        t0, s0, spt = tempo_map[-1]
        s = s0 + (tick - t0) * spt
        if tick == t0:
            tempo_map[-1] = (tick, s0, tempo / 1e6 / tpb)
        else:
            tempo_map.append((tick, s, tempo / 1e6 / tpb))

    def seconds(tick: int) -> float:
        for t0, s0, spt in reversed(tempo_map):
            if tick >= t0:
                return s0 + (tick - t0) * spt
        return 0.0

    out: dict[str, list[Note]] = {}
    last = max((t for t, _ in _absolute(mid)), default=0)
    for i, track in enumerate(mid.tracks):
        name = next((m.name for m in track if m.type == "track_name" and m.name), f"track {i + 1}")
        sounding: dict[tuple[int, int], list[tuple[int, int]]] = {}  # (channel, pitch) -> [(tick, vel)]
        notes: list[Note] = []
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                sounding.setdefault((msg.channel, msg.note), []).append((tick, msg.velocity))
            elif msg.type in ("note_off", "note_on"):
                held = sounding.get((msg.channel, msg.note))
                if held:
                    on, vel = held.pop(0)
                    notes.append(Note(msg.note, vel, seconds(on), seconds(tick)))
        for (_, pitch), held in sounding.items():
            notes += [Note(pitch, vel, seconds(on), seconds(last)) for on, vel in held]
        if notes:
            key = name if name not in out else f"{name} ({i + 1})"
            out[key] = sorted(notes, key=lambda n: (n.start, n.pitch))
    return out


def _absolute(mid: mido.MidiFile):
    """(absolute tick, message) over every track."""
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            yield tick, msg


def midi_bpm(path) -> float:
    """The first tempo of a MIDI file in beats per minute (120 if it sets none)."""
    for _, msg in sorted(_absolute(mido.MidiFile(str(path))), key=lambda x: x[0]):
        if msg.type == "set_tempo":
            return float(mido.tempo2bpm(msg.tempo))
    return 120.0


def pitch_name(pitch: int) -> str:
    """60 -> "C4" (MIDI's middle C is C4 here, as in most DAWs)."""
    return f"{NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def plot(tracks: Mapping[str, Sequence[Note]], path, *, title: str = "", bar_lines: Sequence[float] = (),
         end: float | None = None, width: float = 14.0, dpi: int = 100) -> Path:
    """Write a PNG with one row per track (in the mapping's order; empty tracks show as
    empty rows) sharing one time axis in seconds. bar_lines: times of bar starts (drawn
    dashed, numbered from 1 above the top row); end: the right edge (default: the last
    note's end or bar line). Returns the path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba
    from matplotlib.figure import Figure

    names = list(tracks)
    if not names:
        raise ValueError("pianoroll: no tracks to draw")
    all_notes = [n for ns in tracks.values() for n in ns]
    right = end if end is not None else max([n.end for n in all_notes] + list(bar_lines) + [1.0])
    spans = []
    for name in names:
        pitches = [n.pitch for n in tracks[name]] or [60]
        lo, hi = min(pitches) - 1, max(pitches) + 1
        if hi - lo < 12:  # at least an octave, so a one-note track is not one fat bar
            mid = (lo + hi) // 2
            lo, hi = mid - 6, mid + 6
        spans.append((lo, hi))
    ratios = [max(hi - lo, 12) ** 0.5 for lo, hi in spans]  # tall ranges taller, not linearly
    fig = Figure(figsize=(width, 1.0 + 0.55 * sum(ratios)), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False, gridspec_kw={"height_ratios": ratios})[:, 0]
    others = iter(_OTHER * 4)
    for ax, name, (lo, hi) in zip(axes, names, spans):
        notes = tracks[name]
        base = COLOURS.get(name) or next(others)
        if notes:
            # alpha from velocity: soft notes still visible (0.35), loud ones solid
            colours = [to_rgba(base, 0.35 + 0.65 * min(max(n.velocity, 1), 127) / 127) for n in notes]
            ax.barh([n.pitch for n in notes], [max(n.end - n.start, 0.01) for n in notes],
                    left=[n.start for n in notes], height=0.85, color=colours, edgecolor="none")
        else:
            ax.text(0.5, 0.5, "no notes", transform=ax.transAxes, ha="center", va="center", color="#999999")
        ax.set_ylim(lo - 0.5, hi + 0.5)
        ax.set_ylabel(f"{name}\n{len(notes)} notes", rotation=0, ha="right", va="center", fontsize=9)
        if name == "drums":  # GM drum keys: numbers say more than note names
            ax.tick_params(axis="y", labelsize=7)
        else:
            cs = [p for p in range(lo, hi + 1) if p % 12 == 0] or [lo]
            ax.set_yticks(cs, [pitch_name(p) for p in cs], fontsize=7)
        for t in bar_lines:
            ax.axvline(t, color="#bbbbbb", linewidth=0.8, linestyle="--", zorder=0)
        ax.set_axisbelow(True)  # grid under the notes, not striking through them
        ax.grid(axis="y", color="#eeeeee", linewidth=0.5)
    top = axes[0]
    top.set_xlim(0.0, right)
    for i, t in enumerate(bar_lines):
        if t < right:
            top.text(t, 1.02, str(i + 1), transform=top.get_xaxis_transform(), fontsize=7, color="#777777")
    axes[-1].set_xlabel("time (s)")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def shifted(notes: Sequence[Note], seconds: float) -> list[Note]:
    """The same notes, `seconds` later (negative: earlier)."""
    return [Note(n.pitch, n.velocity, n.start + seconds, n.end + seconds) for n in notes]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bridge.pianoroll", description=__doc__.split("\n")[0])
    p.add_argument("png", help="the PNG to write")
    p.add_argument("midi", nargs="+", help="MIDI files; every track with notes becomes a row")
    p.add_argument("--input", metavar="MIDI", help="a MIDI file drawn first, as the row 'input'")
    p.add_argument("--title", default="")
    a = p.parse_args(argv)
    tracks: dict[str, list[Note]] = {}
    if a.input:
        tracks["input"] = sorted((n for ns in read_midi(a.input).values() for n in ns), key=lambda n: n.start)
    for f in a.midi:
        tracks.update(read_midi(f))
    print(plot(tracks, a.png, title=a.title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
