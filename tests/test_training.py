"""Training a character model: text to batches, clipping, optimisers, sampling, a short run,
held-out text and the training figures.

Expected values are worked out by hand in the comments (clipping, Adagrad, perplexity), summed
exactly with math.fsum (the norm of gradients whose squares overflow), or computed with the tests'
reference RNN (greedy decoding, next-character probabilities, the loss on held-out windows cut
out by hand). Bad input is in test_validation.py, except for the held-out arguments of `train`.
"""

import math
import warnings

import numpy as np
import pytest
from helpers import reference_forward, reference_log_softmax, reference_loss

import rnn_core as rc
from rnn_core.corpus import build_vocabulary, decode, encode, load_corpus, make_batch
from rnn_core.optimizers import (
    Adagrad,
    clip_by_global_norm,
    clip_elementwise,
    global_norm,
    sgd_step,
)
from rnn_core.sampling import next_char_probabilities, sample
from rnn_core.training import TrainingResult, perplexity, train

TEXT = load_corpus()
CHARS, CHAR_TO_INDEX = build_vocabulary(TEXT)
INDICES = encode(TEXT, CHAR_TO_INDEX)
V = len(CHARS)
N_A = 8
# A random model of the right shape, with weights large enough that its distributions are peaked.
MODEL = rc.initialize_parameters(V, N_A, V, scale=0.5, seed=3)


# --- the text ---


def test_corpus_is_the_shipped_sonnets_in_plain_ascii():
    assert TEXT.startswith("from fairest creatures we desire increase,\n")
    assert TEXT.endswith("that beauty still may live in thine or thee.\n")
    assert TEXT.isascii()
    assert 3_000 <= len(TEXT) <= 8_000
    assert TEXT.count("\n\n") == 9  # ten sonnets, separated by blank lines
    assert V == 36  # 26 letters, space, newline and ! ' , - . : ; ?


def test_vocabulary_is_sorted_and_indexed_in_order():
    assert sorted(set(TEXT)) == CHARS
    assert all(CHAR_TO_INDEX[c] == i for i, c in enumerate(CHARS))


def test_encode_then_decode_gives_the_text_back():
    assert INDICES.dtype.kind == "i" and INDICES.shape == (len(TEXT),)
    assert decode(INDICES, CHARS) == TEXT
    assert encode("thee", CHAR_TO_INDEX).tolist() == [CHAR_TO_INDEX[c] for c in "thee"]


def test_make_batch_labels_are_the_inputs_shifted_by_one():
    m, T_x = 5, 12
    x, y = make_batch(INDICES, V, m, T_x, np.random.default_rng(0))
    assert x.shape == (V, m, T_x) and x.dtype == np.float64
    assert y.shape == (m, T_x) and y.dtype.kind == "i"
    np.testing.assert_array_equal(x.sum(axis=0), np.ones((m, T_x)))  # exactly one 1 per column
    inputs = x.argmax(axis=0)  # (n_y, m, T_x) -> (m, T_x)
    for i in range(m):
        window = decode(np.append(inputs[i], y[i, -1]), CHARS)  # T_x + 1 characters
        assert window in TEXT
        assert decode(inputs[i, 1:], CHARS) == decode(y[i, :-1], CHARS)


def test_make_batch_is_reproducible_from_the_generator_seed_and_varies_with_it():
    first = make_batch(INDICES, V, 4, 7, np.random.default_rng(5))
    second = make_batch(INDICES, V, 4, 7, np.random.default_rng(5))
    other = make_batch(INDICES, V, 4, 7, np.random.default_rng(6))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[1], other[1])


# --- clipping ---


def test_global_norm_of_3_and_4_is_5_and_clipping_scales_both_by_max_norm_over_5():
    gradients = {"dWax": np.array([[3.0]]), "dba": np.array([[4.0]]), "da0": np.array([[100.0]])}
    before = {k: v.copy() for k, v in gradients.items()}
    clipped, norm = clip_by_global_norm(gradients, 1.0)
    assert norm == pytest.approx(5.0, abs=1e-15)  # sqrt(3² + 4²); da0 is not counted
    np.testing.assert_allclose(clipped["dWax"], [[0.6]], rtol=1e-15)  # 3 * 1/5
    np.testing.assert_allclose(clipped["dba"], [[0.8]], rtol=1e-15)  # 4 * 1/5
    np.testing.assert_array_equal(clipped["da0"], [[100.0]])  # not a parameter gradient
    for key in gradients:
        np.testing.assert_array_equal(gradients[key], before[key])  # the input is unchanged
        assert clipped[key] is not gradients[key]


