"""Scenes: named snapshots of the daemon's settings (prompt, mode, tempo, key, generation
controls, stem gains, mutes and programs) that a performer stores during rehearsal and
recalls at a song's sections (/lmdm/scene/store, /lmdm/scene/recall).

A scene is a mapping of parameter names (as /lmdm/get names them) to their values, checked
against the OSC table as if each were sent. Scenes come from the config (`scenes.presets`,
may name only some parameters) and from the scenes file (`scenes.file`, written by the
daemon on every store, read at start): a stored scene of the same name wins. Names are
1-64 letters, digits, - _ . (never a path); the file's path only ever comes from the config.
"""
from __future__ import annotations

import threading
from pathlib import Path

from bridge import osc_table
from bridge.yamlfile import YamlFile
from model.api import STEMS

# What a scene holds: every setting a performer moves between sections. Not the master
# choice (follow_transport, tap_start), the model (a load takes seconds) or the recorder.
SCENE_PARAMS: tuple[str, ...] = (
    "mode", "prompt", "bpm", "beats_per_bar", "block_beats", "key", "steps", "guidance",
    "temperature", "density", "groove", "seed", "context_beats", "input/gain",
    *(f"stem/{s}/{what}" for s in STEMS for what in ("gain", "mute", "program")),
)

MAX_SCENES = 128


class SceneError(ValueError):
    pass


def check_name(name: object, where: str = "scene") -> str:
    """A scene name as /lmdm/scene/store takes it (the OSC table's rule, never a path)."""
    try:
        return osc_table.validate(osc_table.PREFIX + "scene/store", (name,))[0]
    except osc_table.OscValidationError as exc:
        raise SceneError(f"{where}: {name!r}: {exc}") from None


def as_args(value: object) -> tuple:
    """A scene value as the arguments of its control: a list (the prompt's text/weight
    pairs) as they are, anything else as one argument."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def check_scene(name: str, scene: object, where: str = "scenes") -> dict[str, tuple]:
    """A scene from YAML or a snapshot -> {param: validated args}; SceneError naming the
    scene and the parameter on anything the daemon would refuse."""
    check_name(name, where)
    if not isinstance(scene, dict) or not scene:
        raise SceneError(f"{where}.{name}: expected a mapping of settings (e.g. density: 0.4), got {scene!r}")
    out = {}
    for param, value in scene.items():
        if param not in SCENE_PARAMS:
            raise SceneError(f"{where}.{name}.{param}: not a scene setting; they are {', '.join(SCENE_PARAMS)}")
        try:
            out[param] = osc_table.validate(osc_table.PREFIX + param, as_args(value))
        except osc_table.OscValidationError as exc:
            raise SceneError(f"{where}.{name}.{param}: {exc}") from None
    return out


def check_scenes(scenes: object, where: str) -> dict[str, dict[str, tuple]]:
    if scenes is None:
        return {}
    if not isinstance(scenes, dict):
        raise SceneError(f"{where}: expected a mapping of scene names to settings, got {scenes!r}")
    if len(scenes) > MAX_SCENES:
        raise SceneError(f"{where}: {len(scenes)} scenes; at most {MAX_SCENES}")
    return {name: check_scene(name, scene, where) for name, scene in scenes.items()}


def _plain(args: tuple) -> object:
    """Validated args -> the YAML value a person would write ("warm funk" for one prompt
    at weight 1, a list for a mix)."""
    if len(args) == 2 and isinstance(args[0], str) and args[1] == 1.0:
        return args[0]
    return list(args) if len(args) != 1 else args[0]


class SceneBook:
    """The daemon's scenes: the config's presets and the file's, the stored ones written
    back to the file (atomically, off the caller's thread)."""

    def __init__(self, presets: dict | None = None, file: str | Path | None = None) -> None:
        self.presets = check_scenes(presets, "scenes.presets")
        self.file = YamlFile(file, "Scenes stored with /lmdm/scene/store (lmdm serve rewrites this file on every store)",
                             "scenes.file") if file else None
        self.stored: dict[str, dict[str, tuple]] = {}
        if self.file is not None:
            try:
                data = self.file.read()
            except ValueError as exc:
                raise SceneError(str(exc)) from None
            self.stored = check_scenes(data, f"scenes.file {self.file.path}")
        self.lock = threading.Lock()

    def names(self) -> tuple[str, ...]:
        with self.lock:
            return tuple(sorted({*self.presets, *self.stored}))

    def get(self, name: str) -> dict[str, tuple]:
        with self.lock:
            scene = self.stored.get(name, self.presets.get(name))
        if scene is None:
            known = ", ".join(self.names()) or "none yet (/lmdm/scene/store NAME stores one)"
            raise SceneError(f"no scene {name!r}; scenes: {known}")
        return scene

    def store(self, name: str, values: dict[str, object]) -> threading.Thread | None:
        """Keep `values` ({param: value as /lmdm/get reports it}) as scene `name`; with a
        file, write every stored scene to it on a thread of its own (returned)."""
        scene = check_scene(name, values, "scene/store")
        with self.lock:
            if name not in self.stored and len(self.stored) >= MAX_SCENES:
                raise SceneError(f"scene/store: {MAX_SCENES} scenes stored already; store over one of them or delete one (/lmdm/scene/delete)")
            self.stored[name] = scene
            return self._save()

    def delete(self, name: str) -> threading.Thread | None:
        """Forget stored scene `name` (a preset of the same name shows again); with a file,
        rewrite it. A preset of the config is not deleted here: SceneError says so."""
        with self.lock:
            if name not in self.stored:
                if name in self.presets:
                    raise SceneError(f"scene {name!r} is a preset of the config (scenes.presets): "
                                     "remove it there")
                known = ", ".join(sorted(self.stored)) or "none"
                raise SceneError(f"no stored scene {name!r}; stored: {known}")
            del self.stored[name]
            return self._save()

    def _save(self) -> threading.Thread | None:
        """The stored scenes to the file, if there is one (under self.lock: writes start in
        order); its writer thread."""
        if self.file is None:
            return None
        return self.file.write({n: {p: _plain(a) for p, a in s.items()} for n, s in self.stored.items()})
