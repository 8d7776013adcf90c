"""Draws the routing diagrams of the quick starts: docs/img/routing-pd.png (Pd as a JACK
client) and docs/img/routing-max.png (Max through a loopback device on macOS).

    .venv/bin/python docs/img/make_routing.py       # rewrites both PNGs next to this file

Plain matplotlib boxes and arrows, so the pictures can be regenerated when ports change.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent
OSC = "#c0392b"    # control and feedback over UDP
AUDIO = "#1f5fa8"  # audio over JACK (or the loopback device)
BOX = "#f4f6f8"


def box(ax, x, y, w, h, title, lines=(), color=BOX, title_size=12):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                fc=color, ec="#333333", lw=1.2))
    ax.text(x + w / 2, y + h - 0.22, title, ha="center", va="top", fontsize=title_size,
            fontweight="bold")
    for k, line in enumerate(lines):
        ax.text(x + 0.15, y + h - 0.62 - 0.3 * k, line, ha="left", va="top", fontsize=9,
                family="monospace")


def arrow(ax, a, b, color, label="", both=False, rad=0.0, offset=(0, 0.12)):
    style = "<|-|>" if both else "-|>"
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=14, color=color, lw=1.8,
                                 connectionstyle=f"arc3,rad={rad}"))
    if label:
        mx, my = (a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1]
        ax.text(mx, my, label, ha="center", va="bottom", fontsize=8.5, color=color,
                bbox=dict(fc="white", ec="none", pad=1.0))


def legend(ax, x, y):
    ax.plot([x, x + 0.5], [y, y], color=OSC, lw=2)
    ax.text(x + 0.6, y, "OSC over UDP (127.0.0.1:9000 and back)", va="center", fontsize=9)
    ax.plot([x, x + 0.5], [y - 0.32, y - 0.32], color=AUDIO, lw=2)
    ax.text(x + 0.6, y - 0.32, "audio", va="center", fontsize=9)


def canvas(w=12.0, h=6.2):
    fig, ax = plt.subplots(figsize=(w, h))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    return fig, ax


def draw_pd(path: Path) -> None:
    fig, ax = canvas(14.0, 6.2)
    ax.text(7, 5.95, "Pure Data and the daemon on one JACK server (Linux, or JACK on macOS)",
            ha="center", fontsize=13)
    box(ax, 0.2, 3.0, 3.0, 2.5, "sound card", ["system:capture_1/2", "system:playback_1/2"],
        color="#eeeeee")
    box(ax, 5.1, 2.2, 3.5, 3.3, "Pd  (pd -jack)", ["lmdm-demo.pd", "[lmdm] <- messages",
                                                    "adc~ 1 2: instrument", "dac~ 3 4 -> daemon",
                                                    "adc~ 5..8 <- stems", "dac~ 1 2: monitor"])
    box(ax, 10.4, 2.2, 3.4, 3.3, "lmdm serve", ["OSC udp 127.0.0.1:9000", "in_1 in_2",
                                               "bass keys lead drums", "mix_L mix_R",
                                               "midi_in midi_out"], color="#fbf3e6")
    arrow(ax, (3.2, 4.7), (5.1, 4.7), AUDIO, "capture_1/2\n-> input_1/2", offset=(0, 0.08))
    arrow(ax, (5.1, 3.3), (3.2, 3.3), AUDIO, "output_1/2\n-> playback", offset=(0, 0.08))
    arrow(ax, (8.6, 4.7), (10.4, 4.7), AUDIO, "output_3/4\n-> in_1/in_2", offset=(0, 0.08))
    arrow(ax, (10.4, 3.3), (8.6, 3.3), AUDIO, "bass keys lead drums\n-> input_5..8",
          offset=(0, 0.08))
    arrow(ax, (6.85, 2.2), (12.1, 2.2), OSC, "prompt, bpm, mute ... / status, meters, notes",
          both=True, rad=0.35, offset=(0, -1.3))
    ax.text(7, 0.3, "sh patches/pd/connect-jack.sh [pd_client] [daemon_client] makes the links "
                    "between Pd and the daemon; Pd connects itself to the sound card",
            ha="center", fontsize=9.5)
    legend(ax, 0.3, 1.6)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def draw_max(path: Path) -> None:
    fig, ax = canvas(14.0, 6.8)
    ax.text(7, 6.55, "Max and the daemon on macOS: one aggregate device, a loopback carries the audio",
            ha="center", fontsize=13)
    box(ax, 0.2, 2.4, 3.3, 3.6, "Max", ["device: aggregate", "  1/2  interface", "  3-18 BlackHole 1-16",
                                        "adc~ 1 2  instrument", "dac~ 1 2  speakers",
                                        "dac~ 3 4  -> BH 1/2", "adc~ 5..8 <- BH 3-6"])
    box(ax, 5.3, 2.4, 3.4, 3.6, "BlackHole 16ch", ["output ch N comes", "back as input ch N",
                                                    "", "ch 1/2  Max -> daemon",
                                                    "ch 3-6  stems -> Max"], color="#eeeeee")
    box(ax, 10.4, 2.4, 3.4, 3.6, "JACK + lmdm serve", ["jackd -d coreaudio on", "the same aggregate",
                                                       "capture_3/4 (BH 1/2)", "  -> lmdm:in_1/2",
                                                       "lmdm:bass..drums ->", "  playback_5..8",
                                                       "  (BH 3-6)"], color="#fbf3e6")
    arrow(ax, (3.5, 5.0), (5.3, 5.0), AUDIO, "out 3/4", offset=(0, 0.08))
    arrow(ax, (5.3, 3.4), (3.5, 3.4), AUDIO, "in 5..8", offset=(0, 0.08))
    arrow(ax, (8.7, 5.0), (10.4, 5.0), AUDIO, "capture_3/4", offset=(0, 0.08))
    arrow(ax, (10.4, 3.4), (8.7, 3.4), AUDIO, "playback_5..8", offset=(0, 0.08))
    arrow(ax, (1.85, 2.4), (12.1, 2.4), OSC, "prompt, bpm, mute ... / status, meters, notes\n"
          "(udpsend to 9000, udpreceive on 9001)", both=True, rad=0.25, offset=(0, -1.55))
    ax.text(7, 0.05, "Windows: Max on the JackRouter ASIO driver is a JACK client like Pd. "
                     "Without JACK: see docs/quickstart-max.md (PortAudio backend)",
            ha="center", fontsize=9.5)
    legend(ax, 0.2, 1.05)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    draw_pd(HERE / "routing-pd.png")
    draw_max(HERE / "routing-max.png")
    print("wrote", HERE / "routing-pd.png", HERE / "routing-max.png")
