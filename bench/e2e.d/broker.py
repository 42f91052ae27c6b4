"""A private mosquitto for one measurement: loopback, a free port, no persistence, no limits."""

import os
import signal
import socket
import subprocess
import time

CONFIG = """\
# Written by bench/e2e for one measurement.
{user}persistence false
log_dest file {log}
log_type error
log_type warning
log_type subscribe
# 0 = no maximum (mosquitto.conf(5), 2.0.11): nothing is dropped or held back for a slow client.
max_queued_messages 0
max_inflight_messages 0
listener {port} 127.0.0.1
allow_anonymous true
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """mosquitto started in `directory`, stopped by its PID."""

    def __init__(self, directory):
        self.dir = directory
        self.port = free_port()
        self.log = os.path.join(directory, "mosquitto.log")
        conf = os.path.join(directory, "mosquitto.conf")
        user = "user root\n" if os.geteuid() == 0 else ""
        with open(conf, "w") as f:
            f.write(CONFIG.format(user=user, log=self.log, port=self.port))
        self.proc = subprocess.Popen(
            ["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"mosquitto did not start; see {conf} and {self.log}")
                time.sleep(0.01)

    def subscriptions(self):
        """Subscriptions the broker has logged so far (one line each)."""
        try:
            with open(self.log, errors="replace") as f:
                return sum(1 for line in f if " hexaboard/+/sensor/data" in line)
        except FileNotFoundError:
            return 0

    def cpu_seconds(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of every thread of `pid`, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory_kib(pid):
    """(VmRSS, VmHWM) of `pid` in KiB, from /proc/PID/status."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)
