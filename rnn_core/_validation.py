"""Argument checks for every public function of `rnn_core`: the one place where input is judged.

Each check raises before any arithmetic runs, with a message that names the argument, the shape it
got and the shape it expected, for example::

    parameters['ba'] has shape (5,), expected (n_a, 1) = (5, 1)

Sizes are written with the letters of the package docstring (`n_x, n_a, n_y, m, T_x`). A letter is
bound by the first array that fixes it (`n_a` by `parameters['Waa']`, `n_x` by
`parameters['Wax']`, `m` and `T_x` by `x`) and every later array must agree with it.

What every array argument goes through (`to_float_array`): it must be real numbers (integers become
float64; float32 and float64 keep their precision; booleans, strings, objects, complex numbers,
float16 and longer floats are refused), it must not be a masked array (a mask would be silently
dropped), it must have at least one entry, and every entry must be finite.

A number can be finite and still too large for the arithmetic it enters (a scale of 1e308 times a
normal draw): `overflow_error` turns such an overflow into a ValueError that names the argument.
"""

import contextlib
import functools
from collections.abc import Callable, Mapping
from typing import NamedTuple

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
PARAMETER_ORDER = ("Wax", "Waa", "Wya", "ba", "by")  # the seed's order, the order of the equations
FLOAT_TYPES = (np.float32, np.float64)


# --- arrays ---


def as_array(name, value):
    """`np.asarray(value)`, or a TypeError/ValueError naming `name`. Masked arrays are refused."""
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array; rnn_core would ignore its mask. Pass it .filled(value) to "
            "choose what the masked entries hold, or through np.asarray to drop the mask"
        )
    try:
        return np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array: {error}") from None
    except Exception as error:  # an object whose __array__ fails, e.g. a tensor that needs grad
        raise TypeError(
            f"{name} cannot be read as a numpy array ({type(value).__name__}: "
            f"{type(error).__name__}: {error})"
        ) from None


def to_float_array(name, value):
    """`value` as a floating-point ndarray with at least one entry, all finite, or an error.

    Integer arrays become float64; float32 and float64 arrays keep their precision (so a float32
    experiment stays float32). Everything else is refused, as are NaN and inf.
    """
    array = as_array(name, value)
    if array.dtype.kind in "iu":
        array = array.astype(np.float64)
    elif array.dtype.type not in FLOAT_TYPES:
        hint = ""
        if array.dtype.kind == "f":
            hint = "; rnn_core computes in float32 or float64: convert with .astype(np.float64)"
        raise TypeError(
            f"{name} must be an array of real numbers (float64 or float32), got "
            f"{type(value).__name__} with dtype {array.dtype}{hint}"
        )
    if array.size == 0:
        raise ValueError(f"{name} has shape {array.shape}: it is empty")
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)[0] if array.ndim else ()
        raise ValueError(
            f"{name} contains NaN or inf ({np.count_nonzero(~finite)} entries, the first at "
            f"index {tuple(int(i) for i in bad)}); every entry must be finite"
        )
    return array


