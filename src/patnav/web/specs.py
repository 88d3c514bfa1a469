"""Validate a navigation spec and place each problem on its line, for the spec editor.

``patnav.analyses.spec.parse_spec`` decides whether a spec is valid; this module only finds
*where* each problem is, so the editor can mark the line: YAML syntax errors carry their
position; schema errors carry a path (``scope[0].children[1].query``) that is followed
through the YAML node tree; every ``query`` is compiled on its own so a wrong query is
reported on its line, at the column the query parser names.

The text is read once, within the limits of :mod:`patnav.yamlsafe` (size, aliases and
their expansion, depth, tags), before anything walks its node tree: a text of nested
aliases is refused at its first alias past the budget instead of being walked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from patnav.analyses.spec import NavigationSpec, describe_problem, parse_spec
from patnav.errors import InputError, QuerySyntaxError, SpecError, YamlError
from patnav.search import compile_query
from patnav.yamlsafe import compose_yaml, line_of


@dataclass(frozen=True, slots=True)
class SpecProblem:
    """One problem of a spec: its line and column (1-based; None when the problem
    concerns the whole document) and what to do.

    ``message`` is English; ``message_zh`` is the Chinese text where the core gives one
    (a query that does not parse), else None.
    """

    message: str
    line: int | None = None
    column: int | None = None
    message_zh: str | None = None

    def localized(self, lang: str) -> str:
        """The message in ``lang``: English for ``"en"``, else the Chinese text when
        there is one."""
        if lang == "en" or self.message_zh is None:
            return self.message
        return self.message_zh

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON: ``message``, ``message_zh`` (or null), line, column."""
        return {
            "message": self.message,
            "message_zh": self.message_zh,
            "line": self.line,
            "column": self.column,
        }


def check_spec(text: str) -> tuple[NavigationSpec | None, list[SpecProblem]]:
    """The parsed spec and no problems, or None and every problem found."""
    try:
        root = compose_yaml(text, source="spec")
    except YamlError as exc:
        return None, [
            SpecProblem(
                exc.problem,
                exc.line,
                exc.column,
                message_zh=exc.problem_zh,
            )
        ]
    problems = _query_problems(root)
    try:
        spec = parse_spec(text, source="spec")
    except SpecError as exc:
        cause = exc.__cause__
        if isinstance(cause, ValidationError):
            for error in cause.errors(include_url=False):
                message, message_zh, line = describe_problem(error, root)
                problems.append(SpecProblem(message, line, message_zh=message_zh))
        elif not problems or not isinstance(cause, InputError):
            problems.append(
                SpecProblem(_strip_source(str(exc)), _line_for_message(root, str(exc)))
            )
        return None, _unique(problems)
    if problems:  # parse_spec accepted it, yet a query failed on its own: report it
        return None, problems
    return spec, []


def _strip_source(message: str) -> str:
    for prefix in ("spec is not a valid navigation spec: ", "spec: ", "spec "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def _unique(problems: list[SpecProblem]) -> list[SpecProblem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for problem in problems:
        key = (problem.message, problem.line)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0))


def _query_problems(root: yaml.Node | None) -> list[SpecProblem]:
    """Every ``query``/``base_query`` value that does not compile, at its line and the
    column the parser names."""
    problems: list[SpecProblem] = []
    stack: list[yaml.Node] = [root] if root is not None else []
    seen: set[int] = set()  # an aliased subtree is one node object: checked once
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value in ("query", "base_query")
                    and isinstance(value, yaml.ScalarNode)
                    and value.value.strip()
                ):
                    problems.extend(_compile(value))
                else:
                    stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


def _compile(node: yaml.ScalarNode) -> list[SpecProblem]:
    try:
        compile_query(node.value)
    except QuerySyntaxError as exc:
        quoted = 1 if node.style in ("'", '"') else 0
        column = node.start_mark.column + 1 + quoted + exc.column - 1
        single_line = "\n" not in node.value
        return [
            SpecProblem(
                f"query {node.value!r}: {exc.message}",
                node.start_mark.line + 1,
                column if single_line else None,
                message_zh=f"检索式 {node.value!r}：{exc.message_zh}",
            )
        ]
    except InputError as exc:
        return [SpecProblem(f"query {node.value!r}: {exc}", node.start_mark.line + 1)]
    return []


def _line_for_message(root: yaml.Node | None, message: str) -> int | None:
    """The line of the top-level key a rule-level message is about."""
    for key in ("region", "entities", "scope", "type"):
        if f"'{key}" in message or f" {key}" in message:
            line = line_of(root, (key,))
            if line is not None:
                return line
    return None
