"""The wire format (no pickles, capped sizes) and the result model (SPEC §4)."""
from __future__ import annotations

import io
import json
import socket
import struct
import threading

import numpy as np
import pytest

from autograder.result import SCHEMA, GradeResult, TestResult
from autograder.sandbox import protocol


def roundtrip(value):
    blobs: list[bytes] = []
    return protocol.decode(json.loads(json.dumps(protocol.encode(value, blobs))), blobs)


def test_values_roundtrip_exactly():
    value = {"a": np.arange(6, dtype=np.int8).reshape(2, 3), "s": np.float32(0.1), "f": 0.1,
             "t": (1, [2.5, None, True], "x"), "nan": float("nan"), "inf": -float("inf")}
    got = roundtrip(value)
    assert got["a"].dtype == np.int8 and np.array_equal(got["a"], value["a"])
    assert type(got["s"]) is np.float32 and got["s"] == value["s"]
    assert got["t"] == value["t"] and np.isnan(got["nan"]) and got["inf"] == -np.inf


@pytest.mark.parametrize("value", [np.array([object()], dtype=object), object(), {1: 2}])
def test_non_plain_values_are_refused(value):
    with pytest.raises(TypeError):
        protocol.encode(value, [])


def test_a_pickled_array_blob_is_never_loaded():
    buf = io.BytesIO()
    np.save(buf, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"a": 0}, [buf.getvalue()])


@pytest.mark.parametrize("message", [
    struct.pack(">I", protocol.MAX_HEADER + 1),                                   # header too large
    (lambda h: struct.pack(">I", len(h)) + h)(json.dumps({"blobs": [protocol.MAX_BLOBS + 1]}).encode()),
    struct.pack(">I", 3) + b"{{{",                                               # not JSON
    struct.pack(">I", 2) + b"\xff\xfe",                                           # not UTF-8
], ids=["header", "blobs", "json", "utf8"])
def test_oversized_or_malformed_messages_are_refused(message):
    a, b = socket.socketpair()
    b.settimeout(5)   # a message read wrongly waits for bytes that never come: fail, do not hang
    try:
        a.sendall(message)
        with pytest.raises(protocol.ProtocolError):
            protocol.Inbox(b).recv()
    finally:
        a.close()
        b.close()


def test_the_inbox_splits_messages_that_arrive_together_and_reads_large_blobs_whole():
    a, b = socket.socketpair()
    b.settimeout(5)
    try:
        inbox = protocol.Inbox(b)
        big = np.arange(3 * protocol.Inbox.CHUNK, dtype=np.uint8).tobytes()   # larger than one read
        def sender():   # a thread: the blob may not fit in the socket's buffer at once
            protocol.send(a, {"isolation": {}})
            protocol.send(a, {"ready": True}, [b"xy", big])
            protocol.send(a, {"ok": 1})
            a.shutdown(socket.SHUT_WR)

        thread = threading.Thread(target=sender, daemon=True)
        thread.start()
        assert inbox.recv()[0]["isolation"] == {}
        header, blobs, fd = inbox.recv()
        assert header["ready"] and bytes(blobs[0]) == b"xy" and bytes(blobs[1]) == big and fd == -1
        assert inbox.recv()[0]["ok"] == 1
        thread.join(5)
        with pytest.raises(EOFError):
            inbox.recv()
    finally:
        a.close()
        b.close()


def test_the_inbox_takes_a_file_descriptor_sent_with_a_message(tmp_path):
    a, b = socket.socketpair()
    path = tmp_path / "shared"
    path.write_bytes(b"shared bytes")
    try:
        with open(path, "rb") as f:
            protocol.send(a, {"op": "call"}, [b"x" * 10], fds=[f.fileno()])
        header, blobs, fd = protocol.Inbox(b).recv(want_fd=True)
        assert header["op"] == "call" and bytes(blobs[0]) == b"x" * 10 and fd >= 0
        with open(fd, "rb") as received:
            assert received.read() == b"shared bytes"
    finally:
        a.close()
        b.close()


def make_result(scores=(1.0, 0.5)) -> GradeResult:
    tests = [TestResult(f"t{i}", "relu", s, 1.0, "passed" if s == 1 else "failed") for i, s in enumerate(scores)]
    return GradeResult("activations", "alice", "graded", 7, 0.25, tests, 2.0)


def test_score_is_the_sum_of_test_scores_and_json_follows_the_spec(tmp_path):
    result = make_result()
    d = result.to_dict()
    assert d["schema"] == SCHEMA and d["score"] == 1.5 and d["max_score"] == 2.0 and d["seed"] == 7
    assert list(d)[:9] == ["schema", "assignment", "student", "status", "score", "max_score", "seed",
                           "execution_time", "tests"]
    assert set(d["tests"][0]) == {"name", "function", "score", "max_score", "status", "visibility", "output"}
    path = tmp_path / "out" / "alice.json"
    result.write_json_atomic(path)
    assert GradeResult.load(path).to_dict() == d
    assert [p.name for p in path.parent.iterdir()] == ["alice.json"]   # no temp file left


def test_from_dict_refuses_other_documents():
    with pytest.raises(ValueError, match="not an nngrade result"):
        GradeResult.from_dict({"score": 100})


def test_a_shape_whose_size_would_wrap_around_64_bits_is_refused():
    # 2**32 * 2**32 elements is 0 in int64 arithmetic: the size check must use exact integers
    with pytest.raises(protocol.ProtocolError, match="larger than its bytes"):
        protocol.decode({"a": 0, "dt": "<f8", "sh": [2**32, 2**32]}, [bytearray(8)])


def test_the_line_count_hint_stops_at_its_limit_and_leaves_no_tracer(tmp_path):
    """A long Python loop is counted up to LINE_LIMIT (enough for the hint), then runs untraced."""
    import sys

    from grading_contract.calls import LINE_LIMIT, call_student

    path = tmp_path / "student.py"
    path.write_text("def loop(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n\n"
                    "def outer(n):\n    return loop(n)\n")
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    value, report = call_student(namespace["outer"], "outer", (5,), {}, str(path))
    assert value == 10 and 10 < report.lines < 30          # every line of a short run is counted
    value, report = call_student(namespace["outer"], "outer", (3 * LINE_LIMIT,), {}, str(path))
    assert value == sum(range(3 * LINE_LIMIT)) and report.lines == LINE_LIMIT
    assert sys.gettrace() is None or "LineCounter" not in repr(sys.gettrace())


def test_an_arena_closes_while_something_still_holds_a_view_of_it():
    """Dask's sampling profiler keeps frames (and the numpy views in them) alive a little while:
    closing the shared memory then must not fail, nor pull the memory from under the view."""
    from autograder.sandbox import protocol

    arena = protocol.Arena(100)
    held = protocol._bytes_at(arena, 0, 16)
    arena.close()
    assert arena.fd == -1
    held[:] = 7                      # still mapped: unmapped when the last view goes
    assert held.sum() == 7 * 16