def test_gradients_below_the_threshold_come_back_unchanged_as_new_arrays():
    gradients = {"dWaa": np.array([1.0, -2.0]), "dby": np.array([2.0])}
    clipped, norm = clip_by_global_norm(gradients, 10.0)
    assert norm == pytest.approx(3.0, abs=1e-15)  # sqrt(1 + 4 + 4)
    for key in gradients:
        np.testing.assert_array_equal(clipped[key], gradients[key])
        assert clipped[key] is not gradients[key]


def test_keys_choose_which_arrays_are_counted_and_clipped():
    gradients = {"dWax": np.array([3.0]), "da0": np.array([4.0])}
    clipped, norm = clip_by_global_norm(gradients, 2.0, keys=["da0"])
    assert norm == pytest.approx(4.0, abs=1e-15)
    np.testing.assert_array_equal(clipped["da0"], [2.0])  # 4 * 2/4
    np.testing.assert_array_equal(clipped["dWax"], [3.0])


def test_clip_elementwise_cuts_only_the_entries_beyond_the_bound():
    gradients = {"dWya": np.array([-7.0, 2.0, 9.0]), "dx": np.array([-7.0])}
    clipped = clip_elementwise(gradients, 5.0)
    np.testing.assert_array_equal(clipped["dWya"], [-5.0, 2.0, 5.0])
    np.testing.assert_array_equal(clipped["dx"], [-7.0])
    np.testing.assert_array_equal(gradients["dWya"], [-7.0, 2.0, 9.0])  # input unchanged


def fsum_norm(gradients):
    """The global norm summed exactly: each entry divided by the largest first, math.fsum."""
    values = [float(v) for g in gradients.values() for v in np.ravel(g)]
    largest = max(abs(v) for v in values)
    return largest * math.sqrt(math.fsum((v / largest) ** 2 for v in values))


@pytest.mark.parametrize(
    "dtype, size, rtol",
    [(np.float64, 1e200, 1e-14), (np.float32, 1e20, 1e-6)],
    ids=["float64 at 1e200", "float32 at 1e20"],
)
def test_clipping_gradients_whose_squares_overflow_scales_them_to_max_norm(dtype, size, rtol):
    """Regression: (1e200)² = inf made the norm inf and the clipped gradients zero."""
    rng = np.random.default_rng(0)
    gradients = {
        "dWax": (size * rng.uniform(-1, 1, (3, 4))).astype(dtype),
        "dby": (size * rng.uniform(-1, 1, (2, 1))).astype(dtype),
    }
    exact = fsum_norm(gradients)
    assert global_norm(gradients) == pytest.approx(exact, rel=rtol)
    clipped, norm = clip_by_global_norm(gradients, 5.0)
    assert norm == pytest.approx(exact, rel=rtol)
    for key, g in gradients.items():
        assert clipped[key].dtype == dtype, key
        expected = g.astype(np.float64) * (5.0 / exact)
        np.testing.assert_allclose(clipped[key], expected, rtol=rtol * 10, err_msg=key)
    assert fsum_norm(clipped) == pytest.approx(5.0, rel=rtol * 10)


