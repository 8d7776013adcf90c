"""`lmdm bench gemm --json` on the tiny preset: every GEMM of a layer timed per kernel
library at each layout's row count, and the libraries agree on the product.

Which library is faster is not asserted (a benchmark figure, docs/performance.md)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LMDM = Path(sys.executable).parent / "lmdm"


def test_bench_gemm_json_tiny():
    cmd = [str(LMDM), "bench", "gemm", "--json", "--preset", "tiny", "--repeats", "3", "--inner", "3"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    d, hidden = r["d_model"], r["hidden"]
    assert (d, hidden) == (32, 64)
    rows = {p: v["rows"] for p, v in r["points"].items()}
    assert rows == {"block_causal_step": 34, "chunk_encoding": 16, "enc_dec_context": 128, "bidirectional_step": 290}
    backends = {"mkl", "onednn", "onednn_packed"} if r["machine"]["onednn"] else {"mkl"}
    for p in r["points"].values():
        assert set(p["gemms"]) == {"qkv", "attn_out", "mlp_in", "mlp_out"}
        for name, g in p["gemms"].items():
            assert set(g) == backends
            for be, v in g.items():
                assert v["us"] > 0 and v["gflops"] > 0
                assert v["max_abs_diff"] <= 1e-4  # the same product (unit-variance outputs)
        assert set(p["layer_us"]) == backends
        assert abs(p["layer_us"]["mkl"] - sum(g["mkl"]["us"] for g in p["gemms"].values())) < 0.1
        assert p["speedup_over_mkl"]["mkl"] == 1.0
    assert r["bidirectional_gain_over_block_causal_gain"] > 0
