"""Training and sampling an LSTM or a GRU, and the state carried across windows (notebook 07).

Expected values come from reference cells written here from the equations, one example at a time
and with the gate weights split into their a_prev and xt blocks (rnn_core stacks [a_prev; xt]), so
that they share no code with rnn_core; from the public cell functions, which tests/test_lstm.py and
tests/test_gru.py hold to PyTorch; and from windows cut out of the text by hand.
"""

import math

import numpy as np
import pytest
from helpers import reference_log_softmax

import rnn_core as rc
from rnn_core import models
from rnn_core.corpus import build_vocabulary, encode, load_corpus
from rnn_core.optimizers import Adagrad, clip_by_global_norm
from rnn_core.sampling import next_char_probabilities, sample
from rnn_core.training import bits_per_character, loss_per_character, train

TEXT = load_corpus("coriolanus")
CHARS, CHAR_TO_INDEX = build_vocabulary(TEXT)
V = len(CHARS)
N_A = 6


def sigma(z):
    return 1 / (1 + np.exp(-z))


def reference_lstm_step(x, a, c, p):
    """One LSTM step for one example: x (n_x,), a and c (n_a,); the weights split in two blocks."""
    n_a = a.size

    def gate(g):
        W = p[f"W{g}"]
        return W[:, :n_a] @ a + W[:, n_a:] @ x + p[f"b{g}"][:, 0]

    f, i, o = sigma(gate("f")), sigma(gate("i")), sigma(gate("o"))
    c = f * c + i * np.tanh(gate("c"))
    return o * np.tanh(c), c


def reference_gru_step(x, a, p):
    """One step of Cho's GRU for one example, the weights split into their a and x blocks."""
    n_a = a.size
    Wz, Wr, Wh = p["Wz"], p["Wr"], p["Wh"]
    z = sigma(Wz[:, :n_a] @ a + Wz[:, n_a:] @ x + p["bz"][:, 0])
    r = sigma(Wr[:, :n_a] @ a + Wr[:, n_a:] @ x + p["br"][:, 0])
    h = np.tanh(Wh[:, :n_a] @ (r * a) + Wh[:, n_a:] @ x + p["bh"][:, 0])
    return z * a + (1 - z) * h


def reference_read(cell, parameters, indices, state=None):
    """(state, log ŷ after the last character) of the reference cell run over the characters
    `indices` (ints); the state is (a, c) for both cells, c unused by the GRU."""
    state = state if state is not None else (np.zeros(N_A), np.zeros(N_A))
    n_y = parameters["Wy"].shape[0]
    for index in indices:
        x = np.eye(n_y)[index]
        if cell == "lstm":
            state = reference_lstm_step(x, *state, parameters)
        else:
            state = (reference_gru_step(x, state[0], parameters), state[1])
    log_p = reference_log_softmax(parameters["Wy"] @ state[0] + parameters["by"][:, 0])
    return state, log_p


def reference_window_loss(cell, parameters, windows, states):
    """Cross-entropy of windows (m, T_x + 1) read from per-row states, summed over time, mean
    over rows; returns (loss, the states after the windows)."""
    total, after = 0.0, []
    for row, state in zip(windows, states):
        for t in range(windows.shape[1] - 1):
            state, log_p = reference_read(cell, parameters, [row[t]], state)
            total -= log_p[row[t + 1]]
        after.append(state)
    return total / len(windows), after


MODELS = {
    "lstm": rc.initialize_lstm_parameters(V, N_A, V, scale=0.5, seed=3),
    "gru": rc.initialize_gru_parameters(V, N_A, V, scale=0.5, seed=3),
}


# --- the corpus and the models ---


def test_the_coriolanus_corpus_is_plain_lower_case_ascii_cut_at_a_speech():
    assert TEXT.startswith("first citizen:\nbefore we proceed any further, hear me speak.\n")
    assert TEXT.endswith("are you mankind?\n")
    assert TEXT.isascii() and TEXT.lower() == TEXT
    assert len(TEXT) == 99_843 and V == 37


@pytest.mark.parametrize(
    "cell, start",
    [
        ("rnn", rc.initialize_parameters),
        ("lstm", rc.initialize_lstm_parameters),
        ("gru", rc.initialize_gru_parameters),
    ],
)
def test_each_cell_is_recognised_by_its_parameters(cell, start):
    parameters = start(4, 3, 5, seed=1)
    assert models.cell_of(parameters) == cell
    assert models.hidden_size(parameters) == 3
    for key, value in models.initialize(cell, 4, 3, 5, seed=1).items():
        np.testing.assert_array_equal(value, parameters[key])


