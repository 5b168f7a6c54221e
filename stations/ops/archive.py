"""The backup file: one tar archive (gzip-compressed when its name ends in ``.gz`` or
``.tgz``) holding

- ``manifest.json``: what the backup holds (backend, schema and registry revisions,
  rows per table, evidence files), written first so it is read without unpacking;
- ``database.sqlite`` (a SQLite snapshot) or ``database.pgdump`` (``pg_dump`` custom format);
- ``evidence/…``: every photo the backed-up inspections cite, under its stored name.

It is written under a temporary name and renamed when complete, so a failed or
interrupted backup never leaves a truncated file under the name asked for.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from stations.errors import InvalidInput
from stations.ops.contents import Contents, EvidenceFile

FORMAT = "stations-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
EVIDENCE_PREFIX = "evidence/"


@dataclass(frozen=True)
class Manifest:
    backend: str
    """``sqlite`` or ``postgresql``."""
    created_at: str
    schema_revision: str | None
    registry_revision: int | None
    tables: dict[str, int]
    evidence_files: int
    missing_evidence: list[str] = field(default_factory=list)
    """Evidence files the inspections cite that were not found when the backup ran."""
    pg_schema: str | None = None
    """PostgreSQL: the schema the tables live in."""
    postgis_schema: str | None = None
    """PostgreSQL: where the postgis extension lives (``None``: not used)."""
    format: str = FORMAT
    version: int = VERSION

    @classmethod
    def of(cls, backend: str, created_at: str, contents: Contents, **extra: Any) -> Manifest:
        return cls(backend=backend, created_at=created_at, schema_revision=contents.schema_revision,
                   registry_revision=contents.registry_revision, tables=contents.tables,
                   evidence_files=len(contents.evidence), **extra)


def _compressed(path: Path) -> bool:
    return path.name.endswith((".gz", ".tgz"))


@contextmanager
def writing(path: Path) -> Iterator[tarfile.TarFile]:
    """A tar archive written to ``path.partial`` and moved to ``path`` on success."""
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (tarfile.open(partial, "w:gz") if _compressed(path) else tarfile.open(partial, "w")) as tar:
            yield tar
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def add_manifest(tar: tarfile.TarFile, manifest: Manifest) -> None:
    data = json.dumps(asdict(manifest), ensure_ascii=False, indent=2).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def add_file(tar: tarfile.TarFile, source: Path, name: str) -> None:
    info = tar.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with source.open("rb") as fh:
        tar.addfile(info, fh)


def add_evidence(tar: tarfile.TarFile, root: Path, files: list[EvidenceFile]) -> list[str]:
    """Add the evidence files under ``root``; returns those not found."""
    missing: list[str] = []
    for item in files:
        source = root / item.path
        if source.is_file():
            add_file(tar, source, EVIDENCE_PREFIX + item.path)
        else:
            missing.append(item.path)
    return missing


def open_backup(path: Path) -> tarfile.TarFile:
    """Open a backup file for reading, with a clear message when it is not one."""
    if not path.is_file():
        raise InvalidInput("FILE", f"备份文件不存在 / no backup file at {path}")
    try:
        return tarfile.open(path, "r:gz") if _compressed(path) else tarfile.open(path, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise InvalidInput("FILE", f"不是有效的备份文件 / {path} is not a backup file: {exc}") from None


def read_manifest(tar: tarfile.TarFile, path: Path) -> Manifest:
    try:
        member = tar.extractfile(MANIFEST)
        data = json.loads(cast(IO[bytes], member).read())
    except (KeyError, tarfile.TarError, ValueError, AttributeError):
        raise InvalidInput("FILE", f"不是 stations 备份文件 / {path} is not a stations backup "
                                   "(no manifest)") from None
    if data.get("format") != FORMAT:
        raise InvalidInput("FILE", f"不是 stations 备份文件 / {path} is not a stations backup")
    if int(data.get("version", 0)) > VERSION:
        raise InvalidInput("FILE", f"备份格式 {data['version']} 比本程序新 / {path} was written "
                                   f"in backup format {data['version']}, newer than this program reads")
    known = Manifest.__dataclass_fields__
    return Manifest(**{k: v for k, v in data.items() if k in known})


def extract_database(tar: tarfile.TarFile, manifest: Manifest, directory: Path) -> Path:
    """Unpack the database snapshot of the backup into ``directory``."""
    name = DATABASE[manifest.backend]
    try:
        source = tar.extractfile(name)
    except KeyError:
        source = None
    if source is None:
        raise InvalidInput("FILE", f"备份不完整：缺少 {name} / the backup has no {name}")
    target = directory / name
    with source, target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def _safe_relative(name: str) -> str | None:
    relative = PurePosixPath(name.removeprefix(EVIDENCE_PREFIX))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return str(relative)


def restore_evidence(tar: tarfile.TarFile, root: Path, expected: list[EvidenceFile]) -> int:
    """Write the backup's evidence files under ``root`` (checking each against the
    SHA-256 its inspection recorded); returns how many were written or already there."""
    digests = {item.path: item.sha256 for item in expected}
    written = 0
    for member in tar:
        if not member.name.startswith(EVIDENCE_PREFIX) or not member.isfile():
            continue
        relative = _safe_relative(member.name)
        if relative is None:
            raise InvalidInput("FILE", f"备份中的文件名无效 / unsafe name in the backup: {member.name}")
        source = tar.extractfile(member)
        assert source is not None
        data = source.read()
        digest = hashlib.sha256(data).hexdigest()
        if relative in digests and digests[relative] != digest:
            raise InvalidInput("FILE", f"备份中的照片已损坏 / evidence file {relative} in the "
                                       "backup does not match its checksum")
        target = root / relative
        if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest):
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(target.name + ".part")
            temp.write_bytes(data)
            os.replace(temp, target)
        written += 1
    return written
