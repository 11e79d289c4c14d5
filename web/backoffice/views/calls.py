"""The project call (揭榜领题, 002) in the back office and the institution workspace.

Clerks (institution accounts) draft, submit and correct 附件1 in their workspace and see only their
own applications. District staff register applicants, return with per-field comments, decline,
forward and stamp 附件3, then track. City staff set the call up, score, decide, publish the notice,
answer objections and file with the province. Every write is one service call; a refusal is shown on
the page, naming the field and the value (or the deadline)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.selectors import account_role
from backoffice.views.access import clerk_required, institution_of, scope_of, staff_required
from calls import exports, present, selectors, services
from calls.forms import (
    AnswerForm,
    ApplicationStartForm,
    AttachmentForm,
    ConflictForm,
    ExtensionForm,
    FilingForm,
    NoticeForm,
    ObjectionForm,
    ReasonOnlyForm,
    RegisterApplicantForm,
    ReturnForm,
    SettingsForm,
    StampForm,
    TrackingForm,
    optional_whole,
    optional_yuan,
    paths_shown,
    read_posted,
    sections,
)
from calls.models import Application, Attachment, ProjectCall
from calls.sealing import opened_form
from common.actor import signed_in
from common.errors import Conflict
from common.forms import ServiceForm
from institutions import present as institution_present
from skillsubsidy.calls.call import call_districts, load_call, shipped_calls
from skillsubsidy.calls.forms import FormInvalid, read_application
from skillsubsidy.calls.outputs import (
    application_docx,
    application_html,
    file_name,
    summary_rows,
    summary_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# What the services name their refusals by, as the pages label them (the forms' own labels first:
# common.forms.ServiceForm.report does the same). An indexed name (marks[2].points, standard[7],
# comments[0].path) takes the label of its leading name.
_LABELS: dict[str, Promise] = {
    "call_file": _lazy("Call file"),
    "budget_fen": _lazy("Budget (yuan)"),
    "comments": _lazy("Comment"),
    "reviewer": _lazy("Reviewer"),
    "marks": _lazy("Points"),
    "reviews": _lazy("Reviews"),
    "held_on": _lazy("Meeting held on"),
    "members": _lazy("Members (separated by commas)"),
    "choices": _lazy("Collective decision"),
    "standard": _lazy("Standard per trainee (yuan)"),
    "overrun_reason": _lazy("Reason for exceeding the budget (if it does)"),
    "answered_on": _lazy("Date"),
    "forwarded_at": _lazy("Forward to the city"),
    "form": _lazy("The form (附件1)"),
}
_LEADING_NAME = re.compile(r"[A-Za-z_]+")


def _label(name: str, form: type[ServiceForm] | None) -> str:
    leading = _LEADING_NAME.match(name)
    key = leading.group(0) if leading else name
    field = form.base_fields.get(key) if form is not None else None
    if field is not None and field.label:
        return str(field.label)
    return str(_LABELS.get(key, name))


def _attempt(
    request: HttpRequest, action: Callable[[], Any], done: str, form: type[ServiceForm] | None = None
) -> bool:
    """Run one service call; its refusal (a field error, a state conflict, a deadline) is a message
    on the page the user comes back to, naming the field by the label of `form` (the inputs the
    action posts) or of the page."""
    try:
        action()
    except ValidationError as exc:
        for field, problems in (
            exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        ).items():
            for problem in problems:
                messages.error(
                    request,
                    _("%(field)s: %(message)s") % {"field": _label(field, form), "message": problem}
                    if field and field != NON_FIELD_ERRORS
                    else problem,
                )
        return False
    except Conflict as exc:
        messages.error(request, exc.shown)
        return False
    messages.success(request, done)
    return True


def _date(request: HttpRequest, name: str) -> date | None:
    raw = request.POST.get(name, "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _need_date(value: date | None, field: str) -> date:
    if value is None:
        raise ValidationError({field: _("Give a date as YYYY-MM-DD.")})
    return value


# --- Workspace: the clerk's own applications -------------------------------------------------------


def _own_application(request: HttpRequest, pk: int) -> Application:
    found = selectors.applications_of(institution_of(request)).filter(pk=pk).first()
    if found is None:
        raise Http404(f"no application {pk}")
    return found


@clerk_required
@require_http_methods(["GET", "POST"])
def workspace_calls(request: HttpRequest) -> HttpResponse:
    institution = institution_of(request)
    form = ApplicationStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        call_pk = int(request.POST.get("call", "0") or 0) if request.POST.get("call", "").isdecimal() else 0
        started = (
            form.run(
                lambda d: services.application_start(
                    actor=request.user, call_pk=call_pk, district=d["district"]
                )
            )
            if call_pk
            else None
        )
        if call_pk == 0:
            form.refuse(_("Choose a call."))
        if started is not None:
            return redirect(reverse("backoffice:workspace_application", kwargs={"pk": started.pk}))
    open_calls = []
    for record in ProjectCall.objects.filter(status="open"):
        call = selectors.effective_call(record)
        open_calls.append(
            (
                record,
                [
                    (
                        present.deadline_label(d),
                        selectors.effective_call(record).closes_at(d.code, selectors.extensions_of(record)),
                    )
                    for d in call.deadlines
                ],
                sorted(call_districts(call).items(), key=lambda x: x[1]),
            )
        )
    return render(
        request,
        "workspace/calls.html",
        {
            "inst": institution,
            "form": form,
            "open_calls": open_calls,
            "applications": [
                (a, present.application_state(a.status), present.region_name(a.district))
                for a in selectors.applications_of(institution)
            ],
        },
        status=400 if form.errors else 200,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def workspace_application(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    call = selectors.effective_call(application.call)
    errors: dict[str, list[str]] = {}
    add = ""
    form = opened_form(application.form)
    status = 200
    if request.method == "POST":
        form = read_posted(call, request.POST)
        add = request.POST.get("add", "")
        try:
            services.application_save(actor=request.user, pk=pk, form=form)
            if request.POST.get("submit"):
                services.application_submit(actor=request.user, pk=pk)
                messages.success(request, _("Submitted to the district."))
                return redirect(reverse("backoffice:workspace_application", kwargs={"pk": pk}))
            if not add:
                messages.success(request, _("Saved. It is checked when you submit it."))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            status = 400
        except Conflict as exc:
            errors = {"": [exc.shown]}
            status = 409
        application.refresh_from_db()
    comments: dict[str, list[str]] = {}
    for c in application.comments.filter(revision=application.revision):
        comments.setdefault(c.path, []).append(c.text)
    shown_sections = sections(call, form, errors=errors, comments=comments, add=add)
    on_page = paths_shown(shown_sections)
    return render(
        request,
        "workspace/call_application.html",
        {
            "inst": institution_of(request),
            "application": application,
            "state": present.application_state(application.status),
            "district": present.region_name(application.district),
            "editable": application.status in services.EDITABLE,
            "withdrawable": application.status in ("submitted", "returned", "resubmitted"),
            "sections": shown_sections,
            "other_errors": [(p, m) for p, ms in errors.items() if p not in on_page for m in ms],
            "comments": application.comments.all(),
            "revisions": application.revisions.all(),
            "attachments": application.attachments.all(),
            "attachment_form": AttachmentForm(),
            "withdraw_form": ReasonOnlyForm(),
            "tracking": [(e, present.tracking_label(e.kind)) for e in application.tracking.all()],
        },
        status=status,
    )


@clerk_required
@require_POST
def workspace_attach(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(
            request,
            _("%(field)s: %(message)s")
            % {"field": _label("file", AttachmentForm), "message": _("Choose a file to upload.")},
        )
    else:
        _attempt(
            request,
            lambda: services.attachment_add(
                actor=request.user,
                pk=application.pk,
                label=request.POST.get("label", ""),
                file_name=upload.name or "附件",
                data=upload.read(services.ATTACHMENT_MAX_BYTES + 1),
            ),
            _("Attachment added."),
            AttachmentForm,
        )
    return redirect(reverse("backoffice:workspace_application", kwargs={"pk": pk}))


@clerk_required
@require_POST
def workspace_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    _attempt(
        request,
        lambda: services.application_withdraw(
            actor=request.user, pk=application.pk, reason=request.POST.get("reason", "")
        ),
        _("Withdrawn."),
        ReasonOnlyForm,
    )
    return redirect(reverse("backoffice:workspace_application", kwargs={"pk": pk}))


def _read(application: Application) -> Any:
    """附件1 as last submitted (or as it stands, when it passes the checks)."""
    latest = application.revisions.order_by("-number").first()
    stored = latest.form if latest is not None else application.form
    call = selectors.effective_call(application.call)
    try:
        return read_application(opened_form(stored), call=call, catalog=selectors.catalog_of(call))
    except FormInvalid:
        raise Http404("the form does not pass its checks yet; submit it first") from None


def _paper(application: Application, what: str) -> HttpResponse:
    call = selectors.effective_call(application.call)
    form = _read(application)
    district = present.region_name(application.district)
    if what == "print":
        return HttpResponse(application_html(call, form), content_type="text/html; charset=utf-8")
    if what == "docx":
        return _download(
            application_docx(call, form), DOCX, file_name(district=district, form=form, extension="docx")
        )
    if what == "summary":
        layout = call.forms.applicant_summary
        values = [form.unit.name, form.unit.kind.label_zh, form.unit.contact.name, form.unit.contact.mobile]
        data = summary_xlsx(layout, summary_rows(call, [form]), values)
        return _download(data, XLSX, file_name(district=district, form=form, extension="xlsx"))
    raise Http404(what)


@clerk_required
@require_GET
def workspace_paper(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    return _paper(_own_application(request, pk), what)


def _attachment_response(attachment: Attachment) -> HttpResponse:
    return _download(bytes(attachment.data), attachment.content_type, attachment.file_name)


@clerk_required
@require_GET
def workspace_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    found = Attachment.objects.filter(pk=pk, application__institution=institution_of(request)).first()
    if found is None:
        raise Http404(f"no attachment {pk}")
    return _attachment_response(found)


# --- Back office: the call ------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def calls(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        created: list[ProjectCall] = []
        if _attempt(
            request,
            lambda: created.append(
                services.call_create(actor=request.user, call_file=request.POST.get("call_file", ""))
            ),
            _("Call created. Set what the documents leave open, then open it."),
        ):
            return redirect(reverse("backoffice:call", kwargs={"pk": created[0].pk}))
    rows = [
        (c, present.call_state(c.status), present.region_name(c.region))
        for c in selectors.calls_for(request.user)
    ]
    return render(
        request,
        "backoffice/calls.html",
        {
            "rows": rows,
            "files": [(f, load_call(f).title) for f in shipped_calls()],
            "may_create": account_role(request.user) is not Role.DISTRICT_BUREAU,
        },
    )


def _call_context(request: HttpRequest, record: ProjectCall) -> dict[str, Any]:
    call = selectors.effective_call(record)
    today = timezone.localdate()
    extensions = selectors.extensions_of(record)
    apps = list(selectors.applications_for(request.user, record))
    reviews = list(selectors.reviews_of(record))
    scope = scope_of(request)
    notice = present.notice_of(record)
    return {
        "record": record,
        "call": call,
        "state": present.call_state(record.status),
        "is_city": scope.role is not Role.DISTRICT_BUREAU,
        "district": scope.region if scope.role is Role.DISTRICT_BUREAU else "",
        "missing": call.missing_settings(),
        "deadlines": [
            (d, present.deadline_label(d), call.closes_at(d.code, extensions)) for d in call.deadlines
        ],
        "extensions": [
            (e, next((present.deadline_label(d) for d in call.deadlines if d.code == e.deadline), e.deadline))
            for e in record.extensions.all()
        ],
        "types": [present.type_label(t) for t in call.project_types],
        "applications": [
            (a, present.application_state(a.status), present.region_name(a.district)) for a in apps
        ],
        "ranking": present.ranking(call, [a for a in apps if a.status in ("forwarded", "scored")], reviews)
        if record.status in ("city_review", "decided")
        else [],
        "scored": [a for a in apps if a.status == "scored"],
        "meeting": getattr(record, "meeting", None) if hasattr(record, "meeting") else None,
        "forwards": [(f, present.region_name(f.district)) for f in record.forwards.all()],
        "objections": selectors.objections_shown(record, unsealed=scope.role is not Role.DISTRICT_BUREAU),
        "notice": notice,
        "notice_state": present.notice_state(notice, today) if notice else "",
        "in_notice": [a for a in apps if a.status == "in_notice"],
        "settings_form": SettingsForm(
            initial={
                "budget_yuan": record.budget_fen // 100 if record.budget_fen else None,
                "notice_days": record.notice_days,
                "rubric_confirmed": record.rubric_confirmed,
            }
        ),
        "extension_form": ExtensionForm(),
        "notice_form": NoticeForm(initial={"starts_on": today}),
        "objection_form": ObjectionForm(initial={"filed_on": today}),
        "answer_form": AnswerForm(),
        "filing_form": FilingForm(initial={"filed_on": today}),
        "stamp_form": StampForm(),
        "today": today,
        "money": present.money,
    }


@staff_required
@require_GET
def call(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.call_of(request.user, pk)
    return render(request, "backoffice/call.html", _call_context(request, record))


def _choices(request: HttpRequest, record: ProjectCall) -> list[services.ChoiceInput]:
    chosen = []
    for a in Application.objects.filter(call=record, status="scored"):
        standard = request.POST.get(f"standard-{a.pk}", "").strip()
        fen = optional_yuan(standard, f"standard-{a.pk}")
        chosen.append(
            services.ChoiceInput(
                a.pk, request.POST.get(f"select-{a.pk}") == "yes", request.POST.get(f"reason-{a.pk}", ""), fen
            )
        )
    return chosen


@staff_required
@require_POST
def call_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    record = selectors.call_of(request.user, pk)
    user = request.user
    post = request.POST
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "configure": (
            lambda: services.call_configure(
                actor=user,
                pk=pk,
                budget_fen=optional_yuan(post.get("budget_yuan", ""), "budget_yuan"),
                notice_days=optional_whole(post.get("notice_days", ""), "notice_days"),
                rubric_confirmed=post.get("rubric_confirmed") in ("on", "true", "1"),
                reason=post.get("reason", ""),
            ),
            _("Settings saved."),
        ),
        "open": (lambda: services.call_open(actor=user, pk=pk), _("The call is open.")),
        "extend": (
            lambda: services.call_extend_deadline(
                actor=user,
                pk=pk,
                deadline=post.get("deadline", ""),
                until=_need_date(_date(request, "until"), "until"),
                reason=post.get("reason", ""),
            ),
            _("Deadline extended."),
        ),
        "close_applications": (
            lambda: services.call_close_applications(actor=user, pk=pk),
            _("Applications closed; the districts review."),
        ),
        "start_city_review": (
            lambda: services.call_start_city_review(actor=user, pk=pk),
            _("City review started."),
        ),
        "close_scoring": (lambda: services.scoring_close(actor=user, call_pk=pk), _("Scoring closed.")),
        "decide": (
            lambda: services.meeting_record(
                actor=user,
                call_pk=pk,
                held_on=_need_date(_date(request, "held_on"), "held_on"),
                members=[m for m in post.get("members", "").replace("，", ",").replace("、", ",").split(",")],
                choices=_choices(request, record),
                overrun_reason=post.get("overrun_reason", ""),
            ),
            _("The decision is recorded."),
        ),
        "notice": (
            lambda: services.notice_publish(
                actor=user, call_pk=pk, starts_on=_need_date(_date(request, "starts_on"), "starts_on")
            ),
            _("The notice is published."),
        ),
        "objection": (
            lambda: services.objection_file(
                actor=user,
                call_pk=pk,
                text=post.get("text", ""),
                filed_on=_need_date(_date(request, "filed_on"), "filed_on"),
                application=int(post["application"]) if post.get("application", "").isdecimal() else None,
            ),
            _("Objection recorded."),
        ),
        "file": (
            lambda: services.call_file_with_province(
                actor=user,
                call_pk=pk,
                filed_on=_need_date(_date(request, "filed_on"), "filed_on"),
                reference=post.get("reference", ""),
            ),
            _("Filed with the province."),
        ),
        "start_tracking": (
            lambda: services.call_start_tracking(actor=user, call_pk=pk),
            _("The projects are being tracked."),
        ),
        "stamp": (
            lambda: services.district_stamp(
                actor=user,
                call_pk=pk,
                district=scope_of(request).region,
                signer=post.get("signer", ""),
                phone=post.get("phone", ""),
            ),
            _("The district summary is stamped and sent."),
        ),
    }
    if action not in actions:
        raise Http404(action)
    run, done = actions[action]
    _attempt(request, run, done, _CALL_FORMS.get(action))
    return redirect(reverse("backoffice:call", kwargs={"pk": pk}))


# The inputs each move of the call page posts, for the labels of its refusals.
_CALL_FORMS: dict[str, type[ServiceForm]] = {
    "configure": SettingsForm,
    "extend": ExtensionForm,
    "notice": NoticeForm,
    "objection": ObjectionForm,
    "file": FilingForm,
    "stamp": StampForm,
}
_APPLICATION_FORMS: dict[str, type[ServiceForm]] = {
    "return": ReturnForm,
    "decline": ReasonOnlyForm,
    "conflict": ConflictForm,
    "track": TrackingForm,
}


@staff_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    call_pk = selectors.objection_call(request.user, pk)
    _attempt(
        request,
        lambda: services.objection_answer(
            actor=request.user,
            pk=pk,
            answer=request.POST.get("answer", ""),
            on=timezone.localdate(),
            uphold=request.POST.get("uphold") in ("on", "true", "1"),
        ),
        _("Objection answered."),
        AnswerForm,
    )
    return redirect(reverse("backoffice:call", kwargs={"pk": call_pk}))


@staff_required
@require_http_methods(["GET", "POST"])
def applicant_register(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.call_of(request.user, pk)
    form = RegisterApplicantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        made = form.run(lambda d: services.applicant_register(actor=request.user, call_pk=pk, **d))
        if made is not None:
            messages.success(
                request,
                _("Registered %(name)s; its clerk %(user)s signs in and files the application.")
                % {"name": made.institution.name, "user": made.user.get_username()},
            )
            return redirect(reverse("backoffice:call", kwargs={"pk": pk}))
    call_ = selectors.effective_call(record)
    scope = scope_of(request)
    districts = [(c, n) for n, c in call_districts(call_).items() if scope.covers(c)]
    return render(
        request,
        "backoffice/call_register.html",
        {"record": record, "form": form, "kinds": institution_present.kinds(), "districts": districts},
        status=400 if form.errors else 200,
    )


@staff_required
@require_GET
def district_summary(request: HttpRequest, pk: int, district: str) -> HttpResponse:
    """附件3 of one district: its forwarded applications, in the documents' columns."""
    record = selectors.call_of(request.user, pk)
    if not scope_of(request).covers(district):
        raise Http404(district)
    call_ = selectors.effective_call(record)
    forms_ = [
        _read(a)
        for a in selectors.applications_for(request.user, record)
        .filter(district=district)
        .exclude(status__in=("submitted", "returned", "resubmitted", "declined", "withdrawn"))
    ]
    stamp = record.forwards.filter(district=district).first()
    values = [
        present.region_name(district) + "人力资源和社会保障局",
        stamp.signer if stamp else "",
        stamp.phone_masked if stamp else "",
    ]
    data = summary_xlsx(call_.forms.district_summary, summary_rows(call_, forms_), values)
    return _download(data, XLSX, f"{present.region_name(district)}汇总表（附件3）.xlsx")


