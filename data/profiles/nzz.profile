# frontline classification profile: liveuamap data as served to the NZZ's map
#
# YYYY-MM-DD.json = {"value": FeatureCollection} (a wrapped document), three features whose
# property "type" is nochange (occupied, unchanged in the period), gains (newly occupied) or
# losses (occupied at the period's start, lost by its end). The period is _datefrom.._dateto;
# the map's date is _dateto (the file name is the day it was fetched). Crimea is not drawn.
name nzz
wrapped value
time property=_dateto
status occupied side=RU colour=#A52714
status lost     side=UA colour=#0F9D58
default free    side=UA colour=#F3F0E6
front occupied

rule occupied status=^occupied$
rule lost     status=^lost$
rule occupied type=^(nochange|gains)$
rule lost     type=^losses$
