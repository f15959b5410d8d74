"""Moderator accounts and their API tokens: sign-in by token, and what admins (through
the API) and operators (through ``flask moderators``) do with accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from ..domain import accounts as rules
from ..domain.accounts import AccountError
from ..domain.accounts import Principal
from ..domain.accounts import Role
from ..domain.errors import Conflict
from ..domain.errors import Invalid
from ..domain.errors import NotFound
from ..domain.sites import DEFAULT_SITE
from ..persistence import accounts as store
from ..persistence import mail as mail_store
from ..persistence.base import utcnow
from ..persistence.database import Duplicate
from ..persistence.database import Session
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from ..persistence.models import ModeratorAccount
from ..persistence.models import ModeratorToken


@dataclass(frozen=True)
class TokenView:
    """A token as anyone sees it after its creation: never its value or digest
    (``schemas.accounts.TokenOut``)."""

    id: int
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @classmethod
    def of(cls, token: ModeratorToken) -> TokenView:
        return cls(token.id, token.label, token.created_at, token.last_used_at, token.revoked_at)


@dataclass(frozen=True)
class AccountView:
    """An account with its sites and tokens (``schemas.accounts.AccountOut``)."""

    id: int
    name: str
    role: Role
    sites: list[str]
    disabled: bool
    created_at: datetime
    tokens: list[TokenView] = field(default_factory=list)

    @property
    def last_used_at(self) -> datetime | None:
        used = [t.last_used_at for t in self.tokens if t.last_used_at is not None]
        return max(used) if used else None


@dataclass(frozen=True)
class Issued:
    """A new token: its value, shown this once, and what is kept of it."""

    token: str
    view: TokenView
    account: AccountView


# -- signing in ---------------------------------------------------------------------------


def authenticate(token: str) -> Principal | None:
    """The account a bearer token belongs to, if it is live and its account enabled. Its
    last-used time is written at most once a minute (``rules.LAST_USED_EVERY``)."""
    if not rules.worth_a_lookup(token):
        return None
    digest = rules.token_digest(token)
    with read_transaction() as session:
        found = store.signed_in(session, digest)
        if found is None:
            return None
        role = Role(found.role)
        sites = store.sites_of(session, [found.account_id])[found.account_id] if role == Role.MODERATOR else []
    now = utcnow()
    if rules.last_used_is_stale(found.last_used_at, now):
        with write_transaction() as session:
            store.touch(session, found.token_id, now, now - rules.LAST_USED_EVERY)
    return Principal(found.name, role, frozenset(sites), found.account_id)


def principal_named(name: str) -> Principal | None:
    """The enabled account named ``name`` as who acts (a mail link's moderator), or None."""
    with read_transaction() as session:
        account = store.account_named(session, name)
        if account is None or account.disabled:
            return None
        role = Role(account.role)
        sites = store.sites_of(session, [account.id]).get(account.id, []) if role == Role.MODERATOR else []
        return Principal(account.name, role, frozenset(sites), account.id)


# -- what a moderator's site switcher shows -------------------------------------------------

# Pending entries are counted up to this many per site (then "999+"), so a count never
# reads a long queue.
PENDING_CAP = 999


@dataclass(frozen=True)
class SiteQueue:
    """A site a moderator may see, with how many entries wait there
    (``schemas.accounts.SiteQueueOut``)."""

    site_id: str
    name: str
    pending: int
    more: bool


def site_queues(sites: Iterable[tuple[str, str]]) -> list[SiteQueue]:
    """Each of ``sites`` (id, name) with its pending count, at most ``PENDING_CAP``."""
    chosen = list(sites)
    with read_transaction() as session:
        counts = store.pending_counts(session, [site for site, _ in chosen], PENDING_CAP)
    return [SiteQueue(site, name, min(counts[site], PENDING_CAP), counts[site] > PENDING_CAP) for site, name in chosen]


# -- reading ------------------------------------------------------------------------------


def _views(session: Session, accounts: Iterable[ModeratorAccount]) -> list[AccountView]:
    chosen = list(accounts)
    ids = [a.id for a in chosen]
    sites = store.sites_of(session, ids)
    tokens = store.tokens_of(session, ids)
    return [
        AccountView(
            a.id, a.name, Role(a.role), sites[a.id], a.disabled, a.created_at, [TokenView.of(t) for t in tokens[a.id]]
        )
        for a in chosen
    ]


def list_accounts() -> list[AccountView]:
    with read_transaction() as session:
        return _views(session, store.all_accounts(session))


def _found(session: Session, account_id: int, lock: bool = False) -> ModeratorAccount:
    found = store.account(session, account_id, lock=lock)
    if found is None:
        raise NotFound("No moderator account has this id.")
    return found


def _named(session: Session, name: str) -> ModeratorAccount:
    found = store.account_named(session, name)
    if found is None:
        raise NotFound(f"No moderator account is named {name!r}.")
    return found


def get_account(account_id: int) -> AccountView:
    with read_transaction() as session:
        return _views(session, [_found(session, account_id)])[0]


def get_account_named(name: str) -> AccountView:
    with read_transaction() as session:
        return _views(session, [_named(session, name)])[0]


# -- changing -----------------------------------------------------------------------------


def _checked(role: Role, sites: Iterable[str]) -> frozenset[str]:
    try:
        return rules.check_sites(role, sites)
    except AccountError as error:
        raise Invalid(str(error), {"sites": str(error)}) from None


def _existing(session: Session, sites: frozenset[str]) -> frozenset[str]:
    """``sites`` if each names a site (the default site always does), else ``Invalid``."""
    unknown = sorted(sites - {DEFAULT_SITE} - store.existing_sites(session, sites - {DEFAULT_SITE}))
    if unknown:
        message = f"No site has the id {unknown[0]!r}."
        raise Invalid(message, {"sites": message})
    return sites


def _checked_name(name: str) -> str:
    try:
        return rules.check_name(name)
    except AccountError as error:
        raise Invalid(str(error), {"name": str(error)}) from None


def _label(label: str | None) -> str | None:
    label = (label or "").strip() or None
    if label is not None and len(label) > rules.TOKEN_LABEL:
        raise Invalid(f"A token's label has at most {rules.TOKEN_LABEL} characters.", {"label": "Too long."})
    return label


def _new_token(session: Session, account_id: int, label: str | None) -> tuple[str, ModeratorToken]:
    value = rules.new_token()
    return value, store.add_token(session, account_id, rules.token_digest(value), label)


def create_account(name: str, role: Role, sites: Iterable[str], label: str | None = None) -> Issued:
    """A new account and its first token (returned once, kept only as a digest)."""
    name = _checked_name(name)
    chosen = _checked(role, sites)
    label = _label(label)
    try:
        with write_transaction() as session:
            if store.name_taken(session, name):
                raise Conflict(f"A moderator account is named {name!r} already.", {"name": "Taken."})
            created = store.add_account(session, name, role, _existing(session, chosen))
            value, token = _new_token(session, created.id, label)
            (view,) = _views(session, [created])
    except Duplicate:  # two requests for one name at once
        raise Conflict(f"A moderator account is named {name!r} already.", {"name": "Taken."}) from None
    return Issued(value, TokenView.of(token), view)


def _not_yourself(actor: Principal | None, account: ModeratorAccount, what: str) -> None:
    """An admin does not lock themself out: their own account is not demoted, disabled or
    deleted by themself (another admin, or ``flask moderators``, can)."""
    if actor is not None and actor.account_id == account.id:
        raise Conflict(f"You cannot {what} your own account; another admin can.")


def update_account(
    account_id: int,
    actor: Principal | None,
    role: Role | None = None,
    sites: Iterable[str] | None = None,
    disabled: bool | None = None,
) -> AccountView:
    """Change an account's role, sites or whether it may sign in. An admin becoming a
    moderator needs sites; a moderator becoming an admin loses its list (it sees all)."""
    with write_transaction() as session:
        account = _found(session, account_id, lock=True)
        new_role = role or Role(account.role)
        if new_role != account.role and new_role != Role.ADMIN:
            _not_yourself(actor, account, "demote")
        if disabled:
            _not_yourself(actor, account, "disable")
        if sites is None:
            current = [] if new_role == Role.ADMIN else store.sites_of(session, [account.id])[account.id]
            chosen = _checked(new_role, current)
        else:
            chosen = _checked(new_role, sites)
        account.role = new_role
        if disabled is not None:
            account.disabled = disabled
        account.updated_at = utcnow()
        store.set_sites(session, account.id, _existing(session, chosen) if sites is not None else chosen)
        session.flush()
        return _views(session, [account])[0]


def delete_account(account_id: int, actor: Principal | None) -> None:
    """Delete an account and its tokens. The audit log keeps its name on what it did."""
    with write_transaction() as session:
        account = _found(session, account_id, lock=True)
        _not_yourself(actor, account, "delete")
        mail_store.forget_preference(session, account.name)
        store.delete_account(session, account.id)


def issue_token(account_id: int, label: str | None = None) -> Issued:
    with write_transaction() as session:
        account = _found(session, account_id, lock=True)
        value, token = _new_token(session, account.id, _label(label))
        (view,) = _views(session, [account])
    return Issued(value, TokenView.of(token), view)


def issue_token_named(name: str, label: str | None = None) -> Issued:
    with read_transaction() as session:
        account_id = _named(session, name).id
    return issue_token(account_id, label)


def revoke_token(account_id: int, token_id: int) -> TokenView:
    """Revoke one token of an account (again: nothing changes)."""
    with write_transaction() as session:
        token = store.token(session, token_id)
        if token is None or token.account_id != account_id:
            raise NotFound("This account has no token with this id.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        return TokenView.of(token)


def revoke_token_value(value: str) -> AccountView:
    """Revoke the token given by its value; the account it belonged to."""
    with write_transaction() as session:
        token = store.token_by_hash(session, rules.token_digest(value.strip()))
        if token is None:
            raise NotFound("No moderator account has this token.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
        session.flush()
        return _views(session, [_found(session, token.account_id)])[0]


def revoke_all(name: str) -> int:
    """Revoke every live token of the named account; how many there were."""
    with write_transaction() as session:
        return store.revoke_tokens(session, _named(session, name).id, utcnow())
