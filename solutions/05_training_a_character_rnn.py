"""Notebook 05's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np


def my_cross_entropy_loss(y_pred, y):
    # y_pred: probabilities (n_y, m, T_x); y: integer labels (m, T_x), each in [0, n_y).
    # Return a float: -(1/m) * sum over i and t of log y_pred[y[i, t], i, t].
    # Start with  m, T_x = y.shape
    # stub: raise NotImplementedError("write the cross-entropy loss here")
    m, T_x = y.shape
    p_right = y_pred[y, np.arange(m)[:, None], np.arange(T_x)]  # the right character's, (m, T_x)
    return float(-np.sum(np.log(p_right)) / m)


def my_output_layer_backward(y_pred, y, a, parameters):
    # y_pred (n_y, m, T_x), y (m, T_x) integer labels, a (n_a, m, T_x),
    # parameters["Wya"] (n_y, n_a).
    # Return {"dWya": (n_y, n_a), "dby": (n_y, 1), "da": (n_a, m, T_x)}.
    # stub: raise NotImplementedError("write the output layer's backward pass here")
    Wya = parameters["Wya"]
    n_y, m, T_x = y_pred.shape
    onehot = np.zeros(y_pred.shape)  # (n_y, m, T_x): 1 at the right character of every (i, t)
    onehot[y, np.arange(m)[:, None], np.arange(T_x)] = 1.0
    dlogits = (y_pred - onehot) / m  # a new array, y_pred is left alone
    dWya = np.zeros_like(Wya)
    dby = np.zeros((n_y, 1))
    da = np.zeros(a.shape)
    for t in range(T_x):
        dWya += dlogits[:, :, t] @ a[:, :, t].T  # (n_y, m) @ (m, n_a) -> (n_y, n_a)
        dby += np.sum(dlogits[:, :, t], axis=1, keepdims=True)  # (n_y, 1)
        da[:, :, t] = Wya.T @ dlogits[:, :, t]  # (n_a, n_y) @ (n_y, m) -> (n_a, m)
    return {"dWya": dWya, "dby": dby, "da": da}


def my_softmax(z):
    # z: logits of shape (n_y, m). Return probabilities of the same shape;
    # every column sums to 1.
    # stub: raise NotImplementedError("write your softmax here")
    shifted = z - z.max(axis=0, keepdims=True)  # each column's own maximum: exponents <= 0
    exp_shifted = np.exp(shifted)  # (n_y, m)
    return exp_shifted / exp_shifted.sum(axis=0, keepdims=True)  # (n_y, m) / (1, m)
