"""Typed settings of a server process, built by the command line and passed in explicitly."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO / "config" / "demo" / "installation.toml"


@dataclass(frozen=True)
class Settings:
    config_path: Path
    database_url: str = ""
    redis_url: str | None = None
    data_dir: Path = Path("var")
    secret_key: bytes | None = None
    async_mode: str = "threading"  # "eventlet" in production (set by queue_server.serve)
    host: str = "127.0.0.1"
    port: int = 8080
    socketio_channel: str = "onewindow"
    day_close_interval: float = 60.0
    # How often live connections are checked against revoked tokens and ended sessions made
    # by another process (revocations made in this process take effect at once); 0: never.
    access_check_seconds: float = 10.0
    # With several workers (Redis), how long a speaking board's lease lasts unrenewed: a
    # standby board takes over within this time when the speaking board's worker dies.
    speaker_lease_seconds: float = 30.0
    cors_origins: list[str] = field(default_factory=list)
    public_url: str | None = None
    # Reverse proxies in front of the server (nginx of deploy/: 1). Their X-Forwarded-For and
    # -Proto are believed only this many hops deep: the client address counts failed
    # sign-ins, so a header sent by a client itself must not be taken for it.
    proxies: int = 0

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'onewindow.db').resolve()}"

    def resolved_secret(self) -> bytes:
        """The installation's secret (ID hashes, sessions): given, from the environment, or a
        file in the data directory created on first start. Every worker must share it."""
        if self.secret_key:
            return self.secret_key
        env = os.environ.get("ONEWINDOW_SECRET_KEY")
        if env:
            return env.encode()
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".secret.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            try:
                os.link(tmp, path)  # atomic: a second worker keeps the first one's key
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text().strip().encode()
