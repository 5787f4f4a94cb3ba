"""The bundled sample, read once per session without a store (the report is pure)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from untoc_workflow.core import Snapshot
from untoc_workflow.definitions import load_process
from untoc_workflow.mechanism_file import load_mechanism_file
from untoc_workflow.sample.generate import SAMPLE_FILE


def snapshot_of(path: Any) -> Snapshot:
    parsed = load_mechanism_file(path)
    events = tuple(sorted(parsed.events, key=lambda e: (e.on, e.seq)))
    return Snapshot({p.code: p for p in parsed.parties}, {r.id: r for r in parsed.reviews}, events)


@pytest.fixture(scope="session")
def process() -> Any:
    return load_process()


@pytest.fixture(scope="session")
def sample() -> Snapshot:
    return snapshot_of(SAMPLE_FILE)


@pytest.fixture(scope="session")
def sample_doc() -> dict[str, Any]:
    return json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's headless Chromium driven by Selenium, as the portal's browser tests use it;
    one per test module (starting it is the slow part), each test opening its own page."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium and chromedriver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--allow-file-access-from-files",
        "--window-size=1280,1400",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page the driver shows (the copy axe-selenium-python
    ships), each rule with the nodes it failed on."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"]]}
        for v in results["violations"]
    ]
