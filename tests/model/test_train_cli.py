"""`lmdm train` end to end on a tiny dataset: progress log, loss-curve PNG, resumable
state (the step count and the log continue), exported checkpoint that loads."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bridge.cli import main as lmdm
from model.codec import PHRASE_DIM
from model.data.build import build
from model.embedded import CHECKPOINT, load_checkpoint, load_prompt_table


@pytest.mark.slow
def test_train_resumes_and_exports(tmp_path, capsys):
    table = load_prompt_table(CHECKPOINT) if (CHECKPOINT / "prompts.safetensors").exists() else None
    build(tmp_path / "data", seed=1, grooves_per_style=1, bars=5, chorales=0, held_out=0.2, midi_share=1.0,
          progress=False, prompt_load="never" if table else "lazy", prompt_table=table)
    run, ckpt, png = tmp_path / "run", tmp_path / "ckpt", tmp_path / "loss.png"
    common = ["train", "--data", str(tmp_path / "data"), "--run", str(run), "--preset", "tiny", "--batch", "4",
              "--warmup", "2", "--no-progress", "--plot", str(png), "--export", str(ckpt)]
    assert lmdm(common + ["--steps", "25"]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first["step"] == 25 and first["loss"] > 0 and first["val_loss"] > 0
    assert png.stat().st_size > 1000 and (run / "loss.png").exists()
    assert lmdm(common + ["--steps", "50"]) == 0
    out = capsys.readouterr().out
    assert "resumed" in out and json.loads(out.strip().splitlines()[-1])["step"] == 50
    log = json.loads((run / "log.json").read_text())
    assert [e["step"] for e in log] == [25, 50] and log[1]["time_s"] >= log[0]["time_s"]
    model, cfg, meta, prompts, _ = load_checkpoint(ckpt)
    assert meta["training"]["steps"] == 50 and cfg.preset == "tiny" and prompts
    # each training style's typical density control goes with the export
    assert set(meta["style_density"]) <= set(load_checkpoint(ckpt)[4].values())
    assert meta["style_density"] and all(0 <= v <= 1 for v in meta["style_density"].values())

    # a background run stopped with SIGTERM saves where it is, and resumes from there
    proc = subprocess.Popen([sys.executable, "-m", "bridge.cli", *common, "--steps", "100000",
                             "--save-every-s", "3600"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=Path(__file__).resolve().parents[2])
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("training from step 50"):
            break
    time.sleep(2.0)
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, "".join(lines) + rest
    stopped = json.loads(rest.strip().splitlines()[-1])["step"]
    assert 50 < stopped < 100000
    log = json.loads((run / "log.json").read_text())
    assert log[-1]["step"] <= stopped
    assert lmdm(common + ["--steps", str(stopped + 5)]) == 0
    assert f"resumed {run} at step {stopped}" in capsys.readouterr().out


@pytest.mark.slow
def test_new_run_from_exported_weights_with_more_context_dropout(tmp_path, capsys):
    """--init-from starts a new run from a checkpoint's weights (its config wins) and
    --ctx-drop-all changes only that training setting."""
    from model.train_cli import saved_config
    table = load_prompt_table(CHECKPOINT)
    build(tmp_path / "data", seed=1, grooves_per_style=1, bars=5, chorales=0, held_out=0.2, midi_share=1.0,
          progress=False, prompt_load="never", prompt_table=table)
    common = ["train", "--data", str(tmp_path / "data"), "--preset", "tiny", "--batch", "4", "--warmup", "2",
              "--no-progress", "--plot", ""]
    assert lmdm(common + ["--run", str(tmp_path / "a"), "--steps", "5", "--export", str(tmp_path / "ck")]) == 0
    assert lmdm(common + ["--run", str(tmp_path / "b"), "--steps", "5", "--init-from", str(tmp_path / "ck"),
                          "--ctx-drop-all", "0.9"]) == 0
    assert "from the weights of" in capsys.readouterr().out
    a, b = saved_config(tmp_path / "a"), saved_config(tmp_path / "b")
    assert b.ctx_drop_all == 0.9 and a.ctx_drop_all != 0.9
    assert {k: v for k, v in a.to_dict().items() if k != "ctx_drop_all"} == \
        {k: v for k, v in b.to_dict().items() if k != "ctx_drop_all"}
    # --phrase from a density-only checkpoint: the controls widen, the run trains and exports,
    # and resuming it keeps the widened config
    ph = common + ["--run", str(tmp_path / "c"), "--init-from", str(tmp_path / "ck"), "--phrase",
                   "--export", str(tmp_path / "ckp")]
    assert lmdm(ph + ["--steps", "5"]) == 0 and lmdm(ph + ["--steps", "8"]) == 0
    assert "resumed" in capsys.readouterr().out
    c = saved_config(tmp_path / "c")
    assert c.n_controls == 1 + PHRASE_DIM and a.n_controls == 1
    _, cfg, meta, _, _ = load_checkpoint(tmp_path / "ckp")
    assert cfg.n_controls == 1 + PHRASE_DIM and meta["controls"] == ["density", "phrase"]
    assert meta["training"]["steps"] == 8
    # the export inherits the tuned inference settings of the checkpoint it started from
    from model.embedded import set_inference_defaults
    set_inference_defaults(tmp_path / "ck", decode={"onset_threshold": 0.35, "chord_tones": 3,
                                                    "stem_scale": {"lead": np.float64(0.7)}},
                           sampling={"guidance_mode": "cfg", "own_context": False})
    assert lmdm(common + ["--run", str(tmp_path / "d"), "--steps", "3", "--init-from", str(tmp_path / "ck"),
                          "--export", str(tmp_path / "ckd")]) == 0
    got = load_checkpoint(tmp_path / "ckd")[2]
    assert got["decode"] == {"onset_threshold": 0.35, "chord_tones": 3, "stem_scale": {"lead": 0.7}}
    assert got["sampling"] == {"guidance_mode": "cfg", "own_context": False}
