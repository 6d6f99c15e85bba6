# frontline classification profile: AMK Mapping's map (Google My Maps KML or KMZ)
#
# YYYY-MM-DD.kml (or .kmz, a zip holding doc.kml): Placemarks in Folders; the status is the
# Folder name (the field "folder"); styleUrl "#poly-RRGGBB-..." carries the colour ("fill").
# The Russian folder also covers Russian oblasts and Transnistria: areas within the
# territory clip them away. "Zones of control, but low consolidation" (early 2026, purple) is
# the layer later called "Infiltration zone": contested.
name amk
status occupied   side=RU colour=#A52714
status contested  side=   colour=#9E9E9E
status liberated  side=UA colour=#0F9D58
status ua_control side=UA colour=#64B5F6
default free      side=UA colour=#F3F0E6
front occupied

rule occupied   status=^occupied$
rule contested  status=^contested$
rule liberated  status=^liberated$
rule ua_control status=^ua_control$

rule occupied   "folder=^(Confirmed Russian controlled territory|Confirmed Russian advances)$"
rule contested  "folder=^(Infiltration zone|Zones of control, but low consolidation)$"
rule liberated  "folder=^Confirmed Ukrainian advances$"
rule ua_control "folder=^Confirmed Ukrainian control$"
rule ignore     "folder=^(Points of interest|Never forget|Cities|Untitled layer|Direction definitions)$"
