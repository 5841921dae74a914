"""The values the seed notebook printed, reproduced from the seed's own set-up code.

Each `seed_*` function below repeats one of the seed's test cells: the same `np.random.seed(1)`,
the same draws in the same order. The expected numbers are copied from the seed's printed output
(and, for the cell backward with a fresh cache, from the seed's notes: the values the original
assignment published).
"""

import numpy as np
from helpers import reference_forward

from rnn_core import rnn_backward, rnn_cell_backward, rnn_cell_forward, rnn_forward

# Scalars the seed printed with repr's 17 significant digits: equal to within a few units in the
# last place (a BLAS may add the terms of a product in another order than the seed's did).
REPR = {"rtol": 1e-14, "atol": 0}


def assert_prints_as(actual, printed):
    """Each entry of `actual` is within one unit of the last digit of its number in `printed`.

    The seed printed arrays with numpy's 8 decimals. One unit of the last printed digit (not half
    a unit) because one number of the seed's text lost its last digit at a line wrap: it reads
    "0.9998097" where numpy prints 0.99980978.
    """
    tokens = printed.strip("[]").split()
    values = np.array([float(token) for token in tokens])
    units = np.array([10.0 ** -len(token.partition(".")[2]) for token in tokens])
    actual = np.ravel(actual)
    assert actual.shape == values.shape, (actual, printed)
    assert np.all(np.abs(actual - values) < units), (actual, printed)


def seed_cell_forward_setup():
    """The seed's CellForwardRNN test cell: (xt, a_prev, parameters)."""
    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    Waa = np.random.randn(5, 5)
    Wax = np.random.randn(5, 3)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    return xt, a_prev, {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}


def seed_forward_setup():
    """The seed's ForwardPassRNN test cell: (x, a0, parameters)."""
    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    Waa = np.random.randn(5, 5)
    Wax = np.random.randn(5, 3)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    return x, a0, {"Waa": Waa, "Wax": Wax, "Wya": Wya, "ba": ba, "by": by}


def seed_cell_backward_setup():
    """The seed's CellBackwardRNN test cell, run after the two cells above, as in the seed.

    Returns (fresh_cache, stale_cache, da_next). The cell draws `b` but builds its dict from `ba`,
    the variable the ForwardPassRNN cell left behind (bug 1); it then passes `cache`, the cache
    left by the very first cell, instead of the `Cache` it has just computed (bug 2).
    """
    xt, a_prev, parameters = seed_cell_forward_setup()
    _, _, stale_cache = rnn_cell_forward(xt, a_prev, parameters)
    ba_left_behind = seed_forward_setup()[2]["ba"]

    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    Wax = np.random.randn(5, 3)
    Waa = np.random.randn(5, 5)
    Wya = np.random.randn(2, 5)
    b = np.random.randn(5, 1)  # drawn, never used: bug 1  # noqa: F841
    by = np.random.randn(2, 1)
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba_left_behind, "by": by}
    _, _, fresh_cache = rnn_cell_forward(xt, a_prev, parameters)
    da_next = np.random.randn(5, 10)
    return fresh_cache, stale_cache, da_next


# The seed's printed values, copied from its text (NextStatet[4] keeps the seed's "0.9998097").
SEED_NEXT_STATE_4 = (
    "0.59584544 0.18141802 0.61311866 0.99808218 0.85016201 0.9998097 "
    "-0.18887155 0.99815551 0.6531151 0.82872037"
)
SEED_OUTPUT_1 = (
    "0.9888161 0.01682021 0.21140899 0.36817467 0.98988387 0.88945212 "
    "0.36920224 0.9966312 0.9982559 0.17746526"
)
SEED_A_4_1 = "-0.99999375 0.77911235 -0.99861469 -0.99833267"
SEED_Y_PRED_1_3 = "0.79560373 0.86224861 0.11118257 0.81515947"


def test_cell_forward_matches_seed():
    a_next, yt_pred, cache = rnn_cell_forward(*seed_cell_forward_setup())
    assert_prints_as(a_next[4], SEED_NEXT_STATE_4)
    assert_prints_as(yt_pred[1], SEED_OUTPUT_1)
    assert a_next.shape == (5, 10)  # the seed printed both shapes
    assert yt_pred.shape == (2, 10)
    assert len(cache) == 4  # (a_next, a_prev, xt, parameters), the seed's Cache


