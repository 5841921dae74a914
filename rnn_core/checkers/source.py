"""Reading a learner's function to check a rule its exercise states: "no loop", "one product".

Values cannot show how a function is written, so these rules are checked on its source code,
read with `inspect.getsource` and parsed with `ast`:

- loops: every `for` and `while` statement and every comprehension ([... for ...], {...}, and
  generator expressions) in the function, nested functions included; a comprehension counts even
  when it does not run over time (a dict built with {k: v for ...}, say);
- products inside a loop: every `@` (and `@=`), and every call of `dot`, `matmul`, `einsum`,
  `tensordot`, `inner`, `outer`, `vdot` or `multi_dot` (as np.dot(...), a.dot(...), or a bare
  name) that runs once per iteration.

Both rules follow calls the same way, up to DEPTH calls deep: a call of another Python function
(your own `cell_backward`, rnn_core's `rnn_cell_backward`, or rnn_core's `rnn_backward`) counts
as a loop when that function has one (the message names the call), and inside a loop counts as
every product in that function's body, and in the functions it calls in turn. Which function a
call reaches is found statically: a name defined in the function's own body (a nested `def`, a
lambda, an alias such as `back = rc.rnn_cell_backward`, an `import ... as`) comes first, then the
enclosing function's, then the globals and the closure of the function passed. What cannot be seen
that way is not followed: a function received as an argument or returned by a call, a name bound
more than once or in a loop, a method of an object (`self.step(...)`), a function passed to
another (`map(step, ...)`), numpy's own functions and rnn_core's argument checks.

Source code is available for functions written with `def` (or a lambda) in a file or in a notebook
cell, and not for built-in functions, `functools.partial` objects or objects with a `__call__`
method: the checker then says that it cannot check the rule. Neither can it when two lambdas on
one line could both be the function passed.
"""

import ast
import inspect
import sys
import textwrap
from typing import NamedTuple

PRODUCT_FUNCTIONS = ("dot", "matmul", "einsum", "tensordot", "inner", "outer", "vdot", "multi_dot")
DEPTH = 4  # how deep the calls of calls are followed
LOOPS = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
NOT_FOLLOWED = ("numpy", "rnn_core._validation")  # np.dot and its kin are counted by name
UNKNOWN = object()  # a local name bound to something the source alone cannot tell


class SourceUnavailableError(Exception):
    """The source of a function cannot be read or parsed."""


# --- reading a function ---


def read_function(fn):
    """(the ast node of fn's def or lambda, the source lines, the number of its first line).

    The node is the one whose position matches `fn.__code__`: the def of that name starting at
    its first line, or, of the lambdas on that line, the one whose code lies in its body.
    """
    try:
        fn = inspect.unwrap(fn)
        lines, first = inspect.getsourcelines(fn)
    except Exception as error:  # TypeError for a built-in, OSError without a file, and others
        raise SourceUnavailableError(f"{type(error).__name__}: {error}") from None
    first = max(first, 1)
    source = textwrap.dedent("".join(lines))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        raise SourceUnavailableError("its source text does not parse on its own") from None
    code = getattr(fn, "__code__", None)
    if code is None:
        raise SourceUnavailableError("it has no code object")
    text_lines = source.splitlines()
    indent = _indent(lines) - _indent(text_lines)  # the columns dedent removed
    return _matching(tree, code, first, indent), text_lines, first


def _indent(lines):
    written = [line for line in lines if line.strip()]
    return len(written[0]) - len(written[0].lstrip()) if written else 0


def _matching(tree, code, first, indent):
    """The def or lambda node of `tree` that compiled to `code`."""
    if code.co_name == "<lambda>":
        on_line = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Lambda) and first + n.lineno - 1 == code.co_firstlineno
        ]
        if len(on_line) > 1:
            on_line = _lambdas_holding(on_line, code, first, indent) or _same_arguments(
                on_line, code
            )
        if len(on_line) != 1:
            raise SourceUnavailableError(
                "its line holds several lambdas and the checker cannot tell which one is yours; "
                "define it with def"
                if on_line
                else "no lambda found on its line"
            )
        return on_line[0]
    defs = [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == code.co_name
    ]
    starting = [n for n in defs if first + _first_line(n) - 1 == code.co_firstlineno]
    found = starting or defs
    if not found:
        raise SourceUnavailableError(f"no def {code.co_name} in its source text")
    return found[0]


