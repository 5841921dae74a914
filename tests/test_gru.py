"""The GRU (`rnn_core.gru`), both variants: forward against a reference written out, every gradient
against central differences, PyTorch where it is installed, and the bad-input table.

Oracles, none of them the code under test:
- `reference_gru` below: the equations one example and one time step at a time, with the gate
  weights split into their a_prev and xt columns instead of acting on a stack;
- central differences (`rnn_core.numerical_gradient`) of sum(a_next * da_next), of sum(a * da) and
  of `gru_loss`, held to `helpers.assert_gradient` (1e-6 relative, 1e-9·max(1, |f|) absolute);
- torch autograd in float64 on the Cho form written in torch ops, and `torch.nn.GRU` itself for
  the PyTorch variant, to 1e-10. These are skipped without torch, unless RNN_CORE_REQUIRE_TORCH
  is set (as CI does), where a missing torch is an error.
"""

import math

import numpy as np
import pytest
from helpers import (
    CORNERS,
    assert_gradient,
    assert_rejects,
    bad,
    moderate_scales,
    needs_torch,
    picked_loss,
    reference_log_softmax,
    seeds,
    sizes,
    torch,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rnn_core.gru import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss,
    gru_loss_and_gradients,
    initialize_gru_parameters,
)
from rnn_core.problems import random_problem

VARIANTS = ("cho", "pytorch")
GATE_KEYS = ("Wz", "bz", "Wr", "br", "Wh", "bh")
TORCH_TOL = 1e-10
random_problems = settings(max_examples=10, deadline=None)


def keys_of(variant):
    """The parameter keys of a variant, in the order rnn_core returns them."""
    return (*GATE_KEYS, *(("bha",) if variant == "pytorch" else ()), "Wy", "by")


def gru_problem(n_x, n_a, n_y, m, T_x, seed=0, scale=1.0, variant="cho", dtype=np.float64):
    """x, y, a0 and GRU parameters: x, y and the output layer from `random_problem`, the gates
    drawn here with standard deviation scale/√(n_a + n_x) and biases of standard deviation 0.5."""
    x, y, a0, rnn = random_problem(n_x, n_a, n_y, m, T_x, seed, a0_scale=1.0)
    rng = np.random.default_rng([seed, 7])
    parameters = {}
    for gate in "zrh":
        weight = rng.standard_normal((n_a, n_a + n_x)) * scale / math.sqrt(n_a + n_x)
        parameters["W" + gate] = weight
        parameters["b" + gate] = 0.5 * rng.standard_normal((n_a, 1))
    if variant == "pytorch":
        parameters["bha"] = 0.5 * rng.standard_normal((n_a, 1))
    parameters.update(Wy=rnn["Wya"], by=rnn["by"])
    cast = {k: v.astype(dtype) for k, v in parameters.items()}
    return x.astype(dtype), y, a0.astype(dtype), cast


def with_corners(test):
    for corner in CORNERS:  # m = 1 and T_x = 1 among them
        test = example(sizes=corner, seed=0, scale=1.0)(test)
    return test


# --- a reference GRU, written out ---


def reference_gru(x, a0, parameters, variant):
    """Hidden states (n_a, m, T_x) and log-probabilities (n_y, m, T_x), one example at a time.

    Every gate weight W is used as its two blocks, W[:, :n_a] on a_prev and W[:, n_a:] on xt.
    """
    P = {k: np.asarray(v, dtype=np.float64) for k, v in parameters.items()}
    n_a, (n_y, _) = a0.shape[0], P["Wy"].shape
    _, m, T_x = x.shape
    a, log_p = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))

    def sigma(u):
        return 1 / (1 + np.exp(-u))

    def gate(name, state, xt):
        W = P["W" + name]
        return W[:, :n_a] @ state + W[:, n_a:] @ xt + P["b" + name][:, 0]

    for i in range(m):
        state = np.asarray(a0[:, i], dtype=np.float64)
        for t in range(T_x):
            xt = np.asarray(x[:, i, t], dtype=np.float64)
            z, r = sigma(gate("z", state, xt)), sigma(gate("r", state, xt))
            Wh_a, Wh_x, bh = P["Wh"][:, :n_a], P["Wh"][:, n_a:], P["bh"][:, 0]
            if variant == "cho":
                candidate = np.tanh(Wh_a @ (r * state) + Wh_x @ xt + bh)
            else:
                candidate = np.tanh(Wh_x @ xt + bh + r * (Wh_a @ state + P["bha"][:, 0]))
            state = z * state + (1 - z) * candidate
            a[:, i, t] = state
            log_p[:, i, t] = reference_log_softmax(P["Wy"] @ state + P["by"][:, 0])
    return a, log_p


