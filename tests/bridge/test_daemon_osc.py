"""`lmdm serve` over OSC: it says where it listens, answers ping, rejects every class of
bad input with /lmdm/error while it keeps serving, and Ctrl-C stops it cleanly."""
from __future__ import annotations

import struct
import time

import numpy as np
import pytest

from oscfuzz import bundle, message, ntp  # tests/bridge/oscfuzz.py


def test_serve_prints_where_it_listens_and_answers_ping(daemon, osc_client_factory):
    out = daemon.output()
    assert f"udp://127.0.0.1:{daemon.osc_port}" in out
    assert f"JACK client '{daemon.client_name}'" in out
    assert "ports: in_1 in_2 bass keys lead drums mix_L mix_R midi_in midi_out" in out
    c = osc_client_factory(daemon.osc_port)
    c.ping(42)
    since = c.mark()
    c.send("/lmdm/ping")
    assert c.wait_for("/lmdm/pong", since=since).args == ()
    c.subscribe()  # a late subscriber is greeted with ready and the status
    assert c.wait_for("/lmdm/ready").args == ("baseline", 48000)
    assert c.wait_for("/lmdm/status").args[0] == "stopped"


# (what is wrong, raw packet, the address /lmdm/error names)
REJECTED = [
    ("unknown address", message("/lmdm/nonsense", 1), "/lmdm/nonsense"),
    ("wrong type", message("/lmdm/bpm", "fast"), "/lmdm/bpm"),
    ("out of range", message("/lmdm/bpm", 1000.0), "/lmdm/bpm"),
    ("not a number", message("/lmdm/guidance", float("nan")), "/lmdm/guidance"),
    ("too many arguments", message("/lmdm/play", 1, 2), "/lmdm/play"),
    ("missing argument", message("/lmdm/mode"), "/lmdm/mode"),
    ("bad choice", message("/lmdm/mode", "karaoke"), "/lmdm/mode"),
    ("bad stem", message("/lmdm/stem/tuba/mute", 1), "/lmdm/stem/tuba/mute"),
    ("feedback address", message("/lmdm/status", "x"), "/lmdm/status"),
    ("a path as session name", message("/lmdm/record", "../../etc"), "/lmdm/record"),
    ("unknown model", message("/lmdm/model", "/tmp/evil.pt"), "/lmdm/model"),
    ("bad key", message("/lmdm/key", "H major"), "/lmdm/key"),
    ("unsupported type tag", b"/lmdm/bpm\0\0\0,c\0\0" + struct.pack(">i", 1), "/lmdm/bpm"),
    ("truncated packet", message("/lmdm/bpm", 90.0)[:-2], "?"),
    ("garbage", b"\x00\x01\x02\x03garbage!", "?"),
    ("bundle element size lies", bundle(ntp(None), message("/lmdm/stop")) + struct.pack(">i", 400) + b"/abc", "?"),
    ("unknown parameter", message("/lmdm/get", "nonsense"), "/lmdm/get"),
    ("a drum kit the SoundFont lacks", message("/lmdm/stem/drums/program", 127), "/lmdm/stem/drums/program"),
]


def test_every_rejected_input_class_gets_an_error_and_the_daemon_keeps_serving(daemon, osc_client_factory):
    c = osc_client_factory(daemon.osc_port)
    for i, (what, data, address) in enumerate(REJECTED):
        since = c.mark()
        c.send_raw(data)
        err = c.wait_for("/lmdm/error", 5, since=since)
        if address != "?":
            assert err.args[0] == address, what
        else:
            assert err.args[0] in ("?", "#bundle", "/lmdm/bpm"), what
        assert err.args[1], f"{what}: the reason must say something"
        c.ping(1000 + i)  # still serving after each
    assert daemon.proc.poll() is None
    since = c.mark()  # the missing kit was refused with the kits there are; the old one stays
    c.send("/lmdm/stem/drums/program", 126)
    err = c.wait_for("/lmdm/error", 5, since=since)
    assert "no drum kit 126" in err.args[1] and "drums keeps 0" in err.args[1] and "48" in err.args[1]
    since = c.mark()
    c.send("/lmdm/get", "stem/drums/program")
    assert c.wait_for("/lmdm/value", since=since).args == ("stem/drums/program", 0)


def test_settings_read_back_and_stems_controls(daemon, osc_client_factory):
    c = osc_client_factory(daemon.osc_port)
    for address, args, name, want in [
        ("/lmdm/bpm", (97.5,), "bpm", (97.5,)),
        ("/lmdm/mode", ("delay",), "mode", ("delay",)),
        ("/lmdm/prompt", ("funk", 2.0), "prompt", ("funk", 2.0)),
        ("/lmdm/stem/keys/mute", (1,), "stem/keys/mute", (1,)),
        ("/lmdm/stem/lead/gain", (0.5,), "stem/lead/gain", (0.5,)),
        ("/lmdm/stem/bass/program", (38,), "stem/bass/program", (38,)),
        ("/lmdm/groove", (0.75,), "groove", (0.75,)),
        ("/lmdm/tap_start", (1,), "tap_start", (True,)),
    ]:
        since = c.mark()
        c.send(address, *args)
        c.send("/lmdm/get", name)  # answered once the control took effect
        v = c.wait_for("/lmdm/value", since=since)
        assert v.args[1:] == want, f"{name}: {v.args}"
    since = c.mark()
    c.send("/lmdm/get", "state")
    assert c.wait_for("/lmdm/value", since=since).args == ("state", "stopped")