def test_parameter_counts_are_the_sums_of_the_weight_shapes():
    n_x, n_a, n_y = 37, 30, 37
    output = n_y * n_a + n_y
    counts = {
        "rnn": n_a * n_x + n_a * n_a + n_a + output,
        "lstm": 4 * (n_a * (n_a + n_x) + n_a) + output,
        "gru": 3 * (n_a * (n_a + n_x) + n_a) + output,
    }
    for cell, count in counts.items():
        assert models.parameter_count(models.initialize(cell, n_x, n_a, n_y)) == count
    assert counts["lstm"] == 9_307


def test_parameters_of_no_cell_or_of_two_cells_are_refused_with_their_keys():
    with pytest.raises(ValueError, match=r"parameters has the keys \['Wy', 'by'\]; expected"):
        models.cell_of({"Wy": 1, "by": 2})
    both = {**MODELS["lstm"], **MODELS["gru"]}
    with pytest.raises(ValueError, match="expected those of one cell"):
        sample(both, CHARS, CHAR_TO_INDEX, "the ", 5)
    with pytest.raises(TypeError, match="parameters must be a dict"):
        models.cell_of([1, 2])


# --- sampling ---


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_sampling_a_gated_model_at_a_tiny_temperature_is_greedy_decoding(cell):
    parameters = MODELS[cell]
    state, log_p = reference_read(cell, parameters, encode("the ", CHAR_TO_INDEX))
    expected = "the "
    for _ in range(30):
        expected += CHARS[int(log_p.argmax())]
        state, log_p = reference_read(cell, parameters, [int(log_p.argmax())], state)
    for seed in (0, 1):
        assert sample(parameters, CHARS, CHAR_TO_INDEX, "the ", 30, 1e-6, seed) == expected


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_next_char_probabilities_of_a_gated_model_are_those_of_the_reference_cell(
    cell, temperature
):
    _, log_p = reference_read(cell, MODELS[cell], encode("first citizen", CHAR_TO_INDEX))
    p = next_char_probabilities(MODELS[cell], CHARS, CHAR_TO_INDEX, "first citizen", temperature)
    expected = np.exp(reference_log_softmax(log_p / temperature))
    np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-15)


def test_a_gated_model_with_the_wrong_vocabulary_is_refused_naming_where_n_y_comes_from():
    with pytest.raises(ValueError, match=r"expected n_y = 37 \(from parameters\['Wy'\]\)"):
        sample(MODELS["gru"], CHARS[:-1], dict(list(CHAR_TO_INDEX.items())[:-1]), "the ", 5)


# --- training with the state carried across windows ---

SMALL = TEXT[:3_000]  # a smaller vocabulary than the whole text's: train builds its own


def streams_by_hand(indices, m, T_x, j):
    """Window j of each of the m streams: stream i is indices[i L : (i + 1) L + 1]."""
    L = (len(indices) - 1) // m
    return np.array([indices[i * L + j * T_x : i * L + (j + 1) * T_x + 1] for i in range(m)])


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_the_second_window_starts_where_the_first_ended(cell):
    m, T_x, lr = 3, 7, 0.1
    result = train(
        SMALL, n_a=N_A, T_x=T_x, m=m, steps=2, learning_rate=lr, cell=cell, carry_state=True
    )
    indices = encode(SMALL, result.char_to_index)
    n_y = len(result.chars)
    p0 = models.initialize(cell, n_y, N_A, n_y, seed=0)
    first = streams_by_hand(indices, m, T_x, 0)
    zero = [(np.zeros(N_A), np.zeros(N_A))] * m
    loss0, states = reference_window_loss(cell, p0, first, zero)
    assert result.losses[0] * T_x == pytest.approx(loss0, rel=1e-10)
    # The update of step 1, from rnn_core's public functions (held to PyTorch elsewhere)
    one_hot = np.eye(n_y)[:, first[:, :-1]]  # (n_y, m, T_x)
    loss_and_gradients = {"lstm": rc.lstm_loss_and_gradients, "gru": rc.gru_loss_and_gradients}
    _, gradients = loss_and_gradients[cell](one_hot, first[:, 1:], np.zeros((N_A, m)), p0)
    p1 = Adagrad(lr).step(p0, clip_by_global_norm(gradients, 5.0)[0])
    second = streams_by_hand(indices, m, T_x, 1)
    carried, _ = reference_window_loss(cell, p1, second, states)
    from_zero, _ = reference_window_loss(cell, p1, second, zero)
    assert result.losses[1] * T_x == pytest.approx(carried, rel=1e-10)
    # The test can tell the two apart: from zero differs by ~1e-5 relative (small initial weights)
    assert from_zero != pytest.approx(carried, rel=1e-8)