def _shape_text(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


class Sizes(dict):
    """The sizes fixed so far ({"n_a": 5, "m": 10, ...}), and which argument fixed each one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origin = {}


def expect_shape(name, array, letters, sizes, hint=""):
    """Check `array.shape` against `letters`, binding letters that `sizes` does not know yet.

    `letters` is a tuple such as ("n_a", "m"); the letter "1" stands for a dimension of size 1.
    `sizes` maps letters to sizes already fixed by earlier arguments; on success it is updated with
    the letters this array fixed. On failure the ValueError shows the expected shape with every
    size that is known filled in, and names the argument that fixed each size it disagrees with.
    """
    bound = dict(sizes)
    matches = array.ndim == len(letters)
    clashes = []
    if matches:
        for letter, size in zip(letters, array.shape):
            expected = 1 if letter == "1" else bound.setdefault(letter, size)
            if size != expected:
                matches = False
                clashes.append(letter)
    if not matches:
        expected = tuple(1 if x == "1" else bound.get(x, x) for x in letters)
        origin = getattr(sizes, "origin", {})
        fixed = [f"{x} = {sizes[x]} comes from {origin[x]}" for x in clashes if x in origin]
        raise ValueError(
            f"{name} has shape {array.shape}, expected ({', '.join(letters)}) = "
            f"{_shape_text(expected)}" + (f" ({'; '.join(fixed)})" if fixed else "") + hint
        )
    if isinstance(sizes, Sizes):
        for letter in letters:
            if letter != "1" and letter not in sizes:
                sizes.origin[letter] = name
    sizes.update(bound)


def check_array(name, value, letters, sizes, hint=""):
    """`to_float_array` followed by `expect_shape`: the usual check for one data argument."""
    array = to_float_array(name, value)
    expect_shape(name, array, letters, sizes, hint)
    return array


def check_parameters(parameters, sizes=None, name="parameters", shapes=None, order=None):
    """Check the parameter dict; return (a new dict of float arrays, the sizes it fixes).

    `shapes` maps each key to its letters, in the order the keys are checked; `order` is the order
    of the keys in the returned dict. By default the RNN's: Wax, Waa, Wya, ba, by (gated cells
    pass their own). The new dict holds exactly those keys; the caller's dict is not modified.
    """
    if shapes is None:
        shapes, order = PARAMETER_SHAPES, PARAMETER_ORDER
    order = tuple(shapes) if order is None else order
    keys = ", ".join(order)
    if not isinstance(parameters, Mapping):
        raise TypeError(f"{name} must be a dict with keys {keys}, got {type(parameters).__name__}")
    missing = [key for key in shapes if key not in parameters]
    if missing:
        raise ValueError(
            f"{name} is missing {', '.join(repr(k) for k in missing)}; expected the keys {keys}"
        )
    sizes = Sizes() if sizes is None else sizes
    checked = {
        key: check_array(f"{name}[{key!r}]", parameters[key], letters, sizes)
        for key, letters in shapes.items()
    }
    return {key: checked[key] for key in order}, sizes


def check_problem(x, y, a0, parameters):
    """The four arguments of `rnn_loss_and_gradients`: (x, y, a0, parameters), checked."""
    parameters, sizes = check_parameters(parameters)
    x = check_array("x", x, ("n_x", "m", "T_x"), sizes)
    a0 = check_array("a0", a0, ("n_a", "m"), sizes)
    y = check_labels("y", y, sizes)
    return x, y, a0, parameters


# --- integer indices: labels, encoded text ---


def check_indices(name, value, n, what="index", range_name="n_y"):
    """An integer array of any shape with at least one entry, every entry in [0, n)."""
    indices = as_array(name, value)
    if indices.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must hold integers in [0, {range_name}), one {what} per entry, got dtype "
            f"{indices.dtype}"
            + (
                "; convert with .astype(int) if the values are whole numbers"
                if indices.dtype.kind == "f"
                else ""
            )
        )
    if indices.size == 0:
        raise ValueError(f"{name} has shape {indices.shape}: it is empty")
    low, high = indices.min(), indices.max()
    if low < 0 or high >= n:
        bad = low if low < 0 else high
        raise ValueError(
            f"{name} holds the {what} {int(bad)}, outside [0, {range_name}) = [0, {n})"
        )
    return indices


def check_labels(name, value, sizes):
    """Integer class indices of shape (m, T_x), each in [0, n_y)."""
    labels = as_array(name, value)
    if labels.dtype.kind in "iu":
        expect_shape(name, labels, ("m", "T_x"), sizes)
    return check_indices(name, labels, sizes["n_y"], "class index")


# --- caches ---


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__}"


class CacheLayout(NamedTuple):
    """What a cell's cache holds: its arrays, then its parameters, then any other entries.

    - cell_forward, forward: the functions that return a cell cache and the sequence caches.
    - arrays: (label, letters of its shape) for entries 0, 1, ... before the parameters.
    - check_parameters: (parameters, sizes, name, *others) -> (checked dict, sizes).
    - others: (label, check(value, name) -> value) for the entries after the parameters (the
      GRU's variant), checked first and handed to check_parameters.
    """

    cell_forward: str
    forward: str
    arrays: tuple
    check_parameters: Callable
    others: tuple = ()

    def text(self):
        labels = [label for label, _ in self.arrays] + ["parameters"]
        return f"({', '.join(labels + [label for label, _ in self.others])})"


RNN_CACHE = CacheLayout(
    "rnn_cell_forward",
    "rnn_forward",
    (("a_next", ("n_a", "m")), ("a_prev", ("n_a", "m")), ("xt", ("n_x", "m"))),
    check_parameters,
)


def _cache_tuple(name, cache, layout):
    if not isinstance(cache, tuple) or len(cache) != len(layout.arrays) + 1 + len(layout.others):
        raise ValueError(
            f"{name} must be the tuple {layout.text()} returned by {layout.cell_forward}, "
            f"got {_describe(cache)}"
        )
    return cache


def _cache_others(name, cache, layout):
    start = len(layout.arrays) + 1
    return tuple(
        check(cache[start + j], f"{name}[{start + j}] ({label})")
        for j, (label, check) in enumerate(layout.others)
    )


def check_cell_cache(cache, sizes, name="cache", layout=RNN_CACHE):
    """A cell cache as returned by `layout.cell_forward` (the RNN's by default): every entry."""
    cache = _cache_tuple(name, cache, layout)
    n = len(layout.arrays)
    others = _cache_others(name, cache, layout)
    parameters, sizes = layout.check_parameters(
        cache[n], sizes, f"{name}[{n}] (parameters)", *others
    )
    arrays = [
        check_array(f"{name}[{k}] ({label})", cache[k], letters, sizes)
        for k, (label, letters) in enumerate(layout.arrays)
    ]
    return (*arrays, parameters, *others)


def check_caches(caches, sizes, layout=RNN_CACHE):
    """Sequence caches `(list_of_cell_caches, x)` as returned by `layout.forward`, all checked.

    Each cell cache must be a tuple laid out as `layout` says, whose arrays have the shapes that x
    and the parameters fix; the parameters (and the other entries) of every cache must be the same
    as the first one's. Every array is read once: an a_prev that is the previous step's a_next is
    judged once. Returns (list of checked cell caches, x).
    """
    if not isinstance(caches, tuple) or len(caches) != 2 or not isinstance(caches[0], list):
        raise ValueError(
            f"caches must be the tuple (list_of_cell_caches, x) returned by {layout.forward}, "
            f"got {_describe(caches)}"
        )
    cell_caches, x = caches
    if not cell_caches:
        raise ValueError("caches[0] (list_of_cell_caches) is empty; expected T_x cell caches")
    first = check_cell_cache(cell_caches[0], sizes, "caches[0][0]", layout)
    x = check_array("caches[1] (x)", x, ("n_x", "m", "T_x"), sizes)
    if len(cell_caches) != sizes["T_x"]:
        raise ValueError(
            f"caches[0] (list_of_cell_caches) has {len(cell_caches)} cell caches, expected "
            f"T_x = {sizes['T_x']} (the last dimension of caches[1], x)"
        )
    n = len(layout.arrays)
    parameters, others = first[n], first[n + 1 :]
    checked = [first]
    seen = {id(value) for value in cell_caches[0][:n]}  # judged above
    for t in range(1, len(cell_caches)):
        name = f"caches[0][{t}]"
        cache = _cache_tuple(name, cell_caches[t], layout)
        for j, value in enumerate(_cache_others(name, cache, layout)):
            if value != others[j]:
                label = layout.others[j][0]
                raise ValueError(
                    f"{name}[{n + 1 + j}] ({label}) is {value!r} but caches[0][0][{n + 1 + j}] "
                    f"is {others[j]!r}: every step of one forward pass uses the same {label}"
                )
        if cache[n] is not cell_caches[0][n]:
            label = f"{name}[{n}] (parameters)"
            step_parameters = layout.check_parameters(cache[n], sizes, label, *others)[0]
            if any(not np.array_equal(step_parameters[k], parameters[k]) for k in parameters):
                raise ValueError(
                    f"{label} differs from caches[0][0][{n}]: every step of one forward pass "
                    "uses the same parameters"
                )
        step = []
        for k, (label, letters) in enumerate(layout.arrays):
            value, label = cache[k], f"{name}[{k}] ({label})"
            if id(value) in seen:  # a_prev of step t is usually a_next of step t-1: judge it once
                array = as_array(label, value)
                array = array.astype(np.float64) if array.dtype.kind in "iu" else array
            else:
                array = to_float_array(label, value)
                seen.add(id(value))
            expect_shape(label, array, letters, sizes)
            step.append(array)
        checked.append((*step, parameters, *others))
    return checked, x


# --- numerical gradients (notebook 03) ---


def check_index_list(indices, point):
    """A list of full index tuples into `point`: one int per dimension, each within its size."""
    if isinstance(indices, (str, bytes)) or not hasattr(indices, "__iter__"):
        raise TypeError(f"indices must be a list of index tuples, got {type(indices).__name__}")
    wanted = []
    for k, index in enumerate(indices):
        if isinstance(index, (int, np.integer)) and point.ndim == 1:
            index = (index,)
        if not isinstance(index, (tuple, list, np.ndarray)):
            raise TypeError(
                f"indices[{k}] is {type(index).__name__}; each index must be a tuple of "
                f"{point.ndim} ints (x has shape {point.shape})"
            )
        entries = tuple(index)
        if len(entries) != point.ndim or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in entries
        ):
            raise ValueError(
                f"indices[{k}] is {entries}; each index must be a tuple of {point.ndim} ints, one "
                f"per dimension of x (shape {point.shape}), so that it names a single entry"
            )
        if not all(0 <= i < n for i, n in zip(entries, point.shape)):
            raise ValueError(f"indices[{k}] is {entries}, outside x of shape {point.shape}")
        wanted.append(tuple(int(i) for i in entries))
    if not wanted:
        raise ValueError("indices is empty; pass None to compute every entry")
    return wanted


def check_step_fits(h, point):
    """x ± h must be finite at every entry of x, in x's dtype (h = 1e308 at x = 1e308 is not).

    A step too small for x's dtype is allowed: x ± h then rounds back to x and the difference
    reads 0, which is what notebook 03 shows happening below h = 1e-8 in float32.
    """
    largest = float(np.abs(point).max())
    if largest + h > np.finfo(point.dtype).max:  # python floats: inf, not a warning
        raise ValueError(
            f"h = {h:g} is too large: x ± h leaves the range of {point.dtype} (the largest "
            f"|x| is {largest:g})"
        )


def check_f_value(value, index):
    """f's return value as a float, or an error that says what f returned and where."""
    array = as_array("f(x)", value)
    if array.size != 1 or array.dtype.kind not in "iuf":
        raise TypeError(
            f"f must return one real number, but returned {type(value).__name__} with shape "
            f"{array.shape} and dtype {array.dtype} (with entry {index} of x moved)"
        )
    number = float(array.reshape(()))
    if not np.isfinite(number):
        raise ValueError(f"f returned {number} with entry {index} of x moved by h")
    return number


def check_returned_gradients(name, returned, arrays):
    """The gradients dict of what the function `name` returned, as (loss, gradients).

    `arrays` maps each gradient key to (the name of its array, that array's shape), for example
    {"dWax": ("Wax", (5, 3)), ...}: every key must be there, as a float array of that shape.
    """
    what = f"{name} must return (loss, gradients)"
    is_pair = isinstance(returned, tuple) and len(returned) == 2
    if not is_pair or not isinstance(returned[1], Mapping):
        raise TypeError(f"{what} with gradients a dict, got {type(returned).__name__}")
    gradients = returned[1]
    missing = [key for key in arrays if key not in gradients]
    if missing:
        raise ValueError(f"{what}; its gradients lack {', '.join(missing)}")
    checked = {}
    for key, (array_name, shape) in arrays.items():
        gradient = to_float_array(f"{name}(...)[1][{key!r}]", gradients[key])
        if gradient.shape != shape:
            raise ValueError(
                f"{name}(...)[1][{key!r}] has shape {gradient.shape}, expected the shape of "
                f"{array_name}, {shape}"
            )
        checked[key] = gradient
    return checked


# --- numbers and choices ---


def check_int(name, value, smallest, largest=None, why=""):
    """An int (not a bool) in [smallest, largest] (no upper end when largest is None)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < smallest:
        raise ValueError(f"{name} must be at least {smallest}, got {value}{why}")
    if largest is not None and value > largest:
        raise ValueError(f"{name} must be at most {largest}, got {value}{why}")
    return int(value)


def check_generator(name, rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    return rng


def check_same_shape(a_name, a, b_name, b):
    if a.shape != b.shape:
        raise ValueError(
            f"{a_name} has shape {a.shape} and {b_name} has shape {b.shape}; expected equal shapes"
        )


def check_positive_int(name, value):
    return check_int(name, value, 1)


def check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    return float(value)


def check_positive_float(name, value):
    number = _check_number(name, value)
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return number


def check_nonnegative_float(name, value):
    number = _check_number(name, value)
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return number


class OverflowValueError(ValueError):
    """An overflow, reported as a ValueError that names the argument that is too large."""


@contextlib.contextmanager
def overflow_error(message):
    """Inside the block, an overflow (or the inf - inf, 0/0 that follow one) raises ValueError.

    Without it numpy would warn and go on with inf or NaN. The ValueError reads `message` (which
    names the argument that is too large) followed by what numpy reported, for example::

        scale = 1e+308 is too large: the weights overflow float64 (overflow encountered in multiply)

    Blocks nest: the outermost message comes first, since it names the caller's own argument.
    """
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        try:
            yield
        except (FloatingPointError, OverflowValueError) as error:
            raise OverflowValueError(f"{message} ({error})") from None


def refuses_overflow(arguments):
    """Decorator: an overflow inside the function is a ValueError that names `arguments`.

    Every finite input is accepted by the checks, but entries near the largest float (1.8e308 in
    float64, 3.4e38 in float32) can overflow in a product; numpy would warn and go on with inf or
    NaN, and the function would return a wrong number.
    """

    def decorate(function):
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            message = f"{function.__name__} overflows: {arguments} hold entries too large for it"
            with overflow_error(message):
                return function(*args, **kwargs)

        return guarded

    return decorate


def finite_loss(loss):
    """`loss`, or a FloatingPointError when it is inf: finite inputs whose logits spread beyond the
    float range (log p = -inf). Inside `refuses_overflow` that is a ValueError naming the inputs."""
    if not np.isfinite(loss):
        raise FloatingPointError(
            f"the loss is {loss}: the logits spread beyond the range of floats, a log-probability "
            "is -inf"
        )
    return loss


def check_seed(name, seed):
    """An int >= 0 (not a bool) or a numpy Generator; returns a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"{name} must be an int >= 0 or a numpy Generator, got {type(seed).__name__}"
        )
    if seed < 0:
        raise ValueError(f"{name} must be an int >= 0, got {seed}")
    return np.random.default_rng(int(seed))