def test_forward_matches_seed():
    a, y_pred, caches = rnn_forward(*seed_forward_setup())
    assert_prints_as(a[4][1], SEED_A_4_1)
    assert_prints_as(y_pred[1][3], SEED_Y_PRED_1_3)
    assert_prints_as(caches[1][1][3], "-1.1425182 -0.34934272 -0.20889423 0.58662319")
    assert a.shape == (5, 10, 4)
    assert y_pred.shape == (2, 10, 4)
    assert len(caches) == 2
    assert len(caches[0]) == 4


def test_backward_matches_seed():
    # The seed's BackwardPassRNN cell draws Wax before Waa, unlike its forward cell.
    np.random.seed(1)
    x = np.random.randn(3, 10, 4)
    a0 = np.random.randn(5, 10)
    Wax = np.random.randn(5, 3)
    Waa = np.random.randn(5, 5)
    Wya = np.random.randn(2, 5)
    ba = np.random.randn(5, 1)
    by = np.random.randn(2, 1)
    parameters = {"Wax": Wax, "Waa": Waa, "Wya": Wya, "ba": ba, "by": by}
    _, _, caches = rnn_forward(x, a0, parameters)
    da = np.random.randn(5, 10, 4)
    gradients = rnn_backward(da, caches)
    assert_prints_as(gradients["dx"][1][2], "-2.07101689 -0.59255627 0.02466855 0.01483317")
    np.testing.assert_allclose(gradients["da0"][2][3], -0.31494237512664996, **REPR)
    np.testing.assert_allclose(gradients["dWax"][3][1], 11.264104496527777, **REPR)
    np.testing.assert_allclose(gradients["dWaa"][1][2], 2.303333126579893, **REPR)
    assert_prints_as(gradients["dba"][4], "-0.74747722")
    assert gradients["dx"].shape == (3, 10, 4)
    assert gradients["da0"].shape == (5, 10)
    assert gradients["dWax"].shape == (5, 3)
    assert gradients["dWaa"].shape == (5, 5)
    assert gradients["dba"].shape == (5, 1)


def test_cell_backward_with_fresh_cache():
    """The correct values, from the cache the cell has just computed (the original assignment's)."""
    fresh_cache, _, da_next = seed_cell_backward_setup()
    gradients = rnn_cell_backward(da_next, fresh_cache)
    np.testing.assert_allclose(gradients["dxt"][1][2], -0.46056410305887957, **REPR)
    np.testing.assert_allclose(gradients["da_prev"][2][3], 0.0842968653806773, **REPR)
    np.testing.assert_allclose(gradients["dWax"][3][1], 0.39308187392193045, **REPR)
    np.testing.assert_allclose(gradients["dWaa"][1][2], -0.28483955786960674, **REPR)
    assert_prints_as(gradients["dba"][4], "0.80517166")
    assert gradients["dxt"].shape == (3, 10)
    assert gradients["da_prev"].shape == (5, 10)
    assert gradients["dWax"].shape == (5, 3)
    assert gradients["dWaa"].shape == (5, 5)
    assert gradients["dba"].shape == (5, 1)


def test_cell_backward_with_stale_cache_reproduces_what_the_seed_printed():
    """The lesson pinned: the seed's printed numbers come from a cache left by an earlier cell."""
    fresh_cache, stale_cache, da_next = seed_cell_backward_setup()
    stale = rnn_cell_backward(da_next, stale_cache)
    np.testing.assert_allclose(stale["dxt"][1][2], 1.3653821219712916, **REPR)
    np.testing.assert_allclose(stale["da_prev"][2][3], -0.04357779106461625, **REPR)
    np.testing.assert_allclose(stale["dWax"][3][1], -1.5012584841864745, **REPR)
    np.testing.assert_allclose(stale["dWaa"][1][2], 1.1441951795389382, **REPR)
    assert_prints_as(stale["dba"][4], "1.42397243")
    fresh = rnn_cell_backward(da_next, fresh_cache)
    assert not np.allclose(stale["dxt"], fresh["dxt"])


def test_the_tests_reference_rnn_reproduces_the_seed():
    """helpers.reference_forward, the tests' own RNN, against the seed's printed values."""
    xt, a_prev, parameters = seed_cell_forward_setup()
    a, log_p = reference_forward(xt[:, :, None], a_prev, parameters)  # one step: T_x = 1
    assert_prints_as(a[4, :, 0], SEED_NEXT_STATE_4)
    assert_prints_as(np.exp(log_p[1, :, 0]), SEED_OUTPUT_1)
    a, log_p = reference_forward(*seed_forward_setup())
    assert_prints_as(a[4][1], SEED_A_4_1)
    assert_prints_as(np.exp(log_p[1][3]), SEED_Y_PRED_1_3)
