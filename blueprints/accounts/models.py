"""People and the organisation they belong to."""

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from base.database import UTCDateTime, db, utcnow
from base.i18n import current_locale


class Role(enum.StrEnum):
    """Roles, each including the rights of the ones before it."""

    EMPLOYEE = "employee"
    COMMS = "comms"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_RANKS[self]  # every page asks, once per menu entry


ROLE_RANKS = {role: rank for rank, role in enumerate(Role)}


class NamedInTwoLanguages:
    """A name in the site's default language (``name``, unique: new people are filed by it)
    and optionally in English (``name_en``); ``label`` is the one for the reader: in the
    language of the page being written (or of ``force_locale``), settled once per request."""

    @property
    def label(self) -> str:
        if self.name_en and (locale := current_locale()) is not None and locale.language == "en":
            return self.name_en
        return self.name


@dataclass(frozen=True)
class NamedRow(NamedInTwoLanguages):
    """A department or a site as plain values (lists of choices, pages kept in the cache)."""

    id: int
    name: str
    name_en: str | None


class Department(NamedInTwoLanguages, db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str | None] = mapped_column(sa.String(120))


class Site(NamedInTwoLanguages, db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str | None] = mapped_column(sa.String(120))


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.Index("ix_users_display_name", "display_name", "id"),)  # the people list's order

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16, values_callable=lambda roles: [r.value for r in roles]),
        default=Role.EMPLOYEE,
    )
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    directory_opt_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Shown as "an ambassador" to others on public boards (wall of fame, badge holders,
    # leaderboards); the person still sees their own entries.
    anonymous_on_boards: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Languages the person reads content in; empty: their interface language.
    content_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Secret of the person's private calendar feed (/calendar/<token>.ics); renewable.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Part of the id that sessions and "remember me" cookies carry: raising it ends them all.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(lazy="joined")
    site: Mapped[Site | None] = relationship(lazy="joined")
    manager: Mapped["User | None"] = relationship(remote_side=[id])

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: "id:session version"."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Sign the person out everywhere: every session and remember cookie issued so far stops working."""
        self.session_version = (self.session_version or 1) + 1

    def has_role(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    @property
    def is_comms(self) -> bool:
        return self.has_role(Role.COMMS)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.strip() else self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


# Loading options for a person shown by name only: not where they work (a department and a site
# joined to every name of a list).
NAME_ONLY = (lazyload(User.department), lazyload(User.site))
# For a person shown by name and department (mentoring): not their site.
WITH_DEPARTMENT = (lazyload(User.site),)
