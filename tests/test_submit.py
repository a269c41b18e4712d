"""`python -m student_lib submit`: validate, warn, pack; never upload."""
from __future__ import annotations

import hashlib
import json
import zipfile

import pytest

from student_lib import submit

SCAFFOLD = '''
import numpy as np

def relu(x):
    """relu"""
    raise NotImplementedError("TODO: implement `relu` (see README.md)")

def leaky_relu(x, alpha=0.01):
    raise NotImplementedError("TODO: implement `leaky_relu` (see README.md)")

def softmax(x, axis=-1):
    raise NotImplementedError("TODO: implement `softmax` (see README.md)")
'''

GOOD = '''
import numpy as np

def relu(x):
    return np.maximum(x, 0)

def leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)

def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)

def _helper():   # private helpers are allowed
    return 1
'''


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "activations.py").write_text(GOOD)
    (tmp_path / "test_activations.py").write_text("ASSIGNMENT = 'activations'\n")
    (tmp_path / "handout.json").write_text(json.dumps(
        {"assignment": "activations", "functions": submit.expected_signatures(SCAFFOLD)}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_good_file_is_packed_with_a_manifest(folder, capsys):
    assert submit.main([]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "wrote submission.zip" in out and "Nothing was uploaded" in out
    with zipfile.ZipFile(folder / "submission.zip") as z:
        assert sorted(z.namelist()) == ["activations.py", "manifest.json"]
        manifest = json.loads(z.read("manifest.json"))
        data = z.read("activations.py")
    assert data == (folder / "activations.py").read_bytes()
    assert manifest["files"] == {"activations.py": hashlib.sha256(data).hexdigest()}
    assert manifest["assignment"] == "activations" and manifest["nngrade_version"]


def test_the_zip_is_what_the_grader_reads(folder):
    """The engine's loader takes activations.py out of the zip unchanged."""
    from autograder.submission import prepare
    assert submit.main([]) == 0
    work = folder / "work"
    work.mkdir()
    prepared = prepare(folder / "submission.zip", "activations.py", work)
    assert prepared.path.read_text() == GOOD


@pytest.mark.parametrize("edit, message", [
    (("def softmax(x, axis=-1):", "def soft_max(x, axis=-1):"), "has no function softmax"),
    (("def leaky_relu(x, alpha=0.01):", "def leaky_relu(x, a=0.01):"), "leaky_relu(x, alpha=0.01)"),
    (("def softmax(x, axis=-1):", "def softmax(x, axis=0):"), "the grader calls softmax(x, axis=-1)"),
    (("import numpy as np", "import numpy as np\nimport mytools"), "imports mytools, one of your own files"),
    (("import numpy as np", "import numpy as np\nnp.load('weights.npy')"), "importing activations.py raised"),
    (("def relu(x):", "def relu(x)"), "syntax error on line 4"),
])
def test_problems_that_would_cost_points_block_the_zip(folder, capsys, edit, message):
    (folder / "mytools.py").write_text("X = 1\n")
    (folder / "activations.py").write_text(GOOD.replace(*edit))
    assert submit.main([]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert message in out and "Not packed" in out
    assert not (folder / "submission.zip").exists()


def test_force_packs_anyway_but_still_fails(folder, capsys):
    (folder / "activations.py").write_text(GOOD.replace("def relu(x):", "def relu2(x):"))
    assert submit.main(["--force"]) == 1
    assert (folder / "submission.zip").exists()


def test_prints_and_other_files_are_warnings_only(folder, capsys):
    (folder / "activations.py").write_text(GOOD.replace("    return np.maximum(x, 0)",
                                                        "    print(x)\n    return np.maximum(x, 0)"))
    (folder / "scratch.ipynb").write_text("{}")
    assert submit.main([]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "print() on line 5" in out
    assert "not included: scratch.ipynb" in out


def test_a_hanging_import_is_stopped(folder, capsys, monkeypatch):
    monkeypatch.setattr(submit, "IMPORT_TIMEOUT", 1.0)
    (folder / "activations.py").write_text(GOOD + "\nwhile True:\n    pass\n")
    assert submit.main([]) == 1
    assert "took more than 1 s" in " ".join(capsys.readouterr().out.split())


def test_without_handout_manifest_the_repository_scaffold_is_used(tmp_path):
    (tmp_path / "assignments" / "activations").mkdir(parents=True)
    (tmp_path / "assignments" / "activations" / "activations.py").write_text(SCAFFOLD)
    work = tmp_path / "student"
    work.mkdir()
    assert submit.load_expected(work, "activations") == submit.expected_signatures(SCAFFOLD)
    assert submit.load_expected(tmp_path / "student", "backprop") is None


def test_signature_rendering():
    sig = submit.expected_signatures("def f(a, b=2, *args, c, d='x', **kw):\n    pass\n")["f"]
    assert submit.render_signature("f", sig) == "f(a, b=2, *args, c, d='x', **kw)"
    sig = submit.expected_signatures("def g(a, *, k=None):\n    pass\n")["g"]
    assert submit.render_signature("g", sig) == "g(a, *, k=None)"
