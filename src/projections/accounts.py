"""Every account that can reach a setting's pupils, and each change made to it.

A SENCO must be able to account for everyone who can read their pupils: the
setting's own users, and the admins who manage it (who can make an account
that reads them). Changes are kept by account, and joined to a setting when
asked for, so an admin given a setting later brings their history with them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from apdr.aggregates import User
from apdr.aggregates.codes import Role
from apdr.config import SCHOOL_TIME
from apdr.projections.columns import keyed_table, ordered_key, uuid_key
from apdr.projections.projection import Batch, Projection, handles, metadata, reads

accounts = keyed_table(
    "accounts",
    "user_id",
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("setting_id", sa.Uuid, index=True),
    sa.Column("staff_id", sa.Uuid),
    sa.Column("all_settings", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled_on", sa.Date),
)
admin_scopes = sa.Table(
    "account_admin_scopes",
    metadata,
    *uuid_key("setting_id", "user_id"),
)
changes = sa.Table(
    "account_changes",
    metadata,
    *ordered_key("user_id"),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("by", sa.String(254), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
)


class Accounts(Projection):
    name = "accounts"
    tables = (accounts, admin_scopes, changes)

    @handles(User.Added)
    def added(self, e: Any, batch: Batch) -> None:
        batch.insert(
            accounts,
            {
                "user_id": e.originator_id,
                "email": e.email,
                "role": e.role.value,
                "setting_id": e.setting_id,
                "staff_id": e.staff_id,
                "all_settings": e.all_settings,
                "created_by": e.recorded_by,
                "created_at": e.timestamp,
                "disabled_on": None,
            },
        )
        self._scope(e, batch)
        self._change(e, batch, f"account {e.email} added as {e.role.value}{_scope_words(e)}")

    @handles(User.ScopeChanged)
    def scope_changed(self, e: Any, batch: Batch) -> None:
        batch.delete(admin_scopes, {"user_id": e.originator_id})
        batch.update(accounts, {"user_id": e.originator_id}, {"all_settings": e.all_settings})
        self._scope(e, batch)
        self._change(e, batch, f"settings managed changed to{_scope_words(e) or ' none'}")

    @handles(User.PasswordChanged)
    def password_changed(self, e: Any, batch: Batch) -> None:
        self._change(e, batch, "password changed")

    @handles(User.Disabled)
    def disabled(self, e: Any, batch: Batch) -> None:
        on = e.timestamp.astimezone(SCHOOL_TIME).date()
        batch.update(accounts, {"user_id": e.originator_id}, {"disabled_on": on})
        self._change(e, batch, f"disabled{': ' + e.reason if e.reason else ''}")

    @handles(User.Enabled)
    def enabled(self, e: Any, batch: Batch) -> None:
        batch.update(accounts, {"user_id": e.originator_id}, {"disabled_on": None})
        self._change(e, batch, "enabled again")

    @staticmethod
    def _scope(e: Any, batch: Batch) -> None:
        for setting_id in e.admin_of:
            batch.insert(admin_scopes, {"setting_id": setting_id, "user_id": e.originator_id})

    @staticmethod
    def _change(e: Any, batch: Batch, what: str) -> None:
        batch.insert(
            changes,
            {
                "user_id": e.originator_id,
                "position": batch.position,
                "at": e.timestamp,
                "by": e.recorded_by,
                "what": what,
            },
        )


def _scope_words(e: Any) -> str:
    if e.all_settings:
        return ", managing every setting"
    if e.admin_of:
        return f", managing {len(e.admin_of)} setting{'s' if len(e.admin_of) > 1 else ''}"
    return ""


def _reaching(setting_ids: Collection[UUID] | None) -> sa.ColumnElement[bool]:
    """Accounts of these settings, and the admins who manage any of them (None: every account)."""
    if setting_ids is None:
        return sa.true()
    ids = list(setting_ids)
    managing = sa.select(admin_scopes.c.user_id).where(admin_scopes.c.setting_id.in_(ids))
    return sa.or_(
        accounts.c.setting_id.in_(ids),
        accounts.c.all_settings.is_(True),
        accounts.c.user_id.in_(managing),
    )


@reads("accounts")
def accounts_reaching(conn: sa.Connection, setting_ids: Collection[UUID] | None) -> list[dict[str, Any]]:
    """Every account that can read these settings' pupils, or make one that can: by role, then email."""
    rows = conn.execute(
        sa.select(accounts).where(_reaching(setting_ids)).order_by(accounts.c.role, accounts.c.email)
    ).all()
    return [
        {
            "id": r.user_id,
            "email": r.email,
            "role": Role(r.role),
            "setting_id": r.setting_id,
            "staff_id": r.staff_id,
            "created_by": r.created_by,
            "created_at": _utc(r.created_at),
            "disabled_on": r.disabled_on,
        }
        for r in rows
    ]


@reads("accounts")
def account_changes(
    conn: sa.Connection, setting_id: UUID, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the changes to the accounts that reach the setting, newest first, and how many in all."""
    reaching = changes.join(accounts, accounts.c.user_id == changes.c.user_id)
    where = _reaching([setting_id])
    total = conn.execute(sa.select(sa.func.count()).select_from(reaching).where(where)).scalar_one()
    by = accounts.alias("by_account")
    rows = conn.execute(
        sa.select(changes, accounts.c.email, by.c.role.label("by_role"))
        .select_from(reaching.outerjoin(by, by.c.email == changes.c.by))
        .where(where)
        .order_by(changes.c.position.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        {
            "at": _utc(r.at),
            "by": r.by,
            "role": r.by_role,
            "kind": "account",
            "what": r.what if r.what.startswith("account ") else f"account {r.email}: {r.what}",
            "details": None,
        }
        for r in rows
    ], total


def _utc(at: Any) -> Any:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite keeps no zone
