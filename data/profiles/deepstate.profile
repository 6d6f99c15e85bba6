# frontline classification profile: DeepStateMap
#
# Statuses, in precedence order: where layers overlap, the first listed wins.
# side= is who holds ground of that status (used by `frontline claims`); no side = contested.
# colour= is the display colour. The default status is the territory no polygon covers.
name deepstate
status occupied  side=RU colour=#A52714
status contested side=   colour=#9E9E9E
status liberated side=UA colour=#0F9D58
default free     side=UA colour=#F3F0E6
front occupied

# Rules: first match wins. "rule ACTION FIELD=REGEX ..." with ACTION a status or "ignore".
# FIELD is a feature property; "fill" is the fill colour RRGGBB taken from DeepState's
# styleUrl "#poly-RRGGBB-..." or a "fill" property "#RRGGBB". Regexes are POSIX extended,
# case-insensitive; an absent property matches as "". "empty" matches a feature without
# properties (a single-layer extract). Every other polygon is counted as unclassified.

# Layers written by frontline itself (status property), and status-attributed shapefiles.
rule occupied  status=^occupied$
rule contested status=^contested$
rule liberated status=^liberated$

# 880E4F: occupied since 2014 (Crimea, ORDLO, Tuzla) - but Transnistria is outside Ukraine.
rule ignore    fill=^880E4F$ name=Transnistria|Придністров
rule occupied  fill=^880E4F$
# A52714: occupied (includes a few early "under question" polygons drawn in red).
rule occupied  fill=^A52714$
# 000000 (early 2022): occupied if the name says ORDLO or Crimea, else contested.
rule occupied  fill=^000000$ name=ОРДЛО|CADR|Крим|Crimea|Тузла|Tuzla
rule contested fill=^000000$
# The grey zone: status unknown.
rule contested fill=^(BCAAA4|BDBDBD|757575)$
# Liberated: an overlay of retaken ground, under Ukrainian control.
rule liberated fill=^(0F9D58|0288D1|01579B|0097A7)$
# Outside Ukraine, the 2023 Wagner mutiny in Russia, drafting artefacts.
rule ignore    fill=^(FF5252|CE93D8|FBC02D)$

# Single-layer extracts (deepstate/occupied): one feature without properties = occupied.
rule occupied  empty
