"""Clear failures at start-up (no JACK server, a busy OSC port) and the PortAudio backend.
This machine has no sound card, so for PortAudio what can be checked here is that the
backend constructs and fails clearly (exit 1, a message that says what to do) when no
device is present; on ALSA null devices (below), how it opens devices and runs its
callback; and on PortAudio's JACK host API over a dummy JACK server, the daemon playing
through it in real time."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bridge.backend import BackendError
from bridge.pa_io import PortAudioBackend
from bridge.rings import Exchange
from model.api import STEMS

REPO = Path(__file__).resolve().parents[2]


def _has_device() -> bool:
    import sounddevice as sd
    try:
        return len(sd.query_devices()) > 0
    except Exception:
        return False


def test_portaudio_backend_fails_clearly_without_a_device():
    if _has_device():
        pytest.skip("this machine has an audio device; the no-device path cannot be shown here")
    backend = PortAudioBackend(Exchange(2, len(STEMS)), STEMS, sample_rate=48000, period=1024)
    with pytest.raises(BackendError, match="no audio device"):
        backend.open()
    backend.close()  # closing a backend that never opened is harmless
    assert backend.port_names() == [] and backend.transport() is None


def test_serve_with_portaudio_and_no_device_exits_with_advice(tmp_path):
    if _has_device():
        pytest.skip("this machine has an audio device")
    r = subprocess.run([sys.executable, "-m", "bridge.cli", "serve", "--backend", "portaudio", "--osc-port", "0"],
                       cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "cannot start" in r.stderr and "no audio device" in r.stderr and "JACK" in r.stderr


def test_serve_without_a_jack_server_exits_with_advice():
    r = subprocess.run([sys.executable, "-m", "bridge.cli", "serve", "--jack-server", "lmdm-no-such-server",
                        "--osc-port", "0"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "cannot connect to JACK server 'lmdm-no-such-server'" in r.stderr and "jackd" in r.stderr


def test_serve_on_a_busy_osc_port_exits_with_advice(jack_server):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as busy:
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "bridge.cli", "serve", "--jack-server", jack_server.name,
                            "--osc-port", str(port), "--model", "baseline"],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert f"cannot listen for OSC on 127.0.0.1:{port}" in r.stderr and "--osc-port" in r.stderr


# --- PortAudio on ALSA null devices ------------------------------------------------------
# ALSA's null plugin, defined in a private ~/.asoundrc, gives PortAudio devices to open on
# this sound-card-less machine (PortAudio initialises once per process: each case runs in
# a process of its own with HOME pointing there). A null device is not paced by a clock,
# so these show that streams open with the right layout and that the callback runs
# cleanly; they say nothing about timing.

ASOUNDRC = """
pcm.!default { type null }
pcm.lmdm_in { type null }
pcm.lmdm_out { type null }
"""

OPEN_AND_RUN = """
import json, sys, time
from bridge.backend import BackendError
from bridge.pa_io import PortAudioBackend
from bridge.rings import Exchange
from model.api import STEMS
device, inputs, midi = json.loads(sys.argv[1])
ex = Exchange(inputs, len(STEMS))
b = PortAudioBackend(ex, STEMS, device=device, sample_rate=48000, period=1024, inputs=inputs,
                     midi=midi is not None, midi_api=midi or "auto")
try:
    b.open()
except BackendError as exc:
    print(json.dumps({"error": str(exc)}))
    sys.exit(0)
b.start()
time.sleep(0.05)
b.close()
print(json.dumps({"ports": b.port_names(), "where": b.where(), "cycles": int(ex.cycles), "errors": int(ex.errors),
                  "midi_warnings": b.midi_warnings}))
