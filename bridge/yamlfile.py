"""A YAML file the daemon keeps what a performer stores in (the scenes, the MIDI controls it
learned): read once at start, rewritten whole on every change, atomically and off the
caller's thread (an OSC or engine thread must never wait for a disk). The path only ever
comes from the config file, never from the network."""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

import yaml

log = logging.getLogger("lmdm")


class YamlFile:
    """`path` holding one YAML mapping; `header` is the comment written at its top."""

    def __init__(self, path: str | Path, header: str, what: str) -> None:
        self.path = Path(path)
        self.header = header
        self.what = what  # e.g. "scenes.file": named in errors and warnings
        self._lock = threading.Lock()  # the version count (never held over a disk write)
        self._write_lock = threading.Lock()
        self._version = 0  # of the latest snapshot handed to write()
        self._written = 0  # of the latest snapshot on disk

    def read(self) -> object:
        """The file's YAML (None when it does not exist yet); ValueError naming the file if
        it cannot be read or parsed."""
        if not self.path.exists():
            return None
        try:
            return yaml.safe_load(self.path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{self.what} {self.path}: cannot read it: {exc}") from None

    def write(self, snapshot: dict) -> threading.Thread:
        """Write `snapshot` on a thread of its own (returned). Two writes in a row may run
        out of order: the older snapshot's is then skipped."""
        with self._lock:
            self._version += 1
            version = self._version
        t = threading.Thread(target=self._write, args=(version, snapshot), name="lmdm-yamlfile", daemon=True)
        t.start()
        return t

    def _write(self, version: int, snapshot: dict) -> None:
        text = "".join(f"# {line}\n" for line in self.header.splitlines()) + yaml.safe_dump(
            snapshot, sort_keys=True, allow_unicode=True)
        with self._write_lock:
            if version < self._written:
                return
            self._written = version
            tmp = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}-", dir=self.path.parent)
                with os.fdopen(fd, "w") as f:
                    f.write(text)
                os.replace(tmp, self.path)  # a reader never sees half a file
            except OSError as exc:
                log.warning("%s: cannot write %s: %s (kept in memory until the daemon stops)",
                            self.what, self.path, exc)
                if tmp is not None and os.path.exists(tmp):
                    os.unlink(tmp)
