"""Bounded YAML: every YAML text patnav reads from a user goes through here.

YAML anchors and aliases let a few hundred bytes stand for a tree of billions of nodes
("billion laughs"): PyYAML builds the aliases as shared references, cheaply, but whatever
walks the result afterwards — a validator, a line finder, ``json.dumps`` — walks every
expansion. A 570-byte spec of eight nested aliases cost 40 s of CPU in the spec editor.
So a text is refused before anything walks it when it breaks one of :class:`YamlLimits`:

- **size**: at most ``max_bytes`` (UTF-8), checked before parsing;
- **aliases**: at most ``max_aliases`` uses of ``*anchor`` (merge keys ``<<: *x``
  included) — real specs and mapping files need none, a few are tolerated;
- **expanded size**: at most ``max_nodes`` nodes with every alias expanded (what a walk
  of the result would visit), so the few aliases allowed cannot multiply either;
- **depth**: at most ``max_depth`` nested collections;
- **tags**: no explicit tag except the plain core ones (``!!str``, ``!!int``, ``!!float``,
  ``!!bool``, ``!!null``, ``!!seq``, ``!!map``); ``!!python/object``, ``!custom`` and the
  like are refused, never constructed;
- **one document**, and **no key twice** in one mapping (the later value would silently
  win).

The events come from libyaml when it is installed (fast), the composing that enforces the
limits is PyYAML's own composer; values are built by ``SafeConstructor``. Errors are
:class:`YamlError` (syntax, duplicate keys, tags: an :class:`~patnav.errors.InputError`)
or :class:`UnsafeYamlError` (a limit: an :class:`~patnav.errors.UnsafeInputError`), both
with the 1-based ``line`` and ``column`` where the problem is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from patnav.errors import InputError, UnsafeYamlError, YamlError

try:  # libyaml's parser when installed (ten times faster), else PyYAML's own
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


__all__ = [
    "DEFAULT_LIMITS",
    "Node",
    "UnsafeYamlError",
    "YamlError",
    "YamlLimits",
    "compose_yaml",
    "construct_yaml",
    "line_of",
    "load_yaml",
    "load_yaml_file",
    "node_at",
]

ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
"""Explicit tags a text may carry; every other explicit tag is refused."""


@dataclass(frozen=True, slots=True)
class YamlLimits:
    """What one YAML text may cost (see the module docstring)."""

    max_bytes: int = 512 * 1024
    max_aliases: int = 16
    max_nodes: int = 50_000
    max_depth: int = 40


DEFAULT_LIMITS = YamlLimits()


class _BoundedLoader(Composer, _Parser, SafeConstructor, Resolver):
    """PyYAML's composer over libyaml's events, counting what the limits bound."""

    def __init__(self, text: str, source: str, limits: YamlLimits) -> None:
        _Parser.__init__(self, text)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)
        self.source = source
        self.limits = limits
        self.aliases = 0
        self.expanded = 0  # nodes visited so far, aliases counted by their expansion
        self.depth = 0
        self.sizes: dict[str, int] = {}  # anchor -> expanded size of its node

    def _refuse(self, event: Any, problem: str, problem_zh: str) -> UnsafeYamlError:
        mark = getattr(event, "start_mark", None)
        return UnsafeYamlError(
            self.source,
            problem,
            problem_zh=problem_zh,
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        )

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        limits = self.limits
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > limits.max_aliases:
                raise self._refuse(
                    event,
                    f"more than {limits.max_aliases} aliases (*name): refused, as a "
                    "text of nested aliases can stand for billions of values. Write "
                    "the values out instead of referring to an anchor.",
                    f"别名（*名称）超过 {limits.max_aliases} 个，已拒绝：嵌套别名可让"
                    "几百字节的文本展开成数十亿个值。请直接写出这些值，不要引用锚点。",
                )
            anchor = str(event.anchor)
            if anchor in self.anchors and anchor not in self.sizes:
                raise self._refuse(
                    event,
                    f"the alias *{anchor} refers to a value that contains it: a "
                    "value cannot contain itself.",
                    f"别名 *{anchor} 引用了包含它自身的值，已拒绝。",
                )
            self._grow(event, self.sizes.get(anchor, 1))
            return super().compose_node(parent, index)
        if isinstance(event, NodeEvent):
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and tag not in ALLOWED_TAGS:
                mark = event.start_mark
                assert mark is not None
                raise YamlError(
                    self.source,
                    f"the tag {tag} is not allowed: patnav reads plain YAML values "
                    "only (text, numbers, true/false, lists, mappings).",
                    problem_zh=f"不允许使用标签 {tag}：只接受普通的 YAML 值"
                    "（文本、数字、true/false、列表、映射）。",
                    line=mark.line + 1,
                    column=mark.column + 1,
                )
        is_collection = isinstance(event, SequenceStartEvent | MappingStartEvent)
        if is_collection:
            self.depth += 1
            if self.depth > limits.max_depth:
                raise self._refuse(
                    event,
                    f"nested more than {limits.max_depth} levels deep: refused.",
                    f"嵌套超过 {limits.max_depth} 层，已拒绝。",
                )
        before = self.expanded
        self._grow(event, 1)
        node = super().compose_node(parent, index)
        if is_collection:
            self.depth -= 1
        made_anchor = getattr(event, "anchor", None)
        if made_anchor is not None and isinstance(
            event, ScalarEvent | SequenceStartEvent | MappingStartEvent
        ):
            self.sizes[str(made_anchor)] = self.expanded - before
        if isinstance(node, MappingNode):
            _check_unique_keys(node, self.source)
        return node

    def _grow(self, event: Any, size: int) -> None:
        self.expanded += size
        if self.expanded > self.limits.max_nodes:
            raise self._refuse(
                event,
                f"more than {self.limits.max_nodes:,} values once its aliases are "
                "expanded: refused.",
                f"展开别名后超过 {self.limits.max_nodes:,} 个值，已拒绝。",
            )


def _check_unique_keys(node: MappingNode, source: str) -> None:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, ScalarNode) or key.value == "<<":
            continue
        line = key.start_mark.line + 1
        if key.value in seen:
            raise YamlError(
                source,
                f"the key '{key.value}' appears twice in one mapping (first on line "
                f"{seen[key.value]}): keep one.",
                problem_zh=f"同一映射中键“{key.value}”出现了两次（第一次在第 "
                f"{seen[key.value]} 行），请只保留一个。",
                line=line,
                column=key.start_mark.column + 1,
            )
        seen[key.value] = line


def _syntax_error(exc: yaml.YAMLError, source: str) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"not valid YAML: {context + ', ' if context else ''}{problem}"
    return YamlError(
        source,
        text,
        line=mark.line + 1 if mark is not None else None,
        column=mark.column + 1 if mark is not None else None,
    )


def _check_size(text: str, source: str, limits: YamlLimits) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise UnsafeYamlError(
            source,
            f"{size:,} bytes is larger than the limit of {limits.max_bytes:,} bytes for "
            "a YAML text: refused unread.",
            problem_zh=f"YAML 文本大小 {size:,} 字节，超过上限 {limits.max_bytes:,} "
            "字节，未读取即拒绝。",
        )


def _loader(text: str, source: str, limits: YamlLimits) -> _BoundedLoader:
    _check_size(text, source, limits)
    return _BoundedLoader(text, source, limits)


def compose_yaml(
    text: str, *, source: str = "<yaml>", limits: YamlLimits = DEFAULT_LIMITS
) -> Node | None:
    """The node tree of a YAML text (with line marks), within ``limits``; None for an
    empty text.

    Raises:
        UnsafeYamlError: the text breaks a limit.
        YamlError: the text is not valid YAML, has a duplicate key or a refused tag.
    """
    loader = _loader(text, source, limits)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source) from exc
    finally:
        loader.dispose()


def load_yaml(
    text: str, *, source: str = "<yaml>", limits: YamlLimits = DEFAULT_LIMITS
) -> Any:
    """The value of a YAML text (dicts, lists, strings, numbers …), within ``limits``.

    Raises:
        UnsafeYamlError: the text breaks a limit.
        YamlError: the text is not valid YAML, has a duplicate key or a refused tag.
    """
    loader = _loader(text, source, limits)
    try:
        node = loader.get_single_node()
        return None if node is None else construct_yaml(node, source=source)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source) from exc
    finally:
        loader.dispose()


def construct_yaml(node: Node, *, source: str = "<yaml>") -> Any:
    """The value of a node tree made by :func:`compose_yaml` (safe constructors only)."""
    constructor = SafeConstructor()
    try:
        return constructor.construct_document(node)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, source) from exc


def load_yaml_file(path: Path | str, *, limits: YamlLimits = DEFAULT_LIMITS) -> Any:
    """The value of a YAML file, within ``limits`` (its size is checked before reading).

    Raises:
        InputError: the file cannot be read, or is not UTF-8.
        UnsafeYamlError, YamlError: as :func:`load_yaml`.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise UnsafeYamlError(
                str(p),
                f"{size:,} bytes is larger than the limit of {limits.max_bytes:,} bytes "
                "for a YAML file: refused unread.",
                problem_zh=f"YAML 文件大小 {size:,} 字节，超过上限 "
                f"{limits.max_bytes:,} 字节，未读取即拒绝。",
            )
        text = p.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read {p}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{p} is not UTF-8 text: {exc}") from exc
    return load_yaml(text, source=str(p), limits=limits)


