"""The wire between the grader and a worker: JSON headers and `.npy` blobs.

A message is a 4-byte big-endian header length, a JSON header, then the
blobs the header lists. Values are encoded as JSON where JSON is exact and
tagged objects otherwise:

    {"l": [...]} list      {"t": [...]} tuple      {"d": {...}} dict (str keys)
    {"a": i} ndarray       {"s": i} numpy scalar   (blob i, np.save format)
    {"h": id, "type": name, "fn": function}        a handle to a worker object
    {"target": spec}       a target function, rebuilt in the worker

Arrays are read with `np.load(allow_pickle=False)`: no pickle ever crosses.
The reader caps sizes, so a hostile worker cannot exhaust the grader.
"""
from __future__ import annotations

import io
import json
import socket
import struct

import numpy as np

from student_lib.calls import Handle, is_plain_array, is_plain_scalar

MAX_HEADER = 4 * 1024**2
MAX_BLOBS = 512 * 1024**2


class ProtocolError(Exception):
    """The other side sent something that is not a valid message."""


def encode(value, blobs: list[bytes], encode_other=None):
    """JSON-able form of `value`; arrays appended to `blobs`."""
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value if np.isfinite(value) else {"f": repr(value)}
    if is_plain_array(value) or (is_plain_scalar(value) and isinstance(value, np.generic)):
        buf = io.BytesIO()
        np.save(buf, np.asarray(value), allow_pickle=False)
        blobs.append(buf.getvalue())
        return {"a" if isinstance(value, np.ndarray) else "s": len(blobs) - 1}
    if type(value) in (list, tuple):
        return {"l" if type(value) is list else "t": [encode(v, blobs, encode_other) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"d": {k: encode(v, blobs, encode_other) for k, v in value.items()}}
    if isinstance(value, Handle):
        return {"h": value.id, "type": value.type_name, "fn": value.function}
    if encode_other is not None:
        return encode_other(value)
    raise TypeError(f"cannot send a {type(value).__name__} to or from the sandbox")


def decode(obj, blobs: list[bytes], decode_handle=None, decode_target=None):
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if type(obj) is not dict or len(obj) not in (1, 3):
        raise ProtocolError("malformed value")
    (tag, body), = list(obj.items())[:1]
    if tag == "f":
        return float(body)
    if tag in ("a", "s"):
        try:
            arr = np.load(io.BytesIO(blobs[body]), allow_pickle=False)
        except (ValueError, IndexError, OSError, TypeError) as exc:
            raise ProtocolError(f"bad array: {exc}") from None
        return arr if tag == "a" else arr[()]
    if tag in ("l", "t"):
        items = [decode(v, blobs, decode_handle, decode_target) for v in body]
        return items if tag == "l" else tuple(items)
    if tag == "d":
        return {str(k): decode(v, blobs, decode_handle, decode_target) for k, v in body.items()}
    if tag == "h" and decode_handle is not None:
        return decode_handle(int(body), str(obj.get("type", "object")), str(obj.get("fn", "")))
    if tag == "target" and decode_target is not None:
        return decode_target(body)
    raise ProtocolError(f"unexpected value tag {tag!r}")


def send(sock: socket.socket, header: dict, blobs: list[bytes] = ()) -> None:
    header = dict(header, blobs=[len(b) for b in blobs])
    data = json.dumps(header).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)
    for blob in blobs:
        sock.sendall(blob)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket) -> tuple[dict, list[bytes]]:
    (size,) = struct.unpack(">I", _recv_exact(sock, 4))
    if size > MAX_HEADER:
        raise ProtocolError("message header too large")
    try:
        header = json.loads(_recv_exact(sock, size))
        sizes = [int(s) for s in header.get("blobs", [])]
    except (ValueError, TypeError, AttributeError):
        raise ProtocolError("message header is not valid JSON") from None
    if any(s < 0 for s in sizes) or sum(sizes) > MAX_BLOBS:
        raise ProtocolError("message too large")
    return header, [_recv_exact(sock, s) for s in sizes]
