"""Plan items fulfilled by referrals: referring from the plan, linking a referral to an
item, what each move of the referral does to the item, and the plan's "Fulfilled by"."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.workflow import IllegalMove
from cases.models import Case, PlanItem
from cases.pages import PLAN_ITEM_ROW
from referrals import access, services
from referrals.models import Referral, Urgency
from referrals.models import ReferralStatus as S
from tests.cases.conftest import enrol, make_program

from .conftest import REASON

P = PlanItem.Status
CLOSE_REASON = Case.CloseReason.GOALS_MET
INTERVENTION = "Usulan PKH dan reaktivasi PBI-JK"
WRITTEN = {
    "note": "Sudah dibahas di rapat kasus.",
    "decline_reason": "Domisili di luar wilayah kerja kami.",
    "outcome": "Sudah terdaftar di DTSEN, desil 2.",
}
# Who makes each kind of move in office A's world.
MOVER = {
    access.REFERRAL_SENDERS: "case_worker_a",
    access.REFERRAL_REVIEWERS: "coordinator_a",
    access.AGENCY_OFFICERS: "dinsos_officer",
}
# Each move, the plan item's status before it and after it.
ITEM_AFTER = {
    (S.DRAFT, S.SENT): (P.PLANNED, P.IN_PROGRESS),
    (S.DRAFT, S.CANCELLED): (P.PLANNED, P.PLANNED),
    (S.SENT, S.ACCEPTED): (P.IN_PROGRESS, P.IN_PROGRESS),
    (S.SENT, S.DECLINED): (P.IN_PROGRESS, P.IN_PROGRESS),
    (S.ACCEPTED, S.IN_PROGRESS): (P.IN_PROGRESS, P.IN_PROGRESS),
    (S.IN_PROGRESS, S.COMPLETED): (P.IN_PROGRESS, P.DONE),
    (S.IN_PROGRESS, S.UNABLE): (P.IN_PROGRESS, P.PLANNED),
    (S.DECLINED, S.SENT): (P.IN_PROGRESS, P.IN_PROGRESS),
    (S.DECLINED, S.CANCELLED): (P.IN_PROGRESS, P.PLANNED),
    (S.SENT, S.CANCELLED): (P.IN_PROGRESS, P.PLANNED),
    (S.ACCEPTED, S.CANCELLED): (P.IN_PROGRESS, P.PLANNED),
    (S.IN_PROGRESS, S.CANCELLED): (P.IN_PROGRESS, P.PLANNED),
}


def plan(case, by, agency=None, intervention=INTERVENTION, **fields):
    return PlanItem.objects.create(
        case=case,
        dimension=PlanItem.Dimension.SOCIAL,
        intervention=intervention,
        responsible_agency=agency,
        created_by=by,
        **fields,
    )


@pytest.fixture
def item(case_a, dinsos, case_worker_a):
    return plan(case_a, case_worker_a, dinsos)


@pytest.fixture
def other_case_item(office_b, case_worker_b, regions):
    case_b = enrol(make_program(office_b, case_worker_b, regions["district"]), case_worker_b)
    return plan(case_b, case_worker_b)


def refer(case, agency, service, by, plan_item=None):
    return services.create_referral(
        case=case,
        agency=agency,
        service=service,
        reason=REASON,
        urgency=Urgency.NORMAL,
        by=by,
        plan_item=plan_item,
    )


def send(referral, by):
    return services.send_referral(referral=referral, by=by, version=referral.version)


def status_of(item):
    item.refresh_from_db()
    return item.status


def row_parts(user, items):
    """The "Fulfilled by" cells of these plan items as `user` sees them."""
    request = RequestFactory().get("/")
    request.user = user
    return {pk: "".join(parts) for pk, parts in PLAN_ITEM_ROW.render(request, items).items()}


def close(case_pk):
    Case.objects.filter(pk=case_pk).update(
        status=Case.Status.CLOSED, close_reason=CLOSE_REASON, closed_at=timezone.now()
    )


def new_referral_url(case, item):
    return reverse("referrals:new", args=[case.pk]) + f"?plan_item={item.pk}"


# --- Referring from the plan ------------------------------------------------------------


def test_the_plan_row_offers_the_case_worker_a_referral_for_the_item(
    client, case_a, item, case_worker_a
):
    client.force_login(case_worker_a)

    html = client.get(case_a.get_absolute_url()).content.decode()

    assert new_referral_url(case_a, item).replace("&", "&amp;") in html


def test_the_referral_form_from_a_plan_item_starts_with_its_agency_intervention_and_link(
    client, case_a, item, dinsos, case_worker_a
):
    client.force_login(case_worker_a)

    form = client.get(new_referral_url(case_a, item)).context["form"]

    assert form["agency"].value() == dinsos.pk
    assert form["reason"].value() == INTERVENTION
    assert form["plan_item"].value() == item.pk


def test_a_referral_saved_from_the_plan_item_fulfils_it_and_a_draft_leaves_it_planned(
    client, case_a, item, consent, dinsos, social_rehabilitation, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(
        reverse("referrals:new", args=[case_a.pk]),
        {
            "plan_item": item.pk,
            "agency": dinsos.pk,
            "service": social_rehabilitation.pk,
            "reason": INTERVENTION,
            "urgency": Urgency.NORMAL,
        },
    )

    [referral] = Referral.objects.filter(case=case_a)
    assert response.status_code == 302
    assert referral.plan_item == item
    assert status_of(item) == P.PLANNED


def test_the_referral_form_refuses_another_cases_plan_item_and_saves_nothing(
    client, case_a, other_case_item, dinsos, social_rehabilitation, case_worker_a
):
    client.force_login(case_worker_a)

    response = client.post(
        reverse("referrals:new", args=[case_a.pk]),
        {
            "plan_item": other_case_item.pk,
            "agency": dinsos.pk,
            "service": social_rehabilitation.pk,
            "reason": REASON,
            "urgency": Urgency.NORMAL,
        },
    )

    assert response.status_code == 200
    assert "plan_item" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_the_referral_form_offers_only_the_items_not_done_or_cancelled(
    client, case_a, item, case_worker_a
):
    done = plan(case_a, case_worker_a, intervention="Pelatihan menjahit", status=P.DONE)
    cancelled = plan(case_a, case_worker_a, intervention="Modal usaha", status=P.CANCELLED)
    client.force_login(case_worker_a)

    form = client.get(reverse("referrals:new", args=[case_a.pk])).context["form"]

    offered = list(form.fields["plan_item"].queryset)
    assert item in offered
    assert done not in offered and cancelled not in offered


def test_a_plan_item_in_the_address_that_is_done_fills_nothing_in(
    client, case_a, item, case_worker_a
):
    item.status = P.DONE
    item.save()
    client.force_login(case_worker_a)

    form = client.get(new_referral_url(case_a, item)).context["form"]

    assert form["plan_item"].value() is None
    assert not form["reason"].value()


def test_the_create_service_refuses_another_cases_plan_item(
    case_a, other_case_item, dinsos, social_rehabilitation, case_worker_a
):
    with pytest.raises(IllegalMove):
        refer(case_a, dinsos, social_rehabilitation, case_worker_a, plan_item=other_case_item)

    assert not Referral.objects.exists()


def test_no_refer_link_for_an_item_done_cancelled_or_already_referred(
    case_a, item, dinsos, social_rehabilitation, case_worker_a
):
    done = plan(case_a, case_worker_a, intervention="Pelatihan menjahit", status=P.DONE)
    cancelled = plan(case_a, case_worker_a, intervention="Modal usaha", status=P.CANCELLED)
    referred = plan(case_a, case_worker_a, dinsos, intervention="Rehabilitasi sosial")
    refer(case_a, dinsos, social_rehabilitation, case_worker_a, plan_item=referred)

    parts = row_parts(case_worker_a, [item, done, cancelled, referred])

    assert "?plan_item=" in parts[item.pk]
    assert parts[done.pk] == parts[cancelled.pk] == ""
    assert "?plan_item=" not in parts[referred.pk]


def test_the_refer_link_comes_back_once_the_items_referral_is_cancelled(
    case_a, item, consent, dinsos, social_rehabilitation, case_worker_a
):
    referral = send(
        refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a
    )
    services.move_referral(
        referral=referral, to=S.CANCELLED, by=case_worker_a, version=referral.version
    )

    assert "?plan_item=" in row_parts(case_worker_a, [item])[item.pk]


def test_no_refer_link_for_the_health_worker_or_on_a_closed_case(
    case_a, item, coordinator_a, health_worker_a
):
    assert row_parts(health_worker_a, [item])[item.pk] == ""

    close(case_a.pk)
    item = PlanItem.objects.select_related("case").get(pk=item.pk)
    assert row_parts(coordinator_a, [item])[item.pk] == ""


# --- Linking an existing referral -------------------------------------------------------


def link_url(referral):
    return reverse("referrals:plan_item", args=[referral.pk])


def test_the_coordinator_links_a_sent_referral_to_an_item_which_goes_in_progress(
    client, sent, item, coordinator_a
):
    client.force_login(coordinator_a)
    page = client.get(sent.get_absolute_url())
    assert page.context["link_form"] is not None

    response = client.post(link_url(sent), {"plan_item": item.pk})

    sent.refresh_from_db()
    assert response.status_code == 302
    assert sent.plan_item == item
    assert status_of(item) == P.IN_PROGRESS


def test_unlinking_puts_the_item_back_to_planned_and_leaves_the_referral_alone(
    client, sent, item, case_worker_a
):
    services.link_plan_item(referral=sent, plan_item=item, by=case_worker_a)
    client.force_login(case_worker_a)

    client.post(link_url(sent), {"plan_item": ""})

    sent.refresh_from_db()
    assert sent.plan_item is None
    assert sent.status == S.SENT
    assert status_of(item) == P.PLANNED


def test_linking_to_another_cases_item_is_refused_and_writes_nothing(
    client, sent, other_case_item, case_worker_a
):
    client.force_login(case_worker_a)

    client.post(link_url(sent), {"plan_item": other_case_item.pk})
    with pytest.raises(IllegalMove):
        services.link_plan_item(referral=sent, plan_item=other_case_item, by=case_worker_a)

    sent.refresh_from_db()
    assert sent.plan_item is None
    assert status_of(other_case_item) == P.PLANNED


def test_linking_to_an_item_done_already_is_refused(sent, item, case_worker_a):
    item.status = P.DONE
    item.save()

    with pytest.raises(IllegalMove):
        services.link_plan_item(referral=sent, plan_item=item, by=case_worker_a)

    sent.refresh_from_db()
    assert sent.plan_item is None


@pytest.mark.parametrize("who", ["case_worker_b", "dinkes_officer", "health_worker_a"])
def test_an_outsider_cannot_link_a_referral_they_cannot_see(request, client, sent, item, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(link_url(sent), {"plan_item": item.pk})

    sent.refresh_from_db()
    assert response.status_code == 404
    assert sent.plan_item is None


def test_the_agency_officer_neither_sees_nor_changes_the_plan_item_of_a_referral(
    client, sent, item, case_worker_a, dinsos_officer
):
    services.link_plan_item(referral=sent, plan_item=item, by=case_worker_a)
    client.force_login(dinsos_officer)
    page = client.get(sent.get_absolute_url())
    assert page.context["link_form"] is None
    assert INTERVENTION not in page.content.decode()

    response = client.post(link_url(sent), {"plan_item": ""})

    sent.refresh_from_db()
    assert response.status_code == 403
    assert sent.plan_item == item


def test_a_referral_of_a_closed_case_is_not_linked(sent, item, coordinator_a):
    close(sent.case_id)

    with pytest.raises(IllegalMove):
        services.link_plan_item(referral=sent, plan_item=item, by=coordinator_a)

    sent.refresh_from_db()
    assert sent.plan_item is None


# --- What each move does to the item ----------------------------------------------------


def test_the_table_covers_every_move_of_a_referral():
    assert set(ITEM_AFTER) == set(Referral.TRANSITIONS)


@pytest.mark.parametrize(
    ("source", "target"), list(ITEM_AFTER), ids=[f"{s}->{t}" for s, t in ITEM_AFTER]
)
def test_each_move_of_the_referral_moves_its_plan_item(
    request, draft, put_in, item, source, target
):
    before, after = ITEM_AFTER[(source, target)]
    PlanItem.objects.filter(pk=item.pk).update(status=before)
    referral = put_in(draft, source, plan_item=item)
    move = Referral.TRANSITIONS[(source, target)]
    by = request.getfixturevalue(MOVER[move.by])

    if (source, target) == (S.DRAFT, S.SENT):
        send(referral, by)
    else:
        written = {move.needs: WRITTEN[move.needs]} if move.needs else {}
        services.move_referral(
            referral=referral, to=target, by=by, version=referral.version, **written
        )

    assert status_of(item) == after


def test_a_cancelled_referral_leaves_the_item_in_progress_while_another_is_open(
    case_a, item, consent, dinsos, social_rehabilitation, case_worker_a
):
    first = send(refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a)
    send(refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a)
    assert status_of(item) == P.IN_PROGRESS

    services.move_referral(referral=first, to=S.CANCELLED, by=case_worker_a, version=first.version)

    assert status_of(item) == P.IN_PROGRESS


def test_an_item_done_by_hand_stays_done_when_its_referral_is_cancelled(
    sent, put_in, item, case_worker_a
):
    referral = put_in(sent, S.SENT, plan_item=item)
    PlanItem.objects.filter(pk=item.pk).update(status=P.DONE)

    services.move_referral(
        referral=referral, to=S.CANCELLED, by=case_worker_a, version=referral.version
    )

    assert status_of(item) == P.DONE


def test_the_items_history_keeps_each_status_the_referral_gave_it(
    case_a, item, consent, dinsos, social_rehabilitation, case_worker_a
):
    referral = send(
        refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a
    )
    services.move_referral(
        referral=referral, to=S.CANCELLED, by=case_worker_a, version=referral.version
    )

    history = item.events.order_by("pgh_id").values_list("status", flat=True)
    assert list(history) == [P.PLANNED, P.IN_PROGRESS, P.PLANNED]


# --- The plan's "Fulfilled by" ----------------------------------------------------------


def test_the_case_worker_sees_the_referral_and_its_status_in_the_plan_row(
    case_a, item, consent, dinsos, social_rehabilitation, case_worker_a
):
    referral = send(
        refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a
    )

    part = row_parts(case_worker_a, [item])[item.pk]

    assert referral.get_absolute_url() in part
    assert str(social_rehabilitation) in part
    assert "Terkirim" in part


def test_the_health_worker_sees_only_where_the_item_stands(
    case_a, item, consent, dinsos, social_rehabilitation, case_worker_a, health_worker_a
):
    referral = send(
        refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a
    )

    part = row_parts(health_worker_a, [item])[item.pk]

    assert "Terkirim" in part
    assert referral.get_absolute_url() not in part
    assert str(social_rehabilitation) not in part


def queries_to_open(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_case_page_reads_the_plan_rows_in_the_same_number_of_queries_for_1_and_5_items(
    client, case_a, consent, dinsos, social_rehabilitation, case_worker_a
):
    def add_referred_items(times):
        for n in range(times):
            item = plan(case_a, case_worker_a, dinsos, intervention=f"Langkah {n}")
            send(refer(case_a, dinsos, social_rehabilitation, case_worker_a, item), case_worker_a)
        plan(case_a, case_worker_a, dinsos, intervention="Belum dirujuk")

    client.force_login(case_worker_a)
    add_referred_items(1)
    with_one, _html = queries_to_open(client, case_a.get_absolute_url())

    add_referred_items(4)
    with_five, html = queries_to_open(client, case_a.get_absolute_url())

    assert with_five == with_one
    assert html.count("?plan_item=") == 2
