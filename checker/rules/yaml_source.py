"""Read a policy file into plain Python values, keeping the line and column of every value.

PyYAML's safe composer builds the node tree. This module converts the nodes itself, so
each value keeps its position, duplicate keys are caught, and the exact text of every
scalar stays available. YAML 1.1 resolves unquoted ``no``, ``on``, ``0443`` and ``1:10`` to
booleans and numbers; :mod:`checker.rules.values` later decides from the target type
whether the author meant that text or the resolved value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.constructor

from checker.i18n import _
from checker.rules.problems import Issue, YamlPath


@dataclass(frozen=True)
class Scalar:
    """Source text of one YAML scalar."""

    #: The characters the author wrote, without quotes.
    text: str
    #: True for an unquoted scalar, the only kind that YAML 1.1 resolves to other types.
    plain: bool


@dataclass
class YamlDocument:
    """A policy file as plain Python values, with positions and scalar text by path."""

    value: Any
    #: 1-based line and column of the value at each path.
    marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    #: 1-based line and column of the mapping key at each path.
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    scalars: dict[YamlPath, Scalar] = field(default_factory=dict)

    def position(self, path: YamlPath) -> tuple[int, int]:
        """Return the position of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(path[:end])
            if mark is not None:
                return mark
        return 1, 1

    def key_position(self, path: YamlPath) -> tuple[int, int]:
        """Return the position of the key that ends ``path``, falling back to its value."""
        return self.key_marks.get(path) or self.position(path)

    def issue(self, path: YamlPath, text: str, *, at_key: bool = False) -> Issue:
        """Build an issue placed at ``path`` (at its key when ``at_key``)."""
        line, column = self.key_position(path) if at_key else self.position(path)
        return Issue(path, line, column, text)


class Unreadable:
    """Value of a node that could not be converted; the schema rejects it as no JSON type."""

    def __repr__(self) -> str:
        return "<unreadable>"


UNREADABLE = Unreadable()


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Converter:
    """Convert a composed node tree into values, recording positions and problems."""

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.issues: list[Issue] = []
        self._constructor = yaml.constructor.SafeConstructor()
        self._active: set[int] = set()

    def convert(self, node: yaml.Node, path: YamlPath) -> Any:
        self.document.marks[path] = _mark(node)
        if id(node) in self._active:
            self.issues.append(self.document.issue(path, _("an alias refers to itself; remove the recursive alias")))
            return UNREADABLE
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)

        if node.tag not in _COLLECTION_TAGS:
            # Only scalars go through PyYAML's safe constructor, so check collection tags here.
            self.issues.append(self.document.issue(path, _("unsupported tag '%(tag)s'; remove the tag") % {"tag": node.tag}))
            return UNREADABLE
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, path: YamlPath) -> Any:
        self.document.scalars[path] = Scalar(node.value, plain=node.style is None)
        if node.tag == _TIMESTAMP_TAG:
            # No record field contains a date, so a date-like scalar is always meant as text.
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            text = _("%(problem)s; remove the tag or quote the value") % {"problem": exc.problem}
            self.issues.append(self.document.issue(path, text))
            return UNREADABLE

    def _mapping(self, node: yaml.Node, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.issues.append(self.document.issue(path, _("a mapping key must be a plain name, not a list or mapping")))
                continue
            key = key_node.value
            key_path = (*path, key)
            if key in first_lines:
                line, column = _mark(key_node)
                text = _("duplicate key '%(key)s' (first defined at line %(line)d); remove one of the two") % {
                    "key": key, "line": first_lines[key]
                }
                self.issues.append(Issue(key_path, line, column, text))
                continue
            first_lines[key] = _mark(key_node)[0]
            self.document.key_marks[key_path] = _mark(key_node)
            result[key] = self.convert(value_node, key_path)
        return result


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})


def read_yaml(text: str) -> tuple[YamlDocument | None, list[Issue]]:
    """Parse ``text`` into a document; return None and the syntax error when it does not parse.

    An empty file returns a document whose value is None.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Issue((), line, column, _("invalid YAML: %(reason)s; fix the syntax") % {"reason": exc.problem})]
    except yaml.YAMLError as exc:
        return None, [Issue((), 1, 1, _("invalid YAML: %(reason)s; fix the syntax") % {"reason": exc})]

    document = YamlDocument(None)
    if root is None:
        return document, []
    converter = _Converter(document)
    document.value = converter.convert(root, ())
    return document, converter.issues
