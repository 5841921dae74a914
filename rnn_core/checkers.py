"""Checkers for the exercises: run your version of a function against rnn_core's on random cases.

In a notebook exercise you write your own version of a function and pass it to its checker:

    from rnn_core.checkers import check_rnn_cell_backward

    def my_rnn_cell_backward(da_next, cache):
        ...

    check_rnn_cell_backward(my_rnn_cell_backward)

The checker calls your function on random cases (several shapes, including m = 1, T_x = 1 and
n_y = 2, one case where every size is different so that a missing transpose fails loudly, and one
where every size is equal so that it cannot hide behind a shape error), compares what it returns
with `rnn_core`, and returns a `CheckResult` whose text either says that your function matches, with
the largest relative error measured and the tolerance, or says what is wrong. When the wrong output
is exactly what a classic mistake would give, the result names that mistake and explains it.

How a mistake is recognised: this module keeps, for every exercise, versions of the reference with
one classic mistake built in (`_cell_backward_wrong(kind, ...)` and its siblings below). They run on
the same cases as your function; the first one that reproduces every wrong output of yours, on every
case where yours is wrong, names the mistake. A few mistakes are found by watching instead: an
argument changed in place (compared with an untouched copy after the call), float32 arrays reaching
f in a numerical gradient, or the caller's x moved while f is being called.

A checker never raises because of a bug in your function: an exception your function raises is
reported with its type, its message and the line that raised it. `MISTAKES` lists every mistake the
checkers can name.

Sizes use the letters of the package: n_x, n_a, n_y, m (sequences in a batch), T_x (time steps).
"""

import copy
import os
import re
import traceback
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Callable, NamedTuple

import numpy as np

from .activations import softmax
from .gradcheck import numerical_gradient, relative_error
from .loss import cross_entropy_loss, output_layer_backward
from .rnn import (
    _rnn_cell_backward,
    _rnn_cell_forward,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
)

__all__ = [
    "CheckResult",
    "MISTAKES",
    "check_softmax",
    "check_rnn_cell_forward",
    "check_rnn_forward",
    "check_rnn_cell_backward",
    "check_rnn_backward",
    "check_cross_entropy_loss",
    "check_output_layer_backward",
    "check_numerical_gradient",
]

# Every mistake a checker can name: (identifier, one-line description). `CheckResult.mistake` is
# one of these identifiers, or None when the function passed or its mistake is not one of these.
MISTAKES = (
    ("not_implemented", "the function still raises NotImplementedError (the exercise stub)"),
    ("raises_exception", "the function raised an exception that matches no known mistake"),
    ("wrong_return_type", "the function returned the wrong kind of object, or a key is missing"),
    ("modifies_input", "the function changes one of its arguments in place"),
    ("softmax_wrong_axis", "softmax normalised over axis 1 or the whole array, not each column"),
    ("softmax_max_wrong_axis", "softmax subtracts each row's maximum instead of each column's"),
    ("softmax_one_max", "softmax subtracts one maximum for the whole batch: nan on far columns"),
    ("softmax_no_max", "softmax subtracts no maximum: exp overflows to nan on large logits"),
    ("missing_bias", "the bias ba (or by) is left out"),
    ("Wax_Waa_swapped", "Waa multiplies xt and Wax multiplies a_prev"),
    ("output_from_a_prev", "the output is softmax(Wya a_prev + by) instead of a_next"),
    ("missing_tanh", "the hidden state is Wax xt + Waa a_prev + ba, without tanh"),
    ("cache_wrong_form", "the cell cache is not the tuple (a_next, a_prev, xt, parameters)"),
    ("starts_from_zeros", "the recurrence starts from zeros instead of a0"),
    ("stores_a_prev", "a[:, :, t] holds a_prev (the state before step t) instead of a_next"),
    ("a0_at_every_step", "every step starts from a0 instead of the previous step's a_next"),
    ("caches_wrong_form", "caches is not the tuple (list of T_x cell caches, x)"),
    ("dWaa_from_a_next", "dWaa computed from a_next instead of a_prev"),
    ("missing_tanh_derivative", "the factor 1 - a_next**2 (tanh') is missing from dz"),
    ("tanh_derivative_not_squared", "the tanh derivative is written 1 - a_next, not 1 - a_next**2"),
    ("tanh_applied_twice", "the tanh derivative is 1 - tanh(a_next)**2, but a_next is tanh(z)"),
    ("dxt_uses_Waa", "dxt computed with Waa instead of Wax"),
    ("missing_transpose", "a product misses a transpose, or a gradient comes out transposed"),
    ("dba_wrong_axis", "dba summed over the hidden units (axis 0) or over everything, not over m"),
    ("dba_no_keepdims", "dba has shape (n_a,): the sum over axis 1 dropped keepdims=True"),
    ("only_da_prev", "each step's backward gets only da_prev, not da[:, :, t] + da_prev"),
    ("only_da_t", "each step's backward gets only da[:, :, t]: da_prev is dropped"),
    ("not_accumulated", "weight gradients assigned at every step instead of summed over time"),
    ("averaged_over_time", "the loss is divided by T_x instead of m"),
    ("averaged_over_time_and_batch", "the loss is divided by m * T_x instead of m"),
    ("not_averaged", "the loss is summed but not divided by m"),
    ("labels_wrong_axis", "the labels index the wrong axis of y_pred, or y is read transposed"),
    ("missing_minus_sign", "the loss has no minus sign: it comes out negative"),
    ("forgot_divide_by_m", "the output-layer gradients are not divided by m"),
    ("missing_one_hot", "dlogits is y_pred, without subtracting the one-hot labels"),
    ("dby_not_summed", "dby is not summed over both the batch and the time steps"),
    ("dby_no_keepdims", "dby has shape (n_y,): the sum dropped keepdims"),
    ("one_sided_difference", "one-sided difference (f(x + h) - f(x)) / h: error O(h)"),
    ("computed_in_float32", "the numerical gradient is computed in float32"),
    ("huge_h", "a fixed large step (0.1, 0.01 or 0.001) is used instead of h: error O(step^2)"),
    ("not_restored", "a perturbed entry of x is not put back before the next one is perturbed"),
    ("divided_by_h", "the central difference is divided by h instead of 2h"),
)

TOLERANCE = 1e-10  # exact algebra: a correct function agrees with rnn_core to round-off
GRADIENT_TOLERANCE = 1e-7  # a central difference with h = 1e-5 against the analytic gradient
_SAME_TOLERANCE = 1e-8  # how closely a mistake's output must reproduce yours to name it

# (n_x, n_a, n_y, m, T_x) of the first cases; the rest are drawn at random.
_CORNERS = (
    (3, 5, 4, 2, 6),  # every size different: a missing transpose becomes a shape error
    (3, 3, 3, 3, 3),  # every size equal: the shapes fit, so only the values can tell
    (2, 3, 2, 1, 4),  # one sequence, two classes
    (4, 2, 3, 3, 1),  # one time step
    (1, 1, 2, 1, 1),  # the smallest problem
)


@dataclass(frozen=True)
class CheckResult:
    """What a checker found.

    - name: the rnn_core function the exercise rebuilds, e.g. "rnn_cell_backward".
    - passed: True when your function matched on every case.
    - cases: how many cases were run.
    - mistake: the identifier of a recognised mistake (see `MISTAKES`), or None.
    - message: the explanation; printing the result (or leaving it as a cell's last line) shows it.
    """

    name: str
    passed: bool
    cases: int
    mistake: str | None
    message: str

    def __str__(self):
        return self.message

    def __repr__(self):
        return self.message


# --- the checkers ---