def choose(name, value, choices):
    """`value` if it is one of `choices` (strings), else a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_callable(name, value, what):
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return value


# --- text and vocabularies (notebook 05) ---


def check_text(name, text, at_least=1, why=""):
    """A str of at least `at_least` characters."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    if len(text) < at_least:
        raise ValueError(
            f"{name} has {len(text)} characters, expected at least {at_least}{why}"
            if text
            else f"{name} is empty; expected at least {at_least} character{'s' * (at_least > 1)}"
        )
    return text


def check_known_characters(name, text, char_to_index):
    """Every character of `text` must have an index in `char_to_index`."""
    unknown = sorted(set(text) - set(char_to_index))
    if unknown:
        raise ValueError(
            f"{name} contains characters that are not in the vocabulary (char_to_index): "
            f"{''.join(unknown)!r}"
        )
    return text


def check_encoded_text(name, indices, n_y, T_x):
    """Encoded text for batches: integer indices in [0, n_y), 1-D, at least T_x + 1 long."""
    indices = check_indices(name, indices, n_y)
    if indices.ndim != 1:
        raise ValueError(f"{name} has shape {indices.shape}, expected a 1-D array (N,)")
    if indices.size < T_x + 1:
        raise ValueError(
            f"{name} has length {indices.size}, need at least T_x + 1 = {T_x + 1} for one window"
        )
    return indices


