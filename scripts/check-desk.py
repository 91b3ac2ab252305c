"""The editors' desk in a real browser (headless Chromium through Selenium), on the demo data.

Run by scripts/check-desk, which starts the desk and passes: DESK (its URL), DESK_PASSWORD (of
the users desk-check (admin), alice and bob), DESK_DB, DESK_BIN, DESK_OUTPUT, SCREENSHOT.

1. A morning's triage: sign in, filter to the urgent items, read one in the pane, mark ten rows
   and reject them with a reason in one action, undo it, select five by keyboard, all without a
   page load after sign-in; the audit log then holds one entry per item per action.
2. The cell's other work: alice changes an alert and cannot approve it; bob approves and
   publishes it, then « Publier maintenant » puts it on the public site; an incident is
   qualified and closed; its private fields never reach the site.
3. axe-core on every screen, and no English word of the workflow left on them.
"""
import os
import sqlite3
import subprocess
import sys
import time

import axe_playwright_python
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

DESK, PASSWORD, DB = os.environ["DESK"], os.environ["DESK_PASSWORD"], os.environ["DESK_DB"]
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def wait_for(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.05)
    return None


def browser():
    options = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, name):
    driver.get(DESK + "/login")
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait_for(lambda: driver.current_url.endswith("/queue"))
    check(driver.current_url.endswith("/queue"), f"{name}: sign-in did not lead to the queue (at {driver.current_url})")


def audit(actor):
    """(action, item) pairs of the audit log by this actor, oldest first."""
    with sqlite3.connect(f"file:{DB}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT action, item_id FROM audit_log WHERE actor = ? ORDER BY id", (actor,)).fetchall()


def status_text(driver):
    return driver.find_element(By.ID, "desk-status").text


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "li.queue-item")


