"""MIDI control: a controller's knobs, faders and buttons (control changes) and program
changes on the daemon's midi_in drive its settings, as the same OSC controls would.

A binding maps one CC number to one control of the OSC table, named as /lmdm/get names it
("density", "stem/bass/mute") or one of the actions play, stop, reset and tap:
- a number setting takes the CC's 0..127 over its range (or over `min`..`max`);
- a 0/1 switch is on from 64 up, or with `toggle` flips at each press;
- a choice (mode) splits 0..127 into equal zones, one per choice;
- an action fires at each press.
A press is a value of 64 or more after one below 64 (a button's press, not its release),
or a second 127 in a row (buttons that send only 127). Program changes recall scenes
(`program: {0: verse, 1: chorus}`). `channel` 0 listens on every MIDI channel, 1..16 on
that one; whatever the map does not name goes on to the model as before (notes always).

MIDI learn (/lmdm/midi/learn density): the next CC on the map's channel is bound to that
control (a CC bound before, and the control's earlier CC, are replaced); with `file`, the
map in force is written there at each learn or forget, and from then on the next start reads
the CC bindings from that file instead of the config's `cc`. Pure logic, no I/O but
that file: the daemon (bridge/daemon.py) turns what translate() returns into controls.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from bridge import osc_table
from bridge.osc_table import Arg
from bridge.yamlfile import YamlFile

ACTIONS = ("play", "stop", "reset", "tap")
CC, PROGRAM = 0xB0, 0xC0
PRESS = 64
MAX_BINDINGS = 128


class MidiMapError(ValueError):
    pass


@dataclass(frozen=True)
class Binding:
    """CC `cc` -> control `target` (None arg: an action)."""

    cc: int
    target: str
    arg: Arg | None
    lo: float | None = None
    hi: float | None = None
    toggle: bool = False

    def value(self, v: int) -> object:
        """The setting a CC value 0..127 asks for (number, switch or choice)."""
        a = self.arg
        if a.kind == "bool":
            return v >= PRESS
        if a.kind == "choice":
            return a.choices[min(v * len(a.choices) // 128, len(a.choices) - 1)]
        x = self.lo + (self.hi - self.lo) * v / 127.0
        return int(round(x)) if a.kind == "int" else round(x, 4)

    def spec(self) -> object:
        """As a config or the learn file writes it."""
        extra = {}
        if self.arg is not None and self.arg.kind in ("int", "float") and (self.lo, self.hi) != (self.arg.lo, self.arg.hi):
            extra = {"min": self.lo, "max": self.hi}
        if self.toggle:
            extra["toggle"] = True
        return {"to": self.target, **extra} if extra else self.target


def target_arg(target: object, where: str) -> Arg | None:
    """The argument of a control a CC can drive (None for an action); MidiMapError naming
    `where` for anything else."""
    if target in ACTIONS:
        return None
    a = osc_table.CONTROLS.get(osc_table.PREFIX + target) if isinstance(target, str) else None
    if a is None or a.param is None or len(a.args) != 1 or a.args[0].kind not in ("int", "float", "bool", "choice"):
        raise MidiMapError(
            f"{where}: {target!r} is not a control a CC can drive; it takes a setting with one number, "
            f"0/1 switch or choice (density, guidance, stem/bass/mute, mode, ...) or an action "
            f"({', '.join(ACTIONS)})")
    return a.args[0]


def make_binding(cc: object, spec: object, where: str) -> Binding:
    """A binding from its config form: `density` or {to: density, min: 0.2, max: 0.8} or
    {to: stem/bass/mute, toggle: true}."""
    if isinstance(cc, bool) or not isinstance(cc, int) or not 0 <= cc <= 127:
        raise MidiMapError(f"{where}: {cc!r} is not a CC number 0..127")
    where = f"{where}.{cc}"
    if isinstance(spec, dict):
        unknown = set(spec) - {"to", "min", "max", "toggle"}
        if unknown or "to" not in spec:
            raise MidiMapError(f"{where}: expected a control name or {{to: NAME, min: X, max: Y, toggle: "
                               f"true}}; got {spec!r}")
        target, lo, hi, toggle = spec["to"], spec.get("min"), spec.get("max"), spec.get("toggle", False)
    else:
        target, lo, hi, toggle = spec, None, None, False
    arg = target_arg(target, where)
    if not isinstance(toggle, bool) or (toggle and (arg is None or arg.kind != "bool")):
        raise MidiMapError(f"{where}: toggle: true or false, for a 0/1 switch only")
    if lo is not None or hi is not None:
        if arg is None or arg.kind not in ("int", "float"):
            raise MidiMapError(f"{where}: min and max are for number settings; {target} is not one")
        for key, x in (("min", lo), ("max", hi)):
            if x is not None and (isinstance(x, bool) or not isinstance(x, (int, float)) or not arg.lo <= x <= arg.hi):
                raise MidiMapError(f"{where}.{key}: {x!r} is not a number in {target}'s range {arg.range}")
    if arg is not None and arg.kind in ("int", "float"):
        lo = float(arg.lo if lo is None else lo)
        hi = float(arg.hi if hi is None else hi)
    return Binding(cc, target, arg, lo, hi, toggle)


def check_cc(cc: object, where: str) -> dict[int, Binding]:
    """A mapping of CC numbers to controls (the config's midi_map.cc, the learn file) ->
    {cc: Binding}; MidiMapError naming `where` and the key."""
    cc = {} if cc is None else cc
    if not isinstance(cc, dict):
        raise MidiMapError(f"{where}: expected a mapping, e.g. {{1: density}}; got {cc!r}")
    if len(cc) > MAX_BINDINGS:
        raise MidiMapError(f"{where}: {len(cc)} bindings; at most {MAX_BINDINGS}")
    return {n: make_binding(n, spec, where) for n, spec in cc.items()}


def check_map(cc: object, program: object, channel: object, where: str = "midi_map") -> tuple[dict, dict]:
    """The config's midi_map -> ({cc: Binding}, {program: scene}); MidiMapError naming the key."""
    from bridge.scenes import SceneError, check_name
    if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel <= 16:
        raise MidiMapError(f"{where}.channel: {channel!r}: 0 (every channel) or a MIDI channel 1..16")
    bindings = check_cc(cc, f"{where}.cc")
    program = {} if program is None else program
    if not isinstance(program, dict):
        raise MidiMapError(f"{where}.program: expected a mapping, e.g. {{0: verse}}; got {program!r}")
    programs = {}
    for n, name in program.items():
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 127:
            raise MidiMapError(f"{where}.program: {n!r} is not a program number 0..127 (0-based)")
        try:
            programs[n] = check_name(name, f"{where}.program.{n}")
        except SceneError as exc:
            raise MidiMapError(str(exc)) from None
    return bindings, programs


@dataclass(frozen=True)
class Intent:
    """What one MIDI message asks of the daemon. kind: "set" (target, value), "toggle"
    (target), "action" (target), "scene" (a scene name in target), "learned" (target bound
    to cc)."""

    kind: str
    target: str
    cc: int = -1
    value: object = None


class MidiMap:
    """The bindings in force: the config's, overlaid by those learned (kept in `file`)."""

    def __init__(self, cc: dict | None = None, program: dict | None = None, channel: int = 0,
                 file: str | Path | None = None) -> None:
        self.bindings, self.programs = check_map(cc, program, channel)
        self.channel = channel
        self.file = YamlFile(file, "MIDI controls learned with /lmdm/midi/learn (lmdm serve rewrites this "
                             "file on every learn and forget)", "midi_map.file") if file else None
        if self.file is not None:
            try:
                data = self.file.read()
            except ValueError as exc:
                raise MidiMapError(str(exc)) from None
            if data is not None:  # once a learn wrote it, the file holds the whole map
                self.bindings = check_cc(data, f"midi_map.file {self.file.path}")
        self.learning: str | None = None
        self.writer = None  # the thread writing the file last (tests wait for it)
        self._last: dict[int, int] = {}  # the latest value of each CC (presses)
        self.lock = threading.Lock()  # learn/forget come from OSC threads, MIDI from the engine's

    @classmethod
    def from_config(cls, m) -> "MidiMap":
        """From the config's midi_map (bridge.config.MidiMapConfig)."""
        return cls(m.cc, m.program, m.channel, m.file)

    def _bind(self, b: Binding) -> None:
        for cc in [cc for cc, old in self.bindings.items() if old.target == b.target]:
            del self.bindings[cc]
        self.bindings[b.cc] = b

    def listens(self, data: bytes) -> bool:
        """A control change or program change on the map's channel."""
        return (len(data) >= 2 and data[0] & 0xF0 in (CC, PROGRAM)
                and (self.channel == 0 or (data[0] & 0x0F) + 1 == self.channel))

    def translate(self, data: bytes) -> list[Intent] | None:
        """What a MIDI message asks for; None: not the map's (it goes on to the model)."""
        if not self.listens(data):
            return None
        with self.lock:
            if data[0] & 0xF0 == PROGRAM:
                name = self.programs.get(data[1])
                return [Intent("scene", name)] if name else None
            if len(data) < 3:
                return None
            cc, v = data[1], data[2]
            last = self._last.get(cc, 0)
            self._last[cc] = v
            if self.learning is not None:
                b = make_binding(cc, self.learning, "midi/learn")
                self.learning = None
                self._bind(b)
                self._save()
                return [Intent("learned", b.target, cc)]
            b = self.bindings.get(cc)
            if b is None:
                return None
            pressed = v >= PRESS and (last < PRESS or v == last == 127)
            if b.arg is None:
                return [Intent("action", b.target, cc)] if pressed else []
            if b.toggle:
                return [Intent("toggle", b.target, cc)] if pressed else []
            return [Intent("set", b.target, cc, b.value(v))]

    def learn(self, target: str) -> None:
        """The next CC binds to `target` ("" or "none" cancels a learn waiting)."""
        target = "" if target.lower() == "none" else target
        if target:
            target_arg(target, "midi/learn")
        with self.lock:
            self.learning = target or None

    def forget(self, target: str) -> int:
        """Unbind every CC bound to `target`; how many were."""
        with self.lock:
            gone = [cc for cc, b in self.bindings.items() if b.target == target]
            for cc in gone:
                del self.bindings[cc]
            if gone:
                self._save()
        return len(gone)

    def describe(self) -> tuple:
        """cc target cc target ... (as /lmdm/get midi_map answers), by CC number."""
        with self.lock:
            return tuple(x for cc in sorted(self.bindings) for x in (cc, self.bindings[cc].target))

    def _save(self) -> None:
        """Every binding now in force to the file (under self.lock, so in order)."""
        if self.file is not None:
            self.writer = self.file.write({cc: b.spec() for cc, b in self.bindings.items()})
