"""The LSTM of rnn_core.lstm against three independent oracles, and its argument checks.

1. The classic assignment's printed values, reproduced from its own set-up cells (the same
   `np.random.seed(1)`, the same draws in the same order), at the precision they were printed.
2. Central differences (`rnn_core.numerical_gradient`) of sum(a_next·da_next + c_next·dc_next) for
   the cell, of sum(a·da) for the sequence and of `lstm_loss` for the whole network, on hypothesis
   shapes (m = 1 and T_x = 1 included), with the tolerance of `helpers.assert_gradient`.
3. PyTorch, where it is installed (required when RNN_CORE_REQUIRE_TORCH is set): the same network
   written in torch ops, differentiated by autograd, and `torch.nn.LSTM` itself, both to 1e-10.

The classic assignment's sequence backward is a case of its own: its test draws `da` with 4 steps
for a 7-step x, and its backward takes T_x from da. What its two published tables computed is
pinned below, next to the correct values for all 7 steps.
"""

# ruff: noqa: NPY002  (the classic assignment's set-up cells use numpy's legacy global random state)

import numpy as np
import pytest
from helpers import CORNERS, assert_gradient, assert_rejects, bad, needs_torch, seeds, sizes, torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_seed import REPR, assert_prints_as

from rnn_core import numerical_gradient
from rnn_core.lstm import (
    _lstm_backward,  # with the per-step totals ‖∂L/∂c⟨t⟩‖ that notebook 07's dashboard plots
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss,
    lstm_loss_and_gradients,
)

GATE_WEIGHTS = ("Wf", "Wi", "Wc", "Wo")
GATE_PARAMETERS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
PARAMETERS = (*GATE_PARAMETERS, "Wy", "by")
TORCH_TOL = 1e-10
random_problems = settings(max_examples=12, deadline=None)


def with_corners(test):
    for corner in CORNERS:  # one sequence, one step, two classes
        test = example(sizes=corner, seed=0, scale=1.0)(test)
    return test


