from django.core.management.base import BaseCommand

from recognition.services import holds_release_expired


class Command(BaseCommand):
    help = "Release naming holds past their expiry (run every few minutes, like the other jobs)."

    def handle(self, *args, **options):
        released = holds_release_expired()
        self.stdout.write(f"Released {released} expired naming hold(s).")