def check_softmax(fn, seed=0, cases=20):
    """Check `fn(z)`, a softmax over axis 0 of logits z of shape (n_y, m).

    Runs `cases` random batches, then two batches of large logits whose columns lie far apart
    (z = [[1000, 0], [1001, 1]] and one more), where only a softmax that subtracts each column's
    own maximum stays finite. Recognises: softmax over the wrong axis (rows, or the whole array);
    the maximum of each row subtracted; one maximum for the whole batch; no maximum subtracted.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        shown = {"n_y": sizes["n_y"], "m": sizes["m"]}
        z = 3 * rng.standard_normal((sizes["n_y"], sizes["m"]))
        built.append(_Case.of((z,), shown, {"the result": ("n_y", "m")}))
    far_apart = np.array([[1000.0, 0.0], [1001.0, 1.0]])
    note = "z = [[1000, 0], [1001, 1]]: large logits, columns 1000 apart"
    built.append(_Case.of((far_apart,), {}, {"the result": ("n_y", "m")}, note))
    spread = rng.standard_normal((3, 4)) + np.array([[0.0, 300.0, -300.0, 800.0]])
    note = "z of shape (3, 4) with its columns shifted by 0, 300, -300 and 800"
    built.append(_Case.of((spread,), {}, {"the result": ("n_y", "m")}, note))
    return _check(
        "softmax",
        fn,
        built,
        reference=lambda z: {"the result": softmax(z)},
        unpack=lambda raw: {"the result": _not_none(raw)},
        variants=_SOFTMAX_MISTAKES,
        signature="fn(z)",
        equations="softmax(z)[k] = exp(z[k] - max_j z[j]) / sum_i exp(z[i] - max_j z[j]), with "
        "the max and the sum over axis 0 (keepdims=True), separately for every column.",
        counted=f"{cases} random cases and 2 with large logits",
    )


def check_rnn_cell_forward(fn, seed=0, cases=20):
    """Check `fn(xt, a_prev, parameters) -> (a_next, yt_pred, cache)`, one step of the RNN.

    Compares a_next and yt_pred with rnn_core, and checks that cache is the tuple
    (a_next, a_prev, xt, parameters) that rnn_cell_backward reads. Recognises: softmax over the
    wrong axis; a missing bias (ba or by); Wax and Waa swapped; the output computed from a_prev
    instead of a_next; a missing tanh; a cache of another form.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        n_x, n_a, n_y, m = sizes["n_x"], sizes["n_a"], sizes["n_y"], sizes["m"]
        parameters = _random_parameters(rng, n_x, n_a, n_y)
        xt = rng.standard_normal((n_x, m))
        a_prev = rng.standard_normal((n_a, m))
        shown = {"n_x": n_x, "n_a": n_a, "n_y": n_y, "m": m}
        letters = {"a_next": ("n_a", "m"), "yt_pred": ("n_y", "m")}
        built.append(_Case.of((xt, a_prev, parameters), shown, letters))

    def reference(xt, a_prev, parameters):
        a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
        return {"a_next": a_next, "yt_pred": yt_pred, "cache": cache}

    return _check(
        "rnn_cell_forward",
        fn,
        built,
        reference=reference,
        unpack=lambda raw: _unpack_tuple(raw, ("a_next", "yt_pred", "cache")),
        variants=_CELL_FORWARD_MISTAKES,
        signature="fn(xt, a_prev, parameters)",
        equations="a_next = tanh(Wax @ xt + Waa @ a_prev + ba); "
        "yt_pred = softmax(Wya @ a_next + by) over axis 0.",
        structure=lambda raw, expected: _cell_cache_problem(raw["cache"], expected["cache"], ""),
    )


def check_rnn_forward(fn, seed=0, cases=20):
    """Check `fn(x, a0, parameters) -> (a, y_pred, caches)`, the forward pass over a sequence.

    Compares a and y_pred with rnn_core, and checks that caches is the tuple (list of the T_x cell
    caches, x) that rnn_backward reads. Recognises: the recurrence started from zeros instead of
    a0; a_prev stored in a instead of a_next; a0 passed to every step; caches of another form.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        n_x, n_a, n_y, m, T_x = (sizes[k] for k in ("n_x", "n_a", "n_y", "m", "T_x"))
        parameters = _random_parameters(rng, n_x, n_a, n_y)
        x = rng.standard_normal((n_x, m, T_x))
        a0 = rng.standard_normal((n_a, m))
        letters = {"a": ("n_a", "m", "T_x"), "y_pred": ("n_y", "m", "T_x")}
        built.append(_Case.of((x, a0, parameters), sizes, letters))

    def reference(x, a0, parameters):
        a, y_pred, caches = rnn_forward(x, a0, parameters)
        return {"a": a, "y_pred": y_pred, "caches": caches}

    return _check(
        "rnn_forward",
        fn,
        built,
        reference=reference,
        unpack=lambda raw: _unpack_tuple(raw, ("a", "y_pred", "caches")),
        variants=_RNN_FORWARD_MISTAKES,
        signature="fn(x, a0, parameters)",
        equations="start from a_next = a0; at every step t, a_next, yt_pred, cache = "
        "rnn_cell_forward(x[:, :, t], a_next, parameters), then a[:, :, t] = a_next, "
        "y_pred[:, :, t] = yt_pred, and append cache to a list; caches = (that list, x).",
        structure=lambda raw, expected: _caches_problem(raw["caches"], expected["caches"]),
    )


def check_rnn_cell_backward(fn, seed=0, cases=20):
    """Check `fn(da_next, cache) -> dict of dxt, da_prev, dWax, dWaa, dba`, one step backwards.

    The cache comes from rnn_core's rnn_cell_forward. Recognises: dWaa computed from a_next instead
    of a_prev; the tanh derivative 1 - a_next**2 missing, written 1 - a_next, or written
    1 - tanh(a_next)**2; dxt computed with Waa; a missing transpose (an exception on the case where
    the shapes differ, wrong values where they are equal); dba summed over the wrong axis; dba
    without keepdims.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        n_x, n_a, n_y, m = sizes["n_x"], sizes["n_a"], sizes["n_y"], sizes["m"]
        parameters = _random_parameters(rng, n_x, n_a, n_y)
        xt = rng.standard_normal((n_x, m))
        a_prev = rng.standard_normal((n_a, m))
        cache = rnn_cell_forward(xt, a_prev, parameters)[2]
        da_next = rng.standard_normal((n_a, m))
        shown = {"n_x": n_x, "n_a": n_a, "m": m}
        built.append(_Case.of((da_next, cache), shown, _CELL_GRADIENT_LETTERS))
    return _check(
        "rnn_cell_backward",
        fn,
        built,
        reference=rnn_cell_backward,
        unpack=lambda raw: _unpack_dict(raw, _CELL_GRADIENT_LETTERS),
        variants=_CELL_BACKWARD_MISTAKES,
        signature="fn(da_next, cache)",
        equations="dz = (1 - a_next**2) * da_next; dxt = Wax.T @ dz; da_prev = Waa.T @ dz; "
        "dWax = dz @ xt.T; dWaa = dz @ a_prev.T; dba = np.sum(dz, axis=1, keepdims=True).",
    )


def check_rnn_backward(fn, seed=0, cases=20):
    """Check `fn(da, caches) -> dict of dx, da0, dWax, dWaa, dba`, backpropagation through time.

    The caches come from rnn_core's rnn_forward, and da is a random upstream gradient. Recognises:
    only da_prev passed to each step (without da[:, :, t]); only da[:, :, t] passed (da_prev
    dropped); weight gradients not summed over time (only the first or the last step kept); da
    modified in place, which is reported even when every value is right.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        n_x, n_a, n_y, m, T_x = (sizes[k] for k in ("n_x", "n_a", "n_y", "m", "T_x"))
        parameters = _random_parameters(rng, n_x, n_a, n_y)
        x = rng.standard_normal((n_x, m, T_x))
        a0 = rng.standard_normal((n_a, m))
        caches = rnn_forward(x, a0, parameters)[2]
        da = rng.standard_normal((n_a, m, T_x))
        shown = {"n_x": n_x, "n_a": n_a, "m": m, "T_x": T_x}
        built.append(_Case.of((da, caches), shown, _SEQUENCE_GRADIENT_LETTERS))
    return _check(
        "rnn_backward",
        fn,
        built,
        reference=rnn_backward,
        unpack=lambda raw: _unpack_dict(raw, _SEQUENCE_GRADIENT_LETTERS),
        variants=_RNN_BACKWARD_MISTAKES,
        signature="fn(da, caches)",
        equations="da_prev starts at zeros; for t from T_x - 1 down to 0: gradients = "
        "rnn_cell_backward(da[:, :, t] + da_prev, caches[0][t]); dx[:, :, t] = gradients['dxt']; "
        "dWax += gradients['dWax'] (and dWaa, dba); da_prev = gradients['da_prev']. "
        "At the end da0 = da_prev.",
        modified_explanations={
            "da": "rnn_backward changes da in place, for example with da[:, :, t] += da_prev. "
            "The caller's da is then no longer the gradient from the output layer; compute "
            "da[:, :, t] + da_prev into a new array instead."
        },
    )


def check_cross_entropy_loss(fn, seed=0, cases=20):
    """Check `fn(y_pred, y) -> float`, the cross-entropy summed over time, averaged over the batch.

    y_pred has shape (n_y, m, T_x), y holds integer labels of shape (m, T_x). Recognises: averaged
    over time instead of over the batch (divided by T_x); averaged over both (divided by m * T_x);
    summed without averaging; labels on the wrong axis; a missing minus sign.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        n_y, m, T_x = sizes["n_y"], sizes["m"], sizes["T_x"]
        y_pred = softmax(rng.standard_normal((n_y, m, T_x)))
        y = rng.integers(0, n_y, size=(m, T_x))
        shown = {"n_y": n_y, "m": m, "T_x": T_x}
        built.append(_Case.of((y_pred, y), shown, {"the loss": ()}))
    return _check(
        "cross_entropy_loss",
        fn,
        built,
        reference=lambda y_pred, y: {"the loss": cross_entropy_loss(y_pred, y)},
        unpack=lambda raw: {"the loss": _not_none(raw)},
        variants=_LOSS_MISTAKES,
        signature="fn(y_pred, y)",
        equations="L = -(1/m) * sum over i and t of log y_pred[y[i, t], i, t]: the probability of "
        "the right class, summed over the T_x steps, averaged over the m sequences.",
    )


