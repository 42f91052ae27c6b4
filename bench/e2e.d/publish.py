"""Virtual boards for the end-to-end benchmark: MQTT 3.1.1 publishers on a plain socket.

    publish.py flood   HOST PORT BOARD COUNT QOS      one board, as fast as the broker takes it
    publish.py steady  HOST PORT BOARDS RATE SECONDS QOS SENDS_FILE
                                                      boards in turn at a steady total rate

Why not paho-mqtt or mosquitto_pub: on this kind of machine (2 cores shared by publishers,
broker and receiver) paho-mqtt 1.x in Python manages ~15,000 messages/s per process at QoS 0
while taking a whole core, and resends unacknowledged QoS 1 messages (duplicates); mosquitto_pub
-l keeps 20 QoS 1 messages in flight and idles at ~15,000 messages/s. Here every PUBLISH packet
is encoded before the clock starts and written in large batches, QoS 1 keeps up to 20,000
messages in flight (packet ids never reused while in flight) and counts every PUBACK, so the
publishers cost almost no CPU and the receiver is what is measured.

flood: builds its packets, connects, prints "ready", waits for a line on stdin, sends, and
prints one JSON line {"board", "sent", "qos", "seconds"} once the broker has everything (every
PUBACK for QoS 1; for QoS 0 a DISCONNECT after the last message and the broker closing the
socket, which it does only after reading every packet before it).

steady: sends message number `seq` (0, 1, ...) at start + seq / RATE, the sequence in the
optional `light` field, and writes "seq monotonic_ns" per message to SENDS_FILE.
"""

import json
import random
import socket
import struct
import sys
import threading
import time

WINDOW = 20_000
BATCH = 500


def varint(n):
    out = bytearray()
    while True:
        n, byte = n >> 7, n & 0x7F
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def utf8(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def publish_packet(topic, payload, qos, packet_id):
    if qos == 0:
        return packet(0x30, utf8(topic) + payload)
    return packet(0x32, utf8(topic) + struct.pack("!H", packet_id) + payload)


def packet_id(n):
    """1..65535, cycling (0 is not a valid packet id)."""
    return n % 65535 + 1


def readings(board, count, seed):
    """Firmware-like readings: whole numbers drifting slowly, a 2000-epoch timestamp every 5 s."""
    rng = random.Random(seed)
    temperature, humidity, timestamp = rng.randint(20, 27), rng.randint(45, 65), 817349415
    for _ in range(count):
        temperature = min(35, max(10, temperature + rng.choice((-1, 0, 0, 0, 1))))
        humidity = min(90, max(20, humidity + rng.choice((-1, 0, 0, 0, 1))))
        timestamp += 5
        yield temperature, humidity, timestamp


class Connection:
    """One MQTT 3.1.1 connection, clean session, with a thread counting PUBACKs."""

    def __init__(self, host, port, client_id):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = utf8("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) + utf8(client_id)
        self.sock.sendall(packet(0x10, body))
        connack = self._recv_exactly(4)
        if connack[0] != 0x20 or connack[3] != 0:
            raise SystemExit(f"publisher: broker refused the connection: {connack!r}")
        self.acked = 0
        self.closed = threading.Event()
        self.cond = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()

    def _recv_exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise SystemExit("publisher: the broker closed the connection")
            data += chunk
        return data

    def _reader(self):
        buffer = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                self.closed.set()
                with self.cond:
                    self.cond.notify_all()
                return
            buffer += chunk
            # The broker sends only PUBACKs (4 bytes each) to a publisher that subscribes to nothing.
            whole = len(buffer) // 4
            if any(buffer[i * 4] != 0x40 for i in range(0, whole, max(1, whole // 8 or 1))):
                raise SystemExit(f"publisher: unexpected packet from the broker: {buffer[:8]!r}")
            buffer = buffer[whole * 4:]
            with self.cond:
                self.acked += whole
                self.cond.notify_all()

    def wait_acked(self, n):
        with self.cond:
            while self.acked < n and not self.closed.is_set():
                self.cond.wait(1.0)
        if self.acked < n:
            raise SystemExit(f"publisher: {n - self.acked} messages never acknowledged")

    def finish(self, qos, sent):
        if qos:
            self.wait_acked(sent)
        self.sock.sendall(packet(0xE0, b""))
        self.closed.wait(30)


def flood(host, port, board, count, qos):
    topic = f"hexaboard/{board}/sensor/data"
    packets = [
        publish_packet(
            topic,
            b'{"board": "%s", "temperature": %d, "humidity": %d, "timestamp": %d}'
            % (board.encode(), t, h, ts),
            qos,
            packet_id(i),
        )
        for i, (t, h, ts) in enumerate(readings(board, count, ord(board[0])))
    ]
    conn = Connection(host, port, f"e2e-pub-{board}-{time.monotonic_ns()}")
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    for first in range(0, count, BATCH):
        if qos:
            conn.wait_acked(first + BATCH - WINDOW)
        conn.sock.sendall(b"".join(packets[first:first + BATCH]))
    conn.finish(qos, count)
    seconds = time.monotonic() - start
    print(json.dumps({"board": board, "sent": count, "qos": qos, "seconds": seconds}), flush=True)


def steady(host, port, boards, rate, seconds, qos, sends_file):
    boards = boards.split(",")
    total = int(rate * seconds)
    values = {b: readings(b, total, ord(b[0])) for b in boards}
    packets = []
    for seq in range(total):
        board = boards[seq % len(boards)]
        t, h, ts = next(values[board])
        payload = b'{"board": "%s", "temperature": %d, "humidity": %d, "light": %d, "timestamp": %d}' % (
            board.encode(), t, h, seq, ts)
        packets.append(publish_packet(f"hexaboard/{board}/sensor/data", payload, qos, packet_id(seq)))
    conn = Connection(host, port, f"e2e-steady-{time.monotonic_ns()}")
    print("ready", flush=True)
    sys.stdin.readline()
    sent_at = []
    start = time.monotonic_ns()
    interval = 1e9 / rate
    for seq, data in enumerate(packets):
        due = start + int(seq * interval)
        while True:
            now = time.monotonic_ns()
            if now >= due:
                break
            time.sleep(min((due - now) / 1e9, 0.0005))
        sent_at.append(time.monotonic_ns())
        conn.sock.sendall(data)
    conn.finish(qos, total)
    with open(sends_file, "w") as f:
        f.writelines(f"{seq} {ns}\n" for seq, ns in enumerate(sent_at))
    print(json.dumps({"sent": total, "qos": qos, "seconds": (time.monotonic_ns() - start) / 1e9}), flush=True)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "flood":
        flood(host, port, sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif mode == "steady":
        steady(host, port, sys.argv[4], float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), sys.argv[8])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