def test_each_pass_through_the_streams_starts_from_the_zero_state():
    m, T_x = 2, 5
    text = SMALL[: 2 * 2 * T_x + 1]  # L = 10: two windows per stream, one pass = 2 steps
    two = train(text, n_a=N_A, T_x=T_x, m=m, steps=2, carry_state=True)
    three = train(text, n_a=N_A, T_x=T_x, m=m, steps=3, carry_state=True)
    indices = encode(text, two.char_to_index)
    n_y = len(two.chars)
    window = streams_by_hand(indices, m, T_x, 0)
    x = np.eye(n_y)[:, window[:, :-1]]
    expected = rc.rnn_loss(x, window[:, 1:], np.zeros((N_A, m)), two.parameters) / T_x
    assert three.losses[2] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_array_equal(three.losses[:2], two.losses)


def test_carry_state_needs_one_window_per_stream():
    with pytest.raises(ValueError, match=r"needs m T_x \+ 1 = 41 characters, the text has 40"):
        train(SMALL[:40], n_a=4, T_x=5, m=8, steps=1, carry_state=True)
    with pytest.raises(TypeError, match="carry_state must be True or False, got 'yes'"):
        train(SMALL, n_a=4, T_x=5, m=2, steps=1, carry_state="yes")
    with pytest.raises(ValueError, match="cell must be one of"):
        train(SMALL, n_a=4, T_x=5, m=2, steps=1, cell="LSTM")


# --- held-out loss, read from zero or as one stream ---


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_held_out_loss_read_as_one_stream_is_the_loss_of_one_long_sequence(cell):
    parameters = models.initialize(cell, V, N_A, V, seed=2)
    parameters = {k: v * 40 if k.startswith("W") else v for k, v in parameters.items()}
    held = TEXT[-101:]  # four windows of T_x = 25
    indices = encode(held, CHAR_TO_INDEX)
    x = np.eye(V)[:, indices[:-1]][:, None, :]  # (V, 1, 100): one sequence
    loss = {"rnn": rc.rnn_loss, "lstm": rc.lstm_loss, "gru": rc.gru_loss}[cell]
    whole = loss(x, indices[None, 1:], np.zeros((N_A, 1)), parameters) / 100
    carried = loss_per_character(parameters, CHAR_TO_INDEX, held, 25, carry_state=True)
    assert carried == pytest.approx(whole, rel=1e-12)
    windows = np.stack([indices[25 * k : 25 * k + 26] for k in range(4)])  # (4, 26)
    x = np.eye(V)[:, windows[:, :-1]]
    by_window = loss(x, windows[:, 1:], np.zeros((N_A, 4)), parameters) / 25
    assert loss_per_character(parameters, CHAR_TO_INDEX, held, 25) == pytest.approx(
        by_window, rel=1e-12
    )
    assert abs(carried - by_window) > 1e-3


def test_training_records_the_held_out_loss_as_loss_per_character_measures_it():
    for carry in (False, True):
        result = train(
            SMALL, n_a=N_A, T_x=10, m=4, steps=20, held_out=300, cell="gru", carry_state=carry
        )
        measured = loss_per_character(
            result.parameters, result.char_to_index, SMALL[-300:], 10, carry_state=carry
        )
        assert result.held_out_losses[-1] == pytest.approx(measured, rel=1e-12)
        assert result.cell == "gru" and result.carry_state is carry


def test_bits_per_character_is_the_loss_over_ln_2():
    assert bits_per_character(math.log(2)) == pytest.approx(1.0, rel=1e-15)
    assert bits_per_character(math.log(37)) == pytest.approx(math.log2(37), rel=1e-15)
    np.testing.assert_allclose(bits_per_character(np.array([0.0, math.log(4)])), [0.0, 2.0])


def test_loss_per_character_refuses_text_it_cannot_read():
    with pytest.raises(ValueError, match="text"):
        loss_per_character(MODELS["lstm"], CHAR_TO_INDEX, "first", 25)
    with pytest.raises(ValueError, match="text"):
        loss_per_character(MODELS["lstm"], CHAR_TO_INDEX, "é" * 30, 25)
    with pytest.raises(ValueError, match="T_x must be at least 1"):
        loss_per_character(MODELS["lstm"], CHAR_TO_INDEX, TEXT[:100], 0)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_short_run_of_a_gated_cell_lowers_the_held_out_loss(cell):
    result = train(TEXT, n_a=16, steps=150, held_out=2_000, cell=cell, carry_state=True)
    assert result.held_out_losses[0] == pytest.approx(math.log(V), abs=0.01)
    assert result.held_out_losses[-1] < result.held_out_losses[0] - 0.5
