default free side=UA colour=#F3F0E6
