"""The portal in a real headless Chromium (Debian's chromium and chromedriver, Selenium),
served by uvicorn on 127.0.0.1, with the sign-in link read from a real SMTP server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from .conftest import PEOPLE, Served, free_port, link_in, make_rig, pdf_bytes

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (Path(CHROMEDRIVER).exists() and Path(CHROMIUM).exists()),
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]


@pytest.fixture
def served(tmp_path, mailbox):
    port = free_port()
    rig = make_rig(tmp_path, mailbox, base_url=f"http://127.0.0.1:{port}")
    with Served(rig.app, port):
        yield rig
    rig.store.close()


def _chromium(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1100,1400",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)  # a loaded machine: elements may take a moment to appear
    return driver


@pytest.fixture
def chromium(tmp_path):
    driver = _chromium(tmp_path)
    try:
        yield driver
    finally:
        driver.quit()


def _sign_in(driver, rig, address):
    from selenium.webdriver.common.by import By

    base = rig.settings.base_url
    before = len(rig.mailbox.to(address))
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "email").send_keys(address)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert driver.find_element(By.ID, "sent").is_displayed()
    messages = rig.mailbox.wait_for(address, before + 1)
    assert len(messages) == before + 1, "the link did not arrive at the SMTP server"
    link = link_in(messages[-1])
    assert link.startswith(base + "/login/")
    driver.get(link)
    assert driver.current_url == f"{base}/reviews"


def test_a_focal_point_signs_in_by_email_sees_its_reviews_and_submits_its_saq(
    served, chromium, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    rig, driver = served, chromium
    base = rig.settings.base_url
    _sign_in(driver, rig, PEOPLE["fp_nga"])
    links = {a.text for a in driver.find_elements(By.CSS_SELECTOR, "main table a")}
    assert links == {"C1-G1-NGA", "C1-G1-FRA"}
    driver.find_element(By.LINK_TEXT, "C1-G1-NGA").click()
    stage = driver.find_element(By.ID, "stage")
    assert stage.get_attribute("data-stage") == "questionnaire"
    assert "Self-assessment questionnaire" in stage.text
    saq = tmp_path / "NGA answers.pdf"
    saq.write_bytes(pdf_bytes("the answers of Nigeria"))
    Select(driver.find_element(By.ID, "kind")).select_by_value("saq")
    driver.find_element(By.ID, "file").send_keys(str(saq))
    driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]").click()
    assert "the step is recorded as done" in driver.find_element(By.CSS_SELECTOR, ".done").text
    assert driver.find_element(By.ID, "stage").get_attribute("data-stage") == "written_feedback"
    facts = [e for e in rig.store.snapshot().events if e.type == "saq_submitted"]
    assert [(e.review, PEOPLE["fp_nga"] in e.note) for e in facts] == [("C1-G1-NGA", True)]
    assert rig.app.state.portal.view.state("C1-G1-NGA").stage == "written_feedback"
    assert "NGA answers.pdf" in driver.find_element(By.ID, "documents").text
    # another Party's review: 404, to the browser and to any client with this session
    driver.get(f"{base}/reviews/C1-G1-GHA")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Page not found"
    cookie = driver.get_cookie("untoc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    answer = httpx.get(f"{base}/reviews/C1-G1-GHA", cookies={"untoc_session": cookie["value"]})
    assert answer.status_code == 404
    assert (
        httpx.get(
            f"{base}/reviews/C1-G1-NGA", cookies={"untoc_session": cookie["value"]}
        ).status_code
        == 200
    )


def test_an_observer_s_review_page_has_no_form(served, chromium):
    from selenium.webdriver.common.by import By

    rig, driver = served, chromium
    _sign_in(driver, rig, PEOPLE["observer_nga"])
    driver.find_element(By.LINK_TEXT, "C1-G1-NGA").click()
    assert driver.find_element(By.ID, "steps").is_displayed()
    assert driver.find_elements(By.CSS_SELECTOR, "main form") == []
    assert driver.find_elements(By.CSS_SELECTOR, "main input, main button, main select") == []


def test_pages_in_the_six_languages_are_screenshotted_and_arabic_runs_right_to_left(
    served, chromium, tmp_path
):
    from PIL import Image
    from selenium.webdriver.common.by import By

    rig, driver = served, chromium
    _sign_in(driver, rig, PEOPLE["fp_nga"])
    headings = {}
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        driver.get(f"{rig.settings.base_url}/reviews/C1-G1-NGA?lang={language}")
        html = driver.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == language
        expected = "rtl" if language == "ar" else "ltr"
        assert html.get_attribute("dir") == expected
        h1 = driver.find_element(By.TAG_NAME, "h1")
        assert h1.value_of_css_property("direction") == expected
        headings[language] = h1.text
        # UNTOC_SCREENSHOTS=folder keeps them for a person to look at
        folder = Path(os.environ.get("UNTOC_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"portal-review-{language}.png"
        assert driver.save_screenshot(str(shot))
        with Image.open(shot) as image:
            colours = image.convert("L").getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 20, f"{language}: a blank page"
    assert len(set(headings.values())) == 6  # six different texts
    # right to left: the Arabic heading starts at the right edge of the page
    driver.get(f"{rig.settings.base_url}/reviews/C1-G1-NGA?lang=ar")
    h1 = driver.find_element(By.TAG_NAME, "h1")
    main = driver.find_element(By.TAG_NAME, "main")
    right_gap = main.rect["x"] + main.rect["width"] - (h1.rect["x"] + h1.rect["width"])
    assert right_gap < 40


def test_the_review_page_fits_a_phone_and_weighs_little(served, chromium):
    from selenium.webdriver.common.by import By

    rig, driver = served, chromium
    _sign_in(driver, rig, PEOPLE["fp_nga"])
    driver.set_window_size(390, 844)
    driver.get(f"{rig.settings.base_url}/reviews/C1-G1-NGA")
    assert driver.find_element(By.ID, "steps").is_displayed()
    width = driver.execute_script("return document.documentElement.scrollWidth")
    view = driver.execute_script("return window.innerWidth")
    assert width <= view, f"the page scrolls sideways on a phone: {width} > {view}"
    # everything the page loads: itself and one stylesheet, no script, font or image
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert [u.rsplit("/", 1)[-1] for u in loaded] == ["portal.css"]
    cookie = driver.get_cookie("untoc_session")["value"]
    page = httpx.get(
        f"{rig.settings.base_url}/reviews/C1-G1-NGA", cookies={"untoc_session": cookie}
    )
    css = httpx.get(f"{rig.settings.base_url}/static/portal.css")
    assert len(page.content) + len(css.content) < 20_000  # bytes, for a slow connection
