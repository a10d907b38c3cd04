"""pgcluster.py — a throwaway PostgreSQL 15 cluster for the API suite on the
PostgreSQL backend: initdb into a temporary directory, pg_ctl start on
127.0.0.1 and a free port (the socket in the same directory), one fresh
database per docket server, pg_ctl stop at the end.

PostgreSQL refuses to run as root: when the tests run as root (CI), the
cluster runs as the 'postgres' system user that Debian's package creates.
"""
import glob
import os
import shutil
import subprocess
import tempfile

import harness


def _bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found "
                           "(scripts/setup installs postgresql)")
    return os.path.dirname(found[-1])


class PgCluster:
    def __init__(self):
        self.bin = _bin_dir()
        self.root = tempfile.mkdtemp(prefix="docket-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = harness.free_port()
        self.counter = 0
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
            os.chmod(self.root, 0o755)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def base_url(self):
        return "postgresql://docket@127.0.0.1:%d" % self.port

    def _run(self, *args):
        subprocess.run(self.as_user + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)

    def start(self):
        # C.UTF-8: byte-order collation like SQLite's, and a ctype that
        # lower-cases Cyrillic for full-text search.
        self._run(os.path.join(self.bin, "initdb"), "-D", self.data, "-A",
                  "trust", "-U", "docket", "--locale=C.UTF-8", "-E", "UTF8")
        self.resume()
        return self

    def pause(self):
        """Stops the server, keeping the data (an outage)."""
        self._run(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m",
                  "fast", "-w", "stop")

    def resume(self):
        options = ("-p %d -k %s -c listen_addresses=127.0.0.1 "
                   "-c max_connections=300 -c shared_buffers=64MB"
                   % (self.port, self.root))
        self._run(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l",
                  os.path.join(self.root, "log"), "-o", options, "-w",
                  "start")

    def create_database(self):
        """A fresh, empty database; returns its URI."""
        self.counter += 1
        name = "docket_%d_%d" % (os.getpid(), self.counter)
        subprocess.run(["psql", "-q", "-X", self.base_url + "/postgres",
                        "-c", "CREATE DATABASE %s" % name], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=60)
        return "%s/%s" % (self.base_url, name)

    def stop(self):
        try:
            self._run(os.path.join(self.bin, "pg_ctl"), "-D", self.data,
                      "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
