# sources.profile's statuses, for a document {"id", "datetime", "map": FeatureCollection}
name sources-test-wrapped
wrapped map
time property=datetime
status occupied  side=RU colour=#A52714
status contested side=   colour=#9E9E9E
default free     side=UA colour=#F3F0E6
rule occupied  kind=^ru$
rule contested kind=^grey$
