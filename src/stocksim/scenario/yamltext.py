"""Reading a scenario's YAML text, strictly and within bounds, for every door (command line, app,
campaigns, sweeps): the one function is ``read_yaml``.

- At most ``MAX_YAML_BYTES`` of UTF-8 text, nested at most ``MAX_YAML_DEPTH`` deep: deeper nesting
  is refused where it starts, from the parser's flat stream of events, before composing (which
  recurses once per level) could overflow.
- Anchors and aliases are allowed (one table shared by several cities), but the document with
  every alias expanded may hold at most ``MAX_YAML_VALUES`` values, and an alias may not contain
  itself: an alias bomb ("billion laughs") is refused while the parser's events are counted (an
  alias adds what its anchor holds), before anything is composed or expanded, and the message
  never shows the expanded value.
- A key given twice in one mapping is an error (the second would silently win otherwise).
- Numbers in scientific notation are numbers, as in YAML 1.2 (``1e6``, ``2.5E-3``); YAML 1.1, which
  PyYAML follows, reads ``1e6`` as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from stocksim.scenario.errors import ConfigError, shown
from stocksim.scenario.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_VALUES

# YAML 1.1's floats (PyYAML's pattern) with the exponent's sign optional and a mantissa without a dot.
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


# libyaml's parser when PyYAML has it (about 3x faster); the checks below read its events either way.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _BoundedLoader(_Base):
    """PyYAML's safe loader that refuses repeated keys and reads 1e6 as a number."""


class _Shape:
    """Depth and expanded size from the parser's flat stream of events, before anything is composed
    (composing recurses once per level) or expanded: an alias counts what its anchor holds, and an
    alias to a collection still open (one that would contain itself) is refused."""

    def __init__(self) -> None:
        self.open: list[list[Any]] = []  # per open collection: [anchor, values so far]
        self.sizes: dict[str, int] = {}  # anchor -> values it holds, aliases expanded

    def read(self, text: str) -> None:
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, yaml.CollectionStartEvent):
                if len(self.open) >= MAX_YAML_DEPTH:
                    raise _Refused(_TOO_DEEP, event.start_mark)
                self.open.append([event.anchor, 1])
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size = self.open.pop()
                self.add(size, anchor, event.start_mark)
            elif isinstance(event, yaml.ScalarEvent):
                self.add(1, event.anchor, event.start_mark)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.sizes:
                    raise _Refused(
                        "an alias refers to a node that contains it (a recursive structure)", event.start_mark
                    )
                self.add(self.sizes[event.anchor], None, event.start_mark)

    def add(self, size: int, anchor: str | None, mark: Any) -> None:
        total = size + (self.open[-1][1] if self.open else 0)
        if total > MAX_YAML_VALUES:
            raise _Refused(
                f"with its aliases expanded the document would hold more than {MAX_YAML_VALUES:,} values "
                "(an alias bomb?); write the tables out or share fewer of them",
                mark,
            )
        if anchor is not None:
            self.sizes[anchor] = size
        if self.open:
            self.open[-1][1] = total


_TOO_DEEP = f"nested more than {MAX_YAML_DEPTH} levels deep"


def _mapping_no_duplicates(loader: _BoundedLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:
            raise _Refused("a key must be a plain value, not a list or mapping", key_node.start_mark) from None
        if repeated:
            raise _Refused(f"key {shown(key)} appears twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_BoundedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_no_duplicates)
_BoundedLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def read_yaml(text: str | bytes, source: str | Path) -> Any:
    """The data in a scenario's YAML text, within the bounds above; a ConfigError naming ``source``
    and the line otherwise. The app's uploads and pasted text come through here as files do."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_YAML_BYTES:
        raise ConfigError(source, "", f"{size:,} bytes, larger than the limit of {MAX_YAML_BYTES:,} for a scenario")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(source, "", "the file is not UTF-8 text") from None
    try:
        _Shape().read(text)
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while it scans ahead
            exc, problem = _Refused(_TOO_DEEP, mark), _TOO_DEEP
        raise ConfigError(
            source, where, problem if isinstance(exc, _Refused) else f"malformed YAML: {problem}"
        ) from None
    except RecursionError:  # a construct the depth limit does not see; never a traceback
        raise ConfigError(source, "", f"malformed YAML: nested too deeply (at most {MAX_YAML_DEPTH} levels)") from None


def read_yaml_file(path: str | Path) -> Any:
    """``read_yaml`` of a file, its size checked before it is read."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, "", "no such file" if not path.exists() else "not a file")
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ConfigError(path, "", f"{size:,} bytes, larger than the limit of {MAX_YAML_BYTES:,} for a scenario")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, "", f"cannot read the file: {exc.strerror}") from None
    return read_yaml(raw, path)
