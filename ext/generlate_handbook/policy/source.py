"""Read policy YAML with line numbers, so every later error can point at a file and line."""

from __future__ import annotations

import os
import stat
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import ReusedAnchorWarning
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .limits import MAX_DEPTH, MAX_FILE_BYTES, excerpt
from .scan import scan_limits

KeyPath = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """``("plans", "managed", "availability")`` -> ``plans.managed.availability``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


@dataclass(frozen=True, order=True)
class PolicyError:
    """A problem with the policy, located at a file, a line and a key path."""

    file: str
    line: int
    key_path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.key_path}: {self.message}"
            if self.key_path
            else (f"{where}: {self.message}")
        )


class PolicyErrors(Exception):
    """One or more located policy errors; ``str()`` gives one per line."""

    def __init__(self, errors: Iterable[PolicyError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(error) for error in self.errors))

    def report(self) -> None:
        """Print every error on standard error, one per line (the CLI verbs' way to say them)."""
        for error in self.errors:
            print(error, file=sys.stderr)


@dataclass
class PolicySource:
    """The merged top-level mapping of one or more policy files, with where each key came from."""

    data: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, tuple[str, CommentedMap]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    #: A document of another shape (a list, e.g. the link allowlist): (file shown, its node).
    root: tuple[str, Any] | None = None

    def locate(self, path: Sequence[str | int]) -> tuple[str, int]:
        """The file and 1-based line of ``path``, or of its nearest existing parent."""
        if self.root is not None:
            return self.root[0], line_in(self.root[1], path) or 1
        if not path or path[0] not in self.origin:
            name = self.display_name(self.files[0]) if self.files else "policy"
            return name, 0
        file, node = self.origin[str(path[0])]
        return file, locate_in(node, path)

    def error(self, path: Sequence[str | int], message: str) -> PolicyError:
        file, line = self.locate(path)
        return PolicyError(file, line, format_path(path), message)

    @staticmethod
    def display_name(path: Path) -> str:
        """The path as an editor would type it: relative to the working folder when inside it.

        Symbolic links are not followed, so an editor's lock file (``.#support.yaml``, a link to
        ``user@host.pid``) is named as itself."""
        absolute = Path(os.path.abspath(path))
        try:
            return str(absolute.relative_to(Path.cwd()))
        except ValueError:
            return str(path)


def locate_in(node: Any, path: Sequence[str | int]) -> int:
    """The 1-based line of ``path`` inside round-trip YAML ``node`` (or of its nearest existing
    parent; 0 when not even the first part exists). A key a ``<<:`` merge brought in is found
    where it is written."""
    line, current = 0, node
    for part in path:
        if isinstance(current, CommentedMap) and part in current:
            line, current = _key_line(current, part) or line, current[part]
        elif (
            isinstance(current, CommentedSeq) and isinstance(part, int) and 0 <= part < len(current)
        ):
            line, current = current.lc.item(part)[0] + 1, current[part]
        else:
            break
    return line


def _key_line(node: CommentedMap, key: object, depth: int = 0) -> int | None:
    """The 1-based line of ``key`` in ``node``, or in the mapping a ``<<:`` merge took it from."""
    if key in node.lc.data:
        return int(node.lc.key(key)[0]) + 1
    for merged in getattr(node, "merge", ()) if depth < MAX_DEPTH else ():
        source = merged[1] if isinstance(merged, tuple) else merged
        if isinstance(source, CommentedMap) and key in source:
            return _key_line(source, key, depth + 1)
    return None


def is_editor_file(path: Path) -> bool:
    """Lock, swap, backup and hidden files that editors leave next to the file being edited."""
    name = path.name
    return name.startswith((".", "#", "~")) or name.endswith(("~", "#", ".swp", ".bak"))


def policy_files(policy_dir: Path) -> list[Path]:
    """The YAML files that make up the policy, in a stable order; editors' files are skipped."""
    try:
        found = [*policy_dir.glob("*.yaml"), *policy_dir.glob("*.yml")]
    except OSError:
        return []
    return sorted(path for path in found if not is_editor_file(path))


@dataclass(frozen=True)
class Snapshot:
    """One file's text as read at one moment, or why it could not be read."""

    path: Path
    text: str | None
    problem: PolicyError | None = None


def take_snapshots(files: Sequence[Path]) -> tuple[Snapshot, ...]:
    """Each file read whole and consistently (see :func:`snapshot`)."""
    return tuple(snapshot(path) for path in files)


def snapshot(path: Path, attempts: int = 3) -> Snapshot:
    """The file's text, read from one consistent state of the file.

    The file is read (never more than ``MAX_FILE_BYTES``) between two looks at its size,
    modification time and identity; if those changed, it was being written, so it is read
    again. A named pipe, a device or a folder is never opened for reading (no hang)."""
    name = PolicySource.display_name(path)
    for attempt in range(attempts):
        try:
            data, before = _read_regular(path)
            after = os.stat(path)
        except _Unreadable as problem:
            return Snapshot(path, None, PolicyError(name, 0, "", str(problem)))
        except OSError as error:
            return Snapshot(
                path, None, PolicyError(name, 0, "", f"cannot read: {_os_reason(path, error)}")
            )
        if _stamp(before) == _stamp(after) and len(data) == before.st_size:
            return _decoded(path, name, data)
        time.sleep(0.05 * (attempt + 1))
    return Snapshot(
        path,
        None,
        PolicyError(name, 0, "", "the file kept changing while it was read; save it and retry"),
    )


class _Unreadable(Exception):
    """A policy path that is not a regular file, or is too large."""


def _stamp(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _read_regular(path: Path) -> tuple[bytes, os.stat_result]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable(
                f"not a regular file ({_kind(info.st_mode)}); a policy file must be one"
            )
        if info.st_size > MAX_FILE_BYTES:
            raise _Unreadable(_too_large(info.st_size))
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(descriptor, 65536)):
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise _Unreadable(_too_large(size))
        return b"".join(chunks), info
    finally:
        os.close(descriptor)


def _too_large(size: int) -> str:
    return f"the file is {size:,} bytes; a policy file has at most {MAX_FILE_BYTES:,}"


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a device")


def _os_reason(path: Path, error: OSError) -> str:
    if isinstance(error, FileNotFoundError) and path.is_symlink():
        return f"a broken symbolic link (to {excerpt(os.readlink(path))})"
    return error.strerror or str(error)


def _decoded(path: Path, name: str, data: bytes) -> Snapshot:
    try:
        return Snapshot(path, data.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problem = PolicyError(name, line, "", f"not UTF-8 text (byte {error.start + 1})")
        return Snapshot(path, None, problem)


def read_sources(files: Sequence[Path]) -> PolicySource:
    """Read, parse and merge the files' top-level mappings; raise :class:`PolicyErrors`."""
    return parse_snapshots(take_snapshots(files))


def parse_snapshots(snapshots: Sequence[Snapshot]) -> PolicySource:
    """Parse and merge the files' top-level mappings; raise :class:`PolicyErrors` if any fails."""
    source = PolicySource(files=[snap.path for snap in snapshots])
    errors: list[PolicyError] = []
    if not snapshots:
        raise PolicyErrors([PolicyError("policy", 0, "", "no policy files (*.yaml) found")])
    for snap in snapshots:
        name = source.display_name(snap.path)
        if snap.problem is not None or snap.text is None:
            errors.extend([snap.problem] if snap.problem else [])
            continue
        document = _parse(snap.text, name, errors)
        if document is None:
            continue
        if not isinstance(document, CommentedMap):
            errors.append(PolicyError(name, 1, "", "expected a mapping of policy sections"))
            continue
        _merge_top_level(source, name, document, errors)
    if errors:
        raise PolicyErrors(errors)
    return source


def _parse(text: str, name: str, errors: list[PolicyError]) -> Any:
    """The document, checked against the limits first; None (after an error) if it fails."""
    try:
        problems = scan_limits(text)
        if problems:
            errors.extend(
                PolicyError(name, line, format_path(path), message)
                for line, path, message in problems
            )
            return None
        # Round-trip keeps line numbers; it builds no Python objects from tags. Redefining an
        # anchor is valid YAML: ruamel's warning about it would only be noise on stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            return YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        problem = error.problem or str(error)
        if error.context and "duplicate" not in problem:
            problem = f"{error.context}: {problem}"
        errors.append(PolicyError(name, line, "", f"YAML syntax: {_bounded(problem)}"))
    except ReaderError as error:  # a character YAML does not allow in a stream
        line = text[: max(error.position, 0)].count("\n") + 1
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else "a byte"
        errors.append(
            PolicyError(name, line, "", f"YAML syntax: the character {character} is not allowed")
        )
    except (YAMLError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        # Last line of defence: the limits above catch what is known to reach here.
        errors.append(PolicyError(name, 0, "", f"cannot read as YAML: {_bounded(str(error))}"))
    return None


def _bounded(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _merge_top_level(
    source: PolicySource, name: str, document: CommentedMap, errors: list[PolicyError]
) -> None:
    for key in document:
        if key in source.origin:
            other, other_node = source.origin[key]
            errors.append(
                PolicyError(
                    name,
                    _key_line(document, key) or 0,
                    excerpt(key)[1:-1] if isinstance(key, str) else excerpt(key),
                    f"already defined at {other}:{_key_line(other_node, key) or 0}; "
                    "each section lives in one file",
                )
            )
            continue
        source.origin[key] = (name, document)
        source.data[key] = document[key]


def parse_document(text: str, name: str) -> Any:
    """One YAML document of any shape (the link allowlist is a list), parsed like the policy's
    files, with line numbers; raise :class:`PolicyErrors` naming ``name``."""
    errors: list[PolicyError] = []
    document = _parse(text, name, errors)  # within the policy's input limits
    if errors:
        raise PolicyErrors(errors)
    return document


def line_in(node: Any, path: Sequence[str | int]) -> int:
    """The 1-based line of ``path`` inside round-trip YAML ``node`` of any shape (or of its
    nearest existing parent); 0 if not even its first part exists."""
    line, current = 0, node
    for part in path:
        if isinstance(current, CommentedMap) and part in current:
            line = current.lc.key(part)[0] + 1
        elif (
            isinstance(current, CommentedSeq) and isinstance(part, int) and 0 <= part < len(current)
        ):
            line = current.lc.item(part)[0] + 1
        else:
            break
        current = current[part]
    return line
