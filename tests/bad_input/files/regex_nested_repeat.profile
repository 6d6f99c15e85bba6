status occupied side=RU colour=#A52714
default free side=UA colour=#F3F0E6
# nested repetitions multiply: 10,000 copies of "a"
rule occupied name=(a{100}){100}
