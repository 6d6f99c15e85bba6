status occupied side=RU colour=#A52714
default free side=UA colour=#F4F1E8
rule occupied status=^occupied$
