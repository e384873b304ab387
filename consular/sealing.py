"""Identifiers sealed at rest: AES-256-GCM under the data key, found again by blind indexes.

A sealed value is stored as ``v1:<key id>:<base64url(nonce + ciphertext + tag)>``, with a
random 12-byte nonce per value and its ``table.column`` as associated data, so a value
copied into another column does not open. Where a sealed value is searched, its row also
holds a blind index: HMAC-SHA256 of the normalised value under a second key. Keys live in
a key file (or ``CONSULAR_DATA_KEY``), never in the database, which keeps only their
fingerprints (``consular.keys``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import stat
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from consular.matching.normalize import normalize_passport

if TYPE_CHECKING:
    from consular.config import Settings

VERSION = "v1"
KEY_FILE_FORMAT = "consular-data-key-1"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# How often a running process looks at the key file's modification time.
RELOAD_CHECK_SECONDS = 1.0


class KeyProblem(RuntimeError):
    """The data key is missing, unreadable or not the one the database was sealed with."""


class SealError(ValueError):
    """A stored value that does not open: tampered with, moved, or under another key."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(key: bytes) -> str:
    """What the database keeps of a key: enough to recognise it, nothing to use it."""
    return hmac.new(key, b"consular key fingerprint", hashlib.sha256).hexdigest()[:32]


def normalise_identifier(value: str) -> str:
    """An A-number or another host identifier: upper case, no spaces or hyphens."""
    return re.sub(r"[\s\-]+", "", value.upper())


# What each blind index normalises before it hashes: passport numbers as the registry
# stores them (consular.matching.normalize), A-numbers without spaces and hyphens.
_NORMALISE = {
    "passport": normalize_passport,
    "identifier": lambda value: normalise_identifier(value) or None,
}


@dataclass(frozen=True)
class KeyRing:
    """The data keys (one current for sealing, older ones for opening) and the index key."""

    keys: Mapping[str, bytes]
    current: str
    index_key: bytes
    source: str = "the key file"
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise KeyProblem(f"{self.source}: the current key {self.current!r} is not in it")
        for key_id, key in (*self.keys.items(), ("index", self.index_key)):
            if not _KEY_ID.match(key_id) or len(key) != KEY_BYTES:
                raise KeyProblem(f"{self.source}: key {key_id!r} is not a {KEY_BYTES}-byte key")
        for key_id, key in self.keys.items():
            self._ciphers[key_id] = AESGCM(key)

    def seal(self, text: str, where: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, text.encode(), where.encode())
        return f"{VERSION}:{self.current}:{_b64(nonce + sealed)}"

    def key_id_of(self, sealed: str) -> str:
        _, key_id, _ = _split(sealed)
        return key_id

    def open(self, sealed: str, where: str) -> str:
        _, key_id, body = _split(sealed)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise KeyProblem(f"{where} is sealed under key {key_id!r}, which {self.source} lacks")
        data = _unb64(body)
        try:
            return cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], where.encode()).decode()
        except InvalidTag:
            raise SealError(
                f"{where} holds a value that does not open under key {key_id!r}: "
                "changed, or copied from another column"
            ) from None

    def blind(self, kind: str, value: str | None) -> str | None:
        """The blind index of ``value`` as a ``kind`` ("passport", "identifier"), or None."""
        if value is None:
            return None
        normalised = _NORMALISE[kind](value)
        if not normalised:
            return None
        message = f"{kind}:{normalised}".encode()
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()[:32]

    def as_file_text(self) -> str:
        return (
            json.dumps(
                {
                    "format": KEY_FILE_FORMAT,
                    "current": self.current,
                    "data_keys": {key_id: _b64(key) for key_id, key in self.keys.items()},
                    "index_key": _b64(self.index_key),
                },
                indent=2,
            )
            + "\n"
        )

    def with_keys(self, keys: Mapping[str, bytes], current: str) -> KeyRing:
        return KeyRing(
            keys=dict(keys), current=current, index_key=self.index_key, source=self.source
        )


