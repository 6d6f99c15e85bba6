default free side=UA colour=#F3F0E6
status occupied side=RU colour=#A52714
rule occupied fill=^A52714$
