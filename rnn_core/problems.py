"""Random RNN problems: the one place where rnn_core draws weights, inputs and labels to try on.

The tests, the exercise checkers, the benchmarks, the dashboards and notebook 06 all draw their
problems here, so "a random problem" means the same thing everywhere:

    Wax ~ scale · N(0, 1/n_x)      Waa ~ scale · N(0, 1/n_a)      Wya ~ N(0, 1/n_a)
    ba, by ~ bias_scale · N(0, 1)   x ~ N(0, 1)   a0 ~ a0_scale · N(0, 1)   y ~ uniform in [0, n_y)

Entries of a weight have standard deviation 1/√(fan-in), so at `scale` s every pre-activation has
a variance of about s² per input and the spectral radius of Waa is close to s: s = 1 is the edge
between vanishing and exploding (notebook 04), s well above 1 saturates tanh.

Every draw is reproducible from `seed`; the same seed gives the same arrays on every machine.
"""

import numpy as np

from ._validation import (
    check_nonnegative_float,
    check_positive_int,
    check_seed,
    choose,
    overflow_error,
)

DTYPES = {"float64": np.float64, "float32": np.float32}


def random_parameters(n_x, n_a, n_y, seed=0, *, scale=1.0, bias_scale=0.1, dtype="float64"):
    """Random weights and biases of the shapes of `rnn_core.initialize_parameters`.

    Arguments:
    - n_x, n_a, n_y: the input, hidden and output sizes, each >= 1.
    - seed: an int >= 0 or a numpy Generator.
    - scale: multiplies Wax and Waa (see the module docstring), >= 0.
    - bias_scale: the standard deviation of ba and by, >= 0 (0 gives zero biases).
    - dtype: "float64" or "float32".

    Returns: a dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    """
    n_x, n_a, n_y = (
        check_positive_int(k, v) for k, v in (("n_x", n_x), ("n_a", n_a), ("n_y", n_y))
    )
    rng = check_seed("seed", seed)
    scale = check_nonnegative_float("scale", scale)
    bias_scale = check_nonnegative_float("bias_scale", bias_scale)
    dtype = DTYPES[choose("dtype", dtype, tuple(DTYPES))]
    name = np.dtype(dtype).name
    # The draws in this order (Wax, Waa, Wya, ba, by), so that a seed always gives the same arrays.
    with overflow_error(f"scale = {scale:g} is too large: Wax and Waa overflow {name}"):
        Wax = (scale * rng.standard_normal((n_a, n_x)) / np.sqrt(n_x)).astype(dtype)
        Waa = (scale * rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)).astype(dtype)
    Wya = (rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)).astype(dtype)
    with overflow_error(f"bias_scale = {bias_scale:g} is too large: ba and by overflow {name}"):
        ba = (bias_scale * rng.standard_normal((n_a, 1))).astype(dtype)
        by = (bias_scale * rng.standard_normal((n_y, 1))).astype(dtype)
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}


def random_problem(
    n_x, n_a, n_y, m, T_x, seed=0, *, scale=1.0, bias_scale=0.1, a0_scale=0.1, dtype="float64"
):
    """A whole problem for `rnn_loss_and_gradients`: inputs, labels, initial state and parameters.

    Arguments: the five sizes (each >= 1), `seed`, and `scale`, `bias_scale`, `dtype` as
    for `random_parameters`; `a0_scale` is the standard deviation of a0 (0 starts from zeros).

    Returns a tuple of:
    - x: inputs of shape (n_x, m, T_x).
    - y: integer labels of shape (m, T_x), each in [0, n_y).
    - a0: initial hidden state of shape (n_a, m).
    - parameters: as from `random_parameters`.
    """
    m, T_x = check_positive_int("m", m), check_positive_int("T_x", T_x)
    rng = check_seed("seed", seed)
    a0_scale = check_nonnegative_float("a0_scale", a0_scale)
    parameters = random_parameters(
        n_x, n_a, n_y, rng, scale=scale, bias_scale=bias_scale, dtype=dtype
    )
    dtype = parameters["Wax"].dtype
    x = rng.standard_normal((n_x, m, T_x)).astype(dtype)
    with overflow_error(f"a0_scale = {a0_scale:g} is too large: a0 overflows {dtype}"):
        a0 = (a0_scale * rng.standard_normal((n_a, m))).astype(dtype)
    y = rng.integers(0, n_y, size=(m, T_x))
    return x, y, a0, parameters
