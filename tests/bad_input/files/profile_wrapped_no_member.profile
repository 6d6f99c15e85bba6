status occupied side=RU
default free side=UA
rule occupied a=b
wrapped
