"""Training a character model: text to batches, clipping, optimisers, sampling, a short run.

Expected values are worked out by hand in the comments (clipping, Adagrad, perplexity) or computed
independently with the package's forward pass (greedy decoding, next-character probabilities).
"""

import math
import re

import numpy as np
import pytest

import rnn_core as rc
from rnn_core import training as tr

TEXT = tr.load_corpus()
CHARS, CHAR_TO_INDEX = tr.build_vocabulary(TEXT)
INDICES = tr.encode(TEXT, CHAR_TO_INDEX)
V = len(CHARS)
# A random model of the right shape, with weights large enough that its distributions are peaked.
MODEL = rc.initialize_parameters(V, 8, V, scale=0.5, seed=3)


# --- the text ---


def test_corpus_is_the_shipped_sonnets_in_plain_ascii():
    assert TEXT.startswith("from fairest creatures we desire increase,\n")
    assert TEXT.endswith("that beauty still may live in thine or thee.\n")
    assert TEXT.isascii()
    assert 3_000 <= len(TEXT) <= 8_000
    assert TEXT.count("\n\n") == 9  # ten sonnets, separated by blank lines
    assert V == 36  # 26 letters, space, newline and ! ' , - . : ; ?


def test_vocabulary_is_sorted_and_indexed_in_order():
    assert CHARS == sorted(set(TEXT))
    assert all(CHAR_TO_INDEX[c] == i for i, c in enumerate(CHARS))


def test_encode_then_decode_gives_the_text_back():
    assert INDICES.dtype.kind == "i" and INDICES.shape == (len(TEXT),)
    assert tr.decode(INDICES, CHARS) == TEXT
    assert tr.encode("thee", CHAR_TO_INDEX).tolist() == [CHAR_TO_INDEX[c] for c in "thee"]


def test_make_batch_labels_are_the_inputs_shifted_by_one():
    m, T_x = 5, 12
    x, y = tr.make_batch(INDICES, V, m, T_x, np.random.default_rng(0))
    assert x.shape == (V, m, T_x) and x.dtype == np.float64
    assert y.shape == (m, T_x) and y.dtype.kind == "i"
    np.testing.assert_array_equal(x.sum(axis=0), np.ones((m, T_x)))  # exactly one 1 per column
    inputs = x.argmax(axis=0)  # (n_y, m, T_x) -> (m, T_x)
    for i in range(m):
        window = tr.decode(np.append(inputs[i], y[i, -1]), CHARS)  # T_x + 1 characters
        assert window in TEXT
        assert tr.decode(inputs[i, 1:], CHARS) == tr.decode(y[i, :-1], CHARS)


def test_make_batch_is_reproducible_from_the_generator_seed():
    first = tr.make_batch(INDICES, V, 4, 7, np.random.default_rng(5))
    second = tr.make_batch(INDICES, V, 4, 7, np.random.default_rng(5))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


# --- clipping ---


def test_global_norm_of_3_and_4_is_5_and_clipping_scales_both_by_max_norm_over_5():
    gradients = {"dWax": np.array([[3.0]]), "dba": np.array([[4.0]]), "da0": np.array([[100.0]])}
    before = {k: v.copy() for k, v in gradients.items()}
    clipped, norm = tr.clip_by_global_norm(gradients, 1.0)
    assert norm == pytest.approx(5.0, abs=1e-15)  # sqrt(3² + 4²); da0 is not counted
    np.testing.assert_allclose(clipped["dWax"], [[0.6]], rtol=1e-15)  # 3 * 1/5
    np.testing.assert_allclose(clipped["dba"], [[0.8]], rtol=1e-15)  # 4 * 1/5
    np.testing.assert_array_equal(clipped["da0"], [[100.0]])  # not a parameter gradient
    for key in gradients:
        np.testing.assert_array_equal(gradients[key], before[key])  # the input is unchanged
        assert clipped[key] is not gradients[key]


def test_gradients_below_the_threshold_come_back_unchanged_as_new_arrays():
    gradients = {"dWaa": np.array([1.0, -2.0]), "dby": np.array([2.0])}
    clipped, norm = tr.clip_by_global_norm(gradients, 10.0)
    assert norm == pytest.approx(3.0, abs=1e-15)  # sqrt(1 + 4 + 4)
    for key in gradients:
        np.testing.assert_array_equal(clipped[key], gradients[key])
        assert clipped[key] is not gradients[key]


def test_keys_choose_which_arrays_are_counted_and_clipped():
    gradients = {"dWax": np.array([3.0]), "da0": np.array([4.0])}
    clipped, norm = tr.clip_by_global_norm(gradients, 2.0, keys=["da0"])
    assert norm == pytest.approx(4.0, abs=1e-15)
    np.testing.assert_array_equal(clipped["da0"], [2.0])  # 4 * 2/4
    np.testing.assert_array_equal(clipped["dWax"], [3.0])


