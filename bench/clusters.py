"""Throwaway servers on loopback ports: a PostgreSQL primary, its streaming replica (pg_basebackup), a Redis.

Shared by bench/topology.py and tests/core/test_read_replicas.py. PostgreSQL's server binaries come from
/usr/lib/postgresql/*/bin (Debian keeps them out of PATH) and refuse to run as root, so they run as the
postgres user when we are root; the caller makes the cluster's parent directory the postgres user's.
"""

import os
import socket
import subprocess
import time
from pathlib import Path

import psycopg2


def _postgres_bin():
    """The newest installed PostgreSQL's binaries."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    return versions[-1] if versions else None


PG_BIN = _postgres_bin()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout=30, what="the replica"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.1)


def as_postgres(*command):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)


class Cluster:
    def __init__(self, directory, port):
        self.directory = directory
        self.port = port

    def start(self):
        as_postgres(f"{PG_BIN}/pg_ctl", "-D", str(self.directory), "-l", f"{self.directory}.log", "-w", "start")

    def stop(self):
        as_postgres(f"{PG_BIN}/pg_ctl", "-D", str(self.directory), "-m", "fast", "-w", "stop")

    def url(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, sql, database="portal"):
        return run_sql(self.url(database), sql)


def run_sql(url, sql, all_rows=False):
    """One statement on its own autocommit connection: its first row (or all, or None if it returns none)."""
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            if not cursor.description:
                return None
            return cursor.fetchall() if all_rows else cursor.fetchone()
    finally:
        connection.close()


def make_primary(root):
    primary = Cluster(root / "primary", free_port())
    as_postgres(f"{PG_BIN}/initdb", "-D", str(primary.directory), "-A", "trust", "-U", "postgres", "--no-sync")
    with open(primary.directory / "postgresql.conf", "a") as conf:
        conf.write(
            f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n"
        )
    with open(primary.directory / "pg_hba.conf", "a") as hba:
        hba.write("host replication postgres 127.0.0.1/32 trust\n")
    primary.start()
    return primary


def make_replica(root, primary):
    replica = Cluster(root / "replica", free_port())
    as_postgres(
        f"{PG_BIN}/pg_basebackup",
        *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
        *("-D", str(replica.directory), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
    )
    with open(replica.directory / "postgresql.conf", "a") as conf:
        conf.write(f"port = {replica.port}\n")
    replica.start()
    wait_for(lambda: replica.run("SELECT status FROM pg_stat_wal_receiver", "postgres") == ("streaming",))
    return replica


class Redis:
    """redis-server on a loopback port, without persistence; stop() and start() keep the port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server")

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
