# frontline classification profile: Institute for the Study of War (ISW) layers
#
# 2022: one GeoJSON file per layer per day (isw/2022/<Layer>/YYYYMMDD_<Layer>.geojson),
# features carry only {"FID": n}: the status is the layer, the file's folder and name (the
# pseudo-fields "folder" and "layer"; give a day's files as one version).
# 2023: one file per day, the status in the property "layer" (English or Japanese labels);
# features with "geometry": null are counted as without polygon.
# Statuses in precedence order (the first wins where layers overlap).
name isw
status occupied   side=RU colour=#A52714
status advance    side=   colour=#E57373
status claimed_ru side=   colour=#CE93D8
status claimed_ua side=UA colour=#64B5F6
default free      side=UA colour=#F3F0E6
front occupied

# Layers written by frontline itself (status property).
rule occupied   status=^occupied$
rule advance    status=^advance$
rule claimed_ru status=^claimed_ru$
rule claimed_ua status=^claimed_ua$

# 2023: the "layer" property.
rule occupied   layer=^(VIEW_RussiaCoTinUkraine_V3|ロシア軍支配エリア)$
rule advance    layer=^(MDS_AssessedRussianAdvanceInUkraine_view|ロシア軍侵攻エリア)$
rule claimed_ru layer=^VIEW_ClaimedRussianTerritoryinUkraine_V2$
rule claimed_ua layer=^(VIEW_ClaimedUkrainianCounteroffensives_V2|ウクライナ軍反撃エリア)$

# 2022: the layer's folder, or its file name YYYYMMDD_<Layer>.
rule occupied   folder=^RussianAssessedCoTinUkraine$
rule advance    folder=^RussianAssessedAdvanceinUkraine$
rule claimed_ru folder=^RussianClaimedCoTinUkraine$
rule claimed_ua folder=^UkrainianClaimedCounterOffensives$
rule ignore     folder=^UkrainianReportedPartisanWarfare$
rule occupied   layer=(^|_)RussianAssessedCoTinUkraine$
rule advance    layer=(^|_)RussianAssessedAdvanceinUkraine$
rule claimed_ru layer=(^|_)RussianClaimedCoTinUkraine$
rule claimed_ua layer=(^|_)UkrainianClaimedCounterOffensives$
rule ignore     layer=(^|_)UkrainianReportedPartisanWarfare$
