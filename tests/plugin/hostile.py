"""Hostile input shared by the wall's form tests and the social import tests, so an
imported post is held to exactly the rules a visitor's message is."""

#: Banned terms configured on the walls under test.
BANNED_TERMS = "kafir\nmurtad"

#: A banned term in disguise: each must be caught wherever the text comes from.
DISGUISES = {
    "cyrillic": "You are k\u0430f\u0456r",  # Cyrillic a and i
    "fullwidth": "You are \uff4b\uff41\uff46\uff49\uff52",
    "zero-width": "You are k\u200ba\u200cf\u200di\u2060r",
    "mixed case and accents": "You are KÁFIR",
}

#: Markup that must never reach a page as executable.
SCRIPTS = [
    '<script>alert("x")</script>Hello',
    '<img src=x onerror="alert(1)">Hello',
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
]
