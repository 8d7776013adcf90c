"""The worker thread: it owns the generator and the synth (bridge/engine.Voice) and runs
their commands strictly in order -- observe, generate + render, reset, model swap,
program change -- so they never run concurrently. The engine thread never waits for it:
a block it did not finish by its deadline is abandoned (Job.cancelled), its audio dropped
and the synth silenced; a block abandoned before the worker reached it is skipped.
"""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from bridge.engine import Slot, SlotOutput, Voice


@dataclass(eq=False)
class Job:
    slot: Slot
    out: SlotOutput | None = None
    cancelled: bool = False  # abandoned: the worker must not bother (engine sets)
    failed: bool = False
    dry: float = 0.0  # value of the timeline's dry row for this block
    fed: int = 0  # frames of the block already in the timeline
    announced: bool = False  # its start was reported (status, recorder notes)


class Worker:
    """Runs Voice commands in order on its own thread; results go to `results`."""

    def __init__(self, voice: Voice, results: queue.SimpleQueue, wake: threading.Event):
        self.voice = voice
        self.q: queue.SimpleQueue = queue.SimpleQueue()
        self.results = results
        self.wake = wake
        self.thread = threading.Thread(target=self._run, name="lmdm-worker", daemon=True)
        self._quit = False

    def start(self) -> None:
        self.thread.start()

    def put(self, *cmd) -> None:
        self.q.put(cmd)

    def stop(self, timeout: float = 10.0) -> None:
        """Skip every queued command and wait for the one running (a generation) to end: a
        process that exits while the worker is inside the model can abort (a backlogged
        worker behind a too-slow model did: "terminate called without an active exception")."""
        self._quit = True
        self.q.put(("quit",))
        self.thread.join(timeout)

    def _run(self) -> None:
        v = self.voice
        while True:
            cmd = self.q.get()
            kind = cmd[0]
            try:
                if kind == "quit" or self._quit:
                    return
                if kind == "observe":
                    v.observe(cmd[1], cmd[2])
                elif kind == "job":
                    self._job(cmd[1])
                elif kind == "reset":
                    v.reset()
                elif kind == "swap":
                    v.generator = cmd[1]
                    v.reset()
                elif kind == "program":
                    v.set_program(cmd[1], cmd[2])
            except Exception as exc:  # observe/reset/program failures are reported, not fatal
                self.results.put(("error", kind, exc))
                self.wake.set()

    def _job(self, job: Job) -> None:
        if job.cancelled:
            return
        try:
            out, exc = self.voice.render(job.slot), None
        except Exception as e:
            out, exc = None, e
        if job.cancelled and out is not None:
            self.voice.silence()  # its audio will never play: do not let its tails ring on
        self.results.put(("done", job, out, exc))
        self.wake.set()
