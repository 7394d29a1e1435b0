# ruff: noqa: RUF001
"""The pattern tables of site boilerplate: the phrase families (:data:`PHRASES`) and the
line patterns of comment sections, related-link lists, rule lines and cut-offs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsroom.text import lexicon


@dataclass(frozen=True, slots=True)
class Phrase:
    """A whole-line phrase family: lines up to ``max_words`` words matching ``pattern``."""

    kind: str
    pattern: re.Pattern[str]
    reason: str
    confidence: float = 0.85
    max_words: int = 40
    # ``anywhere`` is the slower part of the family (a keyword anywhere in the line);
    # on lines of more than SHORT_LINE words it runs only when one of the lower-case
    # ``triggers`` occurs in the line: a cheap prefilter for prose paragraphs.
    anywhere: re.Pattern[str] | None = None
    triggers: tuple[str, ...] = ()
    # Lower-case words of which every line ``anywhere`` matches holds at least one (read
    # off the pattern; exact unless the text holds a character that re.IGNORECASE folds
    # to ASCII, see ``Document.folds``): the gate on short lines, where ``triggers`` do
    # not apply.
    needs: tuple[str, ...] = ()


SHORT_LINE = 6


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_SOCIAL = (
    r"(?:twitter|facebook|instagram|youtube|linkedin|tiktok|snapchat|pinterest|whatsapp"
    r"|telegram|flipboard|reddit)"
)

# A body sentence reports: boilerplate never says who said what. Keyword-anywhere
# families (the slower, looser half of each family) skip lines with a reporting verb.
REPORTED_RE = re.compile(r"\b(?:" + "|".join(lexicon.REPORTED_SPEECH) + r")\b", re.IGNORECASE)

PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "advert",
        _p(
            r"^(?:advertisement|advertising|advertisment|ad|ads"
            r"|sponsored(?: content| post| links?| stories)?"
            r"|paid (?:content|post|partner(?:ship)?)|promoted(?: content| stories)?|"
            r"(?:story|article) continues (?:below|after)(?: (?:this )?(?:ad|advertisement))?|"
            r"continue reading below|advertisement\W+(?:scroll|continue).{0,40}|"
            r"support (?:my|our) sponsors?\b.*|(?:this (?:story|article|content) is )?"
            r"(?:sponsored|presented|brought to you) by\b.{0,60}|skip (?:this )?ad)\.?$"
        ),
        "ad slot or sponsor line",
        0.9,
        20,
    ),
    Phrase(
        "share_widget",
        _p(
            r"^(?:share(?: this| the)?(?: story| article| post| page| video| gallery)?(?: on| via)?"
            rf"(?: {_SOCIAL}| email)?\s*[!:]?|(?:x )?share (?:via|on)\b.{{0,30}}|"
            r"(?:[^.!?]{3,60}\?\s*)?share (?:this|the|it)(?: story| article| post)?"
            r"(?: with (?:a friend|your friends|others))?[!.]?|"
            r"\d+\s+shares?|shares?|tweet|tweet this|like this:?|like loading\.*|"
            r"pin(?: it)?|print(?: this)?(?: article| page| story)?|"
            r"e-?mail(?: this)?(?: article| story| page| to a friend)?|email a friend|"
            r"send to a friend|copy (?:the )?link|link copied|(?:addthis )?shar(?:e|ing) "
            r"(?:buttons|tools|options)|sharing is caring|(?:open|close) (?:the )?share "
            r"(?:panel|menu|options|dialog)|(?:these are|this is an?) external links?\b.{0,60}|"
            rf"(?:{_SOCIAL}|email|print|share|tweet|whatsapp|messenger|sms|copy link"
            r"|[,|•·\s])+)$"
        ),
        "share button or prompt",
        0.85,
        20,
    ),
    Phrase(
        "social_follow",
        _p(
            rf"^(?:follow\b.{{0,80}}\b(?:on|at) (?:{_SOCIAL}|social media|google news)\b.*|"
            r"follow (?:us|me|him|her|the author)\b.*|follow @\w+.*|"
            rf"(?:like|join|find|connect with|chat with) us (?:on|in) (?:{_SOCIAL}|facebook "
            rf"messenger)\b.*|subscribe (?:to (?:us|our channel) )?on (?:{_SOCIAL})\b.*|"
            r"(?:get|stay) connected\b.{0,40}|connect with us\b.{0,40})$"
        ),
        "social-channel prompt",
        0.85,
        40,
    ),
    Phrase(
        "newsletter_prompt",
        _p(
            r"^(?:(?:breaking news|daily|weekly|morning|evening) (?:news )?(?:e-?mails?|alerts|"
            r"newsletter)|get (?:the )?(?:top|latest|best|breaking) (?:news|stories|headlines)"
            r".{0,40}(?:inbox|e-?mail).*|(?:download|get) (?:the|our) .{0,30}\bapp\b.{0,60}|"
            r"(?:subscribe|join|sign up|log in|register)(?: now| today| here)?(?: for free)?!?|"
            r"(?:sign up|subscribe|register|join)(?: now| today| free)? (?:for|to) (?:the|our|my)"
            r" [^.!?]{1,60}[.!]?|"
            r"(?:subscribe|sign in|log in|register)(?: now)? to (?:continue reading|keep reading|"
            r"read (?:more|on|the full (?:story|article)|this (?:story|article))|unlock\b).*|"
            r"already a (?:subscriber|member)\??.{0,60}|"
            r"to (?:read|continue reading) (?:the full|this|the rest of (?:this|the)) "
            r"(?:story|article)\b.*|"
            r"(?:support|donate to|fund) (?:our|independent|quality) (?:journalism|reporting)\b.*|"
            r"(?:become|be) a (?:member|subscriber|supporter)\b.*|"
            r"(?:this (?:story|article|content) is )?(?:for|available to) subscribers(?: only)?\.?|"
            r"subscribers? only|premium content|sign me up|"
            r"(?:enjoy|like|liked) (?:this|the) (?:article|story)\?|"
            r"you have \d+ free articles? (?:left|remaining).*)$"
        ),
        "sign-up, app or paywall prompt",
        0.85,
        45,
        _p(
            r"^(?:.{0,60}\b(?:sign[ -]?up|subscribe|register)\b.{0,40}\b(?:newsletters?|"
            r"e-?mails?|alerts?|updates|inbox|briefing|digest)\b.*|"
            r".{0,40}\bnewsletters?\b.{0,60}\b(?:inbox|sign[ -]?up|subscribe)\b.*|"
            r".{0,80}\b(?:delivered|sent|straight|direct(?:ly)?) to your inbox\b.*|"
            r".{0,30}\bclick here to (?:get|download|subscribe|sign up|read|join)\b.*|"
            r".{0,80}(?:\b(?:for|from|just|only)\s+|^)(?:[$€£]\s?\d+(?:\.\d+)?|\d+p)\b.{0,40}"
            r"\b(?:a|per|/) ?(?:day|week|month|year)\b.{0,40}"
            r"\b(?:exclusives?|subscri\w+|access|membership|trial)\b.*)$"
        ),
        (
            "sign up",
            "sign-up",
            "signup",
            "subscribe",
            "register",
            "newsletter",
            "inbox",
            "click here",
            "$",
            "€",
            "£",
        ),
        needs=(
            "sign",
            "subscribe",
            "register",
            "newsletter",
            "inbox",
            "click here",
            "day",
            "week",
            "month",
            "year",
        ),
    ),
    Phrase(
        "cookie_notice",
        _p(
            r"^(?:(?:accept|agree|allow|reject|decline)(?: all)?(?: cookies)?"
            r"(?: (?:and|&) (?:close|continue))?|i agree|got it|ok, i agree|"
            r"cookie (?:settings|preferences|policy)|privacy (?:settings|preferences)|"
            r"manage (?:cookies|consent|"
            r"preferences|settings))$"
        ),
        "cookie or consent banner",
        0.85,
        60,
        _p(
            r"^.{0,120}\b(?:(?:we|this (?:site|website)|our (?:site|website)) uses? cookies|"
            r"accept (?:all )?cookies|cookies? (?:settings|policy|preferences|consent|notice)|"
            r"manage (?:cookies|consent|preferences)|consent to (?:the use of )?cookies|"
            r"(?:use|using) of cookies|"
            r"by (?:continuing to use|using|browsing) (?:this|our) (?:site|website)|"
            r"privacy (?:settings|preferences)|do not sell my (?:personal )?information)\b.{0,200}$"
        ),
        ("cookie", "consent", "by continuing", "by using", "by browsing", "privacy", "do not sell"),
        needs=(
            "cookie",
            "manage",
            "by continuing",
            "by using",
            "by browsing",
            "privacy",
            "do not sell",
        ),
    ),
    Phrase(
        "copyright_footer",
        _p(
            r"^(?:©.{0,150}|\(c\)\s*\d{4}.{0,150}|copyright\s*(?:©|\(c\))?\s*\d{4}.{0,150}|"
            r"this material may not be (?:published|reproduced|broadcast).{0,200}|"
            r"\(?(?:this article|this story|this content|the article|this piece) (?:was|is|has "
            r"been|first) (?:originally published|republished|published|appeared|reproduced)"
            r" (?:on|by|under|from|in|with)\b.{0,200})$"
        ),
        "copyright or legal footer",
        0.85,
        80,
        _p(
            r"^(?:.{0,100}\ball rights? reserved\.?.{0,60}|"
            r".{0,40}\b(?:19|20)\d{2}\b.{0,60}\ball rights?\.?|"
            r".{0,80}\b(?:auto-generated|generated automatically|published) from a syndicated "
            r"(?:news )?feed\b.{0,80}|"
            r".{0,60}\btranscripts? (?:is|are) (?:created|produced|provided) (?:on|by|under)"
            r".{0,300})$"
        ),
        ("all right", "syndicated", "transcript"),
        needs=("all right", "syndicated", "transcript"),
    ),
    Phrase(
        "comment_form",
        _p(
            r"^(?:join the (?:conversation|discussion)\b.*|(?:as|when) you comment\b.*|"
            r"please (?:be respectful|keep (?:it|comments|the conversation) civil)\b.*|"
            r"(?:what do you think|tell us what you think|share your (?:thoughts|views|opinions?)"
            r"|have your say)\b.{0,100}|"
            r"(?:name|e-?mail|website|comment)\s*\*|"
            r"save my name, e-?mail,? and website\b.*|"
            r"notify me of (?:follow-up comments|new posts).*|"
            r"comments? (?:are|have been) (?:closed|disabled|turned off).*)$"
        ),
        "comment form or feedback call",
        0.85,
        60,
        _p(
            r"^(?:.{0,40}\b(?:leave|post|add|write|submit) (?:a |your |the )?(?:comment|reply|"
            r"response)\b.*|.{0,80}\byour email address will not be published\b.*|"
            r".{0,80}\brequired fields are marked\b.*|"
            r".{0,80}\blet us know (?:what you think )?(?:in|below|via) (?:the )?comments?\b.*|"
            r".{0,40}\byou must (?:be )?log(?:ged)? ?in to (?:post|leave|add) a comment\b.*|"
            r".{0,40}\b(?:log|sign) ?in to (?:comment|reply|join the (?:conversation|discussion))"
            r"\b.*|.{0,40}\bcomment(?:ing)? (?:policy|guidelines|rules)\b.*|"
            r".{0,120}\bwe(?:'|’)?d (?:like|love) to hear (?:from you|what you think|your)\b.*|"
            r".{0,40}\b(?:submit|send|write) (?:us )?a letter to the editor\b.*)$"
        ),
        (
            "comment",
            "reply",
            "response",
            "email address",
            "required fields",
            "log in",
            "login",
            "logged in",
            "sign in",
            "to hear",
            "letter to the editor",
        ),
        needs=(
            "comment",
            "reply",
            "response",
            "email address",
            "required fields",
            "log",
            "sign",
            "to hear",
            "letter to the editor",
        ),
    ),
    Phrase(
        "navigation",
        _p(
            r"^(?:continue reading(?: the main story| below| the full story)?|read (?:the )?full "
            r"(?:story|article)|\d+\s*min(?:ute)?s?\.? read|reading time:?.{0,20}|"
            r"(?:related )?(?:tags|topics|categories|filed under|more on)\s*:?|tags?:.{0,200}|"
            r"topics?:.{0,200}|skip to (?:main )?content|back to top|go to top|home|menu|"
            r"(?:show|see|view|load) (?:more|less)|read less|less|more|\.{3}\s*more|… ?more|"
            r"expand|collapse|next(?: article| story)?|previous(?: article| story)?|"
            r"\[?\s*(?:read|view|show|see|load) (?:all|more)(?: \d+)? comments?\s*\]?|"
            r"(?:you are here|breadcrumbs?):.{0,120}|AP-[A-Z]{2}-{1,2}\S*.*|"
            r"(?:read|view) (?:this|the) (?:story|article) in .{0,40}|"
            r"(?:english|español|français|deutsch|中文|русский)(?:\s*[|/·•]\s*\S+){1,6})$"
        ),
        "site navigation",
        0.8,
        40,
        _p(r"^.{0,80}\b\d+(?:st|nd|rd|th) Ld-Writethru\b.*$"),
        ("writethru",),
        needs=("writethru",),
    ),
    Phrase(
        "related_links",
        _p(
            # A teaser head alone, or followed by a headline after a delimiter: a bare
            # head followed by prose ("Most popular among voters was…") is a sentence.
            r"^\[?\s*(?:(?:read more|related(?: articles?| stories| content| coverage| news|"
            r" links?| reading| topics?)?|see also|also read|also see|more on this(?: story)?|"
            r"recommended(?: for you| stories| reading)?|you (?:may|might) (?:also )?(?:like|"
            r"enjoy|be interested in)|don(?:'|’)t miss|must read|trending(?: now| stories)?|"
            r"most (?:read|popular|viewed|shared)|what to read next|further reading|"
            r"(?:more|latest|top|popular) (?:stories|news|headlines|articles)|"
            r"editor(?:'|’)?s picks?|(?:popular|more) (?:on|from|in|at) (?-i:[A-Z0-9])[\w.&'’-]*"
            r"(?:\s+(?-i:[A-Z0-9])[\w.&'’-]*){0,3})"
            r"(?:\s*(?::|\||…|\.\.\.|-|–|—|»)\s*(?:\S.{0,200})?)?"
            r"|also on \S+\.\w+\b.{0,200}|on \S+\.(?:com|org|net|co\.uk):.{0,200})\s*\]?$"
        ),
        "related-link teaser",
        0.85,
        40,
    ),
)

_BUTTON_RE = _p(r"^(?:get it|sign (?:me )?up|subscribe|submit|go|join|send|ok)(?: now)?[!.]?$")
_HEADER_RE = _p(
    r"^(?:comments?|reader comments?|(?:top|most) (?:rated|popular|recommended|liked) comments?|"
    r"\d+\s+(?:comments?|responses?|replies|thoughts)(?:\s+(?:on|to)\s+.{1,200})?|"
    r"comments?\s*\(\d+\)|"
    r"(?:there are )?no comments?(?: yet)?\.?|be the first to comment\.?|"
    r"(?:show|view|hide|load) comments?)$"
)
_DEAD_RE = _p(
    r"^(?:0\s+(?:comments?|responses?|replies)|comments?\s*\(0\)|(?:there are )?no comments?"
    r"(?: yet)?\.?|be the first to comment\.?|(?:show|view|hide|load) comments?)$"
)
_STRONG_LIVE_RE = _p(r"^(?:top|most|reader|[1-9])")
_RELATED_HEADER_RE = _p(
    r"^(?:related(?: articles?| stories| content| coverage)?|read more|you (?:may|might) "
    r"(?:also )?(?:like|enjoy)|(?:more|top|latest|trending|popular) (?:stories|news|articles|"
    r"headlines)|most (?:read|popular|viewed|shared)|recommended(?: for you| stories)?|"
    r"(?:popular|more) (?:on|from|in) .{1,40}|trending(?: now)?|don(?:'|’)t miss|must read|"
    r"editor(?:'|’)?s picks?|what to read next)\s*(?::|…|\.\.\.)?$"
)
_LEGAL_LINKS_RE = _p(
    r"^(?:privacy(?: policy| notice)?|terms(?: of (?:use|service))?|terms (?:and|&) conditions)"
    r"(?:\s*[,|•·&/]?\s*(?:and\s+)?(?:privacy(?: policy| notice)?|terms(?: of (?:use|service))?"
    r"|cookie policy))*\.?$"
)
_QUOTE_RE = re.compile(r"['‘“\"]")
_RULE_RE = re.compile(r"^(?:[-_=*~─━—–•·#+.]\s?){3,}$")
_HOVER_MORE_RE = re.compile(r"\bMORE\b")
_CUT_END_RE = re.compile(r"(?:\.{3,}|…)$")
# A cut mid-clause: the ellipsis follows a word that cannot end a sentence.
_DANGLING_RE = _p(
    r"\b(?:the|a|an|of|to|in|on|at|for|with|and|or|but|that|which|who|is|are|was|were|has|"
    r"have|had|said|from|by|as|its|their|his|her)\s*(?:\.{3,}|…)$"
)
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NOT_CJK_LEAD = bytes(b for b in range(256) if not 0xE3 <= b <= 0xED)