def test_clip_elementwise_cuts_only_the_entries_beyond_the_bound():
    gradients = {"dWya": np.array([-7.0, 2.0, 9.0]), "dx": np.array([-7.0])}
    clipped = tr.clip_elementwise(gradients, 5.0)
    np.testing.assert_array_equal(clipped["dWya"], [-5.0, 2.0, 5.0])
    np.testing.assert_array_equal(clipped["dx"], [-7.0])
    np.testing.assert_array_equal(gradients["dWya"], [-7.0, 2.0, 9.0])  # input unchanged


# --- optimisers ---


def test_sgd_step_by_hand():
    parameters = {"W": np.array([1.0, -2.0]), "b": np.array([0.5])}
    gradients = {"dW": np.array([0.5, -1.0]), "db": np.array([2.0]), "dx": np.array([9.0])}
    new = tr.sgd_step(parameters, gradients, 0.1)
    np.testing.assert_allclose(new["W"], [0.95, -1.9], rtol=1e-15)  # 1 - 0.05, -2 + 0.1
    np.testing.assert_allclose(new["b"], [0.3], rtol=1e-15)  # 0.5 - 0.2
    np.testing.assert_array_equal(parameters["W"], [1.0, -2.0])  # not modified in place


def test_adagrad_two_steps_by_hand():
    # G1 = g1² = [0.25, 1]; p1 = p0 - 0.1 g1 / sqrt(G1) = [1 - 0.1, -2 + 0.1] = [0.9, -1.9]
    # G2 = G1 + g2² = [2.5, 5]; p2 = p1 - 0.1 [1.5 / sqrt(2.5), 2 / sqrt(5)]
    #    = [0.9 - 0.09486833, -1.9 - 0.08944272] = [0.80513167, -1.98944272]
    # eps = 1e-8 moves these by about 1e-9, far below the tolerance.
    optimizer = tr.Adagrad(learning_rate=0.1)
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
    x, y = tr.make_batch(INDICES, V, 3, T_x, np.random.default_rng(0))
    loss = rc.rnn_loss(x, y, np.zeros((8, 3)), parameters)
    assert loss / T_x == pytest.approx(math.log(V), rel=1e-12)
    assert tr.perplexity(loss / T_x) == pytest.approx(V, rel=1e-12)
    np.testing.assert_allclose(tr.perplexity(np.array([0.0, math.log(2)])), [1.0, 2.0])


# --- sampling ---


def greedy(parameters, start, length):
    """Greedy decoding written out with the forward pass: always take the most likely character."""
    a = np.zeros((8, 1))
    text = start
    for c in start[:-1]:
        a, _, _ = rc.rnn_cell_forward(rc.one_hot([[CHAR_TO_INDEX[c]]], V)[:, :, 0], a, parameters)
    c = start[-1]
    for _ in range(length):
        xt = rc.one_hot([[CHAR_TO_INDEX[c]]], V)[:, :, 0]  # (V, 1, 1) -> (V, 1)
        a, yt_pred, _ = rc.rnn_cell_forward(xt, a, parameters)
        c = CHARS[int(yt_pred.argmax())]
        text += c
    return text


def test_sampling_at_a_tiny_temperature_is_greedy_decoding():
    expected = greedy(MODEL, "the ", 40)
    for seed in (0, 1):
        assert tr.sample(MODEL, CHARS, CHAR_TO_INDEX, "the ", 40, 1e-6, seed) == expected


def test_sampling_is_reproducible_from_the_seed_and_varies_with_it():
    first = tr.sample(MODEL, CHARS, CHAR_TO_INDEX, "love", 60, temperature=1.0, seed=7)
    again = tr.sample(MODEL, CHARS, CHAR_TO_INDEX, "love", 60, temperature=1.0, seed=7)
    other = tr.sample(MODEL, CHARS, CHAR_TO_INDEX, "love", 60, temperature=1.0, seed=8)
    assert first == again
    assert first != other
    assert first.startswith("love") and len(first) == 64
    assert set(first) <= set(CHARS)


def test_next_char_probabilities_match_the_last_output_of_the_forward_pass():
    prompt = "thy beauty"
    x = rc.one_hot(tr.encode(prompt, CHAR_TO_INDEX)[None, :], V)  # (1, T_x) -> (V, 1, T_x)
    _, y_pred, _ = rc.rnn_forward(x, np.zeros((8, 1)), MODEL)
    p = tr.next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, prompt, temperature=1.0)
    assert p.shape == (V,)
    np.testing.assert_allclose(p, y_pred[:, 0, -1], rtol=1e-12)
    cold = tr.next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, prompt, temperature=0.5)
    assert cold.max() > p.max()  # a lower temperature sharpens the distribution
    assert cold.argmax() == p.argmax()


# --- training ---