@pytest.mark.parametrize("variant", VARIANTS)
@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_forward_and_loss_equal_the_reference(variant, sizes, seed, scale):
    x, y, a0, parameters = gru_problem(*sizes, seed, scale, variant)
    expected_a, expected_log_p = reference_gru(x, a0, parameters, variant)
    a, y_pred, caches = gru_forward(x, a0, parameters, variant=variant)
    np.testing.assert_allclose(a, expected_a, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y_pred, np.exp(expected_log_p), rtol=1e-12, atol=1e-14)
    a_next, yt_pred, cache = gru_cell_forward(x[:, :, 0], a0, parameters, variant=variant)
    np.testing.assert_allclose(a_next, expected_a[:, :, 0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(yt_pred, np.exp(expected_log_p[:, :, 0]), rtol=1e-12, atol=1e-14)
    assert len(cache) == 8 and cache[7] == variant and len(caches) == 2
    expected_loss = picked_loss(expected_log_p, y)
    assert gru_loss(x, y, a0, parameters, variant) == pytest.approx(expected_loss, rel=1e-12)
    loss, _ = gru_loss_and_gradients(x, y, a0, parameters, variant)
    assert loss == pytest.approx(expected_loss, rel=1e-12)


def test_the_two_variants_agree_where_the_reset_cannot_matter():
    # With Wh_a = 0 and bha = 0 the reset gate multiplies zero in both forms.
    x, _, a0, parameters = gru_problem(3, 4, 2, 5, 6, seed=3, variant="pytorch")
    parameters["Wh"][:, :4] = 0.0
    parameters["bha"][:] = 0.0
    cho = gru_forward(x, a0, parameters, variant="cho")[0]
    pytorch = gru_forward(x, a0, parameters, variant="pytorch")[0]
    np.testing.assert_allclose(cho, pytorch, rtol=0, atol=1e-15)


# --- gradients against central differences ---


@pytest.mark.parametrize("variant", VARIANTS)
@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_cell_backward_matches_numerical_gradients(variant, sizes, seed, scale):
    x, _, a0, parameters = gru_problem(*sizes, seed, scale, variant)
    xt = x[:, :, 0]
    da_next = np.random.default_rng(seed).standard_normal(a0.shape)
    _, _, cache = gru_cell_forward(xt, a0, parameters, variant=variant)
    gradients = gru_cell_backward(da_next, cache)
    assert set(gradients) == {"dxt", "da_prev", *("d" + k for k in keys_of(variant)[:-2])}

    def objective(xt, a_prev, parameters):  # sum(a_next · da_next): its gradient is the backward's
        return float(np.sum(gru_cell_forward(xt, a_prev, parameters, variant)[0] * da_next))

    assert_gradient(gradients["dxt"], lambda v: objective(v, a0, parameters), xt, "xt")
    assert_gradient(gradients["da_prev"], lambda v: objective(xt, v, parameters), a0, "a_prev")
    for key in keys_of(variant)[:-2]:  # the output layer does not reach a_next
        f = lambda v, key=key: objective(xt, a0, {**parameters, key: v})  # noqa: E731
        assert_gradient(gradients["d" + key], f, parameters[key], key)


@pytest.mark.parametrize("variant", VARIANTS)
@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_sequence_backward_matches_numerical_gradients(variant, sizes, seed, scale):
    x, _, a0, parameters = gru_problem(*sizes, seed, scale, variant)
    _, _, caches = gru_forward(x, a0, parameters, variant=variant)
    da = np.random.default_rng(seed).standard_normal((a0.shape[0], *x.shape[1:]))
    gradients = gru_backward(da, caches)
    assert set(gradients) == {"dx", "da0", *("d" + k for k in keys_of(variant)[:-2])}

    def objective(x, a0, parameters):  # sum(a · da) over every step
        return float(np.sum(gru_forward(x, a0, parameters, variant)[0] * da))

    assert_gradient(gradients["dx"], lambda v: objective(v, a0, parameters), x, "x")
    assert_gradient(gradients["da0"], lambda v: objective(x, v, parameters), a0, "a0")
    for key in keys_of(variant)[:-2]:
        f = lambda v, key=key: objective(x, a0, {**parameters, key: v})  # noqa: E731
        assert_gradient(gradients["d" + key], f, parameters[key], key)


@pytest.mark.parametrize("variant", VARIANTS)
@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=moderate_scales)
def test_loss_gradients_match_numerical_gradients(variant, sizes, seed, scale):
    x, y, a0, parameters = gru_problem(*sizes, seed, scale, variant)
    _, gradients = gru_loss_and_gradients(x, y, a0, parameters, variant)
    expected_keys = [*("d" + k for k in keys_of(variant)), "da0", "dx"]
    assert list(gradients) == expected_keys
    for key in keys_of(variant):
        f = lambda v, key=key: gru_loss(x, y, a0, {**parameters, key: v}, variant)  # noqa: E731
        assert_gradient(gradients["d" + key], f, parameters[key], key)
    assert_gradient(gradients["da0"], lambda v: gru_loss(x, y, v, parameters, variant), a0, "a0")
    assert_gradient(gradients["dx"], lambda v: gru_loss(v, y, a0, parameters, variant), x, "x")


# --- dtypes, saturation, arguments left alone, initialisation ---


def every_array(value):
    """The arrays in a nest of tuples, lists and dicts."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        return [array for item in value for array in every_array(item)]
    return []


def gru_calls(x, y, a0, parameters, variant):
    """Every public function on one problem: {name: what it returned}."""
    _, _, cache = gru_cell_forward(x[:, :, 0], a0, parameters, variant)
    _, _, caches = gru_forward(x, a0, parameters, variant)
    return {
        "gru_cell_forward": gru_cell_forward(x[:, :, 0], a0, parameters, variant),
        "gru_cell_backward": gru_cell_backward(np.ones_like(a0), cache),
        "gru_forward": gru_forward(x, a0, parameters, variant),
        "gru_backward": gru_backward(np.ones((a0.shape[0], *x.shape[1:]), a0.dtype), caches),
        "gru_loss_and_gradients": gru_loss_and_gradients(x, y, a0, parameters, variant),
    }


@pytest.mark.parametrize("variant", VARIANTS)
def test_float32_stays_float32_and_agrees_with_float64_to_its_precision(variant):
    singles = gru_calls(*gru_problem(3, 5, 2, 4, 6, 1, variant=variant, dtype=np.float32), variant)
    doubles = gru_calls(*gru_problem(3, 5, 2, 4, 6, 1, variant=variant), variant)
    for name in singles:
        pairs = list(zip(every_array(singles[name]), every_array(doubles[name])))
        assert pairs, name
        for single, double in pairs:
            assert single.dtype == np.float32, (name, single.shape)
            np.testing.assert_allclose(single, double, rtol=1e-4, atol=1e-5, err_msg=name)
    loss = singles["gru_loss_and_gradients"][0]
    assert loss == pytest.approx(doubles["gru_loss_and_gradients"][0], rel=1e-5)


@pytest.mark.parametrize("variant", VARIANTS)
def test_saturated_gates_give_finite_numbers_without_warnings(variant):
    # Pre-activations in the hundreds: σ and tanh at 0 or ±1 exactly; warnings are errors here.
    x, y, a0, parameters = gru_problem(3, 5, 4, 3, 8, 2, scale=300.0, variant=variant)
    loss, gradients = gru_loss_and_gradients(x, y, a0, parameters, variant)
    assert np.isfinite(loss)
    assert all(np.isfinite(g).all() for g in gradients.values())


@pytest.mark.parametrize("variant", VARIANTS)
def test_inputs_are_not_modified(variant):
    x, y, a0, parameters = gru_problem(3, 5, 2, 4, 3, 4, variant=variant)
    copies = (x.copy(), y.copy(), a0.copy(), {k: v.copy() for k, v in parameters.items()})
    _, _, caches = gru_forward(x, a0, parameters, variant)
    da = np.ones((5, 4, 3))
    gru_backward(da, caches)
    gru_cell_backward(da[:, :, 0], caches[0][0])
    gru_loss_and_gradients(x, y, a0, parameters, variant)
    for original, copy in zip((x, y, a0), copies[:3]):
        np.testing.assert_array_equal(original, copy)
    assert np.all(da == 1)
    for key, value in parameters.items():
        np.testing.assert_array_equal(value, copies[3][key], err_msg=key)


def test_initialize_gru_parameters():
    parameters = initialize_gru_parameters(3, 5, 2, scale=0.1, seed=4)
    assert list(parameters) == list(keys_of("cho"))
    shapes = {k: v.shape for k, v in parameters.items()}
    assert shapes == {
        **dict.fromkeys(("Wz", "Wr", "Wh"), (5, 8)),
        **dict.fromkeys(("bz", "br", "bh"), (5, 1)),
        "Wy": (2, 5),
        "by": (2, 1),
    }
    assert all(not parameters[k].any() for k in ("bz", "br", "bh", "by"))
    weights = np.concatenate([parameters[k].ravel() for k in ("Wz", "Wr", "Wh", "Wy")])
    assert 0.07 < weights.std() < 0.13  # 130 draws of N(0, 0.1²)
    again = initialize_gru_parameters(3, 5, 2, scale=0.1, seed=4, variant="pytorch")
    assert list(again) == list(keys_of("pytorch")) and not again["bha"].any()
    for key in parameters:
        np.testing.assert_array_equal(parameters[key], again[key])


# --- PyTorch (optional) ---


def torch_leaves(arrays):
    return {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in arrays.items()}


def torch_output_loss(a_steps, leaves, y):
    """The RNN's cross-entropy in torch: summed over time, averaged over the m sequences."""
    labels = torch.tensor(y, dtype=torch.long)  # (m, T_x)
    losses = [
        torch.nn.functional.cross_entropy(
            (leaves["Wy"] @ a_t + leaves["by"]).T, labels[:, t], reduction="sum"
        )
        for t, a_t in enumerate(a_steps)
    ]
    return torch.stack(losses).sum() / y.shape[0]


def torch_cho_loss_and_gradients(x, y, a0, parameters):
    """The Cho form written in torch ops; gradients from loss.backward()."""
    leaves = torch_leaves({**parameters, "a0": a0, "x": x})
    Wz, bz, Wr, br, Wh, bh = (leaves[k] for k in GATE_KEYS)
    a, a_steps = leaves["a0"], []
    for t in range(x.shape[2]):
        xt = leaves["x"][:, :, t]
        stack = torch.cat((a, xt), dim=0)
        z = torch.sigmoid(Wz @ stack + bz)
        r = torch.sigmoid(Wr @ stack + br)
        candidate = torch.tanh(Wh @ torch.cat((r * a, xt), dim=0) + bh)
        a = z * a + (1 - z) * candidate
        a_steps.append(a)
    loss = torch_output_loss(a_steps, leaves, y)
    loss.backward()
    return loss.item(), {"d" + k: leaf.grad.numpy() for k, leaf in leaves.items()}


def nn_gru_of(parameters, reset_bias=None):
    """A torch.nn.GRU holding our weights.

    nn.GRU stacks its gates in the order r, z, n (n is our h̃) and splits each of our W into
    weight_ih (the xt columns, W[:, n_a:]) and weight_hh (the a_prev columns, W[:, :n_a]). Its two
    biases per gate enter r and z only as their sum: we put br, bz, bh in bias_ih and zeros in
    bias_hh, except for the n rows of bias_hh, which sit inside the reset (our bha). `reset_bias`
    overrides bha (0 for the Cho comparison, where there is no bha).
    """
    n_a = parameters["Wz"].shape[0]
    n_x = parameters["Wz"].shape[1] - n_a
    bha = parameters["bha"] if reset_bias is None else np.full((n_a, 1), float(reset_bias))
    gru = torch.nn.GRU(n_x, n_a, dtype=torch.float64)
    order = ("r", "z", "h")  # nn.GRU's r, z, n
    values = {
        "weight_ih_l0": np.vstack([parameters["W" + g][:, n_a:] for g in order]),  # (3 n_a, n_x)
        "weight_hh_l0": np.vstack([parameters["W" + g][:, :n_a] for g in order]),  # (3 n_a, n_a)
        "bias_ih_l0": np.vstack([parameters["b" + g] for g in order]).ravel(),  # (3 n_a,)
        "bias_hh_l0": np.vstack([0 * bha, 0 * bha, bha]).ravel(),  # (3 n_a,)
    }
    with torch.no_grad():
        for name, value in values.items():
            getattr(gru, name).copy_(torch.tensor(value))
    return gru


def nn_gru_states(gru, x, a0):
    """Run nn.GRU on our layout: x (n_x, m, T_x) -> (T_x, m, n_x), a0 (n_a, m) -> (1, m, n_a);
    its output (T_x, m, n_a) back to (n_a, m, T_x)."""
    output, _ = gru(x.permute(2, 1, 0), a0.T.unsqueeze(0))
    return output.permute(2, 1, 0)


def nn_gru_loss_and_gradients(x, y, a0, parameters):
    """The loss through nn.GRU and our output layer; every gradient mapped back to our names."""
    n_a = a0.shape[0]
    gru = nn_gru_of(parameters)
    leaves = torch_leaves({"Wy": parameters["Wy"], "by": parameters["by"], "a0": a0, "x": x})
    a = nn_gru_states(gru, leaves["x"], leaves["a0"])  # (n_a, m, T_x)
    loss = torch_output_loss(a.unbind(dim=2), leaves, y)
    loss.backward()
    grad = {name: p.grad.numpy() for name, p in gru.named_parameters()}
    rows = {g: slice(k * n_a, (k + 1) * n_a) for k, g in enumerate(("r", "z", "h"))}
    gradients = {}
    for g, rows_g in rows.items():
        a_columns, x_columns = grad["weight_hh_l0"][rows_g], grad["weight_ih_l0"][rows_g]
        gradients["dW" + g] = np.hstack((a_columns, x_columns))  # [a_prev columns | xt columns]
        gradients["db" + g] = grad["bias_ih_l0"][rows_g][:, None]
    gradients["dbha"] = grad["bias_hh_l0"][rows["h"]][:, None]
    gradients.update({"d" + k: leaf.grad.numpy() for k, leaf in leaves.items()})
    return loss.item(), gradients


def assert_equal_to_torch(loss, gradients, torch_loss, torch_gradients):
    assert abs(loss - torch_loss) <= TORCH_TOL * max(1.0, abs(torch_loss))
    assert set(gradients) == set(torch_gradients)
    for name, expected in torch_gradients.items():
        np.testing.assert_allclose(
            gradients[name], expected, rtol=TORCH_TOL, atol=TORCH_TOL, err_msg=name
        )


torch_problems = settings(max_examples=15, deadline=None)
torch_scales = st.sampled_from((0.5, 1.0, 2.0, 5.0))


@needs_torch
@torch_problems
@example(sizes=(3, 5, 2, 10, 7), seed=1, scale=1.0)
@example(sizes=CORNERS[0], seed=0, scale=1.0)
@example(sizes=(3, 5, 4, 3, 6), seed=2, scale=5.0)  # saturated gates
@given(sizes=sizes, seed=seeds, scale=torch_scales)
def test_cho_loss_and_gradients_equal_torch_autograd(sizes, seed, scale):
    x, y, a0, parameters = gru_problem(*sizes, seed, scale, "cho")
    loss, gradients = gru_loss_and_gradients(x, y, a0, parameters)
    assert_equal_to_torch(loss, gradients, *torch_cho_loss_and_gradients(x, y, a0, parameters))


@needs_torch
@torch_problems
@example(sizes=(3, 5, 2, 10, 7), seed=1, scale=1.0)
@example(sizes=CORNERS[0], seed=0, scale=1.0)
@example(sizes=(3, 5, 4, 3, 6), seed=2, scale=5.0)
@given(sizes=sizes, seed=seeds, scale=torch_scales)
def test_pytorch_variant_equals_nn_gru(sizes, seed, scale):
    x, y, a0, parameters = gru_problem(*sizes, seed, scale, "pytorch")
    a, _, _ = gru_forward(x, a0, parameters, variant="pytorch")
    gru = nn_gru_of(parameters)
    with torch.no_grad():
        expected = nn_gru_states(gru, torch.tensor(x), torch.tensor(a0)).numpy()
    np.testing.assert_allclose(a, expected, rtol=TORCH_TOL, atol=TORCH_TOL)
    loss, gradients = gru_loss_and_gradients(x, y, a0, parameters, variant="pytorch")
    assert_equal_to_torch(loss, gradients, *nn_gru_loss_and_gradients(x, y, a0, parameters))


@needs_torch
def test_pytorch_variant_cell_equals_nn_gru_cell():
    x, _, a0, parameters = gru_problem(3, 5, 2, 4, 1, seed=5, variant="pytorch")
    gru = nn_gru_of(parameters)
    cell = torch.nn.GRUCell(3, 5, dtype=torch.float64)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(gru, name + "_l0"))
        expected = cell(torch.tensor(x[:, :, 0].T), torch.tensor(a0.T)).numpy().T  # (m, n) layout
    a_next, _, _ = gru_cell_forward(x[:, :, 0], a0, parameters, variant="pytorch")
    np.testing.assert_allclose(a_next, expected, rtol=TORCH_TOL, atol=TORCH_TOL)


