"""Daemon config: shipped defaults, user overlay, CLI overrides; every mistake is an error
that names the key."""
from __future__ import annotations

import argparse

import pytest

from bridge import daemon
from bridge.config import ConfigError, load_config


def test_defaults_load_and_are_sane():
    cfg = load_config()
    assert cfg.osc.host == "127.0.0.1" and cfg.osc.port == 9000
    assert cfg.audio.backend == "jack" and cfg.audio.inputs == 2
    assert cfg.engine.mode == "accompany" and cfg.engine.block_beats == 0.0  # auto
    assert set(cfg.render.programs) == {"bass", "keys", "lead", "drums"}


def test_portaudio_device_is_one_or_an_input_output_pair(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("audio:\n  backend: portaudio\n  device: [MacBook Pro Microphone, 3]\n")
    assert load_config(f).audio.device == ["MacBook Pro Microphone", 3]
    f.write_text("audio:\n  device: Scarlett 2i2\n")
    assert load_config(f).audio.device == "Scarlett 2i2"


def test_user_file_overlays_key_by_key(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("engine:\n  bpm: 90\nrender:\n  programs:\n    bass: 34\n")
    cfg = load_config(f)
    assert cfg.engine.bpm == 90.0 and isinstance(cfg.engine.bpm, float)
    assert cfg.engine.block_beats == 0.0  # untouched keys keep their defaults
    assert cfg.render.programs == {"bass": 34, "keys": 4, "lead": 80, "drums": 0}


@pytest.mark.parametrize("text, key", [
    ("engine:\n  bmp: 90\n", "engine.bmp"),
    ("nonsense: 1\n", "nonsense"),
    ("engine:\n  bpm: 900\n", "engine.bpm"),
    ("engine:\n  bpm: fast\n", "engine.bpm"),
    ("engine:\n  mode: karaoke\n", "engine.mode"),
    ("audio:\n  inputs: 2.5\n", "audio.inputs"),
    ("audio:\n  midi: maybe\n", "audio.midi"),
    ("osc:\n  host: 0.0.0.0\n", "osc.host"),
    ("osc:\n  allow: [not-a-net]\n", "osc.allow"),
    ("render:\n  programs:\n    tuba: 3\n", "render.programs"),
    ("audio:\n  device: [mic, speakers, hdmi]\n", "audio.device"),
    ("audio:\n  device: [mic, 2.5]\n", "audio.device"),
    ("audio:\n  midi_api: winmm\n", "audio.midi_api"),
    ("audio:\n  midi_in_port: [Launchkey]\n", "audio.midi_in_port"),
    ("models:\n  mine: {type: tuba}\n", "models.mine.type"),
    ("models:\n  embedded: {type: baseline}\n", "models.embedded"),
    ("models:\n  ../up: {type: baseline}\n", "models"),
    ("models:\n  mine: baseline\n", "models.mine"),
    ("models:\n  mine: {type: embedded, checkpoint: no/such/folder}\n", "models.mine.checkpoint"),
    ("models: [a]\n", "models"),
    ("generation:\n  model: mine\n", "generation.model"),
    ("render:\n  programs:\n    bass: 300\n", "render.programs.bass"),
    ("scenes:\n  presets:\n    verse: {bpm: 900}\n", "scenes.presets.verse.bpm"),
    ("scenes:\n  presets:\n    verse: {follow_transport: true}\n", "scenes.presets.verse.follow_transport"),
    ("scenes:\n  presets:\n    ../up: {bpm: 90}\n", "scenes.presets"),
    ("scenes:\n  presets:\n    verse: loud\n", "scenes.presets.verse"),
    ("scenes:\n  presets: [verse]\n", "scenes.presets"),
    ("scenes:\n  lists: {}\n", "scenes.lists"),
    ("engine: 3\n", "engine"),
])
def test_mistakes_are_errors_naming_the_key(tmp_path, text, key):
    f = tmp_path / "c.yaml"
    f.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config(f)
    assert key in str(exc.value)


def test_missing_or_broken_files_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("engine: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_serve_flags_override_the_file(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("osc:\n  port: 9100\naudio:\n  jack_server: studio\n")
    p = argparse.ArgumentParser()
    daemon.add_arguments(p)
    args = p.parse_args(["--config", str(f), "--osc-port", "9200", "--backend", "portaudio", "--mode", "free"])
    cfg = load_config(args.config, daemon.overrides_from_args(args))
    assert cfg.osc.port == 9200 and cfg.audio.backend == "portaudio" and cfg.engine.mode == "free"
    assert cfg.audio.jack_server == "studio"  # not given on the command line: the file wins
    args = p.parse_args(["--device", "Scarlett 2i2"])
    assert load_config(None, daemon.overrides_from_args(args)).audio.device == "Scarlett 2i2"
    args = p.parse_args(["--device", "MacBook Pro Microphone", "--device", "3"])  # input, output (an index)
    assert load_config(None, daemon.overrides_from_args(args)).audio.device == ["MacBook Pro Microphone", 3]
    with pytest.raises(ConfigError, match="audio.device"):
        load_config(None, daemon.overrides_from_args(p.parse_args(["--device", "a", "--device", "b", "--device", "c"])))


def test_models_of_the_config_are_named_and_their_checkpoints_found(tmp_path):
    """`models:` names models of the user's own (a type and its options); a relative
    checkpoint is relative to the config file, wherever the daemon starts."""
    (tmp_path / "runs" / "big").mkdir(parents=True)
    f = tmp_path / "c.yaml"
    f.write_text("generation:\n  model: big\nmodels:\n  big: {type: embedded, checkpoint: runs/big, kernels: onednn}\n"
                 "  plain: {type: baseline}\n")
    cfg = load_config(f)
    assert cfg.generation.model == "big"
    assert cfg.models == {"big": {"type": "embedded", "checkpoint": str(tmp_path / "runs" / "big"), "kernels": "onednn"},
                          "plain": {"type": "baseline"}}
    assert load_config().models == {}
    f.write_text("models:\n")  # an empty section
    assert load_config(f).models == {}


def test_configured_models_load_by_name_with_their_options():
    from model import api
    try:
        api.configure({"plain": {"type": "baseline", "history_s": 30.0}, "typo": {"type": "baseline", "colour": "red"}})
        assert {"plain", "typo", "baseline", "embedded"} <= set(api.available())
        gen = api.load_generator("plain", 16000)
        assert gen.name == "plain" and gen.sample_rate == 16000
        with pytest.raises(api.ModelError, match="typo.*colour"):
            api.load_generator("typo", 16000)
        assert api.load_generator("baseline", 16000).name == "baseline"
    finally:
        api.configure({})
    assert "plain" not in api.available()
