"""`lmdm check`, the sound check before a gig: a real dummy JACK server, real FluidSynth,
real UDP ports, the model timed through the offline engine core. Each test runs the
command as a performer would and reads its --json report (and its exit status)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from daemonkit import FAST, start_daemon, free_udp_port

REPO = Path(__file__).resolve().parents[2]
ORDER = ["config", "soundfont", "osc", "audio", "model", "timing"]


def lmdm_check(*args: str, config: dict | None = None, tmp_path: Path | None = None,
               env: dict | None = None) -> tuple[int, dict]:
    cmd = [sys.executable, "-m", "bridge.cli", "check", "--json", *args]
    if config is not None:
        path = tmp_path / "check.yaml"
        path.write_text(yaml.safe_dump(config))
        cmd += ["--config", str(path)]
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=180,
                       env=dict(os.environ, **(env or {})))
    report = json.loads(r.stdout)
    return r.returncode, report


def by_name(report: dict) -> dict:
    return {c["name"]: c for c in report["checks"]}


@pytest.mark.slow
def test_check_passes_on_a_dummy_jack_server_and_times_the_model(jack_server):
    rc, report = lmdm_check("--jack-server", jack_server.name, "--osc-port", str(free_udp_port()),
                            "--model", "baseline", "--bpm", "120", "--blocks", "4")
    assert rc == 0 and report["ok"], report
    assert [c["name"] for c in report["checks"]] == ORDER
    assert all(c["status"] == "ok" for c in report["checks"]), report
    c = by_name(report)
    assert c["audio"]["data"] == {"sample_rate": jack_server.rate, "period": jack_server.period}
    assert c["soundfont"]["data"]["presets"]["drums"]  # the GM SoundFont's standard kit has a name
    t = c["timing"]["data"]
    assert t["blocks"] == 4 and t["block_ms"] == pytest.approx(500.0)  # one beat at 120 bpm
    assert 0 < t["step_ms_p50"] <= t["step_ms_p99"] < t["block_ms"]
    assert t["latency_ms"] >= 50.0  # engine.margin_min_ms
    assert t["notes"] > 0


@pytest.mark.slow
def test_check_names_every_problem_at_once(tmp_path):
    """No JACK server, a SoundFont that is not there, the OSC port taken: each is named
    with what to do, and the model is still loaded and checked."""
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    port = taken.getsockname()[1]
    try:
        rc, report = lmdm_check("--jack-server", "lmdm-no-such-server", "--osc-port", str(port), "--blocks", "2",
                                config={"render": {"soundfont": str(tmp_path / "missing.sf2")},
                                        "generation": {"model": "baseline"}}, tmp_path=tmp_path)
    finally:
        taken.close()
    assert rc == 1 and not report["ok"]
    c = by_name(report)
    assert c["config"]["status"] == "ok" and c["model"]["status"] == "ok"
    assert c["soundfont"]["status"] == "fail" and "missing.sf2" in c["soundfont"]["detail"]
    assert c["osc"]["status"] == "fail" and str(port) in c["osc"]["detail"]
    assert c["audio"]["status"] == "fail" and "is jackd running" in c["audio"]["detail"]
    assert c["timing"]["status"] == "fail" and "SoundFont not found" in c["timing"]["detail"]


@pytest.mark.slow
def test_check_on_portaudio_warns_of_a_missing_kit_and_a_broken_config_exits_2(jack_server_8_out, tmp_path):
    """PortAudio on a clocked device (its JACK host API over a dummy server, as in
    test_daemon_portaudio.py); a drum kit the SoundFont lacks is a warning, not a failure."""
    rc, report = lmdm_check("--backend", "portaudio", "--device", "system", "--osc-port", str(free_udp_port()),
                            "--blocks", "1",
                            config={"render": {"programs": {"drums": 127}}, "generation": {"model": "baseline"},
                                    "audio": {"midi_api": "jack"}},
                            tmp_path=tmp_path, env={"JACK_DEFAULT_SERVER": jack_server_8_out.name})
    c = by_name(report)
    assert c["soundfont"]["status"] == "warn"
    assert "no kit 127" in c["soundfont"]["detail"] and "standard kit" in c["soundfont"]["detail"]
    assert c["soundfont"]["data"]["presets"]["drums"] is None
    assert c["audio"]["status"] == "ok" and c["audio"]["detail"].startswith("PortAudio device system: 48000 Hz")
    assert "MIDI midi_in (virtual port 'midi_in'), midi_out (virtual port 'midi_out')" in c["audio"]["detail"]
    assert rc == 0 and report["ok"]  # warnings allowed
    # MIDI through ALSA, which has no sequencer here: a warning; the audio still checks out
    rc, report = lmdm_check("--backend", "portaudio", "--device", "system", "--osc-port", str(free_udp_port()),
                            "--blocks", "1", config={"generation": {"model": "baseline"}, "audio": {"midi_api": "alsa"}},
                            tmp_path=tmp_path, env={"JACK_DEFAULT_SERVER": jack_server_8_out.name})
    a = by_name(report)["audio"]
    assert a["status"] == "warn" and "no MIDI: MIDI (alsa) is not usable here" in a["detail"], a
    assert rc == 0
    rc, report = lmdm_check(config={"engine": {"bpm": 999}}, tmp_path=tmp_path)
    assert rc == 2 and not report["ok"]
    assert report["checks"][0]["name"] == "config" and "engine.bpm" in report["checks"][0]["detail"]


@pytest.mark.slow
def test_check_beside_a_running_daemon(jack_server, tmp_path):
    """Run while `lmdm serve` plays: the check's JACK client has a name of its own, and it
    says the daemon holds the OSC port and the client name."""
    d = start_daemon(jack_server, tmp_path, FAST)
    try:
        rc, report = lmdm_check("--jack-server", jack_server.name, "--osc-port", str(d.osc_port), "--blocks", "1",
                                config={**FAST, "audio": {"client_name": d.client_name}}, tmp_path=tmp_path)
        assert d.proc.poll() is None, d.output()
    finally:
        assert d.stop() == 0, d.output()
    c = by_name(report)
    assert rc == 1
    assert c["osc"]["status"] == "fail" and "lmdm serve running" in c["osc"]["detail"]
    assert c["audio"]["status"] == "warn" and repr(d.client_name) in c["audio"]["detail"]
    assert c["timing"]["status"] == "ok"
