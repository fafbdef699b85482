"""Each post-processing step against the same computation done independently here with pandas
over the raw rows (never through the engine's own helpers)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.unit.report.world import frames


def month(d: date) -> date:
    return d.replace(day=1)


def deals() -> pd.DataFrame:
    data = frames()["deals"].copy()
    data["amount"] = data["amount"].map(float)
    data["month"] = data["signed_on"].map(month)
    return data


def monthly(steps: list[dict], dims: list[dict] | None = None) -> dict:
    return {"dataset": {"form": "deals"}, "dimensions": dims or [{"field": "signed_on", "bucket": "month"}],
            "measures": [{"key": "n", "agg": "count"}, {"key": "total", "agg": "sum", "field": "amount"}],
            "post": steps, "chart": {"type": "table"}}


async def test_running_total_adds_up_in_row_order(crm):
    frame, _, _ = await crm.run(monthly([{"type": "running_total", "measure": "total"}]))
    expected = deals().groupby("month")["amount"].sum().sort_index().cumsum()
    assert frame.data["total_running"].tolist() == pytest.approx(expected.tolist())


async def test_running_total_restarts_for_each_partition(crm):
    frame, _, _ = await crm.run(monthly([{"type": "running_total", "measure": "n", "by": ["stage"]}],
                                        [{"field": "stage"}, {"field": "signed_on", "bucket": "quarter"}]))
    data = deals()
    data["quarter"] = data["signed_on"].map(lambda d: date(d.year, (d.month - 1) // 3 * 3 + 1, 1))
    counts = data.groupby(["stage", "quarter"]).size().sort_index().groupby(level=0).cumsum()
    got = {(s, q): r for s, q, r in zip(frame.data["stage"], frame.data["signed_on"], frame.data["n_running"])}
    assert got == counts.to_dict()


async def test_percent_of_total_overall_and_within_groups(crm):
    frame, _, _ = await crm.run(monthly([{"type": "percent_of_total", "measure": "total"}], [{"field": "stage"}]))
    sums = deals().groupby("stage")["amount"].sum()
    assert dict(zip(frame.data["stage"], frame.data["total_pct"])) == pytest.approx((sums / sums.sum()).to_dict())
    within, _, _ = await crm.run(monthly([{"type": "percent_of_total", "measure": "n", "by": ["owner_id"]}],
                                         [{"field": "owner_id"}, {"field": "stage"}]))
    counts = deals().groupby(["owner_id", "stage"]).size()
    share = counts / counts.groupby(level=0).transform("sum")
    got = {(o, s): p for o, s, p in zip(within.data["owner_id"], within.data["stage"], within.data["n_pct"])}
    assert got == pytest.approx(share.to_dict())


async def test_rank_gives_ties_the_same_place(crm):
    frame, _, _ = await crm.run(monthly([{"type": "rank", "measure": "n"}], [{"field": "stage"}]))
    counts = deals().groupby("stage").size()
    expected = counts.rank(method="min", ascending=False).astype(int).to_dict()
    assert dict(zip(frame.data["stage"], frame.data["n_rank"])) == expected


async def test_top_n_keeps_the_largest_and_sums_the_rest_into_others(crm):
    frame, _, _ = await crm.run(monthly([{"type": "top_n", "dimension": "stage", "measure": "total", "n": 2}],
                                        [{"field": "stage"}]))
    sums = deals().groupby("stage")["amount"].sum().sort_values(ascending=False)
    top, rest = sums.iloc[:2], sums.iloc[2:]
    got = dict(zip(frame.data["stage"], frame.data["total"]))
    assert got == pytest.approx({**top.to_dict(), "__others__": rest.sum()})
    assert frame.display("stage", "__others__") == "Others"
    counts = deals().groupby("stage").size()
    assert dict(zip(frame.data["stage"], frame.data["n"]))["__others__"] == counts[rest.index].sum()


@pytest.mark.parametrize("compare", ["previous", "year"])
async def test_period_over_period_compares_with_the_previous_month_or_the_same_month_last_year(crm, compare):
    frame, _, _ = await crm.run(monthly([{"type": "period_over_period", "measure": "total", "dimension": "signed_on",
                                          "compare": compare}]))
    sums = deals().groupby("month")["amount"].sum()
    for row in frame.data.to_dict("records"):
        current = row["signed_on"]
        earlier = date(current.year - 1, current.month, 1) if compare == "year" else \
            date(current.year - (current.month == 1), (current.month - 2) % 12 + 1, 1)
        prev = sums.get(earlier)
        if prev is None:
            assert pd.isna(row["total_prev"]) and pd.isna(row["total_change"])
            continue
        assert row["total_prev"] == pytest.approx(prev)
        assert row["total_change"] == pytest.approx(sums[current] - prev)
        assert row["total_change_pct"] == pytest.approx((sums[current] - prev) / prev)


async def test_pivot_spreads_a_dimension_into_columns(crm):
    frame, _, _ = await crm.run(monthly([{"type": "pivot", "columns": "stage", "values": ["n"]}],
                                        [{"field": "owner_id"}, {"field": "stage"}]))
    expected = deals().pivot_table(index="owner_id", columns="stage", values="id", aggfunc="count")
    for row in frame.data.to_dict("records"):
        for stage in expected.columns:
            want = expected.loc[row["owner_id"], stage]
            assert (row[stage] if not pd.isna(want) else None) == (want if not pd.isna(want) else None)
    assert [c.label for c in frame.measures] == sorted(expected.columns, key=list(frame.data.columns).index)


async def test_targets_measure_attainment_and_name_its_threshold(crm):
    thresholds = [{"at": 0, "status": "behind"}, {"at": "0.8", "status": "close"}, {"at": 1, "status": "met"}]
    frame, _, _ = await crm.run(monthly([{"type": "target", "measure": "total", "values": {"won": 3000, "lead": 2500},
                                          "thresholds": thresholds}], [{"field": "stage"}]))
    sums = deals().groupby("stage")["amount"].sum()
    for row in frame.data.to_dict("records"):
        goal = {"won": 3000, "lead": 2500}.get(row["stage"])
        if goal is None:
            assert pd.isna(row["total_attainment"]) and row["total_status"] is None
            continue
        ratio = sums[row["stage"]] / goal
        assert row["total_attainment"] == pytest.approx(ratio)
        assert row["total_status"] == ("met" if ratio >= 1 else "close" if ratio >= 0.8 else "behind")


async def test_steps_chain_in_order(crm):
    frame, _, _ = await crm.run(monthly([{"type": "top_n", "dimension": "stage", "measure": "n", "n": 3, "others": False},
                                         {"type": "rank", "measure": "n"}, {"type": "percent_of_total", "measure": "n"}],
                                        [{"field": "stage"}]))
    counts = deals().groupby("stage").size().sort_values(ascending=False)
    # The three largest counts (which of two tied stages makes the cut is the engine's to choose).
    assert sorted(frame.data["n"], reverse=True) == counts.iloc[:3].tolist()
    assert all(counts[stage] == n for stage, n in zip(frame.data["stage"], frame.data["n"]))
    assert sum(frame.data["n_pct"]) == pytest.approx(1)
