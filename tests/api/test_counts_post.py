"""Batch counts through a POST body (issue 12, attack 2): the request line is bounded at
8 KiB, so a batch of long ids goes in a JSON body, with the GET's answer and limits."""

from __future__ import annotations

from tests.helpers import V1
from tests.helpers import Api


def test_the_post_answers_what_the_get_answers(api: Api) -> None:
    api.approved_comment("a1")
    api.approved_review("a2")
    got = api.get("/counts?article_id=a1&article_id=a2&article_id=a3")
    posted = api.client.post(f"{V1}/counts", json={"article_ids": ["a1", "a2", "a3"]})
    assert posted.status_code == 200 and posted.get_json() == got
    assert list(got["counts"]) == ["a1", "a2", "a3"] and got["counts"]["a1"]["comments"] == 1


def test_a_batch_too_long_for_a_request_line_fits_the_post(api: Api) -> None:
    ids = [f"{n:03d}" + "x" * 125 for n in range(100)]
    api.approved_comment(ids[-1])
    assert len("&".join(f"article_id={i}" for i in ids)) > 8190
    response = api.client.post(f"{V1}/counts", json={"article_ids": ids})
    assert response.status_code == 200
    counts = response.get_json()["counts"]
    assert list(counts) == ids and counts[ids[-1]]["comments"] == 1 and counts[ids[0]]["comments"] == 0


def test_the_post_has_the_gets_limits(api: Api) -> None:
    def post(body: object) -> int:
        return api.client.post(f"{V1}/counts", json=body).status_code

    assert post({"article_ids": []}) == 400
    assert post({"article_ids": [f"a{n}" for n in range(101)]}) == 400
    assert post({"article_ids": ["a1", "a1"]}) == 400
    assert post({"article_ids": ["../etc"]}) == 400
    assert post({}) == 422
    assert post({"article_ids": "a1"}) == 422
    response = api.client.post(f"{V1}/counts", data='{"article_ids": ["a1"]}', content_type="text/plain")
    assert response.status_code == 415
