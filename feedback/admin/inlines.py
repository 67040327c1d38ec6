"""The feedback and the expense claim of one visit, shown on the exchange's own admin page."""

from django.contrib import admin

from web.admin_site import ShownOnly

from ..models import ExpenseClaim, HostFeedback, VisitorFeedback


class _ExchangeInline(ShownOnly, admin.StackedInline):
    max_num = 1
    show_change_link = True


class VisitorFeedbackInline(_ExchangeInline):
    model = VisitorFeedback
    fields = ["rating", "would_recommend", "story_consent", "published_at", "reviewed_at"]
    readonly_fields = fields


class HostFeedbackInline(_ExchangeInline):
    model = HostFeedback
    fields = ["author_name", "would_host_again", "created_at"]
    readonly_fields = fields


class ExpenseClaimInline(_ExchangeInline):
    model = ExpenseClaim
    fk_name = "exchange"
    fields = ["state", "total_eur", "submitted_at", "decided_at", "paid_at"]
    readonly_fields = fields


EXCHANGE_INLINES = [VisitorFeedbackInline, HostFeedbackInline, ExpenseClaimInline]