def check_output_layer_backward(fn, seed=0, cases=20):
    """Check `fn(y_pred, y, a, parameters) -> dict of dWya, dby, da`, the output layer backwards.

    Recognises: the gradients not divided by m; the one-hot labels not subtracted; dby not summed
    over both the batch and time; dby without keepdims; a missing transpose (da from Wya instead of
    Wya.T, which is a shape error unless n_y = n_a, or dWya transposed); dWya and dby taken from one
    time step only; y_pred modified in place.
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    built = []
    for sizes in _draw_sizes(rng, cases):
        n_x, n_a, n_y, m, T_x = (sizes[k] for k in ("n_x", "n_a", "n_y", "m", "T_x"))
        parameters = _random_parameters(rng, n_x, n_a, n_y)
        a = np.tanh(rng.standard_normal((n_a, m, T_x)))
        logits = np.einsum("ya,amt->ymt", parameters["Wya"], a) + parameters["by"][:, :, None]
        y_pred = softmax(logits)  # (n_y, m, T_x)
        y = rng.integers(0, n_y, size=(m, T_x))
        shown = {"n_a": n_a, "n_y": n_y, "m": m, "T_x": T_x}
        built.append(_Case.of((y_pred, y, a, parameters), shown, _OUTPUT_GRADIENT_LETTERS))
    return _check(
        "output_layer_backward",
        fn,
        built,
        reference=output_layer_backward,
        unpack=lambda raw: _unpack_dict(raw, _OUTPUT_GRADIENT_LETTERS),
        variants=_OUTPUT_BACKWARD_MISTAKES,
        signature="fn(y_pred, y, a, parameters)",
        equations="dlogits = (y_pred - onehot(y)) / m, shape (n_y, m, T_x); dWya = sum over t of "
        "dlogits[:, :, t] @ a[:, :, t].T; dby = sum over m and t of dlogits, shape (n_y, 1); "
        "da[:, :, t] = Wya.T @ dlogits[:, :, t].",
        modified_explanations={
            "y_pred": "output_layer_backward changes y_pred in place: dlogits = y_pred makes a "
            "second name for the same array, so subtracting the labels from dlogits changes the "
            "caller's y_pred. Start from a copy: dlogits = y_pred.copy()."
        },
    )


def check_numerical_gradient(fn, seed=0, cases=10):
    """Check `fn(f, x, h)`, central differences of a scalar function f at the array x.

    f is one of two test functions with a known gradient (sums of sin(v) * v**2, of exp(v), a
    square of the sum and products of neighbouring entries, so that the entries of x interact);
    x has 1 to 3 dimensions and h = 1e-5. Your result is compared with the analytic gradient
    (tolerance 1e-7). Recognises: a one-sided difference; computing in float32; a fixed large step
    instead of h; perturbed entries not put back; dividing by h instead of 2h; the caller's x
    modified (even when it is put back before the function returns).
    """
    _require_callable(fn)
    rng = _rng(seed, cases)
    shapes = [(4,), (2, 3), (1,), (2, 1, 3), (6,)]
    while len(shapes) < cases:
        shapes.append(tuple(int(n) for n in rng.integers(1, 4, size=rng.integers(1, 4))))
    built = []
    for k, shape in enumerate(shapes[:cases]):
        f, gradient = _TEST_FUNCTIONS[k % len(_TEST_FUNCTIONS)]
        x = rng.uniform(0.5, 1.5, size=shape)
        shown = {"f": f.__name__.lstrip("_"), "x.shape": shape}
        built.append(_Case(partial(_gradient_case, f, gradient, x), shown, {"the gradient": None}))

    def reference(traced, x, h):
        return {"the gradient": traced.gradient(x)}

    def float32_seen(outcome):
        traced = outcome.args[0]
        result = (outcome.outputs or {}).get("the gradient")
        return traced.low_precision or getattr(result, "dtype", None) in (np.float32, np.float16)

    outcomes, largest = _run(fn, built, reference, _unpack_gradient, GRADIENT_TOLERANCE)
    for outcome in outcomes:
        if outcome.args[0].moved_caller_x and 1 not in outcome.modified:
            outcome.modified.append(1)  # x, argument 1 of fn(f, x, h)
    name, total = "numerical_gradient", len(built)
    wrong = [outcome for outcome in outcomes if outcome.wrong]
    float32 = [outcome for outcome in wrong if outcome.error is None and float32_seen(outcome)]
    if float32:
        lines = _headline(name, total, wrong[0], GRADIENT_TOLERANCE)
        lines.append("Likely mistake: " + _FLOAT32_EXPLANATION)
        return CheckResult(name, False, total, "computed_in_float32", "\n".join(lines))
    return _verdict(
        name,
        outcomes,
        largest,
        variants=_NUMERICAL_GRADIENT_MISTAKES,
        same=_explains_gradient,
        tolerance=GRADIENT_TOLERANCE,
        signature="fn(f, x, h)",
        equations="for every index i of x (np.ndindex(x.shape)): move x[i] to x[i] + h, then to "
        "x[i] - h, in a copy of x; gradient[i] = (f(x + h e_i) - f(x - h e_i)) / (2h); then put "
        "x[i] back.",
        counted=f"{cases} random cases",
        against="the analytic gradient",
        modified_explanations={"x": _MODIFIED_X_EXPLANATION},
    )


# --- the cases ---


class _Case:
    """One case: a maker of fresh arguments, the sizes to show, and the letters of each output."""

    def __init__(self, make, sizes, letters, note=None):
        self.make = make  # called once for every call of a function: nobody shares arrays
        self.sizes = sizes
        self.letters = letters
        self.note = note

    @classmethod
    def of(cls, args, sizes, letters, note=None):
        return cls(lambda: copy.deepcopy(args), sizes, letters, note)

    def describe(self):
        parts = [f"{letter}={size}" for letter, size in self.sizes.items()]
        return ", ".join(parts + ([self.note] if self.note else []))


def _rng(seed, cases):
    if isinstance(cases, bool) or not isinstance(cases, (int, np.integer)) or cases < 1:
        raise ValueError(f"cases must be a whole number >= 1, got {cases!r}")
    return np.random.default_rng(seed)


def _draw_sizes(rng, count):
    """Sizes n_x, n_a, n_y, m, T_x of `count` cases: the corners first, then random sizes."""
    drawn = []
    for k in range(count):
        if k < len(_CORNERS):
            values = _CORNERS[k]
        else:
            values = (rng.integers(1, 6), rng.integers(1, 6), rng.integers(2, 6))
            values += (rng.integers(1, 5), rng.integers(1, 5))
        drawn.append(dict(zip(("n_x", "n_a", "n_y", "m", "T_x"), (int(v) for v in values))))
    return drawn


def _random_parameters(rng, n_x, n_a, n_y):
    """Weights of a scale that keeps tanh out of saturation, and biases that are not zero."""
    return {
        "Wax": 0.5 * rng.standard_normal((n_a, n_x)),
        "Waa": 0.5 * rng.standard_normal((n_a, n_a)),
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": 0.5 * rng.standard_normal((n_a, 1)),
        "by": 0.5 * rng.standard_normal((n_y, 1)),
    }


# --- running a function on the cases and judging the result ---


class _Variant(NamedTuple):
    mistake: str  # an identifier from MISTAKES
    explanation: str  # for the learner: what is wrong and the right line
    function: Callable  # the reference with this mistake built in, returning a dict of outputs


class _Problem(NamedTuple):
    output: str
    text: str
    error: float | None  # the relative error, when the shapes agree and the values are finite
    note: str = ""  # e.g. a dtype other than float64


class _WrongReturn(Exception):
    """The learner's function returned something of the wrong form."""


class _Outcome:
    """What the learner's function did on one case."""

    def __init__(self, number, case, expected):
        self.number = number  # counted from 1
        self.case = case
        self.expected = expected  # rnn_core's outputs
        self.args = None  # the arguments the function received, after the call
        self.error = None  # the exception it raised
        self.wrong_return = None  # what is wrong with the form of what it returned
        self.outputs = None  # what it returned, as a dict of named outputs
        self.problems = []  # one _Problem per output that differs from rnn_core
        self.structure = None  # (mistake, text) when a cache has the wrong form
        self.modified = []  # the positions of the arguments it changed in place

    @property
    def wrong(self):
        return self.error is not None or self.wrong_return is not None or bool(self.problems)


