"""The measurements: a receiver on a fresh broker, fed by publish.py, watched through its file."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import database
from broker import Broker, cpu_seconds, free_port, memory_kib

HERE = os.path.dirname(os.path.abspath(__file__))
PUBLISH = os.path.join(HERE, "publish.py")
CHAPTER = os.path.join(HERE, "chapter_save.py")
PAGES = os.path.join(HERE, "pages.py")
TOPIC = "hexaboard/+/sensor/data"
# Receivers that are `hexaboard record` into a database store.
DATABASE_RECEIVERS = ("hexaboard_sqlite", "hexaboard_postgres")
QUIET = 5.0


class Receiver:
    """How to start one receiver and where its rows land. `vs` is the second hexaboard binary
    that `hexaboard_vs` runs (`bench/e2e --vs`); `pages` the event streams kept open on
    `hexaboard_serve` (pages.py)."""

    def __init__(self, name, hexaboard=None, vs=None, pages=0):
        self.name = name
        self.hexaboard = hexaboard
        self.vs = vs
        self.pages = pages

    def start(self, broker, qos, workdir):
        env = dict(os.environ)
        env.update(
            MQTT_BROKER="127.0.0.1",
            MQTT_PORT=str(broker.port),
            MQTT_TLS="off",
            MQTT_QOS=str(qos),
            TOPIC_SENSOR=TOPIC,
            CSV_FILE=os.path.join(workdir, "sensor_data.csv"),
            HEXABOARD_LANG="en",
            MQTT_CLIENT_ID=f"e2e-{self.name}-{os.getpid()}-{time.monotonic_ns()}",
        )
        for name in ("MQTT_USER", "MQTT_PASSWORD", "MQTT_CA_FILE", "MQTT_TLS_INSECURE", "MQTT_VERSION"):
            env.pop(name, None)
        self.stdout = open(os.path.join(workdir, "stdout"), "wb")
        self.stderr = open(os.path.join(workdir, "stderr"), "wb")
        self.database = None
        self.page_proc = None
        self.page_result = None
        if self.name in ("hexaboard", "hexaboard_vs"):
            binary = self.hexaboard if self.name == "hexaboard" else self.vs
            command = [binary, "record", "--quiet"]
            self.output, self.header_lines = env["CSV_FILE"], 1
        elif self.name == "hexaboard_serve":
            # The same record into the CSV, with the page served and its event streams open.
            self.web_port = free_port()
            command = [self.hexaboard, "serve", "--record", "--listen", f"127.0.0.1:{self.web_port}"]
            self.output, self.header_lines = env["CSV_FILE"], 1
        elif self.name in DATABASE_RECEIVERS:
            # The same record, into a database (see database.py): rows counted by the database.
            command = [self.hexaboard, "record", "--quiet"]
            if self.name == "hexaboard_sqlite":
                env["STORE"] = os.path.join(workdir, "readings.db")
                self.database = database.SqliteRows(env["STORE"])
            else:
                self.server = database.PostgresServer(workdir)
                env["STORE"] = self.server.url()
                self.database = database.PostgresRows(self.server)
            self.output, self.header_lines = None, 0
        elif self.name == "paho_bare":
            command = [os.path.join(os.path.dirname(self.hexaboard), "paho-bare")]
            self.output, self.header_lines = os.path.join(workdir, "stdout"), 0
        elif self.name == "mosquitto_sub":
            command = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", TOPIC,
                       "-q", str(qos), "-i", env["MQTT_CLIENT_ID"]]
            self.output, self.header_lines = os.path.join(workdir, "stdout"), 0
        elif self.name == "python":
            command = [sys.executable, CHAPTER]
            self.output, self.header_lines = env["CSV_FILE"], 1
        else:
            raise SystemExit(f"unknown receiver {self.name}")
        self.workdir = workdir
        self.proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=self.stdout,
                                     stderr=self.stderr, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while broker.subscriptions() < 1:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ReceiverFailed(f"{self.name} did not subscribe: {self.tail()}")
            time.sleep(0.005)
        if self.name == "hexaboard_serve" and self.pages:
            self.open_pages()
        return self

    def open_pages(self):
        """Opens `pages` event streams on the page (pages.py) and waits for all to answer."""
        self.page_proc = subprocess.Popen([sys.executable, PAGES, "127.0.0.1", str(self.web_port), str(self.pages)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if self.page_proc.stdout.readline().strip() != "ready":
            self.page_proc.kill()
            self.page_proc.wait()
            self.page_proc = None
            self.stop()
            raise ReceiverFailed(f"{self.name}: the event streams did not open: {self.tail()}")

    def close_pages(self):
        """Ends the event streams; what they received, with their process's CPU, goes to
        `page_result`."""
        if self.page_proc is None:
            return
        cpu = cpu_seconds(self.page_proc.pid)
        out, _ = self.page_proc.communicate("stop\n", timeout=30)
        lines = out.strip().splitlines()
        self.page_result = json.loads(lines[-1]) if lines else None
        if self.page_result is not None:
            self.page_result["cpu_seconds"] = cpu
        self.page_proc = None

    def tail(self):
        with open(os.path.join(self.workdir, "stderr"), "rb") as f:
            text = f.read()[-600:].decode(errors="replace").strip()
        return text or f"exit code {self.proc.poll()}"

    def rows(self):
        if self.database is not None:
            return self.database.count()
        with open(self.output, "rb") as f:
            return max(0, f.read().count(b"\n") - self.header_lines)

    def row_tail(self):
        """What counts the rows as they land: the output file's new lines, or the database."""
        return self.database if self.database is not None else Tail(self.output)

    def rejects(self):
        path = os.path.join(self.workdir, "sensor_data.csv.rejects.jsonl")
        if not os.path.exists(path):
            return 0
        with open(path, "rb") as f:
            return f.read().count(b"\n")

    def stop(self):
        """SIGINT (Ctrl+C), then SIGTERM, then SIGKILL; returns the exit code. The event
        streams, if any, are ended first."""
        self.close_pages()
        for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if self.proc.poll() is not None:
                break
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        self.stdout.close()
        self.stderr.close()
        return self.proc.returncode

    def close(self):
        """Ends what outlives the receiver's process: the database connection and server."""
        if self.database is not None:
            self.database.close()
        if getattr(self, "server", None) is not None:
            self.server.stop()


