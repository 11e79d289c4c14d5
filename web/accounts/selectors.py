"""Who may act where. Every back-office view and API write asks these, never the role directly."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from accounts.models import ApiToken, Role, StaffProfile
from skillsubsidy.regions import Region, UnknownRegion, all_regions, descendants, resolve_region


@dataclass(frozen=True, slots=True)
class Scope:
    """The regions a staff member acts for; `regions is None` means every region."""

    role: Role
    region: str
    regions: frozenset[str] | None

    @property
    def is_platform_admin(self) -> bool:
        return self.role is Role.PLATFORM_ADMIN

    def covers(self, region: str | None) -> bool:
        """Catalogs without a region (seed 003 states none) belong to the platform administrators."""
        if self.regions is None:
            return True
        return region is not None and region in self.regions


def _descendants_and_self(code: str) -> frozenset[str]:
    return frozenset(r.code for r in descendants(code)) | {code}


def _profile(user: User | AnonymousUser | None) -> StaffProfile | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        profile: StaffProfile = user.staff
    except StaffProfile.DoesNotExist:
        return None
    return profile


def account_role(user: User | AnonymousUser | None) -> Role | None:
    """The role of an active signed-in account, bureau or institution; None for everyone else."""
    profile = _profile(user)
    return Role(profile.role) if profile is not None else None


def staff_scope(user: User | AnonymousUser | None) -> Scope | None:
    """The regions a bureau account acts for. None for anonymous users, users without a profile and
    institution clerks and workers: none of them acts for a region, so no bureau page or write lets
    them in."""
    profile = _profile(user)
    if profile is None or profile.role in (Role.INSTITUTION, Role.WORKER):
        return None
    role = Role(profile.role)
    if role is Role.PLATFORM_ADMIN:
        return Scope(role, profile.region, None)
    if role is Role.CITY_BUREAU:
        # A city (or provincial) bureau oversees the regions below it; a district bureau acts only for
        # itself (staff_create gives it a district-level code).
        return Scope(role, profile.region, _descendants_and_self(profile.region))
    return Scope(role, profile.region, frozenset({profile.region}))


def staff_list() -> QuerySet[StaffProfile]:
    return StaffProfile.objects.select_related("user").order_by("role", "region", "user__username")


def token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_of(*, user: User, pk: int) -> ApiToken | None:
    """One of `user`'s own tokens; None for a token of someone else, so no id is confirmed."""
    return ApiToken.objects.filter(user=user, pk=pk).first()


def regions_in_scope(scope: Scope) -> list[Region]:
    """The regions `scope` acts for, in the tree's order."""
    return [r for r in all_regions().values() if scope.covers(r.code)]


def region_in_scope(*, code: str, scope: Scope) -> Region | None:
    """The region `code` names when `scope` acts for it; None when it is unknown or someone else's."""
    try:
        region = resolve_region(code)
    except UnknownRegion:
        return None
    return region if scope.covers(region.code) else None