def test_clipping_gradients_whose_norm_exceeds_float64_still_scales_them_to_max_norm():
    """Regression: a global norm above 1.8e308 gave nan, and nothing was clipped."""
    gradients = {"dWax": np.full((2, 2), 1e308), "dba": np.full((2, 1), -1e308)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clipped, norm = clip_by_global_norm(gradients, 1.0)
        assert global_norm(gradients) == norm == math.inf  # the true norm, sqrt(6)·1e308
    # every entry has the same size, so each becomes 1/sqrt(6) of the global norm of 1
    for key, g in clipped.items():
        np.testing.assert_allclose(np.abs(g), 1 / math.sqrt(6), rtol=1e-15, err_msg=key)


# --- optimisers ---


def test_sgd_step_by_hand():
    parameters = {"W": np.array([1.0, -2.0]), "b": np.array([0.5])}
    gradients = {"dW": np.array([0.5, -1.0]), "db": np.array([2.0]), "dx": np.array([9.0])}
    new = sgd_step(parameters, gradients, 0.1)
    np.testing.assert_allclose(new["W"], [0.95, -1.9], rtol=1e-15)  # 1 - 0.05, -2 + 0.1
    np.testing.assert_allclose(new["b"], [0.3], rtol=1e-15)  # 0.5 - 0.2
    np.testing.assert_array_equal(parameters["W"], [1.0, -2.0])  # not modified in place


def test_adagrad_two_steps_by_hand():
    # G1 = g1² = [0.25, 1]; p1 = p0 - 0.1 g1 / sqrt(G1) = [1 - 0.1, -2 + 0.1] = [0.9, -1.9]
    # G2 = G1 + g2² = [2.5, 5]; p2 = p1 - 0.1 [1.5 / sqrt(2.5), 2 / sqrt(5)]
    #    = [0.9 - 0.09486833, -1.9 - 0.08944272] = [0.80513167, -1.98944272]
    # eps = 1e-8 moves these by about 1e-9, far below the tolerance.
    optimizer = Adagrad(learning_rate=0.1)
    p0 = {"W": np.array([1.0, -2.0])}
    p1 = optimizer.step(p0, {"dW": np.array([0.5, -1.0])})
    np.testing.assert_allclose(p1["W"], [0.9, -1.9], rtol=0, atol=1e-8)
    p2 = optimizer.step(p1, {"dW": np.array([1.5, 2.0])})
    np.testing.assert_allclose(p2["W"], [0.80513167, -1.98944272], rtol=0, atol=1e-8)
    np.testing.assert_allclose(optimizer.sum_of_squares["W"], [2.5, 5.0], rtol=1e-15)
    np.testing.assert_array_equal(p0["W"], [1.0, -2.0])  # not modified in place
    np.testing.assert_allclose(p1["W"], [0.9, -1.9], rtol=0, atol=1e-8)


# --- perplexity ---


def test_uniform_predictions_have_perplexity_equal_to_the_vocabulary_size():
    # Wya = 0 and by = 0 give logits 0, so every character has probability 1/V; the loss per
    # character is then -ln(1/V) = ln V, and the perplexity exp(ln V) = V.
    parameters = {**MODEL, "Wya": np.zeros_like(MODEL["Wya"]), "by": np.zeros_like(MODEL["by"])}
    T_x = 6
    x, y = make_batch(INDICES, V, 3, T_x, np.random.default_rng(0))
    loss = rc.rnn_loss(x, y, np.zeros((N_A, 3)), parameters)
    assert loss / T_x == pytest.approx(math.log(V), rel=1e-12)
    assert perplexity(loss / T_x) == pytest.approx(V, rel=1e-12)
    np.testing.assert_allclose(perplexity(np.array([0.0, math.log(2)])), [1.0, 2.0])


# --- sampling ---


def read(text, parameters, state=None):
    """The reference RNN run over `text` from a = 0 (or `state`): (a after it, log ŷ after it)."""
    x = np.eye(V)[:, encode(text, CHAR_TO_INDEX)][:, None, :]  # (V, 1, len(text)) one-hot
    state = np.zeros((N_A, 1)) if state is None else state
    a, log_p = reference_forward(x, state, parameters)
    return a[:, :, -1], log_p[:, 0, -1]


def greedy(parameters, start, length):
    """Greedy decoding written out: always feed back the most likely character."""
    a, log_p = read(start, parameters)
    text = start
    for _ in range(length):
        text += CHARS[int(log_p.argmax())]
        a, log_p = read(text[-1], parameters, a)
    return text


@pytest.mark.parametrize("temperature", [1e-6, 1e-300])
def test_sampling_at_a_tiny_temperature_is_greedy_decoding(temperature):
    expected = greedy(MODEL, "the ", 40)
    for seed in (0, 1):
        assert sample(MODEL, CHARS, CHAR_TO_INDEX, "the ", 40, temperature, seed) == expected


@pytest.mark.parametrize("temperature", [1e-6, 1e-300])
def test_a_tiny_temperature_puts_all_the_probability_on_the_most_likely_character(temperature):
    """(Logits / 1e-300 overflow to inf; the distribution must still be a distribution.)"""
    _, log_p = read("thy beauty", MODEL)
    p = next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, "thy beauty", temperature)
    expected = np.zeros(V)
    expected[log_p.argmax()] = 1.0
    np.testing.assert_array_equal(p, expected)


