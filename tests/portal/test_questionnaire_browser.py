"""The SAQ filled in a real headless Chromium, in Arabic (right to left) and in French, with
a screenshot of each checked for missing glyphs: every character the page shows must be
drawn by an installed font, not by the empty box of a missing glyph."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

from .conftest import PEOPLE
from .test_browser import _sign_in, chromium, served  # noqa: F401  (the fixtures)
from .test_browser import pytestmark as browser_marks

pytestmark = browser_marks


@cache
def _drawable(char: str) -> bool:
    """Some installed font has a glyph for `char` (fontconfig, as Chromium asks it)."""
    found = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True, check=True
    )
    return bool(found.stdout.strip())


def _missing_glyphs(text: str) -> list[str]:
    return sorted({c for c in text if not c.isspace() and ord(c) > 0x7F and not _drawable(c)})


def _screenshot(driver, tmp_path: Path, name: str) -> Path:
    from PIL import Image

    folder = Path(os.environ.get("UNTOC_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / name
    assert driver.save_screenshot(str(shot))
    with Image.open(shot) as image:
        colours = image.convert("L").getcolors(maxcolors=1 << 16)
    assert colours is not None and len(colours) > 20, f"{name}: a blank page"
    return shot


def test_the_saq_is_filled_in_arabic_right_to_left_and_saved(served, chromium, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    rig, driver = served, chromium
    _sign_in(driver, rig, PEOPLE["fp_nga"])
    driver.get(f"{rig.settings.base_url}/reviews/C1-G1-NGA/questionnaire?lang=ar&section=art5")
    html = driver.find_element(By.TAG_NAME, "html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    legend = driver.find_element(By.CSS_SELECTOR, "#q-a5_agreement legend")
    assert legend.value_of_css_property("direction") == "rtl"
    assert "اتفاق" in legend.text
    for name, value in (("a5_agreement", "yes"), ("a5_participation", "partly"), ("a5_ta", "no")):
        driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value={value}]").click()
    driver.find_element(By.ID, "in-a5_provisions").send_keys("القانون الجنائي، المادة 97")
    driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    assert driver.find_element(By.CSS_SELECTOR, ".done").text == "تم حفظ المسودة."
    assert driver.find_element(
        By.CSS_SELECTOR, "input[name=a5_participation][value=partly]"
    ).is_selected()
    assert "المادة 97" in driver.find_element(By.ID, "in-a5_provisions").get_attribute("value")
    _screenshot(driver, tmp_path, "questionnaire-ar.png")
    shown = driver.find_element(By.TAG_NAME, "body").text
    assert _missing_glyphs(shown) == []


def test_the_saq_is_filled_and_submitted_in_french(served, chromium, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    rig, driver = served, chromium
    _sign_in(driver, rig, PEOPLE["fp_fra"])
    driver.get(f"{rig.settings.base_url}/reviews/C1-G1-FRA/questionnaire?section=%2A")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert "Compétence" in driver.find_element(By.TAG_NAME, "main").text
    for fieldset in driver.find_elements(By.CSS_SELECTOR, "#answers fieldset"):
        boxes = fieldset.find_elements(By.CSS_SELECTOR, "input")
        target = next((b for b in boxes if b.get_attribute("value") == "no"), boxes[0])
        target.click()
    driver.find_element(By.ID, "in-law_as_of").send_keys("2023-02-01")
    driver.find_element(By.ID, "in-a5_provisions").send_keys("Code pénal, art. 450-1")
    driver.find_element(By.ID, "in-a6_prosecutions").send_keys("deux")
    driver.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    problem = driver.find_element(By.CSS_SELECTOR, "#q-a6_prosecutions .problem")
    assert problem.text == "Indiquez un nombre entier."
    _screenshot(driver, tmp_path, "questionnaire-fr-problem.png")
    field = driver.find_element(By.ID, "in-a6_prosecutions")
    field.clear()
    field.send_keys("2")
    driver.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    assert driver.find_element(By.ID, "status").get_attribute("data-status") == "submitted"
    assert rig.app.state.portal.view.state("C1-G1-FRA").stage == "written_feedback"
    _screenshot(driver, tmp_path, "questionnaire-fr.png")
    assert _missing_glyphs(driver.find_element(By.TAG_NAME, "body").text) == []