@contextmanager
def _quiet():
    """No warning escapes: a learner's softmax may well overflow, and that is what we test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


def _require_callable(fn):
    if not callable(fn):
        raise TypeError(f"pass your function itself (without calling it), got {type(fn).__name__}")


def _check(
    name,
    fn,
    cases,
    *,
    reference,
    unpack,
    variants,
    signature,
    equations,
    structure=None,
    counted=None,
    modified_explanations=None,
):
    outcomes, largest = _run(fn, cases, reference, unpack, TOLERANCE, structure)
    return _verdict(
        name,
        outcomes,
        largest,
        variants=variants,
        same=_same,
        tolerance=TOLERANCE,
        signature=signature,
        equations=equations,
        counted=counted or f"{len(cases)} random cases",
        modified_explanations=modified_explanations or {},
    )


def _run(fn, cases, reference, unpack, tolerance, structure=None):
    """Call `fn` and the reference on every case; return the outcomes and the largest error."""
    outcomes, largest = [], 0.0
    with _quiet():
        for number, case in enumerate(cases, start=1):
            outcome = _Outcome(number, case, reference(*case.make()))
            outcome.args = case.make()
            try:
                raw = fn(*outcome.args)
            except Exception as error:  # a learner's bug is reported, never raised
                outcome.error = error
                outcomes.append(outcome)
                continue
            try:
                outcome.outputs = unpack(raw)
            except _WrongReturn as wrong:
                outcome.wrong_return = str(wrong)
            else:
                for output, letters in case.letters.items():
                    got, expected = outcome.outputs[output], outcome.expected[output]
                    problem, error = _compare(output, got, expected, letters, tolerance)
                    if problem:
                        outcome.problems.append(problem)
                    else:
                        largest = max(largest, error)
                if structure is not None and not outcome.problems:
                    outcome.structure = structure(outcome.outputs, outcome.expected)
            untouched = case.make()
            outcome.modified = [
                k for k, before in enumerate(untouched) if not _unchanged(before, outcome.args[k])
            ]
            outcomes.append(outcome)
    return outcomes, largest


def _verdict(
    name,
    outcomes,
    largest,
    *,
    variants,
    same,
    tolerance,
    signature,
    equations,
    counted,
    against="rnn_core",
    modified_explanations=None,
):
    """Turn the outcomes into a CheckResult: the first problem found, and its likely cause."""
    total = len(outcomes)
    names = signature[signature.index("(") + 1 : -1].split(", ")  # "fn(xt, a_prev)" -> xt, a_prev
    wrong = [outcome for outcome in outcomes if outcome.wrong]
    if wrong:
        first = wrong[0]
        if isinstance(first.error, NotImplementedError):
            text = _clean(str(first.error)) or "NotImplementedError"
            message = (
                f"{name}: not implemented yet (your function raised NotImplementedError: {text}). "
                "Write its body and run the cell again."
            )
            return CheckResult(name, False, total, "not_implemented", message)
        lines = _headline(name, total, first, tolerance)
        if first.wrong_return is not None:
            lines.append(f"The checker calls {signature}; see the exercise for what it returns.")
            return CheckResult(name, False, total, "wrong_return_type", "\n".join(lines))
        variant, evidence = _recognise(variants, wrong, same)
        if variant is not None:
            lines.append("Likely mistake: " + variant.explanation)
            if evidence is not first:
                lines.append(
                    f"(Recognised on case {evidence.number} of {total} "
                    f"({evidence.case.describe()}), where your result is exactly what this "
                    "mistake gives.)"
                )
            return CheckResult(name, False, total, variant.mistake, "\n".join(lines))
        if first.error is not None:
            lines.append("Hint: " + _exception_hint(first.error, signature))
            lines.append("What the function should compute: " + equations)
            return CheckResult(name, False, total, "raises_exception", "\n".join(lines))
        if first.problems and all(p.error is not None for p in first.problems):
            lines.append(f"The case: {first.case.describe()}.")
        lines.append(
            "This is not one of the mistakes the checker knows. Compare with: " + equations
        )
        return CheckResult(name, False, total, None, "\n".join(lines))
    for outcome in outcomes:
        if outcome.structure is not None:
            mistake, text = outcome.structure
            message = (
                f"{name}: the values match {against}, but on case {outcome.number} of {total} "
                f"{text}\nLikely mistake: {_FORMS[mistake]}"
            )
            return CheckResult(name, False, total, mistake, message)
    for outcome in outcomes:
        if outcome.modified:
            argument = names[outcome.modified[0]]
            explanation = (modified_explanations or {}).get(argument) or (
                f"{argument} is changed in place. The caller still holds that array and would "
                "find it changed; build new arrays (or work on a copy) instead."
            )
            message = (
                f"{name}: the values match {against}, but the function changes its argument "
                f"{argument} in place (case {outcome.number} of {total}).\n"
                f"Likely mistake: {explanation}"
            )
            return CheckResult(name, False, total, "modifies_input", message)
    message = (
        f"{name}: matches {against} on {counted} (max relative error {_fmt(largest)}, "
        f"tolerance {_fmt(tolerance)})."
    )
    return CheckResult(name, True, total, None, message)


def _recognise(variants, wrong, same):
    """The first variant that explains every wrong outcome, and the case that shows it best."""
    with _quiet():
        for variant in variants:
            evidence = _explained_by(variant, wrong, same)
            if evidence is not None:
                return variant, evidence
    return None, None


def _explained_by(variant, wrong, same):
    """The first case that shows `variant` at work, if it reproduces every wrong output of yours.

    A case where your function raised counts for the variant when the variant raises the same
    exception with the same message, and against nothing otherwise (the same mistake written with
    np.dot instead of @ raises with other words): the values on the other cases decide.
    """
    evidence = None
    for outcome in wrong:
        if outcome.wrong_return is not None:
            continue
        try:
            produced, raised = variant.function(*outcome.case.make()), None
        except Exception as error:
            produced, raised = None, error
        if outcome.error is not None:
            same_error = raised is not None and type(raised) is type(outcome.error)
            if same_error and str(raised) == str(outcome.error):
                evidence = evidence or outcome
            continue
        if raised is not None:
            return None
        for problem in outcome.problems:
            expected = outcome.expected[problem.output]
            if not same(outcome.outputs[problem.output], produced[problem.output], expected):
                return None
        evidence = evidence or outcome
    return evidence


def _compare(name, got, expected, letters, tolerance):
    """(a _Problem or None, the relative error or None): `got` against rnn_core's `expected`."""
    if got is None:
        return _Problem(name, f"{name} is None (a missing return or assignment?)", None), None
    try:
        array = np.asarray(got)
    except Exception:
        return _Problem(name, f"{name} is not a rectangular array ({_describe(got)})", None), None
    if array.dtype.kind not in "iuf":
        return _Problem(name, f"{name} is not an array of numbers ({_describe(got)})", None), None
    expected = np.asarray(expected)
    if array.shape != expected.shape:
        text = f"{name} has shape {array.shape}, expected {_shape_text(letters, expected.shape)}"
        return _Problem(name, text, None), None
    finite = np.isfinite(array)
    if not finite.all():
        text = (
            f"{name} contains nan or inf ({np.count_nonzero(~finite)} of {array.size} entries) "
            "where rnn_core's is finite"
        )
        return _Problem(name, text, None), None
    error = relative_error(array, expected)
    if error > tolerance:
        text = f"{name}: relative error {_fmt(error)}, tolerance {_fmt(tolerance)}"
        note = ""
        if array.dtype != np.float64:
            note = f"The function returns dtype {array.dtype}; rnn_core computes in float64."
            text += f" ({note})"
        return _Problem(name, text, error, note), error
    return None, error


def _same(got, produced, expected=None):
    """Do two outputs agree: same shape, nan and inf in the same places, the rest to 1e-8?"""
    if got is None or produced is None:
        return False
    try:
        a, b = np.asarray(got, dtype=float), np.asarray(produced, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    finite_a, finite_b = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(finite_a, finite_b):
        return False
    if not np.array_equal(a[~finite_a], b[~finite_b], equal_nan=True):
        return False
    return not finite_a.any() or relative_error(a[finite_a], b[finite_b]) <= _SAME_TOLERANCE


def _unchanged(before, after):
    """Is `after` still equal to the untouched copy `before` (arrays, dicts, tuples, lists)?"""
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and np.array_equal(before, after)
        )
    if isinstance(before, Mapping):
        return (
            isinstance(after, Mapping)
            and before.keys() == after.keys()
            and all(_unchanged(before[k], after[k]) for k in before)
        )
    if isinstance(before, (tuple, list)):
        return (
            type(before) is type(after)
            and len(before) == len(after)
            and all(_unchanged(b, a) for b, a in zip(before, after))
        )
    if callable(before):
        return True
    return before == after


def _headline(name, total, outcome, tolerance):
    """The first lines of a failing message: what went wrong on the first failing case."""
    where = f"case {outcome.number} of {total}"
    if outcome.error is not None:
        error = outcome.error
        lines = [
            f"{name} raised an exception on {where} ({outcome.case.describe()}):",
            f"    {type(error).__name__}: {_clean(str(error))}",
        ]
        line = _learner_line(error)
        if line:
            lines.append(f"    in the line: {line}")
        return lines
    if outcome.wrong_return is not None:
        return [f"{name}: on {where}, your function {outcome.wrong_return}."]
    problems = outcome.problems
    if len(problems) == 1 and problems[0].error is not None:
        error = _fmt(problems[0].error)
        lines = [
            f"{name}: {problems[0].output} is wrong on {where} (relative error {error}, "
            f"tolerance {_fmt(tolerance)})."
        ]
        return lines + ([problems[0].note] if problems[0].note else [])
    lines = [f"{name}: wrong on {where} ({outcome.case.describe()}):"]
    lines += [f"    {problem.text}" for problem in problems]
    return lines


