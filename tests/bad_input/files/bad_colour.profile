status occupied side=RU colour=red
default free side=UA
rule occupied fill=^A52714$
