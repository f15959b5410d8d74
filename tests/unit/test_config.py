import pytest

from service.config import ConfigError
from service.config import from_environ
from service.config import parse_admin_tokens
from service.config import parse_database_url
from service.config import parse_rate_limit


def test_admin_tokens_map_tokens_to_names() -> None:
    assert parse_admin_tokens("alice:t1, bob:t2:with-colon") == {"t1": "alice", "t2:with-colon": "bob"}


@pytest.mark.parametrize("value", ["alice", "alice:", ":t1", "a:t,b:t"])
def test_bad_admin_tokens_fail_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="COMMENTS_ADMIN_TOKENS"):
        parse_admin_tokens(value)


def test_plain_postgres_urls_use_psycopg_3() -> None:
    assert parse_database_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert parse_database_url("postgres://u@h/db").startswith("postgresql+psycopg://")


@pytest.mark.parametrize("value", ["mysql://u@h/db", "not a url"])
def test_unknown_databases_fail(value: str) -> None:
    with pytest.raises(ConfigError, match="COMMENTS_DATABASE_URL"):
        parse_database_url(value)


def test_rate_limit_parsing() -> None:
    assert parse_rate_limit("off") is None
    assert parse_rate_limit("5/minute;50/day") == "5/minute;50/day"
    with pytest.raises(ConfigError, match="COMMENTS_RATE_LIMIT"):
        parse_rate_limit("lots")


def test_environment_overrides_only_what_is_set() -> None:
    config = from_environ({"COMMENTS_ALLOWED_ORIGINS": "https://a.example/, https://b.example", "OTHER": "x"})
    assert config == {"ALLOWED_ORIGINS": ["https://a.example", "https://b.example"]}


def test_toxicity_thresholds_and_refusal_status() -> None:
    policy = from_environ(
        {"COMMENTS_TOXICITY_HOLD": "0.7", "COMMENTS_TOXICITY_REFUSE": "0.95", "COMMENTS_TOXICITY_REFUSE_AS": "Rejected"}
    )["MODERATION_POLICY"]
    assert (policy.toxicity_hold, policy.toxicity_refuse, policy.toxicity_refuse_status) == (0.7, 0.95, "rejected")
    off = from_environ({"COMMENTS_TOXICITY_HOLD": "off"})["MODERATION_POLICY"]
    assert (off.toxicity_hold, off.toxicity_refuse) == (None, None)
    assert from_environ({"COMMENTS_TOXICITY_REFUSE": "0.9"})["MODERATION_POLICY"].toxicity_hold == 0.8
    assert from_environ({"COMMENTS_TOXICITY": "Off"})["TOXICITY_SCORING"] is False


@pytest.mark.parametrize(
    ("environ", "name"),
    [
        ({"COMMENTS_TOXICITY_HOLD": "high"}, "COMMENTS_TOXICITY_HOLD"),
        ({"COMMENTS_TOXICITY_HOLD": "0"}, "COMMENTS_TOXICITY_HOLD"),
        ({"COMMENTS_TOXICITY_HOLD": "80"}, "COMMENTS_TOXICITY_HOLD"),
        ({"COMMENTS_TOXICITY_HOLD": "nan"}, "COMMENTS_TOXICITY_HOLD"),
        ({"COMMENTS_TOXICITY_REFUSE": "0.5"}, "COMMENTS_TOXICITY_REFUSE must be above COMMENTS_TOXICITY_HOLD"),
        ({"COMMENTS_TOXICITY_REFUSE_AS": "delete"}, "COMMENTS_TOXICITY_REFUSE_AS"),
        ({"COMMENTS_TOXICITY": "maybe"}, "COMMENTS_TOXICITY must be 'on' or 'off'"),
    ],
)
def test_bad_toxicity_settings_fail_naming_the_variable(environ: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        from_environ(environ)
