"""The project as a worker installs it (`pip install .`, prefect.yaml): a wheel, outside the
source tree, with the bundled definitions, templates and sample inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600):
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_the_wheel_carries_the_definitions_and_its_demo_runs_outside_the_source_tree(tmp_path):
    wheels = tmp_path / "wheels"
    # No build isolation: the test environment's setuptools builds it, nothing is downloaded.
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("untoc_workflow-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "untoc_workflow/process_defs/country_review.yaml",
        "untoc_workflow/process_defs/mechanism.yaml",
        "untoc_workflow/process_defs/templates/en/step_due.j2",
        "untoc_workflow/sample/mechanism.json",
        "untoc_workflow/store/migrations/env.py",
        "untoc_workflow/process_defs/questionnaires/saq_cluster1.xlsx",
        "untoc_workflow/questionnaire/templates/published.html.j2",
    ):
        assert needed in names, f"{needed} is not in the wheel"

    # A fresh venv; its dependencies are the test environment's (a path entry, which does
    # not run that environment's editable-install hook), the project itself is the wheel.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    site = Path(
        _run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], cwd=tmp_path)

    work = tmp_path / "clerk"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNTOC_")}
    env["PYTHONPATH"] = ""
    where = _run(
        [str(py), "-c", "import untoc_workflow; print(untoc_workflow.__file__)"], cwd=work, env=env
    ).stdout
    assert where.startswith(str(site)), where
    demo = _run([str(venv / "bin" / "untoc"), "demo"], cwd=work, env=env, timeout=900)
    assert list((work / "untoc-outbox").glob("*.eml")), demo.stdout
    assert (work / "untoc-report" / "index.html").exists(), demo.stdout
