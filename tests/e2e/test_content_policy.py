"""The pages work in Chromium under the strict content policy, which reports no violation."""

from __future__ import annotations

import httpx

from consular.web.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import World
from tests.e2e.test_browser import _sign_in, browser_page, server  # noqa: F401
from tests.factories import rows_csv, user_with_token

# Runs before any page script could: collects what the browser refused under the policy.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _visit(page, path: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(path)
    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert page.evaluate("window.__violations") == [], path


def test_the_pages_work_under_the_content_policy(  # type: ignore[no-untyped-def]
    browser_page,  # noqa: F811
    server: str,  # noqa: F811
    world: World,
    factory,
) -> None:
    header = ["id", "full_name", "date_of_birth", "nationality", "facility"]
    rows = [["H1", "LEE, SEONGHO", "1988-03-14", "KOR", "Folkston ICE Processing Center"]]
    uploaded = httpx.post(
        f"{server}/api/v1/incidents/{world.incident_id}/lists",
        headers={"Authorization": f"Bearer {world.token}"},
        data={"kind": "host_authority"},
        files={"file": ("host.csv", rows_csv(header, rows), "text/csv")},
    )
    assert uploaded.status_code == 201, uploaded.text
    user_with_token(factory, "admin.one", "admin", post=None)
    user_with_token(factory, "hr.battery", "employer_hr", employer="HL Battery")
    page = browser_page
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(WATCH_VIOLATIONS)
    _visit(page, "/status")
    _visit(page, "/sign-in")
    _sign_in(page, "officer.kim")
    page.get_by_role("heading", name="진행 중인 사건").wait_for()
    assert page.locator("svg.swatch rect").count() >= 1  # the chart's legend, drawn
    _visit(page, "/")
    _visit(page, f"/incidents/{world.incident_id}")
    page.get_by_role("link", name="LEE SEONGHO").first.click()
    page.get_by_role("heading", name="권리 보장 점검표").wait_for()
    assert page.evaluate("window.__violations") == []
    _visit(page, "/persons")
    _visit(page, "/no-such-page")
    page.context.clear_cookies()
    _sign_in(page, "hr.battery")
    _visit(page, "/deployments")
    mrz_font = page.locator("textarea.mrz").evaluate("node => getComputedStyle(node).fontFamily")
    assert "monospace" in mrz_font  # the style moved to the stylesheet still applies
    page.context.clear_cookies()
    _sign_in(page, "admin.one")
    _visit(page, "/admin/users")
    assert refused == []
