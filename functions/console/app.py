"""ConsoleFunction: the bank staff review console (HttpApi; every route but the sign-in shell behind the Cognito JWT
authorizer). Parse, check the CSRF token on every POST, one use case, render; no personal value in a URL or a log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, console_html, console_session
from kyc.observability import logger, metrics, tracer
from kyc.services import rerun, review, review_queue
from kyc.settings import get_settings

app = APIGatewayHttpResolver()
STATIC = {name: (Path(__file__).parent / "static" / name).read_text() for name in ("console.js", "console.css")}
TYPES = {"js": "text/javascript", "css": "text/css"}
HTML = "text/html; charset=utf-8"


def _html(body: str, status: int = 200, image_url: str = "") -> Response[str]:
    return Response(status, HTML, body, console_session.headers(image_url))


@app.get("/console")
def shell() -> Response[str]:
    image_origin = bootstrap.console_dependencies().presigner.url("unzipped/", 60)
    return _html(console_html.shell(get_settings().console_client_id), image_url=image_origin)


@app.get("/console/static/<name>")
def static(name: str) -> Response[str]:
    if name not in STATIC:
        return Response(404, "text/plain", "not found", console_session.headers())
    return Response(200, TYPES[name.rsplit(".", 1)[1]], STATIC[name], console_session.headers())


@app.get("/console/queue")
def queue() -> Response[str]:
    def run(staff: review.Staff, csrf: str, now: datetime) -> Response[str]:
        params = app.current_event.query_string_parameters or {}
        view = review_queue.queue(staff, params, bootstrap.console_dependencies(), now)
        return _html(console_html.queue_page(staff, view, csrf, now))

    return _signed_in(run)


@app.get("/console/queues")
def queue_settings() -> Response[str]:
    return _signed_in(lambda staff, csrf, now: _html(console_html.settings_page(
        staff, review_queue.settings_history(staff, bootstrap.console_dependencies()), csrf)))


@app.post("/console/queues")
def change_queue_settings() -> Response[str]:
    def run(staff: review.Staff, csrf: str, now: datetime) -> Response[str]:
        deps = bootstrap.console_dependencies()
        review_queue.change_slas(staff, _form(), deps, now)
        return _html(console_html.settings_page(staff, review_queue.settings_history(staff, deps), csrf,
                                                "SLAs changed."))

    return _signed_in(run, post=True)


@app.post("/console/next")
def take_next() -> Response[str]:
    def run(staff: review.Staff, csrf: str, now: datetime) -> Response[str]:
        app_uuid = review_queue.take_next(staff, bootstrap.console_dependencies(), now)
        if app_uuid is None:
            return _html(console_html.message_page(staff, "Queue", "No case is waiting."))
        return _case(staff, app_uuid, csrf, now)

    return _signed_in(run, post=True)


@app.get("/console/cases/<app_uuid>")
def case(app_uuid: str) -> Response[str]:
    return _signed_in(lambda staff, csrf, now: _case(staff, app_uuid, csrf, now))


@app.get("/console/cases/<app_uuid>/trail/<form>")
def trail(app_uuid: str, form: str) -> Response[str]:
    def run(staff: review.Staff, csrf: str, now: datetime) -> Response[str]:
        content_type, body = review.export_trail(staff, app_uuid, form, bootstrap.console_dependencies(), now)
        headers = {**console_session.headers(), "Content-Disposition": f'attachment; filename="{app_uuid}-trail.{form}"'}
        return Response(200, content_type, body, headers)

    return _signed_in(run)


@app.post("/console/cases/<app_uuid>/<action>")
def act(app_uuid: str, action: str) -> Response[str]:
    def run(staff: review.Staff, csrf: str, now: datetime) -> Response[str]:
        form = _form()
        deps = _deps()
        notice = "Done."
        if action == "confirm":
            review.confirm(staff, app_uuid, deps, now)
            notice = "Decision confirmed."
        elif action == "comment":
            review.comment(staff, app_uuid, form.get("note", ""), deps, now)
        elif action == "escalate":
            review_queue.escalate(staff, app_uuid, form.get("note", ""), deps, now)
            notice = "Escalated to the senior queue."
        elif action == "assign":
            review_queue.assign_to_me(staff, app_uuid, deps, now)
            notice = "Assigned to you."
        elif action == "release":
            review_queue.release(staff, app_uuid, deps, now)
            notice = "Released to the queue."
        elif action == "rerun":
            check = form.get("check", "")
            status = rerun.rerun(staff, app_uuid, check, deps, now)
            notice = f"{check} re-run: the case is now {status}."
        else:
            outcome = review.decide(staff, app_uuid, action, form.get("seen", ""), deps, now,
                                    reason=form.get("reason", ""), note=form.get("note", ""),
                                    message=form.get("message", ""))
            notice = "Decision recorded." if outcome == "decided" else "Proposed: a senior must confirm it."
        return _case(staff, app_uuid, csrf, now, notice)

    return _signed_in(run, post=True)


def _case(staff: review.Staff, app_uuid: str, csrf: str, now: datetime, notice: str = "") -> Response[str]:
    view = review.open_case(staff, app_uuid, bootstrap.console_dependencies(), now)
    return _html(console_html.case_page(staff, view, csrf, now, notice), image_url=view.selfie_url)


def _deps() -> review.ReviewDeps:
    """The console's dependencies; its e-mails link the console this request reached unless CONSOLE_URL is set (the
    template cannot set it: ConsoleApi's routes name this function). API Gateway sets the domain and the scheme."""
    deps = bootstrap.console_dependencies()
    if deps.console_url:
        return deps
    event = app.current_event
    domain = event.raw_event.get("requestContext", {}).get("domainName")
    scheme = event.headers.get("x-forwarded-proto", "https")
    return replace(deps, console_url=f"{scheme}://{domain}/console") if domain else deps


def _form() -> dict[str, str]:
    body = app.current_event.decoded_body or ""
    return {name: values[0] for name, values in parse_qs(body, max_num_fields=20).items()}


def _signed_in(run: Callable[[review.Staff, str, datetime], Response[str]], post: bool = False) -> Response[str]:
    """Run a use case for the signed-in staff member, the CSRF token checked first on a POST."""
    try:
        claims = console_session.claims(app.current_event.raw_event)
        staff = console_session.staff(claims)
    except console_session.NotSignedIn:
        return Response(401, "text/plain", "sign in", console_session.headers())
    if post and not console_session.csrf_valid(claims, _form().get("csrf", "")):
        return _html(console_html.message_page(staff, "Refused", "The form has expired: open the page again."), 403)
    try:
        return run(staff, console_session.csrf_token(claims), datetime.now(UTC))
    except review.Forbidden:
        return _html(console_html.message_page(staff, "Not allowed", "Your role cannot do this."), 403)
    except review.UnknownCase:
        return _html(console_html.message_page(staff, "Not found", "No such case."), 404)
    except review.Refused as refused:
        return _html(console_html.message_page(staff, "Not done", str(refused)), 409)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
