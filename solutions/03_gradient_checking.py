"""Notebook 03's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np


def my_numerical_gradient(f, x, h=1e-5):
    # f: a function of one array shaped like x, returning a number; x: any shape.
    # Return an array of x's shape: entry i is (f(x + h e_i) - f(x - h e_i)) / (2h).
    # Leave the caller's x unchanged.
    # stub: raise NotImplementedError("write central differences here")
    point = np.array(x, dtype=float)  # a float64 copy: the caller's x is never touched
    gradient = np.zeros(point.shape)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        f_plus = f(point)
        point[index] = original - h
        f_minus = f(point)
        point[index] = original  # put it back before moving to the next entry
        gradient[index] = (f_plus - f_minus) / (2 * h)  # equation (1), central
    return gradient


def my_cross_entropy_loss(y_pred, y):
    # y_pred: probabilities (n_y, m, T_x), each column summing to 1;
    # y: integer labels (m, T_x), each in [0, n_y). Return the loss, a float.
    # stub: raise NotImplementedError("write the cross-entropy here")
    m, T_x = y.shape
    p_right = y_pred[y, np.arange(m)[:, None], np.arange(T_x)[None, :]]  # (m, T_x)
    return float(-np.sum(np.log(p_right)) / m)  # summed over i and t, averaged over m


def my_output_layer_backward(y_pred, y, a, parameters):
    # y_pred (n_y, m, T_x); y (m, T_x) integer labels; a (n_a, m, T_x);
    # parameters["Wya"] (n_y, n_a).
    # Return {"dWya": (n_y, n_a), "dby": (n_y, 1), "da": (n_a, m, T_x)}.
    # stub: raise NotImplementedError("write the output layer's backward pass here")
    Wya = parameters["Wya"]
    n_y, m, T_x = y_pred.shape
    onehot = np.zeros(y_pred.shape)  # (n_y, m, T_x): 1 at the right class of every (i, t)
    onehot[y, np.arange(m)[:, None], np.arange(T_x)[None, :]] = 1.0
    dlogits = (y_pred - onehot) / m  # a new array, y_pred is left alone
    dWya = np.zeros_like(Wya)
    dby = np.zeros((n_y, 1))
    da = np.zeros(a.shape)
    for t in range(T_x):
        dWya += dlogits[:, :, t] @ a[:, :, t].T  # Σ_t dlogits_t a_tᵀ: (n_y, n_a)
        dby += np.sum(dlogits[:, :, t], axis=1, keepdims=True)  # Σ_t Σ_i: (n_y, 1)
        da[:, :, t] = Wya.T @ dlogits[:, :, t]  # Wyaᵀ dlogits_t: (n_a, m)
    return {"dWya": dWya, "dby": dby, "da": da}
