"""Arabic number formats, over Django's own (django/conf/locale/ar/formats.py, which keeps its dates).

Django's Arabic format groups no digits (it sets no NUMBER_GROUPING), so an Arabic page wrote 2000 where the
English one wrote 2,000, and its separators are the European ones (2.000,5). The desk and the public site write
Latin digits in Arabic as Arab newsrooms do, with CLDR's separators for Arabic in Latin digits: 2,000.5.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