def node_at(root: Node | None, loc: tuple[Any, ...]) -> tuple[Node | None, Node | None]:
    """The node at a path of keys and list indexes (``("scope", 0, "query")``) and the
    key node that names it; as deep as the path exists (``(None, root)`` for ``()``)."""
    key_node: Node | None = None
    node = root
    for part in loc:
        found: tuple[Node | None, Node] | None = None
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value == str(part):
                    found = (key, value)
                    break
        elif (
            isinstance(node, SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            found = (None, node.value[part])
        if found is None:
            break
        key_node, node = found
    return key_node, node


def line_of(root: Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the node at ``loc`` (its key's line when it has one), or of
    the deepest part of the path that exists; None for an empty text."""
    if root is None:
        return None
    key_node, node = node_at(root, loc)
    target = key_node or node
    return target.start_mark.line + 1 if target is not None else None


def shipped_with_overrides(
    package: str, name: str, path: Path | None, known: Sequence[str]
) -> dict[str, Any]:
    """A mapping of settings shipped as ``name`` in ``package`` (thresholds and the
    like), with the user's file at ``path`` laid over it.

    Raises:
        InvalidParameterError: the user's file is not a mapping, or names a setting that
            is not in ``known``.
    """
    from importlib import resources

    from patnav.errors import InvalidParameterError

    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    data: Any = load_yaml(text, source=name)
    if path is not None:
        extra = load_yaml_file(path)
        if not isinstance(extra, dict):
            raise InvalidParameterError(
                f"阈值文件 {path} 应为“名称: 值”的映射（The file must be a mapping of "
                f"names to values），见 {package.replace('.', '/')}/{name}。"
            )
        data = {**data, **extra}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise InvalidParameterError(
            f"未知阈值 {'、'.join(unknown)}（unknown settings）；可用：{'、'.join(known)}。"
        )
    return dict(data)