def axe(driver, screen):
    driver.execute_script(open(os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js"), encoding="utf-8").read())
    result = driver.execute_async_script("const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(done);")
    print(f"axe-core on the desk's {screen}: {len(result['violations'])} violations", file=sys.stderr)
    for violation in result["violations"]:
        problems.append(f"axe on the {screen}: {violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)")


def demo_content(driver):
    """The demo's items are listed, the script is loaded, the item page has its sections."""
    driver.get(DESK + "/queue?state=all")
    dom = driver.page_source
    for title in ["Un centre hospitalier de Normandie frappé par un rançongiciel", "Medirad PACS Server (Update A)"]:
        check(title in dom, f"the desk does not list « {title} »")
    listed = len(rows(driver))
    print(f"desk, all states: {listed} items", file=sys.stderr)
    check(listed >= 20, f"the desk lists {listed} items in all, expected at least 20")
    driver.get(DESK + "/queue")
    first = rows(driver)[0]
    check("current" in first.get_attribute("class"), "the keyboard script did not mark the first item (desk.js not loaded?)")
    axe(driver, "queue")
    if os.environ.get("SCREENSHOT") == "true":
        driver.save_screenshot("docs/desk-queue.png")
    driver.get(DESK + first.find_element(By.CSS_SELECTOR, ".queue-title").get_attribute("pathname"))
    page = driver.page_source
    for section in ("Étiquettes et leurs motifs", "Historique"):
        check(section in page, f"the item page lacks « {section} »")
    axe(driver, "item page")
    if os.environ.get("SCREENSHOT") == "true":
        driver.save_screenshot("docs/desk-item.png")
    for path, screen in (("/users", "users"), ("/audit", "audit log"), ("/preview", "next edition")):
        driver.get(DESK + path)
        axe(driver, screen)


def morning_triage(driver):
    sign_in(driver, "alice")
    # A page load would forget this: it is still there at the end, or something navigated.
    driver.execute_script("window.deskPageMarker = 'still the same page';")
    started = time.time()
    body = driver.find_element(By.TAG_NAME, "body")

    # Filter to the urgent items (in place) and read one in the pane.
    Select(driver.find_element(By.ID, "urgency")).select_by_value("urgent")
    Select(driver.find_element(By.ID, "state")).select_by_value("all")
    driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait_for(lambda: "urgency=urgent" in driver.current_url and rows(driver))
    urgent = rows(driver)
    labels = [row.find_element(By.CSS_SELECTOR, ".urgency").text for row in urgent if row.find_elements(By.CSS_SELECTOR, ".urgency")]
    check(urgent and len(labels) == len(urgent) and all(label == "urgent" for label in labels),
          f"filtered to the urgent items, the queue shows {len(urgent)} rows labelled {labels}")
    print(f"triage: {len(urgent)} urgent items", file=sys.stderr)
    title = urgent[0].find_element(By.CSS_SELECTOR, ".queue-title").text
    urgent[0].find_element(By.CSS_SELECTOR, ".queue-title").click()
    pane_title = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, "#pane h1").text)
    check(pane_title == title, f"the reading pane shows « {pane_title} », expected « {title} »")
    check("Historique" in driver.find_element(By.ID, "pane").text, "the reading pane lacks the item's history")
    axe(driver, "queue with the reading pane open")
    body.send_keys(Keys.ESCAPE)

    # Back to the items waiting; mark ten (a click, then a shift-click) and reject them with a reason.
    Select(driver.find_element(By.ID, "urgency")).select_by_value("")
    Select(driver.find_element(By.ID, "state")).select_by_value("queued")
    driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait_for(lambda: "state=queued" in driver.current_url and "urgency=&" in driver.current_url)
    waiting = rows(driver)
    check(len(waiting) >= 15, f"{len(waiting)} items waiting, expected at least 15")
    ids = [row.get_attribute("data-id") for row in waiting]
    waiting[0].find_element(By.CSS_SELECTOR, ".mark").click()
    webdriver.ActionChains(driver).key_down(Keys.SHIFT).click(waiting[9].find_element(By.CSS_SELECTOR, ".mark")).key_up(Keys.SHIFT).perform()
    marked = [row.get_attribute("data-id") for row in rows(driver) if row.find_element(By.CSS_SELECTOR, ".mark").is_selected()]
    check(marked == ids[:10], f"a click and a shift-click marked {len(marked)} rows, expected the first ten")
    reason = Select(driver.find_element(By.ID, "bulk-reason"))
    reason.select_by_index(1)
    reason_text = reason.first_selected_option.text
    driver.find_element(By.CSS_SELECTOR, "#bulk button[value=reject]").click()
    said = wait_for(lambda: "rejetés" in status_text(driver) and status_text(driver))
    check(said and said.startswith("10 éléments rejetés"), f"after rejecting ten, the status says « {status_text(driver)} »")
    states = [row.find_element(By.CSS_SELECTOR, ".state").text for row in rows(driver)[:10]]
    check(all(state == f"rejeté (motif : {reason_text})" for state in states), f"the ten rows say {set(states)}")

    # Undo it.
    driver.find_element(By.CSS_SELECTOR, "#desk-status button.undo").click()
    said = wait_for(lambda: "Annulé" in status_text(driver) and status_text(driver))
    check(said, f"after « Annuler », the status says « {status_text(driver)} »")
    states = [row.find_element(By.CSS_SELECTOR, ".state").text for row in rows(driver)[:10]]
    check(all(state == "en file" for state in states), f"after undoing, the ten rows say {set(states)}")

    # Select five by keyboard: s selects the current row and moves on.
    driver.execute_script("document.querySelector('li.queue-item').focus();")
    for _ in range(5):
        before = status_text(driver)
        driver.switch_to.active_element.send_keys("s")
        wait_for(lambda: status_text(driver) != before or "sélectionné" in status_text(driver), 3)
        time.sleep(0.15)
    selected = wait_for(lambda: [row.get_attribute("data-id") for row in rows(driver) if row.get_attribute("data-state") == "selected"])
    check(selected == ids[:5], f"five presses of s selected {selected}, expected {ids[:5]}")

    check(driver.execute_script("return window.deskPageMarker;") == "still the same page",
          "a page was loaded after sign-in (the triage must happen in place)")
    time.sleep(0.3)
    entries = audit("alice")
    wanted = [("rejected", int(i)) for i in ids[:10]] + [("queued", int(i)) for i in ids[:10]] + [("selected", int(i)) for i in ids[:5]]
    check(sorted(entries) == sorted(wanted) and len(entries) == 25,
          f"the audit log holds {len(entries)} entries by alice, expected 25: one per item per action ({entries[:6]}…)")
    print(f"triage: {len(entries)} audit entries by alice (10 rejected, 10 back in the queue, 5 selected), no page load, "
          f"{time.time() - started:.1f} s in the browser (waits of the check included)", file=sys.stderr)