@staff_required
@require_GET
def filing_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The filed result for the province (备案), one row per accepted project."""
    record = selectors.call_of(request.user, pk)
    data = exports.filing_xlsx(record)
    return _download(data, XLSX, f"{record.title}备案{record.filing_reference or ''}.xlsx")


# --- Back office: one application ------------------------------------------------------------------


@staff_required
@require_GET
def application(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.application_for_staff(request.user, pk)
    call_ = selectors.effective_call(found.call)
    latest = found.revisions.order_by("-number").first()
    form = opened_form(latest.form if latest else found.form)
    scope = scope_of(request)
    user = signed_in(request)
    mine = found.reviews.filter(reviewer=user).first()
    return render(
        request,
        "backoffice/call_application.html",
        {
            "application": found,
            "state": present.application_state(found.status),
            "district": present.region_name(found.district),
            "sections": sections(call_, form),
            "revisions": [
                (r, selectors.revision_diff(found, r.number) if r.number > 1 else [])
                for r in found.revisions.all()
            ],
            "comments": found.comments.all(),
            "attachments": found.attachments.all(),
            "tracking": [(e, present.tracking_label(e.kind)) for e in found.tracking.all()],
            "is_district": scope.role is Role.DISTRICT_BUREAU,
            "is_city": scope.role is not Role.DISTRICT_BUREAU,
            "rubric": call_.rubric,
            "reviews": [
                (
                    r,
                    [
                        (
                            next(
                                (c.label_zh for c in call_.rubric.criteria if c.code == m["criterion"]),
                                m["criterion"],
                            ),
                            m["points"],
                            m["justification"],
                        )
                        for m in r.marks
                    ],
                )
                for r in found.reviews.select_related("reviewer")
            ],
            "my_review": mine,
            "conflicted": found.conflicts.filter(reviewer=user).exists(),
            "conflicts": found.conflicts.select_related("reviewer"),
            "return_form": ReturnForm(),
            "reason_form": ReasonOnlyForm(),
            "conflict_form": ConflictForm(),
            "tracking_form": TrackingForm(initial={"on": timezone.localdate()}),
            "paths": sorted(selectors.form_paths(form)),
            "comment_rows": range(6),
            "checks": selectors.checks_for_page(found),
        },
    )


def _marks(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    found = selectors.application_for_staff(request.user, pk)
    rubric = selectors.effective_call(found.call).rubric
    marks = []
    for c in rubric.criteria:
        raw = request.POST.get(f"points-{c.code}", "").strip()
        marks.append(
            {
                "criterion": c.code,
                "points": int(raw) if raw.isdecimal() else -1,
                "justification": request.POST.get(f"why-{c.code}", ""),
            }
        )
    return marks


@staff_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    post = request.POST
    form = ReturnForm(post)
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "return": (
            lambda: services.application_return(
                actor=user, pk=pk, comments=form.comments(), reason=post.get("reason", "")
            ),
            _("Returned for correction with your comments."),
        ),
        "decline": (
            lambda: services.application_decline(actor=user, pk=pk, reason=post.get("reason", "")),
            _("Declined."),
        ),
        "forward": (lambda: services.application_forward(actor=user, pk=pk), _("Forwarded to the city.")),
        "take_up": (
            lambda: services.application_track(actor=user, pk=pk),
            _("The project is being tracked."),
        ),
        "conflict": (
            lambda: services.conflict_declare(actor=user, pk=pk, reason=post.get("reason", "")),
            _("Conflict of interest declared: you will not score this application."),
        ),
        "review": (
            lambda: services.review_submit(actor=user, pk=pk, marks=_marks(request, pk)),
            _("Score saved."),
        ),
        "track": (
            lambda: services.tracking_record(
                actor=user,
                pk=pk,
                kind=post.get("kind", ""),
                on=_need_date(_date(request, "on"), "on"),
                text=post.get("text", ""),
            ),
            _("Recorded."),
        ),
    }
    if action not in actions:
        raise Http404(action)
    run, done = actions[action]
    try:
        _attempt(request, run, done, _APPLICATION_FORMS.get(action))
    except PermissionDenied:
        messages.error(request, _("Your role may not do this."))
    return redirect(reverse("backoffice:call_application", kwargs={"pk": pk}))


@staff_required
@require_GET
def application_paper(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    return _paper(selectors.application_for_staff(request.user, pk), what)


@staff_required
@require_GET
def application_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    found = Attachment.objects.filter(pk=pk).select_related("application").first()
    if found is None:
        raise Http404(f"no attachment {pk}")
    selectors.application_for_staff(request.user, found.application_id)
    return _attachment_response(found)
