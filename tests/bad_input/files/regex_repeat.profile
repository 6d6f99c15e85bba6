status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
# glibc regcomp copies a bounded repetition's operand once per count, in time and memory
# quadratic in the copies: C{,11800} takes 1.1 GB, a{1,32767} 29 s and 8 GB
rule occupied name=ОРДЛО|C{,11800}им|Crimea