def _split(sealed: str) -> tuple[str, str, str]:
    parts = sealed.split(":", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise SealError("a value that should be sealed is stored in the clear")
    return parts[0], parts[1], parts[2]


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(f"{VERSION}:")


def new_key_ring(key_id: str = "k1", *, source: str = "the key file") -> KeyRing:
    return KeyRing(
        keys={key_id: os.urandom(KEY_BYTES)},
        current=key_id,
        index_key=os.urandom(KEY_BYTES),
        source=source,
    )


def parse_key_ring(text: str, source: str) -> KeyRing:
    try:
        data = json.loads(text)
        if data.get("format") != KEY_FILE_FORMAT:
            raise ValueError(f"not a {KEY_FILE_FORMAT} key file")
        keys = {str(k): _unb64(v) for k, v in data["data_keys"].items()}
        return KeyRing(
            keys=keys, current=data["current"], index_key=_unb64(data["index_key"]), source=source
        )
    except KeyProblem:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyProblem(f"{source} is not a data key file: {exc}") from None


def read_key_file(path: Path) -> KeyRing:
    source = f"the key file {path}"
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyProblem(f"{source} may be read by others (mode {mode:o}): `chmod 600 {path}`")
        return parse_key_ring(path.read_text(encoding="utf-8"), source)
    except OSError as exc:
        raise KeyProblem(f"cannot read {source}: {exc.strerror or exc}") from None


def write_key_file(path: Path, ring: KeyRing) -> None:
    """Write (or replace at once) a key file readable by its owner only."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(ring.as_file_text())
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


class KeySource:
    """Where this process finds its keys; reloads the key file when it changes."""

    def __init__(self, *, inline: str = "", path: str = "") -> None:
        self.inline, self.path = inline, Path(path) if path else None
        self._ring: KeyRing | None = None
        self._mtime: float | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return bool(self.inline or self.path)

    def ring(self, *, reload: bool = False) -> KeyRing:
        now = time.monotonic()
        if self._ring is not None and not reload and now - self._checked < RELOAD_CHECK_SECONDS:
            return self._ring
        with self._lock:
            self._checked = now
            if self.path is not None:
                try:
                    mtime = self.path.stat().st_mtime
                except OSError:
                    mtime = None
                if self._ring is None or mtime != self._mtime:
                    self._ring, self._mtime = read_key_file(self.path), mtime
            elif self._ring is None:
                if not self.inline:
                    raise KeyProblem(NO_KEY)
                self._ring = parse_key_ring(self.inline, "CONSULAR_DATA_KEY")
            return self._ring


NO_KEY = (
    "no data key: set CONSULAR_DATA_KEY_FILE to the key file (make one with "
    "`consular keys generate --file PATH`) or CONSULAR_DATA_KEY to its content"
)

_source: KeySource | None = None


def source_of(settings: Settings) -> KeySource:
    """The keys these settings name (a key file wins over inline text)."""
    path = settings.data_key_file
    return KeySource(inline="" if path else settings.data_key, path=path)


def install(source: KeySource | None) -> None:
    """Make this process seal and open with these keys (None: those of the settings)."""
    global _source
    _source = source


def installed() -> KeySource | None:
    return _source


def key_source() -> KeySource:
    if _source is None:
        from consular.config import get_settings

        install(source_of(get_settings()))
    assert _source is not None
    return _source


def key_ring() -> KeyRing:
    return key_source().ring()


def seal(text: str, where: str) -> str:
    return key_ring().seal(text, where)


def open_sealed(sealed: str, where: str) -> str:
    ring = key_ring()
    if ring.key_id_of(sealed) not in ring.keys:
        # Sealed under a key this process has not loaded yet: a rotation is under way.
        ring = key_source().ring(reload=True)
    return ring.open(sealed, where)


def blind_index(kind: str, value: str | None) -> str | None:
    return key_ring().blind(kind, value)


class _Refused(TypeDecorator.Comparator):
    """No SQL compares a sealed column: it would compare ciphertext and silently find nothing."""

    _ALLOWED = frozenset({"is_", "is_not", "isnot"})

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        if getattr(op, "__name__", "") in self._ALLOWED:
            return super().operate(op, *other, **kwargs)
        raise TypeError(
            f"{self.expr} is sealed: compare its blind index column instead ({op.__name__})"
        )

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{self.expr} is sealed: compare its blind index column instead")


class _Sealed(TypeDecorator[Any]):
    """A column stored sealed as text; ``where`` ("table.column") binds each value to it."""

    impl = Text
    cache_ok = True
    comparator_factory = _Refused

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where


class SealedText(_Sealed):
    """A text column stored sealed."""

    cache_ok = True  # SQLAlchemy reads it from each class itself

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value, self.where)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else open_sealed(value, self.where)


class SealedJSON(_Sealed):
    """A JSON-shaped value (an uploaded row, a list of errors) stored sealed as text."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")), self.where)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(open_sealed(value, self.where))


def throwaway_key_unless_configured() -> None:
    """For scripts over synthetic people only (benchmarks, tools): a fresh data key in the
    environment, which the processes they start inherit, unless a key is configured."""
    if not (os.environ.get("CONSULAR_DATA_KEY") or os.environ.get("CONSULAR_DATA_KEY_FILE")):
        os.environ["CONSULAR_DATA_KEY"] = new_key_ring(source="CONSULAR_DATA_KEY").as_file_text()