def _first_line(node):
    return min([node.lineno] + [d.lineno for d in node.decorator_list])


def _lambdas_holding(lambdas, code, first, indent):
    """The innermost of `lambdas` whose body holds every position of `code` (Python >= 3.11)."""
    if not hasattr(code, "co_positions"):
        return []
    positions = [
        (line, column, end_line, end_column)
        for line, end_line, column, end_column in code.co_positions()
        if None not in (line, end_line, column, end_column)
        and (end_line, end_column) > (line, column)
    ]
    if not positions:
        return []

    def span(n):
        body = n.body
        start = (first + body.lineno - 1, body.col_offset + indent)
        return start, (first + body.end_lineno - 1, body.end_col_offset + indent)

    holding = []
    for n in lambdas:
        start, end = span(n)
        if all(start <= (a, b) and (c, d) <= end for a, b, c, d in positions):
            holding.append(n)
    holding.sort(key=lambda n: (span(n)[0], tuple(-k for k in span(n)[1])))
    return holding[-1:]  # the one that starts last and ends first: the innermost


def _same_arguments(lambdas, code):
    """The lambdas whose argument names are those of `code` (Python < 3.11)."""
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    names = code.co_varnames[:count]
    return [n for n in lambdas if tuple(_argument_names(n.args)) == names]


def _argument_names(arguments):
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return names


# --- which function a call reaches ---


class Scope:
    """The names one function's body sees: its own, then the enclosing function's, then
    `names` (the builtins, globals and closure of the function object it was read from)."""

    def __init__(self, node, names, lines, first, outer=None):
        self.node, self.names, self.lines, self.first, self.outer = node, names, lines, first, outer
        self.bound = local_names(node)

    def lookup(self, name):
        """(value, scope it was bound in): an ast node for a local name, else an object."""
        scope = self
        while scope is not None:
            if name in scope.bound:
                return scope.bound[name], scope
            scope = scope.outer
        return self.names.get(name, UNKNOWN), None


class Body(NamedTuple):
    """A function to read: its ast node, the scope of its body, its name."""

    node: ast.AST
    scope: Scope
    name: str


def local_names(node):
    """{name: what it is bound to} for the names a def or lambda binds in its own body.

    A nested def or a lambda maps to its node, an alias (`back = rc.rnn_cell_backward`) to the
    expression, `import m as name` to ("import", module, attribute); a parameter, and a name bound
    in any other way or more than once, to UNKNOWN.
    """
    bound, declared = {}, set()

    def bind(name, value):
        bound[name] = UNKNOWN if name in bound else value

    for name in _argument_names(node.args):
        bind(name, UNKNOWN)

    def visit(n):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bind(n.name, UNKNOWN if isinstance(n, ast.ClassDef) else n)
            return  # its body is its own scope
        if isinstance(n, ast.Lambda):
            return
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared.update(n.names)
        elif isinstance(n, ast.Import):
            for alias in n.names:
                if alias.asname:
                    bind(alias.asname, ("import", alias.name, None))
                else:
                    top = alias.name.split(".")[0]
                    bind(top, ("import", top, None))
        elif isinstance(n, ast.ImportFrom):
            for alias in n.names:
                module = None if n.level else n.module
                bind(alias.asname or alias.name, ("import", module, alias.name))
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bind(n.name, UNKNOWN)
        elif (
            isinstance(n, ast.Assign)
            and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)
            and isinstance(n.value, (ast.Lambda, ast.Name, ast.Attribute))
        ):
            bind(n.targets[0].id, n.value)
            visit(n.value)
            return
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            bind(n.id, UNKNOWN)
        for child in ast.iter_child_nodes(n):
            visit(child)

    for statement in node.body if isinstance(node.body, list) else [node.body]:
        visit(statement)
    for name in declared:
        bound.pop(name, None)
    return bound


def namespace(fn):
    """The names a function's body can see: the builtins, its module's globals, its closure."""
    try:
        fn = inspect.unwrap(fn)
        closure = inspect.getclosurevars(fn)
    except Exception:  # not a Python function: nothing to resolve names in
        return {}
    return {**closure.builtins, **getattr(fn, "__globals__", {}), **closure.nonlocals}