def _exception_hint(error, signature):
    text = str(error)
    if isinstance(error, ValueError) and any(
        word in text for word in ("matmul", "aligned", "broadcast", "shape")
    ):
        return (
            "a shape error: a product or a sum combines arrays whose shapes do not fit. Write the "
            "shape of every factor next to the line, e.g. (n_a, n_x).T @ (n_a, m) -> (n_x, m); "
            "a missing .T or the wrong matrix is the usual cause."
        )
    if isinstance(error, KeyError):
        return (
            f"a dict has no key {text}. parameters has the keys Wax, Waa, Wya, ba, by; a cell "
            "cache is the tuple (a_next, a_prev, xt, parameters)."
        )
    if isinstance(error, IndexError):
        return (
            "an index is out of range: check which axis each index goes to. Arrays are "
            "(n, m, T_x): the class or unit on axis 0, the sequence on axis 1, the time step on "
            "axis 2; labels y are (m, T_x)."
        )
    if isinstance(error, NameError):
        return (
            "a name is not defined where the function runs: define it inside the function, or "
            "run the cell that defines it first."
        )
    if isinstance(error, TypeError):
        return (
            f"the checker calls {signature}: check the number and order of your arguments, and "
            "the type of every value you use."
        )
    return f"the checker calls {signature}; the message above says what went wrong."


def _learner_line(error):
    """The source line of the deepest frame outside numpy and rnn_core: where the learner's code
    raised (or called the function that did)."""
    skipped = (os.path.dirname(np.__file__), os.path.dirname(os.path.abspath(__file__)))
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if not os.path.abspath(frame.filename).startswith(skipped):
            return frame.line or None
    return None


def _unpack_tuple(raw, names):
    if not isinstance(raw, (tuple, list)) or len(raw) != len(names):
        raise _WrongReturn(f"returned {_describe(raw)}; expected the tuple ({', '.join(names)})")
    return dict(zip(names, raw))


def _unpack_dict(raw, letters):
    keys = list(letters)
    if not isinstance(raw, Mapping):
        expected = f"expected a dict with keys {', '.join(keys)}"
        raise _WrongReturn(f"returned {_describe(raw)}; {expected}")
    missing = [key for key in keys if key not in raw]
    if missing:
        raise _WrongReturn(
            f"returned a dict without {', '.join(repr(k) for k in missing)}; "
            f"expected the keys {', '.join(keys)}"
        )
    return {key: raw[key] for key in keys}


def _not_none(raw):
    if raw is None:
        raise _WrongReturn("returned None (is the return statement missing?)")
    return raw


def _describe(value):
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, Mapping):
        return f"a dict with keys {', '.join(str(k) for k in value)}"
    kind = type(value).__name__
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _shape_text(letters, shape):
    if letters is None:
        return str(shape)
    if not letters:
        return "() (one number)"
    return f"({', '.join(letters)}) = {shape}"


def _fmt(value):
    """2 significant digits, exponents without padding: 3.1e-16, 0.83, 1e-10, 1e-7."""
    text = f"{value:.2g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], text)


