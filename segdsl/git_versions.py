"""Segment files and the schema as they are on disk, or as they were at a git revision.

A version is a path (a .seg file or a folder of them) or ``git:REV:path``: nothing is
checked out; ``git cat-file`` reads the blobs. As with ``git show REV:path``, the path is
relative to the repository root, or to the current folder when it starts with ``./``. A
folder at a revision is listed with ``git ls-tree -r`` and every ``*.seg`` below it is read
(in one ``git cat-file --batch``), in path order like a folder on disk.

The schema of a revision is the ``schema.yml`` next to the path at that revision, or in one
of its parent folders there (as ``find_schema`` looks on disk), so an old version is
checked against the fields it was written for.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile

from segdsl import node
from segdsl.diagnostics import Diagnostic, SegdslError, Source, make
from segdsl.schema import Schema, read_schema
from segdsl.syntax import Span

PREFIX = "git:"


class UsageProblem(ValueError):
    """A version spec that is not ``git:REV:path`` (a usage error)."""


def is_git(spec: str) -> bool:
    return spec.startswith(PREFIX)


def split(spec: str) -> tuple[str, str]:
    rev, _, path = spec[len(PREFIX):].partition(":")
    if not rev or not path:
        raise UsageProblem(f"'{spec}' is not git:REV:path, e.g. git:HEAD~1:segments/churn.seg")
    return rev, path


def read_version(spec: str) -> list[tuple[str, str]]:
    """(label, text) for every segment file of the version; SegdslError (SEG003) when unreadable."""
    if not is_git(spec):
        from segdsl.project import read_sources

        sources, problems = read_sources([spec])
        if problems:
            raise SegdslError(problems)
        return sources
    rev, path = split(spec)
    kind = _object_type(spec, rev, path)
    if kind is None:
        raise _error(spec, f"cannot read {path} at {rev}: {_git_reason(rev, path)}",
                     "check the revision (git log) and the path: relative to the repository root, "
                     "or starting with ./")
    if kind == "blob":
        return [(spec, _text(spec, _blobs([f"{rev}:{path}"])[0]))]
    listing = _git(["ls-tree", "-r", "-z", "--name-only", f"{rev}:{path}"], spec)
    names = sorted(name for name in listing.decode("utf-8", "replace").split("\0") if name.endswith(".seg"))
    if not names:
        raise _error(spec, f"no .seg files in folder {path} at {rev}", "segment files end in .seg; check the folder")
    files = [posixpath.join(path, name) for name in names]
    blobs = _blobs([f"{rev}:{file}" for file in files])
    return [(f"{PREFIX}{rev}:{file}", _text(f"{PREFIX}{rev}:{file}", blob)) for file, blob in zip(files, blobs,
                                                                                                  strict=True)]


def schema_at(spec: str) -> tuple[Schema | None, list[Diagnostic]]:
    """The schema.yml for ``git:REV:path`` at that revision: (None, []) when there is none;
    (None, problems) when it exists but does not load."""
    rev, path = split(spec)
    folder = path if _object_type(spec, rev, path) == "tree" else posixpath.dirname(path)
    if folder == "." or folder.startswith("./"):  # relative to the current folder: from the root
        prefix = _git(["rev-parse", "--show-prefix"], spec).decode("utf-8").strip()
        folder = posixpath.normpath(posixpath.join(prefix, folder))
    for candidate in _upwards(folder):
        if _object_type(spec, rev, candidate) != "blob":
            continue
        text = _text(f"{PREFIX}{rev}:{candidate}", _blobs([f"{rev}:{candidate}"])[0])
        with tempfile.TemporaryDirectory(prefix="segdsl-schema-") as scratch:
            file = os.path.join(scratch, "schema.yml")
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(text)
            schema, problems = read_schema(file)
        label = f"{PREFIX}{rev}:{candidate}"
        if schema is None or problems:
            return None, [node.replace(d, path=label) for d in problems]
        return node.replace(schema, path=label), []
    return None, []


# ---- git ---------------------------------------------------------------------------------------


def _upwards(folder: str) -> list[str]:
    """schema.yml in ``folder`` (relative to the repository root) and in each parent."""
    parts = [p for p in folder.split("/") if p and p != "."]
    return ["/".join([*parts[:depth], "schema.yml"]) for depth in range(len(parts), -1, -1)]


def _git(args: list[str], spec: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], input=stdin, capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise _error(spec, "git is not installed", "install git, or pass the old version as a file") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _error(spec, f"git {args[0]} failed: {reason[0] if reason else 'no message'}")
    return done.stdout


def _object_type(spec: str, rev: str, path: str) -> str | None:
    try:
        return _git(["cat-file", "-t", f"{rev}:{path}"], spec).decode().strip()
    except SegdslError:
        return None


def _git_reason(rev: str, path: str) -> str:
    """git's own words for why ``rev:path`` cannot be read (not a repository, no such path…)."""
    done = subprocess.run(["git", "cat-file", "-t", f"{rev}:{path}"], capture_output=True, timeout=60,
                          check=False)
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else "git failed"


def _blobs(names: list[str]) -> list[bytes]:
    """The contents of ``rev:path`` objects, in one ``git cat-file --batch``."""
    output = _git(["cat-file", "--batch"], names[0], "".join(f"{n}\n" for n in names).encode())
    blobs, offset = [], 0
    for name in names:
        end = output.index(b"\n", offset)
        header = output[offset:end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise _error(name, f"cannot read {name}: not a file")
        size = int(header[2])
        blobs.append(output[end + 1:end + 1 + size])
        offset = end + 1 + size + 1  # the content is followed by a newline
    return blobs


def _text(label: str, blob: bytes) -> str:
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(label, f"{label} is not UTF-8 text") from None


def _error(spec: str, message: str, hint: str | None = None) -> SegdslError:
    return SegdslError([make("SEG003", message, Source(spec, ""), Span.point(), hint)])
