"""A real IMAP server for the mailbox sync tests: Debian's Dovecot with a private configuration in a
temporary directory (passwd-file users, maildir, 127.0.0.1 on a free port with STARTTLS and another
with SSL, both with a self-signed certificate made here; plain login allowed, its
run/state/log files in that directory, so two test runs side by side never meet).

`imap_server` (one server per test session) and `mailbox` (a fresh user and mailbox per test):

    box = mailbox                       # box.user, box.password, box.port
    box.append("INBOX", message_bytes)  # APPEND with imaplib
"""

from __future__ import annotations

import grp
import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"

USERS = 300
PASSWORD = "app-password-1"
CONFIG = """\
instance_name = orchard-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service imap {{
  process_limit = 20
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service anvil {{
  # no penalty for repeated wrong passwords from 127.0.0.1 (the tests try bad ones on purpose)
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed(cert_file: Path, key_file: Path) -> None:
    """A certificate for 127.0.0.1 signed by itself: SSL and STARTTLS work, and a client that trusts
    only the usual authorities refuses it."""
    from datetime import timedelta
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime(2020, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)


def _existing_user(name: str) -> str | None:
    try:
        return pwd.getpwnam(name).pw_name
    except KeyError:
        return None


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not start in time")


class ImapServer:
    host = "127.0.0.1"

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.ssl_port = free_port()
        self.cert = root / "cert.pem"
        self.config = root / "dovecot.conf"
        self.passwd = root / "passwd"
        self.log = root / "dovecot.log"
        self.process: subprocess.Popen | None = None
        self._users = itertools.count(1)

    def start(self) -> None:
        uid, gid = os.getuid(), os.getgid()
        user, group, login_user = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name, pwd.getpwuid(uid).pw_name
        if uid == 0:
            # Dovecot never runs mail processes as root: the mail belongs to "nobody", and the login
            # processes run as Debian's dovenull when it is there
            owner = pwd.getpwnam("nobody")
            uid, gid = owner.pw_uid, owner.pw_gid
            group = grp.getgrgid(gid).gr_name
            login_user = _existing_user("dovenull") or owner.pw_name
            self.root.chmod(0o755)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        os.chown(self.root / "mail", uid, gid)
        # the users are made up front (Dovecot reads the passwd file when it sees it changed, which
        # within the same second it may not): each test takes the next one, with an empty mailbox
        _self_signed(self.root / "cert.pem", self.root / "key.pem")
        self.passwd.write_text("".join(f"{self._name(n)}:{PASSWORD}\n" for n in range(1, USERS + 1)))
        self.config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                ssl_port=self.ssl_port,
                uid=uid,
                gid=gid,
                user=user,
                group=group,
                login_user=login_user,
            )
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @staticmethod
    def _name(n: int) -> str:
        return f"user{n}@mail.test"

    def add_user(self) -> Mailbox:
        """The next unused user (an empty mailbox)."""
        n = next(self._users)
        if n > USERS:
            raise RuntimeError(f"more than {USERS} mailboxes in one test session: raise USERS")
        return Mailbox(self, self._name(n), PASSWORD)

    def doveadm(self, *args: str) -> str:
        done = subprocess.run(
            [DOVEADM, "-c", str(self.config), *args], capture_output=True, text=True, timeout=30, check=True
        )
        return done.stdout


class Mailbox:
    """One user's mailbox on the server."""

    def __init__(self, server: ImapServer, user: str, password: str):
        self.server = server
        self.user = user
        self.password = password

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(self.user, self.password)
        except Exception:
            imap.shutdown()
            raise
        return imap

    def create(self, folder: str) -> None:
        imap = self.client()
        try:
            imap.create(folder)
        finally:
            imap.logout()

    def append(self, folder: str, message: bytes, when: datetime | None = None, flags: str | None = None) -> None:
        when = when or datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        imap = self.client()
        try:
            status, data = imap.append(folder, flags, imaplib.Time2Internaldate(when), message)
            assert status == "OK", data
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        imap = self.client()
        try:
            imap.select(folder, readonly=True)
            _, data = imap.fetch("1:*", "(FLAGS)")
            return data
        finally:
            imap.logout()

    def uidvalidity(self, folder: str = "INBOX") -> int:
        imap = self.client()
        try:
            imap.select(folder, readonly=True)
            return int(imap.response("UIDVALIDITY")[1][-1])
        finally:
            imap.logout()

    def change_uidvalidity(self, folder: str = "INBOX") -> int:
        """Renumber the folder as a server may (a restore, a migration): a new UIDVALIDITY."""
        new = self.uidvalidity(folder) + 1000
        self.server.doveadm("mailbox", "update", "--uid-validity", str(new), "-u", self.user, folder)
        return new


@pytest.fixture(scope="session")
def imap_server():
    if not os.path.exists(DOVECOT):
        pytest.skip("Dovecot is not installed (Debian: dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="orchard-imap-"))
    server = ImapServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server) -> Mailbox:
    """A fresh user with an empty INBOX on the session's server."""
    return imap_server.add_user()
