"""What the audio backends (bridge/jack_io.py, bridge/pa_io.py) share without importing
their libraries: the error type and the transport snapshot."""
from __future__ import annotations

from dataclasses import dataclass


class BackendError(RuntimeError):
    """The audio backend could not start; the message says why and what to try."""


@dataclass
class Transport:
    rolling: bool
    bpm: float | None  # None: the timebase master publishes no BBT
    beats_per_bar: float | None = None
    beat_in_bar: float = 0.0  # beats since the current bar started (0-based, fractional)
    # where that position holds: the engine's frame (the first of the JACK cycle it was read
    # in) and the transport's beats since its bar 1 (bars of beats_per_bar); None: unknown
    frame: int | None = None
    beat: float | None = None
