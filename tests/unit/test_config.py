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
