"""/api/expr: the function catalogue and the formula check the formula editor calls as you type."""

from __future__ import annotations

import httpx

FIELDS = [
    {"key": "amount", "type": "number"},
    {"key": "company", "type": "text"},
    {"key": "signed_on", "type": "date"},
    {"key": "tags", "type": "list<text>"},
    {"key": "customer", "type": "record", "fields": [{"key": "industry", "type": "text"}]},
    {"key": "items", "type": "records", "fields": [{"key": "subtotal", "type": "number"}]},
]


async def test_the_catalogue_lists_every_function_with_both_languages(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/expr/functions")
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) >= 80
    entry = next(item for item in body["items"] if item["name"] == "DATEDIF")
    assert entry["family"] == "date" and entry["signature"].startswith("DATEDIF(")
    assert entry["description"]["zh-CN"] and entry["description"]["en"] and entry["examples"]
    assert entry["sql"] is True
    assert set(body["families"]) == {item["family"] for item in body["items"]}
    assert "list<text>" in body["types"]


async def test_a_valid_formula_reports_its_type_and_what_it_reads(client: httpx.AsyncClient) -> None:
    formula = 'IF(SUM(items.subtotal) > amount, customer.industry, "n/a")'
    response = await client.post("/api/expr/check", json={"formula": formula, "fields": FIELDS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True and body["type"] == "text"
    assert body["dependencies"]["fields"] == ["amount", "customer.industry", "items.subtotal"]


async def test_a_type_error_is_a_422_problem_pointing_at_the_position(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/expr/check", json={"formula": "1 +\n  amount + company", "fields": FIELDS})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    error = problem["errors"][0]
    assert error["path"] == "formula" and error["code"] == "operand_types"
    assert error["position"] == {"offset": 0, "line": 1, "column": 1}
    assert error["message"] and error["message_en"] and error["message_zh"]


async def test_syntax_errors_and_unknown_fields_point_at_their_place(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/expr/check", json={"formula": "amount + amout", "fields": FIELDS})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "unknown_field" and error["position"]["column"] == 10
    response = await client.post("/api/expr/check", json={"formula": "SUM(1,", "fields": []})
    assert response.json()["errors"][0]["code"] == "unexpected_end"


async def test_expect_bool_refuses_a_number_for_a_filter(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/expr/check", json={"formula": "amount", "fields": FIELDS, "expect": "bool"})
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "result_type"
    response = await client.post("/api/expr/check", json={"formula": "amount > 1", "fields": FIELDS, "expect": "bool"})
    assert response.status_code == 200 and response.json()["type"] == "bool"


async def test_malformed_field_lists_are_refused_before_checking(client: httpx.AsyncClient) -> None:
    for fields in ([{"key": "x", "type": "money"}], [{"key": "1x", "type": "number"}],
                   [{"key": "x", "type": "number"}, {"key": "x", "type": "text"}],
                   [{"key": "x", "type": "number", "fields": [{"key": "y", "type": "text"}]}]):
        response = await client.post("/api/expr/check", json={"formula": "1", "fields": fields})
        assert response.status_code == 422, fields


async def test_hostile_formulas_get_the_engines_error(client: httpx.AsyncClient) -> None:
    for formula in ("__class__", '__import__("os")', "9^9^9^9", "(" * 3000 + "1" + ")" * 3000):
        response = await client.post("/api/expr/check", json={"formula": formula, "fields": FIELDS})
        assert response.status_code in (200, 422)
        if response.status_code == 422:
            assert response.json()["errors"][0]["code"]


async def test_the_formula_api_needs_a_signed_in_user(anon: httpx.AsyncClient) -> None:
    assert (await anon.get("/api/expr/functions")).status_code == 401
    assert (await anon.post("/api/expr/check", json={"formula": "1"})).status_code in (401, 403)


async def test_check_against_a_form_by_key_uses_its_fields_and_links(client, make_user, login):
    from tests.factories.forms import choices, field, make_form, publish_form

    await publish_form(client, "crm", make_form("accounts", [field("name"), field("industry", "single_select",
                                                                                   options=choices("rail"))]))
    await publish_form(client, "crm", make_form("deals", [field("title"), field("amount", "money"),
                                                          field("customer", "link", options={"form": "accounts"})]),
                       create_app=False)
    ok = await client.post("/api/expr/check", json={"formula": "IF(amount > 500000, customer.industry, title)",
                                                    "form": "crm.deals"})
    assert ok.status_code == 200 and ok.json()["type"] == "text"
    bad = await client.post("/api/expr/check", json={"formula": "amount + title", "form": "crm.deals"})
    assert bad.status_code == 422
    error = bad.json()["errors"][0]
    assert error["path"] == "formula" and error["position"]["column"] >= 1
    # The designer checks against the draft they are editing.
    await client.put("/api/apps/crm/forms/deals/draft", json={"definition": make_form("deals", [
        field("title"), field("amount", "money"), field("discount", "percent"),
        field("customer", "link", options={"form": "accounts"})])})
    draft = await client.post("/api/expr/check", json={"formula": "amount * discount / 100", "form": "crm.deals"})
    assert draft.status_code == 200 and draft.json()["type"] == "number"
    await make_user("stranger", "stranger-Pa55")
    stranger = await login("stranger", "stranger-Pa55")
    assert (await stranger.post("/api/expr/check", json={"formula": "1", "form": "crm.deals"})).status_code == 404


async def test_sqlite_regexp_cannot_backtrack_catastrophically(app, backend):
    import time

    from sqlalchemy import text

    if backend != "sqlite":
        return
    async with app.state.db.transaction(write=False) as conn:
        start = time.perf_counter()
        result = (await conn.execute(text("SELECT regexp(:p, :t)"), {"p": "(a+)+$", "t": "a" * 40 + "!"})).scalar()
        assert time.perf_counter() - start < 5.0 and result == 0  # Python re would take minutes
        assert (await conn.execute(text("SELECT floor(NULL)"))).scalar() is None


async def test_the_designer_checks_against_the_draft_on_screen_before_saving_it(client, make_user, login):
    from tests.factories.forms import choices, field, make_form, publish_form

    await publish_form(client, "shop", make_form("products", [field("name"), field("price", "money")]))
    unsaved = make_form("orders", [
        field("qty", "number"),
        field("product", "link", options={"form": "products"}),
        field("stage", "single_select", options=choices("new", "won"), visible_when="qty >"),  # being typed
        field("tags", "multi_select", options={"choices": []}),  # not valid yet: left out
        field("qty", "text"),  # a key typed twice while renaming: the first one counts
    ])
    check = {"app": "shop", "definition": unsaved}
    ok = await client.post("/api/expr/check", json={"formula": "qty * product.price", "draft": check})
    assert ok.status_code == 200, ok.text
    assert ok.json()["type"] == "number" and ok.json()["dependencies"]["fields"] == ["product.price", "qty"]
    stage = await client.post("/api/expr/check", json={"formula": 'stage = "won"', "draft": check, "expect": "bool"})
    assert stage.status_code == 200
    missing = await client.post("/api/expr/check", json={"formula": "COUNT(tags)", "draft": check})
    assert missing.status_code == 422 and missing.json()["errors"][0]["position"]["offset"] == 6

    both = await client.post("/api/expr/check", json={"formula": "1", "draft": check, "form": "shop.products"})
    assert both.status_code == 422
    await make_user("outsider", "outsider-Pa55")
    outsider = await login("outsider", "outsider-Pa55")
    assert (await outsider.post("/api/expr/check", json={"formula": "1", "draft": check})).status_code == 404
