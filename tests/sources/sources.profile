# The profile of the hand-made reader tests (test_sources.c): statuses from a style's
# colour, an ExtendedData field, a Folder path, an Esri attribute, a wrapper's property.
name sources-test
status occupied  side=RU colour=#A52714
status contested side=   colour=#9E9E9E
default free     side=UA colour=#F3F0E6
front occupied
rule ignore    "folder=^Outer/Ignored$"
rule occupied  fill=^A52714$
rule contested fill=^0000FF$
rule occupied  control=^ru$
rule contested control=^grey$
rule occupied  status=^occupied$
rule contested status=^contested$
rule occupied  kind=^ru$
rule contested kind=^grey$
