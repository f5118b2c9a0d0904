"""The real 1 April 2026 changes, as the public asks for them: the API and pages either side of the day."""

import pytest

pytestmark = pytest.mark.usefixtures("loaded_demo", "db")

BEFORE, AFTER = "2026-03-31", "2026-04-01"


def codes(client, day):
    rows = client.get("/api/v1/icss/", {"as_at": day, "page_size": 100}).json()["results"]
    return {row["icb_ods_code"]: row for row in rows}


def test_the_icss_of_each_day(anon_client):
    assert len(codes(anon_client, "2021-04-01")) == len(codes(anon_client, "2025-06-01")) == 42
    before, after = codes(anon_client, BEFORE), codes(anon_client, AFTER)
    assert len(before) == 42 and len(after) == 36
    assert len(anon_client.get("/api/v1/icss/", {"page_size": 100}).json()["results"]) == 36  # today


def test_a_merged_icb_ends_and_its_successor_begins(anon_client):
    before, after = codes(anon_client, BEFORE), codes(anon_client, AFTER)
    assert "QMM" in before and "QMM" not in after
    assert "T6Y0W" in after and "T6Y0W" not in before
    norfolk_and_waveney = before["QMM"]
    assert norfolk_and_waveney["end_date"] == BEFORE
    assert [(s["ics"], s["kind"], s["date"]) for s in norfolk_and_waveney["successors"]] == [
        (after["T6Y0W"]["slug"], "merger", AFTER)
    ]


def test_frimley_is_divided_three_ways(anon_client):
    frimley = codes(anon_client, BEFORE)["QNQ"]
    assert "QNQ" not in codes(anon_client, AFTER)
    successors = {s["ics"]: s["kind"] for s in frimley["successors"]}
    after = {row["slug"]: code for code, row in codes(anon_client, AFTER).items()}
    assert {after[slug]: kind for slug, kind in successors.items()} == {
        "S0E4D": "boundary_change",
        "S9B9J": "boundary_change",
        "QRL": "acquisition",
    }
    # Its partners on a day in its life are still there to ask for.
    assert anon_client.get(f"/api/v1/icss/{frimley['slug']}/partners/", {"as_at": BEFORE}).json()["count"] > 0


def test_hampshire_and_isle_of_wight_is_enlarged_not_replaced(anon_client):
    before, after = codes(anon_client, BEFORE)["QRL"], codes(anon_client, AFTER)["QRL"]
    assert before["slug"] == after["slug"] and after["end_date"] is None
    assert [p["date"] for p in after["predecessors"]] == [AFTER]
    stages = {s["ons_code_then"] for s in after["stages"]}
    assert {"E54000042", "E54000067"} <= stages | {after["ons_code"]}


def test_a_place_that_moved_is_one_place_with_both_icss(anon_client):
    place = anon_client.get("/api/v1/places/", {"ods_code": "06T"}).json()["results"]
    assert len(place) == 1
    assert [(m["end_date"], m["start_date"]) for m in place[0]["memberships"]][-2:] == [
        (BEFORE, place[0]["memberships"][-2]["start_date"]),
        (None, AFTER),
    ]
    page = anon_client.get(place[0]["page_url"], {"as_at": BEFORE})
    assert page.context["membership"].ics.icb_ods_code == "QJG"
    assert anon_client.get(place[0]["page_url"], {"as_at": AFTER}).context["membership"].ics.icb_ods_code == "D7T5G"


def test_clusters_are_listed_with_their_members(anon_client):
    clusters = anon_client.get("/api/v1/clusters/", {"include": "all", "page_size": 100}).json()["results"]
    assert len(clusters) == 14 and all(len(cluster["members"]) >= 2 for cluster in clusters)
    after = anon_client.get("/api/v1/clusters/", {"as_at": AFTER, "page_size": 100}).json()["results"]
    assert len(after) == 8  # six ended with the ICBs merged on 1 April 2026
