from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staffauth import services


class Command(BaseCommand):
    help = (
        "Email (and print) a single-use link to set up two-step sign-in: for the named staff members, "
        "or for every active staff member who has no device yet. --reset forgets their devices first."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*")
        parser.add_argument("--reset", action="store_true", help="forget the devices they have (a lost phone)")

    def handle(self, *args, usernames, reset, **options):
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        if usernames:
            users = list(users.filter(username__in=usernames))
            missing = sorted(set(usernames) - {user.username for user in users})
            if missing:
                raise CommandError(f"No active staff account named: {', '.join(missing)}")
        else:
            if reset:
                raise CommandError("Name the accounts to reset.")
            users = list(services.staff_without_device())
        if not users:
            self.stdout.write("Every active staff member has set up two-step sign-in.")
        for user in users:
            if reset:
                services.two_factor_reset(user=user)
            url = services.invitation_send(user=user)
            self.stdout.write(f"{user.get_username()}: {url}")