def _clean(text):
    """An exception message without memory addresses, so that printed outputs are reproducible."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", text)


# --- caches ---


_FORMS = {
    "cache_wrong_form": "the cache is not the tuple (a_next, a_prev, xt, parameters), in this "
    "order: rnn_cell_backward unpacks it as (a_next, a_prev, xt, parameters) = cache.",
    "caches_wrong_form": "caches is not the tuple (caches_list, x), where caches_list holds the "
    "T_x cell caches in the order of the steps: rnn_backward unpacks it as "
    "(caches_list, x) = caches, then reads caches_list[t].",
}


def _cell_cache_problem(cache, expected, where):
    """None, or (mistake, text) when `cache` is not (a_next, a_prev, xt, parameters)."""
    mistake = "caches_wrong_form" if where else "cache_wrong_form"
    label = f"caches[0][{where}]" if where else "cache"
    if not isinstance(cache, tuple) or len(cache) != 4:
        return mistake, f"{label} is {_describe(cache)}, not a tuple of 4."
    for k, name in enumerate(("a_next", "a_prev", "xt")):
        if not _same(cache[k], expected[k]):
            return mistake, f"{label}[{k}] is {_describe(cache[k])} that is not this step's {name}."
    parameters = cache[3]
    if not isinstance(parameters, Mapping) or not all(
        key in parameters and _same(parameters[key], value) for key, value in expected[3].items()
    ):
        return mistake, f"{label}[3] is {_describe(parameters)}, not the parameters dict."
    return None


def _caches_problem(caches, expected):
    """None, or ("caches_wrong_form", text) when `caches` is not (list of cell caches, x)."""
    cell_caches, x = expected
    if not isinstance(caches, tuple) or len(caches) != 2:
        return "caches_wrong_form", f"caches is {_describe(caches)}, not a tuple of 2."
    if not isinstance(caches[0], list):
        return "caches_wrong_form", f"caches[0] is {_describe(caches[0])}, not a list."
    if len(caches[0]) != len(cell_caches):
        text = f"caches[0] holds {len(caches[0])} cell caches instead of T_x = {len(cell_caches)}."
        return "caches_wrong_form", text
    if not _same(caches[1], x):
        return "caches_wrong_form", f"caches[1] is {_describe(caches[1])} that is not x."
    for t, (cache, wanted) in enumerate(zip(caches[0], cell_caches)):
        problem = _cell_cache_problem(cache, wanted, str(t))
        if problem is not None:
            return problem
    return None


# --- softmax: the mistakes ---


def _softmax_wrong(shift_axis, sum_axis, z):
    """Softmax with the max taken over `shift_axis` ("none": no max) and the sum over `sum_axis`."""
    shift = 0.0 if shift_axis == "none" else np.max(z, axis=shift_axis, keepdims=True)
    e = np.exp(z - shift)
    return {"the result": e / np.sum(e, axis=sum_axis, keepdims=True)}


_ROWS = (
    "softmax normalised over axis 1: each row sums to 1 instead of each column. A column "
    "z[:, i] holds the class scores of example i, so the max and the sum run over axis 0: "
    "np.max(z, axis=0, keepdims=True) and np.sum(e, axis=0, keepdims=True)."
)
_WHOLE = (
    "softmax normalised over the whole array (np.sum(e) without an axis): all the entries "
    "together sum to 1 instead of each column. Sum over axis 0: np.sum(e, axis=0, keepdims=True)."
)
_SOFTMAX_MISTAKES = (
    _Variant("softmax_wrong_axis", _ROWS, partial(_softmax_wrong, 1, 1)),
    _Variant("softmax_wrong_axis", _ROWS, partial(_softmax_wrong, 0, 1)),
    _Variant("softmax_wrong_axis", _WHOLE, partial(_softmax_wrong, None, None)),
    _Variant("softmax_wrong_axis", _WHOLE, partial(_softmax_wrong, 0, None)),
    _Variant(
        "softmax_max_wrong_axis",
        "the maximum is taken over axis 1 (each row's) and the sum over axis 0. Subtracting a "
        "different number from each entry of a column changes its softmax; subtract each "
        "column's own maximum: z - np.max(z, axis=0, keepdims=True).",
        partial(_softmax_wrong, 1, 0),
    ),
    _Variant(
        "softmax_one_max",
        "one maximum for the whole batch (np.max(z) without an axis). That is exact in exact "
        "arithmetic, but a column whose entries all lie far below that maximum underflows to "
        "0/0 = nan. Subtract each column's own maximum: np.max(z, axis=0, keepdims=True).",
        partial(_softmax_wrong, None, 0),
    ),
    _Variant(
        "softmax_no_max",
        "no maximum subtracted: np.exp(1000) overflows to inf, and inf/inf = nan. Subtract each "
        "column's maximum first: softmax(z) = softmax(z - c) for any c that is the same for the "
        "whole column, and with c = the column's max every exponent is <= 0.",
        partial(_softmax_wrong, "none", 0),
    ),
)


# --- rnn_cell_forward: the mistakes ---


def _cell_forward_wrong(kind, xt, a_prev, parameters):
    """rnn_cell_forward with the mistake `kind` built in."""
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba = 0 if kind in ("no_ba", "no_biases") else parameters["ba"]
    by = 0 if kind in ("no_by", "no_biases") else parameters["by"]
    if kind == "swapped":
        z = Waa @ xt + Wax @ a_prev + ba
    else:
        z = Wax @ xt + Waa @ a_prev + ba
    a_next = z if kind == "no_tanh" else np.tanh(z)
    logits = Wya @ (a_prev if kind == "from_a_prev" else a_next) + by
    axis = {"softmax_rows": 1, "softmax_whole": None}.get(kind, 0)
    e = np.exp(logits - np.max(logits, axis=axis, keepdims=True))
    return {"a_next": a_next, "yt_pred": e / np.sum(e, axis=axis, keepdims=True)}


_CELL_FORWARD_MISTAKES = (
    _Variant("softmax_wrong_axis", _ROWS, partial(_cell_forward_wrong, "softmax_rows")),
    _Variant("softmax_wrong_axis", _WHOLE, partial(_cell_forward_wrong, "softmax_whole")),
    _Variant(
        "missing_bias",
        "the bias ba is missing: a_next = tanh(Wax @ xt + Waa @ a_prev + ba).",
        partial(_cell_forward_wrong, "no_ba"),
    ),
    _Variant(
        "missing_bias",
        "the bias by is missing: yt_pred = softmax(Wya @ a_next + by).",
        partial(_cell_forward_wrong, "no_by"),
    ),
    _Variant(
        "missing_bias",
        "both biases are missing: a_next = tanh(Wax @ xt + Waa @ a_prev + ba) and "
        "yt_pred = softmax(Wya @ a_next + by).",
        partial(_cell_forward_wrong, "no_biases"),
    ),
    _Variant(
        "Wax_Waa_swapped",
        "Wax and Waa are swapped. The second letter says what a matrix multiplies: Wax "
        "multiplies the input x, Waa the hidden state a. a_next = tanh(Wax @ xt + Waa @ a_prev "
        "+ ba), with Wax (n_a, n_x) @ xt (n_x, m) and Waa (n_a, n_a) @ a_prev (n_a, m).",
        partial(_cell_forward_wrong, "swapped"),
    ),
    _Variant(
        "output_from_a_prev",
        "the output is computed from a_prev instead of a_next: this step's prediction reads this "
        "step's hidden state, yt_pred = softmax(Wya @ a_next + by).",
        partial(_cell_forward_wrong, "from_a_prev"),
    ),
    _Variant(
        "missing_tanh",
        "tanh is missing: a_next = tanh(Wax @ xt + Waa @ a_prev + ba).",
        partial(_cell_forward_wrong, "no_tanh"),
    ),
)


# --- rnn_forward: the mistakes ---


def _rnn_forward_wrong(kind, x, a0, parameters):
    """rnn_forward with the mistake `kind` built in (a and y_pred only)."""
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    a_next = np.zeros_like(a0) if kind == "zeros" else a0
    for t in range(T_x):
        a_prev = a0 if kind == "a0_every_step" else a_next
        a_next, yt_pred, _ = _rnn_cell_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_prev if kind == "store_a_prev" else a_next
        y_pred[:, :, t] = yt_pred
    return {"a": a, "y_pred": y_pred}


_RNN_FORWARD_MISTAKES = (
    _Variant(
        "starts_from_zeros",
        "the recurrence starts from zeros instead of a0: the first step's a_prev is the a0 "
        "passed in, so set a_next = a0 before the loop.",
        partial(_rnn_forward_wrong, "zeros"),
    ),
    _Variant(
        "stores_a_prev",
        "a[:, :, t] holds a_prev, the state before step t, instead of a_next: a[:, :, 0] should "
        "be the state after the first step (a0 itself is not stored in a).",
        partial(_rnn_forward_wrong, "store_a_prev"),
    ),
    _Variant(
        "a0_at_every_step",
        "every step starts from a0: pass the a_next that the previous step returned to the next "
        "call of the cell, so that the state carries through time.",
        partial(_rnn_forward_wrong, "a0_every_step"),
    ),
)


# --- rnn_cell_backward: the mistakes ---


_CELL_GRADIENT_LETTERS = {
    "dxt": ("n_x", "m"),
    "da_prev": ("n_a", "m"),
    "dWax": ("n_a", "n_x"),
    "dWaa": ("n_a", "n_a"),
    "dba": ("n_a", "1"),
}


def _cell_backward_wrong(kind, da_next, cache):
    """rnn_cell_backward with the mistake `kind` built in."""
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = {
        "no_derivative": da_next,
        "not_squared": (1 - a_next) * da_next,
        "tanh_twice": (1 - np.tanh(a_next) ** 2) * da_next,
    }.get(kind, (1 - a_next**2) * da_next)
    g = {
        "dxt": Wax.T @ dz,
        "da_prev": Waa.T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": np.sum(dz, axis=1, keepdims=True),
    }
    if kind == "dWaa_from_a_next":
        g["dWaa"] = dz @ a_next.T
    elif kind == "dxt_Waa":
        g["dxt"] = Waa.T @ dz
    elif kind == "dxt_no_T":
        g["dxt"] = Wax @ dz
    elif kind == "da_prev_no_T":
        g["da_prev"] = Waa @ dz
    elif kind == "dWax_no_T":
        g["dWax"] = dz @ xt
    elif kind == "dWaa_no_T":
        g["dWaa"] = dz @ a_prev
    elif kind == "dWax_transposed":
        g["dWax"] = xt @ dz.T
    elif kind == "dWaa_transposed":
        g["dWaa"] = a_prev @ dz.T
    elif kind == "dba_axis0_keepdims":
        g["dba"] = np.sum(dz, axis=0, keepdims=True)  # (1, m)
    elif kind == "dba_axis0":
        g["dba"] = np.sum(dz, axis=0)  # (m,)
    elif kind == "dba_axis0_column":
        g["dba"] = np.sum(dz, axis=0).reshape(-1, 1)  # (m, 1)
    elif kind == "dba_everything":
        g["dba"] = np.sum(dz)  # ()
    elif kind == "dba_no_keepdims":
        g["dba"] = np.sum(dz, axis=1)  # (n_a,)
    return g


def _transpose(line, right, shapes):
    return (
        f"a transpose is missing: {line}. Write it {right}: {shapes}. (Where n_x, n_a and m "
        "differ, the product fails with a shape error; where they are equal it runs and gives "
        "wrong numbers.)"
    )


_DBA_AXIS0 = (
    "dba summed over axis 0, the hidden units, instead of axis 1, the m examples of the batch: "
    "the bias is added to every example, so its gradient sums over them. "
    "dba = np.sum(dz, axis=1, keepdims=True), shape (n_a, 1) like ba."
)
_CELL_BACKWARD_MISTAKES = (
    _Variant(
        "dWaa_from_a_next",
        "dWaa computed from a_next instead of a_prev. In the cell, z_t = Wax x_t + Waa a_{t-1} "
        "+ ba, so dz_t/dWaa involves a_{t-1}: dWaa = dz @ a_prev.T.",
        partial(_cell_backward_wrong, "dWaa_from_a_next"),
    ),
    _Variant(
        "missing_tanh_derivative",
        "the tanh derivative is missing: a_next = tanh(z), so dz = (1 - a_next**2) * da_next, "
        "with tanh'(z) = 1 - tanh(z)**2. Every gradient of the cell is computed from dz.",
        partial(_cell_backward_wrong, "no_derivative"),
    ),
    _Variant(
        "tanh_derivative_not_squared",
        "the tanh derivative is written 1 - a_next; it is 1 - a_next**2, since "
        "tanh'(z) = 1 - tanh(z)**2 and a_next = tanh(z): dz = (1 - a_next**2) * da_next.",
        partial(_cell_backward_wrong, "not_squared"),
    ),
    _Variant(
        "tanh_applied_twice",
        "tanh applied twice: a_next already is tanh(z), so tanh'(z) = 1 - a_next**2, not "
        "1 - np.tanh(a_next)**2. dz = (1 - a_next**2) * da_next.",
        partial(_cell_backward_wrong, "tanh_twice"),
    ),
    _Variant(
        "dxt_uses_Waa",
        "dxt computed with Waa instead of Wax: xt enters the cell through Wax (Wax @ xt), so "
        "dxt = Wax.T @ dz, shape (n_x, m).",
        partial(_cell_backward_wrong, "dxt_Waa"),
    ),
    _Variant(
        "missing_transpose",
        _transpose("dxt = Wax @ dz", "dxt = Wax.T @ dz", "(n_a, n_x).T @ (n_a, m) -> (n_x, m)"),
        partial(_cell_backward_wrong, "dxt_no_T"),
    ),
    _Variant(
        "missing_transpose",
        _transpose(
            "da_prev = Waa @ dz", "da_prev = Waa.T @ dz", "(n_a, n_a).T @ (n_a, m) -> (n_a, m)"
        ),
        partial(_cell_backward_wrong, "da_prev_no_T"),
    ),
    _Variant(
        "missing_transpose",
        _transpose("dWax = dz @ xt", "dWax = dz @ xt.T", "(n_a, m) @ (m, n_x) -> (n_a, n_x)"),
        partial(_cell_backward_wrong, "dWax_no_T"),
    ),
    _Variant(
        "missing_transpose",
        _transpose(
            "dWaa = dz @ a_prev", "dWaa = dz @ a_prev.T", "(n_a, m) @ (m, n_a) -> (n_a, n_a)"
        ),
        partial(_cell_backward_wrong, "dWaa_no_T"),
    ),
    _Variant(
        "missing_transpose",
        "dWax comes out transposed (xt @ dz.T, shape (n_x, n_a)): a gradient has the shape of "
        "its parameter, Wax (n_a, n_x), so dWax = dz @ xt.T.",
        partial(_cell_backward_wrong, "dWax_transposed"),
    ),
    _Variant(
        "missing_transpose",
        "dWaa comes out transposed (a_prev @ dz.T): dWaa[i, j] is the gradient of Waa[i, j], "
        "which multiplies a_prev[j] into unit i, so dWaa = dz @ a_prev.T.",
        partial(_cell_backward_wrong, "dWaa_transposed"),
    ),
    _Variant("dba_wrong_axis", _DBA_AXIS0, partial(_cell_backward_wrong, "dba_axis0_keepdims")),
    _Variant("dba_wrong_axis", _DBA_AXIS0, partial(_cell_backward_wrong, "dba_axis0")),
    _Variant("dba_wrong_axis", _DBA_AXIS0, partial(_cell_backward_wrong, "dba_axis0_column")),
    _Variant(
        "dba_wrong_axis",
        "dba summed over everything (np.sum(dz) without an axis): sum over the m examples only, "
        "one value per hidden unit: dba = np.sum(dz, axis=1, keepdims=True), shape (n_a, 1).",
        partial(_cell_backward_wrong, "dba_everything"),
    ),
    _Variant(
        "dba_no_keepdims",
        "dba has shape (n_a,): np.sum(dz, axis=1) drops the summed axis. Keep it, so that dba "
        "has the shape of ba: dba = np.sum(dz, axis=1, keepdims=True), shape (n_a, 1).",
        partial(_cell_backward_wrong, "dba_no_keepdims"),
    ),
)


# --- rnn_backward: the mistakes ---


_SEQUENCE_GRADIENT_LETTERS = {
    "dx": ("n_x", "m", "T_x"),
    "da0": ("n_a", "m"),
    "dWax": ("n_a", "n_x"),
    "dWaa": ("n_a", "n_a"),
    "dba": ("n_a", "1"),
}


def _rnn_backward_wrong(kind, da, caches):
    """rnn_backward with the mistake `kind` built in."""
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    sums = {"dWax": np.zeros((n_a, n_x)), "dWaa": np.zeros((n_a, n_a)), "dba": np.zeros((n_a, 1))}
    da_prev = da[:, :, T_x - 1] if kind == "only_da_prev_from_last" else np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        if kind.startswith("only_da_prev"):
            da_next = da_prev
        elif kind == "only_da_t":
            da_next = da[:, :, t]
        else:
            da_next = da[:, :, t] + da_prev
        gradients = _rnn_cell_backward(da_next, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        for key in sums:
            if kind == "first_step_only":  # assigned at every step: the loop ends at t = 0
                sums[key] = gradients[key]
            elif kind == "last_step_only":
                sums[key] = gradients[key] if t == T_x - 1 else sums[key]
            else:
                sums[key] = sums[key] + gradients[key]
        da_prev = gradients["da_prev"]
    return {"dx": dx, "da0": da_prev, **sums}


_ONLY_DA_PREV = (
    "only da_prev is passed to each step's backward, so the gradient from each step's own "
    "output, da[:, :, t], never enters. The gradient reaching a_t has two sources: "
    "rnn_cell_backward(da[:, :, t] + da_prev, caches[t])."
)
_NOT_ACCUMULATED = (
    "dWax, dWaa and dba hold only the {which} time step's share: they are assigned "
    "(dWax = gradients['dWax']) instead of added up. The same weights serve every step, so "
    "start from zeros and sum: dWax += gradients['dWax'], and the same for dWaa and dba."
)
_RNN_BACKWARD_MISTAKES = (
    _Variant("only_da_prev", _ONLY_DA_PREV, partial(_rnn_backward_wrong, "only_da_prev")),
    _Variant("only_da_prev", _ONLY_DA_PREV, partial(_rnn_backward_wrong, "only_da_prev_from_last")),
    _Variant(
        "only_da_t",
        "da_prev is dropped: each step's backward gets only da[:, :, t], so nothing flows back "
        "through time. Pass da[:, :, t] + da_prev, where da_prev is what the backward of step "
        "t + 1 returned.",
        partial(_rnn_backward_wrong, "only_da_t"),
    ),
    _Variant(
        "not_accumulated",
        _NOT_ACCUMULATED.format(which="first"),
        partial(_rnn_backward_wrong, "first_step_only"),
    ),
    _Variant(
        "not_accumulated",
        _NOT_ACCUMULATED.format(which="last"),
        partial(_rnn_backward_wrong, "last_step_only"),
    ),
)


# --- cross_entropy_loss: the mistakes ---


def _loss_wrong(kind, y_pred, y):
    """cross_entropy_loss with the mistake `kind` built in."""
    m, T_x = y.shape
    p = np.empty((m, T_x))
    for i in range(m):
        for t in range(T_x):
            if kind == "class_on_batch_axis":
                p[i, t] = y_pred[i, y[i, t], t]
            elif kind == "labels_transposed":
                p[i, t] = y_pred[y[t, i], i, t]
            else:
                p[i, t] = y_pred[y[i, t], i, t]
    total = -np.sum(np.log(p))
    divisor = {"over_time": T_x, "over_both": m * T_x, "no_average": 1}.get(kind, m)
    sign = -1 if kind == "no_minus" else 1
    return {"the loss": sign * total / divisor}


_LABELS = (
    "The probability of the right class is y_pred[y[i, t], i, t]: the class index on axis 0, "
    "the sequence i on axis 1, the step t on axis 2, with y of shape (m, T_x)."
)
_LOSS_MISTAKES = (
    _Variant(
        "averaged_over_time",
        "the loss is divided by T_x instead of m. It is summed over the time steps (each step "
        "adds its own prediction's error) and averaged over the m sequences of the batch: "
        "L = -(1/m) * sum of log y_pred[y[i, t], i, t].",
        partial(_loss_wrong, "over_time"),
    ),
    _Variant(
        "averaged_over_time_and_batch",
        "the loss is divided by m * T_x (np.mean over every entry): sum over the time steps and "
        "divide by m only, L = -(1/m) * sum of log y_pred[y[i, t], i, t].",
        partial(_loss_wrong, "over_both"),
    ),
    _Variant(
        "not_averaged",
        "the loss is summed but not averaged over the batch: divide the sum by m, so that the "
        "loss (and its gradient) does not grow with the batch size.",
        partial(_loss_wrong, "no_average"),
    ),
    _Variant(
        "labels_wrong_axis",
        "the label indexes the batch axis: y_pred[i, y[i, t], t]. " + _LABELS,
        partial(_loss_wrong, "class_on_batch_axis"),
    ),
    _Variant(
        "labels_wrong_axis",
        "the labels are read transposed, y[t, i]: the label of sequence i at step t is y[i, t]. "
        + _LABELS,
        partial(_loss_wrong, "labels_transposed"),
    ),
    _Variant(
        "missing_minus_sign",
        "the minus sign is missing: log of a probability is <= 0, so the cross-entropy is "
        "L = -(1/m) * sum of log y_pred[y[i, t], i, t] >= 0.",
        partial(_loss_wrong, "no_minus"),
    ),
)


# --- output_layer_backward: the mistakes ---


_OUTPUT_GRADIENT_LETTERS = {
    "dWya": ("n_y", "n_a"),
    "dby": ("n_y", "1"),
    "da": ("n_a", "m", "T_x"),
}


def _output_backward_wrong(kind, y_pred, y, a, parameters):
    """output_layer_backward with the mistake `kind` built in."""
    n_y, m, T_x = y_pred.shape
    Wya = parameters["Wya"]
    dlogits = y_pred.copy()  # (n_y, m, T_x)
    if kind != "no_one_hot":
        dlogits[y, np.arange(m)[:, None], np.arange(T_x)[None, :]] -= 1
    if kind != "no_divide":
        dlogits /= m
    steps = {"first_step": [0], "last_step": [T_x - 1]}.get(kind, range(T_x))
    dWya = sum(dlogits[:, :, t] @ a[:, :, t].T for t in steps)
    dby = sum(dlogits[:, :, t].sum(axis=1, keepdims=True) for t in steps)
    da = np.stack([Wya.T @ dlogits[:, :, t] for t in range(T_x)], axis=2)
    if kind == "da_no_T":
        da = np.stack([Wya @ dlogits[:, :, t] for t in range(T_x)], axis=2)
    elif kind == "dWya_transposed":
        dWya = sum(a[:, :, t] @ dlogits[:, :, t].T for t in range(T_x))
    elif kind == "dWya_no_T":
        dWya = sum(dlogits[:, :, t] @ a[:, :, t] for t in range(T_x))
    dby = {
        "dby_batch_only": dlogits.sum(axis=1, keepdims=True),  # (n_y, 1, T_x)
        "dby_batch_only_squeezed": dlogits.sum(axis=1),  # (n_y, T_x)
        "dby_time_only": dlogits.sum(axis=2),  # (n_y, m)
        "dby_time_only_keepdims": dlogits.sum(axis=2, keepdims=True),  # (n_y, m, 1)
        "dby_unsummed": dlogits,  # (n_y, m, T_x)
        "dby_no_keepdims": dlogits.sum(axis=(1, 2)),  # (n_y,)
    }.get(kind, dby)
    return {"dWya": dWya, "dby": dby, "da": da}


_DBY = (
    "dby is not summed over both the batch and the time steps: by is added to every example at "
    "every step, so dby = np.sum(dlogits, axis=(1, 2)) with the result kept as a column, "
    "shape (n_y, 1) like by (or sum dlogits[:, :, t].sum(axis=1, keepdims=True) over t)."
)
_OUTPUT_BACKWARD_MISTAKES = (
    _Variant(
        "forgot_divide_by_m",
        "the gradients are not divided by m: the loss averages over the m sequences, so "
        "dlogits = (y_pred - onehot(y)) / m, and dWya, dby and da all carry that 1/m.",
        partial(_output_backward_wrong, "no_divide"),
    ),
    _Variant(
        "missing_one_hot",
        "the one-hot labels are not subtracted: the gradient of softmax followed by "
        "cross-entropy with respect to the logits is (y_pred - onehot(y)) / m, i.e. subtract 1 "
        "at the right class of every column: dlogits[y[i, t], i, t] -= 1.",
        partial(_output_backward_wrong, "no_one_hot"),
    ),
    *(
        _Variant("dby_not_summed", _DBY, partial(_output_backward_wrong, kind))
        for kind in (
            "dby_batch_only",
            "dby_batch_only_squeezed",
            "dby_time_only",
            "dby_time_only_keepdims",
            "dby_unsummed",
        )
    ),
    _Variant(
        "dby_no_keepdims",
        "dby has shape (n_y,): the sum dropped the summed axes. Keep a column, the shape of by: "
        "np.sum(dlogits, axis=(1, 2)).reshape(n_y, 1), or keepdims=True.",
        partial(_output_backward_wrong, "dby_no_keepdims"),
    ),
    _Variant(
        "missing_transpose",
        "da uses Wya instead of Wya.T: the output layer computes Wya @ a_t, so the gradient "
        "flows back through the transpose, da[:, :, t] = Wya.T @ dlogits[:, :, t], "
        "(n_y, n_a).T @ (n_y, m) -> (n_a, m). (Where n_y and n_a differ, the product fails with "
        "a shape error; where they are equal it gives wrong numbers.)",
        partial(_output_backward_wrong, "da_no_T"),
    ),
    _Variant(
        "missing_transpose",
        "dWya comes out transposed (a_t @ dlogits_t.T, shape (n_a, n_y)): a gradient has the "
        "shape of its parameter, Wya (n_y, n_a), so dWya = sum over t of "
        "dlogits[:, :, t] @ a[:, :, t].T.",
        partial(_output_backward_wrong, "dWya_transposed"),
    ),
    _Variant(
        "missing_transpose",
        _transpose(
            "dWya = dlogits_t @ a_t",
            "dlogits[:, :, t] @ a[:, :, t].T",
            "(n_y, m) @ (m, n_a) -> (n_y, n_a)",
        ),
        partial(_output_backward_wrong, "dWya_no_T"),
    ),
    _Variant(
        "not_accumulated",
        "dWya and dby hold only the last time step's share: they are assigned at every step "
        "instead of added up. Wya and by serve every step, so sum their gradients over t.",
        partial(_output_backward_wrong, "last_step"),
    ),
    _Variant(
        "not_accumulated",
        "dWya and dby hold only the first time step's share: sum their gradients over all the "
        "T_x steps, since Wya and by serve every step.",
        partial(_output_backward_wrong, "first_step"),
    ),
)


# --- numerical_gradient: test functions, tracing, and the mistakes ---


def _sine_and_square_of_sum(v):
    return np.sum(np.sin(v) * v**2) + 0.5 * np.sum(v) ** 2


def _sine_and_square_of_sum_gradient(v):
    return np.cos(v) * v**2 + 2 * v * np.sin(v) + np.sum(v)


def _exp_and_neighbour_products(v):
    u = v.ravel()
    return np.sum(np.exp(v)) + np.sum(u[:-1] * u[1:])


def _exp_and_neighbour_products_gradient(v):
    u = v.ravel()
    neighbours = np.zeros_like(u)
    neighbours[:-1] += u[1:]  # d(u_i u_{i+1})/du_i = u_{i+1}
    neighbours[1:] += u[:-1]  # d(u_{i-1} u_i)/du_i = u_{i-1}
    return np.exp(v) + neighbours.reshape(v.shape)


# Functions whose entries interact (so an entry left perturbed changes the later derivatives) and
# whose derivatives of order 2 and 3 are of order 1 on [0.5, 1.5], where the gradient stays > 1.
_TEST_FUNCTIONS = (
    (_sine_and_square_of_sum, _sine_and_square_of_sum_gradient),
    (_exp_and_neighbour_products, _exp_and_neighbour_products_gradient),
)


class _Traced:
    """The test function f, watching how the learner's numerical gradient calls it."""

    def __init__(self, f, gradient, x):
        self.f, self.gradient = f, gradient
        self.x, self.x_before = x, x.copy()  # the caller's array, and what it held before
        self.low_precision = False  # f received float32 (or float16) values
        self.moved_caller_x = False  # f was called while the caller's x was perturbed

    def __call__(self, v):
        if getattr(np.asarray(v), "dtype", None) in (np.float32, np.float16):
            self.low_precision = True
        if not np.array_equal(self.x, self.x_before):
            self.moved_caller_x = True
        return self.f(v)

    def __deepcopy__(self, memo):
        return self  # the case maker builds a fresh one for every call


