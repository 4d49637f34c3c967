"""
Recognition: how the foundation thanks donors in public and in print. Naming opportunities (a
room, a wing, a garden named for a gift of a set size, reserved and then fulfilled) and
recognition levels (giving circles by cumulative gifts, shown on the donor wall and in reports).

Reads gifts only through donations.selectors; writes nothing of donations. Empty for now.
"""
