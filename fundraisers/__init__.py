"""
Peer-to-peer fundraising: supporters' own pages for a campaign (a runner's, a class's, a team's),
their goals and progress, and the gifts made through them (a gift records its fundraiser; the
money rule stays in donations.services.tallies).

Reads gifts only through donations.selectors. Empty for now.
"""
