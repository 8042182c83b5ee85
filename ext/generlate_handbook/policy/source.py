"""Read policy YAML with line numbers, so every later error can point at a file and line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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
        """The path as an editor would type it: relative to the working folder when inside it."""
        try:
            return str(path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(path)


def locate_in(node: Any, path: Sequence[str | int]) -> int:
    """The 1-based line of ``path`` inside round-trip YAML ``node`` (or of its nearest existing
    parent; 0 when not even the first part exists)."""
    line, current = 0, node
    for part in path:
        if isinstance(current, CommentedMap) and part in current:
            line, current = current.lc.key(part)[0] + 1, current[part]
        elif (
            isinstance(current, CommentedSeq) and isinstance(part, int) and 0 <= part < len(current)
        ):
            line, current = current.lc.item(part)[0] + 1, current[part]
        else:
            break
    return line


def policy_files(policy_dir: Path) -> list[Path]:
    """The YAML files that make up the policy, in a stable order."""
    return sorted([*policy_dir.glob("*.yaml"), *policy_dir.glob("*.yml")])


def read_sources(files: Sequence[Path]) -> PolicySource:
    """Parse and merge the files' top-level mappings; raise :class:`PolicyErrors` if any fails."""
    yaml = YAML(typ="rt", pure=True)  # round-trip keeps line numbers; it builds no Python objects
    source = PolicySource(files=list(files))
    errors: list[PolicyError] = []
    if not files:
        raise PolicyErrors([PolicyError("policy", 0, "", "no policy files (*.yaml) found")])
    for path in files:
        name = source.display_name(path)
        try:
            document = yaml.load(path.read_text(encoding="utf-8"))
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 0
            problem = error.problem or str(error)
            if error.context and "duplicate" not in problem:
                problem = f"{error.context}: {problem}"
            errors.append(PolicyError(name, line, "", f"YAML syntax: {problem}"))
            continue
        except (YAMLError, OSError, UnicodeDecodeError) as error:
            errors.append(PolicyError(name, 0, "", f"cannot read: {error}"))
            continue
        if document is None:
            continue
        if not isinstance(document, CommentedMap):
            errors.append(PolicyError(name, 1, "", "expected a mapping of policy sections"))
            continue
        for key in document:
            if key in source.origin:
                other, other_node = source.origin[key]
                other_line = other_node.lc.key(key)[0] + 1
                errors.append(
                    PolicyError(
                        name,
                        document.lc.key(key)[0] + 1,
                        str(key),
                        f"already defined at {other}:{other_line}; each section lives in one file",
                    )
                )
                continue
            source.origin[key] = (name, document)
            source.data[key] = document[key]
    if errors:
        raise PolicyErrors(errors)
    return source


def parse_document(text: str, name: str) -> Any:
    """One YAML document of any shape (the link allowlist is a list), parsed like the policy's
    files, with line numbers; raise :class:`PolicyErrors` naming ``name``."""
    try:
        return YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = mark.line + 1 if mark else 0
        detail = f"{error.context}: {error.problem}" if error.context else str(error.problem)
        if "duplicate" in str(error.problem):
            detail = str(error.problem)
        raise PolicyErrors([PolicyError(name, where, "", f"YAML syntax: {detail}")]) from None
    except YAMLError as error:
        raise PolicyErrors([PolicyError(name, 0, "", f"cannot read: {error}")]) from None


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
