"""Where the service keeps things, and the secrets it makes once.

    DATA/nngrade.db             the SQLite database (unless --database-url)
    DATA/submissions/<id>/      each uploaded file, as received
    DATA/secret_key             signs session cookies (0600)
    DATA/lti/private.pem        the tool's RSA key for LTI 1.3 (0600); public.pem beside it
    DATA/tmp/                   scratch space for checking uploads

Nothing is written outside DATA (the grading sandbox uses its own temp folders).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

MAX_UPLOAD_BYTES = 5_000_000     # the whole request; the loader caps one source file at 2 MB


@dataclass
class ServerConfig:
    data: Path
    database_url: str = ""
    workers: int = 1                      # grading processes (-j)
    scheduler: str | None = None          # a Dask scheduler address, instead of local processes
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    budget_seconds: float = 120.0         # wall seconds to grade one submission
    passback_backoff: float = 2.0         # first retry after this many seconds, doubling
    passback_max_backoff: float = 600.0
    passback_max_attempts: int = 50       # about 7 hours of tries; then `failed` (listed for the TA)
    behind_proxy: bool = False            # trust X-Forwarded-Proto/Host from one proxy (gunicorn + nginx)
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data = Path(self.data).resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data / 'nngrade.db'}"

    @property
    def submissions_dir(self) -> Path:
        return self.data / "submissions"

    @property
    def tmp_dir(self) -> Path:
        return self.data / "tmp"

    @property
    def lti_dir(self) -> Path:
        return self.data / "lti"

    def prepare(self) -> "ServerConfig":
        """Create the folders and the secrets that do not exist yet."""
        for folder in (self.data, self.submissions_dir, self.tmp_dir, self.lti_dir):
            folder.mkdir(parents=True, exist_ok=True)
        write_private(self.data / "secret_key", lambda: secrets.token_hex(32).encode())
        ensure_key_pair(self.lti_dir)
        return self

    def secret_key(self) -> str:
        return (self.data / "secret_key").read_text().strip()


def write_private(path: Path, make) -> bool:
    """Write `make()` to `path` with mode 0600 if it does not exist (never widened, never replaced)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(make())
        f.flush()
        os.fsync(f.fileno())
    return True


def ensure_key_pair(folder: Path) -> tuple[Path, Path]:
    """The tool's RSA-2048 key pair for LTI: private.pem (0600) and public.pem."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private, public = folder / "private.pem", folder / "public.pem"
    if not private.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        write_private(private, lambda: key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    if not public.exists():
        key = serialization.load_pem_private_key(private.read_bytes(), password=None)
        public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public
