"""A real OscServer on 127.0.0.1 driven by a real UDP client socket (no daemon)."""
from __future__ import annotations

import socket
import struct
import threading
import time

import pytest
from pythonosc.osc_bundle import OscBundle
from pythonosc.osc_message import OscMessage

from bridge import osc_table
from bridge.config import ConfigError
from bridge.osc import Control, OscServer
from oscfuzz import bundle, message, ntp, osc_string

TIMEOUT = 3.0  # generous: the machine is shared; no test waits this long when things work


class Client:
    """A UDP socket that talks OSC to one server and reads its replies."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.server = ("127.0.0.1" if host == "127.0.0.1" else host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(TIMEOUT)
        self.address = self.sock.getsockname()

    def send(self, data: bytes) -> None:
        self.sock.sendto(data, self.server)

    def msg(self, address: str, *args, tags: str | None = None) -> None:
        self.send(message(address, *args, tags=tags))

    def recv_raw(self, timeout: float = TIMEOUT) -> bytes:
        self.sock.settimeout(timeout)
        return self.sock.recvfrom(65536)[0]

    def recv(self, timeout: float = TIMEOUT) -> tuple[str, list]:
        m = OscMessage(self.recv_raw(timeout))
        return m.address, m.params

    def expect(self, address: str) -> list:
        got, params = self.recv()
        assert got == address, (got, params)
        return params

    def ping(self, token: int = 1) -> None:
        self.msg("/lmdm/ping", token)
        assert self.expect("/lmdm/pong") == [token]

    def silent(self, timeout: float = 0.3) -> bool:
        try:
            self.recv_raw(timeout)
        except socket.timeout:
            return True
        return False

    def close(self) -> None:
        self.sock.close()


class Harness:
    """A started server whose on_control records controls and whose values live in a dict."""

    def __init__(self, **kwargs):
        self.controls: list[tuple[float, Control]] = []
        self.arrived = threading.Event()
        self.values = dict(osc_table.PARAMS)
        self.fail: dict[str, Exception] = {}
        self.server = OscServer(kwargs.pop("host", "127.0.0.1"), 0, kwargs.pop("allow", []),
                                self.on_control, self.values.__getitem__, **kwargs)
        self.server.start()
        self.client = Client(self.server.port)

    def on_control(self, c: Control) -> None:
        if c.address in self.fail:
            raise self.fail[c.address]
        self.controls.append((time.time(), c))
        self.arrived.set()

    def close(self) -> None:
        self.client.close()
        self.server.stop()


@pytest.fixture
def h():
    harness = Harness()
    yield harness
    harness.close()


def test_ping_answers_pong_with_and_without_token(h):
    h.client.msg("/lmdm/ping")
    assert h.client.expect("/lmdm/pong") == []
    h.client.msg("/lmdm/ping", 1234)
    assert h.client.expect("/lmdm/pong") == [1234]
    h.client.msg("/lmdm/ping", 7.0)  # Pd sends floats
    assert h.client.expect("/lmdm/pong") == [7]
    h.client.send(osc_string("/lmdm/ping"))  # OSC 1.0 without a type tag string
    assert h.client.expect("/lmdm/pong") == []
    assert h.controls == []  # the server answers ping itself


def test_valid_controls_reach_on_control_coerced_with_the_sender(h):
    h.client.msg("/lmdm/bpm", 100)
    h.client.msg("/lmdm/stem/bass/mute", True, tags="T")
    h.client.msg("/lmdm/prompt", "dub", "jazz", 0.5)
    h.client.msg("/lmdm/stem/*/program", 5)
    h.client.ping()  # everything before the ping was handled in order
    got = [(c.address, c.args) for _, c in h.controls]
    assert got[:3] == [("/lmdm/bpm", (100.0,)), ("/lmdm/stem/bass/mute", (True,)),
                       ("/lmdm/prompt", ("dub", 1.0, "jazz", 0.5))]
    assert got[3:] == [(f"/lmdm/stem/{s}/program", (5,)) for s in ("bass", "keys", "lead", "drums")]
    assert all(c.sender == h.client.address for _, c in h.controls)


# (packet, error address, words in the reason)
REJECTED = {
    "unknown address": (message("/lmdm/nope", 1), "/lmdm/nope", "unknown address"),
    "feedback address": (message("/lmdm/status", "playing"), "/lmdm/status", "feedback"),
    "wrong type": (message("/lmdm/bpm", "fast"), "/lmdm/bpm", "expected a number"),
    "wrong count": (message("/lmdm/bpm", 1.0, 2.0), "/lmdm/bpm", "expected 1 argument"),
    "out of range": (message("/lmdm/bpm", 1000.0), "/lmdm/bpm", "out of range 20..300"),
    "nan": (message("/lmdm/guidance", float("nan")), "/lmdm/guidance", "finite"),
    "path as a name": (message("/lmdm/record", "../../etc"), "/lmdm/record", "session name"),
    "unknown model": (message("/lmdm/model", "/tmp/evil.pt"), "/lmdm/model", "unknown model"),
    "bad pattern": (message("/lmdm/stem/[/gain", 1.0), "/lmdm/stem/[/gain", "unclosed"),
    "garbage": (b"\x01\x02\x03\x04garbage\0", "?", "not an OSC message"),
    "empty packet": (b"", "?", "empty packet"),
    "not aligned": (b"/lmdm/ping\0", "?", "multiple of 4"),
    "unterminated address": (b"/lmdm/pingping!!", "?", "null-terminated"),
    "bad padding": (b"/lmdm/ping\0x" + osc_string(","), "?", "non-zero padding"),
    "unknown type tag": (osc_string("/lmdm/bpm") + osc_string(",c") + b"\0\0\0x", "/lmdm/bpm",
                         "unsupported type tag 'c'"),
    "no comma": (osc_string("/lmdm/bpm") + osc_string("f") + struct.pack(">f", 1), "/lmdm/bpm", "','"),
    "truncated argument": (osc_string("/lmdm/bpm") + osc_string(",fi") + struct.pack(">f", 1),
                           "/lmdm/bpm", "truncated argument"),
    "trailing bytes": (message("/lmdm/bpm", 100.0) + b"\0\0\0\0", "/lmdm/bpm", "trailing bytes"),
    "bad utf-8": (osc_string("/lmdm/prompt") + osc_string(",s") + b"\xff\xfe\0\0", "/lmdm/prompt", "UTF-8"),
    "negative blob size": (osc_string("/lmdm/ping") + osc_string(",b") + struct.pack(">i", -8),
                           "/lmdm/ping", "blob size"),
    # python-osc alone loops forever on this one (the index steps back by the element size)
    "negative bundle element": (b"#bundle\0" + ntp(None) + struct.pack(">i", -4) + b"\0" * 4,
                                "#bundle", "element size"),
    "nested too deep": (bundle(ntp(None), bundle(ntp(None), bundle(ntp(None), bundle(ntp(None), bundle(
        ntp(None), bundle(ntp(None), bundle(ntp(None), bundle(ntp(None), bundle(ntp(None)))))))))),
        "#bundle", "nested"),
    "bad bundle content": (bundle(ntp(None), b"xxxx"), "?", "not an OSC message"),
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_every_rejected_input_gets_an_error_and_the_server_keeps_serving(h, case):
    data, address, words = REJECTED[case]
    h.client.send(data)
    err_address, reason = h.client.expect("/lmdm/error")
    assert err_address == address
    assert words in reason
    h.client.ping(99)
    assert h.controls == []  # nothing rejected reached the engine
    assert h.server.counters.errors_sent == 1


def test_a_bundle_is_rejected_message_by_message(h):
    h.client.send(bundle(ntp(None), message("/lmdm/bpm", 90.0), message("/lmdm/bpm", 900.0),
                         message("/lmdm/steps", 4)))
    assert h.client.expect("/lmdm/error") == ["/lmdm/bpm", "bpm: 900 is out of range 20..300"]
    h.client.ping()
    assert [(c.address, c.args) for _, c in h.controls] == [("/lmdm/bpm", (90.0,)), ("/lmdm/steps", (4,))]


def test_on_control_errors_go_back_to_the_sender(h):
    h.fail["/lmdm/play"] = ValueError("no model loaded")
    h.fail["/lmdm/stop"] = RuntimeError("boom")
    h.client.msg("/lmdm/play")
    assert h.client.expect("/lmdm/error") == ["/lmdm/play", "no model loaded"]
    h.client.msg("/lmdm/stop")
    assert h.client.expect("/lmdm/error") == ["/lmdm/stop", "internal error: boom"]
    h.client.ping()


def test_describe_returns_every_address(h):
    h.client.msg("/lmdm/describe")
    got = [h.client.expect("/lmdm/address") for _ in osc_table.ADDRESSES]
    assert [g[0] for g in got] == [a.name for a in osc_table.ADDRESSES]
    for (name, types, rng, help_, kind), a in zip(got, osc_table.ADDRESSES):
        assert (types, rng, help_, kind) == (a.types, a.range, a.help, a.kind)
    assert h.client.silent(0.2)  # and nothing more
    h.client.msg("/lmdm/describe", "/lmdm/stem/bass/*")
    assert [h.client.expect("/lmdm/address")[0] for _ in range(3)] == \
        ["/lmdm/stem/bass/gain", "/lmdm/stem/bass/mute", "/lmdm/stem/bass/program"]
    h.client.msg("/lmdm/describe", "/nothing/*")
    assert h.client.expect("/lmdm/error")[0] == "/lmdm/describe"


def test_get_answers_values_from_the_callback(h):
    h.values.update({"bpm": 97.5, "prompt": ("dub", 1.0, "jazz", 0.5), "stem/bass/mute": True,
                     "state": "playing"})
    h.client.msg("/lmdm/get", "bpm")
    assert h.client.expect("/lmdm/value") == ["bpm", 97.5]
    h.client.msg("/lmdm/get", "prompt")
    assert h.client.expect("/lmdm/value") == ["prompt", "dub", 1.0, "jazz", 0.5]
    h.client.msg("/lmdm/get", "stem/bass/mute")
    assert h.client.expect("/lmdm/value") == ["stem/bass/mute", 1]
    h.client.msg("/lmdm/get", "state")
    assert h.client.expect("/lmdm/value") == ["state", "playing"]
    h.client.msg("/lmdm/get", "password")
    assert h.client.expect("/lmdm/error") == ["/lmdm/get", "get: unknown parameter 'password'"]
    del h.values["xruns"]  # the callback raising KeyError
    h.client.msg("/lmdm/get", "xruns")
    assert h.client.expect("/lmdm/error") == ["/lmdm/get", "get: no value for 'xruns'"]
    h.client.msg("/lmdm/get")  # everything readable
    names = []
    for _ in range(len(osc_table.PARAMS) - 1):
        name, *_ = h.client.expect("/lmdm/value")
        names.append(name)
    assert h.client.expect("/lmdm/error")[1] == "get: no value for 'xruns'"
    assert sorted(names) == sorted(n for n in osc_table.PARAMS if n != "xruns")


def test_subscribe_broadcast_and_unsubscribe(h):
    other = Client(h.server.port)
    try:
        h.client.msg("/lmdm/subscribe")
        assert h.client.expect("/lmdm/subscribed") == [h.client.address[1]]
        other.msg("/lmdm/subscribe", h.client.address[1] + 0)  # same port as client: no duplicate
        assert h.client.expect("/lmdm/subscribed") == [h.client.address[1]]
        assert h.server.subscribers == [h.client.address]
        h.client.msg("/lmdm/subscribe", h.server.port)  # feeding the daemon its own status
        assert h.client.expect("/lmdm/error") == ["/lmdm/subscribe", "subscribe: that is the daemon's own port"]
        h.server.broadcast("/lmdm/status", "playing", 120.0, 3, 1.5, 12, 0.4, 30.0, 80.0, 0, 0)
        assert h.client.expect("/lmdm/status") == ["playing", 120.0, 3, 1.5, 12,
                                                    pytest.approx(0.4), 30.0, 80.0, 0, 0]
        t0 = time.time() + 0.25
        h.server.broadcast_bundle([("/lmdm/note", ("bass", 36, 100, 250.0)),
                                   ("/lmdm/note", ("drums", 42, 80, 50.0))], t0)
        b = OscBundle(h.client.recv_raw())
        assert b.timestamp == pytest.approx(t0, abs=1e-3)
        assert [(m.address, m.params) for m in b] == [("/lmdm/note", ["bass", 36, 100, 250.0]),
                                                      ("/lmdm/note", ["drums", 42, 80, 50.0])]
        h.client.msg("/lmdm/unsubscribe")
        assert h.client.expect("/lmdm/unsubscribed") == [h.client.address[1]]
        assert h.server.subscribers == []
        h.server.broadcast("/lmdm/meter/bass", 0.5)
        assert h.client.silent(0.2)
    finally:
        other.close()


def test_a_subscriber_whose_port_refuses_is_dropped(h):
    dead = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()  # nobody listens there: every other send reports ECONNREFUSED
    h.client.msg("/lmdm/subscribe", dead_port)
    h.client.msg("/lmdm/subscribe")
    assert h.client.expect("/lmdm/subscribed") == [h.client.address[1]]
    assert len(h.server.subscribers) == 2
    for i in range(3 * h.server.max_strikes):
        h.server.broadcast("/lmdm/meter/bass", 0.1)
        time.sleep(0.002)  # let the ICMP error come back
    assert h.server.subscribers == [h.client.address]
    assert h.server.counters.subscribers_dropped == 1
    assert h.client.expect("/lmdm/meter/bass") == [pytest.approx(0.1)]


def test_future_bundle_is_applied_at_its_time_without_blocking_the_receiver(h):
    t_apply = time.time() + 1.0
    h.client.send(bundle(ntp(t_apply), message("/lmdm/bpm", 100.0), message("/lmdm/steps", 4)))
    h.client.ping(5)  # answered while the bundle waits
    assert h.controls == []
    assert h.server.pending == 2
    assert h.arrived.wait(TIMEOUT)
    deadline = time.time() + TIMEOUT
    while len(h.controls) < 2 and time.time() < deadline:
        time.sleep(0.01)
    assert [c.address for _, c in h.controls] == ["/lmdm/bpm", "/lmdm/steps"]
    for arrived_at, _ in h.controls:
        assert arrived_at >= t_apply - 1e-3  # never early (1 ms: NTP fraction rounding)
    assert h.server.pending == 0


def test_past_and_immediate_bundles_apply_at_once(h):
    h.client.send(bundle(ntp(time.time() - 5), message("/lmdm/bpm", 101.0)))
    h.client.send(bundle(ntp(None), message("/lmdm/bpm", 102.0)))
    h.client.ping()
    assert [c.args for _, c in h.controls] == [(101.0,), (102.0,)]


def test_scheduled_messages_are_capped_and_bounded_in_time():
    h = Harness(max_scheduled=3, max_ahead_s=10)
    try:
        soon = ntp(time.time() + 5)
        h.client.send(bundle(soon, *[message("/lmdm/bpm", 100.0)] * 3))
        h.client.send(bundle(soon, message("/lmdm/steps", 4)))
        assert h.client.expect("/lmdm/error") == ["/lmdm/steps", "too many scheduled messages (at most 3)"]
        h.client.send(bundle(ntp(time.time() + 60), message("/lmdm/play")))
        assert h.client.expect("/lmdm/error") == ["/lmdm/play", "timetag more than 10 s ahead"]
        h.client.ping()
        assert h.server.pending == 3 and h.controls == []
    finally:
        h.close()


def test_error_replies_are_rate_limited_per_host():
    h = Harness(error_rate=10)
    try:
        for _ in range(60):
            h.client.send(b"junkjunk")
        h.client.msg("/lmdm/ping", 8)
        errors = 0
        while (reply := h.client.recv())[0] != "/lmdm/pong":  # replies arrive in order
            errors += reply[0] == "/lmdm/error"
        c = h.server.counters
        assert c.malformed == 60
        assert c.errors_sent + c.errors_dropped == 60
        assert 10 <= c.errors_sent <= 20  # a burst of 10, plus what refilled meanwhile
        assert errors == c.errors_sent
    finally:
        h.close()


def _local_address() -> str | None:
    """A non-loopback IPv4 address of this machine, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


def test_non_loopback_bind_needs_an_allow_list():
    for host in ("0.0.0.0", "192.0.2.7"):
        with pytest.raises(ConfigError, match="osc.allow"):
            OscServer(host, 0, [], lambda c: None, lambda n: 0)


def test_packets_from_outside_the_allow_list_are_dropped_silently():
    ip = _local_address()
    if ip is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    h = Harness(host=ip, allow=["198.51.100.0/24"])  # a network this machine is not in
    try:
        outsider = Client(h.server.port, host=ip)
        try:
            outsider.msg("/lmdm/ping", 1)
            outsider.msg("/lmdm/bpm", 1000.0)  # would be an error if it were let in
            assert outsider.silent(0.4)
            assert h.server.counters.denied == 2 and h.server.counters.received == 0
        finally:
            outsider.close()
    finally:
        h.close()
    h = Harness(host=ip, allow=[f"{ip}/32"])
    try:
        insider = Client(h.server.port, host=ip)
        try:
            insider.ping(3)
        finally:
            insider.close()
    finally:
        h.close()


def test_stop_ends_both_threads():
    h = Harness()
    threads = list(h.server._threads)
    assert all(t.is_alive() for t in threads)
    h.close()
    assert not any(t.is_alive() for t in threads)
