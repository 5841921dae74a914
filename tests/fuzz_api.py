"""A fuzz of rnn_core's public API: a valid call of every public function, then one argument at a
time changed, and a judgement of every outcome against one property.

For every public function (every name in `rnn_core.__all__`, the public functions and classes of
`corpus`, `optimizers`, `training`, `sampling` and `problems`, and the dashboards of `widgets`)
a builder makes one VALID call from a random problem. A MUTATION then changes one argument (or one
entry of a dict, one array of one cell cache): a wrong shape, a dtype, NaN or inf, a masked array,
an np.matrix, a list, a dict with a key missing, a wrong type, an odd seed or number. Each mutation
declares what the input has become:

    VALID     the call must return the reference result: the function called on clean float64
              copies (or its twin: the fused and the by-steps gradients check each other,
              numerical_gradient is checked against the exact gradient of a smooth f, the losses
              and gradients of the LSTM and the GRU against the two cells written anew here and
              differentiated by the complex step, loss_per_character against each cell's own
              loss), to float32 tolerance when an input is float32; float outputs must be float32
              when every float array input is, and float64 when one is (clipping: each output
              keeps its input's);
    INVALID   the call must raise ValueError or TypeError whose message names the changed argument
              (its name, or its place: "parameters['Waa']", "caches[0][2]");
    EITHER    a value at the edge of the arithmetic (1e308, entries times 1e300): either a correct
              and finite result, or a clear error as for INVALID.

And for every call: no warning escapes (warnings are turned into errors while it runs), and no
argument is changed (each is compared with a deep copy taken before the call).

The cells' caches are mutated entry by entry: the RNN's 4 entries, the LSTM's 10 (a_next, c_next,
a_prev, c_prev, ft, it, cct, ot, xt, parameters) and the GRU's 8 (a_next, a_prev, zt, rt, h_tilde,
xt, parameters, variant), in a cell cache and in each cell cache of a sequence (`CacheLayout`).

A defect found here in a module whose authors must fix it themselves is listed in
`KNOWN_DEFECTS`: its outcomes are counted apart (not failures), and tests/test_fuzz.py checks
that each one still occurs, so that its entry goes when it is fixed.

Run directly, `python tests/fuzz_api.py [number of problems per function]` sweeps every mutation
of every function and prints the outcome counts; `tests/test_fuzz.py` draws calls with hypothesis.
"""

import contextlib
import copy
import dataclasses
import functools
import io
import itertools
import pickle
import re
import sys
import types
import typing
import warnings
from collections import Counter

import numpy as np

import rnn_core as rc
from rnn_core import corpus, optimizers, sampling, training

VALID, INVALID, EITHER = "valid", "invalid", "either"


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


SAME = _Marker("SAME")  # the clean value is the mutated value itself (a new, valid problem)
ORIGINAL = _Marker("ORIGINAL")  # the clean value is the unmutated argument: the base reference


@dataclasses.dataclass
class Mutation:
    """One argument (or one entry inside it) replaced by `value`."""

    argument: str  # the top-level argument; None: `value` is a whole new dict of arguments
    label: str  # what was done, e.g. "parameters['Waa']: transposed"
    category: str  # "shape", "dtype", "nonfinite", "masked", "matrix", "cache", "seed", ...
    value: object
    validity: str  # VALID, INVALID or EITHER
    clean: object = SAME  # what the reference is computed with: SAME, ORIGINAL or a value
    names: tuple = ()  # the message must contain one of these (as a name, see `names_one_of`)
    mention: str = None  # and, if given, this text (e.g. "softmax")


def lift(mutations, rebuild, names=None):
    """Mutations of an entry, turned into mutations of the container that `rebuild(entry)` makes.

    In place: every caller lifts mutations it has just made (a copy per mutation would cost the
    property test more than its calls do)."""
    for m in mutations:
        if not isinstance(m.clean, _Marker):
            m.clean = rebuild(m.clean)
        m.value = rebuild(m.value)
        m.names = names or m.names
    return mutations


