"""softmax, log_softmax and sigmoid: right values, and no overflow or warning for any finite input.

The suite runs with warnings as errors (pyproject.toml), so an overflow warning fails these tests.
"""

import math

import numpy as np
from helpers import reference_log_softmax
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnn_core import log_softmax, sigmoid, softmax

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def test_softmax_of_columns_far_apart_is_finite_and_exact():
    """One max for the whole batch (the seed's version) gives 0/0 = nan in the second column."""
    p = softmax(np.array([[1000.0, 0.0], [1001.0, 1.0]]))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=0), [1.0, 1.0], rtol=0, atol=1e-15)
    e = math.e  # both columns differ by 1 between their two entries: [1, e] / (1 + e)
    expected_column = [1 / (1 + e), e / (1 + e)]
    np.testing.assert_allclose(p, np.array([expected_column, expected_column]).T, rtol=1e-15)


def test_softmax_matches_the_textbook_formula_where_that_formula_is_safe():
    z = np.random.default_rng(0).standard_normal((4, 6, 3))
    expected = np.exp(z) / np.exp(z).sum(axis=0)
    np.testing.assert_allclose(softmax(z), expected, rtol=1e-14)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (3, 4), elements=finite), arrays(np.float64, (1, 4), elements=finite))
def test_softmax_columns_sum_to_one_and_ignore_a_shift_per_column(z, shift):
    p = softmax(z)
    assert np.all(np.isfinite(p)) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(softmax(z + shift), p, rtol=0, atol=1e-9)


def test_sigmoid_at_large_inputs_raises_no_warning():
    np.testing.assert_array_equal(sigmoid(np.array([-1e4, 1e4])), [0.0, 1.0])
    # 1 / (1 + exp(740)) would overflow, warn and give 0; exp(-740) = 4e-322 is representable.
    assert sigmoid(-740.0) == np.exp(-740.0) > 0


@settings(max_examples=50, deadline=None)
@given(st.floats(-700, 700))
def test_sigmoid_matches_math_exp_and_its_symmetry(z):
    expected = 1 / (1 + math.exp(-z))
    assert math.isclose(float(sigmoid(z)), expected, rel_tol=1e-14, abs_tol=1e-300)
    assert math.isclose(float(sigmoid(z) + sigmoid(-z)), 1.0, rel_tol=1e-15)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (4, 3), elements=st.floats(-1e4, 1e4)))
def test_log_softmax_equals_a_column_by_column_fsum_and_never_underflows(z):
    """Against math.fsum column by column; a class with probability exp(-2e4) keeps its log."""
    expected = np.stack([reference_log_softmax(z[:, j]) for j in range(z.shape[1])], axis=1)
    log_p = log_softmax(z)
    assert np.all(np.isfinite(log_p)) and np.all(log_p <= 0)
    # Each entry is z - max z - log Σ: its round-off is a few ulps of the largest |z|.
    np.testing.assert_allclose(log_p, expected, rtol=0, atol=1e-15 * max(1.0, np.abs(z).max()))
    np.testing.assert_allclose(np.exp(log_p), softmax(z), rtol=1e-15, atol=1e-300)


def test_log_softmax_of_logits_far_apart_is_exact():
    log_p = log_softmax(np.array([[5e3], [-5e3]]))
    # log(1 + exp(-1e4)) = 0 in float64, so the entries are exactly 0 and -1e4.
    np.testing.assert_array_equal(log_p, [[0.0], [-1e4]])


def test_float32_stays_float32_and_agrees_with_float64_to_its_precision():
    z = np.random.default_rng(1).standard_normal((5, 4)) * 10
    for function in (softmax, log_softmax, sigmoid):
        single = function(z.astype(np.float32))
        assert single.dtype == np.float32, function.__name__
        np.testing.assert_allclose(single, function(z), rtol=1e-5, atol=1e-6)
