"""
The gifts admin for development staff and Finance.

- Gifts: every gift, read-only where it came from Stripe (amount, status, Stripe ids), with links
  to the Stripe dashboard; filters, search, CSV/Excel export of the current filters, resending
  receipts, and Finance's refund page. Nobody but a superuser deletes a gift, and never one that
  counts toward a campaign (void or refund it instead, so the meter stays true).
- Pledges: totals in instalments (online ones read-only; staff enter offline ones, record their
  payments, cancel or write them off) and the pledge report (pledged, paid, outstanding, overdue),
  exportable as CSV.
- Offline gifts: checks, cash, wires, stock and pledges that staff record (their own form, in
  dollars), saved through services.offline_gift_save so they count in the meter at once.

Every change to a gift goes through donations.services, never through ModelAdmin.save_model's
plain obj.save(), because the tallies must move in the same transaction.

- Matching challenges: a sponsor's pot, its progress and the sponsor's report (CSV too).

One module per subject: gifts (with filters and Finance's refunds), offline gifts, and the
read-only records (monthly plans, the webhook log). Importing the package registers them all.
"""

from . import gifts, matching, offline, pledges, records
from .filters import stripe_dashboard_url

__all__ = ["gifts", "matching", "offline", "pledges", "records", "stripe_dashboard_url"]
