"""The embedding lookup: character indices in place of one-hot columns (rnn_core.embedding).

Expected values come from independent paths: the product with one-hot columns built from the
identity matrix, and central differences of a scalar of the lookup. The fused path on indices is
held to the fused path on one-hot inputs (loss and every gradient) in test_training.py and here.
"""

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.embedding import embedding_backward, embedding_forward
from rnn_core.fused import _fused_loss_and_gradients, _fused_loss_and_state
from rnn_core.gradcheck import numerical_gradient

# (n_x, n_a, m, T_x): one example, one step, more examples than characters (repeats), and a
# vocabulary larger than the batch (characters that never occur).
SHAPES = [(5, 3, 1, 7), (4, 6, 3, 1), (3, 4, 9, 6), (40, 5, 2, 3)]


def one_hot_by_hand(indices, n_x):
    """(m, T_x) indices -> (n_x, m, T_x) one-hot columns, rows of the identity matrix."""
    return np.eye(n_x)[indices].transpose(2, 0, 1)  # (m, T_x, n_x) -> (n_x, m, T_x)


def problem(n_x, n_a, m, T_x, seed=0):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n_x, size=(m, T_x))
    return indices, rng.standard_normal((n_a, n_x)), rng.standard_normal((n_a, m, T_x))


@pytest.mark.parametrize("shape", SHAPES)
def test_the_lookup_is_the_product_with_one_hot_columns(shape):
    n_x, n_a, m, T_x = shape
    indices, Wax, _ = problem(*shape)
    out = embedding_forward(indices, Wax)
    expected = np.einsum("ak,kit->ait", Wax, one_hot_by_hand(indices, n_x))  # Wax @ x⟨t⟩
    assert out.shape == (n_a, m, T_x)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_the_scatter_add_is_the_product_with_the_transposed_one_hot_columns(shape):
    n_x, n_a = shape[:2]
    indices, _, dout = problem(*shape)
    dWax = embedding_backward(dout, indices, n_x)
    expected = np.einsum("ait,kit->ak", dout, one_hot_by_hand(indices, n_x))  # Σ dout x⟨t⟩ᵀ
    assert dWax.shape == (n_a, n_x)
    np.testing.assert_allclose(dWax, expected, rtol=1e-12, atol=1e-12)
    unused = np.setdiff1d(np.arange(n_x), indices)
    assert np.all(dWax[:, unused] == 0)  # a character that does not occur gets no gradient


def test_a_character_that_occurs_k_times_gets_the_sum_of_its_k_columns():
    indices = np.array([[2, 0, 2], [2, 1, 0]])  # 2 three times, 0 twice, 1 once, 3 never
    dout = np.arange(1.0, 13.0).reshape(2, 2, 3)  # (n_a, m, T_x)
    dWax = embedding_backward(dout, indices, 4)
    # row 0 of dout: [[1, 2, 3], [4, 5, 6]]: character 2 at (0, 0), (0, 2), (1, 0) -> 1 + 3 + 4
    np.testing.assert_array_equal(dWax[0], [2 + 6, 5, 1 + 3 + 4, 0])
    np.testing.assert_array_equal(dWax[1], [8 + 12, 11, 7 + 9 + 10, 0])


@pytest.mark.parametrize("shape", SHAPES[:3])
def test_the_scatter_add_is_the_gradient_of_a_scalar_of_the_lookup(shape):
    """L = Σ w * embedding_forward(indices, Wax): dL/dWax is embedding_backward(w, indices, n_x),
    against central differences (L is linear in Wax: the differences are exact to round-off)."""
    n_x = shape[0]
    indices, Wax, w = problem(*shape)
    numerical = numerical_gradient(lambda W: float(np.sum(w * embedding_forward(indices, W))), Wax)
    np.testing.assert_allclose(embedding_backward(w, indices, n_x), numerical, atol=1e-8)


