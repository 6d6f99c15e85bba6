status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
# glibc regcomp takes 4x the memory and time for every two more "+": 18 are
# 0.7 s and 190 MB, 22 are 13 s and 3 GB, 32 are > 2 min and > 20 GB
rule occupied fill=^A++++++++++++++++++52714$