def alert_and_incident(driver):
    output = os.environ["DESK_OUTPUT"]
    sign_in(driver, "alice")
    driver.get(DESK + "/alerts")
    axe(driver, "alerts")
    links = driver.find_elements(By.CSS_SELECTOR, "table.alerts a")
    if not check(links, "the demo has no alert to review"):
        return
    alert_id = links[0].text
    driver.get(DESK + "/alerts/" + alert_id)
    title = driver.find_element(By.ID, "alert-title")
    new_title = title.get_attribute("value") + " (revue par la cellule)"
    title.clear()
    title.send_keys(new_title)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/edit'] button").click()
    wait_for(lambda: driver.find_element(By.TAG_NAME, "h1").text == new_title)
    check(driver.find_elements(By.CSS_SELECTOR, ".own-change") and not driver.find_elements(By.CSS_SELECTOR, "form[action$='/approve']"),
          "alice wrote the change, yet the page offers her to approve it")
    # Even posted by hand, her approval is refused.
    refused = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const form = new URLSearchParams({csrf: document.querySelector('input[name=csrf]').value,
                                          version: document.querySelector('input[name=version]').value});
        fetch('/alerts/""" + alert_id + """/approve', {method: 'POST', body: form}).then(r => r.text().then(t => done([r.status, t])));""")
    check(refused[0] == 400 and "un autre éditeur doit l'approuver" in refused[1], f"alice approving her own change got {refused[0]}")
    axe(driver, "alert page")

    driver.delete_all_cookies()
    sign_in(driver, "bob")
    driver.get(DESK + "/alerts/" + alert_id)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/approve'] button").click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "form[action$='/publish'] button"))
    driver.find_element(By.CSS_SELECTOR, "form[action$='/publish'] button").click()
    state = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".alert-state").text == "publiée" and "publiée")
    check(state, f"after bob's approval and publication, the alert is « {driver.find_element(By.CSS_SELECTOR, '.alert-state').text} »")
    driver.get(DESK + "/publish")
    axe(driver, "publication page")
    driver.find_element(By.CSS_SELECTOR, "button.publish-now").click()
    said = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".publish-message").text, 30)
    check(said == "Le site est publié.", f"« Publier maintenant » says « {said} »")
    print(f"publication from the desk: {driver.find_element(By.CSS_SELECTOR, '.last-publication').text}", file=sys.stderr)
    pages = subprocess.run(["grep", "-rl", "--include=index.html", new_title.replace("'", "&#39;"), os.path.join(output, "alertes")],
                           capture_output=True, text=True).stdout.split()
    check(pages, f"the public alert pages do not show « {new_title} » after « Publier maintenant »")

    # The preview: the site as it will be published, rendered with its own templates.
    driver.get(DESK + "/preview")
    driver.find_element(By.CSS_SELECTOR, "button.render-preview").click()
    wait_for(lambda: driver.current_url.endswith("/preview/site/index.html"), 30)
    check(driver.current_url.endswith("/preview/site/index.html") and driver.find_elements(By.CSS_SELECTOR, "header, footer"),
          f"« Voir le site tel qu'il sera publié » did not show the rendered site (at {driver.current_url})")
    driver.get(DESK + "/preview/site/alertes/index.html")
    check(new_title in driver.page_source, "the preview's alerts page does not show the alert just published")

    driver.get(DESK + "/incidents?status=received")
    axe(driver, "incidents")
    incident_id = driver.find_element(By.CSS_SELECTOR, "table.incidents a").text
    driver.get(DESK + "/incidents/" + incident_id)
    axe(driver, "incident page")
    private = driver.find_element(By.CSS_SELECTOR, ".private").text
    Select(driver.find_element(By.ID, "category")).select_by_visible_text("hameçonnage")
    driver.find_element(By.ID, "qualify-note").send_keys("confirmé par téléphone")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/qualify'] button").click()
    wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".incident-state").text == "qualifiée")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/close'] button").click()
    closed = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".incident-state").text == "close")
    steps = driver.find_element(By.CSS_SELECTOR, ".steps").text
    check(closed and "qualifiée (« confirmé par téléphone »)" in steps and "bob : close" in steps,
          f"the incident was not qualified and closed from the desk (steps: {steps})")
    qualified = "(qualifiée : hameçonnage)" in driver.find_element(By.CSS_SELECTOR, ".facts").text
    check(qualified, "the qualified category is not shown")
    name = private.split("Structure\n")[-1].split("\n")[0] if "Structure\n" in private else ""
    leaked = subprocess.run(["grep", "-rl", "Structure fictive", output], capture_output=True, text=True).stdout.split()
    check(not leaked, f"private fields reached the public site: {leaked[:3]}")
    print(f"alert {alert_id}: changed by alice, approved and published by bob, on the site; incident {incident_id} qualified and closed"
          f" (private field « {name} » shown in the desk only)", file=sys.stderr)


driver = browser()
try:
    sign_in(driver, "desk-check")
    demo_content(driver)
    driver.delete_all_cookies()
    morning_triage(driver)
    driver.delete_all_cookies()
    alert_and_incident(driver)
finally:
    driver.quit()
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("desk checks passed", file=sys.stderr)
