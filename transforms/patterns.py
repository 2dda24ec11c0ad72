"""The regular expressions that define the input format, in one place.

Every pattern is written for polars' Rust regex engine (no look-around, no
back-references) and is applied to whole columns at once. Each comes with an example
line it is meant to match.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
# A month as the site abbreviates it, or spelled further (`Sept`, `September`), never
# followed by other letters: `Octopus 2` or `Marker 12` (a short title) is no date.
_MONTH = (
    "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# A date as the site prints it: `Nov 21, 2022`, `Apr 7` (no year), `Sept. 3, 2021`, `Nov 21 2022`.
# `month` is the month as written; its first three letters are the key of MONTHS.
# Digits are ASCII: a full-width `２０２３` is damage to report, not a year to drop.
DATE = rf"(?P<month>{_MONTH})\.?\s*(?P<day>[0-9]{{1,2}})(?:(?:\s*,\s*|\s+)(?P<year>[0-9]{{4}}))?"

# Anything that *looks* like a meta line: short, glued, with a month and a day in it.
# `89.2CVApr 7`, `LGOct 3, 2023Code`, and damaged ones such as `lgApr 7`, `CVFeb 30, 2024`,
# `LGaug 1, 2023code`, `LG Aug 1, ２０２３` or `８９.２CVApr 7`. A line matching this starts a
# new entry, so a damaged meta line is quarantined with its entry instead of its lines
# being read as the header (where a title would become the owner's name); whether it
# parses is decided by META_LINE. The month keeps its capital (`Codec 2`, `Grammar 2`,
# `Trojan 3` are titles) except right after a category in capitals (`LGaug 1`), which is
# also the only place a space may stand before it (`LG Aug 1`, never `Update Mar 3`).
META_LIKE = (
    rf"^[\d.,]*\s*(?:[A-Za-z\-]{{0,12}}?{_MONTH}|[A-Z]{{2,8}}\s*(?i:{_MONTH}))"
    r"\.?\s*\d{1,2}(?:\s*,\s*\d{1,5}|\s+\d{4})?\s*(?i:code)?$"
)

# The strict meta line: optional score, category code (two or more capitals), date, `Code`.
# `89.2CVApr 7` -> score 89.2, category CV, Apr 7;  `LGOct 3, 2023Code` -> has_code.
META_LINE = (
    r"^(?:(?P<score>[0-9]{1,3}(?:\.[0-9]+)?)\s*)?"
    r"(?P<category>[A-Z]{2,})\s*"
    rf"(?P<date>{DATE})"
    r"\s*(?P<code>Code)?$"
)

# What a line is trimmed of: white space (Unicode's) and the invisible format characters
# that copy-and-paste leaves at the ends of lines (zero-width space, word joiner, BOM,
# soft hyphen, direction marks and embeddings). Inside a line they stay.
EDGE_CHARS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# Invisible characters inside a line that copy-and-paste leaves (zero-width space, word
# joiner, BOM, soft hyphen, direction marks and embeddings): `CV\u200bNov 21, 2022` is a
# meta line, `Yi\u00adhua Zhang` a name. Taken out of the parsed text of short lines (all
# but abstracts, which are stored as received); the raw line keeps them. Zero-width
# joiners and non-joiners stay: emoji and some scripts need them.
INVISIBLE = "[\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]"

# Characters that group thousands besides the comma: a space, a no-break space, a thin
# space, a narrow no-break space (`1 928`, as French and SI style print it).
THOUSANDS_SPACES = " \u00a0\u2009\u202f"
# A whole number in ASCII digits: `1928`, `1,928`, `1 928`. Separators only between groups
# of three (`1,2,3` is damage, not 123; a space cannot swallow a neighbouring number).
_GROUP1 = r"[1-9][0-9]{0,2}"  # the first group of a grouped number: `0,123` or `0.123` is no thousand
_INT = rf"(?:{_GROUP1}(?:,[0-9]{{3}})+|{_GROUP1}(?:[{THOUSANDS_SPACES}][0-9]{{3}})+|[0-9]+)"
# Counts are whole numbers, so a dot or an apostrophe between groups of three groups
# thousands too (`1.928` in German style, `1'928` in Swiss): it cannot be a decimal point
# there. (Novelty and AI score may have decimals: there only `,` and spaces group.)
COUNT_SEPARATORS = ".'’"
_COUNT = rf"(?:{_INT}|{_GROUP1}(?:\.[0-9]{{3}})+|{_GROUP1}(?:['’][0-9]{{3}})+)"
# Header lines. `h-index42`, `h-index 42`
H_INDEX = rf"(?i)^h-?index\s*:?\s*(?P<v>{_COUNT})$"
# `42papers`, `42 papers`, `1paper` (the profile's paper count; lower-case label)
PAPER_COUNT = rf"^(?P<v>{_COUNT})\s*papers?$"
# `42 Papers`, `1 Paper` (the count line above the list; capital P)
LISTED_COUNT = rf"^(?P<v>{_COUNT})\s*Papers?$"
# `1,928citations`, `1,928 citations`, `1 928 citations`, `1.928 citations`
CITATIONS = rf"(?i)^(?P<v>{_COUNT})\s*citations?$"
# `Novelty58%`, `Novelty 58 %`
NOVELTY = rf"(?i)^novelty\s*:?\s*(?P<v>{_INT}(?:\.[0-9]+)?)\s*%$"
# `AI Score66`, `AI Score 66.5`
AI_SCORE = rf"(?i)^ai\s*score\s*:?\s*(?P<v>{_INT}(?:\.[0-9]+)?)$"
# `LG` alone on a line: the primary category.
CATEGORY_LINE = r"^[A-Z]{2,8}$"
# A header line that names a metric but carries no usable number: `h-index`, `citations`,
# `Novelty%`, `h-indexN/A`, `??citations`. Checked only after the good patterns failed.
GARBLED_METRIC = r"(?i)(?:^h-?index|^novelty|^ai\s*score|citations?$|papers$)"
# Which metric a garbled line names, for the quarantine reason.
METRIC_LABEL = r"(?i)(h-?index|novelty|ai\s*score|citations?|papers)"

# Names. A name word starts with a capital and goes on with lower-case letters, marks,
# apostrophes, hyphens or dots, where a capital inside the word starts a lower-case run
# (`Yihua`, `O'Brien`, `McDonald`, `LeCun`, `Pin-Yu`, `J.`, `A.J.`) or the word ends in
# capitals (`ZHANG`, `McDONALD`); so `LLMJane` (an acronym glued to a name) and
# `Models李明` (a title word glued to a name) are not name words. In a script without case
# (CJK, Arabic, Devanagari, ...) a word is a run of its letters and marks: `李明`. Particles
# stay lower-case (`van`, `de`, `'t`), and so do elided or hyphenated prefixes before a
# capital (`d'Alembert`, `al-Khwarizmi`, `Ó hÉigeartaigh`). An apostrophe may be typed as
# `’`, `´` or `ʼ` (`O´Brien`). Words are separated by spaces, tabs or non-breaking spaces.
_SP = r"[ \t\x{A0}\x{202F}]"
_TAIL = r"[\p{Ll}\p{M}'’‘´ʼ.\-‐‑]"
_CASED_WORD = rf"[\p{{Lu}}\p{{Lt}}]{_TAIL}*(?:\p{{Lu}}{_TAIL}+)*(?:\p{{Lu}}\p{{M}}*)*"
_CASELESS_WORD = r"[\p{Lo}\p{Lm}][\p{Lo}\p{Lm}\p{M}'’.\-]*"
_WORD = rf"(?:{_CASED_WORD}|{_CASELESS_WORD})"
_PARTICLE = (
    r"(?:van|von|der|den|de|del|della|delle|dei|degli|des|di|da|dal|dalla|das|do|dos|du|e|"
    r"la|las|le|los|an|bin|binti|binte|ben|ibn|abu|al|el|ul|ur|ten|ter|te|het|in|op|af|av|y|i|wa|zu|zum|zur|vom|"
    r"['’]t|['’]s)"
)
_PREFIXED = (
    r"(?:d|l|o|dell|dall)['’´]\p{Lu}[\p{L}\p{M}'’´.\-]*|(?:al|el|bin)-\p{Lu}[\p{L}\p{M}'’´.\-]*"
    # Irish surnames after `Ó`, `Mac`, `Ní`: a lower-case h, n or t, or an eclipsing
    # pair, before the capital (`Ó hÉigeartaigh`, `Mac an tSaoi`, `Ó nDubhda`, `Ó gCadhla`).
    r"|(?:h|n|t|mb|gc|nd|ng|bp|dt|bhf)\p{Lu}[\p{Ll}\p{M}'’´.\-]*"
)
# A nickname in quotes between the names, as arXiv lists some authors: `Xiang 'Anthony' Chen`.
_NICKNAME = r"['‘\x22“]\p{Lu}[\p{L}\p{M}.\-]*['’\x22”]"
_NAME_PART = rf"(?:{_WORD}|{_PREFIXED}|{_PARTICLE}|{_NICKNAME})"
# The nickname as a word of a (case-folded) name, with the spaces around it.
QUOTED_NICKNAME = r"(?:^| )['‘\x22“][^ '’\x22”]+['’\x22”](?: |$)"
# One author: words separated by spaces, the first a capitalised word. `Yann LeCun`,
# `Madonna`, `María José de la Cruz García de la Vega`. The number of words is not
# bounded: a bounded repeat (`{0,9}`) multiplies the automaton and made this pattern
# 40 times slower, and the right-most rule never needs the bound.
_NAME = rf"{_WORD}(?:{_SP}+{_NAME_PART})*"
# A full name: two or more words, starting with a given name: a capital followed by a
# lower-case letter, a mark or an initial's dot (`Seán O'Brien`, `J. Doe`, `Ludwig van
# Beethoven`), never two capitals (`DJane` is the `D` of `3D` glued to `Jane`).
_GIVEN_NAME = rf"\p{{Lu}}[\p{{Ll}}\p{{M}}.'’‘]{_TAIL}*(?:\p{{Lu}}{_TAIL}+)*(?:\p{{Lu}}\p{{M}}*)*"
_FULL_NAME = rf"{_GIVEN_NAME}(?:{_SP}+{_NAME_PART})+"
_ETAL = rf"(?:,?{_SP}+et\.?{_SP}+al\.?)?"  # `et al.`, and the common typo `et. al.`

# A whole author line: `Aochuan Chen, Yuguang Yao, Pin-Yu Chen et al.`
AUTHOR_LINE = rf"^{_NAME}(?:{_SP}*,{_SP}*{_NAME})*{_ETAL}$"

# The compact layout glues the title to the author list:
# `Sparse Tuning for Long Contexts: Methods, Limits, and MoreJane Doe, Ravi Kumar et al.`
# The greedy `.*` makes the engine take the right-most split point whose remainder is a
# well-formed author list starting with a full name; the title must end in a lower-case
# letter (a combining mark, in decomposed text), a digit, or closing punctuation, in any
# script (`)`, `»`, `）`, `?`, `.`, `"`, `:`), `+ # % *` (`C++`, `C#`, `90%`, `A*`), a
# symbol (`🚀`, `™`, `∞`, `€`) or a letter of a script without case (`…学习Jane Doe`).
_AUTHOR_LIST = rf"{_FULL_NAME}(?:{_SP}*,{_SP}*{_NAME})*{_ETAL}"
# A double quote ends a title (`Opening the "Black Box"`, `Beyond “AI”`) unless a space
# stands before it (then it opens a nickname: `Xiang "Anthony" Chen`). A single quote or
# apostrophe ends one only as a plural possessive (`Learning from Teachers'`) or when the
# title opened a quote before it (`What Makes a 'good' Prompt`, `Rethinking 'SOTA'`):
# otherwise it is a name's elision (`ModelsO'Neil Jones` splits before `O'Neil`, and
# `…, Marc'Aurelio Ranzato` or `N'Golo Kanté` are never cut).
_TITLE_END = r"(?:[\p{Lowercase}\p{Lo}\p{M}\p{N}\p{Pe}\p{Pf}\p{So}\p{Sm}\p{Sc}\?!\.…:+#%*$--[’”]]|[^\s][\x22”]|s['’])"
# The quoted part: an opening quote after a space or bracket that is no particle (`'t Hooft`,
# `'s Gravesande`), words whose apostrophes stand before a lower-case letter (`'Don't
# Panic'`, `'Children's Story'`; never an elision like `O'Neil`), and its closing quote.
_QUOTED_TITLE_END = (
    r"(?:^|[\s(\[{])['‘](?:[^\s'’ts]|[ts][^\s'’])(?:(?:[^'’]|['’]\p{Ll})*[^\s'’])?['’]"
)
COMPACT_SPLIT = rf"^(?P<title>.*{_TITLE_END})(?P<authors>{_AUTHOR_LIST})$"
# Tried before COMPACT_SPLIT on lines with a single quote: a title closed by a quote right
# before a valid author list wins over a point further right inside that list (`'3D'Jane
# Doe` is not `'3` by `D'Jane Doe`). A pass of its own, because one pattern with both
# endings does not reliably prefer this one.
COMPACT_SPLIT_AFTER_QUOTE = rf"^(?P<title>.*{_QUOTED_TITLE_END})(?P<authors>{_AUTHOR_LIST})$"
# The right-most point can fall inside a later author whose surname has an inner capital
# and another word after it (`…LearningJane Doe, Tom Mc|Coy Jr.`, `Hugh Mac|Leod Smith`):
# the title then ends in a glued author list, the start of that author and a surname
# prefix that takes an inner capital (`Mc`, `Mac`, `De`, `La`, `Van`, `Fitz`, ...; a title
# word such as `Code` or `Go` is none). Such a title is split again and its list joined to
# the authors (kept only if the joined list is well formed; repeated for a second such
# author).
# Glued initials cut the same way (`…, Ricky T.|Q. Chen`, `…, A.|J. Smith`): a title that
# ends in a glued list and initials is split again too.
_INNER_CAPITAL_PREFIX = r"(?:Mc|Mac|De|Del|Dela|Della|Di|Da|Du|Le|La|Van|Von|Fitz)"
_INITIALS = r"(?:\p{Lu}\.)+"
ENDS_IN_INNER_CAPITAL_PREFIX = rf"{_INNER_CAPITAL_PREFIX}$"
# Initials are cut only before another initial (`T.|Q. Chen`): `…, Ricky T.Jane Doe` is no
# name, and neither is `GPT-4V.Jane Doe` (a title's last capital after a digit).
ENDS_IN_INITIALS = rf"[\s,]{_INITIALS}$"
STARTS_WITH_INITIAL = r"^\p{Lu}\."
COMPACT_REJOIN = (
    rf"^(?P<title>.*(?:{_TITLE_END}|\p{{Lu}}))"
    rf"(?P<authors>{_FULL_NAME}(?:{_SP}*,{_SP}*{_NAME})*{_SP}*,{_SP}*(?:{_NAME}{_SP}+)?"
    rf"(?:{_INNER_CAPITAL_PREFIX}|{_INITIALS}))$"
)
# The first author's glued initials (`…NetworksA.J. Smith`, `…(revisited)J.R.R. Tolkien`): the
# right-most point leaves the title ending in initials glued to a title end (`NetworksA.`
# by `J. Smith`); those initials start the first author when the list they make is well
# formed and the authors left start with another initial. Not after a capital, a digit or
# a dot, where they may be the title's own (`…the USA.`, `…the U.S.`, `…in 3D.`,
# `…Llama-2-70B.`, `…H2O.`), and so are left there.
TITLE_ENDS_IN_GLUED_INITIALS = (
    rf"^(?P<title>.*[\p{{Lowercase}}\p{{Lo}}\p{{M}}\p{{Pe}}\p{{Pf}}\p{{So}}\p{{Sm}}\p{{Sc}}?!…:+#%*\x22”])"
    rf"(?P<initials>{_INITIALS})$"
)
AUTHOR_LIST_LINE = rf"^{_AUTHOR_LIST}$"
# Only where COMPACT_SPLIT finds no point: a title ending in an acronym glued to the
# authors, `…for NLPJane Doe, Li Wei` or `…in 3DJane Doe` (split before `Jane`).
COMPACT_SPLIT_AFTER_ACRONYM = rf"^(?P<title>.*\p{{Lu}})(?P<authors>{_AUTHOR_LIST})$"

# A person's name on a header line (the profile owner): `Yihua Zhang`, `John Smith, Jr.`
OWNER_NAME_LINE = rf"^{_NAME}(?:{_SP}*,{_SP}*(?:(?:Jr|Sr)\.?|II|III|IV))?$"

# A generational suffix set off by a comma belongs to the name before it, not to an author
# of its own: `John Smith, Jr., Li Wei` is `John Smith Jr.` and `Li Wei`.
NAME_SUFFIX_AFTER_COMMA = r",[ \t\x{A0}]*((?:Jr|Sr)\.?|II|III|IV)([ \t\x{A0}]*(?:,|$|et\.?[ \t\x{A0}]+al))"

# An author line that cannot be a list of places, topics or a job title: every name has
# two or more words (`Guanhua Zhang, Yihua Zhang`), or it ends in `et al.`. Used where a
# line is judged out of place (`Paris, London, Berlin` is no author list here, nor
# `Stanford University, Stanford, CA`).
ONE_WORD_ITEM = r"(?:^|,)[ \t\x{A0}]*[^\s,]+[ \t\x{A0}]*(?:,|$)"
ET_AL = r"\bet\.?\s+al\b"
# What makes an author line a list rather than one name: a comma or `et al.`.
LIST_MARK = rf",|{ET_AL}"

# Trailing ` et al.` of a truncated author list.
ET_AL_SUFFIX = r",?\s+et\.?\s+al\.?\s*$"

# URLs in abstracts: `\url{https://x.y/z}` is unwrapped first, then bare URLs are taken.
LATEX_URL = r"\\url\{([^}]*)\}"
# `\_`, `\%`, `\#`, `\&`, `\~`: LaTeX escapes of characters that links contain.
LATEX_ESCAPED_URL_CHAR = r"\\([_%#&~])"
# A link ends at white space, at `<>"{}|\^`[]`, and at punctuation or a symbol outside
# ASCII (`—`, `。`, `，`, `…`, `）`, `🚀`), which no link needs but prose glues on; letters of
# any script stay (`wiki/Café`).
_URL_CHARS = r"[[^\s<>\x22{}\\|^`\[\]]--[[\p{P}\p{S}]--[\x00-\x7F]]]"
# The code hosts as abstracts write them (`github.com`, `GitHub.com`, `HuggingFace.co`).
# Spelled out, not `(?i)`: a case-insensitive host made the link pattern 10-200 times
# slower, as the engine could no longer look for the host's letters first.
_CODE_HOSTS = r"(?:[Gg]it[Hh]ub\.com|[Gg]it[Ll]ab\.com|[Bb]it[Bb]ucket\.org|[Hh]ugging[Ff]ace\.co)"
_PATH_START = r"[A-Za-z0-9_~\-]"
# A link: `https://x.y/z`, or a code host's link written without a scheme (`github.com/a/b`,
# `www.github.com/a/b`, `gist.github.com/u/1`), which abstracts often do: it starts an ASCII
# word (`notgithub.com/x` is none; `代码见github.com/a/b` is one) and has a path (`github.com/.` is no link). A code host's
# name inside another host or an address (`docs.github.com/x`, `user@github.com/x`) is
# matched too, from its `.`, `@` or `-`, only to be dropped (CODE_HOST_INSIDE): matched
# there, it cannot yield a link of its own, and links elsewhere keep their places. (A
# delimiter required before the link instead made every abstract's scan ten times slower.)
_SCHEMELESS = rf"(?:www\.|gist\.)?{_CODE_HOSTS}/{_PATH_START}{_URL_CHARS}*"
URL = rf"(?i:https?)://{_URL_CHARS}+|[.@\-]{_SCHEMELESS}|(?-u:\b){_SCHEMELESS}"
CODE_HOST_INSIDE = r"^[.@\-]"
# Sentence punctuation glued after a URL is not part of it: `.`, `,`, `)` (as the format
# says) and, by the same rule, `;`, `:`, `!`, `?`, closing quotes (`'`, `”`, `’`, `»`) and
# Markdown's emphasis (`**https://github.com/a/b**`).
URL_TRAILING = r"[.,;:!?')”’»*]+$"
CODE_HOST_URL = rf"(?i)^https?://(?:www\.|gist\.)?{_CODE_HOSTS}(?:[/:?#]|$)"

# Titles and names are compared without case, punctuation, spacing or Unicode form.
# A title's match key keeps letters, digits, symbols (`+`, `=`, `<`, `€`, `∞`, `™`, `🚀`)
# and the punctuation that carries meaning in titles (`#`, `%`, `*`, `&`, `@`): `C++`, `C#`
# and `C` are three papers, `A*` is not `A`, and `A (1+1) EA` is not `A (1,1) EA`. The
# punctuation that pages render differently goes (`:` or ` - `, quotes, dashes, brackets,
# `?`, `.`), and so do spacing, marks and LaTeX's syntax (`$k$-Means` is `k-Means`,
# `Near~Optimal` is `Near Optimal`: `$ ~ ^ | \` go).
TITLE_KEY_DROPPED = r"[^\p{L}\p{N}\p{Sm}\p{Sc}\p{So}#%*&@]+|[$~^|\\]+"
WHITESPACE = r"\s+"
