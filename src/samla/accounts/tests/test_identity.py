"""Linking a signed-in user to their authority record: by ORCID or local user id, never by name, never
two users on one person; refusals kept for curators."""

from __future__ import annotations

import pytest

from samla.accounts.errors import IdentityConflictError
from samla.accounts.models import IdentityConflict
from samla.accounts.services import link_person, list_identity_conflicts, person_for
from samla.core.access import Actor
from samla.core.errors import InvalidInput, PermissionDenied
from samla.people.services import create_person

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"


def test_link_person_by_orcid_links_the_record_that_holds_it(make_user):
    person = create_person(SYSTEM, family_name="Carberry", given_name="Josiah", orcid=ORCID)

    linked = link_person(make_user("josiah"), orcid=f"https://orcid.org/{ORCID}")

    assert linked == person


def test_link_person_by_local_id_gives_the_person_the_orcid_it_lacked(make_user):
    person = create_person(SYSTEM, family_name="Carberry", local_id="his:jocar")

    linked = link_person(make_user("josiah"), orcid=ORCID, local_id="his:jocar")

    person.refresh_from_db()
    assert (linked, person.orcid) == (person, ORCID)


def test_link_person_never_by_name(make_user):
    create_person(SYSTEM, family_name="Carberry", given_name="Josiah")

    user = make_user("josiah", first_name="Josiah", last_name="Carberry")

    assert link_person(user, orcid=ORCID) is None
    assert person_for(user) is None


def test_link_person_twice_for_the_same_user_is_the_same_person(make_user):
    create_person(SYSTEM, family_name="Carberry", orcid=ORCID)
    user = make_user("josiah")

    assert link_person(user, orcid=ORCID) == link_person(user, orcid=ORCID)


def test_link_person_claimed_by_another_user_is_refused_and_curators_told(make_user, curator):
    person = create_person(SYSTEM, family_name="Carberry", orcid=ORCID)
    first, second = make_user("josiah"), make_user("impostor")
    link_person(first, orcid=ORCID)

    with pytest.raises(IdentityConflictError, match=ORCID) as refused:
        link_person(second, orcid=ORCID)

    assert refused.value.status == 409
    conflict = list_identity_conflicts(curator).items[0]
    assert (conflict.username, conflict.other_user, conflict.person, conflict.value) == (
        "impostor",
        first,
        person,
        ORCID,
    )


def test_link_person_refused_again_is_noted_once(make_user):
    create_person(SYSTEM, family_name="Carberry", orcid=ORCID)
    link_person(make_user("josiah"), orcid=ORCID)
    impostor = make_user("impostor")
    for _ in range(3):
        with pytest.raises(IdentityConflictError):
            link_person(impostor, orcid=ORCID)

    assert IdentityConflict.objects.filter(username="impostor").count() == 1


def test_link_person_whose_ids_name_two_people_is_refused(make_user):
    create_person(SYSTEM, family_name="Carberry", orcid=ORCID)
    create_person(SYSTEM, family_name="Someone", local_id="his:else")

    with pytest.raises(IdentityConflictError, match="two people"):
        link_person(make_user("josiah"), orcid=ORCID, local_id="his:else")


def test_link_person_with_another_orcid_than_the_account_holds_is_refused(make_user):
    user = make_user("josiah")
    link_person(user, orcid=ORCID)

    with pytest.raises(IdentityConflictError, match=OTHER_ORCID):
        link_person(user, orcid=OTHER_ORCID)


def test_link_person_with_a_bad_orcid_is_invalid_input(make_user):
    with pytest.raises(InvalidInput, match="check digit"):
        link_person(make_user("josiah"), orcid="0000-0002-1825-0098")


def test_person_for_with_create_makes_the_record_from_the_account(make_user):
    user = make_user("josiah", first_name="Josiah", last_name="Carberry")
    link_person(user, orcid=ORCID, local_id="his:jocar")

    person = person_for(user, create=True)

    assert (person.display_name, person.orcid, person.local_id) == ("Carberry, Josiah", ORCID, "his:jocar")
    assert person_for(user) == person


def test_person_for_with_create_links_a_record_imported_since_sign_in(make_user):
    user = make_user("josiah")
    assert link_person(user, orcid=ORCID) is None
    imported = create_person(SYSTEM, family_name="Carberry", orcid=ORCID)

    assert person_for(user, create=True) == imported


def test_list_identity_conflicts_needs_a_curator(reader):
    with pytest.raises(PermissionDenied):
        list_identity_conflicts(reader)
