"""One SELECT … GROUP BY per report, on both backends, checked against pandas over the same data:
aggregates, date buckets in the platform's time zone, bins, to-many fields, joins two hops deep,
date ranges, calculated measures (SQL against the formula evaluated in Python), scopes."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import false

from engines.report import Access, ReportDef, ReportError, compile_report, plan_report
from engines.report.dates import bucket_start, relative_range
from tests.unit.report.world import NOW, TZ, frames


def measures(*items: tuple[str, str, str | None]) -> list[dict]:
    return [{"key": k, "agg": a, **({"field": f} if f else {})} for k, a, f in items]


def table(dimensions: list[dict], measure_list: list[dict], **dataset) -> dict:
    return {"dataset": {"form": "deals", **dataset}, "dimensions": dimensions, "measures": measure_list,
            "chart": {"type": "table"}}


def close(a, b) -> bool:
    return a is None and b is None or a is not None and b is not None and abs(float(a) - float(b)) < 1e-6


async def test_every_aggregate_matches_pandas(crm):
    frame, truncated, _ = await crm.run(table([{"field": "stage"}], measures(
        ("n", "count", None), ("total", "sum", "amount"), ("mean", "avg", "amount"), ("low", "min", "amount"),
        ("high", "max", "amount"), ("middle", "median", "amount"), ("owners", "count_distinct", "owner_id"),
        ("first_day", "min", "signed_on"))))
    deals = frames()["deals"]
    assert not truncated
    got = frame.data.set_index("stage")
    for stage, part in deals.groupby("stage"):
        amounts = [float(a) for a in part["amount"]]
        row = got.loc[stage]
        assert row["n"] == len(part) and close(row["total"], sum(amounts)) and close(row["mean"], statistics.fmean(amounts))
        assert close(row["low"], min(amounts)) and close(row["high"], max(amounts))
        assert close(row["middle"], statistics.median(amounts)), (stage, row["middle"])
        assert row["owners"] == part["owner_id"].nunique() and row["first_day"] == part["signed_on"].min()


@pytest.mark.parametrize("bucket", ["day", "week", "month", "quarter", "year", "day_of_week", "hour"])
async def test_datetimes_are_bucketed_in_the_platform_time_zone(crm, bucket):
    frame, _, _ = await crm.run(table([{"field": "closed_at", "bucket": bucket}], measures(("n", "count", None))))
    local = frames()["deals"]["closed_at"].map(lambda t: t.astimezone(TZ))
    if bucket == "hour":
        keys = local.map(lambda t: t.hour)
    elif bucket == "day_of_week":
        keys = local.map(lambda t: t.isoweekday())
    else:
        keys = local.map(lambda t: bucket_start(t.date(), bucket))
    expected = keys.value_counts().to_dict()
    assert dict(zip(frame.data["closed_at"], frame.data["n"])) == expected


async def test_dates_bucket_by_quarter_and_numbers_fall_into_bins(crm):
    frame, _, _ = await crm.run(table([{"field": "signed_on", "bucket": "quarter"}, {"field": "amount", "bin": {"width": 100}}],
                                      measures(("n", "count", None))))
    deals = frames()["deals"]
    keys = zip(deals["signed_on"].map(lambda d: bucket_start(d, "quarter")), deals["amount"].map(lambda a: float(a // 100 * 100)))
    expected = pd.Series(list(keys)).value_counts().to_dict()
    assert dict(zip(zip(frame.data["signed_on"], frame.data["amount"]), frame.data["n"])) == expected


async def test_to_many_fields_count_a_record_under_each_of_its_values(crm):
    deals = frames()["deals"]
    tags, _, _ = await crm.run(table([{"field": "tags"}], measures(("n", "count", None), ("total", "sum", "amount"))))
    exploded = deals.explode("tags")
    assert dict(zip(tags.data["tags"], tags.data["n"])) == exploded["tags"].value_counts().to_dict()
    assert all(close(t, exploded[exploded["tags"] == k]["amount"].map(float).sum()) for k, t in zip(tags.data["tags"], tags.data["total"]))
    helpers, _, _ = await crm.run(table([{"field": "helpers"}], measures(("n", "count", None))))
    from tests.unit.report.world import HELPERS

    expected: dict = {}
    for deal_id in deals["id"]:
        for user in HELPERS[deal_id] or [None]:
            expected[user] = expected.get(user, 0) + 1
    assert dict(zip(helpers.data["helpers"], helpers.data["n"])) == expected


async def test_joins_reach_two_hops_deep_and_count_each_record_once(crm):
    definition = {
        "dataset": {"form": "customers", "joins": [
            {"alias": "deals", "form": "deals", "via": "customer"},
            {"alias": "payments", "source": "deals", "form": "payments", "via": "deal"}]},
        "dimensions": [{"field": "region"}],
        "measures": [{"key": "customers", "agg": "count"}, {"key": "deals", "agg": "count", "of": "deals"},
                     {"key": "paid", "agg": "sum", "field": "payments.paid"},
                     {"key": "share", "formula": "SUM(payments.paid) / customers"}],
        "chart": {"type": "table"},
    }
    frame, _, _ = await crm.run(definition)
    f = frames()
    joined = f["customers"].merge(f["deals"], left_on="id", right_on="customer", how="left", suffixes=("", "_deal"))
    paid = joined.merge(f["payments"], left_on="id_deal", right_on="deal", how="left", suffixes=("", "_pay"))
    for region, part in paid.groupby("region"):
        row = frame.data.set_index("region").loc[region]
        assert row["customers"] == part["id"].nunique()
        assert row["deals"] == part["id_deal"].dropna().nunique()
        assert close(row["paid"], part["paid"].dropna().map(float).sum())
        assert close(row["share"], part["paid"].dropna().map(float).sum() / part["id"].nunique())


async def test_a_link_to_one_record_is_joined_by_naming_its_fields(crm):
    frame, _, _ = await crm.run(table([{"field": "customer.region"}], measures(("n", "count", None))))
    f = frames()
    merged = f["deals"].merge(f["customers"][["id", "region"]], left_on="customer", right_on="id", how="left")
    expected = merged["region"].fillna("(none)").value_counts().to_dict()
    assert {k if k is not None else "(none)": v for k, v in zip(frame.data["customer__region"], frame.data["n"])} == expected


@pytest.mark.parametrize("relative", ["last_year", "this_year", "last_90_days", "this_quarter", "last_month"])
async def test_relative_date_ranges_are_counted_from_today(crm, relative):
    frame, _, _ = await crm.run(table([], measures(("n", "count", None)),
                                      date_range={"field": "signed_on", "relative": relative}))
    start, end = relative_range(relative, NOW.date())
    deals = frames()["deals"]
    assert frame.data["n"].tolist() == [int(((deals["signed_on"] >= start) & (deals["signed_on"] < end)).sum())]


async def test_an_absolute_range_includes_both_end_days(crm):
    frame, _, _ = await crm.run(table([], measures(("n", "count", None)),
                                      date_range={"field": "signed_on", "start": "2024-02-01", "end": "2024-02-28"}))
    deals = frames()["deals"]
    inside = (deals["signed_on"] >= date(2024, 2, 1)) & (deals["signed_on"] <= date(2024, 2, 28))
    assert frame.data["n"].tolist() == [int(inside.sum())]


async def test_calculated_measures_give_in_sql_what_the_formula_gives_in_python(crm):
    from engines import expr

    formulas = ["SUM(cost) / SUM(amount)", "SUM(amount * 2) - MAX(cost)", 'COUNTIF(stage = "won") / COUNT(id)',
                "SUMIF(amount, cost > 20)", "MEDIAN(amount)", "AVERAGE(amount)", "ROUND(SUM(amount) / n, 2)"]
    definition = table([{"field": "owner_id"}], [{"key": "n", "agg": "count"}] +
                       [{"key": f"f{i}", "formula": text} for i, text in enumerate(formulas)])
    frame, _, _ = await crm.run(definition)
    plan = plan_report(ReportDef.model_validate(definition), crm.forms)
    deals = frames()["deals"]
    for owner, part in deals.groupby("owner_id"):
        rows = [{k: r[k] for k in ("id", "amount", "cost", "stage")} for r in part.to_dict("records")]
        got = frame.data.set_index("owner_id").loc[owner]
        for i, planned in enumerate(plan.measures[1:]):
            want = planned.formula.evaluate({"$rows": rows, "n": len(rows)}, expr.Context(now=NOW, tz=TZ))
            assert close(got[f"f{i}"], want), (formulas[i], owner, got[f"f{i}"], want)


async def test_the_viewers_row_condition_and_readable_fields_are_applied(crm):
    deals_table = crm.forms["deals"].table
    access = {"deals": Access(rows=deals_table.c.owner_id == 11, readable=frozenset({"stage", "amount"})),
              "customers": Access(rows=false())}
    frame, _, _ = await crm.run(table([{"field": "stage"}], measures(("n", "count", None))), access)
    deals = frames()["deals"]
    assert dict(zip(frame.data["stage"], frame.data["n"])) == deals[deals["owner_id"] == 11]["stage"].value_counts().to_dict()
    joined, _, _ = await crm.run(table([{"field": "customer.region"}], measures(("n", "count", None))),
                                 {**access, "deals": Access(readable=frozenset({"customer"}))})
    assert joined.data["customer__region"].tolist() == [None]  # no customer is visible: all in one group
    report = ReportDef.model_validate(table([{"field": "cost"}], measures(("n", "count", None))))
    with pytest.raises(ReportError) as caught:
        compile_report(plan_report(report, crm.forms), access, crm.env())
    assert caught.value.errors == [{"path": "dimensions.0.field", "message": "Unknown field 'cost'.",
                                    "message_zh": "未知字段“cost”。", "code": "unknown_field"}]


async def test_drafts_and_trashed_records_are_left_out_and_the_limit_says_so(crm):
    frame, truncated, _ = await crm.run({**table([{"field": "title"}], measures(("n", "count", None))), "limit": 5})
    assert truncated and len(frame.data) == 5
    everything, truncated, _ = await crm.run(table([], measures(("n", "count", None))))
    assert not truncated and everything.data["n"].tolist() == [59]  # deal 60 is a draft


async def test_departments_roll_up_the_tree_and_addresses_group_by_province(crm):
    frame, _, _ = await crm.run(table([{"field": "owner_dept_id", "dept_level": 2}], measures(("n", "count", None))))
    deals = frames()["deals"]
    rolled = deals["owner_dept_id"].map(lambda d: 102 if d == 103 else d)
    assert dict(zip(frame.data["owner_dept_id"], frame.data["n"])) == rolled.value_counts().to_dict()
    provinces, _, _ = await crm.run({"dataset": {"form": "customers"}, "dimensions": [{"field": "address", "part": "province"}],
                                     "measures": [{"key": "n", "agg": "count"}], "chart": {"type": "china_map"}})
    expected = frames()["customers"]["address"].map(lambda a: a["province"]).value_counts().to_dict()
    assert dict(zip(provinces.data["address"], provinces.data["n"])) == expected


async def test_conditions_on_transformed_fields_select_the_clicked_group(crm):
    where = [{"field": "signed_on", "bucket": "month", "value": "2024-03-01"}, {"field": "tags", "op": "in", "value": ["vip"]}]
    frame, _, _ = await crm.run(table([], measures(("n", "count", None)), where=where))
    deals = frames()["deals"]
    march = deals["signed_on"].map(lambda d: (d.year, d.month) == (2024, 3)) & deals["tags"].map(lambda t: "vip" in t)
    assert frame.data["n"].tolist() == [int(march.sum())]


def test_bucket_starts_follow_iso_weeks_and_quarters():
    assert bucket_start(date(2024, 3, 17), "week") == date(2024, 3, 11)  # a Sunday → its Monday
    assert bucket_start(date(2024, 8, 31), "quarter") == date(2024, 7, 1)
    assert relative_range("last_quarter", date(2024, 2, 10)) == (date(2023, 10, 1), date(2024, 1, 1))
    assert relative_range("last_30_days", date(2024, 3, 1)) == (date(2024, 2, 1), date(2024, 3, 2))
    assert relative_range("last_week", date(2024, 3, 13)) == (date(2024, 3, 4), date(2024, 3, 11))
    assert relative_range("last_12_months", date(2024, 3, 13))[0] == date(2023, 4, 1)
    assert timedelta(days=1) + relative_range("yesterday", date(2024, 1, 1))[0] == date(2024, 1, 1)