def check_chars(chars):
    if isinstance(chars, str) or not isinstance(chars, (list, tuple)):
        raise TypeError(f"chars must be a list of characters, got {type(chars).__name__}")
    if not chars or not all(isinstance(c, str) and len(c) == 1 for c in chars):
        raise ValueError("chars must be a non-empty list of one-character strings")
    if len(set(chars)) != len(chars):
        raise ValueError("chars holds a character twice; every character needs one index")
    return list(chars)


def check_char_to_index(char_to_index):
    """A dict from one-character strings to distinct ints 0 … n-1 (as `build_vocabulary` makes)."""
    if not isinstance(char_to_index, Mapping):
        raise TypeError(
            f"char_to_index must be a dict from character to index, "
            f"got {type(char_to_index).__name__}"
        )
    n = len(char_to_index)
    for char, index in char_to_index.items():
        if not isinstance(char, str) or len(char) != 1:
            raise ValueError(f"char_to_index has the key {char!r}; every key must be one character")
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(
                f"char_to_index[{char!r}] is {index!r}; every index must be an int in [0, {n})"
            )
        if not 0 <= index < n:
            raise ValueError(
                f"char_to_index[{char!r}] is {index}, outside [0, n) = [0, {n}) for its {n} entries"
            )
    if len({int(i) for i in char_to_index.values()}) != n:
        raise ValueError("char_to_index gives two characters the same index")
    return dict(char_to_index)


