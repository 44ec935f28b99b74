"""A private Dovecot IMAP server for tests and development, like the private PostgreSQL and
Redis of devstack_servers.py: Debian's `dovecot-imapd` programs, run from a folder of our own
on free loopback ports, with one user and password in a passwd file. No root needed: run as a
user, every Dovecot process runs as that user; run as root, Dovecot's own unprivileged
accounts (`dovecot`, `dovenull`) serve, as in a packaged install.

    server = PrivateDovecot(folder, user="bounces", password="...", cert=(certfile, keyfile))
    server.start()   # waits until it answers; server.port (STARTTLS), server.tls_port (993-style)
    server.stop()

Without Dovecot installed `find_dovecot()` returns None and callers say how to install it
(`sudo apt-get install -y dovecot-imapd`, which CI's `.ci/run` does).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "sudo apt-get install -y dovecot-imapd"
START_TIMEOUT_SECONDS = 20.0


def find_dovecot() -> str | None:
    """The dovecot program: on PATH, else where Debian puts it (/usr/sbin is not on every PATH)."""
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accounts() -> tuple[str, str, pwd.struct_passwd]:
    """(internal user, login user, mail owner): ourselves, or Dovecot's accounts under root."""
    me = pwd.getpwuid(os.getuid())
    if os.getuid() != 0:
        return me.pw_name, me.pw_name, me
    for internal, login in (("dovecot", "dovenull"), ("nobody", "nobody")):
        try:
            pwd.getpwnam(login)
            return internal, login, pwd.getpwnam(internal)
        except KeyError:
            continue
    raise RuntimeError("running as root, and no 'dovecot' or 'nobody' account to run Dovecot as")


@dataclass
class PrivateDovecot:
    folder: Path
    user: str
    password: str
    cert: tuple[Path, Path] | None = None  # certificate and key: STARTTLS and implicit TLS
    port: int = field(default_factory=free_port)
    tls_port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.folder / "dovecot.log"

    def start(self) -> None:
        program = find_dovecot()
        if program is None:
            raise RuntimeError(f"Dovecot is not installed ({INSTALL_HINT})")
        if self.cert and not self.tls_port:
            self.tls_port = free_port()
        internal, login, owner = _accounts()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)  # Dovecot's own accounts must reach it when we are root
        mail = self.folder / "mail"
        mail.mkdir(exist_ok=True)
        (self.folder / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        (self.folder / "dovecot.conf").write_text(self._config(internal, login, owner))
        if os.getuid() == 0:
            os.chown(mail, owner.pw_uid, owner.pw_gid)
        with (self.folder / "stderr.log").open("wb") as errors:
            self.process = subprocess.Popen(
                [program, "-F", "-c", str(self.folder / "dovecot.conf")],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        self._wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Dovecot stopped at start-up:\n{self._logs()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)  # not listening yet; bounded by the deadline
        self.stop()
        raise RuntimeError(
            f"Dovecot did not answer within {START_TIMEOUT_SECONDS:g} s:\n{self._logs()}"
        )

    def _logs(self) -> str:
        texts = [
            p.read_text(errors="replace")[-2000:]
            for p in (self.log, self.folder / "stderr.log")
            if p.exists()
        ]
        return "\n".join(texts)

    def _config(self, internal: str, login: str, owner: pwd.struct_passwd) -> str:
        folder = self.folder
        ssl = "no"
        certificates = ""
        if self.cert:
            ssl = "yes"
            certificates = f"ssl_cert = <{self.cert[0]}\nssl_key = <{self.cert[1]}\n"
        return f"""# Written by scripts/devstack_dovecot.py: a private, loopback-only IMAP server.
base_dir = {folder}/run
state_dir = {folder}/state
protocols = imap
listen = 127.0.0.1
log_path = {self.log}
ssl = {ssl}
{certificates}disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {owner.pw_uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={folder}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.port}
  }}
  inet_listener imaps {{
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
