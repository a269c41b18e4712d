"""backprop's hidden suite as a rubric: fair to correct code on every seed.

The solution is graded in-process here (the sandbox's own checks are in
test_grading_examples and test_backprop_variants), on seeds 0..9 for
everything but training (see test_backprop_training).
"""
from __future__ import annotations


from autograder.assignments import get
from autograder.grading import grade_submission
from autograder.grading.runner import collect_rubric
from grading_contract.rubric import outcomes_in_process

BACKPROP = get("backprop")


def grade_in_process(path, seed: int, *select: str):
    return outcomes_in_process(BACKPROP.test_files(), path, *select, seed=seed)


def test_solution_full_marks_on_seeds_0_to_9_without_training():
    for seed in range(10):
        outcomes = grade_in_process(BACKPROP.solution, seed, "-k", "not train_mlp")
        assert len(outcomes) > 40
        assert [(o.name, o.output) for o in outcomes if o.score < o.max_score] == [], seed


def test_every_function_is_graded_and_the_rubric_reads_well():
    grades = collect_rubric("backprop")
    assert {g.function for g in grades} == set(BACKPROP.functions)
    assert all(g.points > 0 for g in grades) and len({g.name for g in grades}) == len(grades)
    assert 50 <= sum(g.points for g in grades) <= 100


def test_a_full_sandboxed_grade_of_the_solution_at_another_seed_gets_full_marks(zygote):
    """Training included (its speed is measured in benchmarks/, not asserted here)."""
    result = grade_submission("backprop", BACKPROP.solution, seed=4, sandbox=zygote)
    assert result.status == "graded" and result.score == result.max_score > 0


LOOPS = [("    out = np.maximum(x, 0)\n",
          "    out = x.copy()\n    for i in np.ndindex(x.shape):\n        out[i] = max(out[i], 0)\n"),
         ("    out = x @ W + b\n",
          "    out = np.empty((x.shape[0], W.shape[1]))\n    for i in range(x.shape[0]):\n"
          "        for j in range(W.shape[1]):\n            out[i, j] = x[i] @ W[:, j] + b[j]\n")]


def test_python_loops_over_entries_lose_the_vectorised_points(tmp_path):
    text = BACKPROP.solution.read_text()
    for old, new in LOOPS:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / "backprop.py"
    path.write_text(text)
    outcomes = grade_in_process(path, 0, "-k", "vectorised or values")
    lost = {o.name for o in outcomes if o.score < o.max_score}
    assert lost == {"relu_forward: vectorised", "linear_forward: vectorised"}, lost


def test_functions_that_return_nothing_earn_nothing(tmp_path):
    """No free points: even 'leaves its inputs unchanged' needs a proper return value."""
    path = tmp_path / "backprop.py"
    path.write_text("".join(f"def {name}(*args, **kwargs):\n    return None\n\n\n" for name in BACKPROP.functions))
    outcomes = grade_in_process(path, 0)
    assert len(outcomes) == len(collect_rubric("backprop"))
    assert [o.name for o in outcomes if o.score > 0] == []


def test_the_stacked_centred_differences_are_numerical_gradients_entry_by_entry():
    """loss_gradients evaluates every shifted parameter at once; it must give what the entry-by-entry
    loop of student_lib.gradcheck gives, for both losses, both activations, with and without reg."""
    import numpy as np

    from autograder.suites.backprop._common import loss_gradients, mlp_problem, ref_loss
    from student_lib.gradcheck import numerical_gradient

    rng = np.random.default_rng(0)
    for case in range(24):
        loss, activation = ("softmax", "mse")[case % 2], ("relu", "sigmoid")[case // 2 % 2]
        reg = (0.0, 0.3)[case // 4 % 2]
        params, X, y = mlp_problem(rng, depth=1 + case % 3, loss=loss, activation=activation)
        kw = {"loss": loss, "activation": activation, "reg": reg}
        stacked = loss_gradients(params, X, y, **kw)
        assert set(stacked) == set(params)
        for key, value in params.items():
            one_by_one = numerical_gradient(lambda v: ref_loss({**params, key: v}, X, y, **kw), value)
            assert stacked[key].shape == value.shape
            np.testing.assert_allclose(stacked[key], one_by_one, rtol=1e-9, atol=1e-12, err_msg=f"{case} {key}")
        assert np.any(stacked["W1"] != 0)
