"""Scenes over OSC on a running daemon (dummy JACK): store the settings of a song's section,
recall them later while the band plays, the config's presets, the scenes file across a
restart, and what a scene the daemon cannot fully take does."""
from __future__ import annotations

import re
import time

import yaml

from bridge.scenes import SCENE_PARAMS
from daemonkit import FAST, start_daemon, start_refused

# a section's settings as a performer sets them, then other values over every one
VERSE = {"bpm": 97.0, "prompt": ("tight drum and bass", 1.0, "jazz", 0.5), "key": "D dorian",
         "density": 0.8, "guidance": 4.5, "stem/bass/gain": 0.5, "stem/keys/mute": 1,
         "stem/lead/program": 81}
OTHER = {"bpm": 150.0, "prompt": ("dreamy ambient pads",), "key": "none", "density": 0.3,
         "guidance": 2.0, "stem/bass/gain": 1.5, "stem/keys/mute": 0, "stem/lead/program": 80}
# what /lmdm/get answers for VERSE
VERSE_READ = {"bpm": (97.0,), "prompt": ("tight drum and bass", 1.0, "jazz", 0.5), "key": ("D dorian",),
              "density": (0.8,), "guidance": (4.5,), "stem/bass/gain": (0.5,), "stem/keys/mute": (1,),
              "stem/lead/program": (81,)}


def read(c, names) -> dict:
    since = c.mark()
    for name in names:
        c.send("/lmdm/get", name)
    c.wait_for("/lmdm/value", since=since, where=lambda m: m.args[0] == names[-1] and m.timetag is None)
    return {m.args[0]: tuple(m.args[1:]) for m in c.all("/lmdm/value", since)
            if m.timetag is None}  # the answers (a scene's values come in its bundle)


def read_until(c, want: dict, timeout: float = 5.0) -> dict:
    """The values of `want`'s names, read again until they are `want` (a scene recalled while
    the band plays takes over on the next bar line)."""
    deadline = time.monotonic() + timeout
    while True:
        got = approx(read(c, list(want)))
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def approx(values: dict) -> dict:
    return {k: tuple(round(v, 4) if isinstance(v, float) else v for v in args) for k, args in values.items()}


def scene_config(tmp_path) -> dict:
    # half-beat blocks in 4/4: a scene recalled mid-bar waits for the next bar line
    return {**FAST, "engine": {**FAST["engine"], "block_beats": 0.5, "beats_per_bar": 4}, "scenes": {"file": str(tmp_path / "gig.yaml"), "presets": {
        "intro": {"prompt": "dreamy ambient pads", "density": 0.2, "stem/drums/mute": True},
        "kit": {"stem/drums/program": 126, "density": 0.7}}}}  # FluidR3 has no drum kit 126