def lstm_problem(n_x, n_a, n_y, m, T_x, seed=0, scale=1.0):
    """A random problem: gate weights of scale / √(n_a + n_x), biases, x, a0 and labels.

    At scale 1 the gates sit between saturation and linearity; at 3 many of them saturate.
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    for g in "fico":
        parameters[f"W{g}"] = scale * rng.standard_normal((n_a, n_a + n_x)) / np.sqrt(n_a + n_x)
        parameters[f"b{g}"] = 0.5 * rng.standard_normal((n_a, 1))
    parameters["Wy"] = rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)
    parameters["by"] = 0.1 * rng.standard_normal((n_y, 1))
    x = rng.standard_normal((n_x, m, T_x))
    a0 = 0.5 * rng.standard_normal((n_a, m))
    y = rng.integers(0, n_y, size=(m, T_x))
    return x, y, a0, parameters


# --- 1. the classic assignment's printed values ---


def classic_parameters(draw_output_layer=True):
    """The weights in the classic cells' order: Wf, bf, Wi, bi, Wo, bo, Wc, bc, then Wy, by.

    The published sequence backward cell draws no Wy, by (it uses those an earlier cell left; its
    newer version sets them to zeros), so its `da` is the draw right after bc.
    """
    parameters = {}
    for g in "fioc":
        parameters[f"W{g}"] = np.random.randn(5, 5 + 3)
        parameters[f"b{g}"] = np.random.randn(5, 1)
    if draw_output_layer:
        parameters["Wy"] = np.random.randn(2, 5)
        parameters["by"] = np.random.randn(2, 1)
    else:
        parameters["Wy"] = np.zeros((2, 5))  # unused by the backward
        parameters["by"] = np.zeros((2, 1))
    return parameters


def classic_cell_setup():
    """The cell forward and backward cells: (xt, a_prev, c_prev, parameters, da_next, dc_next)."""
    np.random.seed(1)
    xt = np.random.randn(3, 10)
    a_prev = np.random.randn(5, 10)
    c_prev = np.random.randn(5, 10)
    parameters = classic_parameters()
    da_next = np.random.randn(5, 10)  # drawn after the forward cell's draws
    dc_next = np.random.randn(5, 10)
    return xt, a_prev, c_prev, parameters, da_next, dc_next


def classic_sequence_setup(draw_output_layer=True, da_steps=None):
    """The sequence cells: (x, a0, parameters, da); da is drawn only when da_steps is given."""
    np.random.seed(1)
    x = np.random.randn(3, 10, 7)
    a0 = np.random.randn(5, 10)
    parameters = classic_parameters(draw_output_layer)
    da = None if da_steps is None else np.random.randn(5, 10, da_steps)
    return x, a0, parameters, da


def test_cell_forward_matches_the_classic_assignment():
    xt, a_prev, c_prev, parameters, _, _ = classic_cell_setup()
    a_next, c_next, yt, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
    assert_prints_as(
        a_next[4],
        "-0.66408471 0.0036921 0.02088357 0.22834167 -0.85575339 0.00138482 0.76566531 "
        "0.34631421 -0.00215674 0.43827275",
    )
    assert_prints_as(
        c_next[2],
        "0.63267805 1.00570849 0.35504474 0.20690913 -1.64566718 0.11832942 0.76449811 "
        "-0.0981561 -0.74348425 -0.26810932",
    )
    assert_prints_as(
        yt[1],
        "0.79913913 0.15986619 0.22412122 0.15606108 0.97057211 0.31146381 0.00943007 "
        "0.12666353 0.39380172 0.07828381",
    )
    assert_prints_as(
        cache[1][3],
        "-0.16263996 1.03729328 0.72938082 -0.54101719 0.02752074 -0.30821874 0.07651101 "
        "-1.03752894 1.41219977 -0.37647422",
    )
    assert len(cache) == 10
    assert a_next.shape == c_next.shape == (5, 10)
    assert yt.shape == (2, 10)


def test_cell_backward_matches_the_classic_assignment():
    xt, a_prev, c_prev, parameters, da_next, dc_next = classic_cell_setup()
    cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)[3]
    gradients = lstm_cell_backward(da_next, dc_next, cache)
    # Scalars printed with 12 significant digits: within one unit of the last one.
    printed = {
        ("dxt", 1, 2): "3.23055911511",
        ("da_prev", 2, 3): "-0.0639621419711",
        ("dc_prev", 2, 3): "0.797522038797",
        ("dWf", 3, 1): "-0.147954838164",
        ("dWi", 1, 2): "1.05749805523",
        ("dWc", 3, 1): "2.30456216369",
        ("dWo", 1, 2): "0.331311595289",
    }
    for (key, i, j), text in printed.items():
        assert_prints_as(gradients[key][i][j], text)
    assert_prints_as(gradients["dbf"][4], "0.18864637")
    assert_prints_as(gradients["dbi"][4], "-0.40142491")
    assert_prints_as(gradients["dbc"][4], "0.25587763")
    assert_prints_as(gradients["dbo"][4], "0.13893342")
    shapes = {"dxt": (3, 10), "da_prev": (5, 10), "dc_prev": (5, 10), "dbf": (5, 1)}
    shapes.update({f"dW{g}": (5, 8) for g in "fico"}, **{f"db{g}": (5, 1) for g in "fico"})
    assert {key: value.shape for key, value in gradients.items()} == shapes


def test_sequence_forward_matches_the_classic_assignment():
    x, a0, parameters, _ = classic_sequence_setup()
    a, y, c, caches = lstm_forward(x, a0, parameters)
    assert_prints_as(a[4][3][6], "0.172117767533")
    assert_prints_as(y[1][4][3], "0.95087346185")
    assert_prints_as(
        caches[1][1][1],
        "0.82797464 0.23009474 0.76201118 -0.22232814 -0.20075807 0.18656139 0.41005165",
    )
    assert_prints_as(c[1][2][1], "-0.855544916718")
    assert len(caches) == 2
    assert a.shape == c.shape == (5, 10, 7)
    assert y.shape == (2, 10, 7)


# The classic sequence backward: its cell draws da = randn(5, 10, 4) for the 7-step x, and its
# lstm_backward reads T_x from da, so it backpropagates through the first 4 steps only, as if the
# sequence ended there. Two tables were published for that cell.
NEWER_TABLE = {  # the newer notebook (parameters_tmp, Wy and by set to zeros)
    "dx": "0.00218254 0.28205375 -0.48292508 -0.43281115",
    "da0": "0.312770310257",
    "dWf": "-0.0809802310938",
    "dWi": "0.40512433093",
    "dWc": "-0.0793746735512",
    "dWo": "0.038948775763",
    "dbf": "-0.15745657",
    "dbi": "-0.50848333",
    "dbc": "-0.42510818",
    "dbo": "-0.17958196",
}
OLDER_TABLE = {  # the older notebook
    "dx": "-0.00173313 0.08287442 -0.30545663 -0.43281115",
    "da0": "-0.095911501954",
    "dWf": "-0.0698198561274",
    "dWi": "0.102371820249",
    "dWc": "-0.0624983794927",
    "dWo": "0.0484389131444",
    "dbf": "-0.0565788",
    "dbi": "-0.06997391",
    "dbc": "-0.27441821",
    "dbo": "0.16532821",
}
# The entries both tables print: dx[1][2], da0[2][3], dWf[3][1], dWi[1][2], …, db·[4].
ENTRIES = {"dx": (1, 2), "da0": (2, 3), "dWf": (3, 1), "dWi": (1, 2), "dWc": (3, 1), "dWo": (1, 2)}
ENTRIES.update({f"db{g}": (4,) for g in "fico"})


def printed_entries(gradients):
    return {key: gradients[key][index] for key, index in ENTRIES.items()}


def classic_backward_setup():
    """The classic sequence backward cell: 7-step caches and a 4-step da, drawn after bc."""
    x, a0, parameters, da = classic_sequence_setup(draw_output_layer=False, da_steps=4)
    return da, lstm_forward(x, a0, parameters)[3]


def first_steps(caches, T):
    """The caches of a forward pass that stopped after T steps."""
    cell_caches, x = caches
    return cell_caches[:T], x[:, :, :T]


def test_the_classic_4_step_da_is_refused_for_7_step_caches():
    da, caches = classic_backward_setup()
    with pytest.raises(ValueError, match=r"da has shape \(5, 10, 4\), expected .* = \(5, 10, 7\)"):
        lstm_backward(da, caches)


def test_the_newer_table_is_bptt_through_the_first_4_steps_only():
    da, caches = classic_backward_setup()
    gradients = lstm_backward(da, first_steps(caches, 4))
    for key, value in printed_entries(gradients).items():
        assert_prints_as(value, NEWER_TABLE[key])
    assert gradients["dx"].shape == (3, 10, 4)  # the published shape, not x's (3, 10, 7)


def test_the_older_table_is_the_first_4_steps_without_the_recurrent_gradients_in_7_of_10():
    """Each step's backward fed da[:, :, t] alone, dc_next = 0: no gradient from later steps.

    That reproduces dx, da0, dWf, dWi, dWc, dWo and dbf of the older table; its dbi, dbc and dbo
    are reproduced by none of the variants tried (no recurrence, da only, dc only, full; the
    assignment's markdown formulas with and without their missing parentheses; any subset of
    steps; Wy, by drawn or not): they are pinned here as what the table prints and the cells do not.
    """
    da, (cell_caches, _) = classic_backward_setup()
    steps = [lstm_cell_backward(da[:, :, t], np.zeros((5, 10)), cell_caches[t]) for t in range(4)]
    gradients = {
        key: sum(step[key] for step in steps) for key in ENTRIES if key[:2] in ("dW", "db")
    }
    gradients["dx"] = np.stack([step["dxt"] for step in steps], axis=2)
    gradients["da0"] = steps[0]["da_prev"]
    reproduced = printed_entries(gradients)
    for key in ("dx", "da0", "dWf", "dWi", "dWc", "dWo", "dbf"):
        assert_prints_as(reproduced[key], OLDER_TABLE[key])
    unexplained = {"dbi": -0.15399065265186324, "dbc": -0.29691141507003405}
    unexplained["dbo"] = -0.29798343624120704
    for key, value in unexplained.items():
        np.testing.assert_allclose(reproduced[key], value, **REPR)
        assert abs(reproduced[key][0] - float(OLDER_TABLE[key])) > 0.02


# Correct values for the whole 7-step sequence: the classic sequence set-up (Wy and by drawn, as in
# its forward cell), then da = randn(5, 10, 7). Printed with repr; confirmed by central differences
# of sum(a * da) below, not only by this implementation.
CORRECT_7_STEPS = {
    "dx": [
        -0.007161424099659637,
        -0.1978278768934909,
        -0.22653659994079908,
        0.8648296241138927,
        -0.16485017,  # the last three at numpy's 8 printed decimals: checked to 1e-8 below
        0.49514286,
        -0.85376206,
    ],
    "da0": 0.6408436146713343,
    "dWf": -0.2197639231400652,
    "dWi": -0.7301697978326227,
    "dWc": 0.3017259844635505,
    "dWo": 0.11070736246868007,
    "dbf": -0.14520572147052846,
    "dbi": -0.7909364415740741,
    "dbc": -0.5942478376381686,
    "dbo": -1.029706351800363,
}


def correct_backward_setup():
    x, a0, parameters, da = classic_sequence_setup(draw_output_layer=True, da_steps=7)
    return x, a0, parameters, da


def test_the_sequence_backward_over_all_7_steps_pinned():
    x, a0, parameters, da = correct_backward_setup()
    gradients = lstm_backward(da, lstm_forward(x, a0, parameters)[3])
    entries = printed_entries(gradients)
    np.testing.assert_allclose(entries["dx"][:4], CORRECT_7_STEPS["dx"][:4], **REPR)
    assert_prints_as(entries["dx"][4:], "-0.16485017 0.49514286 -0.85376206")
    for key in ENTRIES:
        if key != "dx":
            np.testing.assert_allclose(entries[key], CORRECT_7_STEPS[key], **REPR)
    assert gradients["dx"].shape == (3, 10, 7)


def test_the_pinned_7_step_values_are_the_numerical_gradients():
    x, a0, parameters, da = correct_backward_setup()

    def f(**changes):
        arrays = {"x": x, "a0": a0, **parameters, **changes}
        p = {key: arrays[key] for key in PARAMETERS}
        return float(np.sum(lstm_forward(arrays["x"], arrays["a0"], p)[0] * da))

    at = {"x": x, "a0": a0, **parameters}
    for key, index in ENTRIES.items():
        name = key[1:]
        indices = [(*index, t) for t in range(7)] if key == "dx" else [index]
        if name.startswith("b"):
            indices = [(index[0], 0)]
        numeric = numerical_gradient(lambda v, name=name: f(**{name: v}), at[name], indices=indices)
        np.testing.assert_allclose(numeric, np.ravel(CORRECT_7_STEPS[key]), rtol=1e-8, atol=1e-9)


# --- 2. numerical gradients on random shapes ---


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=st.sampled_from((0.5, 1.0, 3.0)))
def test_cell_backward_matches_numerical_gradients(sizes, seed, scale):
    x, _, a0, parameters = lstm_problem(*sizes, seed, scale)
    n_a, m = a0.shape
    rng = np.random.default_rng(seed + 1)
    xt, c_prev = x[:, :, 0], rng.standard_normal((n_a, m))
    da_next, dc_next = rng.standard_normal((2, n_a, m))
    gradients = lstm_cell_backward(
        da_next, dc_next, lstm_cell_forward(xt, a0, c_prev, parameters)[3]
    )

    def f(xt=xt, a_prev=a0, c_prev=c_prev, **changes):
        a_next, c_next, _, _ = lstm_cell_forward(xt, a_prev, c_prev, {**parameters, **changes})
        return float(np.sum(a_next * da_next) + np.sum(c_next * dc_next))

    assert_gradient(gradients["dxt"], lambda v: f(xt=v), xt, "xt")
    assert_gradient(gradients["da_prev"], lambda v: f(a_prev=v), a0, "a_prev")
    assert_gradient(gradients["dc_prev"], lambda v: f(c_prev=v), c_prev, "c_prev")
    for name in GATE_PARAMETERS:
        loss_of = lambda v, name=name: f(**{name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], loss_of, parameters[name], name)


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=st.sampled_from((0.5, 1.0, 3.0)))
def test_sequence_backward_matches_numerical_gradients_of_sum_a_da(sizes, seed, scale):
    x, _, a0, parameters = lstm_problem(*sizes, seed, scale)
    da = np.random.default_rng(seed + 1).standard_normal((a0.shape[0], *x.shape[1:]))
    gradients = lstm_backward(da, lstm_forward(x, a0, parameters)[3])

    def f(x=x, a0=a0, **changes):
        return float(np.sum(lstm_forward(x, a0, {**parameters, **changes})[0] * da))

    assert_gradient(gradients["dx"], lambda v: f(x=v), x, "x")
    assert_gradient(gradients["da0"], lambda v: f(a0=v), a0, "a0")
    for name in GATE_PARAMETERS:
        loss_of = lambda v, name=name: f(**{name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], loss_of, parameters[name], name)


@random_problems
@with_corners
@given(sizes=sizes, seed=seeds, scale=st.sampled_from((0.5, 1.0, 3.0)))
def test_loss_and_gradients_match_numerical_gradients_of_the_loss(sizes, seed, scale):
    x, y, a0, parameters = lstm_problem(*sizes, seed, scale)
    loss, gradients = lstm_loss_and_gradients(x, y, a0, parameters)
    assert loss == pytest.approx(lstm_loss(x, y, a0, parameters), rel=1e-14)
    assert set(gradients) == {f"d{name}" for name in (*PARAMETERS, "a0", "x")}
    assert_gradient(gradients["dx"], lambda v: lstm_loss(v, y, a0, parameters), x, "x")
    assert_gradient(gradients["da0"], lambda v: lstm_loss(x, y, v, parameters), a0, "a0")
    for name in PARAMETERS:
        loss_of = lambda v, name=name: lstm_loss(x, y, a0, {**parameters, name: v})  # noqa: E731
        assert_gradient(gradients["d" + name], loss_of, parameters[name], name)


def test_the_loss_of_uniform_predictions_is_t_x_log_n_y():
    """Wy = 0, by = 0 predict 1/n_y for every class: L = T_x log n_y whatever the LSTM does."""
    x, y, a0, parameters = lstm_problem(3, 4, 5, 2, 6, seed=3)
    parameters.update(Wy=np.zeros((5, 4)), by=np.zeros((5, 1)))
    assert lstm_loss(x, y, a0, parameters) == pytest.approx(6 * np.log(5), rel=1e-14)


def test_the_forget_bias_opens_the_gradient_highway():
    """dc_prev = dc ⊙ f: with a large forget bias the gradient reaches c_1 from step 30 intact."""
    x, _, a0, parameters = lstm_problem(2, 3, 2, 1, 30, seed=4, scale=0.5)
    norms = {}
    for forget_bias in (-3.0, 6.0):
        p = {**parameters, "bf": np.full((3, 1), forget_bias)}
        da = np.zeros((3, 1, 30))
        da[:, :, -1] = 1.0  # a gradient at the last step only
        _, _, dc_total = _lstm_backward(da, lstm_forward(x, a0, p)[3])
        norms[forget_bias] = np.linalg.norm(dc_total[:, :, 0]) / np.linalg.norm(dc_total[:, :, -1])
    assert norms[-3.0] < 1e-20 < 0.5 < norms[6.0]


def test_initialize_lstm_parameters():
    parameters = initialize_lstm_parameters(3, 5, 2, scale=0.1, seed=7, forget_bias=1.0)
    assert list(parameters) == list(PARAMETERS)
    assert {k: v.shape for k, v in parameters.items()} == {
        **{f"W{g}": (5, 8) for g in "fico"},
        **{f"b{g}": (5, 1) for g in "fico"},
        "Wy": (2, 5),
        "by": (2, 1),
    }
    rng = np.random.default_rng(7)  # drawn in the order Wf, Wi, Wc, Wo, Wy
    for name in (*GATE_WEIGHTS, "Wy"):
        np.testing.assert_array_equal(
            parameters[name], 0.1 * rng.standard_normal(parameters[name].shape)
        )
    np.testing.assert_array_equal(parameters["bf"], np.ones((5, 1)))
    for name in ("bi", "bc", "bo", "by"):
        np.testing.assert_array_equal(parameters[name], 0.0)
    again = initialize_lstm_parameters(3, 5, 2, scale=0.1, seed=7, forget_bias=1.0)
    assert all(np.array_equal(again[k], parameters[k]) for k in PARAMETERS)


# --- 3. PyTorch ---


def torch_loss_and_gradients(x, y, a0, parameters):
    """The same LSTM written directly in torch ops; gradients from loss.backward()."""
    leaves = {
        name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
        for name, value in {**parameters, "a0": a0, "x": x}.items()
    }
    p = leaves
    n_a = a0.shape[0]
    a, c, losses = p["a0"], torch.zeros(a0.shape, dtype=torch.float64), []
    labels = torch.tensor(y, dtype=torch.long)  # (m, T_x)
    for t in range(x.shape[2]):
        s = torch.cat((a, p["x"][:, :, t]), dim=0)  # [a_prev; xt]
        f = torch.sigmoid(p["Wf"] @ s + p["bf"])
        i = torch.sigmoid(p["Wi"] @ s + p["bi"])
        g = torch.tanh(p["Wc"] @ s + p["bc"])
        o = torch.sigmoid(p["Wo"] @ s + p["bo"])
        c = f * c + i * g
        a = o * torch.tanh(c)
        logits = p["Wy"] @ a + p["by"]  # (n_y, m)
        losses.append(torch.nn.functional.cross_entropy(logits.T, labels[:, t], reduction="sum"))
    assert a.shape[0] == n_a
    loss = torch.stack(losses).sum() / x.shape[1]  # summed over time, averaged over the batch
    loss.backward()
    return loss.item(), {"d" + name: leaf.grad.numpy() for name, leaf in leaves.items()}


@needs_torch
@settings(max_examples=20, deadline=None)
@example(sizes=(3, 5, 2, 10, 7), seed=1, scale=1.0)
@example(sizes=CORNERS[0], seed=0, scale=1.0)
@example(sizes=(3, 5, 4, 3, 6), seed=2, scale=4.0)  # saturated gates
@given(sizes=sizes, seed=seeds, scale=st.sampled_from((0.5, 1.0, 2.0, 4.0)))
def test_loss_and_gradients_equal_pytorch_autograd(sizes, seed, scale):
    x, y, a0, parameters = lstm_problem(*sizes, seed, scale)
    loss, gradients = lstm_loss_and_gradients(x, y, a0, parameters)
    torch_loss, torch_gradients = torch_loss_and_gradients(x, y, a0, parameters)
    assert abs(loss - torch_loss) <= TORCH_TOL * max(1.0, abs(torch_loss))
    assert set(gradients) == set(torch_gradients)
    for name, expected in torch_gradients.items():
        np.testing.assert_allclose(
            gradients[name], expected, rtol=TORCH_TOL, atol=TORCH_TOL, err_msg=name
        )


def nn_lstm_with_our_weights(parameters, n_x, n_a, seed):
    """A torch.nn.LSTM holding our weights, mapped onto its layout.

    nn.LSTM stacks its gates in the order i, f, g, o (g is our candidate c̃) in weight_ih_l0
    (4 n_a, n_x), which multiplies x_t, and weight_hh_l0 (4 n_a, n_a), which multiplies h_{t-1}:
    our columns after the first n_a, and our first n_a columns. It adds two biases, bias_ih_l0 and
    bias_hh_l0; we split each of ours into a random part and the rest, so that only their sum
    matters.
    """
    order = ("i", "f", "c", "o")  # nn.LSTM's i, f, g, o
    lstm = torch.nn.LSTM(input_size=n_x, hidden_size=n_a, dtype=torch.float64)
    stacked = np.concatenate([parameters[f"W{g}"] for g in order], axis=0)  # (4 n_a, n_a + n_x)
    bias = np.concatenate([parameters[f"b{g}"][:, 0] for g in order])  # (4 n_a,)
    split = np.random.default_rng(seed).standard_normal(bias.shape)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(stacked[:, n_a:]))  # the columns of xt
        lstm.weight_hh_l0.copy_(torch.from_numpy(stacked[:, :n_a]))  # the columns of a_prev
        lstm.bias_ih_l0.copy_(torch.from_numpy(bias - split))
        lstm.bias_hh_l0.copy_(torch.from_numpy(split))
    return lstm


@needs_torch
@settings(max_examples=20, deadline=None)
@example(sizes=(3, 5, 2, 10, 7), seed=1, scale=1.0)
@example(sizes=CORNERS[0], seed=0, scale=1.0)
@given(sizes=sizes, seed=seeds, scale=st.sampled_from((0.5, 1.0, 4.0)))
def test_hidden_states_equal_torch_nn_lstm(sizes, seed, scale):
    x, _, a0, parameters = lstm_problem(*sizes, seed, scale)
    n_x, n_a = x.shape[0], a0.shape[0]
    a, _, c, _ = lstm_forward(x, a0, parameters)
    lstm = nn_lstm_with_our_weights(parameters, n_x, n_a, seed)
    inputs = torch.from_numpy(
        np.ascontiguousarray(x.transpose(2, 1, 0))
    )  # (n_x, m, T) -> (T, N, D)
    h0 = torch.from_numpy(np.ascontiguousarray(a0.T))[None]  # (n_a, m) -> (1, N, H)
    c0 = torch.zeros_like(h0)  # our c⟨0⟩ = 0
    with torch.no_grad():
        output, (h_n, c_n) = lstm(inputs, (h0, c0))
    hidden = output.numpy().transpose(2, 1, 0)  # (T, N, H) -> (n_a, m, T_x)
    np.testing.assert_allclose(a, hidden, rtol=TORCH_TOL, atol=TORCH_TOL)
    np.testing.assert_allclose(a[:, :, -1], h_n[0].numpy().T, rtol=TORCH_TOL, atol=TORCH_TOL)
    np.testing.assert_allclose(c[:, :, -1], c_n[0].numpy().T, rtol=TORCH_TOL, atol=TORCH_TOL)


# --- float32, and arguments left as they were ---


def lstm_calls(x, y, a0, parameters, da):
    xt, c_prev = x[:, :, 0], a0[::-1]
    cell = lstm_cell_forward(xt, a0, c_prev, parameters)
    sequence = lstm_forward(x, a0, parameters)
    return {
        "lstm_cell_forward": cell[:3],
        "lstm_cell_backward": lstm_cell_backward(da[:, :, 0], da[:, :, -1], cell[3]),
        "lstm_forward": sequence[:3],
        "lstm_backward": lstm_backward(da, sequence[3]),
        "lstm_loss_and_gradients": lstm_loss_and_gradients(x, y, a0, parameters)[1],
    }


def test_float32_stays_float32_and_agrees_with_float64():
    x, y, a0, parameters = lstm_problem(3, 5, 2, 4, 6, seed=5)
    da = np.random.default_rng(5).standard_normal((5, 4, 6))
    doubles = lstm_calls(x, y, a0, parameters, da)
    single = {k: v.astype(np.float32) for k, v in parameters.items()}
    singles = lstm_calls(
        x.astype(np.float32), y, a0.astype(np.float32), single, da.astype(np.float32)
    )
    for name, result in singles.items():
        values = result.values() if isinstance(result, dict) else result
        expected = doubles[name].values() if isinstance(result, dict) else doubles[name]
        for got, want in zip(values, expected):
            assert got.dtype == np.float32, name
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)
    loss = lstm_loss(x.astype(np.float32), y, a0.astype(np.float32), single)
    assert loss == pytest.approx(lstm_loss(x, y, a0, parameters), rel=1e-5)


def test_arguments_are_not_modified():
    x, y, a0, parameters = lstm_problem(3, 5, 2, 4, 6, seed=6)
    da = np.ones((5, 4, 6))
    copies = [x.copy(), y.copy(), a0.copy(), {k: v.copy() for k, v in parameters.items()}]
    caches = lstm_forward(x, a0, parameters)[3]
    lstm_backward(da, caches)
    lstm_loss_and_gradients(x, y, a0, parameters)
    lstm_cell_backward(da[:, :, 0], da[:, :, 1], caches[0][2])
    np.testing.assert_array_equal(x, copies[0])
    np.testing.assert_array_equal(y, copies[1])
    np.testing.assert_array_equal(a0, copies[2])
    np.testing.assert_array_equal(da, 1.0)
    for key in PARAMETERS:
        np.testing.assert_array_equal(parameters[key], copies[3][key])


# --- bad arguments ---

X, Y, A0, P = lstm_problem(3, 5, 2, 10, 4, seed=0)  # n_x=3, n_a=5, n_y=2, m=10, T_x=4
XT = X[:, :, 0]
C0 = np.zeros((5, 10))
_, _, _, CACHES = lstm_forward(X, A0, P)
CACHE = lstm_cell_forward(XT, A0, C0, P)[3]
DA = np.ones((5, 10, 4))
ONES = np.ones((5, 10))


def replace(parameters, **changes):
    return {**parameters, **changes}


def without(parameters, key):
    return {k: v for k, v in parameters.items() if k != key}


def with_value(array, index, value):
    array = np.array(array, dtype=float)
    array[index] = value
    return array


def with_cell_entry(t, k, value):
    """CACHES with entry k of the cell cache of step t replaced by `value`."""
    cells = list(CACHES[0])
    cell = list(cells[t])
    cell[k] = value
    cells[t] = tuple(cell)
    return (cells, CACHES[1])


BAD = [
    # parameters
    bad(
        "parameters not a dict",
        lambda: lstm_cell_forward(XT, A0, C0, [P]),
        TypeError,
        "parameters must be a dict with keys Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by",
    ),
    bad(
        "RNN parameters",
        lambda: lstm_forward(X, A0, {"Wax": 1.0, "Waa": 1.0}),
        ValueError,
        "parameters is missing 'bf', 'Wf'",
    ),
    bad(
        "parameters missing bo",
        lambda: lstm_forward(X, A0, without(P, "bo")),
        ValueError,
        "parameters is missing 'bo'",
    ),
    bad(
        "bf of shape (5,)",
        lambda: lstm_cell_forward(XT, A0, C0, replace(P, bf=P["bf"].ravel())),
        ValueError,
        "parameters['bf'] has shape (5,), expected (n_a, 1) = (n_a, 1)",
    ),
    bad(
        "Wi one column short",
        lambda: lstm_forward(X, A0, replace(P, Wi=P["Wi"][:, :7])),
        ValueError,
        "parameters['Wi'] has shape (5, 7), expected (n_a, n_a + n_x) = (5, 8)",
        "(n_a + n_x = 8 comes from parameters['Wf'])",
    ),
    bad(
        "Wf transposed",
        lambda: lstm_forward(X, A0, replace(P, Wf=P["Wf"].T)),
        ValueError,
        "parameters['Wf'] has shape (8, 5), expected (n_a, n_a + n_x) = (5, 5)",
        "(n_a = 5 comes from parameters['bf'])",
    ),
    bad(
        "gates on xt alone",
        lambda: lstm_forward(X, A0, {**P, **{k: P[k][:, 5:] for k in GATE_WEIGHTS}}),
        ValueError,
        "parameters['Wf'] has shape (5, 3), expected (n_a, n_a + n_x) = (5, 5 + n_x) with n_x >= 1",
        "stacked [a_prev; xt]",
    ),
    bad(
        "Wy transposed",
        lambda: lstm_forward(X, A0, replace(P, Wy=P["Wy"].T)),
        ValueError,
        "parameters['Wy'] has shape (5, 2), expected (n_y, n_a) = (5, 5)",
    ),
    bad(
        "by of the wrong n_y",
        lambda: lstm_forward(X, A0, replace(P, by=np.ones((3, 1)))),
        ValueError,
        "parameters['by'] has shape (3, 1), expected (n_y, 1) = (2, 1)",
    ),
    bad(
        "NaN in Wc",
        lambda: lstm_forward(X, A0, replace(P, Wc=with_value(P["Wc"], (1, 2), np.nan))),
        ValueError,
        "parameters['Wc'] contains NaN or inf (1 entries, the first at index (1, 2))",
    ),
    bad(
        "float16 Wo",
        lambda: lstm_forward(X, A0, replace(P, Wo=P["Wo"].astype(np.float16))),
        TypeError,
        "parameters['Wo'] must be an array of real numbers (float64 or float32)",
        "dtype float16",
    ),
    bad(
        "string bi",
        lambda: lstm_forward(X, A0, replace(P, bi="0.5")),
        TypeError,
        "parameters['bi'] must be an array of real numbers",
    ),
    # data
    bad(
        "xt of the wrong n_x",
        lambda: lstm_cell_forward(np.ones((4, 10)), A0, C0, P),
        ValueError,
        "xt has shape (4, 10), expected (n_x, m) = (3, 10)",
        "(n_x = 3 comes from parameters['Wf'] (8 columns = n_a + n_x with n_a = 5))",
    ),
    bad(
        "xt sliced along the wrong axis",
        lambda: lstm_cell_forward(X[:, 0, :], A0, C0, P),
        ValueError,
        "xt has shape (3, 4), expected (n_x, m) = (3, 10) (m = 10 comes from a_prev)",
        "x[:, :, t]",
    ),
    bad(
        "c_prev of the wrong m",
        lambda: lstm_cell_forward(XT, A0, np.zeros((5, 9)), P),
        ValueError,
        "c_prev has shape (5, 9), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "a_prev with the wrong n_a",
        lambda: lstm_cell_forward(XT, np.ones((4, 10)), C0, P),
        ValueError,
        "a_prev has shape (4, 10), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "NaN in c_prev",
        lambda: lstm_cell_forward(XT, A0, with_value(C0, (0, 0), np.nan), P),
        ValueError,
        "c_prev contains NaN or inf",
    ),
    bad(
        "x with two dimensions",
        lambda: lstm_forward(XT, A0, P),
        ValueError,
        "x has shape (3, 10), expected (n_x, m, T_x) = (3, m, T_x)",
    ),
    bad(
        "a0 of the wrong m",
        lambda: lstm_forward(X, A0[:, :9], P),
        ValueError,
        "a0 has shape (5, 9), expected (n_a, m) = (5, 10)",
    ),
    bad("boolean x", lambda: lstm_forward(X > 0, A0, P), TypeError, "x must be an array of real"),
    bad(
        "huge weights overflow",
        lambda: lstm_forward(np.ones((3, 10, 4)), A0, replace(P, Wf=np.full((5, 8), 1e308))),
        ValueError,
        "lstm_forward overflows: x, a0 and parameters hold entries too large for it",
    ),
    # loss
    bad(
        "labels out of range",
        lambda: lstm_loss(X, Y + 2, A0, P),
        ValueError,
        "y holds the class index",
    ),
    bad(
        "labels of the wrong T_x",
        lambda: lstm_loss_and_gradients(X, Y[:, :3], A0, P),
        ValueError,
        "y has shape (10, 3), expected (m, T_x) = (10, 4)",
    ),
    bad(
        "float labels",
        lambda: lstm_loss(X, Y.astype(float), A0, P),
        TypeError,
        "y must hold integers",
    ),
    # backward through one step
    bad(
        "da_next of the wrong m",
        lambda: lstm_cell_backward(np.ones((5, 3)), ONES, CACHE),
        ValueError,
        "da_next has shape (5, 3), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "dc_next of the wrong n_a",
        lambda: lstm_cell_backward(ONES, np.ones((4, 10)), CACHE),
        ValueError,
        "dc_next has shape (4, 10), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "an RNN cache",
        lambda: lstm_cell_backward(ONES, ONES, CACHE[:3] + CACHE[8:]),
        ValueError,
        "cache must be the tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, "
        "parameters) returned by lstm_cell_forward",
        "a tuple of length 5",
    ),
    bad(
        "cache a list",
        lambda: lstm_cell_backward(ONES, ONES, list(CACHE)),
        ValueError,
        "cache must be the tuple",
        "a list of length 10",
    ),
    bad(
        "ot of the wrong m in the cache",
        lambda: lstm_cell_backward(ONES, ONES, (*CACHE[:7], np.ones((5, 9)), *CACHE[8:])),
        ValueError,
        "cache[7] (ot) has shape (5, 9), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "float16 c_prev in the cache",
        lambda: lstm_cell_backward(
            ONES, ONES, (*CACHE[:3], CACHE[3].astype(np.float16), *CACHE[4:])
        ),
        TypeError,
        "cache[3] (c_prev) must be an array of real numbers",
    ),
    bad(
        "bad parameters in the cache",
        lambda: lstm_cell_backward(ONES, ONES, (*CACHE[:9], without(P, "Wc"))),
        ValueError,
        "cache[9] (parameters) is missing 'Wc'",
    ),
    # backward through time
    bad(
        "da with the wrong T_x",
        lambda: lstm_backward(np.ones((5, 10, 3)), CACHES),
        ValueError,
        "da has shape (5, 10, 3), expected (n_a, m, T_x) = (5, 10, 4)",
    ),
    bad(
        "caches not a pair",
        lambda: lstm_backward(DA, CACHES[0]),
        ValueError,
        "caches must be the tuple (list_of_cell_caches, x) returned by lstm_forward",
    ),
    bad(
        "caches of another length",
        lambda: lstm_backward(DA, (CACHES[0][:3], CACHES[1])),
        ValueError,
        "caches[0] (list_of_cell_caches) has 3 cell caches, expected T_x = 4",
    ),
    bad(
        "no cell caches",
        lambda: lstm_backward(DA, ([], CACHES[1])),
        ValueError,
        "caches[0] (list_of_cell_caches) is empty",
    ),
    bad(
        "a later cell cache None",
        lambda: lstm_backward(DA, ([*CACHES[0][:2], None, *CACHES[0][3:]], CACHES[1])),
        ValueError,
        "caches[0][2] must be the tuple (a_next, c_next",
    ),
    bad(
        "a later cell cache with the wrong m",
        lambda: lstm_backward(DA, with_cell_entry(3, 3, np.ones((5, 9)))),
        ValueError,
        "caches[0][3][3] (c_prev) has shape (5, 9), expected (n_a, m) = (5, 10)",
    ),
    bad(
        "a later xt with the wrong n_x",
        lambda: lstm_backward(DA, with_cell_entry(1, 8, np.ones((4, 10)))),
        ValueError,
        "caches[0][1][8] (xt) has shape (4, 10), expected (n_x, m) = (3, 10)",
    ),
    bad(
        "NaN in a later gate",
        lambda: lstm_backward(DA, with_cell_entry(2, 4, with_value(CACHES[0][2][4], 0, np.nan))),
        ValueError,
        "caches[0][2][4] (ft) contains NaN or inf",
    ),
    bad(
        "other parameters in a later cell cache",
        lambda: lstm_backward(DA, with_cell_entry(1, 9, replace(P, Wf=2 * P["Wf"]))),
        ValueError,
        "caches[0][1][9] (parameters) differs from caches[0][0][9]",
    ),
    bad(
        "x of the caches of another T_x",
        lambda: lstm_backward(DA, (CACHES[0], CACHES[1][:, :, :3])),
        ValueError,
        "caches[0] (list_of_cell_caches) has 4 cell caches, expected T_x = 3",
    ),
    # initialisation
    bad(
        "n_a = 0",
        lambda: initialize_lstm_parameters(3, 0, 2),
        ValueError,
        "n_a must be at least 1",
    ),
    bad(
        "scale 0",
        lambda: initialize_lstm_parameters(3, 5, 2, scale=0.0),
        ValueError,
        "scale must be a finite number > 0",
    ),
    bad(
        "forget_bias inf",
        lambda: initialize_lstm_parameters(3, 5, 2, forget_bias=np.inf),
        ValueError,
        "forget_bias must be a finite number",
    ),
    bad(
        "forget_bias a string",
        lambda: initialize_lstm_parameters(3, 5, 2, forget_bias="1"),
        TypeError,
        "forget_bias must be a number, got str",
    ),
    bad(
        "seed -1",
        lambda: initialize_lstm_parameters(3, 5, 2, seed=-1),
        ValueError,
        "seed must be an int >= 0",
    ),
]


@pytest.mark.parametrize(("call", "error", "phrases"), BAD)
def test_bad_arguments_are_refused(call, error, phrases):
    assert_rejects(call, error, phrases)
