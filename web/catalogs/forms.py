"""Back-office forms for catalogs: drafts, row corrections, publication and uploaded attachments.

Each form parses the POST and calls one service; the services hold the rules (see common.forms).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalogs import services, uploads
from catalogs.models import CatalogVersion, Entry, Upload
from common.actor import Actor
from common.errors import required_reason
from common.forms import IsoDateField, ReasonField, ServiceForm, WholeNumberField


class ReasonForm(ServiceForm):
    """A change whose only input is why it is made."""

    reason = ReasonField()


class DraftStartForm(ReasonForm):
    def submit(self, *, actor: Actor, catalog_id: str) -> CatalogVersion | None:
        return self.run(
            lambda d: services.draft_from_published(catalog_id=catalog_id, actor=actor, reason=d["reason"])
        )


class RevisionField(WholeNumberField):
    """The row revision the page was drawn from, sent back in a hidden input: a save made on top of
    an older revision is refused instead of overwriting what someone else saved meanwhile."""

    def __init__(self) -> None:
        super().__init__(
            label=_("Row revision"),
            widget=forms.HiddenInput,
            error_messages={
                "required": _("Row revision: missing; reload the row and make the change again.")
            },
        )


class EntryEditForm(ServiceForm):
    """A correction of one draft row. Only the fields the page sent are changed, so a client that
    shows some of them cannot blank the others; the checkbox is always sent, as browsers omit it
    when unticked. The values are checked by `services.entry_update`, as for the API."""

    reason = ReasonField()
    revision = RevisionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in services.EDITABLE_FIELDS:
            self.fields[name] = (
                forms.BooleanField(required=False) if name == "matched" else forms.CharField(required=False)
            )

    def changes(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in services.EDITABLE_FIELDS if f in self.data or f == "matched"}

    def submit(self, *, actor: Actor, entry: Entry) -> Entry | None:
        return self.run(
            lambda d: services.entry_update(
                entry=entry, actor=actor, changes=self.changes(), reason=d["reason"], revision=d["revision"]
            )
        )


class EntryDeleteForm(ReasonForm):
    revision = RevisionField()

    def submit(self, *, actor: Actor, entry: Entry) -> bool:
        def delete(d: dict[str, Any]) -> bool:
            services.entry_delete(entry=entry, actor=actor, reason=d["reason"], revision=d["revision"])
            return True

        return bool(self.run(delete))


class PublishForm(ServiceForm):
    """Publication cannot be undone (a published version never changes), so the person confirms it."""

    inputs: ClassVar[tuple[str, ...]] = ("reason", "confirm")
    effective_from = IsoDateField(label=_("Effective from"))
    effective_to = IsoDateField(label=_("Effective to"), required=False)
    reason = ReasonField()
    confirm = forms.BooleanField(required=False)

    def submit(self, *, actor: Actor, version: CatalogVersion) -> CatalogVersion | None:
        def publish(d: dict[str, Any]) -> CatalogVersion:
            if not d["confirm"]:
                refused: dict[str, str] = {
                    "confirm": str(_("Confirm: tick the box to confirm that publishing cannot be undone."))
                }
                try:
                    required_reason(d["reason"])
                except ValidationError as exc:
                    refused.update({k: " ".join(v) for k, v in exc.message_dict.items()})
                raise ValidationError(refused)
            return services.draft_publish(
                version=version,
                actor=actor,
                effective_from=d["effective_from"],
                effective_to=d["effective_to"],
                reason=d["reason"],
            )

        return self.run(publish)


class DiscardForm(ReasonForm):
    def submit(self, *, actor: Actor, version: CatalogVersion) -> bool:
        def discard(d: dict[str, Any]) -> bool:
            services.draft_discard(version=version, actor=actor, reason=d["reason"])
            return True

        return bool(self.run(discard))


class AttachmentField(forms.FileField):
    """The uploaded file. An empty or over-large file is the upload service's to refuse (it names
    the limit), so only a missing one is refused here: the service receives bytes, not a choice."""

    default_error_messages: ClassVar[dict[str, Any]] = {"required": _("%(label)s: choose a file to upload.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_empty_file=True, **kwargs)

    def validate(self, value: Any) -> None:
        if not value and self.required:
            raise ValidationError(
                self.error_messages["required"], code="required", params={"label": self.label}
            )


class UploadForm(ServiceForm):
    inputs: ClassVar[tuple[str, ...]] = ()

    file = AttachmentField(label=_("File"))
    region = forms.CharField(required=False)
    catalog_id = forms.CharField(required=False)
    title = forms.CharField(required=False, strip=False)

    def submit(self, *, actor: Actor) -> Upload | None:
        def create(d: dict[str, Any]) -> Upload:
            f = d["file"]
            return uploads.upload_create(
                actor=actor,
                file_name=f.name or "upload",
                # One byte past the limit is enough to refuse it; a huge file is never held in memory.
                data=f.read(settings.UPLOAD_MAX_BYTES + 1),
                region=d["region"],
                catalog_id=d["catalog_id"],
                title=d["title"],
            )

        return self.run(create)


class MappingForm(ServiceForm):
    """The field each column is read as (`col-N`, N from 0; empty: ignore it) and the header row."""

    inputs: ClassVar[tuple[str, ...]] = ()

    header_row = WholeNumberField(label=_("Header row"), required=False)

    def columns(self) -> dict[int, str | None]:
        return {
            int(key[4:]): self.data.get(key) or None
            for key in self.data
            if key.startswith("col-") and key[4:].isdecimal()
        }

    def submit(self, *, actor: Actor, upload: Upload) -> Upload | None:
        return self.run(
            lambda d: uploads.upload_set_mapping(
                upload=upload, actor=actor, columns=self.columns(), header_row=d["header_row"]
            )
        )


class UploadDraftForm(ServiceForm):
    attachment = forms.CharField(required=False)
    effective_from = IsoDateField(label=_("Effective from"), required=False)
    effective_to = IsoDateField(label=_("Effective to"), required=False)
    reason = ReasonField()

    def submit(self, *, actor: Actor, upload: Upload) -> CatalogVersion | None:
        return self.run(
            lambda d: uploads.upload_to_draft(
                upload=upload,
                actor=actor,
                attachment=d["attachment"],
                effective_from=d["effective_from"],
                effective_to=d["effective_to"],
                reason=d["reason"],
            )
        )