def check_model(parameters, chars, char_to_index, check=check_parameters):
    """A character model: parameters with n_x = n_y, and its vocabulary of n_y characters.

    `check(parameters)` checks the parameters of the model's cell and returns (parameters, sizes);
    by default the RNN's. Returns (parameters, chars, char_to_index), checked.
    """
    parameters, sizes = check(parameters)
    chars = check_chars(chars)
    char_to_index = check_char_to_index(char_to_index)
    origin = sizes.origin
    if sizes["n_x"] != sizes["n_y"]:
        raise ValueError(
            f"parameters has n_x = {sizes['n_x']} (from {origin.get('n_x', 'parameters')}) and "
            f"n_y = {sizes['n_y']} (from {origin.get('n_y', 'parameters')}); a character model "
            "has n_x = n_y = the vocabulary size"
        )
    if len(chars) != sizes["n_y"] or len(char_to_index) != sizes["n_y"]:
        raise ValueError(
            f"chars has {len(chars)} and char_to_index {len(char_to_index)} entries, expected "
            f"n_y = {sizes['n_y']} (from {origin.get('n_y', 'parameters')})"
        )
    if any(char_to_index.get(c) != i for i, c in enumerate(chars)):
        raise ValueError(
            "char_to_index does not match chars: expected char_to_index[chars[i]] == i"
        )
    return parameters, chars, char_to_index


