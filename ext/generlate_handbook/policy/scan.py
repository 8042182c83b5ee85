"""Check a policy file's YAML against the input limits *before* it is built into objects.

The check walks the parser's event stream (no recursion, no objects built), so it is cheap
and bounded whatever the file holds: an alias bomb, 5,000 nested brackets or a megabyte-long
value are refused here, each with its line and key path, before the composer, pydantic or an
error message could spend time or memory on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.util import create_timestamp, timestamp_regexp

from .limits import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_STRING,
    MAX_VALUES,
    excerpt,
    refused_character,
)

Located = tuple[int, tuple[str | int, ...], str]  # (1-based line, key path, message)

_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}")


@dataclass
class _Frame:
    """An open mapping or list: where it is, and what is being read inside it."""

    path: tuple[str | int, ...]
    is_mapping: bool
    anchor: str | None
    start_count: int
    index: int = 0
    expecting_key: bool = True
    key: str | int = "?"


@dataclass
class _Scan:
    count: int = 0  # values so far, aliases expanded
    stack: list[_Frame] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)  # closed anchor -> its size
    open_anchors: set[str] = field(default_factory=set)

    def place(self) -> tuple[tuple[str | int, ...], bool]:
        """The key path of the node about to be read, and whether it is a mapping key."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if not top.is_mapping:
            return (*top.path, top.index), False
        if top.expecting_key:
            return top.path, True
        return (*top.path, top.key), False

    def placed(self, is_key: bool, key: str | int = "?") -> None:
        """Record that a node was read where :meth:`place` said."""
        if not self.stack:
            return
        top = self.stack[-1]
        if not top.is_mapping:
            top.index += 1
        elif is_key:
            top.key, top.expecting_key = key, False
        else:
            top.expecting_key = True


def scan_limits(text: str) -> list[Located]:
    """The first limit ``text`` breaks, as a located problem (empty when within the limits).

    YAML syntax errors propagate as ruamel's ``MarkedYAMLError`` for the caller to locate.
    """
    for problem in _problems(YAML(typ="rt", pure=True).parse(text)):
        return [problem]
    return []


def _problems(events: Iterator[Event]) -> Iterator[Located]:
    scan = _Scan()
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, CollectionEndEvent):
            frame = scan.stack.pop()
            if frame.anchor:
                scan.anchors[frame.anchor] = scan.count - frame.start_count
                scan.open_anchors.discard(frame.anchor)
            scan.placed(False)
            continue
        if not isinstance(event, NodeEvent):
            continue
        path, is_key = scan.place()
        if isinstance(event, AliasEvent):
            name = str(event.anchor)
            if name in scan.open_anchors:
                yield line, path, f"the alias *{excerpt(name)[1:-1]} refers to a value it is in"
                return
            scan.count += scan.anchors.get(name, 1)
        else:
            scan.count += 1
        if scan.count > MAX_VALUES:
            yield line, path, _too_many_values(event)
            return
        if isinstance(event, ScalarEvent):
            if problem := _scalar_problem(event):
                yield line, path, problem
                return
            scan.placed(is_key, _key_text(event.value))
            if event.anchor:
                scan.anchors[str(event.anchor)] = 1
        elif isinstance(event, CollectionStartEvent):
            if len(scan.stack) >= MAX_DEPTH:
                yield line, path, f"nested more than {MAX_DEPTH} levels deep"
                return
            if is_key:  # "? [a]": every policy key is a name, never a list or a mapping
                yield line, path, "a key must be a name, not a list or a mapping"
                return
            frame = _Frame(path, isinstance(event, MappingStartEvent), None, scan.count - 1)
            if event.anchor:
                frame.anchor = str(event.anchor)
                scan.open_anchors.add(frame.anchor)
            scan.stack.append(frame)
        else:
            scan.placed(is_key, "?")


def _too_many_values(event: Event) -> str:
    if isinstance(event, AliasEvent):
        return (
            f"expanding the alias *{excerpt(str(event.anchor))[1:-1]} makes the file hold more"
            f" than {MAX_VALUES:,} values, the most a policy file may hold"
        )
    return f"the file holds more than {MAX_VALUES:,} values, the most a policy file may hold"


def _key_text(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def _scalar_problem(event: ScalarEvent) -> str | None:
    value: str = event.value
    if event.style == ">":  # round-trip mode marks a folded scalar's line breaks with \a
        value = value.replace("\a", "")
    if len(value) > MAX_STRING:
        return (
            f"{excerpt(value)} is {len(value):,} characters long; "
            f"a value has at most {MAX_STRING:,}"
        )
    if refused := refused_character(value):
        return (
            f"{excerpt(value)} contains {refused}: control and bidirectional characters are refused"
        )
    # A value that YAML may read as a number or a date: unquoted, or with an explicit tag.
    typed = event.style is None or event.tag is not None
    if typed and _LONG_NUMBER.search(value):
        return f"{excerpt(value)} has a number longer than {MAX_DIGITS} digits"
    if typed and (match := timestamp_regexp.match(value)):
        try:
            create_timestamp(**match.groupdict())
        except (ValueError, OverflowError) as error:
            return f"{excerpt(value)} is not a real date or time ({error})"
    return None