def test_sampling_is_reproducible_from_the_seed_and_varies_with_it():
    first = sample(MODEL, CHARS, CHAR_TO_INDEX, "love", 60, temperature=1.0, seed=7)
    again = sample(MODEL, CHARS, CHAR_TO_INDEX, "love", 60, temperature=1.0, seed=7)
    other = sample(MODEL, CHARS, CHAR_TO_INDEX, "love", 60, temperature=1.0, seed=8)
    assert first == again
    assert first != other
    assert first.startswith("love") and len(first) == 64
    assert set(first) <= set(CHARS)


@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_next_char_probabilities_are_the_softmax_of_the_logits_over_the_temperature(temperature):
    prompt = "thy beauty"
    a, _ = read(prompt, MODEL)
    logits = MODEL["Wya"] @ a[:, 0] + MODEL["by"][:, 0]
    expected = np.exp(reference_log_softmax(logits / temperature))
    p = next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, prompt, temperature=temperature)
    assert p.shape == (V,)
    np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-300)


def test_a_lower_temperature_sharpens_the_distribution_and_keeps_its_ranking():
    warm = next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, "thy beauty", temperature=1.0)
    cold = next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, "thy beauty", temperature=0.5)
    assert cold.max() > warm.max()
    np.testing.assert_array_equal(np.argsort(cold, kind="stable"), np.argsort(warm, kind="stable"))


# --- training ---


def test_a_short_training_run_lowers_the_loss():
    result = train(TEXT, n_a=16, T_x=10, m=8, steps=200, seed=0)
    assert isinstance(result, TrainingResult)
    assert result.losses.shape == result.smooth_losses.shape == result.gradient_norms.shape
    assert result.losses.shape == (200,)
    assert result.chars == CHARS and result.char_to_index == CHAR_TO_INDEX
    assert result.losses[0] == pytest.approx(math.log(V), abs=0.01)  # small weights: near uniform
    first, last = result.losses[:20].mean(), result.losses[-20:].mean()
    assert last < first - 0.4, (first, last)  # measured: 2.97 -> 2.32
    assert np.all(result.gradient_norms > 0)
    smooth = [result.losses[0]]  # the moving average, written out: weight 0.99 on the past
    for loss in result.losses[1:]:
        smooth.append(0.99 * smooth[-1] + 0.01 * loss)
    np.testing.assert_allclose(result.smooth_losses, smooth, rtol=1e-14)


def test_training_is_deterministic_given_the_seed():
    kwargs = {"n_a": 8, "T_x": 5, "m": 2, "steps": 5, "seed": 4}
    first = train(TEXT, **kwargs)
    again = train(TEXT, **kwargs)
    np.testing.assert_array_equal(first.losses, again.losses)
    for key in first.parameters:
        np.testing.assert_array_equal(first.parameters[key], again.parameters[key])


def test_clip_none_is_a_clip_that_no_norm_reaches():
    kwargs = {"n_a": 8, "T_x": 5, "m": 2, "steps": 20, "seed": 4}
    unclipped = train(TEXT, clip=None, **kwargs)
    never = train(TEXT, clip=1e9, **kwargs)
    always = train(TEXT, clip=1e-3, **kwargs)
    np.testing.assert_array_equal(unclipped.losses, never.losses)
    np.testing.assert_array_equal(unclipped.gradient_norms, never.gradient_norms)
    assert not np.array_equal(unclipped.losses, always.losses)


# --- held-out text ---

# The last sonnet: 621 characters, none of them missing from the first nine, so holding it out
# leaves the vocabulary of the whole text.
LAST_SONNET = len(TEXT.split("\n\n")[-1])
SMALL = {"n_a": 8, "T_x": 5, "m": 4, "seed": 2}