def _gradient_case(f, gradient, x):
    point = x.copy()
    return (_Traced(f, gradient, point), point, 1e-5)


def _unpack_gradient(raw):
    return {"the gradient": _not_none(raw)}


def _explains_gradient(got, produced, expected):
    """A mistake explains your gradient if it accounts for 90% of your error, entry by entry."""
    if got is None or produced is None:
        return False
    try:
        a, v, e = (np.asarray(array, dtype=float) for array in (got, produced, expected))
    except (TypeError, ValueError):
        return False
    if not a.shape == v.shape == e.shape or not (np.isfinite(a).all() and np.isfinite(v).all()):
        return False
    return relative_error(a, v) <= 0.1 * relative_error(a, e)


def _gradient_wrong(kind, traced, x, h):
    """numerical_gradient with the mistake `kind` built in."""
    f = traced.f
    if kind == "float32":
        return {"the gradient": numerical_gradient(f, x.astype(np.float32), h)}
    if kind.startswith("step "):
        return {"the gradient": numerical_gradient(f, x, float(kind.split()[1]))}
    if kind == "over_h":
        return {"the gradient": 2 * numerical_gradient(f, x, h)}
    point = x.astype(float)
    gradient = np.zeros_like(point)
    f_x = f(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        if kind == "forward":
            point[index] = original + h
            gradient[index] = (f(point) - f_x) / h
        elif kind == "backward":
            point[index] = original - h
            gradient[index] = (f_x - f(point)) / h
        else:  # "left_at_minus_h" / "left_at_plus_h": the central difference without the restore
            first, second = (h, -h) if kind == "left_at_minus_h" else (-h, h)
            point[index] = original + first
            f_first = f(point)
            point[index] = original + second
            gradient[index] = (f_first - f(point)) / (first - second)
            continue
        point[index] = original
    return {"the gradient": gradient}


_ONE_SIDED = (
    "a one-sided difference: (f(x + h) - f(x)) / h is off by about (h/2) * f'', an error of "
    "order h. The central difference (f(x + h) - f(x - h)) / (2h) "
    "cancels that term (the two Taylor expansions' first-order errors have opposite signs) and "
    "is off by order h**2 only."
)
_NOT_RESTORED_EXPLANATION = (
    "a perturbed entry is not put back: after computing entry i, x[i] stays at x[i] - h (or "
    "x[i] + h), so every later entry is differentiated at a shifted point, and the caller's x "
    "may be left changed. Save original = x[i] before perturbing and end with x[i] = original, "
    "on a copy of x."
)
_FLOAT32_EXPLANATION = (
    "computed in float32 (f received float32 values, or the result is float32). float32 keeps "
    "about 7 significant digits: f(x + h) and f(x - h) share their first 5 or so when h = 1e-5, "
    "so their difference keeps only 2. Keep x and every intermediate in float64 (the default "
    "dtype of numpy arrays)."
)
_MODIFIED_X_EXPLANATION = (
    "the caller's x is moved while the function works (f was called with the caller's array "
    "perturbed), or left changed afterwards. Perturb a copy: point = np.array(x, dtype=float) "
    "copies, np.asarray(x, dtype=float) does not. Then nothing that shares x, such as a closure "
    "that reads it, sees it move."
)


def _huge_step(step):
    return _Variant(
        "huge_h",
        f"the step is {step:g} whatever h is passed (here h = 1e-05). The central difference's "
        "error grows like the square of the step (about step**2 * f''' / 6), so a step of "
        f"{step:g} makes it about {_fmt((step / 1e-5) ** 2)} times larger than h = 1e-05 would. "
        "Use the h argument for every perturbation.",
        partial(_gradient_wrong, f"step {step}"),
    )


_NUMERICAL_GRADIENT_MISTAKES = (
    _Variant("one_sided_difference", _ONE_SIDED, partial(_gradient_wrong, "forward")),
    _Variant("one_sided_difference", _ONE_SIDED, partial(_gradient_wrong, "backward")),
    _huge_step(0.1),
    _huge_step(0.01),
    _huge_step(0.001),
    _Variant(
        "not_restored", _NOT_RESTORED_EXPLANATION, partial(_gradient_wrong, "left_at_minus_h")
    ),
    _Variant("not_restored", _NOT_RESTORED_EXPLANATION, partial(_gradient_wrong, "left_at_plus_h")),
    _Variant(
        "divided_by_h",
        "the central difference is divided by h instead of 2h: x + h and x - h lie 2h apart, "
        "so gradient[i] = (f(x + h e_i) - f(x - h e_i)) / (2 * h).",
        partial(_gradient_wrong, "over_h"),
    ),
    _Variant("computed_in_float32", _FLOAT32_EXPLANATION, partial(_gradient_wrong, "float32")),
)