def test_a_short_training_run_lowers_the_loss():
    result = tr.train(TEXT, n_a=16, T_x=10, m=8, steps=200, seed=0)
    assert result.losses.shape == result.smooth_losses.shape == (200,)
    assert result.chars == CHARS
    assert result.losses[0] == pytest.approx(math.log(V), abs=0.01)  # small weights: near uniform
    first, last = result.losses[:20].mean(), result.losses[-20:].mean()
    assert last < first - 0.4, (first, last)  # measured: 2.97 -> 2.32
    assert np.all(result.gradient_norms > 0)


def test_training_is_deterministic_given_the_seed_and_runs_without_clipping():
    kwargs = dict(n_a=8, T_x=5, m=2, steps=5, seed=4)
    first = tr.train(TEXT, **kwargs)
    again = tr.train(TEXT, **kwargs)
    np.testing.assert_array_equal(first.losses, again.losses)
    for key in first.parameters:
        np.testing.assert_array_equal(first.parameters[key], again.parameters[key])
    unclipped = tr.train(TEXT, clip=None, **kwargs)
    assert np.all(np.isfinite(unclipped.losses))


# --- bad input ---

GRADIENTS = {"dWax": np.ones((2, 2)), "da0": np.ones((2, 1))}

CASES = [
    ("corpus name", lambda: tr.load_corpus("hamlet"), ValueError, r"^name is 'hamlet'"),
    ("text not a str", lambda: tr.build_vocabulary(["a"]), TypeError, r"^text must be a str"),
    ("empty text", lambda: tr.build_vocabulary(""), ValueError, r"^text is empty"),
    ("unknown character", lambda: tr.encode("Thee", CHAR_TO_INDEX), ValueError, r"^text .*'T'"),
    ("index too large", lambda: tr.decode([0, V], CHARS), ValueError, r"^indices holds .* 36"),
    (
        "window too long",
        lambda: tr.make_batch(INDICES[:5], V, 2, 5, np.random.default_rng(0)),
        ValueError,
        r"^indices has length 5, need at least T_x \+ 1 = 6",
    ),
    (
        "rng an int",
        lambda: tr.make_batch(INDICES, V, 2, 5, 0),
        TypeError,
        r"^rng must be a numpy Generator",
    ),
    ("m zero", lambda: tr.make_batch(INDICES, V, 0, 5, None), ValueError, r"^m must be at least"),
    ("max_norm zero", lambda: tr.clip_by_global_norm(GRADIENTS, 0), ValueError, r"^max_norm"),
    (
        "gradients not a dict",
        lambda: tr.clip_elementwise([1.0], 1.0),
        TypeError,
        r"^gradients must be a dict",
    ),
    (
        "clip key missing",
        lambda: tr.clip_by_global_norm(GRADIENTS, 1.0, keys=["dWaa"]),
        ValueError,
        r"^keys names \['dWaa'\]",
    ),
    (
        "no parameter gradients",
        lambda: tr.clip_elementwise({"da0": np.ones(2)}, 1.0),
        ValueError,
        r"^gradients has no key that starts with 'dW' or 'db'",
    ),
    (
        "gradient missing",
        lambda: tr.sgd_step({"W": np.ones(2)}, {"db": np.ones(2)}, 0.1),
        ValueError,
        r"^gradients is missing 'dW'",
    ),
    (
        "gradient shape",
        lambda: tr.Adagrad().step({"W": np.ones(2)}, {"dW": np.ones(3)}),
        ValueError,
        r"^gradients\['dW'\] has shape \(3,\)",
    ),
    (
        "learning_rate negative",
        lambda: tr.sgd_step({"W": np.ones(2)}, {"dW": np.ones(2)}, -0.1),
        ValueError,
        r"^learning_rate must be a finite number > 0",
    ),
    ("steps a float", lambda: tr.train(TEXT, steps=2.5), TypeError, r"^steps must be an int"),
    ("text too short", lambda: tr.train("abc", T_x=5), ValueError, r"^text has 3 characters"),
    (
        "temperature zero",
        lambda: tr.sample(MODEL, CHARS, CHAR_TO_INDEX, "the", 5, temperature=0),
        ValueError,
        r"^temperature must be a finite number > 0",
    ),
    (
        "prompt outside the vocabulary",
        lambda: tr.next_char_probabilities(MODEL, CHARS, CHAR_TO_INDEX, "The", 1.0),
        ValueError,
        r"^prompt contains characters not in the vocabulary: \['T'\]",
    ),
    (
        "chars of the wrong size",
        lambda: tr.sample(MODEL, CHARS[:-1], CHAR_TO_INDEX, "the", 5),
        ValueError,
        r"^chars has 35 and char_to_index 36 entries, expected n_y = 36",
    ),
    (
        "perplexity of a string",
        lambda: tr.perplexity("2.0"),
        TypeError,
        r"^loss_per_char must be an array of real numbers",
    ),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_with_a_message_that_names_the_argument(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert re.search(message, str(info.value)), str(info.value)
