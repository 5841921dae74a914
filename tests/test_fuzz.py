"""The fuzz of the public API (tests/fuzz_api.py): a hypothesis property and one sweep per category.

Every call either returns the reference result (VALID input), or raises ValueError/TypeError whose
message names the changed argument (INVALID input), or one of the two (EITHER: 1e308 and the like);
no call warns, and no call changes an argument. `fuzz_api.judge` decides; a failure lists every
outcome that was anything else, with the function, the mutation and what happened.
"""

import functools
import inspect
import io
import re

import fuzz_api as fuzz
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core import corpus, optimizers, sampling, training

SPECS = list(fuzz.SPECS)
# The property draws its calls from these many random problems per function. Each function gets
# about 2500 / len(SPECS) ~ 30 draws, and each new problem builds every mutation of its call.
PROBLEMS = 20


@functools.cache
def call_and_mutations(spec, problem):
    call = fuzz.build(spec, problem)
    return call, call.mutations()


def assert_all_ok(outcomes):
    bad = [o for o in outcomes if not o.ok]
    assert not bad, f"{len(bad)} of {len(outcomes)} calls:\n" + "\n".join(map(str, bad[:20]))


@settings(
    max_examples=2500,
    deadline=None,
    derandomize=True,  # the same calls on every run: CI is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.data())
def test_every_call_gives_the_reference_or_a_clear_error_and_never_warns(data):
    spec = data.draw(st.sampled_from(SPECS), label="function")
    problem = data.draw(st.integers(0, PROBLEMS - 1), label="problem")
    call, mutations = call_and_mutations(spec, problem)
    chosen = data.draw(
        st.lists(st.integers(0, len(mutations) - 1), min_size=1, max_size=3, unique=True),
        label="mutations",
    )
    assert_all_ok([fuzz.judge(call, mutations[i]) for i in chosen])


def sweep(categories, specs=SPECS, problems=(0,)):
    """Every mutation of these categories, for every function and each problem."""
    outcomes = []
    for spec in specs:
        for problem in problems:
            call, mutations = call_and_mutations(spec, problem)
            outcomes += [fuzz.judge(call, m) for m in mutations if m.category in categories]
    assert outcomes, f"no mutation of the categories {categories}"
    return outcomes


# --- one test per category of mutation, over every function ---

CATEGORIES = {
    "shape": "transposed, an axis too many or too few, one size off, a number, a tuple of copies",
    "zero-size": "an axis of size 0",
    "dtype": "int, uint8, bool, complex, float16, float128, object, str and float32 arrays",
    "float32": "every float array float32: the result to float32 tolerance, and float32",
    "nonfinite": "a NaN, inf or -inf entry",
    "large": "entries times 1e3 (times 1e200 for gradients, 1e300 for logits): no overflow",
    "container": "python lists, ragged lists, read-only mappings",
    "matrix": "np.matrix for every 2-D array",
    "masked": "masked arrays, with and without a masked entry: refused, never a dropped mask",
    "layout": "Fortran order, strided, broadcast and read-only views",
    "type": "None, a str, a dict or a list where an array or a dict belongs",
    "dict": "a key missing, an extra key, another order",
    "cache": "a cell cache (each one of a sequence; the RNN's, the LSTM's, the GRU's) that is not "
    "its tuple, holds another step's parameters or the GRU's other variant",
    "probabilities": "logits, log-probabilities, halved and negative 'probabilities'",
    "range": "class indices out of range",
    "scalar": "0, -1, 1.5, NaN, inf, True, None, '3', 1e308, 1e-300, numpy scalars",
    "seed": "negative, float, bool, None, RandomState, SeedSequence, 2**64 and Generator seeds",
    "choice": "a choice of str spelled otherwise",
    "text": "empty, bytes, lists and unknown characters for text",
    "vocabulary": "chars and char_to_index that do not make a vocabulary",
    "keys": "the keys of the clipping functions",
    "callable": "f and loss_and_gradients that are not functions or return the wrong thing",
    "indices": "numerical_gradient's indices",
}


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_category(category):
    assert_all_ok(sweep({category}))


# --- the list, one by one ---


def test_every_cell_cache_of_a_sequence_is_checked():
    outcomes = sweep({"cache", "nonfinite", "dtype", "masked"}, ["rnn_backward"], range(4))
    assert any(o.mutation.startswith("caches[0][2]") for o in outcomes)  # a later cell cache
    assert_all_ok(outcomes)


@pytest.mark.parametrize(
    ("spec", "entries"),
    [("lstm_cell_backward", 10), ("gru_cell_backward[cho]", 8), ("gru_cell_backward[pytorch]", 8)],
)
def test_every_entry_of_a_gated_cell_cache_is_mutated(spec, entries):
    labels = [m.label for m in fuzz.build(spec, 0).mutations()]
    for k in range(entries):  # the arrays, the parameters, the GRU's variant
        assert any(label.startswith(f"cache[{k}]") for label in labels), k
    assert not any(label.startswith(f"cache[{entries}]") for label in labels)


@pytest.mark.parametrize("spec", ["lstm_backward", "gru_backward[cho]", "gru_backward[pytorch]"])
def test_every_entry_of_a_later_gated_cell_cache_is_checked(spec):
    problem = next(p for p in range(20) if len(fuzz.build(spec, p).args["caches"][0]) > 1)
    call = fuzz.build(spec, problem)
    later = [m for m in call.mutations() if m.label.startswith("caches[0][1][")]
    entries = len(call.args["caches"][0][1])
    assert {m.label[len("caches[0][1][") :].split("]")[0] for m in later} == set(
        map(str, range(entries))
    )
    outcomes = [fuzz.judge(call, m) for m in later if m.category in ("cache", "nonfinite")]
    assert_all_ok(outcomes)


def test_y_pred_that_is_not_probabilities_is_refused_with_a_hint_to_use_softmax():
    specs = ["cross_entropy_loss", "output_layer_backward"]
    outcomes = sweep({"probabilities"}, specs)
    assert all(o.kind == "clear error" for o in outcomes)


def test_clipping_scales_before_squaring():
    specs = ["optimizers.global_norm", "optimizers.clip_by_global_norm"]
    outcomes = [o for o in sweep({"large"}, specs, range(3)) if "1e+200" in o.mutation]
    assert outcomes and all(o.kind == "correct result" for o in outcomes)


def test_float32_stays_float32():
    outcomes = sweep({"float32"}, problems=range(3))
    bad = [str(o) for o in outcomes if o.kind != "correct result"]
    assert not bad, bad


def test_format_error_numerical_gradient_and_seeds():
    specs = [
        "format_error",
        "numerical_gradient",
        "gradient_check",
        "initialize_parameters",
        "scaled_orthogonal_matrix",
        "corpus.make_batch",
        "sampling.sample",
    ]
    assert_all_ok(sweep({"scalar", "seed", "indices", "callable"}, specs, range(3)))


def test_encode_and_the_models_check_their_vocabulary():
    specs = ["corpus.encode", "corpus.decode", "sampling.next_char_probabilities"]
    assert_all_ok(sweep({"vocabulary", "text", "range"}, specs, range(3)))


# --- the dashboards: small ones, every control at its extremes ---


def test_dashboards_refuse_bad_arguments_clearly():
    pytest.importorskip("ipywidgets")
    outcomes = []
    for spec in [
        s for s in fuzz.DASHBOARD_SPECS if not s.endswith("controls") and "max_T_x=" not in s
    ]:
        call = fuzz.build(spec, 0)
        mutations = call.mutations()
        # every refusal, and a Generator as the seed (each valid call draws a whole figure)
        chosen = [m for m in mutations if m.validity != fuzz.VALID or "Generator" in m.label]
        outcomes += [fuzz.judge(call, m) for m in chosen]
    assert_all_ok(outcomes)


def test_dashboards_compute_without_overflow_at_every_setting_of_their_controls():
    pytest.importorskip("ipywidgets")
    outcomes = []
    for spec in fuzz.DASHBOARD_SPECS:
        if spec.endswith("controls") or "max_T_x=" in spec:
            call = fuzz.build(spec, 0)
            mutations = call.mutations()
            if "max_T_x=" in spec:  # the longest sequence: every setting at T_x = 1000
                mutations = [m for m in mutations if ("T_x", fuzz.LONGEST) in m.value]
            outcomes += [fuzz.judge(call, m) for m in mutations]
    assert_all_ok(outcomes)


def test_the_report_counts_every_outcome():
    outcomes = sweep({"masked"}, ["rnn_forward"])
    out = io.StringIO()
    fuzz.report(outcomes, out=out)
    assert f"calls: {len(outcomes)}" in out.getvalue()
    assert "anything else: 0" in out.getvalue()


# --- every public function is fuzzed, and every known defect is still one ---

# Public names that have no spec, each with the reason.
EXEMPT = {
    "training.TrainingResult": "the dataclass that train returns; train's spec compares all of it",
}


def public_names():
    """rnn_core.__all__, and the public functions and classes of the modules fuzzed by name."""
    names = set(rc.__all__)
    for module in (training, sampling, corpus, optimizers):
        short = module.__name__.rsplit(".", 1)[1]
        for name, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            public = not name.startswith("_") and defined_here
            if public and (inspect.isroutine(value) or inspect.isclass(value)):
                names.add(f"{short}.{name}")
    return names


def specified(spec):
    """The public name a spec calls: "gru_forward[cho]" -> "gru_forward"."""
    return re.sub(r"\[.*\]$", "", spec)


def test_every_public_function_has_a_fuzz_spec():
    names = public_names()
    covered = {specified(spec) for spec in SPECS}
    missing = sorted(names - covered - set(EXEMPT))
    assert not missing, (
        f"public functions without a fuzz spec (add one to fuzz_api.SPECS): {missing}"
    )
    assert not set(EXEMPT) & covered, "an exempt name has a spec: drop it from EXEMPT"
    assert set(EXEMPT) <= names, "an exempt name is no longer public: drop it from EXEMPT"


def test_every_gru_function_is_fuzzed_in_both_variants():
    gru = [name for name in rc.__all__ if "gru" in name]
    for name in gru:
        assert {f"{name}[cho]", f"{name}[pytorch]"} <= set(SPECS), name


@pytest.mark.parametrize("defect", fuzz.KNOWN_DEFECTS, ids=lambda d: d.where[1])
def test_every_known_defect_is_still_one(defect):
    """A KNOWN_DEFECTS entry that no longer occurs must be removed (its defect is fixed)."""
    spec, label = defect.where
    call = fuzz.build(spec, 0)
    (mutation,) = [m for m in call.mutations() if m.label == label]
    outcome = fuzz.judge(call, mutation)
    assert outcome.kind == fuzz.KNOWN and outcome.defect is defect, str(outcome)