def held_out_batch_by_hand(text, held_out, T_x):
    """The held-out windows written out: starts 0, T_x, 2 T_x, … of the last `held_out`
    characters, each T_x + 1 long, as long as one fits; one-hot built from the identity matrix."""
    part = [CHAR_TO_INDEX[c] for c in text[len(text) - held_out :]]
    windows = [part[s : s + T_x + 1] for s in range(0, held_out - T_x, T_x)]
    windows = np.array(windows)  # (m_h, T_x + 1)
    x = np.eye(V)[windows[:, :-1]].transpose(2, 0, 1)  # (m_h, T_x, V) -> (V, m_h, T_x)
    return x, windows[:, 1:]


def test_the_held_out_windows_by_hand_cover_the_held_out_text():
    # 621 characters, T_x = 25: (621 - 1) // 25 = 24 windows; labels are characters 2 … 601.
    x, y = held_out_batch_by_hand(TEXT, LAST_SONNET, 25)
    assert x.shape == (V, 24, 25) and y.shape == (24, 25)
    assert decode(y, CHARS) == TEXT[len(TEXT) - LAST_SONNET + 1 :][:600]


def test_training_with_held_out_text_is_training_on_the_text_without_it():
    """The held-out part changes nothing in training: same batches, same weights, bit for bit."""
    assert set(TEXT[: len(TEXT) - LAST_SONNET]) == set(TEXT)  # the same vocabulary
    with_held_out = train(TEXT, steps=30, held_out=LAST_SONNET, eval_every=10, **SMALL)
    without = train(TEXT[: len(TEXT) - LAST_SONNET], steps=30, **SMALL)
    np.testing.assert_array_equal(with_held_out.losses, without.losses)
    np.testing.assert_array_equal(with_held_out.gradient_norms, without.gradient_norms)
    for key in without.parameters:
        np.testing.assert_array_equal(with_held_out.parameters[key], without.parameters[key])


def test_no_training_batch_holds_a_character_of_the_held_out_text(monkeypatch):
    """A text whose held-out part is written in letters the training part never uses: any
    window that reached into the held-out part would hold one of them."""
    rng = np.random.default_rng(0)
    training_part = "".join(rng.choice(list("abcde"), 14))
    held_out_part = "".join(rng.choice(list("vwxyz"), 30))
    text = training_part + held_out_part
    chars, char_to_index = build_vocabulary(text)
    held_out_rows = [char_to_index[c] for c in "vwxyz"]
    batches = []

    def recording_random_windows(*args, **kwargs):
        windows = random_windows(*args, **kwargs)
        batches.append(windows.copy())
        return windows

    random_windows = rc.training._random_windows
    monkeypatch.setattr(rc.training, "_random_windows", recording_random_windows)
    result = train(text, n_a=4, T_x=4, m=8, steps=50, held_out=30, seed=0)
    assert len(batches) == 50
    last_window_seen = False
    for windows in batches:  # (m, T_x + 1): inputs [:, :-1], labels [:, 1:]
        assert windows.shape == (8, 5)
        assert not np.isin(windows, held_out_rows).any()  # neither an input nor a label
        for i in range(8):
            last_window_seen |= decode(windows[i], chars) == training_part[-5:]
    # 14 characters give 10 windows of 5; in 400 draws the last one (up to the boundary) comes up
    assert last_window_seen
    assert result.held_out_losses[0] == pytest.approx(math.log(len(chars)), abs=0.01)


# --- the fast training loop against the one-hot path ---


def train_by_hand(text, n_a, T_x, m, steps, learning_rate=0.1, clip=5.0, seed=0):
    """train's loop written with the public one-hot functions (notebook 05's loop): make_batch,
    rnn_loss_and_gradients, clip_by_global_norm and Adagrad.step, each returning new arrays.
    Returns the loss per character and the gradient norm of every step, and the weights."""
    chars, char_to_index = build_vocabulary(text)
    n_y = len(chars)
    indices = encode(text, char_to_index)
    parameters = rc.initialize_parameters(n_y, n_a, n_y, seed=seed)
    optimizer = Adagrad(learning_rate)
    rng = np.random.default_rng(seed)
    losses, norms = np.zeros(steps), np.zeros(steps)
    for step in range(steps):
        x, y = make_batch(indices, n_y, m, T_x, rng)  # x one-hot (n_y, m, T_x)
        loss, gradients = rc.rnn_loss_and_gradients(x, y, np.zeros((n_a, m)), parameters)
        gradients, norms[step] = clip_by_global_norm(gradients, clip)
        parameters = optimizer.step(parameters, gradients)
        losses[step] = loss / T_x
    return losses, norms, parameters


