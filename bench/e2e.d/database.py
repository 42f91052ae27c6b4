"""The databases `hexaboard record --store` writes in bench/e2e: a SQLite file, and a private
PostgreSQL server for one measurement (loopback, a free port, stopped by its PID). Rows are
counted as they land by asking the database for its newest reading's id."""

import glob
import os
import shutil
import signal
import sqlite3
import subprocess
import time

from broker import free_port

PG_USER = "hexaboard"
PG_DATABASE = "bench"


def pg_bin():
    """Debian's PostgreSQL programs: the newest /usr/lib/postgresql/<version>/bin, or $HEXABOARD_PG_BIN."""
    if os.environ.get("HEXABOARD_PG_BIN"):
        return os.environ["HEXABOARD_PG_BIN"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise SystemExit("bench/e2e needs PostgreSQL for hexaboard_postgres (apt-get install postgresql)")
    return found[-1]


class PostgresServer:
    """initdb and postgres in `directory`, as the postgres account when run as root (both refuse
    root). The server keeps PostgreSQL's default durability (fsync and synchronous_commit on)."""

    def __init__(self, directory):
        self.dir = os.path.join(directory, "pg")
        os.makedirs(self.dir)
        self.port = free_port()
        self.log = os.path.join(self.dir, "postgres.log")
        self.prefix = []
        if os.geteuid() == 0:
            os.chmod(directory, 0o711)  # a temporary directory is root's alone
            shutil.chown(self.dir, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        bin_dir = pg_bin()
        data = os.path.join(self.dir, "data")
        subprocess.run(self.prefix + [os.path.join(bin_dir, "initdb"), "-D", data, "-U", PG_USER,
                                      "--auth=trust", "-E", "UTF8", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = open(self.log, "wb")
        if self.prefix:
            shutil.chown(self.log, "postgres", "postgres")
        self.proc = subprocess.Popen(
            self.prefix + [os.path.join(bin_dir, "postgres"), "-D", data, "-p", str(self.port),
                           "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.dir}"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while subprocess.run([os.path.join(bin_dir, "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                             stdout=subprocess.DEVNULL).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"PostgreSQL did not start; see {self.log}")
            time.sleep(0.05)
        subprocess.run([os.path.join(bin_dir, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER,
                        "-d", "postgres", "-qc", f"CREATE DATABASE {PG_DATABASE}"], check=True)
        self.bin = bin_dir

    def url(self):
        return f"postgres://{PG_USER}@127.0.0.1:{self.port}/{PG_DATABASE}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class SqliteRows:
    """The readings in a SQLite file, counted through a read-only connection (WAL lets it read
    while record writes)."""

    def __init__(self, path):
        self.path = path
        self.conn = None
        self.seen = 0

    def count(self):
        if self.conn is None:
            if not os.path.exists(self.path):
                return 0
            self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return self.conn.execute("SELECT coalesce(max(id), 0) FROM readings").fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # the schema is not made yet

    def newlines(self):
        now = self.count()
        grown, self.seen = now - self.seen, now
        return grown

    def close(self):
        if self.conn is not None:
            self.conn.close()


class PostgresRows:
    """The readings in the bench database, counted through psql kept open on a pipe."""

    def __init__(self, server):
        self.proc = subprocess.Popen(
            [os.path.join(server.bin, "psql"), "-h", "127.0.0.1", "-p", str(server.port), "-U", PG_USER,
             "-d", PG_DATABASE, "-qtA", "-v", "ON_ERROR_STOP=0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.seen = 0

    def count(self):
        # One line in, one line out: a missing table prints nothing, so the answer is a
        # marker line after the count.
        self.proc.stdin.write("SELECT coalesce(max(id), 0) FROM readings;\n\\echo end\n")
        self.proc.stdin.flush()
        value = 0
        while True:
            line = self.proc.stdout.readline().strip()
            if line == "end" or line == "":
                return value
            if line.isdigit():
                value = int(line)

    def newlines(self):
        now = self.count()
        grown, self.seen = now - self.seen, now
        return grown

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(5)
