"""A small evaluator of our Terraform, so tests and tools can read it the way `terraform plan` would.

python-hcl2 parses the .tf files; this walks its syntax tree and evaluates what
infra/ uses: literals, templates, locals, variables (from a tfvars file and the
defaults), ``for_each`` with ``each.key``/``each.value``, ``dynamic`` blocks,
for-expressions, conditionals, operators and the built-in functions listed in
``FUNCTIONS``. A reference to a resource's attribute (``google_pubsub_topic.topic["x"].id``)
is known only after apply: it evaluates to a :class:`Ref` naming it, so a test
can check that the subscription's topic *is* that topic's id.

Anything else raises :class:`Unsupported`, so a construct this does not know
fails the tests instead of being skipped.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree


class Unsupported(Exception):
    pass


@dataclass(frozen=True)
class Ref:
    """A value known after apply: a resource (or data source) attribute."""

    resource: str  # "google_pubsub_topic.topic"
    key: Any = None  # the for_each key, or None
    attrs: tuple[Any, ...] = ()  # ("id",) or ("service_config", 0, "uri")

    def __str__(self) -> str:
        key = "" if self.key is None else f"[{json.dumps(self.key)}]"
        path = "".join(f"[{a}]" if isinstance(a, int) else f".{a}" for a in self.attrs)
        return f"{self.resource}{key}{path}"

    def __lt__(self, other: Ref) -> bool:
        return str(self) < str(other)


@dataclass(frozen=True)
class Template:
    """A string with references in it: the parts, literal strings and Refs."""

    parts: tuple[Any, ...]

    def __str__(self) -> str:
        return "".join(p if isinstance(p, str) else "${" + str(p) + "}" for p in self.parts)


def _unknown(value: Any) -> bool:
    if isinstance(value, (Ref, Template)):
        return True
    if isinstance(value, dict):
        return any(_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_unknown(v) for v in value)
    return False


# -- the configuration ------------------------------------------------------------------------

@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    attributes: dict[str, Tree]
    blocks: list[Block]
    comments: list[str]
    file: str
    line: int = 0  # where the block starts in its file, for messages

    def attr(self, name: str) -> Tree | None:
        return self.attributes.get(name)


def _children(tree: Tree) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _name(tree: Tree) -> str:
    """An identifier, keyword or string label."""
    if tree.data in ("identifier", "keyword"):
        return str(tree.children[0])
    if tree.data == "string":
        return "".join(str(p.children[0]) for p in _children(tree))
    raise Unsupported(f"label {tree.data}")


def _comments(tree: Tree) -> list[str]:
    found = []
    for node in tree.iter_subtrees():
        if node.data == "new_line_or_comment":
            for token in node.children:
                text = str(token).strip()
                if text.startswith(("#", "//")):
                    found.append(text.lstrip("#/ ").strip())
    return found


def _body(body: Tree, file: str) -> tuple[dict[str, Tree], list[Block]]:
    attributes: dict[str, Tree] = {}
    blocks: list[Block] = []
    for item in _children(body):
        if item.data == "attribute":
            name, expression = _children(item)[0], _children(item)[-1]
            attributes[_name(name)] = expression
        elif item.data == "block":
            parts = _children(item)
            inner = parts[-1]
            head = [p for p in parts[:-1]]
            inner_attributes, inner_blocks = _body(inner, file)
            blocks.append(
                Block(
                    _name(head[0]), tuple(_name(h) for h in head[1:]), inner_attributes, inner_blocks, _comments(inner), file,
                    getattr(item.meta, "line", 0),
                )
            )
    return attributes, blocks


def parse_file(path: Path) -> tuple[dict[str, Tree], list[Block]]:
    tree = hcl2.parses_to_tree(path.read_text())
    return _body(_children(tree)[0], path.name)


# -- evaluation ----------------------------------------------------------------------------------

def _fn(name: str) -> Callable:
    return FUNCTIONS[name]


class Terraform:
    """The root module in ``directory``, with variables from ``tfvars`` (a path) or ``variables``."""

    def __init__(self, directory: Path, tfvars: Path | None = None, variables: dict[str, Any] | None = None) -> None:
        self.directory = directory
        self.blocks: list[Block] = []
        for path in sorted(directory.glob("*.tf")):
            _, blocks = parse_file(path)
            self.blocks += blocks
        self._local_trees: dict[str, Tree] = {}
        for block in self.of_type("locals"):
            for name, tree in block.attributes.items():
                if name in self._local_trees:
                    raise Unsupported(f"local.{name} defined twice")
                self._local_trees[name] = tree
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        given = dict(variables or {})
        if tfvars is not None:
            attributes, _ = parse_file(tfvars)
            given.update({name: self.eval(tree, {}) for name, tree in attributes.items()})
        self.vars: dict[str, Any] = {}
        for block in self.of_type("variable"):
            name = block.labels[0]
            if name in given:
                self.vars[name] = given[name]
            elif "default" in block.attributes:
                self.vars[name] = self.eval(block.attributes["default"], {})
            else:
                raise KeyError(f"variable {name} has no value and no default")
        self.resources = {(b.labels[0], b.labels[1]): b for b in self.of_type("resource")}
        self.data = {(b.labels[0], b.labels[1]): b for b in self.of_type("data")}

    def of_type(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.type == kind]

    def local(self, name: str) -> Any:
        if name not in self._locals:
            if name in self._evaluating:
                raise Unsupported(f"local.{name} refers to itself")
            self._evaluating.add(name)
            self._locals[name] = self.eval(self._local_trees[name], {})
            self._evaluating.discard(name)
        return self._locals[name]

    # -- resources ---------------------------------------------------------------------------
    def resource(self, type_: str, name: str) -> Block:
        return self.resources[(type_, name)]

    def instances(self, type_: str, name: str) -> dict[Any, dict[str, Any]]:
        """Every instance of a resource, evaluated: {for_each key (or None): attributes}."""
        block = self.resource(type_, name)
        return {key: self.evaluate_block(block, scope) for key, scope in self.expand(block).items()}

    def expand(self, block: Block) -> dict[Any, dict[str, Any]]:
        if "count" in block.attributes:
            raise Unsupported("count")
        if "for_each" not in block.attributes:
            return {None: {}}
        collection = self.eval(block.attributes["for_each"], {})
        if _unknown(collection):
            raise Unsupported(f"for_each of {block.labels} is known only after apply")
        if isinstance(collection, dict):
            return {k: {"each": {"key": k, "value": v}} for k, v in collection.items()}
        if isinstance(collection, (set, frozenset)):
            return {k: {"each": {"key": k, "value": k}} for k in sorted(collection)}
        raise Unsupported(f"for_each over {type(collection).__name__} (use a map or toset())")

    def evaluate_block(self, block: Block, scope: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, tree in block.attributes.items():
            if name in ("for_each", "depends_on", "provider"):
                continue
            out[name] = self.eval(tree, scope)
        for inner in block.blocks:
            if inner.type == "dynamic":
                label = inner.labels[0]
                iterator = self.eval(inner.attributes["iterator"], scope) if "iterator" in inner.attributes else label
                collection = self.eval(inner.attributes["for_each"], scope)
                items = collection.items() if isinstance(collection, dict) else ((k, k) for k in sorted(collection)) \
                    if isinstance(collection, (set, frozenset)) else enumerate(collection)
                content = next(b for b in inner.blocks if b.type == "content")
                out.setdefault(label, [])
                for key, value in items:
                    out[label].append(self.evaluate_block(content, {**scope, iterator: {"key": key, "value": value}}))
            elif inner.type == "lifecycle":
                out["lifecycle"] = [self._lifecycle(inner, scope)]
            else:
                out.setdefault(inner.type, []).append(self.evaluate_block(inner, scope))
        return out

    def _lifecycle(self, block: Block, scope: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for inner in block.blocks:
            if inner.type == "precondition":
                out.setdefault("precondition", []).append(self.evaluate_block(inner, scope))
        return out

    def validations(self) -> list[tuple[str, Any, str]]:
        """Every variable validation with the variables given: (variable, condition, message)."""
        results = []
        for block in self.of_type("variable"):
            for inner in block.blocks:
                if inner.type == "validation":
                    results.append((block.labels[0], self.eval(inner.attributes["condition"], {}), self.eval(inner.attributes["error_message"], {})))
        return results

    # -- expressions ---------------------------------------------------------------------------
    def eval(self, tree: Tree | Token, scope: dict[str, Any]) -> Any:
        if isinstance(tree, Token):
            raise Unsupported(f"token {tree.type}")
        method = getattr(self, f"_{tree.data}", None)
        if method is None:
            raise Unsupported(f"expression {tree.data}")
        return method(tree, scope)

    def _expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        inner = _children(tree)
        if len(inner) != 1:
            raise Unsupported("expr_term")
        return self.eval(inner[0], scope)

    def _int_lit(self, tree: Tree, scope: dict[str, Any]) -> int:
        return int(str(tree.children[0]))

    def _float_lit(self, tree: Tree, scope: dict[str, Any]) -> float:
        return float(str(tree.children[0]))

    def _literal_value(self, tree: Tree, scope: dict[str, Any]) -> Any:
        return {"true": True, "false": False, "null": None}[str(tree.children[0])]

    def _string(self, tree: Tree, scope: dict[str, Any]) -> Any:
        parts: list[Any] = []
        for part in _children(tree):
            token = part.children[0]
            if isinstance(token, Tree) and token.data == "interpolation":
                value = self.eval(_children(token)[0], scope)
                parts.append(value if isinstance(value, (Ref, Template)) else _to_string(value))
            elif isinstance(token, Token) and token.type == "STRING_CHARS":
                parts.append(_unescape(str(token)))
            elif isinstance(token, Token) and token.type == "ESCAPED_INTERPOLATION":
                parts.append(str(token)[1:])
            else:
                raise Unsupported(f"string part {getattr(token, 'data', getattr(token, 'type', token))}")
        flat: list[Any] = []
        for part in parts:
            if isinstance(part, Template):
                flat += part.parts
            else:
                flat.append(part)
        if all(isinstance(p, str) for p in flat):
            return "".join(flat)
        return Template(tuple(flat))

    def _tuple(self, tree: Tree, scope: dict[str, Any]) -> list[Any]:
        return [self.eval(c, scope) for c in _children(tree)]

    def _object(self, tree: Tree, scope: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for elem in _children(tree):
            key_tree, value_tree = _children(elem)
            key_expr = _children(key_tree)[0]
            # A bare name as key is the key itself, not a variable: { a = 1 } is {"a": 1}.
            inner = _children(key_expr) if key_expr.data == "expr_term" else [key_expr]
            if len(inner) == 1 and inner[0].data in ("identifier", "keyword"):
                key = str(inner[0].children[0])
            else:
                key = self.eval(key_expr, scope)
            out[key] = self.eval(value_tree, scope)
        return out

    def _conditional(self, tree: Tree, scope: dict[str, Any]) -> Any:
        condition, yes, no = _children(tree)
        chosen = self.eval(condition, scope)
        if _unknown(chosen):
            raise Unsupported("condition known only after apply")
        return self.eval(yes if chosen else no, scope)

    def _binary_op(self, tree: Tree, scope: dict[str, Any]) -> Any:
        left_tree, term = _children(tree)
        operator_tree, right_tree = _children(term)
        operator = str(operator_tree.children[0])
        left = self.eval(left_tree, scope)
        if operator == "&&" and left is False:
            return False
        if operator == "||" and left is True:
            return True
        right = self.eval(right_tree, scope)
        if _unknown(left) or _unknown(right):
            raise Unsupported(f"operator {operator} on a value known only after apply")
        operations = {
            "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "+": lambda a, b: a + b, "-": lambda a, b: a - b,
            "*": lambda a, b: a * b, "/": lambda a, b: a / b, "%": lambda a, b: a % b,
            "&&": lambda a, b: a and b, "||": lambda a, b: a or b,
        }
        return operations[operator](left, right)

    def _unary_op(self, tree: Tree, scope: dict[str, Any]) -> Any:
        operator = str(tree.children[0])
        value = self.eval(_children(tree)[0], scope)
        return (not value) if operator == "!" else -value

    def _function_call(self, tree: Tree, scope: dict[str, Any]) -> Any:
        parts = _children(tree)
        name = _name(parts[0])
        arguments = parts[1] if len(parts) > 1 else None
        argument_trees = _children(arguments) if arguments is not None else []
        expand = arguments is not None and any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in arguments.children)
        if name == "try":
            for candidate in argument_trees:
                try:
                    return self.eval(candidate, scope)
                except (KeyError, IndexError, TypeError, AttributeError):
                    continue
            raise Unsupported("try: no argument evaluated")
        if name == "file":
            path = self.eval(argument_trees[0], scope)
            return (self.directory / path).read_text() if not Path(path).is_absolute() else Path(path).read_text()
        values = [self.eval(t, scope) for t in argument_trees]
        if expand:
            values = values[:-1] + list(values[-1])
        if name not in FUNCTIONS:
            raise Unsupported(f"function {name}")
        if _unknown(values) and name not in ("merge", "lookup", "jsonencode", "tostring"):
            return Ref(f"{name}(...)")
        return FUNCTIONS[name](*values)

    # for expressions
    def _for_intro(self, tree: Tree, scope: dict[str, Any]) -> tuple[list[str], Any]:
        names = [str(c.children[0]) for c in _children(tree) if c.data == "identifier"]
        collection = self.eval(next(c for c in _children(tree) if c.data != "identifier"), scope)
        return names, collection

    def _for_items(self, intro: Tree, scope: dict[str, Any]):
        names, collection = self._for_intro(intro, scope)
        if _unknown(collection):
            raise Unsupported("for over a value known only after apply")
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, (set, frozenset)):
            pairs = [(v, v) for v in sorted(collection)]
        else:
            pairs = list(enumerate(collection))
        for key, value in pairs:
            if len(names) == 1:
                yield {**scope, names[0]: value}
            else:
                yield {**scope, names[0]: key, names[1]: value}

    def _for_tuple_expr(self, tree: Tree, scope: dict[str, Any]) -> list[Any]:
        intro, *rest = _children(tree)
        value_tree = rest[0]
        condition = rest[1] if len(rest) > 1 else None
        out = []
        for inner in self._for_items(intro, scope):
            if condition is not None and not self.eval(_children(condition)[0], inner):
                continue
            out.append(self.eval(value_tree, inner))
        return out

    def _for_object_expr(self, tree: Tree, scope: dict[str, Any]) -> dict[Any, Any]:
        intro, key_tree, value_tree, *rest = _children(tree)
        if any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in tree.children):
            raise Unsupported("grouping for-expression (...)")
        condition = rest[0] if rest else None
        out = {}
        for inner in self._for_items(intro, scope):
            if condition is not None and not self.eval(_children(condition)[0], inner):
                continue
            key = self.eval(key_tree, inner)
            if key in out:
                raise ValueError(f"duplicate key {key!r} in a for-expression")
            out[key] = self.eval(value_tree, inner)
        return out

    # references
    def _identifier(self, tree: Tree, scope: dict[str, Any]) -> Any:
        return self._traverse(str(tree.children[0]), [], scope)

    def _get_attr_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        return self._chain(tree, scope)

    def _index_expr_term(self, tree: Tree, scope: dict[str, Any]) -> Any:
        return self._chain(tree, scope)

    def _chain(self, tree: Tree, scope: dict[str, Any]) -> Any:
        steps: list[tuple[str, Any]] = []
        node = tree
        while node.data in ("get_attr_expr_term", "index_expr_term", "expr_term"):
            inner = _children(node)
            if node.data == "expr_term":
                if len(inner) != 1:
                    raise Unsupported("expr_term")
                node = inner[0]
                continue
            base, step = inner
            if step.data == "get_attr":
                steps.append(("attr", _name(_children(step)[0])))
            elif step.data == "braces_index":
                steps.append(("index", _children(step)[0]))
            elif step.data == "short_index":
                steps.append(("index_value", int(str(step.children[-1]))))
            else:
                raise Unsupported(f"index {step.data}")
            node = base
        steps.reverse()
        if node.data != "identifier":
            value = self.eval(node, scope)
            return self._apply(value, steps, scope)
        return self._traverse(str(node.children[0]), steps, scope)

    def _step_value(self, step: tuple[str, Any], scope: dict[str, Any]) -> Any:
        kind, value = step
        if kind == "index":
            return self.eval(value, scope)
        return value

    def _apply(self, value: Any, steps: list[tuple[str, Any]], scope: dict[str, Any]) -> Any:
        for step in steps:
            index = self._step_value(step, scope)
            if isinstance(value, Ref):
                value = Ref(value.resource, value.key, value.attrs + (index,))
            elif isinstance(value, (dict, list)):
                value = value[index]
            else:
                raise TypeError(f"cannot index {type(value).__name__} with {index!r}")
        return value

    def _traverse(self, root: str, steps: list[tuple[str, Any]], scope: dict[str, Any]) -> Any:
        if root in scope:
            return self._apply(scope[root], steps, scope)
        if root == "local":
            name = self._step_value(steps[0], scope)
            return self._apply(self.local(name), steps[1:], scope)
        if root == "var":
            name = self._step_value(steps[0], scope)
            return self._apply(self.vars[name], steps[1:], scope)
        if root == "path":
            what = self._step_value(steps[0], scope)
            if what in ("module", "root"):
                return "."
            raise Unsupported(f"path.{what}")
        if root == "data":
            type_, name = self._step_value(steps[0], scope), self._step_value(steps[1], scope)
            if (type_, name) not in self.data:
                raise KeyError(f"no data.{type_}.{name}")
            return self._resource_ref(f"data.{type_}.{name}", self.data[(type_, name)], steps[2:], scope)
        if root in ("each", "count", "self"):
            raise KeyError(f"{root} outside of its block")
        name = self._step_value(steps[0], scope)
        if (root, name) not in self.resources:
            raise KeyError(f"no resource {root}.{name}")
        return self._resource_ref(f"{root}.{name}", self.resources[(root, name)], steps[1:], scope)

    def _resource_ref(self, address: str, block: Block, steps: list[tuple[str, Any]], scope: dict[str, Any]) -> Ref:
        key = None
        if "for_each" in block.attributes:
            if not steps or steps[0][0] == "attr":
                raise Unsupported(f"{address} has for_each: index it")
            key = self._step_value(steps[0], scope)
            keys = self.expand(block)
            if key not in keys:
                raise KeyError(f"{address}[{key!r}] does not exist")
            steps = steps[1:]
        return self._apply(Ref(address, key), steps, scope)


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise TypeError(f"cannot interpolate {type(value).__name__}")


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _merge(*maps: dict) -> dict:
    out: dict = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise TypeError("merge takes maps")
        out.update(m)
    return out


def _lookup(mapping: dict, key: Any, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(key)


def _flatten(value: list) -> list:
    out = []
    for item in value:
        out += _flatten(item) if isinstance(item, list) else [item]
    return out


def _tostring(value: Any) -> Any:
    return value if isinstance(value, (Ref, Template)) else _to_string(value)


def _jsonencode(value: Any) -> Any:
    if _unknown(value):
        return Ref("jsonencode(...)")
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


FUNCTIONS: dict[str, Callable] = {
    "alltrue": lambda xs: all(xs),
    "anytrue": lambda xs: any(xs),
    "base64encode": lambda s: base64.b64encode(s.encode()).decode(),
    "coalesce": lambda *xs: next(x for x in xs if x not in (None, "")),
    "concat": lambda *xs: [v for x in xs for v in x],
    "contains": lambda xs, v: v in xs,
    "distinct": lambda xs: list(dict.fromkeys(xs)),
    "flatten": _flatten,
    "jsondecode": json.loads,
    "jsonencode": _jsonencode,
    "keys": lambda m: sorted(m),
    "length": len,
    "lookup": _lookup,
    "lower": str.lower,
    "merge": _merge,
    "replace": lambda s, a, b: s.replace(a, b),
    "setintersection": lambda *xs: frozenset.intersection(*map(frozenset, xs)),
    "sort": sorted,
    "substr": lambda s, start, length: s[start:] if length < 0 else s[start : start + length],
    "tolist": list,
    "toset": frozenset,
    "tostring": _tostring,
    "upper": str.upper,
    "values": lambda m: [m[k] for k in sorted(m)],
}


@dataclass
class Skip:
    """An inline ``# checkov:skip=CKV_X: reason`` comment."""

    check: str
    reason: str
    resource: str
    file: str


def checkov_skips(directory: Path) -> list[Skip]:
    skips = []
    for path in sorted(directory.glob("*.tf")):
        _, blocks = parse_file(path)
        for block in blocks:
            for comment in block.comments:
                if comment.startswith("checkov:skip="):
                    check, _, reason = comment[len("checkov:skip="):].partition(":")
                    skips.append(Skip(check.strip(), reason.strip(), ".".join(block.labels), path.name))
    return skips


__all__ = ["Ref", "Template", "Terraform", "Unsupported", "checkov_skips", "field"]
