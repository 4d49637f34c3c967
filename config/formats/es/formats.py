"""
Spanish as it is written in the United States: Django's Spanish dates ("22 de noviembre de 2026"),
but numbers and dollar amounts as US donors read and their bank statements print them
("$1,000.00", "1,234 donantes"), not the Spain convention ("1 000,00").
"""

from django.conf.locale.es.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
