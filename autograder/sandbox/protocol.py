"""The wire between the grader and a worker: JSON headers, raw array bytes, shared arguments.

A message is a 4-byte big-endian header length, a JSON header, then the
blobs the header lists (their lengths in header["blobs"]). A call's array
arguments travel instead in a shared-memory file (`Arena`, a memfd passed once,
SCM_RIGHTS, and reused): the worker's arrays are views of it, so an in-place
write by student code is seen by the grader itself, after the call, in memory
the grader owns. Values are JSON where JSON is exact, tagged objects otherwise:

    {"l": [...]} list      {"t": [...]} tuple      {"d": {...}} dict (str keys)
    {"a": i, "dt": "<f8", "sh": [2, 3]}   ndarray, raw bytes in blob i
    {"s": i, "dt": "<f4"}                 numpy scalar, raw bytes in blob i
    {"m": i, "dt": ..., "sh": ...}        ndarray argument, at header["shm"][i] in the shared file
    {"h": id, "type": name, "fn": function}    a handle to a worker object
    {"w": kind, "spec": ...}                   a wire spec (e.g. a target function), rebuilt in the worker

Only numeric, boolean and fixed-width text dtypes are accepted (regex below):
no object dtype, no structured dtype, never a pickle. Sizes are capped so a
hostile worker cannot exhaust the grader.
"""
from __future__ import annotations

import fcntl
import json
import math
import mmap
import os
import re
import socket
import struct

import numpy as np

from grading_contract.calls import Handle, is_plain_array, is_plain_scalar

MAX_HEADER = 4 * 1024**2
MAX_BLOBS = 512 * 1024**2
MAX_DIMS = 32
PLAIN_DTYPE = re.compile(r"^[<>|=]?[biufcSU][0-9]{1,3}$")
ALIGN = 64
SMALL = 4096      # bytes: below this, an array argument is copied and compared as bytes


class ProtocolError(Exception):
    """The other side sent something that is not a valid message."""


_DTYPES: dict[str, np.dtype] = {}    # accepted dtype strings, remembered (the first 256 seen)


def plain_dtype(text) -> np.dtype:
    dtype = _DTYPES.get(text) if type(text) is str else None
    if dtype is None:
        if not isinstance(text, str) or not PLAIN_DTYPE.match(text):
            raise ProtocolError(f"refused dtype {text!r}")
        dtype = np.dtype(text)
        if len(_DTYPES) < 256:
            _DTYPES[text] = dtype
    return dtype


