"""Where a distributed run's files live: local paths (or a file system every worker mounts), or
object storage through a pyarrow file system (S3, GCS, Azure, HDFS).

The Rust steps read and write local files. On a local path they work in place; on object storage
each task fetches what it reads into a scratch directory of its own and sends what it wrote back,
object by object (an object appears whole or not at all, so a retried task rewrites the same
objects and never leaves half of one).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import PurePosixPath

import pyarrow.fs as pafs


class Store:
    """A root (a local directory or a prefix on `fs`) and the operations tasks need on it.

    Picklable: tasks receive it as an argument (pyarrow file systems pickle with their options).
    """

    def __init__(self, fs: pafs.FileSystem | None, root: str) -> None:
        self.fs = fs  # None: a local path, used in place
        self.root = root.rstrip("/") if fs is not None else root

    @classmethod
    def of(cls, location: str | os.PathLike[str], filesystem: pafs.FileSystem | None = None) -> "Store":
        """`location` as the user gave it: a path, or a URI with a scheme (`s3://bucket/prefix`,
        `gs://…`) resolved by pyarrow (credentials from the environment as pyarrow reads them).
        With `filesystem`, `location` is a path inside it."""
        if filesystem is not None:
            return cls(filesystem, str(location))
        text = os.fspath(location)
        if "://" in text and not text.startswith("file://"):
            fs, path = pafs.FileSystem.from_uri(text)
            return cls(fs, path)
        return cls(None, text.removeprefix("file://"))

    @property
    def local(self) -> bool:
        return self.fs is None

    def join(self, *parts: str) -> str:
        return os.path.join(self.root, *parts) if self.local else str(PurePosixPath(self.root, *parts))

    def makedirs(self, path: str) -> None:
        if self.local:
            os.makedirs(path, exist_ok=True)
        else:
            self.fs.create_dir(path, recursive=True)

    def write_bytes(self, path: str, data: bytes) -> None:
        """One whole file: under a temporary name renamed into place (local), one object put (remote)."""
        if self.local:
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        else:
            with self.fs.open_output_stream(path) as f:
                f.write(data)

    def remove_tree(self, path: str) -> None:
        if self.local:
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                self.fs.delete_dir(path)
            except FileNotFoundError:
                pass

    def remove_empty_dir(self, path: str) -> None:
        if self.local:
            try:
                os.rmdir(path)
            except OSError:
                pass
        elif not self.fs.get_file_info(pafs.FileSelector(path, allow_not_found=True)):
            try:
                self.fs.delete_dir(path)
            except FileNotFoundError:
                pass

    def files(self, path: str) -> list[tuple[str, int]]:
        """`(path, size)` of `path` (a file) or of every file under it, in `tamis run`'s order
        (sorted by path components; names starting with '.' skipped)."""
        info = self.fs.get_file_info(path)
        if info.type == pafs.FileType.NotFound:
            raise FileNotFoundError(f"{path}: no such file or prefix")
        if info.type == pafs.FileType.File:
            return [(path, info.size)]
        found = self.fs.get_file_info(pafs.FileSelector(path, recursive=True))
        files = []
        for f in found:
            rel = PurePosixPath(f.path).relative_to(path).parts
            if f.type == pafs.FileType.File and not any(p.startswith(".") for p in rel):
                files.append((rel, f.path, f.size))
        return [(p, size) for _, p, size in sorted(files)]


class Scratch:
    """A task's local view of a store: `fetch` a file to read, `out` a local path to write to and
    `send` it back. On a local store both are the store's own paths."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dir = None if store.local else tempfile.mkdtemp(prefix="tamis-task-")

    def __enter__(self) -> "Scratch":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _local(self, path: str) -> str:
        # The store's file name is kept (the readers pick the format from it).
        digest = hashlib.sha1(path.encode()).hexdigest()[:12]
        return os.path.join(self.dir, digest, PurePosixPath(path).name)

    def fetch(self, path: str) -> str:
        """A local path holding the store's file `path`."""
        return self.fetch_from(self.store.fs, path)

    def fetch_from(self, fs: pafs.FileSystem | None, path: str) -> str:
        """A local path holding the file `path` of `fs` (None: `path` is a local path already)."""
        if fs is None:
            return path
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="tamis-task-")
        local = self._local(path)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        pafs.copy_files(path, local, source_filesystem=fs, destination_filesystem=pafs.LocalFileSystem())
        return local

    def fetch_tree(self, path: str) -> str:
        """A local directory holding the store's directory `path` (empty if it has none)."""
        if self.store.local:
            return path
        local = self._local(path)
        os.makedirs(local, exist_ok=True)
        if self.store.fs.get_file_info(path).type == pafs.FileType.Directory:
            pafs.copy_files(path, local, source_filesystem=self.store.fs, destination_filesystem=pafs.LocalFileSystem())
        return local

    def out(self, path: str) -> str:
        """A local path to write what becomes the store's `path` (send it back with `send`)."""
        if self.store.local:
            return path
        local = self._local(path)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        return local

    def send(self, local: str, path: str) -> None:
        """Copy the local file or directory tree `local` to the store's `path` (nothing on a local
        store, where they are the same)."""
        if self.store.local or not os.path.exists(local):
            return
        if os.path.isdir(local):
            for base, _, names in os.walk(local):
                for name in names:
                    rel = os.path.relpath(os.path.join(base, name), local)
                    self._put(os.path.join(base, name), str(PurePosixPath(path, *rel.split(os.sep))))
        else:
            self._put(local, path)

    def _put(self, local: str, path: str) -> None:
        pafs.copy_files(local, path, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=self.store.fs)
