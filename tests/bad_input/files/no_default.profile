status occupied side=RU colour=#A52714
rule occupied fill=^A52714$
