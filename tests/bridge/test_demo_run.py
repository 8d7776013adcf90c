"""`lmdm demo` for real: a short run on a private dummy jackd (the daemon with its
default generator, the file player, the recording, the files), and Ctrl-C in the middle
of a run on the demo's own jackd: everything it started is stopped."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import mido
import numpy as np
import pytest

from bridge.demo import read_wav
from model.api import STEMS

REPO = Path(__file__).resolve().parents[2]


def lmdm(*args) -> list[str]:
    return [sys.executable, "-m", "bridge.cli", *args]


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes containing `text` (not this test's own)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if text in cmd and state != "Z":
            found.append(cmd)
    return found


@pytest.mark.slow
def test_demo_writes_every_file_and_a_summary(jack_server, tmp_path):
    out = tmp_path / "demo"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    r = subprocess.run(lmdm("demo", "--bars", "4", "--out", str(out), "--jack-server", jack_server.name),
                       cwd=REPO, capture_output=True, text=True, timeout=240, env=env)
    assert r.returncode == 0, r.stdout + r.stderr

    # the summary on stdout
    s = r.stdout
    assert re.search(r"^  bars: +4 at 100 bpm \(9\.6 s\), model \S+, mode accompany$", s, re.M), s
    m = re.search(r"^  notes: +bass (\d+), keys (\d+), lead (\d+), drums (\d+) \((\d+) in notes\.mid\)$", s, re.M)
    assert m, s
    counts = dict(zip(STEMS, map(int, m.groups()[:4])))
    assert re.search(r"^  RTF: +\d+\.\d+ mean, \d+\.\d+ max", s, re.M), s
    assert re.search(r"^  latency: +\d+ ms", s, re.M), s
    assert re.search(r"^  underruns: \d+, xruns \d+, missed blocks \d+$", s, re.M), s
    assert "playing the input into" in r.stderr  # progress went to stderr

    # every file readable; the input and every stem sound; all the same length
    lengths = set()
    for name in ("input", *STEMS, "mix"):
        x, rate = read_wav(out / f"{name}.wav")
        assert rate == jack_server.rate
        lengths.add(x.shape[0])
        assert x.shape[0] >= 9.6 * rate
        assert np.abs(x).max() > 1e-3, f"{name}.wav is silent"
    assert len(lengths) == 1
    x, rate = read_wav(out / "input.wav")
    assert x.shape[1] == 2  # in_1 and in_2 both fed

    # notes.mid: a tempo track, then one track per stem named after it, with the notes counted
    mid = mido.MidiFile(out / "notes.mid")
    names = [next((m.name for m in t if m.type == "track_name"), None) for t in mid.tracks[1:]]
    assert names == list(STEMS)
    for stem, track in zip(STEMS, mid.tracks[1:]):
        ons = sum(1 for m in track if m.type == "note_on" and m.velocity > 0)
        assert ons == counts[stem]
    assert sum(counts.values()) > 0

    # the picture: a real PNG with a row per track
    from matplotlib.image import imread
    img = imread(out / "pianoroll.png")
    assert img.ndim == 3 and img.shape[0] > 500 and img.shape[1] > 1000

    summary = json.loads((out / "summary.json").read_text())
    assert summary["bars"] == 4 and summary["notes"] == counts
    assert summary["rtf_max"] is not None and summary["rtf_max"] > 0  # measured (speed: lmdm bench)
    assert 0 <= summary["input_offset_s"] < 1.0  # the input started within a second of recording
    assert "lmdm: ready" in (out / "daemon.log").read_text()
    assert not list(out.glob(".lmdm-demo-*"))  # the scratch session folder is gone

    # nothing left running: no daemon, no player on the server
    assert processes_mentioning(str(out)) == []
    import jack
    c = jack.Client("check", servername=jack_server.name, no_start_server=True)
    try:
        left = [p.name for p in c.get_ports() if p.name.startswith("lmdm")]
    finally:
        c.close()
    assert left == []


@pytest.mark.slow
def test_ctrl_c_stops_the_daemon_and_the_private_jackd(tmp_path):
    out = tmp_path / "demo"
    # no default server for this run: the demo starts its own dummy jackd
    env = dict(os.environ, OMP_NUM_THREADS="1", JACK_DEFAULT_SERVER=f"lmdmtest-none-{uuid.uuid4().hex[:8]}")
    rest = ""
    proc = subprocess.Popen(lmdm("demo", "--bars", "8", "--out", str(out)), cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    jackd_name = f"lmdm-demo-{proc.pid}"
    try:
        lines = []
        deadline = time.monotonic() + 180
        for line in iter(proc.stderr.readline, ""):
            lines.append(line)
            if "playing the input into" in line or time.monotonic() > deadline:
                break
        assert any("started a private dummy server" in ln and jackd_name in ln for ln in lines), "".join(lines)
        assert any("playing the input into" in ln for ln in lines), "".join(lines)
        assert processes_mentioning(f"jackd -n {jackd_name} ")  # running now
        time.sleep(2.0)  # in the middle of the recording
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = "".join(lines) + rest
    assert proc.returncode == 130, err
    assert "error: interrupted: stopping the daemon and jackd" in err, err
    assert processes_mentioning(f"jackd -n {jackd_name} ") == []
    assert processes_mentioning(str(out)) == []  # the daemon (its config lives under out)
    assert not list(out.glob(".lmdm-demo-*"))
    assert not (out / "summary.json").exists()  # no result claimed for an interrupted run
