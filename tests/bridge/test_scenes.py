"""Scenes (bridge/scenes.py): the config's presets, stored snapshots, the scenes file."""
from __future__ import annotations

import pytest
import yaml

from bridge.config import load_config
from bridge.scenes import SCENE_PARAMS, SceneBook, SceneError, check_scene
from bridge import osc_table
from daemonkit import check_config


def test_scene_settings_are_readable_controls_but_not_the_master_choice_model_or_recorder():
    for param in SCENE_PARAMS:
        assert osc_table.lookup("/lmdm/" + param).param == param
    assert not {"follow_transport", "tap_start", "model", "record"} & set(SCENE_PARAMS)


def test_presets_are_checked_as_the_controls_and_recalled_by_name(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("scenes:\n  presets:\n"
                 "    verse: {prompt: warm funky bass, density: 0.4, stem/lead/mute: true, key: d dorian}\n"
                 "    chorus: {prompt: [funk, 1, disco, 0.5], bpm: 104}\n")
    cfg = load_config(f)
    book = SceneBook(cfg.scenes.presets, cfg.scenes.file)
    assert book.names() == ("chorus", "verse")
    assert book.get("verse") == {"prompt": ("warm funky bass", 1.0), "density": (0.4,),
                                 "stem/lead/mute": (True,), "key": ("D dorian",)}
    assert book.get("chorus") == {"prompt": ("funk", 1.0, "disco", 0.5), "bpm": (104.0,)}
    with pytest.raises(SceneError, match="no scene 'bridge'; scenes: chorus, verse"):
        book.get("bridge")


def test_a_stored_scene_is_written_to_the_file_and_read_back_at_the_next_start(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("scenes:\n  file: scenes/gig.yaml\n  presets:\n    verse: {density: 0.4}\n")
    cfg = load_config(f)
    assert cfg.scenes.file == str(tmp_path / "scenes" / "gig.yaml")  # relative to the config file
    book = SceneBook(cfg.scenes.presets, cfg.scenes.file)
    snapshot = {"prompt": ("dark ambient", 1.0), "density": 0.9, "stem/bass/mute": True, "seed": -1}
    book.store("verse", snapshot).join()  # over the preset of the same name
    book.store("outro", {"bpm": 80.0}).join()
    assert book.get("verse")["density"] == (0.9,)
    on_disk = yaml.safe_load((tmp_path / "scenes" / "gig.yaml").read_text())
    assert on_disk == {"verse": {"prompt": "dark ambient", "density": 0.9, "stem/bass/mute": True, "seed": -1},
                       "outro": {"bpm": 80.0}}
    again = SceneBook(cfg.scenes.presets, cfg.scenes.file)
    assert again.names() == ("outro", "verse") and again.get("verse") == book.get("verse")
    assert [p.name for p in (tmp_path / "scenes").iterdir()] == ["gig.yaml"]  # no temporary file left


def test_a_scene_the_daemon_would_refuse_is_an_error_naming_it(tmp_path):
    with pytest.raises(SceneError, match=r"scene/store: '\.\./up': a scene name is 1-64 letters"):
        SceneBook().store("../up", {"bpm": 90})
    with pytest.raises(SceneError, match="scenes.verse.density: .*out of range"):
        check_scene("verse", {"density": 3})
    bad = tmp_path / "gig.yaml"
    bad.write_text("verse: {bpm: fast}\n")
    with pytest.raises(SceneError, match=r"gig.yaml.verse.bpm"):
        SceneBook(None, bad)
    bad.write_text("verse: [unclosed\n")
    with pytest.raises(SceneError, match="cannot read it"):
        SceneBook(None, bad)


def test_a_scenes_file_that_cannot_be_written_keeps_the_scenes_in_memory(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    book = SceneBook(None, blocker / "gig.yaml")  # its folder is a file: every write fails
    book.store("verse", {"bpm": 90.0}).join()
    assert book.get("verse") == {"bpm": (90.0,)}


def test_lmdm_check_reads_the_scenes_file_and_calls_a_broken_one_a_config_error(tmp_path):
    (tmp_path / "gig.yaml").write_text("verse: {stem/tuba/mute: true}\n")
    (tmp_path / "c.yaml").write_text("scenes:\n  file: gig.yaml\n")
    code, (check,) = check_config(tmp_path / "c.yaml")
    assert code == 2
    assert check["status"] == "fail" and "verse.stem/tuba/mute: not a scene setting" in check["detail"]


def test_the_file_keeps_the_latest_store_when_writers_run_out_of_order(tmp_path):
    """Each store writes on a thread of its own: the writer of an older store, run after a
    newer one's (a busy disk, the scheduler), leaves the newer file."""
    book = SceneBook(None, tmp_path / "gig.yaml")
    book.file._write(2, {"verse": {"bpm": 100.0}})
    book.file._write(1, {"verse": {"bpm": 90.0}})
    assert yaml.safe_load((tmp_path / "gig.yaml").read_text()) == {"verse": {"bpm": 100.0}}


def test_a_stored_scene_can_be_deleted_and_a_preset_it_shadowed_shows_again(tmp_path):
    book = SceneBook({"verse": {"density": 0.4}}, tmp_path / "gig.yaml")
    book.store("verse", {"density": 0.9}).join()
    book.store("outro", {"bpm": 80.0}).join()
    book.delete("verse").join()
    assert book.get("verse") == {"density": (0.4,)}  # the config's again
    assert yaml.safe_load((tmp_path / "gig.yaml").read_text()) == {"outro": {"bpm": 80.0}}
    with pytest.raises(SceneError, match="'verse' is a preset of the config"):
        book.delete("verse")
    with pytest.raises(SceneError, match="no stored scene 'bridge'; stored: outro"):
        book.delete("bridge")
    book.delete("outro").join()
    assert book.names() == ("verse",) and SceneBook(None, tmp_path / "gig.yaml").names() == ()