# --- gradient dicts (clipping, optimisers) ---


def check_gradients(gradients, keys):
    """A new dict of float arrays (same keys) and the tuple of keys to clip or count."""
    if not isinstance(gradients, Mapping):
        raise TypeError(f"gradients must be a dict of arrays, got {type(gradients).__name__}")
    if not gradients:
        raise ValueError("gradients is empty; expected a dict of arrays such as dWax, dWaa")
    gradients = {k: to_float_array(f"gradients[{k!r}]", g) for k, g in gradients.items()}
    if keys is None:
        keys = tuple(k for k in gradients if isinstance(k, str) and k.startswith(("dW", "db")))
        if not keys:
            raise ValueError(
                f"gradients has no key that starts with 'dW' or 'db' (got {list(gradients)}); "
                "pass keys=[...] to say which arrays to clip"
            )
    else:
        if isinstance(keys, str) or not isinstance(keys, (list, tuple, set, frozenset)):
            raise TypeError(f"keys must be a list of keys, got {type(keys).__name__} {keys!r}")
        keys = tuple(keys)
        if not keys:
            raise ValueError("keys is empty; name at least one gradient, or pass keys=None")
        missing = [k for k in keys if k not in gradients]
        if missing:
            raise ValueError(f"keys names {missing}, which are not in gradients {list(gradients)}")
    return gradients, keys