def body_of(fn):
    """The Body of a function object, with the source lines and first line, or raises."""
    node, lines, first = read_function(fn)
    return Body(node, Scope(node, namespace(fn), lines, first), getattr(fn, "__name__", "it"))


def _resolve(expression, scope, depth=DEPTH):
    """What an expression names: (ast node of a local def or lambda, its scope), (object, None),
    or (UNKNOWN, None)."""
    if depth < 0:
        return UNKNOWN, None
    if isinstance(expression, ast.Name):
        value, where = scope.lookup(expression.id)
        if where is None:
            return value, None
        if isinstance(value, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return value, where
        if isinstance(value, tuple):  # an import inside the function
            _, module, attribute = value
            found = sys.modules.get(module or "", UNKNOWN)
            if attribute is not None and found is not UNKNOWN:
                found = getattr(found, attribute, UNKNOWN)
            return found, None
        if isinstance(value, ast.expr):  # an alias: what its expression names, where it was bound
            return _resolve(value, where, depth - 1)
        return UNKNOWN, None
    if isinstance(expression, ast.Attribute):
        owner, where = _resolve(expression.value, scope, depth - 1)
        if owner is UNKNOWN or where is not None:
            return UNKNOWN, None
        try:
            return getattr(owner, expression.attr, UNKNOWN), None
        except Exception:
            return UNKNOWN, None
    if isinstance(expression, ast.Lambda):
        return expression, scope
    return UNKNOWN, None


def callee(call, scope):
    """The Body of the function a call reaches, when it can be told from the source, or None."""
    target, where = _resolve(call.func, scope)
    if where is not None:  # a def or lambda of the function being read
        name = getattr(target, "name", "a lambda")
        inner = Scope(target, where.names, where.lines, where.first, outer=where)
        return Body(target, inner, name)
    if not inspect.isfunction(target):
        return None
    if (inspect.unwrap(target).__module__ or "").startswith(NOT_FOLLOWED):
        return None
    try:
        return body_of(target)
    except SourceUnavailableError:
        return None


def own_nodes(node):
    """The nodes of a function's body, without those of the functions defined inside it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        n = stack.pop()
        yield n
        if not isinstance(n, FUNCTIONS):
            stack.extend(ast.iter_child_nodes(n))


def scoped_nodes(body):
    """(node, the scope it is read in) for every node of a body, nested functions included."""
    stack = [(child, body.scope) for child in ast.iter_child_nodes(body.node)]
    while stack:
        n, scope = stack.pop()
        yield n, scope
        inner = (
            Scope(n, scope.names, scope.lines, scope.first, scope)
            if isinstance(n, FUNCTIONS)
            else scope
        )
        stack.extend((child, inner) for child in ast.iter_child_nodes(n))


# --- the rule on loops ---


class Loop(NamedTuple):
    """A loop of a function, or a call of a function that has one."""

    node: ast.AST
    text: str  # where it is, for the message


def loops_in(body, depth=DEPTH):
    """Every loop and comprehension of the body, and every call of a function (defined outside
    it) that has one, in the order of the source."""
    scope = body.scope
    found = [
        Loop(n, _where(n, scope.lines, scope.first))
        for n in ast.walk(body.node)
        if isinstance(n, LOOPS + COMPREHENSIONS)
    ]
    if depth > 0:
        for n, where in scoped_nodes(body):
            if not isinstance(n, ast.Call) or _called_name(n.func) in PRODUCT_FUNCTIONS:
                continue
            _, local = _resolve(n.func, where)
            if local is not None:
                continue  # a def or lambda of this function: its loops are counted above
            reached = callee(n, where)
            inner = loops_in(reached, depth - 1) if reached is not None else []
            if inner:
                text = (
                    f"{_where(n, scope.lines, scope.first)}, a call of {reached.name}, which has "
                    f"a loop: {inner[0].text}"
                )
                found.append(Loop(n, text))
    return sorted(found, key=lambda loop: (loop.node.lineno, loop.node.col_offset))


# --- the rule on products ---


def products_in_loops(body):
    """[(the product's ast node, how many products it counts for)] for the products in a loop."""
    found = []

    def visit(n, scope, in_loop):
        count = products(n, scope, DEPTH) if in_loop else 0
        if count:
            found.append((n, count))
        if isinstance(n, FUNCTIONS):  # its body runs where it is called, and is counted there
            scope, in_loop = Scope(n, scope.names, scope.lines, scope.first, scope), False
        for field, child_in_loop in _children(n, in_loop):
            for child in field:
                visit(child, scope, child_in_loop)

    for child in ast.iter_child_nodes(body.node):
        visit(child, body.scope, False)
    return sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset))


def _children(n, in_loop):
    """The child nodes of n, each list with whether it runs once per iteration of some loop."""
    if isinstance(n, (ast.For, ast.AsyncFor)):  # the iterable is evaluated once
        return [([n.target, *n.body], True), ([n.iter, *n.orelse], in_loop)]
    if isinstance(n, ast.While):  # the test runs at every iteration
        return [([n.test, *n.body], True), (n.orelse, in_loop)]
    if isinstance(n, COMPREHENSIONS):  # the first iterable is evaluated once
        first, *others = n.generators
        inner = [first.target, *first.ifs, *others]
        inner += [n.key, n.value] if isinstance(n, ast.DictComp) else [n.elt]
        return [(inner, True), ([first.iter], in_loop)]
    return [(list(ast.iter_child_nodes(n)), in_loop)]


def products(n, scope, depth):
    """How many matrix products the node `n` itself computes, a called function's included."""
    if isinstance(n, (ast.BinOp, ast.AugAssign)) and isinstance(n.op, ast.MatMult):
        return 1
    if not isinstance(n, ast.Call):
        return 0
    if _called_name(n.func) in PRODUCT_FUNCTIONS:
        return 1
    if depth == 0:
        return 0
    reached = callee(n, scope)
    if reached is None:
        return 0
    return sum(products(child, reached.scope, depth - 1) for child in own_nodes(reached.node))


def _called_name(func):
    """The name called: "dot" for np.dot, a.dot and dot; "" for a call of anything else."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _where(node, lines, first):
    """The text "`for t in range(T_x):` (line 7)": the node's first line and its number."""
    text = lines[node.lineno - 1].strip()
    shown = (ast.BinOp, ast.AugAssign, ast.Call, *COMPREHENSIONS)  # the node itself, not its line
    if isinstance(node, shown) and node.end_lineno == node.lineno:
        text = lines[node.lineno - 1][node.col_offset : node.end_col_offset]
    return f"`{text}` (line {first + node.lineno - 1})"


def rule_problem(fn, loops_allowed=True, max_products_in_loop=None):
    """None when `fn` follows the rules, else (mistake identifier, what is wrong, in words)."""
    if loops_allowed and max_products_in_loop is None:
        return None
    try:
        body = body_of(fn)
    except SourceUnavailableError as reason:
        rule = "that it has no loop" if not loops_allowed else "how many products its loop has"
        text = (
            f"the checker cannot read the source code of your function ({reason}), so it cannot "
            f"check {rule}, as this exercise asks. Define the function with def in a notebook "
            "cell or a file, and pass that function itself."
        )
        return "source_unavailable", text
    if not loops_allowed:
        found = loops_in(body)
        if found:
            places = ", ".join(loop.text for loop in found)
            text = (
                f"this exercise asks for no loop, and your function has {len(found)}: {places}. "
                "Compute every time step at once: reshape an (n, m, T_x) array to (n, m*T_x) "
                "and use one product over all its columns."
            )
            kinds = {type(loop.node) for loop in found}
            if kinds & set(COMPREHENSIONS):
                text += " A comprehension counts as a loop too, even one that is not over time"
                text += (
                    ': write the dict out literally, e.g. return {"dWya": dWya, "dby": dby, '
                    '"da": da}.'
                    if ast.DictComp in kinds
                    else "."
                )
            return "loop_not_allowed", text
    if max_products_in_loop is not None:
        found = products_in_loops(body)
        total = sum(count for _, count in found)
        if total > max_products_in_loop:
            lines, first = body.scope.lines, body.scope.first
            places = ", ".join(
                _where(n, lines, first) + (f" ({count} products)" if count > 1 else "")
                for n, count in found
            )
            plural = "" if max_products_in_loop == 1 else "s"
            text = (
                f"this exercise allows at most {max_products_in_loop} matrix product{plural} "
                f"inside the loop, and your function has {total}: {places}. Only a product that "
                "needs the previous step's result has to stay in the loop; collect what the "
                "others need (for example every step's dz) and compute each of them once, after "
                "the loop, over all m*T_x columns."
            )
            return "too_many_products_in_loop", text
    return None
