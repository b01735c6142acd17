#!/usr/bin/env python3
"""Host-side checks of zdtm-agent over a socketpair (no VM): python3 test_agent.py ./zdtm-agent"""
import os, socket, struct, subprocess, sys, time, tempfile

OK, ERROR, HELLO = 128, 129, 130


def tlv(tag, data):
    if isinstance(data, str):
        data = data.encode()
    return struct.pack("<BI", tag, len(data)) + data


def u32(tag, v):
    return tlv(tag, struct.pack("<I", v))


class Agent:
    def __init__(self, binary):
        self.sock, theirs = socket.socketpair()
        env = dict(os.environ, ZDTM_AGENT_LOCK=tempfile.mktemp())
        self.proc = subprocess.Popen([binary, "fd:%d" % theirs.fileno()], pass_fds=[theirs.fileno()], env=env)
        theirs.close()
        self.sock.settimeout(10)
        self.buf = b""
        self.next_id = 1

    def recv(self):
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack_from("<I", self.buf)
                if len(self.buf) >= 4 + n:
                    body, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
                    rid, kind = struct.unpack_from("<IB", body)
                    fields, off = {}, 5
                    while off < len(body):
                        tag, ln = struct.unpack_from("<BI", body, off)
                        fields.setdefault(tag, []).append(body[off + 5:off + 5 + ln])
                        off += 5 + ln
                    return rid, kind, fields
            chunk = self.sock.recv(65536)
            assert chunk, "agent closed the channel"
            self.buf += chunk

    def send(self, op, *fields, rid=None):
        rid = self.next_id if rid is None else rid
        self.next_id += 1
        body = struct.pack("<IB", rid, op) + b"".join(fields)
        self.sock.sendall(struct.pack("<I", len(body)) + body)
        return rid

    def call(self, op, *fields):
        rid = self.send(op, *fields)
        got = self.recv()
        assert got[0] == rid, got
        return got

    def close(self):
        self.sock.close()
        self.proc.wait(5)


def exit_of(f):
    return struct.unpack("<i", f[10][0])[0]


def main(binary):
    a = Agent(binary)
    rid, kind, f = a.recv()
    assert (rid, kind) == (0, HELLO) and struct.unpack("<I", f[21][0])[0] == 1

    _, kind, f = a.call(1)
    assert kind == OK and 21 in f

    _, kind, f = a.call(2, tlv(1, "sh"), tlv(1, "-c"), tlv(1, "cat; echo err >&2; exit 3"), tlv(4, "in"))
    assert kind == OK and exit_of(f) == 3 and f[11][0] == b"in" and f[12][0] == b"err\n", f

    t = time.monotonic()
    _, kind, f = a.call(2, tlv(1, "sh"), tlv(1, "-c"), tlv(1, "sleep 30 & sleep 30"), u32(5, 300))
    assert kind == OK and f[13][0] == b"\x01" and exit_of(f) == 137 and time.monotonic() - t < 3, f

    _, kind, f = a.call(2, tlv(1, "/nonexistent"))
    assert kind == ERROR and b"/nonexistent" in f[19][0], f

    _, kind, f = a.call(2, tlv(1, "env"), tlv(2, "ZDTM_X=42"), tlv(3, "/"), tlv(99, "ignored"))
    assert b"ZDTM_X=42" in f[11][0]

    # concurrent EXECs answer out of order
    slow = a.send(2, tlv(1, "sleep"), tlv(1, "1"))
    fast = a.send(2, tlv(1, "true"))
    assert [a.recv()[0], a.recv()[0]] == [fast, slow]

    d = tempfile.mkdtemp()
    _, kind, f = a.call(7, tlv(16, d + "/f"), tlv(17, b"\x00\x01data"), u32(18, 0o600))
    assert kind == OK and os.stat(d + "/f").st_mode & 0o777 == 0o600
    _, kind, f = a.call(6, tlv(16, d + "/f"))
    assert f[17][0] == b"\x00\x01data"
    _, kind, f = a.call(6, tlv(16, d + "/missing"))
    assert kind == ERROR and struct.unpack("<I", f[20][0])[0] == 2

    _, kind, f = a.call(3, tlv(1, "sh"), tlv(1, "-c"), tlv(1, "echo out; exit 7"), tlv(7, d + "/out"))
    pid = struct.unpack("<I", f[14][0])[0]
    _, kind, f = a.call(4, u32(14, pid), u32(5, 5000))
    assert kind == OK and exit_of(f) == 7 and open(d + "/out").read() == "out\n", f
    _, kind, f = a.call(4, u32(14, pid))  # remembered
    assert exit_of(f) == 7

    _, kind, f = a.call(3, tlv(1, "sleep"), tlv(1, "30"))
    pid = struct.unpack("<I", f[14][0])[0]
    _, kind, f = a.call(4, u32(14, pid), u32(5, 100))
    assert kind == OK and f[13][0] == b"\x01" and 10 not in f
    _, kind, _ = a.call(5, u32(14, pid), u32(15, 15))
    assert kind == OK
    _, kind, f = a.call(4, u32(14, pid), u32(5, 5000))
    assert exit_of(f) == 128 + 15

    # orphans of a command are reaped by the subreaper and WAIT-able
    _, kind, f = a.call(2, tlv(1, "sh"), tlv(1, "-c"), tlv(1, "(sleep 0.2; exit 5) >/dev/null 2>&1 & echo $!"))
    orphan = int(f[11][0])
    _, kind, f = a.call(4, u32(14, orphan), u32(5, 5000))
    assert kind == OK and exit_of(f) == 5, f

    # bad frames: bad TLV, unknown op, then a bad length; the agent keeps serving
    _, kind, f = a.call(2, b"\x01\xff\xff\x00\x00")
    assert kind == ERROR and b"bad frame" in f[19][0]
    _, kind, _ = a.call(42)
    assert kind == ERROR
    a.sock.sendall(struct.pack("<I", 2))
    rid, kind, _ = a.recv()
    assert (rid, kind) == (0, ERROR)
    time.sleep(0.1)
    _, kind, _ = a.call(1)
    assert kind == OK

    a.close()
    print("zdtm-agent host checks: OK")


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./zdtm-agent"))
