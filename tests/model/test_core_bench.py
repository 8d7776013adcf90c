"""`lmdm bench model --json` on the tiny preset: the report's keys, numbers and plots.

Speed targets are not asserted here (they belong to the bench run on the default
preset, see docs/performance.md); this checks the report is complete and consistent."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LMDM = Path(sys.executable).parent / "lmdm"


def test_bench_model_json_tiny(tmp_path):
    sweep_png, masks_png = tmp_path / "sweep.png", tmp_path / "masks.png"
    cmd = [str(LMDM), "bench", "model", "--json", "--preset", "tiny", "--blocks", "3", "--warmup", "1",
           "--sweep", "2,4", "--sweep-blocks", "2", "--check-blocks", "2", "--threads", "1",
           "--plot", str(sweep_png), "--masks-plot", str(masks_png)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=240,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    assert r["context_frames"] == 128 and r["target_frames"] == 16 and r["steps"] == 8
    assert r["cfg_batch"] == 2 and r["block_duration_ms"] == 2000.0 and r["window_chunks"] == 9
    lay = r["layouts"]
    assert set(lay) == {"bidirectional", "enc_dec", "block_causal"}
    C, T, N = 128, 16, 8
    expect = {"bidirectional": N * (C + T + 1), "enc_dec": C + N * (T + 1), "block_causal": T + N * (T + 1)}
    for name, d in lay.items():
        assert d["token_passes"] == expect[name]
        assert d["median_ms"] > 0 and d["min_ms"] <= d["median_ms"] <= d["p90_ms"] + 1e-9
        assert abs(d["rtf"] - d["median_ms"] / 2000.0) < 1e-3
        assert abs(d["predicted_speedup"] - expect["bidirectional"] / expect[name]) < 1e-2
        assert abs(d["measured_over_predicted"] - d["speedup"] / d["predicted_speedup"]) < 1e-2
        assert d["median_cpu_ms"] > 0
    assert lay["bidirectional"]["speedup"] == 1.0
    for name in ("enc_dec", "block_causal"):  # cached == uncached, even on random weights
        assert 0.0 <= lay[name]["max_abs_diff"] <= 1e-4
    assert set(r["targets"]) == {"block_causal_speedup_ge_5", "enc_dec_speedup_ge_3",
                                 "measured_over_predicted_ge_0.7", "rtf_le_0.1", "max_abs_diff_le_1e-4"}
    assert r["targets"]["max_abs_diff_le_1e-4"] is True
    s = r["sweep"]
    assert s["context_bars"] == [2, 4] and s["context_frames"] == [32, 64]
    assert all(len(s[name]) == 2 and min(s[name]) > 0 for name in lay)
    for png in (sweep_png, masks_png):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
