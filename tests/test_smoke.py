from tests.helpers import Api


def test_round_trip(api: Api) -> None:
    entry_id = api.approved_comment()
    assert [c["id"] for c in api.thread()["items"]] == [entry_id]
    assert api.counts()["comments"] == 1
