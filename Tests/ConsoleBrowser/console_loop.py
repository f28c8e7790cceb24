"""The web console in a real browser (headless Chromium through selenium), the whole loop with the sandbox's phone.

tsunagud runs in sandbox mode with a fresh database; the phone is the sandbox's /sandbox/phone/* endpoints. It
checks: an emergency appears in the queue and rings (the alert region and the title), a counsellor claims it,
chats both ways (her message arrives in the open chat; the reply reaches the sandbox's deliveries), leaves a note,
closes it; a second counsellor's claim loses; a supervisor sees the statistics but cannot open a transcript; an
admin adds and revokes staff and verifies the audit log, and a revoked token's open session ends. Screenshots
go to --screenshots for review.

Usage: python console_loop.py --tsunagud PATH --script config/script.ja.yaml --screenshots DIR [--docs docs/]
Exit status: 0 passed, 1 failed, 3 Chromium could not start (the caller skips, saying so).
"""

import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

CHECKS = []


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    CHECKS.append(what)
    print(f"  ok  {what}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The token tsunagud's sandbox requires on /sandbox/* (TSUNAGU_SANDBOX_TOKEN); the phone below sends it.
SANDBOX_TOKEN = "console-test-sandbox-token"


def http(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def eventually(probe, what, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what}")
        time.sleep(0.1)


class Daemon:
    """tsunagud serve in sandbox mode on loopback, with its own database and key."""

    def __init__(self, executable, script, directory):
        self.executable = executable
        self.env = {
            "PATH": "/usr/bin:/bin",
            "LINE_CHANNEL_SECRET": "console-test-secret",
            "TSUNAGU_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
            "TSUNAGU_DATABASE": os.path.join(directory, "tsunagu.sqlite"),
            "TSUNAGU_SCRIPT": script,
            "TSUNAGU_WEBHOOK_HOST": "127.0.0.1",
            "TSUNAGU_WEBHOOK_PORT": str(free_port()),
            "TSUNAGU_STAFF_PORT": "0",
            "TSUNAGU_SANDBOX_ENABLED": "true",
            "TSUNAGU_SANDBOX_PORT": "0",
            "TSUNAGU_SANDBOX_TOKEN": SANDBOX_TOKEN,
            "TSUNAGU_LOG_LEVEL": "info",
        }
        self.log_path = os.path.join(directory, "tsunagud.log")
        self.process = None

    def staff_add(self, name, role):
        run = subprocess.run([self.executable, "staff", "add", name, "--role", role], env=self.env, capture_output=True, text=True, check=True)
        return run.stdout.strip()

    def start(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([self.executable, "serve"], env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        ports = {}

        def listening():
            if self.process.poll() is not None:
                raise AssertionError("tsunagud exited: " + open(self.log_path).read())
            for line in open(self.log_path, encoding="utf-8", errors="replace"):
                match = re.search(r"listener=(\w+).*port=(\d+)", line)
                if match:
                    ports[match.group(1)] = int(match.group(2))
            return "staff" in ports and "sandbox" in ports and "webhook" in ports

        eventually(listening, "tsunagud's listeners", timeout=60)
        self.staff = f"http://127.0.0.1:{ports['staff']}"
        self.sandbox = f"http://127.0.0.1:{ports['sandbox']}"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Phone:
    """Her phone: the sandbox signs what she sends as LINE would and records what Tsunagu sent her."""

    def __init__(self, sandbox, user):
        self.sandbox, self.user = sandbox, user

    def text(self, text):
        status, answer = http("POST", f"{self.sandbox}/sandbox/phone/text", {"userId": self.user, "text": text}, SANDBOX_TOKEN)
        assert status == 200, (status, answer)

    def tap(self, data):
        status, answer = http("POST", f"{self.sandbox}/sandbox/phone/postback", {"userId": self.user, "data": data}, SANDBOX_TOKEN)
        assert status == 200, (status, answer)

    def received(self):
        status, answer = http("GET", f"{self.sandbox}/sandbox/deliveries?chat={self.user}", token=SANDBOX_TOKEN)
        return json.dumps(answer, ensure_ascii=False)

    def wait_for(self, count):
        return eventually(lambda: self.received().count('"text"') >= count, f"{count} messages on her phone")


def browser(screenshots):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=ja-JP",
                     "--autoplay-policy=no-user-gesture-required", "--disable-gpu", "--no-first-run"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_window_size(1366, 768)
    return driver


class Console:
    """One member of staff's browser on the console."""

    def __init__(self, driver, base, screenshots):
        self.driver, self.base, self.screenshots = driver, base, screenshots
        self.wait = WebDriverWait(driver, 30)

    def open(self, path):
        self.driver.get(self.base + path)

    def login(self, token):
        self.open("/console/login")
        field = self.wait.until(EC.presence_of_element_located((By.ID, "token")))
        check(self.driver.switch_to.active_element == field, "the login page focuses the token field")
        field.send_keys(token, Keys.ENTER)  # keyboard only
        self.until(lambda: "/console/login" not in self.driver.current_url, "signing in")

    def find(self, selector):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def text_of(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def until(self, probe, what):
        try:
            return self.wait.until(lambda d: probe())
        except Exception as error:
            self.shot("failure")
            page = self.driver.find_element(By.TAG_NAME, "body").text[:600]
            raise AssertionError(f"timed out: {what} at {self.driver.current_url}; the page says: {page}") from error

    def script(self, source):
        """Runs `source` (an async function body given `done`) in the page: the console's own API client."""
        return self.driver.execute_async_script("const done = arguments[arguments.length - 1];" + source)

    def shot(self, name):
        self.driver.execute_script("window.scrollTo(0, 0)")
        path = os.path.join(self.screenshots, f"{name}.png")
        self.driver.save_screenshot(path)
        return path

    def errors(self):
        """The page's console errors (a Content-Security-Policy violation shows here)."""
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]


def walk(daemon, screenshots, docs):
    tokens = {name: daemon.staff_add(name, role) for name, role in
              [("sato", "counsellor"), ("suzuki", "counsellor"), ("tanaka", "supervisor"), ("root", "admin")]}
    daemon.start()
    her = Phone(daemon.sandbox, "Uaya")
    drivers = []
    try:
        sato = Console(browser(screenshots), daemon.staff, screenshots)
        drivers.append(sato.driver)
        suzuki = Console(browser(screenshots), daemon.staff, screenshots)
        drivers.append(suzuki.driver)

        # The security headers, seen by the browser's own fetch.
        sato.open("/console/login")
        headers = sato.script("fetch('/console/login').then(r => done([r.headers.get('content-security-policy'), r.headers.get('x-frame-options')]));")
        check("script-src 'self'" in headers[0] and headers[1] == "DENY", "the console is served with a strict CSP and X-Frame-Options: DENY")

        sato.login(tokens["sato"])
        check(sato.driver.current_url.endswith("/console/queue"), "a counsellor lands on the queue")
        cookies = {cookie["name"]: cookie for cookie in sato.driver.get_cookies()}
        session = cookies.get("tsunagu_session")
        check(session and session["httpOnly"] and session.get("sameSite") == "Strict", "the session cookie is HttpOnly and SameSite=Strict")
        check(sato.driver.execute_script("return document.cookie") == "", "no script can read the session cookie")
        check(tokens["sato"] not in sato.driver.current_url and sato.driver.execute_script("return JSON.stringify(localStorage)") == "{}",
              "the token is in neither the URL nor local storage")
        suzuki.login(tokens["suzuki"])

        # She reaches the queue through triage, then writes words of danger: the case jumps ahead and rings.
        her.text("こんにちは")
        her.wait_for(2)
        her.tap("consent:yes")
        her.tap("topic:family")
        her.tap("urgency:today")
        row = sato.until(lambda: sato.driver.find_elements(By.CSS_SELECTOR, "#queue-body tr"), "her case in the queue")
        handle = row[0].get_attribute("data-handle")
        check(re.fullmatch(r"[A-Z0-9]{4,10}", handle or "") is not None, f"her case {handle} appears in the queue without a reload")
        her.text("いまから しにます")
        sato.until(lambda: sato.find("#alert").is_displayed(), "the emergency alert")
        check(handle in sato.text_of("#alert-text"), "an emergency rings: the alert region names the case")
        check(sato.find("#alert").get_attribute("role") == "alert", "the alert is an assertive live region (role=alert)")
        sato.until(lambda: "緊急" in sato.driver.title, "the title")
        check("緊急" in sato.driver.title, "an emergency rings: the title says 緊急")
        sato.until(lambda: int(sato.driver.execute_script("return document.body.dataset.rings || 0")) >= 1, "the beep")
        check(True, "an emergency rings: the Web Audio beep played")
        sato.until(lambda: "badge emergency" in sato.driver.page_source and sato.text_of("#count-emergency") == "1", "the emergency count")
        check(sato.find("#queue-body tr").get_attribute("class") == "priority-emergency", "the emergency is first in the queue")
        suzuki.until(lambda: suzuki.find("#alert").is_displayed(), "the alert on the colleague's screen")
        shot = sato.shot("queue")
        if docs:
            shutil.copy(shot, os.path.join(docs, "console-queue.png"))
        sato.find("#alert-ack").click()
        check(not sato.find("#alert").is_displayed() and "緊急" not in sato.driver.title, "acknowledging silences the alert")

        # Claim from the queue, with the keyboard: the chat opens with her words.
        button = sato.find(f'#queue-body tr[data-handle="{handle}"] button.claim')
        button.send_keys(Keys.ENTER)
        sato.until(lambda: sato.driver.current_url.endswith(f"/console/cases/{handle}"), "the chat page")
        sato.until(lambda: "いまから しにます" in sato.text_of("#transcript"), "her words in the transcript")
        check(True, "the claim opens her case with her words in the transcript")

        # A second counsellor's claim of the same case loses (409 case_taken), and that counsellor cannot read it.
        lost = suzuki.script(f"Tsunagu.api('POST', '/queue/claim', {{handle: '{handle}'}}).then(() => done('won'), (e) => done(e.code));")
        check(lost == "case_taken", "a second counsellor's claim loses (case_taken)")
        suzuki.open(f"/console/cases/{handle}")
        suzuki.until(lambda: "担当ではありません" in suzuki.text_of("#case-status"), "the refusal on the colleague's screen")
        check("しにます" not in suzuki.driver.page_source, "a colleague does not see the transcript")

        # Chat both ways: the reply reaches her phone; her answer arrives in the open chat.
        reply = "はじめまして、相談員の佐藤です。いまは安全な場所にいますか？"
        sato.find("#reply-text").send_keys(reply)
        sato.find("#reply-form button[type=submit]").click()
        eventually(lambda: reply in her.received(), "the reply on her phone")
        check(True, "the counsellor's reply reaches her phone (sandbox deliveries)")
        sato.until(lambda: reply in sato.text_of("#transcript"), "the reply in the transcript")
        tricky = "家にいます<b>大丈夫</b> & ありがとう <img src=x onerror=alert(1)>"
        her.text(tricky)
        sato.until(lambda: "家にいます" in sato.text_of("#transcript"), "her new message in the open chat")
        check(True, "her new message arrives in the open chat without a reload")
        last = sato.driver.find_elements(By.CSS_SELECTOR, "#transcript li.her .text")[-1]
        check(last.text == tricky and not sato.driver.find_elements(By.CSS_SELECTOR, "#transcript img, #transcript b"),
              "her text is shown as text, never as markup")
        Select(sato.find("#canned")).select_by_value("take-time")
        sato.find("#canned-form button").click()
        eventually(lambda: "あなたのペースで" in her.received(), "the canned reply on her phone")
        check(True, "a canned reply reaches her phone")
        sato.find("#note-text").send_keys("今夜は家にいる。明日また連絡。")
        sato.find("#note-form button").click()
        sato.until(lambda: "明日また連絡" in sato.text_of("#transcript li.note"), "the note")
        check("明日また連絡" not in her.received(), "a private note stays in the transcript and is never sent")
        shot = sato.shot("chat")
        if docs:
            shutil.copy(shot, os.path.join(docs, "console-chat.png"))

        # The hand-over summary shows the note.
        sato.open("/console/handover")
        sato.until(lambda: "明日また連絡" in sato.text_of("#handover-cases"), "the hand-over")
        check(True, "the hand-over summary shows her open case with its note")
        sato.shot("handover")

        # Close with an outcome and a referral.
        sato.open(f"/console/cases/{handle}")
        sato.until(lambda: len(sato.driver.find_elements(By.CSS_SELECTOR, "#outcome option")) > 1, "the outcomes")
        Select(sato.find("#outcome")).select_by_value("referred")
        Select(sato.find("#referral")).select_by_value("hellowork")
        sato.find("#close-form button").click()
        sato.until(lambda: "終了しました" in sato.text_of("#case-status"), "the closed case")
        check(True, "the case closes with an outcome and a referral")
        eventually(lambda: "話してくれて、ありがとうございました" in her.received(), "the thanks on her phone")
        check(True, "she is thanked when the case closes")
        sato.shot("closed")

        # A supervisor: the statistics, never a transcript.
        tanaka = Console(browser(screenshots), daemon.staff, screenshots)
        drivers.append(tanaka.driver)
        tanaka.login(tokens["tanaka"])
        check(tanaka.driver.current_url.endswith("/console/queue"), "a supervisor lands on the queue")
        tanaka.open("/console/stats")
        tanaka.until(lambda: "相談統計" in tanaka.text_of("#stats"), "the statistics")
        tanaka.until(lambda: "事業報告" in tanaka.text_of("#programme") or "エラー" in tanaka.text_of("#stats-status"), "the programme report")
        check("相談者数" in tanaka.text_of("#stats") and "事業報告" in tanaka.text_of("#programme"),
              "a supervisor sees the statistics and the programme report: " + tanaka.text_of("#stats-status"))
        tanaka.shot("statistics")
        tanaka.open(f"/console/cases/{handle}")
        check("表示できません" in tanaka.driver.page_source and "しにます" not in tanaka.driver.page_source,
              "a supervisor cannot open the chat page")
        refused = tanaka.script(f"Tsunagu.api('GET', '/cases/{handle}').then(() => done('read'), (e) => done(e.status));")
        check(refused == 403, "a supervisor cannot read a transcript through the API either")

        # An admin: add (the token shown once), revoke, verify the audit log; a revoked session ends at once.
        root = Console(browser(screenshots), daemon.staff, screenshots)
        drivers.append(root.driver)
        root.login(tokens["root"])
        check(root.driver.current_url.endswith("/console/admin"), "an admin lands on the staff page")
        root.until(lambda: "sato" in root.text_of("#staff-body"), "the staff list")
        root.find("#staff-name").send_keys("yamada")
        root.find("#add-form button").click()
        root.until(lambda: root.text_of("#new-token-value").startswith("tsu_"), "the new token")
        check(True, "adding a member shows the token once")
        root.find("#verify").click()
        root.until(lambda: "改ざんはありません" in root.text_of("#verify-result"), "the verification")
        check("case.claim" in root.text_of("#audit-body") and "case.read" in root.text_of("#audit-body"),
              "the audit log lists the console's claim and reads, and its chain holds")
        root.shot("admin")
        root.driver.execute_script("window.confirm = () => true;")
        root.find('#staff-body tr[data-name="suzuki"] button').click()
        root.until(lambda: "無効にしました" in root.text_of("#admin-status"), "the revocation")
        suzuki.open("/console/queue")
        suzuki.until(lambda: suzuki.driver.current_url.endswith("/console/login"), "the revoked session")
        check(True, "revoking a token ends its open session")

        # Signing out.
        sato.open("/console/queue")
        sato.find("#logout").click()
        sato.until(lambda: sato.driver.current_url.endswith("/console/login"), "the login page")
        sato.open("/console/queue")
        check(sato.driver.current_url.endswith("/console/login"), "after signing out the console asks to sign in again")

        for console in [sato, tanaka, root]:
            errors = [e for e in console.errors() if "Content Security Policy" in e or "Refused" in e]
            check(not errors, "no Content-Security-Policy violation in the browser: " + "; ".join(errors))
    finally:
        for driver in drivers:
            driver.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tsunagud", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--docs")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium fetch a driver: Debian's is used
    try:
        probe = browser(args.screenshots)
        probe.quit()
    except WebDriverException as error:
        print(f"Chromium could not start: {error.msg.splitlines()[0] if error.msg else error}", file=sys.stderr)
        return 3
    directory = tempfile.mkdtemp(prefix="tsunagu-console-")
    daemon = Daemon(os.path.abspath(args.tsunagud), os.path.abspath(args.script), directory)
    try:
        walk(daemon, args.screenshots, args.docs)
    except Exception as error:
        print(f"FAILED: {error}", file=sys.stderr)
        print("tsunagud's log (last lines):\n" + "".join(open(daemon.log_path).readlines()[-30:]) if os.path.exists(daemon.log_path) else "", file=sys.stderr)
        print(f"Screenshots: {args.screenshots}", file=sys.stderr)
        return 1
    finally:
        daemon.stop()
        shutil.rmtree(directory, ignore_errors=True)
    print(f"The console's whole loop held in Chromium: {len(CHECKS)} checks. Screenshots: {args.screenshots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
