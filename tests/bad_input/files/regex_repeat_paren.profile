status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
# a ")" that closes no group is a literal to glibc's regcomp: C){,11800} repeats it 11800
# times (found by fuzz_profile: out of memory, 2026-11-30)
rule occupied name=ОРДЛО|C){,11800}им|Crimea