def test_a_stored_scene_comes_back_while_the_band_plays_and_after_a_restart(jack_server, tmp_path,
                                                                            osc_client_factory):
    d = start_daemon(jack_server, tmp_path, scene_config(tmp_path))
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        assert read(c, ["scenes"]) == {"scenes": ("intro", "kit")}
        since = c.mark()
        c.send("/lmdm/play")
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[4] >= 3, since=since)
        for name, value in VERSE.items():
            c.send("/lmdm/" + name, *(value if isinstance(value, tuple) else (value,)))
        c.send("/lmdm/scene/store", "verse")  # right after: stores what they set
        for name, value in OTHER.items():
            c.send("/lmdm/" + name, *(value if isinstance(value, tuple) else (value,)))
        assert read_until(c, {"bpm": (150.0,)}) == {"bpm": (150.0,)}  # the tempo playing, from the next block
        since = c.mark()
        c.send("/lmdm/scene/recall", "verse")
        assert read_until(c, VERSE_READ) == VERSE_READ
        # a preset names some settings: those change, the rest stay as they are
        c.send("/lmdm/scene/recall", "intro")
        want = {"prompt": ("dreamy ambient pads", 1.0), "density": (0.2,), "stem/drums/mute": (1,),
                "bpm": (97.0,), "key": ("D dorian",)}
        assert read_until(c, want) == want
        # a setting the daemon refuses is reported; the scene's others still apply
        c.send("/lmdm/scene/recall", "kit")
        err = c.wait_for("/lmdm/error", since=since)
        assert err.args[0] == "/lmdm/scene/recall" and "stem/drums/program" in err.args[1], err.args
        assert read_until(c, {"density": (0.7,), "stem/drums/program": (0,)}) == {"density": (0.7,), "stem/drums/program": (0,)}
        # subscribers hear each scene take over as its bar line sounds: with the /lmdm/bar of it
        c.wait_for("/lmdm/scene", where=lambda m: m.args == ("kit",), since=since)
        bars = {round(m.timetag, 3) for m in c.all("/lmdm/bar", since)}
        took = [(m.args[0], round(m.timetag, 3)) for m in c.all("/lmdm/scene", since)]
        assert [n for n, _ in took] == ["verse", "intro", "kit"], took
        assert all(t in bars for _, t in took), (took, sorted(bars))
        # and with each, the values it set (as they are then), so a patch's controls follow it
        told: dict = {}
        for m in c.all("/lmdm/value", since):
            if m.timetag is not None:  # (the gets' answers come bare)
                told.setdefault(round(m.timetag, 3), {}).update(approx({m.args[0]: m.args[1:]}))
        at = dict(took)
        assert told[at["intro"]] == {"prompt": ("dreamy ambient pads", 1.0), "density": (0.2,), "stem/drums/mute": (1,)}
        assert told[at["kit"]] == {"stem/drums/program": (0,), "density": (0.7,)}  # the refused program stays
        assert set(told[at["verse"]]) == set(SCENE_PARAMS)  # a stored scene holds them all
        assert {k: told[at["verse"]][k] for k in VERSE_READ} == VERSE_READ
        # while the band plays, each scene took over on a bar line (4 beats, 8 blocks a bar here)
        beats = [float(b) for b in re.findall(r"scene \S+ takes over at beat ([0-9.]+)", d.output())]
        assert len(beats) == 3 and all(b % 4 == 0 for b in beats) and beats == sorted(set(beats)), beats
        assert beats[0] >= 4, "not the first bar: the band had played blocks before"
        since = c.mark()
        c.send("/lmdm/scene/recall", "bridge")
        assert "no scene 'bridge'; scenes: intro, kit, verse" in c.wait_for("/lmdm/error", since=since).args[1]
        since = c.mark()
        c.send("/lmdm/scene/store", "../../etc/x")  # a name, never a path
        assert "scene name" in c.wait_for("/lmdm/error", since=since).args[1]
        assert read(c, ["state"]) == {"state": ("playing",)}  # the band played on through all of it
        assert not [m for m in c.all("/lmdm/error") if m.args[0] not in ("/lmdm/scene/recall", "/lmdm/scene/store")]
    finally:
        d.stop()
    stored = yaml.safe_load((tmp_path / "gig.yaml").read_text())
    assert set(stored) == {"verse"} and stored["verse"]["bpm"] == 97.0 and stored["verse"]["key"] == "D dorian"
    # the next start (the gig after the rehearsal) reads the file: verse is there to recall
    d = start_daemon(jack_server, tmp_path, scene_config(tmp_path))
    try:
        c = osc_client_factory(d.osc_port)
        assert read(c, ["scenes"]) == {"scenes": ("intro", "kit", "verse")}
        c.subscribe()
        since = c.mark()
        c.send("/lmdm/scene/recall", "verse")  # stopped: at once
        assert approx(read(c, list(VERSE))) == VERSE_READ
        assert c.wait_for("/lmdm/scene", since=since).args == ("verse",)
        assert "takes over at beat" not in d.output()
        # a scene stored by mistake is deleted (and gone from the file); a preset is the config's
        c.send("/lmdm/scene/delete", "verse")
        assert read(c, ["scenes"]) == {"scenes": ("intro", "kit")}
        since = c.mark()
        c.send("/lmdm/scene/delete", "intro")
        assert "is a preset of the config" in c.wait_for("/lmdm/error", since=since).args[1]
    finally:
        d.stop()
    assert yaml.safe_load((tmp_path / "gig.yaml").read_text()) == {}


def test_a_broken_scenes_file_stops_the_start_with_an_error_naming_it(jack_server, tmp_path):
    (tmp_path / "gig.yaml").write_text("verse: {bpm: fast}\n")
    said = start_refused(jack_server, tmp_path, scene_config(tmp_path))
    assert "config error: scenes.file" in said and "verse.bpm" in said, said
    assert (tmp_path / "gig.yaml").read_text() == "verse: {bpm: fast}\n"  # left as it was
