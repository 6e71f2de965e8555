import factory
from allauth.account.models import EmailAddress

from communities.models import Invitation, Membership, Structure, Territory, User
from programmes.models import Programme

PASSWORD = "correct-horse-battery"


def department(code: str) -> Territory:
    return Territory.objects.get(kind=Territory.Kind.DEPARTMENT, code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """People can sign in: their address is confirmed unless verified=False is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Association n°{n}")
    kind = Structure.Kind.ASSOCIATION
    city = "Nevers"
    department = factory.LazyFunction(lambda: department("58"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Membership.Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    structure = factory.SubFactory(StructureFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programme {n}")
    lead_structure = factory.SubFactory(StructureFactory)

    @factory.post_generation
    def staff(programme, create, extracted, **kwargs):
        if create and extracted:
            programme.staff.set(extracted)

    @factory.post_generation
    def funders(programme, create, extracted, **kwargs):
        if create and extracted:
            programme.funders.set(extracted)
