"""The OpenAPI document says what every operation can answer, and the API keeps to it.

The inputs here are those a fuzzing run (``make fuzz``) found answered with a 5xx or with
an answer the document did not describe.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from consular.api_schema import MAX_OFFSET, ErrorRead
from consular.cases.service import CASE_SORTS
from consular.cases.states import CaseState
from tests.conftest import World
from tests.factories import auth

API = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")


def _document(client: TestClient) -> dict[str, Any]:
    return client.get(f"{API}/openapi.json").json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and path != f"{API}/health"
    ]


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [p for p in operation.get("parameters", []) if p["name"] == name]
    return found


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(document, option)
    return schema


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/persons", {"name": "KIM"}),
        ("/incidents/{incident}/cases", {}),
    ],
)
def test_paging_past_what_a_database_holds_is_refused_by_name(
    app_client: TestClient, world: World, path: str, query: dict[str, str]
) -> None:
    url = API + path.format(incident=world.incident_id)
    for value in (2**63, 2**63 - 1, MAX_OFFSET + 1):
        response = app_client.get(url, params={**query, "offset": value}, headers=auth(world.token))
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["error"] == "invalid_input"
        assert [f["field"] for f in body["fields"]] == ["query.offset"]
    last = app_client.get(url, params={**query, "offset": MAX_OFFSET}, headers=auth(world.token))
    assert last.status_code == 200, last.text
    found = last.json()
    assert (found if isinstance(found, list) else found["items"]) == []


def test_every_operation_lists_the_refusals_it_can_give(app_client: TestClient) -> None:
    document = _document(app_client)
    operations = _operations(document)
    assert len(operations) >= 20
    for method, path, operation in operations:
        where = f"{method} {path}"
        answers = operation["responses"]
        # Every operation needs a token and a database.
        assert {"401", "503"} <= answers.keys(), where
        if "{" in path:
            assert "404" in answers, where
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in answers, where
        if "requestBody" in operation:
            assert {"400", "413"} <= answers.keys(), where
        for status, answer in answers.items():
            if status.startswith(("4", "5")):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorRead"}, (where, status)
    conflicts = {f"{m} {p}" for m, p, o in operations if "409" in o["responses"]}
    assert {
        f"POST {API}/cases/{{case_id}}/transitions",
        f"POST {API}/cases/{{case_id}}/custody",
        f"POST {API}/cases/{{case_id}}/disposition",
        f"POST {API}/cases/{{case_id}}/milestones/{{kind}}/complete",
        f"POST {API}/incidents/{{incident_id}}/lists",
        f"POST {API}/incidents/{{incident_id}}/review/{{record_id}}",
    } <= conflicts
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_error_schema_says_a_refusal_has_a_code_a_message_and_its_values(
    app_client: TestClient,
) -> None:
    document = _document(app_client)
    error = document["components"]["schemas"]["ErrorRead"]
    assert set(error["required"]) == {"error", "message"}
    # The codes are the rules' own (dotted), beside those of the HTTP edge.
    code = error["properties"]["error"]
    assert code["type"] == "string" and "case.stale_version" in code["description"]
    assert "params" in error["properties"]


def test_the_enumerations_are_in_the_document(app_client: TestClient) -> None:
    document = _document(app_client)
    paths = document["paths"]
    for path, method in (
        ("/screen", "post"),
        ("/deployments", "get"),
        ("/cases/{case_id}/reentry", "get"),
    ):
        lang = _resolve(document, _parameter(paths[API + path][method], "lang")["schema"])
        assert sorted(lang["enum"]) == ["en", "ko"], path
    cases = paths[f"{API}/incidents/{{incident_id}}/cases"]["get"]
    assert _resolve(document, _parameter(cases, "sort")["schema"])["enum"] == list(CASE_SORTS)
    assert _resolve(document, _parameter(cases, "state")["schema"])["enum"] == [
        str(s) for s in CaseState
    ]
    for name in ("offset", "limit"):
        assert "maximum" in _parameter(cases, name)["schema"], name
    country = document["components"]["schemas"]["IncidentCreate"]["properties"]["host_country"]
    assert {"KOR", "USA"} <= set(country["enum"]) and "XYZ" not in country["enum"]


def test_an_unknown_language_or_sort_is_refused_with_what_is_allowed(
    app_client: TestClient, world: World
) -> None:
    cases = app_client.get(
        f"{API}/incidents/{world.incident_id}/cases",
        params={"sort": "size"},
        headers=auth(world.token),
    )
    assert cases.status_code == 422
    assert cases.json()["fields"][0]["field"] == "query.sort"
    assert "'number'" in cases.json()["message"]
    plan = app_client.get(f"{API}/deployments", params={"lang": "fr"}, headers=auth(world.token))
    assert plan.status_code == 422 and plan.json()["fields"][0]["field"] == "query.lang"


def test_a_body_that_cannot_be_parsed_is_answered_in_the_error_schema(
    app_client: TestClient, world: World
) -> None:
    broken = app_client.post(
        f"{API}/incidents/{world.incident_id}/lists",
        headers={
            **auth(world.token),
            "Content-Type": "multipart/form-data; boundary=xyz",
        },
        content=b"--xyz\r\nNone--xyz--\r\n",
    )
    assert broken.status_code == 400
    assert broken.json()["error"] == "bad_request" and broken.json()["message"]
    not_utf8 = app_client.post(
        f"{API}/incidents/{world.incident_id}/review/x",
        headers={**auth(world.token), "Content-Type": "application/json"},
        content=b"Cw\xff\xfed",
    )
    assert not_utf8.status_code in (400, 422)
    assert set(not_utf8.json()) >= {"error", "message"}


def test_an_unknown_country_is_refused_naming_the_field(
    app_client: TestClient, world: World
) -> None:
    response = app_client.post(
        f"{API}/incidents",
        json={
            "title": "t",
            "host_country": "XYZ",
            "place": "p",
            "started_at": "2025-09-04T10:00:00-04:00",
        },
        headers=auth(world.token),
    )
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "body.host_country"
    lower = app_client.post(
        f"{API}/incidents",
        json={
            "title": "t",
            "host_country": "usa",
            "place": "p",
            "started_at": "2025-09-04T10:00:00-04:00",
        },
        headers=auth(world.token),
    )
    assert lower.status_code == 201 and lower.json()["host_country"] == "USA"


def test_what_the_handlers_send_is_what_the_error_schema_says(
    app_client: TestClient, world: World
) -> None:
    headers = auth(world.token)
    answers = {
        400: app_client.post(
            f"{API}/screen",
            headers={**headers, "Content-Type": "multipart/form-data; boundary=xyz"},
            content=b"--xyz\r\nNone--xyz--\r\n",
        ),
        401: app_client.get(f"{API}/incidents"),
        404: app_client.get(f"{API}/cases/nothing", headers=headers),
        405: app_client.delete(f"{API}/incidents", headers=headers),
        413: app_client.post(
            f"{API}/screen", headers={**headers, "Content-Length": str(2**40)}, content=b""
        ),
        422: app_client.get(f"{API}/persons", params={"offset": -1}, headers=headers),
    }
    for status, response in answers.items():
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/json", status
        refusal = ErrorRead.model_validate(response.json())
        assert refusal.message, status
