"""Notebook 04's exercises, solved (the format, and how the stubs derive: tools/editions.py)."""

import numpy as np


def my_rnn_cell_backward(da_next, cache):
    # da_next (n_a, m); cache = (a_next (n_a, m), a_prev (n_a, m), xt (n_x, m),
    #                            parameters).
    # Return {"dxt": (n_x, m), "da_prev": (n_a, m), "dWax": (n_a, n_x),
    #         "dWaa": (n_a, n_a), "dba": (n_a, 1)}.
    # stub: raise NotImplementedError("write one step of the backward pass here")
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dz = (1 - a_next**2) * da_next  # the slopes of the tanh, (n_a, m)
    dxt = Wax.T @ dz  # (n_x, m)
    dWax = dz @ xt.T  # (n_a, n_x)
    da_prev = Waa.T @ dz  # J^T da_next = Waa^T ((1 - a^2) * da_next), (n_a, m)
    dWaa = dz @ a_prev.T  # (n_a, n_a)
    dba = np.sum(dz, axis=1, keepdims=True)  # (n_a, 1)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def my_rnn_backward(da, caches):
    # da (n_a, m, T_x): gradient from the outputs;
    # caches = (list of T_x cell caches, x (n_x, m, T_x)).
    # Return {"dx": (n_x, m, T_x), "da0": (n_a, m), "dWax": (n_a, n_x),
    #         "dWaa": (n_a, n_a), "dba": (n_a, 1)}.
    # stub: raise NotImplementedError("write the loop over time here")
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prev = np.zeros((n_a, m))  # nothing comes back from after the last step
    for t in reversed(range(T_x)):
        # each step back multiplies da_prev by one more J^T
        gradients = my_rnn_cell_backward(da[:, :, t] + da_prev, cell_caches[t])
        dx[:, :, t] = gradients["dxt"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
        da_prev = gradients["da_prev"]
    return {"dx": dx, "da0": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
