"""softmax and sigmoid: right values, and no overflow or warning for any finite input.

The suite runs with warnings as errors (pyproject.toml), so an overflow warning fails these tests.
"""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnn_core import sigmoid, softmax

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