def test_a_get_right_after_a_control_reads_what_it_did(daemon, osc_client_factory):
    """A /lmdm/get is answered after the controls sent before it took effect: a setting
    reads back as set and the state after /lmdm/play is playing, with no wait between the
    two messages (the answer used to read the engine before it applied the control queued
    just before it: the old value, the old state)."""
    c = osc_client_factory(daemon.osc_port)
    for bpm in (97.0, 133.5, 88.25):
        since = c.mark()
        c.send("/lmdm/bpm", bpm)
        c.send("/lmdm/get", "bpm")
        assert c.wait_for("/lmdm/value", since=since).args == ("bpm", bpm)
    since = c.mark()
    c.send("/lmdm/key", "D dorian")
    c.send("/lmdm/guidance", 4.5)
    c.send("/lmdm/get")  # every parameter
    c.wait_for("/lmdm/value", since=since, where=lambda m: m.args[0] == "xruns")  # the last one
    got = {m.args[0]: m.args[1:] for m in c.all("/lmdm/value", since=since)}
    assert got["key"] == ("D dorian",) and got["guidance"] == (4.5,) and got["bpm"] == (88.25,)
    for action, state in (("/lmdm/play", "playing"), ("/lmdm/stop", "stopped")):
        since = c.mark()
        c.send(action)
        c.send("/lmdm/get", "state")
        assert c.wait_for("/lmdm/value", since=since).args == ("state", state)


@pytest.mark.host_timing
def test_taps_set_the_tempo_as_they_arrive(daemon, osc_client_factory):
    """Four /lmdm/tap 0.4 s apart: the tempo becomes 150 bpm (the test config's 240 before),
    in /lmdm/get and in the status of the blocks that follow. The daemon times the taps as
    they arrive, so the tempo is checked against the intervals they were sent at (a sleep
    this shared host ends late moves it: one CI run sent them 0.403 s apart, 148.7 bpm), to
    within the few milliseconds a datagram takes to be read."""
    c = osc_client_factory(daemon.osc_port)
    c.subscribe()
    since = c.mark()
    c.send("/lmdm/play")
    c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[1] == 240.0, since=since)
    t0 = time.monotonic()
    sent = []
    for i in range(4):
        time.sleep(max(0.0, t0 + 0.4 * i - time.monotonic()))
        sent.append(time.monotonic())
        c.send("/lmdm/tap")
    tapped = 60.0 / float(np.median(np.diff(sent)))
    assert tapped == pytest.approx(150.0, abs=10.0), sent  # the test's own taps: far from 240
    since = c.mark()
    c.send("/lmdm/get", "bpm")
    assert c.wait_for("/lmdm/value", since=since).args[1] == pytest.approx(tapped, abs=1.5)
    since = c.mark()
    m = c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "playing" and m.args[1] != 240.0, since=since)
    assert m.args[1] == pytest.approx(tapped, abs=1.5)


def _load_model(c, name: str, answer: str = "/lmdm/ready", timeout: float = 30):
    """Send /lmdm/model `name` to a subscribed client's daemon -> the `answer` message
    (/lmdm/ready or /lmdm/error) that follows."""
    since = c.mark()
    c.send("/lmdm/model", name)
    return c.wait_for(answer, timeout, since=since)


def test_model_loads_by_name_in_the_background(daemon, osc_client_factory):
    c = osc_client_factory(daemon.osc_port)
    c.subscribe()
    c.wait_for("/lmdm/ready")
    assert _load_model(c, "baseline").args == ("baseline", 48000)
    c.ping()


def test_models_of_the_config_load_by_name_and_a_broken_one_is_an_error(jack_server, tmp_path, osc_client_factory):
    """A studio's own model, named in the config (a checkpoint and options), loads over OSC
    by that name; one whose options are wrong answers /lmdm/error and the daemon plays on."""
    from daemonkit import FAST, REPO, start_daemon
    models = {"studio": {"type": "embedded", "checkpoint": str(REPO / "model" / "checkpoints" / "default"),
                         "prompt_encoder": "table", "kernels": "onednn", "threads": 1},
              "typo": {"type": "baseline", "colour": "red"}}
    d = start_daemon(jack_server, tmp_path, {**FAST, "models": models})
    try:
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        c.wait_for("/lmdm/ready")
        assert _load_model(c, "studio", timeout=60).args == ("studio", 48000)
        err = _load_model(c, "typo", "/lmdm/error")
        assert err.args[0] == "/lmdm/model"
        assert "typo" in err.args[1] and "colour" in err.args[1]
        c.ping()
        since = c.mark()
        c.send("/lmdm/get", "model")
        assert c.wait_for("/lmdm/value", since=since).args == ("model", "studio")
        since = c.mark()
        c.send("/lmdm/get", "models")  # what a patch can offer in a menu
        assert c.wait_for("/lmdm/value", since=since).args == ("models", "default", "baseline", "embedded",
                                                               "studio", "typo")
    finally:
        d.stop()


def test_sigint_stops_cleanly_and_removes_the_ports(daemon, probe_factory):
    probe = probe_factory(daemon.jack_server.name, daemon.client_name, watch=("bass",))
    assert probe.client.get_all_connections(probe.out)
    assert daemon.stop() == 0
    assert "lmdm: stopped" in daemon.output()
    assert not probe.client.get_ports(f"{daemon.client_name}:.*")
    assert not probe.client.get_all_connections(probe.out)
