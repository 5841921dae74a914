"""Reading a learner's function to check a rule its exercise states: "no loop", "one product".

Values cannot show how a function is written, so these rules are checked on its source code,
read with `inspect.getsource` and parsed with `ast`:

- loops: every `for` and `while` statement and every comprehension ([... for ...], {...}, and
  generator expressions) in the function, nested functions included;
- products inside a loop: every `@` (and `@=`), and every call of `dot`, `matmul`, `einsum`,
  `tensordot`, `inner`, `outer`, `vdot` or `multi_dot` (as np.dot(...), a.dot(...), or a bare
  name) that runs once per iteration. A call of another Python function inside the loop (your
  own `cell_backward`, or rnn_core's `rnn_cell_backward`) counts as every product in that
  function's body, and in the functions it calls in turn.

Source code is available for functions written with `def` in a file or in a notebook cell, and
not for built-in functions, `functools.partial` objects or objects with a `__call__` method: the
checker then says that it cannot check the rule.
"""

import ast
import inspect
import textwrap

PRODUCT_FUNCTIONS = ("dot", "matmul", "einsum", "tensordot", "inner", "outer", "vdot", "multi_dot")
DEPTH = 4  # how deep the calls of calls are followed
LOOPS = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class SourceUnavailableError(Exception):
    """The source of a function cannot be read or parsed."""


def read_function(fn):
    """(the ast node of fn's def or lambda, the source lines, the number of its first line)."""
    try:
        lines, first = inspect.getsourcelines(inspect.unwrap(fn))
    except Exception as error:  # TypeError for a built-in, OSError without a file, and others
        raise SourceUnavailableError(f"{type(error).__name__}: {error}") from None
    source = textwrap.dedent("".join(lines))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        raise SourceUnavailableError("its source text does not parse on its own") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return node, source.splitlines(), max(first, 1)
    raise SourceUnavailableError("no def or lambda in its source text")


def loops_in(node):
    """Every loop and comprehension under `node`, in the order of the source."""
    found = [n for n in ast.walk(node) if isinstance(n, LOOPS + COMPREHENSIONS)]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def products_in_loops(node, fn):
    """[(the product's ast node, how many products it counts for)] for the products in a loop.

    `fn` is the function `node` was read from: its globals and closure tell which function a call
    inside the loop reaches.
    """
    found = []
    names = namespace(fn)

    def visit(n, in_loop):
        count = products(n, names, DEPTH) if in_loop else 0
        if count:
            found.append((n, count))
        for field, child_in_loop in _children(n, in_loop):
            for child in field:
                visit(child, child_in_loop)

    visit(node, False)
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


def products(n, names, depth):
    """How many matrix products the node `n` itself computes, a called function's included."""
    if isinstance(n, (ast.BinOp, ast.AugAssign)) and isinstance(n.op, ast.MatMult):
        return 1
    if not isinstance(n, ast.Call):
        return 0
    if _called_name(n.func) in PRODUCT_FUNCTIONS:
        return 1
    callee = _resolve(n.func, names)
    if depth == 0 or not inspect.isfunction(callee):
        return 0
    if (callee.__module__ or "").startswith("numpy"):  # np.dot and its kin are counted above
        return 0
    try:
        body = read_function(callee)[0]
    except SourceUnavailableError:
        return 0
    inner = namespace(callee)
    return sum(products(child, inner, depth - 1) for child in ast.walk(body))


def namespace(fn):
    """The names a function's body can see: the builtins, its module's globals, its closure."""
    try:
        fn = inspect.unwrap(fn)
        closure = inspect.getclosurevars(fn)
    except Exception:  # not a Python function: nothing to resolve names in
        return {}
    return {**closure.builtins, **getattr(fn, "__globals__", {}), **closure.nonlocals}


def _resolve(func, names):
    """The object a call's `func` node names (np.dot, helper, rc.rnn_cell_backward), or None."""
    if isinstance(func, ast.Name):
        return names.get(func.id)
    if isinstance(func, ast.Attribute):
        owner = _resolve(func.value, names)
        try:
            return getattr(owner, func.attr, None)
        except Exception:
            return None
    return None


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
    if isinstance(node, (ast.BinOp, ast.AugAssign, ast.Call)) and node.end_lineno == node.lineno:
        text = lines[node.lineno - 1][node.col_offset : node.end_col_offset]
    return f"`{text}` (line {first + node.lineno - 1})"


def rule_problem(fn, loops_allowed=True, max_products_in_loop=None):
    """None when `fn` follows the rules, else (mistake identifier, what is wrong, in words)."""
    if loops_allowed and max_products_in_loop is None:
        return None
    try:
        node, lines, first = read_function(fn)
    except SourceUnavailableError as reason:
        rule = "that it has no loop" if not loops_allowed else "how many products its loop has"
        text = (
            f"the checker cannot read the source code of your function ({reason}), so it cannot "
            f"check {rule}, as this exercise asks. Define the function with def in a notebook "
            "cell or a file, and pass that function itself."
        )
        return "source_unavailable", text
    if not loops_allowed:
        found = loops_in(node)
        if found:
            places = ", ".join(_where(n, lines, first) for n in found)
            text = (
                f"this exercise asks for no loop, and your function has {len(found)}: {places}. "
                "Compute every time step at once: reshape an (n, m, T_x) array to (n, m*T_x) "
                "and use one product over all its columns."
            )
            return "loop_not_allowed", text
    if max_products_in_loop is not None:
        found = products_in_loops(node, fn)
        total = sum(count for _, count in found)
        if total > max_products_in_loop:
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
