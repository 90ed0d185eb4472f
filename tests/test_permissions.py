"""The one permission helper: 404 outside the organisation, 403 below the role or when locked."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.domain.constants import Role
from assessments.domain.permissions import get_assessment
from assessments.domain.states import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    org = factories.organisation()
    parent = factories.assessment(org)
    users = {role: factories.member(org, role) for role in Role}
    return parent, users


def test_anonymous_and_outsiders_get_404(setup):
    parent, _ = setup
    with pytest.raises(Http404):
        get_assessment(AnonymousUser(), parent.slug)
    outsider = factories.member(factories.organisation(), Role.OWNER)
    with pytest.raises(Http404):
        get_assessment(outsider, parent.slug)
    with pytest.raises(Http404):
        get_assessment(outsider, "does-not-exist")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("required", list(Role))
def test_role_is_required(setup, role, required):
    parent, users = setup
    if role.includes(required):
        access = get_assessment(users[role], parent.slug, required)
        assert access.assessment == parent and access.role == role
        assert access.can_edit == role.includes(Role.EDITOR)
    else:
        with pytest.raises(PermissionDenied):
            get_assessment(users[role], parent.slug, required)


def test_final_assessment_is_locked_until_an_owner_reopens(setup):
    parent, users = setup
    parent.status = Status.FINAL
    parent.save()
    with pytest.raises(PermissionDenied):
        get_assessment(users[Role.EDITOR], parent.slug, Role.EDITOR)
    with pytest.raises(PermissionDenied):
        get_assessment(users[Role.OWNER], parent.slug, Role.EDITOR)
    access = get_assessment(users[Role.OWNER], parent.slug, Role.OWNER, allow_locked=True)
    assert access.is_owner and not access.can_edit
    assert get_assessment(users[Role.VIEWER], parent.slug).assessment == parent


def test_membership_in_another_organisation_gives_no_access(setup):
    _parent, users = setup
    other = factories.assessment()
    with pytest.raises(Http404):
        get_assessment(users[Role.OWNER], other.slug)
