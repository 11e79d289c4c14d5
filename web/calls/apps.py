from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Project calls"

    def ready(self) -> None:
        # The quote (standards, a layer below) reads a project's accepted standard through this lookup.
        from calls.selectors import accepted_standard
        from standards import projects

        projects.install(accepted_standard)