class Arena:
    """The grader's shared-memory file for one worker's array arguments, reused call after call.

    A sealed memfd (it can neither shrink nor grow, so a worker holding it cannot
    make the grader's mapping fault) mapped here; its fd goes to the worker with
    the first call that uses it. The worker maps it once. After each call the worker
    says whether student code still holds views of it (a backprop cache keeping
    `x`): then the grader retires it and the next call gets a new one, so kept
    arrays never change under the student's feet.
    """

    MIN_SIZE = 1 << 20   # pages are only allocated when touched

    def __init__(self, size: int):
        self.size = max(self.MIN_SIZE, -(-size // mmap.PAGESIZE) * mmap.PAGESIZE)
        self.fd = os.memfd_create("nngrade-args", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        try:
            os.ftruncate(self.fd, self.size)
            fcntl.fcntl(self.fd, fcntl.F_ADD_SEALS,
                        fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
            self.view = mmap.mmap(self.fd, self.size)
        except BaseException:
            os.close(self.fd)
            raise

    def close(self) -> None:
        try:
            self.view.close()
        except BufferError:   # a view is still referenced (e.g. by a sampling profiler's frame, as
            pass              # Dask's workers keep one): unmapped when the last view goes
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class SharedArgs:
    """One call's array arguments: laid out in an Arena, sent, and compared after the call."""

    def __init__(self):
        self.arrays: list[np.ndarray] = []
        self.offsets: list[int] = []
        self.size = 0

    def add(self, array: np.ndarray) -> dict:
        array = _contiguous(array)
        self.offsets.append(self.size)
        self.arrays.append(array)
        self.size += -(-max(array.nbytes, 1) // ALIGN) * ALIGN
        return {"m": len(self.arrays) - 1, "dt": array.dtype.str, "sh": list(array.shape)}

    # Small arrays go through bytes objects (fewer Python steps); large ones through numpy views of
    # the mapping, which copy and compare once (slicing an mmap copies: 10x slower at 30 000 numbers).
    def write(self, arena: Arena) -> None:
        for array, offset in zip(self.arrays, self.offsets):
            if array.nbytes <= SMALL:
                arena.view[offset:offset + array.nbytes] = array.tobytes()
            else:
                _bytes_at(arena, offset, array.nbytes)[:] = _bytes_of(array)

    def changed(self, arena: Arena) -> list[int]:
        """Indices of the arrays whose bytes differ from what was sent: written in place."""
        return [i for i, (a, off) in enumerate(zip(self.arrays, self.offsets))
                if (arena.view[off:off + a.nbytes] != a.tobytes() if a.nbytes <= SMALL
                    else not np.array_equal(_bytes_at(arena, off, a.nbytes), _bytes_of(a)))]


def _bytes_at(arena: Arena, offset: int, n: int) -> np.ndarray:
    """n bytes of the arena as a uint8 array (a view: never keep it past the arena's life)."""
    return np.frombuffer(arena.view, np.uint8, n, offset)


def _bytes_of(array: np.ndarray) -> np.ndarray:
    """A C-contiguous array's bytes as a uint8 view (bitwise: NaN equals itself)."""
    return array.reshape(-1).view(np.uint8)


def _contiguous(array: np.ndarray) -> np.ndarray:
    """A C-contiguous array of the same shape (np.ascontiguousarray turns 0-d into 1-d)."""
    return array if array.flags.c_contiguous else array.copy(order="C")


def encode(value, blobs: list, encode_other=None, shared: SharedArgs | None = None):
    """JSON-able form of `value`; array bytes appended to `blobs` (or to `shared`, for arguments)."""
    if value is None or type(value) in (bool, str, int):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"f": repr(value)}
    if is_plain_array(value):
        if shared is not None:
            return shared.add(value)
        blobs.append(value.tobytes())   # C order, whatever the array's layout
        return {"a": len(blobs) - 1, "dt": value.dtype.str, "sh": list(value.shape)}
    if is_plain_scalar(value) and isinstance(value, np.generic):
        blobs.append(value.tobytes())
        return {"s": len(blobs) - 1, "dt": value.dtype.str}
    if type(value) in (list, tuple):
        return {"l" if type(value) is list else "t": [encode(v, blobs, encode_other, shared) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"d": {k: encode(v, blobs, encode_other, shared) for k, v in value.items()}}
    if isinstance(value, Handle):
        return {"h": value.id, "type": value.type_name, "fn": value.function}
    if encode_other is not None:
        return encode_other(value)
    raise TypeError(f"cannot send a {type(value).__name__} to or from the sandbox")


def _array(buffer, dtype_text, shape, offset: int = 0) -> np.ndarray:
    dtype = plain_dtype(dtype_text)
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(
            type(n) is int and n >= 0 for n in shape):
        raise ProtocolError("bad array shape")
    count = math.prod(shape)   # exact (Python ints): a huge shape cannot wrap around
    if offset < 0 or offset + count * dtype.itemsize > len(buffer):
        raise ProtocolError("array larger than its bytes")
    return np.ndarray(tuple(shape), dtype, buffer=buffer, offset=offset)


def decode(obj, blobs: list, decode_handle=None, decode_spec=None, shared=None):
    """The value `encode` described. `shared`: (mmap, offsets) of a call's shared arguments."""
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if type(obj) is not dict or not obj:
        raise ProtocolError("malformed value")
    tag, body = next(iter(obj.items()))
    try:
        if tag == "f":
            return float(body)
        if tag == "a":
            return _array(blobs[body], obj.get("dt"), obj.get("sh"))
        if tag == "s":
            return _array(blobs[body], obj.get("dt"), [])[()]
        if tag == "m" and shared is not None:
            view, offsets = shared
            return _array(view, obj.get("dt"), obj.get("sh"), int(offsets[body]))
    except (IndexError, TypeError, ValueError) as exc:
        raise ProtocolError(f"bad array: {exc}") from None
    if tag in ("l", "t") and type(body) is list:
        items = [decode(v, blobs, decode_handle, decode_spec, shared) for v in body]
        return items if tag == "l" else tuple(items)
    if tag == "d" and type(body) is dict:
        return {str(k): decode(v, blobs, decode_handle, decode_spec, shared) for k, v in body.items()}
    if tag == "h" and decode_handle is not None:
        return decode_handle(int(body), str(obj.get("type", "object")), str(obj.get("fn", "")))
    if tag == "w" and decode_spec is not None:
        return decode_spec(str(body), obj.get("spec"))
    raise ProtocolError(f"unexpected value tag {tag!r}")


# Compact JSON, encoded and decoded by instances made once (json.dumps with separators builds an
# encoder per call). No cycle check: `encode` builds fresh trees (a cyclic value ends in RecursionError).
_to_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
_from_json = json.JSONDecoder().decode


def send(sock: socket.socket, header: dict, blobs: list = (), fds: list[int] = ()) -> None:
    header = dict(header, blobs=[len(b) for b in blobs])
    data = _to_json(header).encode()
    first = struct.pack(">I", len(data)) + data
    if fds:
        sent = socket.send_fds(sock, [first], list(fds))
        first = first[sent:]
    parts = [p for p in (first, *blobs) if p]     # (an empty send is still a system call)
    if not parts:
        return
    if sum(len(p) for p in parts) <= 1 << 16:
        sock.sendall(b"".join(parts))
    else:
        for part in parts:
            sock.sendall(part)


class Inbox:
    """The messages arriving on one socket, read in as few system calls as their bytes allow.

    A call's reply (length, header and blobs) usually arrives at once: one read of up to
    CHUNK bytes takes it all, where reading each part exactly cost a read (and, with a
    timeout, a poll) per part. Bytes past the end of a message (a worker's first two
    messages can come together) wait here for the next `recv`. A blob larger than what is
    buffered is read straight into its own buffer, never past its end.
    """

    CHUNK = 1 << 16
    MAX_FDS = 4

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._buf = bytearray(self.CHUNK)
        self._start = self._end = 0     # the unread bytes: _buf[_start:_end]
        self._fds: list[int] = []       # file descriptors that came with the unread bytes

    def _fill(self, want_fd: bool) -> None:
        """One read into the free end of the buffer (moving unread bytes to its front first)."""
        if self._start:
            unread = self._end - self._start
            self._buf[:unread] = self._buf[self._start:self._end]
            self._start, self._end = 0, unread
        view = memoryview(self._buf)[self._end:]
        if want_fd:
            n, ancillary, _, _ = self.sock.recvmsg_into([view], socket.CMSG_SPACE(4 * self.MAX_FDS))
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    self._fds += struct.unpack(f"{len(data) // 4}i", data[:len(data) - len(data) % 4])
        else:
            n = self.sock.recv_into(view)
        if not n:
            raise EOFError("the other side closed the connection")
        self._end += n

    def _take(self, n: int, want_fd: bool = False) -> bytearray:
        """The next n bytes (a buffer of their own)."""
        if n <= self.CHUNK:
            while self._end - self._start < n:
                self._fill(want_fd)
            out = self._buf[self._start:self._start + n]
            self._start += n
            return out
        out = bytearray(n)      # a large blob: what is buffered, then the rest read in place
        got = min(n, self._end - self._start)
        out[:got] = self._buf[self._start:self._start + got]
        self._start += got
        view = memoryview(out)
        while got < n:
            k = self.sock.recv_into(view[got:], n - got)
            if not k:
                raise EOFError("the other side closed the connection")
            got += k
        return out

    def recv(self, want_fd: bool = False) -> tuple[dict, list, int]:
        """(header, blobs, fd or -1). With `want_fd`, a file descriptor sent with the header is taken."""
        (size,) = struct.unpack(">I", self._take(4, want_fd))
        if size > MAX_HEADER:
            raise ProtocolError("message header too large")
        try:
            header = _from_json(self._take(size).decode())
            sizes = [int(s) for s in header.get("blobs", [])]
        except (ValueError, TypeError, AttributeError):
            raise ProtocolError("message header is not valid JSON") from None
        if any(s < 0 for s in sizes) or sum(sizes) > MAX_BLOBS:
            raise ProtocolError("message too large")
        fds, self._fds = self._fds, []
        for extra in fds[1:]:
            os.close(extra)
        return header, [self._take(s) for s in sizes], fds[0] if fds else -1