@pytest.mark.parametrize("sizes", [{"n_a": 64, "T_x": 25, "m": 16}, {"n_a": 8, "T_x": 1, "m": 1}])
def test_train_gives_the_numbers_of_the_one_hot_loop(sizes):
    """200 steps of train (indices, reused arrays, clipping and Adagrad in place) against the same
    200 steps of the one-hot loop, notebook 05's sizes and the smallest: training amplifies any
    difference in the last bits step after step, so agreement to 1e-10 after 200 steps means
    the two compute the same numbers (they do: measured 0.0)."""
    result = train(TEXT, steps=200, **sizes)
    losses, norms, parameters = train_by_hand(TEXT, steps=200, **sizes)
    np.testing.assert_allclose(result.losses, losses, rtol=1e-10)
    np.testing.assert_allclose(result.gradient_norms, norms, rtol=1e-10)
    for key, value in parameters.items():
        np.testing.assert_allclose(result.parameters[key], value, rtol=1e-10, atol=1e-14)


def test_every_step_of_train_is_the_one_hot_fused_path_on_the_same_batch(monkeypatch):
    """Each call train makes with indices, against rnn_loss_and_gradients on the one-hot inputs of
    the same batch and the same weights (copied before train updates them in place), to 1e-12;
    with carried state, so that a0 is not zero."""
    differences = []

    def checked(cell, x, y, state, parameters, gradients=None):
        assert x.shape == y.shape and x.dtype.kind == "i"  # indices (m, T_x), not one-hot
        weights = {key: value.copy() for key, value in parameters.items()}
        loss, gradients, last = loss_gradients_and_state(cell, x, y, state, parameters, gradients)
        one_hot_loss, expected = rc.rnn_loss_and_gradients(rc.one_hot(x, V), y, state[0], weights)
        differences.append(abs(loss - one_hot_loss) / abs(one_hot_loss))
        for name, value in gradients.items():
            scale = np.abs(expected[name]).max()
            differences.append(np.abs(value - expected[name]).max() / max(scale, 1e-300))
        return loss, gradients, last

    loss_gradients_and_state = rc.training.loss_gradients_and_state
    monkeypatch.setattr(rc.training, "loss_gradients_and_state", checked)
    train(TEXT, n_a=12, T_x=7, m=5, steps=30, carry_state=True)
    assert len(differences) == 30 * 7  # the loss and six gradients (no dx) every step
    assert max(differences) <= 1e-12


@pytest.mark.parametrize(
    "steps, eval_every, expected",
    [(25, 10, [0, 10, 20, 25]), (20, 10, [0, 10, 20]), (7, None, [0, 7]), (3, 50, [0, 3])],
)
def test_the_held_out_loss_is_measured_at_step_0_every_eval_every_steps_and_at_the_end(
    steps, eval_every, expected
):
    result = train(TEXT, steps=steps, held_out=LAST_SONNET, eval_every=eval_every, **SMALL)
    assert result.held_out_steps.tolist() == expected
    assert result.held_out_steps.dtype.kind == "i"
    assert result.held_out_losses.shape == (len(expected),)


def test_without_held_out_text_the_held_out_record_is_empty():
    result = train(TEXT, steps=3, **SMALL)
    assert result.held_out_steps.shape == (0,) and result.held_out_steps.dtype.kind == "i"
    assert result.held_out_losses.shape == (0,)


