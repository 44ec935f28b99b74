"""Report files on local disk: `EXPORT_DIR/<tenant>/<yyyy>/<mm>/<job_id>.<ext>`.

Files are written under a temporary name in the same folder, fsynced, then renamed, so a
reader never sees half a file. Keys are relative paths; `resolve` refuses anything that would
escape the root. Past one machine an S3-compatible backend implements the same methods.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".part"  # files being written; the cleanup removes old ones a crash left behind
HASH_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


@dataclass
class PendingFile:
    path: Path
    stored: StoredFile | None = None


def _fsync_and_hash(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class HashingWriter:
    """A binary file wrapper that counts and hashes what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @staticmethod
    def key_for(
        tenant_id: str, job_id: uuid.UUID, extension: str, created_at: datetime, attempt: int = 1
    ) -> str:
        """`<tenant>/<yyyy>/<mm>/<job id>.<attempt>.<ext>`: each attempt at a job writes its own
        file, so a worker that lost its lease can never overwrite or delete the winner's."""
        return f"{tenant_id}/{created_at:%Y}/{created_at:%m}/{job_id}.{attempt}.{extension}"

    @staticmethod
    def job_id_of(path: Path) -> uuid.UUID | None:
        """The job a stored file belongs to, or None for a name this service never writes."""
        try:
            return uuid.UUID(path.name.split(".", 1)[0])
        except ValueError:
            return None

    def resolve(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key escapes the export directory: {key!r}")
        return path

    @contextlib.contextmanager
    def write_atomically(self, key: str) -> Iterator[HashingWriter]:
        """Yield a writer; on clean exit the file appears complete under `key`, else not at all."""
        final = self.resolve(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(f".{final.name}.{uuid.uuid4().hex}{TEMP_SUFFIX}")
        try:
            with temp.open("wb") as raw:
                writer = HashingWriter(raw)
                yield writer
                raw.flush()
                os.fsync(raw.fileno())
            temp.replace(final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    @contextlib.contextmanager
    def write_file_atomically(self, key: str) -> Iterator[PendingFile]:
        """For libraries that write to a path themselves (xlsxwriter, reportlab): yield a
        temporary path; on clean exit it is fsynced, hashed and renamed to `key`."""
        final = self.resolve(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        pending = PendingFile(final.with_name(f".{final.name}.{uuid.uuid4().hex}{TEMP_SUFFIX}"))
        try:
            yield pending
            size, digest = _fsync_and_hash(pending.path)
            pending.path.replace(final)
            pending.stored = StoredFile(key=key, size=size, sha256=digest)
        except BaseException:
            pending.path.unlink(missing_ok=True)
            raise

    def files(self) -> Iterator[tuple[str, Path]]:
        """Every file under the root (finished and temporary), as (key, path)."""
        for path in self.root.rglob("*"):
            if path.is_file():
                yield path.relative_to(self.root).as_posix(), path

    def stored(self, key: str, writer: HashingWriter) -> StoredFile:
        return StoredFile(key=key, size=writer.size, sha256=writer.hexdigest)

    def exists(self, key: str) -> bool:
        return self.resolve(key).is_file()

    def delete(self, key: str) -> None:
        self.resolve(key).unlink(missing_ok=True)
