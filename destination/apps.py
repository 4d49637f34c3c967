from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

CARE_COORDINATORS_GROUP = "Care coordinators"
# The requests and their history; the page's content is another job, given to users separately.
COORDINATOR_MODELS = ("carerequest", "historicalcarerequest")


def care_coordinators_group_sync(sender, using="default", **kwargs):
    """
    Keep `Care coordinators` holding exactly the request permissions after every migrate (and
    after the flush of a transactional test, which empties the table the data migration filled).
    Runs after auth's own post_migrate handler has created the permissions of any new model.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.using(using).get_or_create(name=CARE_COORDINATORS_GROUP)
    group.permissions.set(
        Permission.objects.using(using).filter(
            content_type__app_label=sender.label, content_type__model__in=COORDINATOR_MODELS
        )
    )


class DestinationConfig(AppConfig):
    name = "destination"
    verbose_name = _("Destination Care")

    def ready(self):
        post_migrate.connect(care_coordinators_group_sync, sender=self, dispatch_uid="destination_coordinators_group")
