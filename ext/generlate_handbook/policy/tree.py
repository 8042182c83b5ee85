"""The policy as a tree of keys: the one walk of the model, by value or by type.

A key is what the YAML calls it (a field's alias, ``from``, else its name). The reader wording
(:func:`children`, to resolve ``plans.managed.availability``), the source lint (:func:`leaves`,
every figure) and located load errors (:func:`keys_at`, "did you mean") all walk it here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .source import KeyPath


def _fields(model: type[BaseModel]) -> dict[str, str]:
    """YAML key -> attribute name."""
    return {(field.alias or name): name for name, field in model.model_fields.items()}


def children(node: Any) -> dict[str, Any]:
    """A model's or mapping's values by key; nothing for a single value or a list."""
    if isinstance(node, BaseModel):
        return {key: getattr(node, name) for key, name in _fields(type(node)).items()}
    if isinstance(node, dict):
        return {str(key): value for key, value in node.items()}
    return {}


def leaves(node: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every single value (or list) under ``node`` with its key path, in the policy's order."""
    below = children(node)
    if not below:
        yield path, node
    for key, value in below.items():
        yield from leaves(value, (*path, key))


def keys_at(root: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``path`` may have, from the model's types (for values that failed
    validation, so there is no model instance to walk)."""
    annotation: Any = root
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            name = _fields(annotation).get(str(part))
            if name is None:
                return []
            annotation = annotation.model_fields[name].annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        elif get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(_fields(annotation))
    return []


def _unwrap(annotation: Any) -> Any:
    """``Foo | None`` -> ``Foo``."""
    args = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) not in (dict, list) and len(args) == 1:
        return args[0]
    return annotation
