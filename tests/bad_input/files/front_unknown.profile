status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
front occupado
rule occupied fill=^A52714$
