status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
# an empty group is still copied by glibc's regcomp once per repetition: (){,11800} took
# 2 GB (found by fuzz_profile: out of memory, 2026-11-30)
rule occupied name=ОРДЛО|C(){,11800}им|Crimea
