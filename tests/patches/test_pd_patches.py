"""The bundled Pd patches open cleanly in a real headless Pd, and the demo's controls
(driven through their receive names, as a performer's clicks would) send the OSC the
daemon's table accepts."""
from __future__ import annotations

import time

import pytest

import patchkit
from bridge import osc_table

PATCHES = sorted(p.name for p in patchkit.PD_DIR.glob("*.pd"))


def test_the_three_patches_are_bundled():
    assert {"lmdm.pd", "lmdm-help.pd", "lmdm-demo.pd"} <= set(PATCHES)


@pytest.mark.parametrize("name", PATCHES)
def test_patch_opens_without_errors(name, tmp_path):
    # -send quits once the patch has loaded (and [lmdm]'s loadbang has run)
    pd = patchkit.Pd(patchkit.PD_DIR / name, extra_args=["-send", "pd quit"])
    try:
        pd.proc.wait(15)
        pd._reader.join(5)
    finally:
        pd.stop()
    assert pd.proc.returncode == 0
    assert not pd.errors(), "\n".join(pd.lines)


def test_demo_sends_only_messages_the_abstraction_knows():
    selectors = patchkit.interface_selectors(patchkit.pd_routes(patchkit.parse_pd(patchkit.PD_DIR / "lmdm.pd")))
    top = patchkit.parse_pd(patchkit.PD_DIR / "lmdm-demo.pd")[0]
    sent = patchkit.messages_into(top, lambda kind, text: kind == "obj" and text.split()[0] == "lmdm")
    assert len(sent) >= 20
    assert {m.split()[0] for m in sent} <= selectors


@pytest.mark.slow
def test_demo_controls_send_valid_osc(osc_peer):
    # The demo's [lmdm] has no arguments (127.0.0.1:9000); point it at the peer first,
    # then move its controls through their receive names.
    moves = [("lmdm-demo-bpm 100", "/lmdm/bpm", [100.0], "f"),
             ("lmdm-demo-beats 3", "/lmdm/beats_per_bar", [3], "i"),
             ("lmdm-demo-follow 1", "/lmdm/follow_transport", [1], "i"),
             ("lmdm-demo-countin 1", "/lmdm/tap_start", [1], "i"),
             ("lmdm-demo-guidance 5", "/lmdm/guidance", [5.0], "f"),
             ("lmdm-demo-density 0.25", "/lmdm/density", [0.25], "f"),
             ("lmdm-demo-temperature 1.5", "/lmdm/temperature", [1.5], "f"),
             ("lmdm-demo-mute-drums 1", "/lmdm/stem/drums/mute", [1], "i"),
             ("lmdm-demo-gain-bass 1.5", "/lmdm/stem/bass/gain", [1.5], "f"),
             ("lmdm-demo store A", "/lmdm/scene/store", ["A"], "s"),  # as its scene messages send
             ("lmdm-demo recall B", "/lmdm/scene/recall", ["B"], "s"),
             ("lmdm-demo play", "/lmdm/play", [], "")]
    args = ["-send", f"lmdm-demo connect 127.0.0.1 {osc_peer.port}"]
    for send, *_ in moves:
        args += ["-send", send]
    pd = patchkit.Pd(patchkit.PD_DIR / "lmdm-demo.pd", extra_args=args)
    try:
        got = []
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not any(m[0] == "/lmdm/get" for m in got):
            got += osc_peer.receive(0.2)
        sender = got[0][3]
        for send, address, values, tags in moves:
            match = [m for m in got if m[0] == address]
            assert match, f"{send} sent nothing to {address}; got {[m[0] for m in got]}"
            _, a, t, _ = match[0]
            assert t == tags and a == pytest.approx(values), (send, a, t)
            osc_table.validate(address, a)
        # at load the demo asks for the daemon's values; answers set the controls without
        # sending them back (no feedback loop)
        osc_peer.send(sender, "/lmdm/value", "guidance", 7.0)
        osc_peer.send(sender, "/lmdm/value", "stem/keys/mute", 1)
        osc_peer.send(sender, "/lmdm/value", "tap_start", 1)  # bools go out as i 0/1 (osc.build_message)
        echo = [m for m in osc_peer.receive(0.8) if m[0] not in ("/lmdm/subscribe",)]
        assert echo == []
        assert not pd.errors(), "\n".join(pd.lines)
    finally:
        pd.stop()
