"""The hostile YAML files are refused with the same messages whether libyaml reads them
or PyYAML's own parser does (a PyYAML built without libyaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from untoc_workflow import yamlsource
from untoc_workflow.errors import InputError

HOSTILE = Path(__file__).parent / "hostile"
CASES = sorted(HOSTILE.glob("*.yaml"))
PROCESS = Path(yamlsource.__file__).parent / "process_defs" / "country_review.yaml"


@pytest.fixture(params=["libyaml", "pyyaml"])
def loader(request, monkeypatch):
    if request.param == "pyyaml":
        monkeypatch.setattr(yamlsource, "_CStrictLoader", None)
    elif yamlsource._CStrictLoader is None:
        pytest.skip("PyYAML without libyaml")
    return request.param


@pytest.mark.parametrize("case", [c for c in CASES if c.is_file()], ids=lambda p: p.name)
def test_each_loader_refuses_a_hostile_file_alike(loader, case):
    expected = case.with_name(case.stem + ".expected.txt").read_text(encoding="utf-8").strip()
    with pytest.raises(InputError) as err:
        yamlsource.load_file(case, aliases=False)
    assert expected in err.value.render()


def test_each_loader_reads_the_process_definition_with_its_aliases_alike(loader):
    located = yamlsource.load_file(PROCESS)
    steps = located.data["steps"]
    ladders = [s["ladder"] for s in steps if "ladder" in s]
    assert len(ladders) >= 2 and ladders[-1] == ladders[-2]  # *ladder repeats &ladder
    assert located.line_of("steps[0]") is not None


def test_each_loader_stops_an_anchor_bomb_even_where_aliases_are_allowed(loader):
    with pytest.raises(InputError, match="expand into far more values than the file holds"):
        yamlsource.load_file(HOSTILE / "billion_laughs.yaml", aliases=True)
