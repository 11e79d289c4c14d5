from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from catalogs.services import dataset_import
from skillsubsidy.catalog.dataset import load_dataset, load_from


class Command(BaseCommand):
    help = "Import the shipped catalog dataset (idempotent: an unchanged dataset writes nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="directory", help="a dataset directory instead of the shipped one")

    def handle(self, *args: Any, directory: str | None = None, **options: Any) -> None:
        from pathlib import Path

        dataset = load_from(Path(directory)) if directory else load_dataset()
        result = dataset_import(dataset=dataset)
        if result.changed:
            self.stdout.write(
                f"imported {len(result.created)} catalog version(s): {', '.join(result.created) or '-'}; "
                f"{len(result.unchanged)} unchanged"
            )
        else:
            self.stdout.write(f"dataset unchanged ({len(result.unchanged)} catalogs); nothing written")