@pytest.mark.parametrize(
    "shape", [(5, 4, 3, 1, 7), (4, 6, 4, 3, 1), (3, 5, 3, 9, 6), (40, 5, 3, 2, 3)]
)
def test_the_fused_path_on_indices_equals_the_fused_path_on_one_hot_inputs(shape):
    """Loss, last state and every gradient but dx (indices have none), to 1e-12: m = 1, T_x = 1,
    characters repeated (27 draws of 3), characters unused (6 draws of 40)."""
    n_x, _, _, m, T_x = shape
    _, y, a0, parameters = rc.random_problem(*shape, seed=4)
    indices = np.random.default_rng(5).integers(0, n_x, size=(m, T_x))
    x = one_hot_by_hand(indices, n_x)
    loss, gradients = rc.rnn_loss_and_gradients(x, y, a0, parameters)
    loss_i, gradients_i, a_last_i = _fused_loss_and_gradients(indices, y, a0, parameters)
    assert loss_i == pytest.approx(loss, rel=1e-12)
    assert set(gradients_i) == set(gradients) - {"dx"}
    for name, value in gradients_i.items():
        np.testing.assert_allclose(value, gradients[name], rtol=1e-12, atol=1e-14, err_msg=name)
    loss_s, a_last = _fused_loss_and_state(x, y, a0, parameters)
    np.testing.assert_allclose(a_last_i, a_last, rtol=1e-12, atol=1e-14)
    assert _fused_loss_and_state(indices, y, a0, parameters)[0] == pytest.approx(loss_s, rel=1e-12)


def test_the_lookup_leaves_its_arguments_alone_and_returns_new_arrays():
    indices, Wax, dout = problem(4, 3, 2, 5)
    copies = indices.copy(), Wax.copy(), dout.copy()
    out = embedding_forward(indices, Wax)
    dWax = embedding_backward(dout, indices, 4)
    assert not np.shares_memory(out, Wax) and not np.shares_memory(dWax, dout)
    for before, after in zip(copies, (indices, Wax, dout)):
        np.testing.assert_array_equal(before, after)


def test_float32_weights_give_a_float32_lookup():
    indices, Wax, dout = problem(4, 3, 2, 5)
    assert embedding_forward(indices, Wax.astype(np.float32)).dtype == np.float32
    assert embedding_backward(dout.astype(np.float32), indices, 4).dtype == np.float32


# --- bad arguments: each error names the argument ---

INDICES, WAX, DOUT = problem(4, 3, 2, 5)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: embedding_forward(INDICES.astype(float), WAX), TypeError, "indices must hold int"),
        (lambda: embedding_forward(INDICES == 1, WAX), TypeError, "indices must hold int"),
        (lambda: embedding_forward(INDICES + 4, WAX), ValueError, "outside [0, n_x) = [0, 4)"),
        (lambda: embedding_forward(INDICES - 4, WAX), ValueError, "indices holds the character"),
        (lambda: embedding_forward(INDICES[0], WAX), ValueError, "indices has shape (5,)"),
        (lambda: embedding_forward(INDICES[None], WAX), ValueError, "expected (m, T_x)"),
        (lambda: embedding_forward(INDICES, WAX[0]), ValueError, "Wax has shape (4,)"),
        (lambda: embedding_forward(INDICES, np.full((3, 4), np.nan)), ValueError, "Wax contains"),
        (lambda: embedding_forward(INDICES, "Wax"), TypeError, "Wax must be an array"),
        (lambda: embedding_backward(DOUT, INDICES.astype(float), 4), TypeError, "indices must"),
        (lambda: embedding_backward(DOUT, INDICES, 3), ValueError, "outside [0, n_x) = [0, 3)"),
        (lambda: embedding_backward(DOUT, INDICES, 4.0), TypeError, "n_x must be an int"),
        (lambda: embedding_backward(DOUT, INDICES, 0), ValueError, "n_x must be at least 1"),
        (lambda: embedding_backward(DOUT[:, :1], INDICES, 4), ValueError, "indices has shape"),
        (lambda: embedding_backward(DOUT[0], INDICES, 4), ValueError, "dout has shape (2, 5)"),
        (lambda: embedding_backward(DOUT, INDICES.T, 4), ValueError, "(m, T_x) = (2, 5)"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_that_names_them(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
