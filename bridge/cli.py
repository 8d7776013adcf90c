"""The `lmdm` command. Each subcommand lives in its own module exposing
`add_arguments(parser)` and `main(args) -> int`; modules keep heavy imports (torch, jack)
inside functions so `lmdm --help` stays fast."""
from __future__ import annotations

import argparse
import importlib
import sys

# (command words, module, one-line help)
COMMANDS: list[tuple[tuple[str, ...], str, str]] = [
    (("serve",), "bridge.daemon", "run the daemon: OSC control, JACK (or PortAudio) audio and MIDI"),
    (("check",), "bridge.check", "a sound check before the gig: config, SoundFont, OSC port, audio, model and its timing"),
    (("render",), "bridge.offline", "render a WAV or MIDI file offline through the same engine"),
    (("osc-describe",), "bridge.osc_table", "print the OSC address table as markdown"),
    (("demo",), "bridge.demo", "play a bundled performance through the daemon and record the result"),
    (("bench", "bridge"), "bridge.bench", "benchmark the audio callback, OSC round trip, control latency"),
    (("bench", "model"), "model.bench", "benchmark the three attention layouts of the LMDM core"),
    (("bench", "gemm"), "model.bench_gemm", "benchmark one layer's weight GEMMs per CPU kernel library (MKL, oneDNN)"),
    (("data", "build"), "model.data.build", "build the training dataset (music21 corpus + grooves)"),
    (("data", "rollouts"), "model.data.rollouts", "stream a checkpoint over the training pieces and store what it played"),
    (("train",), "model.train_cli", "train the embedded note-roll model"),
    (("harmony", "train"), "model.harmony_cli", "train the embedded model's harmony predictor (which chord comes next)"),
    (("eval",), "model.evaluate", "evaluate a model against ground truth, baseline and random"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmdm", description="Live Music Diffusion Model bridge for Max/MSP and Pure Data.")
    parser.add_argument("--version", action="version", version="lmdm-bridge 0.1.0")
    top = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction] = {}
    for words, module, help_text in COMMANDS:
        sub = top
        if len(words) == 2:
            if words[0] not in groups:
                gp = top.add_parser(words[0], help=f"{words[0]} subcommands")
                groups[words[0]] = gp.add_subparsers(dest="sub", metavar="SUBCOMMAND", required=True)
            sub = groups[words[0]]
        p = sub.add_parser(words[-1], help=help_text, description=help_text)
        p.set_defaults(_module=module)
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:  # a subcommand whose module is not built yet
            p.set_defaults(_missing=str(exc))
            continue
        if hasattr(mod, "add_arguments"):
            mod.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    if getattr(args, "_missing", None):
        print(f"lmdm: this command is not available: {args._missing}", file=sys.stderr)
        return 2
    mod = importlib.import_module(args._module)
    return int(mod.main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
