"""Moderator accounts and their tokens (admins only; a moderator gets 403)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ...domain.errors import NotFound
from ...schemas.accounts import AccountIn
from ...schemas.accounts import AccountOut
from ...schemas.accounts import AccountPatchIn
from ...schemas.accounts import AccountsOut
from ...schemas.accounts import CreatedAccountOut
from ...schemas.accounts import IssuedTokenOut
from ...schemas.accounts import TokenIn
from ...schemas.accounts import TokenOut
from ...schemas.fields import MAX_ID
from ...usecases import accounts
from .auth import admin_blueprint
from .auth import principal

blp = admin_blueprint("accounts", "Moderator accounts and their API tokens (admins only).", admins_only=True)


def _issued(issued: accounts.Issued) -> dict[str, Any]:
    return {**asdict(issued.view), "token": issued.token}


def _id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise NotFound("No moderator account has this id.")
    return value


@blp.route("/accounts", methods=["GET"])
@blp.response(200, AccountsOut)
def list_accounts() -> Any:
    """Every account with its role, sites and tokens (never a token's value)."""
    return {"items": accounts.list_accounts()}


@blp.route("/accounts", methods=["POST"])
@blp.arguments(AccountIn)
@blp.response(201, CreatedAccountOut)
@blp.alt_response(409, description="An account has this name already.")
def create_account(data: dict[str, Any]) -> Any:
    """Create an account and its first token; the token is in this answer only."""
    issued = accounts.create_account(data["name"], data["role"], data["sites"], data["label"])
    return {"account": issued.account, "token": _issued(issued)}


@blp.route("/accounts/<int:account_id>", methods=["GET"])
@blp.response(200, AccountOut)
def get_account(account_id: int) -> Any:
    """One account."""
    return accounts.get_account(_id(account_id))


@blp.route("/accounts/<int:account_id>", methods=["PATCH"])
@blp.arguments(AccountPatchIn)
@blp.response(200, AccountOut)
@blp.alt_response(409, description="Admins cannot demote or disable their own account.")
def update_account(data: dict[str, Any], account_id: int) -> Any:
    """Change an account's role, sites, or whether it may sign in."""
    return accounts.update_account(
        _id(account_id), principal(), data.get("role"), data.get("sites"), data.get("disabled")
    )


@blp.route("/accounts/<int:account_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(409, description="Admins cannot delete their own account.")
def delete_account(account_id: int) -> Any:
    """Delete an account and its tokens; the audit log keeps its name."""
    accounts.delete_account(_id(account_id), principal())
    return None


@blp.route("/accounts/<int:account_id>/tokens", methods=["POST"])
@blp.arguments(TokenIn, required=False)
@blp.response(201, IssuedTokenOut)
def issue_token(data: dict[str, Any] | None, account_id: int) -> Any:
    """A new token for an account; the token is in this answer only."""
    return _issued(accounts.issue_token(_id(account_id), (data or {}).get("label")))


@blp.route("/accounts/<int:account_id>/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(200, TokenOut)
def revoke_token(account_id: int, token_id: int) -> Any:
    """Revoke a token at once: it is refused from the next request on."""
    if not 0 < token_id <= MAX_ID:
        raise NotFound("This account has no token with this id.")
    return accounts.revoke_token(_id(account_id), token_id)
