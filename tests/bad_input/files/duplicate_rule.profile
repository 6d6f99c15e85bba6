status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
rule occupied fill=^A52714$
rule ignore fill=^FF5252$
rule occupied fill=^A52714$
