"""Character indices instead of one-hot vectors: the embedding lookup (notebooks 05 and 06).

A character model's input x⟨t⟩ is a one-hot column: all zeros but a 1 in the row of the
character. Multiplying a matrix by it picks one column, and nothing else:

    Wax @ onehot(c) = Wax[:, c]                          (n_a, n_x) @ (n_x,) -> (n_a,)

so the input projection Wax x⟨t⟩ of a whole batch is a *gather* of columns of Wax, with no
multiplication at all. Its gradient dWax = Σ_t dz⟨t⟩ x⟨t⟩ᵀ adds each dz column into the column
of Wax that produced it: a *scatter-add*. Columns of characters that do not occur stay 0, and a
character that occurs k times gets the sum of its k columns. There is no dx: the input is a
choice of columns, not a number to differentiate.

CS231n calls the pair `word_embedding_forward` / `word_embedding_backward`; these are the same
functions in this package's shapes (columns, not rows, and the letters of `rnn_core`):

    indices (m, T_x), ints in [0, n_x)      Wax (n_a, n_x)      out, dout (n_a, m, T_x)
"""

import numpy as np

from ._validation import Sizes, check_array, check_indices, check_positive_int, expect_shape


def _check_indices(indices, n_x, sizes):
    indices = check_indices("indices", indices, n_x, "character index", range_name="n_x")
    expect_shape("indices", indices, ("m", "T_x"), sizes)
    return indices


def embedding_forward(indices, Wax):
    """Wax x⟨t⟩ for one-hot inputs, computed as a lookup: out[:, i, t] = Wax[:, indices[i, t]].

    The same numbers as `Wax @ one_hot(indices, n_x)` (exactly: a product with a one-hot column
    adds a single term), without the n_x-fold work of the product.

    Arguments:
    - indices: character indices of shape (m, T_x), integers in [0, n_x).
    - Wax: the input weights, of shape (n_a, n_x).
    Returns: out, of shape (n_a, m, T_x), a new array.
    """
    sizes = Sizes()
    Wax = check_array("Wax", Wax, ("n_a", "n_x"), sizes)
    indices = _check_indices(indices, sizes["n_x"], sizes)
    return _embedding_forward(indices, Wax)


def embedding_backward(dout, indices, n_x):
    """dWax = Σ_t dout⟨t⟩ onehot(indices⟨t⟩)ᵀ, computed as a scatter-add into the columns of dWax.

    dWax[:, c] is the sum of dout[:, i, t] over every (i, t) with indices[i, t] = c: the same
    numbers as `dout @ one_hot(indices, n_x)ᵀ` (to the last bit: it is computed as that product,
    see `_embedding_backward` for why), and 0 for a character that does not occur.

    Arguments:
    - dout: the gradient of the loss with respect to out, of shape (n_a, m, T_x).
    - indices: the character indices of the forward pass, of shape (m, T_x), in [0, n_x).
    - n_x: the vocabulary size (the number of columns of Wax).
    Returns: dWax, of shape (n_a, n_x), a new array.
    """
    n_x = check_positive_int("n_x", n_x)
    sizes = Sizes()
    dout = check_array("dout", dout, ("n_a", "m", "T_x"), sizes)
    indices = _check_indices(indices, n_x, sizes)
    n_a = dout.shape[0]
    return _embedding_backward(dout.reshape(n_a, -1), indices.ravel(), n_x)  # (n_a, m*T_x)


def _embedding_forward(indices, Wax, out=None):
    """Wax[:, indices], of shape (n_a, *indices.shape); written into `out` when it is given.

    Unchecked: every index is in [0, n_x). (mode="clip" only lets numpy skip its own range check
    and write straight into `out`; it clips nothing here.)
    """
    return np.take(Wax, indices, axis=1, out=out, mode="clip")


def _embedding_backward(dout_2d, indices, n_x, out=None):
    """The scatter-add: dWax (n_a, n_x) from dout_2d (n_a, K) and indices (K,), unchecked;
    written into `out` when it is given.

    Which scatter-add: the product dout_2d @ onehotᵀ with a one-hot matrix (n_x, K) built here.
    That sounds like the work the indices save, but it is one call to BLAS, and it adds the
    terms in the very order of the one-hot path, so training gives the same numbers to the last
    bit as it did with one-hot inputs (any other order changes the last bits, and training
    amplifies that step after step: with bincount the loss differed by 5% after 200 steps).
    Measured with one BLAS thread (numpy 2.4) at (n_a, K, n_x) = (64, 400, 36), notebook 05's
    batch: this product 80 µs, one np.bincount over the (row, character) pairs 62 µs, sorting +
    np.add.reduceat 80-160 µs, np.add.at 460 µs; at (128, 800, 36) 290 µs, 330, 460-500 and
    1,200-2,000. Only for a large vocabulary does bincount win clearly (at (512, 3200, 256):
    4.5 ms against 20 ms).
    """
    K = indices.size
    onehot = np.zeros((n_x, K), dtype=dout_2d.dtype)
    onehot[indices, np.arange(K)] = 1  # column k is onehot(indices[k])
    return np.matmul(dout_2d, onehot.T, out=out)  # Σ_k dout[:, k] onehot(indices[k])ᵀ
