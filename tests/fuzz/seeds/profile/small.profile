name "small test"
status occupied side=RU colour=#A52714
status "grey zone" side= color=#9E9E9E
default free side=UA colour=#F3F0E6
front occupied
rule occupied status=^occupied$ name="^(Crimea|ОРДЛО)"   # a comment
rule ignore fill=^(FF5252|CE93D8)$
rule "grey zone" fill=^BCAAA4$ description=.*
rule occupied empty