"""


def run_on_null_devices(tmp_path, device, inputs=2, midi=None) -> dict:
    """Open the PortAudio backend on ALSA null devices (a private ~/.asoundrc) in a
    subprocess, run its callback briefly; midi: None (off) or an audio.midi_api."""
    import json
    import os
    (tmp_path / ".asoundrc").write_text(ASOUNDRC)
    r = subprocess.run([sys.executable, "-c", OPEN_AND_RUN, json.dumps([device, inputs, midi])], cwd=REPO,
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_portaudio_opens_an_input_and_an_output_device_and_runs_its_callback(tmp_path):
    got = run_on_null_devices(tmp_path, ["lmdm_in", "lmdm_out"])
    assert got.get("error") is None, got
    assert got["ports"] == ["in_1", "in_2", *STEMS, "mix_L", "mix_R"]
    assert got["where"] == "PortAudio devices lmdm_in (in), lmdm_out (out)"
    assert got["cycles"] > 0 and got["errors"] == 0


def test_portaudio_without_inputs_opens_an_output_stream(tmp_path):
    got = run_on_null_devices(tmp_path, "lmdm_out", inputs=0)
    assert got["ports"] == [*STEMS, "mix_L", "mix_R"] and got["where"] == "PortAudio device lmdm_out"
    assert got["cycles"] > 0 and got["errors"] == 0


def test_portaudio_names_the_device_it_cannot_find(tmp_path):
    got = run_on_null_devices(tmp_path, ["no such interface", "lmdm_out"])
    assert got["error"].startswith("PortAudio input device 'no such interface'")
    got = run_on_null_devices(tmp_path, ["lmdm_in", "no such interface"])
    assert got["error"].startswith("PortAudio output device 'no such interface'")


# --- PortAudio on a clocked device: its JACK host API --------------------------------------
# This machine's PortAudio is built with a JACK host API, whose "system" device is the JACK
# server's system ports. On a dummy JACK server (8 playback channels) that is a device
# with a clock: `lmdm serve --backend portaudio` runs there as it would on a sound card,
# and a JACK probe reads what PortAudio's own client ("PortAudio", ports in_0.., out_0..)
# plays: the four stems on outputs 0-3, the mix on 4-5.

@pytest.mark.slow
def test_serve_on_portaudio_plays_every_stem_on_a_clocked_device(jack_server_8_out, tmp_path, osc_client_factory):
    import json

    from daemonkit import FAST, JackProbe, start_daemon

    server = jack_server_8_out
    stats = tmp_path / "stats.json"
    d = probe = None
    try:
        d = start_daemon(server, tmp_path, {**FAST, "audio": {"backend": "portaudio", "device": "system"}},
                         extra=("--stats-json", str(stats)),
                         env={"JACK_DEFAULT_SERVER": server.name, "JACK_NO_START_SERVER": "1"})
        assert "PortAudio device system, 48000 Hz" in d.output()
        outs = {name: f"out_{i}" for i, name in enumerate((*STEMS, "mix_L", "mix_R"))}
        probe = JackProbe(server.name, "PortAudio", watch=tuple(outs.values()), input_port="in_0")
        c = osc_client_factory(d.osc_port)
        c.subscribe()
        since = c.mark()
        c.send("/lmdm/play")
        c.wait_for("/lmdm/status", 20, where=lambda m: m.args[0] == "playing" and m.args[4] >= 8, since=since)
        played = {m.args[0] for m in c.all("/lmdm/note", since)}
        assert played == set(STEMS), played
        for name, port in outs.items():
            assert probe.peak(port) > 0.01, (name, probe.peak(port))
        c.send("/lmdm/stop")
        c.wait_for("/lmdm/status", 10, where=lambda m: m.args[0] == "stopped", since=since)
    finally:
        if probe is not None:
            probe.close()
        rc = d.stop() if d is not None else 0
    assert rc == 0, d.output()
    s = json.loads(stats.read_text())
    assert s["callback_errors"] == 0 and s["underruns"] == 0, s
    assert s["sample_rate"] == 48000 and s["period"] == 1024


# MIDI under PortAudio goes through python-rtmidi (bridge/rtmidi_io.py); its JACK MIDI API
# (audio.midi_api: jack) makes the daemon's virtual ports JACK ports a probe can patch,
# the same code path as CoreMIDI's or ALSA's virtual ports elsewhere.

def play_six_blocks(d, probe, osc_client_factory):
    """With the probe's chord held (sent 0.3 s before play): play until block 6 ->
    (MIDI events the probe got, /lmdm/note messages)."""
    time.sleep(0.3)
    c = osc_client_factory(d.osc_port)
    c.subscribe()
    since = c.mark()
    c.send("/lmdm/play")
    c.wait_for("/lmdm/status", 20, where=lambda m: m.args[0] == "playing" and m.args[4] >= 6, since=since)
    time.sleep(0.3)
    with probe.lock:
        events = list(probe.events)
    return events, c.all("/lmdm/note", since)


@pytest.mark.slow
def test_serve_on_portaudio_has_midi_in_and_out_through_rtmidi(jack_server_8_out, tmp_path, osc_client_factory):
    from daemonkit import FAST, MidiProbe, start_daemon

    channels = {0: "bass", 1: "keys", 2: "lead", 9: "drums"}
    server = jack_server_8_out
    d = probe = None
    try:
        d = start_daemon(server, tmp_path, {**FAST, "audio": {"backend": "portaudio", "device": "system",
                                                              "midi_api": "jack"}},
                         env={"JACK_DEFAULT_SERVER": server.name, "JACK_NO_START_SERVER": "1"})
        assert "portaudio: MIDI midi_in (virtual port 'midi_in'), midi_out (virtual port 'midi_out')" in d.output()
        assert "midi_in midi_out" in d.output()  # the ports line
        probe = MidiProbe(server.name, d.client_name, chord=(52, 55, 59),  # a held E minor chord
                          daemon_in=f"{d.client_name}-midi-in:midi_in", daemon_out=f"{d.client_name}-midi-out:midi_out")
        events, osc_notes = play_six_blocks(d, probe, osc_client_factory)
    finally:
        if probe is not None:
            probe.close()
        rc = d.stop() if d is not None else 0
    assert rc == 0, d.output()
    ons = [(d_[0] & 0x0F, d_[1]) for _, d_ in events if d_[0] & 0xF0 == 0x90 and d_[2] > 0]
    assert {ch for ch, _ in ons} == set(channels), "one channel per stem, out through rtmidi"
    assert abs(len(ons) - len(osc_notes)) <= 0.2 * len(osc_notes) + 8, (len(ons), len(osc_notes))
    keys = [m.args[1] % 12 for m in osc_notes if m.args[0] == "keys" and m.arrived > osc_notes[0].arrived + 1.0]
    assert keys and set(keys) <= {4, 7, 11}, f"keys follow the E minor chord heard on midi_in: {sorted(set(keys))}"


@pytest.mark.slow
def test_serve_on_portaudio_connects_to_midi_ports_named_in_its_config(jack_server_8_out, tmp_path, osc_client_factory):
    """audio.midi_in_port names a port that is there (the probe's output): the daemon
    connects to it; audio.midi_out_port names none: a warning listing the ports there are,
    and a virtual port instead."""
    from daemonkit import FAST, MidiProbe, start_daemon

    server = jack_server_8_out
    d = probe = None
    try:
        probe = MidiProbe(server.name, None)  # its ports exist before the daemon looks for them
        d = start_daemon(server, tmp_path, {**FAST, "audio": {"backend": "portaudio", "device": "system",
                                                              "midi_api": "jack", "midi_in_port": "midiprobe:out",
                                                              "midi_out_port": "no such synth"}},
                         env={"JACK_DEFAULT_SERVER": server.name, "JACK_NO_START_SERVER": "1"})
        out = d.output()
        assert "portaudio: MIDI midi_in <- midiprobe:out, midi_out (virtual port 'midi_out')" in out, out
        assert "audio.midi_out_port 'no such synth': no such MIDI port; there are: midiprobe:in" in out, out
        probe.client.connect(f"{d.client_name}-midi-out:midi_out", probe.inp)
        probe.chord = [52, 55, 59]  # a held E minor chord, through the daemon's own connection
        events, osc_notes = play_six_blocks(d, probe, osc_client_factory)
    finally:
        if probe is not None:
            probe.close()
        rc = d.stop() if d is not None else 0
    assert rc == 0, d.output()
    assert any(d_[0] & 0xF0 == 0x90 and d_[2] > 0 for _, d_ in events), "notes out of the virtual midi_out"
    keys = [m.args[1] % 12 for m in osc_notes if m.args[0] == "keys" and m.arrived > osc_notes[0].arrived + 1.0]
    assert keys and set(keys) <= {4, 7, 11}, f"keys follow the chord on the named port: {sorted(set(keys))}"


def test_portaudio_without_a_usable_midi_system_plays_on_and_says_so(tmp_path):
    """No ALSA sequencer here: audio.midi_api alsa cannot open, the backend runs without MIDI."""
    r = run_on_null_devices(tmp_path, ["lmdm_in", "lmdm_out"], midi="alsa")
    assert r["ports"] == ["in_1", "in_2", *STEMS, "mix_L", "mix_R"], r
    assert r["cycles"] > 0 and r["errors"] == 0, r
    assert any(w.startswith("no MIDI: MIDI (alsa) is not usable here") for w in r["midi_warnings"]), r


def test_rtmidi_ports_stamp_input_where_it_arrived_and_time_output_to_its_frame():
    """The callback side of bridge/rtmidi_io.py, without opening ports: input queued by
    rtmidi's thread lands on the input frame it arrived at (clamped to the period just
    captured); output due in the period is queued for when its frame is heard, in order;
    later events and events of an old epoch are not sent."""
    from bridge.rtmidi_io import RtMidiPorts

    sr, n = 48000, 1024
    ex = Exchange(2, len(STEMS))
    ports = RtMidiPorts(ex, sr)
    ports.out_latency = 0.010
    now = time.monotonic()
    ports._in_q.extend([(now - 1.0, b"\x90\x40\x64"), (now - 0.010, b"\x90\x43\x64"), (now + 0.5, b"\xf8")])
    ex.midi_out.push(5000, b"\x90\x30\x64", epoch=0)  # stale: stop flushed epoch 0
    ex.midi_epoch = 1
    for frame, data in ((4000, b"\x99\x24\x64"),  # late (before this period): due at once
                        (4096 + 100, b"\x90\x24\x64"), (4096 + 1000, b"\x80\x24\x00"), (4096 + n + 5, b"\x90\x26\x64")):
        ex.midi_out.push(frame, data, epoch=1)
    t0 = time.monotonic()
    ports.cycle(4096, n)
    got = ex.midi_in.pop_all()
    assert [d for _, d in got] == [b"\x90\x40\x64", b"\x90\x43\x64", b"\xf8"]
    assert got[0][0] == 4096  # arrived long ago: the period's first frame
    assert abs(got[1][0] - (4096 + n - 480)) <= 48  # 10 ms before the callback: 480 frames before its end
    assert got[2][0] == 4096 + n - 1  # a clock that "arrives later" stays in the period
    sent = list(ports._out_q)
    assert [d for _, d in sent] == [b"\x99\x24\x64", b"\x90\x24\x64", b"\x80\x24\x00"]
    assert abs(sent[0][0] - (t0 + 0.010)) < 0.005  # the late one: with the period's first frame
    assert abs(sent[1][0] - sent[0][0] - 100 / sr) < 1e-6 and abs(sent[2][0] - sent[1][0] - 900 / sr) < 1e-6
    ports.cycle(4096 + n, n)
    assert [d for _, d in list(ports._out_q)[3:]] == [b"\x90\x26\x64"]


def test_rtmidi_sender_sends_each_message_in_order_not_before_its_time():
    import threading

    from bridge.rtmidi_io import RtMidiPorts

    class Recorder:  # stands in for rtmidi.MidiOut
        def __init__(self):
            self.sent = []

        def send_message(self, data):
            self.sent.append((time.monotonic(), bytes(data)))

    ports = RtMidiPorts(Exchange(0, len(STEMS)), 48000)
    ports._out = out = Recorder()
    sender = threading.Thread(target=ports._send_loop, daemon=True)
    sender.start()
    t = time.monotonic()
    ports._out_q.extend([(t + 0.05, b"\x90\x24\x64"), (t + 0.12, b"\x80\x24\x00"), (t - 1.0, b"\xf8")])
    ports._wake.set()
    deadline = time.monotonic() + 5.0
    while len(out.sent) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    ports._quit = True
    ports._wake.set()
    sender.join(1.0)
    assert [d for _, d in out.sent] == [b"\x90\x24\x64", b"\x80\x24\x00", b"\xf8"]  # queue order
    assert out.sent[0][0] >= t + 0.05 - 0.001 and out.sent[1][0] >= t + 0.12 - 0.001
