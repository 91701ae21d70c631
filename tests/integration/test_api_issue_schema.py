"""The issue endpoint answers without re-validating its body (it is the busiest one); its
answers must still match the documented TicketOut schema exactly as other endpoints do."""

from test_api_support import Api

from queue_server.api.schemas import TicketOut

pytest_plugins = ["test_api_support"]


def test_issued_ticket_matches_the_schema_and_the_read_endpoint(api: Api):
    body = {"service": "tax", "id_card": {"id_number": "11010519491231002X", "name": "张三"}}
    resp = api.post("halls/main/tickets", "kiosk", json=body)
    assert resp.status_code == 201 and resp.is_json
    issued = resp.get_json()
    checked = TicketOut.model_validate(issued).model_dump(mode="json")
    assert checked == issued  # nothing added, dropped or re-formatted by the schema
    again = api.get(f"tickets/{issued['id']}").get_json()
    assert again == issued  # the same form as an answer that goes through the schema
    retry = api.post("halls/main/tickets", "kiosk", json={**body, "idempotency_key": "k"})
    same = api.post("halls/main/tickets", "kiosk", json={**body, "idempotency_key": "k"})
    assert (retry.status_code, same.status_code) == (409, 409)  # one open ticket per ID
    plain = api.post(
        "halls/main/tickets", "kiosk", json={"service": "invoice", "idempotency_key": "x"}
    )
    repeat = api.post(
        "halls/main/tickets", "kiosk", json={"service": "invoice", "idempotency_key": "x"}
    )
    assert (plain.status_code, repeat.status_code) == (201, 200)
    assert plain.get_json() == repeat.get_json()
