"""`lmdm bench bridge --json` on a short run: it starts its own dummy JACK servers and
daemon, and reports every figure docs/performance.md records. (The speed targets are
checked by reading the benchmark's output in docs, never here: timings on a shared
machine are noise.)"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEYS = {"period", "sample_rate", "callback_us_p50", "callback_us_p99", "callback_p99_pct_of_period",
        "underruns", "xruns", "osc_rtt_ms_p50", "osc_rtt_ms_p99", "control_latency_ms_p50",
        "control_latency_ms_max", "periods"}


@pytest.mark.slow
def test_bench_bridge_json_reports_every_figure():
    r = subprocess.run([sys.executable, "-m", "bridge.cli", "bench", "bridge", "--json", "--seconds", "3", "--no-reference",
                        "--periods", "256,1024", "--trials", "3", "--model", "baseline"],
                       cwd=REPO, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-2000:]
    result = json.loads(r.stdout)
    assert result["bench"] == "bridge"
    assert [run["period"] for run in result["runs"]] == [256, 1024]
    for run in result["runs"]:
        assert KEYS <= set(run)
        assert run["periods"] > 3 * 48000 / run["period"] * 0.8  # the daemon's callback ran throughout
        assert 0 < run["callback_us_p50"] <= run["callback_us_p99"]
        assert run["osc_pings"] > 10 and 0 < run["osc_rtt_ms_p50"] <= run["osc_rtt_ms_p99"]
        assert run["control_latency_trials"] >= 1 and run["control_latency_ms_p50"] > 0
        # trials whose unmute fell in a rest (by the daemon's /lmdm/note) are counted apart
        assert isinstance(run["control_latency_rests"], int) and run["control_latency_rests"] >= 0
        assert run["control_latency_ms_p50"] <= run["control_latency_ms_p90"] <= run["control_latency_ms_max"]
        assert isinstance(run["generation_errors"], int)  # reported; how many depends on load