class ReceiverFailed(Exception):
    """A receiver that could not be started or measured."""


class Tail:
    """Reads what was appended to a file since the last call."""

    def __init__(self, path):
        while not os.path.exists(path):
            time.sleep(0.001)
        self.fd = os.open(path, os.O_RDONLY)
        self.partial = b""

    def lines(self):
        data = b""
        while True:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                break
            data += chunk
        if not data:
            return []
        *complete, self.partial = (self.partial + data).split(b"\n")
        return complete

    def newlines(self):
        total = 0
        while True:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return total
            total += chunk.count(b"\n")

    def close(self):
        os.close(self.fd)


def start_publishers(args_list):
    procs = [subprocess.Popen([sys.executable, PUBLISH, *map(str, args)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for args in args_list]
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            raise SystemExit("a publisher did not start")
    return procs


def go(procs):
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()


def finish_publishers(procs):
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=600)
        if p.returncode:
            raise SystemExit(f"a publisher failed (exit {p.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def throughput(receiver, qos, boards, count, scratch, progress=None):
    """`boards` x `count` readings flooded at `qos`; the receiver's rows counted as they land."""
    with tempfile.TemporaryDirectory(dir=scratch) as workdir:
        broker = Broker(workdir)
        try:
            rec = receiver.start(broker, qos, workdir)
            try:
                return _throughput(rec, broker, qos, boards, count, progress)
            finally:
                rec.stop()
                rec.close()
        finally:
            broker.stop()


def _throughput(rec, broker, qos, boards, count, progress):
    ids = [chr(ord("A") + i) for i in range(boards)]
    pubs = start_publishers([("flood", "127.0.0.1", broker.port, b, count, qos) for b in ids])
    expected = boards * count + rec.header_lines
    tail = rec.row_tail()
    seen = tail.newlines()
    cpu0, broker_cpu0 = cpu_seconds(rec.proc.pid), broker.cpu_seconds()
    rss0, _ = memory_kib(rec.proc.pid)
    t0 = time.monotonic()
    go(pubs)
    last_growth, samples, next_sample = t0, [], t0
    while seen < expected:
        grown = tail.newlines()
        now = time.monotonic()
        if grown:
            seen += grown
            last_growth = now
        elif now - last_growth > QUIET or rec.proc.poll() is not None:
            break
        if now >= next_sample:
            samples.append((round(now - t0, 3), seen - rec.header_lines, memory_kib(rec.proc.pid)[0]))
            next_sample = now + 0.5
            if progress:
                progress(seen - rec.header_lines, boards * count)
        time.sleep(0.002 if grown else 0.005)
    done = last_growth
    alive = rec.proc.poll() is None
    cpu = cpu_seconds(rec.proc.pid) - cpu0 if alive else None
    rss, hwm = memory_kib(rec.proc.pid) if alive else (None, None)
    broker_cpu = broker.cpu_seconds() - broker_cpu0
    published = finish_publishers(pubs)
    sent = sum(r["sent"] for r in published)
    exit_code = rec.stop()
    received = rec.rows()
    tail.close()
    elapsed = done - t0
    return {
        "receiver": rec.name, "qos": qos, "boards": boards, "per_board": count,
        "sent": sent, "received": received, "lost": max(0, sent - received),
        "extra": max(0, received - sent), "rejected": rec.rejects(),
        "seconds": round(elapsed, 4),
        "publish_seconds": round(max(r["seconds"] for r in published), 4),
        "rate": received / elapsed if elapsed > 0 else 0.0,
        "cpu_seconds": cpu,
        "cpu_us_per_msg": cpu / received * 1e6 if cpu is not None and received else None,
        "rss_start_kib": rss0, "rss_end_kib": rss, "peak_rss_kib": hwm,
        "broker_cpu_seconds": round(broker_cpu, 3), "exit_code": exit_code,
        "finished_alive": alive, "samples": samples, "page_streams": rec.page_result,
    }


SEQ_JSON = re.compile(rb'"light": ?(\d+)')


def sequence(line):
    """The sequence number in a CSV row (Light column) or a JSON payload line."""
    line = line.rstrip(b"\r")
    if line.startswith(b"{"):
        m = SEQ_JSON.search(line)
        return int(m.group(1)) if m else None
    last = line.rsplit(b",", 1)[-1]
    return int(last) if last.isdigit() else None


def latency(receiver, qos, rate, seconds, scratch):
    """A steady `rate` for `seconds`; time from each send to its line being in the file."""
    with tempfile.TemporaryDirectory(dir=scratch) as workdir:
        broker = Broker(workdir)
        try:
            rec = receiver.start(broker, qos, workdir)
            try:
                return _latency(rec, broker, qos, rate, seconds, workdir)
            finally:
                rec.stop()
                rec.close()
        finally:
            broker.stop()


def _latency(rec, broker, qos, rate, seconds, workdir):
    sends_file = os.path.join(workdir, "sends.txt")
    (pub,) = start_publishers([("steady", "127.0.0.1", broker.port, "A,B,C,D", rate, seconds, qos, sends_file)])
    total = int(rate * seconds)
    tail = Tail(rec.output)
    tail.lines()
    arrived = {}
    go([pub])
    last_growth = time.monotonic()
    while len(arrived) < total:
        lines = tail.lines()
        now_ns = time.monotonic_ns()
        for line in lines:
            seq = sequence(line)
            if seq is not None and seq not in arrived:
                arrived[seq] = now_ns
        if lines:
            last_growth = time.monotonic()
        elif time.monotonic() - last_growth > QUIET + seconds or rec.proc.poll() is not None:
            break
        time.sleep(0.001)
    tail.close()
    finish_publishers([pub])
    sent = {}
    with open(sends_file) as f:
        for line in f:
            seq, ns = line.split()
            sent[int(seq)] = int(ns)
    start = min(sent.values())
    worst = sorted(((arrived[s] - sent[s]) / 1e6, s, (sent[s] - start) / 1e9) for s in sent if s in arrived)[-5:]
    lat = sorted((arrived[s] - sent[s]) / 1e6 for s in sent if s in arrived)
    return {
        "receiver": rec.name, "qos": qos, "rate": rate, "seconds": seconds, "sent": len(sent),
        "received": len(lat), "lost": len(sent) - len(lat),
        "median_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99), "max_ms": lat[-1] if lat else None,
        "over_10ms": sum(1 for v in lat if v > 10), "over_100ms": sum(1 for v in lat if v > 100),
        "worst": [{"ms": round(ms, 2), "seq": seq, "sent_after_s": round(at, 3)} for ms, seq, at in reversed(worst)],
    }


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]
