status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
# an anchor in a repeated group: glibc's regcomp took over 2 GB on ($){11,800}
# (found by fuzz_profile: out of memory, 2026-12-06)
rule occupied name=ОРДЛО|C($){11,800}им|Crimea
rule occupied name=x(a|^){11,300}
