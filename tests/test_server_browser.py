"""`nngrade serve` in a real browser: Debian's chromium, driven by Selenium through chromedriver.

A student signs in with their roster link, uploads through the page, watches the status
change by itself and reads the feedback; a TA opens the class report; another student
gets 403 on the first student's page. Screenshots go to tmp_path (and to
$NNGRADE_SCREENSHOTS, if set, to look at them).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import requests

from server_support import ASSIGNMENT, Serve, buggy_source, free_port

pytestmark = pytest.mark.integration
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1200,1400"]


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


def shot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 1000
    if os.environ.get("NNGRADE_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["NNGRADE_SCREENSHOTS"]) / path.name)
    return path


@pytest.fixture
def server(tmp_path):
    assert CHROMIUM and CHROMEDRIVER, "chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
    serve = Serve(tmp_path / "data", free_port(), tmp_path / "serve.log", "-j", "1").start()
    yield serve
    serve.stop()


def make_student(serve: Serve, name: str) -> str:
    answer = requests.post(f"{serve.url}/api/users", json={"name": name}, timeout=30,
                           headers={"Authorization": f"Bearer {serve.printed('TA API token:')}"})
    assert answer.status_code == 201
    return answer.json()["signin_url"]


def test_student_uploads_reads_feedback_ta_reports_and_others_get_403(server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    alice_link, mallory_link = make_student(server, "alice"), make_student(server, "mallory")
    work = tmp_path / "activations.py"
    work.write_text("print('<b>debug</b> from alice')\n" + buggy_source())
    driver = browser(tmp_path / "profile-alice")
    try:
        driver.get(alice_link)
        driver.find_element(By.ID, f"file-{ASSIGNMENT}").send_keys(str(work))
        driver.find_element(By.ID, f"submit-{ASSIGNMENT}").click()
        WebDriverWait(driver, 180, poll_frequency=0.5).until(
            lambda d: d.find_element(By.ID, "status").text == "graded")
        score = driver.find_element(By.ID, "score").text
        assert score.endswith("/ 100") and float(score.split("/")[0]) < 100
        page_url = driver.current_url
        shot(driver, tmp_path, "student-submission")
        driver.switch_to.frame(driver.find_element(By.ID, "feedback"))
        feedback = driver.find_element(By.TAG_NAME, "body").text
        assert "What to fix" in feedback and "relu_grad" in feedback
        driver.switch_to.default_content()
        driver.get(page_url + "/feedback")
        shot(driver, tmp_path, "student-feedback")
        assert driver.find_elements(By.TAG_NAME, "b") == []             # printed HTML stays text
    finally:
        driver.quit()

    driver = browser(tmp_path / "profile-mallory")
    try:
        driver.get(mallory_link)
        driver.get(page_url)
        assert driver.title.startswith("403") and "do not have access" in driver.find_element(By.ID, "error").text
        driver.get(page_url + "/feedback")
        assert driver.title.startswith("403")
        shot(driver, tmp_path, "other-student-403")
    finally:
        driver.quit()

    driver = browser(tmp_path / "profile-ta")
    try:
        driver.get(server.printed("TA sign-in link:"))
        driver.get(f"{server.url}/ta/")
        driver.find_element(By.ID, f"report-{ASSIGNMENT}").click()
        assert "class report" in driver.title
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "alice" in body and "relu_grad" in body
        shot(driver, tmp_path, "ta-class-report")
    finally:
        driver.quit()