# --- bad input ---

X, Y, A0, P = gru_problem(3, 5, 2, 10, 4, seed=0)  # n_x=3, n_a=5, n_y=2, m=10, T_x=4
PT = gru_problem(3, 5, 2, 10, 4, seed=0, variant="pytorch")[3]
XT = X[:, :, 0]
_, _, CACHES = gru_forward(X, A0, P)
CACHE = CACHES[0][0]
DA = np.ones((5, 10, 4))


def replace(parameters, **changes):
    return {**parameters, **changes}


def without(parameters, key):
    return {k: v for k, v in parameters.items() if k != key}


def with_value(array, index, value):
    array = np.array(array, dtype=float)
    array[index] = value
    return array


def with_cache_entry(k, value, cache=CACHE):
    return (*cache[:k], value, *cache[k + 1 :])


def with_cell(t, cell):
    cells = list(CACHES[0])
    cells[t] = cell
    return (cells, CACHES[1])


SHAPE_HINT = "(n_a + n_x = 8 comes from parameters['Wz'])"
NX_ORIGIN = "(n_x = 3 comes from parameters['Wz'] (n_a + n_x = 8 columns, n_a = 5))"

GRU = [
    # parameters and the variant
    bad("parameters not a dict", lambda: gru_forward(X, A0, [P]), TypeError, "parameters must"),
    bad(
        "parameters missing bh",
        lambda: gru_cell_forward(XT, A0, without(P, "bh")),
        ValueError,
        "parameters is missing 'bh'; expected the keys Wz, bz, Wr, br, Wh, bh, Wy, by",
    ),
    bad(
        "pytorch variant without bha",
        lambda: gru_forward(X, A0, P, variant="pytorch"),
        ValueError,
        "parameters is missing 'bha'",
    ),
    bad(
        "unknown variant",
        lambda: gru_forward(X, A0, P, variant="torch"),
        ValueError,
        "variant must be one of ('cho', 'pytorch'), got 'torch'",
    ),
    bad(
        "Wz acting on xt alone",
        lambda: gru_forward(X, A0, replace(P, Wz=np.ones((5, 3)))),
        ValueError,
        "parameters['Wz'] has shape (5, 3), expected (n_a, n_a + n_x) with n_x >= 1",
        "[a_prev; xt]",
    ),
    bad(
        "Wr with one column too few",
        lambda: gru_forward(X, A0, replace(P, Wr=np.ones((5, 7)))),
        ValueError,
        "parameters['Wr'] has shape (5, 7), expected (n_a, n_a + n_x) = (5, 8)",
        SHAPE_HINT,
    ),
    bad(
        "Wh with the wrong n_a",
        lambda: gru_cell_forward(XT, A0, replace(P, Wh=np.ones((4, 8)))),
        ValueError,
        "parameters['Wh'] has shape (4, 8), expected (n_a, n_a + n_x) = (5, 8)",
    ),
    bad(
        "bz of shape (5,)",
        lambda: gru_forward(X, A0, replace(P, bz=P["bz"].ravel())),
        ValueError,
        "parameters['bz'] has shape (5,), expected (n_a, 1) = (5, 1)",
    ),
    bad(
        "bha of the wrong n_a",
        lambda: gru_forward(X, A0, replace(PT, bha=np.ones((4, 1))), variant="pytorch"),
        ValueError,
        "parameters['bha'] has shape (4, 1), expected (n_a, 1) = (5, 1)",
    ),
    bad(
        "Wy transposed",
        lambda: gru_forward(X, A0, replace(P, Wy=P["Wy"].T)),
        ValueError,
        "parameters['Wy'] has shape (5, 2), expected (n_y, n_a) = (5, 5)",
    ),
    bad(
        "NaN in Wh",
        lambda: gru_forward(X, A0, replace(P, Wh=with_value(P["Wh"], (1, 2), np.nan))),
        ValueError,
        "parameters['Wh'] contains NaN or inf (1 entries, the first at index (1, 2))",
    ),
    bad(
        "float16 parameter",
        lambda: gru_forward(X, A0, replace(P, Wr=P["Wr"].astype(np.float16))),
        TypeError,
        "parameters['Wr'] must be an array of real numbers (float64 or float32)",
        "dtype float16",
    ),
    # data
    bad(
        "xt of the wrong n_x",
        lambda: gru_cell_forward(np.ones((4, 10)), A0, P),
        ValueError,
        "xt has shape (4, 10), expected (n_x, m) = (3, 10)",
        NX_ORIGIN,
    ),
    bad(
        "xt sliced along the wrong axis",
        lambda: gru_cell_forward(X[:, 0, :], A0, P),
        ValueError,
        "xt has shape (3, 4), expected (n_x, m) = (3, 10) (m = 10 comes from a_prev)",
        "x[:, :, t]",
    ),
    bad(
        "a_prev with the wrong n_a",
        lambda: gru_cell_forward(XT, np.ones((4, 10)), P),
        ValueError,
        "a_prev has shape (4, 10), expected (n_a, m) = (5, 10)",
        "(n_a = 5 comes from parameters['Wz'])",
    ),
    bad(
        "x with two dimensions",
        lambda: gru_forward(XT, A0, P),
        ValueError,
        "x has shape (3, 10), expected (n_x, m, T_x) = (3, m, T_x)",
    ),
    bad(
        "x of the wrong n_x",
        lambda: gru_loss(np.ones((4, 10, 4)), Y, A0, P),
        ValueError,
        "x has shape (4, 10, 4), expected (n_x, m, T_x) = (3, 10, 4)",
        NX_ORIGIN,
    ),
    bad(
        "a0 of the wrong m",
        lambda: gru_forward(X, A0[:, :9], P),
        ValueError,
        "a0 has shape (5, 9), expected (n_a, m) = (5, 10) (m = 10 comes from x)",
    ),
    bad(
        "inf in x",
        lambda: gru_forward(with_value(X, (0, 0, 3), np.inf), A0, P),
        ValueError,
        "x contains NaN or inf",
    ),
    bad(
        "entries too large",
        lambda: gru_forward(np.full((3, 10, 4), 1e308), A0, replace(P, Wz=P["Wz"] * 1e10)),
        ValueError,
        "gru_forward overflows: x, a0 and parameters hold entries too large for it",
    ),
    # labels
    bad(
        "y of the wrong T_x",
        lambda: gru_loss_and_gradients(X, Y[:, :3], A0, P),
        ValueError,
        "y has shape (10, 3), expected (m, T_x) = (10, 4)",
    ),
    bad(
        "y outside [0, n_y)",
        lambda: gru_loss(X, Y + 2, A0, P),
        ValueError,
        "y holds the class index",
        "outside [0, n_y) = [0, 2)",
    ),
    bad(
        "float y",
        lambda: gru_loss(X, Y.astype(float), A0, P),
        TypeError,
        "y must hold integers in [0, n_y)",
    ),
    bad(
        "unknown variant in the loss",
        lambda: gru_loss_and_gradients(X, Y, A0, P, variant="Cho"),
        ValueError,
        "variant must be one of ('cho', 'pytorch'), got 'Cho'",
    ),
    # the cell cache
    bad(
        "an RNN cache",
        lambda: gru_cell_backward(A0, CACHE[:1] + CACHE[5:7] + CACHE[:1]),
        ValueError,
        "cache must be the tuple (a_next, a_prev, zt, rt, h_tilde, xt, parameters, variant) "
        "returned by gru_cell_forward, got a tuple of length 4",
    ),
    bad(
        "cache as a list",
        lambda: gru_cell_backward(A0, list(CACHE)),
        ValueError,
        "got a list of length 8",
    ),
    bad(
        "cache with an unknown variant",
        lambda: gru_cell_backward(A0, with_cache_entry(7, "lstm")),
        ValueError,
        "cache[7] (variant) must be one of ('cho', 'pytorch'), got 'lstm'",
    ),
    bad(
        "cache with the pytorch variant and Cho parameters",
        lambda: gru_cell_backward(A0, with_cache_entry(7, "pytorch")),
        ValueError,
        "cache[6] (parameters) is missing 'bha'",
    ),
    bad(
        "cache with zt of the wrong m",
        lambda: gru_cell_backward(A0, with_cache_entry(2, CACHE[2][:, :9])),
        ValueError,
        "cache[2] (zt) has shape (5, 9), expected (n_a, m) = (5, 10) (m = 10 comes from "
        "cache[0] (a_next))",
    ),
    bad(
        "cache with NaN in h_tilde",
        lambda: gru_cell_backward(A0, with_cache_entry(4, with_value(CACHE[4], (0, 0), np.nan))),
        ValueError,
        "cache[4] (h_tilde) contains NaN or inf",
    ),
    bad(
        "cache with xt of the wrong n_x",
        lambda: gru_cell_backward(A0, with_cache_entry(5, np.ones((4, 10)))),
        ValueError,
        "cache[5] (xt) has shape (4, 10), expected (n_x, m) = (3, 10)",
    ),
    bad(
        "da_next of the wrong n_a",
        lambda: gru_cell_backward(np.ones((4, 10)), CACHE),
        ValueError,
        "da_next has shape (4, 10), expected (n_a, m) = (5, 10)",
    ),
    # the sequence caches
    bad(
        "caches as one cell cache",
        lambda: gru_backward(DA, CACHE),
        ValueError,
        "caches must be the tuple (list_of_cell_caches, x) returned by gru_forward, got a "
        "tuple of length 8",
    ),
    bad(
        "caches with no cell caches",
        lambda: gru_backward(DA, ([], X)),
        ValueError,
        "caches[0] (list_of_cell_caches) is empty",
    ),
    bad(
        "caches with one step too few",
        lambda: gru_backward(DA, (CACHES[0][:3], X)),
        ValueError,
        "caches[0] (list_of_cell_caches) has 3 cell caches, expected T_x = 4",
    ),
    bad(
        "a later cell cache of the wrong length",
        lambda: gru_backward(DA, with_cell(2, CACHE[:7])),
        ValueError,
        "caches[0][2] must be the tuple",
    ),
    bad(
        "a later cell cache with other parameters",
        lambda: gru_backward(DA, with_cell(3, with_cache_entry(6, replace(P, bz=P["bz"] + 1)))),
        ValueError,
        "caches[0][3][6] (parameters) differs from caches[0][0][6]",
    ),
    bad(
        "a later cell cache with another variant",
        lambda: gru_backward(DA, with_cell(1, with_cache_entry(7, "pytorch"))),
        ValueError,
        "caches[0][1][7] (variant) is 'pytorch' but caches[0][0][7] is 'cho'",
    ),
    bad(
        "a later cell cache with NaN in rt",
        lambda: gru_backward(
            DA, with_cell(3, with_cache_entry(3, with_value(CACHES[0][3][3], (1, 1), np.nan)))
        ),
        ValueError,
        "caches[0][3][3] (rt) contains NaN or inf",
    ),
    bad(
        "da of the wrong T_x",
        lambda: gru_backward(DA[:, :, :3], CACHES),
        ValueError,
        "da has shape (5, 10, 3), expected (n_a, m, T_x) = (5, 10, 4)",
    ),
    # initialisation
    bad("n_a of 0", lambda: initialize_gru_parameters(3, 0, 2), ValueError, "n_a must be at least"),
    bad(
        "a negative scale",
        lambda: initialize_gru_parameters(3, 5, 2, scale=-1.0),
        ValueError,
        "scale must be a finite number > 0",
    ),
    bad(
        "a scale too large",
        lambda: initialize_gru_parameters(3, 5, 2, scale=1e308),
        ValueError,
        "scale = 1e+308 is too large",
    ),
    bad(
        "a negative seed",
        lambda: initialize_gru_parameters(3, 5, 2, seed=-1),
        ValueError,
        "seed must be an int >= 0",
    ),
    bad(
        "an unknown variant at initialisation",
        lambda: initialize_gru_parameters(3, 5, 2, variant="d2l"),
        ValueError,
        "variant must be one of ('cho', 'pytorch'), got 'd2l'",
    ),
]


@pytest.mark.parametrize(("call", "error", "phrases"), GRU)
def test_gru_rejects(call, error, phrases):
    assert_rejects(call, error, phrases)
