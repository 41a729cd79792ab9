"""A real varnishd in front of a test server, with the repository's VCL (config/varnish/default.vcl).

    with start_varnish(live_server.thread.port) as edge:
        urllib.request.urlopen(f"{edge.url}/")

Skips the calling test (pytest.skip, saying why) where varnishd or the xkey vmod is missing; Debian's
`varnish` and `varnish-modules` packages provide both (.ci/run installs them). Each varnishd gets its own
working directory (-n), so several can run at once, and is stopped by the PID it wrote (-P).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

VCL = Path(__file__).resolve().parent.parent / "config" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vcl_for(backend_port: int, backend_host: str = "127.0.0.1") -> str:
    """The repository's VCL with its default backend pointed at `backend_host:backend_port`."""
    text = VCL.read_text()
    backend = re.compile(r'(backend default \{\s*\.host = ")[^"]*(";\s*\.port = ")[^"]*(";)')
    if not backend.search(text):
        raise AssertionError(f"{VCL}: no `backend default` with .host and .port to point at the test server")
    return backend.sub(rf"\g<1>{backend_host}\g<2>{backend_port}\g<3>", text, count=1)


def compile_vcl(path: Path) -> subprocess.CompletedProcess:
    """`varnishd -C -f path`: compiles the VCL (and loads its vmods) without starting anything.

    varnishd reads the file as its own unprivileged user, who may not reach a checkout inside a private
    folder (a fresh clone in a mode-700 temporary directory): it compiles a readable copy.
    """
    if VARNISHD is None:
        pytest.skip("varnishd is not installed (Debian: apt-get install varnish varnish-modules)")
    folder = Path(tempfile.mkdtemp(prefix="masthead-vcl-"))
    try:
        folder.chmod(0o755)
        copy = folder / path.name
        copy.write_text(path.read_text())
        copy.chmod(0o644)
        return subprocess.run([VARNISHD, "-C", "-f", str(copy)], capture_output=True, text=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Varnish:
    """A running varnishd: `.url` to send readers to, `.purge(*keys)`, `.stop()`; a context manager."""

    def __init__(self, backend_port: int, backend_host: str = "127.0.0.1") -> None:
        if VARNISHD is None:
            pytest.skip("varnishd is not installed (Debian: apt-get install varnish varnish-modules)")
        self.dir = Path(tempfile.mkdtemp(prefix="masthead-varnish-"))
        # varnishd compiles the VCL as its own unprivileged user, who must be able to read it.
        self.dir.chmod(0o755)
        self.vcl = self.dir / "default.vcl"
        self.vcl.write_text(vcl_for(backend_port, backend_host))
        self.vcl.chmod(0o644)
        compiled = compile_vcl(self.vcl)
        if compiled.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            reason = compiled.stderr.strip().splitlines()[:3]
            if "xkey" in compiled.stderr:
                pytest.skip(f"the xkey vmod is missing (Debian: apt-get install varnish-modules): {reason}")
            raise AssertionError(f"config/varnish/default.vcl does not compile: {compiled.stderr}")
        self.pid_file = self.dir / "pid"
        # The free port is only known to be free when asked: another process (a second test worker, a
        # client's outgoing connection) may take it before varnishd binds it. Then try another.
        for _ in range(5):
            self.port = free_port()
            command = [VARNISHD, "-a", f"127.0.0.1:{self.port}", "-f", str(self.vcl), "-s", "malloc,64m"]
            command += ["-n", str(self.dir / "work"), "-P", str(self.pid_file)]
            if os.geteuid() != 0:
                # The default jail switches to the varnish user, which only root may do.
                command += ["-j", "none"]
            started = subprocess.run(command, capture_output=True, text=True, timeout=60)
            if "Address already in use" not in started.stderr:
                break
        if started.returncode != 0:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise AssertionError(f"varnishd did not start: {started.stderr or started.stdout}")
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_until_it_answers()

    def _wait_until_it_answers(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError(f"varnishd did not answer on port {self.port} within {seconds} s")

    def purge(self, *keys: str) -> int:
        """Send a PURGE for `keys` the way the origin's purge task does; returns the HTTP status."""
        request = urllib.request.Request(self.url + "/", method="PURGE", headers={"xkey-purge": " ".join(keys)})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pid = None
        deadline = time.monotonic() + 10
        while pid is not None and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Varnish:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_varnish(backend_port: int, backend_host: str = "127.0.0.1") -> Varnish:
    """Start varnishd with the repository's VCL in front of `backend_host:backend_port` (see the module doc)."""
    return Varnish(backend_port, backend_host)
