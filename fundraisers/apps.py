from django.apps import AppConfig


class FundraisersConfig(AppConfig):
    name = "fundraisers"
