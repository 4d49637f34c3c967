from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "recognition"

    def ready(self):
        # donations never imports recognition: recognition tells donations what a gift can name.
        from donations import extensions

        from .gift_naming import NamingExtension

        extensions.register(NamingExtension())
