status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
