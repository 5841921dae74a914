"""Argument checks shared by every public function of `rnn_core`.

Each check raises before any arithmetic runs, with a message that names the argument, the shape it
got and the shape it expected, for example::

    parameters['ba'] has shape (5,), expected (n_a, 1) = (5, 1)

Sizes are written with the letters of the module docstring (`n_x, n_a, n_y, m, T_x`). A letter is
bound by the first array that fixes it (`n_a` by `parameters['Waa']`, `n_x` by
`parameters['Wax']`, `m` and `T_x` by `x`) and every later array must agree with it.
"""

from collections.abc import Mapping

import numpy as np

# The five parameters and the letters of their shapes, in the order they are checked: `Waa` first,
# because it fixes `n_a` on its own.
PARAMETER_SHAPES = {
    "Waa": ("n_a", "n_a"),
    "Wax": ("n_a", "n_x"),
    "Wya": ("n_y", "n_a"),
    "ba": ("n_a", "1"),
    "by": ("n_y", "1"),
}


def to_float_array(name, value):
    """`value` as a floating-point ndarray, or a TypeError/ValueError that names `name`.

    Integer arrays become float64; floating arrays keep their precision (so a float32 experiment
    stays float32). Booleans, strings, objects and complex numbers are refused, as are NaN and inf.
    """
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array: {error}") from None
    if array.dtype.kind in "iu":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__} "
            f"with dtype {array.dtype}"
        )
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        raise ValueError(
            f"{name} contains NaN or inf ({np.count_nonzero(~finite)} entries, the first at "
            f"index {tuple(int(i) for i in bad)}); every entry must be finite"
        )
    return array


def expect_shape(name, array, letters, sizes):
    """Check `array.shape` against `letters`, binding letters that `sizes` does not know yet.

    `letters` is a tuple such as ("n_a", "m"); the letter "1" stands for a dimension of size 1.
    `sizes` maps letters to sizes already fixed by earlier arguments; on success it is updated with
    the letters this array fixed. On failure the ValueError shows the expected shape with every
    size that is known filled in.
    """
    bound = dict(sizes)
    matches = array.ndim == len(letters)
    if matches:
        for letter, size in zip(letters, array.shape):
            expected = 1 if letter == "1" else bound.setdefault(letter, size)
            matches = matches and size == expected
    if not matches:
        expected = tuple(1 if x == "1" else bound.get(x, x) for x in letters)
        shown = (
            "(" + ", ".join(str(s) for s in expected) + ("," if len(expected) == 1 else "") + ")"
        )
        raise ValueError(
            f"{name} has shape {array.shape}, expected ({', '.join(letters)}) = {shown}"
        )
    if 0 in array.shape:
        raise ValueError(f"{name} has shape {array.shape}: every dimension must be at least 1")
    sizes.update(bound)


def check_array(name, value, letters, sizes):
    """`to_float_array` followed by `expect_shape`: the usual check for one data argument."""
    array = to_float_array(name, value)
    expect_shape(name, array, letters, sizes)
    return array


def check_parameters(parameters, sizes=None):
    """Check the parameter dict; return (a new dict of float arrays, the sizes it fixes).

    The new dict holds exactly the keys Wax, Waa, Wya, ba, by; the caller's dict is not modified.
    """
    if not isinstance(parameters, Mapping):
        raise TypeError(
            f"parameters must be a dict with keys Wax, Waa, Wya, ba, by, "
            f"got {type(parameters).__name__}"
        )
    missing = [key for key in PARAMETER_SHAPES if key not in parameters]
    if missing:
        raise ValueError(
            f"parameters is missing {', '.join(repr(k) for k in missing)}; "
            f"expected the keys Wax, Waa, Wya, ba, by"
        )
    sizes = {} if sizes is None else sizes
    checked = {
        key: check_array(f"parameters[{key!r}]", parameters[key], letters, sizes)
        for key, letters in PARAMETER_SHAPES.items()
    }
    # Present them in the seed's order, which is also the order of the equations.
    return {key: checked[key] for key in ("Wax", "Waa", "Wya", "ba", "by")}, sizes


def check_labels(name, value, sizes):
    """Integer class indices of shape (m, T_x), each in [0, n_y)."""
    labels = np.asarray(value)
    if labels.dtype.kind not in "iu":
        raise ValueError(
            f"{name} must hold integer class indices in [0, n_y), got dtype {labels.dtype}; "
            f"convert with {name}.astype(int) if the values are whole numbers"
        )
    expect_shape(name, labels, ("m", "T_x"), sizes)
    n_y = sizes["n_y"]
    low, high = labels.min(), labels.max()
    if low < 0 or high >= n_y:
        bad = low if low < 0 else high
        raise ValueError(f"{name} holds the class index {int(bad)}, outside [0, n_y) = [0, {n_y})")
    return labels


def check_cell_cache(cache, sizes):
    """A cell cache `(a_next, a_prev, xt, parameters)` as returned by `rnn_cell_forward`."""
    if not isinstance(cache, tuple) or len(cache) != 4:
        raise ValueError(
            "cache must be the tuple (a_next, a_prev, xt, parameters) returned by "
            f"rnn_cell_forward, got {_describe(cache)}"
        )
    a_next, a_prev, xt, parameters = cache
    parameters, sizes = check_parameters(parameters, sizes)
    a_next = check_array("cache[0] (a_next)", a_next, ("n_a", "m"), sizes)
    a_prev = check_array("cache[1] (a_prev)", a_prev, ("n_a", "m"), sizes)
    xt = check_array("cache[2] (xt)", xt, ("n_x", "m"), sizes)
    return (a_next, a_prev, xt, parameters)


def check_caches(caches, sizes):
    """Sequence caches `(list_of_cell_caches, x)` as returned by `rnn_forward`.

    The arrays of the first cell cache and `x` are checked in full; the other cell caches are
    checked for their structure only, so that the check stays one pass over the data.
    """
    if not isinstance(caches, tuple) or len(caches) != 2 or not isinstance(caches[0], list):
        raise ValueError(
            "caches must be the tuple (list_of_cell_caches, x) returned by rnn_forward, "
            f"got {_describe(caches)}"
        )
    cell_caches, x = caches
    if not cell_caches:
        raise ValueError("caches[0] (list_of_cell_caches) is empty; expected T_x cell caches")
    first = check_cell_cache(cell_caches[0], sizes)
    x = check_array("caches[1] (x)", x, ("n_x", "m", "T_x"), sizes)
    if len(cell_caches) != sizes["T_x"]:
        raise ValueError(
            f"caches[0] (list_of_cell_caches) has {len(cell_caches)} cell caches, expected "
            f"T_x = {sizes['T_x']} (the last dimension of caches[1], x)"
        )
    for t, cache in enumerate(cell_caches):
        if not isinstance(cache, tuple) or len(cache) != 4:
            raise ValueError(
                f"caches[0][{t}] must be a cell cache (a_next, a_prev, xt, parameters), "
                f"got {_describe(cache)}"
            )
    return [first] + cell_caches[1:], x


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def check_positive_float(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return float(value)


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__}"