def quietly(make):
    """make() with warnings silenced: np.matrix warns when it is created (not when it is used)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


# --- the context of one call: which sizes each array fixes ---


@dataclasses.dataclass
class Context:
    rng: np.random.Generator
    sizes: dict = dataclasses.field(default_factory=dict)  # the problem's sizes, n_y, len(chars)
    shapes: dict = dataclasses.field(default_factory=dict)  # path -> letters of every array
    ranges: dict = dataclasses.field(default_factory=dict)  # letter -> (labels path, max label)
    fixed: set = dataclasses.field(default_factory=set)  # letters fixed by something not an array

    def other_uses(self, path, letter):
        return letter in self.fixed or any(
            letter in letters for p, letters in self.shapes.items() if p != path and letters
        )


def shape_validity(ctx, path, letters, old_shape, new_shape, min_ndim=0):
    """Is an array at `path` still valid with `new_shape`? Returns (validity, names)."""
    names = (path,)
    if 0 in new_shape:
        return INVALID, names
    if letters is None:
        return (VALID if len(new_shape) >= min_ndim else INVALID), names
    if len(new_shape) != len(letters):
        return INVALID, names
    new_sizes, old_sizes = {}, {}
    for letter, old, new in zip(letters, old_shape, new_shape):
        if letter == "1":
            if new != 1:
                return INVALID, names
            continue
        new_sizes.setdefault(letter, set()).add(new)
        old_sizes[letter] = old
    for letter, sizes in new_sizes.items():
        if len(sizes) > 1:
            return INVALID, names
        (new,) = sizes
        if new == old_sizes[letter]:
            continue
        if ctx.other_uses(path, letter):
            return INVALID, names
        if letter in ctx.ranges:
            labels_path, top = ctx.ranges[letter]
            if new <= top:
                return INVALID, (path, labels_path)
    return VALID, names


# --- kinds of argument, and their mutations ---


class Kind:
    """How one kind of argument is mutated. `register` records the sizes its arrays fix."""

    def register(self, path, value, ctx):
        pass

    def mutations(self, path, value, ctx):
        return []

    def clean64(self, value):
        """The float64 copy of a float32 value, on which the reference is computed."""
        return to_float64(value)


def _random_index(ctx, shape):
    return tuple(int(ctx.rng.integers(0, n)) for n in shape)


def _with_entry(array, index, value, dtype=None):
    array = np.array(array, dtype=dtype or array.dtype)
    array[index] = value
    return array


def _ragged(value):
    """value.tolist() with one innermost row one entry longer than the others."""
    nested = value.tolist()
    rows = nested
    while isinstance(rows[0], list) and isinstance(rows[0][0], list):
        rows = rows[0]
    if len(rows) > 1:
        rows[0] = rows[0] + [rows[0][0]]
    else:
        rows.append(rows[0] + [rows[0][0]])
    return nested


_REFUSED_DTYPES = [
    (np.dtype(dtype).name, dtype)
    for dtype in (bool, np.complex128, np.complex64, np.float16, np.longdouble, object, str)
]


class Floats(Kind):
    """A float data array with the shape `letters` (None: any shape with >= min_ndim axes)."""

    def __init__(self, letters=None, min_ndim=0, large=(1e3,)):
        self.letters = letters
        self.min_ndim = min_ndim
        self.large = large

    def register(self, path, value, ctx):
        ctx.shapes[path] = self.letters

    def fresh(self, shape, ctx, like):
        return 0.5 * ctx.rng.standard_normal(shape)

    def grow(self, value, axis, ctx):
        shape = list(value.shape)
        shape[axis] = 1
        return np.concatenate([value, self.fresh(tuple(shape), ctx, value)], axis=axis)

    def shrink(self, value, axis):
        return np.take(value, range(value.shape[axis] - 1), axis=axis)

    def shape_mutations(self, path, value, ctx):
        v = value
        out = []

        def reshaped(label, new, category="shape"):
            validity, names = shape_validity(
                ctx, path, self.letters, v.shape, np.shape(new), self.min_ndim
            )
            out.append(Mutation(path, f"{path}: {label}", category, new, validity, SAME, names))

        if v.ndim >= 2 and v.T.shape != v.shape:
            reshaped("transposed", v.T.copy())
        if v.ndim == 3 and v.shape[1] != v.shape[2]:
            reshaped("last two axes swapped", v.transpose(0, 2, 1).copy())
        reshaped("extra leading axis", v[None])
        reshaped("extra trailing axis", v[..., None])
        if v.ndim >= 1:
            reshaped("first axis dropped", v[0].copy())
        if v.ndim >= 2:
            reshaped("flattened", v.ravel())
        if 1 in v.shape and v.ndim >= 1:
            reshaped("squeezed", v.squeeze())
        for axis in range(v.ndim):
            reshaped(f"axis {axis} one longer", self.grow(v, axis, ctx))
            if v.shape[axis] > 1:
                reshaped(f"axis {axis} one shorter", self.shrink(v, axis))
            reshaped(f"axis {axis} of size 0", np.take(v, [], axis=axis), "zero-size")
        if v.ndim:
            reshaped("a number", v.flat[0].item())
        reshaped("a tuple of two copies", (v.copy(), v.copy()))
        return out

    def dtype_mutations(self, path, v):
        out = []

        def add(label, new, validity, clean=SAME):
            out.append(Mutation(path, f"{path}: {label}", "dtype", new, validity, clean, (path,)))

        whole = np.round(2 * v)
        add("int64 (rounded)", whole.astype(np.int64), VALID, whole)
        add("int32 (rounded)", whole.astype(np.int32), VALID, whole)
        small = np.round(2 * np.abs(v))
        add("uint8", small.astype(np.uint8), VALID, small)
        add("float32", v.astype(np.float32), VALID, v.astype(np.float32).astype(np.float64))
        for name, dtype in _REFUSED_DTYPES:
            add(name, v.astype(dtype), INVALID)
        return out

    def value_mutations(self, path, v, ctx):
        out = []
        index = _random_index(ctx, v.shape)
        for bad in (np.nan, np.inf, -np.inf):
            new = _with_entry(v, index, bad)
            out.append(Mutation(path, f"{path}: {bad} at {index}", "nonfinite", new, INVALID))
        for factor in self.large:
            out.append(Mutation(path, f"{path}: times {factor:g}", "large", v * factor, EITHER))
        return out

    def container_mutations(self, path, v, ctx):
        out = [Mutation(path, f"{path}: a list", "container", v.tolist(), VALID, ORIGINAL)]
        if v.ndim == 2:
            matrix = quietly(lambda: np.matrix(v))
            out.append(Mutation(path, f"{path}: np.matrix", "matrix", matrix, VALID, ORIGINAL))
        mask = np.zeros(v.shape, bool)
        mask[_random_index(ctx, v.shape)] = True
        out.append(
            Mutation(path, f"{path}: masked array", "masked", np.ma.array(v, mask=mask), INVALID)
        )
        out.append(
            Mutation(path, f"{path}: masked, nothing masked", "masked", np.ma.array(v), INVALID)
        )
        if v.ndim >= 2:
            out.append(Mutation(path, f"{path}: ragged list", "container", _ragged(v), INVALID))
        return out

    def layout_mutations(self, path, v):
        out = []
        if v.ndim >= 2:
            out.append(
                Mutation(
                    path, f"{path}: Fortran order", "layout", np.asfortranarray(v), VALID, ORIGINAL
                )
            )
        if v.ndim >= 1:
            strided = np.repeat(v, 2, axis=-1)[..., ::2]
            out.append(Mutation(path, f"{path}: strided view", "layout", strided, VALID, ORIGINAL))
            first = v.reshape(-1)[:1].reshape((1,) * v.ndim)
            out.append(
                Mutation(
                    path,
                    f"{path}: broadcast view",
                    "layout",
                    np.broadcast_to(first, v.shape),
                    VALID,
                    SAME,
                )
            )
        frozen = v.copy()
        frozen.flags.writeable = False
        out.append(Mutation(path, f"{path}: read-only", "layout", frozen, VALID, ORIGINAL))
        return out

    def type_mutations(self, path, v):
        return [
            Mutation(path, f"{path}: {label}", "type", new, INVALID)
            for label, new in (("None", None), ("a str", "array"), ("a dict", {"v": v}))
        ]

    def mutations(self, path, value, ctx):
        v = value
        out = self.shape_mutations(path, v, ctx)
        out += self.dtype_mutations(path, v)
        out += self.value_mutations(path, v, ctx)
        out += self.container_mutations(path, v, ctx)
        out += self.layout_mutations(path, v)
        out += self.type_mutations(path, v)
        for m in out:
            m.names = m.names or (path,)
        return out


class Probabilities(Floats):
    """Probabilities over axis 0; not probabilities is refused with a hint to use softmax."""

    def __init__(self, letters):
        super().__init__(letters, large=())

    def fresh(self, shape, ctx, like):
        return rc.softmax(ctx.rng.standard_normal((like.shape[0], *shape[1:])))

    def grow(self, value, axis, ctx):
        if axis == 0:  # one more class, of probability 0: still probabilities
            return np.concatenate([value, np.zeros((1, *value.shape[1:]))])
        return super().grow(value, axis, ctx)

    def shrink(self, value, axis):
        smaller = super().shrink(value, axis)
        return smaller / smaller.sum(axis=0, keepdims=True) if axis == 0 else smaller

    def dtype_mutations(self, path, v):
        out = []
        hot = (v == v.max(axis=0, keepdims=True)).astype(np.int64)
        if (hot.sum(axis=0) == 1).all():
            for dtype in (np.int64, np.uint8):
                out.append(
                    Mutation(
                        path,
                        f"{path}: one-hot {np.dtype(dtype).name}",
                        "dtype",
                        hot.astype(dtype),
                        VALID,
                        hot.astype(float),
                    )
                )
        single = v.astype(np.float32)  # sums to 1 in float32: renormalised for the reference
        clean = single.astype(float) / single.astype(float).sum(axis=0, keepdims=True)
        out.append(Mutation(path, f"{path}: float32", "dtype", single, VALID, clean))
        for dtype in (bool, np.complex128, np.float16, np.longdouble, object, str):
            out.append(
                Mutation(path, f"{path}: {np.dtype(dtype).name}", "dtype", v.astype(dtype), INVALID)
            )
        return out

    def layout_mutations(self, path, v):
        return [m for m in super().layout_mutations(path, v) if "broadcast" not in m.label]

    def clean64(self, value):
        value = to_float64(value)
        return value / value.sum(axis=0, keepdims=True)

    def value_mutations(self, path, v, ctx):
        out = super().value_mutations(path, v, ctx)
        logits = np.log(v) + 1.0
        shifted = v.copy()
        first, last = (0,) * v.ndim, (-1,) + (0,) * (v.ndim - 1)
        shifted[last] += shifted[first] + 0.25
        shifted[first] = -0.25
        for label, new in (
            ("logits", logits),
            ("log-probabilities", np.log(v)),
            ("halved", v / 2),
            ("a negative entry, columns still summing to 1", shifted),
        ):
            out.append(
                Mutation(path, f"{path}: {label}", "probabilities", new, INVALID, mention="softmax")
            )
        return out


class Labels(Floats):
    """Integer class indices with the shape `letters`, each in [0, top)."""

    def __init__(self, letters, top_name):
        super().__init__(letters, large=())
        self.top_name = top_name

    def fresh(self, shape, ctx, like):
        return ctx.rng.integers(0, self.top, size=shape)

    def mutations(self, path, value, ctx):
        self.top = ctx.sizes[self.top_name]
        return super().mutations(path, value, ctx)

    def dtype_mutations(self, path, v):
        out = []
        for dtype in (np.int32, np.uint8, np.int8):
            out.append(
                Mutation(
                    path,
                    f"{path}: {np.dtype(dtype).name}",
                    "dtype",
                    v.astype(dtype),
                    VALID,
                    ORIGINAL,
                )
            )
        for dtype in (np.float64, np.float32, bool, np.complex128, object, str):
            out.append(
                Mutation(path, f"{path}: {np.dtype(dtype).name}", "dtype", v.astype(dtype), INVALID)
            )
        return out

    def value_mutations(self, path, v, ctx):
        index = _random_index(ctx, v.shape)
        out = [
            Mutation(
                path, f"{path}: {bad} at {index}", "range", _with_entry(v, index, bad), INVALID
            )
            for bad in (self.top, -1, 2**62)
        ]
        out.append(
            Mutation(
                path,
                f"{path}: float with NaN",
                "nonfinite",
                _with_entry(v, index, np.nan, float),
                INVALID,
            )
        )
        return out


class Params(Kind):
    """The parameter dict: Wax, Waa, Wya, ba, by (extra keys allowed unless extra_ok is False)."""

    SHAPES: typing.ClassVar = {
        "Wax": ("n_a", "n_x"),
        "Waa": ("n_a", "n_a"),
        "Wya": ("n_y", "n_a"),
        "ba": ("n_a", "1"),
        "by": ("n_y", "1"),
    }

    def __init__(
        self,
        extra_ok=True,
        shapes=None,
        large=(1e3,),
        missing_ok=False,
        optional=(),
        entries=None,
        ordered=False,
    ):
        self.extra_ok = extra_ok
        self.missing_ok = missing_ok
        self.optional = optional  # keys whose absence is valid: another, valid dict (bha)
        self.entries = entries  # the keys whose arrays are mutated (None: every key)
        self.ordered = ordered  # the function documents that it follows the order of the keys
        self.shapes = shapes or self.SHAPES
        self.large = large

    def entry(self, key):
        return Floats(self.shapes.get(key), large=self.large)

    def register(self, path, value, ctx):
        for key, entry in value.items():
            self.entry(key).register(f"{path}[{key!r}]", entry, ctx)

    def mutations(self, path, value, ctx, names=None):
        out = []
        for key, entry in value.items():
            if self.entries is not None and key not in self.entries:
                continue
            entry_path = f"{path}[{key!r}]"
            entry_mutations = self.entry(key).mutations(entry_path, entry, ctx)
            out += lift(
                entry_mutations,
                lambda new, key=key: {**value, key: new},
                names and (*names, entry_path),
            )
        for key in value:
            out.append(
                Mutation(
                    path,
                    f"{path}: {key!r} missing",
                    "dict",
                    {k: v for k, v in value.items() if k != key},
                    VALID if self.missing_ok or key in self.optional else INVALID,
                )
            )
        extra = {**value, "Wzz": np.ones((2, 2))}
        out.append(
            Mutation(
                path,
                f"{path}: an extra key",
                "dict",
                extra,
                VALID if self.extra_ok else INVALID,
                ORIGINAL,
            )
        )
        out.append(
            Mutation(
                path,
                f"{path}: keys in reverse order",
                "dict",
                dict(reversed(list(value.items()))),
                VALID,
                SAME if self.ordered else ORIGINAL,
            )
        )
        out.append(
            Mutation(
                path,
                f"{path}: a read-only mapping",
                "container",
                types.MappingProxyType(dict(value)),
                VALID,
                ORIGINAL,
            )
        )
        f32 = {k: np.asarray(v, np.float32) for k, v in value.items()}
        out.append(
            Mutation(
                path,
                f"{path}: every entry float32",
                "dtype",
                f32,
                VALID,
                {k: v.astype(float) for k, v in f32.items()},
            )
        )
        for label, new in (
            ("a list of its arrays", list(value.values())),
            ("None", None),
            ("a str", "parameters"),
            ("a tuple", tuple(value.items())),
        ):
            out.append(Mutation(path, f"{path}: {label}", "type", new, INVALID))
        for m in out:
            m.names = m.names or (names or (path,))
        return out


@dataclasses.dataclass
class CacheLayout:
    """What one cell's cache holds: its arrays (letters of each), then its parameters, then (the
    GRU's) its variant: the RNN's (a_next, a_prev, xt, parameters) by default."""

    arrays: tuple
    shapes: dict = None  # the parameters' shapes (None: the RNN's); a dict per variant for the GRU
    variant: bool = False  # the cache ends with the variant ("cho" or "pytorch")

    def parameter_kind(self, cache):
        if self.variant:
            return Params(shapes=self.shapes[cache[len(self.arrays) + 1]])
        return Params(shapes=self.shapes)


RNN_LAYOUT = CacheLayout((("n_a", "m"), ("n_a", "m"), ("n_x", "m")))


class CellCache(Kind):
    """A cell cache as the cell's forward returns it, mutated entry by entry (`CacheLayout`).

    `parameters_must_equal`: a later cell of a sequence, whose parameters must hold the values of
    the first cell's; `in_sequence`: one cache of several, whose variant must be the others'.
    """

    def __init__(self, parameters_must_equal=None, layout=RNN_LAYOUT, in_sequence=False):
        self.parameters_must_equal = parameters_must_equal
        self.layout = layout
        self.in_sequence = in_sequence

    def register(self, path, value, ctx):
        n = len(self.layout.arrays)
        for k, letters in enumerate(self.layout.arrays):
            Floats(letters).register(f"{path}[{k}]", value[k], ctx)
        self.layout.parameter_kind(value).register(f"{path}[{n}]", value[n], ctx)

    def mutations(self, path, value, ctx):
        names = (path,)
        n = len(self.layout.arrays)
        out = []
        for label, new in (
            ("a list", list(value)),
            (f"{len(value) - 1} entries", value[:-1]),
            (f"{len(value) + 1} entries", (*value, None)),
            ("None", None),
        ):
            out.append(Mutation(path, f"{path}: {label}", "cache", new, INVALID, names=names))
        for k, letters in enumerate(self.layout.arrays):
            entry = Floats(letters).mutations(f"{path}[{k}]", value[k], ctx)
            out += lift(entry, lambda new, k=k: (*value[:k], new, *value[k + 1 :]))
        kind = self.layout.parameter_kind(value)
        entry = kind.mutations(f"{path}[{n}]", value[n], ctx, names=(f"{path}[{n}]",))
        if self.parameters_must_equal is not None:
            # a later cell of a sequence: its parameters must hold the values of the first cell's
            for m in entry:
                clean = m.value if m.clean is SAME else m.clean
                if (
                    m.validity != INVALID
                    and m.clean is not ORIGINAL
                    and not _equal_parameters(clean, self.parameters_must_equal)
                ):
                    m.validity = INVALID
        entry.append(
            Mutation(
                path,
                f"{path}[{n}]: an equal copy",
                "cache",
                {k: np.array(v) for k, v in value[n].items()},
                VALID,
                ORIGINAL,
            )
        )
        out += lift(entry, lambda new: (*value[:n], new, *value[n + 1 :]))
        if self.layout.variant:
            # the other variant: refused in a sequence (the other cells keep theirs), and for
            # "pytorch" when the parameters lack bha; Cho's with PyTorch's parameters ignores bha
            kind = Variant(fixed=self.in_sequence)
            entry = kind.mutations(f"{path}[{n + 1}]", value[n + 1], ctx)
            out += lift(entry, lambda new: (*value[: n + 1], new, *value[n + 2 :]))
        for m in out:
            m.category = "cache" if m.category in ("dict", "type", "choice") else m.category
        return out


def _equal_parameters(a, b):
    try:
        return set(a) >= set(b) and all(
            np.shape(a[k]) == np.shape(b[k]) and np.array_equal(np.asarray(a[k], float), b[k])
            for k in b
        )
    except (TypeError, ValueError):
        return False


class Caches(Kind):
    """(list of T_x cell caches, x) as `rnn_forward` (or the LSTM's, the GRU's) returns it."""

    def __init__(self, layout=RNN_LAYOUT):
        self.layout = layout

    def register(self, path, value, ctx):
        cells, x = value
        for t, cell in enumerate(cells):
            CellCache(layout=self.layout).register(f"{path}[0][{t}]", cell, ctx)
        Floats(("n_x", "m", "T_x")).register(f"{path}[1]", x, ctx)
        ctx.fixed.add("T_x")  # the number of cell caches

    def mutations(self, path, value, ctx):
        cells, x = value
        n = len(self.layout.arrays)  # the index of the parameters in a cell cache
        out = []
        for label, new in (
            ("a list", [cells, x]),
            ("one entry", (cells,)),
            ("cell caches in a tuple", (tuple(cells), x)),
            ("None", None),
            ("the list of cell caches alone", cells),
        ):
            out.append(Mutation(path, f"{path}: {label}", "cache", new, INVALID, names=(path,)))
        first = f"{path}[0]"
        for label, new in (
            ("no cell caches", []),
            ("one cell cache too few", cells[:-1]),
            ("one cell cache too many", [*cells, cells[-1]]),
        ):
            if new or label == "no cell caches":
                out.append(
                    Mutation(path, f"{first}: {label}", "cache", (new, x), INVALID, names=(first,))
                )
        out += lift(
            Floats(("n_x", "m", "T_x")).mutations(f"{path}[1]", x, ctx), lambda new: (cells, new)
        )
        for t in range(len(cells)):  # every cell cache, the first and each later one
            kind = CellCache(
                parameters_must_equal=cells[0][n] if t else None,
                layout=self.layout,
                in_sequence=len(cells) > 1,
            )
            cell_mutations = kind.mutations(f"{first}[{t}]", cells[t], ctx)
            if t == 0:  # the first cell's parameters are the others' reference: change the list
                parameters = f"{first}[0][{n}]"
                cell_mutations = [m for m in cell_mutations if not m.label.startswith(parameters)]
            out += lift(cell_mutations, lambda new, t=t: ([*cells[:t], new, *cells[t + 1 :]], x))
        return out


class PositiveInt(Kind):
    """An int >= 1. `changed(new)` says whether new sizes are valid: (validity, names)."""

    def __init__(self, changes=(1,), changed=None):
        self.changes = changes
        self.changed = changed or (lambda new: (VALID, None))

    def mutations(self, path, value, ctx):
        out = []
        for new in (
            0,
            -1,
            1.5,
            float(value),
            True,
            False,
            None,
            str(value),
            np.nan,
            np.inf,
            1e308,
            complex(value),
            [value],
            (value,),
        ):
            out.append(Mutation(path, f"{path}: {new!r}", "scalar", new, INVALID, names=(path,)))
        for new in (np.int64(value), np.int32(value)):
            out.append(
                Mutation(path, f"{path}: {type(new).__name__}", "scalar", new, VALID, ORIGINAL)
            )
        for change in self.changes:
            new = value + change
            if new >= 1:
                validity, names = self.changed(new)
                out.append(
                    Mutation(
                        path, f"{path}: {new}", "scalar", new, validity, SAME, names or (path,)
                    )
                )
        return out


class PositiveFloat(Kind):
    """A finite float > 0 (>= 0 with zero_ok). 1e308 and 1e-300 must work or be refused clearly."""

    def __init__(self, zero_ok=False, huge=EITHER, tiny=EITHER):
        self.zero_ok = zero_ok
        self.huge = huge
        self.tiny = tiny

    def mutations(self, path, value, ctx):
        out = []
        for new in (
            -1.0,
            np.nan,
            np.inf,
            -np.inf,
            True,
            False,
            None,
            str(value),
            complex(value),
            [value],
            (value,),
        ):
            out.append(Mutation(path, f"{path}: {new!r}", "scalar", new, INVALID, names=(path,)))
        out.append(
            Mutation(
                path, f"{path}: 0", "scalar", 0, VALID if self.zero_ok else INVALID, names=(path,)
            )
        )
        out.append(
            Mutation(path, f"{path}: np.float64", "scalar", np.float64(value), VALID, ORIGINAL)
        )
        out.append(Mutation(path, f"{path}: np.float32", "scalar", np.float32(value), VALID))
        out.append(Mutation(path, f"{path}: the int 1", "scalar", 1, VALID))
        out.append(Mutation(path, f"{path}: 1e308", "scalar", 1e308, self.huge, names=(path,)))
        out.append(Mutation(path, f"{path}: 1e-300", "scalar", 1e-300, self.tiny, names=(path,)))
        out.append(
            Mutation(
                path,
                f"{path}: a 0-d array",
                "scalar",
                np.array(value),
                EITHER,
                ORIGINAL,
                names=(path,),
            )
        )
        return out


class Seed(Kind):
    """An int >= 0 or a numpy Generator."""

    def mutations(self, path, value, ctx):
        out = []
        for new in (
            -1,
            1.5,
            1.0,
            True,
            False,
            None,
            "0",
            np.nan,
            1e308,
            (0,),
            np.random.RandomState(0),
            np.random.SeedSequence(0),
        ):
            out.append(Mutation(path, f"{path}: {new!r}", "seed", new, INVALID, names=(path,)))
        out.append(Mutation(path, f"{path}: np.int64", "seed", np.int64(value), VALID, ORIGINAL))
        out.append(Mutation(path, f"{path}: 2**64", "seed", 2**64, VALID))
        out.append(Mutation(path, f"{path}: a Generator", "seed", np.random.default_rng(7), VALID))
        return out


class Generator(Kind):
    """A numpy Generator (make_batch's rng)."""

    def mutations(self, path, value, ctx):
        out = [
            Mutation(path, f"{path}: another Generator", "seed", np.random.default_rng(3), VALID)
        ]
        for new in (0, None, np.random.RandomState(0), "rng"):
            out.append(Mutation(path, f"{path}: {new!r}", "seed", new, INVALID, names=(path,)))
        return out


class Choice(Kind):
    """One of a few str; `others` are the other valid choices (each a new, valid call)."""

    def __init__(self, others=()):
        self.others = others

    def mutations(self, path, value, ctx):
        out = [Mutation(path, f"{path}: np.str_", "choice", np.str_(value), VALID, ORIGINAL)]
        for new in self.others:
            if new != value:
                out.append(Mutation(path, f"{path}: {new!r}", "choice", new, VALID))
        for new in (value.upper(), "", None, [value], value + " "):
            out.append(Mutation(path, f"{path}: {new!r}", "choice", new, INVALID, names=(path,)))
        return out


VARIANTS = ("cho", "pytorch")  # the GRU's two forms


class Variant(Choice):
    """The GRU's variant: "pytorch" needs bha among the parameters, "cho" ignores it; `fixed`: the
    other variant is refused whatever the parameters (a cell cache of a sequence, whose other
    cells keep theirs). A refusal must name the variant, not only the parameters that lack bha."""

    def __init__(self, fixed=False):
        super().__init__()
        self.fixed = fixed

    def mutations(self, path, value, ctx):
        out = super().mutations(path, value, ctx)
        (other,) = (v for v in VARIANTS if v != value)
        validity = INVALID if self.fixed or other == "pytorch" else VALID
        out.append(Mutation(path, f"{path}: {other!r}", "choice", other, validity, names=(path,)))
        return out


class Bool(Kind):
    """True or False; `changed(new)` says whether the other one is valid: (validity, names)."""

    def __init__(self, changed=None):
        self.changed = changed or (lambda new: (VALID, None))

    def mutations(self, path, value, ctx):
        validity, names = self.changed(not value)
        out = [
            Mutation(path, f"{path}: {not value}", "scalar", not value, validity, SAME, names),
            Mutation(path, f"{path}: np.bool_", "scalar", np.bool_(value), VALID, ORIGINAL),
        ]
        for new in (int(value), float(value), None, str(value), [value]):
            out.append(Mutation(path, f"{path}: {new!r}", "scalar", new, INVALID, names=(path,)))
        return out


class Number(Kind):
    """A finite real number of either sign (the LSTM's forget_bias)."""

    def mutations(self, path, value, ctx):
        out = []
        for new in (np.nan, np.inf, -np.inf, True, None, str(value), complex(value), [value]):
            out.append(Mutation(path, f"{path}: {new!r}", "scalar", new, INVALID, names=(path,)))
        for label, new in (("-1.5", -1.5), ("0", 0), ("the int 2", 2), ("np.float32", None)):
            new = np.float32(value) if new is None else new
            out.append(Mutation(path, f"{path}: {label}", "scalar", new, VALID))
        out.append(
            Mutation(path, f"{path}: np.float64", "scalar", np.float64(value), VALID, ORIGINAL)
        )
        for label, new in (("1e308", 1e308), ("-1e308", -1e308), ("a 0-d array", np.array(value))):
            out.append(Mutation(path, f"{path}: {label}", "scalar", new, EITHER, names=(path,)))
        return out


class Optional(Kind):
    """None or `kind`; `example` is the value to mutate when the valid call passes None."""

    def __init__(self, kind, example=None):
        self.kind = kind
        self.example = example

    def mutations(self, path, value, ctx):
        if value is None:
            out = [Mutation(path, f"{path}: {self.example!r}", "scalar", self.example, VALID)]
            value = self.example
        else:
            out = [Mutation(path, f"{path}: None", "scalar", None, VALID)]
        return out + [m for m in self.kind.mutations(path, value, ctx) if m.value is not None]


class Text(Kind):
    """A non-empty str; `alphabet` (when given) is the set of characters it may use."""

    def __init__(self, alphabet=None, shortest=1):
        self.alphabet = alphabet
        self.shortest = shortest

    def mutations(self, path, value, ctx):
        out = [Mutation(path, f"{path}: np.str_", "text", np.str_(value), VALID, ORIGINAL)]
        for label, new in (
            ("empty", ""),
            ("None", None),
            ("bytes", value.encode()),
            ("a list of characters", list(value)),
            ("an int", 3),
        ):
            out.append(Mutation(path, f"{path}: {label}", "text", new, INVALID, names=(path,)))
        unknown = value + "\u00e9"
        out.append(
            Mutation(
                path,
                f"{path}: an unknown character",
                "text",
                unknown,
                INVALID if self.alphabet else VALID,
                names=(path,),
            )
        )
        if self.shortest > 1:
            out.append(
                Mutation(
                    path,
                    f"{path}: too short",
                    "text",
                    value[: self.shortest - 1],
                    INVALID,
                    names=(path,),
                )
            )
        return out


class Chars(Kind):
    """The vocabulary list: distinct one-character strings."""

    def __init__(self, model=False):
        self.model = model  # in a model, len(chars) must be n_y

    def mutations(self, path, value, ctx):
        out = [Mutation(path, f"{path}: a tuple", "vocabulary", tuple(value), VALID, ORIGINAL)]
        for label, new in (
            ("a str", "".join(value)),
            ("a character twice", value + value[:1]),
            ("a two-character entry", [value[0] * 2, *value[1:]]),
            ("empty", []),
            ("None", None),
            ("a numpy array", np.array(value)),
            ("an int entry", [0, *value[1:]]),
        ):
            out.append(
                Mutation(path, f"{path}: {label}", "vocabulary", new, INVALID, names=(path,))
            )
        out.append(
            Mutation(
                path,
                f"{path}: one more character",
                "vocabulary",
                [*value, "é"],
                INVALID if self.model else VALID,
                names=(path, "char_to_index"),
            )
        )
        return out


class CharToIndex(Kind):
    """The map from character to index: distinct ints 0 ... n-1."""

    def __init__(self, model=False, swap_ok=False):
        self.model = model
        self.swap_ok = swap_ok  # the chars are read from it: two indices swapped are a vocabulary

    def mutations(self, path, value, ctx):
        chars = list(value)
        first, last = chars[0], chars[-1]
        out = [
            Mutation(
                path,
                f"{path}: a read-only mapping",
                "vocabulary",
                types.MappingProxyType(dict(value)),
                VALID,
                ORIGINAL,
            ),
            Mutation(
                path,
                f"{path}: np.int64 indices",
                "vocabulary",
                {c: np.int64(i) for c, i in value.items()},
                VALID,
                ORIGINAL,
            ),
        ]
        swapped = {**value, first: value[last], last: value[first]}
        if len(chars) > 1:
            out.append(
                Mutation(
                    path,
                    f"{path}: two indices swapped",
                    "vocabulary",
                    swapped,
                    INVALID if self.model and not self.swap_ok else VALID,
                    names=(path, "chars"),
                )
            )
        extra = {**value, "\u00e9": len(value)}
        out.append(
            Mutation(
                path,
                f"{path}: an extra character",
                "vocabulary",
                extra,
                INVALID if self.model else VALID,
                names=(path, "chars"),
            )
        )
        bad = {
            "a character missing": {c: i for c, i in value.items() if c != last},
            "a float index": {**value, first: float(value[first])},
            "a bool index": {**value, first: bool(value[first])},
            "a negative index": {**value, first: -1},
            "an index too large": {**value, first: len(value)},
            "two characters with one index": {**value, last: value[first]},
            "a two-character key": {
                **{c: i for c, i in value.items() if c != last},
                last * 2: value[last],
            },
            "an int key": {**{c: i for c, i in value.items() if c != last}, 7: value[last]},
            "a list of pairs": list(value.items()),
            "None": None,
        }
        for label, new in bad.items():
            if label == "two characters with one index" and len(chars) < 2:
                continue
            out.append(
                Mutation(
                    path,
                    f"{path}: {label}",
                    "vocabulary",
                    new,
                    INVALID,
                    names=(path, "text", "prompt", "start"),
                )
            )
        return out


class Indices(Labels):
    """Encoded text: an int array of any shape (1-D when one_d), entries in [0, top)."""

    def __init__(self, top_name, one_d=False):
        super().__init__(("N",) if one_d else None, top_name)
        self.one_d = one_d


class GradientDict(Kind):
    """A dict of gradient arrays (from rnn_loss_and_gradients), for clipping and the optimisers.

    `shapes` maps each key to its letters (for sgd_step, the letters of its parameter); `needed`
    are the keys that must be present (None: a missing key is fine).
    """

    def __init__(self, shapes=None, needed=(), large=(1e3, 1e200), ignored=()):
        self.shapes = shapes or {}
        self.needed = needed
        self.large = large
        self.ignored = ignored  # keys the function does not read: any value is fine

    def register(self, path, value, ctx):
        for key in value:
            ctx.shapes[f"{path}[{key!r}]"] = self.shapes.get(key)

    def mutations(self, path, value, ctx):
        out = []
        for key, entry in value.items():
            entry_path = f"{path}[{key!r}]"
            kind = Floats(self.shapes.get(key), large=self.large)
            entry_mutations = kind.mutations(entry_path, entry, ctx)
            if key in self.ignored:
                for m in entry_mutations:
                    m.validity, m.clean = VALID, ORIGINAL
            out += lift(entry_mutations, lambda new, key=key: {**value, key: new})
        for key in value:
            out.append(
                Mutation(
                    path,
                    f"{path}: {key!r} missing",
                    "dict",
                    {k: v for k, v in value.items() if k != key},
                    INVALID if key in self.needed else VALID,
                    SAME,
                    (path,),
                )
            )
        out.append(
            Mutation(
                path, f"{path}: an extra key", "dict", {**value, "extra": np.ones(3)}, VALID, SAME
            )
        )
        out.append(
            Mutation(
                path,
                f"{path}: a read-only mapping",
                "container",
                types.MappingProxyType(dict(value)),
                VALID,
                ORIGINAL,
            )
        )
        out.append(Mutation(path, f"{path}: empty", "dict", {}, INVALID, names=(path,)))
        for label, new in (("a list of its arrays", list(value.values())), ("None", None)):
            out.append(Mutation(path, f"{path}: {label}", "type", new, INVALID, names=(path,)))
        return out


class Keys(Kind):
    """`keys` of the clipping functions: None or a list of keys of gradients."""

    def mutations(self, path, value, ctx):
        out = [
            Mutation(path, f"{path}: ['dWax']", "keys", ["dWax"], VALID),
            Mutation(path, f"{path}: a tuple", "keys", ("dWax", "dby"), VALID),
            Mutation(path, f"{path}: a set", "keys", {"dWaa"}, VALID),
            Mutation(path, f"{path}: ['da0']", "keys", ["da0"], VALID),
        ]
        for new in ("dWax", ["nope"], [], 3, ["dWax", None]):
            out.append(Mutation(path, f"{path}: {new!r}", "keys", new, INVALID, names=(path,)))
        return out


class Function(Kind):
    """A callable argument: `variants` are (label, function, validity)."""

    def __init__(self, variants):
        self.variants = variants

    def mutations(self, path, value, ctx):
        out = []
        for label, new, validity in self.variants:
            out.append(Mutation(path, f"{path}: {label}", "callable", new, validity, names=(path,)))
        for new in (None, 3, "f"):
            out.append(Mutation(path, f"{path}: {new!r}", "callable", new, INVALID, names=(path,)))
        return out


class IndexList(Kind):
    """numerical_gradient's indices: None or a list of full index tuples into x."""

    def __init__(self, shape):
        self.shape = shape

    def mutations(self, path, value, ctx):
        shape = self.shape
        some = [tuple(int(i) for i in _random_index(ctx, shape)) for _ in range(2)]
        out = [
            Mutation(path, f"{path}: a list of tuples", "indices", some, VALID),
            Mutation(path, f"{path}: a tuple of lists", "indices", tuple(map(list, some)), VALID),
            Mutation(path, f"{path}: an int array of rows", "indices", np.array(some), VALID),
            Mutation(
                path,
                f"{path}: np.int64 entries",
                "indices",
                [tuple(np.int64(i) for i in some[0])],
                VALID,
            ),
            Mutation(path, f"{path}: an index twice", "indices", [some[0], some[0]], VALID),
        ]
        if len(shape) == 1:
            out.append(Mutation(path, f"{path}: plain ints", "indices", [some[0][0]], VALID))
        bad = {
            "outside x": [tuple(shape)],
            "negative": [(-1, *some[0][1:])],
            "one int too few": [some[0][:-1]],
            "one int too many": [some[0] + (0,)],
            "float entries": [tuple(float(i) for i in some[0])],
            "bool entries": [tuple(True for _ in some[0])],
        }
        if not shape:  # x is a number: its one index is ()
            bad = {"one int too many": [(0,)], "negative": [(-1,)]}
        bad |= {
            "empty": [],
            "a str": "0",
            "an int": 0 if len(shape) > 1 else 0.5,
            "None in the list": [None],
        }
        for label, new in bad.items():
            out.append(Mutation(path, f"{path}: {label}", "indices", new, INVALID, names=(path,)))
        return out


# --- one call, and the judgement of its outcome ---


@dataclasses.dataclass
class Call:
    """One valid call: `function(**args)`, how each argument may be mutated, and how to compare."""

    name: str
    function: object
    args: dict
    kinds: dict
    ctx: Context
    result: object = None  # post-processes the return value (inside the checked region)
    dtype_view: object = None  # the part of the result whose float arrays follow the inputs' dtype
    oracle: object = None  # computes the reference instead of `function` (same arguments)
    tolerance: dict = None  # {"float64": (rtol, atol), "float32": (rtol, atol)}
    compare: bool = True  # False: a valid call must only return (the dashboards)
    per_entry_dtypes: bool = False  # each output keeps its own input's dtype (the clipping)
    _reference: object = dataclasses.field(default=ORIGINAL, repr=False)

    def mutations(self):
        out = []
        for name, kind in self.kinds.items():
            for m in kind.mutations(name, self.args[name], self.ctx):
                m.argument = name
                m.names = m.names or (name,)
                out.append(m)
        if _float_dtypes(self.args) - {np.dtype(np.float32)}:
            single = to_float32(self.args)
            clean = {k: self.kinds[k].clean64(v) for k, v in single.items()}
            out.append(Mutation(None, "every float array float32", "float32", single, VALID, clean))
        return out


def to_float32(value):
    return _convert(value, np.float64, np.float32)


def to_float64(value):
    return _convert(value, np.float32, np.float64)


def _convert(value, source, target):
    if isinstance(value, np.ndarray) and value.dtype == source:
        return value.astype(target)
    if isinstance(value, dict):
        return {k: _convert(v, source, target) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_convert(v, source, target) for v in value)
    return value


def _float_dtypes(value, found=None):
    """The dtypes of every float ndarray in `value` (through dicts, tuples and lists)."""
    found = set() if found is None else found
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            found.add(value.dtype)
    elif isinstance(value, (dict, types.MappingProxyType)):
        for v in value.values():
            _float_dtypes(v, found)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _float_dtypes(v, found)
    return found


def clone(value):
    """A deep copy that also copies read-only mappings and keeps array subclasses."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, types.MappingProxyType):
        return types.MappingProxyType({k: clone(v) for k, v in value.items()})
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(clone(v) for v in value)
    if callable(value) and not isinstance(value, np.random.Generator):
        return value
    try:
        return copy.deepcopy(value)
    except TypeError:
        return value


def first_change(before, after, path="argument"):
    """Where `after` differs from the copy `before` taken before the call, or None."""
    if type(before) is not type(after):
        return f"{path}: {type(before).__name__} became {type(after).__name__}"
    if isinstance(after, np.random.Generator):
        return None  # drawing from a Generator is what it is passed for
    if isinstance(after, np.ndarray):
        if before.shape != after.shape or before.dtype != after.dtype:
            return f"{path}: shape or dtype changed"
        if isinstance(after, np.ma.MaskedArray) and not np.array_equal(
            np.ma.getmaskarray(before), np.ma.getmaskarray(after)
        ):
            return f"{path}: mask changed"
        if after.dtype.kind in "biufcUS" and before.tobytes() == after.tobytes():
            return None  # the same bytes: unchanged (the fast path; most calls change nothing)
        nan = after.dtype.kind in "fc"
        if not np.array_equal(np.asarray(before), np.asarray(after), equal_nan=nan):
            return f"{path}: values changed"
        return None
    if isinstance(after, (dict, types.MappingProxyType)):
        if list(before) != list(after):
            return f"{path}: keys changed from {list(before)} to {list(after)}"
        for k in after:
            change = first_change(before[k], after[k], f"{path}[{k!r}]")
            if change:
                return change
        return None
    if isinstance(after, (tuple, list)):
        if len(before) != len(after):
            return f"{path}: length changed"
        for k, (b, a) in enumerate(zip(before, after)):
            change = first_change(b, a, f"{path}[{k}]")
            if change:
                return change
        return None
    if isinstance(after, float) and np.isnan(after) and np.isnan(before):
        return None
    if type(after).__eq__ is object.__eq__:  # no value equality (RandomState): compare states
        try:
            return None if pickle.dumps(before) == pickle.dumps(after) else f"{path}: changed"
        except Exception:
            return None
    try:
        same = bool(before == after)
    except Exception:
        return None
    return None if same else f"{path}: changed"


def difference(got, want, tolerance, path="result"):
    """Where `got` differs from the reference `want` beyond `tolerance` (rtol, atol), or None."""
    rtol, atol = tolerance
    if isinstance(want, (dict, types.MappingProxyType)):
        if not isinstance(got, (dict, types.MappingProxyType)) or set(got) != set(want):
            keys = list(got) if isinstance(got, dict) else type(got).__name__
            return f"{path}: keys {keys}, expected {list(want)}"
        for k in want:
            d = difference(got[k], want[k], tolerance, f"{path}[{k!r}]")
            if d:
                return d
        return None
    if isinstance(want, (tuple, list)):
        if type(got) is not type(want) or len(got) != len(want):
            return f"{path}: {type(got).__name__}, expected a {type(want).__name__} of {len(want)}"
        for k, (g, w) in enumerate(zip(got, want)):
            d = difference(g, w, tolerance, f"{path}[{k}]")
            if d:
                return d
        return None
    if isinstance(want, np.ndarray):
        if type(got) is not np.ndarray:
            return f"{path}: {type(got).__name__}, expected an ndarray"
        if got.shape != want.shape:
            return f"{path}: shape {got.shape}, expected {want.shape}"
        if got.dtype.kind != want.dtype.kind and {got.dtype.kind, want.dtype.kind} != {"i", "u"}:
            return f"{path}: dtype {got.dtype}, expected {want.dtype}"
        if want.dtype.kind in "fc":
            scale = max(1.0, float(np.max(np.abs(want), initial=0, where=np.isfinite(want))))
            if not np.allclose(got, want, rtol=rtol, atol=atol * scale, equal_nan=True):
                worst = np.max(np.abs(got - want), initial=0)
                return f"{path}: differs from the reference by up to {worst:.3g}"
            return None
        return None if np.array_equal(got, want) else f"{path}: differs from the reference"
    if isinstance(want, float):
        if type(got) is not type(want):
            return f"{path}: {type(got).__name__}, expected {type(want).__name__}"
        if not np.isfinite(want):
            return None if got == want or (got != got and want != want) else f"{path}: {got!r}"
        if not np.isclose(got, want, rtol=rtol, atol=atol * max(1.0, abs(want)), equal_nan=True):
            return f"{path}: {got!r}, expected {want!r}"
        return None
    if callable(want) or isinstance(want, np.random.Generator):
        return None
    try:
        same = bool(got == want)
    except Exception:
        same = False
    return None if same else f"{path}: {got!r}, expected {want!r}"


def non_finite(value, path="result"):
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return None if np.isfinite(value).all() else f"{path} holds NaN or inf"
    if isinstance(value, float):
        return None if np.isfinite(value) else f"{path} is {value}"
    items = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (tuple, list)):
        items = enumerate(value)
    for k, v in items:
        found = non_finite(v, f"{path}[{k!r}]")
        if found:
            return found
    return None


def wrong_dtypes(value, expected, path="result"):
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and value.dtype != expected:
            return f"{path} is {value.dtype}, expected {expected} like the inputs"
        return None
    items = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (tuple, list)):
        items = enumerate(value)
    for k, v in items:
        found = wrong_dtypes(v, expected, f"{path}[{k!r}]")
        if found:
            return found
    return None


_END = r"(?![\w'])"
_AFTER = r"(?=\[| \(| has | must | is | are | contains | holds | gives | names | differs | cannot "
_AFTER += r"| returned | lacks | does | and |[,;:.)]|$)"


def names_one_of(message, names):
    """Does `message` name one of `names`? As its subject, after "from", or before a verb."""
    for name in names:
        n = re.escape(name)
        if re.match(rf"{n}{_END}", message) or re.search(rf"\bfrom {n}{_END}", message):
            return True
        if len(name) == 1:
            if re.search(
                rf"(?<![\w'\[]){n}(?= has | must | is | contains | holds | = |\[)", message
            ):
                return True
            continue
        if re.search(rf"(?<![\w'\[]){n}{_AFTER}", message):
            return True
        if re.search(rf"\b(?:in|of|and|by) {n}{_END}", message):
            return True
    return False


@dataclasses.dataclass
class KnownDefect:
    """A defect of rnn_core, found by this fuzz, in a module the fuzz's authors may not change.

    An outcome of a function whose name matches `function` with a mutation whose label matches
    `mutation` (both regular expressions, from the start), and of the kind `kind`, is a KNOWN
    defect: reported apart, not a failure. `tests/test_fuzz.py` checks that each one still occurs
    at `where` (spec, mutation label): remove the entry when the defect is fixed.
    """

    note: str  # what is wrong, and where
    function: str
    mutation: str
    kind: str
    where: tuple  # (spec, label of one mutation that shows it on problem 0)


KNOWN_DEFECTS = []  # none at present: a defect found goes here until it is fixed


def known_defect(outcome):
    for defect in KNOWN_DEFECTS:
        if (
            outcome.kind == defect.kind
            and re.match(defect.function, outcome.function)
            and re.match(defect.mutation, outcome.mutation)
        ):
            return defect
    return None


@dataclasses.dataclass
class Outcome:
    kind: str  # "correct result", "clear error", or one kind of anything else
    function: str
    mutation: str
    detail: str = ""
    defect: KnownDefect = None  # the known defect this outcome shows

    @property
    def ok(self):
        return self.kind in GOOD or self.kind == KNOWN

    def __str__(self):
        return f"{self.kind}: {self.function} with {self.mutation}: {self.detail}"


GOOD = ("correct result", "clear error")
KNOWN = "known defect"


def _run(function, args, result):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with contextlib.redirect_stdout(io.StringIO()):
            value = function(**args)
            return result(value) if result else value


def _reference(call, mutation, clean_args):
    if mutation.clean is ORIGINAL and mutation.argument is not None:
        if call._reference is ORIGINAL:
            call._reference = _quiet_run(call, clone(call.args))
        return call._reference
    return _quiet_run(call, clean_args)


def _quiet_run(call, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()):
            value = (call.oracle or call.function)(**args)
            return call.result(value) if call.result else value


def judge(call, mutation):
    """Run `call` with `mutation` and judge what happened (a `KNOWN_DEFECTS` entry is known)."""
    judged = _judge(call, mutation)
    defect = None if judged.ok else known_defect(judged)
    if defect:
        detail = f"{judged.kind}: {judged.detail}"
        return dataclasses.replace(judged, kind=KNOWN, detail=detail, defect=defect)
    return judged


def _judge(call, mutation):
    outcome = lambda kind, detail="": Outcome(kind, call.name, mutation.label, detail)  # noqa
    if mutation.argument is None:
        args, clean_args = dict(mutation.value), clone(mutation.clean)
    else:
        args = {**call.args, mutation.argument: mutation.value}
        clean = mutation.value if mutation.clean is SAME else mutation.clean
        clean_args = (
            None if mutation.clean is ORIGINAL else clone({**call.args, mutation.argument: clean})
        )
    args = {
        k: copy.deepcopy(v) if isinstance(v, np.random.Generator) else v for k, v in args.items()
    }
    before = {k: clone(v) for k, v in args.items()}
    error = None
    try:
        got = _run(call.function, args, call.result)
    except Warning as warning:
        return outcome("warning", f"{type(warning).__name__}: {warning}")
    except (ValueError, TypeError) as raised:
        error = raised
    except Exception as raised:
        return outcome("crash", f"{type(raised).__name__}: {raised}")
    change = first_change(before, args)
    if change:
        return outcome("argument changed", change)
    if error is not None:
        message = f"{type(error).__name__}: {error}"
        if mutation.validity == VALID:
            return outcome("refused a valid input", message)
        if not names_one_of(str(error), mutation.names):
            return outcome(
                "error that does not name the argument",
                f"{message} (expected one of {mutation.names})",
            )
        if mutation.mention and mutation.mention not in str(error):
            return outcome("error without its hint", f"{message} (no {mutation.mention!r})")
        return outcome("clear error")
    if mutation.validity == INVALID:
        return outcome("invalid input accepted", f"returned {_short(got)}")
    if mutation.validity == EITHER:
        bad = non_finite(got)
        if bad:
            return outcome("non-finite result", bad)
    if not call.compare:
        return outcome("correct result")
    try:
        want = _reference(call, mutation, clean_args)
    except Exception as raised:
        return outcome("reference failed", f"{type(raised).__name__}: {raised}")
    dtypes = _float_dtypes(args)
    float32 = dtypes == {np.dtype(np.float32)}
    tolerance = {"float64": (1e-9, 1e-12), "float32": (1e-4, 1e-4), **(call.tolerance or {})}
    single = np.dtype(np.float32) in dtypes
    found = difference(got, want, tolerance["float32" if single else "float64"])
    if found:
        return outcome("wrong result", found)
    if float32 or (dtypes and not call.per_entry_dtypes):
        view = call.dtype_view(got) if call.dtype_view else got
        found = wrong_dtypes(view, np.float32 if float32 else np.float64)
        if found:
            return outcome("wrong dtype", found)
    return outcome("correct result")


def _short(value):
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


# --- the valid calls ---


def make_call(name, function, ctx, arguments, **options):
    """A Call from {argument: (value, kind)}; registers the sizes every array fixes."""
    for argument, (value, kind) in arguments.items():
        kind.register(argument, value, ctx)
    return Call(
        name,
        function,
        {argument: value for argument, (value, _) in arguments.items()},
        {argument: kind for argument, (_, kind) in arguments.items()},
        ctx,
        **options,
    )


def draw_sizes(rng):
    return {
        "n_x": int(rng.integers(1, 4)),
        "n_a": int(rng.integers(1, 5)),
        "n_y": int(rng.integers(2, 5)),
        "m": int(rng.integers(1, 4)),
        "T_x": int(rng.integers(1, 5)),
    }


def new_problem(rng):
    """(ctx, x, y, a0, parameters) of a random tiny problem; ctx knows the labels' range."""
    sizes = draw_sizes(rng)
    x, y, a0, parameters = rc.random_problem(
        *sizes.values(), seed=rng, bias_scale=0.5, a0_scale=0.5
    )
    ctx = Context(rng, sizes=sizes, ranges={"n_y": ("y", int(y.max()))})
    return ctx, x, y, a0, parameters


X = ("n_x", "m", "T_x")
STATE = ("n_a", "m")
STATES = ("n_a", "m", "T_x")
LABELS = ("m", "T_x")


def problem_arguments(x, y, a0, parameters):
    return {
        "x": (x, Floats(X)),
        "y": (y, Labels(LABELS, "n_y")),
        "a0": (a0, Floats(STATE)),
        "parameters": (parameters, Params()),
    }


def build_activation(function, min_ndim):
    def build(rng):
        ctx = Context(rng)
        shape = [(3, 4), (2, 3, 2), (4,), ()][int(rng.integers(4 if min_ndim == 0 else 3))]
        z = np.array(2 * rng.standard_normal(shape))
        kind = Floats(None, min_ndim=min_ndim, large=(1e3, 1e300))
        return make_call(function.__name__, function, ctx, {"z": (z, kind)})

    return build


def build_initialize_parameters(rng):
    ctx = Context(rng)
    sizes = draw_sizes(rng)
    arguments = {k: (sizes[k], PositiveInt()) for k in ("n_x", "n_a", "n_y")}
    arguments["scale"] = (0.1, PositiveFloat())
    arguments["seed"] = (int(rng.integers(0, 100)), Seed())
    return make_call("initialize_parameters", rc.initialize_parameters, ctx, arguments)


def build_rnn_cell_forward(rng):
    ctx, x, _y, a0, parameters = new_problem(rng)
    arguments = {
        "xt": (x[:, :, 0].copy(), Floats(("n_x", "m"))),
        "a_prev": (a0, Floats(STATE)),
        "parameters": (parameters, Params()),
    }
    return make_call(
        "rnn_cell_forward", rc.rnn_cell_forward, ctx, arguments, dtype_view=lambda r: r[:2]
    )


def build_rnn_forward(rng):
    ctx, x, _y, a0, parameters = new_problem(rng)
    arguments = {
        "x": (x, Floats(X)),
        "a0": (a0, Floats(STATE)),
        "parameters": (parameters, Params()),
    }
    return make_call("rnn_forward", rc.rnn_forward, ctx, arguments, dtype_view=lambda r: r[:2])


def build_rnn_cell_backward(rng):
    ctx, x, _y, a0, parameters = new_problem(rng)
    cache = rc.rnn_cell_forward(x[:, :, 0], a0, parameters)[2]
    arguments = {
        "da_next": (rng.standard_normal(a0.shape), Floats(STATE)),
        "cache": (cache, CellCache()),
    }
    return make_call("rnn_cell_backward", rc.rnn_cell_backward, ctx, arguments)


def build_rnn_backward(rng):
    ctx, x, _y, a0, parameters = new_problem(rng)
    caches = rc.rnn_forward(x, a0, parameters)[2]
    arguments = {
        "da": (rng.standard_normal((*a0.shape, x.shape[2])), Floats(STATES)),
        "caches": (caches, Caches()),
    }
    return make_call("rnn_backward", rc.rnn_backward, ctx, arguments)


def build_one_hot(rng):
    ctx, _x, y, _a0, _parameters = new_problem(rng)
    n_y = ctx.sizes["n_y"]
    ctx.ranges = {}
    top = int(y.max())

    def changed(new):
        return (VALID, None) if new > top else (INVALID, ("y", "n_y"))

    arguments = {
        "y": (y, Labels(LABELS, "n_y")),
        "n_y": (n_y, PositiveInt(changes=(1, -1), changed=changed)),
    }
    return make_call("one_hot", rc.one_hot, ctx, arguments)


def build_cross_entropy_loss(rng):
    ctx, x, y, a0, parameters = new_problem(rng)
    y_pred = rc.rnn_forward(x, a0, parameters)[1]
    arguments = {
        "y_pred": (y_pred, Probabilities(("n_y", "m", "T_x"))),
        "y": (y, Labels(LABELS, "n_y")),
    }
    return make_call("cross_entropy_loss", rc.cross_entropy_loss, ctx, arguments)


def build_output_layer_backward(rng):
    ctx, x, y, a0, parameters = new_problem(rng)
    a, y_pred, _ = rc.rnn_forward(x, a0, parameters)
    arguments = {
        "y_pred": (y_pred, Probabilities(("n_y", "m", "T_x"))),
        "y": (y, Labels(LABELS, "n_y")),
        "a": (a, Floats(STATES)),
        "parameters": (parameters, Params()),
    }
    return make_call("output_layer_backward", rc.output_layer_backward, ctx, arguments)


def build_problem_function(function, oracle=None, extra=None, **options):
    """A function of (x, y, a0, parameters) and, optionally, more arguments `extra(rng)`."""

    def build(rng):
        ctx, x, y, a0, parameters = new_problem(rng)
        arguments = problem_arguments(x, y, a0, parameters)
        if extra:
            arguments.update(extra(rng, ctx))
        return make_call(function.__name__, function, ctx, arguments, oracle=oracle, **options)

    return build


def smooth(v):
    """A function of an array of any shape, bounded for every finite input."""
    return float(np.sum(np.sin(v)) + 0.5 * np.sum(np.tanh(v)))


def smooth_gradient(f, x, h=1e-5, indices=None):
    """The exact gradient of `smooth`: the oracle for numerical_gradient with a small h."""
    if f is not smooth or not 1e-8 <= h <= 1e-4:
        return rc.numerical_gradient(f, x, h, indices)
    x = np.asarray(x)
    gradient = np.asarray(np.cos(x) + 0.5 * (1 - np.tanh(x) ** 2))
    if indices is None:
        return gradient.astype(x.dtype)
    return np.array(
        [gradient[tuple(int(k) for k in np.atleast_1d(i))] for i in indices], dtype=x.dtype
    )


F_VARIANTS = [
    ("returns np.float64", lambda v: np.float64(smooth(v)), VALID),
    ("returns a 0-d array", lambda v: np.array(smooth(v)), VALID),
    ("returns a list of one number", lambda v: [smooth(v)], VALID),
    ("returns NaN", lambda v: np.nan, INVALID),
    ("returns inf", lambda v: np.inf * smooth(v), INVALID),
    ("returns None", lambda v: None, INVALID),
    ("returns a str", lambda v: "1.0", INVALID),
    ("returns a complex number", lambda v: smooth(v) + 0j, INVALID),
    ("returns two numbers", lambda v: np.array([smooth(v), 1.0]), INVALID),
    ("returns a bool", lambda v: smooth(v) > 0, INVALID),
    ("returns a dict", lambda v: {"loss": smooth(v)}, INVALID),
]


def build_numerical_gradient(rng):
    ctx = Context(rng)
    shape = [(3, 2), (4,), (2, 2, 2), ()][int(rng.integers(4))]
    x = np.array(rng.standard_normal(shape))
    arguments = {
        "f": (smooth, Function(F_VARIANTS)),
        "x": (x, Floats(None)),
        "h": (1e-5, PositiveFloat()),
        "indices": (None, Optional(IndexList(shape), [(0,) * len(shape)])),
    }
    numerical = {"float64": (1e-6, 1e-6), "float32": (0.25, 0.25)}
    return make_call(
        "numerical_gradient",
        rc.numerical_gradient,
        ctx,
        arguments,
        oracle=smooth_gradient,
        tolerance=numerical,
    )


def build_relative_error(rng):
    ctx = Context(rng)
    a = rng.standard_normal((3, 2))
    arguments = {
        "a": (a, Floats(("p", "q"))),
        "b": (a + 1e-3 * rng.standard_normal(a.shape), Floats(("p", "q"))),
    }
    return make_call("relative_error", rc.relative_error, ctx, arguments)


def build_format_error(rng):
    ctx = Context(rng)
    arguments = {
        "error": (float(rng.uniform(1e-12, 1e-6)), PositiveFloat(True, huge=VALID, tiny=VALID)),
    }
    return make_call("format_error", rc.format_error, ctx, arguments)


def _loss_function_values(functions):
    """loss_functions' dict with each f replaced by its value at its array (and a moved one)."""
    return {name: (array, f(array), f(array + 1e-3)) for name, (array, f) in functions.items()}


def _ok_loss_and_gradients(x, y, a0, parameters):
    loss, gradients = rc.rnn_loss_and_gradients(x, y, a0, parameters)
    return loss, {**gradients, "extra": 1}


def _bad_gradients(change):
    def loss_and_gradients(x, y, a0, parameters):
        loss, gradients = rc.rnn_loss_and_gradients(x, y, a0, parameters)
        return change(loss, gradients)

    return loss_and_gradients


LOSS_AND_GRADIENTS_VARIANTS = [
    ("by steps", rc.rnn_loss_and_gradients_by_steps, VALID),
    ("gradients with an extra key", _ok_loss_and_gradients, VALID),
    (
        "gradients as lists",
        _bad_gradients(lambda loss, g: (loss, {k: v.tolist() for k, v in g.items()})),
        VALID,
    ),
    ("returns the loss alone", _bad_gradients(lambda loss, g: loss), INVALID),
    ("returns (loss, list)", _bad_gradients(lambda loss, g: (loss, list(g.values()))), INVALID),
    (
        "gradients without dWaa",
        _bad_gradients(lambda loss, g: (loss, {k: v for k, v in g.items() if k != "dWaa"})),
        INVALID,
    ),
    (
        "dWax one column short",
        _bad_gradients(lambda loss, g: (loss, {**g, "dWax": g["dWax"][:, :-1]})),
        INVALID,
    ),
    (
        "dby with a NaN",
        _bad_gradients(lambda loss, g: (loss, {**g, "dby": g["dby"] * np.nan})),
        INVALID,
    ),
    ("dba a str", _bad_gradients(lambda loss, g: (loss, {**g, "dba": "dba"})), INVALID),
    (
        "dWya float16",
        _bad_gradients(lambda loss, g: (loss, {**g, "dWya": g["dWya"].astype(np.float16)})),
        INVALID,
    ),
]


def gradient_check_extra(rng, ctx):
    return {
        "h": (1e-5, PositiveFloat()),
        "num_entries": (None, Optional(PositiveInt(changes=(1, 10**6)), 3)),
        "seed": (0, Seed()),
        "loss_and_gradients": (rc.rnn_loss_and_gradients, Function(LOSS_AND_GRADIENTS_VARIANTS)),
    }


def build_spectral_radius(rng):
    ctx = Context(rng)
    n = int(rng.integers(1, 5))
    arguments = {"matrix": (rng.standard_normal((n, n)), Floats(("n", "n"), large=(1e3, 1e300)))}
    return make_call("spectral_radius", rc.spectral_radius, ctx, arguments)


def build_scaled_orthogonal_matrix(rng):
    ctx = Context(rng)
    arguments = {
        "n": (int(rng.integers(1, 5)), PositiveInt()),
        "spectral_radius": (float(rng.uniform(0.5, 1.5)), PositiveFloat()),
        "seed": (int(rng.integers(0, 100)), Seed()),
    }
    return make_call("scaled_orthogonal_matrix", rc.scaled_orthogonal_matrix, ctx, arguments)


def build_hidden_states(rng):
    ctx, x, _y, a0, parameters = new_problem(rng)
    arguments = {
        "x": (x, Floats(X)),
        "a0": (a0, Floats(STATE)),
        "parameters": (parameters, Params()),
        "nonlinearity": (["tanh", "linear"][int(rng.integers(2))], Choice()),
    }
    return make_call("hidden_states", rc.hidden_states, ctx, arguments)


def build_gradient_norms(rng):
    ctx, x, y, a0, parameters = new_problem(rng)
    da_total = rc.hidden_state_gradients(x, y, a0, parameters)
    kind = Floats(STATES, large=(1e3, 1e200))
    return make_call("gradient_norms", rc.gradient_norms, ctx, {"da_total": (da_total, kind)})


def build_backpropagate_from_last_step(rng):
    ctx, x, _y, a0, parameters = new_problem(rng)
    nonlinearity = ["tanh", "linear"][int(rng.integers(2))]
    a = rc.hidden_states(x, a0, parameters, nonlinearity)
    arguments = {
        "a": (a, Floats(STATES)),
        "Waa": (parameters["Waa"], Floats(("n_a", "n_a"))),
        "da_last": (rng.standard_normal(a0.shape), Floats(STATE)),
        "nonlinearity": (nonlinearity, Choice()),
    }
    return make_call(
        "backpropagate_from_last_step", rc.backpropagate_from_last_step, ctx, arguments
    )


def build_random_parameters(rng):
    ctx = Context(rng)
    sizes = draw_sizes(rng)
    arguments = {k: (sizes[k], PositiveInt()) for k in ("n_x", "n_a", "n_y")}
    arguments["seed"] = (int(rng.integers(0, 100)), Seed())
    arguments["scale"] = (1.0, PositiveFloat(zero_ok=True))
    arguments["bias_scale"] = (0.1, PositiveFloat(zero_ok=True))
    arguments["dtype"] = (["float64", "float32"][int(rng.integers(2))], Choice())
    return make_call("random_parameters", rc.random_parameters, ctx, arguments)


def build_random_problem(rng):
    ctx = Context(rng)
    arguments = {k: (v, PositiveInt()) for k, v in draw_sizes(rng).items()}
    arguments["seed"] = (int(rng.integers(0, 100)), Seed())
    arguments["scale"] = (1.0, PositiveFloat(zero_ok=True))
    arguments["bias_scale"] = (0.1, PositiveFloat(zero_ok=True))
    arguments["a0_scale"] = (0.1, PositiveFloat(zero_ok=True))
    arguments["dtype"] = (["float64", "float32"][int(rng.integers(2))], Choice())
    return make_call("random_problem", rc.random_problem, ctx, arguments)


# corpus


def build_load_corpus(rng):
    return make_call(
        "load_corpus", corpus.load_corpus, Context(rng), {"name": ("sonnets", Choice())}
    )


ALPHABET = "abc de"


def random_text(rng, length):
    return "".join(rng.choice(list(ALPHABET), size=length))


def build_build_vocabulary(rng):
    text = random_text(rng, int(rng.integers(1, 12)))
    return make_call(
        "build_vocabulary", corpus.build_vocabulary, Context(rng), {"text": (text, Text())}
    )


def build_encode(rng):
    text = random_text(rng, int(rng.integers(2, 12)))
    chars, char_to_index = corpus.build_vocabulary(text)
    arguments = {
        "text": (text, Text(alphabet=chars)),
        "char_to_index": (char_to_index, CharToIndex()),
    }
    return make_call("encode", corpus.encode, Context(rng), arguments)


def build_decode(rng):
    chars = sorted(set(random_text(rng, 8)))
    ctx = Context(rng, sizes={"len(chars)": len(chars)})
    indices = rng.integers(0, len(chars), size=int(rng.integers(1, 8)))
    arguments = {"indices": (indices, Indices("len(chars)")), "chars": (chars, Chars())}
    return make_call("decode", corpus.decode, ctx, arguments)


def build_make_batch(rng):
    n_y, m, T_x, N = int(rng.integers(2, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 4)), 9
    indices = rng.integers(0, n_y, size=N)
    ctx = Context(rng, sizes={"n_y": n_y})
    top = int(indices.max())
    arguments = {
        "indices": (indices, Indices("n_y", one_d=True)),
        "n_y": (
            n_y,
            PositiveInt(
                changes=(1, -1),
                changed=lambda new: (VALID, None) if new > top else (INVALID, ("indices", "n_y")),
            ),
        ),
        "m": (m, PositiveInt()),
        "T_x": (
            T_x,
            PositiveInt(
                changes=(1, N),
                changed=lambda new: (VALID, None) if new < N else (INVALID, ("indices", "T_x")),
            ),
        ),
        "rng": (np.random.default_rng(int(rng.integers(0, 100))), Generator()),
    }
    return make_call("make_batch", corpus.make_batch, ctx, arguments)


# the embedding lookup


def _embedding_problem(rng):
    """(ctx, indices (m, T_x), n_x): ctx knows that n_x must stay above the largest index."""
    n_x, m, T_x = int(rng.integers(1, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    indices = rng.integers(0, n_x, size=(m, T_x))
    ctx = Context(rng, sizes={"n_x": n_x}, ranges={"n_x": ("indices", int(indices.max()))})
    return ctx, indices, n_x


def build_embedding_forward(rng):
    ctx, indices, n_x = _embedding_problem(rng)
    Wax = rng.standard_normal((int(rng.integers(1, 4)), n_x))
    arguments = {"indices": (indices, Labels(LABELS, "n_x")), "Wax": (Wax, Floats(("n_a", "n_x")))}
    return make_call("embedding_forward", rc.embedding_forward, ctx, arguments)


def build_embedding_backward(rng):
    ctx, indices, n_x = _embedding_problem(rng)
    ctx.fixed.add("n_x")
    top = int(indices.max())
    dout = rng.standard_normal((int(rng.integers(1, 4)), *indices.shape))
    arguments = {
        "dout": (dout, Floats(("n_a", "m", "T_x"))),
        "indices": (indices, Labels(LABELS, "n_x")),
        "n_x": (
            n_x,
            PositiveInt(
                changes=(1, -1),
                changed=lambda new: (VALID, None) if new > top else (INVALID, ("indices", "n_x")),
            ),
        ),
    }
    return make_call("embedding_backward", rc.embedding_backward, ctx, arguments)


# optimizers


def _gradients(rng):
    ctx, x, y, a0, parameters = new_problem(rng)
    return ctx, parameters, rc.rnn_loss_and_gradients(x, y, a0, parameters)[1]


def build_clipping(function, limit_name):
    def build(rng):
        ctx, _, gradients = _gradients(rng)
        arguments = {"gradients": (gradients, GradientDict())}
        if limit_name:
            norm = optimizers.global_norm(gradients)
            limit = float(rng.uniform(0.3, 1.5)) * (norm if "norm" in limit_name else 0.1)
            arguments[limit_name] = (limit, PositiveFloat())
        arguments["keys"] = (None, Optional(Keys(), ["dWaa", "dby"]))
        return make_call(function.__name__, function, ctx, arguments, per_entry_dtypes=True)

    return build


def _step_kinds(parameters):
    shapes = {key: (f"{key}.0", f"{key}.1") for key in parameters}
    gradient_shapes = {f"d{key}": letters for key, letters in shapes.items()}
    return (
        Params(extra_ok=False, shapes=shapes, missing_ok=True),
        GradientDict(
            gradient_shapes,
            needed=tuple(gradient_shapes),
            large=(1e3, 1e200),
            ignored=("da0", "dx"),
        ),
    )


def build_sgd_step(rng):
    ctx, parameters, gradients = _gradients(rng)
    parameter_kind, gradient_kind = _step_kinds(parameters)
    arguments = {
        "parameters": (parameters, parameter_kind),
        "gradients": (gradients, gradient_kind),
        "learning_rate": (0.1, PositiveFloat()),
    }
    return make_call("sgd_step", optimizers.sgd_step, ctx, arguments)


def build_adagrad(rng):
    arguments = {"learning_rate": (0.1, PositiveFloat()), "eps": (1e-8, PositiveFloat())}
    return make_call("Adagrad", optimizers.Adagrad, Context(rng), arguments, result=vars)


def adagrad_two_steps(parameters, gradients):
    """Two steps of a new Adagrad(0.1): the second one divides by an accumulated G."""
    adagrad = optimizers.Adagrad(0.1)
    once = adagrad.step(parameters, gradients)
    return adagrad.step(once, gradients), adagrad.sum_of_squares


def build_adagrad_step(rng):
    ctx, parameters, gradients = _gradients(rng)
    parameter_kind, gradient_kind = _step_kinds(parameters)
    arguments = {
        "parameters": (parameters, parameter_kind),
        "gradients": (gradients, gradient_kind),
    }
    return make_call("Adagrad.step", adagrad_two_steps, ctx, arguments)


# the gated cells: the LSTM and the GRU (Cho's form and PyTorch's, with its extra bias bha)

GATE = ("n_a", "n_a + n_x")  # every gate acts on the stack [a_prev; xt]: n_x = columns - n_a
BIAS = ("n_a", "1")
OUTPUT = {"Wy": ("n_y", "n_a"), "by": ("n_y", "1")}
GRU_GATES = {"Wz": GATE, "bz": BIAS, "Wr": GATE, "br": BIAS, "Wh": GATE, "bh": BIAS}
MODEL_SHAPES = {  # the parameters of every gated model, in the order its functions return them
    "lstm": {**{k: GATE if k[0] == "W" else BIAS for g in "fico" for k in (f"W{g}", f"b{g}")}}
    | OUTPUT,
    "gru-cho": GRU_GATES | OUTPUT,
    "gru-pytorch": GRU_GATES | {"bha": BIAS} | OUTPUT,
}
LSTM_LAYOUT = CacheLayout(  # (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    (*[STATE] * 8, ("n_x", "m")), MODEL_SHAPES["lstm"]
)
GRU_LAYOUT = CacheLayout(  # (a_next, a_prev, zt, rt, h_tilde, xt, parameters, variant)
    (*[STATE] * 5, ("n_x", "m")),
    {v: MODEL_SHAPES[f"gru-{v}"] for v in VARIANTS},
    variant=True,
)


GRADIENT_LARGE = (1e3, 1e200)  # the gradients that a backward is given: times 1e200 as well


def cell_and_variant(model):
    """("lstm", None), ("gru", "cho") or ("gru", "pytorch")."""
    cell, _, variant = model.partition("-")
    return cell, variant or None


def model_parameters(model, **options):
    """The Params kind of a gated model's parameters."""
    return Params(shapes=MODEL_SHAPES[model], **options)


# The arrays of the parameters that the gradient checks of a gated model mutate: a gate weight
# and a bias. Every array goes through the same code there (the gated loss checks each one, as the
# specs of lstm_loss and gru_loss fuzz entry by entry, and loss_functions then reads each one
# alike), and every valid call computes numerical gradients.
GRADCHECK_ENTRIES = {"lstm": ("Wf", "bo"), "gru-cho": ("Wh", "bh"), "gru-pytorch": ("Wh", "bha")}


def gated_parameters(rng, model, n_x, n_a, n_y, scale=1.0):
    """Weights of `scale` / √(columns), biases of 0.5: gates between saturation and linearity."""
    size = {"n_a": n_a, "n_a + n_x": n_a + n_x, "n_y": n_y, "1": 1}
    parameters = {}
    for key, letters in MODEL_SHAPES[model].items():
        shape = tuple(size[letter] for letter in letters)
        spread = scale / np.sqrt(shape[1]) if key[0] == "W" else 0.5
        parameters[key] = spread * rng.standard_normal(shape)
    return parameters


def draw_small_sizes(rng):
    """Sizes for the numerical gradients, which call the loss twice for every entry."""
    names = ("n_x", "n_a", "n_y", "m", "T_x")
    return dict(zip(names, (int(rng.integers(low, 3)) for low in (1, 1, 2, 1, 1))))


def new_gated_problem(rng, model, small=False):
    """(ctx, x, y, a0, parameters) of a random tiny LSTM or GRU problem."""
    sizes = draw_small_sizes(rng) if small else draw_sizes(rng)
    n_x, n_a, n_y, m, T_x = sizes.values()
    x = 0.5 * rng.standard_normal((n_x, m, T_x))
    y = rng.integers(0, n_y, size=(m, T_x))
    a0 = 0.5 * rng.standard_normal((n_a, m))
    parameters = gated_parameters(rng, model, n_x, n_a, n_y)
    # n_x is fixed by the gates' columns (n_a + n_x), which no array of x's shape carries
    ctx = Context(rng, sizes=sizes, ranges={"n_y": ("y", int(y.max()))}, fixed={"n_x"})
    return ctx, x, y, a0, parameters


def gated_function(model, stem):
    """rc.lstm_<stem> or rc.gru_<stem>."""
    return getattr(rc, f"{cell_and_variant(model)[0]}_{stem}")


def with_variant(model, arguments):
    """The GRU's functions take the variant as their last argument."""
    variant = cell_and_variant(model)[1]
    if variant:
        arguments["variant"] = (variant, Variant())
    return arguments


# An independent oracle for the loss and the gradients: the two cells written anew from the
# equations of their module docstrings, differentiated by the complex step (every entry at once).


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))  # analytic, and without overflow for complex z


def gated_loss(model, x, y, a0, p):
    """The cross-entropy of the LSTM or GRU network, summed over time and averaged over m.

    Every array may carry a leading batch axis (K, ...), one copy per perturbed entry; y does not.
    """
    n_a, m = a0.shape[-2], y.shape[0]
    a, c, loss = a0, np.zeros_like(a0), 0.0
    for t in range(y.shape[1]):
        xt = x[..., t]
        s = np.concatenate([a, xt], axis=-2)  # [a_{t-1}; x_t]
        if model == "lstm":
            f = _sigmoid(p["Wf"] @ s + p["bf"])
            i = _sigmoid(p["Wi"] @ s + p["bi"])
            candidate = np.tanh(p["Wc"] @ s + p["bc"])
            o = _sigmoid(p["Wo"] @ s + p["bo"])
            c = f * c + i * candidate
            a = o * np.tanh(c)
        else:
            z = _sigmoid(p["Wz"] @ s + p["bz"])
            r = _sigmoid(p["Wr"] @ s + p["br"])
            Wh_a, Wh_x = p["Wh"][..., :n_a], p["Wh"][..., n_a:]
            if model == "gru-cho":
                candidate = np.tanh(Wh_a @ (r * a) + Wh_x @ xt + p["bh"])
            else:
                candidate = np.tanh(Wh_x @ xt + p["bh"] + r * (Wh_a @ a + p["bha"]))
            a = z * a + (1 - z) * candidate
        logits = p["Wy"] @ a + p["by"]  # (K, n_y, m)
        logits = logits - logits.real.max(axis=-2, keepdims=True)  # a constant: exact
        log_p = logits - np.log(np.exp(logits).sum(axis=-2, keepdims=True))
        loss = loss - log_p[..., y[:, t], np.arange(m)].sum(axis=-1)
    return loss / m


def complex_step(model, x, y, a0, parameters, step=1e-200):
    """(loss, gradients) of `gated_loss`: ∂L/∂θ_i = Im L(θ + i step e_i) / step, exact to
    round-off (no difference is taken, so no cancellation), every entry in one batched pass.

    The step must keep step ∂u/∂θ_i far below 1 for every u inside (an exp or a tanh of a large
    imaginary part is no derivative): 1e-200 does for derivatives up to 1e180, and loses digits
    only on those below 1e-100, which no tolerance here can see."""
    arrays = {key: np.asarray(parameters[key], float) for key in MODEL_SHAPES[model]}
    arrays |= {"a0": np.asarray(a0, float), "x": np.asarray(x, float)}
    total = sum(v.size for v in arrays.values())
    batched, start = {}, 0
    for name, v in arrays.items():
        copies = np.repeat(v[None].astype(complex), total, axis=0)  # (K, *shape)
        copies.reshape(total, -1)[start + np.arange(v.size), np.arange(v.size)] += 1j * step
        batched[name], start = copies, start + v.size
    loss = gated_loss(model, batched["x"], np.asarray(y), batched["a0"], batched)  # (K,)
    gradients, start = {}, 0
    for name, v in arrays.items():
        gradients[f"d{name}"] = (loss.imag[start : start + v.size] / step).reshape(v.shape)
        start += v.size
    return float(loss.real[0]), gradients


def gated_oracle(model, loss_only=False):
    """The reference of `lstm_loss(_and_gradients)`, `gru_loss(_and_gradients)`."""

    def oracle(x, y, a0, parameters, variant=None):
        which = model if variant is None else f"gru-{variant}"
        if loss_only:
            p = {key: np.asarray(parameters[key], float) for key in MODEL_SHAPES[which]}
            return float(gated_loss(which, np.asarray(x, float), np.asarray(y), a0, p))
        return complex_step(which, x, y, a0, parameters)

    return oracle


def build_initialize_gated(model):
    def build(rng):
        ctx = Context(rng)
        sizes = draw_sizes(rng)
        arguments = {k: (sizes[k], PositiveInt()) for k in ("n_x", "n_a", "n_y")}
        arguments["scale"] = (float(rng.uniform(0.01, 1)), PositiveFloat())
        arguments["seed"] = (int(rng.integers(0, 100)), Seed())
        cell, variant = cell_and_variant(model)
        if cell == "lstm":
            arguments["forget_bias"] = (float(rng.uniform(-1, 2)), Number())
        else:
            arguments["variant"] = (variant, Choice(others=VARIANTS))
        function = getattr(rc, f"initialize_{cell}_parameters")
        return make_call(function.__name__, function, ctx, arguments)

    return build


def build_gated_cell_forward(model):
    def build(rng):
        ctx, x, _y, a0, parameters = new_gated_problem(rng, model)
        arguments = {"xt": (x[:, :, 0].copy(), Floats(("n_x", "m"))), "a_prev": (a0, Floats(STATE))}
        outputs = 2  # a_next, yt_pred (and the LSTM's c_next), then the cache
        if model == "lstm":
            arguments["c_prev"] = (0.5 * rng.standard_normal(a0.shape), Floats(STATE))
            outputs = 3
        arguments["parameters"] = (parameters, model_parameters(model))
        function = gated_function(model, "cell_forward")
        return make_call(
            function.__name__,
            function,
            ctx,
            with_variant(model, arguments),
            dtype_view=lambda r: r[:outputs],
        )

    return build


def build_gated_forward(model):
    def build(rng):
        ctx, x, _y, a0, parameters = new_gated_problem(rng, model)
        arguments = {
            "x": (x, Floats(X)),
            "a0": (a0, Floats(STATE)),
            "parameters": (parameters, model_parameters(model)),
        }
        function = gated_function(model, "forward")
        outputs = 3 if model == "lstm" else 2  # a, y (and the LSTM's c), then the caches
        return make_call(
            function.__name__,
            function,
            ctx,
            with_variant(model, arguments),
            dtype_view=lambda r: r[:outputs],
        )

    return build


def build_gated_cell_backward(model):
    def build(rng):
        ctx, x, _y, a0, parameters = new_gated_problem(rng, model)
        cell, variant = cell_and_variant(model)
        arguments = {
            "da_next": (rng.standard_normal(a0.shape), Floats(STATE, large=GRADIENT_LARGE))
        }
        if cell == "lstm":
            c_prev = 0.5 * rng.standard_normal(a0.shape)
            cache = rc.lstm_cell_forward(x[:, :, 0], a0, c_prev, parameters)[3]
            arguments["dc_next"] = (
                rng.standard_normal(a0.shape),
                Floats(STATE, large=GRADIENT_LARGE),
            )
        else:
            cache = rc.gru_cell_forward(x[:, :, 0], a0, parameters, variant)[2]
        layout = LSTM_LAYOUT if cell == "lstm" else GRU_LAYOUT
        arguments["cache"] = (cache, CellCache(layout=layout))
        function = gated_function(model, "cell_backward")
        return make_call(function.__name__, function, ctx, arguments)

    return build


def build_gated_backward(model):
    def build(rng):
        ctx, x, _y, a0, parameters = new_gated_problem(rng, model)
        cell, variant = cell_and_variant(model)
        if cell == "lstm":
            caches = rc.lstm_forward(x, a0, parameters)[3]
        else:
            caches = rc.gru_forward(x, a0, parameters, variant)[2]
        layout = LSTM_LAYOUT if cell == "lstm" else GRU_LAYOUT
        arguments = {
            "da": (
                rng.standard_normal((*a0.shape, x.shape[2])),
                Floats(STATES, large=GRADIENT_LARGE),
            ),
            "caches": (caches, Caches(layout)),
        }
        function = gated_function(model, "backward")
        return make_call(function.__name__, function, ctx, arguments)

    return build


def build_gated_problem_function(
    name, model, function, extra=None, small=False, parameters_kind=None, **options
):
    """A function of a gated problem (x, y, a0, parameters[, variant]) and `extra(rng, ctx)`."""

    def build(rng):
        ctx, x, y, a0, parameters = new_gated_problem(rng, model, small)
        arguments = {
            "x": (x, Floats(X)),
            "y": (y, Labels(LABELS, "n_y")),
            "a0": (a0, Floats(STATE)),
            "parameters": (parameters, parameters_kind or model_parameters(model)),
        }
        if extra is None:
            with_variant(model, arguments)
        else:
            arguments.update(extra(rng, ctx))
        return make_call(name, function, ctx, arguments, **options)

    return build


def gated_loss_functions(model):
    """(loss, loss_and_gradients) of a gated model, as gradient_check is given them."""
    variant = cell_and_variant(model)[1]
    loss, both = gated_function(model, "loss"), gated_function(model, "loss_and_gradients")
    if variant == "pytorch":
        loss = functools.partial(loss, variant=variant)
        both = functools.partial(both, variant=variant)
    return loss, both


def _wrapped(function, change):
    def wrapped(x, y, a0, parameters):
        return change(*function(x, y, a0, parameters))

    return wrapped


def gated_loss_and_gradients_variants(model):
    loss_and_gradients = gated_loss_functions(model)[1]
    weight = "dWf" if model == "lstm" else "dWz"

    def variant(label, change, validity):
        return label, _wrapped(loss_and_gradients, change), validity

    return [
        variant("a wrapper", lambda loss, g: (loss, g), VALID),
        variant("gradients with an extra key", lambda loss, g: (loss, {**g, "extra": 1}), VALID),
        variant(
            "gradients as lists",
            lambda loss, g: (loss, {k: v.tolist() for k, v in g.items()}),
            VALID,
        ),
        variant("returns the loss alone", lambda loss, g: loss, INVALID),
        variant(
            f"gradients without {weight}",
            lambda loss, g: (loss, {k: v for k, v in g.items() if k != weight}),
            INVALID,
        ),
        variant(
            f"{weight} one column short",
            lambda loss, g: (loss, {**g, weight: g[weight][:, :-1]}),
            INVALID,
        ),
        variant("dby with a NaN", lambda loss, g: (loss, {**g, "dby": g["dby"] * np.nan}), INVALID),
    ]


def gated_loss_variants(model):
    loss = gated_loss_functions(model)[0]
    return [("a wrapper", lambda x, y, a0, parameters: loss(x, y, a0, parameters), VALID)]


def gated_gradient_check_extra(model):
    def extra(rng, ctx):
        loss, loss_and_gradients = gated_loss_functions(model)
        return {
            "h": (1e-5, PositiveFloat()),
            "num_entries": (1, Optional(PositiveInt(changes=(1, 10**6)))),
            "seed": (0, Seed()),
            "loss_and_gradients": (
                loss_and_gradients,
                Function(gated_loss_and_gradients_variants(model)),
            ),
            "loss": (loss, Function(gated_loss_variants(model))),
        }

    return extra


def gated_loss_extra(model, h=False):
    def extra(rng, ctx):
        arguments = {"h": (1e-5, PositiveFloat())} if h else {}
        arguments["loss"] = (gated_loss_functions(model)[0], Function(gated_loss_variants(model)))
        return arguments

    return extra


def gated_specs(model):
    """Every function of the LSTM (model "lstm") or the GRU ("gru-cho", "gru-pytorch")."""
    cell, variant = cell_and_variant(model)
    tag = f"[{variant}]" if variant else ""
    loss, loss_and_gradients = (
        gated_function(model, "loss"),
        gated_function(model, "loss_and_gradients"),
    )
    return {
        f"initialize_{cell}_parameters{tag}": build_initialize_gated(model),
        f"{cell}_cell_forward{tag}": build_gated_cell_forward(model),
        f"{cell}_forward{tag}": build_gated_forward(model),
        f"{cell}_cell_backward{tag}": build_gated_cell_backward(model),
        f"{cell}_backward{tag}": build_gated_backward(model),
        f"{cell}_loss{tag}": build_gated_problem_function(
            f"{cell}_loss{tag}", model, loss, oracle=gated_oracle(model, loss_only=True)
        ),
        f"{cell}_loss_and_gradients{tag}": build_gated_problem_function(
            f"{cell}_loss_and_gradients{tag}",
            model,
            loss_and_gradients,
            oracle=gated_oracle(model),
            tolerance={"float64": (1e-8, 1e-10)},
        ),
    }


def gated_gradient_check_specs(model):
    """gradient_check given a gated model's loss (and loss_functions, numerical_gradients for the
    LSTM: their branch for a cell other than the RNN is one for every cell, and gradient_check
    runs it for each GRU form as well; every valid call of theirs costs numerical gradients).

    For a cell other than the RNN they follow the order of the parameters' keys (documented): a
    sparse check draws its entries array after array, so another order checks other entries.
    """
    kind = model_parameters(model, entries=GRADCHECK_ENTRIES[model], ordered=True)
    specs = {
        f"gradient_check[{model}]": build_gated_problem_function(
            f"gradient_check[{model}]",
            model,
            rc.gradient_check,
            extra=gated_gradient_check_extra(model),
            small=True,
            parameters_kind=kind,
            tolerance={"float64": (1e-3, 1e-6), "float32": (1.0, 1.0)},
        )
    }
    if model == "lstm":
        specs[f"loss_functions[{model}]"] = build_gated_problem_function(
            f"loss_functions[{model}]",
            model,
            rc.loss_functions,
            extra=gated_loss_extra(model),
            parameters_kind=kind,
            result=_loss_function_values,
            dtype_view=lambda r: None,
        )
        specs[f"numerical_gradients[{model}]"] = build_gated_problem_function(
            f"numerical_gradients[{model}]",
            model,
            rc.numerical_gradients,
            extra=gated_loss_extra(model, h=True),
            small=True,
            parameters_kind=kind,
            tolerance={"float64": (1e-6, 1e-8), "float32": (0.25, 0.25)},
            per_entry_dtypes=True,
        )
    return specs


# training


def _without_seconds(result):
    return {k: v for k, v in dataclasses.asdict(result).items() if k != "seconds"}


def build_train(cell):
    """train with `cell`; carry_state drawn at random (and flipped by a mutation)."""

    def build(rng):
        text = random_text(rng, int(rng.integers(8, 16)))
        T_x, m = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        carry_state = bool(rng.integers(2))

        def fits(m, T_x, carry_state):
            """With the state carried, the text holds m streams of one window at least."""
            return not carry_state or len(text) >= m * T_x + 1

        def T_x_changed(new):
            if new >= len(text):
                return INVALID, ("text", "T_x")
            return (VALID, None) if fits(m, new, carry_state) else (INVALID, ("T_x", "carry_state"))

        def m_changed(new):
            return (VALID, None) if fits(new, T_x, carry_state) else (INVALID, ("m", "carry_state"))

        def carry_changed(new):
            return (VALID, None) if fits(m, T_x, new) else (INVALID, ("carry_state",))

        arguments = {
            "text": (text, Text(shortest=T_x + 1)),
            "n_a": (int(rng.integers(1, 4)), PositiveInt()),
            "T_x": (T_x, PositiveInt(changes=(1, len(text)), changed=T_x_changed)),
            "m": (m, PositiveInt(changed=m_changed)),
            "steps": (int(rng.integers(1, 3)), PositiveInt()),
            "learning_rate": (0.1, PositiveFloat()),
            "clip": (5.0, Optional(PositiveFloat())),
            "seed": (int(rng.integers(0, 100)), Seed()),
            "log_every": (None, Optional(PositiveInt(), 1)),
            "cell": (cell, Choice(others=("rnn", "lstm", "gru"))),
            "carry_state": (carry_state, Bool(carry_changed)),
        }
        name = "train" if cell == "rnn" else f"train[{cell}]"
        return make_call(name, training.train, Context(rng), arguments, result=_without_seconds)

    return build


def build_perplexity(rng):
    shape = [(), (3,), (2, 2)][int(rng.integers(3))]
    loss = np.array(np.abs(rng.standard_normal(shape)) + 0.1)
    return make_call(
        "perplexity", training.perplexity, Context(rng), {"loss_per_char": (loss, Floats(None))}
    )


def build_bits_per_character(rng):
    shape = [(), (3,), (2, 2)][int(rng.integers(3))]
    loss = np.array(np.abs(rng.standard_normal(shape)) + 0.1)
    return make_call(
        "bits_per_character",
        training.bits_per_character,
        Context(rng),
        {"loss_per_char": (loss, Floats(None))},
    )


def loss_per_character_oracle(parameters, char_to_index, text, T_x, carry_state=False):
    """The docstring's windows text[k T_x : (k + 1) T_x + 1], read by each cell's public loss:
    as m_h sequences from zero, or (carry_state) as one sequence of m_h T_x steps."""
    n_y = len(char_to_index)
    indices = np.array([char_to_index[c] for c in text])
    m_h = (indices.size - 1) // T_x
    windows = indices[T_x * np.arange(m_h)[:, None] + np.arange(T_x + 1)]  # (m_h, T_x + 1)
    inputs, y = windows[:, :-1], windows[:, 1:]
    if carry_state:
        inputs, y = inputs.reshape(1, -1), y.reshape(1, -1)
    x = np.eye(n_y)[inputs].transpose(2, 0, 1)  # (n_y, m, T)
    first = next(key for key in ("ba", "bf", "bz") if key in parameters)
    a0 = np.zeros((np.shape(parameters[first])[0], y.shape[0]))
    if "Waa" in parameters:
        loss = rc.rnn_loss(x, y, a0, parameters)
    elif "Wf" in parameters:
        loss = rc.lstm_loss(x, y, a0, parameters)
    else:
        loss = rc.gru_loss(x, y, a0, parameters, "pytorch" if "bha" in parameters else "cho")
    return loss * y.shape[0] / y.size


def build_loss_per_character(cell):
    def build(rng):
        ctx, parameters, chars, char_to_index = model(rng, cell)
        T_x = int(rng.integers(1, 4))
        text = "".join(rng.choice(chars, size=int(rng.integers(T_x + 1, T_x + 8))))

        def T_x_changed(new):
            return (VALID, None) if new < len(text) else (INVALID, ("text", "T_x"))

        arguments = {
            "parameters": (parameters, model_parameter_kind(cell)),
            "char_to_index": (char_to_index, CharToIndex(model=True, swap_ok=True)),
            "text": (text, Text(alphabet=chars, shortest=T_x + 1)),
            "T_x": (T_x, PositiveInt(changes=(1, len(text)), changed=T_x_changed)),
            "carry_state": (bool(rng.integers(2)), Bool()),
        }
        return make_call(
            f"loss_per_character[{cell}]",
            training.loss_per_character,
            ctx,
            arguments,
            oracle=loss_per_character_oracle,
        )

    return build


# sampling


def model(rng, cell="rnn"):
    """(ctx, parameters, chars, char_to_index) of a character model of `cell`: "rnn", "lstm",
    "gru-cho" or "gru-pytorch"."""
    chars = sorted(set(random_text(rng, 10)))
    n = len(chars)
    n_a = int(rng.integers(1, 4))
    if cell == "rnn":
        parameters = rc.random_parameters(n, n_a, n, seed=rng, scale=2.0)
    else:
        parameters = gated_parameters(rng, cell, n, n_a, n, scale=2.0)
    ctx = Context(rng, fixed={"n_x", "n_y"})  # both must be len(chars)
    return ctx, parameters, chars, {c: i for i, c in enumerate(chars)}


def model_parameter_kind(cell):
    """A model is known by its keys: PyTorch's GRU without bha is Cho's, another valid model."""
    if cell == "rnn":
        return Params()
    return model_parameters(cell, optional=("bha",))


def model_arguments(parameters, chars, char_to_index, cell="rnn"):
    return {
        "parameters": (parameters, model_parameter_kind(cell)),
        "chars": (chars, Chars(model=True)),
        "char_to_index": (char_to_index, CharToIndex(model=True)),
    }


def build_next_char_probabilities(cell="rnn"):
    def build(rng):
        ctx, parameters, chars, char_to_index = model(rng, cell)
        arguments = model_arguments(parameters, chars, char_to_index, cell)
        arguments["prompt"] = ("".join(rng.choice(chars, size=3)), Text(alphabet=chars))
        arguments["temperature"] = (float(rng.uniform(0.5, 2)), PositiveFloat())
        name = "next_char_probabilities" + ("" if cell == "rnn" else f"[{cell}]")
        return make_call(name, sampling.next_char_probabilities, ctx, arguments)

    return build


def build_sample(cell="rnn"):
    def build(rng):
        ctx, parameters, chars, char_to_index = model(rng, cell)
        arguments = model_arguments(parameters, chars, char_to_index, cell)
        arguments["start"] = ("".join(rng.choice(chars, size=2)), Text(alphabet=chars))
        arguments["length"] = (int(rng.integers(1, 6)), PositiveInt())
        arguments["temperature"] = (float(rng.uniform(0.5, 2)), PositiveFloat())
        arguments["seed"] = (int(rng.integers(0, 100)), Seed())
        name = "sample" + ("" if cell == "rnn" else f"[{cell}]")
        return make_call(name, sampling.sample, ctx, arguments)

    return build


# widgets: the dashboards, built small, and every control moved to its extremes


def control_values(control):
    """The values a learner can reach at the ends of a control, and its start."""
    if hasattr(control, "options") and control.options:
        return list(dict.fromkeys([control.value, *control.options]))
    return list(dict.fromkeys([control.value, control.min, control.max]))


class Settings(Kind):
    """Every combination of the controls' extreme values, set one control after the other."""

    def __init__(self, controls):
        self.controls = controls

    def mutations(self, path, value, ctx):
        # buttons first: they change slowest, and each change of theirs lays the figure out anew
        names = sorted(self.controls, key=lambda name: not hasattr(self.controls[name], "options"))
        choices = [[(name, v) for v in control_values(self.controls[name])] for name in names]
        return [
            Mutation(path, f"controls at {dict(combination)}", "dashboard", combination, VALID)
            for combination in itertools.product(*choices)
        ]


_DASHBOARDS = {}


def dashboard(name, **arguments):
    """One dashboard per (class, arguments), kept: building one draws a whole figure."""
    from rnn_core import widgets

    key = (name, tuple(sorted(arguments.items())))
    if key not in _DASHBOARDS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _DASHBOARDS[key] = getattr(widgets, name)(**arguments)
    return _DASHBOARDS[key]


def move_controls(board, settings):
    """Set every control to its value in `settings`; returns how many redraws that took."""
    redraws = board.redraws
    for name, value in settings:
        board.controls[name].value = value
    if board.messages.outputs:
        raise AssertionError(f"the dashboard shows an error: {board.messages.outputs}")
    return board.redraws - redraws


SMALL_DASHBOARDS = {
    "ForwardDashboard": {"n_x": 2, "n_a": 3, "n_y": 2, "max_T_x": 8, "seed": 0},
    "BPTTDashboard": {"n_x": 2, "n_a": 3, "n_y": 2, "max_T_x": 8, "seed": 0},
    "VanishingDashboard": {"n_x": 2, "n_a": 4, "max_T_x": 8, "seed": 0},
}
LONGEST = 1000  # widgets.LONGEST: the largest max_T_x a dashboard accepts


def build_controls(name, longest=False):
    def build(rng):
        arguments = dict(SMALL_DASHBOARDS[name])
        if longest:
            arguments["max_T_x"] = LONGEST
        board = dashboard(name, **arguments)
        start = tuple((k, c.value) for k, c in board.controls.items())
        label = f"{name}(max_T_x={arguments['max_T_x']}) controls"
        return make_call(
            label,
            lambda settings: move_controls(board, settings),
            Context(rng),
            {"settings": (start, Settings(board.controls))},
            compare=False,
        )

    return build


def _max_T_x_changed(new):
    return (VALID, None) if 2 <= new <= LONGEST else (INVALID, ("max_T_x",))


def build_dashboard(name):
    def build(rng):
        from rnn_core import widgets

        arguments = {}
        for key, value in SMALL_DASHBOARDS[name].items():
            if key == "max_T_x":
                kind = PositiveInt(
                    changes=(1, 1 - value, LONGEST + 1 - value), changed=_max_T_x_changed
                )
            elif key == "seed":
                kind = Seed()
            else:
                kind = PositiveInt(changes=())
            arguments[key] = (value, kind)
        return make_call(
            name,
            getattr(widgets, name),
            Context(rng),
            arguments,
            result=lambda board: None,
            compare=False,
        )

    return build


def build_sampling_dashboard(rng):
    from rnn_core import widgets

    ctx, parameters, chars, char_to_index = model(rng)
    arguments = model_arguments(parameters, chars, char_to_index)
    arguments["prompt"] = ("".join(rng.choice(chars, size=2)), Text(alphabet=chars))
    arguments["length"] = (5, PositiveInt(changes=()))
    arguments["top"] = (3, PositiveInt(changes=(100,)))
    arguments["seed"] = (0, Seed())
    return make_call(
        "SamplingDashboard",
        widgets.SamplingDashboard,
        ctx,
        arguments,
        result=lambda board: None,
        compare=False,
    )


def build_sampling_controls(rng):
    _ctx, parameters, chars, char_to_index = model(np.random.default_rng(0))
    board = dashboard(
        "SamplingDashboard",
        parameters=_Frozen(parameters),
        chars=tuple(chars),
        char_to_index=_Frozen(char_to_index),
        prompt=chars[0],
        length=20,
    )
    start = tuple((k, c.value) for k, c in board.controls.items())
    return make_call(
        "SamplingDashboard controls",
        lambda settings: move_controls(board, settings),
        Context(rng),
        {"settings": (start, Settings(board.controls))},
        compare=False,
    )


class _Frozen(dict):
    """A dict that can be part of a dictionary key (the dashboards are kept by their arguments)."""

    def __hash__(self):
        return id(self)

    def __lt__(self, other):
        return id(self) < id(other)


# --- every public function ---


SPECS = {
    "softmax": build_activation(rc.softmax, 1),
    "log_softmax": build_activation(rc.log_softmax, 1),
    "sigmoid": build_activation(rc.sigmoid, 0),
    "initialize_parameters": build_initialize_parameters,
    "rnn_cell_forward": build_rnn_cell_forward,
    "rnn_forward": build_rnn_forward,
    "rnn_cell_backward": build_rnn_cell_backward,
    "rnn_backward": build_rnn_backward,
    "one_hot": build_one_hot,
    "cross_entropy_loss": build_cross_entropy_loss,
    "output_layer_backward": build_output_layer_backward,
    "rnn_loss": build_problem_function(
        rc.rnn_loss, oracle=lambda **a: rc.rnn_loss_and_gradients_by_steps(**a)[0]
    ),
    "rnn_loss_and_gradients": build_problem_function(
        rc.rnn_loss_and_gradients, oracle=rc.rnn_loss_and_gradients_by_steps
    ),
    "rnn_loss_and_gradients_by_steps": build_problem_function(
        rc.rnn_loss_and_gradients_by_steps, oracle=rc.rnn_loss_and_gradients
    ),
    "numerical_gradient": build_numerical_gradient,
    "relative_error": build_relative_error,
    "gradient_check": build_problem_function(
        rc.gradient_check,
        extra=gradient_check_extra,
        tolerance={"float64": (1e-3, 1e-6), "float32": (1.0, 1.0)},
    ),
    "format_error": build_format_error,
    "loss_functions": build_problem_function(
        rc.loss_functions, result=_loss_function_values, dtype_view=lambda r: None
    ),
    "numerical_gradients": build_problem_function(
        rc.numerical_gradients,
        extra=lambda rng, ctx: {"h": (1e-5, PositiveFloat())},
        tolerance={"float64": (1e-6, 1e-8), "float32": (0.25, 0.25)},
        per_entry_dtypes=True,
    ),
    "spectral_radius": build_spectral_radius,
    "scaled_orthogonal_matrix": build_scaled_orthogonal_matrix,
    "hidden_states": build_hidden_states,
    "hidden_state_gradients": build_problem_function(rc.hidden_state_gradients),
    "gradient_norms": build_gradient_norms,
    "backpropagate_from_last_step": build_backpropagate_from_last_step,
    "truncated_bptt_gradients": build_problem_function(
        rc.truncated_bptt_gradients,
        extra=lambda rng, ctx: {"k": (int(rng.integers(1, 4)), PositiveInt(changes=(1, 10**9)))},
    ),
    "random_parameters": build_random_parameters,
    "random_problem": build_random_problem,
    "embedding_forward": build_embedding_forward,
    "embedding_backward": build_embedding_backward,
    "corpus.load_corpus": build_load_corpus,
    "corpus.build_vocabulary": build_build_vocabulary,
    "corpus.encode": build_encode,
    "corpus.decode": build_decode,
    "corpus.make_batch": build_make_batch,
    "optimizers.global_norm": build_clipping(optimizers.global_norm, None),
    "optimizers.clip_by_global_norm": build_clipping(optimizers.clip_by_global_norm, "max_norm"),
    "optimizers.clip_elementwise": build_clipping(optimizers.clip_elementwise, "max_value"),
    "optimizers.sgd_step": build_sgd_step,
    "optimizers.Adagrad": build_adagrad,
    "optimizers.Adagrad.step": build_adagrad_step,
    "training.train": build_train("rnn"),
    "training.perplexity": build_perplexity,
    "sampling.next_char_probabilities": build_next_char_probabilities(),
    "sampling.sample": build_sample(),
    # the gated cells, their sequences, losses and gradients (each GRU function in both forms)
    **gated_specs("lstm"),
    **gated_specs("gru-cho"),
    **gated_specs("gru-pytorch"),
    **gated_gradient_check_specs("lstm"),
    **gated_gradient_check_specs("gru-cho"),
    **gated_gradient_check_specs("gru-pytorch"),
    # training and sampling with every cell
    "training.train[lstm]": build_train("lstm"),
    "training.train[gru]": build_train("gru"),
    "training.bits_per_character": build_bits_per_character,
    **{
        f"training.loss_per_character[{cell}]": build_loss_per_character(cell)
        for cell in ("rnn", "lstm", "gru-cho", "gru-pytorch")
    },
    **{
        f"sampling.{function}[{cell}]": build(cell)
        for cell in ("lstm", "gru-cho", "gru-pytorch")
        for function, build in (
            ("next_char_probabilities", build_next_char_probabilities),
            ("sample", build_sample),
        )
    },
}
DASHBOARD_SPECS = {
    **{f"widgets.{name}": build_dashboard(name) for name in SMALL_DASHBOARDS},
    "widgets.SamplingDashboard": build_sampling_dashboard,
    **{f"widgets.{name} controls": build_controls(name) for name in SMALL_DASHBOARDS},
    **{
        f"widgets.{name} controls, max_T_x={LONGEST}": build_controls(name, longest=True)
        for name in SMALL_DASHBOARDS
    },
    "widgets.SamplingDashboard controls": build_sampling_controls,
}


def build(spec, seed):
    """The valid call of `spec` for problem number `seed` (the same call on every machine)."""
    builders = {**SPECS, **DASHBOARD_SPECS}
    index = list(builders).index(spec)
    return builders[spec](np.random.default_rng([seed, index]))


def sweep(specs, seeds=range(1), categories=None, limit=None):
    """Judge every mutation of every spec for every seed; returns the list of outcomes."""
    outcomes = []
    for spec in specs:
        for seed in seeds:
            call = build(spec, seed)
            mutations = call.mutations()
            if categories is not None:
                mutations = [m for m in mutations if m.category in categories]
            for m in mutations[:limit]:
                outcomes.append(judge(call, m))
    return outcomes


def report(outcomes, examples=3, out=sys.stdout):
    counts = Counter(o.kind for o in outcomes)
    bad = [o for o in outcomes if not o.ok]
    print(f"calls: {len(outcomes)}", file=out)
    for kind in GOOD:
        print(f"  {kind}: {counts[kind]}", file=out)
    print(f"  {KNOWN}s (KNOWN_DEFECTS): {counts[KNOWN]}", file=out)
    by_note = Counter(o.defect.note for o in outcomes if o.kind == KNOWN)
    for note, n in by_note.items():
        print(f"    {n} x {note}", file=out)
    print(f"  anything else: {len(bad)}", file=out)
    for kind, n in counts.most_common():
        if kind in GOOD or kind == KNOWN:
            continue
        print(f"\n{kind}: {n}", file=out)
        seen = Counter()
        for o in bad:
            if o.kind == kind and seen[o.function] < 1 and sum(seen.values()) < examples:
                seen[o.function] += 1
                print(f"  - {o.function} with {o.mutation}\n      {o.detail[:300]}", file=out)
        by_function = Counter(o.function for o in bad if o.kind == kind)
        print(f"  by function: {dict(by_function)}", file=out)


def main(argv):
    import time

    problems_per_function = int(argv[1]) if len(argv) > 1 else 2
    examples = int(argv[2]) if len(argv) > 2 else 3
    start = time.perf_counter()
    outcomes = sweep(SPECS, range(problems_per_function))
    outcomes += sweep(DASHBOARD_SPECS, range(1))
    report(outcomes, examples)
    print(f"\n{time.perf_counter() - start:.1f} s", file=sys.stdout)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
