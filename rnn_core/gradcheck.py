"""Gradient checking: backpropagation against central differences.

For a scalar function f and one entry θ_i of an array θ, the central difference

    (f(θ + h e_i) - f(θ - h e_i)) / (2h) = ∂f/∂θ_i + O(h²)

has a truncation error of order h² (the first-order terms of the two Taylor expansions cancel),
against O(h) for the one-sided difference. Round-off adds about ε·|f| / h, where ε is the machine
epsilon (2.2e-16 in float64), so h = 1e-5 balances the two in float64. Notebook 03 plots both.
"""

import numpy as np

from ._validation import (
    check_callable,
    check_f_value,
    check_index_list,
    check_nonnegative_float,
    check_positive_float,
    check_positive_int,
    check_problem,
    check_returned_gradients,
    check_same_shape,
    check_seed,
    check_step_fits,
    overflow_error,
    refuses_overflow,
    to_float_array,
)
from .models import check_model_parameters
from .network import rnn_loss, rnn_loss_and_gradients

RNN_KEYS = ("Wax", "Waa", "ba", "Wya", "by")  # the order in which the RNN is checked
# Every array of the RNN that gradient_check perturbs, and the name of its gradient.
CHECKED = {name: "d" + name for name in (*RNN_KEYS, "a0", "x")}


def numerical_gradient(f, x, h=1e-5, indices=None):
    """Central-difference gradient of the scalar function `f` at the array `x`.

    `f` is called with one argument, an array of x's shape: a working copy of `x` in which one
    entry at a time is moved by +h and -h and then put back to its original value. `x` itself is
    never modified.

    Arguments:
    - f: a function of one array, returning one real number.
    - x: the point, any shape.
    - h: the step (default 1e-5, right for float64); x ± h must be finite at every entry.
    - indices: optional list of index tuples, one int per dimension of x, each in [0, size);
      only those entries are computed.
    Returns: an array of x's shape and dtype, or, when `indices` is given, a 1-D array with one
    value per index, in the order given. An overflow inside f is an error, not a warning.
    """
    check_callable("f", f, "a function of one array")
    point = to_float_array("x", x).copy()  # the working copy that f sees
    h = check_positive_float("h", h)
    check_step_fits(h, point)
    wanted = list(np.ndindex(point.shape)) if indices is None else check_index_list(indices, point)
    values = np.zeros(len(wanted), dtype=point.dtype)  # a float32 x gives a float32 gradient
    for k, index in enumerate(wanted):
        original = point[index]
        point[index] = original + h
        f_plus = _value_of_f(f, point, index, h)
        point[index] = original - h
        f_minus = _value_of_f(f, point, index, h)
        point[index] = original  # restore before moving on to the next entry
        values[k] = (f_plus - f_minus) / (2 * h)
    return values.reshape(point.shape) if indices is None else values


def _value_of_f(f, point, index, h):
    """f(point) as a float: an overflow inside f or a return value that is not a number raise."""
    with overflow_error(f"f failed with entry {index} of x moved by h = {h:g}"):
        value = f(point)
    return check_f_value(value, index)


@refuses_overflow("a and b")
def relative_error(a, b):
    """max over entries of |a - b| / max(1e-8, |a| + |b|).

    Scale-free where the gradients are large. Where |a| + |b| is below 1e-8 it divides by 1e-8
    instead, so the reading there is |a - b| / 1e-8: two entries that are both exactly zero read 0,
    but 0 against 1e-12 reads 1e-4. Typical readings in float64 with h = 1e-5, for gradients whose
    entries are well above the round-off floor eps * |loss| / h of a numerical entry: below 1e-7
    is a correct gradient, around 1e-5 deserves a look, above 1e-3 is a bug. Where entries come
    near that floor, a correct gradient can read 1e-3 or more (notebook 03).
    """
    a = to_float_array("a", a)
    b = to_float_array("b", b)
    check_same_shape("a", a, "b", b)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def loss_functions(x, y, a0, parameters, loss=rnn_loss):
    """The loss as a function of each array that `gradient_check` perturbs, the others held fixed.

    `loss(x, y, a0, parameters)` is the loss of the cell: `rnn_loss` by default, or
    `lstm_loss`, `gru_loss`. Returns: a dict {name: (array, f)}, where f(v) is the loss with that
    array replaced by v, for every parameter (for the RNN Wax, Waa, ba, Wya, by, in that order;
    for an LSTM or a GRU its own parameters in the order of its equations, other keys left out;
    for a cell rnn_core does not know, every key of the dict in its order), then a0 and x. Each f
    uses its argument and changes nothing.
    """
    check_callable("loss", loss, "a function (x, y, a0, parameters) -> loss")
    if loss is rnn_loss:
        x, y, a0, parameters = check_problem(x, y, a0, parameters)
        keys = RNN_KEYS
    else:  # another cell's loss checks its own arguments; here they only need to be arrays
        loss(x, y, a0, parameters)
        x, a0 = to_float_array("x", x), to_float_array("a0", a0)
        try:  # an LSTM's or a GRU's: only its own arrays, in its own order
            parameters = check_model_parameters(parameters)[1]
        except (TypeError, ValueError):  # a cell of the learner's own
            parameters = {
                key: to_float_array(f"parameters[{key!r}]", v) for key, v in parameters.items()
            }
        keys = list(parameters)
    return {
        **{
            key: (parameters[key], lambda v, key=key: loss(x, y, a0, {**parameters, key: v}))
            for key in keys
        },
        "a0": (a0, lambda v: loss(x, y, v, parameters)),
        "x": (x, lambda v: loss(v, y, a0, parameters)),
    }