def check_step(parameters, gradients):
    """Parameters and their gradients for an optimiser step: 'd' + name for every name."""
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict of arrays, got {type(parameters).__name__}")
    if not isinstance(gradients, Mapping):
        raise TypeError(f"gradients must be a dict of arrays, got {type(gradients).__name__}")
    if not parameters:
        raise ValueError("parameters is empty; expected a dict of arrays such as Wax, Waa")
    parameters = {k: to_float_array(f"parameters[{k!r}]", p) for k, p in parameters.items()}
    missing = [f"d{name}" for name in parameters if f"d{name}" not in gradients]
    if missing:
        raise ValueError(
            f"gradients is missing {', '.join(repr(k) for k in missing)}; it needs 'd' + name "
            f"for every name in parameters"
        )
    checked = {}
    for name, p in parameters.items():
        dp = to_float_array(f"gradients['d{name}']", gradients[f"d{name}"])
        if dp.shape != p.shape:
            raise ValueError(
                f"gradients['d{name}'] has shape {dp.shape}, expected the shape of "
                f"parameters[{name!r}], {p.shape}"
            )
        checked[f"d{name}"] = dp
    return parameters, checked


def check_square_fits(name, gradient, G, dtype):
    """G + gradient² (Adagrad's sum of squares, G None at the start) must not overflow.

    Squares overflow float64 above 1.3e154 (float32: 1.8e19); clipping first keeps them small.
    """
    dtype = np.result_type(gradient, dtype)
    largest = float(np.abs(gradient).max())
    total = largest * largest + (0.0 if G is None else float(G.max()))  # python floats: no warning
    if total > np.finfo(dtype).max:
        raise ValueError(
            f"{name} holds {largest:.3g}: its square overflows Adagrad's sum of squares in "
            f"{dtype}; clip the gradients first (clip_by_global_norm)"
        )


def check_probabilities(name, value, letters, sizes):
    """An array of probabilities over axis 0: entries in [0, 1], every column summing to 1.

    The sums may differ from 1 by the round-off of a softmax: sqrt(ε) of the dtype (1.5e-8 in
    float64, 3.5e-4 in float32).
    """
    array = check_array(name, value, letters, sizes)
    tolerance = np.sqrt(np.finfo(array.dtype).eps)
    sums = array.sum(axis=0)
    if array.min() < 0 or array.max() > 1 or np.abs(sums - 1).max() > tolerance:
        raise ValueError(
            f"{name} must hold probabilities over axis 0 (entries in [0, 1], every column "
            f"summing to 1); its entries lie in [{array.min():.3g}, {array.max():.3g}] and its "
            f"column sums in [{sums.min():.6g}, {sums.max():.6g}]. Logits become probabilities "
            f"with rnn_core.softmax"
        )
    return array
