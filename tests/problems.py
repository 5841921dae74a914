"""Random RNN problems for the tests, drawn with hypothesis."""

import numpy as np
from hypothesis import strategies as st

# (n_x, n_a, n_y, m, T_x): small enough for a full numerical gradient in milliseconds.
sizes = st.tuples(
    st.integers(1, 4),  # n_x
    st.integers(1, 5),  # n_a
    st.integers(2, 4),  # n_y
    st.integers(1, 3),  # m
    st.integers(1, 4),  # T_x
)
seeds = st.integers(0, 2**32 - 1)

# Corners worth pinning: one sequence, one step, two classes.
CORNERS = [(1, 1, 2, 1, 1), (3, 4, 2, 1, 1), (2, 3, 2, 1, 5), (2, 3, 3, 4, 1)]


def make_problem(sizes, seed):
    """(x, y, a0, parameters) with weights of a scale that keeps tanh out of saturation."""
    n_x, n_a, n_y, m, T_x = sizes
    rng = np.random.default_rng(seed)
    parameters = {
        "Wax": 0.5 * rng.standard_normal((n_a, n_x)),
        "Waa": 0.5 * rng.standard_normal((n_a, n_a)),
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": 0.5 * rng.standard_normal((n_a, 1)),
        "by": 0.5 * rng.standard_normal((n_y, 1)),
    }
    x = rng.standard_normal((n_x, m, T_x))
    a0 = 0.5 * rng.standard_normal((n_a, m))
    y = rng.integers(0, n_y, size=(m, T_x))
    return x, y, a0, parameters