def test_the_held_out_loss_is_the_loss_on_the_held_out_windows_divided_by_T_x():
    """Each recorded value against rnn_loss and the tests' reference RNN on the batch built by
    hand, with the weights after that many updates (a shorter run stops at the same weights:
    measuring the held-out loss draws no random numbers)."""
    T_x = SMALL["T_x"]
    x, y = held_out_batch_by_hand(TEXT, LAST_SONNET, T_x)  # (V, 124, 5), (124, 5)
    a0 = np.zeros((SMALL["n_a"], y.shape[0]))
    result = train(TEXT, steps=20, held_out=LAST_SONNET, eval_every=10, **SMALL)
    after_10 = train(TEXT, steps=10, held_out=LAST_SONNET, **SMALL).parameters
    initial = rc.initialize_parameters(V, SMALL["n_a"], V, seed=SMALL["seed"])
    for recorded, parameters in zip(result.held_out_losses, [initial, after_10, result.parameters]):
        assert recorded == pytest.approx(rc.rnn_loss(x, y, a0, parameters) / T_x, rel=1e-12)
        assert recorded == pytest.approx(reference_loss(x, y, a0, parameters) / T_x, rel=1e-12)
    assert result.held_out_losses[0] == pytest.approx(math.log(V), abs=0.01)
    assert result.held_out_losses[-1] < result.held_out_losses[0] - 0.3  # measured: 3.58 -> 3.0


def test_the_log_shows_the_held_out_loss_where_it_was_measured(capsys):
    result = train(TEXT, steps=4, held_out=LAST_SONNET, eval_every=2, log_every=1, **SMALL)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert "held-out" not in lines[0] and "held-out" not in lines[2]
    assert lines[1].endswith(f", held-out {result.held_out_losses[1]:.3f}")
    assert lines[3].endswith(f", held-out {result.held_out_losses[2]:.3f}")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"held_out": 2.5}, TypeError, "held_out must be an int, got float"),
        ({"held_out": True}, TypeError, "held_out must be an int, got bool"),
        ({"held_out": -1}, ValueError, "held_out must be at least 0, got -1"),
        ({"held_out": 5}, ValueError, "held_out must be 0 or at least T_x + 1 = 6"),
        (
            {"held_out": 6140},
            ValueError,
            "text has 6143 characters, expected at least 6146 (T_x + 1 = 6 for one training "
            "window, plus held_out = 6140)",
        ),
        ({"eval_every": 10}, ValueError, "eval_every = 10 needs held_out > 0"),
        ({"held_out": 100, "eval_every": 0}, ValueError, "eval_every must be at least 1, got 0"),
        ({"held_out": 100, "eval_every": 1.0}, TypeError, "eval_every must be an int, got float"),
    ],
    ids=[
        "float",
        "bool",
        "negative",
        "shorter than a window",
        "longer than the text allows",
        "eval_every without held_out",
        "eval_every zero",
        "eval_every a float",
    ],
)
def test_bad_held_out_arguments_are_refused_with_a_message_that_names_them(kwargs, error, message):
    with pytest.raises(error) as info:
        train(TEXT, n_a=4, T_x=5, m=2, steps=1, **kwargs)
    assert message in str(info.value)


# --- the training figures ---


def test_the_loss_figure_has_a_held_out_line_and_a_perplexity_axis():
    plots = pytest.importorskip("rnn_core.plots")
    result = train(TEXT, steps=20, held_out=LAST_SONNET, eval_every=10, **SMALL)
    figure = plots.plot_loss_curve(
        result.losses,
        result.smooth_losses,
        uniform=math.log(V),
        held_out_steps=result.held_out_steps,
        held_out_losses=result.held_out_losses,
    )
    ax = figure.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["held-out text"].get_xdata(), [0, 10, 20])
    np.testing.assert_array_equal(lines["held-out text"].get_ydata(), result.held_out_losses)
    (perplexity_axis,) = ax.child_axes
    assert "perplexity" in perplexity_axis.get_ylabel()
    # a perplexity tick p sits at the height ln p of the loss axis: ln 36 = 3.58 is between 30, 40
    ticks = perplexity_axis.get_yticks()
    assert 30 in ticks and 40 in ticks
    low, high = ax.get_ylim()
    assert all(math.exp(low) <= t <= math.exp(high) for t in ticks)
    with pytest.raises(ValueError, match="both held_out_steps and held_out_losses"):
        plots.plot_loss_curve(result.losses, held_out_steps=result.held_out_steps)


def test_the_gradient_norm_figure_is_on_a_log_axis_with_the_clipping_threshold():
    plots = pytest.importorskip("rnn_core.plots")
    norms = np.array([4.0, 80.0, 20.0, 15.0])
    figure = plots.plot_training_gradient_norms(norms, clip=5.0)
    ax = figure.axes[0]
    assert ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["‖g‖ before clipping"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(lines["clipping threshold 5"].get_ydata(), [5.0, 5.0])
