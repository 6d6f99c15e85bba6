status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
rule occupied f0=x f1=x f2=x f3=x f4=x f5=x f6=x f7=x f8=x
