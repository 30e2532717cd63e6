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
    "exceeded maximum nesting depth": "嵌套层数过多",
    "found unhashable key": "键不能是列表或映射",
}


_UNCLOSED_BRACKET = "方括号或花括号没有正确闭合"
_UNCLOSED_QUOTE = "引号没有闭合"
_UNKNOWN = "此处无法解析（请检查缩进、冒号、引号和括号）"
"""Any parser problem without a Chinese wording above: the editor never sees the parser's English."""


def _explain(problem: str | None) -> str:
    problem = problem or "无法解析"
    for english, chinese in _PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return _UNCLOSED_BRACKET
    if "while scanning a quoted scalar" in problem or "found unexpected end of stream" in problem:
        return _UNCLOSED_QUOTE
    return _UNKNOWN


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


class _PureLoader(yaml.SafeLoader):
    """The pure-Python parser: it has no nesting limit of its own, so ours always decides."""


def check_bounds(text: str, first_line: int = 1) -> None:
    """Refuse deep nesting, self-referencing aliases, alias bombs and explicit tags (``!!int x``
    would reach PyYAML's constructors, which raise Python errors) before anything is built.

    Walks the parser's event stream (flat, so deep input cannot exhaust the stack) and
    computes how many values and characters each anchor stands for, without expanding
    anything. Raises ``YamlError``; syntax errors are left to ``load``, which words them better.

    libyaml scans a flow collection ahead before it reports its first event and stops at
    its own nesting limit with an English message (PyYAML 6.0.4 and later). So when the
    fast parser fails, the text up to where it failed is walked again with the pure-Python
    parser, which has no limit of its own: our limits, worded in Chinese, come first, and
    the cost stays bounded by the failure position.
    """
    lines = _Lines(text, first_line)
    try:
        _walk_events(text, lines, _Loader, max(MAX_CHARS, len(text)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        stop = mark.index if mark is not None else len(text)
        try:
            _walk_events(text[:stop], lines, _PureLoader, max(MAX_CHARS, len(text)))
        except yaml.YAMLError:
            return
    except yaml.YAMLError:
        return


def _walk_events(text: str, lines: "_Lines", loader: type, max_chars: int) -> None:
    sizes: dict[str, int] = {}
    chars: dict[str, int] = {}  # characters each anchor stands for
    stack: list[list] = [[None, 0, 0]]  # [anchor, values so far, characters before it] of each open collection
    total_chars = 0
    for event in yaml.parse(text, Loader=loader):
        where = lines.at(event.start_mark)
        if getattr(event, "tag", None) is not None:
            raise YamlError(*where, f"不支持 YAML 标签 {event.tag.replace('tag:yaml.org,2002:', '!!')}（以 ! 开头的写法），请删除它，"
                                    "需要文字时给值加引号")
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
    except yaml.reader.ReaderError as exc:  # control characters, found before any token
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        at = max(0, text.find(char))  # the first such character: libyaml counts bytes, not characters
        before = text[:at]
        line, col = before.count("\n"), at - (before.rfind("\n") + 1)
        raise YamlError(line + first_line, col + 1, f"含有不可见的控制字符 U+{ord(char):04X}，请删除它") from None
    except yaml.YAMLError:  # any other parser failure, worded by us
        raise YamlError(first_line, 1, _UNKNOWN) from None
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