def numerical_gradients(x, y, a0, parameters, h=1e-5, loss=rnn_loss):
    """Central-difference gradients of `loss` for every array: {"Wax": …, …, "a0": …, "x": …}."""
    return {
        name: numerical_gradient(f, array, h=h)
        for name, (array, f) in loss_functions(x, y, a0, parameters, loss).items()
    }


def format_error(error):
    """A measured error as text with its two significant digits: 8.1e-11, 0.0034 as 3.4e-03.

    Two digits are the ones that carry meaning: the first says how large the error is, the second
    tells two readings apart. The digits of a round-off-sized error (below about 1e-7 here) differ
    between computers (another processor, another linear-algebra library); read them as a size,
    not as an exact value. An error of exactly 0 is 0.0e+00: where one computer finds 0, another
    may find 1e-16. Formatting only; it computes nothing. `error` must be a finite number
    >= 0 (a NaN error is refused: it would otherwise read as a pass).
    """
    error = check_nonnegative_float("error", error)
    return f"{error:.1e}"


def gradient_check(
    x,
    y,
    a0,
    parameters,
    h=1e-5,
    num_entries=None,
    seed=0,
    loss_and_gradients=rnn_loss_and_gradients,
    loss=rnn_loss,
):
    """Check every gradient of `loss_and_gradients` against central differences of `loss`.

    Arguments:
    - x, y, a0, parameters: a problem, as for `rnn_loss_and_gradients`.
    - h: the finite-difference step.
    - num_entries: check at most this many randomly chosen entries of each array (a sparse check
      for large models); None checks every entry.
    - seed: chooses the entries of a sparse check.
    - loss_and_gradients: the function whose gradients are checked, called as
      loss_and_gradients(x, y, a0, parameters) -> (loss, gradients); by default the fast path,
      `rnn_loss_and_gradients`; `rnn_loss_and_gradients_by_steps` or your own also work.
    - loss: the loss that `loss_and_gradients` differentiates, loss(x, y, a0, parameters):
      `rnn_loss` by default; for the gated cells `lstm_loss` or `gru_loss` (with
      `lstm_loss_and_gradients` or `gru_loss_and_gradients`).

    Returns: a dict that maps each checked array (for the RNN Wax, Waa, ba, Wya, by, a0, x; for
    another cell its parameters, a0, x) to the relative error between its backpropagated and its
    numerical gradient, whose key is "d" + the array's name.
    """
    h = check_positive_float("h", h)
    if num_entries is not None:
        num_entries = check_positive_int("num_entries", num_entries)
    rng = check_seed("seed", seed)
    check_callable("loss_and_gradients", loss_and_gradients, "a function (x, y, a0, parameters)")
    functions = loss_functions(x, y, a0, parameters, loss)
    x, a0 = functions["x"][0], functions["a0"][0]
    parameters = {k: array for k, (array, _) in functions.items() if k not in ("a0", "x")}
    y = np.asarray(y)  # checked by the loss
    arrays = {"d" + name: (name, array.shape) for name, (array, _) in functions.items()}
    # copies: a function under test that changes its arguments must not move the caller's problem
    copies = (x.copy(), y.copy(), a0.copy(), {k: v.copy() for k, v in parameters.items()})
    returned = loss_and_gradients(*copies)
    gradients = check_returned_gradients("loss_and_gradients", returned, arrays)
    errors = {}
    for name, (array, f) in functions.items():
        analytic = gradients["d" + name]
        indices = None
        if num_entries is not None and num_entries < array.size:
            flat = rng.choice(array.size, size=num_entries, replace=False)
            indices = [np.unravel_index(i, array.shape) for i in flat]
            analytic = analytic[tuple(np.array(indices).T)]
        numeric = numerical_gradient(f, array, h=h, indices=indices)
        errors[name] = relative_error(analytic, numeric)
    return errors
