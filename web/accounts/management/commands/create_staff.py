from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import staff_create


class Command(BaseCommand):
    help = (
        "Create a back-office user. The password comes from --password-env (the name of an environment "
        "variable) or a prompt, never from the command line where it would land in shell history."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=[r.value for r in Role], required=True)
        parser.add_argument(
            "--region",
            help="GB/T 2260 code or name (440106, 天河区, 济南市中区); a district bureau needs a district, "
            "a city bureau a city or province; required for bureau staff",
        )
        parser.add_argument("--password-env", help="environment variable holding the password")
        parser.add_argument("--if-missing", action="store_true", help="succeed quietly if the user exists")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        username: str = options["username"]
        if options["if_missing"] and get_user_model().objects.filter(username=username).exists():
            return
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(f"environment variable {options['password_env']} is empty or unset")
        else:
            password = getpass.getpass(f"password for {username}: ")
        try:
            staff_create(
                username=username,
                password=password,
                role=Role(options["role"]),
                region=options["region"],
                actor=None,
            )
        except ValidationError as exc:
            # Exit 2 like the skillsubsidy command on bad input.
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()), returncode=2
            ) from None
        self.stdout.write(f"created {options['role']} {username}")
