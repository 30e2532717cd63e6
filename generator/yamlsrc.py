"""YAML with source positions and without implicit dates.

PyYAML's safe loader turns ``2020-02-30`` into a ``ValueError`` deep inside its
constructor; we keep every scalar that looks like a date as a string and let the
schema check it, with the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same nodes, faster


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple  # a path of keys/indexes into the document


@dataclass(frozen=True, slots=True)
class YamlError(Exception):
    """A YAML syntax error at a 1-based line and column."""

    line: int
    column: int
    detail: str


_PROBLEMS = {
    "found character '\\t' that cannot start any token": "含有制表符（Tab），YAML 缩进只能用空格",
    "found a tab character": "含有制表符（Tab），YAML 缩进只能用空格",
    "found character that cannot start any token": "此处的字符不能作为值的开头（以 @、` 等开头的值请加引号）",
    "mapping values are not allowed": "此处不允许出现“: ”（值中含冒号时请给整个值加引号）",
    "did not find expected key": "缩进不一致或缺少“键:”",
    "did not find expected '-' indicator": "列表项和键的缩进不一致",
    "could not find expected ':'": "缺少“:”（每行应写成“键: 值”）",
    "found duplicate anchor": "锚点重复",
    "expected <block end>, but found '-'": "列表缩进不一致",
    "found unexpected end of stream": "内容意外结束（引号或括号没有闭合）",
    "did not find expected node content": "缺少值",
    "found undefined alias": "引用了未定义的别名",
}


_UNCLOSED_BRACKET = "方括号或花括号没有正确闭合"
_UNCLOSED_QUOTE = "引号没有闭合"


def _explain(problem: str | None) -> str:
    problem = problem or "无法解析"
    for english, chinese in _PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return _UNCLOSED_BRACKET
    if "while scanning a quoted scalar" in problem or "found unexpected end of stream" in problem:
        return _UNCLOSED_QUOTE
    return f"无法解析（{problem}）"


def _char_at(text: str, line: int, column: int) -> str:
    lines = _YAML_BREAK.split(text)
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Where YAML (PyYAML and libyaml) starts a new line; editors break only at \\n, \\r\\n and \\r."""
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")


class _Lines:
    """Turns YAML marks into the editor's 1-based (line, column): YAML also breaks lines at NEL,
    U+2028 and U+2029, which editors show inside a line."""

    def __init__(self, text: str, first_line: int) -> None:
        self.first_line = first_line
        self.table: list[tuple[int, int]] | None = None  # YAML line -> (editor line, column offset)
        if _YAML_ONLY_BREAK.search(text):
            table, line, start = [(0, 0)], 0, 0
            for match in _YAML_BREAK.finditer(text):
                if match.group() in ("\r\n", "\r", "\n"):
                    line, start = line + 1, match.end()
                table.append((line, match.end() - start))
            self.table = table

    def at(self, mark: yaml.Mark) -> tuple[int, int]:
        """The editor's position of a YAML mark."""
        if self.table is None:
            return mark.line + self.first_line, mark.column + 1
        line, offset = self.table[min(mark.line, len(self.table) - 1)]
        return line + self.first_line, mark.column + offset + 1


MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted (front matter needs three or four)."""
MAX_NODES = 100_000
"""Most values a document may hold once its aliases are expanded (an alias bomb of nine
levels expands 409 bytes into billions)."""
MAX_CHARS = 1_000_000
"""Most characters (keys and scalar values) a document may hold once its aliases are expanded,
or its own length when that is more: one 60 KB string aliased 27,000 times stays under
``MAX_NODES`` yet expands to 1.6 G characters."""


def check_bounds(text: str, first_line: int = 1) -> None:
    """Refuse deep nesting, self-referencing aliases and alias bombs before anything is built.

    Walks the parser's event stream (flat, so deep input cannot exhaust the stack) and
    computes how many values and characters each anchor stands for, without expanding
    anything. Raises ``YamlError``; syntax errors are left to ``load``, which words them better.
    """
    sizes: dict[str, int] = {}
    chars: dict[str, int] = {}  # characters each anchor stands for
    stack: list[list] = [[None, 0]]  # [anchor, values so far, characters before it] of each open collection
    total_chars, max_chars = 0, max(MAX_CHARS, len(text))
    lines = _Lines(text, first_line)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            where = lines.at(event.start_mark)
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([event.anchor, 0, total_chars])
                if len(stack) - 1 > MAX_DEPTH:
                    raise YamlError(*where, f"嵌套超过 {MAX_DEPTH} 层")
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, size, chars_before = stack.pop()
                size += 1
                if anchor is not None:
                    sizes[anchor] = size
                    chars[anchor] = total_chars - chars_before
            elif isinstance(event, yaml.AliasEvent):
                if any(entry[0] == event.anchor for entry in stack):
                    raise YamlError(*where, f"别名 *{event.anchor} 引用了包含它自己的内容（循环引用）")
                size = sizes.get(event.anchor, 1)
                total_chars += chars.get(event.anchor, 0)
            elif isinstance(event, yaml.ScalarEvent):
                size = 1
                total_chars += len(event.value)
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                    chars[event.anchor] = len(event.value)
            else:
                continue
            stack[-1][1] += size
            if sum(entry[1] for entry in stack) > MAX_NODES:
                raise YamlError(*where, f"别名展开后超过 {MAX_NODES} 个值（别名层层引用，可能是“别名炸弹”），请不要这样使用别名")
            if total_chars > max_chars:
                raise YamlError(*where, f"别名展开后超过 {max_chars:,} 个字符（一段文字被别名引用了太多次），请不要这样使用别名")
    except yaml.YAMLError:
        deep = _flow_too_deep(text)
        if deep is not None:  # PyYAML 6.0.4+ stops deep flow nesting itself, in English: say it our way
            line, column = deep
            raise YamlError(line + first_line, column + 1, f"嵌套超过 {MAX_DEPTH} 层") from None
        return


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """Where ``[``/``{`` nesting first goes deeper than ``MAX_DEPTH`` (0-based line, column), or None.

    Only consulted when the parser has failed, so its rough view of quotes (a ' or " opens a
    quoted run to its closing quote; # after a blank starts a comment) cannot refuse valid YAML."""
    depth, line, column, quote, comment, previous = 0, 0, 0, "", False, " "
    for char in text:
        if char == "\n":
            line, column, comment, previous = line + 1, 0, False, " "
            if quote == "'":
                quote = ""  # be lenient: an apostrophe in a plain value does not swallow the rest
            continue
        if comment:
            pass
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and previous in " \t[{,:":
            quote = char
        elif char == "#" and previous in " \t":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
        previous, column = char, column + 1
    return None


def load(text: str, first_line: int = 1) -> tuple[object, dict[Path_, tuple[int, int]]]:
    """Parse ``text``; return the data and a map from key path to (line, column).

    ``first_line`` is the file line of the text's first line, so positions are file
    positions. Raises ``YamlError`` on syntax errors, duplicate keys included.
    """
    check_bounds(text, first_line)
    lines = _Lines(text, first_line)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = _UNCLOSED_QUOTE if "quoted scalar" in (exc.context or "") else _explain(exc.problem)
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            detail = _explain("found a tab character")
        if exc.context_mark is not None and detail in (_UNCLOSED_BRACKET, _UNCLOSED_QUOTE):
            mark = exc.context_mark  # where the bracket or quote was opened
        line, col = lines.at(mark) if mark else (first_line, 1)
        raise YamlError(line, col, detail) from None
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        raise YamlError(first_line, 1, _explain(str(exc))) from None
    if node is None:
        return None, {}
    marks: dict[Path_, tuple[int, int]] = {}
    _walk(node, (), marks, lines)
    try:
        data = _Loader(text).construct_document(node)  # type: ignore[arg-type]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlError(lines.at(mark)[0] if mark else first_line, 1, _explain(getattr(exc, "problem", str(exc)))) from None
    return data, marks


def _walk(node: yaml.Node, path: Path_, marks: dict, lines: _Lines) -> None:
    marks[path] = lines.at(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if key in seen:
                raise YamlError(*lines.at(key_node.start_mark), f"键 {key} 重复")
            seen.add(key)
            _walk(value_node, path + (key,), marks, lines)
            marks[path + (key, "__key__")] = lines.at(key_node.start_mark)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), marks, lines)
